CREATE FUNCTION post_document(body_md TEXT, title TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english', body_md) || setweight(to_tsvector('english', COALESCE(title, '')), 'A');

CREATE OR REPLACE FUNCTION post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION topic_title_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_search s SET search = post_document(p.body_md, NEW.title)
      FROM posts p WHERE p.topic_id = NEW.id AND p.is_opening AND s.post_id = p.id;
    RETURN NULL;
END
$$;

DROP FUNCTION post_document(TEXT, TEXT, BIGINT);

ALTER TABLE post_search RESET (fillfactor);
DROP INDEX post_search_words;
UPDATE post_search SET search = ts_delete(search, ARRAY['#' || (post_id >> 14)]);
CLUSTER post_search USING post_search_pkey;
CREATE INDEX post_search_words ON post_search USING GIN (search);
