//! Finding things in a plan through the API: a search of its items and their updates, and what
//! changed between two days (RAG changes, new updates, items completed, newly overdue and new).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use waymark_app::model::PlanView;
use waymark_core::{ItemId, PlanId};

use crate::api::ApiError;
use crate::api::extract::{ApiPath, ApiQuery, day_or};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;
use crate::views::{ItemJson, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/search", get(search))
        .route("/api/plans/{id}/changes", get(changes))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    /// The words to find, each somewhere in an item's wording, owners or updates: 1 to 200
    /// characters.
    #[param(min_length = 1, max_length = 200)]
    q: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SearchJson {
    query: String,
    /// The ids of the items found, in plan order.
    ids: Vec<i64>,
    /// The items found as they stand today, as `GET /api/plans/{id}/items` gives them.
    items: Vec<ItemJson>,
}

/// Searches a plan's items and their updates for every word of `q`, among the items the
/// caller may see.
#[utoipa::path(get, path = "/api/plans/{id}/search", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), SearchQuery),
    responses(
        (status = 200, body = SearchJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`q` is missing, blank or too long", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchJson>, ApiError> {
    let q = query.q.unwrap_or_default();
    let found = state
        .app
        .search_items(&viewer.actor, PlanId(id), &q)
        .await?;
    let ids: Vec<i64> = found.found.iter().map(|id| id.0).collect();
    let items = ItemJson::all_marked(&found.read)
        .into_iter()
        .filter(|item| ids.contains(&item.id))
        .collect();
    Ok(Json(SearchJson {
        query: q.trim().to_string(),
        ids,
        items,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesQuery {
    /// The day to compare from (ISO date); 30 days before `to` when absent. Before `to`.
    #[param(format = Date)]
    from: Option<String>,
    /// The day to compare to (ISO date); today when absent.
    #[param(format = Date)]
    to: Option<String>,
}

/// An item as a change names it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChangedItemJson {
    id: i64,
    reference: Option<String>,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RagMoveJson {
    item: ChangedItemJson,
    from: Option<String>,
    to: Option<String>,
    /// The day it took effect (ISO).
    on: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UpdateSinceJson {
    id: i64,
    item: ChangedItemJson,
    as_of: String,
    author: Option<String>,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DatedItemJson {
    item: ChangedItemJson,
    /// When it was completed, its due day, or when it was added (ISO), as the list says.
    on: Option<String>,
}

/// What changed in a plan between the end of `from` and the end of `to`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChangesJson {
    from: String,
    to: String,
    rag_changes: Vec<RagMoveJson>,
    /// Updates dated after `from` and on or before `to`, newest first.
    new_updates: Vec<UpdateSinceJson>,
    /// Completed, with the day each was completed.
    completed: Vec<DatedItemJson>,
    /// Overdue at `to` and not at `from`, with the day each was due.
    newly_overdue: Vec<DatedItemJson>,
    /// Added, with the day each took effect.
    new_items: Vec<DatedItemJson>,
}

/// What changed in a plan between two days, among the items the caller may see.
#[utoipa::path(get, path = "/api/plans/{id}/changes", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), ChangesQuery),
    responses(
        (status = 200, body = ChangesJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`from` or `to` is not a date, or `from` is not before `to`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn changes(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<ChangesJson>, ApiError> {
    let to = day_or("to", query.to.as_deref(), state.today())?;
    let default_from = to.checked_sub_days(Days::new(30)).unwrap_or(to);
    let from = day_or("from", query.from.as_deref(), default_from)?;
    if from >= to {
        return Err(AppError::invalid("from", "Give a day before the day in `to`").into());
    }
    let read = state
        .app
        .plan_changes(&viewer.actor, PlanId(id), from, to)
        .await?;
    let after = &read.after.view;
    let before = &read.before.view;
    let named = |item: ItemId| changed_item(after, before, item);
    let dated = |list: &[(ItemId, Option<NaiveDate>)]| -> Vec<DatedItemJson> {
        list.iter()
            .map(|(item, on)| DatedItemJson {
                item: named(*item),
                on: on.map(iso),
            })
            .collect()
    };
    let changes = &read.changes;
    Ok(Json(ChangesJson {
        from: iso(from),
        to: iso(to),
        rag_changes: changes
            .rag_changes
            .iter()
            .map(|m| RagMoveJson {
                item: named(m.item),
                from: m.from.map(|r| r.word().to_string()),
                to: m.to.map(|r| r.word().to_string()),
                on: iso(m.on),
            })
            .collect(),
        new_updates: changes
            .new_updates
            .iter()
            .map(|u| UpdateSinceJson {
                id: u.id.0,
                item: named(u.item),
                as_of: iso(u.as_of),
                author: u.author(),
                text: u.text.clone(),
            })
            .collect(),
        completed: dated(&changes.completed),
        newly_overdue: dated(&changes.newly_overdue),
        new_items: changes
            .new_items
            .iter()
            .map(|item| DatedItemJson {
                item: named(*item),
                on: after.item(*item).map(|i| iso(i.exists_from)),
            })
            .collect(),
    }))
}

/// An item's reference and wording as it stood at the later day (or the earlier, for one no
/// longer in the plan).
fn changed_item(after: &PlanView, before: &PlanView, item: ItemId) -> ChangedItemJson {
    let state = after.item(item).or_else(|| before.item(item));
    ChangedItemJson {
        id: item.0,
        reference: state.and_then(|s| s.fields.reference.clone()),
        text: state.map(|s| s.fields.text.clone()).unwrap_or_default(),
    }
}
