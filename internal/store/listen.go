package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Retry delays of the LISTEN connection after it dropped.
const (
	listenRetryMin = 50 * time.Millisecond
	listenRetryMax = 2 * time.Second
)

// ListenScopes keeps one dedicated connection listening on its schema's scope channel and
// tells l what it hears, until ctx ends. When the connection drops it calls
// l.ScopesDeaf at once and connects again, with growing delays, until it can
// call l.ScopesListening again. On SQLite there is no other instance to hear:
// it calls l.ScopesListening(0) once and waits for ctx (changes of this
// process arrive through OnScopesChanged).
func (s *Store) ListenScopes(ctx context.Context, l turnout.ScopeListener) {
	if s.dialect != Postgres {
		l.ScopesListening(0)
		<-ctx.Done()
		return
	}
	delay := listenRetryMin
	for ctx.Err() == nil {
		heard, err := s.listenOnce(ctx, l)
		if ctx.Err() != nil {
			return
		}
		l.ScopesDeaf(err)
		if heard {
			delay = listenRetryMin
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		if delay *= 2; delay > listenRetryMax {
			delay = listenRetryMax
		}
	}
}

// listenOnce connects, listens and reports notifications until the
// connection fails; it reports whether it got as far as listening.
func (s *Store) listenOnce(ctx context.Context, l turnout.ScopeListener) (bool, error) {
	cfg, err := pgx.ParseConfig(s.url)
	if err != nil {
		return false, err
	}
	cfg.RuntimeParams["application_name"] = "turnout-listen"
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return false, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	var channel string
	if err := conn.QueryRow(ctx, "SELECT "+scopeChannel).Scan(&channel); err != nil {
		return false, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false, err
	}
	l.ScopesListening(conn.PgConn().PID())
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if n.Channel == channel {
			l.ScopesChanged(ParseScopePayload(n.Payload))
		}
	}
}
