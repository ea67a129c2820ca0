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
