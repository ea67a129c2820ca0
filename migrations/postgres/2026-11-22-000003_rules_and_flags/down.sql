DROP TABLE flags;
DROP TABLE moderation_rules;
