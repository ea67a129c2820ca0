DROP INDEX posts_opening;
DROP INDEX posts_waiting;
