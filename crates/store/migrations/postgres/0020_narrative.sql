-- What people write for a report period (postgres): the executive summary of a plan's report, and
-- an owner's commentary on an indicator or an objective for the period. Reports print the
-- written text where there is some, and mark what they generate as generated.
--
-- * Append-only, like every other history here: each save adds a row (a version); for each
--   (plan_id, period, subject_kind, subject_id) the row with the highest id is in force, and
--   the older rows are its history, with who wrote each and when.
-- * period is the reporting period as Waymark writes it ("Q2 2008-09", "P6 2026-27"), so a
--   report for the period finds its text whichever page wrote it.
-- * subject_kind is 'summary' (subject_id 0), 'indicator' (an indicators.id) or 'objective'
--   (an items.id). One column for the three rather than three tables: they are read together
--   for one report, and the foreign key is checked by the application, which knows the kinds.
-- * body is NULL in a row that clears the text, so the report prints the generated text again.
-- * entered_at is the second clock: a published report shows only what had been written when
--   it was published.

CREATE TABLE report_narratives (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    plan_id      BIGINT NOT NULL REFERENCES plans(id),
    period       TEXT NOT NULL,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('summary', 'indicator', 'objective')),
    subject_id   BIGINT NOT NULL,
    body         TEXT,
    entered_at   TEXT NOT NULL,
    entered_by   TEXT
);
CREATE INDEX report_narratives_by_period
    ON report_narratives(plan_id, period, subject_kind, subject_id, id);
