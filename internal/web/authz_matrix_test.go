package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// actor is one kind of caller in the authorisation matrix.
type actor struct {
	name    string
	browser *browser // nil for nobody
	token   string   // API token, "" for nobody
	account int64
	csrf    string // the session's CSRF token (constant for a session)
}

// matrixFixture is what one request of the matrix acts on: made fresh for
// every (route, actor) pair so that earlier successes do not change later cases.
type matrixFixture struct {
	draft, published string // event slugs in the riverside group
	member           int64  // a plain organiser of riverside, to change or remove
	token            int64  // an API token of the acting account
	invitation       int64  // a pending invitation to riverside
}

// matrixRoute is one organiser route or API call.
type matrixRoute struct {
	name, method, path string // path may hold {draft}, {published}, {member}, {token}, {invitation}
	form               url.Values
	json               string
	ownerOnly          bool
	ok                 int // status for allowed callers
}

func matrixRoutes() []matrixRoute {
	ev := eventFormValues()
	return []matrixRoute{
		{name: "PasswordPage", method: "GET", path: "/account/password", ok: 200},
		{name: "SettingsPage", method: "GET", path: "/groups/riverside/settings", ok: 200},
		{name: "SettingsSave", method: "POST", path: "/groups/riverside/settings", form: url.Values{"name": {"Renamed"}, "timezone": {"UTC"}}, ok: 303},
		{name: "DeleteGroup", method: "POST", path: "/groups/riverside/delete", form: url.Values{"confirm": {"riverside"}}, ownerOnly: true, ok: 409},
		{name: "MembersPage", method: "GET", path: "/groups/riverside/members", ok: 200},
		{name: "Invite", method: "POST", path: "/groups/riverside/members/invite", form: url.Values{"role": {"organiser"}}, ownerOnly: true, ok: 200},
		{name: "ChangeRole", method: "POST", path: "/groups/riverside/members/{member}/role", form: url.Values{"role": {"owner"}}, ownerOnly: true, ok: 303},
		{name: "RemoveMemberPage", method: "GET", path: "/groups/riverside/members/{member}/remove", ownerOnly: true, ok: 200},
		{name: "RemoveMember", method: "POST", path: "/groups/riverside/members/{member}/remove", form: url.Values{"confirm": {"yes"}}, ownerOnly: true, ok: 303},
		{name: "RevokeInvitation", method: "POST", path: "/groups/riverside/invitations/{invitation}/revoke", ownerOnly: true, ok: 303},
		{name: "TokensPage", method: "GET", path: "/account/tokens", ok: 200},
		{name: "TokenCreate", method: "POST", path: "/account/tokens", form: url.Values{"name": {"script"}}, ok: 200},
		{name: "TokenRevoke", method: "POST", path: "/account/tokens/{token}/revoke", ok: 303},
		{name: "NewEventPage", method: "GET", path: "/groups/riverside/events/new", ok: 200},
		{name: "CreateEvent", method: "POST", path: "/groups/riverside/events/new", form: ev, ok: 303},
		{name: "EditPage", method: "GET", path: "/events/{published}/edit", ok: 200},
		{name: "EditSave", method: "POST", path: "/events/{published}/edit", form: ev, ok: 303},
		{name: "Preview", method: "GET", path: "/events/{draft}/preview", ok: 200},
		{name: "Publish", method: "POST", path: "/events/{draft}/publish", ok: 303},
		{name: "Unpublish", method: "POST", path: "/events/{published}/unpublish", ok: 303},
		{name: "CancelPage", method: "GET", path: "/events/{published}/cancel", ok: 200},
		{name: "Cancel", method: "POST", path: "/events/{published}/cancel", form: url.Values{"reason": {"Rain"}}, ok: 303},
		{name: "DeletePage", method: "GET", path: "/events/{draft}/delete", ok: 200},
		{name: "Delete", method: "POST", path: "/events/{draft}/delete", ok: 303},
		{name: "Duplicate", method: "POST", path: "/events/{published}/duplicate", ok: 303},
		{name: "APICreate", method: "POST", path: "/api/v1/groups/riverside/events", json: apiEventBody, ok: 201},
		{name: "APIPatch", method: "PATCH", path: "/api/v1/events/{published}", json: `{"title": "Patched"}`, ok: 200},
		{name: "APICancel", method: "POST", path: "/api/v1/events/{published}/cancel", json: `{"reason": "Rain"}`, ok: 200},
		{name: "APIDraft", method: "GET", path: "/api/v1/events/{draft}", ok: 200},
	}
}

// expected is the status an actor should get for a route.
func (r matrixRoute) expected(who string) int {
	api := strings.HasPrefix(r.path, "/api/")
	switch {
	case who == "nobody" && r.name == "APIDraft":
		return 404 // drafts do not exist for the public
	case who == "nobody" && api:
		return 401
	case who == "nobody":
		return 303 // to the login page
	case who != "nobody" && strings.HasPrefix(r.path, "/account/"):
		return r.ok // every signed-in account has its own
	case who == "other" && r.name == "APIDraft":
		return 404
	case who == "other":
		return 403
	case who == "organiser" && r.ownerOnly:
		return 403
	}
	return r.ok
}

func TestAuthorisationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		actors := matrixActors(t, st, app)
		riverside := groupID(t, st, "riverside")
		n := 0
		for _, r := range matrixRoutes() {
			for _, a := range actors {
				t.Run(r.name+"/"+a.name, func(t *testing.T) {
					n++
					fx := newFixture(t, st, riverside, a, n)
					path := strings.NewReplacer("{draft}", fx.draft, "{published}", fx.published,
						"{member}", strconv.FormatInt(fx.member, 10), "{token}", strconv.FormatInt(fx.token, 10),
						"{invitation}", strconv.FormatInt(fx.invitation, 10)).Replace(r.path)
					before := snapshot(t, st)
					resp, body := sendAs(t, app, a, r, path)
					want := r.expected(a.name)
					if resp.StatusCode != want {
						t.Fatalf("%s %s: status %d, want %d: %.300s", r.method, path, resp.StatusCode, want, body)
					}
					if a.name == "nobody" && want == 303 && !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
						t.Errorf("redirected to %q, not the login page", resp.Header.Get("Location"))
					}
					if want >= 300 && want != 303 || a.name == "nobody" {
						if after := snapshot(t, st); after != before {
							t.Fatalf("refused request changed the database:\nbefore %s\nafter  %s", before, after)
						}
					}
				})
			}
		}
	})
}

// sendAs sends the route's request as the actor: forms through the actor's
// browser (with its CSRF token), API calls with its bearer token.
func sendAs(t *testing.T, app *fiber.App, a actor, r matrixRoute, path string) (*http.Response, string) {
	t.Helper()
	if strings.HasPrefix(path, "/api/") {
		return do(t, app, apiRequest(r.method, path, a.token, r.json))
	}
	b := a.browser
	if b == nil {
		b = newBrowser(t, app)
	}
	if r.method == "GET" {
		return b.get(path)
	}
	form := url.Values{}
	for k, v := range r.form {
		form[k] = v
	}
	if a.browser != nil {
		form.Set("_csrf", a.csrf)
	} else {
		form.Set("_csrf", b.csrf("/login"))
	}
	return b.post("", path, form)
}

func matrixActors(t *testing.T, st *store.Store, app *fiber.App) []actor {
	ctx := context.Background()
	ownerTok := seedOrganiser(t, st, "owner@example.org", "riverside")
	orgTok := seedOrganiser(t, st, "organiser@example.org", "riverside")
	otherTok := seedOrganiser(t, st, "other@example.org", "harbour")
	out := []actor{{name: "nobody"}}
	for _, a := range []struct{ name, email, token string }{
		{"other", "other@example.org", otherTok}, {"organiser", "organiser@example.org", orgTok}, {"owner", "owner@example.org", ownerTok},
	} {
		acct, err := st.Authenticate(ctx, a.email, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, app)
		b.login(a.email, testPassword)
		out = append(out, actor{name: a.name, browser: b, token: a.token, account: acct.ID, csrf: b.csrf("/dashboard")})
	}
	return out
}

func newFixture(t *testing.T, st *store.Store, groupID int64, a actor, n int) matrixFixture {
	ctx := context.Background()
	title := fmt.Sprintf("Fixture %d", n)
	draft := seedEvent(t, st, groupID, title+" draft", 72*time.Hour, func(in *turnout.EventInput) {
		s := turnout.StatusDraft
		in.Status = &s
	})
	pub := seedEvent(t, st, groupID, title+" public", 96*time.Hour, nil)
	email := fmt.Sprintf("member%d@example.org", n)
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: email, Name: "Member", GroupSlug: "riverside"}); err != nil {
		t.Fatal(err)
	}
	fx := matrixFixture{draft: draft.Slug, published: pub.Slug}
	members, _ := st.FindMembers(ctx, groupID)
	for _, m := range members {
		if m.Email == email {
			fx.member = m.AccountID
		}
	}
	_, inv, err := st.CreateInvitation(ctx, groupID, fx.member, turnout.RoleOrganiser)
	if err != nil {
		t.Fatal(err)
	}
	fx.invitation = inv.ID
	if a.account != 0 {
		if _, err := st.CreateAPIToken(ctx, a.account, "fixture"); err != nil {
			t.Fatal(err)
		}
		toks, _ := st.FindAPITokens(ctx, a.account)
		fx.token = toks[0].ID
	}
	return fx
}

// snapshot summarises everything organiser routes can change: groups,
// events, memberships, invitations and API tokens.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var parts []string
	for _, slug := range []string{"riverside", "harbour"} {
		g, err := st.FindGroupBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("group %s %q %s %s", g.Slug, g.Name, g.Timezone, g.UpdatedAt))
		events, _ := st.FindGroupEvents(ctx, g.ID)
		for _, e := range events {
			parts = append(parts, fmt.Sprintf("event %s %q %s %d %s", e.Slug, e.Title, e.Status, e.Sequence, e.UpdatedAt))
		}
		members, _ := st.FindMembers(ctx, g.ID)
		for _, m := range members {
			parts = append(parts, fmt.Sprintf("member %s %d %s", slug, m.AccountID, m.Role))
			if strings.HasPrefix(m.Email, "member") {
				continue // fixture members never hold tokens
			}
			toks, _ := st.FindAPITokens(ctx, m.AccountID)
			parts = append(parts, fmt.Sprintf("tokens %d %d", m.AccountID, len(toks)))
		}
		invs, _ := st.FindInvitations(ctx, g.ID)
		parts = append(parts, fmt.Sprintf("invitations %s %d", slug, len(invs)))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
