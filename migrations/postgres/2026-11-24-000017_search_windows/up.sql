-- Two changes to `post_search` (migration 000016) so a search reads less (src/search.rs):
--
-- Windows. Walking `post_search` newest first costs the same for every post walked, so two
-- words together in 1 % of posts walked about 90 000 rows at a million posts. Each post's words
-- now also hold a mark naming its window of ids: '#' and the id shifted right by 14 bits, 16 384
-- ids to a window. No text can make that lexeme, since the parser reads '#' as a space. "The
-- words AND this window's mark" lets the GIN index skip every other window, so a search reads
-- only the windows it needs. ts_rank weighs only the words searched for: the mark changes no
-- score. Skipping works best when a window's rows sit together in the table, as rows appended
-- in id order do, so the table is rebuilt in id order here, and pages keep a tenth of their
-- space free so that an edited post's new version can stay on its page. Space that removals
-- free can still take new posts, and a topic removed and restored comes back at the end, so
-- the rows loosen over time: results stay right (they are ordered by id), the skipping does
-- less, and rebuilding the table (CLUSTER post_search USING post_search_pkey) tightens it.
--
-- Visibility. A row is kept only while both its post and its topic are live, and holds its
-- topic's group, so finding candidates joins nothing. Triggers keep all of it in the same
-- transaction as the post or topic. Figures are in BENCHMARKS.md.
CREATE FUNCTION post_document(body_md TEXT, title TEXT, post_id BIGINT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english', body_md) || setweight(to_tsvector('english', COALESCE(title, '')), 'A')
        || array_to_tsvector(ARRAY['#' || (post_id >> 14)]);

DROP TRIGGER topic_title_search ON topics;
DROP FUNCTION topic_title_search_sync();
DROP TRIGGER post_search_update ON posts;
DROP TRIGGER post_search_insert ON posts;
DROP FUNCTION post_search_sync();
DROP FUNCTION post_document(TEXT, TEXT);

DROP INDEX post_search_words;
TRUNCATE post_search;
ALTER TABLE post_search ADD COLUMN group_id BIGINT NOT NULL;
ALTER TABLE post_search SET (fillfactor = 90);
INSERT INTO post_search (post_id, group_id, search)
    SELECT p.id, t.group_id,
           post_document(p.body_md, CASE WHEN p.is_opening THEN t.title END, p.id)
      FROM posts p JOIN topics t ON t.id = p.topic_id
     WHERE p.status = 'live' AND t.status = 'live'
     ORDER BY p.id;
-- New entries go straight into the index. GIN's default pending list (up to 4 MB) is read
-- in full by every index scan, and a search scans the index once per window: at a million
-- posts, with the list left full by the seed, search p95 was 170 ms rather than about 40.
CREATE INDEX post_search_words ON post_search USING GIN (search) WITH (fastupdate = off);

-- A post: in while it and its topic are live.
CREATE FUNCTION post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    topic topics%ROWTYPE;
BEGIN
    -- Locked, so a topic's status cannot change between this check and the commit: a reply
    -- racing the removal of its topic would otherwise stay searchable.
    SELECT * INTO topic FROM topics WHERE id = NEW.topic_id FOR NO KEY UPDATE;
    IF NEW.status = 'live' AND topic.status = 'live' THEN
        INSERT INTO post_search (post_id, group_id, search)
            VALUES (NEW.id, topic.group_id,
                    post_document(NEW.body_md, CASE WHEN NEW.is_opening THEN topic.title END, NEW.id))
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

-- A topic: a new title changes its opening post's words; a new status or group, all its posts'.
CREATE FUNCTION topic_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IS DISTINCT FROM NEW.status OR OLD.group_id IS DISTINCT FROM NEW.group_id THEN
        DELETE FROM post_search s USING posts p WHERE p.topic_id = NEW.id AND s.post_id = p.id;
        IF NEW.status = 'live' THEN
            INSERT INTO post_search (post_id, group_id, search)
                SELECT p.id, NEW.group_id,
                       post_document(p.body_md, CASE WHEN p.is_opening THEN NEW.title END, p.id)
                  FROM posts p WHERE p.topic_id = NEW.id AND p.status = 'live';
        END IF;
    ELSE
        UPDATE post_search s SET search = post_document(p.body_md, NEW.title, p.id)
          FROM posts p WHERE p.topic_id = NEW.id AND p.is_opening AND s.post_id = p.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER topic_search AFTER UPDATE OF title, status, group_id ON topics
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.group_id IS DISTINCT FROM NEW.group_id)
    EXECUTE FUNCTION topic_search_sync();
