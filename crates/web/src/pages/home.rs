//! Home: the viewer's plans, each with its RAG mix, the counts that need attention (each a link
//! to the filtered list), and the RAG mix month by month over the last year, drawn from history.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use waymark_core::date::month_name;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, long_date, render};
use crate::state::AppState;
use crate::views::PlanCounts;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// One month's bar of the RAG trend chart: a stack of (colour class, word, count, y, height).
struct MonthBar {
    /// "Dec" under the bar.
    label: String,
    /// The year under the label, on the first bar and each January, so twelve months that span
    /// two years read unambiguously.
    year: Option<String>,
    /// "December 2025", for the figures table and each segment's tooltip.
    name: String,
    x: usize,
    segments: Vec<(&'static str, &'static str, usize, f64, f64)>,
    counts: PlanCounts,
}

struct PlanCard {
    id: i64,
    title: String,
    kind: String,
    period: String,
    counts: PlanCounts,
    shares: Vec<(&'static str, &'static str, usize, f64, f64)>,
    months: Vec<MonthBar>,
    archived: bool,
    /// Another organisation's plan, shared with the viewer's.
    shared: bool,
    /// A collaboration programme: its home page is linked beside the plan.
    programme: bool,
    /// The programme's manager (a plan manager of the lead) may edit its facts.
    may_edit_programme: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    today: String,
    plans: Vec<PlanCard>,
    /// The signed-in person's own open actions and how many are overdue; `None` when they hold
    /// no post.
    mine: Option<(usize, usize)>,
    page: usize,
    pages: usize,
    /// Page numbers to link, `None` for an ellipsis: first, last and two either side of this.
    links: Vec<Option<usize>>,
    /// With more than a few plans, each is a compact row with its chart on demand.
    compact: bool,
}

/// More plans than this on a page, and each is a compact row.
const FULL_CARDS: usize = 3;

/// Height of the trend chart's plot area in SVG units.
const CHART_HEIGHT: f64 = 100.0;

/// Plans shown on one page of the home page.
const PLANS_PER_PAGE: usize = 20;

#[derive(serde::Deserialize)]
struct HomeQuery {
    page: Option<usize>,
}

async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Query(query): axum::extract::Query<HomeQuery>,
) -> Result<Html<String>, AppError> {
    let today = state.today();
    let ends = month_ends(today);
    let requested = query.page.unwrap_or(1).max(1);
    let mut listed = state
        .app
        .plan_page(
            &viewer.actor,
            (requested - 1) * PLANS_PER_PAGE,
            PLANS_PER_PAGE,
            &ends,
        )
        .await?;
    let pages = listed.total.div_ceil(PLANS_PER_PAGE).max(1);
    let page = requested.clamp(1, pages);
    // A page number past the end shows the last page.
    if listed.plans.is_empty() && listed.total > 0 {
        listed = state
            .app
            .plan_page(
                &viewer.actor,
                (page - 1) * PLANS_PER_PAGE,
                PLANS_PER_PAGE,
                &ends,
            )
            .await?;
    }
    let mut highest = waymark_core::Classification::OFFICIAL;
    let mut cards = Vec::with_capacity(listed.plans.len());
    for (read, mixes) in &listed.plans {
        let view = &read.view;
        let plan = &view.plan;
        highest = highest.max(read.highest);
        let counts = PlanCounts::new(view);
        let months = ends
            .iter()
            .zip(mixes.iter())
            .enumerate()
            .map(|(index, (month_end, mix))| {
                let month_counts = PlanCounts {
                    actions: mix.actions(),
                    red: mix.red,
                    amber: mix.amber,
                    green: mix.green,
                    blue: mix.blue,
                    not_assessed: mix.not_assessed,
                    ..PlanCounts::default()
                };
                MonthBar {
                    label: month_label(*month_end),
                    year: (index == 0 || month_end.month() == 1)
                        .then(|| month_end.year().to_string()),
                    name: format!("{} {}", month_name(*month_end), month_end.year()),
                    x: index * 20,
                    segments: stack(&month_counts),
                    counts: month_counts,
                }
            })
            .collect();
        cards.push(PlanCard {
            id: plan.id.0,
            title: plan.title.clone(),
            kind: plan.kind.as_str().to_string(),
            period: plan.period.clone().unwrap_or_default(),
            shares: counts.shares(),
            counts,
            months,
            archived: plan.archived,
            shared: read.access.share.is_some(),
            programme: plan.kind == waymark_core::PlanKind::Collaboration,
            may_edit_programme: plan.kind == waymark_core::PlanKind::Collaboration
                && read.may_manage()
                && read.access.share.is_none()
                && !plan.archived,
        });
    }
    let plans = cards;
    let owned = state.app.owned_actions(&viewer.actor).await?;
    let mine = (!owned.posts.is_empty()).then(|| owned.open_and_overdue());
    let chrome = Chrome::for_viewer(&viewer, "plans");
    let chrome = if plans.is_empty() {
        chrome
    } else {
        chrome.marked(highest)
    };
    let plans_shown = plans.len();
    render(&HomePage {
        chrome,
        today: long_date(today),
        plans,
        mine,
        page,
        pages,
        links: page_links(page, pages),
        compact: plans_shown > FULL_CARDS,
    })
}

fn page_links(page: usize, pages: usize) -> Vec<Option<usize>> {
    let mut links = Vec::new();
    for number in 1..=pages {
        let near = number + 2 >= page && number <= page + 2;
        if number == 1 || number == pages || near {
            links.push(Some(number));
        } else if links.last().is_some_and(|l| l.is_some()) {
            links.push(None);
        }
    }
    links
}

/// The last day of each of the last twelve months, ending with today.
fn month_ends(today: NaiveDate) -> Vec<NaiveDate> {
    let mut ends: Vec<NaiveDate> = (1..12)
        .rev()
        .filter_map(|back| {
            let first_of_month = today.with_day(1)?;
            let first_of_next = first_of_month.checked_sub_months(Months::new(back - 1))?;
            first_of_next.pred_opt()
        })
        .collect();
    ends.push(today);
    ends
}

fn month_label(day: NaiveDate) -> String {
    month_name(day).chars().take(3).collect()
}

/// Stacked segments of a month's bar, scaled so a bar of every action fills the plot height.
fn stack(counts: &PlanCounts) -> Vec<(&'static str, &'static str, usize, f64, f64)> {
    let total = counts.actions.max(1) as f64;
    let mut y = CHART_HEIGHT;
    [
        ("grey", "Not assessed", counts.not_assessed),
        ("blue", "Blue", counts.blue),
        ("green", "Green", counts.green),
        ("amber", "Amber", counts.amber),
        ("red", "Red", counts.red),
    ]
    .into_iter()
    .filter(|(_, _, n)| *n > 0)
    .map(|(class, word, n)| {
        let height = (n as f64 / total * CHART_HEIGHT * 100.0).round() / 100.0;
        y -= height;
        (class, word, n, (y * 100.0).round() / 100.0, height)
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_elide_the_middle() {
        assert_eq!(page_links(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_links(10, 100),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(100)
            ]
        );
    }

    #[test]
    fn twelve_month_ends_finish_today() {
        let today = NaiveDate::from_ymd_opt(2015, 3, 16).unwrap();
        let ends = month_ends(today);
        assert_eq!(ends.len(), 12);
        assert_eq!(ends[0], NaiveDate::from_ymd_opt(2014, 4, 30).unwrap());
        assert_eq!(ends[10], NaiveDate::from_ymd_opt(2015, 2, 28).unwrap());
        assert_eq!(ends[11], today);
        assert_eq!(month_label(ends[0]), "Apr");
        assert_eq!(month_name(ends[9]), "January");
    }
}
