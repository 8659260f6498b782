//! Board reports of a plan: preview and download any layout in any format, for a reporting
//! period or as at a day, and publish one so that it reads the same for ever; and the
//! organisation's report settings (`settings`) and glossary (`glossary`), which every report
//! uses. The page checks a report's acronyms against the glossary and links each one it does not
//! define to the glossary's form. Rendering (typst for PDF) is CPU work and runs on the
//! blocking pool.

mod glossary;
mod settings;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use serde::Deserialize;
use waymark_app::model::PublishedReportId;
use waymark_app::reports::ReportAsk;
use waymark_core::PlanId;
use waymark_report::{Format, Layout, Report};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/reports", get(show))
        .route(
            "/plans/{id}/reports/download",
            get(download).post(download_posted),
        )
        .route("/plans/{id}/reports/check", post(check_posted))
        .route("/plans/{id}/reports/publish", post(publish))
        .route(
            "/plans/{id}/reports/settings",
            post(settings::save).layer(DefaultBodyLimit::max(settings::MAX_LOGO_BYTES + 64 * 1024)),
        )
        .route(
            "/plans/{id}/reports/glossary",
            get(glossary::show).post(glossary::save),
        )
        .route(
            "/plans/{id}/reports/glossary/remove",
            post(glossary::remove),
        )
        .route("/reports/{id}/withdraw", post(withdraw))
        .route("/reports/{id}/{format}", get(published_file))
}

struct PublishedRow {
    id: i64,
    period: String,
    layout: String,
    as_at: String,
    published_at: String,
    by: String,
    formats: Vec<String>,
    version: i64,
    marking: String,
    /// Why and when it was withdrawn, if it was.
    withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    id: i64,
    title: String,
    default_period: String,
    layouts: Vec<(&'static str, &'static str)>,
    formats: Vec<(&'static str, &'static str)>,
    published: Vec<PublishedRow>,
    done: bool,
    settings: settings::SettingsSection,
    settings_saved: bool,
    acronyms: AcronymCheck,
    /// Mistakes in the reporting period or day given to check acronyms.
    form_errors: Vec<(String, String)>,
    /// The period and day in the report form, as the viewer last gave them.
    period: String,
    as_at: String,
    glossary_saved: bool,
    /// Plan managers publish and withdraw.
    may_publish: bool,
}

/// The glossary section of the reports page: how the organisation's glossary is made up, and
/// the acronyms a report uses that it does not define.
struct AcronymCheck {
    /// The report checked: "Q2 2026-27 report" or "report as at 20 November 2026"; empty if
    /// not checked.
    report: String,
    /// Each acronym used but not defined, with the link that adds its definition.
    undefined: Vec<(String, String)>,
    /// Terms the organisation added or reworded.
    own_terms: usize,
    /// Terms in the glossary in all.
    terms: usize,
    can_edit: bool,
}

impl ReportsPage {
    /// Every mistake on the page, for the error summary.
    fn errors(&self) -> Vec<(String, String)> {
        self.form_errors
            .iter()
            .chain(&self.settings.errors)
            .cloned()
            .collect()
    }

    /// The message for a field of the report form, if it has one.
    fn form_error(&self, field: &str) -> String {
        self.form_errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    published: Option<String>,
    settings: Option<String>,
    /// Set by the form's "Check acronyms" button (through `check_posted`) and on return from
    /// the glossary: check the report for `period` or `as_at`.
    check: Option<String>,
    period: Option<String>,
    as_at: Option<String>,
    glossary: Option<String>,
}

#[derive(Deserialize)]
struct ReportForm {
    layout: String,
    format: Option<String>,
    /// A reporting period such as "Q2 2026-27"; takes precedence over `as_at`.
    period: Option<String>,
    as_at: Option<String>,
    /// Set to put OFFICIAL-SENSITIVE items in an appendix marked apart from the body.
    sensitive_appendix: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let mut page = page(&state, &viewer, id).await?;
    if query.check.is_some() {
        page.period = query.period.unwrap_or_default();
        page.as_at = query.as_at.unwrap_or_default();
    }
    check_acronyms(&state, &viewer, &mut page).await?;
    render(&ReportsPage {
        done: query.published.is_some(),
        settings_saved: query.settings.is_some(),
        glossary_saved: query.glossary.is_some(),
        ..page
    })
}

/// Builds the report the page's form names (without rendering it) and lists the acronyms it
/// uses that the organisation's glossary does not define; a period or day that is not one is
/// named in the error summary instead.
async fn check_acronyms(
    state: &AppState,
    viewer: &Viewer,
    page: &mut ReportsPage,
) -> Result<(), AppError> {
    let form = ReportForm {
        layout: Layout::Quarterly.as_str().to_string(),
        format: None,
        period: Some(page.period.clone()),
        as_at: Some(page.as_at.clone()),
        sensitive_appendix: None,
    };
    let report = match build(state, viewer, PlanId(page.id), &form, None).await {
        Ok((report, _)) => report,
        Err(AppError::Invalid(errors)) => {
            page.form_errors = errors;
            return Ok(());
        }
        Err(other) => return Err(other),
    };
    let back = format!(
        "&from=reports&period={}&as_at={}",
        glossary::encode(&page.period),
        glossary::encode(&page.as_at)
    );
    page.acronyms.report = match report.cover.period_label.strip_prefix("As at ") {
        Some(day) => format!("report as at {day}"),
        None => format!("{} report", report.cover.period_label),
    };
    page.acronyms.undefined = report
        .glossary
        .undefined
        .iter()
        .map(|term| {
            (
                term.clone(),
                format!(
                    "/plans/{}/reports/glossary?term={}{back}#term-form",
                    page.id,
                    glossary::encode(term)
                ),
            )
        })
        .collect();
    Ok(())
}

/// The page as it first shows, without a banner or a form's mistakes.
async fn page(state: &AppState, viewer: &Viewer, id: i64) -> Result<ReportsPage, AppError> {
    let visible = state.app.plan(&viewer.actor, PlanId(id)).await?;
    let plan = visible.plan.clone();
    let published = state
        .app
        .published_reports(&viewer.actor, plan.id)
        .await?
        .into_iter()
        .map(|r| PublishedRow {
            id: r.id.0,
            period: r.period_label,
            layout: r
                .layout
                .parse::<Layout>()
                .map(|l| l.label().to_string())
                .unwrap_or(r.layout),
            as_at: long_date(r.as_at),
            published_at: long_date(r.published_at.date_naive()),
            by: r.published_by.unwrap_or_default(),
            formats: r.formats,
            version: r.version,
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
    let today = state.today();
    let default_period = waymark_report::indicators::last_period_ended(
        waymark_core::indicator::Calendar::Quarterly,
        today,
    )
    .map(|p| p.to_string())
    .unwrap_or_default();
    let definitions = glossary::definitions(state, viewer).await?;
    Ok(ReportsPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(plan.marking),
        may_publish: visible.access.may_manage() && !plan.archived,
        id,
        title: plan.title,
        period: default_period.clone(),
        as_at: String::new(),
        default_period,
        layouts: Layout::ALL
            .iter()
            .map(|l| (l.as_str(), l.label()))
            .collect(),
        formats: Format::ALL
            .iter()
            .map(|f| (f.extension(), f.label()))
            .collect(),
        published,
        done: false,
        settings: settings::section(state, viewer).await?,
        settings_saved: false,
        acronyms: AcronymCheck {
            report: String::new(),
            undefined: Vec::new(),
            own_terms: definitions
                .iter()
                .filter(|d| d.source == waymark_report::TermSource::Organisation)
                .count(),
            terms: definitions.len(),
            can_edit: viewer.actor.is_administrator() && visible.is_own(),
        },
        form_errors: Vec::new(),
        glossary_saved: false,
    })
}

/// The report a form asks for, as the application layer reads it.
fn ask(plan: PlanId, form: &ReportForm) -> Result<ReportAsk, AppError> {
    let layout: Layout = form
        .layout
        .parse()
        .map_err(|_| AppError::invalid("layout", "Choose a layout"))?;
    Ok(ReportAsk {
        plan,
        layout,
        period: form.period.clone(),
        as_at: form.as_at.clone(),
        settings: None,
        since: None,
        sensitive_appendix: form
            .sensitive_appendix
            .as_deref()
            .is_some_and(|v| !v.is_empty()),
    })
}

/// Builds the report a form asks for, as known now or at `known_at`.
async fn build(
    state: &AppState,
    viewer: &Viewer,
    plan: PlanId,
    form: &ReportForm,
    known_at: Option<chrono::DateTime<Utc>>,
) -> Result<(Report, Layout), AppError> {
    let ask = ask(plan, form)?;
    let report = state
        .app
        .build_report(&viewer.actor, &ask, known_at)
        .await?;
    Ok((report, ask.layout))
}

/// The report form's "Preview or download" button. The form posts, so that its CSRF token (which
/// Publish needs) never rides in a URL; reading a report changes nothing, so this only passes
/// the form on to the GET address, which can be bookmarked, reloaded and shared.
async fn download_posted(Path(id): Path<i64>, Form(form): Form<ReportForm>) -> Redirect {
    let query = serde_urlencoded::to_string([
        ("layout", form.layout.as_str()),
        ("format", form.format.as_deref().unwrap_or_default()),
        ("period", form.period.as_deref().unwrap_or_default()),
        ("as_at", form.as_at.as_deref().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let appendix = if form
        .sensitive_appendix
        .as_deref()
        .is_some_and(|v| !v.is_empty())
    {
        "&sensitive_appendix=yes"
    } else {
        ""
    };
    Redirect::to(&format!("/plans/{id}/reports/download?{query}{appendix}"))
}

/// The report form's "Check acronyms" button: as `download_posted`, back to the page with the
/// acronyms of the report the form names.
async fn check_posted(Path(id): Path<i64>, Form(form): Form<ReportForm>) -> Redirect {
    let query = serde_urlencoded::to_string([
        ("check", "1"),
        ("period", form.period.as_deref().unwrap_or_default()),
        ("as_at", form.as_at.as_deref().unwrap_or_default()),
    ])
    .unwrap_or_default();
    Redirect::to(&format!("/plans/{id}/reports?{query}#acronyms"))
}

async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(form): Query<ReportForm>,
) -> Result<Response, AppError> {
    let format: Format = form
        .format
        .as_deref()
        .unwrap_or("pdf")
        .parse()
        .map_err(|_| AppError::invalid("format", "Choose a format"))?;
    let ask = ask(PlanId(id), &form)?;
    let (report, bytes) = state.app.report_file(&viewer.actor, &ask, format).await?;
    let name = waymark_report::file_name(&report, ask.layout, format);
    Ok(file_response(
        format.content_type(),
        &name,
        format == Format::Html,
        bytes,
    ))
}

#[derive(Deserialize)]
struct PublishForm {
    layout: String,
    period: Option<String>,
    as_at: Option<String>,
    sensitive_appendix: Option<String>,
    /// Set by the confirmation page's button: without it, publishing asks first.
    confirm: Option<String>,
}

/// The report form's "Publish": first a page that says what will be frozen and asks to
/// confirm; its button publishes.
async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let report_form = ReportForm {
        layout: form.layout.clone(),
        format: None,
        period: form.period.clone(),
        as_at: form.as_at.clone(),
        sensitive_appendix: form.sensitive_appendix.clone(),
    };
    let ask = ask(PlanId(id), &report_form)?;
    if form.confirm.as_deref() != Some("yes") {
        let visible = state.app.managed_plan(&viewer.actor, PlanId(id)).await?;
        let report = state.app.build_report(&viewer.actor, &ask, None).await?;
        let earlier = state
            .app
            .published_reports(&viewer.actor, PlanId(id))
            .await?
            .into_iter()
            .filter(|r| {
                r.period_label == report.cover.period_label && r.layout == ask.layout.as_str()
            })
            .count();
        return Ok(render(&ConfirmPublishPage {
            chrome: Chrome::for_viewer(&viewer, "plans").marked(visible.plan.marking),
            id,
            title: visible.plan.title,
            layout: form.layout,
            layout_label: ask.layout.label().to_string(),
            period: form.period.unwrap_or_default(),
            as_at: form.as_at.unwrap_or_default(),
            sensitive_appendix: form.sensitive_appendix.is_some(),
            period_label: report.cover.period_label.clone(),
            marking: match &report.appendix {
                Some(appendix) => format!(
                    "{} body, with an appendix marked {}",
                    appendix.body_marking, appendix.marking
                ),
                None => report.cover.marking.clone().unwrap_or_default(),
            },
            next_version: earlier as i64 + 1,
        })?
        .into_response());
    }
    state.app.publish_report(&viewer.actor, &ask).await?;
    Ok(Redirect::to(&format!("/plans/{id}/reports?published=1")).into_response())
}

#[derive(Template)]
#[template(path = "report_publish.html")]
struct ConfirmPublishPage {
    chrome: Chrome,
    id: i64,
    title: String,
    layout: String,
    layout_label: String,
    period: String,
    as_at: String,
    period_label: String,
    marking: String,
    sensitive_appendix: bool,
    /// 1 for a first publication; more where the period has been published before.
    next_version: i64,
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    reason: String,
    /// "programme" where the form is on a programme's annual collaboration reports page,
    /// which is then where the withdrawal returns to.
    #[serde(default)]
    from: Option<String>,
}

/// Withdraws a published report with a reason; it stays listed, marked withdrawn.
async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let published = state
        .app
        .withdraw_report(&viewer.actor, PublishedReportId(id), &form.reason)
        .await;
    let plan = published?;
    if form.from.as_deref() == Some("programme") {
        return Ok(Redirect::to(&format!(
            "/plans/{plan}/programme/reports?withdrawn=1#published"
        ))
        .into_response());
    }
    Ok(Redirect::to(&format!("/plans/{plan}/reports?withdrawn=1#published")).into_response())
}

async fn published_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let (_, content_type, bytes) = state
        .app
        .published_file(&viewer.actor, PublishedReportId(id), &format)
        .await?;
    let name = format!("report-{id}.{format}");
    Ok(file_response(&content_type, &name, format == "html", bytes))
}

/// A file response: HTML opens in the browser for preview, other formats download. The
/// report's HTML carries its own stylesheet, so its policy allows inline styles and nothing else.
pub(crate) fn file_response(
    content_type: &str,
    name: &str,
    inline: bool,
    bytes: Vec<u8>,
) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let disposition = if inline { "inline" } else { "attachment" };
    let safe_name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("{disposition}; filename=\"{safe_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if inline {
        headers.insert(
            "content-security-policy",
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
            ),
        );
    }
    response
}
