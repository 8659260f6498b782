//! A background import's page: its stage in words and a progress bar, a button to cancel it
//! until it commits, and once stored what it stored with its findings as CSV or XLSX. The
//! page works without JavaScript (it refreshes itself every few seconds while the job runs,
//! by a `<meta http-equiv="refresh">` inside `<noscript>`, and has a refresh link); with it,
//! `/assets/import-job.js` reads the small status JSON every second and moves the bar, then
//! reloads the page when the job ends. The application layer's `import_jobs` holds the jobs
//! and decides who sees one (who started it and their organisation's administrators; anyone
//! else gets 404).

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use waymark_app::import_jobs::{ImportJobStatus, thousands};
use waymark_app::imports::ImportResult;

use crate::api::import_jobs::{FindingsFormat, ImportJobJson, JobUrls, findings_download};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/import-jobs/{id}", get(job_page))
        .route("/import-jobs/{id}/status.json", get(job_status))
        .route("/import-jobs/{id}/cancel", post(cancel))
        .route("/import-jobs/{id}/findings.csv", get(findings_csv))
        .route("/import-jobs/{id}/findings.xlsx", get(findings_xlsx))
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    chrome: Chrome,
    id: String,
    file_name: String,
    started_by: String,
    started_at: String,
    /// reading, checking, storing, done, failed, cancelled.
    stage: &'static str,
    words: String,
    percent: u32,
    running: bool,
    cancel_requested: bool,
    error: Option<String>,
    /// Once stored: the plan, where to see it, and what went in.
    plan_link: Option<String>,
    plan_title: String,
    stored: String,
    findings: usize,
}

impl JobPage {
    fn new(viewer: &Viewer, status: &ImportJobStatus) -> JobPage {
        let (plan_link, plan_title, stored, findings) = match &status.result {
            Some(result) => (
                result.plan().map(|plan| plan_link(result, plan.0)),
                result.plan_title(),
                stored_words(result),
                result.findings().len(),
            ),
            None => (None, String::new(), String::new(), 0),
        };
        JobPage {
            chrome: Chrome::for_viewer(viewer, "import"),
            id: status.id.clone(),
            file_name: status.file_name.clone(),
            started_by: status.started_by.clone(),
            started_at: status
                .started_at
                .format("%-d %B %Y at %H:%M UTC")
                .to_string(),
            stage: status.stage.name(),
            words: status.words(),
            percent: status.percent(),
            running: !status.stage.is_finished(),
            cancel_requested: status.cancel_requested,
            error: status.error.clone(),
            plan_link,
            plan_title,
            stored,
            findings,
        }
    }

    fn heading(&self) -> &'static str {
        match self.stage {
            "done" => "Import stored",
            "failed" => "The import failed",
            "cancelled" => "Import cancelled",
            _ => "Importing",
        }
    }
}

/// Where the stored plan is seen: its indicators, items or programme.
fn plan_link(result: &ImportResult, plan: i64) -> String {
    match result {
        ImportResult::Indicators { .. } => format!("/plans/{plan}/indicators?imported=1"),
        ImportResult::Items { .. } => format!("/plans/{plan}?imported=1"),
        ImportResult::Programme { .. } => format!("/plans/{plan}/programme?imported=1"),
        ImportResult::Sheets { .. } => "/".to_string(),
    }
}

/// "100,000 items and 100,000 dated updates", or the indicators, projects or plans stored.
fn stored_words(result: &ImportResult) -> String {
    let count = |n: usize, one: &str, many: &str| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    };
    match result {
        // A new plan changes nothing already there: say only what it added.
        ImportResult::Items { outcome } if outcome.summary.changed == 0 => format!(
            "{} added, with {}",
            count(outcome.summary.added, "item", "items"),
            count(
                outcome.summary.updates_added,
                "dated update",
                "dated updates"
            )
        ),
        ImportResult::Items { outcome } => format!(
            "{} added and {} changed, with {}",
            count(outcome.summary.added, "item", "items"),
            thousands(outcome.summary.changed),
            count(
                outcome.summary.updates_added,
                "dated update",
                "dated updates"
            )
        ),
        ImportResult::Indicators { outcome, .. } => format!(
            "{} and {}",
            count(outcome.indicators_created, "indicator", "indicators"),
            count(outcome.measurements_added, "figure", "figures")
        ),
        ImportResult::Programme { .. } => "The programme register".to_string(),
        ImportResult::Sheets { sheets } => count(sheets.len(), "plan", "plans"),
    }
}

async fn job_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let status = state.app.import_job(&viewer.actor, &id)?;
    Ok(render(&JobPage::new(&viewer, &status))?.into_response())
}

/// The status the page's script reads, as the API's `ImportJobJson` with the page's URLs.
async fn job_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let status = state.app.import_job(&viewer.actor, &id)?;
    let mut response = Json(ImportJobJson::new(&status, JobUrls::Page)).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let status = state.app.cancel_import_job(&viewer.actor, &id)?;
    Ok(Redirect::to(&format!("/import-jobs/{}", status.id)).into_response())
}

async fn findings_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    findings_download(&state, &viewer, &id, FindingsFormat::Csv).await
}

async fn findings_xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    findings_download(&state, &viewer, &id, FindingsFormat::Xlsx).await
}
