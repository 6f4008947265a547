-- +goose Up
-- A draft that was never published carries a random suffix on its slug, so
-- that the slug another group gets for the same title and date does not
-- depend on it (see store.draftSlug). Drafts from before get one now.
UPDATE events SET slug = slug || '-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 6)
WHERE status = 'draft' AND published_at IS NULL;

-- +goose Down
-- Draft slugs keep their suffix: nothing depends on its absence.
SELECT 1;
