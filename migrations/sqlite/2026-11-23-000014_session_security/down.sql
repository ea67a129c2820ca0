DROP INDEX sessions_user_seen;
CREATE INDEX sessions_user ON sessions(user_id);
ALTER TABLE sessions DROP COLUMN staff;
ALTER TABLE sessions DROP COLUMN user_agent;
