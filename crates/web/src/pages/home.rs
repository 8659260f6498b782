//! Home: the viewer's plans, each with its RAG mix and the counts that need attention.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;
use crate::views::PlanCounts;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

struct PlanCard {
    id: i64,
    title: String,
    kind: String,
    period: String,
    counts: PlanCounts,
    shares: Vec<(&'static str, &'static str, usize, f64, f64)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    today: String,
    plans: Vec<PlanCard>,
}

async fn home(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, AppError> {
    let today = state.clock.today();
    let mut plans = Vec::new();
    for plan in state.store.plans(viewer.scope()).await? {
        let view = state
            .store
            .plan_as_at(viewer.scope(), plan.id, today, None)
            .await?;
        let counts = PlanCounts::new(&view);
        plans.push(PlanCard {
            id: plan.id.0,
            title: plan.title.clone(),
            kind: plan.kind.as_str().to_string(),
            period: plan.period.clone().unwrap_or_default(),
            shares: counts.shares(),
            counts,
        });
    }
    let organisation = organisation_name(&state, &viewer).await?;
    render(&HomePage {
        chrome: Chrome {
            user_name: viewer.user.name.clone(),
            organisation,
            csrf: viewer.csrf_token.clone(),
            section: "plans",
        },
        today: long_date(today),
        plans,
    })
}

/// The viewer's organisation name for the page header.
pub async fn organisation_name(state: &AppState, viewer: &Viewer) -> Result<String, AppError> {
    Ok(state
        .store
        .organisations()
        .await?
        .into_iter()
        .find(|org| org.id == viewer.user.org)
        .map(|org| org.name)
        .unwrap_or_default())
}
