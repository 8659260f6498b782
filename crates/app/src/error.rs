//! What a use case can fail with. Each variant is one answer a page, the API or the CLI gives;
//! causes are kept (`#[source]`), never flattened into strings, so the edge logs the real
//! cause once and shows the person a plain message. A store failure is never reported as a
//! problem with the person's file, and a file's problem never as an internal error.

use waymark_io::ImportError;
use waymark_report::ReportError;
use waymark_store::StoreError;

/// One mistake in what someone entered: the field (as forms and the API name it) and the
/// message for the GOV.UK error summary.
pub type FieldError = (String, String);

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or the person may not know it does.
    #[error("not found")]
    NotFound,
    /// The thing does not exist (as the store says: "plan 99 was not found"). Pages and the
    /// API answer it exactly as `NotFound`, so nobody learns more from it than from that.
    #[error("{what} {id} was not found")]
    Missing { what: &'static str, id: i64 },
    /// The person may see the thing but not do this to it.
    #[error("you do not have permission to do that")]
    Forbidden,
    /// What was entered is wrong, field by field.
    #[error("there is a problem with what you entered")]
    Invalid(Vec<FieldError>),
    /// What was asked is well formed, but the thing's present state refuses it: the plan is
    /// archived, the share already revoked, the code taken. The API answers 409; pages show
    /// the messages as they show `Invalid`'s.
    #[error("{}", .0.first().map(|(_, message)| message.as_str()).unwrap_or("refused"))]
    State(Vec<FieldError>),
    /// A field names a thing that is not there (a parent item, a post, a person, an
    /// organisation's code), or not one the actor may see. The API answers 404 with the field
    /// named; pages show the message as they show `Invalid`'s.
    #[error("{}", .0.first().map(|(_, message)| message.as_str()).unwrap_or("not found"))]
    Unknown(Vec<FieldError>),
    /// The person may do this, but not with this value or to this one: a marking above their
    /// clearance, signing off a closure they proposed. The API answers 403 with the field
    /// named; pages show the message as they show `Invalid`'s.
    #[error("{}", .0.first().map(|(_, message)| message.as_str()).unwrap_or("not permitted"))]
    NotPermitted(Vec<FieldError>),
    /// Someone else changed the thing since the form or the ETag was read.
    #[error("{0}")]
    Conflict(Box<Conflict>),
    /// The email and password do not match a person (the same answer for both mistakes).
    #[error("the email address or password is not right")]
    SignInFailed,
    /// Too many failed sign-ins of this account or from this address: the attempt was refused
    /// unchecked, and may be made again after this many seconds.
    #[error("{}", crate::throttle::message(*wait_seconds))]
    TooManyAttempts { wait_seconds: i64 },
    /// The uploaded file cannot be read or imported.
    #[error(transparent)]
    File(ImportError),
    /// The database failed; the cause is logged, the person is told the service failed.
    #[error("the database failed: {0}")]
    Store(#[source] StoreError),
    /// A report could not be built or rendered.
    #[error("the report failed: {0}")]
    Report(#[source] ReportError),
    /// Something that should not happen (a task that panicked, no randomness).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Another person's change that overtook an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// "item", "plan".
    pub what: &'static str,
    pub id: i64,
    /// The version the thing is now at, for the form to carry next time.
    pub current_version: i64,
    /// Who made the change that came first, and when, in words.
    pub changed_by: Option<String>,
    pub changed_at: Option<String>,
    /// The fields as they are now, (label, value), to show beside what the person typed.
    pub current: Vec<(String, String)>,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "this {} was changed by {} since you started editing it",
            self.what,
            self.changed_by.as_deref().unwrap_or("someone else")
        )
    }
}

impl AppError {
    /// One field's mistake.
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![(field.to_string(), message.into())])
    }

    /// A refusal by the thing's present state, named against a field (or "form").
    pub fn state(field: &str, message: impl Into<String>) -> AppError {
        AppError::State(vec![(field.to_string(), message.into())])
    }

    /// A field that names nothing there.
    pub fn unknown(field: &str, message: impl Into<String>) -> AppError {
        AppError::Unknown(vec![(field.to_string(), message.into())])
    }

    /// True when the database could not store anything because its disk is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, AppError::Store(store) if store.is_disk_full())
            || matches!(self, AppError::Report(ReportError::Store(store)) if store.is_disk_full())
    }

    /// True when the database is busy, locked or cannot be reached: trying later may work.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, AppError::Store(store) if store.is_unavailable())
            || matches!(self, AppError::Report(ReportError::Store(store)) if store.is_unavailable())
    }

    /// True for a failure of the database itself (its detail is for the log only).
    pub fn is_database(&self) -> bool {
        matches!(self, AppError::Store(_))
    }

    /// The messages of an `Invalid`, joined, for the CLI.
    pub fn messages(&self) -> String {
        match self {
            AppError::Invalid(fields)
            | AppError::State(fields)
            | AppError::Unknown(fields)
            | AppError::NotPermitted(fields) => fields
                .iter()
                .map(|(field, message)| {
                    if field.is_empty() || field == "form" {
                        message.clone()
                    } else {
                        format!("{field}: {message}")
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound { what, id } => AppError::Missing { what, id },
            StoreError::Invalid(message) => AppError::invalid("form", message),
            StoreError::StateRefused(message) => AppError::state("form", message),
            StoreError::Conflict { what, id, current } => AppError::Conflict(Box::new(Conflict {
                what,
                id,
                current_version: current,
                changed_by: None,
                changed_at: None,
                current: Vec::new(),
            })),
            other => AppError::Store(other),
        }
    }
}

impl From<ReportError> for AppError {
    fn from(error: ReportError) -> AppError {
        match error {
            ReportError::Store(store) => store.into(),
            ReportError::Invalid(message) => AppError::invalid("form", message),
            other => AppError::Report(other),
        }
    }
}

impl From<ImportError> for AppError {
    fn from(error: ImportError) -> AppError {
        AppError::File(error)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(error: tokio::task::JoinError) -> AppError {
        AppError::Internal(format!("a background task stopped: {error}"))
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
