-- Full-text search over live posts and topic titles (English stemming: "scans" finds "scan").
-- FTS5 tables read their text from the rows themselves (external content) and hold live text
-- only; triggers keep them in step in the same transaction as every insert, edit, redaction,
-- removal and deletion, so text that leaves the page leaves the index at once.
CREATE VIRTUAL TABLE post_search USING fts5(
    body_md, content = 'posts', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE topic_search USING fts5(
    title, content = 'topics', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts WHEN new.status = 'live' BEGIN
    INSERT INTO post_search (rowid, body_md) VALUES (new.id, new.body_md);
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF body_md, status ON posts BEGIN
    INSERT INTO post_search (post_search, rowid, body_md) SELECT 'delete', old.id, old.body_md WHERE old.status = 'live';
    INSERT INTO post_search (rowid, body_md) SELECT new.id, new.body_md WHERE new.status = 'live';
END;
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts WHEN old.status = 'live' BEGIN
    INSERT INTO post_search (post_search, rowid, body_md) VALUES ('delete', old.id, old.body_md);
END;

CREATE TRIGGER topics_search_insert AFTER INSERT ON topics WHEN new.status = 'live' BEGIN
    INSERT INTO topic_search (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER topics_search_update AFTER UPDATE OF title, status ON topics BEGIN
    INSERT INTO topic_search (topic_search, rowid, title) SELECT 'delete', old.id, old.title WHERE old.status = 'live';
    INSERT INTO topic_search (rowid, title) SELECT new.id, new.title WHERE new.status = 'live';
END;
CREATE TRIGGER topics_search_delete AFTER DELETE ON topics WHEN old.status = 'live' BEGIN
    INSERT INTO topic_search (topic_search, rowid, title) VALUES ('delete', old.id, old.title);
END;

INSERT INTO post_search (rowid, body_md) SELECT id, body_md FROM posts WHERE status = 'live';
INSERT INTO topic_search (rowid, title) SELECT id, title FROM topics WHERE status = 'live';

-- Rate limits shared by every server instance: a counter per (bucket, key) and window.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
);
