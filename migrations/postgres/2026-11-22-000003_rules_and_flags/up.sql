-- Admin-editable ground-rule checks, and flags on live posts (from members or from checks).

CREATE TABLE moderation_rules (
    id BIGSERIAL PRIMARY KEY,
    -- phrase | regex | shouting | links
    kind TEXT NOT NULL,
    -- the phrase or regex; for links, the allowed domains (comma-separated)
    pattern TEXT NOT NULL,
    -- block | hold | flag | censor
    action TEXT NOT NULL,
    -- the ground rule it enforces (shown to the author)
    ground_rule TEXT NOT NULL,
    message TEXT NOT NULL,
    -- comma-separated group ids; empty means every group
    group_ids TEXT NOT NULL DEFAULT '',
    newcomers_only BOOLEAN NOT NULL DEFAULT FALSE,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE flags (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id),
    -- NULL: raised by a check, not a member
    reporter_id BIGINT REFERENCES users(id),
    -- rule | personal_information | spam | safety | check
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users(id),
    outcome TEXT
);
CREATE INDEX flags_open ON flags(resolved_at, created_at, id);
CREATE INDEX flags_post ON flags(post_id, reporter_id);
