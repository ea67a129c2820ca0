-- Who took part in each topic (wrote a post that went live): the people told of a new reply,
-- found without reading every post of a long topic. A post adds its author when it is first
-- announced (`mail::notices::post_went_live`).
CREATE TABLE topic_participants (
    topic_id BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, user_id)
);
INSERT INTO topic_participants (topic_id, user_id)
    SELECT DISTINCT topic_id, author_id FROM posts WHERE status = 'live';

-- A reply notice names its topic. While it is unread, later replies in that topic update it
-- instead of adding another notice and another email (one email per topic until the member
-- looks).
ALTER TABLE notifications ADD COLUMN topic_id BIGINT REFERENCES topics(id) ON DELETE CASCADE;
CREATE INDEX notifications_unread_topic ON notifications(topic_id, user_id) WHERE read_at IS NULL;
