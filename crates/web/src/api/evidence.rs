//! Evidence and closure through the API: an item's evidence (within the caller's ceiling) and
//! closure, adding a link, downloading a file, withdrawing evidence, proposing closure and
//! signing it off or refusing it. Files are uploaded through the item's evidence page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::evidence::{EvidenceInput, ItemEvidence, ProposalOutcome};
use waymark_app::model::{ClosureDecision, ClosureRequest, Evidence};
use waymark_core::ItemId;

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, instant};
use crate::auth::Viewer;
use crate::error::ErrorJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/items/{id}/evidence",
            get(item_evidence).post(add_link),
        )
        .route("/api/evidence/{id}/file", get(evidence_file))
        .route("/api/evidence/{id}/withdraw", post(withdraw_evidence))
        .route("/api/items/{id}/closure", post(propose_closure))
        .route("/api/items/{id}/closure/decision", post(decide_closure))
}

/// One piece of evidence.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct EvidenceJson {
    id: i64,
    item: i64,
    /// file or link.
    kind: String,
    title: String,
    /// A link's address.
    url: Option<String>,
    /// A file's name as uploaded: a label.
    file_name: Option<String>,
    /// A file's media type, by its name's extension (the download itself is sent as bytes).
    content_type: Option<String>,
    size_bytes: Option<i64>,
    marking: String,
    added_at: String,
    added_by: Option<String>,
    /// When it was withdrawn; `null` while it stands.
    withdrawn_at: Option<String>,
    withdrawn_reason: Option<String>,
}

impl EvidenceJson {
    fn new(e: &Evidence) -> EvidenceJson {
        EvidenceJson {
            id: e.id,
            item: e.item.0,
            kind: e.kind.as_str().to_string(),
            title: e.title.clone(),
            url: e.url.clone(),
            file_name: e.file_name.clone(),
            content_type: e.content_type.clone(),
            size_bytes: e.size_bytes,
            marking: e.marking.label(),
            added_at: instant(e.added_at),
            added_by: e.added_by.clone(),
            withdrawn_at: e.withdrawn.as_ref().map(|w| instant(w.at)),
            withdrawn_reason: e.withdrawn.as_ref().and_then(|w| w.reason.clone()),
        }
    }
}

/// A proposal to close an item and its decision.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ClosureJson {
    id: i64,
    note: Option<String>,
    /// "a plan manager" or "the Force Improvement Board".
    sign_off_by: String,
    proposed_at: String,
    proposed_by: Option<String>,
    /// signed_off, refused, or `null` while it awaits sign-off.
    decision: Option<String>,
    decided_at: Option<String>,
    decided_by: Option<String>,
    decided_as: Option<String>,
    reason: Option<String>,
}

impl ClosureJson {
    fn new(r: &ClosureRequest) -> ClosureJson {
        ClosureJson {
            id: r.id,
            note: r.note.clone(),
            sign_off_by: r.sign_off_by.words(),
            proposed_at: instant(r.proposed_at),
            proposed_by: r.proposed_by.clone(),
            decision: r.decision.map(|d| d.as_str().to_string()),
            decided_at: r.decided_at.map(instant),
            decided_by: r.decided_by.clone(),
            decided_as: r.decided_as.clone(),
            reason: r.reason.clone(),
        }
    }
}

/// An item's evidence and closure.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ItemEvidenceJson {
    item: i64,
    /// Closed, "Closure proposed, awaiting sign-off", "Open" or "Open: closure refused".
    status: String,
    complete: bool,
    /// What closing the item's level needs, where it needs anything.
    rule: Option<String>,
    evidence: Vec<EvidenceJson>,
    closures: Vec<ClosureJson>,
}

impl ItemEvidenceJson {
    fn new(read: &ItemEvidence) -> ItemEvidenceJson {
        ItemEvidenceJson {
            item: read.item.item.0,
            status: crate::pages::evidence_status(read),
            complete: read.complete,
            rule: read.rule.as_ref().map(waymark_app::evidence::rule_words),
            evidence: read.evidence.iter().map(EvidenceJson::new).collect(),
            closures: read.requests.iter().map(ClosureJson::new).collect(),
        }
    }
}

/// A link to keep as evidence.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewLinkJson {
    title: String,
    /// An http or https address.
    url: String,
    /// OFFICIAL or OFFICIAL-SENSITIVE, no higher than your clearance; omit for the item's.
    #[serde(default)]
    marking: Option<String>,
}

/// Why, for a withdrawal or a refusal.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ReasonJson {
    #[serde(default)]
    reason: Option<String>,
}

/// A proposal's note.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ProposalJson {
    #[serde(default)]
    note: Option<String>,
}

/// A decision on the proposal awaiting one.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct DecisionJson {
    /// sign_off or refuse.
    decision: String,
    /// Needed to refuse.
    #[serde(default)]
    reason: Option<String>,
}

/// An item's evidence (within your ceiling) and its closure.
#[utoipa::path(get, path = "/api/items/{id}/evidence", tag = "items",
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    responses(
        (status = 200, description = "The item's evidence and closure", body = ItemEvidenceJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "The item was entered with a later date and does not exist yet today (`as_at`)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn item_evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ItemEvidenceJson>, ApiError> {
    let read = state.app.item_evidence(&viewer.actor, ItemId(id)).await?;
    Ok(Json(ItemEvidenceJson::new(&read)))
}

/// Keeps a link as evidence on an item: its owner's post or a plan manager.
#[utoipa::path(post, path = "/api/items/{id}/evidence", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body = NewLinkJson,
    responses(
        (status = 201, description = "The evidence kept", body = EvidenceJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not update this item; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "`title`, `url` or `marking` refused", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_link(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewLinkJson>,
) -> Result<Response, ApiError> {
    let evidence = state
        .app
        .add_evidence(
            &viewer.actor,
            ItemId(id),
            EvidenceInput {
                title: body.title,
                url: body.url,
                marking: body.marking.unwrap_or_default(),
                ..EvidenceInput::default()
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(EvidenceJson::new(&evidence))).into_response())
}

/// A file kept as evidence, as an attachment.
#[utoipa::path(get, path = "/api/evidence/{id}/file", tag = "items",
    params(("id" = i64, Path, description = "Evidence id", minimum = 1)),
    responses(
        (status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such file, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn evidence_file(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (evidence, bytes) = state.app.evidence_file(&viewer.actor, id).await?;
    let mut response = crate::pages::evidence_file_response(&evidence, bytes);
    // The API hands over bytes, as its document says; the evidence's own type is in its JSON.
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/octet-stream"),
    );
    Ok(response)
}

/// Withdraws a piece of evidence with a reason; it is kept, marked withdrawn. Whoever added
/// it, or a plan manager.
#[utoipa::path(post, path = "/api/evidence/{id}/withdraw", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Evidence id", minimum = 1)),
    request_body = ReasonJson,
    responses(
        (status = 200, description = "The evidence, withdrawn", body = EvidenceJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not withdraw it; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such evidence, or not one you may see", body = ErrorJson),
        (status = 422, description = "`reason` missing or too long", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn withdraw_evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReasonJson>,
) -> Result<Json<EvidenceJson>, ApiError> {
    let evidence = state
        .app
        .withdraw_evidence(
            &viewer.actor,
            id,
            body.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(Json(EvidenceJson::new(&evidence)))
}

/// Proposes closing an item: it closes now where its level needs no sign-off, and otherwise
/// awaits sign-off.
#[utoipa::path(post, path = "/api/items/{id}/closure", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body = ProposalJson,
    responses(
        (status = 200, description = "The item's evidence and closure after the proposal", body = ItemEvidenceJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not update this item; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "Evidence is needed first, closure awaits sign-off already, or the item is closed", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn propose_closure(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ProposalJson>,
) -> Result<Json<ItemEvidenceJson>, ApiError> {
    let _: ProposalOutcome = state
        .app
        .propose_closure(
            &viewer.actor,
            ItemId(id),
            body.note.as_deref().unwrap_or_default(),
        )
        .await?;
    let read = state.app.item_evidence(&viewer.actor, ItemId(id)).await?;
    Ok(Json(ItemEvidenceJson::new(&read)))
}

/// Signs off the closure awaiting a decision (the item closes) or refuses it with a reason
/// (it stays open): a plan manager, or a member of the board the rule names; never the person
/// who proposed it.
#[utoipa::path(post, path = "/api/items/{id}/closure/decision", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body = DecisionJson,
    responses(
        (status = 200, description = "The item's evidence and closure after the decision", body = ItemEvidenceJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not sign off this closure; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "Nothing awaits sign-off, you proposed it, or a refusal has no reason", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn decide_closure(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DecisionJson>,
) -> Result<Json<ItemEvidenceJson>, ApiError> {
    let sign_off = body.decision.trim() != "refuse";
    let _: ClosureDecision = state
        .app
        .decide_closure(
            &viewer.actor,
            ItemId(id),
            sign_off,
            body.reason.as_deref().unwrap_or_default(),
        )
        .await?;
    let read = state.app.item_evidence(&viewer.actor, ItemId(id)).await?;
    Ok(Json(ItemEvidenceJson::new(&read)))
}
