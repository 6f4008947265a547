package store

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Search: every event row carries search_text, the words of its title,
// summary, description, venue, address and group name folded to lower case
// without accents (foldWords), separated and framed by single spaces. The
// store writes it with every change to those fields. A query matches an
// event when each of its folded words starts a word of search_text:
// "zur" and "Zürich" both find "Zurich". Postgres answers through a GIN index
// on to_tsvector('simple', search_text) with prefix queries; SQLite scans
// with LIKE '% word%'. The words hold only letters and digits, so both
// engines split them the same way.

// foldExtra spells out letters that Unicode decomposition leaves whole.
var foldExtra = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
}

// foldWords returns the words of s (runs of letters and digits), lower-cased
// and without accents or other combining marks.
func foldWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent or other mark: dropped
		case foldExtra[r] != "":
			b.WriteString(foldExtra[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// searchText is the search_text of e in a group named groupName.
func searchText(e *turnout.Event, groupName string) string {
	var words []string
	e = e.Public() // a hidden meeting point must not be found by searching for it
	for _, f := range []string{e.Title, e.Summary, e.Description, e.Venue, e.Address, groupName} {
		words = append(words, foldWords(f)...)
	}
	return " " + strings.Join(words, " ") + " "
}

// writeSearchText stores the search_text of e (which must be saved) in tx.
func writeSearchText(tx *gorm.DB, e *turnout.Event, groupName string) error {
	return tx.Exec("UPDATE events SET search_text = ? WHERE id = ?", searchText(e, groupName), e.ID).Error
}

// matchWords adds one condition per word of query to q: each must start a
// word of the event's search_text.
func (s *Store) matchWords(q *gorm.DB, query string) *gorm.DB {
	for _, w := range foldWords(query) {
		if s.dialect == Postgres {
			q = q.Where("to_tsvector('simple', events.search_text) @@ to_tsquery('simple', ?)", w+":*")
		} else {
			q = q.Where(`events.search_text LIKE ? ESCAPE '\'`, "% "+escapeLike(w)+"%")
		}
	}
	return q
}

// rewriteGroupSearchText refreshes the search_text of every event of the
// group, after its name changed.
func rewriteGroupSearchText(tx *gorm.DB, groupID int64, groupName string) error {
	var events []*turnout.Event
	if err := tx.Where("group_id = ?", groupID).Find(&events).Error; err != nil {
		return err
	}
	for _, e := range events {
		if err := writeSearchText(tx, e, groupName); err != nil {
			return err
		}
	}
	return nil
}

// fillSearchText computes search_text for rows that have none (rows written
// before the column existed, or by tools that insert rows directly), in
// batches, and returns how many it filled.
func (s *Store) fillSearchText(ctx context.Context) (int, error) {
	total, last := 0, int64(0)
	for {
		var rows []struct {
			turnout.Event
			GroupName string
		}
		err := s.db.WithContext(ctx).Table("events").Select("events.*, g.name AS group_name").
			Joins("JOIN groups g ON g.id = events.group_id").
			Where("events.search_text IS NULL AND events.id > ?", last).Order("events.id").Limit(500).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return total, err
		}
		// One statement per batch: row by row, 100,000 events took minutes.
		values := make([]string, len(rows))
		args := make([]any, 0, 2*len(rows))
		for i := range rows {
			values[i] = "(CAST(? AS BIGINT), CAST(? AS TEXT))"
			args = append(args, rows[i].ID, searchText(&rows[i].Event, rows[i].GroupName))
		}
		// VALUES names its columns column1, column2 on both engines.
		err = s.db.WithContext(ctx).Exec(`UPDATE events SET search_text = v.column2 FROM (VALUES `+strings.Join(values, ", ")+
			`) AS v WHERE events.id = v.column1`, args...).Error
		if err != nil {
			return total, err
		}
		total += len(rows)
		last = rows[len(rows)-1].ID
	}
}
