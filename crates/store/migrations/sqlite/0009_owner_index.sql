-- Which posts have owned which items, so "My actions" reads only the plans where the viewer's
-- posts own something instead of every plan of the organisation. Append-only like the history
-- it indexes: a post that once owned an item stays listed, and the page checks the owners in
-- force on the day. Post titles are stored lower-case because owners are matched without case.

CREATE TABLE item_owner_posts (
    item_id BIGINT NOT NULL REFERENCES items(id),
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    org_id  BIGINT NOT NULL REFERENCES organisations(id),
    post    TEXT NOT NULL,
    PRIMARY KEY (item_id, post)
);
CREATE INDEX item_owner_posts_by_post ON item_owner_posts(org_id, post);

INSERT OR IGNORE INTO item_owner_posts (item_id, plan_id, org_id, post)
SELECT DISTINCT v.item_id, v.plan_id, v.org_id, lower(j.value)
FROM item_versions v, json_each(v.owners) j;
