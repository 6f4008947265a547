-- +goose Up
-- "Upcoming by start": read in (starts_at, id) order from now minus the longest
-- event, checking ends_at from the index itself.
CREATE INDEX events_upcoming_idx ON events (starts_at, id, ends_at) WHERE status <> 'draft';
CREATE INDEX events_group_upcoming_idx ON events (group_id, starts_at, id, ends_at) WHERE status <> 'draft';
CREATE INDEX events_kind_upcoming_idx ON events (kind, starts_at, id, ends_at) WHERE status <> 'draft';

-- +goose Down
DROP INDEX events_kind_upcoming_idx;
DROP INDEX events_group_upcoming_idx;
DROP INDEX events_upcoming_idx;
