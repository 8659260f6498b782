//! Sharing through the API: a plan's shares (active and revoked), sharing a plan or chosen
//! items of it with another organisation up to a marking, and revoking a share with a reason.
//! Administrators of the plan's organisation and the plan's managers share it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::api_writes::{Partner, ShareRequest};
use waymark_app::model::StoredShare;
use waymark_core::{ItemId, Marking, OrgId, PlanId, ShareAccess};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, instant};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/shares", get(plan_shares).post(share_plan))
        .route("/api/shares/{id}/revoke", post(revoke_share))
}

/// A plan, or chosen items of it, shared with another organisation.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ShareJson {
    id: i64,
    plan: i64,
    /// The organisation it is shared with.
    with: i64,
    /// read, or contribute (updates to the shared items their posts own).
    #[schema(value_type = String)]
    access: &'static str,
    /// Nothing marked above this reaches the other organisation.
    #[schema(value_type = String)]
    ceiling: &'static str,
    /// The items shared, each with what is under it; null for the whole plan.
    items: Option<Vec<i64>>,
    active: bool,
    /// RFC 3339, UTC.
    created_at: String,
    created_by: Option<String>,
    revoked_at: Option<String>,
    revoked_by: Option<String>,
    revoke_reason: Option<String>,
}

impl ShareJson {
    fn new(stored: &StoredShare) -> ShareJson {
        let share = &stored.share;
        ShareJson {
            id: share.id,
            plan: share.plan.0,
            with: share.with_org.0,
            access: share.access.as_str(),
            ceiling: share.ceiling.label(),
            items: share
                .items
                .as_ref()
                .map(|items| items.iter().map(|i| i.0).collect()),
            active: stored.is_active(),
            created_at: instant(stored.created_at),
            created_by: stored.created_by.clone(),
            revoked_at: stored.revoked_at.map(instant),
            revoked_by: stored.revoked_by.clone(),
            revoke_reason: stored.revoke_reason.clone(),
        }
    }
}

/// A plan's shares, active and revoked.
#[utoipa::path(get, path = "/api/plans/{id}/shares", tag = "sharing",
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 200, body = [ShareJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not share this plan", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn plan_shares(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ShareJson>>, ApiError> {
    let shares = state.app.plan_shares(&viewer.actor, PlanId(id)).await?;
    Ok(Json(shares.iter().map(ShareJson::new).collect()))
}

/// An organisation by its id or its code.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum PartnerJson {
    Id(i64),
    Code(String),
}

/// The body of `POST /api/plans/{id}/shares`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewShareJson {
    /// The organisation to share with: its id, or its code ("OXCC").
    with: PartnerJson,
    /// read (the default) or contribute.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::share_access_or_null)]
    access: Option<String>,
    /// OFFICIAL (the default) or OFFICIAL-SENSITIVE: nothing marked above it is shared.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    ceiling: Option<String>,
    /// Chosen items, one or more, each shared with what is under it; the whole plan when
    /// absent or null. An id not of the plan is a 404 naming `items`.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::some_ids_or_null)]
    items: Option<Vec<i64>>,
}

/// Shares a plan, or chosen items of it, with another organisation, at read or contribute
/// level, up to a marking.
#[utoipa::path(post, path = "/api/plans/{id}/shares", tag = "sharing",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = NewShareJson,
    responses(
        (status = 201, body = ShareJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not share this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or `with` names no organisation, or `items` an item not of the plan, each named in `fields`", body = ErrorJson),
        (status = 409, description = "`with` is the plan's own organisation", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields`: access, ceiling or items", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn share_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewShareJson>,
) -> Result<Response, ApiError> {
    let access = match body.access.as_deref().map(str::trim) {
        None | Some("") => ShareAccess::Read,
        Some(word) => ShareAccess::parse(word)
            .ok_or_else(|| AppError::invalid("access", "Choose read or contribute"))?,
    };
    let ceiling = match body.ceiling.as_deref().map(str::trim) {
        None | Some("") => Marking::Official,
        Some(word) => Marking::parse(word)
            .ok_or_else(|| AppError::invalid("ceiling", "Choose OFFICIAL or OFFICIAL-SENSITIVE"))?,
    };
    let request = ShareRequest {
        with: match body.with {
            PartnerJson::Id(org) => Partner::Id(OrgId(org)),
            PartnerJson::Code(code) => Partner::Code(code),
        },
        access,
        ceiling,
        items: body
            .items
            .map(|items| items.into_iter().map(ItemId).collect()),
    };
    let share = state
        .app
        .share_plan_with(&viewer.actor, PlanId(id), &request)
        .await?;
    Ok((StatusCode::CREATED, Json(ShareJson::new(&share))).into_response())
}

/// The body of `POST /api/shares/{id}/revoke`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RevokeShareJson {
    /// Why, for the share's history.
    #[serde(default)]
    reason: Option<String>,
}

/// Revokes a share: the other organisation no longer sees the plan. The share stays listed.
#[utoipa::path(post, path = "/api/shares/{id}/revoke", tag = "sharing",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Share id", minimum = 1)),
    request_body = RevokeShareJson,
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not share this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such share, or not of a plan you may see", body = ErrorJson),
        (status = 422, description = "The share is already revoked", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn revoke_share(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RevokeShareJson>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .revoke_share(
            &viewer.actor,
            id,
            body.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
