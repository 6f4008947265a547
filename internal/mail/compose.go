package mail

import (
	"fmt"
	"html"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/turnout-org/turnout/internal/feed"
	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/turnout"
)

// Compose writes the message of one outbox item: what happened, when and
// where in the event's zone, the links that matter, and for confirmations,
// changes, cancellations and promotions the event as an .ics attachment with
// the feeds' UID and SEQUENCE. base is the public base URL.
func Compose(item *turnout.MailItem, base, from string) (*Message, error) {
	if item.Account != nil || item.Invitation != nil {
		return composeOrganiser(item, base, from)
	}
	// A hidden meeting point goes only to people going, from its reveal
	// time: everyone else's message (and .ics) carries the public area.
	e, r := item.Event.PointFor(item.RSVP, time.Now()), item.RSVP
	if e.PointWithheld && item.Before != nil {
		before := *item.Before
		before.Venue, before.Address, before.OnlineURL = e.Venue, "", ""
		if item.Kind == turnout.MailChange && before.Same(turnout.PlaceOf(e)) {
			return nil, errNothingToTell // only the hidden point moved
		}
		item.Before = &before
	}
	loc := i18n.Shared().Localizer(mailLanguage(item))
	w := &writer{loc: loc}
	var subject string
	switch item.Kind {
	case turnout.MailConfirmation:
		subject = loc.T("MailSubjectOutcome", "Outcome", outcomeHeadline(loc, r), "Event", e.Title)
		if r.Unconfirmed() && item.Confirm != "" {
			subject = loc.T("TitleConfirmRSVP", "Event", e.Title)
		}
		w.para(outcomeText(loc, r))
		w.confirm(item, base)
		w.details(e)
		w.link(loc.T("MailManageLink"), base+"/rsvp/"+item.Token)
	case turnout.MailLink:
		subject = loc.T("MailSubjectLink", "Event", e.Title)
		w.para(loc.T("MailLinkBody"))
		w.para(loc.T("MailLinkNotYou"))
		w.confirm(item, base)
		w.details(e)
		w.link(loc.T("MailManageLink"), base+"/rsvp/"+item.Token)
	case turnout.MailChange:
		subject = loc.T("MailSubjectChanged", "Event", e.Title)
		w.para(loc.T("MailChangedBody"))
		w.changes(item.Before, e)
	case turnout.MailCancel:
		subject = loc.T("MailSubjectCancelled", "Event", e.Title)
		w.para(loc.T("MailCancelledBody") + reason(loc, e))
		w.details(e)
	case turnout.MailPromotion:
		subject = loc.T("MailSubjectPromotion", "Event", e.Title)
		w.para(loc.T("MailPromotionBody"))
		w.details(e)
	case turnout.MailMessage:
		if item.Note == nil {
			return nil, fmt.Errorf("%w: the organisers' message is gone", ErrPermanent)
		}
		group := loc.T("MailTheOrganisers")
		if e.Group != nil {
			group = e.Group.Name
		}
		subject = item.Note.Subject
		w.para(loc.T("MailMessageFrom", "Group", group, "Event", e.Title))
		for _, p := range strings.Split(strings.ReplaceAll(item.Note.Body, "\r\n", "\n"), "\n\n") {
			w.para(p)
		}
		w.details(e)
	case turnout.MailReminder:
		subject = loc.T("MailSubjectReminder", "Event", e.Title, "When", when(loc, e))
		w.para(loc.T("MailReminderBody"))
		w.details(e)
		w.para(loc.T("MailReminderCancel"))
	default:
		return nil, fmt.Errorf("%w: unknown message kind %q", ErrPermanent, item.Kind)
	}
	w.link(loc.T("MailEventPage"), feed.EventURL(base, e))
	w.para(loc.T("MailWhy"))
	unsubscribe := base + "/unsubscribe/" + item.Unsubscribe
	w.link(loc.T("MailUnsubscribe"), unsubscribe)
	m := &Message{From: from, To: r.EmailValue(), Subject: subject, Text: w.text.String(),
		HTML: page(subject, w.html.String()), Unsubscribe: unsubscribe}
	if item.Kind != turnout.MailLink && item.Kind != turnout.MailMessage {
		ics, err := feed.EncodeICal(feed.Calendar{Name: e.Title, BaseURL: base, Events: []*turnout.Event{e}})
		if err != nil {
			return nil, err
		}
		m.ICS = ics
	}
	return m, nil
}

// mailLanguage is the language of a message to a supporter: the one they
// RSVPed in, else their event's group's, else English.
func mailLanguage(item *turnout.MailItem) language.Tag {
	if r := item.RSVP; r != nil && i18n.IsSupported(r.Language) {
		return language.MustParse(r.Language)
	}
	if e := item.Event; e != nil && e.Group != nil && i18n.IsSupported(e.Group.Language) {
		return language.MustParse(e.Group.Language)
	}
	return language.English
}

func outcomeHeadline(loc *i18n.Localizer, r *turnout.RSVP) string {
	switch r.Status {
	case turnout.RSVPGoing:
		return loc.T("DoneGoing")
	case turnout.RSVPWaitlisted:
		return loc.T("DoneWaitlisted")
	case turnout.RSVPMaybe:
		return loc.T("DoneMaybe")
	}
	return loc.T("DoneNotGoing")
}

func outcomeText(loc *i18n.Localizer, r *turnout.RSVP) string {
	switch r.Status {
	case turnout.RSVPGoing:
		if r.Guests > 0 {
			return loc.N("MailGoingGuests", r.Guests)
		}
		return loc.T("MailGoing")
	case turnout.RSVPWaitlisted:
		return loc.T("MailWaitlisted", "Position", r.Position)
	case turnout.RSVPMaybe:
		return loc.T("MailMaybe")
	}
	return loc.T("MailNotGoing")
}

func reason(loc *i18n.Localizer, e *turnout.Event) string {
	if e.CancelReason == "" {
		return ""
	}
	return " " + loc.T("MailTheySaid", "Reason", e.CancelReason)
}

// When is the event's time in its own zone, as pages show it in English.
func When(e *turnout.Event) string { return when(i18n.Shared().Localizer(language.English), e) }

func when(loc *i18n.Localizer, e *turnout.Event) string {
	return loc.Span(e.LocalStart(), e.LocalEnd())
}

// confirm asks an RSVP that waits for its email to be confirmed to follow
// the confirmation link, saying when the place is released otherwise.
func (w *writer) confirm(item *turnout.MailItem, base string) {
	r, e := item.RSVP, item.Event
	if !r.Unconfirmed() || item.Confirm == "" {
		return
	}
	by := w.loc.DateTimeLong(r.ConfirmBy.In(e.Location()))
	w.para(w.loc.T("MailConfirmBody", "By", by))
	w.link(w.loc.T("MailConfirmLink"), base+"/rsvp/confirm/"+item.Confirm)
}

// writer builds the text and HTML bodies side by side.
type writer struct {
	text, html strings.Builder
	// loc is the language of the message.
	loc *i18n.Localizer
}

func (w *writer) para(s string) {
	w.text.WriteString(s + "\n\n")
	w.html.WriteString("<p>" + html.EscapeString(s) + "</p>\n")
}

func (w *writer) link(label, url string) {
	w.text.WriteString(label + "\n" + url + "\n\n")
	w.html.WriteString("<p>" + html.EscapeString(label) + "<br><a href=\"" + html.EscapeString(url) + "\">" + html.EscapeString(url) + "</a></p>\n")
}

func (w *writer) row(label, value string) {
	w.text.WriteString(label + ": " + value + "\n")
	w.html.WriteString("<tr><th scope=\"row\" align=\"left\">" + html.EscapeString(label) + "</th><td>" + html.EscapeString(value) + "</td></tr>\n")
}

func (w *writer) details(e *turnout.Event) {
	w.html.WriteString("<table>\n")
	w.row(w.loc.T("MailEvent"), e.Title)
	w.row(w.loc.T("When"), when(w.loc, e))
	if p := e.Place(); p != "" {
		w.row(w.loc.T("Where"), p)
	}
	if e.OnlineURL != "" {
		w.row(w.loc.T("Online"), e.OnlineURL)
	}
	if e.Directions != "" {
		w.row(w.loc.T("MailDirections"), e.Directions)
	}
	w.html.WriteString("</table>\n")
	w.text.WriteString("\n")
}

// changes lists what differs between before and the event now, old and new.
func (w *writer) changes(before *turnout.EventPlace, e *turnout.Event) {
	now := turnout.PlaceOf(e)
	if before == nil {
		before = &now
	}
	loc := e.Location()
	w.html.WriteString("<table>\n")
	w.row(w.loc.T("MailEvent"), e.Title)
	oldWhen, newWhen := w.loc.Span(before.StartsAt.In(loc), before.EndsAt.In(loc)), when(w.loc, e)
	w.change(w.loc.T("When"), oldWhen, newWhen)
	w.change(w.loc.T("MailVenue"), before.Venue, now.Venue)
	w.change(w.loc.T("MailAddress"), before.Address, now.Address)
	w.change(w.loc.T("Online"), before.OnlineURL, now.OnlineURL)
	w.html.WriteString("</table>\n")
	w.text.WriteString("\n")
}

func (w *writer) change(label, old, new string) {
	if old == new {
		if new != "" {
			w.row(label, new)
		}
		return
	}
	w.row(w.loc.T("MailWas", "Label", label), or(old, w.loc.T("MailNone")))
	w.row(w.loc.T("MailNow", "Label", label), or(new, w.loc.T("MailNone")))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// page wraps the HTML body: inline styles only, nothing loaded from anywhere.
func page(title, body string) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) +
		"</title></head><body style=\"font-family:sans-serif;line-height:1.5;max-width:40em\">\n" + body + "</body></html>\n"
}
