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
    /// Words to find in items and their updates.
    q: Option<String>,
    owner: Option<String>,
    level: Option<String>,
    /// "plan" (document order), "due", "rag" (worst first) or "updated" (longest silent first).
    sort: Option<String>,
    /// Set after an import lands here.
    imported: Option<String>,
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
    q: String,
    owner: String,
    owners: Vec<String>,
    level: String,
    levels: Vec<(usize, String)>,
    sort: String,
    imported: bool,
}

impl PlanPage {
    fn owner_selected(&self, owner: &str) -> bool {
        self.owner == owner
    }

    fn level_selected(&self, depth: &usize) -> bool {
        self.level == depth.to_string()
    }

    fn sort_selected(&self, sort: &str) -> bool {
        self.sort == sort
    }
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
        .plan_view(viewer.scope(), PlanId(id), as_at, None)
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
        filter_label = format!("marked “{}”", flag.label());
    }
    if let Some(rag) = &rag_filter {
        filter_label = format!("with RAG status {}", RagView::new(*rag).word);
    }
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let found = if q.is_empty() {
        None
    } else {
        Some(state.store.search(viewer.scope(), PlanId(id), &q).await?)
    };
    let owner = query.owner.clone().unwrap_or_default();
    let level: Option<usize> = query.level.as_deref().and_then(|l| l.parse().ok());
    let sort = query.sort.clone().unwrap_or_else(|| "plan".into());
    if !q.is_empty() {
        filter_label = format!("containing “{q}”");
    }
    if !owner.is_empty() {
        filter_label = format!("owned by {owner}");
    }
    let filtering = flag.is_some()
        || rag_filter.is_some()
        || found.is_some()
        || !owner.is_empty()
        || level.is_some()
        || sort != "plan";
    let mut selected: Vec<&waymark_store::ItemState> = view
        .items
        .iter()
        .filter(|item| flag.is_none_or(|f| item.flags.contains(&f)))
        .filter(|item| {
            rag_filter.is_none_or(|r| item.children.is_empty() && item.fields.shown_rag() == r)
        })
        .filter(|item| found.as_ref().is_none_or(|ids| ids.contains(&item.id)))
        .filter(|item| owner.is_empty() || item.fields.owners.contains(&owner))
        .filter(|item| level.is_none_or(|l| item.depth == l))
        .collect();
    match sort.as_str() {
        "due" => selected.sort_by_key(|i| {
            (
                i.fields.due.is_none(),
                i.fields.due.as_ref().map(|d| d.date),
            )
        }),
        "rag" => selected.sort_by_key(|i| i.fields.shown_rag().map_or(4, |r| r.severity())),
        "updated" => selected.sort_by_key(|i| i.latest_update.as_ref().map(|u| u.as_of)),
        _ => {}
    }
    let mut owners: Vec<String> = view
        .items
        .iter()
        .flat_map(|i| i.fields.owners.iter().cloned())
        .collect();
    owners.sort();
    owners.dedup();
    let max_depth = view.items.iter().map(|i| i.depth).max().unwrap_or(0);
    let levels: Vec<(usize, String)> = (0..=max_depth)
        .map(|depth| (depth, view.plan.level_name(depth).to_string()))
        .collect();
    let rows = selected
        .into_iter()
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
        q,
        owner,
        owners,
        level: level.map(|l| l.to_string()).unwrap_or_default(),
        levels,
        sort,
        imported: query.imported.is_some(),
    })
}
