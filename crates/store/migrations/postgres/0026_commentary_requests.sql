-- Commentary asked for (postgres): a plan manager asks the owners of a plan's indicators and
-- objectives for their commentary on a report period, by a date. Each ask is a row, kept: asking
-- again (a reminder, a new date) adds rows, and the newest for a subject and period is the one in
-- force. An ask is answered by the commentary itself (report_narratives), written at or after it,
-- so there is no status to keep in step.
-- * owners is the owner posts asked, as a JSON array, as they stood when asked.
-- * due is an ISO date; asked_at an instant, as elsewhere.

CREATE TABLE commentary_requests (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    plan_id      BIGINT NOT NULL REFERENCES plans(id),
    period       TEXT NOT NULL,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('indicator', 'objective')),
    subject_id   BIGINT NOT NULL,
    owners       TEXT NOT NULL,
    due          TEXT NOT NULL,
    note         TEXT,
    asked_at     TEXT NOT NULL,
    asked_by     TEXT
);
CREATE INDEX commentary_requests_by_plan ON commentary_requests(plan_id, period, id);
