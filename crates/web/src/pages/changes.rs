//! What changed in a plan between two days: RAG changes, new updates, items completed, items
//! newly overdue and new items, each with its date.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Days;
use serde::Deserialize;
use waymark_app::model::PlanView;
use waymark_core::{ItemId, PlanId};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, DateField, RagView, first_line, long_date, render, with_errors};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/changes", get(show))
}

#[derive(Deserialize)]
struct ChangesQuery {
    from: Option<String>,
    to: Option<String>,
}

struct Named {
    id: i64,
    label: String,
    date: String,
}

struct RagRow {
    id: i64,
    label: String,
    date: String,
    from: RagView,
    to: RagView,
}

struct UpdateRow {
    id: i64,
    label: String,
    date: String,
    author: String,
    text: String,
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    chrome: Chrome,
    id: i64,
    title: String,
    from_long: String,
    to_long: String,
    /// What the two date fields show and, if refused, why.
    from_value: String,
    from_error: String,
    to_value: String,
    to_error: String,
    /// The error summary: (field id, message).
    errors: Vec<(String, String)>,
    rag_changes: Vec<RagRow>,
    updates: Vec<UpdateRow>,
    completed: Vec<Named>,
    newly_overdue: Vec<Named>,
    new_items: Vec<Named>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, AppError> {
    let today = state.today();
    // A date that cannot be read, or a range the wrong way round, shows the 30 days up to the
    // other date (or today), with the field in error.
    let to_field = DateField::read("to", query.to.as_deref(), today);
    let to = to_field.day;
    let default_from = to.checked_sub_days(Days::new(30)).unwrap_or(to);
    let mut from_field = DateField::read("from", query.from.as_deref(), default_from);
    if from_field.day >= to {
        from_field.refuse(
            "Enter a date before the date in ‘To the end of’".to_string(),
            default_from,
        );
    }
    let from = from_field.day;
    let errors = DateField::summary(&[&from_field, &to_field]);
    let has_errors = !errors.is_empty();
    let read = state
        .app
        .plan_changes(&viewer.actor, PlanId(id), from, to)
        .await?;
    let changes = read.changes;
    let after = read.after.view.clone();
    let marking = read.before.highest.max(read.after.highest);
    let label = |item: ItemId| label_of(&after, item);
    let html = render(&ChangesPage {
        chrome: Chrome::for_viewer(&viewer, "plans").marked(marking),
        id,
        title: after.plan.title.clone(),
        from_long: long_date(from),
        to_long: long_date(to),
        from_value: from_field.value.clone(),
        from_error: from_field.message(),
        to_value: to_field.value.clone(),
        to_error: to_field.message(),
        errors,
        rag_changes: changes
            .rag_changes
            .iter()
            .map(|m| RagRow {
                id: m.item.0,
                label: label(m.item),
                date: long_date(m.on),
                from: RagView::new(m.from),
                to: RagView::new(m.to),
            })
            .collect(),
        updates: changes
            .new_updates
            .iter()
            .map(|u| UpdateRow {
                id: u.item.0,
                label: label(u.item),
                date: long_date(u.as_of),
                author: u.author().unwrap_or_default(),
                text: first_line(&u.text, 200),
            })
            .collect(),
        completed: named(&changes.completed, &label),
        newly_overdue: named(&changes.newly_overdue, &label),
        new_items: changes
            .new_items
            .iter()
            .map(|item| Named {
                id: item.0,
                label: label(*item),
                date: after
                    .item(*item)
                    .map(|i| long_date(i.exists_from))
                    .unwrap_or_default(),
            })
            .collect(),
    })?;
    Ok(with_errors(html, has_errors))
}

fn named(
    items: &[(ItemId, Option<chrono::NaiveDate>)],
    label: &impl Fn(ItemId) -> String,
) -> Vec<Named> {
    items
        .iter()
        .map(|(item, date)| Named {
            id: item.0,
            label: label(*item),
            date: date.map(long_date).unwrap_or_default(),
        })
        .collect()
}

/// "1.2 Offer a call-back at peak times": reference and text.
fn label_of(view: &PlanView, item: ItemId) -> String {
    view.item(item)
        .map(|i| match &i.fields.reference {
            Some(reference) => format!("{reference} {}", i.fields.text),
            None => i.fields.text.clone(),
        })
        .unwrap_or_default()
}
