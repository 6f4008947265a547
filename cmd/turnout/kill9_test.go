package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/proctest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// crashAck is an RSVP the server answered 201 for.
type crashAck struct {
	name, status, token string
	guests              int
}

// crashRounds is how many times the kill -9 test kills the server;
// TURNOUT_CRASH_ROUNDS raises it for a longer run (deploy/crashtest.sh).
func crashRounds() int {
	if n, err := strconv.Atoi(os.Getenv("TURNOUT_CRASH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 3
}

// TestKill9UnderRSVPLoad fires RSVPs at a real server from several
// clients, kills it with SIGKILL while requests are provably in flight (sent
// and not yet answered; some of them are cut by the kill), restarts it, and
// repeats. It reports how many requests were started, acknowledged and cut.
// Then it checks the database: every RSVP that got a 201 is there with the
// answer it was given, every stored RSVP was sent by a client, no row is
// half-written, the going count matches the rows, and capacity held.
func TestKill9UnderRSVPLoad(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			st := storetest.Open(t, target)
			e := seedCapacityEvent(t, st, 40)
			env := []string{"TURNOUT_DATABASE_URL=" + target.URL, "TURNOUT_RSVP_RATE_LIMIT=0"}
			var all crashRound
			for round := 0; round < crashRounds(); round++ {
				p := proctest.Start(t, env...)
				r := rsvpUntilKilled(t, p, e.Slug, round)
				t.Logf("round %d: %s", round, r)
				if r.cut == 0 {
					t.Errorf("round %d: the kill cut no request in flight", round)
				}
				all.add(r)
			}
			p := proctest.Start(t, env...) // the server comes back after the last kill
			if code, _ := get(t, p.Base+"/readyz"); code != 200 {
				t.Fatalf("readyz after restart: %d", code)
			}
			t.Logf("across %d kills: %s", crashRounds(), all)
			checkAcknowledged(t, st, all.acks)
			checkConsistent(t, st, e.ID, 40, all.sent)
		})
	}
}

// seedCapacityEvent creates a published event with capacity places.
func seedCapacityEvent(t *testing.T, st *store.Store, capacity int) *turnout.Event {
	t.Helper()
	ctx := context.Background()
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "k@example.org", Name: "K", GroupSlug: "kill", Timezone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, "kill")
	if err != nil {
		t.Fatal(err)
	}
	title, status := "Crash-proof vigil", turnout.StatusPublished
	start, end := time.Now().Add(72*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(74*time.Hour).UTC().Format(time.RFC3339)
	e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status, Capacity: turnout.Of(capacity)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// crashRound counts what the clients of one or more rounds saw.
type crashRound struct {
	started int             // requests begun
	acks    []crashAck      // answered 201
	other   int             // answered with another status
	cut     int             // sent, then the connection died unanswered: in flight at the kill
	refused int             // could not connect: begun after the kill
	sent    map[string]bool // names of every RSVP a request carried
}

func (r crashRound) String() string {
	return fmt.Sprintf("%d requests started, %d acknowledged, %d answered otherwise, %d cut in flight by the kill, %d refused after it",
		r.started, len(r.acks), r.other, r.cut, r.refused)
}

func (r *crashRound) add(o crashRound) {
	r.started, r.other, r.cut, r.refused = r.started+o.started, r.other+o.other, r.cut+o.cut, r.refused+o.refused
	r.acks = append(r.acks, o.acks...)
	if r.sent == nil {
		r.sent = map[string]bool{}
	}
	for n := range o.sent {
		r.sent[n] = true
	}
}

// rsvpUntilKilled runs six clients posting RSVPs until 15 have been
// acknowledged in this round and at least two requests are in flight (begun
// and not finished), then kills the server and returns what the clients saw.
func rsvpUntilKilled(t *testing.T, p *proctest.Process, slug string, round int) crashRound {
	t.Helper()
	var mu sync.Mutex
	r := crashRound{sent: map[string]bool{}}
	finished := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("r%d-w%d-%d", round, w, i)
				mu.Lock()
				r.started++
				r.sent[name] = true
				mu.Unlock()
				a, outcome := postRSVP(client, p.Base, slug, name, (w+i)%3)
				mu.Lock()
				finished++
				switch outcome {
				case acknowledged:
					r.acks = append(r.acks, a)
				case answered:
					r.other++
				case cut:
					r.cut++
				case refused:
					r.refused++
				}
				mu.Unlock()
			}
		}(w)
	}
	proctest.Await(t, "15 acknowledged RSVPs and 2 requests in flight", 60*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		if len(r.acks) >= 15 && r.started-finished >= 2 {
			p.Kill() // SIGKILL while those requests are in flight
			return true
		}
		return false
	})
	close(stop)
	wg.Wait()
	return r
}

// An RSVP request ends in one of these ways.
const (
	acknowledged = iota // 201
	answered            // another status
	cut                 // the connection failed after it was made: the server died mid-request
	refused             // no connection: the server was already dead
)

// postRSVP sends one RSVP and says how it ended, with the RSVP when the
// server answered 201.
func postRSVP(client *http.Client, base, slug, name string, guests int) (crashAck, int) {
	body, _ := json.Marshal(map[string]any{"name": name, "status": "going", "guests": guests})
	resp, err := client.Post(base+"/api/v1/events/"+slug+"/rsvps", "application/json", bytes.NewReader(body))
	if errors.Is(err, syscall.ECONNREFUSED) {
		return crashAck{}, refused
	} else if err != nil {
		return crashAck{}, cut
	}
	defer resp.Body.Close()
	var out struct {
		Status    string `json:"status"`
		ManageURL string `json:"manage_url"`
	}
	if resp.StatusCode != http.StatusCreated {
		return crashAck{}, answered
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return crashAck{}, cut
	}
	i := strings.LastIndex(out.ManageURL, "/")
	return crashAck{name: name, status: out.Status, token: out.ManageURL[i+1:], guests: guests}, acknowledged
}

// placeholder returns the n-th bind placeholder of the store's dialect.
func placeholder(st *store.Store, n int) string {
	if st.Dialect() == store.Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// checkAcknowledged finds every acknowledged RSVP by its manage token.
func checkAcknowledged(t *testing.T, st *store.Store, acks []crashAck) {
	t.Helper()
	q := "SELECT name, status, guests FROM rsvps WHERE manage_token_hash = " + placeholder(st, 1)
	for _, a := range acks {
		var name, status string
		var guests int
		if err := st.SQLDB().QueryRow(q, turnout.HashToken(a.token)).Scan(&name, &status, &guests); err != nil {
			t.Errorf("RSVP %s acknowledged with 201 is missing: %v", a.name, err)
			continue
		}
		if name != a.name || status != a.status || guests != a.guests {
			t.Errorf("RSVP %s stored as (%s, %s, %d), acknowledged as (%s, %s, %d)", a.name, name, status, guests, a.name, a.status, a.guests)
		}
	}
}

// checkConsistent checks that every RSVP row of the event was sent by a
// client (an acknowledged request or one cut by a kill) and is whole: a name
// and a manage token, and, when waitlisted, a place in the queue of its own
// (queue_order is set in the RSVP's transaction, after the insert). The
// event's going count must be the sum of its going RSVPs, within capacity,
// and no waitlisted party may fit in the places left (nothing here frees
// places, so a party that fits now fitted when it was waitlisted).
func checkConsistent(t *testing.T, st *store.Store, eventID int64, capacity int, sent map[string]bool) {
	t.Helper()
	db := st.SQLDB()
	rows, err := db.Query(`SELECT name FROM rsvps WHERE event_id = `+placeholder(st, 1), eventID)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		stored++
		if !sent[name] {
			t.Errorf("stored RSVP %q was never sent", name)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var bad int
	err = db.QueryRow(`SELECT count(*) FROM rsvps r WHERE r.event_id = `+placeholder(st, 1)+` AND (r.name = '' OR r.manage_token_hash IS NULL
		OR (r.status = 'waitlisted' AND (r.queue_order < 1 OR EXISTS (SELECT 1 FROM rsvps o
			WHERE o.event_id = r.event_id AND o.status = 'waitlisted' AND o.id <> r.id AND o.queue_order = r.queue_order))))`, eventID).Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("%d half-written RSVP rows (%v)", bad, err)
	}
	var fits int
	err = db.QueryRow(`SELECT count(*) FROM rsvps r, events e WHERE r.event_id = e.id AND e.id = `+placeholder(st, 1)+`
		AND r.status = 'waitlisted' AND 1 + r.guests <= e.capacity - e.going_count`, eventID).Scan(&fits)
	if err != nil || fits != 0 {
		t.Errorf("%d waitlisted RSVPs fit in the places left (%v)", fits, err)
	}
	var rowsGoing, counted int
	if err := db.QueryRow(`SELECT COALESCE(SUM(1 + guests), 0) FROM rsvps WHERE status = 'going' AND event_id = `+placeholder(st, 1), eventID).Scan(&rowsGoing); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT going_count FROM events WHERE id = `+placeholder(st, 1), eventID).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if rowsGoing != counted || counted > capacity {
		t.Errorf("going: rows say %d, event says %d, capacity %d", rowsGoing, counted, capacity)
	}
	t.Logf("going %d of %d places; %d RSVP rows stored (requests cut by a kill may have committed unanswered)", counted, capacity, stored)
}
