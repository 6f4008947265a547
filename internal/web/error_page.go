package web

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// headingOf is the heading of the error page for each code, in words.
var headingOf = map[string]string{
	turnout.EINVALID:      "There is a problem",
	turnout.EMALFORMED:    "We could not read that",
	turnout.ENOTFOUND:     "Page not found",
	turnout.ECONFLICT:     "That could not be done",
	turnout.EUNAUTHORIZED: "You need to log in",
	turnout.EFORBIDDEN:    "You do not have access to this page",
	turnout.ETOOLARGE:     "That is too large",
	turnout.ERATELIMITED:  "Too many attempts",
	turnout.EUNAVAILABLE:  "Sorry, Turnout is not working right now",
	turnout.EINTERNAL:     "Sorry, something went wrong",
	"method_not_allowed":  "That cannot be done here",
	"timeout":             "That took too long",
}

// fieldLabels name the fields of forms and filters as their pages label them.
var fieldLabels = map[string]string{
	"q": "Search", "from": "From", "to": "To", "kind": "Kind", "group": "Group", "after": "Page",
	"starts_at": "Start", "ends_at": "End", "timezone": "Time zone", "online_url": "Online link",
	"rsvp_closes_at": "RSVPs close", "max_guests": "Most guests per RSVP", "require_email": "Ask for email", "email_confirm_hours": "Hours to confirm the email",
	"guests": "Guests", "email": "Email", "name": "Name", "status": "Status", "password": "Password",
}

// fieldProblem is one field's message on the error page.
type fieldProblem struct{ Label, Message string }

// fieldProblems lists fields by their labels, in a stable order.
func fieldProblems(fields map[string]string) []fieldProblem {
	out := make([]fieldProblem, 0, len(fields))
	for f, msg := range fields {
		out = append(out, fieldProblem{fieldLabel(f), msg})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// fieldLabel is the label of a field name such as "articles.0.url":
// "Article 1: url".
func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	parts := strings.Split(f, ".")
	if len(parts) == 3 && parts[0] == "articles" {
		if n, err := strconv.Atoi(parts[1]); err == nil && n >= 0 {
			return "Article " + strconv.Itoa(n+1) + ": " + fieldLabel(parts[2])
		}
	}
	words := strings.ReplaceAll(f, "_", " ")
	return strings.ToUpper(words[:1]) + words[1:]
}

// organiserPath reports whether path is one of the pages only signed-in
// organisers use.
func organiserPath(path string) bool {
	if path == "/dashboard" || strings.HasPrefix(path, "/account/") {
		return true
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) < 3 {
		return false
	}
	switch seg[0] {
	case "groups":
		switch seg[2] {
		case "settings", "members", "tokens", "events", "invitations", "delete":
			return true
		}
	case "events":
		switch seg[2] {
		case "edit", "preview", "publish", "unpublish", "cancel", "delete", "duplicate", "attendees", "attendees.csv":
			return true
		}
	}
	return false
}

// backLink is where the error page sends the person: back to the page
// they came from, as near as can be told from the path.
func backLink(c *fiber.Ctx, status int) (href, text string) {
	path := c.Path()
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case organiserPath(path):
		return "/dashboard", "Back to your dashboard"
	case path == "/login" || path == "/signup":
		return path, "Back to the form"
	case status == fiber.StatusNotFound && path == "/":
		return "/", "Go to the first page of upcoming events"
	case status != fiber.StatusNotFound && len(seg) >= 2 && (seg[0] == "events" || seg[0] == "groups") && turnout.ValidSlug(seg[1]):
		if seg[0] == "events" {
			return "/events/" + seg[1], "Back to the event"
		}
		return "/groups/" + seg[1], "Back to the group’s events"
	}
	return "/", "Back to upcoming events"
}
