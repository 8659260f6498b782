-- Report settings (PostgreSQL): what an organisation sets about its board reports without touching
-- code: the name on the cover, a logo, who the report is from, and the words of the cover
-- paper (the meeting, title, purpose, background, recommendations, "For: Decision" or
-- "For: Information", sponsor and author).
--
-- * Append-only, like every other history here: saving adds a version; the newest version (the
--   highest id) of an organisation is in force, and older versions say who changed what when.
-- * Each version is complete, logo included, so reading the settings is one row. Logos are
--   size-limited by the web form, so the copies are small.
-- * Recommendations are a JSON array of strings, as owner posts are in item_versions.
-- * for_decision is BIGINT 0/1 (sqlx::Any cannot decode SQLite BOOLEAN; see 0001).

CREATE TABLE report_settings (
    id                BIGSERIAL PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organisations(id),
    organisation_name TEXT,           -- the name on the cover; NULL uses the organisation's own
    author            TEXT,           -- "Head of Performance and Planning"
    meeting           TEXT,           -- "Police and Crime Panel, 12 June 2026"
    paper_title       TEXT,
    purpose           TEXT,
    background        TEXT,
    recommendations   TEXT NOT NULL,  -- JSON array of strings
    for_decision      BIGINT NOT NULL,
    sponsor           TEXT,
    paper_author      TEXT,
    logo_media_type   TEXT,           -- image/png or image/svg+xml; NULL with no logo
    logo              BYTEA,
    entered_at        TEXT NOT NULL,  -- second clock: when the version was saved
    entered_by        TEXT
);
CREATE INDEX report_settings_by_org ON report_settings(org_id, id);
