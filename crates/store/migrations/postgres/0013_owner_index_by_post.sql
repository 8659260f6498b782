-- The owner index keyed the way it is read: by organisation and post, then plan and item, so
-- My actions' read is one range of the primary key (an index-only scan once vacuumed) instead
-- of a second index and the table. (item_id, post) stays unique: an item belongs to one plan of
-- one organisation.

ALTER TABLE item_owner_posts DROP CONSTRAINT item_owner_posts_pkey;
DROP INDEX item_owner_posts_by_post;
ALTER TABLE item_owner_posts ADD PRIMARY KEY (org_id, post, plan_id, item_id);
