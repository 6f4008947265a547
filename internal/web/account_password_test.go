package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func TestChangePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "pat@example.org", "riverside")
		phone, laptop := newBrowser(t, app), newBrowser(t, app)
		phone.login("pat@example.org", testPassword)
		laptop.login("pat@example.org", testPassword)
		const newPassword = "a brand new passphrase"

		refusals := []struct {
			name, current, next, field string
		}{
			{"ErrWrongCurrent", "not my password", newPassword, "current_password"},
			{"ErrShortNew", testPassword, "short", "password"},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := phone.post("/account/password", "/account/password", url.Values{"current_password": {tc.current}, "password": {tc.next}})
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) {
					t.Fatalf("status %d, want 422 with a message on %s", resp.StatusCode, tc.field)
				}
				if _, err := st.Authenticate(ctx, "pat@example.org", testPassword); err != nil {
					t.Fatalf("refused change altered the password: %v", err)
				}
				if resp, _ := laptop.get("/dashboard"); resp.StatusCode != 200 {
					t.Fatalf("refused change ended other sessions: status %d", resp.StatusCode)
				}
			})
		}

		resp, _ := phone.post("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "password": {newPassword}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("change: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := phone.get("/dashboard"); resp.StatusCode != 200 {
			t.Fatalf("this browser was logged out: status %d", resp.StatusCode)
		}
		if resp, _ := laptop.get("/dashboard"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the other device is still signed in: status %d", resp.StatusCode)
		}
		if _, err := st.Authenticate(ctx, "pat@example.org", testPassword); turnout.ErrorCode(err) != turnout.EUNAUTHORIZED {
			t.Fatalf("old password still works: %v", err)
		}
		if _, err := st.Authenticate(ctx, "pat@example.org", newPassword); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
	})
}

// TestChangePasswordThrottled: wrong current passwords are limited per
// account; past the limit even the right one is refused, unchanged.
func TestChangePasswordThrottled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "sam@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("sam@example.org", testPassword)
		for i := 0; i < limitPassword.max; i++ {
			if resp, _ := b.post("/account/password", "/account/password", url.Values{"current_password": {"guess " + strings.Repeat("x", i)}, "password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("guess %d: status %d", i, resp.StatusCode)
			}
		}
		resp, _ := b.post("/account/password", "/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new passphrase"}})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("after %d wrong guesses: status %d, want 429", limitPassword.max, resp.StatusCode)
		}
		if _, err := st.Authenticate(context.Background(), "sam@example.org", testPassword); err != nil {
			t.Fatalf("throttled change altered the password: %v", err)
		}
	})
}
