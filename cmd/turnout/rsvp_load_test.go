package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// loadEvent creates a group, an organiser token and a published event with
// the given capacity directly in the database the server uses.
func loadEvent(t *testing.T, url string, capacity int) (slug, token string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	token, err = st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "load@example.org", Name: "Load", GroupSlug: "load", GroupName: "Load"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, "load")
	if err != nil {
		t.Fatal(err)
	}
	title, status := "Capacity test", turnout.StatusPublished
	start, end := time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(50*time.Hour).UTC().Format(time.RFC3339)
	e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status, Capacity: turnout.Of(capacity)})
	if err != nil {
		t.Fatal(err)
	}
	return e.Slug, token
}

// ack is the server's answer to one RSVP.
type ack struct {
	Status   string `json:"status"`
	URL      string `json:"manage_url"`
	Position int    `json:"waitlist_position"`
	code     int
}

var client = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200, MaxConnsPerHost: 200}}

func call(method, url, body string, out any) (int, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s: %.200s", err, b)
		}
	}
	return resp.StatusCode, nil
}

// fireRSVPs sends n RSVPs at once, spread over the servers in bases, and
// returns the answers in request order and the RSVPs per second achieved.
func fireRSVPs(t *testing.T, bases []string, slug string, n int) ([]ack, float64) {
	t.Helper()
	acks := make([]ack, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	startGun := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-startGun
			url := bases[i%len(bases)] + "/api/v1/events/" + slug + "/rsvps"
			code, err := call("POST", url, fmt.Sprintf(`{"name":"Supporter %d","status":"going"}`, i), &acks[i])
			acks[i].code = code
			if err != nil {
				errs <- err
			}
		}(i)
	}
	began := time.Now()
	close(startGun)
	wg.Wait()
	elapsed := time.Since(began)
	close(errs)
	for err := range errs {
		t.Fatalf("request failed: %v", err)
	}
	return acks, float64(n) / elapsed.Seconds()
}

// organiserList is GET /api/v1/events/{slug}/rsvps.
type organiserList struct {
	Counts map[string]int `json:"counts"`
	RSVPs  []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Status   string `json:"status"`
		Position int    `json:"waitlist_position"`
	} `json:"rsvps"`
}

func listRSVPs(t *testing.T, base, slug, token string) organiserList {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/events/"+slug+"/rsvps", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out organiserList
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("organiser list: %d %v", resp.StatusCode, err)
	}
	return out
}

// checkExact asserts exactly capacity going, the rest waitlisted, every going
// RSVP acknowledged before every waitlisted one (by id), and the positions
// the server acknowledged matching the order of the list.
func checkExact(t *testing.T, acks []ack, list organiserList, capacity int) {
	t.Helper()
	going, positions := 0, []int{}
	for i, a := range acks {
		if a.code != 201 {
			t.Fatalf("request %d: status %d", i, a.code)
		}
		switch a.Status {
		case turnout.RSVPGoing:
			going++
		case turnout.RSVPWaitlisted:
			positions = append(positions, a.Position)
		default:
			t.Fatalf("request %d: status %q", i, a.Status)
		}
	}
	if going != capacity {
		t.Fatalf("acknowledged %d going, want exactly %d", going, capacity)
	}
	sort.Ints(positions)
	for i, p := range positions {
		if p != i+1 {
			t.Fatalf("acknowledged waitlist positions are not 1..%d: %v", len(positions), positions)
		}
	}
	checkList(t, list, capacity, len(acks)-capacity)
}

// checkList asserts the organiser's list: the counts, every going RSVP
// before every waitlisted one (by id), and positions 1..n in id order.
func checkList(t *testing.T, list organiserList, going, waitlisted int) {
	t.Helper()
	if list.Counts["going"] != going || list.Counts["waitlisted"] != waitlisted || len(list.RSVPs) != going+waitlisted {
		t.Fatalf("counts %v with %d listed; want %d going, %d waitlisted", list.Counts, len(list.RSVPs), going, waitlisted)
	}
	lastGoing, pos := int64(0), 0
	for _, r := range list.RSVPs {
		if r.Status == turnout.RSVPGoing {
			if pos > 0 {
				t.Fatalf("going RSVP %d arrived after waitlisted ones", r.ID)
			}
			lastGoing = r.ID
			continue
		}
		pos++
		if r.ID < lastGoing || r.Position != pos {
			t.Fatalf("waitlisted RSVP %d has position %d, want %d", r.ID, r.Position, pos)
		}
	}
}

// tokenOf extracts the manage token from a manage URL.
func tokenOf(manageURL string) string { return manageURL[strings.LastIndex(manageURL, "/")+1:] }

// TestConcurrentRSVPs fires 120 RSVPs at once over real HTTP at an event
// with 10 places, on each database: exactly 10 go, the rest wait in order.
// Then the 10 going and 5 waitlisted cancel at once, and the first 10 still
// waiting are promoted.
func TestConcurrentRSVPs(t *testing.T) {
	const n, capacity = 120, 10
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			base, stop := startServer(t, env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL, "TURNOUT_RSVP_RATE_LIMIT", "0"))
			defer func() {
				client.CloseIdleConnections()
				if err := stop(); err != nil {
					t.Errorf("shutdown: %v", err)
				}
			}()
			slug, token := loadEvent(t, target.URL, capacity)
			acks, rate := fireRSVPs(t, []string{base}, slug, n)
			t.Logf("%s: %d concurrent RSVPs over HTTP at %.0f RSVPs/second", target.Name, n, rate)
			checkExact(t, acks, listRSVPs(t, base, slug, token), capacity)
			checkAckPositions(t, base, acks)

			// Cancel the going RSVPs and waitlist positions 20-24 at once.
			var cancel []string
			for _, a := range acks {
				if a.Status == turnout.RSVPGoing || (a.Position >= 20 && a.Position < 25) {
					cancel = append(cancel, tokenOf(a.URL))
				}
			}
			began := time.Now()
			parallel(t, len(cancel), func(i int) (int, error) { return call("DELETE", base+"/api/v1/rsvps/"+cancel[i], "", nil) }, 204)
			t.Logf("%s: %d concurrent cancellations with promotion at %.0f/second", target.Name, len(cancel), float64(len(cancel))/time.Since(began).Seconds())
			list := listRSVPs(t, base, slug, token)
			checkList(t, list, capacity, n-capacity-5-capacity)
			// The promoted are exactly those acknowledged at positions 1-10.
			for _, a := range acks {
				var now ack
				if a.Status != turnout.RSVPWaitlisted || (a.Position >= 20 && a.Position < 25) {
					continue
				}
				if code, err := call("GET", base+"/api/v1/rsvps/"+tokenOf(a.URL), "", &now); err != nil || code != 200 {
					t.Fatalf("show: %d %v", code, err)
				}
				if promoted := now.Status == turnout.RSVPGoing; promoted != (a.Position <= capacity) {
					t.Fatalf("acknowledged at position %d, now %s", a.Position, now.Status)
				}
			}
		})
	}
}

// checkAckPositions asserts that each waitlisted RSVP's position now is the
// one acknowledged to its sender.
func checkAckPositions(t *testing.T, base string, acks []ack) {
	t.Helper()
	for _, a := range acks {
		if a.Status != turnout.RSVPWaitlisted {
			continue
		}
		var now ack
		if code, err := call("GET", base+"/api/v1/rsvps/"+tokenOf(a.URL), "", &now); err != nil || code != 200 {
			t.Fatalf("show: %d %v", code, err)
		}
		if now.Position != a.Position {
			t.Fatalf("acknowledged position %d, listed at %d", a.Position, now.Position)
		}
	}
}

// parallel runs fn(0..n-1) at once and expects every answer to be want.
func parallel(t *testing.T, n int, fn func(i int) (int, error), want int) {
	t.Helper()
	codes := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	startGun := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-startGun
			codes[i], errs[i] = fn(i)
		}(i)
	}
	close(startGun)
	wg.Wait()
	for i := range codes {
		if errs[i] != nil || codes[i] != want {
			t.Fatalf("request %d: %d %v", i, codes[i], errs[i])
		}
	}
}

// TestConcurrentRSVPsTwoInstances runs two servers on one Postgres database
// and fires 120 RSVPs at them alternately: still exactly 10 going.
func TestConcurrentRSVPsTwoInstances(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	getenv := env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL, "TURNOUT_RSVP_RATE_LIMIT", "0")
	var bases []string
	for i := 0; i < 2; i++ {
		base, stop := startServer(t, getenv)
		defer func() {
			client.CloseIdleConnections()
			if err := stop(); err != nil {
				t.Errorf("shutdown: %v", err)
			}
		}()
		bases = append(bases, base)
	}
	slug, token := loadEvent(t, target.URL, 10)
	acks, rate := fireRSVPs(t, bases, slug, 120)
	t.Logf("two instances on postgres: 120 concurrent RSVPs at %.0f RSVPs/second", rate)
	checkExact(t, acks, listRSVPs(t, bases[1], slug, token), 10)
}
