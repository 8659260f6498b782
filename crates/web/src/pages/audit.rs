//! The audit trail (administrators): every change and security event in the organisation,
//! newest first, filtered by person, plan, item, day and kind of event, a hundred to a page,
//! and downloadable as CSV with the same filters.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use waymark_app::model::AuditFilter;
use waymark_core::{ItemId, PlanId, UserId};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, DateField, encode_query, long_date, render, with_errors};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(show))
        .route("/audit.csv", get(download))
}

/// Events on one page.
const PER_PAGE: usize = 100;

/// The kinds of event the filter offers: (action prefix, words).
const KINDS: [(&str, &str); 12] = [
    ("item.", "Changes to items and updates"),
    ("plan.", "Changes to plans and markings"),
    ("import.", "Imports"),
    ("measurement.", "Indicator figures"),
    ("report.", "Reports published, withdrawn and downloaded"),
    ("share.", "Sharing"),
    ("person.", "People, roles, clearances and passwords"),
    ("post.", "Post holders"),
    ("sign_in", "Sign-ins and failed sign-ins"),
    ("token.", "API tokens"),
    ("export.", "Exports of OFFICIAL-SENSITIVE material"),
    ("settings.", "Report settings and glossary"),
];

#[derive(Deserialize, Default)]
struct AuditQuery {
    person: Option<String>,
    plan: Option<String>,
    item: Option<String>,
    day: Option<String>,
    kind: Option<String>,
    page: Option<usize>,
}

struct EventRow {
    at: String,
    actor: String,
    address: String,
    action: String,
    plan: Option<(i64, String)>,
    item: Option<i64>,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<EventRow>,
    total: usize,
    first: usize,
    last: usize,
    page: usize,
    pages: usize,
    people: Vec<(i64, String)>,
    plans: Vec<(i64, String)>,
    kinds: &'static [(&'static str, &'static str)],
    person: String,
    plan: String,
    item: String,
    day: DateField,
    kind: String,
    /// The filters as a query, for paging and the CSV link.
    query: String,
    errors: Vec<(String, String)>,
}

/// The filter a query asks for, and the day field as the page shows it.
fn filter(query: &AuditQuery, today: chrono::NaiveDate) -> (AuditFilter, DateField) {
    let id = |value: &Option<String>| value.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    let day = DateField::read("day", query.day.as_deref(), today);
    let asked_day =
        query.day.as_deref().is_some_and(|d| !d.trim().is_empty()) && day.error.is_none();
    let filter = AuditFilter {
        user: id(&query.person).map(UserId),
        plan: id(&query.plan).map(PlanId),
        item: id(&query.item).map(ItemId),
        day: asked_day.then_some(day.day),
        action: query
            .kind
            .clone()
            .filter(|k| KINDS.iter().any(|(prefix, _)| prefix == k)),
        offset: (query.page.unwrap_or(1).max(1) - 1) * PER_PAGE,
        limit: Some(PER_PAGE),
        ..AuditFilter::default()
    };
    (filter, day)
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let today = state.today();
    let (filter, day) = filter(&query, today);
    let (total, events) = state
        .app
        .audit_events(&viewer.actor, filter.clone())
        .await?;
    let people: Vec<(i64, String)> = state
        .app
        .people(&viewer.actor, None)
        .await?
        .people
        .into_iter()
        .map(|p| (p.user.id.0, p.user.name))
        .collect();
    let plans: Vec<(i64, String)> = state
        .app
        .visible_plans(&viewer.actor)
        .await?
        .into_iter()
        .filter(|v| v.is_own())
        .map(|v| (v.plan.id.0, v.plan.title))
        .collect();
    let rows = events
        .into_iter()
        .map(|event| {
            let local = event.at.with_timezone(&chrono::Local);
            EventRow {
                at: format!(
                    "{} at {}",
                    long_date(local.date_naive()),
                    local.format("%H:%M:%S")
                ),
                actor: event.actor,
                address: event.address.unwrap_or_default(),
                action: action_words(&event.action),
                plan: event.plan.map(|p| {
                    let title = plans
                        .iter()
                        .find(|(id, _)| *id == p.0)
                        .map(|(_, t)| t.clone())
                        .unwrap_or_else(|| format!("Plan {}", p.0));
                    (p.0, title)
                }),
                item: event.item.map(|i| i.0),
                subject: event.subject.unwrap_or_default(),
                detail: event.detail.map(|d| detail_words(&d)).unwrap_or_default(),
            }
        })
        .collect::<Vec<_>>();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let first = if total == 0 { 0 } else { filter.offset + 1 };
    let last = filter.offset + rows.len();
    let pairs: Vec<(&str, String)> = [
        ("person", query.person.clone()),
        ("plan", query.plan.clone()),
        ("item", query.item.clone()),
        ("day", query.day.clone()),
        ("kind", query.kind.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
    .collect();
    let query_text = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_query(v)))
        .collect::<Vec<_>>()
        .join("&");
    let errors = DateField::summary(&[&day]);
    let has_errors = !errors.is_empty();
    let html = render(&AuditPage {
        chrome: Chrome::for_viewer(&viewer, "audit"),
        rows,
        total,
        first,
        last,
        page,
        pages,
        people,
        plans,
        kinds: &KINDS,
        person: query.person.unwrap_or_default(),
        plan: query.plan.unwrap_or_default(),
        item: query.item.unwrap_or_default(),
        day,
        kind: query.kind.unwrap_or_default(),
        query: query_text,
        errors,
    })?;
    Ok(with_errors(html, has_errors))
}

async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let (filter, _) = filter(&query, state.today());
    let bytes = state.app.audit_csv(&viewer.actor, filter).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit-trail.csv\""),
    );
    Ok(response)
}

/// An action in words: "item.edit" is "Item changed".
fn action_words(action: &str) -> String {
    let words = match action {
        "item.add" => "Item added",
        "item.edit" => "Item changed",
        "item.marking" => "Item's marking changed",
        "item.update" => "Update added",
        "item.move" => "Item moved",
        "item.reorder" => "Items reordered",
        "item.close" => "Item closed",
        "item.reopen" => "Item reopened",
        "item.archive" => "Item archived",
        "item.restore" => "Item restored",
        "item.assign_owners" => "Owners assigned",
        "plan.create" => "Plan created",
        "plan.edit" => "Plan changed",
        "plan.marking" => "Plan's marking changed",
        "plan.archive" => "Plan archived",
        "plan.restore" => "Plan restored",
        "import.items" => "Tracker imported into a plan",
        "import.new_plan" => "Plan imported",
        "import.indicators" => "Indicators imported",
        "measurement.record" => "Figure recorded",
        "measurement.replace" => "Figure replaced",
        "report.publish" => "Report published",
        "report.withdraw" => "Report withdrawn",
        "report.download" => "OFFICIAL-SENSITIVE report downloaded",
        "export.sensitive" => "OFFICIAL-SENSITIVE plan exported",
        "share.create" => "Plan shared",
        "share.revoke" => "Share revoked",
        "person.add" => "Person added",
        "person.roles" => "Role changed",
        "person.clearance" => "Clearance changed",
        "person.password" => "Password changed",
        "post.holding" => "Post holder changed",
        "sign_in" => "Signed in",
        "sign_in.failed" => "Failed sign-in",
        "sign_out" => "Signed out",
        "token.create" => "API token created",
        "token.revoke" => "API token revoked",
        "organisation.add" => "Organisation added",
        "settings.reports" => "Report settings saved",
        "settings.glossary" => "Glossary changed",
        "audit.export" => "Audit trail downloaded",
        "demo.load" | "demo.share" => "Demo data loaded",
        other => other,
    };
    words.to_string()
}

/// A detail's JSON as a short line: "rag: Amber → Red; due: 31 March 2015 → 30 June 2015".
fn detail_words(detail: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(detail) else {
        return detail.to_string();
    };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "none".to_string(),
        other => other.to_string(),
    };
    if let (Some(before), Some(after)) = (value.get("before"), value.get("after"))
        && let (Some(before), Some(after)) = (before.as_object(), after.as_object())
    {
        let mut parts: Vec<String> = after
            .iter()
            .map(|(field, new)| {
                let old = before.get(field).map(show).unwrap_or_else(|| "none".into());
                format!("{field}: {old} → {}", show(new))
            })
            .collect();
        parts.truncate(8);
        return crate::pages::first_line(&parts.join("; "), 300);
    }
    match value.as_object() {
        Some(object) => crate::pages::first_line(
            &object
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join("; "),
            300,
        ),
        None => crate::pages::first_line(&show(&value), 300),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_before_and_after() {
        assert_eq!(
            detail_words(r#"{"before":{"rag":"Amber"},"after":{"rag":"Red"}}"#),
            "rag: Amber → Red"
        );
        assert_eq!(
            detail_words(r#"{"file":"tracker.xlsx","added":3}"#),
            "added: 3; file: tracker.xlsx"
        );
        assert_eq!(action_words("item.edit"), "Item changed");
    }
}
