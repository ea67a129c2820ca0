-- Two-step sign-in (TOTP, RFC 6238): required of staff, open to every member. The secret is the
-- shared key the authenticator app holds; totp_last_step is the last time step a code was
-- accepted for, so a code seen over someone's shoulder cannot be used again.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Consent to posts being used, anonymised, for approved research: off unless the member ticks it.
ALTER TABLE users ADD COLUMN research_consent_at TIMESTAMP;
-- A session that has passed the second step; staff powers need one.
ALTER TABLE sessions ADD COLUMN second_factor BOOLEAN NOT NULL DEFAULT false;
-- Single-use recovery codes for a lost phone; only their hashes.
CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
