-- +goose Up
-- Pictures of events and groups (a poster, a banner), with their alt text.
-- Each belongs to exactly one event or one group and goes with it.
CREATE TABLE images (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   INTEGER REFERENCES events (id) ON DELETE CASCADE,
    group_id   INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    alt        TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    CHECK ((event_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX images_event_key ON images (event_id);
CREATE UNIQUE INDEX images_group_key ON images (group_id);

-- The stored sizes of a picture: re-encoded JPEG bytes, no metadata. They
-- live in the database so that every instance behind the load balancer
-- serves the same files; hash (of data) names a file in its URL.
CREATE TABLE image_files (
    image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (image_id, width)
);
CREATE INDEX image_files_hash ON image_files (hash);

-- +goose Down
DROP TABLE image_files;
DROP TABLE images;
