-- The plan indexes of versions and updates keyed by plan alone. Keyed (plan_id, effective) and
-- (plan_id, as_of), every row of an import went into the middle of its plan's range, at the
-- place of its date; keyed by plan alone, a plan's new rows go on the end (PostgreSQL orders
-- equal keys by their place in the table). The reads by plan (batch.rs) read a plan's whole
-- history and filter the dates on the rows, which they already do for the second clock.
DROP INDEX item_versions_by_plan;
CREATE INDEX item_versions_by_plan ON item_versions(plan_id);
DROP INDEX updates_by_plan;
CREATE INDEX updates_by_plan ON updates(plan_id);
