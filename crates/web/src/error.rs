//! One error type for handlers: a status code per variant, a plain page (or JSON body for the
//! API) that quotes a reference, and the internal cause logged once under that reference.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use waymark_store::StoreError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("you need to sign in")]
    Unauthorised,
    #[error("you cannot do that")]
    Forbidden,
    /// Field → message pairs for the GOV.UK error summary.
    #[error("there is a problem with what you entered")]
    Invalid(Vec<(String, String)>),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorised => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![(field.to_string(), message.into())])
    }

    /// A short reference quoted to the user and written beside the cause in the log.
    fn reference() -> String {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// The JSON body for API callers.
    pub fn into_json_response(self) -> Response {
        let status = self.status_code();
        let body = match &self {
            AppError::Invalid(fields) => serde_json::json!({
                "error": self.to_string(),
                "fields": fields.iter().map(|(f, m)| serde_json::json!({"field": f, "message": m})).collect::<Vec<_>>(),
            }),
            AppError::Internal(cause) => {
                let reference = Self::reference();
                tracing::error!(%reference, %cause, "internal error");
                serde_json::json!({"error": "internal error", "reference": reference})
            }
            _ => serde_json::json!({"error": self.to_string()}),
        };
        (status, axum::Json(body)).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => AppError::NotFound,
            StoreError::Invalid(message) => AppError::invalid("form", message),
            other => AppError::Internal(other.to_string()),
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
                "If you typed the web address, check it is correct. The page may belong to another organisation.".to_string(),
            ),
            AppError::Unauthorised => ("You need to sign in".to_string(), "Sign in to continue.".to_string()),
            AppError::Forbidden => (
                "You cannot do that".to_string(),
                // One status for both causes: a permission the person lacks, or a form whose
                // security token has expired.
                "You do not have permission to do that, or the form has expired. If you were filling in a form, go back, reload the page and try again.".to_string(),
            ),
            AppError::Invalid(fields) => (
                "There is a problem".to_string(),
                fields.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" "),
            ),
            AppError::Internal(cause) => {
                let reference = Self::reference();
                tracing::error!(%reference, %cause, "internal error");
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
