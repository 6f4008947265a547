package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	eical "github.com/emersion/go-ical"
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// mailRig is an application with email on, a real SMTP server on
// 127.0.0.1, and the outbox worker that sends through it.
type mailRig struct {
	app    *fiber.App
	st     *store.Store
	smtp   *mailtest.Server
	worker *mail.Worker
}

func newMailRig(t *testing.T, st *store.Store) *mailRig {
	t.Helper()
	srv := mailtest.Start(t)
	cfg := testConfig(t)
	cfg.SMTPURL = srv.URL()
	st.SetMail(true)
	sender, err := mail.NewSender(cfg.SMTPURL, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Store: st, Sender: sender, Base: cfg.BaseURL, From: "Turnout <turnout@turnout.test>",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &mailRig{app: newTestApp(t, cfg, st), st: st, smtp: srv, worker: w}
}

// flush sends every message due now.
func (m *mailRig) flush(t *testing.T) {
	t.Helper()
	for {
		n, err := m.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("worker: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// rsvpForm posts the event page's RSVP form.
func (m *mailRig) rsvp(t *testing.T, slug string, form url.Values) (int, string) {
	t.Helper()
	resp, body := postRSVP(t, m.app, slug, form)
	return resp.StatusCode, body
}

var manageLinkRe = regexp.MustCompile(`http://turnout\.test/rsvp/([A-Za-z0-9_-]+)`)

// icalUID reads UID and SEQUENCE of the only VEVENT with both parsers the
// feed tests use, failing if they disagree.
func icalUID(t *testing.T, b []byte) (uid, seq, status string) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("golang-ical: %v", err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("golang-ical: %d events", len(evs))
	}
	get := func(p ics.ComponentProperty) string {
		if prop := evs[0].GetProperty(p); prop != nil {
			return prop.Value
		}
		return ""
	}
	uid, seq, status = get(ics.ComponentPropertyUniqueId), get(ics.ComponentPropertySequence), get(ics.ComponentPropertyStatus)
	ecal, err := eical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical: %v", err)
	}
	if m := ecal.Props.Get("METHOD"); m == nil || m.Value != "PUBLISH" {
		t.Errorf("METHOD = %v, want PUBLISH", m)
	}
	ev := ecal.Events()
	if len(ev) != 1 {
		t.Fatalf("go-ical: %d events", len(ev))
	}
	if u, _ := ev[0].Props.Text("UID"); u != uid {
		t.Errorf("parsers disagree on UID: %q vs %q", u, uid)
	}
	return uid, seq, status
}

func TestRSVPConfirmationEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, _ := seedGroup(t, st, "mailers")
		e := seedEvent(t, st, g.ID, "Station die-in", 48*time.Hour, func(in *turnout.EventInput) {
			venue, addr, tz := "Central Station", "1 Station Square", "Europe/Berlin"
			in.Venue, in.Address, in.Timezone = &venue, &addr, &tz
		})
		status, body := rig.rsvp(t, e.Slug, url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "status": {"going"}})
		if status != 200 {
			t.Fatalf("RSVP: status %d: %.300s", status, body)
		}
		rig.flush(t)
		msgs := rig.smtp.Wait(1, 10*time.Second)
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		m := msgs[0]
		if m.To != "ada@example.org" || !strings.Contains(m.DecodedSubject(), "You're going") {
			t.Errorf("to %q, subject %q", m.To, m.DecodedSubject())
		}
		unsub := m.Header.Get("List-Unsubscribe")
		if !regexp.MustCompile(`^<http://turnout\.test/unsubscribe/[A-Za-z0-9_-]{22,}>$`).MatchString(unsub) {
			t.Errorf("List-Unsubscribe = %q", unsub)
		}
		if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %q", got)
		}
		local := e.StartsAt.In(e.Location()).Format("15:04")
		for _, want := range []string{"Station die-in", "Central Station", local, "CET"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, m.Text)
			}
		}
		if strings.Contains(m.HTML, "<img") || m.HTML == "" {
			t.Errorf("HTML part empty or loads an image:\n%s", m.HTML)
		}
		link := manageLinkRe.FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no manage link in:\n%s", m.Text)
		}
		resp, page := do(t, rig.app, httptest.NewRequest("GET", "/rsvp/"+link[1], nil))
		if resp.StatusCode != 200 || !strings.Contains(page, "Ada") {
			t.Fatalf("manage link from the email: status %d", resp.StatusCode)
		}
		_, feedBody := do(t, rig.app, httptest.NewRequest("GET", "/events/"+e.Slug+".ics", nil))
		feedUID, feedSeq, _ := icalUID(t, []byte(feedBody))
		uid, seq, _ := icalUID(t, m.ICS)
		if uid != feedUID || seq != feedSeq || uid == "" {
			t.Errorf("attachment UID %q SEQUENCE %q, feed %q %q", uid, seq, feedUID, feedSeq)
		}
		if n, err := st.PendingMail(context.Background()); err != nil || n != 0 {
			t.Errorf("outbox holds %d messages after sending (err %v)", n, err)
		}
	})
}

// post sends a form or JSON body to path.
func (m *mailRig) post(t *testing.T, path, contentType, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, out := do(t, m.app, req)
	return resp.StatusCode, out
}

const formType = "application/x-www-form-urlencoded"

func TestLostLinkEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, _ := seedGroup(t, st, "links")
		e := seedEvent(t, st, g.ID, "Lost and found", 48*time.Hour, nil)
		_, body := rig.rsvp(t, e.Slug, url.Values{"name": {"Bo"}, "email": {"bo@example.org"}})
		first := manageLinkRe.FindStringSubmatch(body)
		if first == nil {
			t.Fatal("no manage link on the confirmation page")
		}
		rig.flush(t)
		rig.smtp.Wait(1, 5*time.Second)
		_, page := do(t, rig.app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		if !strings.Contains(page, `action="/events/`+e.Slug+`/rsvp/link"`) || !strings.Contains(page, "Email me my link") {
			t.Error("event page lacks the Email me my link form")
		}

		known, knownBody := rig.post(t, "/events/"+e.Slug+"/rsvp/link", formType, "email=BO%40example.org")
		unknown, unknownBody := rig.post(t, "/events/"+e.Slug+"/rsvp/link", formType, "email=nobody%40example.org")
		if known != 202 || unknown != 202 || knownBody != unknownBody {
			t.Fatalf("page answers differ: %d vs %d, same body %v", known, unknown, knownBody == unknownBody)
		}
		apiKnown, apiKnownBody := rig.post(t, "/api/v1/events/"+e.Slug+"/rsvps/link", fiber.MIMEApplicationJSON, `{"email":"bo@example.org"}`)
		apiUnknown, apiUnknownBody := rig.post(t, "/api/v1/events/"+e.Slug+"/rsvps/link", fiber.MIMEApplicationJSON, `{"email":"nobody@example.org"}`)
		if apiKnown != 202 || apiUnknown != 202 || apiKnownBody != apiUnknownBody {
			t.Fatalf("API answers differ: %d %s vs %d %s", apiKnown, apiKnownBody, apiUnknown, apiUnknownBody)
		}
		if status, _ := rig.post(t, "/events/"+e.Slug+"/rsvp/link", formType, "email=not-an-address"); status != 422 {
			t.Errorf("malformed address: %d, want 422", status)
		}
		rig.flush(t)
		msgs := rig.smtp.Wait(3, 5*time.Second)
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want the confirmation and two links", len(msgs))
		}
		for _, m := range msgs[1:] {
			if m.To != "bo@example.org" || !strings.Contains(m.DecodedSubject(), "private link") {
				t.Errorf("to %q subject %q", m.To, m.DecodedSubject())
			}
		}
		latest := manageLinkRe.FindStringSubmatch(msgs[2].Text)
		if resp, _ := do(t, rig.app, httptest.NewRequest("GET", "/rsvp/"+latest[1], nil)); resp.StatusCode != 200 {
			t.Errorf("new link: %d", resp.StatusCode)
		}
		for _, old := range []string{first[1], manageLinkRe.FindStringSubmatch(msgs[1].Text)[1]} {
			if resp, _ := do(t, rig.app, httptest.NewRequest("GET", "/rsvp/"+old, nil)); resp.StatusCode != 404 {
				t.Errorf("old link still works: %d", resp.StatusCode)
			}
		}
	})
}

// TestDuplicateEmailRSVPMailsOwner: someone RSVPs first with another
// person's address; when the real person RSVPs, the answer is that of a new
// RSVP without the link, and the link goes to their inbox, so they can take
// the RSVP over. The API answers the same status code as a new RSVP.
func TestDuplicateEmailRSVPMailsOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, _ := seedGroup(t, st, "dups")
		e := seedEvent(t, st, g.ID, "Picket", 48*time.Hour, nil)
		if status, _ := rig.rsvp(t, e.Slug, url.Values{"name": {"Stranger"}, "email": {"cy@example.org"}}); status != 200 {
			t.Fatalf("stranger: %d", status)
		}
		status, body := rig.rsvp(t, e.Slug, url.Values{"name": {"Cy"}, "email": {"cy@example.org"}})
		if status != 200 || manageLinkRe.MatchString(body) || strings.Contains(body, "Stranger") || !strings.Contains(body, "You're going") {
			t.Fatalf("duplicate page: %d, shows link %v", status, manageLinkRe.MatchString(body))
		}
		// The form's own answer (before its redirect) is a new RSVP's too.
		fresh, _ := postForm(t, rig.app, "/events/"+e.Slug+"/rsvp", url.Values{"name": {"Ed"}, "email": {"ed@example.org"}})
		again, _ := postForm(t, rig.app, "/events/"+e.Slug+"/rsvp", url.Values{"name": {"Ed2"}, "email": {"ed@example.org"}})
		if fresh.StatusCode != 303 || again.StatusCode != fresh.StatusCode {
			t.Fatalf("form: new RSVP %d, second with its address %d", fresh.StatusCode, again.StatusCode)
		}
		newStatus, newBody := rig.post(t, "/api/v1/events/"+e.Slug+"/rsvps", fiber.MIMEApplicationJSON, `{"name":"Di","email":"di@example.org"}`)
		dupStatus, dupBody := rig.post(t, "/api/v1/events/"+e.Slug+"/rsvps", fiber.MIMEApplicationJSON, `{"name":"Di2","email":"di@example.org"}`)
		if newStatus != 201 || dupStatus != newStatus || strings.Contains(dupBody, "manage_url") {
			t.Fatalf("API: new %d %s, duplicate %d %s", newStatus, newBody, dupStatus, dupBody)
		}
		rig.flush(t)
		var link *mailtest.Message
		for _, m := range rig.smtp.Wait(6, 5*time.Second) {
			if m.To == "cy@example.org" && strings.Contains(m.DecodedSubject(), "private link") {
				link = m
			}
		}
		if link == nil {
			t.Fatal("the owner of the address got no link")
		}
		token := manageLinkRe.FindStringSubmatch(link.Text)[1]
		req := httptest.NewRequest("POST", "/rsvp/"+token, strings.NewReader("name=Cy&status=going&guests=0"))
		req.Header.Set("Content-Type", formType)
		if resp, _ := do(t, rig.app, req); resp.StatusCode != 303 {
			t.Fatalf("the mailed link cannot change the RSVP: %d", resp.StatusCode)
		}
		r, _, err := st.FindRSVPByToken(context.Background(), token)
		if err != nil || r.Name != "Cy" {
			t.Fatalf("RSVP after takeover: %+v %v", r, err)
		}
	})
}

func TestUnsubscribeOneClick(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, _ := seedGroup(t, st, "unsub")
		e := seedEvent(t, st, g.ID, "Rally", 48*time.Hour, nil)
		rig.rsvp(t, e.Slug, url.Values{"name": {"Ed"}, "email": {"ed@example.org"}})
		rig.flush(t)
		m := rig.smtp.Wait(1, 5*time.Second)[0]
		u, err := url.Parse(strings.Trim(m.Header.Get("List-Unsubscribe"), "<>"))
		if err != nil {
			t.Fatal(err)
		}
		resp, page := do(t, rig.app, httptest.NewRequest("GET", u.Path, nil))
		if resp.StatusCode != 200 || !strings.Contains(page, `<form method="post" action="`+u.Path+`"`) {
			t.Fatalf("GET: %d, no confirm button", resp.StatusCode)
		}
		// A GET (a link scanner) changed nothing: mail still goes out.
		rig.post(t, "/events/"+e.Slug+"/rsvp/link", formType, "email=ed%40example.org")
		rig.flush(t)
		rig.smtp.Wait(2, 5*time.Second)

		if status, _ := rig.post(t, u.Path, formType, "List-Unsubscribe=One-Click"); status != 200 {
			t.Fatalf("one-click POST: %d, want 200", status)
		}
		rig.post(t, "/events/"+e.Slug+"/rsvp/link", formType, "email=ed%40example.org")
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != 2 {
			t.Fatalf("%d messages after unsubscribing, want still 2", n)
		}
		if status, _ := rig.post(t, "/unsubscribe/"+strings.Repeat("x", 43), formType, "List-Unsubscribe=One-Click"); status != 404 {
			t.Errorf("unknown token: %d, want 404", status)
		}
	})
}

// TestMailOffPromisesNoEmail: with TURNOUT_SMTP_URL unset no page offers to
// email a link and the lost-link routes say the site sends no email.
func TestMailOffPromisesNoEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "quiet")
		e := seedEvent(t, st, g.ID, "Quiet vigil", 48*time.Hour, nil)
		_, page := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		if strings.Contains(strings.ToLower(page), "email me") {
			t.Error("event page offers an email with email off")
		}
		req := httptest.NewRequest("POST", "/events/"+e.Slug+"/rsvp/link", strings.NewReader("email=a%40example.org"))
		req.Header.Set("Content-Type", formType)
		if resp, _ := do(t, app, req); resp.StatusCode != 404 {
			t.Errorf("lost link with email off: %d, want 404", resp.StatusCode)
		}
		if n, _ := st.PendingMail(context.Background()); n != 0 {
			t.Errorf("%d messages queued with email off", n)
		}
	})
}

// TestEditNotifyOverAPI: PATCH with "notify": false changes the venue
// without telling anyone; without it, the people coming are told.
func TestEditNotifyOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, token := seedGroup(t, st, "editors")
		e := seedEvent(t, st, g.ID, "Picket line", 48*time.Hour, nil)
		rig.rsvp(t, e.Slug, url.Values{"name": {"Flo"}, "email": {"flo@example.org"}})
		rig.flush(t)
		ctx := context.Background()
		auth := []string{"Authorization", "Bearer " + token}
		if resp, out := sendJSON(t, rig.app, "PATCH", "/api/v1/events/"+e.Slug, `{"venue":"Gate 2","notify":false}`, auth...); resp.StatusCode != 200 {
			t.Fatalf("PATCH: %d %v", resp.StatusCode, out)
		}
		if n, _ := st.PendingMail(ctx); n != 0 {
			t.Fatalf("%d messages queued with notify false", n)
		}
		if resp, out := sendJSON(t, rig.app, "PATCH", "/api/v1/events/"+e.Slug, `{"venue":"Gate 3"}`, auth...); resp.StatusCode != 200 {
			t.Fatalf("PATCH: %d %v", resp.StatusCode, out)
		}
		if n, _ := st.PendingMail(ctx); n != 1 {
			t.Fatalf("%d messages queued for a venue change, want 1", n)
		}
	})
}

// TestUndeliverableMailOnAttendeePage: a permanent refusal is shown to the
// organisers, with whom it was for; the edit page offers "Tell the people
// coming".
func TestUndeliverableMailOnAttendeePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "olu@example.org", "bounces")
		g, err := st.FindGroupBySlug(context.Background(), "bounces")
		if err != nil {
			t.Fatal(err)
		}
		e := seedEvent(t, st, g.ID, "Teach-in", 48*time.Hour, nil)
		rig.smtp.Reject["gone@example.org"] = true
		rig.rsvp(t, e.Slug, url.Values{"name": {"Gus"}, "email": {"gone@example.org"}})
		rig.flush(t)
		b := newBrowser(t, rig.app)
		b.login("olu@example.org", testPassword)
		resp, page := b.get("/events/" + e.Slug + "/attendees")
		if resp.StatusCode != 200 || !strings.Contains(page, "could not be delivered") || !strings.Contains(page, "Gus (gone@example.org)") {
			t.Fatalf("attendee page %d lacks the failure:\n%.2000s", resp.StatusCode, page)
		}
		if _, edit := b.get("/events/" + e.Slug + "/edit"); !strings.Contains(edit, `name="notify"`) || !strings.Contains(edit, "Tell the people coming") {
			t.Error("edit page lacks the Tell the people coming box")
		}
	})
}

// TestOrganiserMessage: organisers write to chosen statuses; each person
// gets their own email; the group's log says who sent what to how many,
// without addresses; the API is rate-limited per event and closed to
// other groups.
func TestOrganiserMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		token := seedOrganiser(t, st, "ola@example.org", "writers")
		other := seedOrganiser(t, st, "mal@example.org", "others")
		g, err := st.FindGroupBySlug(context.Background(), "writers")
		if err != nil {
			t.Fatal(err)
		}
		e := seedEvent(t, st, g.ID, "March for homes", 48*time.Hour, nil)
		rig.rsvp(t, e.Slug, url.Values{"name": {"Gia"}, "email": {"gia@example.org"}, "status": {"going"}})
		rig.rsvp(t, e.Slug, url.Values{"name": {"May"}, "email": {"may@example.org"}, "status": {"maybe"}})
		rig.rsvp(t, e.Slug, url.Values{"name": {"Nat"}, "email": {"nat@example.org"}, "status": {"not_going"}})
		rig.flush(t)
		rig.smtp.Wait(3, 5*time.Second)
		path := "/api/v1/events/" + e.Slug + "/messages"
		auth := []string{"Authorization", "Bearer " + token}
		resp, out := sendJSON(t, rig.app, "POST", path, `{"subject":"Meet at 11","body":"Bring water.\n\nSee you there.","to":["going","maybe"]}`, auth...)
		if resp.StatusCode != 202 || out["recipients"] != 2.0 {
			t.Fatalf("send: %d %v", resp.StatusCode, out)
		}
		rig.flush(t)
		msgs := rig.smtp.Wait(5, 5*time.Second)[3:]
		got := map[string]bool{}
		for _, m := range msgs {
			got[m.To] = true
			if m.DecodedSubject() != "Meet at 11" || !strings.Contains(m.Text, "Bring water.") || m.Header.Get("List-Unsubscribe") == "" {
				t.Errorf("message to %s: subject %q\n%s", m.To, m.DecodedSubject(), m.Text)
			}
			for _, addr := range []string{"gia@", "may@", "nat@"} {
				if !strings.HasPrefix(m.To, addr) && strings.Contains(string(m.Raw), addr) {
					t.Errorf("message to %s reveals %s", m.To, addr)
				}
			}
		}
		if !got["gia@example.org"] || !got["may@example.org"] {
			t.Errorf("sent to %v", got)
		}
		for _, bad := range []string{`{"subject":"","body":"x","to":["going"]}`, `{"subject":"s","body":"x","to":["not_going"]}`, `{"subject":"s","body":"x","to":[]}`} {
			if resp, _ := sendJSON(t, rig.app, "POST", path, bad, auth...); resp.StatusCode != 422 {
				t.Errorf("%s: %d, want 422", bad, resp.StatusCode)
			}
		}
		if resp, _ := sendJSON(t, rig.app, "POST", path, `{"subject":"s","body":"x","to":["going"]}`, "Authorization", "Bearer "+other); resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("another group's token: %d", resp.StatusCode)
		}
		b := newBrowser(t, rig.app)
		b.login("ola@example.org", testPassword)
		_, page := b.get("/events/" + e.Slug + "/attendees")
		if !strings.Contains(page, `wrote "Meet at 11" to 2 people`) || !strings.Contains(page, "Write to the people coming") {
			t.Errorf("attendee page lacks the form or the log:\n%s", page[strings.Index(page, "<main"):])
		}
		last := 0
		for i := 0; i < messagesPerEventHour; i++ {
			resp, _ := sendJSON(t, rig.app, "POST", path, `{"subject":"s","body":"x","to":["going"]}`, auth...)
			last = resp.StatusCode
		}
		if last != 429 {
			t.Errorf("over the hourly limit: %d, want 429", last)
		}
	})
}

// TestOrganiserMessageLeavesOutUnsubscribed: someone who stopped email is
// neither mailed nor counted among an organiser message's recipients.
func TestOrganiserMessageLeavesOutUnsubscribed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		token := seedOrganiser(t, st, "ola@example.org", "quiet")
		g, err := st.FindGroupBySlug(context.Background(), "quiet")
		if err != nil {
			t.Fatal(err)
		}
		e := seedEvent(t, st, g.ID, "Quiet vigil", 48*time.Hour, nil)
		rig.rsvp(t, e.Slug, url.Values{"name": {"Gia"}, "email": {"gia@example.org"}, "status": {"going"}})
		rig.rsvp(t, e.Slug, url.Values{"name": {"Hal"}, "email": {"hal@example.org"}, "status": {"going"}})
		rig.flush(t)
		var unsub string
		for _, m := range rig.smtp.Wait(2, 5*time.Second) {
			if m.To == "hal@example.org" {
				unsub = strings.TrimPrefix(strings.Trim(m.Header.Get("List-Unsubscribe"), "<>"), "http://turnout.test")
			}
		}
		if status, _ := rig.post(t, unsub, formType, "List-Unsubscribe=One-Click"); status != 200 {
			t.Fatalf("unsubscribe: %d", status)
		}
		resp, out := sendJSON(t, rig.app, "POST", "/api/v1/events/"+e.Slug+"/messages", `{"subject":"Hi","body":"x","to":["going"]}`, "Authorization", "Bearer "+token)
		if resp.StatusCode != 202 || out["recipients"] != 1.0 {
			t.Fatalf("send: %d %v, want 1 recipient", resp.StatusCode, out)
		}
		rig.flush(t)
		msgs := rig.smtp.Wait(3, 5*time.Second)
		if len(msgs) != 3 || msgs[2].To != "gia@example.org" {
			t.Fatalf("%d messages, the last to %s", len(msgs), msgs[len(msgs)-1].To)
		}
	})
}
