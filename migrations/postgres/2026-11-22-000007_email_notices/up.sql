-- Email notifications members control: per-group watch levels, a digest, a single "no email"
-- switch, excerpts only by choice; moderators' queue alerts at most hourly and a daily summary.
-- Outbox rows may carry an HTML alternative and a one-click unsubscribe address (RFC 8058).
ALTER TABLE outbox ADD COLUMN body_html TEXT;
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
-- A moderator's decision is emailed after the undo window, and an undo withdraws it.
ALTER TABLE outbox ADD COLUMN decision_post_id BIGINT;
CREATE INDEX outbox_decision ON outbox(decision_post_id);
CREATE INDEX outbox_failed ON outbox(failed_at, id);

ALTER TABLE users ADD COLUMN email_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN email_excerpts BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN digest TEXT NOT NULL DEFAULT 'none';
ALTER TABLE users ADD COLUMN digest_sent_at TIMESTAMP;
ALTER TABLE users ADD COLUMN queue_alert_at TIMESTAMP;
ALTER TABLE users ADD COLUMN queue_summary_at TIMESTAMP;

-- No row means "mine": replies in topics the member started or joined.
CREATE TABLE group_watches (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX group_watches_group ON group_watches(group_id, level, user_id);

-- When a post's followers were told it went live (they are told once).
ALTER TABLE posts ADD COLUMN announced_at TIMESTAMP;
