package gen

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/turnout-org/turnout/internal/store"
)

// CapacitySQL counts events with more people going than their capacity, by the
// stored going_count and by the sum over going RSVPs (guests included), and
// events whose going_count disagrees with their RSVPs.
const CapacitySQL = `SELECT
  count(*) FILTER (WHERE e.capacity IS NOT NULL AND e.going_count > e.capacity),
  count(*) FILTER (WHERE e.capacity IS NOT NULL AND COALESCE(r.people, 0) > e.capacity),
  count(*) FILTER (WHERE e.going_count <> COALESCE(r.people, 0))
FROM events e
LEFT JOIN (SELECT event_id, sum(1 + guests) AS people FROM rsvps WHERE status = 'going' GROUP BY event_id) r
  ON r.event_id = e.id`

// Capacity is the outcome of CapacitySQL.
type Capacity struct {
	OverCount    int64 // events whose going_count exceeds capacity
	OverRSVPs    int64 // events whose going RSVPs exceed capacity
	CountDiffers int64 // events whose going_count is not the sum of going RSVPs
}

// OK reports no overbooking and consistent counts.
func (c Capacity) OK() bool { return c.OverCount == 0 && c.OverRSVPs == 0 && c.CountDiffers == 0 }

func (c Capacity) String() string {
	return fmt.Sprintf("%d events over capacity by going_count, %d by going RSVPs, %d with going_count different from their RSVPs",
		c.OverCount, c.OverRSVPs, c.CountDiffers)
}

// CheckCapacity runs CapacitySQL on the database at dbURL.
func CheckCapacity(ctx context.Context, dbURL string) (Capacity, error) {
	var c Capacity
	if strings.HasPrefix(dbURL, "sqlite:") {
		db, err := store.OpenSQLite(dbURL)
		if err != nil {
			return c, err
		}
		defer db.Close()
		// SQLite has FILTER on aggregates since 3.30.
		err = db.QueryRowContext(ctx, CapacitySQL).Scan(&c.OverCount, &c.OverRSVPs, &c.CountDiffers)
		return c, err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return c, err
	}
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, CapacitySQL).Scan(&c.OverCount, &c.OverRSVPs, &c.CountDiffers)
	return c, err
}
