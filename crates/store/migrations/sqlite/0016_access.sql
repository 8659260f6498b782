-- Who may see and do what (SQLite): roles, partner organisations and the plans shared with
-- them, protective markings, archiving, API tokens, report versions and the audit trail.
--
-- * Roles are rows, not a flag: a person may hold a role for the whole organisation and a
--   stronger one narrowed to one plan (plan_id). users.is_admin stays for older readers but
--   user_roles is what is checked; existing administrators become administrators and everyone
--   else a contributor (the only thing a non-administrator could do before was update the
--   actions their posts own).
-- * clearance is the most sensitive marking a person may see.
-- * A share is revoked, never deleted, so who could see what, and when, is kept.
-- * Markings are the core's labels ("OFFICIAL-SENSITIVE PERSONAL"). An item's own marking is
--   item_versions.marking, versioned like every field; a plan's is plans.marking.
-- * Archiving is a version too (item_versions.archived): the item leaves the plan from that
--   day and its history stays.
-- * The audit trail is append-only and has no foreign keys, so nothing it names can make it
--   lose a row; detail is JSON ({"before": …, "after": …} or counts). Plan data's history stays
--   in item_versions and updates; an audit row points at it by plan and item.
-- * API tokens are stored as SHA-256 hashes, like sessions.

ALTER TABLE organisations ADD COLUMN kind TEXT NOT NULL DEFAULT 'force';
ALTER TABLE users ADD COLUMN clearance TEXT NOT NULL DEFAULT 'OFFICIAL-SENSITIVE';

CREATE TABLE user_roles (
    id         INTEGER PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,          -- admin, manager, contributor, viewer
    plan_id    BIGINT REFERENCES plans(id), -- NULL: every plan of the organisation
    granted_at TEXT NOT NULL,
    granted_by TEXT
);
CREATE INDEX user_roles_by_user ON user_roles(user_id);
INSERT INTO user_roles (org_id, user_id, role, plan_id, granted_at, granted_by)
    SELECT org_id, id, CASE WHEN is_admin = 1 THEN 'admin' ELSE 'contributor' END, NULL,
           created_at, 'migration 0016'
    FROM users;

ALTER TABLE plans ADD COLUMN marking TEXT NOT NULL DEFAULT 'OFFICIAL';
ALTER TABLE plans ADD COLUMN archived_at TEXT;
-- Counts edits of the plan's own fields (title, levels, marking), for the version an edit
-- form started from.
ALTER TABLE plans ADD COLUMN edit_version BIGINT NOT NULL DEFAULT 1;

ALTER TABLE item_versions ADD COLUMN archived BIGINT NOT NULL DEFAULT 0;

CREATE TABLE plan_shares (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organisations(id), -- the plan's organisation
    plan_id       BIGINT NOT NULL REFERENCES plans(id),
    with_org_id   BIGINT NOT NULL REFERENCES organisations(id),
    access        TEXT NOT NULL,  -- read, contribute
    ceiling       TEXT NOT NULL,  -- OFFICIAL, OFFICIAL-SENSITIVE
    items         TEXT,           -- JSON array of item ids shared with their subtrees; NULL: all
    created_at    TEXT NOT NULL,
    created_by    TEXT,
    revoked_at    TEXT,
    revoked_by    TEXT,
    revoke_reason TEXT
);
CREATE INDEX plan_shares_by_partner ON plan_shares(with_org_id);
CREATE INDEX plan_shares_by_plan ON plan_shares(plan_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);

-- A correction of a figure says why.
ALTER TABLE measurements ADD COLUMN reason TEXT;

-- A second publication for the same period and layout is the next version of it; a report is
-- withdrawn with a reason, never deleted.
ALTER TABLE published_reports ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE published_reports ADD COLUMN marking TEXT NOT NULL DEFAULT 'OFFICIAL';
ALTER TABLE published_reports ADD COLUMN withdrawn_at TEXT;
ALTER TABLE published_reports ADD COLUMN withdrawn_by TEXT;
ALTER TABLE published_reports ADD COLUMN withdraw_reason TEXT;

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    org_id     BIGINT,         -- the organisation whose data it concerns; NULL: the system
    user_id    BIGINT,         -- who, where a person; NULL for the command line
    actor      TEXT NOT NULL,  -- who, in words: "Ada Admin (ada@force.example)"
    address    TEXT,           -- the client's address, for web and API requests
    action     TEXT NOT NULL,  -- "item.edit", "sign_in.failed", "share.create", …
    plan_id    BIGINT,
    item_id    BIGINT,
    subject    TEXT,           -- what, in words: the item's reference and text, the person
    detail     TEXT            -- JSON: before and after, or counts
);
CREATE INDEX audit_events_by_org ON audit_events(org_id, at);
CREATE INDEX audit_events_by_plan ON audit_events(plan_id, at);
