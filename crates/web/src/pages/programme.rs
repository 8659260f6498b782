//! A collaboration programme's home page for a year (participants with their basis and share of
//! the cost, the apportionment statement, funding by year and source, savings against target,
//! projects by area and status) and its framework matrix (projects against APACS categories,
//! PSA numbers and the programme's own tags, as seed 003's appendix A lays them out).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use waymark_core::PlanId;
use waymark_core::programme::{format_pence, year_label};

use crate::api::year_asked;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, RagView, render};
use crate::state::AppState;
use crate::views_programme::ProgrammeSummary;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/programme", get(home))
        .route("/plans/{id}/programme/matrix", get(matrix))
        .route("/plans/{id}/programme/report", get(report))
}

#[derive(Deserialize)]
struct ReportQuery {
    year: Option<String>,
    format: Option<String>,
}

/// The annual collaboration report for a year: HTML opens in the browser, the rest download.
async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ReportQuery>,
) -> Result<axum::response::Response, AppError> {
    let year = year_asked(query.year.as_deref(), state.today())?;
    let format: waymark_report::Format = query
        .format
        .as_deref()
        .unwrap_or("html")
        .parse()
        .map_err(|_| AppError::invalid("format", "Choose PDF, HTML, DOCX or XLSX"))?;
    let (name, bytes) = state
        .app
        .collaboration_report(&viewer.actor, PlanId(id), year, format)
        .await?;
    Ok(crate::pages::reports::file_response(
        format.content_type(),
        &name,
        format == waymark_report::Format::Html,
        bytes,
    ))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<String>,
}

struct ParticipantRow {
    name: String,
    lead: bool,
    basis: String,
    source: String,
    share: String,
    dates: String,
}

struct ProjectRow {
    id: i64,
    name: String,
    status: String,
    lead: String,
    participants: String,
    model: String,
    rag: RagView,
    funding: String,
}

struct AreaGroup {
    area: String,
    projects: Vec<ProjectRow>,
}

struct MoneyRow {
    label: String,
    known: String,
    unknown: usize,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    year: String,
    years: Vec<(String, bool)>,
    lead: String,
    participants: Vec<ParticipantRow>,
    cost_label: String,
    cost_total: String,
    cost_method: String,
    statement: Vec<String>,
    cost_problem: String,
    funding_by_year: Vec<MoneyRow>,
    funding_by_source: Vec<MoneyRow>,
    target: String,
    realised: String,
    planned: String,
    progress: String,
    met: String,
    share_back: Vec<(String, String)>,
    share_rule: String,
    by_status: Vec<(String, usize)>,
    areas: Vec<AreaGroup>,
    boards: Vec<(String, String, String)>,
    /// The programme's manager (a plan manager of the lead) may edit its facts.
    may_edit: bool,
}

async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_asked(query.year.as_deref(), state.today())?;
    let mut summary = state
        .app
        .programme_summary(&viewer.actor, PlanId(id), year)
        .await?;
    // Asked for no year, the page opens at this year where the programme has a cost or the
    // participants' bases for it, else at the latest year before that has them, rather than
    // at a year whose every share is "not stated".
    if query.year.as_deref().is_none_or(|y| y.trim().is_empty())
        && !summary.years_shared.contains(&summary.year)
        && let Some(latest) = summary
            .years_shared
            .iter()
            .filter(|y| **y <= year)
            .max()
            .copied()
    {
        summary = state
            .app
            .programme_summary(&viewer.actor, PlanId(id), latest)
            .await?;
    }
    let page = programme_page(&viewer, &summary);
    render(&page)
}

fn programme_page(viewer: &Viewer, summary: &ProgrammeSummary) -> ProgrammePage {
    let year = year_label(summary.year);
    let participants = summary
        .participants
        .iter()
        .map(|p| ParticipantRow {
            name: p.organisation.name.clone(),
            lead: p.participant.is_lead,
            basis: p
                .basis
                .as_ref()
                .map(|b| format!("{} {}", b.kind.label(), b.kind.format_value(b.value)))
                .unwrap_or_else(|| "Not stated".into()),
            source: p
                .basis
                .as_ref()
                .map(|b| {
                    let mut words = b.source.clone();
                    if let Some(day) = b.as_of {
                        words.push_str(&format!(", as at {}", day.format("%-d %B %Y")));
                    }
                    if b.illustrative {
                        words.push_str(" (illustrative)");
                    }
                    words
                })
                .unwrap_or_default(),
            share: p.share_pence.map(format_pence).unwrap_or_default(),
            dates: match (p.participant.joined_on, p.participant.left_on) {
                (Some(joined), None) => format!("Joined {}", joined.format("%-d %B %Y")),
                (None, Some(left)) => format!("Left {}", left.format("%-d %B %Y")),
                (Some(joined), Some(left)) => format!(
                    "{} to {}",
                    joined.format("%-d %B %Y"),
                    left.format("%-d %B %Y")
                ),
                (None, None) => String::new(),
            },
        })
        .collect();
    let mut areas: Vec<AreaGroup> = Vec::new();
    for project in &summary.projects {
        let row = ProjectRow {
            id: project.item.0,
            name: project.name.clone(),
            status: project.facts.status.label(),
            lead: project
                .lead
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            participants: if project.participants.is_empty() {
                "All".to_string()
            } else {
                project
                    .participants
                    .iter()
                    .map(|o| o.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            model: project
                .facts
                .model
                .as_ref()
                .map(|m| m.label().to_string())
                .unwrap_or_default(),
            rag: RagView::new(project.rag),
            funding: money_words(
                project.funding.known_pence,
                project.funding.unknown_count,
                project.funding.lines,
            ),
        };
        match areas.iter_mut().find(|a| a.area == project.area) {
            Some(group) => group.projects.push(row),
            None => areas.push(AreaGroup {
                area: project.area.clone(),
                projects: vec![row],
            }),
        }
    }
    let money_rows = |totals: Vec<(String, waymark_core::programme::FundingTotal)>| {
        totals
            .into_iter()
            .map(|(label, t)| MoneyRow {
                label,
                // Nothing is known to be zero where every amount is unknown.
                known: if t.lines > 0 && t.unknown_count == t.lines {
                    "None known".to_string()
                } else {
                    format_pence(t.known_pence)
                },
                unknown: t.unknown_count,
            })
            .collect::<Vec<_>>()
    };
    let progress = &summary.progress;
    ProgrammePage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(summary.plan.plan.marking),
        may_edit: summary.plan.access.may_manage() && summary.plan.is_own(),
        plan_id: summary.plan.plan.id.0,
        plan_title: summary.plan.plan.title.clone(),
        years: summary
            .years
            .iter()
            .map(|y| (year_label(*y), *y == summary.year))
            .collect(),
        lead: summary
            .lead
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        participants,
        cost_label: summary
            .cost
            .as_ref()
            .map(|c| c.cost.label.clone())
            .unwrap_or_default(),
        cost_total: summary
            .cost
            .as_ref()
            .map(|c| format_pence(c.cost.total))
            .unwrap_or_default(),
        cost_method: summary
            .cost
            .as_ref()
            .map(|c| c.cost.method.describe())
            .unwrap_or_default(),
        statement: summary
            .cost
            .as_ref()
            .map(|c| c.statement.clone())
            .unwrap_or_default(),
        cost_problem: summary.cost_problem.clone().unwrap_or_default(),
        funding_by_year: money_rows(
            summary
                .funding_by_year
                .iter()
                .map(|(y, t)| (year_label(*y), *t))
                .collect(),
        ),
        funding_by_source: money_rows(
            summary
                .funding_by_source
                .iter()
                .map(|(s, t)| (s.clone(), *t))
                .collect(),
        ),
        target: progress
            .target
            .map(format_pence)
            .unwrap_or_else(|| "None set".into()),
        realised: format_pence(progress.realised),
        planned: format_pence(progress.planned),
        progress: progress
            .realised_percent
            .map(|p| format!("{}.{}%", p / 100, (p % 100) / 10))
            .unwrap_or_default(),
        met: match progress.met {
            Some(true) => "Target met".into(),
            Some(false) => "Target not yet met".into(),
            None => String::new(),
        },
        share_back: summary
            .share_back
            .as_ref()
            .map(|s| {
                s.shares
                    .iter()
                    .map(|(o, p)| (o.name.clone(), format_pence(*p)))
                    .collect()
            })
            .unwrap_or_default(),
        share_rule: summary
            .share_back
            .as_ref()
            .map(|s| s.rule.describe().to_string())
            .unwrap_or_default(),
        by_status: summary
            .projects_by_status
            .iter()
            .map(|(s, n)| {
                let mut chars = s.chars();
                let label = chars
                    .next()
                    .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default();
                (label, *n)
            })
            .collect(),
        areas,
        boards: summary
            .governance
            .iter()
            .map(|b| {
                (
                    b.name.clone(),
                    b.meets.clone().unwrap_or_default(),
                    b.members.join(", "),
                )
            })
            .collect(),
        year,
    }
}

/// "£290,000", "£290,000 and 1 amount not known", "Not known", or "" for no funding.
fn money_words(known: i64, unknown: usize, lines: usize) -> String {
    match (lines, unknown) {
        (0, _) => String::new(),
        (n, u) if n == u => "Not known".into(),
        (_, 0) => format_pence(known),
        (_, 1) => format!("{} and 1 amount not known", format_pence(known)),
        (_, u) => format!("{} and {u} amounts not known", format_pence(known)),
    }
}

struct MatrixRowView {
    id: i64,
    name: String,
    status: String,
    marks: Vec<bool>,
}

#[derive(Template)]
#[template(path = "programme_matrix.html")]
struct MatrixPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    /// (taxonomy, how many columns it spans).
    taxonomies: Vec<(String, usize)>,
    /// Each column's (taxonomy, value).
    columns: Vec<(String, String)>,
    rows: Vec<MatrixRowView>,
    counts: Vec<usize>,
}

async fn matrix(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let year = year_asked(None, state.today())?;
    let summary = state
        .app
        .programme_summary(&viewer.actor, PlanId(id), year)
        .await?;
    let matrix = &summary.matrix;
    let page = MatrixPage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(summary.plan.plan.marking),
        plan_id: summary.plan.plan.id.0,
        plan_title: summary.plan.plan.title.clone(),
        taxonomies: matrix
            .taxonomies
            .iter()
            .map(|t| (t.name.clone(), t.values.len()))
            .collect(),
        columns: matrix
            .taxonomies
            .iter()
            .flat_map(|t| t.values.iter().map(|v| (t.name.clone(), v.clone())))
            .collect(),
        rows: matrix
            .rows
            .iter()
            .map(|r| MatrixRowView {
                id: r.project.0,
                name: r.name.clone(),
                status: summary
                    .projects
                    .iter()
                    .find(|p| p.item == r.project)
                    .map(|p| p.facts.status.label())
                    .unwrap_or_default(),
                marks: r.marks.clone(),
            })
            .collect(),
        counts: matrix.column_counts(),
    };
    render(&page)
}
