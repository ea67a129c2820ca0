-- Urgent posts stay live unless they carry plan or method details or their group holds them
-- until a moderator has seen them; either way they lead the moderators' lane, and the first
-- moderator action on each is timed from when it became urgent (written, edited, or reported).
ALTER TABLE groups ADD COLUMN hold_urgent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE posts ADD COLUMN urgent_at TIMESTAMP;
ALTER TABLE posts ADD COLUMN first_action_at TIMESTAMP;
CREATE INDEX posts_urgent_since ON posts(urgent_at) WHERE urgent_at IS NOT NULL;
