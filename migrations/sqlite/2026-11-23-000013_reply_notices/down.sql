DROP INDEX notifications_unread_topic;
ALTER TABLE notifications DROP COLUMN topic_id;
DROP TABLE topic_participants;
