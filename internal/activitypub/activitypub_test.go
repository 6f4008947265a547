package activitypub

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// incoming turns a signed client request into what a server verifies.
func incoming(req *http.Request, body []byte) Incoming {
	return Incoming{Method: req.Method, Target: req.URL.RequestURI(), Body: body, Header: func(name string) string {
		if strings.EqualFold(name, "host") {
			return req.URL.Host
		}
		return req.Header.Get(name)
	}}
}

func TestSignatureRoundTripAndTampering(t *testing.T) {
	key, other := testKey(t), testKey(t)
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"type":"Follow"}`)
	sign := func() *http.Request {
		req, _ := http.NewRequest("POST", "https://turnout.example/ap/groups/riverside/inbox", bytes.NewReader(body))
		if err := Sign(req, body, "https://masto.example/users/alice#main-key", key, now); err != nil {
			t.Fatal(err)
		}
		return req
	}
	if err := Verify(incoming(sign(), body), &key.PublicKey, now.Add(time.Minute)); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	cases := []struct {
		name string
		in   func() Incoming
		at   time.Time
		want error
	}{
		{"OtherKey", func() Incoming { return incoming(sign(), body) }, now, ErrBadSignature},
		{"BodyChanged", func() Incoming { return incoming(sign(), []byte(`{"type":"Undo"}`)) }, now, ErrBadDigest},
		{"PathChanged", func() Incoming {
			in := incoming(sign(), body)
			in.Target = "/ap/groups/other/inbox"
			return in
		}, now, ErrBadSignature},
		{"DateTooOld", func() Incoming { return incoming(sign(), body) }, now.Add(13 * time.Hour), ErrStaleDate},
		{"DateInFuture", func() Incoming { return incoming(sign(), body) }, now.Add(-13 * time.Hour), ErrStaleDate},
		{"Unsigned", func() Incoming {
			req := sign()
			req.Header.Del("Signature")
			return incoming(req, body)
		}, now, ErrNoSignature},
		{"DigestNotCovered", func() Incoming {
			req := sign()
			req.Header.Set("Signature", strings.Replace(req.Header.Get("Signature"), " digest", "", 1))
			return incoming(req, body)
		}, now, ErrBadSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pub := &key.PublicKey
			if tc.name == "OtherKey" {
				pub = &other.PublicKey
			}
			if err := Verify(tc.in(), pub, tc.at); !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSealedKeysOpenOnlyWithTheirSecret(t *testing.T) {
	k, err := NewKeys("a secret of enough length")
	if err != nil {
		t.Fatal(err)
	}
	ak, err := k.New()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ak.SealedPriv, "PRIVATE") {
		t.Fatal("the private key is stored in the clear")
	}
	priv, err := k.Open(ak)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(ak.PublicPEM)
	if err != nil || !pub.Equal(&priv.PublicKey) {
		t.Fatalf("the public key does not match the sealed private key: %v", err)
	}
	other, _ := NewKeys("another secret of enough length")
	if _, err := other.Open(ak); err == nil {
		t.Fatal("a key opened with another secret")
	}
	if _, err := NewKeys("short"); err == nil {
		t.Fatal("a short secret was taken")
	}
}

// goldenEvent is an event with every field the object carries.
func goldenEvent() *turnout.Event {
	capacity, lat, lon := 200, 55.9521, -3.1895
	published := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	return &turnout.Event{
		ID: 7, UID: "0f8b1c9e-5a55-4c3e-9d1e-8f1b2a3c4d5e", Slug: "climate-march-edinburgh", Title: "Climate march",
		Kind: turnout.KindMarch, Summary: "From the Meadows to Holyrood.", Description: "Bring **banners**.\n\nStewards in yellow.",
		StartsAt: time.Date(2027, 3, 27, 13, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 3, 27, 16, 0, 0, 0, time.UTC),
		Timezone: "Europe/London", Venue: "The Meadows", Address: "Melville Drive, Edinburgh EH9 9EX", Latitude: &lat, Longitude: &lon,
		Capacity: &capacity, GoingCount: 120, Status: turnout.StatusPublished, Sequence: 2,
		PublishedAt: &published, CreatedAt: published, UpdatedAt: time.Date(2026, 11, 3, 10, 30, 0, 0, time.UTC),
		Group: &turnout.Group{ID: 3, Slug: "riverside", Name: "Riverside Climate Action", Description: "We organise in *Edinburgh*."},
	}
}

func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = json.Indent(&buf, raw, "", "  ")
	got := buf.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(bytes.TrimSpace(want)) != string(got) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", name, got)
	}
}

// TestGoldenDocuments pins the JSON other servers read. Gancio needs an
// Event's id, name and startTime; Mobilizon reads the mz: and schema.org
// terms the context declares.
func TestGoldenDocuments(t *testing.T) {
	site := Site{Base: "https://turnout.example", Host: "turnout.example", Lang: "en"}
	e := goldenEvent()
	at := time.Date(2026, 11, 3, 10, 30, 5, 0, time.UTC)
	checkGolden(t, "group_actor.json", site.GroupActor(e.Group, "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"))
	checkGolden(t, "event.json", site.Event(e))
	checkGolden(t, "create.json", site.Announce(&turnout.Announcement{Kind: turnout.ActivityCreate, EventUID: e.UID, Event: e}, "riverside", at))
	cancelled := goldenEvent()
	cancelled.Status, cancelled.Sequence = turnout.StatusCancelled, 3
	checkGolden(t, "update_cancelled.json", site.Announce(&turnout.Announcement{Kind: turnout.ActivityUpdate, EventUID: e.UID, Event: cancelled}, "riverside", at))
	checkGolden(t, "delete.json", site.Announce(&turnout.Announcement{Kind: turnout.ActivityDelete, EventUID: e.UID}, "riverside", at))
	follow := map[string]any{"id": "https://masto.example/follows/1", "type": "Follow", "actor": "https://masto.example/users/alice", "object": site.GroupActorURL("riverside")}
	accept := site.Accept("riverside", follow)
	accept.ID = site.GroupActorURL("riverside") + "#accept-1"
	checkGolden(t, "accept.json", accept)

	// What Gancio and Mobilizon cannot do without.
	b, _ := json.Marshal(site.Event(e))
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"id", "name", "startTime", "endTime", "timezone", "location", "url", "attributedTo", "joinMode", "externalParticipationUrl", "status", "category"} {
		if m[k] == nil || m[k] == "" {
			t.Errorf("the Event has no %s", k)
		}
	}
	if m["startTime"] != "2027-03-27T13:00:00Z" && m["startTime"] != "2027-03-27T13:00:00+00:00" {
		t.Errorf("startTime %v, want 13:00 London time with its offset", m["startTime"])
	}
}

func TestEventObjectAnOnlineEventAndASummerOffset(t *testing.T) {
	site := Site{Base: "https://turnout.example", Host: "turnout.example"}
	e := goldenEvent()
	e.Venue, e.Address, e.Latitude, e.Longitude = "", "", nil, nil
	e.OnlineURL = "https://meet.example/assembly"
	e.StartsAt, e.EndsAt = time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 19, 0, 0, 0, time.UTC)
	o := site.Event(e)
	if !o.IsOnline || o.Location == nil || o.Location.Type != "VirtualLocation" || o.Location.URL != e.OnlineURL {
		t.Fatalf("online event: isOnline %v, location %+v", o.IsOnline, o.Location)
	}
	if o.StartTime != "2027-06-01T18:00:00+01:00" {
		t.Fatalf("startTime %s, want 18:00 British Summer Time", o.StartTime)
	}
}

// TestPictures: an event's picture is a Document attachment with its alt
// text as name, a group's is its icon (the smallest file); without a
// picture neither appears in the JSON.
func TestPictures(t *testing.T) {
	site := Site{Base: "https://turnout.example", Host: "turnout.example"}
	im := &turnout.Image{Alt: "Marchers on the Mound", Files: []turnout.ImageFile{
		{Width: 320, Height: 200, Hash: "11111111111111111111111111111111", ContentType: "image/jpeg"},
		{Width: 1600, Height: 1000, Hash: "22222222222222222222222222222222", ContentType: "image/jpeg"},
	}}
	e := goldenEvent()
	e.Image = im
	o := site.Event(e)
	want := Image{Type: "Document", URL: "https://turnout.example/images/22222222222222222222222222222222.jpg", MediaType: "image/jpeg", Name: "Marchers on the Mound", Width: 1600, Height: 1000}
	if len(o.Attachment) != 1 || o.Attachment[0] != want {
		t.Errorf("attachment %+v, want %+v", o.Attachment, want)
	}
	g := &turnout.Group{Slug: "edinburgh", Name: "Edinburgh", Image: im}
	a := site.GroupActor(g, "PEM")
	if a.Icon == nil || a.Icon.Type != "Image" || a.Icon.URL != "https://turnout.example/images/11111111111111111111111111111111.jpg" || a.Icon.Name != im.Alt {
		t.Errorf("icon %+v", a.Icon)
	}
	g.Image, e.Image = nil, nil
	for _, v := range []any{site.Event(e), site.GroupActor(g, "PEM")} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `"attachment"`) || strings.Contains(string(b), `"icon"`) {
			t.Errorf("no picture, but %s", b)
		}
	}
}
