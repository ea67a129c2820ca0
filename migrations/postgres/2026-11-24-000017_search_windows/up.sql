-- Search looks for the newest matches a window of post ids at a time (src/search.rs,
-- `WINDOW_BITS`). Walking `post_search` newest first costs the same for every post walked, so
-- two words that are together in 1 % of posts walked about 90 000 rows (45 ms at a million
-- posts). Each post's words now also hold a mark naming its window, '#' and the post's id
-- shifted right by 14 bits: 16 384 ids to a window. No text can make that lexeme, since the
-- parser reads '#' as a space. "words AND this window's mark" lets the GIN index skip the other
-- windows' entries, so a search reads only the windows it needs (BENCHMARKS.md has the figures).
-- ts_rank only weighs the words searched for, so the mark changes no score.
CREATE FUNCTION post_document(body_md TEXT, title TEXT, post_id BIGINT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english', body_md) || setweight(to_tsvector('english', COALESCE(title, '')), 'A')
        || array_to_tsvector(ARRAY['#' || (post_id >> 14)]);

CREATE OR REPLACE FUNCTION post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'live' THEN
        INSERT INTO post_search (post_id, search)
            VALUES (NEW.id, post_document(NEW.body_md,
                CASE WHEN NEW.is_opening THEN (SELECT title FROM topics WHERE id = NEW.topic_id) END, NEW.id))
            ON CONFLICT (post_id) DO UPDATE SET search = EXCLUDED.search;
    ELSE
        DELETE FROM post_search WHERE post_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION topic_title_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_search s SET search = post_document(p.body_md, NEW.title, p.id)
      FROM posts p WHERE p.topic_id = NEW.id AND p.is_opening AND s.post_id = p.id;
    RETURN NULL;
END
$$;

DROP FUNCTION post_document(TEXT, TEXT);

-- Skipping works when a window's rows sit together in the table, as rows appended in id order
-- do. Every row changes here, so the table is rewritten in id order (CLUSTER) and the index
-- built afresh, rather than updated a million times. From now on a page keeps a tenth of its
-- space free: an edited post's new version stays on its page, where without that room it
-- would move to the end among the newest posts, and new posts are not scattered into the
-- space an edit leaves behind.
ALTER TABLE post_search SET (fillfactor = 90);
DROP INDEX post_search_words;
UPDATE post_search SET search = search || array_to_tsvector(ARRAY['#' || (post_id >> 14)]);
CLUSTER post_search USING post_search_pkey;
CREATE INDEX post_search_words ON post_search USING GIN (search);
