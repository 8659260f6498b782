//! My actions: every action owned by a post the signed-in person holds today, across all plans,
//! overdue first, with "add an update" one click away.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use chrono::NaiveDate;
use waymark_app::reads::OwnedActions;
use waymark_core::Flag;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, RagView, first_line, long_date, render};
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
    overdue: bool,
}

#[derive(Template)]
#[template(path = "my_actions.html")]
struct MyActionsPage {
    chrome: Chrome,
    posts: Vec<String>,
    /// Overdue first, then by due date.
    open: Vec<MyAction>,
    /// Kept apart, behind a "show" link: a to-do list is about what is left to do.
    completed: Vec<MyAction>,
    overdue: usize,
}

async fn my_actions(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let OwnedActions {
        posts,
        found,
        marking,
    } = state.app.owned_actions(&viewer.actor).await?;
    let mut actions = Vec::new();
    for (view, ids) in &found {
        let plan = &view.plan;
        for item in ids.iter().filter_map(|id| view.item(*id)) {
            actions.push((
                item.fields.complete,
                !item.flags.contains(&Flag::Overdue),
                item.fields.due.as_ref().map(|d| d.date),
                MyAction {
                    id: item.id.0,
                    plan_id: plan.id.0,
                    plan_title: plan.title.clone(),
                    reference: item.fields.reference.clone().unwrap_or_default(),
                    text: item.fields.text.clone(),
                    due: item
                        .fields
                        .due
                        .as_ref()
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    rag: RagView::new(item.fields.shown_rag()),
                    latest: item
                        .latest_update
                        .as_ref()
                        .map(|u| format!("{}: {}", long_date(u.as_of), first_line(&u.text, 120)))
                        .unwrap_or_default(),
                    flags: item.flags.iter().map(|f| f.label()).collect(),
                    overdue: item.flags.contains(&Flag::Overdue),
                },
            ));
        }
    }
    // Overdue first, then by due date (no due date last).
    actions.sort_by_key(|a| (a.0, a.1, a.2.is_none(), a.2));
    let (completed, open): (Vec<_>, Vec<_>) = actions.into_iter().partition(|a| a.0);
    let strip = |list: Vec<(bool, bool, Option<NaiveDate>, MyAction)>| -> Vec<MyAction> {
        list.into_iter().map(|(_, _, _, action)| action).collect()
    };
    let (open, completed) = (strip(open), strip(completed));
    render(&MyActionsPage {
        chrome: Chrome::for_viewer(&viewer, "my-actions").marked(marking),
        overdue: open.iter().filter(|a| a.overdue).count(),
        posts,
        open,
        completed,
    })
}
