-- +goose Up
-- A meeting point that only the people going see: location_visibility says
-- who sees venue, address, coordinates, online link and directions
-- ('public' or 'going'); public_area is what everyone else sees in their
-- place; reveal_at is when the people going see it (NULL: at once).
ALTER TABLE events ADD COLUMN public_area TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN directions TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN location_visibility TEXT NOT NULL DEFAULT 'public' CHECK (location_visibility IN ('public', 'going'));
ALTER TABLE events ADD COLUMN reveal_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE events DROP COLUMN reveal_at;
ALTER TABLE events DROP COLUMN location_visibility;
ALTER TABLE events DROP COLUMN directions;
ALTER TABLE events DROP COLUMN public_area;
