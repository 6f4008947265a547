package gen

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/turnout-org/turnout/internal/store"
)

// Result says what Generate wrote and how long it took.
type Result struct {
	Rows    map[string]int64
	Elapsed time.Duration
}

// Generate fills the empty, migrated database at dbURL (a TURNOUT_DATABASE_URL:
// postgres://, postgresql:// or sqlite:PATH) with the data of scale, dated
// relative to now, and refreshes the planner's statistics.
func Generate(ctx context.Context, dbURL string, scale Scale, now time.Time) (Result, error) {
	start := time.Now()
	p, err := newPlan(scale, now)
	if err != nil {
		return Result{}, err
	}
	var rows map[string]int64
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		rows, err = fillPostgres(ctx, dbURL, p)
	case strings.HasPrefix(dbURL, "sqlite:"):
		rows, err = fillSQLite(ctx, dbURL, p)
	default:
		err = fmt.Errorf("database URL: want postgres://... or sqlite:PATH")
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Rows: rows, Elapsed: time.Since(start)}, nil
}

// fillPostgres streams every table with COPY in one transaction, then moves
// the id sequences past the ids written and analyses the tables.
func fillPostgres(ctx context.Context, dbURL string, p *plan) (map[string]int64, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	counts := map[string]int64{}
	for _, t := range p.tables() {
		k := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			for k < t.n {
				row := t.row(k)
				k++
				if row != nil {
					return row, nil
				}
			}
			return nil, nil
		})
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t.name, err)
		}
		counts[t.name] = n
	}
	for _, t := range []string{"groups", "accounts", "articles", "events", "rsvps"} {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", t, t)); err != nil {
			return nil, fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "ANALYZE "+analyzed); err != nil {
		return nil, err
	}
	return counts, nil
}

// analyzed lists the tables written, for ANALYZE (other schemas are left alone).
const analyzed = "groups, accounts, memberships, events, articles, rsvps, feed_versions"

// sqliteBatch is how many rows one INSERT carries; rows*columns stays far
// below SQLite's limit of 32766 bound parameters.
const sqliteBatch = 400

// fillSQLite writes every table with multi-row INSERTs, a transaction per
// table, then analyses the database.
func fillSQLite(ctx context.Context, dbURL string, p *plan) (map[string]int64, error) {
	db, err := store.OpenSQLite(dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	counts := map[string]int64{}
	for _, t := range p.tables() {
		n, err := insertSQLite(ctx, db, t)
		if err != nil {
			return nil, fmt.Errorf("insert %s: %w", t.name, err)
		}
		counts[t.name] = n
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil { // the whole file is ours
		return nil, err
	}
	return counts, nil
}

func insertSQLite(ctx context.Context, db *sql.DB, t table) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	var count int64
	args := make([]any, 0, sqliteBatch*len(t.cols))
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		rows := len(args) / len(t.cols)
		_, err := tx.ExecContext(ctx, insertSQL(t, rows), args...)
		count += int64(rows)
		args = args[:0]
		return err
	}
	for k := 0; k < t.n; k++ {
		row := t.row(k)
		if row == nil {
			continue
		}
		args = append(args, row...)
		if len(args) == sqliteBatch*len(t.cols) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return count, tx.Commit()
}

func insertSQL(t table, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}
