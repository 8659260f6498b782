-- One search document per item instead of one per version and one per update: the tsvector and
-- its GIN index were most of PostgreSQL's import cost, and each document carried the per-row
-- overhead of a heap tuple, a GIN entry set and three foreign-key checks. A document holds each
-- distinct wording of the item (reference, text, description, owners) and the text of its
-- updates, so a search now finds items whose words are spread across their wording and updates.
-- The table is derived from item_versions and updates and rewritten by the store in the same
-- transaction as they are, so it has no foreign keys. Rebuilt from the history; the same
-- expression is in search.rs.

DROP TABLE search_docs;

CREATE TABLE search_docs (
    item_id BIGINT PRIMARY KEY,
    plan_id BIGINT NOT NULL,
    org_id  BIGINT NOT NULL,
    body    TEXT NOT NULL,
    tsv     tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_docs_by_plan ON search_docs (plan_id);

INSERT INTO search_docs (item_id, plan_id, org_id, body)
SELECT i.id, i.plan_id, i.org_id,
       COALESCE((SELECT string_agg(DISTINCT COALESCE(v.reference, '') || ' ' || v.text || ' '
                   || COALESCE(v.description, '') || ' ' || v.owners, ' ')
                 FROM item_versions v WHERE v.item_id = i.id), '') || ' ' ||
       COALESCE((SELECT string_agg(u.text, ' ') FROM updates u WHERE u.item_id = i.id), '')
FROM items i;
