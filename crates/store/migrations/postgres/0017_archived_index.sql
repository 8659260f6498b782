-- The versions that archive an item, by plan: a plan manager's plan page lists the archived
-- items (to restore them) on every visit, and reads only theirs rather than every version of
-- the plan.
CREATE INDEX item_versions_archived_by_plan ON item_versions(plan_id, item_id) WHERE archived = 1;
