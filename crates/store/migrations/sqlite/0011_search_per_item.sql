-- One search document per item instead of one per version and one per update, so an import of
-- 100,000 rows indexes 100,000 documents rather than 200,000, and nothing but the index itself
-- is stored: the table is contentless (content = ''), and its rowid is the item's id, which is
-- all a search returns. contentless_delete lets a later change set replace an item's document.
-- A document holds each distinct wording of the item (reference, text, description, owners)
-- and the text of its updates, so a search now finds items whose words are spread across their
-- wording and updates, where it used to need them all in one version or one update.
-- The scope column keeps the 'p' || plan_id token of 0008. Rebuilt from the history; the same
-- expression is in search.rs.

DROP TABLE search_docs;

CREATE VIRTUAL TABLE search_docs USING fts5(
    body,
    scope,             -- 'p' || plan_id
    content = '',
    contentless_delete = 1,
    tokenize = 'porter unicode61'
);

INSERT INTO search_docs (rowid, body, scope)
SELECT i.id,
       COALESCE((SELECT group_concat(DISTINCT COALESCE(v.reference, '') || ' ' || v.text || ' '
                   || COALESCE(v.description, '') || ' ' || v.owners)
                 FROM item_versions v WHERE v.item_id = i.id), '') || ' ' ||
       COALESCE((SELECT group_concat(u.text, ' ') FROM updates u WHERE u.item_id = i.id), ''),
       'p' || i.plan_id
FROM items i;
