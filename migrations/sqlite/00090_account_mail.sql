-- +goose Up
-- Email to organisers' accounts: password reset links, notices that a
-- password changed, and invitations sent to an address. An outbox row is now
-- for exactly one of an RSVP, an account or an invitation; deleting any of
-- them takes its mail with it. SQLite cannot relax NOT NULL in place, so the
-- table is rebuilt (nothing references it).
CREATE TABLE outbox_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL CHECK (kind IN ('confirmation', 'link', 'change', 'cancel', 'promotion', 'reminder', 'message',
        'password_reset', 'password_changed', 'invitation')),
    rsvp_id       INTEGER REFERENCES rsvps (id) ON DELETE CASCADE,
    payload       TEXT NOT NULL DEFAULT '',
    due_at        DATETIME NOT NULL,
    locked_until  DATETIME,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    failed_at     DATETIME,
    created_at    DATETIME NOT NULL,
    account_id    INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    invitation_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
    CHECK ((rsvp_id IS NOT NULL) + (account_id IS NOT NULL) + (invitation_id IS NOT NULL) = 1)
);
INSERT INTO outbox_new (id, kind, rsvp_id, payload, due_at, locked_until, attempts, last_error, failed_at, created_at)
    SELECT id, kind, rsvp_id, payload, due_at, locked_until, attempts, last_error, failed_at, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due_idx ON outbox (due_at, id) WHERE failed_at IS NULL;
CREATE INDEX outbox_rsvp_idx ON outbox (rsvp_id);
CREATE UNIQUE INDEX outbox_change_key ON outbox (rsvp_id) WHERE kind = 'change';
CREATE INDEX outbox_account_idx ON outbox (account_id);
CREATE INDEX outbox_invitation_idx ON outbox (invitation_id);

-- Password reset links: only the token's hash is kept; a link works once,
-- for an hour.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX password_resets_token_key ON password_resets (token_hash);
CREATE INDEX password_resets_account_idx ON password_resets (account_id);

-- The address an invitation was emailed to, if any (owners see it while it
-- is pending).
ALTER TABLE invitations ADD COLUMN email TEXT;

-- +goose Down
ALTER TABLE invitations DROP COLUMN email;
DROP TABLE password_resets;
CREATE TABLE outbox_old (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('confirmation', 'link', 'change', 'cancel', 'promotion', 'reminder', 'message')),
    rsvp_id      INTEGER NOT NULL REFERENCES rsvps (id) ON DELETE CASCADE,
    payload      TEXT NOT NULL DEFAULT '',
    due_at       DATETIME NOT NULL,
    locked_until DATETIME,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    failed_at    DATETIME,
    created_at   DATETIME NOT NULL
);
INSERT INTO outbox_old (id, kind, rsvp_id, payload, due_at, locked_until, attempts, last_error, failed_at, created_at)
    SELECT id, kind, rsvp_id, payload, due_at, locked_until, attempts, last_error, failed_at, created_at FROM outbox WHERE rsvp_id IS NOT NULL;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due_idx ON outbox (due_at, id) WHERE failed_at IS NULL;
CREATE INDEX outbox_rsvp_idx ON outbox (rsvp_id);
CREATE UNIQUE INDEX outbox_change_key ON outbox (rsvp_id) WHERE kind = 'change';
