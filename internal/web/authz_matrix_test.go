package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/picture"
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

// member reports whether the actor belongs to riverside, the group every
// route of the matrix acts on.
func (a actor) member() bool { return a.name == "organiser" || a.name == "owner" }

// matrixFixture is what one request of the matrix acts on: made fresh for
// every (route, actor) pair so that earlier successes do not change later cases.
type matrixFixture struct {
	n                    int
	group                int64  // riverside
	draft, published     string // event slugs in riverside
	draftID, publishedID int64
	member               int64 // a plain organiser of riverside, to change or remove
	token                int64 // an API token of the acting account
	invitation           int64 // a pending invitation to riverside
	rsvp                 int64 // an RSVP to the published event, by "Rosa {n}"
	actor                int64 // the acting account, 0 for nobody
}

// replacer fills a route's placeholders with the fixture's values.
func (fx matrixFixture) replacer() *strings.Replacer {
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	return strings.NewReplacer("{draft}", fx.draft, "{published}", fx.published, "{draftID}", i(fx.draftID),
		"{publishedID}", i(fx.publishedID), "{member}", i(fx.member), "{token}", i(fx.token),
		"{invitation}", i(fx.invitation), "{rsvp}", i(fx.rsvp), "{n}", strconv.Itoa(fx.n), "{group}", i(fx.group),
		"{actor}", i(fx.actor))
}

// effect is one SQL query whose single value must equal want after an
// allowed call; both may hold fixture placeholders.
type effect struct{ query, want string }

// matrixRoute is one organiser route or API call.
type matrixRoute struct {
	name, method, path string // path, form, json, shows and effects may hold fixture placeholders
	form               url.Values
	json               string
	upload             bool // multipart: a small PNG as image, with form
	ownerOnly          bool
	adminOnly          bool     // an /admin page: administrators only, 404 to every other account
	ok                 int      // status for allowed callers
	shows              string   // GET: the answer to an allowed caller holds this
	effects            []effect // non-GET: what an allowed call must have changed
}

// onDraft reports whether the route acts on the fixture's draft, so that
// outsiders must get exactly the answer for a slug no event has.
func (r matrixRoute) onDraft() bool { return strings.Contains(r.path, "{draft}") }

func one(query, want string) []effect { return []effect{{query, want}} }

// matrixRoutes is every organiser route: pages, attendee pages, the CSV,
// check-in and the organiser API, plus the event routes again on a draft.
func matrixRoutes() []matrixRoute {
	ev := eventFormValues()
	ev.Set("title", "Die-in {n}")
	const titleOf = "SELECT title FROM events WHERE id = "
	const statusOf = "SELECT status FROM events WHERE id = "
	return []matrixRoute{
		{name: "PasswordPage", method: "GET", path: "/account/password", ok: 200, shows: "password"},
		{name: "AdminPage", method: "GET", path: "/admin", adminOnly: true, ok: 200, shows: "&lt;admin@example.org&gt;"},
		{name: "SettingsPage", method: "GET", path: "/groups/riverside/settings", ok: 200, shows: `name="timezone"`},
		{name: "SettingsSave", method: "POST", path: "/groups/riverside/settings", form: url.Values{"name": {"Renamed {n}"}, "timezone": {"UTC"}}, ok: 303,
			effects: one("SELECT name FROM groups WHERE id = {group}", "Renamed {n}")},
		{name: "FederationPage", method: "GET", path: "/groups/riverside/federation", ok: 200, shows: "social{n}.example/users/fixture"},
		{name: "FederationOff", method: "POST", path: "/groups/riverside/federation", form: url.Values{"on": {"off"}}, ownerOnly: true, ok: 303,
			effects: one("SELECT count(*) FROM ap_groups_off WHERE group_id = {group}", "1")},
		{name: "RemoveFollower", method: "POST", path: "/groups/riverside/federation/followers/remove", form: url.Values{"actor": {"https://social{n}.example/users/fixture"}}, ownerOnly: true, ok: 303,
			effects: one("SELECT count(*) FROM ap_followers WHERE actor_id = 'https://social{n}.example/users/fixture'", "0")},
		{name: "BlockDomain", method: "POST", path: "/groups/riverside/federation/blocks", form: url.Values{"domain": {"social{n}.example"}}, ownerOnly: true, ok: 303,
			effects: []effect{{"SELECT count(*) FROM ap_blocks WHERE domain = 'social{n}.example'", "1"}, {"SELECT count(*) FROM ap_followers WHERE domain = 'social{n}.example'", "0"}}},
		{name: "DeleteGroup", method: "POST", path: "/groups/riverside/delete", form: url.Values{"confirm": {"riverside"}}, ownerOnly: true, ok: 409},
		{name: "MembersPage", method: "GET", path: "/groups/riverside/members", ok: 200, shows: "member{n}@example.org"},
		{name: "Invite", method: "POST", path: "/groups/riverside/members/invite", form: url.Values{"role": {"organiser"}}, ownerOnly: true, ok: 200,
			effects: one("SELECT count(*) FROM invitations WHERE group_id = {group} AND id > {invitation}", "1")},
		{name: "ChangeRole", method: "POST", path: "/groups/riverside/members/{member}/role", form: url.Values{"role": {"owner"}}, ownerOnly: true, ok: 303,
			effects: one("SELECT role FROM memberships WHERE account_id = {member} AND group_id = {group}", "owner")},
		{name: "RemoveMemberPage", method: "GET", path: "/groups/riverside/members/{member}/remove", ownerOnly: true, ok: 200, shows: "Yes, remove"},
		{name: "RemoveMember", method: "POST", path: "/groups/riverside/members/{member}/remove", form: url.Values{"confirm": {"yes"}}, ownerOnly: true, ok: 303,
			effects: one("SELECT count(*) FROM memberships WHERE account_id = {member}", "0")},
		{name: "RevokeInvitation", method: "POST", path: "/groups/riverside/invitations/{invitation}/revoke", ownerOnly: true, ok: 303,
			effects: one("SELECT count(*) FROM invitations WHERE id = {invitation}", "0")},
		{name: "TokensPage", method: "GET", path: "/account/tokens", ok: 200, shows: "fixture {n}"},
		{name: "TokenCreate", method: "POST", path: "/account/tokens", form: url.Values{"name": {"script {n}"}}, ok: 200,
			effects: one("SELECT count(*) FROM api_tokens WHERE account_id = {actor} AND name = 'script {n}'", "1")},
		{name: "TokenRevoke", method: "POST", path: "/account/tokens/{token}/revoke", ok: 303,
			effects: one("SELECT count(*) FROM api_tokens WHERE id = {token}", "0")},
		{name: "NewEventPage", method: "GET", path: "/groups/riverside/events/new", ok: 200, shows: `name="title"`},
		{name: "CreateEvent", method: "POST", path: "/groups/riverside/events/new", form: ev, ok: 303,
			effects: one("SELECT count(*) FROM events WHERE group_id = {group} AND title = 'Die-in {n}'", "1")},
		{name: "EditPage", method: "GET", path: "/events/{published}/edit", ok: 200, shows: "Fixture {n} public"},
		{name: "EditSave", method: "POST", path: "/events/{published}/edit", form: ev, ok: 303,
			effects: one(titleOf+"{publishedID}", "Die-in {n}")},
		{name: "Unpublish", method: "POST", path: "/events/{published}/unpublish", ok: 303, effects: one(statusOf+"{publishedID}", "draft")},
		{name: "CancelPage", method: "GET", path: "/events/{published}/cancel", ok: 200, shows: "Fixture {n} public"},
		{name: "Cancel", method: "POST", path: "/events/{published}/cancel", form: url.Values{"reason": {"Rain {n}"}}, ok: 303,
			effects: one("SELECT status || ' ' || cancel_reason FROM events WHERE id = {publishedID}", "cancelled Rain {n}")},
		{name: "Duplicate", method: "POST", path: "/events/{published}/duplicate", ok: 303,
			effects: one("SELECT count(*) FROM events WHERE group_id = {group} AND title = 'Fixture {n} public' AND status = 'draft'", "1")},
		{name: "Attendees", method: "GET", path: "/events/{published}/attendees", ok: 200, shows: "Rosa {n}"},
		{name: "AttendeesCSV", method: "GET", path: "/events/{published}/attendees.csv", ok: 200, shows: "Rosa {n}"},
		{name: "CheckIn", method: "POST", path: "/events/{published}/attendees/{rsvp}/checkin", form: url.Values{"checked_in": {"1"}}, ok: 303,
			effects: one("SELECT count(*) FROM rsvps WHERE id = {rsvp} AND checked_in_at IS NOT NULL", "1")},
		{name: "APICreate", method: "POST", path: "/api/v1/groups/riverside/events", json: strings.Replace(apiEventBody, "Anti-racist demo", "Demo {n}", 1), ok: 201,
			effects: one("SELECT count(*) FROM events WHERE group_id = {group} AND title = 'Demo {n}'", "1")},
		{name: "APIPatch", method: "PATCH", path: "/api/v1/events/{published}", json: `{"title": "Patched {n}"}`, ok: 200,
			effects: one(titleOf+"{publishedID}", "Patched {n}")},
		{name: "APICancel", method: "POST", path: "/api/v1/events/{published}/cancel", json: `{"reason": "Rain {n}"}`, ok: 200,
			effects: one("SELECT status || ' ' || cancel_reason FROM events WHERE id = {publishedID}", "cancelled Rain {n}")},
		{name: "APIRSVPs", method: "GET", path: "/api/v1/events/{published}/rsvps", ok: 200, shows: "Rosa {n}"},

		{name: "EventImage", method: "POST", path: "/events/{published}/image", upload: true, form: url.Values{"alt": {"Poster {n}"}}, ok: 303,
			effects: one("SELECT alt FROM images WHERE event_id = {publishedID}", "Poster {n}")},
		{name: "EventImageDelete", method: "POST", path: "/events/{published}/image/delete", ok: 303,
			effects: one("SELECT count(*) FROM images WHERE event_id = {publishedID}", "0")},
		{name: "GroupImage", method: "POST", path: "/groups/riverside/image", upload: true, form: url.Values{"alt": {"Poster {n}"}}, ok: 303,
			effects: one("SELECT alt FROM images WHERE group_id = {group}", "Poster {n}")},
		{name: "GroupImageDelete", method: "POST", path: "/groups/riverside/image/delete", ok: 303,
			effects: one("SELECT count(*) FROM images WHERE group_id = {group}", "0")},
		{name: "APIEventImage", method: "POST", path: "/api/v1/events/{published}/image", upload: true, form: url.Values{"alt": {"Poster {n}"}}, ok: 201,
			effects: one("SELECT alt FROM images WHERE event_id = {publishedID}", "Poster {n}")},
		{name: "APIEventImageDelete", method: "DELETE", path: "/api/v1/events/{published}/image", ok: 204,
			effects: one("SELECT count(*) FROM images WHERE event_id = {publishedID}", "0")},
		{name: "APIGroupImage", method: "POST", path: "/api/v1/groups/riverside/image", upload: true, form: url.Values{"alt": {"Poster {n}"}}, ok: 201,
			effects: one("SELECT alt FROM images WHERE group_id = {group}", "Poster {n}")},
		{name: "APIGroupImageDelete", method: "DELETE", path: "/api/v1/groups/riverside/image", ok: 204,
			effects: one("SELECT count(*) FROM images WHERE group_id = {group}", "0")},

		// The same routes on a draft: outsiders must not learn that it exists.
		{name: "DraftEditPage", method: "GET", path: "/events/{draft}/edit", ok: 200, shows: "Fixture {n} draft"},
		{name: "DraftEditSave", method: "POST", path: "/events/{draft}/edit", form: ev, ok: 303, effects: one(titleOf+"{draftID}", "Die-in {n}")},
		{name: "DraftPreview", method: "GET", path: "/events/{draft}/preview", ok: 200, shows: "Fixture {n} draft"},
		{name: "DraftPublish", method: "POST", path: "/events/{draft}/publish", ok: 303, effects: one(statusOf+"{draftID}", "published")},
		{name: "DraftCancelPage", method: "GET", path: "/events/{draft}/cancel", ok: 200, shows: "Fixture {n} draft"},
		{name: "DraftDeletePage", method: "GET", path: "/events/{draft}/delete", ok: 200, shows: "Fixture {n} draft"},
		{name: "DraftDelete", method: "POST", path: "/events/{draft}/delete", ok: 303,
			effects: one("SELECT count(*) FROM events WHERE id = {draftID}", "0")},
		{name: "DraftDuplicate", method: "POST", path: "/events/{draft}/duplicate", ok: 303,
			effects: one("SELECT count(*) FROM events WHERE group_id = {group} AND title = 'Fixture {n} draft'", "2")},
		{name: "DraftAttendees", method: "GET", path: "/events/{draft}/attendees", ok: 200, shows: "Fixture {n} draft"},
		{name: "DraftAttendeesCSV", method: "GET", path: "/events/{draft}/attendees.csv", ok: 200, shows: "name,email"},
		{name: "DraftCheckIn", method: "POST", path: "/events/{draft}/attendees/{rsvp}/checkin", form: url.Values{"checked_in": {"1"}}, ok: 404},
		{name: "APIDraft", method: "GET", path: "/api/v1/events/{draft}", ok: 200, shows: `"slug":"{draft}"`},
		{name: "APIDraftPatch", method: "PATCH", path: "/api/v1/events/{draft}", json: `{"title": "Patched {n}"}`, ok: 200,
			effects: one(titleOf+"{draftID}", "Patched {n}")},
		{name: "DraftEventImage", method: "POST", path: "/events/{draft}/image", upload: true, form: url.Values{"alt": {"Poster {n}"}}, ok: 303,
			effects: one("SELECT alt FROM images WHERE event_id = {draftID}", "Poster {n}")},
		{name: "APIDraftEventImage", method: "POST", path: "/api/v1/events/{draft}/image", upload: true, form: url.Values{"alt": {"Poster {n}"}}, ok: 201,
			effects: one("SELECT alt FROM images WHERE event_id = {draftID}", "Poster {n}")},
		{name: "APIDraftRSVPs", method: "GET", path: "/api/v1/events/{draft}/rsvps", ok: 200, shows: `"rsvps":[]`},
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
	case r.adminOnly && who == "admin":
		return r.ok
	case r.adminOnly:
		return 404 // the administrators' pages are not advertised
	case who != "nobody" && strings.HasPrefix(r.path, "/account/"):
		return r.ok // every signed-in account has its own
	case (who == "other" || who == "admin") && r.onDraft():
		return 404 // another group's draft is no event at all
	case who == "other" || who == "admin":
		return 403 // an administrator is no organiser of riverside
	case who == "organiser" && r.ownerOnly:
		return 403
	}
	return r.ok
}

// allowed reports whether the actor's call is one the route must carry out.
func (r matrixRoute) allowed(who string) bool {
	want := r.expected(who)
	return want == r.ok && want < 400 && (who != "nobody" || r.name == "PasswordPage")
}

// TestAuthorisationMatrix sends every organiser and administrator route as
// every kind of caller (nobody, an administrator of the instance, another
// group's organiser, a plain organiser, an owner) on
// both databases. Each answer has the expected status; a refused call leaves
// the whole store unchanged (storetest.Snapshot: every table, RSVPs, sessions
// and articles included); an allowed call has its effect checked in the
// database, and an allowed page holds what it is for. On a draft, a caller
// outside the group gets exactly the answer for a slug no event has.
func TestAuthorisationMatrix(t *testing.T) {
	routes := matrixRoutes()
	for _, r := range routes {
		if r.ok < 400 && r.name != "DeleteGroup" && r.shows == "" && len(r.effects) == 0 {
			t.Fatalf("route %s checks no effect", r.name)
		}
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		actors := matrixActors(t, st, app)
		riverside := groupID(t, st, "riverside")
		n := 0
		for _, r := range routes {
			for _, a := range actors {
				t.Run(r.name+"/"+a.name, func(t *testing.T) {
					n++
					fx := newFixture(t, st, riverside, a, n)
					rep := fx.replacer()
					path := rep.Replace(r.path)
					rr := r
					rr.json = rep.Replace(r.json)
					rr.form = url.Values{}
					for k, vs := range r.form {
						rr.form.Set(k, rep.Replace(vs[0]))
					}
					before := storetest.Snapshot(t, st)
					resp, body := sendAs(t, app, a, rr, path)
					want := r.expected(a.name)
					if resp.StatusCode != want {
						t.Fatalf("%s %s: status %d, want %d: %.300s", r.method, path, resp.StatusCode, want, body)
					}
					if a.name == "nobody" && want == 303 && !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
						t.Errorf("redirected to %q, not the login page", resp.Header.Get("Location"))
					}
					after := storetest.Snapshot(t, st)
					if !r.allowed(a.name) || r.method == "GET" || r.ok >= 400 {
						if after != before {
							t.Fatalf("%s %s as %s changed the database:\nbefore %s\nafter  %s", r.method, path, a.name, before, after)
						}
					}
					if r.allowed(a.name) {
						checkEffect(t, st, rep, r, body)
					}
					if r.onDraft() && !a.member() {
						sameAsMissing(t, app, a, rr, fx, resp, body)
					}
				})
			}
		}
	})
}

// checkEffect checks that an allowed call did what it is for.
func checkEffect(t *testing.T, st *store.Store, rep *strings.Replacer, r matrixRoute, body string) {
	t.Helper()
	if r.shows != "" && !strings.Contains(body, rep.Replace(r.shows)) {
		t.Fatalf("%s: answer lacks %q: %.500s", r.name, rep.Replace(r.shows), body)
	}
	for _, e := range r.effects {
		var got string
		q := rep.Replace(e.query)
		if err := st.SQLDB().QueryRowContext(context.Background(), q).Scan(&got); err != nil {
			t.Fatalf("%s: %s: %v", r.name, q, err)
		}
		if want := rep.Replace(e.want); got != want {
			t.Fatalf("%s: %s = %q, want %q", r.name, q, got, want)
		}
	}
}

// sameAsMissing sends the request again with a slug no event has and
// requires the same status, location and body, the slug aside.
func sameAsMissing(t *testing.T, app *fiber.App, a actor, r matrixRoute, fx matrixFixture, resp *http.Response, body string) {
	t.Helper()
	missing := fmt.Sprintf("no-such-event-%d-2031-01-01", fx.n)
	path := strings.ReplaceAll(r.path, "{draft}", missing)
	path = fx.replacer().Replace(path)
	resp2, body2 := sendAs(t, app, a, r, path)
	norm := func(s, slug string) string { return strings.ReplaceAll(s, slug, "{slug}") }
	if resp2.StatusCode != resp.StatusCode || norm(body, fx.draft) != norm(body2, missing) ||
		norm(resp.Header.Get("Location"), url.QueryEscape("/events/"+fx.draft)) != norm(resp2.Header.Get("Location"), url.QueryEscape("/events/"+missing)) &&
			norm(resp.Header.Get("Location"), fx.draft) != norm(resp2.Header.Get("Location"), missing) {
		t.Fatalf("a draft answers %s differently from no event:\ndraft   %d %s %.400s\nmissing %d %s %.400s", a.name,
			resp.StatusCode, resp.Header.Get("Location"), body, resp2.StatusCode, resp2.Header.Get("Location"), body2)
	}
}

// sendAs sends the route's request as the actor: forms through the actor's
// browser (with its CSRF token), API calls with its bearer token.
func sendAs(t *testing.T, app *fiber.App, a actor, r matrixRoute, path string) (*http.Response, string) {
	t.Helper()
	alt := r.form.Get("alt")
	if strings.HasPrefix(path, "/api/") {
		if r.upload {
			return do(t, app, uploadRequest(t, path, a.token, "poster.png", testPNG(t), alt))
		}
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
	if r.upload {
		fields := map[string]string{}
		for k := range form {
			fields[k] = form.Get(k)
		}
		ctype, body := multipartBody(t, "poster.png", testPNG(t), fields)
		req := httptest.NewRequest("POST", path, body)
		req.Header.Set("Content-Type", ctype)
		return b.send(req)
	}
	return b.post("", path, form)
}

func matrixActors(t *testing.T, st *store.Store, app *fiber.App) []actor {
	ctx := context.Background()
	ownerTok := seedOrganiser(t, st, "owner@example.org", "riverside")
	orgTok := seedOrganiser(t, st, "organiser@example.org", "riverside")
	otherTok := seedOrganiser(t, st, "other@example.org", "harbour")
	adminTok := seedOrganiser(t, st, "admin@example.org", "townhall")
	if err := st.SetAdmin(ctx, "admin@example.org", true); err != nil {
		t.Fatal(err)
	}
	out := []actor{{name: "nobody"}}
	for _, a := range []struct{ name, email, token string }{
		{"admin", "admin@example.org", adminTok}, {"other", "other@example.org", otherTok}, {"organiser", "organiser@example.org", orgTok}, {"owner", "owner@example.org", ownerTok},
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
	t.Helper()
	ctx := context.Background()
	title := fmt.Sprintf("Fixture %d", n)
	draft := seedEvent(t, st, groupID, title+" draft", 72*time.Hour, func(in *turnout.EventInput) {
		s := turnout.StatusDraft
		in.Status = &s
	})
	pub := seedEvent(t, st, groupID, title+" public", 96*time.Hour, nil)
	// Pictures for the delete routes to remove.
	files, err := picture.Process(testPNG(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetEventImage(ctx, pub.ID, turnout.ImageInput{Alt: "Fixture poster", Files: files}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetGroupImage(ctx, groupID, turnout.ImageInput{Alt: "Fixture banner", Files: files}); err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("member%d@example.org", n)
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: email, Name: "Member", GroupSlug: "riverside"}); err != nil {
		t.Fatal(err)
	}
	fx := matrixFixture{n: n, group: groupID, draft: draft.Slug, published: pub.Slug, draftID: draft.ID, publishedID: pub.ID, actor: a.account}
	members, err := st.FindMembers(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
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
	r, _, err := st.CreateRSVP(ctx, pub.ID, turnout.RSVPInput{Name: fmt.Sprintf("Rosa %d", n), Email: fmt.Sprintf("rosa%d@example.org", n), Status: turnout.RSVPGoing})
	if err != nil {
		t.Fatal(err)
	}
	fx.rsvp = r.ID
	follower := fmt.Sprintf("https://social%d.example/users/fixture", n)
	if err := st.AddFollower(ctx, &turnout.Follower{GroupID: groupID, ActorID: follower, Inbox: follower + "/inbox", Domain: fmt.Sprintf("social%d.example", n)}); err != nil {
		t.Fatal(err)
	}
	if a.account != 0 {
		tok, err := st.CreateAPIToken(ctx, a.account, fmt.Sprintf("fixture %d", n))
		if err != nil {
			t.Fatal(err)
		}
		toks, err := st.FindAPITokens(ctx, a.account)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range toks {
			if k.Name == fmt.Sprintf("fixture %d", n) {
				fx.token = k.ID
			}
		}
		if fx.token == 0 || tok == "" {
			t.Fatal("fixture token not found")
		}
	}
	return fx
}
