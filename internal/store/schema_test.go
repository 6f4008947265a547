package store

import (
	"context"
	"sort"
	"strings"
)

// Schema describes the tables (with their sorted column names) and the
// secondary index names of a database, for comparing dialects.
type Schema struct {
	Tables  map[string][]string
	Indexes []string
}

// Schema reads the current schema's tables, columns and indexes.
func (s *Store) Schema(ctx context.Context) (*Schema, error) {
	out := &Schema{Tables: map[string][]string{}}
	db := s.db.WithContext(ctx)
	type col struct{ Table, Column string }
	var cols []col
	var idx []string
	if s.dialect == Postgres {
		if err := db.Raw(`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
			WHERE table_schema = current_schema()`).Scan(&cols).Error; err != nil {
			return nil, err
		}
		if err := db.Raw(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%\_pkey'`).Scan(&idx).Error; err != nil {
			return nil, err
		}
	} else {
		if err := db.Raw(`SELECT m.name AS "table", p.name AS "column" FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`).Scan(&cols).Error; err != nil {
			return nil, err
		}
		if err := db.Raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite\_autoindex%' ESCAPE '\'`).Scan(&idx).Error; err != nil {
			return nil, err
		}
	}
	for _, c := range cols {
		out.Tables[c.Table] = append(out.Tables[c.Table], strings.ToLower(c.Column))
	}
	for _, cs := range out.Tables {
		sort.Strings(cs)
	}
	sort.Strings(idx)
	out.Indexes = idx
	return out, nil
}
