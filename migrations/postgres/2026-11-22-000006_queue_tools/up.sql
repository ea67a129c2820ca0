-- Tools for clearing the queue fast: canned notes for rejections (admins edit them), what a
-- decision replaced (so its moderator can undo it exactly), and the
-- member and group each audit row concerns, so /mod/log can be filtered by them on an index
-- (plain numbers, not foreign keys: the log outlives what it describes).
CREATE TABLE canned_notes (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO canned_notes (title, body, created_at) VALUES
    ('Personal details', 'Your post named or identified someone (or yourself) in a way others could recognise. Please take out names, numbers and places, and send it again.', CURRENT_TIMESTAMP),
    ('Tone', 'Some words in your post could hurt other members. Please say it again more gently: everyone here is going through something hard.', CURRENT_TIMESTAMP),
    ('Medical claim', 'Your post recommends a treatment that has not been shown to work. You are welcome to share your own experience, but please do not present it as a cure.', CURRENT_TIMESTAMP),
    ('Advertising', 'Posts that sell or promote products, services or fundraising need an admin''s agreement first. Please message the admins.', CURRENT_TIMESTAMP);

ALTER TABLE audit_log ADD COLUMN member_id BIGINT;
ALTER TABLE audit_log ADD COLUMN group_id BIGINT;
UPDATE audit_log SET
    member_id = (SELECT p.author_id FROM posts p WHERE p.id = audit_log.target_id),
    group_id = (SELECT t.group_id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = audit_log.target_id)
    WHERE target_type = 'post';
UPDATE audit_log SET
    member_id = (SELECT t.author_id FROM topics t WHERE t.id = audit_log.target_id),
    group_id = (SELECT t.group_id FROM topics t WHERE t.id = audit_log.target_id)
    WHERE target_type = 'topic';
UPDATE audit_log SET member_id = target_id WHERE target_type = 'user';
UPDATE audit_log SET group_id = target_id WHERE target_type = 'group';
CREATE INDEX audit_log_actor ON audit_log(actor_id, created_at, id);
CREATE INDEX audit_log_member ON audit_log(member_id, created_at, id);
CREATE INDEX audit_log_group ON audit_log(group_id, created_at, id);

ALTER TABLE posts ADD COLUMN before_decision TEXT;
