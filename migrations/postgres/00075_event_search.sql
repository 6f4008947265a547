-- +goose Up
-- The folded words of each event's title, summary, description, venue,
-- address and group name, written by the store (internal/store/search.go).
-- NULL until the store has filled it: Migrate fills such rows at once.
ALTER TABLE events ADD COLUMN search_text TEXT;
-- Word-prefix search with to_tsquery('simple', 'word:*'); the 'simple'
-- configuration needs no extension and keeps every word (no stop words).
CREATE INDEX events_search_idx ON events USING gin (to_tsvector('simple', search_text));

-- +goose Down
DROP INDEX events_search_idx;
ALTER TABLE events DROP COLUMN search_text;
