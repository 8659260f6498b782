-- Waymark core schema (PostgreSQL). Applied migrations are never edited; add a new file instead.
--
-- Choices that hold across the schema:
-- * Every row carries org_id so that every read can be scoped to an organisation, and partner
--   access can later be granted row by row.
-- * Dates are ISO 'YYYY-MM-DD' TEXT and instants are ISO 'YYYY-MM-DDTHH:MM:SS.ffffffZ' TEXT:
--   they sort as text, read the same on SQLite and PostgreSQL, and decode through sqlx::Any.
-- * Booleans are BIGINT 0/1 and ids BIGINT, because sqlx::Any cannot decode SQLite BOOLEAN.
-- * History is append-only: items hold identity only; every change is a row of item_versions;
--   updates are never edited (a correction is a new row with supersedes_id).

CREATE TABLE organisations (
    id              BIGSERIAL PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    grant_share_ppm BIGINT,
    created_at      TEXT NOT NULL
);

CREATE TABLE plans (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    period       TEXT,
    level_names  TEXT NOT NULL, -- JSON array of strings, top level first
    owner_posts  TEXT NOT NULL, -- JSON array of strings
    source       TEXT,
    update_cycle TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX plans_by_org ON plans(org_id);

CREATE TABLE posts (
    id     BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    title  TEXT NOT NULL,
    CONSTRAINT posts_unique_title UNIQUE (org_id, title)
);

-- Identity of an item; everything that can change lives in item_versions.
CREATE TABLE items (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations(id),
    plan_id    BIGINT NOT NULL REFERENCES plans(id),
    created_at TEXT NOT NULL
);
CREATE INDEX items_by_plan ON items(plan_id);

CREATE TABLE item_versions (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organisations(id),
    plan_id        BIGINT NOT NULL REFERENCES plans(id),
    item_id        BIGINT NOT NULL REFERENCES items(id),
    effective      TEXT NOT NULL, -- first clock: the day the change takes effect
    entered_at     TEXT NOT NULL, -- second clock: when it was written
    author         TEXT,
    reason         TEXT,
    parent_id      BIGINT REFERENCES items(id),
    position       BIGINT NOT NULL,
    reference      TEXT,
    text           TEXT NOT NULL,
    description    TEXT,
    strategic_lead TEXT,
    owners         TEXT NOT NULL, -- JSON array of post titles
    start_date     TEXT,
    start_written  TEXT,          -- the user's words for a vague date
    due_date       TEXT,
    due_written    TEXT,
    complete       BIGINT NOT NULL,
    completed_on   TEXT,
    rag            TEXT,
    tags           TEXT NOT NULL, -- JSON array of [taxonomy, value]
    marking        TEXT
);
CREATE INDEX item_versions_by_plan ON item_versions(plan_id, effective);
CREATE INDEX item_versions_by_item ON item_versions(item_id, effective, entered_at);

CREATE TABLE updates (
    id            BIGSERIAL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organisations(id),
    plan_id       BIGINT NOT NULL REFERENCES plans(id),
    item_id       BIGINT NOT NULL REFERENCES items(id),
    as_of         TEXT NOT NULL,
    entered_at    TEXT NOT NULL,
    author_person TEXT,
    author_post   TEXT,
    text          TEXT NOT NULL,
    proposed_rag  TEXT,
    supersedes_id BIGINT REFERENCES updates(id)
);
CREATE INDEX updates_by_plan ON updates(plan_id, as_of);
CREATE INDEX updates_by_item ON updates(item_id, as_of);
