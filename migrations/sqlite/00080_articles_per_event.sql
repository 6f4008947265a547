-- +goose Up
-- An article's words belong to the event that links it: one row per event and
-- URL, so no other group's edit can rewrite what an event shows. public_id is
-- the opaque id of /articles/{id} (128 random bits, not sequential).
ALTER TABLE articles RENAME TO shared_articles;
DROP INDEX articles_url_key;

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id    TEXT NOT NULL,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    published_at DATETIME,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX articles_public_id_key ON articles (public_id);
CREATE UNIQUE INDEX articles_event_url_key ON articles (event_id, url);
CREATE INDEX articles_url_idx ON articles (url);

INSERT INTO articles (public_id, event_id, position, url, title, summary, source, published_at, created_at, updated_at)
SELECT lower(hex(randomblob(16))), ea.event_id, ea.position, a.url, a.title, a.summary, a.source,
       a.published_at, a.created_at, a.updated_at
FROM event_articles ea JOIN shared_articles a ON a.id = ea.article_id;

DROP TABLE event_articles;
DROP TABLE shared_articles;

-- +goose Down
-- Back to one shared row per URL: where events gave one URL different words,
-- the earliest row's words win.
ALTER TABLE articles RENAME TO event_owned_articles;
DROP INDEX articles_public_id_key;
DROP INDEX articles_event_url_key;
DROP INDEX articles_url_idx;

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    published_at DATETIME,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX articles_url_key ON articles (url);

CREATE TABLE event_articles (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (event_id, article_id)
);
CREATE INDEX event_articles_article_idx ON event_articles (article_id);

INSERT INTO articles (url, title, summary, source, published_at, created_at, updated_at)
SELECT o.url, o.title, o.summary, o.source, o.published_at, o.created_at, o.updated_at
FROM event_owned_articles o WHERE o.id = (SELECT min(id) FROM event_owned_articles WHERE url = o.url);

INSERT INTO event_articles (event_id, article_id, position)
SELECT o.event_id, a.id, o.position FROM event_owned_articles o JOIN articles a ON a.url = o.url;

DROP TABLE event_owned_articles;
