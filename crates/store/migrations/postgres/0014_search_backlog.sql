-- Plans whose items have no search documents yet. A new plan's import commits its rows without
-- them (the index is a third of a large import's time) and names the plan here in the same
-- transaction; the documents are written straight after, in a transaction of their own, by the
-- server or the command that imported, and by any search of the plan that gets there first.
-- Because the row is committed with the plan, a crash in between leaves the plan listed, and
-- the next server start or search catches up: a search never answers from a partial index.
CREATE TABLE search_backlog (
    plan_id   BIGINT PRIMARY KEY REFERENCES plans(id),
    org_id    BIGINT NOT NULL REFERENCES organisations(id),
    queued_at TEXT NOT NULL
);
