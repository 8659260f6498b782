//! A programme's published annual collaboration reports: each year's versions with who
//! published them and when, each downloadable in every format as it was published; and, for
//! the programme's managers, a form to publish a year's report and one to withdraw a version
//! with a reason (it stays listed, marked withdrawn, as a board report does). The draft of any year (the
//! report as the data stands now) downloads from the same page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use waymark_core::PlanId;
use waymark_core::programme::year_label;

use crate::api::year_asked;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/programme/reports", get(show).post(publish))
}

/// One published version, as the table lists it.
struct PublishedRow {
    id: i64,
    year: String,
    version: i64,
    published_on: String,
    by: String,
    formats: Vec<(String, &'static str)>,
    marking: String,
    withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "programme_reports.html")]
struct ProgrammeReportsPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    /// The year the draft links and the publish form are for.
    year: String,
    years: Vec<(String, bool)>,
    published: Vec<PublishedRow>,
    /// The version just published, for the success banner; empty otherwise.
    just_published: String,
    /// A report was just withdrawn.
    withdrawn: bool,
    /// The programme's managers (the lead's plan managers) publish.
    may_publish: bool,
}

#[derive(Deserialize)]
struct ShowQuery {
    year: Option<String>,
    published: Option<String>,
    withdrawn: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_asked(query.year.as_deref(), state.today())?;
    let reports = state
        .app
        .collaboration_reports(&viewer.actor, PlanId(id))
        .await?;
    let summary = state
        .app
        .programme_summary(&viewer.actor, PlanId(id), year)
        .await?;
    let published = reports
        .into_iter()
        .map(|r| PublishedRow {
            id: r.id.0,
            year: r.period_label,
            version: r.version,
            published_on: long_date(r.published_at.date_naive()),
            by: r.published_by.unwrap_or_default(),
            // In the draft links' order, whatever order the store lists them in.
            formats: ["html", "pdf", "docx", "xlsx"]
                .into_iter()
                .filter(|f| r.formats.iter().any(|stored| stored == f))
                .map(|f| (f.to_string(), format_label(f)))
                .collect(),
            marking: r.marking,
            withdrawn: r.withdrawn.map(|w| {
                format!(
                    "Withdrawn on {} by {}: {}",
                    long_date(w.at.date_naive()),
                    w.by.unwrap_or_default(),
                    w.reason
                )
            }),
        })
        .collect();
    render(&ProgrammeReportsPage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(summary.plan.plan.marking),
        may_publish: summary.plan.access.may_manage()
            && summary.plan.is_own()
            && !summary.plan.plan.archived,
        plan_id: id,
        plan_title: summary.plan.plan.title.clone(),
        year: year_label(summary.year),
        years: summary
            .years
            .iter()
            .rev()
            .map(|y| (year_label(*y), *y == summary.year))
            .collect(),
        published,
        just_published: query.published.unwrap_or_default(),
        withdrawn: query.withdrawn.is_some(),
    })
}

/// "PDF", "Word", "Excel", "HTML": what a link to each stored format says.
fn format_label(format: &str) -> &'static str {
    match format {
        "pdf" => "PDF",
        "docx" => "Word",
        "xlsx" => "Excel",
        "html" => "HTML",
        _ => "File",
    }
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    year: Option<String>,
}

/// Publishes the year's report, then shows the list with the new version in it.
async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let year = year_asked(form.year.as_deref(), state.today())?;
    let published = state
        .app
        .publish_collaboration_report(&viewer.actor, PlanId(id), year)
        .await?;
    let label = year_label(year);
    Ok(Redirect::to(&format!(
        "/plans/{id}/programme/reports?year={label}&published={}#published",
        published.version
    ))
    .into_response())
}
