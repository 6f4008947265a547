-- +goose Up
-- A change alert's revision rises with every edit that pushes it back, so
-- that a worker which sent the alert while an edit came in leaves it queued
-- (from what it just told) instead of deleting it with the edit unannounced.
ALTER TABLE outbox ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE outbox DROP COLUMN revision;
