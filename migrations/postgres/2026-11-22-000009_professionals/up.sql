-- Verified professional badges and questions for a professional.
--
-- The professions applicants choose from (admins edit the list). `badge` is how the badge names
-- it ("verified mammographer"); `regulator` is the register its members are on (HCPC, NMC or
-- GMC; empty: any of them); `hcpc_prefix` is the letters HCPC numbers of that profession begin
-- with (e.g. RA for radiographers).
CREATE TABLE professions (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    badge TEXT NOT NULL,
    regulator TEXT NOT NULL,
    hcpc_prefix TEXT NOT NULL,
    position INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX professions_position ON professions(position, id);
INSERT INTO professions (name, badge, regulator, hcpc_prefix, position, created_at) VALUES
    ('Diagnostic radiographer / mammographer', 'mammographer', 'HCPC', 'RA', 1, CURRENT_TIMESTAMP),
    ('Therapeutic radiographer', 'therapeutic radiographer', 'HCPC', 'RA', 2, CURRENT_TIMESTAMP),
    ('Breast care nurse', 'breast care nurse', 'NMC', '', 3, CURRENT_TIMESTAMP),
    ('Oncologist', 'oncologist', 'GMC', '', 4, CURRENT_TIMESTAMP),
    ('Breast surgeon', 'breast surgeon', 'GMC', '', 5, CURRENT_TIMESTAMP),
    ('GP', 'GP', 'GMC', '', 6, CURRENT_TIMESTAMP),
    ('Other registered health professional', 'health professional', '', '', 7, CURRENT_TIMESTAMP);

-- Every application and its outcome. status: pending, info (an admin asked for more),
-- approved, rejected, revoked, superseded (a later approval replaced it). A badge is an
-- approved row whose expires_at is still ahead; it comes from nothing else.
CREATE TABLE verifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    profession_id BIGINT NOT NULL REFERENCES professions(id),
    regulator TEXT NOT NULL,
    registration TEXT NOT NULL,
    workplace TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    method TEXT,
    reason TEXT,
    expires_at TIMESTAMP,
    reminded_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users(id),
    revoked_at TIMESTAMP
);
CREATE INDEX verifications_user ON verifications(user_id, status);
CREATE INDEX verifications_open ON verifications(status, created_at, id);
CREATE INDEX verifications_expiry ON verifications(status, expires_at);
-- One open application and one badge per member, whatever two requests do at once.
CREATE UNIQUE INDEX verifications_one_open ON verifications(user_id) WHERE status IN ('pending', 'info');
CREATE UNIQUE INDEX verifications_one_badge ON verifications(user_id) WHERE status = 'approved';

-- The groups an admin approved a verified clinician to read and answer in (private ones too).
CREATE TABLE clinician_groups (
    user_id BIGINT NOT NULL REFERENCES users(id),
    group_id BIGINT NOT NULL REFERENCES groups(id),
    approved_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX clinician_groups_group ON clinician_groups(group_id, user_id);

-- Groups where members may ask a question for a professional.
ALTER TABLE groups ADD COLUMN pro_questions BOOLEAN NOT NULL DEFAULT FALSE;

-- A question for a professional: when it was asked, which profession (if one), and its first
-- live answer from a verified clinician (the badge's profession is kept as it was then).
ALTER TABLE topics ADD COLUMN pro_question BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE topics ADD COLUMN asked_profession_id BIGINT REFERENCES professions(id);
ALTER TABLE topics ADD COLUMN asked_at TIMESTAMP;
ALTER TABLE topics ADD COLUMN answer_post_id BIGINT;
ALTER TABLE topics ADD COLUMN answered_profession TEXT;
ALTER TABLE topics ADD COLUMN answered_at TIMESTAMP;
ALTER TABLE topics ADD COLUMN helpful_post_id BIGINT;
CREATE INDEX topics_open_questions ON topics(asked_at, id) WHERE pro_question AND answered_at IS NULL;
CREATE INDEX topics_answered_questions ON topics(answered_at) WHERE answered_at IS NOT NULL;
CREATE INDEX topics_answer_post ON topics(answer_post_id) WHERE answer_post_id IS NOT NULL;
