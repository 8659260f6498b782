//! Board reports through the API: make one of a plan as it stands (or for a period, or as at a
//! day) in any layout and format; publish one, frozen as known at that moment; list a plan's
//! published reports; download a published report's file; and withdraw one with a reason.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use waymark_app::model::{PublishedReport, PublishedReportId};
use waymark_app::reports::ReportAsk;
use waymark_core::PlanId;
use waymark_report::{Format, Layout};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, attachment, instant};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;
use crate::views::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/report", get(report_file))
        .route(
            "/api/plans/{id}/reports",
            get(published_reports).post(publish_report),
        )
        .route("/api/reports/{id}/withdraw", post(withdraw_report))
        .route("/api/reports/{id}/{format}", get(published_file))
}

fn layout_of(text: Option<&str>) -> Result<Layout, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Layout::default()),
        Some(text) => text.parse().map_err(|_| {
            AppError::invalid("layout", "Choose a layout: quarterly, tracker or progress")
        }),
    }
}

fn ask(
    plan: i64,
    layout: Option<&str>,
    period: Option<String>,
    as_at: Option<String>,
) -> Result<ReportAsk, AppError> {
    let mut ask = ReportAsk::new(PlanId(plan), layout_of(layout)?);
    ask.period = period;
    ask.as_at = as_at;
    Ok(ask)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// quarterly (the default), tracker or progress.
    #[param(schema_with = crate::api::openapi::query_report_layout)]
    layout: Option<String>,
    /// pdf (the default), html, docx or xlsx.
    #[param(schema_with = crate::api::openapi::query_report_format)]
    format: Option<String>,
    /// A reporting period, such as "Q2 2026-27"; takes precedence over `as_at`.
    #[param(schema_with = crate::api::openapi::query_period)]
    period: Option<String>,
    /// The day the report is as at (ISO date); today when neither is given.
    #[param(schema_with = crate::api::openapi::query_day)]
    as_at: Option<String>,
}

/// A report of a plan as the caller may see it, made now: the file, to download.
#[utoipa::path(get, path = "/api/plans/{id}/report", tag = "reports",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), ReportQuery),
    responses(
        (status = 200, description = "The report file, as an attachment",
            content(("application/pdf"), ("text/html"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`layout`, `format`, `period` or `as_at` is not one", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn report_file(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let format: Format = query
        .format
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .unwrap_or("pdf")
        .parse()
        .map_err(|_| AppError::invalid("format", "Choose a format: pdf, html, docx or xlsx"))?;
    let ask = ask(id, query.layout.as_deref(), query.period, query.as_at)?;
    let (report, bytes) = state.app.report_file(&viewer.actor, &ask, format).await?;
    let name = waymark_report::file_name(&report, ask.layout, format);
    Ok(attachment(format.content_type(), &name, bytes))
}

/// A published report: frozen as it was known when published.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PublishedReportJson {
    id: i64,
    plan: i64,
    /// "Q2 2026-27", "As at 16 February 2015"; a collaboration report's year, "2024/25".
    period: String,
    /// quarterly, tracker or progress; collaboration for an annual collaboration report.
    layout: String,
    /// The day it reports as at (ISO).
    as_at: String,
    /// The moment its content was read (RFC 3339, UTC): it never shows anything entered later.
    known_at: String,
    published_at: String,
    published_by: Option<String>,
    /// 1 for the first publication for its period and layout; more for a later one.
    version: i64,
    marking: String,
    /// The formats stored; each downloads at `GET /api/reports/{id}/{format}`.
    formats: Vec<String>,
    /// Why, when and by whom it was withdrawn, if it was.
    withdrawn: Option<WithdrawalJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct WithdrawalJson {
    at: String,
    by: Option<String>,
    reason: String,
}

impl PublishedReportJson {
    pub(crate) fn new(report: &PublishedReport) -> PublishedReportJson {
        PublishedReportJson {
            id: report.id.0,
            plan: report.plan.0,
            period: report.period_label.clone(),
            layout: report.layout.clone(),
            as_at: iso(report.as_at),
            known_at: instant(report.known_at),
            published_at: instant(report.published_at),
            published_by: report.published_by.clone(),
            version: report.version,
            marking: report.marking.clone(),
            formats: report.formats.clone(),
            withdrawn: report.withdrawn.as_ref().map(|w| WithdrawalJson {
                at: instant(w.at),
                by: w.by.clone(),
                reason: w.reason.clone(),
            }),
        }
    }
}

/// The body of `POST /api/plans/{id}/reports`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishJson {
    /// quarterly (the default), tracker or progress.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::report_layout_or_null)]
    layout: Option<String>,
    /// A reporting period, such as "Q2 2026-27"; takes precedence over `as_at`.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::report_period_or_null)]
    period: Option<String>,
    /// The day the report is as at (ISO date); today when neither is given.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::day_or_empty)]
    as_at: Option<String>,
}

/// Publishes a report of a plan: built as known at this moment, stored in every format, and
/// never changed afterwards. A second publication for the same period and layout is its next
/// version. Plan managers only.
#[utoipa::path(post, path = "/api/plans/{id}/reports", tag = "reports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = PublishJson,
    responses(
        (status = 201, body = PublishedReportJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`layout`, `period` or `as_at` is not one", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn publish_report(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PublishJson>,
) -> Result<Response, ApiError> {
    let ask = ask(id, body.layout.as_deref(), body.period, body.as_at)?;
    let published = state.app.publish_report(&viewer.actor, &ask).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishedReportJson::new(&published)),
    )
        .into_response())
}

/// A plan's published reports the caller may read, withdrawn ones included.
#[utoipa::path(get, path = "/api/plans/{id}/reports", tag = "reports",
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 200, body = [PublishedReportJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn published_reports(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<PublishedReportJson>>, ApiError> {
    let reports = state
        .app
        .published_reports(&viewer.actor, PlanId(id))
        .await?;
    Ok(Json(reports.iter().map(PublishedReportJson::new).collect()))
}

/// One published report's file, as it was published.
#[utoipa::path(get, path = "/api/reports/{id}/{format}", tag = "reports",
    params(("id" = i64, Path, description = "Published report id", minimum = 1),
        ("format" = String, Path, description = "pdf, html, docx or xlsx", pattern = "^(pdf|html|docx|xlsx)$")),
    responses(
        (status = 200, description = "The file, as an attachment",
            content(("application/pdf"), ("text/html"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such report or format, or not one you may read", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn published_file(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, format)): ApiPath<(i64, String)>,
) -> Result<Response, ApiError> {
    let (_, content_type, bytes) = state
        .app
        .published_file(&viewer.actor, PublishedReportId(id), &format)
        .await?;
    Ok(attachment(
        &content_type,
        &format!("report-{id}.{format}"),
        bytes,
    ))
}

/// The body of `POST /api/reports/{id}/withdraw`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawJson {
    /// Why: 1 to 500 characters.
    #[schema(schema_with = crate::api::openapi::words_500)]
    reason: String,
}

/// Withdraws a published report with a reason; it stays listed, marked withdrawn. Plan
/// managers only.
#[utoipa::path(post, path = "/api/reports/{id}/withdraw", tag = "reports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Published report id", minimum = 1)),
    request_body = WithdrawJson,
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage its plan; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such report, or not one you may see", body = ErrorJson),
        (status = 422, description = "No reason, or one too long", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn withdraw_report(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WithdrawJson>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .withdraw_report(&viewer.actor, PublishedReportId(id), &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
