package storetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
)

// snapshotIgnore lists what a refused request may legitimately touch:
// rate-limit counters count refused attempts too, and a token's last use is
// bookkeeping, not data.
var snapshotIgnore = map[string]bool{
	"goose_db_version":        true,
	"rate_limits":             true,
	"api_tokens.last_used_at": true,
	"sessions.last_seen_at":   true,
	"accounts.last_login_at":  true,
}

// Snapshot returns the contents of every table of st as text, rows sorted,
// so that a test can show that a refused request changed nothing.
func Snapshot(t testing.TB, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	tables, err := tableNames(ctx, st)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	var b strings.Builder
	for _, table := range tables {
		if snapshotIgnore[table] {
			continue
		}
		rows, err := tableRows(ctx, st, table)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		fmt.Fprintf(&b, "== %s (%d rows)\n%s", table, len(rows), strings.Join(rows, ""))
	}
	return b.String()
}

func tableNames(ctx context.Context, st *store.Store) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if st.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := st.SQLDB().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return names, rows.Err()
}

// tableRows returns one line per row of table, columns by name, sorted.
func tableRows(ctx context.Context, st *store.Store, table string) ([]string, error) {
	rows, err := st.SQLDB().QueryContext(ctx, `SELECT * FROM "`+table+`"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var line strings.Builder
		for i, c := range cols {
			if snapshotIgnore[table+"."+c] {
				continue
			}
			v := vals[i]
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&line, "%s=%v ", c, v)
		}
		out = append(out, line.String()+"\n")
	}
	sort.Strings(out)
	return out, rows.Err()
}
