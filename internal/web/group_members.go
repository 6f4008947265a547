package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// membersPage is GET /groups/{group}/members: every member sees the list;
// owners also get the forms to invite, change roles and remove.
func (s *Server) membersPage(c *fiber.Ctx) error {
	acct, g, m, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	return s.renderMembers(c, acct, g, m, fiber.Map{})
}

func (s *Server) renderMembers(c *fiber.Ctx, acct *turnout.Account, g *turnout.Group, m *turnout.Membership, data fiber.Map) error {
	ctx := c.UserContext()
	members, err := s.store.FindMembers(ctx, g.ID)
	if err != nil {
		return err
	}
	if m.Role == turnout.RoleOwner {
		invs, err := s.store.FindInvitations(ctx, g.ID)
		if err != nil {
			return err
		}
		data["Invitations"] = invs
	}
	for k, v := range map[string]any{"Errors": map[string]string{}, "InviteRole": "", "InviteEmail": ""} {
		if _, ok := data[k]; !ok {
			data[k] = v
		}
	}
	data["Title"] = "Members of " + g.Name
	data["Group"] = g
	data["Members"] = members
	data["Me"] = acct.ID
	data["Owner"] = m.Role == turnout.RoleOwner
	data["CanLeave"] = canLeave(members, acct.ID)
	return s.render(c, "pages/group_members", data)
}

// invite is POST /groups/{group}/members/invite (owners): it shows the new
// single-use link once; only its hash is stored. With an email address (and
// email on) the link is also sent to it; it still works copied by hand.
func (s *Server) invite(c *fiber.Ctx) error {
	acct, g, m, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	email := strings.TrimSpace(c.FormValue("email"))
	ctx := c.UserContext()
	var token string
	var inv *turnout.Invitation
	if email == "" {
		token, inv, err = s.store.CreateInvitation(ctx, g.ID, acct.ID, role)
	} else {
		token, inv, err = s.emailInvitation(c, acct, g, role, email)
	}
	if turnout.ErrorCode(err) == turnout.EINVALID || turnout.ErrorCode(err) == turnout.ERATELIMITED {
		c.Status(statusOf[turnout.ErrorCode(err)])
		return s.renderMembers(c, acct, g, m, fiber.Map{"InviteEmail": email, "InviteRole": role,
			"Errors": turnout.ErrorFields(err), "Error": turnout.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderMembers(c, acct, g, m, fiber.Map{"InviteURL": s.cfg.BaseURL + "/invitations/" + token, "Invitation": inv})
}

// emailInvitation makes an invitation for email and queues its link to it,
// within the per-account limit.
func (s *Server) emailInvitation(c *fiber.Ctx, acct *turnout.Account, g *turnout.Group, role, email string) (string, *turnout.Invitation, error) {
	if !s.cfg.MailOn() {
		return "", nil, &turnout.Error{Code: turnout.EINVALID, Message: "This site does not send email: leave the address empty and send the link yourself.",
			Fields: map[string]string{"email": "This site does not send email: leave the address empty and send the link yourself."}}
	}
	over, err := s.hitLimit(c, limitInviteMail, strconv.FormatInt(acct.ID, 10))
	if err != nil {
		return "", nil, err
	}
	if over {
		return "", nil, turnout.Errorf(turnout.ERATELIMITED, "You have emailed many invitations in the last hour. Wait a while, or leave the address empty and send the link yourself.")
	}
	return s.store.EmailInvitation(c.UserContext(), g.ID, acct.ID, role, email)
}

// memberAccount reads the member id of the route.
func memberAccount(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("account"), 10, 64)
	if err != nil || id <= 0 {
		return 0, turnout.Errorf(turnout.ENOTFOUND, "That person is not a member of this group.")
	}
	return id, nil
}

// setRole is POST /groups/{group}/members/{account}/role (owners).
func (s *Server) setRole(c *fiber.Ctx) error {
	return s.ownerMemberAction(c, "Role changed.", func(ctx context.Context, groupID, accountID int64) error {
		return s.store.SetMemberRole(ctx, groupID, accountID, c.FormValue("role"))
	})
}

// canLeave reports whether account may leave a group of these members:
// anyone but the last owner.
func canLeave(members []turnout.Member, account int64) bool {
	owners, mine := 0, ""
	for _, m := range members {
		if m.Role == turnout.RoleOwner {
			owners++
		}
		if m.AccountID == account {
			mine = m.Role
		}
	}
	return mine != "" && (mine != turnout.RoleOwner || owners > 1)
}

// removeMemberPage is GET /groups/{group}/members/{account}/remove (owners):
// "Remove X from the group?" before anything happens.
func (s *Server) removeMemberPage(c *fiber.Ctx) error {
	acct, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	return s.renderRemoveMember(c, acct, g)
}

func (s *Server) renderRemoveMember(c *fiber.Ctx, acct *turnout.Account, g *turnout.Group) error {
	id, err := memberAccount(c)
	if err != nil {
		return err
	}
	if id == acct.ID {
		return errRemoveSelf
	}
	ctx := c.UserContext()
	members, err := s.store.FindMembers(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.AccountID == id {
			return s.render(c, "pages/confirm", fiber.Map{
				"Title": "Remove a member", "Heading": "Remove " + m.DisplayName + " from " + g.Name + "?",
				"Explain": m.DisplayName + " will no longer see or change the group's events and attendees. Their account stays; an owner can invite them again.",
				"Action":  "/groups/" + g.Slug + "/members/" + strconv.FormatInt(id, 10) + "/remove", "Yes": "Yes, remove " + m.DisplayName,
				"Back": "/groups/" + g.Slug + "/members",
			})
		}
	}
	return turnout.Errorf(turnout.ENOTFOUND, "That person is not a member of this group.")
}

// removeMember is POST /groups/{group}/members/{account}/remove (owners)
// with confirm=yes; without it, it asks first. Owners leave through
// leaveGroup, not here.
func (s *Server) removeMember(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.removeMemberPage(c)
	}
	acct, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	id, err := memberAccount(c)
	if err != nil {
		return err
	}
	if id == acct.ID {
		return errRemoveSelf
	}
	ctx := c.UserContext()
	if err := s.store.RemoveMember(ctx, g.ID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/members", "Member removed.")
}

// errRemoveSelf refuses an owner's removing themselves: leaving is its own
// action, which the last owner is refused.
var errRemoveSelf = turnout.Errorf(turnout.ECONFLICT, "To leave the group, use “Leave this group” on the members page.")

// leaveGroupPage is GET /groups/{group}/leave: any member but the last owner.
func (s *Server) leaveGroupPage(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	return s.render(c, "pages/confirm", fiber.Map{
		"Title": "Leave a group", "Heading": "Leave " + g.Name + "?",
		"Explain": "You will no longer see or change its events and attendees. An owner can invite you again.",
		"Action":  "/groups/" + g.Slug + "/leave", "Yes": "Yes, leave " + g.Name, "Back": "/groups/" + g.Slug + "/members",
	})
}

// leaveGroup is POST /groups/{group}/leave with confirm=yes. The last owner
// cannot leave (ECONFLICT from the store).
func (s *Server) leaveGroup(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.leaveGroupPage(c)
	}
	acct, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := s.store.RemoveMember(ctx, g.ID, acct.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/dashboard", "You have left "+g.Name+".")
}

// ownerMemberAction checks that an owner acts on a member of the group,
// applies change and returns to the members page with flash.
func (s *Server) ownerMemberAction(c *fiber.Ctx, flash string, change func(ctx context.Context, groupID, accountID int64) error) error {
	_, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	id, err := memberAccount(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := change(ctx, g.ID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/members", flash)
}

// revokeInvitation is POST /groups/{group}/invitations/{id}/revoke (owners).
func (s *Server) revokeInvitation(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "Invitation not found.")
	}
	ctx := c.UserContext()
	if err := s.store.RevokeInvitation(ctx, g.ID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/members", "Invitation withdrawn. Its link no longer works.")
}
