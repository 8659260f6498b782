-- The organisation's glossary (PostgreSQL): acronym -> meaning, per organisation, for the glossary at
-- the end of its reports. Waymark ships a starter list for UK policing (in the report crate);
-- this table holds only what an organisation has changed: terms it added, starter terms it
-- reworded, and starter terms it removed. Reports read the starter list with these rows over it,
-- so a term added to the starter list in a later release reaches every organisation that has not
-- removed it, and nothing is written when someone only looks at the glossary.
--
-- * Append-only, like every other history here: adding, changing or removing a term adds a row;
--   for each (org_id, term_key) the row with the highest id is in force, and the older rows say
--   who changed what and when.
-- * term_key is the term in capitals ("MOPI" for "MoPI"): one term per key, so "MoPI" and "MOPI"
--   are the same term, which is how reports find acronyms (the detector sees capitals).
-- * meaning is NULL in a row that removes the term (from the starter list too).

CREATE TABLE glossary_terms (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations(id),
    term_key   TEXT NOT NULL,  -- the term in capitals
    term       TEXT NOT NULL,  -- as the organisation writes it: "MoPI"
    meaning    TEXT,           -- NULL: removed
    entered_at TEXT NOT NULL,  -- second clock: when the row was saved
    entered_by TEXT
);
CREATE INDEX glossary_terms_by_org ON glossary_terms(org_id, term_key, id);
