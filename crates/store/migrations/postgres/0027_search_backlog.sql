-- Items whose search documents are behind their progress updates: filled only by SQLite's
-- group-commit writer (see the sqlite migration of the same number); on PostgreSQL every write
-- rebuilds its items' documents in its own transaction, and this table stays empty. Kept so
-- that the two schemas, and their migration numbers, stay in step.
CREATE TABLE search_backlog (
    item_id BIGINT PRIMARY KEY
);
