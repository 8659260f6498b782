//! One error type for handlers: a status code per variant, a plain page (or JSON body for the
//! API) that quotes a reference, and the internal cause logged once under that reference. The
//! application layer's errors map here in one place.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use waymark_app::Conflict;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("you need to sign in")]
    Unauthorised,
    #[error("you cannot do that")]
    Forbidden,
    /// Field → message pairs for the GOV.UK error summary.
    #[error("there is a problem with what you entered")]
    Invalid(Vec<(String, String)>),
    /// A query or header parameter that is missing or cannot be read (a `limit` out of range,
    /// a RAG that is no RAG, an edit without the `If-Match` it must send): 400 with the
    /// parameters named, as the `fields` of the JSON body.
    #[error("a parameter is missing or not right")]
    BadQuery(Vec<(String, String)>),
    /// Someone else's change came first.
    #[error("{0}")]
    Conflict(Box<Conflict>),
    /// Through the API: a well-formed request the thing's present state refuses (an archived
    /// plan, a share already revoked, a code taken), 409 with the fields named. Pages show the
    /// same refusal as `Invalid`, on the form.
    #[error("this cannot be done to it as it is now")]
    StateConflict(Vec<(String, String)>),
    /// Through the API: a value the person may not give (a marking above their clearance),
    /// 403 with the field named.
    #[error("you may not give that value")]
    ForbiddenValue(Vec<(String, String)>),
    /// Through the API: a field names a thing that is not there, 404 with the field named.
    #[error("not found")]
    NamesNothing(Vec<(String, String)>),
    /// The request's body is larger than the route accepts.
    #[error("the upload is too large")]
    TooLarge(String),
    /// A method the path does not have; the response also carries the `Allow` header.
    #[error("this address does not answer that method")]
    MethodNotAllowed,
    /// The request's body did not arrive in full within the server's request timeout.
    #[error("the request took too long to arrive")]
    TimedOut,
    /// A failure the person cannot fix; the cause is logged with a reference.
    #[error("internal error: {0}")]
    Internal(String),
    /// As `Internal`, keeping the application layer's error and its causes for the log.
    #[error("internal error: {0}")]
    Failed(#[source] waymark_app::AppError),
}

impl AppError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NamesNothing(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorised => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::ForbiddenValue(_) => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadQuery(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) | AppError::StateConflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TimedOut => StatusCode::REQUEST_TIMEOUT,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Failed(cause) if cause.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) | AppError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![(field.to_string(), message.into())])
    }

    /// What a person is told of an internal failure: never the database engine's own text,
    /// which goes to the log with the reference.
    fn public_message(&self) -> &'static str {
        match self {
            AppError::Failed(cause) if cause.is_disk_full() => {
                "Waymark could not save this: the disk is full. Nothing was stored."
            }
            AppError::Failed(cause) if cause.is_unavailable() => {
                "Waymark's database is busy or cannot be reached just now, so nothing was \
                 stored. Try again in a minute."
            }
            AppError::Failed(cause) if cause.is_database() => {
                "Waymark's database failed, so nothing was stored. Try again later."
            }
            _ => "internal error",
        }
    }

    /// A short reference quoted to the user and written beside the cause in the log.
    fn reference() -> String {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// Logs an internal failure with its whole chain of causes, and returns the reference.
    fn log_internal(&self) -> String {
        let reference = Self::reference();
        let mut cause = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(next) = source {
            cause.push_str(": ");
            cause.push_str(&next.to_string());
            source = next.source();
        }
        tracing::error!(%reference, %cause, "internal error");
        reference
    }

    /// The JSON body for API callers, with the current version as the ETag of a conflict.
    pub fn into_json_response(self) -> Response {
        let status = self.status_code();
        let body = match &self {
            AppError::Invalid(fields)
            | AppError::BadQuery(fields)
            | AppError::StateConflict(fields)
            | AppError::ForbiddenValue(fields)
            | AppError::NamesNothing(fields) => ErrorJson {
                fields: Some(
                    fields
                        .iter()
                        .map(|(field, message)| FieldErrorJson {
                            field: field.clone(),
                            message: message.clone(),
                        })
                        .collect(),
                ),
                ..ErrorJson::new(self.to_string())
            },
            AppError::Conflict(conflict) => ErrorJson {
                current_version: Some(conflict.current_version),
                changed_by: conflict.changed_by.clone(),
                changed_at: conflict.changed_at.clone(),
                current: Some(
                    conflict
                        .current
                        .iter()
                        .map(|(field, value)| CurrentFieldJson {
                            field: field.clone(),
                            value: value.clone(),
                        })
                        .collect(),
                ),
                ..ErrorJson::new(conflict.to_string())
            },
            AppError::TooLarge(message) => ErrorJson::new(message.clone()),
            AppError::Failed(_) | AppError::Internal(_) => ErrorJson {
                reference: Some(self.log_internal()),
                ..ErrorJson::new(self.public_message().to_string())
            },
            _ => ErrorJson::new(self.to_string()),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let AppError::Conflict(conflict) = &self
            && let Ok(value) = format!("\"{}\"", conflict.current_version).parse()
        {
            response
                .headers_mut()
                .insert(axum::http::header::ETAG, value);
        }
        response
    }
}

/// The body of every error the JSON API answers: always `error`, a sentence; the other fields
/// only where they apply.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorJson {
    /// What went wrong, in a sentence.
    pub error: String,
    /// 422 and 400: each field or query parameter that was refused, by the name the request gave it, with its message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldErrorJson>>,
    /// 409: the version the thing is at now (also the response's ETag); send it in `If-Match`
    /// to make the change again over the other one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// 409: who made the change that came first, and when, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<String>,
    /// 409: the fields as they are now, labelled as the page labels them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Vec<CurrentFieldJson>>,
    /// 500: the reference logged with the cause, to quote to an administrator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl ErrorJson {
    fn new(error: String) -> ErrorJson {
        ErrorJson {
            error,
            fields: None,
            current_version: None,
            changed_by: None,
            changed_at: None,
            current: None,
            reference: None,
        }
    }
}

/// One refused field of a 422, or query parameter of a 400.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldErrorJson {
    pub field: String,
    pub message: String,
}

/// One field of the thing as it is now, in a 409.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentFieldJson {
    /// "Wording", "Due", "RAG status".
    pub field: String,
    pub value: String,
}

impl From<waymark_app::AppError> for AppError {
    fn from(error: waymark_app::AppError) -> Self {
        use waymark_app::AppError as UseCase;
        match error {
            UseCase::NotFound | UseCase::Missing { .. } => AppError::NotFound,
            UseCase::Forbidden => AppError::Forbidden,
            UseCase::Invalid(fields)
            | UseCase::State(fields)
            | UseCase::Unknown(fields)
            | UseCase::NotPermitted(fields) => AppError::Invalid(fields),
            UseCase::Conflict(conflict) => AppError::Conflict(conflict),
            UseCase::SignInFailed => {
                AppError::invalid("email", "Enter a correct email address and password")
            }
            // A file's problem is the person's to fix, and says so with the file's name.
            UseCase::File(problem) => AppError::invalid("file", problem.to_string()),
            other => AppError::Failed(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(format!("template: {error}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let (title, detail) = match &self {
            AppError::NotFound => (
                "Page not found".to_string(),
                "If you typed the web address, check it is correct. The page may belong to another organisation, or not be shared with yours.".to_string(),
            ),
            AppError::Unauthorised => ("You need to sign in".to_string(), "Sign in to continue.".to_string()),
            AppError::Forbidden => (
                "You cannot do that".to_string(),
                // One status for both causes: a permission the person lacks, or a form whose
                // security token has expired.
                "Your role does not allow it, or the form has expired. If you were filling in a form, go back, reload the page and try again. Your administrator can change your role.".to_string(),
            ),
            AppError::Invalid(fields)
            | AppError::BadQuery(fields)
            | AppError::StateConflict(fields)
            | AppError::ForbiddenValue(fields)
            | AppError::NamesNothing(fields) => (
                "There is a problem".to_string(),
                fields.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" "),
            ),
            AppError::Conflict(conflict) => (
                "Someone else changed this first".to_string(),
                format!("{conflict}. Go back, reload the page to see their change, and make yours again."),
            ),
            AppError::TooLarge(message) => ("The file is too large".to_string(), message.clone()),
            AppError::MethodNotAllowed => (
                "This page cannot do that".to_string(),
                "The address does not take this kind of request. Go back and use the page's own links and buttons.".to_string(),
            ),
            AppError::TimedOut => (
                "The form took too long to arrive".to_string(),
                "Nothing was saved. Check your connection, then go back and send it again.".to_string(),
            ),
            AppError::Failed(cause) if cause.is_disk_full() || cause.is_database() => {
                let reference = self.log_internal();
                (
                    "Waymark could not save this".to_string(),
                    format!("{} If it keeps happening, quote reference {reference} to your administrator.", self.public_message()),
                )
            }
            AppError::Internal(_) | AppError::Failed(_) => {
                let reference = self.log_internal();
                (
                    "Sorry, there is a problem with the service".to_string(),
                    format!("Try again later. If it keeps happening, quote reference {reference} to your administrator."),
                )
            }
        };
        let page = crate::pages::ErrorPage { title, detail };
        let html = askama::Template::render(&page).unwrap_or_else(|_| "Error".to_string());
        (status, Html(html)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// A database failure says so plainly, on the page and in JSON, and never quotes the
    /// engine's own words.
    #[tokio::test]
    async fn a_database_failure_is_a_clear_message_without_the_engines_text() {
        let failed = || {
            AppError::from(waymark_app::AppError::Store(
                waymark_app::model::StoreError::Corrupt("database disk image is malformed".into()),
            ))
        };
        let page = failed().into_response();
        assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let page = body(page).await;
        assert!(page.contains("Waymark could not save this"), "{page}");
        assert!(
            page.contains("Waymark&#39;s database failed, so nothing was stored.")
                || page.contains("Waymark's database failed, so nothing was stored."),
            "{page}"
        );
        assert!(!page.contains("malformed"), "{page}");
        let json = body(failed().into_json_response()).await;
        assert!(
            json.contains("database failed, so nothing was stored"),
            "{json}"
        );
        assert!(!json.contains("malformed"), "{json}");
    }
}
