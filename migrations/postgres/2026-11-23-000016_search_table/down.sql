DROP TRIGGER topic_title_search ON topics;
DROP FUNCTION topic_title_search_sync();
DROP TRIGGER post_search_update ON posts;
DROP TRIGGER post_search_insert ON posts;
DROP FUNCTION post_search_sync();
DROP TABLE post_search;
DROP FUNCTION post_document(TEXT, TEXT);
ALTER TABLE posts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN status = 'live' THEN to_tsvector('english', body_md) END) STORED;
CREATE INDEX posts_search ON posts USING GIN (search);
ALTER TABLE topics ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN status = 'live' THEN to_tsvector('english', title) END) STORED;
CREATE INDEX topics_search ON topics USING GIN (search);
