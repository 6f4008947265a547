-- +goose Up
-- Waitlist order lives in its own column instead of the primary key, so that an
-- RSVP that joins the end of the waitlist again keeps its id and history.
-- Larger joined later; existing RSVPs keep the order their ids gave them.
ALTER TABLE rsvps ADD COLUMN queue_order BIGINT NOT NULL DEFAULT 0;
UPDATE rsvps SET queue_order = id;
CREATE INDEX rsvps_event_queue_idx ON rsvps (event_id, status, queue_order);

-- +goose Down
DROP INDEX rsvps_event_queue_idx;
ALTER TABLE rsvps DROP COLUMN queue_order;
