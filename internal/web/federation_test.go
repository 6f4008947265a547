package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/activitypub"
	"github.com/turnout-org/turnout/internal/preview"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

const testSecret = "a test secret that seals actor keys"

// fedTurnout is a Turnout instance with federation on, served on a real
// loopback listener whose address is its base URL, as signatures need.
type fedTurnout struct {
	app    *fiber.App
	base   string
	srv    *Server
	worker *activitypub.Worker
}

func newFedTurnout(t testing.TB, st *store.Store) *fedTurnout {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.BaseURL = "http://" + ln.Addr().String()
	cfg.Federation, cfg.SecretKey, cfg.AllowPrivateFetch = true, testSecret, true
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := newServer(cfg, log, st)
	app, err := s.app()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second); <-done })
	keys, _ := activitypub.NewKeys(testSecret)
	site, _ := activitypub.NewSite(cfg.BaseURL, "en")
	w := &activitypub.Worker{Store: st, Site: site, Keys: keys, Log: log,
		Client: &activitypub.Client{HTTP: preview.Fetcher{AllowPrivate: true}.HTTPClient(), Now: time.Now}}
	return &fedTurnout{app: app, base: cfg.BaseURL, srv: s, worker: w}
}

// run lets the worker do all it has due.
func (f *fedTurnout) run(t *testing.T) {
	t.Helper()
	for i := 0; i < 10; i++ {
		n, err := f.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// remoteServer plays another fediverse server (Mastodon's part): it serves
// its actors, signs what they send, and keeps every activity its inboxes
// receive after checking the sender's signature with the sender's key,
// fetched from the sender.
type remoteServer struct {
	t    *testing.T
	base string
	key  *rsa.PrivateKey
	down bool

	mu       sync.Mutex
	received []receivedActivity
}

type receivedActivity struct {
	Inbox string
	Type  string
	Body  map[string]any
}

func newRemoteServer(t *testing.T) *remoteServer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	r := &remoteServer{t: t, key: key}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.base = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(r.serve)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func (r *remoteServer) actor(name string) string { return r.base + "/users/" + name }

func (r *remoteServer) serve(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.Method == "GET" && strings.HasPrefix(req.URL.Path, "/users/") && !strings.HasPrefix(req.URL.Path, "/users/ghost"):
		pub, _ := x509.MarshalPKIXPublicKey(&r.key.PublicKey)
		id := r.base + req.URL.Path
		w.Header().Set("Content-Type", activitypub.ContentType)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": id, "type": "Person", "inbox": id + "/inbox", "endpoints": map[string]string{"sharedInbox": r.base + "/inbox"},
			"publicKey": map[string]string{"id": id + "#main-key", "owner": id,
				"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))},
		})
	case req.Method == "POST" && strings.HasSuffix(req.URL.Path, "inbox"):
		if r.down {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(req.Body)
		if err := r.verify(req, body); err != nil {
			r.t.Errorf("delivery to %s: %v", req.URL.Path, err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		typ, _ := m["type"].(string)
		r.mu.Lock()
		r.received = append(r.received, receivedActivity{Inbox: req.URL.Path, Type: typ, Body: m})
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, req)
	}
}

// verify checks a delivery's signature with the key its keyId names,
// fetched from the sending Turnout, as Mastodon does.
func (r *remoteServer) verify(req *http.Request, body []byte) error {
	in := activitypub.Incoming{Method: req.Method, Target: req.URL.RequestURI(), Body: body, Header: func(name string) string {
		if strings.EqualFold(name, "host") {
			return req.Host
		}
		return req.Header.Get(name)
	}}
	keyID, err := activitypub.SignatureKeyID(in)
	if err != nil {
		return err
	}
	client := &activitypub.Client{HTTP: http.DefaultClient, Now: time.Now}
	actor, err := client.FetchActor(context.Background(), keyID, activitypub.Signer{})
	if err != nil {
		return err
	}
	pub, err := activitypub.ParsePublicKey(actor.PublicKey.PublicKeyPem)
	if err != nil {
		return err
	}
	return activitypub.Verify(in, pub, time.Now())
}

// send posts an activity from one of this server's actors to inbox,
// signed; tamper may change the request after signing.
func (r *remoteServer) send(inbox string, activity map[string]any, tamper func(*http.Request, *[]byte)) (int, string) {
	r.t.Helper()
	body, _ := json.Marshal(activity)
	req, _ := http.NewRequest("POST", inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", activitypub.LDType)
	actor, _ := activity["actor"].(string)
	if err := activitypub.Sign(req, body, actor+"#main-key", r.key, time.Now()); err != nil {
		r.t.Fatal(err)
	}
	if tamper != nil {
		tamper(req, &body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (r *remoteServer) follow(groupActor, who string) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": r.actor(who) + "#follow-" + fmt.Sprint(time.Now().UnixNano()),
		"type": "Follow", "actor": r.actor(who), "object": groupActor}
}

// got returns what the inboxes received, by type.
func (r *remoteServer) got(typ string) []receivedActivity {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []receivedActivity
	for _, a := range r.received {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

func getActivityJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", activitypub.ContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// TestFederationFollowThenCreateUpdateCancelDelete follows a group from a
// Mastodon-like server and sees each change to its events arrive once,
// signed by the group, with the follow accepted first.
func TestFederationFollowThenCreateUpdateCancelDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := newFedTurnout(t, st)
		remote := newRemoteServer(t)
		g, _ := seedGroup(t, st, "riverside")
		host := strings.TrimPrefix(tn.base, "http://")

		// Discovery: WebFinger names the actor; the actor has a key and inbox.
		status, jrd := getActivityJSON(t, tn.base+"/.well-known/webfinger?resource=acct:riverside@"+host)
		actorURL := tn.base + "/ap/groups/riverside"
		if status != 200 || !strings.Contains(fmt.Sprint(jrd["links"]), actorURL) {
			t.Fatalf("webfinger: %d %v", status, jrd)
		}
		status, actor := getActivityJSON(t, actorURL)
		if status != 200 || actor["type"] != "Group" || actor["inbox"] != actorURL+"/inbox" {
			t.Fatalf("actor: %d %v", status, actor)
		}
		// The group page asked for as ActivityPub is the actor too.
		if _, a := getActivityJSON(t, tn.base+"/groups/riverside"); a["id"] != actorURL {
			t.Fatalf("group page as ActivityPub: %v", a)
		}

		if code, body := remote.send(actorURL+"/inbox", remote.follow(actorURL, "alice"), nil); code != 202 {
			t.Fatalf("Follow: %d %s", code, body)
		}
		tn.run(t)
		if n, _ := st.CountFollowers(ctx, g.ID); n != 1 {
			t.Fatalf("%d followers after a Follow, want 1", n)
		}
		if acc := remote.got("Accept"); len(acc) != 1 || acc[0].Inbox != "/users/alice/inbox" {
			t.Fatalf("Accept: %+v", acc)
		}

		e := seedEvent(t, st, g.ID, "Riverside vigil", 72*time.Hour, nil)
		tn.run(t)
		creates := remote.got("Create")
		if len(creates) != 1 || creates[0].Inbox != "/inbox" {
			t.Fatalf("Create: %+v", creates)
		}
		obj, _ := creates[0].Body["object"].(map[string]any)
		if obj["type"] != "Event" || obj["name"] != "Riverside vigil" || obj["id"] != tn.base+"/ap/events/"+e.UID {
			t.Fatalf("Create's object: %v", obj)
		}
		if _, fetched := getActivityJSON(t, tn.base+"/ap/events/"+e.UID); fetched["name"] != "Riverside vigil" {
			t.Fatalf("the Event's id does not serve it: %v", fetched)
		}

		// A material change: one Update. A run with nothing new sends nothing.
		later := e.StartsAt.Add(time.Hour).Format(time.RFC3339)
		laterEnd := e.EndsAt.Add(time.Hour).Format(time.RFC3339)
		if _, err := st.UpdateEvent(ctx, e.ID, turnout.EventInput{StartsAt: &later, EndsAt: &laterEnd}); err != nil {
			t.Fatal(err)
		}
		tn.run(t)
		tn.run(t)
		if ups := remote.got("Update"); len(ups) != 1 {
			t.Fatalf("%d Updates after one edit, want 1", len(ups))
		}
		if _, err := st.CancelEvent(ctx, e.ID, "Flood warning"); err != nil {
			t.Fatal(err)
		}
		tn.run(t)
		ups := remote.got("Update")
		if len(ups) != 2 || ups[1].Body["object"].(map[string]any)["status"] != "CANCELLED" {
			t.Fatalf("cancellation: %d Updates, last %v", len(ups), ups[len(ups)-1].Body["object"])
		}

		// Taken down (as moderation does): a Delete with a Tombstone.
		if _, err := st.SQLDB().Exec("DELETE FROM events WHERE id = $1", e.ID); err != nil {
			t.Fatal(err)
		}
		tn.run(t)
		dels := remote.got("Delete")
		if len(dels) != 1 || dels[0].Body["object"].(map[string]any)["id"] != tn.base+"/ap/events/"+e.UID {
			t.Fatalf("Delete: %+v", dels)
		}

		// Undo{Follow}: no more deliveries.
		undo := map[string]any{"id": remote.actor("alice") + "#undo", "type": "Undo", "actor": remote.actor("alice"), "object": remote.follow(actorURL, "alice")}
		if code, body := remote.send(tn.base+"/ap/inbox", undo, nil); code != 202 {
			t.Fatalf("Undo: %d %s", code, body)
		}
		if n, _ := st.CountFollowers(ctx, g.ID); n != 0 {
			t.Fatalf("%d followers after Undo, want 0", n)
		}
	})
}

// countFederationRows counts followers and queued deliveries.
func countFederationRows(t *testing.T, st *store.Store) (followers, deliveries int) {
	t.Helper()
	if err := st.SQLDB().QueryRow("SELECT (SELECT COUNT(*) FROM ap_followers), (SELECT COUNT(*) FROM ap_deliveries)").Scan(&followers, &deliveries); err != nil {
		t.Fatal(err)
	}
	return followers, deliveries
}

// TestInboxRefusesUnprovenActivities sends Follows that must not be
// believed: each gets a clear 4xx, and nothing is stored.
func TestInboxRefusesUnprovenActivities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tn := newFedTurnout(t, st)
		remote := newRemoteServer(t)
		impostor := newRemoteServer(t)
		seedGroup(t, st, "riverside")
		actorURL := tn.base + "/ap/groups/riverside"
		inbox := actorURL + "/inbox"
		cases := []struct {
			name   string
			from   *remoteServer
			act    map[string]any
			tamper func(*http.Request, *[]byte)
			want   int
		}{
			{"Unsigned", remote, remote.follow(actorURL, "alice"), func(r *http.Request, _ *[]byte) { r.Header.Del("Signature") }, 401},
			{"SignedByAnotherKey", impostor, func() map[string]any {
				f := impostor.follow(actorURL, "alice")
				f["actor"] = remote.actor("alice")
				return f
			}(), nil, 401},
			{"BodyChangedAfterSigning", remote, remote.follow(actorURL, "alice"), func(_ *http.Request, b *[]byte) {
				*b = bytes.Replace(*b, []byte("alice"), []byte("mallory"), -1)
			}, 400},
			{"DigestOfAnotherBody", remote, remote.follow(actorURL, "alice"), func(r *http.Request, _ *[]byte) {
				r.Header.Set("Digest", activitypub.Digest([]byte("{}")))
			}, 400},
			{"DateADayOld", remote, remote.follow(actorURL, "alice"), func(r *http.Request, _ *[]byte) {
				r.Header.Set("Date", time.Now().Add(-24*time.Hour).UTC().Format(http.TimeFormat))
			}, 401},
			{"OversizedBody", remote, func() map[string]any {
				f := remote.follow(actorURL, "alice")
				f["padding"] = strings.Repeat("x", maxInboxBytes)
				return f
			}(), nil, 413},
			{"UnknownActor", remote, remote.follow(actorURL, "ghost"), nil, 401},
			{"ActorOnAnotherServerThanItsKey", remote, func() map[string]any {
				f := remote.follow(actorURL, "alice")
				f["actor"] = impostor.actor("alice")
				return f
			}(), func(r *http.Request, b *[]byte) {}, 401},
			{"NotAnActivity", remote, map[string]any{"actor": remote.actor("alice")}, nil, 400},
			{"FollowOfNoGroupHere", remote, remote.follow(tn.base+"/ap/groups/nobody", "alice"), nil, 404},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				code, body := tc.from.send(inbox, tc.act, tc.tamper)
				if code != tc.want {
					t.Fatalf("status %d, want %d: %s", code, tc.want, body)
				}
				if !strings.Contains(body, `"error"`) && code != 413 {
					t.Errorf("no error message in %q", body)
				}
				if f, d := countFederationRows(t, st); f != 0 || d != 0 {
					t.Fatalf("%d followers and %d deliveries stored after a refused activity", f, d)
				}
			})
		}
	})
}

// TestDeliveryReachesEveryInboxOnceAndRetriesADownOne: 1,000 followers on
// 20 servers, each with a shared inbox, and two workers at once: an edit
// reaches every server exactly once; a server that is down gets it when it
// is back, on the worker's next retry.
func TestDeliveryReachesEveryInboxOnceAndRetriesADownOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := newFedTurnout(t, st)
		g, _ := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Riverside vigil", 72*time.Hour, nil)
		tn.run(t) // the Create, to nobody yet
		servers := make([]*remoteServer, 20)
		for i := range servers {
			servers[i] = newRemoteServer(t)
			for j := 0; j < 50; j++ {
				who := servers[i].actor(fmt.Sprintf("user%d", j))
				if err := st.AddFollower(ctx, &turnout.Follower{GroupID: g.ID, ActorID: who, Inbox: who + "/inbox",
					SharedInbox: servers[i].base + "/inbox", Domain: activitypub.Domain(who)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n, _ := st.CountFollowers(ctx, g.ID); n != 1000 {
			t.Fatalf("%d followers, want 1000", n)
		}
		servers[7].down = true
		later := e.StartsAt.Add(time.Hour).Format(time.RFC3339)
		laterEnd := e.EndsAt.Add(time.Hour).Format(time.RFC3339)
		if _, err := st.UpdateEvent(ctx, e.ID, turnout.EventInput{StartsAt: &later, EndsAt: &laterEnd}); err != nil {
			t.Fatal(err)
		}
		second := &activitypub.Worker{Store: st, Site: tn.worker.Site, Keys: tn.worker.Keys, Client: tn.worker.Client, Log: tn.worker.Log}
		var wg sync.WaitGroup
		for _, w := range []*activitypub.Worker{tn.worker, second} {
			wg.Add(1)
			go func(w *activitypub.Worker) {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					if _, err := w.RunOnce(ctx); err != nil {
						t.Error(err)
					}
				}
			}(w)
		}
		wg.Wait()
		for i, srv := range servers {
			want := 1
			if i == 7 {
				want = 0
			}
			if got := len(srv.got("Update")); got != want {
				t.Errorf("server %d got %d Updates, want %d", i, got, want)
			}
		}
		// Back up; two minutes later the retry is due.
		servers[7].down = false
		tn.worker.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		tn.run(t)
		if got := len(servers[7].got("Update")); got != 1 {
			t.Fatalf("the server that was down got %d Updates after its retry, want 1", got)
		}
		if _, d := countFederationRows(t, st); d != 0 {
			t.Fatalf("%d deliveries left", d)
		}
	})
}

// TestOwnerBlocksAServer: a blocked server's followers go, and its people
// can no longer follow (403); a block of something that is no server name
// is refused with 422 and changes nothing; turning federation off hides the
// actor (404).
func TestOwnerBlocksAServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := newFedTurnout(t, st)
		remote := newRemoteServer(t)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		g, _ := st.FindGroupBySlug(ctx, "riverside")
		actorURL := tn.base + "/ap/groups/riverside"
		if code, body := remote.send(actorURL+"/inbox", remote.follow(actorURL, "alice"), nil); code != 202 {
			t.Fatalf("Follow: %d %s", code, body)
		}
		b := newBrowser(t, tn.app)
		b.login("ada@example.org", testPassword)
		if resp, body := b.get("/groups/riverside/federation"); resp.StatusCode != 200 || !strings.Contains(body, remote.actor("alice")) {
			t.Fatalf("federation page: %d, follower not listed", resp.StatusCode)
		}
		for _, bad := range []string{"", "not a server", "-", "exa mple.org", strings.Repeat("a", 300) + ".org"} {
			resp, body := b.post("/groups/riverside/federation", "/groups/riverside/federation/blocks", url.Values{"domain": {bad}})
			if resp.StatusCode != 422 || !strings.Contains(body, "Enter a server") {
				t.Fatalf("block %q: status %d", bad, resp.StatusCode)
			}
		}
		if blocked, _ := st.FindBlockedDomains(ctx, g.ID); len(blocked) != 0 {
			t.Fatalf("blocked %v after refused input", blocked)
		}
		domain := activitypub.Domain(remote.base)
		if resp, _ := b.post("/groups/riverside/federation", "/groups/riverside/federation/blocks", url.Values{"domain": {remote.base + "/"}}); resp.StatusCode != 303 {
			t.Fatalf("block: status %d", resp.StatusCode)
		}
		if n, _ := st.CountFollowers(ctx, g.ID); n != 0 {
			t.Fatalf("%d followers left on a blocked server", n)
		}
		if code, _ := remote.send(actorURL+"/inbox", remote.follow(actorURL, "bob"), nil); code != 403 {
			t.Fatalf("Follow from %s after the block: %d, want 403", domain, code)
		}
		if n, _ := st.CountFollowers(ctx, g.ID); n != 0 {
			t.Fatal("a blocked server's Follow was stored")
		}
		if resp, _ := b.post("/groups/riverside/federation", "/groups/riverside/federation", url.Values{"on": {"off"}}); resp.StatusCode != 303 {
			t.Fatalf("federation off: status %d", resp.StatusCode)
		}
		if code, _ := getActivityJSON(t, actorURL); code != 404 {
			t.Fatalf("the actor of a group with federation off: %d, want 404", code)
		}
	})
}

// TestFederationDiscoveryAndSwitch: NodeInfo points at 2.1 and the instance
// actor; with federation off (the default without TURNOUT_SECRET_KEY) every
// ActivityPub address is 404 and pages ignore the Accept header.
func TestFederationDiscoveryAndSwitch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tn := newFedTurnout(t, st)
		seedGroup(t, st, "riverside")
		code, index := getActivityJSON(t, tn.base+"/.well-known/nodeinfo")
		links := fmt.Sprint(index["links"])
		if code != 200 || !strings.Contains(links, tn.base+"/nodeinfo/2.1") || !strings.Contains(links, tn.base+"/ap/actor") {
			t.Fatalf("nodeinfo index: %d %v", code, index)
		}
		if code, ni := getActivityJSON(t, tn.base+"/nodeinfo/2.1"); code != 200 || ni["version"] != "2.1" || fmt.Sprint(ni["protocols"]) != "[activitypub]" {
			t.Fatalf("nodeinfo: %d %v", code, ni)
		}
		if code, a := getActivityJSON(t, tn.base+"/ap/actor"); code != 200 || a["type"] != "Application" || a["publicKey"] == nil {
			t.Fatalf("instance actor: %d %v", code, a)
		}
		if code, _ := getActivityJSON(t, tn.base+"/.well-known/webfinger?resource=acct:nobody@"+strings.TrimPrefix(tn.base, "http://")); code != 404 {
			t.Fatalf("webfinger of no group: %d", code)
		}

		off := serve(t, newTestApp(t, testConfig(t), st))
		for _, p := range []string{"/.well-known/webfinger?resource=acct:riverside@turnout.test", "/.well-known/nodeinfo", "/nodeinfo/2.1", "/ap/actor", "/ap/groups/riverside"} {
			if code, _ := getActivityJSON(t, off+p); code != 404 {
				t.Errorf("federation off: %s answers %d, want 404", p, code)
			}
		}
		req, _ := http.NewRequest("GET", off+"/groups/riverside", nil)
		req.Header.Set("Accept", activitypub.ContentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("group page with federation off: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

// TestDeadInboxIsGivenUp: an inbox that answers 503 for three days is
// tried on the backoff schedule and then given up with its reason kept; an
// inbox that answers 410 is given up at once.
func TestDeadInboxIsGivenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := newFedTurnout(t, st)
		g, _ := seedGroup(t, st, "riverside")
		down := newRemoteServer(t)
		down.down = true
		gone := acceptingInboxStatus(t, http.StatusGone)
		for _, inbox := range []string{down.base + "/inbox", gone} {
			if err := st.QueueDelivery(ctx, &turnout.Delivery{GroupID: g.ID, Inbox: inbox, Body: []byte(`{"type":"Update"}`)}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		clock := time.Now()
		tn.worker.Now = func() time.Time { return clock }
		tries := 0
		for ; tries < 40; tries++ {
			tn.run(t)
			var failed int
			_ = st.SQLDB().QueryRow("SELECT COUNT(*) FROM ap_deliveries WHERE failed_at IS NOT NULL").Scan(&failed)
			if failed == 2 {
				break
			}
			clock = clock.Add(7 * time.Hour)
		}
		var attempts int
		var why string
		if err := st.SQLDB().QueryRow("SELECT attempts, last_error FROM ap_deliveries WHERE inbox = $1", down.base+"/inbox").Scan(&attempts, &why); err != nil {
			t.Fatal(err)
		}
		if attempts < 10 || tries*7 < 72 || !strings.Contains(why, "503") {
			t.Fatalf("given up after %d attempts over %d h (%q): want retries over three days", attempts, tries*7, why)
		}
		if err := st.SQLDB().QueryRow("SELECT attempts, last_error FROM ap_deliveries WHERE inbox = $1", gone).Scan(&attempts, &why); err != nil {
			t.Fatal(err)
		}
		if attempts != 1 || !strings.Contains(why, "410") {
			t.Fatalf("a 410 inbox: %d attempts (%q), want given up at once", attempts, why)
		}
	})
}

// acceptingInboxStatus serves an inbox on loopback that answers status.
func acceptingInboxStatus(t testing.TB, status int) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(status)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return fmt.Sprintf("http://%s/inbox", ln.Addr())
}

// instanceSigner is a Turnout instance's own actor, signing as it does.
func (f *fedTurnout) instanceSigner(t *testing.T, st *store.Store) (string, activitypub.Signer) {
	t.Helper()
	k, err := st.ActorKey(context.Background(), turnout.InstanceKeyOwner, f.worker.Keys.New)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := f.worker.Keys.Open(k)
	if err != nil {
		t.Fatal(err)
	}
	actor := f.base + "/ap/actor"
	return actor, activitypub.Signer{KeyID: activitypub.KeyID(actor), Key: priv}
}

// TestTwoTurnoutsFollowEachOther: each instance's actor follows a group on
// the other, so that every request in both directions (the signed Follow,
// the signed fetch of the follower's actor, the Accept, the Create) is
// signed by one Turnout and verified by the other. Every delivery is taken
// (2xx): none is left waiting or given up on either side.
func TestTwoTurnoutsFollowEachOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, stA *store.Store) {
		stB := storetest.Open(t, storetest.SQLiteTarget(t))
		a, b := newFedTurnout(t, stA), newFedTurnout(t, stB)
		gA, _ := seedGroup(t, stA, "riverside")
		gB, _ := seedGroup(t, stB, "hillside")
		client := &activitypub.Client{HTTP: http.DefaultClient, Now: time.Now}
		follow := func(from *fedTurnout, fromStore *store.Store, to *fedTurnout, group string) {
			actor, signer := from.instanceSigner(t, fromStore)
			target := to.base + "/ap/groups/" + group
			body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
				"id": actor + "#follow-" + group, "type": "Follow", "actor": actor, "object": target})
			status, err := client.Post(context.Background(), target+"/inbox", body, signer)
			if err != nil || status != 202 {
				t.Fatalf("Follow of %s: %d %v", target, status, err)
			}
		}
		follow(a, stA, b, "hillside")
		follow(b, stB, a, "riverside")
		seedEvent(t, stA, gA.ID, "Riverside vigil", 48*time.Hour, nil)
		seedEvent(t, stB, gB.ID, "Hillside picket", 48*time.Hour, nil)
		for _, f := range []*fedTurnout{a, b} {
			if n, err := f.worker.Store.Announce(context.Background(), time.Now(), 10, func(an *turnout.Announcement) ([]byte, error) {
				return activitypub.Marshal(f.worker.Site.Announce(an, an.Group.Slug, time.Now()))
			}); err != nil || n != 1 {
				t.Fatalf("announced %d events (%v), want the new one", n, err)
			}
		}
		for name, st := range map[string]*store.Store{"A": stA, "B": stB} {
			if waiting, _, _ := st.CountDeliveries(context.Background()); waiting != 2 {
				t.Fatalf("instance %s has %d deliveries waiting, want an Accept and a Create", name, waiting)
			}
		}
		for i := 0; i < 2; i++ {
			a.run(t)
			b.run(t)
		}
		for name, st := range map[string]*store.Store{"A": stA, "B": stB} {
			waiting, failed, err := st.CountDeliveries(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if waiting != 0 || failed != 0 {
				var why string
				_ = st.SQLDB().QueryRow("SELECT last_error FROM ap_deliveries LIMIT 1").Scan(&why)
				t.Fatalf("instance %s: %d deliveries waiting, %d given up (%s): the other Turnout refused them", name, waiting, failed, why)
			}
		}
		if n, _ := stA.CountFollowers(context.Background(), gA.ID); n != 1 {
			t.Fatalf("riverside has %d followers, want B's actor", n)
		}
		if n, _ := stB.CountFollowers(context.Background(), gB.ID); n != 1 {
			t.Fatalf("hillside has %d followers, want A's actor", n)
		}
	})
}
