-- Foundation schema (PostgreSQL). Keep in step with ../../sqlite/<same folder>/up.sql:
-- a test compares the tables and columns the two produce.

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE site_rules (
    version INTEGER PRIMARY KEY NOT NULL,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    display_name_key TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    email_verified_at TIMESTAMP,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    rules_version INTEGER,
    rules_accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX users_recent ON users(created_at, id);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose);

CREATE TABLE groups (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    rules_md TEXT NOT NULL,
    rules_html TEXT NOT NULL,
    visibility TEXT NOT NULL,
    position INTEGER NOT NULL,
    topic_count BIGINT NOT NULL DEFAULT 0,
    post_count BIGINT NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX groups_position ON groups(position, id);

CREATE TABLE group_members (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    UNIQUE (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);
CREATE INDEX group_members_pending ON group_members(status, created_at, id);

CREATE TABLE topics (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    reply_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    last_post_at TIMESTAMP NOT NULL
);
-- The group page: live topics of one group, newest activity first.
CREATE INDEX topics_group_activity ON topics(group_id, status, last_post_at, id);

CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    topic_id BIGINT NOT NULL REFERENCES topics(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    is_opening BOOLEAN NOT NULL,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL,
    findings TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP
);
-- The topic page: live posts of one topic, oldest first.
CREATE INDEX posts_topic_order ON posts(topic_id, status, created_at, id);
CREATE INDEX posts_author ON posts(author_id, created_at, id);

CREATE TABLE post_revisions (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id),
    editor_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT,
    body_md TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions(post_id, created_at, id);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT
);
-- The worker's scan: unsent mail that is due.
CREATE INDEX outbox_due ON outbox(sent_at, failed_at, next_attempt_at, id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    detail TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_recent ON audit_log(created_at, id);
