package activitypub

import (
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/markdown"
	"github.com/turnout-org/turnout/internal/turnout"
)

// Site builds the URLs and documents of one instance.
type Site struct {
	Base string // public base URL, no trailing slash
	Host string // host part of Base, the domain of acct: names
	Lang string // inLanguage of events
}

// InstanceActorURL is the id of the instance's Application actor.
func (s Site) InstanceActorURL() string { return s.Base + "/ap/actor" }

// SharedInboxURL is the inbox every group shares.
func (s Site) SharedInboxURL() string { return s.Base + "/ap/inbox" }

// GroupActorURL is the id of a group's actor.
func (s Site) GroupActorURL(slug string) string { return s.Base + "/ap/groups/" + slug }

// EventURL is the id of an event's object; UIDs never change.
func (s Site) EventURL(uid string) string { return s.Base + "/ap/events/" + uid }

// KeyID names an actor's key.
func KeyID(actor string) string { return actor + "#main-key" }

// GroupActor is a group's actor document.
func (s Site) GroupActor(g *turnout.Group, publicPEM string) *Actor {
	id := s.GroupActorURL(g.Slug)
	return &Actor{
		Context: ldContext, ID: id, Type: "Group", PreferredUsername: g.Slug, Name: g.Name,
		Summary: string(markdown.ToHTML(g.Description)), URL: s.Base + "/groups/" + g.Slug,
		Inbox: id + "/inbox", Outbox: id + "/outbox", Followers: id + "/followers",
		Endpoints:    &Endpoints{SharedInbox: s.SharedInboxURL()},
		PublicKey:    PublicKey{ID: KeyID(id), Owner: id, PublicKeyPem: publicPEM},
		Discoverable: true,
		Icon:         s.image("Image", g.Image, true),
	}
}

// image is a picture at full size (or its smallest file, for an icon), or
// nil for none.
func (s Site) image(typ string, im *turnout.Image, small bool) *Image {
	if im == nil || len(im.Files) == 0 {
		return nil
	}
	f := im.Largest()
	if small {
		f = im.Smallest()
	}
	return &Image{Type: typ, URL: s.Base + f.Path(), MediaType: f.ContentType, Name: im.Alt, Width: f.Width, Height: f.Height}
}

// InstanceActor is the instance's Application actor, for relays and
// servers that fetch with signed requests (FEP-2677).
func (s Site) InstanceActor(publicPEM string) *Actor {
	id := s.InstanceActorURL()
	return &Actor{
		Context: ldContext, ID: id, Type: "Application", PreferredUsername: s.Host, Name: "Turnout at " + s.Host,
		URL: s.Base + "/", Inbox: id + "/inbox", Outbox: id + "/outbox",
		Endpoints: &Endpoints{SharedInbox: s.SharedInboxURL()},
		PublicKey: PublicKey{ID: KeyID(id), Owner: id, PublicKeyPem: publicPEM},
	}
}

// Event is an event's object. Participation stays on Turnout's own page:
// joinMode external, with that page as externalParticipationUrl.
func (s Site) Event(e *turnout.Event) *Event {
	e = e.Public() // a hidden meeting point never federates: the public area does
	group := s.GroupActorURL(e.Group.Slug)
	page := s.Base + "/events/" + e.Slug
	o := &Event{
		Context: ldContext, ID: s.EventURL(e.UID), Type: "Event", Name: e.Title,
		Summary:   summary(e),
		Content:   string(markdown.ToHTML(e.Description)) + `<p><a href="` + html.EscapeString(page) + `">` + html.EscapeString(page) + `</a></p>`,
		MediaType: "text/html", StartTime: e.LocalStart().Format(time.RFC3339), EndTime: e.LocalEnd().Format(time.RFC3339),
		Timezone: e.Timezone, Location: location(e), URL: page, AttributedTo: group,
		Updated: e.UpdatedAt.UTC().Format(time.RFC3339), To: []string{Public}, Cc: []string{group + "/followers"},
		JoinMode: "external", ExternalParticipationURL: page,
		MaximumAttendeeCapacity: e.Capacity, RemainingAttendeeCapacity: e.SpotsLeft(), ParticipantCount: e.GoingCount,
		IsOnline: e.Venue == "" && e.Address == "" && e.OnlineURL != "", Category: category(e.Kind),
		Status: "CONFIRMED", InLanguage: s.Lang,
		Tag: []Tag{{Type: "Hashtag", Name: "#" + strings.ReplaceAll(e.Kind, "-", "")}},
	}
	if e.PublishedAt != nil {
		o.Published = e.PublishedAt.UTC().Format(time.RFC3339)
	}
	if e.Cancelled() {
		o.Status = "CANCELLED"
	}
	if im := s.image("Document", e.Image, false); im != nil {
		o.Attachment = []Image{*im}
	}
	return o
}

// summary is the plain text Mastodon shows above the link, since it turns
// an Event into a post of its name, summary and url: when, where, and the
// event's own summary.
func summary(e *turnout.Event) string {
	when := e.LocalStart().Format("Mon 2 January 2006, 15:04") + "–" + e.LocalEnd().Format("15:04")
	if e.LocalEnd().YearDay() != e.LocalStart().YearDay() {
		when = e.LocalStart().Format("Mon 2 January 2006, 15:04") + " – " + e.LocalEnd().Format("Mon 2 January 2006, 15:04")
	}
	parts := []string{when + " (" + e.Timezone + ")"}
	if e.Cancelled() {
		parts = append([]string{"CANCELLED"}, parts...)
	}
	if p := e.Place(); p != "" {
		parts = append(parts, p)
	} else if e.OnlineURL != "" {
		parts = append(parts, "Online")
	}
	text := strings.Join(parts, " · ")
	if e.Summary != "" {
		text += "\n\n" + e.Summary
	}
	return text
}

// location is the event's place: a Place with its address for a physical
// event, a VirtualLocation for an online one.
func location(e *turnout.Event) *Location {
	if e.Venue == "" && e.Address == "" {
		if e.OnlineURL == "" {
			return nil
		}
		return &Location{Type: "VirtualLocation", URL: e.OnlineURL}
	}
	l := &Location{Type: "Place", Name: e.Venue, Latitude: e.Latitude, Longitude: e.Longitude}
	if l.Name == "" {
		l.Name = e.Address
	}
	if e.Address != "" {
		l.Address = &Address{Type: "PostalAddress", StreetAddress: e.Address}
	}
	return l
}

// category maps an event kind to Mobilizon's category list.
func category(kind string) string {
	if kind == turnout.KindMeeting {
		return "MEETING"
	}
	return "MOVEMENTS_POLITICS"
}

// Announce wraps an announcement made at at in its activity by the group.
// The activity's id names the kind and the moment, so that no two are alike.
func (s Site) Announce(a *turnout.Announcement, groupSlug string, at time.Time) *Activity {
	actor := s.GroupActorURL(groupSlug)
	id := s.EventURL(a.EventUID)
	act := &Activity{Context: ldContext, ID: id + "#" + strings.ToLower(a.Kind) + "-" + strconv.FormatInt(at.UnixMicro(), 10),
		Type: a.Kind, Actor: actor, Published: at.UTC().Format(time.RFC3339), To: []string{Public}, Cc: []string{actor + "/followers"}}
	if a.Kind == turnout.ActivityDelete {
		act.Object = &Tombstone{ID: id, Type: "Tombstone", FormerType: "Event"}
		return act
	}
	o := s.Event(a.Event)
	o.Context = nil
	act.Object = o
	return act
}

// Accept answers a Follow of a group.
func (s Site) Accept(groupSlug string, follow map[string]any) *Activity {
	actor := s.GroupActorURL(groupSlug)
	return &Activity{Context: ldContext, ID: fmt.Sprintf("%s#accept-%d", actor, time.Now().UnixNano()),
		Type: "Accept", Actor: actor, Object: follow}
}

// NewSite describes the instance at base (TURNOUT_BASE_URL).
func NewSite(base, lang string) (Site, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return Site{}, fmt.Errorf("activitypub: base URL %q has no host", base)
	}
	return Site{Base: strings.TrimRight(base, "/"), Host: u.Host, Lang: lang}, nil
}
