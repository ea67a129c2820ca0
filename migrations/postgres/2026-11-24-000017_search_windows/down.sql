DROP TRIGGER topic_search ON topics;
DROP FUNCTION topic_search_sync();
DROP TRIGGER post_search_update ON posts;
DROP TRIGGER post_search_insert ON posts;
DROP FUNCTION post_search_sync();
DROP FUNCTION post_document(TEXT, TEXT, BIGINT);

CREATE FUNCTION post_document(body_md TEXT, title TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english', body_md) || setweight(to_tsvector('english', COALESCE(title, '')), 'A');

DROP INDEX post_search_words;
TRUNCATE post_search;
ALTER TABLE post_search DROP COLUMN group_id;
ALTER TABLE post_search RESET (fillfactor);
INSERT INTO post_search (post_id, search)
    SELECT p.id, post_document(p.body_md, CASE WHEN p.is_opening THEN t.title END)
      FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.status = 'live';
CREATE INDEX post_search_words ON post_search USING GIN (search);

CREATE FUNCTION post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'live' THEN
        INSERT INTO post_search (post_id, search)
            VALUES (NEW.id, post_document(NEW.body_md,
                CASE WHEN NEW.is_opening THEN (SELECT title FROM topics WHERE id = NEW.topic_id) END))
            ON CONFLICT (post_id) DO UPDATE SET search = EXCLUDED.search;
    ELSE
        DELETE FROM post_search WHERE post_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER post_search_insert AFTER INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION post_search_sync();
CREATE TRIGGER post_search_update AFTER UPDATE OF status, body_md ON posts
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.body_md IS DISTINCT FROM NEW.body_md)
    EXECUTE FUNCTION post_search_sync();

CREATE FUNCTION topic_title_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_search s SET search = post_document(p.body_md, NEW.title)
      FROM posts p WHERE p.topic_id = NEW.id AND p.is_opening AND s.post_id = p.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER topic_title_search AFTER UPDATE OF title ON topics
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION topic_title_search_sync();
