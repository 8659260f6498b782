//! The organisation's glossary: the acronyms its reports explain. The page lists the glossary as
//! it stands (the starter list for UK policing with the organisation's own terms over it);
//! administrators add, change and remove terms. Every change is kept in the store with who and
//! when. The reports page links here with a term filled in for each acronym a report uses
//! without defining ("add definition"), and saving returns there.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use waymark_app::model::{
    GlossaryChange, GlossaryTermVersion, MAX_GLOSSARY_MEANING, MAX_GLOSSARY_TERM, glossary_term_key,
};
use waymark_core::PlanId;
use waymark_report::{DefinedTerm, TermSource};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;

/// How many past changes the page lists.
const HISTORY_SHOWN: i64 = 50;

/// One row of the glossary table.
struct TermRow {
    term: String,
    meaning: String,
    /// "Starter list" or the organisation's name.
    source: String,
    own: bool,
    /// The term encoded for the "Change" link's query.
    term_query: String,
}

/// The add-or-change form's values.
#[derive(Debug, Default, Deserialize)]
pub(super) struct TermForm {
    #[serde(default)]
    term: String,
    #[serde(default)]
    meaning: String,
    /// The term being changed, when the form changes one (renaming removes it).
    #[serde(default)]
    original: String,
    /// "reports" when the form was opened from the reports page's list of acronyms not in the
    /// glossary: saving returns there, to the report that was checked.
    #[serde(default)]
    from: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    as_at: String,
}

#[derive(Template)]
#[template(path = "reports_glossary.html")]
struct GlossaryPage {
    chrome: Chrome,
    id: i64,
    title: String,
    organisation: String,
    can_edit: bool,
    terms: Vec<TermRow>,
    own_count: usize,
    form: TermForm,
    /// True when the form changes an existing term rather than adding one.
    changing: bool,
    errors: Vec<(String, String)>,
    /// The success banner's words, after a save or a removal.
    banner: Option<String>,
    /// (when, who, what) of recent changes, newest first.
    history: Vec<(String, String, String)>,
}

impl GlossaryPage {
    fn error_for(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    /// A term to fill in: the one to change, or an acronym to define.
    term: Option<String>,
    from: Option<String>,
    period: Option<String>,
    as_at: Option<String>,
    saved: Option<String>,
    removed: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let mut page = page(&state, &viewer, id).await?;
    if let Some(term) = query
        .term
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let key = glossary_term_key(term);
        match page
            .terms
            .iter()
            .find(|row| glossary_term_key(&row.term) == key)
        {
            Some(existing) => {
                page.form.term = existing.term.clone();
                page.form.meaning = existing.meaning.clone();
                page.form.original = existing.term.clone();
                page.changing = true;
            }
            None => page.form.term = term.to_string(),
        }
    }
    if query.from.as_deref() == Some("reports") {
        page.form.from = "reports".into();
        page.form.period = query.period.unwrap_or_default();
        page.form.as_at = query.as_at.unwrap_or_default();
    }
    page.banner = match (query.saved, query.removed) {
        (Some(term), _) => Some(format!("{term} is in the glossary.")),
        (None, Some(term)) => Some(format!(
            "{term} has been removed from the glossary. Reports will list it as not defined if \
             they use it."
        )),
        (None, None) => None,
    };
    render(&page)
}

/// Adds or changes a term. A changed spelling of the same term (any capitals) rewords it; a
/// different term removes the old one in the same transaction.
pub(super) async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TermForm>,
) -> Result<Response, AppError> {
    if !viewer.actor.is_administrator() {
        return Err(AppError::Forbidden);
    }
    state.app.plan(&viewer.actor, PlanId(id)).await?;
    let errors = check(&form);
    if !errors.is_empty() {
        let mut page = page(&state, &viewer, id).await?;
        page.changing = !form.original.trim().is_empty();
        page.form = form;
        page.errors = errors;
        let mut response = render(&page)?.into_response();
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let term = form.term.trim();
    let mut changes = Vec::new();
    let original = form.original.trim();
    if !original.is_empty() && glossary_term_key(original) != glossary_term_key(term) {
        changes.push(GlossaryChange::remove(original));
    }
    changes.push(GlossaryChange::define(term, &form.meaning));
    state.app.change_glossary(&viewer.actor, &changes).await?;
    let target = if form.from == "reports" {
        format!(
            "/plans/{id}/reports?check=1&period={}&as_at={}&glossary=saved#acronyms",
            encode(&form.period),
            encode(&form.as_at)
        )
    } else {
        format!("/plans/{id}/reports/glossary?saved={}#terms", encode(term))
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    term: String,
}

/// Removes a term: the organisation's own, or one of the starter list's.
pub(super) async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, AppError> {
    if !viewer.actor.is_administrator() {
        return Err(AppError::Forbidden);
    }
    state.app.plan(&viewer.actor, PlanId(id)).await?;
    let definitions = definitions(&state, &viewer).await?;
    let key = glossary_term_key(&form.term);
    let Some(existing) = definitions
        .iter()
        .find(|d| glossary_term_key(&d.term) == key)
    else {
        return Err(AppError::NotFound);
    };
    state
        .app
        .change_glossary(&viewer.actor, &[GlossaryChange::remove(&existing.term)])
        .await?;
    Ok(Redirect::to(&format!(
        "/plans/{id}/reports/glossary?removed={}#terms",
        encode(&existing.term)
    ))
    .into_response())
}

/// The organisation's glossary as it stands.
pub(super) async fn definitions(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Vec<DefinedTerm>, AppError> {
    let own = state.app.glossary_terms(&viewer.actor).await?;
    Ok(waymark_report::organisation_glossary(own.iter().map(
        |stored| (stored.term.as_str(), stored.meaning.as_deref()),
    )))
}

/// The mistakes in a form, by field.
fn check(form: &TermForm) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let term = form.term.trim();
    if term.is_empty() {
        errors.push(("term".into(), "Enter the term, for example PCSO".into()));
    } else if term.chars().count() > MAX_GLOSSARY_TERM {
        errors.push((
            "term".into(),
            format!("The term must be {MAX_GLOSSARY_TERM} characters or fewer"),
        ));
    } else if term.chars().any(char::is_whitespace) {
        errors.push((
            "term".into(),
            "The term must be one word, for example PCSO or MoPI".into(),
        ));
    }
    let meaning = form.meaning.trim();
    if meaning.is_empty() {
        errors.push((
            "meaning".into(),
            "Enter what the term means, for example Police Community Support Officer".into(),
        ));
    } else if meaning.chars().count() > MAX_GLOSSARY_MEANING {
        errors.push((
            "meaning".into(),
            format!("The meaning must be {MAX_GLOSSARY_MEANING} characters or fewer"),
        ));
    }
    errors
}

async fn page(state: &AppState, viewer: &Viewer, id: i64) -> Result<GlossaryPage, AppError> {
    let plan = state.app.plan(&viewer.actor, PlanId(id)).await?.plan;
    let organisation = state.app.organisation_name(&viewer.actor).await?;
    let definitions = definitions(state, viewer).await?;
    let history = state
        .app
        .glossary_history(&viewer.actor, HISTORY_SHOWN)
        .await?;
    let own_count = definitions
        .iter()
        .filter(|d| d.source == TermSource::Organisation)
        .count();
    Ok(GlossaryPage {
        chrome: Chrome::for_viewer(viewer, "plans"),
        id,
        title: plan.title,
        can_edit: viewer.actor.is_administrator(),
        terms: definitions
            .into_iter()
            .map(|d| TermRow {
                own: d.source == TermSource::Organisation,
                term_query: encode(&d.term),
                source: match d.source {
                    TermSource::Starter => "Starter list".to_string(),
                    TermSource::Organisation => organisation.clone(),
                },
                term: d.term,
                meaning: d.meaning,
            })
            .collect(),
        organisation,
        own_count,
        form: TermForm::default(),
        changing: false,
        errors: Vec::new(),
        banner: None,
        history: history.iter().map(history_row).collect(),
    })
}

fn history_row(version: &GlossaryTermVersion) -> (String, String, String) {
    let local = version.entered_at.with_timezone(&chrono::Local);
    let what = match &version.meaning {
        Some(meaning) => format!("{}: {meaning}", version.term),
        None => format!("{} removed", version.term),
    };
    (
        format!(
            "{} at {}",
            long_date(local.date_naive()),
            local.format("%-I:%M%P")
        ),
        version.entered_by.clone().unwrap_or_default(),
        what,
    )
}

pub(super) use crate::pages::encode_query as encode;

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn mistakes_are_named_by_field() {
        let errors = check(&TermForm {
            term: "two words".into(),
            meaning: " ".into(),
            ..TermForm::default()
        });
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["term", "meaning"]);
        assert!(
            check(&TermForm {
                term: "PCSO".into(),
                meaning: "Police Community Support Officer".into(),
                ..TermForm::default()
            })
            .is_empty()
        );
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("Q2 2026-27"), "Q2%202026-27");
        assert_eq!(encode("A&B"), "A%26B");
    }
}
