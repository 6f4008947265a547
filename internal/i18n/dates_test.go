package i18n

import (
	"testing"
	"time"

	"golang.org/x/text/language"
)

func TestDatesPerLanguage(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 5, 9, 30, 0, 0, paris) // a Saturday
	end := start.Add(5 * time.Hour)
	nextDay := start.Add(26 * time.Hour)
	cases := []struct {
		lang                    language.Tag
		span, long, spanTwoDays string
		number                  string
	}{
		{language.English, "Saturday 5 December 2026, 09:30–14:30 CET", "Saturday 5 December 2026, 09:30 CET",
			"Sat 5 Dec 2026, 09:30 CET to Sun 6 Dec 2026, 11:30 CET", "12,345"},
		{language.French, "samedi 5 décembre 2026 à 09:30–14:30 CET", "samedi 5 décembre 2026 à 09:30 CET",
			"du sam. 5 déc. 2026 à 09:30 CET au dim. 6 déc. 2026 à 11:30 CET", "12\u00a0345"},
		{language.German, "Samstag, 5. Dezember 2026, 09:30–14:30 CET", "Samstag, 5. Dezember 2026, 09:30 CET",
			"Sa., 5. Dez. 2026, 09:30 CET bis So., 6. Dez. 2026, 11:30 CET", "12.345"},
		{language.Spanish, "sábado, 5 de diciembre de 2026, 9:30–14:30 CET", "sábado, 5 de diciembre de 2026, 9:30 CET",
			"del sáb, 5 dic 2026, 9:30 CET al dom, 6 dic 2026, 11:30 CET", "12.345"},
		{language.Portuguese, "sábado, 5 de dezembro de 2026, 09:30–14:30 CET", "sábado, 5 de dezembro de 2026, 09:30 CET",
			"de sáb., 5 de dez. de 2026, 09:30 CET a dom., 6 de dez. de 2026, 11:30 CET", "12.345"},
	}
	for _, tc := range cases {
		l := c.Localizer(tc.lang)
		if got := l.Span(start, end); got != tc.span {
			t.Errorf("%s Span: %q, want %q", tc.lang, got, tc.span)
		}
		if got := l.DateTimeLong(start); got != tc.long {
			t.Errorf("%s DateTimeLong: %q, want %q", tc.lang, got, tc.long)
		}
		if got := l.Span(start, nextDay); got != tc.spanTwoDays {
			t.Errorf("%s Span over two days: %q, want %q", tc.lang, got, tc.spanTwoDays)
		}
		if got := l.Number(12345); got != tc.number {
			t.Errorf("%s Number: %q, want %q", tc.lang, got, tc.number)
		}
	}
}

func TestSpanNamesBothZonesAcrossAClockChange(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 10, 25, 1, 0, 0, 0, berlin)
	got := c.Localizer(language.German).Span(start, start.Add(3*time.Hour))
	if want := "Sonntag, 25. Oktober 2026, 01:00 CEST–03:00 CET"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTwelveHourClock(t *testing.T) {
	s := &dateStyle{Clock12: true, AM: "am", PM: "pm"}
	for h, want := range map[int]string{0: "12:05 am", 9: "9:05 am", 12: "12:05 pm", 23: "11:05 pm"} {
		if got := s.clock(time.Date(2026, 1, 1, h, 5, 0, 0, time.UTC)); got != want {
			t.Errorf("%d h: %q, want %q", h, got, want)
		}
	}
}
