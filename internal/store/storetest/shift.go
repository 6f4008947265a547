package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	// The SQLite driver under the store's gorm dialector, used here directly
	// so that tests can move an event in time without the store's API.
	_ "github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5"

	"github.com/turnout-org/turnout/internal/store"
)

// ShiftEvent moves the start and end (and RSVP closing time) of the event
// with slug by days (negative: into the past) in target's database, as if the
// clock had moved, for tests of what happens after an event ends.
func ShiftEvent(t testing.TB, target Target, slug string, days int) {
	t.Helper()
	ctx := context.Background()
	if target.Name == store.Postgres {
		conn, err := pgx.Connect(ctx, target.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		d := fmt.Sprintf("%d days", days)
		_, err = conn.Exec(ctx, `UPDATE events SET starts_at = starts_at + $1::interval, ends_at = ends_at + $1::interval,
			rsvp_closes_at = rsvp_closes_at + $1::interval WHERE slug = $2`, d, slug)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite", strings.TrimPrefix(target.URL, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Keep the store's text form of times: 2006-01-02 15:04:05.999+00:00 (UTC).
	shift := func(col string) string {
		return fmt.Sprintf("%s = strftime('%%Y-%%m-%%d %%H:%%M:%%f+00:00', %s, '%+d days')", col, col, days)
	}
	q := "UPDATE events SET " + shift("starts_at") + ", " + shift("ends_at") + ", " + shift("rsvp_closes_at") + " WHERE slug = ?"
	if _, err := db.ExecContext(ctx, q, slug); err != nil {
		t.Fatal(err)
	}
}
