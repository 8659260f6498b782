-- Full-text search over items (every version's reference, text, description and owners) and
-- updates. SQLite uses FTS5 with the Porter stemmer; PostgreSQL uses a tsvector column.
-- Rows are appended as versions and updates are written, so old wording stays findable.

CREATE TABLE search_docs (
    id      BIGSERIAL PRIMARY KEY,
    body    TEXT NOT NULL,
    kind    TEXT NOT NULL,    -- 'item' or 'update'
    item_id BIGINT NOT NULL REFERENCES items(id),
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    org_id  BIGINT NOT NULL REFERENCES organisations(id),
    tsv     tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_docs_by_plan ON search_docs (plan_id);

INSERT INTO search_docs (body, kind, item_id, plan_id, org_id)
SELECT COALESCE(reference, '') || ' ' || text || ' ' || COALESCE(description, '') || ' ' || owners,
       'item', item_id, plan_id, org_id
FROM item_versions;

INSERT INTO search_docs (body, kind, item_id, plan_id, org_id)
SELECT text, 'update', item_id, plan_id, org_id FROM updates;
