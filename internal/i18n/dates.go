package i18n

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/message"
)

// dateStyle is how a language writes dates and times, from CLDR's
// gregorian "full" and "medium" date formats and its time format. Patterns
// use {EEEE} weekday, {EEE} short weekday, {d} day, {MMMM} month,
// {MMM} short month and {y} year.
type dateStyle struct {
	Days, ShortDays     [7]string  // Sunday first, as time.Weekday
	Months, ShortMonths [12]string // January first
	Long, Short         string     // date patterns
	// DateTime joins a date and a time ("{date}, {time}").
	DateTime string
	// Clock12 writes times as 1:00 pm instead of 13:00; AM and PM name the
	// halves of the day.
	Clock12 bool
	AM, PM  string
	// HourPad writes 09:00 rather than 9:00 on a 24-hour clock.
	HourPad bool
}

var dateStyles = map[string]*dateStyle{
	"en": {
		Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		Long:        "{EEEE} {d} {MMMM} {y}", Short: "{EEE} {d} {MMM} {y}", DateTime: "{date}, {time}", HourPad: true,
	},
	"fr": {
		Days:        [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		ShortDays:   [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
		Months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		ShortMonths: [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		Long:        "{EEEE} {d} {MMMM} {y}", Short: "{EEE} {d} {MMM} {y}", DateTime: "{date} à {time}", HourPad: true,
	},
	"de": {
		Days:        [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		ShortDays:   [7]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
		Months:      [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		ShortMonths: [12]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
		Long:        "{EEEE}, {d}. {MMMM} {y}", Short: "{EEE}, {d}. {MMM} {y}", DateTime: "{date}, {time}", HourPad: true,
	},
	"es": {
		Days:        [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		ShortDays:   [7]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
		Months:      [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		ShortMonths: [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
		Long:        "{EEEE}, {d} de {MMMM} de {y}", Short: "{EEE}, {d} {MMM} {y}", DateTime: "{date}, {time}",
	},
	"pt": {
		Days:        [7]string{"domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"},
		ShortDays:   [7]string{"dom.", "seg.", "ter.", "qua.", "qui.", "sex.", "sáb."},
		Months:      [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
		ShortMonths: [12]string{"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."},
		Long:        "{EEEE}, {d} de {MMMM} de {y}", Short: "{EEE}, {d} de {MMM} de {y}", DateTime: "{date}, {time}", HourPad: true,
	},
}

// style is the localizer's date style (English for the pseudo-locale).
func (l *Localizer) style() *dateStyle {
	if s, ok := dateStyles[l.Tag.String()]; ok {
		return s
	}
	return dateStyles["en"]
}

func (s *dateStyle) date(t time.Time, pattern string) string {
	return strings.NewReplacer(
		"{EEEE}", s.Days[t.Weekday()], "{EEE}", s.ShortDays[t.Weekday()],
		"{MMMM}", s.Months[t.Month()-1], "{MMM}", s.ShortMonths[t.Month()-1],
		"{d}", strconv.Itoa(t.Day()), "{y}", strconv.Itoa(t.Year()),
	).Replace(pattern)
}

func (s *dateStyle) clock(t time.Time) string {
	if s.Clock12 {
		h, half := t.Hour()%12, s.AM
		if h == 0 {
			h = 12
		}
		if t.Hour() >= 12 {
			half = s.PM
		}
		return strconv.Itoa(h) + ":" + t.Format("04") + " " + half
	}
	if s.HourPad {
		return t.Format("15:04")
	}
	return strconv.Itoa(t.Hour()) + ":" + t.Format("04")
}

func (s *dateStyle) dateTime(date, clock string) string {
	return strings.NewReplacer("{date}", date, "{time}", clock).Replace(s.DateTime)
}

func zone(t time.Time) string { return t.Format("MST") }

// Time is t's time of day in the language, with its zone abbreviation.
func (l *Localizer) Time(t time.Time) string { return l.wrap(l.style().clock(t) + " " + zone(t)) }

// Date is t's date in full ("Saturday 5 December 2026"), without the time.
func (l *Localizer) Date(t time.Time) string { return l.wrap(l.style().date(t, l.style().Long)) }

// DateTime is t's date in short and time with its zone
// ("Sat 5 Dec 2026, 13:00 CET"), in t's own location.
func (l *Localizer) DateTime(t time.Time) string {
	s := l.style()
	return l.wrap(s.dateTime(s.date(t, s.Short), s.clock(t)+" "+zone(t)))
}

// DateTimeLong is t's full date and time with its zone
// ("Saturday 5 December 2026, 13:00 CET").
func (l *Localizer) DateTimeLong(t time.Time) string {
	s := l.style()
	return l.wrap(s.dateTime(s.date(t, s.Long), s.clock(t)+" "+zone(t)))
}

// Span is the time from start to end, both in their own location: one day
// as "Saturday 5 December 2026, 13:00–15:00 CET" (both zones named when a
// clock change falls between), several days with each end in short.
func (l *Localizer) Span(start, end time.Time) string {
	s := l.style()
	if start.Year() == end.Year() && start.YearDay() == end.YearDay() {
		first := s.clock(start)
		if zone(start) != zone(end) {
			first += " " + zone(start)
		}
		return l.wrap(s.dateTime(s.date(start, s.Long), first) + "–" + s.clock(end) + " " + zone(end))
	}
	return l.T("DateSpan", "Start", l.DateTime(start), "End", l.DateTime(end))
}

// Number is n with the language's digit grouping (1,234 · 1 234 · 1.234).
func (l *Localizer) Number(n int) string {
	return message.NewPrinter(l.Tag).Sprintf("%d", n)
}

// wrap marks text the pseudo-locale made (dates, too, come from a table).
func (l *Localizer) wrap(s string) string {
	if l.pseudo {
		return "⟦" + s + "⟧"
	}
	return s
}
