-- One admin-editable list of public helplines: their numbers are never personal information,
-- and the author of an urgent post is shown the ones that match what they wrote (kinds: a
-- comma-separated list of urgent kinds; empty means "allowed in posts, not offered").
CREATE TABLE helplines (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    note TEXT NOT NULL,
    kinds TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX helplines_position ON helplines(position, id);
INSERT INTO helplines (name, number, note, kinds, position, created_at) VALUES
    ('Emergency services', '999', 'if you or someone else is in danger right now', 'suicide,self_harm,plan_or_means,abuse,medical_emergency,someone_else', 1, CURRENT_TIMESTAMP),
    ('Samaritans', '116 123', 'free, any time, day or night', 'suicide,self_harm,plan_or_means,someone_else', 2, CURRENT_TIMESTAMP),
    ('Shout', '85258', 'text SHOUT, free, any time', 'suicide,self_harm,plan_or_means', 3, CURRENT_TIMESTAMP),
    ('NHS 111', '111', 'press option 2 for mental health', 'suicide,self_harm,plan_or_means', 4, CURRENT_TIMESTAMP),
    ('National Domestic Abuse Helpline', '0808 2000 247', 'free, 24 hours; you can also ask for a safe call-back on their website', 'abuse', 5, CURRENT_TIMESTAMP),
    ('Your chemotherapy or acute oncology 24-hour line', '', 'the number is on the alert card your hospital gave you', 'medical_emergency', 6, CURRENT_TIMESTAMP),
    ('NHS 111', '111', 'if you cannot reach your hospital line', 'medical_emergency', 7, CURRENT_TIMESTAMP),
    ('Breast Cancer Now', '0808 800 6000', 'nurses, free', '', 8, CURRENT_TIMESTAMP),
    ('Macmillan Support Line', '0808 808 00 00', 'free, every day', '', 9, CURRENT_TIMESTAMP),
    ('Emergency (mobile)', '112', '', '', 10, CURRENT_TIMESTAMP),
    ('Childline', '0800 1111', '', '', 11, CURRENT_TIMESTAMP),
    ('CALM', '0800 58 58 58', '', '', 12, CURRENT_TIMESTAMP),
    ('HOPELINE247', '0800 068 4141', '', '', 13, CURRENT_TIMESTAMP),
    ('NHS 24 (Scotland)', '0300 100 0200', '', '', 14, CURRENT_TIMESTAMP);
