-- Sessions end when idle as well as at their absolute end (`expires_at`): `last_seen_at` is
-- when the session was last used, noted at most once a minute so that reading a page does not
-- write. NULL for sessions started before this migration, which count from `created_at`.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;

-- Failed sign-ins, counted per key ("account:EMAIL" or "address:IP") so that a growing wait
-- holds across servers and restarts. A sign-in that succeeds clears its account's row; a row
-- whose last failure is a day old counts from nothing again and is deleted by clean-up.
CREATE TABLE sign_in_failures (
    key            TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    last_failed_at TEXT NOT NULL
);
