//! A programme's annual collaboration reports through the API: the draft of a year as the
//! data stands now, in any format; the published versions, listed; and publishing a year's
//! report, frozen as it is now (each version downloads at `GET /api/reports/{id}/{format}`,
//! as board reports do).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use waymark_core::PlanId;
use waymark_report::Format;

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, attachment};
use crate::api::programme::year_asked;
use crate::api::reports::PublishedReportJson;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/programme/report", get(draft))
        .route(
            "/api/plans/{id}/programme/reports",
            get(published).post(publish),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DraftQuery {
    /// The financial year, "2024/25" or "2024-25"; the year today is in when absent.
    #[param(schema_with = crate::api::openapi::query_financial_year)]
    year: Option<String>,
    /// pdf (the default), html, docx or xlsx.
    #[param(schema_with = crate::api::openapi::query_report_format)]
    format: Option<String>,
}

/// The annual collaboration report of a programme for a year as the data stands now, as the
/// caller may see it: a draft, not kept.
#[utoipa::path(get, path = "/api/plans/{id}/programme/report", tag = "reports",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), DraftQuery),
    responses(
        (status = 200, description = "The report file, as an attachment",
            content(("application/pdf"), ("text/html"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 422, description = "`year` or `format` is not one", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn draft(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<DraftQuery>,
) -> Result<Response, ApiError> {
    let year = year_asked(query.year.as_deref(), state.today())?;
    let format: Format = query
        .format
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .unwrap_or("pdf")
        .parse()
        .map_err(|_| AppError::invalid("format", "Choose a format: pdf, html, docx or xlsx"))?;
    let (name, bytes) = state
        .app
        .collaboration_report(&viewer.actor, PlanId(id), year, format)
        .await?;
    Ok(attachment(format.content_type(), &name, bytes))
}

/// A programme's published annual collaboration reports, newest year and version first,
/// withdrawn ones included. Every participant's people read them.
#[utoipa::path(get, path = "/api/plans/{id}/programme/reports", tag = "reports",
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    responses(
        (status = 200, body = [PublishedReportJson]),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No such programme, or not one you take part in", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn published(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<PublishedReportJson>>, ApiError> {
    let reports = state
        .app
        .collaboration_reports(&viewer.actor, PlanId(id))
        .await?;
    Ok(Json(reports.iter().map(PublishedReportJson::new).collect()))
}

/// The body of `POST /api/plans/{id}/programme/reports`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishYearJson {
    /// The financial year, "2024/25" or "2024-25"; the year today is in when absent.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::financial_year_or_null)]
    year: Option<String>,
}

/// Publishes the annual collaboration report of a programme for a year: built now as the
/// participants see the programme, stored in every format and never changed afterwards
/// (`period` is the year, `layout` is `collaboration`). Publishing a year again makes its next
/// version and keeps the earlier ones. The programme's managers (plan managers of the lead
/// organisation) only.
#[utoipa::path(post, path = "/api/plans/{id}/programme/reports", tag = "reports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = PublishYearJson,
    responses(
        (status = 201, body = PublishedReportJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not manage this programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such programme, or not one you take part in", body = ErrorJson),
        (status = 422, description = "`year` is not a financial year", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PublishYearJson>,
) -> Result<Response, ApiError> {
    let year = year_asked(body.year.as_deref(), state.today())?;
    let published = state
        .app
        .publish_collaboration_report(&viewer.actor, PlanId(id), year)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishedReportJson::new(&published)),
    )
        .into_response())
}
