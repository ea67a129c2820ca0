DROP TABLE topic_participants;
