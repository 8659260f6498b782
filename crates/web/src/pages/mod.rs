//! Server-rendered pages, one module per page, merged into one router here.

mod changes;
mod home;
mod imports;
mod indicators;
mod item;
mod my_actions;
mod people;
mod plan;
mod reports;
mod sign_in;

use askama::Template;
use axum::Router;
use axum::response::Html;
use chrono::NaiveDate;
use waymark_core::Rag;
use waymark_core::date::format_long;

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(home::router())
        .merge(changes::router())
        .merge(imports::router())
        .merge(plan::router())
        .merge(item::router())
        .merge(indicators::router())
        .merge(my_actions::router())
        .merge(people::router())
        .merge(reports::router())
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
    /// Administrators see the people and posts page.
    pub is_admin: bool,
}

impl Chrome {
    /// The layout for a signed-in viewer, with `section` highlighted in the navigation.
    pub fn for_viewer(viewer: &crate::auth::Viewer, section: &'static str) -> Chrome {
        Chrome {
            user_name: viewer.user.name.clone(),
            organisation: viewer.organisation_name.clone(),
            csrf: viewer.csrf_token.clone(),
            section,
            is_admin: viewer.user.is_admin,
        }
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

/// Reads an optional `as_at` query value, defaulting to today.
pub fn as_at_or_today(value: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(today),
        Some(text) => crate::service::parse_day(text)
            .ok_or_else(|| AppError::invalid("as_at", format!("\"{text}\" is not a date"))),
    }
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
            assert_eq!(crate::service::parse_day(&shown), Some(day), "{shown}");
            day = day.succ_opt().unwrap_or_default();
        }
    }
}
