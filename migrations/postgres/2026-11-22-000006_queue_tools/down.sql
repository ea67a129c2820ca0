ALTER TABLE posts DROP COLUMN before_decision;
DROP INDEX audit_log_group;
DROP INDEX audit_log_member;
DROP INDEX audit_log_actor;
ALTER TABLE audit_log DROP COLUMN group_id;
ALTER TABLE audit_log DROP COLUMN member_id;
DROP TABLE canned_notes;
