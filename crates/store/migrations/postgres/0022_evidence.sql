-- Evidence and closure (postgres): what shows an item was done (an uploaded file or a link),
-- and the sign-off that closes it where the plan asks for one.
--
-- * item_evidence: one row per piece of evidence. A file's bytes are kept in the row (content),
--   never under the name it was uploaded with, which is only a label (file_name). A link keeps
--   its http or https address (url). marking is the evidence's own protective marking, no
--   higher than its adder's clearance; nobody sees evidence above their ceiling. Evidence is
--   withdrawn, never deleted: withdrawn_at, withdrawn_by and withdrawn_reason are set once, and
--   the row stays in the history and the audit trail.
-- * closure_rules: a plan's rule for closing the items of one level (depth 0 is the top
--   level): whether evidence is needed, and whether a sign-off is, by a plan manager or by a
--   named board (its name and member posts, as a programme's governance names them). Append-
--   only: the newest row of (plan_id, depth) is in force.
-- * closure_requests: an owner's proposal to close an item, and the decision on it: signed off
--   or refused with a reason, with who and when. A signed-off proposal closes the item in the
--   same transaction (a new version of the item).
-- * Flags are BIGINT 0/1 (sqlx::Any cannot decode SQLite BOOLEAN; see 0001).

CREATE TABLE item_evidence (
    id               BIGSERIAL PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organisations(id),
    plan_id          BIGINT NOT NULL REFERENCES plans(id),
    item_id          BIGINT NOT NULL REFERENCES items(id),
    kind             TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    title            TEXT NOT NULL,
    url              TEXT,
    file_name        TEXT,
    content_type     TEXT,
    size_bytes       BIGINT,
    content          BYTEA,
    marking          TEXT NOT NULL,
    added_at         TEXT NOT NULL,
    added_by         TEXT,
    added_by_user    BIGINT,
    withdrawn_at     TEXT,
    withdrawn_by     TEXT,
    withdrawn_reason TEXT
);
CREATE INDEX item_evidence_by_item ON item_evidence(item_id, id);
CREATE INDEX item_evidence_by_plan ON item_evidence(plan_id, id);

CREATE TABLE closure_rules (
    id                BIGSERIAL PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organisations(id),
    plan_id           BIGINT NOT NULL REFERENCES plans(id),
    depth             BIGINT NOT NULL,
    requires_evidence BIGINT NOT NULL,
    requires_sign_off BIGINT NOT NULL,
    board_name        TEXT,
    board_members     TEXT NOT NULL,
    entered_at        TEXT NOT NULL,
    entered_by        TEXT
);
CREATE INDEX closure_rules_by_plan ON closure_rules(plan_id, depth, id);

CREATE TABLE closure_requests (
    id               BIGSERIAL PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organisations(id),
    plan_id          BIGINT NOT NULL REFERENCES plans(id),
    item_id          BIGINT NOT NULL REFERENCES items(id),
    note             TEXT,
    board_name       TEXT,
    board_members    TEXT NOT NULL,
    proposed_at      TEXT NOT NULL,
    proposed_by      TEXT,
    proposed_by_user BIGINT,
    decision         TEXT CHECK (decision IN ('signed_off', 'refused')),
    decided_at       TEXT,
    decided_by       TEXT,
    decided_by_user  BIGINT,
    decided_as       TEXT,
    reason           TEXT
);
CREATE INDEX closure_requests_by_item ON closure_requests(item_id, id);
CREATE INDEX closure_requests_by_plan ON closure_requests(plan_id, id);
