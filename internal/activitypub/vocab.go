// Package activitypub makes Turnout's groups ActivityPub actors: their
// published events become Event objects that Mastodon, Mobilizon and Gancio
// followers receive through signed deliveries. It holds the vocabulary, the
// HTTP signatures, the keys and the delivery worker; the routes are in
// internal/web and the tables in internal/store.
package activitypub

import (
	"bytes"
	"encoding/json"
)

// Media types of ActivityPub documents.
const (
	ContentType = "application/activity+json"
	LDType      = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	Public      = "https://www.w3.org/ns/activitystreams#Public"
)

// ldContext is the JSON-LD context of every document Turnout serves: the
// ActivityStreams and security vocabularies, and the terms of the
// extensions Mobilizon reads (its own mz: terms, schema.org, iCalendar's
// status) so that each name resolves as Mobilizon expects.
var ldContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"mz":                        "https://joinmobilizon.org/ns#",
		"sc":                        "http://schema.org#",
		"ical":                      "http://www.w3.org/2002/12/cal/ical#",
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
		"joinMode":                  map[string]string{"@id": "mz:joinMode", "@type": "mz:joinModeType"},
		"joinModeType":              map[string]string{"@id": "mz:joinModeType", "@type": "rdfs:Class"},
		"externalParticipationUrl":  map[string]string{"@id": "mz:externalParticipationUrl", "@type": "sc:URL"},
		"maximumAttendeeCapacity":   "sc:maximumAttendeeCapacity",
		"remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
		"participantCount":          map[string]string{"@id": "mz:participantCount", "@type": "sc:Integer"},
		"isOnline":                  map[string]string{"@id": "mz:isOnline", "@type": "sc:Boolean"},
		"timezone":                  map[string]string{"@id": "mz:timezone", "@type": "sc:Text"},
		"category":                  "sc:category",
		"inLanguage":                "sc:inLanguage",
		"status":                    map[string]string{"@id": "ical:status", "@type": "ical:status"},
		"PostalAddress":             "sc:PostalAddress",
		"address":                   map[string]string{"@id": "sc:address", "@type": "sc:PostalAddress"},
		"streetAddress":             "sc:streetAddress",
		"VirtualLocation":           "sc:VirtualLocation",
	},
}

// Actor is a Group (one per Turnout group) or the instance's Application.
type Actor struct {
	Context           any        `json:"@context,omitempty"`
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	PreferredUsername string     `json:"preferredUsername"`
	Name              string     `json:"name"`
	Summary           string     `json:"summary,omitempty"`
	URL               string     `json:"url,omitempty"`
	Inbox             string     `json:"inbox"`
	Outbox            string     `json:"outbox"`
	Followers         string     `json:"followers,omitempty"`
	Following         string     `json:"following,omitempty"`
	Endpoints         *Endpoints `json:"endpoints,omitempty"`
	PublicKey         PublicKey  `json:"publicKey"`
	Icon              *Image     `json:"icon,omitempty"`
	Discoverable      bool       `json:"discoverable"`
	Manually          bool       `json:"manuallyApprovesFollowers"`
}

// Endpoints names the shared inbox.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox,omitempty"`
}

// PublicKey is an actor's key as Mastodon publishes it.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// Image is an icon or picture: a group's icon (type Image), or an event's
// picture as an attachment (type Document, as Mobilizon and Mastodon read
// it), with its alt text as name.
type Image struct {
	Type      string `json:"type"`
	URL       string `json:"url"`
	MediaType string `json:"mediaType,omitempty"`
	Name      string `json:"name,omitempty"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
}

// Event is an event as Mobilizon and Gancio read it.
type Event struct {
	Context                   any       `json:"@context,omitempty"`
	ID                        string    `json:"id"`
	Type                      string    `json:"type"`
	Name                      string    `json:"name"`
	Summary                   string    `json:"summary,omitempty"`
	Content                   string    `json:"content"`
	MediaType                 string    `json:"mediaType"`
	StartTime                 string    `json:"startTime"`
	EndTime                   string    `json:"endTime"`
	Timezone                  string    `json:"timezone"`
	Location                  *Location `json:"location,omitempty"`
	URL                       string    `json:"url"`
	AttributedTo              string    `json:"attributedTo"`
	Published                 string    `json:"published,omitempty"`
	Updated                   string    `json:"updated"`
	To                        []string  `json:"to"`
	Cc                        []string  `json:"cc"`
	JoinMode                  string    `json:"joinMode"`
	ExternalParticipationURL  string    `json:"externalParticipationUrl"`
	MaximumAttendeeCapacity   *int      `json:"maximumAttendeeCapacity,omitempty"`
	RemainingAttendeeCapacity *int      `json:"remainingAttendeeCapacity,omitempty"`
	ParticipantCount          int       `json:"participantCount"`
	IsOnline                  bool      `json:"isOnline"`
	Category                  string    `json:"category"`
	Status                    string    `json:"status"`
	InLanguage                string    `json:"inLanguage,omitempty"`
	Tag                       []Tag     `json:"tag,omitempty"`
	Attachment                []Image   `json:"attachment,omitempty"`
}

// Location is a Place with a PostalAddress, or a VirtualLocation.
type Location struct {
	Type      string   `json:"type"`
	Name      string   `json:"name,omitempty"`
	URL       string   `json:"url,omitempty"`
	Address   *Address `json:"address,omitempty"`
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// Address is a schema.org PostalAddress. Turnout keeps an address as one
// line, which goes in streetAddress.
type Address struct {
	Type          string `json:"type"`
	StreetAddress string `json:"streetAddress"`
}

// Tag is a hashtag.
type Tag struct {
	Type string `json:"type"`
	Name string `json:"name"`
	Href string `json:"href,omitempty"`
}

// Link is an attachment pointing at a page (the online meeting, for one).
type Link struct {
	Type      string `json:"type"`
	Name      string `json:"name,omitempty"`
	Href      string `json:"href"`
	MediaType string `json:"mediaType,omitempty"`
}

// Activity is a Create, Update, Delete, Accept, Follow or Undo. Object is an
// id, an embedded object or another activity.
type Activity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Object    any      `json:"object"`
	Published string   `json:"published,omitempty"`
	To        []string `json:"to,omitempty"`
	Cc        []string `json:"cc,omitempty"`
}

// Tombstone stands for a deleted event.
type Tombstone struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	FormerType string `json:"formerType"`
}

// Collection is an OrderedCollection: the followers (a count only) or the
// outbox.
type Collection struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id"`
	Type         string `json:"type"`
	TotalItems   int    `json:"totalItems"`
	OrderedItems []any  `json:"orderedItems,omitempty"`
}

// Marshal encodes a document as other servers read it, without escaping
// HTML characters in content.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
