//! Plans built and changed in the browser by the people who manage them: creating a plan and
//! changing its own fields, adding items at any level, moving, reordering, closing, reopening,
//! archiving and restoring them, giving several items the same owners, and downloading the
//! plan. Every change is the application layer's use case, which checks who may make it and
//! stores it as a dated version; these pages read the form, call it, and show its answer.

mod export;
mod item_actions;
mod item_form;
mod owners;
mod plan_form;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(plan_form::router())
        .merge(item_form::router())
        .merge(item_actions::router())
        .merge(owners::router())
        .merge(export::router())
}

/// The handling descriptors an OFFICIAL-SENSITIVE marking may carry, as the forms offer them.
pub(crate) const DESCRIPTORS: [&str; 3] = ["PERSONAL", "COMMERCIAL", "LOCSEN"];

/// A form page shown again with its errors (422) or with someone else's change (409).
fn with_status(html: Html<String>, status: StatusCode) -> Response {
    let mut response = html.into_response();
    *response.status_mut() = status;
    response
}

/// The message for `field` among a form's errors, shown by the field and in the summary.
fn message_for<'a>(errors: &'a [(String, String)], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(name, _)| name == field)
        .map(|(_, message)| message.as_str())
}
