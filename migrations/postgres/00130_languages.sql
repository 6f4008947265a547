-- +goose Up
-- A group's default language: its group and event pages take it when a
-- visitor asks for none. Empty: the site's TURNOUT_DEFAULT_LANGUAGE.
ALTER TABLE groups ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- The language a supporter used to RSVP, for the emails they receive; it is
-- erased with the rest of the RSVP's personal data.
ALTER TABLE rsvps ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE rsvps DROP COLUMN language;
ALTER TABLE groups DROP COLUMN language;
