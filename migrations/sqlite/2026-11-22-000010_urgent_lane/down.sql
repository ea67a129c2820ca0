DROP INDEX posts_urgent_since;
ALTER TABLE posts DROP COLUMN first_action_at;
ALTER TABLE posts DROP COLUMN urgent_at;
ALTER TABLE groups DROP COLUMN hold_urgent;
