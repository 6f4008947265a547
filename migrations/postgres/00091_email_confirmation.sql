-- +goose Up
-- Required email is confirmed: an RSVP to an event that requires email holds
-- its place unconfirmed until the link in its confirmation email is
-- followed. confirm_by is when an unconfirmed RSVP is released (NULL once
-- confirmed, or when no confirmation is asked); confirm_token_hash is the
-- SHA-256 of the link's token. Each event says how many hours supporters
-- have to confirm.
ALTER TABLE rsvps ADD COLUMN confirm_by TIMESTAMPTZ;
ALTER TABLE rsvps ADD COLUMN confirm_token_hash TEXT;
CREATE UNIQUE INDEX rsvps_confirm_token_key ON rsvps (confirm_token_hash) WHERE confirm_token_hash IS NOT NULL;
CREATE INDEX rsvps_confirm_by_idx ON rsvps (confirm_by) WHERE confirm_by IS NOT NULL;
ALTER TABLE events ADD COLUMN email_confirm_hours INTEGER NOT NULL DEFAULT 48 CHECK (email_confirm_hours BETWEEN 1 AND 720);

-- +goose Down
ALTER TABLE events DROP COLUMN email_confirm_hours;
DROP INDEX rsvps_confirm_by_idx;
DROP INDEX rsvps_confirm_token_key;
ALTER TABLE rsvps DROP COLUMN confirm_token_hash;
ALTER TABLE rsvps DROP COLUMN confirm_by;
