-- /me/security lists a member's sessions, newest activity first, with the browser each began in.
-- Staff sessions (admins and moderators) expire sooner: the flag is set when the session starts.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN staff BOOLEAN NOT NULL DEFAULT false;
DROP INDEX sessions_user;
CREATE INDEX sessions_user_seen ON sessions(user_id, last_seen_at);
