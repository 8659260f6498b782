-- Full-text search over items (every version's reference, text, description and owners) and
-- updates. SQLite uses FTS5 with the Porter stemmer; PostgreSQL uses a tsvector column.
-- Rows are appended as versions and updates are written, so old wording stays findable.

CREATE VIRTUAL TABLE search_docs USING fts5(
    body,
    kind UNINDEXED,    -- 'item' or 'update'
    item_id UNINDEXED,
    plan_id UNINDEXED,
    org_id UNINDEXED,
    tokenize = 'porter unicode61'
);

INSERT INTO search_docs (body, kind, item_id, plan_id, org_id)
SELECT COALESCE(reference, '') || ' ' || text || ' ' || COALESCE(description, '') || ' ' || owners,
       'item', item_id, plan_id, org_id
FROM item_versions;

INSERT INTO search_docs (body, kind, item_id, plan_id, org_id)
SELECT text, 'update', item_id, plan_id, org_id FROM updates;
