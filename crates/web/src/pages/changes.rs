//! What changed in a plan between two days: RAG changes, new updates, items completed, items
//! newly overdue and new items, each with its date. Each list shows its first rows and its
//! true total; "see all" opens that list alone, 100 a page (a quarter after an import can
//! hold tens of thousands of updates).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use waymark_app::model::PlanView;
use waymark_core::{ItemId, Page, PlanId};
use waymark_io::list_export::{List, ListCell};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::downloads::{ListFormat, list_download};
use crate::pages::plan::{Pagination, showing_of};
use crate::pages::{Chrome, DateField, RagView, first_line, long_date, render, with_errors};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/changes", get(show))
}

#[derive(Deserialize)]
struct ChangesQuery {
    from: Option<String>,
    to: Option<String>,
    /// One list alone, paged: `rag`, `completed`, `overdue`, `updates`, `new` or `fields`.
    list: Option<String>,
    page: Option<String>,
    /// csv or xlsx: every change of every list, as a download.
    format: Option<String>,
}

/// Rows of each list on the page that shows them all.
const SUMMARY_ROWS: usize = 20;
const ROWS_PER_PAGE: usize = 100;
const LISTS: [&str; 6] = ["rag", "completed", "overdue", "updates", "new", "fields"];

/// One list of the page: the rows shown and how they relate to the whole.
struct Section<T> {
    rows: Vec<T>,
    total: usize,
    /// "Showing 101–200 of 3,038", where only part of the list is shown.
    showing: String,
    /// The link to the whole list, from the page of all lists when it holds more.
    see_all: Option<String>,
    pagination: Option<Pagination>,
}

/// Which rows of a list of `total` to show, and the links around them.
struct Paging<'a> {
    /// The list shown alone, if any.
    alone: Option<&'a str>,
    page: usize,
    /// "/plans/3/changes?from=2026-01-01&to=2026-03-31&"
    base: String,
}

impl Paging<'_> {
    fn section<S, T>(&self, list: &str, all: &[S], build: impl Fn(&S) -> T) -> Section<T> {
        let total = all.len();
        let (page, see_all) = if self.alone == Some(list) {
            (Page::clamped(self.page, ROWS_PER_PAGE, total), None)
        } else {
            let more = (total > SUMMARY_ROWS).then(|| format!("{}list={list}", self.base));
            (Page::clamped(1, SUMMARY_ROWS, total), more)
        };
        let showing = if page.pages() > 1 || see_all.is_some() {
            showing_of(&page, "change", "changes")
        } else {
            String::new()
        };
        Section {
            rows: all[page.rows()].iter().map(build).collect(),
            total,
            showing,
            pagination: if see_all.is_none() {
                Pagination::new(&page, &format!("{}list={list}&", self.base))
            } else {
                None
            },
            see_all,
        }
    }
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

/// A due date, owners or wording changed: from, to, when and by whom.
struct FieldRow {
    id: i64,
    label: String,
    kind: &'static str,
    from: String,
    to: String,
    slipped: bool,
    date: String,
    by: String,
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
    /// The list shown alone ("" for all of them), and the link back to all of them.
    list: String,
    all_href: String,
    rag_changes: Section<RagRow>,
    updates: Section<UpdateRow>,
    completed: Section<Named>,
    newly_overdue: Section<Named>,
    new_items: Section<Named>,
    field_changes: Section<FieldRow>,
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
    let changed_by = read.changed_by;
    let after = read.after.view.clone();
    let marking = read.before.highest.max(read.after.highest);
    let label = |item: ItemId| label_of(&after, item);
    if let Some(format) = ListFormat::parse(query.format.as_deref()) {
        let mut rows = Vec::new();
        let row =
            |kind: &str, item: ItemId, day: Option<NaiveDate>, from: &str, to: &str, note: &str| {
                vec![
                    ListCell::text(kind),
                    ListCell::date(day),
                    ListCell::text(label(item)),
                    ListCell::text(from),
                    ListCell::text(to),
                    ListCell::text(note),
                ]
            };
        for m in &changes.rag_changes {
            rows.push(row(
                "RAG changed",
                m.item,
                Some(m.on),
                RagView::new(m.from).word,
                RagView::new(m.to).word,
                "",
            ));
        }
        for u in &changes.new_updates {
            let note = format!(
                "{}{}",
                u.author().map(|a| format!("{a}: ")).unwrap_or_default(),
                u.text
            );
            rows.push(row("Update", u.item, Some(u.as_of), "", "", &note));
        }
        for (item, day) in &changes.completed {
            rows.push(row("Completed", *item, *day, "", "", ""));
        }
        for (item, day) in &changes.newly_overdue {
            rows.push(row("Newly overdue", *item, *day, "", "", ""));
        }
        for item in &changes.new_items {
            rows.push(row(
                "Added",
                *item,
                after.item(*item).map(|i| i.exists_from),
                "",
                "",
                "",
            ));
        }
        for change in &changes.field_changes {
            let kind = if change.slipped {
                "Due date slipped"
            } else {
                change.kind.label()
            };
            let by = changed_by.get(&change.item).cloned().unwrap_or_default();
            rows.push(row(
                kind,
                change.item,
                Some(change.on),
                &change.from,
                &change.to,
                &by,
            ));
        }
        let list = List {
            title: "What changed".into(),
            marking: marking.label(),
            columns: ["Change", "Date", "Item", "From", "To", "Detail"]
                .map(str::to_string)
                .to_vec(),
            rows,
        };
        return list_download(list, format, &format!("plan-{id}-changes")).await;
    }
    let alone = query
        .list
        .as_deref()
        .map(str::trim)
        .filter(|list| LISTS.contains(list));
    let all_href = format!(
        "/plans/{id}/changes?from={}&to={}",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    );
    let paging = Paging {
        alone,
        page: query
            .page
            .as_deref()
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(1),
        base: format!("{all_href}&"),
    };
    let named_row = |(item, date): &(ItemId, Option<chrono::NaiveDate>)| Named {
        id: item.0,
        label: label(*item),
        date: date.map(long_date).unwrap_or_default(),
    };
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
        list: alone.unwrap_or_default().to_string(),
        rag_changes: paging.section("rag", &changes.rag_changes, |m| RagRow {
            id: m.item.0,
            label: label(m.item),
            date: long_date(m.on),
            from: RagView::new(m.from),
            to: RagView::new(m.to),
        }),
        updates: paging.section("updates", &changes.new_updates, |u| UpdateRow {
            id: u.item.0,
            label: label(u.item),
            date: long_date(u.as_of),
            author: u.author().unwrap_or_default(),
            text: first_line(&u.text, 200),
        }),
        completed: paging.section("completed", &changes.completed, named_row),
        newly_overdue: paging.section("overdue", &changes.newly_overdue, named_row),
        new_items: paging.section("new", &changes.new_items, |item| Named {
            id: item.0,
            label: label(*item),
            date: after
                .item(*item)
                .map(|i| long_date(i.exists_from))
                .unwrap_or_default(),
        }),
        field_changes: paging.section("fields", &changes.field_changes, |c| FieldRow {
            id: c.item.0,
            label: label(c.item),
            kind: c.kind.label(),
            from: c.from.clone(),
            to: c.to.clone(),
            slipped: c.slipped,
            date: long_date(c.on),
            by: changed_by.get(&c.item).cloned().unwrap_or_default(),
        }),
        all_href,
    })?;
    Ok(with_errors(html, has_errors))
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
