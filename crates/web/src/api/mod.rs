//! The JSON API: the same data and operations as the pages, for programs, described at
//! `/api/openapi.json`. Every call needs a personal API token (`Authorization: Bearer wmk_…`)
//! or a session cookie (401 otherwise); a cookie session's calls that change something also
//! need the session's CSRF token in the `X-CSRF-Token` header. Edits name the version they
//! started from in `If-Match` (400 without it, 409 when someone else's change came first).
//!
//! One module per area, each exporting its `router()`, merged here; each handler reads its
//! input, calls one use case of `waymark_app`, and renders the answer as JSON.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_core::{ItemId, PlanId};

use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::pages::as_at_or_today;
use crate::state::AppState;
use crate::views::{CheckJson, PlanJson};
use waymark_app::items::UpdateInput;

mod audit;
mod comments;
mod dated;
mod evidence;
mod extract;
pub(crate) mod import_jobs;
mod imports;
mod indicators;
mod items;
mod measurements;
mod narrative;
pub(crate) mod openapi;
mod organisations;
mod people;
mod plan_reads;
mod plans;
mod programme;
mod programme_edit;
mod programme_reports;
mod reports;
mod schema_rules;
mod shares;
mod tokens;

pub(crate) use programme::year_asked;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/session", get(session))
        .route("/api/plans", get(plans))
        .route("/api/plans/{id}/check", get(check))
        .route("/api/items/{id}/updates", post(create_update))
        .merge(indicators::router())
        .merge(programme::router())
        .merge(programme_edit::router())
        .merge(programme_reports::router())
        .merge(plans::router())
        .merge(items::router())
        .merge(plan_reads::router())
        .merge(measurements::router())
        .merge(imports::router())
        .merge(import_jobs::router())
        .merge(reports::router())
        .merge(narrative::router())
        .merge(comments::router())
        .merge(evidence::router())
        .merge(people::router())
        .merge(organisations::router())
        .merge(shares::router())
        .merge(audit::router())
        .merge(tokens::router())
}

/// Errors from API handlers are JSON, never HTML.
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl From<waymark_app::AppError> for ApiError {
    fn from(error: waymark_app::AppError) -> Self {
        match error {
            // A state that refuses the request is a conflict with the resource, not bad input.
            waymark_app::AppError::State(fields) => ApiError(AppError::StateConflict(fields)),
            // A field naming a thing that is not there: not found, with the field named.
            waymark_app::AppError::Unknown(fields) => ApiError(AppError::NamesNothing(fields)),
            // A value the person may not give: forbidden, with the field named.
            waymark_app::AppError::NotPermitted(fields) => {
                ApiError(AppError::ForbiddenValue(fields))
            }
            other => ApiError(other.into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json_response()
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SessionJson {
    user: UserJson,
    csrf_token: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UserJson {
    id: i64,
    name: String,
    email: String,
    organisation: i64,
    is_admin: bool,
    /// admin, manager, contributor or viewer: the role for the whole organisation.
    role: Option<String>,
    /// The most sensitive marking the person may see.
    clearance: String,
    /// The posts the person holds today.
    posts: Vec<String>,
}

/// Who is signed in, and the CSRF token a cookie session sends with writes (empty for an API
/// token, which needs none).
#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, body = SessionJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn session(viewer: Viewer) -> Result<Json<SessionJson>, ApiError> {
    let actor = &viewer.actor;
    let user = actor.user().ok_or(AppError::Unauthorised)?;
    Ok(Json(SessionJson {
        user: UserJson {
            id: user.id.0,
            name: user.name.clone(),
            email: user.email.clone(),
            organisation: user.org.0,
            is_admin: actor.is_administrator(),
            role: actor.org_role().map(|r| r.as_str().to_string()),
            clearance: user.clearance.label().to_string(),
            posts: actor.posts.clone(),
        },
        csrf_token: viewer.csrf_token.clone(),
    }))
}

/// The plans the caller may see: their organisation's, then those shared with it.
#[utoipa::path(get, path = "/api/plans", tag = "plans",
    responses((status = 200, body = [PlanJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn plans(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<PlanJson>>, ApiError> {
    let plans = state.app.visible_plans(&viewer.actor).await?;
    Ok(Json(plans.iter().map(|v| PlanJson::new(&v.plan)).collect()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AsAtQuery {
    /// Show the plan as it stood at the end of this day (ISO date); today when absent or
    /// empty.
    #[param(schema_with = crate::api::openapi::query_day)]
    as_at: Option<String>,
}

/// The data-quality flags of a plan's items on a day, with a sentence for each.
#[utoipa::path(get, path = "/api/plans/{id}/check", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), AsAtQuery),
    responses((status = 200, body = [CheckJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`as_at` is not a date", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<AsAtQuery>,
) -> Result<Json<Vec<CheckJson>>, ApiError> {
    let as_at = as_at_or_today(query.as_at.as_deref(), state.today())?;
    let read = state
        .app
        .plan_view(&viewer.actor, PlanId(id), as_at)
        .await?;
    let view = &read.view;
    Ok(Json(
        view.items
            .iter()
            .map(|item| CheckJson::new(item, as_at))
            .collect(),
    ))
}

/// The body of `POST /api/items/{id}/updates`.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewUpdateJson {
    /// ISO date the update speaks for, today or earlier; today when absent, empty or null.
    #[schema(schema_with = crate::api::openapi::day_until_today_or_empty)]
    as_of: Option<String>,
    /// The update: some words, not only spaces.
    #[schema(schema_with = crate::api::openapi::words_10000)]
    text: String,
    /// Proposed RAG word; a change of RAG becomes a new version of the item.
    #[schema(schema_with = crate::api::openapi::update_rag_or_null)]
    rag: Option<String>,
    #[serde(default)]
    complete: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CreatedJson {
    id: i64,
}

/// Adds a progress update to an item; a RAG change or completion becomes a new version of the
/// item effective on the update's date. Plan managers update any item; contributors the items
/// their posts own.
#[utoipa::path(post, path = "/api/items/{id}/updates", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body = NewUpdateJson,
    responses((status = 201, body = CreatedJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not update this item (your posts do not own it); or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn create_update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewUpdateJson>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let input = UpdateInput {
        as_of: body.as_of,
        text: body.text,
        rag: body.rag,
        complete: body.complete,
    };
    let id = state
        .app
        .add_update(&viewer.actor, ItemId(id), input)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}
