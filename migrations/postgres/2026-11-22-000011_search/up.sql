-- Full-text search over live posts and topic titles (English stemming: "scans" finds "scan").
-- Generated tsvector columns hold live text only and change with the row, in the same
-- transaction as every insert, edit, redaction, removal and deletion; GIN indexes serve them.
ALTER TABLE posts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN status = 'live' THEN to_tsvector('english', body_md) END) STORED;
CREATE INDEX posts_search ON posts USING GIN (search);
ALTER TABLE topics ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN status = 'live' THEN to_tsvector('english', title) END) STORED;
CREATE INDEX topics_search ON topics USING GIN (search);

-- Rate limits shared by every server instance: a counter per (bucket, key) and window.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
);
