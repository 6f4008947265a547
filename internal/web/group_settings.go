package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// groupForm is the settings form as typed.
type groupForm struct {
	Name, Description, Website, Timezone, ContactEmail, Language string
}

func (s *Server) settingsData(g *turnout.Group, f groupForm, m *turnout.Membership) fiber.Map {
	return zoneSelect(fiber.Map{"Title": "Settings of " + g.Name, "Group": g, "Form": f, "Errors": map[string]string{},
		"Owner": m.Role == turnout.RoleOwner, "EmbedURL": s.cfg.BaseURL + "/groups/" + g.Slug + "/embed", "LanguageChoices": languageChoices()}, g.Timezone, f.Timezone)
}

// groupSettingsPage is GET /groups/{group}/settings.
func (s *Server) groupSettingsPage(c *fiber.Ctx) error {
	_, g, m, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	f := groupForm{Name: g.Name, Description: g.Description, Website: g.Website, Timezone: g.Timezone, ContactEmail: g.ContactEmail, Language: g.Language}
	return s.render(c, "pages/group_settings", s.settingsData(g, f, m))
}

// updateGroupSettings is POST /groups/{group}/settings.
func (s *Server) updateGroupSettings(c *fiber.Ctx) error {
	_, g, m, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	f := groupForm{Name: c.FormValue("name"), Description: c.FormValue("description"), Website: c.FormValue("website"),
		Timezone: c.FormValue("timezone"), ContactEmail: c.FormValue("contact_email"), Language: c.FormValue("language")}
	ctx := c.UserContext()
	in := turnout.GroupInput{Name: &f.Name, Description: &f.Description, Website: &f.Website, Timezone: &f.Timezone, ContactEmail: &f.ContactEmail, Language: &f.Language}
	if _, err := s.store.UpdateGroup(ctx, g.ID, in); err != nil {
		return s.formFailure(c, err, "pages/group_settings", s.settingsData(g, f, m))
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/settings", "Settings saved.")
}

// deleteGroup is POST /groups/{group}/delete (owners): the group's slug must
// be typed to confirm, and groups with public events are kept.
func (s *Server) deleteGroup(c *fiber.Ctx) error {
	_, g, m, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	f := groupForm{Name: g.Name, Description: g.Description, Website: g.Website, Timezone: g.Timezone, ContactEmail: g.ContactEmail, Language: g.Language}
	if c.FormValue("confirm") != g.Slug {
		err := &turnout.Error{Code: turnout.EINVALID, Message: "The group was not deleted.", Fields: map[string]string{"confirm": "Type " + g.Slug + " to confirm."}}
		return s.formFailure(c, err, "pages/group_settings", s.settingsData(g, f, m))
	}
	ctx := c.UserContext()
	if err := s.store.DeleteGroup(ctx, g.ID); err != nil {
		return s.formFailure(c, err, "pages/group_settings", s.settingsData(g, f, m))
	}
	return s.redirectFlash(c, "/dashboard", "The group "+g.Name+" is deleted.")
}
