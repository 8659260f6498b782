//! Writing for a report period: the plan's executive summary (the sentences generated from the
//! figures offered as a draft to edit), and commentary on each objective and each indicator,
//! each with its history. Every save is a new version; the period's report prints the newest
//! and marks what it generated as generated.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::commentary::CommentaryAsk;
use waymark_app::model::{NarrativeSubject, NarrativeVersion};
use waymark_app::narrative::NarrativeRead;
use waymark_app::reports::ReportAsk;
use waymark_core::indicator::IndicatorId;
use waymark_core::{ItemId, PlanId};
use waymark_report::Layout;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, encode_query, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/narrative", get(show).post(save))
        .route("/plans/{id}/narrative/ask", post(ask))
}

/// One thing to write about: the summary, an objective or an indicator.
struct Subject {
    /// The form's value: "summary", "objective-12", "indicator-7".
    key: String,
    title: String,
    /// What the report generates for it (an indicator's sentence), shown beside the form.
    generated: String,
    /// The textarea's text: what is in force, the draft offered, or what was just typed.
    text: String,
    /// "Written by … on …" for the text in force; empty when none is written.
    credit: String,
    may_write: bool,
    /// Earlier versions, newest first: (when, who, text).
    history: Vec<(String, String, String)>,
    error: String,
    /// "Asked of Head of Crime by 15 January 2027", where commentary has been asked for.
    asked: String,
    /// Asked, not written and past its date.
    asked_overdue: bool,
}

impl Subject {
    /// The text's paragraphs, split on blank lines, for reading where it cannot be written.
    fn paragraphs(&self) -> Vec<&str> {
        self.text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }
}

#[derive(Template)]
#[template(path = "narrative.html")]
struct NarrativePage {
    chrome: Chrome,
    id: i64,
    title: String,
    period: String,
    period_query: String,
    summary: Subject,
    /// True when the summary's box holds the generated draft rather than written text.
    summary_is_draft: bool,
    objectives: Vec<Subject>,
    indicators: Vec<Subject>,
    errors: Vec<(String, String)>,
    saved: bool,
    /// Plan managers ask the owners for their commentary.
    may_ask: bool,
    /// The newest ask for each subject of the period, in the order asked.
    asks: Vec<AskRow>,
    /// The ask form as typed, and its errors.
    ask_due: String,
    ask_note: String,
    ask_due_error: String,
    ask_note_error: String,
    ask_form_error: String,
    /// After asking: how many were asked, and how many had nobody to ask.
    asked_notice: Option<(usize, usize)>,
}

/// One row of the "asked for" table.
struct AskRow {
    key: String,
    title: String,
    owners: String,
    asked: String,
    due: String,
    /// written, overdue or waiting: the tag's class.
    status: &'static str,
    /// "Written 3 January 2027 by Ann Smith", "Overdue", "Not yet written".
    status_text: String,
}

impl AskRow {
    fn new(ask: &CommentaryAsk, today: chrono::NaiveDate) -> AskRow {
        let request = &ask.request;
        let (status, status_text) = match &ask.written {
            Some((at, by)) => (
                "written",
                match by {
                    Some(by) => format!("Written {} by {by}", long_date(at.date_naive())),
                    None => format!("Written {}", long_date(at.date_naive())),
                },
            ),
            None if ask.overdue(today) => ("overdue", "Overdue".to_string()),
            None => ("waiting", "Not yet written".to_string()),
        };
        AskRow {
            key: key_of(request.subject),
            title: ask.title.clone(),
            owners: request.owners.join(", "),
            asked: match &request.asked_by {
                Some(by) => format!("{} by {by}", long_date(request.asked_at.date_naive())),
                None => long_date(request.asked_at.date_naive()),
            },
            due: long_date(request.due),
            status,
            status_text,
        }
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    period: Option<String>,
    saved: Option<String>,
    /// After asking: how many subjects were asked, and how many had no owner.
    asked: Option<usize>,
    unowned: Option<usize>,
}

#[derive(Deserialize)]
struct AskForm {
    period: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct SaveForm {
    period: String,
    subject: String,
    #[serde(default)]
    text: String,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let period = period_or_last_quarter(&state, query.period.as_deref());
    let page = page(&state, &viewer, id, &period).await?;
    Ok(render(&NarrativePage {
        saved: query.saved.is_some(),
        asked_notice: query.asked.map(|asked| (asked, query.unowned.unwrap_or(0))),
        ..page
    })?
    .into_response())
}

/// Asks the owners of the plan's indicators and objectives for their commentary on the period.
async fn ask(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AskForm>,
) -> Result<Response, AppError> {
    match state
        .app
        .ask_for_commentary(
            &viewer.actor,
            PlanId(id),
            &form.period,
            &form.due,
            &form.note,
        )
        .await
    {
        Ok(asked) => Ok(Redirect::to(&format!(
            "/plans/{id}/narrative?period={}&asked={}&unowned={}#asked",
            encode_query(&asked.period),
            asked.asked.len(),
            asked.without_owner.len()
        ))
        .into_response()),
        Err(waymark_app::AppError::Invalid(problems)) => {
            let mut page = page(&state, &viewer, id, &form.period).await?;
            page.ask_due = form.due.clone();
            page.ask_note = form.note.clone();
            for (field, message) in &problems {
                match field.as_str() {
                    "due" => page.ask_due_error = message.clone(),
                    "note" => page.ask_note_error = message.clone(),
                    _ => page.ask_form_error = message.clone(),
                }
                let anchor = match field.as_str() {
                    "due" => "ask-due",
                    "note" => "ask-note",
                    _ => "ask",
                };
                page.errors.push((anchor.to_string(), message.clone()));
            }
            let mut response = render(&page)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<SaveForm>,
) -> Result<Response, AppError> {
    let subject = subject_of(&form.subject)
        .ok_or_else(|| AppError::invalid("subject", "Choose what the text is about"))?;
    match state
        .app
        .save_narrative(&viewer.actor, PlanId(id), &form.period, subject, &form.text)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/plans/{id}/narrative?period={}&saved=1#{}",
            encode_query(&form.period),
            form.subject
        ))
        .into_response()),
        Err(waymark_app::AppError::Invalid(problems)) => {
            let mut page = page(&state, &viewer, id, &form.period).await?;
            let message = problems
                .first()
                .map(|(_, message)| message.clone())
                .unwrap_or_default();
            for entry in page
                .objectives
                .iter_mut()
                .chain(page.indicators.iter_mut())
                .chain(std::iter::once(&mut page.summary))
                .filter(|entry| entry.key == form.subject)
            {
                entry.text = form.text.clone();
                entry.error = message.clone();
            }
            page.errors = vec![(format!("text-{}", form.subject), message)];
            let mut response = render(&page)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

/// The period asked for or, absent or empty, the quarter last ended, as the reports page
/// offers: the narrative page's and the API's default alike.
pub(crate) fn period_or_last_quarter(state: &AppState, asked: Option<&str>) -> String {
    match asked.map(str::trim) {
        Some(period) if !period.is_empty() => period.to_string(),
        _ => waymark_report::indicators::last_period_ended(
            waymark_core::indicator::Calendar::Quarterly,
            state.today(),
        )
        .map(|p| p.to_string())
        .unwrap_or_default(),
    }
}

fn subject_of(key: &str) -> Option<NarrativeSubject> {
    if key == "summary" {
        return Some(NarrativeSubject::Summary);
    }
    let (kind, id) = key.split_once('-')?;
    let id: i64 = id.parse().ok()?;
    match kind {
        "objective" => Some(NarrativeSubject::Objective(ItemId(id))),
        "indicator" => Some(NarrativeSubject::Indicator(IndicatorId(id))),
        _ => None,
    }
}

fn key_of(subject: NarrativeSubject) -> String {
    match subject {
        NarrativeSubject::Summary => "summary".into(),
        NarrativeSubject::Objective(id) => format!("objective-{}", id.0),
        NarrativeSubject::Indicator(id) => format!("indicator-{}", id.0),
    }
}

fn credit(version: &NarrativeVersion) -> String {
    match &version.entered_by {
        Some(by) => format!(
            "Written by {by} on {}",
            long_date(version.entered_at.date_naive())
        ),
        None => format!("Written on {}", long_date(version.entered_at.date_naive())),
    }
}

fn subject(
    read: &NarrativeRead,
    subject: NarrativeSubject,
    title: String,
    generated: String,
) -> Subject {
    let current = read.current(subject);
    Subject {
        key: key_of(subject),
        title,
        generated,
        text: current.and_then(|v| v.body.clone()).unwrap_or_default(),
        credit: current.map(credit).unwrap_or_default(),
        may_write: read.may_write(subject),
        history: read
            .history(subject)
            .into_iter()
            .skip(usize::from(current.is_some()))
            .map(|v| {
                (
                    long_date(v.entered_at.date_naive()),
                    v.entered_by.clone().unwrap_or_default(),
                    v.body.clone().unwrap_or_else(|| "(cleared)".into()),
                )
            })
            .collect(),
        error: String::new(),
        asked: String::new(),
        asked_overdue: false,
    }
}

/// The page for a period: the report for it (for its objectives, indicators and generated
/// sentences) beside what has been written.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    period: &str,
) -> Result<NarrativePage, AppError> {
    let read = state
        .app
        .narratives(&viewer.actor, PlanId(id), period)
        .await?;
    let mut ask = ReportAsk::new(PlanId(id), Layout::Quarterly);
    ask.period = Some(read.period.to_string());
    let report = state.app.build_report(&viewer.actor, &ask, None).await?;
    let mut summary = subject(
        &read,
        NarrativeSubject::Summary,
        "Executive summary".into(),
        String::new(),
    );
    let summary_is_draft = summary.text.is_empty();
    if summary_is_draft {
        summary.text = report.summary.sentences.join("\n\n");
    }
    let mut objectives: Vec<Subject> = report
        .objectives
        .iter()
        .filter_map(|section| {
            let item = section.item?;
            Some(subject(
                &read,
                NarrativeSubject::Objective(ItemId(item)),
                format!("{}. {}", section.number, section.title),
                String::new(),
            ))
        })
        .collect();
    let mut indicators: Vec<Subject> = report
        .objectives
        .iter()
        .flat_map(|section| section.indicators.iter())
        .chain(
            report
                .performance
                .iter()
                .filter(|group| group.objective == "Other indicators")
                .flat_map(|group| group.rows.iter()),
        )
        .filter_map(|row| {
            let id = row.indicator?;
            Some(subject(
                &read,
                NarrativeSubject::Indicator(IndicatorId(id)),
                format!("{} ({}: {})", row.title, row.period, row.actual),
                row.sentence.clone(),
            ))
        })
        .collect();
    let asked = state
        .app
        .commentary_asked(&viewer.actor, PlanId(id), &read.period.to_string())
        .await?;
    let today = state.today();
    let asks: Vec<AskRow> = asked.iter().map(|ask| AskRow::new(ask, today)).collect();
    for entry in objectives.iter_mut().chain(indicators.iter_mut()) {
        if let Some(ask) = asked
            .iter()
            .find(|ask| key_of(ask.request.subject) == entry.key && ask.written.is_none())
        {
            entry.asked = format!(
                "Asked of {} by {}",
                ask.request.owners.join(", "),
                long_date(ask.request.due)
            );
            entry.asked_overdue = ask.overdue(today);
        }
    }
    let plan = &read.plan.plan;
    Ok(NarrativePage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(plan.marking),
        id,
        title: plan.title.clone(),
        period: read.period.to_string(),
        period_query: encode_query(&read.period.to_string()),
        summary,
        summary_is_draft,
        objectives,
        indicators,
        errors: Vec::new(),
        saved: false,
        may_ask: read.plan.access.may_manage() && !plan.archived,
        asks,
        ask_due: String::new(),
        ask_note: String::new(),
        ask_due_error: String::new(),
        ask_note_error: String::new(),
        ask_form_error: String::new(),
        asked_notice: None,
    })
}
