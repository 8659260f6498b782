//! Needs attention: across every plan the person may see, the actions overdue, due soon,
//! without a recent update or Red, and the indicators off target, with the plan page's own
//! filters (words, owner, level, tag, my actions). Each count links to the plan's page with
//! the same filter, which lists the same items.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use waymark_app::attention::NeedsAttention;
use waymark_app::item_list::{ItemFilter, ListParams};
use waymark_io::list_export::{List, ListCell};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::downloads::{ListFormat, list_download};
use crate::pages::{Chrome, RagView, encode_query, first_line, long_date, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/attention", get(show))
}

/// The filters, as the plan page names them.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AttentionQuery {
    pub q: Option<String>,
    pub owner: Option<String>,
    pub level: Option<String>,
    pub tag: Option<String>,
    pub mine: Option<String>,
    /// csv or xlsx: the rows on the page as a download.
    pub format: Option<String>,
}

impl AttentionQuery {
    pub(crate) fn filter(&self) -> ItemFilter {
        ItemFilter::read(&ListParams {
            q: self.q.clone(),
            owner: self.owner.clone(),
            level: self.level.clone(),
            tag: self.tag.clone(),
            mine: self.mine.is_some(),
            ..ListParams::default()
        })
        .0
    }

    /// The filters as a query string to pass on ("q=custody&mine=1"), empty for none.
    fn passed_on(&self) -> String {
        let mut parts = Vec::new();
        for (name, value) in [
            ("q", &self.q),
            ("owner", &self.owner),
            ("level", &self.level),
            ("tag", &self.tag),
        ] {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                parts.push(format!("{name}={}", encode_query(value)));
            }
        }
        if self.mine.is_some() {
            parts.push("mine=1".into());
        }
        parts.join("&")
    }
}

pub(crate) struct CountLink {
    pub label: &'static str,
    pub count: usize,
    /// The plan page listing the same items.
    pub href: String,
}

pub(crate) struct AttentionRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub reference: String,
    pub text: String,
    pub owners: String,
    pub due: String,
    pub rag: RagView,
    pub latest: String,
    pub kinds: Vec<&'static str>,
    pub due_date: Option<chrono::NaiveDate>,
    pub latest_date: Option<chrono::NaiveDate>,
}

pub(crate) struct PlanSummary {
    pub id: i64,
    pub title: String,
    pub counts: Vec<CountLink>,
    pub off_target: Vec<(i64, String, String, &'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "attention.html")]
struct AttentionPage {
    chrome: Chrome,
    totals: Vec<(&'static str, usize)>,
    off_target: usize,
    plans: Vec<PlanSummary>,
    rows: Vec<AttentionRow>,
    q: String,
    owner: String,
    mine: bool,
    has_posts: bool,
    csv_href: String,
    xlsx_href: String,
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AttentionQuery>,
) -> Result<Response, AppError> {
    let answer = state
        .app
        .needs_attention(&viewer.actor, &query.filter())
        .await?;
    let (plans, rows) = summarise(&answer, &query.passed_on());
    if let Some(format) = ListFormat::parse(query.format.as_deref()) {
        return list_download(
            as_list(&rows, answer.marking.label()),
            format,
            "needs-attention",
        )
        .await;
    }
    let download = |format: &str| {
        let filters = query.passed_on();
        if filters.is_empty() {
            format!("/attention?format={format}")
        } else {
            format!("/attention?{filters}&format={format}")
        }
    };
    Ok(render(&AttentionPage {
        csv_href: download("csv"),
        xlsx_href: download("xlsx"),
        chrome: Chrome::for_viewer(&viewer, "attention").marked(answer.marking),
        totals: answer
            .totals()
            .into_iter()
            .map(|(kind, n)| (kind.label(), n))
            .collect(),
        off_target: answer.indicators_off_target(),
        plans,
        rows,
        q: query.q.clone().unwrap_or_default(),
        owner: query.owner.clone().unwrap_or_default(),
        mine: query.mine.is_some(),
        has_posts: !viewer.actor.posts.is_empty(),
    })?
    .into_response())
}

/// The rows on the page, as a download holds them: the due date as a date.
fn as_list(rows: &[AttentionRow], marking: String) -> List {
    List {
        title: "Needs attention".into(),
        marking,
        columns: [
            "Plan",
            "Ref",
            "Action",
            "Owner",
            "Due",
            "RAG",
            "Latest update",
            "Why",
        ]
        .map(str::to_string)
        .to_vec(),
        rows: rows
            .iter()
            .map(|row| {
                vec![
                    ListCell::text(&row.plan_title),
                    ListCell::text(&row.reference),
                    ListCell::text(&row.text),
                    ListCell::text(&row.owners),
                    row.due_date
                        .map(ListCell::Date)
                        .unwrap_or_else(|| ListCell::text(&row.due)),
                    ListCell::text(row.rag.word),
                    ListCell::date(row.latest_date),
                    ListCell::text(row.kinds.join(", ")),
                ]
            })
            .collect(),
    }
}

/// The per-plan counts (each linking to the plan page's same list) and every item's row.
pub(crate) fn summarise(
    answer: &NeedsAttention,
    passed_on: &str,
) -> (Vec<PlanSummary>, Vec<AttentionRow>) {
    let mut plans = Vec::new();
    let mut rows = Vec::new();
    for share in &answer.plans {
        let id = share.plan.id.0;
        plans.push(PlanSummary {
            id,
            title: share.plan.title.clone(),
            counts: share
                .counts
                .iter()
                .map(|(kind, count)| CountLink {
                    label: kind.label(),
                    count: *count,
                    href: format!(
                        "/plans/{id}?{}{}{passed_on}",
                        kind.plan_query(),
                        if passed_on.is_empty() { "" } else { "&" }
                    ),
                })
                .collect(),
            off_target: share
                .indicators_off_target
                .iter()
                .map(|o| {
                    let rag = RagView::new(Some(o.rag));
                    (
                        o.indicator.0,
                        o.title.clone(),
                        o.period.clone(),
                        rag.word,
                        rag.class,
                    )
                })
                .collect(),
        });
        for entry in &share.items {
            let item = &entry.item;
            rows.push(AttentionRow {
                id: item.id.0,
                plan_id: id,
                plan_title: share.plan.title.clone(),
                reference: item.fields.reference.clone().unwrap_or_default(),
                text: first_line(&item.fields.text, 160),
                owners: item.fields.owners.join(" / "),
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
                    .map(|u| long_date(u.as_of))
                    .unwrap_or_default(),
                kinds: entry.kinds.iter().map(|k| k.label()).collect(),
                due_date: item.fields.due.as_ref().map(|d| d.date),
                latest_date: item.latest_update.as_ref().map(|u| u.as_of),
            });
        }
    }
    (plans, rows)
}
