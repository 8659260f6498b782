-- Plans whose derived indexes (their items' search documents and the owner index) are not
-- written yet. A new plan's import commits its rows without them (they are half of a large
-- import's time) and names the plan here in the same transaction; they are written straight
-- after, in a transaction of their own, by the server or the command that imported, and by
-- any read that needs them and gets there first (a search of the plan, My actions in the
-- organisation). Because the row is committed with the plan, a crash in between leaves the
-- plan listed and the next server start catches up: no read answers from a partial index.
CREATE TABLE index_backlog (
    plan_id   BIGINT PRIMARY KEY REFERENCES plans(id),
    org_id    BIGINT NOT NULL REFERENCES organisations(id),
    queued_at TEXT NOT NULL
);
