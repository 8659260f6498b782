//! What the item page's buttons do: move the item under another parent (or to the top level),
//! move it up or down among its siblings, close it as complete or reopen it, archive it (after
//! asking) and restore it. Each is one use case, stored as a dated version of the item.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::items::Direction;
use waymark_core::ItemId;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::item::show_with_errors;
use crate::pages::{Chrome, first_line, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/items/{id}/move", post(move_item))
        .route("/items/{id}/reorder", post(reorder))
        .route("/items/{id}/close", post(close))
        .route("/items/{id}/reopen", post(reopen))
        .route("/items/{id}/archive", get(confirm_archive).post(archive))
        .route("/items/{id}/restore", post(restore))
}

#[derive(Deserialize)]
struct MoveForm {
    /// The new parent's id, or "" for the top level.
    #[serde(default)]
    parent: String,
    /// The version the page was shown with: a move after someone else's change is refused.
    #[serde(default)]
    version: Option<i64>,
}

async fn move_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let parent = match form.parent.trim() {
        "" => None,
        text => match text.parse() {
            Ok(parent) => Some(ItemId(parent)),
            Err(_) => {
                let errors = vec![("parent".into(), "Choose where to move it".into())];
                return refused(&state, &viewer, id, errors).await;
            }
        },
    };
    let moved = state
        .app
        .move_item(&viewer.actor, ItemId(id), parent, form.version)
        .await
        .map_err(AppError::from);
    match moved {
        Ok(_) => Ok(Redirect::to(&format!("/items/{id}?done=moved")).into_response()),
        Err(AppError::Invalid(errors)) => refused(&state, &viewer, id, errors).await,
        Err(AppError::Conflict(conflict)) => {
            let by = conflict.changed_by.as_deref().unwrap_or("Someone else");
            let message = format!(
                "{by} changed this item after you opened the page, so it has not been moved. Check where it is now and move it again."
            );
            show_with_errors(
                &state,
                &viewer,
                ItemId(id),
                vec![("move-parent".into(), message)],
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// The item page again, with the move form's mistakes by its field.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let errors = errors
        .into_iter()
        .map(|(field, message)| (format!("move-{field}"), message))
        .collect();
    show_with_errors(
        state,
        viewer,
        ItemId(id),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
struct ReorderForm {
    /// "up" or "down".
    #[serde(default)]
    direction: String,
}

async fn reorder(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReorderForm>,
) -> Result<Response, AppError> {
    let (direction, done) = match form.direction.as_str() {
        "up" => (Direction::Up, "moved-up"),
        "down" => (Direction::Down, "moved-down"),
        _ => return Err(AppError::invalid("direction", "Choose up or down")),
    };
    state
        .app
        .reorder_item(&viewer.actor, ItemId(id), direction)
        .await?;
    Ok(Redirect::to(&format!("/items/{id}?done={done}")).into_response())
}

async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state
        .app
        .set_item_complete(&viewer.actor, ItemId(id), true)
        .await?;
    Ok(Redirect::to(&format!("/items/{id}?done=closed")).into_response())
}

async fn reopen(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state
        .app
        .set_item_complete(&viewer.actor, ItemId(id), false)
        .await?;
    Ok(Redirect::to(&format!("/items/{id}?done=reopened")).into_response())
}

/// An item under the one being archived, as the confirmation lists it.
struct Under {
    level: String,
    reference: String,
    text: String,
}

#[derive(Template)]
#[template(path = "item_archive.html")]
struct ConfirmArchivePage {
    chrome: Chrome,
    id: i64,
    plan_id: i64,
    plan_title: String,
    level: String,
    reference: String,
    text: String,
    under: Vec<Under>,
}

/// Asks before archiving, naming what goes with the item.
async fn confirm_archive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let preview = state
        .app
        .item_archive_preview(&viewer.actor, ItemId(id))
        .await?;
    let view = &preview.plan.view;
    let item = view.item(preview.item).ok_or(AppError::NotFound)?;
    let marking = std::iter::once(preview.item)
        .chain(preview.under.iter().copied())
        .map(|i| preview.plan.marking_of(i))
        .fold(view.plan.marking, waymark_core::Classification::max);
    let under = preview
        .under
        .iter()
        .filter_map(|i| view.item(*i))
        .map(|i| Under {
            level: view.plan.level_name(i.depth).to_string(),
            reference: i.fields.reference.clone().unwrap_or_default(),
            text: first_line(&i.fields.text, 160),
        })
        .collect();
    Ok(render(&ConfirmArchivePage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(marking),
        id,
        plan_id: view.plan.id.0,
        plan_title: view.plan.title.clone(),
        level: view.plan.level_name(item.depth).to_string(),
        reference: item.fields.reference.clone().unwrap_or_default(),
        text: item.fields.text.clone(),
        under,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct ArchiveForm {
    /// The plan to go back to: the item has left it.
    #[serde(default)]
    plan: Option<i64>,
}

async fn archive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ArchiveForm>,
) -> Result<Response, AppError> {
    state
        .app
        .set_item_archived(&viewer.actor, ItemId(id), true)
        .await?;
    let back = match form.plan {
        Some(plan) => format!("/plans/{plan}?done=item-archived"),
        None => "/".to_string(),
    };
    Ok(Redirect::to(&back).into_response())
}

async fn restore(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state
        .app
        .set_item_archived(&viewer.actor, ItemId(id), false)
        .await?;
    Ok(Redirect::to(&format!("/items/{id}?done=restored")).into_response())
}
