-- Claims (so two volunteers don't work the same held post; they expire) and escalation to admins.
ALTER TABLE posts ADD COLUMN claimed_by BIGINT REFERENCES users(id);
ALTER TABLE posts ADD COLUMN claimed_until TIMESTAMP;
ALTER TABLE posts ADD COLUMN escalated BOOLEAN NOT NULL DEFAULT FALSE;
