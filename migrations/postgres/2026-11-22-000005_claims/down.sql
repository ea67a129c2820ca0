ALTER TABLE posts DROP COLUMN escalated;
ALTER TABLE posts DROP COLUMN claimed_until;
ALTER TABLE posts DROP COLUMN claimed_by;
