-- +goose Up
-- ActivityPub federation: each group is an actor that remote servers follow.

-- RSA keys of the instance actor ('instance') and of each group ('group:ID').
-- The private key is sealed with TURNOUT_SECRET_KEY (AES-256-GCM).
CREATE TABLE ap_keys (
    owner       TEXT PRIMARY KEY,
    public_pem  TEXT NOT NULL,
    sealed_priv TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Remote actors following a group: only their id and inboxes.
CREATE TABLE ap_followers (
    id           BIGSERIAL PRIMARY KEY,
    group_id     BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    actor_id     TEXT NOT NULL,
    inbox        TEXT NOT NULL,
    shared_inbox TEXT NOT NULL DEFAULT '',
    domain       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX ap_followers_actor_key ON ap_followers (group_id, actor_id);

-- Domains a group's owners have blocked.
CREATE TABLE ap_blocks (
    group_id   BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    domain     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, domain)
);

-- Groups whose owners turned federation off.
CREATE TABLE ap_groups_off (
    group_id BIGINT PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE
);

-- What followers have been told of each event: the SEQUENCE and status last
-- announced, and whether a Delete went out. No foreign key: the row outlives
-- a deleted event, which is how the Delete is found.
CREATE TABLE ap_announced (
    event_id   BIGINT PRIMARY KEY,
    group_id   BIGINT NOT NULL,
    event_uid  TEXT NOT NULL,
    sequence   INTEGER NOT NULL,
    status     TEXT NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Signed POSTs waiting to go out, one per inbox and activity.
CREATE TABLE ap_deliveries (
    id           BIGSERIAL PRIMARY KEY,
    group_id     BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    inbox        TEXT NOT NULL,
    body         TEXT NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    failed_at    TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX ap_deliveries_due_idx ON ap_deliveries (due_at, id) WHERE failed_at IS NULL;

-- +goose Down
DROP TABLE ap_deliveries;
DROP TABLE ap_announced;
DROP TABLE ap_groups_off;
DROP TABLE ap_blocks;
DROP TABLE ap_followers;
DROP TABLE ap_keys;
