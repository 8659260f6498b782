//! Store errors: driver errors become these in one place, so callers never see sqlx.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: i64 },
    #[error("a stored value is not valid: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Invalid(String),
    /// The data as it stands refuses the change: a unique name (an organisation's code, a
    /// person's email) another already has, a post the person no longer holds.
    #[error("{0}")]
    StateRefused(String),
    /// An edit started from a version that is no longer the latest.
    #[error("{what} {id} was changed by someone else (now at version {current})")]
    Conflict {
        what: &'static str,
        id: i64,
        current: i64,
    },
    /// The batch this write was part of could not be committed; nothing of it was stored.
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    /// As `NotCommitted`, where the batch failed because the database was busy, locked or
    /// could not be reached: trying again later may succeed.
    #[error("the write was not committed, the database being unavailable: {0}")]
    Unavailable(String),
    /// A watched write was stopped by its watch (`WriteWatch`) between batches or before its
    /// commit: the person cancelled it, or it failed. Nothing of it was stored.
    #[error("the write was stopped before it committed: {0}")]
    Stopped(String),
    /// The store's writer has stopped (the store was closed).
    #[error("the store is closed to writes")]
    WriterStopped,
    #[error("the database URL {0:?} is not sqlite: or postgres:")]
    UnsupportedUrl(String),
}

impl StoreError {
    /// True when the error names a constraint, so callers can turn it into a user message.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => db.constraint(),
            _ => None,
        }
    }
}

impl StoreError {
    /// True when the database could not write because its disk (or its size limit) is full:
    /// SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100).
    pub fn is_disk_full(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(db)) = self else {
            return false;
        };
        match db.code().as_deref() {
            Some("53100") => true,
            // SQLite reports extended codes; the primary code is the low byte.
            Some(code) => code.parse::<i64>().is_ok_and(|c| c & 0xff == 13),
            None => false,
        }
    }
}

impl StoreError {
    /// True when the database is there but cannot be had just now: SQLite busy or locked past
    /// its busy timeout, no pooled connection free in time, or a server that cannot be
    /// reached. Trying again later may succeed, so callers answer 503, not 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_),
            )
            | StoreError::Connect { .. }
            | StoreError::Unavailable(_) => true,
            StoreError::Database(sqlx::Error::Database(db)) => match db.code().as_deref() {
                // PostgreSQL's connection exceptions, and its lock timeouts and shutdowns.
                Some(code) if code.starts_with("08") || code == "55P03" || code == "57P01" => true,
                // SQLite's SQLITE_BUSY (5) and SQLITE_LOCKED (6), by primary code.
                Some(code) => code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
                None => false,
            },
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// A real SQLITE_FULL: a database held to a few pages by `max_page_count`.
    #[tokio::test]
    async fn a_full_database_is_recognised() {
        let path = std::env::temp_dir().join(format!("waymark-full-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut connection = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("open a test database");
        sqlx::query("CREATE TABLE t (b BLOB)")
            .execute(&mut connection)
            .await
            .expect("create a table");
        sqlx::query("PRAGMA max_page_count = 3")
            .execute(&mut connection)
            .await
            .expect("limit the database");
        let error = sqlx::query("INSERT INTO t (b) VALUES ($1)")
            .bind(vec![0u8; 1024 * 1024])
            .execute(&mut connection)
            .await
            .expect_err("the insert cannot fit");
        let error = StoreError::Database(error);
        assert!(error.is_disk_full(), "{error}");
        assert!(!StoreError::Invalid("no".into()).is_disk_full());
        drop(connection);
        let _ = std::fs::remove_file(&path);
    }

    /// A real SQLITE_BUSY: another connection holds the write lock and this one will not wait.
    #[tokio::test]
    async fn a_locked_database_is_unavailable_not_broken() {
        let path = std::env::temp_dir().join(format!("waymark-busy-{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut holder = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("open a test database");
        sqlx::raw_sql("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER)")
            .execute(&mut holder)
            .await
            .expect("create a table");
        sqlx::raw_sql("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
            .execute(&mut holder)
            .await
            .expect("hold the write lock");
        let mut other = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("open it again");
        sqlx::raw_sql("PRAGMA busy_timeout = 0")
            .execute(&mut other)
            .await
            .expect("no waiting");
        let error = sqlx::query("INSERT INTO t VALUES (2)")
            .execute(&mut other)
            .await
            .expect_err("the lock is held");
        let error = StoreError::Database(error);
        assert!(error.is_unavailable(), "{error}");
        assert!(!error.is_disk_full());
        assert!(!StoreError::Invalid("no".into()).is_unavailable());
        drop(other);
        drop(holder);
        let _ = std::fs::remove_file(&path);
    }
}
