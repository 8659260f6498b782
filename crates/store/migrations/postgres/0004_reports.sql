-- Published reports (PostgreSQL): a report frozen when it was published, listed by plan and period.
--
-- * A published report is its model as JSON (every date, figure and RAG already in words) plus
--   the instant it was built with on the second clock (known_at). Re-rendering the JSON, or
--   building the report again with known_at, reads the same for ever; "what has changed since"
--   is the difference between it and a fresh report for the same day.
-- * The rendered files are kept beside it, one row per format, so a download needs no
--   typesetting and is byte-for-byte what was published.
-- * Rows are never updated or deleted: publishing again adds a new report.

CREATE TABLE published_reports (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    plan_id      BIGINT NOT NULL REFERENCES plans(id),
    period_label TEXT NOT NULL,   -- "Q2 2008-09", or "As at 8 January 2015"
    as_at        TEXT NOT NULL,   -- first clock: the day the report speaks for
    layout       TEXT NOT NULL,   -- quarterly, tracker, progress
    known_at     TEXT NOT NULL,   -- second clock: nothing entered after this is shown
    published_by TEXT,
    model_json   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX published_reports_by_plan ON published_reports(plan_id, as_at);

CREATE TABLE published_report_files (
    report_id    BIGINT NOT NULL REFERENCES published_reports(id),
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    format       TEXT NOT NULL,   -- pdf, html, docx, xlsx
    content_type TEXT NOT NULL,
    content      BYTEA NOT NULL,
    PRIMARY KEY (report_id, format)
);
