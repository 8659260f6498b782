-- Performance indicators (KPIs) and their measurements (SQLite).
--
-- * Figures are BIGINT hundredths of the indicator's unit (pence for money), as
--   waymark_core::indicator::Figure holds them, so RAG boundaries and "£2,109,747" stay exact.
-- * Words (unit, direction, measure, calendar, tolerance mode) are the core's `as_str` spellings,
--   read back with its `parse`, so the database is readable without a code table.
-- * Measurements are history, like updates: append-only, never edited. The row in force for an
--   (indicator, period) is the latest entered (entered_at, then id); a correction is a new row
--   whose supersedes_id names the row it replaces. Reads can stop the second clock at any
--   instant, so a published report keeps showing what was known when it was published.
-- * org_id on both tables, as on every row, so reads can be scoped without a join.

CREATE TABLE indicators (
    id                INTEGER PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organisations(id),
    plan_id           BIGINT NOT NULL REFERENCES plans(id),
    objective_item_id BIGINT REFERENCES items(id), -- the objective the indicator serves
    owner_post        TEXT,                        -- a post title, as items name owners
    title             TEXT NOT NULL,               -- as the plan words it
    subject           TEXT NOT NULL,               -- noun phrase sentences start with
    subject_plural    BIGINT NOT NULL,             -- 1 when the subject takes "are"
    counted_singular  TEXT,                        -- a cumulative count's noun, all three or none
    counted_plural    TEXT,
    counted_predicate TEXT,
    unit              TEXT NOT NULL,               -- percent, count, money, days, rate
    direction         TEXT NOT NULL,               -- higher is better, lower is better
    measure           TEXT NOT NULL,               -- level, cumulative, change
    calendar          TEXT NOT NULL,               -- monthly, quarterly, four-weekly
    annual_target     BIGINT,                      -- NULL is "no target": a diagnostic indicator
    baseline          BIGINT,
    minimum           BIGINT,
    stretch           BIGINT,
    profile           TEXT,                        -- NULL is linear; else a JSON array of the
                                                   -- cumulative % due by each period, in hundredths
    tolerance_mode    TEXT NOT NULL,               -- relative (% of |target|) or absolute
    tolerance_amount  BIGINT NOT NULL,             -- hundredths: 1000 is seed 004's "within 10%"
    position          BIGINT NOT NULL,             -- order within the plan
    created_at        TEXT NOT NULL,
    CONSTRAINT indicators_counted_complete CHECK (
        (counted_singular IS NULL AND counted_plural IS NULL AND counted_predicate IS NULL)
        OR (counted_singular IS NOT NULL AND counted_plural IS NOT NULL
            AND counted_predicate IS NOT NULL))
);
CREATE INDEX indicators_by_plan ON indicators(plan_id, position);

CREATE TABLE measurements (
    id                    INTEGER PRIMARY KEY,
    org_id                BIGINT NOT NULL REFERENCES organisations(id),
    indicator_id          BIGINT NOT NULL REFERENCES indicators(id),
    period                TEXT NOT NULL,   -- as core's Period prints it: "Q2 2008-09"
    actual                BIGINT,          -- NULL exactly when not yet available
    not_yet_available     BIGINT NOT NULL, -- 0/1: seed 004's "NYA", a figure still to come
    same_period_last_year BIGINT,          -- where the source states it
    entered_at            TEXT NOT NULL,   -- second clock
    entered_by            TEXT NOT NULL,
    supersedes_id         BIGINT REFERENCES measurements(id),
    CONSTRAINT measurements_actual_or_nya CHECK (
        (not_yet_available = 1 AND actual IS NULL)
        OR (not_yet_available = 0 AND actual IS NOT NULL))
);
CREATE INDEX measurements_by_indicator ON measurements(indicator_id, period, entered_at);
