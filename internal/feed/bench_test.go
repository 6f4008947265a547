package feed

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// groupFeed200 is a group feed of 200 events over a year and a half, with
// the text an organiser typically writes.
func groupFeed200() Calendar {
	c := testCalendar()
	c.Events = nil
	for i := 0; i < 200; i++ {
		e := londonClockChange()
		e.ID, e.UID, e.Slug = int64(i+1), fmt.Sprintf("00000000-0000-4000-8000-%012d", i), fmt.Sprintf("event-%d", i)
		e.StartsAt = time.Date(2026, 1, 1, 17, 0, 0, 0, time.UTC).Add(time.Duration(i) * 66 * time.Hour)
		e.EndsAt = e.StartsAt.Add(2 * time.Hour)
		e.Title = fmt.Sprintf("Weekly picket, week %d: save our library", i)
		e.Description = strings.Repeat("We meet outside the library and hand out leaflets; bring friends, signs and a flask. ", 6)
		c.Events = append(c.Events, e)
	}
	for i := range c.Events {
		c.Events[i].Kind = turnout.Kinds[i%len(turnout.Kinds)]
	}
	return c
}

// BenchmarkEncodeGroupFeed200 encodes a 200-event group feed; it reports the
// feed's size as feed-bytes. Run with
// go test ./internal/feed -run '^$' -bench EncodeGroupFeed200 -benchmem.
func BenchmarkEncodeGroupFeed200(b *testing.B) {
	c := groupFeed200()
	var size int
	for b.Loop() {
		body, err := EncodeICal(c)
		if err != nil {
			b.Fatal(err)
		}
		size = len(body)
	}
	b.ReportMetric(float64(size), "feed-bytes")
}
