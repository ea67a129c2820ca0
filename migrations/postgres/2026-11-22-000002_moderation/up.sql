-- Moderation before content goes live: group policy, author standing, the queue, outcomes.

-- post_moderate: live unless a check holds it; newcomers: a member's first N approved posts
-- are held; all: everything is held.
ALTER TABLE groups ADD COLUMN moderation_policy TEXT NOT NULL DEFAULT 'post_moderate';
ALTER TABLE groups ADD COLUMN newcomer_posts INTEGER NOT NULL DEFAULT 3;

-- Standing: trust grows with approved posts and is lost by rejections.
ALTER TABLE users ADD COLUMN approved_posts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN rejected_posts INTEGER NOT NULL DEFAULT 0;

-- Safeguarding lane and the outcome a moderator gave.
ALTER TABLE posts ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE posts ADD COLUMN urgent_kind TEXT;
ALTER TABLE posts ADD COLUMN decided_by BIGINT REFERENCES users(id);
ALTER TABLE posts ADD COLUMN decided_at TIMESTAMP;
ALTER TABLE posts ADD COLUMN decision_rule TEXT;
ALTER TABLE posts ADD COLUMN decision_note TEXT;

-- The queue: held posts, urgent first, then oldest first.
CREATE INDEX posts_queue ON posts(status, urgent, created_at, id);

-- In-app notifications (email follows with the email work).
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts(id),
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, created_at, id);
