-- Comments (sqlite): a discussion on an item, apart from its dated progress updates.
--
-- * item_comments: one row per comment, with its author (name as it stood, and user id) and
--   when it was made. Comments are kept as written: never edited, never deleted.
-- * comment_mentions: the people and posts a comment mentions, resolved when it was made
--   against the item's organisation: a person (user_id) or a post (post, its title). label is
--   the text of the mention as written after its "@", which the comment's body shows
--   highlighted.

CREATE TABLE item_comments (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    plan_id     BIGINT NOT NULL REFERENCES plans(id),
    item_id     BIGINT NOT NULL REFERENCES items(id),
    author_name TEXT NOT NULL,
    author_user BIGINT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX item_comments_by_item ON item_comments(item_id, id);

CREATE TABLE comment_mentions (
    id         INTEGER PRIMARY KEY,
    comment_id BIGINT NOT NULL REFERENCES item_comments(id),
    org_id     BIGINT NOT NULL REFERENCES organisations(id),
    user_id    BIGINT,
    post       TEXT,
    label      TEXT NOT NULL
);
CREATE INDEX comment_mentions_by_comment ON comment_mentions(comment_id, id);
CREATE INDEX comment_mentions_by_user ON comment_mentions(org_id, user_id);
CREATE INDEX comment_mentions_by_post ON comment_mentions(org_id, post);
