//! An item's evidence and closure: the files and links kept as evidence (downloads served as
//! attachments, never opened in the browser), the closure rule of its level, the proposal to
//! close it and its sign-off or refusal; and a plan's closure rules, set by its managers.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::evidence::{ClosureRuleInput, EvidenceInput, ItemEvidence, ProposalOutcome};
use waymark_app::model::{ClosureDecision, EvidenceKind, MAX_EVIDENCE_BYTES};
use waymark_core::{ItemId, PlanId};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/items/{id}/evidence",
            get(show)
                .post(add)
                .layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)),
        )
        .route("/evidence/{id}/file", get(download))
        .route("/evidence/{id}/withdraw", post(withdraw))
        .route("/items/{id}/closure", post(propose))
        .route("/items/{id}/closure/decision", post(decide))
        .route("/plans/{id}/closure-rules", get(rules).post(save_rule))
}

struct EvidenceRow {
    id: i64,
    title: String,
    kind: String,
    is_file: bool,
    url: String,
    file_name: String,
    added: String,
    marking: String,
    /// "Withdrawn by … on …: reason"; empty while it stands.
    withdrawn: String,
    may_withdraw: bool,
}

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage {
    chrome: Chrome,
    id: i64,
    plan_id: i64,
    plan_title: String,
    level: String,
    reference: String,
    text: String,
    status: String,
    complete: bool,
    pending: bool,
    rule: String,
    decisions: Vec<(String, String)>,
    may_propose: bool,
    may_decide: bool,
    decide_refusal: Option<String>,
    evidence: Vec<EvidenceRow>,
    may_add: bool,
    markings: Vec<(String, bool)>,
    max_mb: usize,
    errors: Vec<(String, String)>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct ShowQuery {
    done: Option<String>,
}

/// The words of the closure's state: "Closed", "Closure proposed, awaiting sign-off", "Open".
pub(crate) fn status_words(read: &ItemEvidence) -> String {
    if read.complete {
        "Closed".into()
    } else if read.pending().is_some() {
        "Closure proposed, awaiting sign-off".into()
    } else if read
        .last_decided()
        .is_some_and(|r| r.decision == Some(ClosureDecision::Refused))
    {
        "Open: closure refused".into()
    } else {
        "Open".into()
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Vec<(String, String)>,
    done: Option<String>,
) -> Result<EvidencePage, AppError> {
    let read = state.app.item_evidence(&viewer.actor, ItemId(id)).await?;
    let item = read.item.state().ok_or(AppError::NotFound)?;
    let plan = &read.item.plan.view.plan;
    let decisions = read
        .requests
        .iter()
        .rev()
        .map(|r| {
            let proposed = format!(
                "Proposed by {} on {}{}",
                r.proposed_by.clone().unwrap_or_default(),
                long_date(r.proposed_at.date_naive()),
                r.note
                    .as_ref()
                    .map(|n| format!(": {}", n.trim_end_matches('.')))
                    .unwrap_or_default()
            );
            let decided = if r.decision.is_some() {
                waymark_report::build::closure_words(r)
            } else {
                format!("Awaiting sign-off by {}", r.sign_off_by.words())
            };
            ("Closure".to_string(), format!("{proposed}. {decided}"))
        })
        .collect();
    let evidence = read
        .evidence
        .iter()
        .map(|e| EvidenceRow {
            id: e.id,
            title: e.title.clone(),
            kind: e.kind.label().to_string(),
            is_file: e.kind == EvidenceKind::File,
            url: e.url.clone().unwrap_or_default(),
            file_name: e.file_name.clone().unwrap_or_default(),
            added: format!(
                "{}, {}",
                long_date(e.added_at.date_naive()),
                e.added_by.clone().unwrap_or_default()
            ),
            marking: e.marking.label(),
            withdrawn: e
                .withdrawn
                .as_ref()
                .map(|w| {
                    format!(
                        "Withdrawn by {} on {}: {}",
                        w.by.clone().unwrap_or_default(),
                        long_date(w.at.date_naive()),
                        w.reason.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
            may_withdraw: read.may_withdraw(e, &viewer.actor),
        })
        .collect();
    Ok(EvidencePage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(read.item.plan.highest),
        id,
        plan_id: plan.id.0,
        plan_title: plan.title.clone(),
        level: read.level.clone(),
        reference: item.fields.reference.clone().unwrap_or_default(),
        text: item.fields.text.clone(),
        status: status_words(&read),
        complete: read.complete,
        pending: read.pending().is_some(),
        rule: match &read.rule {
            Some(rule) => {
                let words = waymark_app::evidence::rule_words(rule);
                let mut chars = words.chars();
                match chars.next() {
                    Some(first) => format!("Needs {first}{}.", chars.as_str()),
                    None => String::new(),
                }
            }
            None => {
                "Its owner or a plan manager closes it; no evidence or sign-off is needed.".into()
            }
        },
        decisions,
        may_propose: read.may_propose,
        may_decide: read.may_decide,
        decide_refusal: read.decide_refusal.clone(),
        evidence,
        may_add: read.may_add,
        markings: read
            .markings
            .iter()
            .map(|m| (m.label().to_string(), *m == read.item_marking.marking))
            .collect(),
        max_mb: MAX_EVIDENCE_BYTES / (1024 * 1024),
        errors,
        done,
    })
}

fn done_words(done: &str) -> Option<String> {
    Some(
        match done {
            "added" => "The evidence has been added.",
            "withdrawn" => "The evidence has been withdrawn. It is kept in the item's history.",
            "proposed" => "Closure proposed, awaiting sign-off.",
            "closed" => "The item is closed.",
            "signed-off" => "Closure signed off: the item is closed.",
            "refused" => "Closure refused: the item is open again, with your reason.",
            _ => return None,
        }
        .to_string(),
    )
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let done = query.done.as_deref().and_then(done_words);
    Ok(render(&page(&state, &viewer, id, Vec::new(), done).await?)?.into_response())
}

/// The page again with the problems named, as 422.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    result: Result<Response, waymark_app::AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(response) => Ok(response),
        Err(
            waymark_app::AppError::Invalid(problems)
            | waymark_app::AppError::NotPermitted(problems),
        ) => {
            let page = page(state, viewer, id, problems, None).await?;
            let mut response = render(&page)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let (input, _) = read_evidence_parts(multipart).await?;
    let result = state
        .app
        .add_evidence(&viewer.actor, ItemId(id), input)
        .await
        .map(|_| {
            Redirect::to(&format!("/items/{id}/evidence?done=added#evidence")).into_response()
        });
    refused(&state, &viewer, id, result).await
}

/// The parts of an evidence upload, from the page's form or the API: the file (and whether one
/// was sent), its title, a link and its marking. A body over the limit is refused as too large,
/// naming the limit, rather than as a form that could not be read.
/// Reads the parts of an evidence form: what it holds, and the names of the parts it had.
pub(crate) async fn read_evidence_parts(
    mut multipart: Multipart,
) -> Result<(EvidenceInput, Vec<String>), AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "The file is larger than {} MB, the largest Waymark keeps as evidence",
                MAX_EVIDENCE_BYTES / (1024 * 1024)
            ))
        } else {
            AppError::invalid("file", format!("The upload could not be read: {e}"))
        }
    };
    let mut input = EvidenceInput::default();
    let mut names = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        names.push(name.clone());
        if name == "file" {
            input.file_name = field.file_name().unwrap_or_default().to_string();
            input.content = field.bytes().await.map_err(bad)?.to_vec();
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "title" => input.title = text,
            "url" => input.url = text,
            "marking" => input.marking = text,
            _ => {}
        }
    }
    Ok((input, names))
}

/// A file kept as evidence, as an attachment under a name made safe for the header.
async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (evidence, bytes) = state.app.evidence_file(&viewer.actor, id).await?;
    Ok(file_response(&evidence, bytes))
}

/// The response for a file: its type (or bytes to save), as an attachment, never sniffed.
pub(crate) fn file_response(evidence: &waymark_app::model::Evidence, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = evidence
        .content_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
        .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let name: String = evidence
        .file_name
        .as_deref()
        .unwrap_or("evidence")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let value = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    headers.insert(header::CONTENT_DISPOSITION, value);
    response
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let evidence = state.app.evidence(&viewer.actor, id).await?;
    let item = evidence.item.0;
    let result = state
        .app
        .withdraw_evidence(&viewer.actor, id, &form.reason)
        .await
        .map(|_| {
            Redirect::to(&format!("/items/{item}/evidence?done=withdrawn#evidence")).into_response()
        });
    refused(&state, &viewer, item, result).await
}

#[derive(Deserialize)]
struct ProposeForm {
    #[serde(default)]
    note: String,
}

async fn propose(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ProposeForm>,
) -> Result<Response, AppError> {
    let result = state
        .app
        .propose_closure(&viewer.actor, ItemId(id), &form.note)
        .await
        .map(|outcome| {
            let done = match outcome {
                ProposalOutcome::Closed => "closed",
                ProposalOutcome::Proposed(_) => "proposed",
            };
            Redirect::to(&format!("/items/{id}/evidence?done={done}#closure")).into_response()
        });
    refused(&state, &viewer, id, result).await
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let sign_off = form.decision != "refuse";
    let result = state
        .app
        .decide_closure(&viewer.actor, ItemId(id), sign_off, &form.reason)
        .await
        .map(|decision| {
            let done = match decision {
                ClosureDecision::SignedOff => "signed-off",
                ClosureDecision::Refused => "refused",
            };
            Redirect::to(&format!("/items/{id}/evidence?done={done}#closure")).into_response()
        });
    refused(&state, &viewer, id, result).await
}

struct RuleRow {
    depth: usize,
    level: String,
    requires_evidence: bool,
    requires_sign_off: bool,
    board: String,
    members: String,
    words: String,
}

#[derive(Template)]
#[template(path = "closure_rules.html")]
struct RulesPage {
    chrome: Chrome,
    id: i64,
    title: String,
    levels: Vec<RuleRow>,
    may_manage: bool,
    errors: Vec<(String, String)>,
    saved: bool,
}

#[derive(Deserialize)]
struct RulesQuery {
    saved: Option<String>,
}

async fn rules_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Vec<(String, String)>,
    saved: bool,
) -> Result<RulesPage, AppError> {
    let read = state.app.closure_rules(&viewer.actor, PlanId(id)).await?;
    let plan = &read.plan.plan;
    let levels = plan
        .level_names
        .iter()
        .enumerate()
        .map(|(depth, level)| {
            let rule = read.for_depth(depth);
            RuleRow {
                depth,
                level: level.clone(),
                requires_evidence: rule.is_some_and(|r| r.requires_evidence),
                requires_sign_off: rule.is_some_and(|r| r.requires_sign_off),
                board: rule
                    .and_then(|r| r.sign_off_by.board.clone())
                    .unwrap_or_default(),
                members: rule
                    .map(|r| r.sign_off_by.members.join(" / "))
                    .unwrap_or_default(),
                words: rule
                    .filter(|r| r.is_strict())
                    .map(waymark_app::evidence::rule_words)
                    .unwrap_or_else(|| "no evidence or sign-off".into()),
            }
        })
        .collect();
    Ok(RulesPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(plan.marking),
        id,
        title: plan.title.clone(),
        levels,
        may_manage: read.may_manage,
        errors,
        saved,
    })
}

async fn rules(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<RulesQuery>,
) -> Result<Response, AppError> {
    let page = rules_page(&state, &viewer, id, Vec::new(), query.saved.is_some()).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct RuleForm {
    depth: String,
    #[serde(default)]
    requires_evidence: Option<String>,
    #[serde(default)]
    requires_sign_off: Option<String>,
    #[serde(default)]
    board: String,
    #[serde(default)]
    members: String,
}

async fn save_rule(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RuleForm>,
) -> Result<Response, AppError> {
    let input = ClosureRuleInput {
        depth: form.depth.trim().parse().unwrap_or(usize::MAX),
        requires_evidence: form.requires_evidence.is_some(),
        requires_sign_off: form.requires_sign_off.is_some(),
        board: form.board,
        members: form.members,
    };
    match state
        .app
        .set_closure_rule(&viewer.actor, PlanId(id), &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}/closure-rules?saved=1")).into_response()),
        Err(
            waymark_app::AppError::Invalid(problems)
            | waymark_app::AppError::NotPermitted(problems),
        ) => {
            let page = rules_page(&state, &viewer, id, problems, false).await?;
            let mut response = render(&page)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}
