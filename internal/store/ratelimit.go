package store

import (
	"context"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.RateLimitService = (*Store)(nil)

// HitRateLimit counts a hit on key in the window starting at windowStart with
// one atomic upsert, so that every instance sees the same count.
func (s *Store) HitRateLimit(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Raw(`INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`, key, windowStart.UTC()).Scan(&n).Error
	return n, err
}

// RateLimitHits reads the count of key's window starting at windowStart.
func (s *Store) RateLimitHits(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n []int
	err := s.db.WithContext(ctx).Raw("SELECT count FROM rate_limits WHERE key = ? AND window_start = ?",
		key, windowStart.UTC()).Scan(&n).Error
	if err != nil || len(n) == 0 {
		return 0, err
	}
	return n[0], nil
}

// PruneRateLimits deletes rate-limit windows that started before cutoff.
func (s *Store) PruneRateLimits(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM rate_limits WHERE window_start < ?", cutoff.UTC())
	return res.RowsAffected, res.Error
}
