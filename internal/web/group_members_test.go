package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

var inviteLink = regexp.MustCompile(`http://turnout\.test(/invitations/[A-Za-z0-9_-]+)`)

func TestInvitationsAndRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "owner@example.org", "riverside")
		owner := newBrowser(t, app)
		owner.login("owner@example.org", testPassword)
		g, _ := st.FindGroupBySlug(ctx, "riverside")

		resp, body := owner.post("/groups/riverside/members", "/groups/riverside/members/invite", url.Values{"role": {"organiser"}})
		m := inviteLink.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil {
			t.Fatalf("invite: status %d, no link", resp.StatusCode)
		}
		link := m[1]

		// A new person accepts by creating an account; the link then stops working.
		newcomer := newBrowser(t, app)
		resp, body = newcomer.post(link, link, url.Values{"name": {"Cy"}, "email": {"cy@example.org"}, "password": {"short"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `id="password-error"`) {
			t.Fatalf("accept with short password: status %d", resp.StatusCode)
		}
		resp, _ = newcomer.post(link, link, url.Values{"name": {"Cy"}, "email": {"cy@example.org"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fdashboard" {
			t.Fatalf("accept: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		newcomer.login("cy@example.org", testPassword)
		if _, body := newcomer.get("/dashboard"); !strings.Contains(body, "Group riverside") {
			t.Fatal("the newcomer's dashboard lacks the group")
		}
		if resp, _ := newBrowser(t, app).get(link); resp.StatusCode != 404 {
			t.Fatalf("used invitation: status %d", resp.StatusCode)
		}
		cy, err := st.Authenticate(ctx, "cy@example.org", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if mm, err := st.FindMembership(ctx, cy.ID, g.ID); err != nil || mm.Role != turnout.RoleOrganiser {
			t.Fatalf("membership %+v %v", mm, err)
		}

		// Organisers may not manage members.
		members := "/groups/riverside/members"
		cyID := strconv.FormatInt(cy.ID, 10)
		resp, _ = newcomer.post(members, members+"/invite", url.Values{"role": {"owner"}})
		if resp.StatusCode != 403 {
			t.Fatalf("organiser invites: status %d", resp.StatusCode)
		}
		ownerAcct, _ := st.Authenticate(ctx, "owner@example.org", testPassword)
		ownerID := strconv.FormatInt(ownerAcct.ID, 10)
		resp, _ = newcomer.post(members, members+"/"+ownerID+"/remove", nil)
		if resp.StatusCode != 403 {
			t.Fatalf("organiser removes owner: status %d", resp.StatusCode)
		}

		// The last owner cannot be demoted or removed.
		resp, _ = owner.post(members, members+"/"+ownerID+"/role", url.Values{"role": {"organiser"}})
		if resp.StatusCode != 409 {
			t.Fatalf("demote last owner: status %d", resp.StatusCode)
		}
		resp, _ = owner.post(members, members+"/"+ownerID+"/remove", nil)
		if resp.StatusCode != 409 {
			t.Fatalf("remove last owner: status %d", resp.StatusCode)
		}
		if mm, _ := st.FindMembership(ctx, ownerAcct.ID, g.ID); mm.Role != turnout.RoleOwner {
			t.Fatal("the last owner lost the role")
		}
		// Promote Cy; then the first owner may step down, and Cy removes them.
		owner.post(members, members+"/"+cyID+"/role", url.Values{"role": {"owner"}})
		resp, _ = owner.post(members, members+"/"+ownerID+"/role", url.Values{"role": {"organiser"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("demote with another owner: status %d", resp.StatusCode)
		}
		resp, _ = newcomer.post(members, members+"/"+ownerID+"/remove", url.Values{"confirm": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove member: status %d", resp.StatusCode)
		}
		if _, err := st.FindMembership(ctx, ownerAcct.ID, g.ID); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatal("member not removed")
		}
		if resp, _ := owner.get("/groups/riverside/settings"); resp.StatusCode != 403 {
			t.Fatalf("removed member sees settings: status %d", resp.StatusCode)
		}
	})
}

func TestInvitationExpiresAndExistingAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "owner@example.org", "riverside")
		seedOrganiser(t, st, "bo@example.org", "harbour")
		g, _ := st.FindGroupBySlug(ctx, "riverside")
		owner, _ := st.Authenticate(ctx, "owner@example.org", testPassword)

		token, _, err := st.CreateInvitation(ctx, g.ID, owner.ID, turnout.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		// An existing account signs in and joins as owner.
		bo := newBrowser(t, app)
		bo.login("bo@example.org", testPassword)
		resp, body := bo.get("/invitations/" + token)
		if resp.StatusCode != 200 || !strings.Contains(body, "Join as bo") {
			t.Fatalf("invitation page: status %d", resp.StatusCode)
		}
		resp, _ = bo.post("/invitations/"+token, "/invitations/"+token, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: status %d", resp.StatusCode)
		}
		boAcct, _ := st.Authenticate(ctx, "bo@example.org", testPassword)
		if m, _ := st.FindMembership(ctx, boAcct.ID, g.ID); m == nil || m.Role != turnout.RoleOwner {
			t.Fatalf("membership %+v", m)
		}

		// An expired invitation is refused.
		old, _, _ := st.CreateInvitation(ctx, g.ID, owner.ID, turnout.RoleOrganiser)
		st.Now = func() time.Time { return time.Now().UTC().Add(turnout.InvitationTTL + time.Hour) }
		defer func() { st.Now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) } }()
		if resp, _ := newBrowser(t, app).get("/invitations/" + old); resp.StatusCode != 404 {
			t.Fatalf("expired invitation: status %d", resp.StatusCode)
		}
	})
}

var newTokenField = regexp.MustCompile(`id="new-token" readonly value="([^"]+)"`)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		page := "/account/tokens"
		resp, body := b.post(page, page, url.Values{"name": {"website sync"}})
		m := newTokenField.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil {
			t.Fatalf("create token: status %d", resp.StatusCode)
		}
		token := m[1]
		if _, err := st.FindAccountByToken(ctx, token); err != nil {
			t.Fatalf("new token does not work: %v", err)
		}
		_, body = b.get(page)
		if strings.Contains(body, token) || !strings.Contains(body, "website sync") {
			t.Fatal("the list shows the secret again, or lacks the token")
		}
		acct, _ := st.Authenticate(ctx, "ada@example.org", testPassword)
		tokens, _ := st.FindAPITokens(ctx, acct.ID)
		var id int64
		for _, tk := range tokens {
			if tk.Name == "website sync" {
				id = tk.ID
			}
		}
		// Another organiser cannot revoke it.
		seedOrganiser(t, st, "bo@example.org", "harbour")
		bo := newBrowser(t, app)
		bo.login("bo@example.org", testPassword)
		revoke := "/account/tokens/" + strconv.FormatInt(id, 10) + "/revoke"
		if resp, _ := bo.post("/account/tokens", revoke, nil); resp.StatusCode != 404 {
			t.Fatalf("revoke another's token: status %d", resp.StatusCode)
		}
		if _, err := st.FindAccountByToken(ctx, token); err != nil {
			t.Fatal("token revoked by another account")
		}
		resp, _ = b.post(page, "/account/tokens/"+strconv.FormatInt(id, 10)+"/revoke", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d", resp.StatusCode)
		}
		if resp, _ := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", token, apiEventBody)); resp.StatusCode != 401 {
			t.Fatalf("revoked token: status %d", resp.StatusCode)
		}
	})
}

// TestAPITokensAreAccountLevel: one token page for the account, linked once
// from the dashboard (not under each group); a token made there acts in
// every group; the old per-group URLs redirect to it, forms included.
func TestAPITokensAreAccountLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		oldToken := seedOrganiser(t, st, "ada@example.org", "riverside")
		seedOrganiser(t, st, "ada@example.org", "harbour")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		_, body := b.get("/dashboard")
		if n := strings.Count(body, `href="/account/tokens"`); n != 1 || strings.Contains(body, "/groups/riverside/tokens") {
			t.Errorf("dashboard links the token page %d times, or per group", n)
		}
		// A token made before the move still works, in both groups.
		for _, g := range []string{"riverside", "harbour"} {
			if resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/"+g+"/events", oldToken, apiEventBody)); resp.StatusCode != 201 {
				t.Fatalf("existing token in %s: status %d: %s", g, resp.StatusCode, body)
			}
		}
		resp, body := b.post("/account/tokens", "/account/tokens", url.Values{"name": {"site"}})
		m := newTokenField.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "Group riverside") || !strings.Contains(body, "Group harbour") {
			t.Fatalf("create token: status %d, or the page does not name the groups it acts in", resp.StatusCode)
		}
		if resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/harbour/events", m[1], apiEventBody)); resp.StatusCode != 201 {
			t.Fatalf("new token in harbour: status %d: %s", resp.StatusCode, body)
		}
		for _, tc := range []struct {
			method, path, to string
			status           int
		}{
			{"GET", "/groups/riverside/tokens", "/account/tokens", http.StatusMovedPermanently},
			{"POST", "/groups/riverside/tokens", "/account/tokens", http.StatusPermanentRedirect},
			{"POST", "/groups/riverside/tokens/7/revoke", "/account/tokens/7/revoke", http.StatusPermanentRedirect},
		} {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader("_csrf="+url.QueryEscape(b.csrf("/account/tokens"))))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, _ := b.send(req)
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.to {
				t.Errorf("%s %s: status %d to %q, want %d to %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.to)
			}
		}
	})
}

// TestWithdrawInvitation: the owner sees a pending invitation on the members
// page, withdraws it with the page's form, and its link then answers 404.
func TestWithdrawInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "owner@example.org", "riverside")
		owner := newBrowser(t, app)
		owner.login("owner@example.org", testPassword)

		_, body := owner.post("/groups/riverside/members", "/groups/riverside/members/invite", url.Values{"role": {"organiser"}})
		m := inviteLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no invitation link")
		}
		_, page := owner.get("/groups/riverside/members")
		action := regexp.MustCompile(`action="(/groups/riverside/invitations/\d+/revoke)"`).FindStringSubmatch(page)
		if !strings.Contains(page, "Pending invitations") || action == nil {
			t.Fatal("members page lacks the pending invitation and its withdraw form")
		}
		resp, _ := owner.post("/groups/riverside/members", action[1], nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: status %d", resp.StatusCode)
		}
		if resp, _ := newBrowser(t, app).get(m[1]); resp.StatusCode != 404 {
			t.Fatalf("withdrawn invitation: status %d", resp.StatusCode)
		}
		if _, page := owner.get("/groups/riverside/members"); strings.Contains(page, "Pending invitations") {
			t.Fatal("withdrawn invitation still listed")
		}
	})
}

// TestRemoveMemberAndLeaveAskFirst checks that removing a member and leaving
// a group each go through a confirm page (no JavaScript): the page and a post
// without confirm=yes change nothing. An owner is not offered "Remove" on
// their own row; they leave through "Leave this group", which the last owner
// is not offered.
func TestRemoveMemberAndLeaveAskFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "owner@example.org", "riverside")
		seedOrganiser(t, st, "dee@example.org", "riverside")
		g, _ := st.FindGroupBySlug(ctx, "riverside")
		ownerAcct, _ := st.Authenticate(ctx, "owner@example.org", testPassword)
		dee, _ := st.Authenticate(ctx, "dee@example.org", testPassword)
		ownerID, deeID := strconv.FormatInt(ownerAcct.ID, 10), strconv.FormatInt(dee.ID, 10)
		owner := newBrowser(t, app)
		owner.login("owner@example.org", testPassword)
		members := "/groups/riverside/members"

		_, page := owner.get(members)
		remove := members + "/" + deeID + "/remove"
		if !strings.Contains(page, `href="`+remove+`"`) || strings.Contains(page, members+"/"+ownerID+"/remove") {
			t.Fatalf("members page: want a Remove link for dee and none for the owner: %.3000s", page)
		}
		if strings.Contains(page, `href="/groups/riverside/leave"`) || !strings.Contains(page, "You are the only owner") {
			t.Error("the last owner is offered to leave")
		}
		resp, body := owner.get(remove)
		if resp.StatusCode != 200 || !strings.Contains(body, "Remove dee from Group riverside?") || !strings.Contains(body, `name="confirm" value="yes"`) ||
			!strings.Contains(body, `class="button button-warning"`) || !strings.Contains(body, `href="`+members+`">Back`) {
			t.Fatalf("remove confirm page: %d %.2000s", resp.StatusCode, body)
		}
		if resp, _ = owner.post(remove, remove, nil); resp.StatusCode != 200 {
			t.Fatalf("remove without confirm: %d", resp.StatusCode)
		}
		if _, err := st.FindMembership(ctx, dee.ID, g.ID); err != nil {
			t.Fatalf("a remove without confirm=yes removed the member: %v", err)
		}
		// Removing yourself is not the way to leave.
		self := members + "/" + ownerID + "/remove"
		if resp, _ = owner.post(self, self, url.Values{"confirm": {"yes"}}); resp.StatusCode != 409 {
			t.Fatalf("owner removes self: %d, want 409", resp.StatusCode)
		}

		// Dee, an organiser, may leave; first the confirm page.
		deeB := newBrowser(t, app)
		deeB.login("dee@example.org", testPassword)
		if _, page := deeB.get(members); !strings.Contains(page, `href="/groups/riverside/leave"`) {
			t.Fatal("an organiser is not offered to leave")
		}
		if resp, body := deeB.get("/groups/riverside/leave"); resp.StatusCode != 200 || !strings.Contains(body, "Leave Group riverside?") {
			t.Fatalf("leave confirm page: %d", resp.StatusCode)
		}
		if resp, _ = deeB.post("/groups/riverside/leave", "/groups/riverside/leave", nil); resp.StatusCode != 200 {
			t.Fatalf("leave without confirm: %d", resp.StatusCode)
		}
		if _, err := st.FindMembership(ctx, dee.ID, g.ID); err != nil {
			t.Fatalf("leaving without confirm=yes removed the member: %v", err)
		}
		resp, _ = deeB.post("/groups/riverside/leave", "/groups/riverside/leave", url.Values{"confirm": {"yes"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("leave: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, err := st.FindMembership(ctx, dee.ID, g.ID); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("dee is still a member: %v", err)
		}
		// The last owner cannot leave, even by posting the form.
		if resp, _ = owner.post("/groups/riverside/leave", "/groups/riverside/leave", url.Values{"confirm": {"yes"}}); resp.StatusCode != 409 {
			t.Fatalf("last owner leaves: %d, want 409", resp.StatusCode)
		}
	})
}
