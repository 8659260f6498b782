-- Files uploaded for import, kept between the preview and the confirmation so the person does
-- not upload twice, and so any server of several can confirm. Deleted once imported; the
-- token is a SHA-256 hash of the random value in the confirmation form.

CREATE TABLE pending_uploads (
    token_hash  TEXT PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    file_name   TEXT NOT NULL,
    content     BYTEA NOT NULL,
    plan_id     BIGINT REFERENCES plans(id), -- re-import target; NULL creates a new plan
    new_title   TEXT,
    new_kind    TEXT,
    created_at  TEXT NOT NULL
);
