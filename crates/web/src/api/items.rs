//! Items through the API: add one to a plan, read one with its marking, version (the `ETag`),
//! updates and what the caller may do, change its fields with `If-Match`, move, reorder,
//! close, reopen, archive and restore it, and give several items the same owners. Progress
//! updates are `api`'s own `POST /api/items/{id}/updates`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::items::{Direction, ItemInput, ItemRead};
use waymark_core::{ItemId, PlanId, rollup_tree};

use crate::api::ApiError;
use crate::api::extract::{
    ApiJson, ApiPath, ApiQuery, OwnersJson, Tagged, clearing, created, day_or, if_match, instant,
    nullable, required_version,
};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;
use crate::views::{ItemJson, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/items", post(add_item))
        .route("/api/plans/{id}/owners", post(assign_owners))
        .route("/api/items/{id}", get(item).patch(patch_item))
        .route("/api/items/{id}/move", post(move_item))
        .route("/api/items/{id}/reorder", post(reorder_item))
        .route("/api/items/{id}/close", post(close_item))
        .route("/api/items/{id}/reopen", post(reopen_item))
        .route("/api/items/{id}/archive", post(archive_item))
        .route("/api/items/{id}/restore", post(restore_item))
}

/// One item as it stood on a day: the fields of a plan's item list, and everything else
/// recorded about it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ItemDetailJson {
    /// The fields `GET /api/plans/{id}/items` gives; `marking` is the item's effective marking
    /// (the most sensitive of its plan's, its parents' and its own).
    #[serde(flatten)]
    item: ItemJson,
    plan: i64,
    description: Option<String>,
    /// ISO date.
    start: Option<String>,
    /// ISO date, for a completed item.
    completed_on: Option<String>,
    /// The item's own marking; null where it is marked as its plan and parents are.
    own_marking: Option<String>,
    /// The ids of the items under it, in plan order.
    children: Vec<i64>,
    /// The version of the item's fields: send it as `If-Match` to change them.
    version: i64,
    /// Whether the caller may add progress updates (and close or reopen it).
    may_update: bool,
    /// Whether the caller may change its fields, move, archive or mark it.
    may_edit: bool,
    /// The day the item is shown as at (ISO).
    as_at: String,
    history: ItemHistoryJson,
}

/// What was recorded about an item, up to the day it is shown as at.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ItemHistoryJson {
    /// Progress updates visible on the day, in the order they were entered.
    updates: Vec<UpdateJson>,
    /// Changes of the shown RAG status, oldest first.
    rag_changes: Vec<RagChangeJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UpdateJson {
    id: i64,
    /// The day the update speaks for (ISO).
    as_of: String,
    /// When it was entered (RFC 3339, UTC).
    entered_at: String,
    author: Option<String>,
    text: String,
    /// The RAG its author proposed: Red, Amber, Green or Blue.
    proposed_rag: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RagChangeJson {
    /// The day it took effect (ISO).
    effective: String,
    entered_at: String,
    author: Option<String>,
    reason: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl ItemDetailJson {
    pub(crate) fn new(read: &ItemRead) -> Result<ItemDetailJson, AppError> {
        let view = &read.plan.view;
        let index = view
            .items
            .iter()
            .position(|item| item.id == read.item)
            .ok_or(AppError::NotFound)?;
        let state = &view.items[index];
        let fields = &state.fields;
        let mut item = ItemJson::new(&view.plan, state);
        item.marking = read.plan.marking_of(read.item).label();
        if !state.children.is_empty() && fields.shown_rag().is_none() {
            // The item and what is under it follow one another in plan order.
            let subtree: Vec<_> = view.items[index..]
                .iter()
                .enumerate()
                .take_while(|(offset, i)| *offset == 0 || i.depth > state.depth)
                .map(|(_, i)| (i.depth - state.depth, i.fields.shown_rag()))
                .collect();
            let (depths, rags): (Vec<usize>, Vec<_>) = subtree.into_iter().unzip();
            item.derived_rag = rollup_tree(&depths, &rags)
                .first()
                .copied()
                .flatten()
                .and_then(|rollup| rollup.rag())
                .map(|rag| rag.word().to_string());
        }
        let as_at = view.as_at;
        Ok(ItemDetailJson {
            plan: view.plan.id.0,
            description: fields.description.clone(),
            start: fields.start.as_ref().map(|d| iso(d.date)),
            completed_on: fields.completed_on.map(iso),
            own_marking: fields.marking.map(|m| m.label()),
            children: state.children.iter().map(|c| c.0).collect(),
            version: read.version,
            may_update: read.may_update,
            may_edit: read.may_edit,
            as_at: iso(as_at),
            history: ItemHistoryJson {
                updates: state
                    .updates
                    .iter()
                    .map(|update| UpdateJson {
                        id: update.id.0,
                        as_of: iso(update.as_of),
                        entered_at: instant(update.entered_at),
                        author: update.author(),
                        text: update.text.clone(),
                        proposed_rag: update.proposed_rag.map(|r| r.word().to_string()),
                    })
                    .collect(),
                rag_changes: read
                    .history
                    .rag_history
                    .iter()
                    .filter(|change| change.effective <= as_at)
                    .map(|change| RagChangeJson {
                        effective: iso(change.effective),
                        entered_at: instant(change.entered_at),
                        author: change.author.clone(),
                        reason: change.reason.clone(),
                        from: change.from.map(|r| r.word().to_string()),
                        to: change.to.map(|r| r.word().to_string()),
                    })
                    .collect(),
            },
            item,
        })
    }
}

fn tagged(read: &ItemRead) -> Result<Response, ApiError> {
    Ok(Tagged(read.version, Json(ItemDetailJson::new(read)?)).into_response())
}

/// The body of `POST /api/plans/{id}/items`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewItemJson {
    /// The item to add it under; the top level when absent or null.
    #[serde(default)]
    parent: Option<i64>,
    /// The item's wording: 1 to 2,000 characters.
    #[schema(schema_with = crate::api::openapi::some_words)]
    text: String,
    /// "4.43a"; 100 characters or fewer.
    #[serde(default)]
    #[schema(max_length = 100)]
    reference: Option<String>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    description: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    strategic_lead: Option<String>,
    #[serde(default)]
    owners: Option<OwnersJson>,
    /// ISO date (dates as people write them, "by March 2015", are read too).
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::day_or_empty)]
    start: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::day_or_empty)]
    due: Option<String>,
    /// Red, Amber or Green; an item is made Blue by closing it.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::item_rag_or_null)]
    rag: Option<String>,
    /// OFFICIAL or OFFICIAL-SENSITIVE; as its plan and parents when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    marking: Option<String>,
    /// PERSONAL, COMMERCIAL or LOCSEN, with OFFICIAL-SENSITIVE only.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::descriptor_or_null)]
    descriptor: Option<String>,
}

impl NewItemJson {
    fn input(self) -> (Option<ItemId>, ItemInput) {
        (
            self.parent.map(ItemId),
            ItemInput {
                reference: self.reference,
                text: Some(self.text),
                description: self.description,
                strategic_lead: self.strategic_lead,
                owners: self.owners.as_ref().map(OwnersJson::written),
                start: self.start,
                due: self.due,
                rag: self.rag,
                marking: self.marking,
                descriptor: self.descriptor,
                reason: None,
            },
        )
    }
}

/// Adds an item to a plan, at the top level or under `parent`, after its last sibling. Plan
/// managers only.
#[utoipa::path(post, path = "/api/plans/{id}/items", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = NewItemJson,
    responses(
        (status = 201, description = "The item added, with its version as the ETag", body = ItemDetailJson,
            headers(("ETag" = String, description = "The item's version, quoted"),
                ("Location" = String, description = "The item's address: /api/items/{id}"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(plan): ApiPath<i64>,
    ApiJson(body): ApiJson<NewItemJson>,
) -> Result<Response, ApiError> {
    let (parent, input) = body.input();
    let read = state
        .app
        .add_item_and_read(&viewer.actor, PlanId(plan), parent, &input)
        .await?;
    Ok(created(
        &format!("/api/items/{}", read.item.0),
        tagged(&read)?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ItemQuery {
    /// Show the item as it stood at the end of this day (ISO date); today when absent.
    #[param(schema_with = crate::api::openapi::query_day)]
    as_at: Option<String>,
}

/// One item as it stood at the end of a day: its fields, effective marking, children,
/// progress updates, RAG changes, what the caller may do, and its version (also the `ETag`).
#[utoipa::path(get, path = "/api/items/{id}", tag = "items",
    params(("id" = i64, Path, description = "Item id", minimum = 1), ItemQuery),
    responses(
        (status = 200, body = ItemDetailJson,
            headers(("ETag" = String, description = "The item's version, quoted: send it as If-Match"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such item, or not one you may see; or the item did not exist yet on `as_at`", body = ErrorJson),
        (status = 422, description = "`as_at` is not a date", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ItemQuery>,
) -> Result<Response, ApiError> {
    let as_at = day_or("as_at", query.as_at.as_deref(), state.today())?;
    let read = match state.app.item(&viewer.actor, ItemId(id), as_at).await {
        // The item as at a day before it existed is not there to read.
        Err(waymark_app::AppError::State(_)) => return Err(AppError::NotFound.into()),
        other => other?,
    };
    tagged(&read)
}

/// The body of `PATCH /api/items/{id}`: only the fields given change; a null clears a field
/// (a marking of null is "as its plan and parents").
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemPatchJson {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    reference: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::some_words)]
    text: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    strategic_lead: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<OwnersJson>)]
    owners: Option<Option<OwnersJson>>,
    /// ISO date (dates as people write them are read too); null clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::day_or_empty)]
    start: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::day_or_empty)]
    due: Option<Option<String>>,
    /// Red, Amber or Green; null for not assessed. Blue comes from closing the item.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::item_rag_or_null)]
    rag: Option<Option<String>>,
    /// OFFICIAL or OFFICIAL-SENSITIVE; null for as its plan and parents. Given without
    /// `descriptor`, it drops the descriptor.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    marking: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::descriptor_or_null)]
    descriptor: Option<Option<String>>,
    /// Why, for the item's history.
    #[serde(default)]
    reason: Option<String>,
}

impl ItemPatchJson {
    fn input(self) -> ItemInput {
        ItemInput {
            reference: clearing(self.reference),
            text: clearing(self.text),
            description: clearing(self.description),
            strategic_lead: clearing(self.strategic_lead),
            owners: self
                .owners
                .map(|owners| owners.as_ref().map(OwnersJson::written).unwrap_or_default()),
            start: clearing(self.start),
            due: clearing(self.due),
            rag: clearing(self.rag),
            marking: clearing(self.marking),
            descriptor: clearing(self.descriptor),
            reason: self.reason,
        }
    }
}

/// Changes an item's fields, its protective marking included, as a new version effective
/// today, if it is still at the version named in `If-Match`. Plan managers only.
#[utoipa::path(patch, path = "/api/items/{id}", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1),
        ("If-Match" = String, Header, description = "The version the change starts from, as the ETag of a GET: \"3\" (a number, quoted or not)", pattern = "^(\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    request_body = ItemPatchJson,
    responses(
        (status = 200, description = "The item as it now is, with its new version as the ETag", body = ItemDetailJson,
            headers(("ETag" = String, description = "The item's new version, quoted"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not change this item's fields; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 409, description = "Someone changed the item since that version: `current` shows its fields as they are now, `changed_by` and `changed_at` who and when, `current_version` (and the ETag) its version",
            body = ErrorJson, headers(("ETag" = String, description = "The item's current version, quoted"))),
        (status = 422, description = "Fields refused, each named in `fields`", body = ErrorJson),
        (status = 400, description = "No If-Match header, or one that names no single version, named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn patch_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ItemPatchJson>,
) -> Result<Response, ApiError> {
    let version = required_version(&headers)?;
    let read = state
        .app
        .edit_item_and_read(&viewer.actor, ItemId(id), &body.input(), version)
        .await?;
    tagged(&read)
}

/// The body of `POST /api/items/{id}/move`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MoveJson {
    /// The item to move it under (to the end of its children), or null for the top level.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, required = true)]
    parent: Option<Option<i64>>,
}

/// The item's version after a change.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct VersionJson {
    id: i64,
    version: i64,
}

/// Moves an item, with what is under it, to the end of another item's children or to the top
/// level. With `If-Match`, only if the item is still at that version. Plan managers only.
#[utoipa::path(post, path = "/api/items/{id}/move", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "Optional: the version the move starts from, as the ETag of a GET (a number, quoted or not)", nullable = false, pattern = "^(\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    request_body = MoveJson,
    responses(
        (status = 200, description = "Moved; the item's new version, also the ETag", body = VersionJson,
            headers(("ETag" = String, description = "The item's new version, quoted"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not change this item; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 409, description = "Someone changed the item since the If-Match version", body = ErrorJson),
        (status = 422, description = "`parent` is missing, not in the plan, or the item itself or one under it", body = ErrorJson),
        (status = 400, description = "An If-Match header that names no single version, named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn move_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MoveJson>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let parent = body.parent.ok_or_else(|| {
        AppError::invalid(
            "parent",
            "Say where the item goes: the id of its new parent, or null for the top level",
        )
    })?;
    let version = state
        .app
        .move_item(&viewer.actor, ItemId(id), parent.map(ItemId), expected)
        .await?;
    Ok(Tagged(version, Json(VersionJson { id, version })).into_response())
}

/// Which way an item goes among its siblings.
#[derive(Deserialize, utoipa::ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DirectionJson {
    Up,
    Down,
}

/// The body of `POST /api/items/{id}/reorder`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReorderJson {
    direction: DirectionJson,
}

/// Swaps an item with the sibling before (up) or after (down) it; at the end already, nothing
/// changes. Plan managers only.
#[utoipa::path(post, path = "/api/items/{id}/reorder", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body = ReorderJson,
    responses(
        (status = 204, description = "Reordered"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not change this item; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "`direction` is not up or down", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn reorder_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReorderJson>,
) -> Result<StatusCode, ApiError> {
    let direction = match body.direction {
        DirectionJson::Up => Direction::Up,
        DirectionJson::Down => Direction::Down,
    };
    state
        .app
        .reorder_item(&viewer.actor, ItemId(id), direction)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes an item as complete today (it shows Blue). Plan managers, and contributors for the
/// items their posts own.
#[utoipa::path(post, path = "/api/items/{id}/close", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    responses(
        (status = 204, description = "Closed (or already closed)"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not update this item; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn close_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_item_complete(&viewer.actor, ItemId(id), true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reopens a closed item. Plan managers, and contributors for the items their posts own.
#[utoipa::path(post, path = "/api/items/{id}/reopen", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    responses(
        (status = 204, description = "Reopened (or already open)"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not update this item; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn reopen_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_item_complete(&viewer.actor, ItemId(id), false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Archives an item and what is under it: they leave the plan from today and their history
/// stays. Plan managers of the plan's own organisation only.
#[utoipa::path(post, path = "/api/items/{id}/archive", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    responses(
        (status = 204, description = "Archived"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 409, description = "The plan is archived", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn archive_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_item_archived(&viewer.actor, ItemId(id), true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores an archived item with what was archived with it. Plan managers of the plan's own
/// organisation only.
#[utoipa::path(post, path = "/api/items/{id}/restore", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    responses(
        (status = 204, description = "Restored"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 409, description = "The plan is archived", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn restore_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_item_archived(&viewer.actor, ItemId(id), false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `POST /api/plans/{id}/owners`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignOwnersJson {
    /// The items of the plan to give these owners.
    #[schema(min_items = 1)]
    items: Vec<i64>,
    #[schema(schema_with = crate::api::openapi::some_owners)]
    owners: OwnersJson,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AssignedJson {
    /// How many items changed (those that had these owners already did not).
    changed: usize,
}

/// Gives several items of a plan the same owner posts, in one change. Plan managers only.
#[utoipa::path(post, path = "/api/plans/{id}/owners", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = AssignOwnersJson,
    responses(
        (status = 200, body = AssignedJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "No owners, no items, or items not of this plan", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn assign_owners(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(plan): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignOwnersJson>,
) -> Result<Json<AssignedJson>, ApiError> {
    let items: Vec<ItemId> = body.items.into_iter().map(ItemId).collect();
    let changed = state
        .app
        .assign_owners(&viewer.actor, PlanId(plan), &items, &body.owners.written())
        .await?;
    Ok(Json(AssignedJson { changed }))
}
