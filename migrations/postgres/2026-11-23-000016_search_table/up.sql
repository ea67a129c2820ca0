-- Search walks the newest matching posts until it has enough to rank (src/search.rs). Walking
-- `posts` read each post's whole row, and titles needed a second walk over `topics`. This table
-- holds only what the walk reads, a live post's id and words, with an opening post's words
-- including its topic's title (weighted A), so one narrow walk finds both: at a million posts
-- "tamoxifen" went from 22 to 3 ms and "tired chemo" from 68 to 42 (BENCHMARKS.md). It is
-- PostgreSQL's counterpart of SQLite's FTS5 tables (SQLite needs no migration here). Triggers
-- keep it in the same transaction as every insert, edit, redaction, removal and deletion of a
-- post and every change of a title: only live text is ever in it.
CREATE FUNCTION post_document(body_md TEXT, title TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english', body_md) || setweight(to_tsvector('english', COALESCE(title, '')), 'A');

CREATE TABLE post_search (
    post_id BIGINT PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
    search tsvector NOT NULL
);
INSERT INTO post_search (post_id, search)
    SELECT p.id, post_document(p.body_md, CASE WHEN p.is_opening THEN t.title END)
      FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.status = 'live';
CREATE INDEX post_search_words ON post_search USING GIN (search);
DROP INDEX posts_search;
ALTER TABLE posts DROP COLUMN search;
DROP INDEX topics_search;
ALTER TABLE topics DROP COLUMN search;

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
