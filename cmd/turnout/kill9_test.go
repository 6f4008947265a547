package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
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
// clients, kills it with SIGKILL while requests are in flight, restarts
// it, and repeats. Then it checks the database: every RSVP that got a 201
// is there with the answer it was given, no row is half-written, the going
// count matches the rows, and capacity held.
func TestKill9UnderRSVPLoad(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			st := storetest.Open(t, target)
			e := seedCapacityEvent(t, st, 40)
			env := []string{"TURNOUT_DATABASE_URL=" + target.URL, "TURNOUT_RSVP_RATE_LIMIT=0"}
			var acks []crashAck
			for round := 0; round < crashRounds(); round++ {
				p := proctest.Start(t, env...)
				acks = append(acks, rsvpUntilKilled(t, p, e.Slug, round)...)
			}
			p := proctest.Start(t, env...) // the server comes back after the last kill
			if code, _ := get(t, p.Base+"/readyz"); code != 200 {
				t.Fatalf("readyz after restart: %d", code)
			}
			t.Logf("%d RSVPs acknowledged across %d kills", len(acks), crashRounds())
			checkAcknowledged(t, st, acks)
			checkConsistent(t, st, e.ID, 40)
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

// rsvpUntilKilled runs six clients posting RSVPs until 15 have been
// acknowledged in this round, then kills the server mid-stream and returns
// the acknowledged RSVPs.
func rsvpUntilKilled(t *testing.T, p *proctest.Process, slug string, round int) []crashAck {
	t.Helper()
	var mu sync.Mutex
	var acks []crashAck
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
				a, ok := postRSVP(client, p.Base, slug, fmt.Sprintf("r%d-w%d-%d", round, w, i), (w+i)%3)
				if ok {
					mu.Lock()
					acks = append(acks, a)
					mu.Unlock()
				}
			}
		}(w)
	}
	proctest.Await(t, "15 acknowledged RSVPs", 60*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acks) >= 15
	})
	p.Kill() // SIGKILL with requests in flight
	close(stop)
	wg.Wait()
	return acks
}

// postRSVP sends one RSVP and reports it when the server answered 201.
func postRSVP(client *http.Client, base, slug, name string, guests int) (crashAck, bool) {
	body, _ := json.Marshal(map[string]any{"name": name, "status": "going", "guests": guests})
	resp, err := client.Post(base+"/api/v1/events/"+slug+"/rsvps", "application/json", bytes.NewReader(body))
	if err != nil {
		return crashAck{}, false
	}
	defer resp.Body.Close()
	var out struct {
		Status    string `json:"status"`
		ManageURL string `json:"manage_url"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return crashAck{}, false
	}
	i := strings.LastIndex(out.ManageURL, "/")
	return crashAck{name: name, status: out.Status, token: out.ManageURL[i+1:], guests: guests}, true
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

// checkConsistent checks every RSVP row of the event is whole and that the
// event's going count is the sum of its going RSVPs, within capacity.
func checkConsistent(t *testing.T, st *store.Store, eventID int64, capacity int) {
	t.Helper()
	db := st.SQLDB()
	var bad int
	err := db.QueryRow(`SELECT count(*) FROM rsvps WHERE event_id = `+placeholder(st, 1)+` AND (name = '' OR manage_token_hash IS NULL
		OR status NOT IN ('going', 'waitlisted', 'maybe', 'not_going') OR guests < 0)`, eventID).Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("%d half-written RSVP rows (%v)", bad, err)
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
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM rsvps WHERE event_id = `+placeholder(st, 1), eventID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("going %d of %d places; %d RSVP rows stored (requests cut by a kill may have committed unanswered)", counted, capacity, rows)
}
