package turnout

import (
	"context"
	"time"
)

// RateLimitService counts hits per key in fixed time windows, in storage that
// every instance shares. The caller owns the clock and the policy (which key,
// which window, how many): the service only counts.
type RateLimitService interface {
	// HitRateLimit counts one hit on key in the window starting at
	// windowStart and returns the window's count so far.
	HitRateLimit(ctx context.Context, key string, windowStart time.Time) (int, error)
	// RateLimitHits returns the count of key's window starting at
	// windowStart without adding to it.
	RateLimitHits(ctx context.Context, key string, windowStart time.Time) (int, error)
	// PruneRateLimits deletes the windows that started before cutoff.
	PruneRateLimits(ctx context.Context, cutoff time.Time) (int64, error)
}
