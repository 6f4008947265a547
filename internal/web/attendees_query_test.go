package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestAttendeeSearchRefusesBadText: the organisers' attendee search answers
// 422 on text no name can hold, never a database error.
func TestAttendeeSearchRefusesBadText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, token := seedGroup(t, st, "door")
		e := seedEvent(t, st, g.ID, "Door list", 24*time.Hour, nil)
		for name, q := range map[string]string{"NUL": "%00", "BidiOverride": "%E2%80%AE", "TooLong": strings.Repeat("a", 201), "InvalidUTF8": "%FF"} {
			t.Run(name, func(t *testing.T) {
				req := httptest.NewRequest("GET", "/api/v1/events/"+e.Slug+"/rsvps?q="+q, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, body := do(t, app, req)
				if resp.StatusCode != 422 || !strings.Contains(body, `"q"`) {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
			})
		}
		req := httptest.NewRequest("GET", "/api/v1/events/"+e.Slug+"/rsvps?q=robin", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, body := do(t, app, req); resp.StatusCode != 200 {
			t.Fatalf("plain search: status %d: %s", resp.StatusCode, body)
		}
	})
}
