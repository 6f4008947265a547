package mail

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/feed"
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
	e, r := item.Event, item.RSVP
	w := &writer{}
	var subject string
	switch item.Kind {
	case turnout.MailConfirmation:
		subject = outcomeHeadline(r) + ": " + e.Title
		if r.Unconfirmed() && item.Confirm != "" {
			subject = "Confirm your RSVP: " + e.Title
		}
		w.para(outcomeText(r))
		w.confirm(item, base)
		w.details(e)
		w.link("Change or cancel your RSVP (a private link: do not share it):", base+"/rsvp/"+item.Token)
	case turnout.MailLink:
		subject = "Your private link for " + e.Title
		w.para("Here is a new private link to change or cancel your RSVP. The link you had before no longer works.")
		w.para("If you did not ask for it, someone typed your address on the event page: you need do nothing, and your RSVP is as it was.")
		w.confirm(item, base)
		w.details(e)
		w.link("Change or cancel your RSVP (a private link: do not share it):", base+"/rsvp/"+item.Token)
	case turnout.MailChange:
		subject = "Changed: " + e.Title
		w.para("The organisers changed the time or place of an event you RSVPed to. Here is what changed:")
		w.changes(item.Before, e)
	case turnout.MailCancel:
		subject = "Cancelled: " + e.Title
		w.para("The organisers cancelled this event." + reason(e))
		w.details(e)
	case turnout.MailPromotion:
		subject = "You have a place: " + e.Title
		w.para("A place came free and you are now going. If your plans changed, please cancel from the private link you were given, so that the place goes to the next person waiting.")
		w.details(e)
	case turnout.MailMessage:
		if item.Note == nil {
			return nil, fmt.Errorf("%w: the organisers' message is gone", ErrPermanent)
		}
		group := "the organisers"
		if e.Group != nil {
			group = e.Group.Name
		}
		subject = item.Note.Subject
		w.para("A message from " + group + " about " + e.Title + ":")
		for _, p := range strings.Split(strings.ReplaceAll(item.Note.Body, "\r\n", "\n"), "\n\n") {
			w.para(p)
		}
		w.details(e)
	case turnout.MailReminder:
		subject = "Reminder: " + e.Title + ", " + When(e)
		w.para("A reminder of the event you said you are going to.")
		w.details(e)
		w.para("If you can no longer come, please cancel from the private link you were given, so that your place can go to someone else.")
	default:
		return nil, fmt.Errorf("%w: unknown message kind %q", ErrPermanent, item.Kind)
	}
	w.link("Event page:", feed.EventURL(base, e))
	w.para("You get this email because you RSVPed to this event on Turnout with this address.")
	unsubscribe := base + "/unsubscribe/" + item.Unsubscribe
	w.link("To get no more email about this RSVP:", unsubscribe)
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

func outcomeHeadline(r *turnout.RSVP) string {
	switch r.Status {
	case turnout.RSVPGoing:
		return "You're going"
	case turnout.RSVPWaitlisted:
		return "You're on the waitlist"
	case turnout.RSVPMaybe:
		return "You said maybe"
	}
	return "Thanks for letting us know"
}

func outcomeText(r *turnout.RSVP) string {
	switch r.Status {
	case turnout.RSVPGoing:
		if r.Guests > 0 {
			return fmt.Sprintf("Your place and %d guest places are saved.", r.Guests)
		}
		return "Your place is saved."
	case turnout.RSVPWaitlisted:
		return fmt.Sprintf("The event is full. You are number %d on the waitlist: if places free up, you move up in turn, and we email you when you have a place.", r.Position)
	case turnout.RSVPMaybe:
		return "We have noted that you might come."
	}
	return "We have noted that you cannot come."
}

func reason(e *turnout.Event) string {
	if e.CancelReason == "" {
		return ""
	}
	return " They said: " + e.CancelReason
}

// When is the event's time in its own zone, as pages show it.
func When(e *turnout.Event) string { return span(e.LocalStart(), e.LocalEnd()) }

func span(start, end time.Time) string {
	if start.Year() == end.Year() && start.YearDay() == end.YearDay() {
		return start.Format("Monday 2 January 2006, 15:04") + "–" + end.Format("15:04 MST")
	}
	return start.Format("Mon 2 Jan 2006, 15:04 MST") + " to " + end.Format("Mon 2 Jan 2006, 15:04 MST")
}

// confirm asks an RSVP that waits for its email to be confirmed to follow
// the confirmation link, saying when the place is released otherwise.
func (w *writer) confirm(item *turnout.MailItem, base string) {
	r, e := item.RSVP, item.Event
	if !r.Unconfirmed() || item.Confirm == "" {
		return
	}
	by := r.ConfirmBy.In(e.Location()).Format("Monday 2 January 2006, 15:04 MST")
	w.para("The organisers ask everyone to confirm their email address. Please follow the link below by " + by +
		". If you do not, your RSVP is released and its place goes to the next person.")
	w.link("Confirm your RSVP:", base+"/rsvp/confirm/"+item.Confirm)
}

// writer builds the text and HTML bodies side by side.
type writer struct{ text, html strings.Builder }

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
	w.row("Event", e.Title)
	w.row("When", When(e))
	if p := e.Place(); p != "" {
		w.row("Where", p)
	}
	if e.OnlineURL != "" {
		w.row("Online", e.OnlineURL)
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
	w.row("Event", e.Title)
	oldWhen, newWhen := span(before.StartsAt.In(loc), before.EndsAt.In(loc)), When(e)
	w.change("When", oldWhen, newWhen)
	w.change("Venue", before.Venue, now.Venue)
	w.change("Address", before.Address, now.Address)
	w.change("Online", before.OnlineURL, now.OnlineURL)
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
	w.row(label+" (was)", or(old, "none"))
	w.row(label+" (now)", or(new, "none"))
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
