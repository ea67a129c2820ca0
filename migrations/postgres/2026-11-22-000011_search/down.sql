DROP TABLE rate_limits;
DROP INDEX topics_search;
ALTER TABLE topics DROP COLUMN search;
DROP INDEX posts_search;
ALTER TABLE posts DROP COLUMN search;
