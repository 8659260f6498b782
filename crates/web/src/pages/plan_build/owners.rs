//! Giving several items of a plan the same owner posts at once, from the checkboxes of the
//! plan page's table. A mistake shows the plan page again with the items still chosen.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use waymark_core::{ItemId, PlanId};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::plan::{AssignTyped, show_with_assign_errors};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/owners", post(assign))
}

/// The form sends `items` once for each box ticked, so it is read as pairs.
async fn assign(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let owners = pairs
        .iter()
        .find(|(name, _)| name == "owners")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    // A value that is not an id cannot be an item of the plan; the use case says so for ids
    // of other plans, and an unreadable one is dropped the same way.
    let items: Vec<ItemId> = pairs
        .iter()
        .filter(|(name, _)| name == "items")
        .filter_map(|(_, value)| value.trim().parse().ok().map(ItemId))
        .collect();
    match state
        .app
        .assign_owners(&viewer.actor, PlanId(id), &items, &owners)
        .await
        .map_err(AppError::from)
    {
        Ok(count) => Ok(Redirect::to(&format!("/plans/{id}?assigned={count}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let typed = AssignTyped {
                owners,
                chosen: items.iter().map(|item| item.0).collect(),
            };
            show_with_assign_errors(&state, &viewer, id, errors, typed).await
        }
        Err(other) => Err(other),
    }
}
