// Package store keeps Turnout's data in PostgreSQL or SQLite through gorm. It
// is the only package that imports gorm; dialect differences live here alone.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Store implements the domain's services over one database.
type Store struct {
	db      *gorm.DB
	dialect string
	// mailOn queues email in the outbox (SetMail).
	mailOn bool
	// subs are told of committed scope changes (OnScopesChanged).
	subs scopeSubscribers
	// url is the database URL, for the Postgres LISTEN connection.
	url string
	// counts sends the NOTIFY of going-count changes in batches.
	counts countNotifier
	// closed is set by Close; the count notifier stops retrying.
	closed atomic.Bool
	// Now returns the current time; tests replace it to move the clock.
	Now func() time.Time
}

// Open connects to the database named by rawURL: postgres://, postgresql://
// or sqlite:PATH. It does not apply migrations; see Migrate.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	dialect, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	s := &Store{dialect: dialect, Now: now, url: rawURL}
	cfg := &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		NowFunc:                now,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		TranslateError:         true,
		DisableAutomaticPing:   true, // openStore pings with retries
	}
	var dialector gorm.Dialector
	if dialect == Postgres {
		dialector = &postgresDialector{&postgres.Dialector{Config: &postgres.Config{DSN: dsn}}}
	} else {
		dialector = &sqliteDialector{&sqlite.Dialector{DSN: dsn}}
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil && dialect == SQLite {
		return nil, fmt.Errorf("open sqlite database %s: %w; check TURNOUT_DATABASE_URL: the file's directory must exist and be writable", strings.SplitN(dsn, "?", 2)[0], err)
	} else if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == Postgres {
		sqlDB.SetMaxOpenConns(24)
		sqlDB.SetMaxIdleConns(24)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// One writer at a time anyway; a few connections serve concurrent reads.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	s.db = db
	return s, nil
}

// postgresDialector is gorm's Postgres dialector whose error translation
// also marks outages (markOutage).
type postgresDialector struct{ *postgres.Dialector }

// Translate maps constraint errors to gorm's and outages to EUNAVAILABLE.
func (d *postgresDialector) Translate(err error) error { return markOutage(d.Dialector.Translate(err)) }

// sqliteDialector is gorm's SQLite dialector whose error translation also
// marks outages (markOutage).
type sqliteDialector struct{ *sqlite.Dialector }

// Translate maps constraint errors to gorm's and outages to EUNAVAILABLE.
func (d *sqliteDialector) Translate(err error) error { return markOutage(d.Dialector.Translate(err)) }

// parseURL maps TURNOUT_DATABASE_URL to a dialect and a driver DSN.
func parseURL(raw string) (dialect, dsn string, err error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return "", "", fmt.Errorf("database URL: not a valid postgres URL")
		}
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(raw, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" || strings.ContainsAny(path, "?#\x00") || path == ":memory:" {
			return "", "", fmt.Errorf("database URL %q: want sqlite:PATH with a file path", raw)
		}
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// No _time_format: this driver skips _txlock when it is set, and its
		// default write format is already the "sqlite" one
		// (2006-01-02 15:04:05.999999999-07:00). Immediate transactions take
		// the write lock at BEGIN and wait busy_timeout for it, instead of
		// failing with SQLITE_BUSY when a read turns into a write.
		q.Set("_txlock", "immediate")
		return SQLite, path + "?" + q.Encode(), nil
	default:
		return "", "", fmt.Errorf("database URL %q: want postgres://..., postgresql://... or sqlite:PATH", redact(raw))
	}
}

// OpenSQLite opens the SQLite database of a sqlite:PATH database URL with
// database/sql and exactly the store's settings (WAL, foreign keys, busy
// timeout, transactions that take the write lock at BEGIN), for tools that
// write rows in bulk beside the store, such as the benchmark generator.
func OpenSQLite(databaseURL string) (*sql.DB, error) {
	dialect, dsn, err := parseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	if dialect != SQLite {
		return nil, fmt.Errorf("database URL %q: want sqlite:PATH", redact(databaseURL))
	}
	return sql.Open("sqlite", dsn)
}

// redact hides a password in a URL before it reaches a message.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return raw
}

// readTx runs fn in one read-only transaction whose queries all see the
// same snapshot: REPEATABLE READ on Postgres (READ COMMITTED, the default,
// takes a new snapshot per statement); on SQLite a deferred transaction,
// whose first read fixes the snapshot without taking the write lock.
func (s *Store) readTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.transaction(ctx, fn, opts)
}

// Dialect is Postgres or SQLite.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the connection pool.
func (s *Store) Close() error {
	s.closed.Store(true)
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// now is the store's clock: UTC with the microsecond precision both databases keep.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// notFound converts gorm's record-not-found into the domain's ENOTFOUND.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return turnout.Errorf(turnout.ENOTFOUND, "%s not found.", what)
	}
	return err
}

// isUniqueViolation reports a unique-constraint failure (TranslateError maps
// both drivers' codes to gorm.ErrDuplicatedKey).
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// SetMaxConns bounds the connections the store may open (and keep idle) to
// n, for deployments where several instances share a Postgres whose
// max_connections is the limit. n <= 0 keeps the default.
func (s *Store) SetMaxConns(n int) {
	if n <= 0 {
		return
	}
	sqlDB := s.SQLDB()
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
}

// PoolStats reports the connection pool: connections open, in use, idle,
// and how often and how long callers waited for one.
func (s *Store) PoolStats() sql.DBStats { return s.SQLDB().Stats() }

// SQLDB returns the connection pool under the store, for test tooling that
// reads tables directly.
func (s *Store) SQLDB() *sql.DB {
	sqlDB, _ := s.db.DB() // never fails once Open succeeded: db was built from a pool
	return sqlDB
}
