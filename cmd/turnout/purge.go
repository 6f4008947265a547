package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
)

// purge erases the personal data of RSVPs to events that ended more than
// cfg.RetentionDays ago, and drops rate-limit windows older than an hour.
func purge(ctx context.Context, cfg config.Config, st *store.Store, now time.Time) (int64, error) {
	cutoff := now.Add(-time.Duration(cfg.RetentionDays) * 24 * time.Hour)
	n, err := st.PurgeRSVPs(ctx, cutoff)
	if err != nil {
		return n, fmt.Errorf("purge RSVPs: %w", err)
	}
	if _, err := st.PruneRateLimits(ctx, now.Add(-time.Hour)); err != nil {
		return n, fmt.Errorf("prune rate limits: %w", err)
	}
	return n, nil
}

// cmdPurge handles `turnout purge`.
func cmdPurge(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := openCurrentStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := purge(ctx, cfg, st, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "erased the personal data of %d RSVP(s) to events that ended more than %d days ago\n", n, cfg.RetentionDays)
	return nil
}

// startPurger runs purge at once and then every cfg.PurgeInterval until
// stop is called; stop waits for a running purge to finish, so that the
// caller can close the database after it. An interval of 0 turns it off.
func startPurger(cfg config.Config, log *slog.Logger, st *store.Store) (stop func()) {
	if cfg.PurgeInterval <= 0 {
		log.Warn("periodic purge of RSVP personal data is off (TURNOUT_PURGE_INTERVAL=0); run `turnout purge` instead")
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(cfg.PurgeInterval)
		defer ticker.Stop()
		for {
			pctx, pcancel := context.WithTimeout(ctx, 5*time.Minute)
			n, err := purge(pctx, cfg, st, time.Now())
			pcancel()
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("purge failed", "err", err)
			case n > 0:
				log.Info("purged RSVP personal data", "rsvps", n, "retention_days", cfg.RetentionDays)
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}
