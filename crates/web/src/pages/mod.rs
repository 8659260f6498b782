//! Server-rendered pages, one module per page, merged into one router here.

mod account;
mod attention;
mod audit;
mod changes;
mod downloads;
pub(crate) mod evidence;
mod home;
mod import_jobs;
mod imports;
mod indicators;
mod item;
mod my_actions;
pub(crate) mod narrative;
mod organisations;
mod people;
mod plan;
mod plan_build;
mod programme;
mod programme_edit;
mod programme_reports;
mod reports;
mod sharing;
mod sign_in;

use askama::Template;
use axum::Router;
use axum::response::Html;
use chrono::NaiveDate;
use waymark_core::Rag;
use waymark_core::date::format_long;

use crate::error::AppError;
use crate::state::AppState;

pub(crate) use evidence::{
    file_response as evidence_file_response, status_words as evidence_status,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(home::router())
        .merge(changes::router())
        .merge(imports::router())
        .merge(import_jobs::router())
        .merge(plan::router())
        .merge(plan_build::router())
        .merge(item::router())
        .merge(indicators::router())
        .merge(programme::router())
        .merge(programme_edit::router())
        .merge(programme_reports::router())
        .merge(my_actions::router())
        .merge(attention::router())
        .merge(people::router())
        .merge(reports::router())
        .merge(narrative::router())
        .merge(evidence::router())
        .merge(sharing::router())
        .merge(organisations::router())
        .merge(audit::router())
        .merge(account::router())
        .route("/health", axum::routing::get(|| async { "ok" }))
}

/// The plain error page every failure renders.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub detail: String,
}

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> Result<Html<String>, AppError> {
    Ok(Html(template.render()?))
}

/// What the layout needs to know about who is signed in.
pub struct Chrome {
    pub user_name: String,
    pub organisation: String,
    pub csrf: String,
    /// Which navigation entry is current.
    pub section: &'static str,
    /// Administrators see the people, organisations and audit pages.
    pub is_admin: bool,
    /// People who may create plans see "Create a plan" and the import page.
    pub may_create: bool,
    /// The protective marking of what the page shows, in a banner at its top and bottom;
    /// `None` for pages that show no plan content.
    pub marking: Option<String>,
}

impl Chrome {
    /// The layout for a signed-in viewer, with `section` highlighted in the navigation.
    pub fn for_viewer(viewer: &crate::auth::Viewer, section: &'static str) -> Chrome {
        let actor = &viewer.actor;
        Chrome {
            user_name: actor.name(),
            organisation: actor
                .organisation
                .as_ref()
                .map(|org| org.name.clone())
                .unwrap_or_default(),
            csrf: viewer.csrf_token.clone(),
            section,
            is_admin: actor.is_administrator(),
            may_create: actor.may_create_plans(),
            marking: None,
        }
    }

    /// The same, with the marking banner of the most sensitive thing the page shows.
    pub fn marked(mut self, marking: waymark_core::Classification) -> Chrome {
        self.marking = Some(marking.label());
        self
    }

    /// Whether the banner is OFFICIAL-SENSITIVE, for its colour.
    pub fn marking_is_sensitive(&self) -> bool {
        self.marking
            .as_deref()
            .is_some_and(|m| m.starts_with("OFFICIAL-SENSITIVE"))
    }
}

/// A RAG status ready for a template: always word and colour together.
#[derive(Debug, Clone)]
pub struct RagView {
    pub word: &'static str,
    pub class: &'static str,
}

impl RagView {
    pub fn new(rag: Option<Rag>) -> Self {
        match rag {
            Some(rag) => RagView {
                word: rag.word(),
                class: match rag {
                    Rag::Red => "red",
                    Rag::Amber => "amber",
                    Rag::Green => "green",
                    Rag::Blue => "blue",
                },
            },
            None => RagView {
                word: "Not assessed",
                class: "grey",
            },
        }
    }
}

/// "8 January 2015".
pub fn long_date(date: NaiveDate) -> String {
    format_long(date)
}

/// A date field's value as people in the UK write it: "2026-11-23" becomes "23/11/2026". Date
/// fields are text inputs, as GOV.UK advises, because a browser's own date picker shows the
/// date in its own locale's order; any other text (what someone typed that did not parse) is
/// shown back as it was.
pub fn uk_day(value: &str) -> String {
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => date.format("%d/%m/%Y").to_string(),
        Err(_) => value.to_string(),
    }
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The first line of a text, shortened for tables.
pub fn first_line(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() <= max_chars {
        line.to_string()
    } else {
        let cut: String = line.chars().take(max_chars).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Reads an optional `as_at` query value, defaulting to today. The JSON API refuses a date it
/// cannot read with this; a page reads its date fields with [`DateField::read`] instead.
pub fn as_at_or_today(value: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(today),
        Some(text) => waymark_app::text::parse_day(text)
            .ok_or_else(|| AppError::invalid("as_at", format!("\"{text}\" is not a date"))),
    }
}

/// The longest part of what someone typed that an error message quotes back.
const QUOTED_CHARS: usize = 40;

/// A date field of a read page's query (`?as_at=`, `?from=`, `?to=`), read as the API reads it.
/// Where the API refuses text that is not a date, a page shows itself for `fallback` with the
/// GOV.UK error pattern: an error summary, the message above the field, and the field showing
/// what was typed, so the reader can see what went wrong and correct it in place.
pub struct DateField {
    /// The field's id and name in the page's form, which the error summary links to.
    pub name: &'static str,
    /// The day the page shows: the one asked for, or `fallback` when none could be read.
    pub day: NaiveDate,
    /// What the field shows: what was typed when it was refused, else the day in UK order.
    pub value: String,
    /// Why the field was refused, for the summary and above the field.
    pub error: Option<String>,
}

impl DateField {
    /// Reads the field `name` from its query text; blank means `fallback`.
    pub fn read(name: &'static str, text: Option<&str>, fallback: NaiveDate) -> DateField {
        let typed = text.map(str::trim).filter(|t| !t.is_empty());
        match typed.map(|t| (t, waymark_app::text::parse_day(t))) {
            None => DateField::valid(name, fallback),
            Some((_, Some(day))) => DateField::valid(name, day),
            Some((typed, None)) => DateField {
                name,
                day: fallback,
                value: typed.to_string(),
                error: Some(format!(
                    "Enter a real date, for example 31/03/2026 – “{}” is not a date",
                    quoted(typed)
                )),
            },
        }
    }

    fn valid(name: &'static str, day: NaiveDate) -> DateField {
        DateField {
            name,
            day,
            value: day.format("%d/%m/%Y").to_string(),
            error: None,
        }
    }

    /// Refuses a day that was read but does not fit (a range the wrong way round, a day before
    /// an item existed): the page shows `fallback` and the field keeps what was typed.
    pub fn refuse(&mut self, message: String, fallback: NaiveDate) {
        self.day = fallback;
        self.error = Some(message);
    }

    /// The field's message, or "" for a template's `{% if !error.is_empty() %}`.
    pub fn message(&self) -> String {
        self.error.clone().unwrap_or_default()
    }

    /// The (field id, message) pairs of `fields` for the error summary, in the page's order.
    pub fn summary(fields: &[&DateField]) -> Vec<(String, String)> {
        fields
            .iter()
            .filter_map(|f| f.error.clone().map(|m| (f.name.to_string(), m)))
            .collect()
    }
}

/// What someone typed, cut short for quoting in a message. Templates escape it like any text.
pub fn quoted(typed: &str) -> String {
    if typed.chars().count() <= QUOTED_CHARS {
        typed.to_string()
    } else {
        let cut: String = typed.chars().take(QUOTED_CHARS).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The status of a read page that shows itself with a field refused: 422, as the form pages
/// answer when they show their errors. The body is the whole page, which browsers and screen
/// readers present just as they would at 200; what GOV.UK asks for is the "Error: " title, the
/// summary and the message by the field. The status tells scripts, link checkers and logs that
/// the address asked for something that could not be shown.
pub fn with_errors(html: Html<String>, has_errors: bool) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = html.into_response();
    if has_errors {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_field_shows_the_uk_order_and_reads_back_the_same_day() {
        assert_eq!(uk_day("2026-11-23"), "23/11/2026");
        assert_eq!(uk_day("2015-01-08"), "08/01/2015");
        assert_eq!(uk_day("31 Feb"), "31 Feb", "what was typed is shown back");
        let mut day = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap_or_default();
        for _ in 0..800 {
            let shown = uk_day(&day.format("%Y-%m-%d").to_string());
            assert_eq!(waymark_app::text::parse_day(&shown), Some(day), "{shown}");
            day = day.succ_opt().unwrap_or_default();
        }
    }

    #[test]
    fn a_date_field_keeps_what_was_typed_when_it_is_not_a_date() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default();
        let field = DateField::read("as_at", Some(" 31/02/2027 "), today);
        assert_eq!(field.day, today);
        assert_eq!(field.value, "31/02/2027");
        assert_eq!(
            field.message(),
            "Enter a real date, for example 31/03/2026 – “31/02/2027” is not a date"
        );
        let blank = DateField::read("as_at", Some("  "), today);
        assert_eq!((blank.day, blank.error), (today, None));
        let good = DateField::read("as_at", Some("2026-03-31"), today);
        assert_eq!(good.value, "31/03/2026");
        assert_eq!(DateField::summary(&[&good, &field]).len(), 1);
        let long = DateField::read("as_at", Some(&"x".repeat(500)), today);
        assert!(
            long.message()
                .contains(&format!("“{}…”", "x".repeat(QUOTED_CHARS)))
        );
        assert_eq!(long.value.len(), 500, "the field shows all of it");
    }
}
