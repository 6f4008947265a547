package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

var inviteURLRe = regexp.MustCompile(`id="invite-url" readonly value="([^"]+)"`)

// TestInvitationSentByEmail: an owner who gives an address gets the link
// on the page as before, and the address gets the same link by email;
// following it joins the group. A withdrawn invitation is never mailed.
func TestInvitationSentByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "owner@example.org", "riverside")
		owner := newBrowser(t, rig.app)
		owner.login("owner@example.org", testPassword)
		if _, body := owner.get("/groups/riverside/members"); !strings.Contains(body, `name="email"`) {
			t.Fatal("the invite form asks for no address")
		}
		resp, body := owner.post("/groups/riverside/members", "/groups/riverside/members/invite", url.Values{"role": {"organiser"}, "email": {" New.Organiser@Example.org"}})
		found := inviteURLRe.FindStringSubmatch(body)
		if resp.StatusCode != 200 || found == nil || !strings.Contains(body, "We are emailing this invitation link to new.organiser@example.org") {
			t.Fatalf("invite: status %d: %.400s", resp.StatusCode, body)
		}
		link := html.UnescapeString(found[1])
		rig.flush(t)
		m := rig.smtp.Wait(1, 10*time.Second)[0]
		if m.To != "new.organiser@example.org" || m.DecodedSubject() != "Join Group riverside on Turnout" || !strings.Contains(m.Text, link) {
			t.Fatalf("mail to %q, subject %q, want the page's link %s:\n%s", m.To, m.DecodedSubject(), link, m.Text)
		}
		if !strings.Contains(m.Text, "owner invited you") || m.Header.Get("List-Unsubscribe") != "" {
			t.Errorf("invitation text or headers:\n%s", m.Text)
		}
		path := strings.TrimPrefix(link, "http://turnout.test")
		newcomer := newBrowser(t, rig.app)
		resp, _ = newcomer.post(path, path, url.Values{"name": {"Noor"}, "email": {"new.organiser@example.org"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: status %d", resp.StatusCode)
		}
		acct, err := st.Authenticate(ctx, "new.organiser@example.org", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := st.FindGroupBySlug(ctx, "riverside")
		if _, err := st.FindMembership(ctx, acct.ID, g.ID); err != nil {
			t.Fatalf("not a member after following the mailed link: %v", err)
		}

		// Withdrawn before the worker runs: nothing is sent.
		_, body = owner.post("/groups/riverside/members", "/groups/riverside/members/invite", url.Values{"role": {"owner"}, "email": {"late@example.org"}})
		if !strings.Contains(body, "late@example.org") {
			t.Fatalf("second invitation not made: %.300s", body)
		}
		invs, err := st.FindInvitations(ctx, g.ID)
		if err != nil || len(invs) != 1 {
			t.Fatalf("%d pending invitations, err %v", len(invs), err)
		}
		if resp, _ := owner.post("/groups/riverside/members", "/groups/riverside/invitations/"+strconv.FormatInt(invs[0].ID, 10)+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d", resp.StatusCode)
		}
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != 1 {
			t.Fatalf("%d messages, want the withdrawn invitation unsent", n)
		}
	})
}

// TestInvitationEmailBadInput: a malformed address or a bad role is 422
// with the form again and nothing stored or sent; with email off an address
// is refused the same way, and the form does not ask for one.
func TestInvitationEmailBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "owner@example.org", "riverside")
		owner := newBrowser(t, rig.app)
		owner.login("owner@example.org", testPassword)
		before := storetest.Snapshot(t, st)
		for _, tc := range []struct{ role, email, field string }{
			{"organiser", "not an address", "email"},
			{"organiser", "Someone <a@example.org>", "email"},
			{"emperor", "a@example.org", "role"},
		} {
			resp, body := owner.post("/groups/riverside/members", "/groups/riverside/members/invite", url.Values{"role": {tc.role}, "email": {tc.email}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) || strings.Contains(body, "invite-url") {
				t.Errorf("role %q email %q: status %d, want 422 on %s", tc.role, tc.email, resp.StatusCode, tc.field)
			}
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Errorf("refused invitations changed data:\n%s\n%s", before, after)
		}

		off := newTestApp(t, testConfig(t), st)
		b := newBrowser(t, off)
		b.login("owner@example.org", testPassword)
		before = storetest.Snapshot(t, st)
		if _, body := b.get("/groups/riverside/members"); strings.Contains(body, `name="email"`) {
			t.Error("with email off the invite form asks for an address")
		}
		resp, body := b.post("/groups/riverside/members", "/groups/riverside/members/invite", url.Values{"role": {"organiser"}, "email": {"a@example.org"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "does not send email") {
			t.Errorf("address with email off: status %d", resp.StatusCode)
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Error("a refused invitation with email off changed data")
		}
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != 0 {
			t.Errorf("%d messages sent", n)
		}
	})
}

// TestPasswordChangeNotice: the change-password form tells the account by
// email; a refused change sends nothing.
func TestPasswordChangeNotice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "pat@example.org", "riverside")
		b := newBrowser(t, rig.app)
		b.login("pat@example.org", testPassword)
		if resp, _ := b.post("/account/password", "/account/password", url.Values{"current_password": {"wrong one"}, "password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong current password: status %d", resp.StatusCode)
		}
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != 0 {
			t.Fatalf("%d messages after a refused change", n)
		}
		if resp, _ := b.post("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: status %d", resp.StatusCode)
		}
		rig.flush(t)
		m := rig.smtp.Wait(1, 10*time.Second)[0]
		if m.To != "pat@example.org" || m.DecodedSubject() != "Your Turnout password was changed" {
			t.Fatalf("notice to %q, subject %q", m.To, m.DecodedSubject())
		}
	})
}
