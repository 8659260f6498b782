//! Imports in the background through the API: a previewed upload's token started as a job
//! (`POST /api/imports/{token}/jobs`, answered at once with the job's id and where to read
//! its status), its status read as often as wanted, cancelled until it commits, and its
//! findings downloaded as CSV or XLSX once stored. The application layer's `import_jobs`
//! does the work and decides who sees a job (who started it, and their organisation's
//! administrators: anyone else gets 404).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use waymark_app::import_jobs::ImportJobStatus;

use crate::api::ApiError;
use crate::api::extract::{ApiPath, OptionalApiJson};
use crate::api::imports::{ConfirmJson, ImportResultJson};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/imports/{token}/jobs", post(start_job))
        .route("/api/import-jobs/{id}", get(job))
        .route("/api/import-jobs/{id}/cancel", post(cancel_job))
        .route("/api/import-jobs/{id}/findings.csv", get(findings_csv))
        .route("/api/import-jobs/{id}/findings.xlsx", get(findings_xlsx))
}

/// A background import as it stands.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ImportJobJson {
    /// The job's id, for the URLs below.
    id: String,
    /// Where to read this status again.
    status_url: String,
    /// Where to ask it to stop (until it commits).
    cancel_url: String,
    file_name: String,
    started_by: String,
    started_at: String,
    finished_at: Option<String>,
    /// reading, checking, storing, done, failed or cancelled.
    #[schema(value_type = String, example = "storing")]
    stage: &'static str,
    /// The stage in words: "Storing 40,000 of 300,000 rows".
    words: String,
    /// Rows checked (stage checking) or written (stage storing) so far, of `rows_total`.
    rows_done: usize,
    rows_total: usize,
    /// How far the whole job has got, 0 to 1; it never goes back.
    fraction: f64,
    /// True once cancelling was asked for.
    cancel_requested: bool,
    /// Why it failed: nothing was stored.
    error: Option<String>,
    /// What it stored, once done.
    #[schema(no_recursion)]
    result: Option<ImportResultJson>,
    /// Once done: every finding by sheet, row and column.
    findings_csv_url: Option<String>,
    findings_xlsx_url: Option<String>,
}

/// Whose URLs a job's status names: the API's, or its page's (whose script reads it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobUrls {
    Api,
    Page,
}

impl ImportJobJson {
    /// The status, with the API's or the page's URLs.
    pub(crate) fn new(status: &ImportJobStatus, urls: JobUrls) -> ImportJobJson {
        let base = match urls {
            JobUrls::Api => format!("/api/import-jobs/{}", status.id),
            JobUrls::Page => format!("/import-jobs/{}", status.id),
        };
        let done = status.result.is_some();
        ImportJobJson {
            id: status.id.clone(),
            status_url: match urls {
                JobUrls::Api => base.clone(),
                JobUrls::Page => format!("{base}/status.json"),
            },
            cancel_url: format!("{base}/cancel"),
            file_name: status.file_name.clone(),
            started_by: status.started_by.clone(),
            started_at: status.started_at.to_rfc3339(),
            finished_at: status.finished_at.map(|at| at.to_rfc3339()),
            stage: status.stage.name(),
            words: status.words(),
            rows_done: status.rows_done,
            rows_total: status.rows_total,
            fraction: status.fraction,
            cancel_requested: status.cancel_requested,
            error: status.error.clone(),
            result: status.result.as_ref().map(ImportResultJson::new),
            findings_csv_url: done.then(|| format!("{base}/findings.csv")),
            findings_xlsx_url: done.then(|| format!("{base}/findings.xlsx")),
        }
    }
}

/// Starts storing a previewed upload in the background, as its last preview read it, and
/// answers at once: read `status_url` until `stage` is done, failed or cancelled. Nothing is
/// stored until the job commits its one transaction; cancelled or failed, it stores nothing
/// and the token can be confirmed again. An upload whose job is still running answers that
/// job. The file is read by the job: one that cannot be read (a preview with `readable`
/// false) starts a job that fails, its `error` saying why.
#[utoipa::path(post, path = "/api/imports/{token}/jobs", tag = "imports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("token" = String, Path, description = "The preview's token")),
    request_body(content = ConfirmJson, description = "Optional: as for the confirmation"),
    responses(
        (status = 202, description = "Started: read `status_url`", body = ImportJobJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "A cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No preview of yours has that token (or it was stored already)", body = ErrorJson),
        (status = 422, description = "A body the schema refuses, checked before the token: an answer in `directions` that is not higher or lower, or a blank title", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn start_job(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(token): ApiPath<String>,
    OptionalApiJson(body): OptionalApiJson<ConfirmJson>,
) -> Result<Response, ApiError> {
    let choices = body.choices()?;
    let status = state
        .app
        .start_import_job(&viewer.actor, &token, choices)
        .await?;
    let json = ImportJobJson::new(&status, JobUrls::Api);
    let mut response = (StatusCode::ACCEPTED, Json(json)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/import-jobs/{}", status.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// A background import's status: for who started it and their organisation's administrators.
#[utoipa::path(get, path = "/api/import-jobs/{id}", tag = "imports",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, body = ImportJobJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No job of yours (or, for an administrator, of your organisation's) has that id", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn job(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportJobJson>, ApiError> {
    let status = state.app.import_job(&viewer.actor, &id)?;
    Ok(Json(ImportJobJson::new(&status, JobUrls::Api)))
}

/// Asks a background import to stop before it commits: it stops at its next check (between
/// batches of rows, or before the commit) and stores nothing. A job already finished is left
/// as it is; its status says so.
#[utoipa::path(post, path = "/api/import-jobs/{id}/cancel", tag = "imports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Its status: `cancel_requested`, and in time `stage` cancelled (or done, where it had already committed)", body = ImportJobJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "A cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No job of yours (or, for an administrator, of your organisation's) has that id", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn cancel_job(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportJobJson>, ApiError> {
    let status = state.app.cancel_import_job(&viewer.actor, &id)?;
    Ok(Json(ImportJobJson::new(&status, JobUrls::Api)))
}

/// A stored background import's findings as CSV: `sheet,row,column,rows,kind,finding,message`.
#[utoipa::path(get, path = "/api/import-jobs/{id}/findings.csv", tag = "imports",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Every finding, one a line", content_type = "text/csv", body = String),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No job of yours (or, for an administrator, of your organisation's) has that id", body = ErrorJson),
        (status = 409, description = "The job has not stored its import (yet), or failed or was cancelled: named `job`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn findings_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let findings = state.app.import_job_findings(&viewer.actor, &id)?;
    Ok(findings_file(findings, FindingsFormat::Csv).await?)
}

/// A stored background import's findings as an XLSX workbook of one sheet, with the CSV's
/// columns.
#[utoipa::path(get, path = "/api/import-jobs/{id}/findings.xlsx", tag = "imports",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Every finding, one a row", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 404, description = "No job of yours (or, for an administrator, of your organisation's) has that id", body = ErrorJson),
        (status = 409, description = "The job has not stored its import (yet), or failed or was cancelled: named `job`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn findings_xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let findings = state.app.import_job_findings(&viewer.actor, &id)?;
    Ok(findings_file(findings, FindingsFormat::Xlsx).await?)
}

/// The two shapes of a job's findings download.
#[derive(Clone, Copy)]
pub(crate) enum FindingsFormat {
    Csv,
    Xlsx,
}

/// A job's findings as a file download; shared with the job's page, whose refusal of a job
/// not yet stored is the form's 422 (the API's is 409).
pub(crate) async fn findings_download(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    format: FindingsFormat,
) -> Result<Response, AppError> {
    let findings = state.app.import_job_findings(&viewer.actor, id)?;
    findings_file(findings, format).await
}

/// Findings as a CSV or XLSX download.
async fn findings_file(
    findings: Vec<waymark_io::Finding>,
    format: FindingsFormat,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || match format {
        FindingsFormat::Csv => waymark_io::findings_table::findings_table_csv(&findings),
        FindingsFormat::Xlsx => waymark_io::findings_table::findings_table_xlsx(&findings),
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::Internal)?;
    let (content_type, name) = match format {
        FindingsFormat::Csv => ("text/csv; charset=utf-8", "import-findings.csv"),
        FindingsFormat::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "import-findings.xlsx",
        ),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}
