-- +goose Up
-- Administrators run the instance: they see the /admin pages. The first
-- comes from `turnout organiser add --admin` on an empty instance, others
-- from `turnout admin add`.
ALTER TABLE accounts ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE accounts DROP COLUMN is_admin;
