//! What people write for a report period, through the API: read every version written for a
//! plan's period (the summary and the commentary on objectives and indicators), and save a new
//! version of one. The period's quarterly report prints the newest of each.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::commentary::CommentaryAsk;
use waymark_app::model::{CommentaryRequest, NarrativeSubject, NarrativeVersion};
use waymark_core::indicator::IndicatorId;
use waymark_core::{ItemId, PlanId};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, instant};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/plans/{id}/narrative",
            get(narratives).post(save_narrative),
        )
        .route(
            "/api/plans/{id}/narrative/requests",
            get(commentary_requests).post(ask_for_commentary),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct NarrativeQuery {
    /// The reporting period, such as "Q2 2026-27" or "P6 2026-27"; the quarter last ended
    /// when absent or empty, as the narrative page opens.
    #[param(schema_with = crate::api::openapi::query_period)]
    period: Option<String>,
}

impl NarrativeQuery {
    /// The period asked for, or the quarter last ended.
    fn period(&self, state: &AppState) -> String {
        crate::pages::narrative::period_or_last_quarter(state, self.period.as_deref())
    }
}

/// One version of a piece of writing.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct NarrativeJson {
    id: i64,
    /// summary, objective or indicator.
    kind: String,
    /// The objective's item id or the indicator's id; 0 for the summary.
    subject_id: i64,
    /// `null` where this version cleared the text.
    text: Option<String>,
    entered_at: String,
    entered_by: Option<String>,
}

impl NarrativeJson {
    fn new(version: &NarrativeVersion) -> NarrativeJson {
        let (kind, subject_id) = version.subject.key();
        NarrativeJson {
            id: version.id,
            kind: kind.to_string(),
            subject_id,
            text: version.body.clone(),
            entered_at: instant(version.entered_at),
            entered_by: version.entered_by.clone(),
        }
    }
}

/// Everything written for a plan's period.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct NarrativesJson {
    /// The period as Waymark writes it: "Q2 2026-27".
    period: String,
    /// Every version, oldest first: the last of each (kind, subject_id) is in force.
    versions: Vec<NarrativeJson>,
}

/// A new version of the summary or of a commentary.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewNarrativeJson {
    #[schema(schema_with = crate::api::openapi::report_period)]
    period: String,
    /// summary (plan managers), objective (its owner's post or a plan manager) or indicator
    /// (its owner's post or a plan manager).
    #[schema(schema_with = crate::api::openapi::narrative_kind)]
    kind: String,
    /// The objective's item id or the indicator's id; omit for the summary.
    #[serde(default)]
    subject_id: Option<i64>,
    /// The text; empty clears it, so the report prints the generated text again.
    text: String,
}

/// What has been written for a plan's reporting period.
#[utoipa::path(get, path = "/api/plans/{id}/narrative", tag = "reports",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), NarrativeQuery),
    responses(
        (status = 200, description = "Every version written for the period", body = NarrativesJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`period` is not a reporting period", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn narratives(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<NarrativeQuery>,
) -> Result<Json<NarrativesJson>, ApiError> {
    let read = state
        .app
        .narratives(&viewer.actor, PlanId(id), &query.period(&state))
        .await?;
    Ok(Json(NarrativesJson {
        period: read.period.to_string(),
        versions: read.versions.iter().map(NarrativeJson::new).collect(),
    }))
}

/// Saves a new version of a plan's summary or of a commentary for a period.
#[utoipa::path(post, path = "/api/plans/{id}/narrative", tag = "reports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = NewNarrativeJson,
    responses(
        (status = 201, description = "The version saved", body = NarrativeJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not write this; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, objective or indicator, or not one you may see", body = ErrorJson),
        (status = 422, description = "`period`, `kind`, `subject_id` or `text` refused", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn save_narrative(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewNarrativeJson>,
) -> Result<Response, ApiError> {
    let subject_id = || {
        body.subject_id
            .ok_or_else(|| AppError::invalid("subject_id", "Name the objective or indicator"))
    };
    let subject = match body.kind.trim() {
        "summary" => NarrativeSubject::Summary,
        "objective" => NarrativeSubject::Objective(ItemId(subject_id()?)),
        "indicator" => NarrativeSubject::Indicator(IndicatorId(subject_id()?)),
        _ => {
            return Err(AppError::invalid(
                "kind",
                "Choose what the text is about: summary, objective or indicator",
            )
            .into());
        }
    };
    let saved = state
        .app
        .save_narrative(&viewer.actor, PlanId(id), &body.period, subject, &body.text)
        .await?;
    Ok((StatusCode::CREATED, Json(NarrativeJson::new(&saved))).into_response())
}

/// Commentary asked of an indicator's or objective's owners for a period.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CommentaryRequestJson {
    id: i64,
    period: String,
    /// objective or indicator.
    kind: String,
    /// The objective's item id or the indicator's id.
    subject_id: i64,
    /// The indicator's title or the objective's text; absent in the answer to asking.
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    /// The owner posts asked.
    owners: Vec<String>,
    /// The date it is needed by, as YYYY-MM-DD.
    due: String,
    note: Option<String>,
    asked_at: String,
    asked_by: Option<String>,
    /// written, overdue or waiting; absent in the answer to asking.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    /// When the commentary was written, at or after the ask.
    #[serde(skip_serializing_if = "Option::is_none")]
    written_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    written_by: Option<String>,
}

impl CommentaryRequestJson {
    fn new(request: &CommentaryRequest) -> CommentaryRequestJson {
        let (kind, subject_id) = request.subject.key();
        CommentaryRequestJson {
            id: request.id,
            period: request.period.clone(),
            kind: kind.to_string(),
            subject_id,
            title: None,
            owners: request.owners.clone(),
            due: request.due.to_string(),
            note: request.note.clone(),
            asked_at: instant(request.asked_at),
            asked_by: request.asked_by.clone(),
            status: None,
            written_at: None,
            written_by: None,
        }
    }

    fn with_answer(ask: &CommentaryAsk, today: chrono::NaiveDate) -> CommentaryRequestJson {
        let status = match ask.written {
            Some(_) => "written",
            None if ask.overdue(today) => "overdue",
            None => "waiting",
        };
        CommentaryRequestJson {
            title: Some(ask.title.clone()),
            status: Some(status.into()),
            written_at: ask.written.as_ref().map(|(at, _)| instant(*at)),
            written_by: ask.written.as_ref().and_then(|(_, by)| by.clone()),
            ..CommentaryRequestJson::new(&ask.request)
        }
    }
}

/// The newest ask for each indicator and objective of a period.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CommentaryRequestsJson {
    period: String,
    requests: Vec<CommentaryRequestJson>,
}

/// Asking the owners for their commentary.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AskForCommentaryJson {
    /// The reporting period, such as "Q2 2026-27" or "P6 2026-27".
    #[schema(schema_with = crate::api::openapi::report_period)]
    period: String,
    /// The date it is needed by: today or later (ISO; 15/01/2027 is read too).
    #[schema(schema_with = crate::api::openapi::day_from_today)]
    due: String,
    /// A note to the owners, up to 2,000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
}

/// What asking came to.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AskedForCommentaryJson {
    period: String,
    due: String,
    /// One ask per indicator or objective with an owner.
    requests: Vec<CommentaryRequestJson>,
    /// The indicators and objectives with no owner, so nobody was asked.
    without_owner: Vec<String>,
}

/// Commentary asked for a plan's period, and whether each has been written.
#[utoipa::path(get, path = "/api/plans/{id}/narrative/requests", tag = "reports",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), NarrativeQuery),
    responses(
        (status = 200, description = "The newest ask for each indicator and objective", body = CommentaryRequestsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`period` is not a reporting period", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn commentary_requests(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<NarrativeQuery>,
) -> Result<Json<CommentaryRequestsJson>, ApiError> {
    let period = query.period(&state);
    let asks = state
        .app
        .commentary_asked(&viewer.actor, PlanId(id), &period)
        .await?;
    let period = waymark_app::narrative::parse_report_period(&period)?;
    let today = state.today();
    Ok(Json(CommentaryRequestsJson {
        period: period.to_string(),
        requests: asks
            .iter()
            .map(|ask| CommentaryRequestJson::with_answer(ask, today))
            .collect(),
    }))
}

/// Asks the owners of every indicator and objective of the plan for their commentary on a
/// period by a date. Asking again is a reminder with a new date.
#[utoipa::path(post, path = "/api/plans/{id}/narrative/requests", tag = "reports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = AskForCommentaryJson,
    responses(
        (status = 201, description = "The owners asked", body = AskedForCommentaryJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only the plan's managers ask; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`period`, `due` or `note` refused, or nobody to ask", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn ask_for_commentary(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AskForCommentaryJson>,
) -> Result<Response, ApiError> {
    let asked = state
        .app
        .ask_for_commentary(
            &viewer.actor,
            PlanId(id),
            &body.period,
            &body.due,
            &body.note,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AskedForCommentaryJson {
            period: asked.period,
            due: asked.due.to_string(),
            requests: asked.asked.iter().map(CommentaryRequestJson::new).collect(),
            without_owner: asked.without_owner,
        }),
    )
        .into_response())
}
