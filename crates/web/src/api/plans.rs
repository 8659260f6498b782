//! Plans as a whole through the API: create one, read one with what the caller may do in it and
//! its version, change its own fields (marking included) with `If-Match`, and archive or
//! restore it. The list (`GET /api/plans`) and a plan's items are `api`'s own, unchanged.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::api_reads::PlanDetail;
use waymark_app::api_writes::PlanPatch;
use waymark_app::plans::{LEVELS_REFUSED, MOST_LEVELS, PlanInput};
use waymark_core::{AccessLevel, PlanId};

use crate::api::ApiError;
use crate::api::extract::{
    ApiJson, ApiPath, Tagged, clearing, created, nullable, required_version,
};
use crate::auth::Viewer;
use crate::error::ErrorJson;
use crate::state::AppState;
use crate::views::PlanJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans", post(create_plan))
        .route("/api/plans/{id}", get(plan).patch(patch_plan))
        .route("/api/plans/{id}/archive", post(archive_plan))
        .route("/api/plans/{id}/restore", post(restore_plan))
}

/// One plan with what the caller may do in it, and the version its edits start from (also the
/// response's `ETag`).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PlanDetailJson {
    #[serde(flatten)]
    plan: PlanJson,
    /// The version of the plan's own fields: send it as `If-Match` to change them.
    version: i64,
    /// What the caller may do in the plan: read, contribute (updates to the items their posts
    /// own) or manage (structure, markings, imports, reports, sharing).
    #[schema(value_type = String, example = "manage")]
    access: &'static str,
    /// Whether the plan is another organisation's, shared with the caller's.
    shared: bool,
    /// The most sensitive marking the caller sees in this plan: their clearance, or a share's
    /// lower ceiling.
    #[schema(value_type = String, example = "OFFICIAL-SENSITIVE")]
    ceiling: &'static str,
    /// Whether only chosen items of the plan are shared with the caller.
    chosen_items_only: bool,
}

impl PlanDetailJson {
    pub(crate) fn new(detail: &PlanDetail) -> PlanDetailJson {
        let access = &detail.visible.access;
        PlanDetailJson {
            plan: PlanJson::new(&detail.visible.plan),
            version: detail.version,
            access: access_word(access.level),
            shared: !detail.visible.is_own(),
            ceiling: access.ceiling.label(),
            chosen_items_only: access.items.is_some(),
        }
    }
}

/// "read", "contribute" or "manage".
pub(crate) fn access_word(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::Read => "read",
        AccessLevel::Contribute => "contribute",
        AccessLevel::Manage => "manage",
    }
}

fn tagged(detail: &PlanDetail) -> Response {
    Tagged(detail.version, Json(PlanDetailJson::new(detail))).into_response()
}

/// The body of `POST /api/plans`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPlanJson {
    /// 1 to 200 characters.
    #[schema(schema_with = crate::api::openapi::words_200)]
    title: String,
    /// improvement, strategic, delivery, collaboration, policing, or a word of the plan's own
    /// (40 characters or fewer); improvement when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::plan_kind_or_null)]
    kind: Option<String>,
    /// "2026-27".
    #[serde(default)]
    period: Option<String>,
    /// At most six, top level first, each 60 characters or fewer; the kind's own when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::level_names)]
    level_names: Vec<String>,
    /// Posts answerable for the plan, each 200 characters or fewer.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::owner_posts)]
    owner_posts: Vec<String>,
    /// What the plan answers: "HMICFRS inspection of call handling".
    #[serde(default)]
    source: Option<String>,
    /// weekly, monthly, quarterly, or "N days"; monthly when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::update_cycle_or_null)]
    update_cycle: Option<String>,
    /// OFFICIAL or OFFICIAL-SENSITIVE; OFFICIAL when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    marking: Option<String>,
    /// PERSONAL, COMMERCIAL or LOCSEN, with OFFICIAL-SENSITIVE only.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::descriptor_or_null)]
    descriptor: Option<String>,
}

/// More level names than a plan has (the document's `max_items`), or a name or an owner post
/// of more than one line, are refused here, before the application layer reads the names as the form's lines
/// and drops blank ones, so that what the document refuses the server refuses.
fn refuse_lists_the_document_refuses(
    names: Option<&[String]>,
    posts: Option<&[String]>,
) -> Result<(), waymark_app::AppError> {
    if posts.is_some_and(|posts| posts.iter().any(|post| post.contains('\n'))) {
        return Err(waymark_app::AppError::invalid(
            "owner_posts",
            "Give each owner post on one line",
        ));
    }
    match names {
        Some(names) if names.len() > MOST_LEVELS => Err(waymark_app::AppError::invalid(
            "level_names",
            LEVELS_REFUSED,
        )),
        Some(names) if names.iter().any(|name| name.contains('\n')) => Err(
            waymark_app::AppError::invalid("level_names", "Give each level name on one line"),
        ),
        _ => Ok(()),
    }
}

impl NewPlanJson {
    fn input(self) -> Result<PlanInput, waymark_app::AppError> {
        refuse_lists_the_document_refuses(Some(&self.level_names), Some(&self.owner_posts))?;
        Ok(PlanInput {
            title: self.title,
            kind: self.kind.unwrap_or_default(),
            period: self.period.unwrap_or_default(),
            level_names: self.level_names.join("\n"),
            owner_posts: self.owner_posts.join("\n"),
            source: self.source.unwrap_or_default(),
            update_cycle: self.update_cycle.unwrap_or_default(),
            marking: self.marking.unwrap_or_default(),
            descriptor: self.descriptor.unwrap_or_default(),
        })
    }
}

/// Creates an empty plan in the caller's organisation. Administrators and plan managers only.
#[utoipa::path(post, path = "/api/plans", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = NewPlanJson,
    responses(
        (status = 201, description = "The plan created, with its version as the ETag",
            body = PlanDetailJson, headers(("ETag" = String, description = "The plan's version, quoted"),
                ("Location" = String, description = "The plan's address: /api/plans/{id}"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only administrators and plan managers create plans; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 422, description = "Fields refused, each named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn create_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(body): ApiJson<NewPlanJson>,
) -> Result<Response, ApiError> {
    let detail = state
        .app
        .create_plan_detail(&viewer.actor, &body.input()?)
        .await?;
    Ok(created(
        &format!("/api/plans/{}", detail.visible.plan.id.0),
        tagged(&detail),
    ))
}

/// One plan: its fields and marking, whether it is archived or shared, what the caller may do
/// in it, and its version (also the `ETag`).
#[utoipa::path(get, path = "/api/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 200, body = PlanDetailJson,
            headers(("ETag" = String, description = "The plan's version, quoted: send it as If-Match"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let detail = state.app.plan_detail(&viewer.actor, PlanId(id)).await?;
    Ok(tagged(&detail))
}

/// The body of `PATCH /api/plans/{id}`: only the fields given change. A null clears a field
/// (or, for kind, update cycle and marking, returns it to its default).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanPatchJson {
    /// The title cannot be cleared.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::words_200)]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::plan_kind_or_null)]
    kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    period: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::level_names_or_null)]
    level_names: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::owner_posts_or_null)]
    owner_posts: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    source: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::update_cycle_or_null)]
    update_cycle: Option<Option<String>>,
    /// OFFICIAL or OFFICIAL-SENSITIVE. Given without `descriptor`, it drops the descriptor.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    marking: Option<Option<String>>,
    /// PERSONAL, COMMERCIAL or LOCSEN, given with `marking` OFFICIAL-SENSITIVE: a
    /// classification is changed whole.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::api::openapi::descriptor_or_null)]
    descriptor: Option<Option<String>>,
}

impl PlanPatchJson {
    fn patch(self) -> Result<PlanPatch, waymark_app::AppError> {
        refuse_lists_the_document_refuses(
            self.level_names.as_ref().and_then(|names| names.as_deref()),
            self.owner_posts.as_ref().and_then(|posts| posts.as_deref()),
        )?;
        Ok(PlanPatch {
            title: clearing(self.title),
            kind: clearing(self.kind),
            period: clearing(self.period),
            level_names: self.level_names.map(Option::unwrap_or_default),
            owner_posts: self.owner_posts.map(Option::unwrap_or_default),
            source: clearing(self.source),
            update_cycle: clearing(self.update_cycle),
            marking: clearing(self.marking),
            descriptor: clearing(self.descriptor),
        })
    }
}

/// Changes a plan's own fields, its protective marking included, if it is still at the version
/// named in `If-Match`. Plan managers only; an archived plan is restored first.
#[utoipa::path(patch, path = "/api/plans/{id}", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1),
        ("If-Match" = String, Header, description = "The version the change starts from, as the ETag of a GET: \"3\" (a number, quoted or not)", pattern = "^(\"[0-9]{1,18}\"|[0-9]{1,18})$")),
    request_body = PlanPatchJson,
    responses(
        (status = 200, description = "The plan as it now is, with its new version as the ETag",
            body = PlanDetailJson, headers(("ETag" = String, description = "The plan's new version, quoted"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 409, description = "Someone changed the plan since that version: `current` shows it as it is now, `current_version` (and the ETag) its version",
            body = ErrorJson, headers(("ETag" = String, description = "The plan's current version, quoted"))),
        (status = 422, description = "Fields refused, each named in `fields`", body = ErrorJson),
        (status = 400, description = "No If-Match header, or one that names no single version, named in `fields`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn patch_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PlanPatchJson>,
) -> Result<Response, ApiError> {
    let version = required_version(&headers)?;
    let detail = state
        .app
        .patch_plan(&viewer.actor, PlanId(id), &body.patch()?, version)
        .await?;
    Ok(tagged(&detail))
}

/// Archives a plan: kept with its history, read-only, listed as archived. Its version
/// changes. Plan managers only.
#[utoipa::path(post, path = "/api/plans/{id}/archive", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 204, description = "Archived"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn archive_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_plan_archived(&viewer.actor, PlanId(id), true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores an archived plan. Its version changes. Plan managers only.
#[utoipa::path(post, path = "/api/plans/{id}/restore", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 204, description = "Restored"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn restore_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_plan_archived(&viewer.actor, PlanId(id), false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
