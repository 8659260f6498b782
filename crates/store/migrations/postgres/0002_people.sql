-- People who sign in, their sessions, and who holds which post since when.
-- Sessions are stored as a SHA-256 hash of the cookie's token, so a copy of the database cannot
-- be used to sign in.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organisations(id),
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL, -- argon2id PHC string
    is_admin      BIGINT NOT NULL,
    created_at    TEXT NOT NULL,
    CONSTRAINT users_unique_email UNIQUE (email)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- A person holds a post from one day until another; actions stay with the post.
CREATE TABLE post_holders (
    id       BIGSERIAL PRIMARY KEY,
    org_id   BIGINT NOT NULL REFERENCES organisations(id),
    post_id  BIGINT NOT NULL REFERENCES posts(id),
    user_id  BIGINT NOT NULL REFERENCES users(id),
    since    TEXT NOT NULL,
    until    TEXT
);
CREATE INDEX post_holders_by_user ON post_holders(user_id);
CREATE INDEX post_holders_by_post ON post_holders(post_id);
