-- The choices a person made in an import's preview (the sheet, the header row, what columns
-- hold, what an indicator table's objectives are), remembered for the file's source so the
-- next upload of the same tracker is read the same way without asking again.
--
-- * A source is the organisation, the plan imported into (0 for an import as a new plan, so
--   the key needs no NULL, which a primary key cannot hold) and a fingerprint of the file's
--   sheet names and header rows: SHA-256 hex worked out by the application layer, never the
--   file's content, which changes with every version of the tracker.
-- * `corrections` is JSON written and read by the application layer, as pending_uploads'.
-- * One row a source: the latest confirmation's choices replace the earlier ones, with who
--   confirmed them and when, which the preview quotes.
CREATE TABLE import_mappings (
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    plan_key     BIGINT NOT NULL,
    fingerprint  TEXT NOT NULL,
    corrections  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    saved_by     BIGINT NOT NULL REFERENCES users(id),
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (org_id, plan_key, fingerprint)
);
