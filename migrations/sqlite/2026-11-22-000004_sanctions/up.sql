-- Sanctions and appeals: suspended members read but do not post; banned members cannot sign
-- in; locked topics take no replies; a rejected post may be appealed once.
ALTER TABLE users ADD COLUMN suspended_until TIMESTAMP;
ALTER TABLE users ADD COLUMN sanction_reason TEXT;
ALTER TABLE users ADD COLUMN banned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE topics ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE posts ADD COLUMN appealed BOOLEAN NOT NULL DEFAULT FALSE;

-- Private notes moderators keep about a member.
CREATE TABLE member_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX member_notes_user ON member_notes(user_id, created_at, id);
