package store_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestSchemaParity proves that the Postgres and SQLite migrations end with the
// same tables, columns and indexes.
func TestSchemaParity(t *testing.T) {
	sqliteTarget := storetest.SQLiteTarget(t)
	pgTarget, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skipf("needs Postgres: set %s", storetest.EnvPostgres)
	}
	ctx := context.Background()
	lite := storetest.Open(t, sqliteTarget).Schema
	pg := storetest.Open(t, pgTarget).Schema
	a, err := lite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pg(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tables) < 12 {
		t.Fatalf("only %d tables in SQLite: %v", len(a.Tables), a.Tables)
	}
	if !reflect.DeepEqual(a.Tables, b.Tables) {
		t.Errorf("tables differ:\nsqlite:   %v\npostgres: %v", a.Tables, b.Tables)
	}
	if !reflect.DeepEqual(a.Indexes, b.Indexes) {
		t.Errorf("indexes differ:\nsqlite:   %v\npostgres: %v", a.Indexes, b.Indexes)
	}
}

// TestMigrateIsIdempotent applies the migrations twice on each database.
func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n, err := st.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate ran %d migrations, err %v", n, err)
		}
		cur, latest, err := st.SchemaVersion(ctx)
		if err != nil || cur != latest || cur < 1 {
			t.Fatalf("version %d of %d, err %v", cur, latest, err)
		}
		s, err := st.Schema(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tables := make([]string, 0, len(s.Tables))
		for name := range s.Tables {
			tables = append(tables, name)
		}
		sort.Strings(tables)
		for _, want := range []string{"accounts", "api_tokens", "articles", "events", "feed_versions", "groups", "invitations", "memberships", "rate_limits", "rsvps", "sessions"} {
			if _, ok := s.Tables[want]; !ok {
				t.Errorf("table %s missing; have %v", want, tables)
			}
		}
	})
}
