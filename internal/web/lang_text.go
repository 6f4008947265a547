package web

import (
	"html/template"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/turnout"
)

// textPattern translates English text with a variable part that handlers
// and the domain build (a page title with the event's name, a limit): the
// submatches become the message's arguments, in order.
type textPattern struct {
	re   *regexp.Regexp
	id   string
	args []string
}

var textPatterns = []textPattern{
	{regexp.MustCompile(`^Your RSVP: (.+)$`), "TitleYourRSVP", []string{"Event"}},
	{regexp.MustCompile(`^Confirm your RSVP: (.+)$`), "TitleConfirmRSVP", []string{"Event"}},
	{regexp.MustCompile(`^Cancel your RSVP to (.+)\?$`), "HeadingCancelRSVP", []string{"Event"}},
	{regexp.MustCompile(`^Delete your RSVP to (.+)\?$`), "HeadingDeleteRSVP", []string{"Event"}},
	{regexp.MustCompile(`^Bring between 0 and (\d+) guests\.$`), "ErrGuestsRange", []string{"Max"}},
	{regexp.MustCompile(`^Use at most (\d+) characters\.$`), "ErrMaxChars", []string{"Max"}},
	{regexp.MustCompile(`^Use at least (\d+) characters\.$`), "ErrMinChars", []string{"Min"}},
	{regexp.MustCompile(`^Back to (.+)$`), "BackTo", []string{"Page"}},
	{regexp.MustCompile(`^Upcoming events by (.+)\.$`), "UpcomingEventsBy", []string{"Group"}},
	{regexp.MustCompile(`^Welcome back, (.+)\.$`), "WelcomeBack", []string{"Name"}},
	{regexp.MustCompile(`^Upcoming events of (.+), the next first$`), "DashUpcomingCaption", []string{"Group"}},
	{regexp.MustCompile(`^Past events of (.+), the latest first$`), "DashPastCaption", []string{"Group"}},
	{regexp.MustCompile(`^Settings of (.+)$`), "SettingsOf", []string{"Group"}},
	{regexp.MustCompile(`^Members of (.+)$`), "MembersOf", []string{"Group"}},
	{regexp.MustCompile(`^Cancel (.+)$`), "CancelEventHeading", []string{"Event"}},
	{regexp.MustCompile(`^Delete (.+)$`), "DeleteEventHeading", []string{"Event"}},
	{regexp.MustCompile(`^Edit (.+)$`), "TitleEditEvent", []string{"Event"}},
	{regexp.MustCompile(`^Attendees: (.+)$`), "TitleAttendees", []string{"Event"}},
	{regexp.MustCompile(`^Type (\S+) to confirm\.$`), "TypeSlugToConfirm", []string{"Slug"}},
	{regexp.MustCompile(`^The group (.+) is deleted\.$`), "GroupDeleted", []string{"Group"}},
	{regexp.MustCompile(`^All events \((iCal|Atom)\)$`), "AllEventsFeed", []string{"Format"}},
	{regexp.MustCompile(`^Too long: at most (\d+) characters\.$`), "ErrTooLong", []string{"Max"}},
	{regexp.MustCompile(`^There is room for only (\d+) more, so your RSVP stays as it was\.$`), "ErrRoomOnly", []string{"Left"}},
	{regexp.MustCompile(`^(.+) You can still change your name or cancel\.$`), "ErrClosedStillChange", []string{"Why"}},
}

// translateText is text in loc's language when it is a message of the
// catalogue in English, or one of textPatterns; anything else (what people
// typed, names) comes back unchanged.
func translateText(loc *i18n.Localizer, text string) string {
	if text == "" {
		return text
	}
	if out, ok := loc.FromEnglish(text); ok {
		return out
	}
	for _, p := range textPatterns {
		if m := p.re.FindStringSubmatch(text); m != nil {
			args := make([]any, 0, 2*len(p.args))
			for i, name := range p.args {
				args = append(args, name, translateText(loc, m[i+1]))
			}
			return loc.T(p.id, args...)
		}
	}
	return text
}

// translateFields is a copy of per-field messages in loc's language.
func translateFields(loc *i18n.Localizer, fields map[string]string) map[string]string {
	if fields == nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = translateText(loc, v)
	}
	return out
}

// translatedKeys are the page data that handlers fill with English text.
var translatedKeys = []string{"Title", "Heading", "Description", "Message", "Flash", "Error", "RSVPClosed", "Explain", "Yes", "BackText", "Question"}

// translateData puts the English text handlers and the domain put in data
// into loc's language, so that handlers stay as they are.
func translateData(loc *i18n.Localizer, data fiber.Map) {
	for _, k := range translatedKeys {
		if v, ok := data[k].(string); ok {
			data[k] = translateText(loc, v)
		}
	}
	if m, ok := data["Errors"].(map[string]string); ok {
		data["Errors"] = translateFields(loc, m)
	}
	if f, ok := data["RSVP"].(rsvpForm); ok {
		f.Message, f.Errors = translateText(loc, f.Message), translateFields(loc, f.Errors)
		data["RSVP"] = f
	}
	if feeds, ok := data["Feeds"].([]feedLink); ok {
		out := make([]feedLink, len(feeds))
		for i, f := range feeds {
			out[i] = feedLink{f.Type, translateText(loc, f.Title), f.URL}
		}
		data["Feeds"] = out
	}
	if fs, ok := data["Fields"].([]fieldProblem); ok {
		out := make([]fieldProblem, len(fs))
		for i, f := range fs {
			out[i] = fieldProblem{translateText(loc, f.Label), translateText(loc, f.Message)}
		}
		data["Fields"] = out
	}
}

// eventLink is a link to an event's page, named by its title, for messages
// that hold one.
func eventLink(e *turnout.Event) template.HTML {
	return template.HTML(`<a href="/events/` + template.HTMLEscapeString(e.Slug) + `">` + template.HTMLEscapeString(e.Title) + `</a>`) //nolint:gosec // both parts are escaped
}

// kindLabelIn is the name of an event kind in loc's language.
func kindLabelIn(loc *i18n.Localizer, kind string) string {
	if kind == "" {
		return ""
	}
	return loc.T("Kind_" + kind)
}

// groupLink is a link to a group's page, named by the group.
func groupLink(g *turnout.Group) template.HTML {
	return template.HTML(`<a href="/groups/` + template.HTMLEscapeString(g.Slug) + `">` + template.HTMLEscapeString(g.Name) + `</a>`) //nolint:gosec // both parts are escaped
}
