package web

import (
	"testing"
	"unicode/utf8"

	"github.com/turnout-org/turnout/internal/turnout"
)

// FuzzEventJSON decodes arbitrary bytes as an event body and validates the
// result as a new event. Nothing may panic; every refusal is a 400 or 422
// (never an internal error); whatever is accepted keeps the event's rules.
// Seeds are in testdata/fuzz/FuzzEventJSON.
func FuzzEventJSON(f *testing.F) {
	f.Add([]byte(`{"title":"Vigil","starts_at":"2030-05-01T18:00","ends_at":"2030-05-01T20:00","capacity":50}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var in turnout.EventInput
		if err := decodeJSONBytes(body, &in); err != nil {
			if c := turnout.ErrorCode(err); c != turnout.EMALFORMED && c != turnout.EINVALID {
				t.Fatalf("decode refused with code %q: %v", c, err)
			}
			return
		}
		e := &turnout.Event{MaxGuests: turnout.DefaultMaxGuests}
		if _, err := in.Apply(e, true, "Europe/London"); err != nil {
			if turnout.ErrorCode(err) != turnout.EINVALID || len(turnout.ErrorFields(err)) == 0 {
				t.Fatalf("validation refused without a field map: %v", err)
			}
			return
		}
		checkEventRules(t, e)
	})
}

// checkEventRules fails t when an accepted event breaks a rule of the domain.
func checkEventRules(t *testing.T, e *turnout.Event) {
	t.Helper()
	switch {
	case e.Title == "" || utf8.RuneCountInString(e.Title) > turnout.MaxTitleLen || !utf8.ValidString(e.Title):
		t.Fatalf("accepted title %q", e.Title)
	case !e.EndsAt.After(e.StartsAt):
		t.Fatalf("accepted end %v not after start %v", e.EndsAt, e.StartsAt)
	case e.StartsAt.Year() < 1899 || e.EndsAt.Year() > 2201:
		t.Fatalf("accepted years %d-%d", e.StartsAt.Year(), e.EndsAt.Year())
	case e.Capacity != nil && (*e.Capacity < 1 || *e.Capacity > turnout.MaxCapacity):
		t.Fatalf("accepted capacity %d", *e.Capacity)
	case e.MaxGuests < 0 || e.MaxGuests > 50:
		t.Fatalf("accepted max_guests %d", e.MaxGuests)
	case !turnout.ValidKind(e.Kind):
		t.Fatalf("accepted kind %q", e.Kind)
	case e.Status != turnout.StatusDraft && e.Status != turnout.StatusPublished:
		t.Fatalf("accepted status %q", e.Status)
	case e.OnlineURL != "" && !turnout.ValidHTTPURL(e.OnlineURL):
		t.Fatalf("accepted online_url %q", e.OnlineURL)
	}
	for _, s := range []string{e.Title, e.Venue, e.Summary, e.Description, e.Address, e.Accessibility} {
		for _, r := range s {
			if r == 0 || r == 0x202E || r == 0x2066 {
				t.Fatalf("accepted control character %U in %q", r, s)
			}
		}
	}
}
