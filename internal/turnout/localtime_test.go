package turnout

import (
	"testing"
	"time"
)

func TestParseLocalTime(t *testing.T) {
	london, _ := LoadZone("Europe/London")
	auckland, _ := LoadZone("Pacific/Auckland")
	tests := []struct {
		name    string
		in      string
		loc     *time.Location
		want    string // UTC RFC 3339, or "" for an error
		errPart string
	}{
		{"OKWinter", "2026-01-10T13:00", london, "2026-01-10T13:00:00Z", ""},
		{"OKSummer", "2026-07-10T13:00", london, "2026-07-10T12:00:00Z", ""},
		{"OKSeconds", "2026-07-10T13:00:30", london, "2026-07-10T12:00:30Z", ""},
		{"OKOffset", "2026-07-10T13:00:00+02:00", london, "2026-07-10T11:00:00Z", ""},
		{"ErrSkippedHour", "2026-03-29T01:30", london, "", "does not exist"},
		{"AmbiguousTakesFirst", "2026-10-25T01:30", london, "2026-10-25T00:30:00Z", ""},
		{"AucklandSkipped", "2026-09-27T02:30", auckland, "", "does not exist"},
		{"AucklandAmbiguousFirst", "2026-04-05T02:30", auckland, "2026-04-04T13:30:00Z", ""},
		{"ErrGarbage", "next tuesday", london, "", "Enter a date"},
		{"ErrYearZero", "0000-01-01T10:00", london, "", "year"},
		{"ErrYear9999", "9999-01-01T10:00", london, "", "year"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLocalTime(tc.in, tc.loc)
			if tc.want == "" {
				if err == nil || !contains(ErrorMessage(err), tc.errPart) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, tc.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != tc.want {
				t.Fatalf("got %s, want %s", s, tc.want)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Die-in at Waverley!":           "die-in-at-waverley",
		"  Rally: Café & Crèche  ":      "rally-cafe-creche",
		"../../etc/passwd":              "etc-passwd",
		"'; DROP TABLE events; --":      "drop-table-events",
		"":                              "",
		"Ünïcödé   ünder   spaces----x": "unicode-under-spaces-x",
	} {
		if got := Slugify(in, 60); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if got := Slugify(in, 60); got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", in, got)
		}
	}
}

func TestEventInputApply(t *testing.T) {
	str := func(s string) *string { return &s }
	base := func() EventInput {
		return EventInput{Title: str("Vigil"), StartsAt: str("2026-05-01T18:00"), EndsAt: str("2026-05-01T19:00")}
	}
	tests := []struct {
		name   string
		mutate func(*EventInput)
		field  string // "" for success
	}{
		{"OK", func(*EventInput) {}, ""},
		{"ErrNoTitle", func(in *EventInput) { in.Title = str("  ") }, "title"},
		{"ErrEndBeforeStart", func(in *EventInput) { in.EndsAt = str("2026-05-01T17:00") }, "ends_at"},
		{"ErrBadKind", func(in *EventInput) { in.Kind = str("party") }, "kind"},
		{"ErrBadZone", func(in *EventInput) { in.Timezone = str("Mars/Olympus") }, "timezone"},
		{"ErrCapacityZero", func(in *EventInput) { in.Capacity = Of(0) }, "capacity"},
		{"ErrCapacityHuge", func(in *EventInput) { in.Capacity = Of(MaxCapacity + 1) }, "capacity"},
		{"ErrJavascriptURL", func(in *EventInput) { in.OnlineURL = str("javascript:alert(1)") }, "online_url"},
		{"ErrNUL", func(in *EventInput) { in.Title = str("a\x00b") }, "title"},
		{"ErrBidi", func(in *EventInput) { in.Venue = str("x\u202Ey") }, "venue"},
		{"ErrLongTitle", func(in *EventInput) { in.Title = str(string(make([]byte, 10000))) }, "title"},
		{"ErrStatusCancelled", func(in *EventInput) { in.Status = str("cancelled") }, "status"},
		{"ErrArticleURL", func(in *EventInput) { in.Articles = &[]ArticleInput{{URL: "ftp://x.org/a", Title: "A"}} }, "articles.0.url"},
		{"ErrLongerThan60Days", func(in *EventInput) { in.EndsAt = str("2026-07-01T18:01") }, "ends_at"},
		{"ErrHalfCoordinates", func(in *EventInput) { in.Latitude = Of(51.5) }, "latitude"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mutate(&in)
			e := &Event{MaxGuests: DefaultMaxGuests}
			_, err := in.Apply(e, true, "Europe/London")
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if e.Status != StatusDraft || e.Kind != KindOther || e.StartsAt.Format(time.RFC3339) != "2026-05-01T17:00:00Z" {
					t.Fatalf("applied %+v", e)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorFields(err)[tc.field] == "" {
				t.Fatalf("got %v, want an error on %s", err, tc.field)
			}
		})
	}
}

func TestEventInputMaterialChange(t *testing.T) {
	str := func(s string) *string { return &s }
	e := &Event{MaxGuests: DefaultMaxGuests}
	if _, err := (EventInput{Title: str("March"), StartsAt: str("2026-05-01T12:00"), EndsAt: str("2026-05-01T15:00")}).Apply(e, true, "Europe/London"); err != nil {
		t.Fatal(err)
	}
	material, err := EventInput{Summary: str("Bring a banner")}.Apply(e, false, "Europe/London")
	if err != nil || material {
		t.Fatalf("summary change: material=%v err=%v", material, err)
	}
	material, err = EventInput{Venue: str("Town square")}.Apply(e, false, "Europe/London")
	if err != nil || !material {
		t.Fatalf("venue change: material=%v err=%v", material, err)
	}
	// Changing only the zone keeps the wall-clock time and moves the instant.
	material, err = EventInput{Timezone: str("Europe/Berlin")}.Apply(e, false, "Europe/London")
	if err != nil || !material || e.StartsAt.Format(time.RFC3339) != "2026-05-01T10:00:00Z" {
		t.Fatalf("zone change: material=%v err=%v start=%v", material, err, e.StartsAt)
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		" Alice@Example.ORG ": "alice@example.org",
		"bob@localhost":       "",
		"Bob <bob@x.org>":     "",
		"not an email":        "",
		"":                    "",
	} {
		got, ok := NormalizeEmail(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
