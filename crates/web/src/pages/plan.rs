//! A plan's items as a table, as at today or any chosen day, with filters by flag and RAG.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use waymark_core::{Flag, PlanId, Rag};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, RagView, as_at_or_today, first_line, long_date, render};
use crate::state::AppState;
use crate::views::{PlanCounts, iso};

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}", get(show))
}

#[derive(Deserialize)]
struct PlanQuery {
    as_at: Option<String>,
    flag: Option<String>,
    rag: Option<String>,
}

struct Row {
    id: i64,
    depth: usize,
    level: String,
    reference: String,
    text: String,
    owners: Vec<String>,
    due: String,
    rag: RagView,
    latest_date: String,
    latest_text: String,
    latest_author: String,
    flags: Vec<&'static str>,
    is_parent: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: i64,
    title: String,
    kind: String,
    period: String,
    source: String,
    owner_posts: Vec<String>,
    as_at_iso: String,
    as_at_long: String,
    is_today: bool,
    filter_label: String,
    counts: PlanCounts,
    rows: Vec<Row>,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
) -> Result<Html<String>, AppError> {
    let today = state.clock.today();
    let as_at = as_at_or_today(query.as_at.as_deref(), today)?;
    let view = state
        .store
        .plan_as_at(viewer.scope(), PlanId(id), as_at, None)
        .await?;
    let counts = PlanCounts::new(&view);
    let flag = query.flag.as_deref().and_then(Flag::from_name);
    let rag_filter = query.rag.as_deref().map(|word| {
        if word.eq_ignore_ascii_case("none") {
            None
        } else {
            Rag::parse(word).ok().flatten()
        }
    });
    let mut filter_label = String::new();
    if let Some(flag) = flag {
        filter_label = flag.label().to_string();
    }
    if let Some(rag) = &rag_filter {
        filter_label = RagView::new(*rag).word.to_string();
    }
    let filtering = flag.is_some() || rag_filter.is_some();
    let rows = view
        .items
        .iter()
        .filter(|item| flag.is_none_or(|f| item.flags.contains(&f)))
        .filter(|item| {
            rag_filter.is_none_or(|r| item.children.is_empty() && item.fields.shown_rag() == r)
        })
        .map(|item| {
            let latest = item.latest_update.as_ref();
            Row {
                id: item.id.0,
                depth: if filtering { 0 } else { item.depth.min(4) },
                level: view.plan.level_name(item.depth).to_string(),
                reference: item.fields.reference.clone().unwrap_or_default(),
                text: item.fields.text.clone(),
                owners: item.fields.owners.clone(),
                due: item
                    .fields
                    .due
                    .as_ref()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                rag: RagView::new(item.fields.shown_rag()),
                latest_date: latest.map(|u| long_date(u.as_of)).unwrap_or_default(),
                latest_text: latest.map(|u| first_line(&u.text, 160)).unwrap_or_default(),
                latest_author: latest.and_then(|u| u.author()).unwrap_or_default(),
                flags: item.flags.iter().map(|f| f.label()).collect(),
                is_parent: !item.children.is_empty(),
            }
        })
        .collect();
    let plan = &view.plan;
    render(&PlanPage {
        chrome: Chrome::for_viewer(&state, &viewer, "plans").await?,
        id,
        title: plan.title.clone(),
        kind: plan.kind.as_str().to_string(),
        period: plan.period.clone().unwrap_or_default(),
        source: plan.source.clone().unwrap_or_default(),
        owner_posts: plan.owner_posts.clone(),
        as_at_iso: iso(as_at),
        as_at_long: long_date(as_at),
        is_today: as_at == today,
        filter_label,
        counts,
        rows,
    })
}
