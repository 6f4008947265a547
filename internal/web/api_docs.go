package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// The API's description lives here once, as data: GET /api/v1/openapi.json
// serves it as an OpenAPI 3.1 document and GET /api/docs renders the same
// data as a page. TestAPIDocsCoverEveryRoute checks that every /api/ route
// of the application is described and that nothing described is missing.

// apiOperation is one method on one path of the API.
type apiOperation struct {
	Method, Path     string // Path in OpenAPI form: /api/v1/events/{slug}
	ID               string
	Summary, Details string
	Auth             bool       // needs Authorization: Bearer TOKEN
	Params           []apiParam // path and query parameters
	Body             string     // request schema name, "" for none
	Multipart        bool       // Body is multipart/form-data, not JSON
	Responses        []apiResponse
}

// apiParam is a path or query parameter.
type apiParam struct {
	Name, In, Description string
}

// apiResponse is one status an operation answers with.
type apiResponse struct {
	Status      int
	Description string
	Schema      string // schema name, "" for no body
}

// apiSchema is a JSON object the API reads or writes.
type apiSchema struct {
	Name, Description string
	Fields            []apiField
}

// apiField is one property of a schema. Type is string, integer, number,
// boolean, date-time, a schema name, or []X for a list of X.
type apiField struct {
	Name, Type, Description string
	Nullable, Required      bool
	Enum                    []string
}

var slugParam = apiParam{"slug", "path", "The event's slug, as in its URL."}
var tokenParam = apiParam{"token", "path", "The private token of the RSVP's manage link (/rsvp/{token})."}

// listParams are the filters of GET / and GET /api/v1/events.
var listParams = []apiParam{
	{"group", "query", "Only this group's events (its slug)."},
	{"kind", "query", "Only these kinds, comma-separated: " + strings.Join(turnout.Kinds, ", ") + "."},
	{"from", "query", "Only events that end after the start of this day (2026-03-22)."},
	{"to", "query", "Only events that start before the end of this day (2026-03-22); not before from."},
	{"q", "query", "Words that must each start a word of the title, summary, description, venue, address or group name; case and accents do not matter."},
	{"after", "query", "Where the page starts: copy it from the `next` URL of the page before."},
}

var errorResponses = map[int]apiResponse{
	400: {400, "The body could not be read as JSON.", "Error"},
	401: {401, "No valid API token.", "Error"},
	403: {403, "The token's account may not do this.", "Error"},
	404: {404, "No such event, group or RSVP, or one the caller may not see.", "Error"},
	409: {409, "The request conflicts with the current state (for example, already cancelled).", "Error"},
	422: {422, "A field is wrong: `error.fields` names each one.", "Error"},
	429: {429, "Too many requests from this address; try again later.", "Error"},
}

func withErrors(ok []apiResponse, statuses ...int) []apiResponse {
	out := append([]apiResponse{}, ok...)
	for _, s := range statuses {
		out = append(out, errorResponses[s])
	}
	return out
}

var apiOperations = []apiOperation{
	{Method: "GET", Path: "/api/v1/events", ID: "listEvents", Summary: "List upcoming events",
		Details: "Published and cancelled events that have not ended, soonest first, 20 a page.",
		Params:  listParams, Responses: withErrors([]apiResponse{{200, "A page of events.", "EventList"}}, 404, 422)},
	{Method: "GET", Path: "/api/v1/events/{slug}", ID: "showEvent", Summary: "Show an event",
		Details: "The event's public fields, with its group and articles. Drafts are shown only to organisers of the event's group (with a token); to anyone else they do not exist (404).",
		Params:  []apiParam{slugParam}, Responses: withErrors([]apiResponse{{200, "The event.", "Event"}}, 404)},
	{Method: "POST", Path: "/api/v1/groups/{group}/events", ID: "createEvent", Summary: "Create an event", Auth: true,
		Details: "Creates a draft or published event in the group. Needs `title`, `kind`, `starts_at` and `ends_at`.",
		Params:  []apiParam{{"group", "path", "The group's slug."}}, Body: "EventInput",
		Responses: withErrors([]apiResponse{{201, "The new event; Location names it.", "Event"}}, 400, 401, 403, 404, 422)},
	{Method: "PATCH", Path: "/api/v1/events/{slug}", ID: "updateEvent", Summary: "Change an event", Auth: true,
		Details: "Any subset of the fields; those left out keep their values. A change people should see raises `sequence`.",
		Params:  []apiParam{slugParam}, Body: "EventInput",
		Responses: withErrors([]apiResponse{{200, "The event as stored.", "Event"}}, 400, 401, 403, 404, 409, 422)},
	{Method: "POST", Path: "/api/v1/events/{slug}/cancel", ID: "cancelEvent", Summary: "Cancel an event", Auth: true,
		Details: "The event stays listed, marked cancelled with the reason; feeds show STATUS:CANCELLED.",
		Params:  []apiParam{slugParam}, Body: "CancelInput",
		Responses: withErrors([]apiResponse{{200, "The cancelled event.", "Event"}}, 400, 401, 403, 404, 409, 422)},
	{Method: "POST", Path: "/api/v1/events/{slug}/image", ID: "setEventImage", Summary: "Set the event's picture", Auth: true,
		Details: imageDetails, Params: []apiParam{slugParam}, Body: "ImageUpload", Multipart: true,
		Responses: withErrors([]apiResponse{{201, "The stored picture.", "ImageCreated"}, {413, "The picture is over 10 MB.", "Error"}}, 401, 403, 404, 422)},
	{Method: "DELETE", Path: "/api/v1/events/{slug}/image", ID: "deleteEventImage", Summary: "Remove the event's picture", Auth: true,
		Params: []apiParam{slugParam}, Responses: withErrors([]apiResponse{{204, "Removed (or there was none).", ""}}, 401, 403, 404)},
	{Method: "POST", Path: "/api/v1/groups/{group}/image", ID: "setGroupImage", Summary: "Set the group's picture", Auth: true,
		Details: imageDetails, Params: []apiParam{{"group", "path", "The group's slug."}}, Body: "ImageUpload", Multipart: true,
		Responses: withErrors([]apiResponse{{201, "The stored picture.", "ImageCreated"}, {413, "The picture is over 10 MB.", "Error"}}, 401, 403, 404, 422)},
	{Method: "DELETE", Path: "/api/v1/groups/{group}/image", ID: "deleteGroupImage", Summary: "Remove the group's picture", Auth: true,
		Params: []apiParam{{"group", "path", "The group's slug."}}, Responses: withErrors([]apiResponse{{204, "Removed (or there was none).", ""}}, 401, 403, 404)},
	{Method: "POST", Path: "/api/v1/events/{slug}/rsvps", ID: "createRSVP", Summary: "RSVP to an event",
		Details: "Public: no token. A party that does not fit in the capacity goes on the waitlist, whole.",
		Params:  []apiParam{slugParam}, Body: "RSVPInput",
		Responses: withErrors([]apiResponse{{201, "The RSVP, with its private manage link (shown once).", "RSVPCreated"}}, 400, 404, 409, 422, 429)},
	{Method: "POST", Path: "/api/v1/events/{slug}/rsvps/link", ID: "requestRSVPLink", Summary: "Send a lost manage link",
		Details: "Public. Emails a new manage link to the address if it RSVPed to the event; answers the same whether or not it did.",
		Params:  []apiParam{slugParam}, Body: "LinkRequest",
		Responses: withErrors([]apiResponse{{202, "Accepted; a link is sent if the address is known.", "Message"}}, 400, 404, 422, 429)},
	{Method: "GET", Path: "/api/v1/events/{slug}/rsvps", ID: "listRSVPs", Summary: "List an event's RSVPs", Auth: true,
		Details: "For organisers of the event's group only: names and emails of the people coming, a page at a time.",
		Params: []apiParam{slugParam, {"q", "query", "Only RSVPs whose name or email holds this text."},
			{"after", "query", "Where the page starts: copy it from the `next` URL of the page before."}},
		Responses: withErrors([]apiResponse{{200, "Counts and a page of RSVPs.", "RSVPList"}}, 401, 403, 404, 422)},
	{Method: "POST", Path: "/api/v1/events/{slug}/messages", ID: "sendMessage", Summary: "Email the people coming", Auth: true,
		Details: "For organisers of the event's group: a plain-text message to the RSVPs of the chosen statuses that gave an email address.",
		Params:  []apiParam{slugParam}, Body: "MessageInput",
		Responses: withErrors([]apiResponse{{202, "Queued; how many people will get it.", "MessageQueued"}}, 400, 401, 403, 404, 422, 429)},
	{Method: "GET", Path: "/api/v1/rsvps/{token}", ID: "showRSVP", Summary: "Show your RSVP",
		Params: []apiParam{tokenParam}, Responses: withErrors([]apiResponse{{200, "The RSVP.", "RSVP"}}, 404)},
	{Method: "PATCH", Path: "/api/v1/rsvps/{token}", ID: "updateRSVP", Summary: "Change your RSVP",
		Params: []apiParam{tokenParam}, Body: "RSVPUpdate",
		Responses: withErrors([]apiResponse{{200, "The RSVP as stored.", "RSVP"}}, 400, 404, 409, 422)},
	{Method: "DELETE", Path: "/api/v1/rsvps/{token}", ID: "deleteRSVP", Summary: "Cancel your RSVP",
		Details: "Deletes the RSVP; the manage link stops working. A waitlisted party may be promoted into the freed places.",
		Params:  []apiParam{tokenParam}, Responses: withErrors([]apiResponse{{204, "Cancelled.", ""}}, 404, 429)},
	{Method: "GET", Path: "/api/v1/openapi.json", ID: "openAPI", Summary: "This description, as OpenAPI 3.1",
		Responses: []apiResponse{{200, "The OpenAPI document.", ""}}},
}

var imageDetails = "JPEG, PNG or WebP up to 10 MB and 40 megapixels, with alt text. The picture is decoded and re-encoded as JPEG at a few widths: no metadata (EXIF location, camera serial) survives. Replaces any earlier picture."

var timeField = "Local wall-clock time in the event's zone (2026-03-22T13:00), or RFC 3339 with an offset, which is converted. A local time that a clock change makes ambiguous needs the offset."

var eventInputFields = []apiField{
	{Name: "title", Type: "string", Description: "What the event is called."},
	{Name: "kind", Type: "string", Enum: turnout.Kinds},
	{Name: "summary", Type: "string", Description: "One or two sentences for lists."},
	{Name: "description", Type: "string", Description: "Markdown."},
	{Name: "starts_at", Type: "string", Description: timeField},
	{Name: "ends_at", Type: "string", Description: timeField + " After starts_at."},
	{Name: "timezone", Type: "string", Description: "IANA zone name (Europe/London); the group's zone when left out."},
	{Name: "venue", Type: "string"},
	{Name: "address", Type: "string"},
	{Name: "latitude", Type: "number", Nullable: true},
	{Name: "longitude", Type: "number", Nullable: true},
	{Name: "online_url", Type: "string", Description: "A link for people joining online (https)."},
	{Name: "accessibility", Type: "string", Description: "Step-free access, toilets, seating, BSL and the like."},
	{Name: "location_visibility", Type: "string", Enum: turnout.PointVisibilities, Description: "Who sees venue, address, coordinates, online link and directions: everyone (public, the default) or people going, from reveal_at."},
	{Name: "public_area", Type: "string", Description: "What everyone sees while the meeting point is hidden; required with location_visibility going."},
	{Name: "directions", Type: "string", Description: "How to find the meeting point; hidden with it."},
	{Name: "reveal_at", Type: "string", Nullable: true, Description: "When people going see a hidden meeting point, before the start; null = at once. " + timeField},
	{Name: "capacity", Type: "integer", Nullable: true, Description: "People, guests included; null = unlimited."},
	{Name: "max_guests", Type: "integer", Description: "Most guests one RSVP may bring."},
	{Name: "require_email", Type: "boolean", Description: "Ask RSVPs for an email address. With email on, each RSVP holds its place unconfirmed until the link in its confirmation email is followed."},
	{Name: "email_confirm_hours", Type: "integer", Description: "With require_email and email on: hours a supporter has to confirm the address before the RSVP is released and its place goes to the waitlist (1 to 720, default 48)."},
	{Name: "reminders", Type: "boolean", Description: "Send reminder emails to people coming who gave an address; false stops them."},
	{Name: "rsvp_closes_at", Type: "string", Nullable: true, Description: "When RSVPs close. " + timeField},
	{Name: "status", Type: "string", Enum: []string{turnout.StatusDraft, turnout.StatusPublished}},
	{Name: "articles", Type: "[]ArticleInput", Description: "The articles that make the case, in order; replaces the list."},
}

var apiSchemas = []apiSchema{
	{Name: "Event", Description: "An event's public fields: counts, never attendees.", Fields: []apiField{
		{Name: "slug", Type: "string", Required: true}, {Name: "url", Type: "string", Required: true, Description: "The event page."},
		{Name: "ics_url", Type: "string", Required: true, Description: "The event's iCalendar file."},
		{Name: "title", Type: "string", Required: true}, {Name: "kind", Type: "string", Required: true, Enum: turnout.Kinds},
		{Name: "summary", Type: "string"}, {Name: "description", Type: "string", Description: "Markdown."},
		{Name: "starts_at", Type: "date-time", Required: true, Description: "RFC 3339 with the event zone's offset."},
		{Name: "ends_at", Type: "date-time", Required: true, Description: "RFC 3339 with the event zone's offset."},
		{Name: "timezone", Type: "string", Required: true}, {Name: "venue", Type: "string"}, {Name: "address", Type: "string"},
		{Name: "latitude", Type: "number", Nullable: true}, {Name: "longitude", Type: "number", Nullable: true},
		{Name: "online_url", Type: "string"}, {Name: "accessibility", Type: "string"},
		{Name: "location_visibility", Type: "string", Required: true, Enum: turnout.PointVisibilities},
		{Name: "public_area", Type: "string", Description: "Where, roughly; while the meeting point is hidden from the caller, venue, address, coordinates, online_url and directions are empty."},
		{Name: "directions", Type: "string"}, {Name: "reveal_at", Type: "date-time", Nullable: true, Description: "When people going see a hidden meeting point."},
		{Name: "capacity", Type: "integer", Nullable: true, Description: "People, guests included; null = unlimited."},
		{Name: "max_guests", Type: "integer"}, {Name: "require_email", Type: "boolean"},
		{Name: "email_confirm_hours", Type: "integer", Description: "Hours to confirm a required email before the RSVP is released."},
		{Name: "reminders", Type: "boolean", Description: "Whether reminder emails go out."},
		{Name: "rsvp_closes_at", Type: "date-time", Nullable: true},
		{Name: "status", Type: "string", Required: true, Enum: []string{turnout.StatusDraft, turnout.StatusPublished, turnout.StatusCancelled}},
		{Name: "cancel_reason", Type: "string", Description: "Present when cancelled."},
		{Name: "sequence", Type: "integer", Required: true, Description: "Rises with every change people should see (as in iCalendar)."},
		{Name: "going", Type: "integer", Required: true, Description: "People going, guests included."},
		{Name: "spots_left", Type: "integer", Nullable: true, Description: "null = unlimited."},
		{Name: "group", Type: "Group"}, {Name: "articles", Type: "[]Article"},
		{Name: "image", Type: "Image", Nullable: true, Description: "The event's picture; null when it has none."},
		{Name: "updated_at", Type: "date-time", Required: true},
	}},
	{Name: "Image", Description: "A picture at full size; served from this instance with immutable caching.", Fields: []apiField{
		{Name: "url", Type: "string", Required: true}, {Name: "alt", Type: "string", Required: true, Description: "What the picture shows."},
		{Name: "width", Type: "integer", Required: true}, {Name: "height", Type: "integer", Required: true}}},
	{Name: "ImageCreated", Fields: []apiField{{Name: "image", Type: "Image", Required: true}}},
	{Name: "ImageUpload", Description: "multipart/form-data.", Fields: []apiField{
		{Name: "image", Type: "string", Required: true, Description: "The file: JPEG, PNG or WebP."},
		{Name: "alt", Type: "string", Required: true, Description: "What the picture shows, for people who cannot see it."}}},
	{Name: "EventList", Description: "A page of events.", Fields: []apiField{
		{Name: "events", Type: "[]Event", Required: true},
		{Name: "next", Type: "string", Nullable: true, Required: true, Description: "The URL of the next page; null on the last."},
	}},
	{Name: "Group", Fields: []apiField{{Name: "slug", Type: "string", Required: true}, {Name: "name", Type: "string", Required: true}, {Name: "url", Type: "string", Required: true}}},
	{Name: "Article", Description: "An article linked from an event.", Fields: []apiField{
		{Name: "url", Type: "string", Required: true}, {Name: "title", Type: "string", Required: true}, {Name: "summary", Type: "string"}, {Name: "source", Type: "string"}}},
	{Name: "ArticleInput", Fields: []apiField{
		{Name: "url", Type: "string", Required: true, Description: "http or https."}, {Name: "title", Type: "string", Required: true},
		{Name: "summary", Type: "string"}, {Name: "source", Type: "string", Description: "Who published it."}}},
	{Name: "EventInput", Description: "Fields of an event to create or change.", Fields: eventInputFields},
	{Name: "CancelInput", Fields: []apiField{{Name: "reason", Type: "string", Description: "Shown on the event page and in feeds."}}},
	{Name: "RSVPInput", Fields: []apiField{
		{Name: "name", Type: "string", Required: true, Description: "A name or nickname."},
		{Name: "email", Type: "string", Description: "Needed when the event's require_email is true."},
		{Name: "status", Type: "string", Enum: []string{turnout.RSVPGoing, turnout.RSVPMaybe, turnout.RSVPNotGoing}},
		{Name: "guests", Type: "integer", Description: "People coming along, up to the event's max_guests."}}},
	{Name: "RSVPUpdate", Description: "Any subset of the fields.", Fields: []apiField{
		{Name: "name", Type: "string"}, {Name: "status", Type: "string", Enum: []string{turnout.RSVPGoing, turnout.RSVPMaybe, turnout.RSVPNotGoing}},
		{Name: "guests", Type: "integer"}}},
	{Name: "RSVPCreated", Fields: []apiField{
		{Name: "status", Type: "string", Required: true, Enum: []string{turnout.RSVPGoing, turnout.RSVPWaitlisted, turnout.RSVPMaybe, turnout.RSVPNotGoing}},
		{Name: "guests", Type: "integer", Required: true},
		{Name: "manage_url", Type: "string", Description: "The private link to change or cancel the RSVP; shown only this once. Absent when the email already has an RSVP to the event: the link is then mailed to it."},
		{Name: "waitlist_position", Type: "integer", Description: "Present when waitlisted."},
		{Name: "confirm_by", Type: "date-time", Description: "Present when the event requires email and email is on: the RSVP is released then unless the link in its confirmation email is followed."}}},
	{Name: "RSVP", Description: "An RSVP as its manage link sees it.", Fields: []apiField{
		{Name: "name", Type: "string", Required: true}, {Name: "email", Type: "string", Nullable: true},
		{Name: "status", Type: "string", Required: true, Enum: []string{turnout.RSVPGoing, turnout.RSVPWaitlisted, turnout.RSVPMaybe, turnout.RSVPNotGoing}},
		{Name: "guests", Type: "integer", Required: true}, {Name: "created_at", Type: "date-time", Required: true},
		{Name: "waitlist_position", Type: "integer"}, {Name: "event", Type: "RSVPEvent", Required: true},
		{Name: "meeting_point", Type: "MeetingPoint", Description: "Present when the event's meeting point is hidden from the public."}}},
	{Name: "MeetingPoint", Description: "A hidden meeting point as this RSVP's holder may see it: the point once they are going and its time has come, else the public area.", Fields: []apiField{
		{Name: "shared", Type: "boolean", Required: true, Description: "Whether the point below is shown to this person now."},
		{Name: "public_area", Type: "string", Required: true}, {Name: "shared_at", Type: "date-time", Description: "When people going see it."},
		{Name: "venue", Type: "string"}, {Name: "address", Type: "string"}, {Name: "online_url", Type: "string"}, {Name: "directions", Type: "string"},
		{Name: "latitude", Type: "number"}, {Name: "longitude", Type: "number"}}},
	{Name: "RSVPEvent", Fields: []apiField{{Name: "slug", Type: "string"}, {Name: "title", Type: "string"}, {Name: "url", Type: "string"}, {Name: "ics_url", Type: "string"}}},
	{Name: "RSVPList", Description: "For the event's organisers.", Fields: []apiField{
		{Name: "counts", Type: "RSVPCounts", Required: true, Description: "The whole event's counts."},
		{Name: "total", Type: "integer", Required: true, Description: "RSVPs matching q, on all pages."},
		{Name: "rsvps", Type: "[]OrganiserRSVP", Required: true},
		{Name: "next", Type: "string", Nullable: true, Required: true, Description: "The URL of the next page; null on the last."}}},
	{Name: "LinkRequest", Fields: []apiField{{Name: "email", Type: "string", Required: true}}},
	{Name: "Message", Fields: []apiField{{Name: "message", Type: "string", Required: true}}},
	{Name: "MessageInput", Fields: []apiField{
		{Name: "subject", Type: "string", Required: true}, {Name: "body", Type: "string", Required: true, Description: "Plain text."},
		{Name: "to", Type: "[]string", Description: "Statuses that get it: going, waitlisted, maybe."}}},
	{Name: "MessageQueued", Fields: []apiField{{Name: "recipients", Type: "integer", Required: true}}},
	{Name: "RSVPCounts", Description: "People, guests included.", Fields: []apiField{
		{Name: "going", Type: "integer"}, {Name: "waitlisted", Type: "integer"}, {Name: "maybe", Type: "integer"},
		{Name: "not_going", Type: "integer"}, {Name: "checked_in", Type: "integer"}}},
	{Name: "OrganiserRSVP", Fields: []apiField{
		{Name: "id", Type: "integer"}, {Name: "name", Type: "string"}, {Name: "email", Type: "string", Nullable: true},
		{Name: "status", Type: "string"}, {Name: "guests", Type: "integer"}, {Name: "created_at", Type: "date-time"},
		{Name: "checked_in", Type: "boolean"}, {Name: "waitlist_position", Type: "integer"},
		{Name: "unconfirmed", Type: "boolean", Description: "True while a required email waits to be confirmed."},
		{Name: "confirm_by", Type: "date-time", Description: "Present when unconfirmed: when the RSVP is released unless confirmed."}}},
	{Name: "Error", Description: "Every 4xx and 5xx answer.", Fields: []apiField{{Name: "error", Type: "ErrorBody", Required: true}}},
	{Name: "ErrorBody", Fields: []apiField{
		{Name: "code", Type: "string", Required: true, Description: "invalid, malformed, not_found, conflict, unauthorized, forbidden, too_large, rate_limited, unavailable, internal."},
		{Name: "message", Type: "string", Required: true, Description: "Safe to show to people."},
		{Name: "fields", Type: "map", Description: "For invalid: a message per field name."}}},
}

// fieldSchema is the JSON Schema of a field's type.
func fieldSchema(f apiField) map[string]any {
	var s map[string]any
	switch t := f.Type; {
	case strings.HasPrefix(t, "[]"):
		s = map[string]any{"type": "array", "items": fieldSchema(apiField{Type: t[2:]})}
	case t == "date-time":
		s = map[string]any{"type": "string", "format": "date-time"}
	case t == "map":
		s = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	case t == "string" || t == "integer" || t == "number" || t == "boolean":
		s = map[string]any{"type": t}
	default:
		s = map[string]any{"$ref": "#/components/schemas/" + t}
	}
	if f.Nullable {
		if ty, ok := s["type"].(string); ok {
			s["type"] = []string{ty, "null"}
		} else {
			s = map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
		}
	}
	if len(f.Enum) > 0 {
		s["enum"] = f.Enum
	}
	if f.Description != "" {
		s["description"] = f.Description
	}
	return s
}

// openAPIDocument is the API as an OpenAPI 3.1 document.
func (s *Server) openAPIDocument() map[string]any {
	schemas := map[string]any{}
	for _, sc := range apiSchemas {
		props := map[string]any{}
		var required []string
		for _, f := range sc.Fields {
			props[f.Name] = fieldSchema(f)
			if f.Required {
				required = append(required, f.Name)
			}
		}
		obj := map[string]any{"type": "object", "properties": props}
		if sc.Description != "" {
			obj["description"] = sc.Description
		}
		if len(required) > 0 {
			obj["required"] = required
		}
		schemas[sc.Name] = obj
	}
	paths := map[string]any{}
	for _, op := range apiOperations {
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		o := map[string]any{"operationId": op.ID, "summary": op.Summary}
		if op.Details != "" {
			o["description"] = op.Details
		}
		if op.Auth {
			o["security"] = []any{map[string]any{"bearer": []string{}}}
		}
		var params []any
		for _, p := range op.Params {
			params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.In == "path",
				"description": p.Description, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Body != "" {
			media := "application/json"
			if op.Multipart {
				media = "multipart/form-data"
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				media: map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + op.Body}}}}
		}
		responses := map[string]any{}
		for _, r := range op.Responses {
			resp := map[string]any{"description": r.Description}
			if r.Schema != "" {
				resp["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + r.Schema}}}
			}
			responses[strconv.Itoa(r.Status)] = resp
		}
		o["responses"] = responses
		item[strings.ToLower(op.Method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Turnout API", "version": "1",
			"description": "Events, RSVPs and organiser calls of a Turnout instance. Organiser calls send `Authorization: Bearer TOKEN`; tokens are made on /account/tokens and act in every group of their account."},
		"servers":    []any{map[string]any{"url": s.cfg.BaseURL}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

// apiOpenAPI is GET /api/v1/openapi.json.
func (s *Server) apiOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(s.openAPIDocument())
}

// apiDocsPage is GET /api/docs: the same description as a page.
func (s *Server) apiDocsPage(c *fiber.Ctx) error {
	return s.render(c, "pages/api_docs", fiber.Map{
		"Title":       "API documentation",
		"Description": "The Turnout JSON API: events, RSVPs and organiser calls.",
		"Operations":  apiOperations,
		"Schemas":     apiSchemas,
		"BaseURL":     s.cfg.BaseURL,
	})
}

// codeSpans escapes s for HTML and shows `quoted` parts as code, for the
// descriptions of the API page (which OpenAPI readers take as Markdown).
func codeSpans(s string) template.HTML {
	parts := strings.Split(template.HTMLEscapeString(s), "`")
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 1 && i < len(parts)-1:
			b.WriteString("<code>" + p + "</code>")
		case i%2 == 1:
			b.WriteString("`" + p) // an unmatched backtick stays as typed
		default:
			b.WriteString(p)
		}
	}
	return template.HTML(b.String())
}
