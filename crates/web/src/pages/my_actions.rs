//! My actions: every action owned by a post the signed-in person holds today, across all plans,
//! overdue first, with "add an update" one click away.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use waymark_app::model::ItemState;
use waymark_app::reads::OwnedActions;
use waymark_core::{Flag, Page, Plan};
use waymark_io::list_export::{List, ListCell};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::downloads::{ListFormat, list_download};
use crate::pages::plan::{Pagination, showing_of};
use crate::pages::{Chrome, RagView, encode_query, first_line, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/my-actions", get(my_actions))
}

struct MyAction {
    id: i64,
    plan_id: i64,
    plan_title: String,
    reference: String,
    text: String,
    due: String,
    rag: RagView,
    latest: String,
    flags: Vec<&'static str>,
}

/// Commentary asked of one of the person's posts and not yet written.
struct CommentaryRow {
    /// Where to write it: the narrative page at the period, at the subject.
    href: String,
    title: String,
    plan_title: String,
    period: String,
    due: String,
    overdue: bool,
    note: String,
}

/// A comment that mentions the person or one of their posts.
struct MentionRow {
    item: i64,
    item_label: String,
    author: String,
    date: String,
    /// The comment's start, as plain text.
    excerpt: String,
}

#[derive(Template)]
#[template(path = "my_actions.html")]
struct MyActionsPage {
    chrome: Chrome,
    posts: Vec<String>,
    /// This page of the open actions, overdue first, then by due date.
    open: Vec<MyAction>,
    /// "Showing 1–100 of 240 open actions".
    open_showing: String,
    open_pages: Option<Pagination>,
    /// This page of the completed actions, kept apart behind a "show" link: a to-do list is
    /// about what is left to do.
    completed: Vec<MyAction>,
    completed_total: usize,
    completed_showing: String,
    completed_pages: Option<Pagination>,
    /// Whether the completed list is open (its own pages were asked for).
    completed_shown: bool,
    /// Overdue open actions, on every page.
    overdue: usize,
    /// The latest comments mentioning the person or their posts, newest first.
    mentions: Vec<MentionRow>,
    /// Commentary asked of their posts and not yet written, soonest due first.
    commentary: Vec<CommentaryRow>,
}

/// Which page of each list is shown; each is 100 rows.
#[derive(Debug, Default, Deserialize)]
struct MyActionsQuery {
    page: Option<String>,
    completed_page: Option<String>,
    /// csv or xlsx: the open actions, every page of them, as a download.
    format: Option<String>,
}

const ROWS_PER_PAGE: usize = 100;

/// A page number as written in the address; anything else is the first page.
fn page_number(written: Option<&str>) -> usize {
    written.and_then(|w| w.trim().parse().ok()).unwrap_or(1)
}

async fn my_actions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<MyActionsQuery>,
) -> Result<Response, AppError> {
    let OwnedActions {
        posts,
        found,
        marking,
    } = state.app.owned_actions(&viewer.actor).await?;
    let mut rows: Vec<(&Plan, &ItemState)> = found
        .iter()
        .flat_map(|(view, ids)| {
            ids.iter()
                .filter_map(|id| view.item(*id))
                .map(move |item| (&view.plan, item))
        })
        .collect();
    // Overdue first, then by due date (no due date last); only the rows shown are built.
    rows.sort_by_key(|(_, item)| {
        let due = item.fields.due.as_ref().map(|d| d.date);
        (
            item.fields.complete,
            !item.flags.contains(&Flag::Overdue),
            due.is_none(),
            due,
        )
    });
    let (completed, open): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(_, item)| item.fields.complete);
    let overdue = open
        .iter()
        .filter(|(_, item)| item.flags.contains(&Flag::Overdue))
        .count();
    let open_page = Page::clamped(
        page_number(query.page.as_deref()),
        ROWS_PER_PAGE,
        open.len(),
    );
    let completed_page = Page::clamped(
        page_number(query.completed_page.as_deref()),
        ROWS_PER_PAGE,
        completed.len(),
    );
    if let Some(format) = ListFormat::parse(query.format.as_deref()) {
        return list_download(open_list(&open, marking.label()), format, "my-actions").await;
    }
    let completed_shown = query.completed_page.is_some();
    let mentions = state
        .app
        .comments_mentioning_me(&viewer.actor)
        .await?
        .into_iter()
        .map(|m| MentionRow {
            item: m.comment.item.0,
            item_label: m.item_label,
            author: m.comment.author_name,
            date: long_date(m.comment.created_at.date_naive()),
            excerpt: first_line(&m.comment.body, 140),
        })
        .collect();
    let today = state.today();
    let commentary = state
        .app
        .my_commentary_asks(&viewer.actor)
        .await?
        .into_iter()
        .map(|mine| {
            let request = &mine.ask.request;
            let (kind, subject) = request.subject.key();
            CommentaryRow {
                href: format!(
                    "/plans/{}/narrative?period={}#{kind}-{subject}",
                    mine.plan.0,
                    encode_query(&request.period)
                ),
                title: mine.ask.title.clone(),
                plan_title: mine.plan_title.clone(),
                period: request.period.clone(),
                due: long_date(request.due),
                overdue: mine.ask.overdue(today),
                note: request.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let build = |list: &[(&Plan, &ItemState)], page: &Page| -> Vec<MyAction> {
        list[page.rows()]
            .iter()
            .map(|(plan, item)| my_action(plan, item))
            .collect()
    };
    Ok(render(&MyActionsPage {
        chrome: Chrome::for_viewer(&viewer, "my-actions").marked(marking),
        overdue,
        posts,
        open: build(&open, &open_page),
        open_showing: showing_of(&open_page, "open action", "open actions"),
        open_pages: Pagination::new(&open_page, "/my-actions?"),
        completed: build(&completed, &completed_page),
        completed_total: completed.len(),
        completed_showing: showing_of(&completed_page, "completed action", "completed actions"),
        completed_pages: Pagination::new(&completed_page, "/my-actions?completed_").map(
            // The completed list's links also jump to it, open.
            |pages| pages.with_fragment("completed"),
        ),
        completed_shown,
        mentions,
        commentary,
    })?
    .into_response())
}

/// The open actions as the download holds them: due and latest update as dates.
fn open_list(open: &[(&Plan, &ItemState)], marking: String) -> List {
    List {
        title: "My actions".into(),
        marking,
        columns: [
            "Plan",
            "Ref",
            "Action",
            "Owner",
            "Due",
            "Due as written",
            "RAG",
            "Latest update",
            "Flags",
        ]
        .map(str::to_string)
        .to_vec(),
        rows: open
            .iter()
            .map(|(plan, item)| {
                vec![
                    ListCell::text(&plan.title),
                    ListCell::text(item.fields.reference.clone().unwrap_or_default()),
                    ListCell::text(&item.fields.text),
                    ListCell::text(item.fields.owners.join(" / ")),
                    ListCell::date(item.fields.due.as_ref().map(|d| d.date)),
                    ListCell::text(item.fields.due_as_written().unwrap_or_default()),
                    ListCell::text(RagView::new(item.fields.shown_rag()).word),
                    ListCell::date(item.latest_update.as_ref().map(|u| u.as_of)),
                    ListCell::text(
                        item.flags
                            .iter()
                            .map(|f| f.label())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ]
            })
            .collect(),
    }
}

fn my_action(plan: &Plan, item: &ItemState) -> MyAction {
    MyAction {
        id: item.id.0,
        plan_id: plan.id.0,
        plan_title: plan.title.clone(),
        reference: item.fields.reference.clone().unwrap_or_default(),
        text: item.fields.text.clone(),
        due: item.fields.due_as_written().unwrap_or_default(),
        rag: RagView::new(item.fields.shown_rag()),
        latest: item
            .latest_update
            .as_ref()
            .map(|u| format!("{}: {}", long_date(u.as_of), first_line(&u.text, 120)))
            .unwrap_or_default(),
        flags: item.flags.iter().map(|f| f.label()).collect(),
    }
}
