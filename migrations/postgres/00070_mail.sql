-- +goose Up
-- Email to supporters. The outbox holds one row per message to send, written
-- in the transaction of the change that causes it; the worker in serve renders
-- and sends it, then deletes it. Rows name the RSVP they are for, so deleting
-- or erasing an RSVP takes its mail with it.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('confirmation', 'link', 'change', 'cancel', 'promotion', 'reminder', 'message')),
    rsvp_id      BIGINT NOT NULL REFERENCES rsvps (id) ON DELETE CASCADE,
    payload      TEXT NOT NULL DEFAULT '',
    due_at       TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    failed_at    TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_due_idx ON outbox (due_at, id) WHERE failed_at IS NULL;
CREATE INDEX outbox_rsvp_idx ON outbox (rsvp_id);
-- Several edits of an event within a short window become one change alert.
CREATE UNIQUE INDEX outbox_change_key ON outbox (rsvp_id) WHERE kind = 'change';

-- Per RSVP: the token of its List-Unsubscribe link (it can only stop mail) and
-- whether the supporter asked for no more mail.
CREATE TABLE rsvp_mail (
    rsvp_id           BIGINT PRIMARY KEY REFERENCES rsvps (id) ON DELETE CASCADE,
    unsubscribe_token TEXT NOT NULL,
    unsubscribed_at   TIMESTAMPTZ
);
CREATE UNIQUE INDEX rsvp_mail_token_key ON rsvp_mail (unsubscribe_token);

-- How many messages of each kind were sent or failed for good: what stays
-- once message rows are deleted.
CREATE TABLE mail_counts (
    kind   TEXT PRIMARY KEY,
    sent   BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0
);

-- Reminders before the start: an event can turn them off, and each RSVP gets
-- each reminder (one per lead time) once.
ALTER TABLE events ADD COLUMN reminders_off BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE reminders_sent (
    rsvp_id      BIGINT NOT NULL REFERENCES rsvps (id) ON DELETE CASCADE,
    lead_seconds INTEGER NOT NULL,
    PRIMARY KEY (rsvp_id, lead_seconds)
);

-- Messages organisers wrote to the people coming: the group's log of who sent
-- what to how many (no addresses). Each recipient gets an outbox row.
CREATE TABLE organiser_messages (
    id         BIGSERIAL PRIMARY KEY,
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    statuses   TEXT NOT NULL,
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX organiser_messages_event_idx ON organiser_messages (event_id, id);

-- +goose Down
DROP TABLE organiser_messages;
DROP TABLE reminders_sent;
ALTER TABLE events DROP COLUMN reminders_off;
DROP TABLE mail_counts;
DROP TABLE rsvp_mail;
DROP TABLE outbox;
