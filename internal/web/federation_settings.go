package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// federationPageData is what the group's federation page shows.
type federationPageData struct {
	Group        *turnout.Group
	Owner        bool
	InstanceOn   bool   // the instance federates at all
	On           bool   // this group federates
	Handle       string // @group@host, what people type into Mastodon's search
	Followers    []*turnout.Follower
	Blocked      []string
	DomainError  string
	DomainTyped  string
	FollowersURL string
}

// federationPage is GET /groups/{group}/federation: who follows the group
// from other servers, the switch, and blocked domains.
func (s *Server) federationPage(c *fiber.Ctx) error {
	_, g, m, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	return s.renderFederation(c, g, m, "", "")
}

func (s *Server) renderFederation(c *fiber.Ctx, g *turnout.Group, m *turnout.Membership, domainError, typed string) error {
	ctx := c.UserContext()
	on, err := s.store.FederationOn(ctx, g.ID)
	if err != nil {
		return err
	}
	followers, err := s.store.FindFollowers(ctx, g.ID)
	if err != nil {
		return err
	}
	blocked, err := s.store.FindBlockedDomains(ctx, g.ID)
	if err != nil {
		return err
	}
	d := federationPageData{Group: g, Owner: m.Role == turnout.RoleOwner, InstanceOn: s.fed != nil, On: on,
		Followers: followers, Blocked: blocked, DomainError: domainError, DomainTyped: typed}
	if s.fed != nil {
		d.Handle = "@" + g.Slug + "@" + s.fed.site.Host
	}
	if domainError != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "pages/group_federation", fiber.Map{"Title": "Following " + g.Name + " from the fediverse", "Page": d})
}

// setGroupFederation is POST /groups/{group}/federation (owners): on=on or off.
func (s *Server) setGroupFederation(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	on := c.FormValue("on")
	if on != "on" && on != "off" {
		return turnout.Errorf(turnout.EINVALID, "Choose on or off.")
	}
	if err := s.store.SetFederation(c.UserContext(), g.ID, on == "on"); err != nil {
		return err
	}
	msg := "Federation is on: people on other servers can follow the group."
	if on == "off" {
		msg = "Federation is off: the group cannot be followed, and nothing more is sent to its followers."
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/federation", msg)
}

// removeFollower is POST /groups/{group}/federation/followers/remove (owners).
func (s *Server) removeFollower(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	actor := c.FormValue("actor")
	if actor == "" {
		return turnout.Errorf(turnout.EINVALID, "Choose the follower to remove.")
	}
	if err := s.store.RemoveFollower(c.UserContext(), g.ID, actor); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/federation", "Follower removed. They can follow again unless you block their server.")
}

// serverName reads the server an owner typed: a name, an address pasted
// from the browser, or someone's @user@server handle.
func serverName(typed string) string {
	d := strings.ToLower(strings.TrimSpace(typed))
	if strings.Contains(d, "://") {
		if u, err := url.Parse(d); err == nil {
			return u.Hostname()
		}
	}
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		d = d[i+1:]
	}
	return strings.TrimSuffix(d, "/")
}

// validDomain reports whether d looks like a host name.
func validDomain(d string) bool {
	if len(d) < 3 || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// blockDomain is POST /groups/{group}/federation/blocks (owners): refuse a
// server's follows and drop its followers.
func (s *Server) blockDomain(c *fiber.Ctx) error {
	_, g, m, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	typed := c.FormValue("domain")
	d := serverName(typed)
	if !validDomain(d) {
		return s.renderFederation(c, g, m, "Enter a server's name, such as mastodon.example.", typed)
	}
	if err := s.store.BlockDomain(c.UserContext(), g.ID, d); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/federation", d+" is blocked: its people cannot follow the group, and its followers were removed.")
}

// unblockDomain is POST /groups/{group}/federation/blocks/remove (owners).
func (s *Server) unblockDomain(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c, turnout.RoleOwner)
	if err != nil {
		return err
	}
	d := c.FormValue("domain")
	if err := s.store.UnblockDomain(c.UserContext(), g.ID, d); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/federation", d+" is no longer blocked.")
}
