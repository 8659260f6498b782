//! Evidence and closure through the API: an item's evidence (within the caller's ceiling) and
//! closure, adding a link, downloading a file, withdrawing evidence, proposing closure and
//! signing it off or refusing it, uploading a file; and a plan's closure rules, read and set.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use waymark_app::evidence::{
    ClosureRuleInput, ClosureRules, EvidenceInput, ItemEvidence, ProposalOutcome, rule_words,
};
use waymark_app::model::{
    ClosureDecision, ClosureRequest, ClosureRule, Evidence, MAX_EVIDENCE_BYTES,
};
use waymark_core::{ItemId, PlanId};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, instant};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/items/{id}/evidence",
            get(item_evidence).post(add_link),
        )
        .route(
            "/api/items/{id}/evidence/file",
            post(add_file).layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)),
        )
        .route(
            "/api/plans/{id}/closure-rules",
            get(closure_rules).post(set_closure_rule),
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
    #[schema(schema_with = crate::api::openapi::words_200)]
    title: String,
    /// An http or https address: a host name whose last label starts with a letter (one
    /// ending in a number is read as an IPv4 address, as browsers read it), or an IPv4 address.
    #[schema(
        max_length = 2000,
        pattern = "^https?://(([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))([/?#][\\s\\S]*)?$"
    )]
    url: String,
    /// OFFICIAL or OFFICIAL-SENSITIVE, no higher than your clearance; omit for the item's.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::marking_or_null)]
    marking: Option<String>,
}

/// Why, for a withdrawal.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ReasonJson {
    #[schema(schema_with = crate::api::openapi::some_words)]
    reason: String,
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
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn item_evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ItemEvidenceJson>, ApiError> {
    let read = match state.app.item_evidence(&viewer.actor, ItemId(id)).await {
        // An item entered with a later date is not there yet today.
        Err(waymark_app::AppError::State(_)) => return Err(AppError::NotFound.into()),
        other => other?,
    };
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
        (status = 403, description = "You may not update this item, or mark evidence above your clearance (named in `fields`); or a cookie session sent no X-CSRF-Token", body = ErrorJson),
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
        .withdraw_evidence(&viewer.actor, id, &body.reason)
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
        (status = 403, description = "You may not sign off this closure, or you proposed it (named in `fields`); or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 422, description = "A refusal has no reason", body = ErrorJson),
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

/// The form of `POST /api/items/{id}/evidence/file`, as multipart/form-data.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Read field by field from the multipart body; the struct describes it.
pub(crate) struct EvidenceFileForm {
    /// The file, of 1 byte to 10 MB; its name is kept as a label, never as a path.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
    /// What it is ("Call handling audit"), 200 characters or fewer; the file's name when
    /// absent or empty.
    #[schema(max_length = 200)]
    title: Option<String>,
    /// OFFICIAL or OFFICIAL-SENSITIVE, no higher than your clearance (403 above it); omit, or
    /// leave empty, for the item's.
    #[schema(schema_with = crate::api::openapi::marking_or_empty)]
    marking: Option<String>,
}

/// Keeps an uploaded file as evidence on an item: its owner's post or a plan manager. The file
/// is stored under no name of its own and served back only as an attachment.
#[utoipa::path(post, path = "/api/items/{id}/evidence/file", tag = "items",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Item id", minimum = 1)),
    request_body(content = EvidenceFileForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The evidence kept", body = EvidenceJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not update this item, or mark evidence above your clearance (named in `fields`); or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such item, or not one you may see", body = ErrorJson),
        (status = 413, description = "The file is over 10 MB", body = ErrorJson),
        (status = 422, description = "No file, an empty one, a part the form does not have, or `title` refused", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_file(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> Result<Response, ApiError> {
    let input = read_evidence_file(request).await?;
    let evidence = state
        .app
        .add_evidence(&viewer.actor, ItemId(id), input)
        .await?;
    Ok((StatusCode::CREATED, Json(EvidenceJson::new(&evidence))).into_response())
}

/// Reads the multipart form of a file to keep; one that cannot be read is a 422 naming `file`.
async fn read_evidence_file(request: Request) -> Result<EvidenceInput, AppError> {
    let multipart = Multipart::from_request(request, &()).await.map_err(|e| {
        AppError::invalid(
            "file",
            format!("Send the file as multipart/form-data: {}", e.body_text()),
        )
    })?;
    let (mut input, parts) = crate::pages::evidence::read_evidence_parts(multipart).await?;
    // The form's parts are its fields only, as the document says: a link is kept through the
    // JSON operation, and a part of another name is a mistake to report, not to drop.
    if let Some(unknown) = parts
        .iter()
        .find(|name| !["file", "title", "marking"].contains(&name.as_str()))
    {
        return Err(AppError::invalid(
            "form",
            format!("The form has no part named {unknown:?}: send file, title and marking"),
        ));
    }
    if !parts.iter().any(|name| name == "file") {
        return Err(AppError::invalid(
            "file",
            "Send the file in a part named file",
        ));
    }
    if input.title.trim().is_empty() {
        input.title = input.file_name.clone();
    }
    Ok(input)
}

/// A rule for closing the items of one level of a plan.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ClosureRuleJson {
    /// The level, 0 for the top.
    depth: usize,
    /// The level's name in this plan ("Recommendation").
    level: String,
    requires_evidence: bool,
    requires_sign_off: bool,
    /// The board that signs off; `null` for a plan manager.
    board: Option<String>,
    /// The board's member posts.
    members: Vec<String>,
    /// What closing needs, in words: "evidence and sign-off by the Force Improvement Board".
    rule: String,
    entered_at: String,
    entered_by: Option<String>,
}

impl ClosureRuleJson {
    fn new(rule: &ClosureRule, level: &str) -> ClosureRuleJson {
        ClosureRuleJson {
            depth: rule.depth,
            level: level.to_string(),
            requires_evidence: rule.requires_evidence,
            requires_sign_off: rule.requires_sign_off,
            board: rule.sign_off_by.board.clone(),
            members: rule.sign_off_by.members.clone(),
            rule: rule_words(rule),
            entered_at: instant(rule.entered_at),
            entered_by: rule.entered_by.clone(),
        }
    }
}

/// A plan's closure rules, one per level that has one.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ClosureRulesJson {
    plan: i64,
    /// Whether you may set them (a plan manager of the plan's own organisation).
    may_manage: bool,
    rules: Vec<ClosureRuleJson>,
}

impl ClosureRulesJson {
    fn new(read: &ClosureRules) -> ClosureRulesJson {
        let plan = &read.plan.plan;
        ClosureRulesJson {
            plan: plan.id.0,
            may_manage: read.may_manage,
            rules: read
                .rules
                .iter()
                .map(|rule| ClosureRuleJson::new(rule, plan.level_name(rule.depth)))
                .collect(),
        }
    }
}

/// The rule to set for one level.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ClosureRuleInputJson {
    /// The level, 0 for the top (a plan has at most six).
    #[schema(minimum = 0, maximum = 5)]
    depth: usize,
    #[serde(default)]
    requires_evidence: bool,
    #[serde(default)]
    requires_sign_off: bool,
    /// A board's name, 120 characters or fewer, with `requires_sign_off` and `members`; omit
    /// or leave empty for a plan manager.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::board_or_blank)]
    board: Option<String>,
    /// The board's member posts.
    #[serde(default)]
    members: Vec<String>,
}

/// A plan's closure rules: what closing each level's items needs.
#[utoipa::path(get, path = "/api/plans/{id}/closure-rules", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 200, description = "The plan's closure rules", body = ClosureRulesJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn closure_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ClosureRulesJson>, ApiError> {
    let read = state.app.closure_rules(&viewer.actor, PlanId(id)).await?;
    Ok(Json(ClosureRulesJson::new(&read)))
}

/// Sets the rule for closing one level's items (it replaces that level's rule; one asking for
/// nothing lets them close straight away): plan managers of the plan's organisation.
#[utoipa::path(post, path = "/api/plans/{id}/closure-rules", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = ClosureRuleInputJson,
    responses(
        (status = 200, description = "The plan's closure rules after the change", body = ClosureRulesJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan's rules; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`depth`, `board` or `members` refused", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn set_closure_rule(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ClosureRuleInputJson>,
) -> Result<Json<ClosureRulesJson>, ApiError> {
    let input = ClosureRuleInput {
        depth: body.depth,
        requires_evidence: body.requires_evidence,
        requires_sign_off: body.requires_sign_off,
        board: body.board.unwrap_or_default(),
        members: body.members.join("\n"),
    };
    state
        .app
        .set_closure_rule(&viewer.actor, PlanId(id), &input)
        .await?;
    let read = state.app.closure_rules(&viewer.actor, PlanId(id)).await?;
    Ok(Json(ClosureRulesJson::new(&read)))
}
