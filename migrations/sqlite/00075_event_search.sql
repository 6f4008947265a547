-- +goose Up
-- The folded words of each event's title, summary, description, venue,
-- address and group name, written by the store (internal/store/search.go).
-- NULL until the store has filled it: Migrate fills such rows at once.
ALTER TABLE events ADD COLUMN search_text TEXT;
-- SQLite searches with LIKE, which no index serves; this index (named as
-- Postgres's search index) finds the rows still to fill.
CREATE INDEX events_search_idx ON events (id) WHERE search_text IS NULL;

-- +goose Down
DROP INDEX events_search_idx;
ALTER TABLE events DROP COLUMN search_text;
