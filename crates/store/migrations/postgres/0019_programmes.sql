-- Collaboration programmes (PostgreSQL): who takes part and on what basis they share costs, the
-- programme's costs, its projects' own facts, funding lines, savings and savings targets, and
-- the framework taxonomies its projects are tagged with (the tags themselves are the items'
-- own tags, item_versions.tags).
--
-- * Every table is append-only, like item_versions: a change is a new row, the row in force is
--   the latest entered (by id) for its key, and nothing is deleted. A funding line or saving
--   taken out is marked withdrawn, with who and when.
-- * Money is BIGINT pence. An amount not known ("xxx", "tbc") is NULL with the words written
--   kept beside it: never zero.
-- * Years are financial years held as the calendar year they start in (2009 is 2009/10).
-- * org_id is the programme plan's organisation (the lead's), as on every row; a participant
--   is another organisation named by participant_org_id, and sees the programme through the
--   plan's shares with it (plan_shares), written in the same transaction.
-- * Words (basis kind, method, status, model, recurrence, certainty, stage) are the core's
--   as_str spellings.

CREATE TABLE programme_participants (
    id                 BIGSERIAL PRIMARY KEY,
    org_id             BIGINT NOT NULL REFERENCES organisations(id),
    plan_id            BIGINT NOT NULL REFERENCES plans(id),
    participant_org_id BIGINT NOT NULL REFERENCES organisations(id),
    is_lead            BIGINT NOT NULL,  -- 0/1: the programme's lead organisation
    joined_on          TEXT,             -- NULL: from the programme's start
    left_on            TEXT,             -- the last day it took part; NULL: still does
    entered_at         TEXT NOT NULL,
    entered_by         TEXT NOT NULL
);
CREATE INDEX programme_participants_by_plan ON programme_participants(plan_id, participant_org_id, id);

CREATE TABLE programme_bases (
    id                 BIGSERIAL PRIMARY KEY,
    org_id             BIGINT NOT NULL REFERENCES organisations(id),
    plan_id            BIGINT NOT NULL REFERENCES plans(id),
    participant_org_id BIGINT NOT NULL REFERENCES organisations(id),
    year               BIGINT NOT NULL,
    kind               TEXT NOT NULL,    -- police-grant, net-revenue-expenditure, fixed-percentage
    value              BIGINT NOT NULL,  -- pence; hundredths of a percent for fixed-percentage
    as_of              TEXT,             -- the day the figure was stated
    source             TEXT NOT NULL,    -- where it comes from
    illustrative       BIGINT NOT NULL,  -- 0/1: made up for a demonstration, not a real figure
    entered_at         TEXT NOT NULL,
    entered_by         TEXT NOT NULL
);
CREATE INDEX programme_bases_by_plan ON programme_bases(plan_id, year, id);

CREATE TABLE programme_costs (
    id              BIGSERIAL PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations(id),
    plan_id         BIGINT NOT NULL REFERENCES plans(id),
    item_id         BIGINT REFERENCES items(id), -- a project's cost; NULL: the programme's own
    year            BIGINT NOT NULL,
    label           TEXT NOT NULL,               -- "Programme team"
    total           BIGINT NOT NULL,             -- pence
    method          TEXT NOT NULL,               -- proportional:<basis>, equal, fixed
    fixed_amounts   TEXT,                        -- JSON [[org id, pence], …] for fixed
    external_funder TEXT,                        -- "Home Office", paid first
    external_kind   TEXT,                        -- percent (hundredths) or amount (pence)
    external_value  BIGINT,
    entered_at      TEXT NOT NULL,
    entered_by      TEXT NOT NULL
);
CREATE INDEX programme_costs_by_plan ON programme_costs(plan_id, year, id);

CREATE TABLE programme_settings (
    id              BIGSERIAL PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations(id),
    plan_id         BIGINT NOT NULL REFERENCES plans(id),
    savings_rule    TEXT NOT NULL,  -- how realised savings are shared back
    governance      TEXT NOT NULL,  -- JSON [{"name", "meets", "members": [post, …]}, …]
    entered_at      TEXT NOT NULL,
    entered_by      TEXT NOT NULL
);
CREATE INDEX programme_settings_by_plan ON programme_settings(plan_id, id);

CREATE TABLE programme_targets (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organisations(id),
    plan_id        BIGINT NOT NULL REFERENCES plans(id),
    year           BIGINT NOT NULL,
    amount         BIGINT,           -- pence; NULL: at least the programme's own cost
    entered_at     TEXT NOT NULL,
    entered_by     TEXT NOT NULL
);
CREATE INDEX programme_targets_by_plan ON programme_targets(plan_id, year, id);

CREATE TABLE project_facts (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organisations(id),
    plan_id        BIGINT NOT NULL REFERENCES plans(id),
    item_id        BIGINT NOT NULL REFERENCES items(id),
    area           TEXT,            -- the project area as named; NULL: from the plan's tree
    status         TEXT NOT NULL,   -- proposed, current, complete, stopped
    proposed_for   TEXT,            -- the years a proposal is for, as written: "2010 to 2012"
    lead_org_id    BIGINT REFERENCES organisations(id),
    participants   TEXT,            -- JSON array of organisation ids; NULL: all participants
    model          TEXT,            -- lead-force, joint-unit, service-contract, or words
    lead_only      BIGINT NOT NULL, -- 0/1: kept to the lead, not shared
    entered_at     TEXT NOT NULL,
    entered_by     TEXT NOT NULL
);
CREATE INDEX project_facts_by_plan ON project_facts(plan_id, item_id, id);

CREATE TABLE funding_lines (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    plan_id      BIGINT NOT NULL REFERENCES plans(id),
    item_id      BIGINT REFERENCES items(id), -- NULL: the programme as a whole
    source       TEXT NOT NULL,
    year         BIGINT NOT NULL,
    amount       BIGINT,                      -- pence; NULL: not known
    written      TEXT,                        -- the cell as written
    recurrence   TEXT NOT NULL,               -- one-off, recurring
    certainty    TEXT NOT NULL,               -- secured, expected
    entered_at   TEXT NOT NULL,
    entered_by   TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT
);
CREATE INDEX funding_lines_by_plan ON funding_lines(plan_id, year);

CREATE TABLE savings (
    id            BIGSERIAL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organisations(id),
    plan_id       BIGINT NOT NULL REFERENCES plans(id),
    item_id       BIGINT REFERENCES items(id),         -- NULL: the programme as a whole
    saving_org_id BIGINT REFERENCES organisations(id), -- where it falls; NULL: across all
    kind          TEXT NOT NULL,                       -- cashable, non-cashable
    recurrence    TEXT NOT NULL,                       -- one-off, recurring
    stage         TEXT NOT NULL,                       -- planned, realised
    year          BIGINT NOT NULL,                     -- the year it first counts in
    until_year    BIGINT,                              -- a recurring saving's last year
    amount        BIGINT NOT NULL,                     -- pence a year
    entered_at    TEXT NOT NULL,
    entered_by    TEXT NOT NULL,
    withdrawn_at  TEXT,
    withdrawn_by  TEXT
);
CREATE INDEX savings_by_plan ON savings(plan_id, year);

CREATE TABLE programme_taxonomies (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations(id),
    plan_id    BIGINT NOT NULL REFERENCES plans(id),
    name       TEXT NOT NULL,   -- "APACS", "PSA", the force's own
    terms      TEXT NOT NULL,   -- JSON array of the terms, in the matrix's order
    position   BIGINT NOT NULL,
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL
);
CREATE INDEX programme_taxonomies_by_plan ON programme_taxonomies(plan_id, id);
