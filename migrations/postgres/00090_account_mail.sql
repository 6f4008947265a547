-- +goose Up
-- Email to organisers' accounts: password reset links, notices that a
-- password changed, and invitations sent to an address. An outbox row is now
-- for exactly one of an RSVP, an account or an invitation; deleting any of
-- them takes its mail with it.
ALTER TABLE outbox ALTER COLUMN rsvp_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN invitation_id BIGINT REFERENCES invitations (id) ON DELETE CASCADE;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('confirmation', 'link', 'change', 'cancel', 'promotion', 'reminder', 'message',
    'password_reset', 'password_changed', 'invitation'));
ALTER TABLE outbox ADD CONSTRAINT outbox_one_recipient CHECK (num_nonnulls(rsvp_id, account_id, invitation_id) = 1);
CREATE INDEX outbox_account_idx ON outbox (account_id);
CREATE INDEX outbox_invitation_idx ON outbox (invitation_id);

-- Password reset links: only the token's hash is kept; a link works once,
-- for an hour.
CREATE TABLE password_resets (
    id         BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX password_resets_token_key ON password_resets (token_hash);
CREATE INDEX password_resets_account_idx ON password_resets (account_id);

-- The address an invitation was emailed to, if any (owners see it while it
-- is pending).
ALTER TABLE invitations ADD COLUMN email TEXT;

-- +goose Down
ALTER TABLE invitations DROP COLUMN email;
DROP TABLE password_resets;
DELETE FROM outbox WHERE rsvp_id IS NULL;
DROP INDEX outbox_invitation_idx;
DROP INDEX outbox_account_idx;
ALTER TABLE outbox DROP CONSTRAINT outbox_one_recipient;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('confirmation', 'link', 'change', 'cancel', 'promotion', 'reminder', 'message'));
ALTER TABLE outbox DROP COLUMN invitation_id;
ALTER TABLE outbox DROP COLUMN account_id;
ALTER TABLE outbox ALTER COLUMN rsvp_id SET NOT NULL;
