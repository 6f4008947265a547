-- +goose Up
CREATE TABLE groups (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    website       TEXT NOT NULL DEFAULT '',
    timezone      TEXT NOT NULL DEFAULT 'UTC',
    contact_email TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX groups_slug_key ON groups (slug);

CREATE TABLE accounts (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
-- Emails are stored lower-cased; the index makes them unique case-insensitively.
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));

CREATE TABLE memberships (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_id   BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'organiser')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, group_id)
);
CREATE INDEX memberships_group_idx ON memberships (group_id);

CREATE TABLE events (
    id             BIGSERIAL PRIMARY KEY,
    uid            TEXT NOT NULL,
    group_id       BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    slug           TEXT NOT NULL,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('protest', 'march', 'rally', 'die-in', 'vigil', 'picket', 'meeting', 'other')),
    summary        TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL,
    timezone       TEXT NOT NULL,
    venue          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    latitude       DOUBLE PRECISION,
    longitude      DOUBLE PRECISION,
    online_url     TEXT NOT NULL DEFAULT '',
    accessibility  TEXT NOT NULL DEFAULT '',
    capacity       INTEGER CHECK (capacity > 0),
    max_guests     INTEGER NOT NULL DEFAULT 5 CHECK (max_guests >= 0),
    require_email  BOOLEAN NOT NULL DEFAULT FALSE,
    rsvp_closes_at TIMESTAMPTZ,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    cancelled_at   TIMESTAMPTZ,
    cancel_reason  TEXT NOT NULL DEFAULT '',
    sequence       INTEGER NOT NULL DEFAULT 0,
    going_count    INTEGER NOT NULL DEFAULT 0 CHECK (going_count >= 0),
    published_at   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (capacity IS NULL OR going_count <= capacity)
);
CREATE UNIQUE INDEX events_uid_key ON events (uid);
CREATE UNIQUE INDEX events_slug_key ON events (slug);
CREATE INDEX events_listed_starts_idx ON events (ends_at, starts_at) WHERE status <> 'draft';
CREATE INDEX events_group_starts_idx ON events (group_id, ends_at, starts_at) WHERE status <> 'draft';
CREATE INDEX events_kind_starts_idx ON events (kind, ends_at, starts_at) WHERE status <> 'draft';

CREATE TABLE articles (
    id           BIGSERIAL PRIMARY KEY,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX articles_url_key ON articles (url);

CREATE TABLE event_articles (
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (event_id, article_id)
);
CREATE INDEX event_articles_article_idx ON event_articles (article_id);

CREATE TABLE rsvps (
    id                BIGSERIAL PRIMARY KEY,
    event_id          BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    email             TEXT,
    status            TEXT NOT NULL CHECK (status IN ('going', 'waitlisted', 'maybe', 'not_going')),
    guests            INTEGER NOT NULL DEFAULT 0 CHECK (guests >= 0),
    manage_token_hash TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    checked_in_at     TIMESTAMPTZ,
    purged_at         TIMESTAMPTZ
);
CREATE INDEX rsvps_event_status_idx ON rsvps (event_id, status, id);
CREATE UNIQUE INDEX rsvps_manage_token_key ON rsvps (manage_token_hash);
CREATE UNIQUE INDEX rsvps_event_email_key ON rsvps (event_id, email) WHERE email IS NOT NULL;

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE invitations (
    id         BIGSERIAL PRIMARY KEY,
    group_id   BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'organiser')),
    created_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX invitations_token_key ON invitations (token_hash);

-- Fixed-window counters shared by every instance: RSVP and login throttling.
CREATE TABLE rate_limits (
    key          TEXT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- One row per feed scope ('site', 'group:ID', 'event:ID'), bumped in the same
-- transaction as any change to an event in that scope, so that cached feed
-- bodies can be keyed by it on every instance.
CREATE TABLE feed_versions (
    scope      TEXT PRIMARY KEY,
    version    BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE feed_versions;
DROP TABLE rate_limits;
DROP TABLE invitations;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE rsvps;
DROP TABLE event_articles;
DROP TABLE articles;
DROP TABLE events;
DROP TABLE memberships;
DROP TABLE accounts;
DROP TABLE groups;
