-- A plan's revision counts the change sets written to it. "As at" views of a plan are cached
-- per (plan, day) in each server and reused only while the revision read from the database is
-- unchanged, so several servers sharing one database never serve a stale plan.
ALTER TABLE plans ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
