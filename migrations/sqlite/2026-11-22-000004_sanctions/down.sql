DROP TABLE member_notes;
ALTER TABLE posts DROP COLUMN appealed;
ALTER TABLE topics DROP COLUMN locked;
ALTER TABLE users DROP COLUMN banned;
ALTER TABLE users DROP COLUMN sanction_reason;
ALTER TABLE users DROP COLUMN suspended_until;
