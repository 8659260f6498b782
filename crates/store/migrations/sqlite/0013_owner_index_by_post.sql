-- The owner index keyed the way it is read: by organisation and post, then plan and item. My
-- actions reads it by post, and the old key (item_id, post) sent each match through the
-- (org_id, post) index and back to the table. Keyed this way and WITHOUT ROWID, a read is one
-- range of one B-tree, already in plan order, and an import writes one B-tree instead of three.
-- (item_id, post) stays unique: an item belongs to one plan of one organisation.

CREATE TABLE item_owner_posts_rekeyed (
    org_id  BIGINT NOT NULL REFERENCES organisations(id),
    post    TEXT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    item_id BIGINT NOT NULL REFERENCES items(id),
    PRIMARY KEY (org_id, post, plan_id, item_id)
) WITHOUT ROWID;

INSERT INTO item_owner_posts_rekeyed (org_id, post, plan_id, item_id)
SELECT org_id, post, plan_id, item_id FROM item_owner_posts;

DROP TABLE item_owner_posts;
ALTER TABLE item_owner_posts_rekeyed RENAME TO item_owner_posts;
