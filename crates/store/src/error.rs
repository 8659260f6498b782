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

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
