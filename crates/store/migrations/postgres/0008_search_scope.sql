-- The scope column that SQLite's full-text index needs to search one plan quickly ('p' and the
-- plan id). PostgreSQL filters by its plan_id index instead; the column keeps the insert the
-- same on both backends.
ALTER TABLE search_docs ADD COLUMN scope TEXT NOT NULL DEFAULT '';
UPDATE search_docs SET scope = 'p' || plan_id;
