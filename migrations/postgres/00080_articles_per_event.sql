-- +goose Up
-- An article's words belong to the event that links it: one row per event and
-- URL, so no other group's edit can rewrite what an event shows. public_id is
-- the opaque id of /articles/{id} (128 random bits, not sequential).
ALTER TABLE articles RENAME TO shared_articles;
ALTER TABLE shared_articles RENAME CONSTRAINT articles_pkey TO shared_articles_pkey;
ALTER INDEX articles_url_key RENAME TO shared_articles_url_key;
ALTER SEQUENCE articles_id_seq RENAME TO shared_articles_id_seq;

CREATE TABLE articles (
    id           BIGSERIAL PRIMARY KEY,
    public_id    TEXT NOT NULL,
    event_id     BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX articles_public_id_key ON articles (public_id);
CREATE UNIQUE INDEX articles_event_url_key ON articles (event_id, url);
CREATE INDEX articles_url_idx ON articles (url);

INSERT INTO articles (public_id, event_id, position, url, title, summary, source, published_at, created_at, updated_at)
SELECT replace(gen_random_uuid()::text, '-', ''), ea.event_id, ea.position, a.url, a.title, a.summary, a.source,
       a.published_at, a.created_at, a.updated_at
FROM event_articles ea JOIN shared_articles a ON a.id = ea.article_id;

DROP TABLE event_articles;
DROP TABLE shared_articles;

-- +goose Down
-- Back to one shared row per URL: where events gave one URL different words,
-- the earliest row's words win.
ALTER TABLE articles RENAME TO event_owned_articles;
ALTER TABLE event_owned_articles RENAME CONSTRAINT articles_pkey TO event_owned_articles_pkey;
ALTER SEQUENCE articles_id_seq RENAME TO event_owned_articles_id_seq;
ALTER INDEX articles_public_id_key RENAME TO event_owned_articles_public_id_key;
ALTER INDEX articles_event_url_key RENAME TO event_owned_articles_event_url_key;
ALTER INDEX articles_url_idx RENAME TO event_owned_articles_url_idx;

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

INSERT INTO articles (url, title, summary, source, published_at, created_at, updated_at)
SELECT DISTINCT ON (url) url, title, summary, source, published_at, created_at, updated_at
FROM event_owned_articles ORDER BY url, id;

INSERT INTO event_articles (event_id, article_id, position)
SELECT o.event_id, a.id, o.position FROM event_owned_articles o JOIN articles a ON a.url = o.url;

DROP TABLE event_owned_articles;
