-- Indexes for the paths every request of a moderator, and every search, takes (BENCHMARKS.md
-- has the figures): the count of held posts in the navigation is answered from the small set of
-- held rows alone, and a topic's opening post is found without reading its replies.
CREATE INDEX posts_waiting ON posts(urgent, escalated, topic_id) WHERE status = 'pending';
CREATE INDEX posts_opening ON posts(topic_id) WHERE is_opening;
