//! A plan's items as a table, as at today or any chosen day, with filters by flag, RAG, owner,
//! level, tag and words, and each parent's RAG rolled up from its actions. Plan managers also
//! see a checkbox by each item to give several the same owners, and the archived items.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use waymark_app::item_list::{ItemFilter, ListParams, Show};
use waymark_core::{Flag, ItemId, Page, PageLink, PlanId, Rag, highlight, rollup_tree};
use waymark_io::list_export::{List, ListCell};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::downloads::{ListFormat, list_download};
use crate::pages::{
    Chrome, DateField, RagView, encode_query, first_line, long_date, render, with_errors,
};
use crate::state::AppState;
use crate::views::{PlanCounts, RollupView, iso, tag_label};

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}", get(show))
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    as_at: Option<String>,
    flag: Option<String>,
    rag: Option<String>,
    /// Words to find in items and their updates.
    q: Option<String>,
    owner: Option<String>,
    level: Option<String>,
    /// A tag as the page writes it: "Theme: Victims".
    tag: Option<String>,
    /// Set to keep only the actions owned by the posts the viewer holds today.
    mine: Option<String>,
    /// "plan" (document order), "due", "rag" (worst first), "updated" (longest silent first)
    /// or "relevance" (best match of the search first; the default with `q`).
    sort: Option<String>,
    /// The page of rows, from 1; past the last page shows the last.
    page: Option<String>,
    /// Set after an import lands here.
    imported: Option<String>,
    /// What was just done to the plan, for the success banner: "created", "edited", …
    done: Option<String>,
    /// How many items were just given new owners.
    assigned: Option<usize>,
    /// csv or xlsx: the items the filters keep, as a download.
    format: Option<String>,
}

impl PlanQuery {
    /// The page's filters, as the one list in the application layer reads them.
    fn list_params(&self) -> ListParams {
        ListParams {
            flag: self.flag.clone(),
            rag: self.rag.clone(),
            q: self.q.clone(),
            owner: self.owner.clone(),
            level: self.level.clone(),
            tag: self.tag.clone(),
            mine: self.mine.is_some(),
            sort: self.sort.clone(),
        }
    }
}

/// What the person typed into the owner assignment before it was refused, kept in the form.
pub(crate) struct AssignTyped {
    pub owners: String,
    pub chosen: Vec<i64>,
}

/// An archived item, which a plan manager may restore.
struct ArchivedRow {
    id: i64,
    reference: String,
    text: String,
}

struct Row {
    id: i64,
    depth: usize,
    level: String,
    reference: String,
    text: String,
    /// The text cut into runs, the words searched for marked (each run escaped on output).
    text_runs: Vec<(String, bool)>,
    /// The parent's reference, where the row is shown apart from its parent (a flat list, or
    /// the first row of a page that starts inside a branch).
    parent_reference: String,
    owners: Vec<String>,
    due: String,
    rag: RagView,
    /// For a parent with no RAG of its own: the RAG derived from its actions.
    rollup: Option<RollupView>,
    tags: Vec<String>,
    latest_date: String,
    latest_runs: Vec<(String, bool)>,
    latest_author: String,
    flags: Vec<&'static str>,
    is_parent: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    /// The list's address with its filters, `format=` to follow, for the downloads.
    download_base: String,
    id: i64,
    title: String,
    kind: String,
    period: String,
    source: String,
    owner_posts: Vec<String>,
    as_at_iso: String,
    as_at_long: String,
    is_today: bool,
    /// The "as it stood at the end of" field: what it shows and, if refused, why.
    as_at_value: String,
    as_at_error: Option<String>,
    /// The error summary: (field id, message).
    errors: Vec<(String, String)>,
    /// What the list is filtered by, one phrase each ("overdue", "owned by Head of Crime").
    filter_labels: Vec<String>,
    /// How many items the list holds over every page (the whole plan's, unfiltered), and
    /// the rows this page shows: "Showing 101–200 of 3,038 items".
    showing: String,
    pagination: Option<Pagination>,
    counts: PlanCounts,
    rows: Vec<Row>,
    q: String,
    owner: String,
    owners: Vec<String>,
    level: String,
    levels: Vec<(usize, String)>,
    tag: String,
    tags: Vec<String>,
    /// The "show only" choice: a flag's name, "due_soon" or "data_quality".
    show: String,
    rag_choice: String,
    sort: String,
    imported: bool,
    /// Whether only the viewer's own actions are shown.
    mine: bool,
    /// The viewer's own actions in this plan (by the posts they hold today) and how many are
    /// overdue, so an action owner finds theirs from the plan page.
    my_actions: usize,
    my_overdue: usize,
    /// Plan managers are offered the plan's structure, sharing and archiving.
    may_manage: bool,
    archived: bool,
    /// Another organisation's plan, shared with the viewer's.
    shared: bool,
    /// An archived plan's managers may restore it.
    may_restore: bool,
    /// Whether the table offers a checkbox by each item, to give several the same owners:
    /// only to plan managers, and only for the plan as it is today.
    selectable: bool,
    /// The success banner's words, after a change.
    done: Option<String>,
    archived_items: Vec<ArchivedRow>,
    /// The owner assignment as typed, after a mistake.
    assign_owners: String,
    chosen: Vec<i64>,
}

/// The "show only" choices: (query value, words).
const SHOW_CHOICES: [(&str, &str); 5] = [
    ("overdue", "Overdue"),
    ("due_soon", "Due in the next 30 days"),
    ("stale", "No recent update"),
    ("no_due_date", "No due date"),
    ("data_quality", "Data-quality findings"),
];

/// The RAG choices: (query value, words).
const RAG_CHOICES: [(&str, &str); 5] = [
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("blue", "Blue (complete)"),
    ("none", "Not assessed"),
];

/// Words for what a "show only" value keeps, read into the summary.
fn show_label(show: Show) -> String {
    match show {
        Show::Flag(Flag::Overdue) => "overdue".into(),
        Show::Flag(Flag::Stale) => "with no recent update".into(),
        Show::Flag(Flag::NoDueDate) => "without a due date".into(),
        Show::Flag(flag) => format!("marked “{}”", flag.label()),
        Show::DueSoon => "due in the next 30 days".into(),
        Show::DataQuality => "with data-quality findings".into(),
    }
}

/// Rows of the plan page at a time: Redmine's default, and about 115 KB of HTML.
const ROWS_PER_PAGE: usize = 100;

/// The GOV.UK pagination component's links, each keeping the list's filters.
pub(crate) struct Pagination {
    pub(crate) previous: Option<String>,
    pub(crate) next: Option<String>,
    /// Numbered links: (number, href, whether it is this page); `None` for an ellipsis.
    pub(crate) links: Vec<Option<(usize, String, bool)>>,
}

impl Pagination {
    /// Links to the pages of `page`, from `base` ("/plans/3?q=call&" or "/plans/3?").
    pub(crate) fn new(page: &Page, base: &str) -> Option<Pagination> {
        if page.pages() <= 1 {
            return None;
        }
        let href = |n: usize| format!("{base}page={n}");
        Some(Pagination {
            previous: page.previous().map(href),
            next: page.next().map(href),
            links: page
                .links()
                .into_iter()
                .map(|link| match link {
                    PageLink::Number(n) => Some((n, href(n), n == page.number)),
                    PageLink::Ellipsis => None,
                })
                .collect(),
        })
    }
}

impl Pagination {
    /// The same links, each to `fragment` on its page (a list lower down the page).
    pub(crate) fn with_fragment(mut self, fragment: &str) -> Pagination {
        let add = |href: &mut String| {
            href.push('#');
            href.push_str(fragment);
        };
        self.previous.iter_mut().for_each(add);
        self.next.iter_mut().for_each(add);
        self.links
            .iter_mut()
            .flatten()
            .for_each(|(_, href, _)| add(href));
        self
    }
}

/// "Showing 101–200 of 3,038 items" on a page of several; "Showing 12 items", "Showing 1
/// item" when one page holds them all.
fn showing(page: &Page) -> String {
    showing_of(page, "item", "items")
}

/// [`showing`] with the list's own noun: "Showing 1–100 of 240 open actions".
pub(crate) fn showing_of(page: &Page, one: &str, many: &str) -> String {
    let noun = if page.total == 1 { one } else { many };
    let (first, last) = page.shown();
    if page.pages() == 1 {
        format!("Showing {} {noun}", thousands(page.total))
    } else {
        format!(
            "Showing {}–{} of {} {noun}",
            thousands(first),
            thousands(last),
            thousands(page.total)
        )
    }
}

/// A count with thousands separators: "3,038".
fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (n, digit) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl PlanPage {
    fn is_chosen(&self, id: &i64) -> bool {
        self.chosen.contains(id)
    }

    /// The message for `field`, or "" when it is fine.
    fn error(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
            .unwrap_or_default()
    }

    fn owner_selected(&self, owner: &str) -> bool {
        self.owner == owner
    }

    fn level_selected(&self, depth: &usize) -> bool {
        self.level == depth.to_string()
    }

    fn sort_selected(&self, sort: &str) -> bool {
        self.sort == sort
    }

    fn tag_selected(&self, tag: &str) -> bool {
        self.tag == tag
    }

    fn show_selected(&self, value: &str) -> bool {
        self.show == value
    }

    fn rag_selected(&self, value: &str) -> bool {
        self.rag_choice.eq_ignore_ascii_case(value)
    }

    fn show_choices(&self) -> &'static [(&'static str, &'static str)] {
        &SHOW_CHOICES
    }

    fn rag_choices(&self) -> &'static [(&'static str, &'static str)] {
        &RAG_CHOICES
    }
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
) -> Result<Response, AppError> {
    if let Some(format) = ListFormat::parse(query.format.as_deref()) {
        return download(&state, &viewer, id, &query, format).await;
    }
    let page = build(&state, &viewer, id, query).await?;
    let has_errors = !page.errors.is_empty();
    Ok(with_errors(render(&page)?, has_errors))
}

/// The items the page's filters keep, in its order, every page of them, as a download: the
/// same list the page shows, read with the same filters on the same day.
async fn download(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    query: &PlanQuery,
    format: ListFormat,
) -> Result<Response, AppError> {
    let as_at = DateField::read("as_at", query.as_at.as_deref(), state.today()).day;
    let (filter, _ignored) = ItemFilter::read(&query.list_params());
    let list = state
        .app
        .list_items(&viewer.actor, PlanId(id), as_at, filter)
        .await?;
    let view = &list.read.view;
    let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
    let rags: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
    let rollups = rollup_tree(&depths, &rags);
    let rows = list
        .kept
        .iter()
        .filter_map(|&position| {
            let item = view.items.get(position)?;
            let rag = match (
                item.fields.shown_rag(),
                rollups.get(position).copied().flatten(),
            ) {
                (Some(own), _) => own.word().to_string(),
                (None, Some(rollup)) if !item.children.is_empty() => rollup
                    .rag()
                    .map(|r| format!("{} (from its actions)", r.word()))
                    .unwrap_or_else(|| "Not assessed".into()),
                _ => "Not assessed".into(),
            };
            Some(vec![
                ListCell::text(item.fields.reference.clone().unwrap_or_default()),
                ListCell::text(&item.fields.text),
                ListCell::text(item.fields.owners.join(" / ")),
                ListCell::date(item.fields.due.as_ref().map(|d| d.date)),
                ListCell::text(item.fields.due_as_written().unwrap_or_default()),
                ListCell::text(if item.fields.complete { "Yes" } else { "No" }),
                ListCell::text(rag),
                ListCell::date(item.latest_update.as_ref().map(|u| u.as_of)),
                ListCell::text(
                    item.latest_update
                        .as_ref()
                        .map(|u| u.text.clone())
                        .unwrap_or_default(),
                ),
                ListCell::text(
                    item.flags
                        .iter()
                        .map(|f| f.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ])
        })
        .collect();
    let download = List {
        title: "Plan".into(),
        marking: list.read.highest.label(),
        columns: [
            "Ref",
            "Item",
            "Owner",
            "Due",
            "Due as written",
            "Complete",
            "RAG",
            "Date of update",
            "Latest update",
            "Flags",
        ]
        .map(str::to_string)
        .to_vec(),
        rows,
    };
    list_download(download, format, &format!("plan-{id}-{as_at}")).await
}

/// The plan page as it is today, with the owner assignment's mistakes by its fields and
/// what was typed into it kept.
pub(crate) async fn show_with_assign_errors(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Vec<(String, String)>,
    typed: AssignTyped,
) -> Result<Response, AppError> {
    let mut page = build(state, viewer, id, PlanQuery::default()).await?;
    // The summary links to the field in error: the owner posts, or the first checkbox.
    let first_box = page.rows.first().map(|row| format!("pick-{}", row.id));
    page.errors = errors
        .into_iter()
        .map(|(field, message)| match field.as_str() {
            "owners" => ("assign-owners".to_string(), message),
            "items" => (
                first_box.clone().unwrap_or_else(|| "assign-owners".into()),
                message,
            ),
            _ => (field, message),
        })
        .collect();
    page.assign_owners = typed.owners;
    page.chosen = typed.chosen;
    let mut response = render(&page)?.into_response();
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The success banner's words for what was just done.
fn done_message(done: Option<&str>, assigned: Option<usize>) -> Option<String> {
    if let Some(count) = assigned {
        return Some(match count {
            0 => "Those items already had those owners: nothing has changed.".to_string(),
            1 => "Owners assigned to 1 item.".to_string(),
            count => format!("Owners assigned to {count} items."),
        });
    }
    let words = match done? {
        "created" => "The plan has been created. Add its first item.",
        "edited" => "The plan's details have been saved.",
        "archived" => {
            "The plan has been archived. It is kept with its history; restore it to change it again."
        }
        "restored" => "The plan has been restored.",
        "item-archived" => {
            "The item has been archived, with any items under it. It is listed under archived items, where it can be restored."
        }
        _ => return None,
    };
    Some(words.to_string())
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    query: PlanQuery,
) -> Result<PlanPage, AppError> {
    let today = state.today();
    // A date that cannot be read shows the plan as it is today, with the field in error.
    let as_at_field = DateField::read("as_at", query.as_at.as_deref(), today);
    let as_at = as_at_field.day;
    // The page shows what it can read of its filters and ignores the rest, as it always has;
    // the API refuses them. Both filter through the one list in the application layer.
    let (filter, _ignored) = ItemFilter::read(&query.list_params());
    let list = state
        .app
        .list_items(&viewer.actor, PlanId(id), as_at, filter)
        .await?;
    let read = &list.read;
    let view = read.view.clone();
    let filter = &list.filter;
    let whole = state.app.derived(&view, "", || WholePlan::of(&view));
    let my_posts = viewer.actor.posts.clone();
    let mine = filter.mine && !my_posts.is_empty();
    let my_counts = state.app.derived(&view, &format!("{my_posts:?}"), || {
        MyCounts::of(&view, &my_posts)
    });

    // One phrase per filter in force, read together: "Showing 2 of 17 items: overdue, owned by …".
    let mut filter_labels = Vec::new();
    if let Some(show) = filter.show {
        filter_labels.push(show_label(show));
    }
    if let Some(rag) = &filter.rag {
        filter_labels.push(format!("RAG status {}", RagView::new(*rag).word));
    }
    if !filter.q.is_empty() {
        filter_labels.push(format!("containing “{}”", filter.q));
    }
    if !filter.owner.is_empty() {
        filter_labels.push(format!("owned by {}", filter.owner));
    }
    if let Some(level) = filter.level {
        filter_labels.push(format!("at level {}", view.plan.level_name(level)));
    }
    if !filter.tag.is_empty() {
        filter_labels.push(format!("tagged “{}”", filter.tag));
    }
    if mine {
        filter_labels.push(format!(
            "owned by your post{} ({})",
            if my_posts.len() == 1 { "" } else { "s" },
            my_posts.join(", ")
        ));
    }
    // A filtered or reordered list is flat, each row with its parent's reference; the plan in
    // its own order stays a tree, paged by rows.
    let flat = filter.narrows_or_reorders();

    let rollups = &whole.rollups;
    let requested = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(1);
    let page = Page::clamped(requested, ROWS_PER_PAGE, list.kept.len());
    let download_base = page_base(id, &query, as_at == today);
    let pagination = Pagination::new(&page, &download_base);
    let selected = list.kept[page.rows()].to_vec();
    let levels: Vec<(usize, String)> = (0..=whole.max_depth)
        .map(|depth| (depth, view.plan.level_name(depth).to_string()))
        .collect();
    let terms = &list.terms;
    let rows = selected
        .into_iter()
        .enumerate()
        .map(|(n, index)| {
            let item = &view.items[index];
            let latest = item.latest_update.as_ref();
            let is_parent = !item.children.is_empty();
            let rollup = rollups
                .get(index)
                .copied()
                .flatten()
                .filter(|_| is_parent && item.fields.shown_rag().is_none())
                .map(|r| RollupView::new(&r));
            let parent_reference = if flat || (n == 0 && item.depth > 0) {
                item.fields
                    .parent
                    .and_then(|p| view.item(p))
                    .and_then(|p| p.fields.reference.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let latest_text = latest.map(|u| first_line(&u.text, 160)).unwrap_or_default();
            Row {
                id: item.id.0,
                depth: if flat { 0 } else { item.depth.min(4) },
                level: view.plan.level_name(item.depth).to_string(),
                reference: item.fields.reference.clone().unwrap_or_default(),
                text: item.fields.text.clone(),
                text_runs: highlight(&item.fields.text, terms),
                parent_reference,
                owners: item.fields.owners.clone(),
                due: item.fields.due_as_written().unwrap_or_default(),
                rag: RagView::new(item.fields.shown_rag()),
                rollup,
                tags: item.fields.tags.iter().map(tag_label).collect(),
                latest_date: latest.map(|u| long_date(u.as_of)).unwrap_or_default(),
                latest_runs: highlight(&latest_text, terms),
                latest_author: latest.and_then(|u| u.author()).unwrap_or_default(),
                flags: item.flags.iter().map(|f| f.label()).collect(),
                is_parent,
            }
        })
        .collect();
    let plan = &view.plan;
    let errors = DateField::summary(&[&as_at_field]);
    let archived_items = if read.may_manage() && !plan.archived {
        state
            .app
            .archived_items(&viewer.actor, PlanId(id))
            .await?
            .into_iter()
            .map(|(item, fields): (ItemId, _)| ArchivedRow {
                id: item.0,
                reference: fields.reference.unwrap_or_default(),
                text: first_line(&fields.text, 160),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(PlanPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(read.highest),
        may_manage: read.may_manage() && !plan.archived,
        may_restore: read.may_manage() && plan.archived,
        selectable: read.may_manage() && !plan.archived && as_at == today,
        done: done_message(query.done.as_deref(), query.assigned),
        archived_items,
        assign_owners: String::new(),
        chosen: Vec::new(),
        archived: plan.archived,
        shared: read.access.share.is_some(),
        id,
        title: plan.title.clone(),
        kind: plan.kind.as_str().to_string(),
        period: plan.period.clone().unwrap_or_default(),
        source: plan.source.clone().unwrap_or_default(),
        owner_posts: plan.owner_posts.clone(),
        as_at_iso: iso(as_at),
        as_at_long: long_date(as_at),
        is_today: as_at == today,
        as_at_value: as_at_field.value.clone(),
        as_at_error: as_at_field.error.clone(),
        errors,
        filter_labels,
        showing: showing(&page),
        pagination,
        download_base,
        counts: whole.counts.clone(),
        rows,
        q: filter.q.clone(),
        owner: filter.owner.clone(),
        owners: whole.owners.clone(),
        level: filter.level.map(|l| l.to_string()).unwrap_or_default(),
        levels,
        tag: filter.tag.clone(),
        tags: whole.tags.clone(),
        show: filter
            .show
            .map(|_| query.flag.clone().unwrap_or_default())
            .unwrap_or_default(),
        rag_choice: query.rag.clone().unwrap_or_default(),
        sort: filter.sort.as_str().to_string(),
        imported: query.imported.is_some(),
        mine,
        my_actions: my_counts.actions,
        my_overdue: my_counts.overdue,
    })
}

/// What the plan page shows of the whole plan whatever its filters: the counts, each parent's
/// RAG rolled up from its actions, the owners and tags to filter by. Worked out once per view
/// (a plan of 10,000 items takes longer over these than over the page of rows shown).
struct WholePlan {
    counts: PlanCounts,
    rollups: Vec<Option<waymark_core::RagRollup>>,
    owners: Vec<String>,
    tags: Vec<String>,
    max_depth: usize,
}

impl WholePlan {
    fn of(view: &waymark_app::model::PlanView) -> WholePlan {
        let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
        let shown: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
        let mut owners: Vec<String> = view
            .items
            .iter()
            .flat_map(|i| i.fields.owners.iter().cloned())
            .collect();
        owners.sort();
        owners.dedup();
        let mut tags: Vec<String> = view
            .items
            .iter()
            .flat_map(|i| i.fields.tags.iter().map(tag_label))
            .collect();
        tags.sort();
        tags.dedup();
        WholePlan {
            counts: PlanCounts::new(view),
            rollups: rollup_tree(&depths, &shown),
            owners,
            tags,
            max_depth: view.items.iter().map(|i| i.depth).max().unwrap_or(0),
        }
    }
}

/// The reader's own actions in the plan and how many of them are overdue, by their posts.
struct MyCounts {
    actions: usize,
    overdue: usize,
}

impl MyCounts {
    fn of(view: &waymark_app::model::PlanView, posts: &[String]) -> MyCounts {
        let mine: Vec<_> = view
            .items
            .iter()
            .filter(|item| waymark_app::item_list::action_owned_by(item, posts))
            .collect();
        MyCounts {
            actions: mine.len(),
            overdue: mine
                .iter()
                .filter(|item| item.flags.contains(&Flag::Overdue))
                .count(),
        }
    }
}

/// The start of a link to another page of the same list: every filter kept, `page=` to follow.
fn page_base(id: i64, query: &PlanQuery, is_today: bool) -> String {
    let mut base = format!("/plans/{id}?");
    let kept = [
        ("as_at", query.as_at.as_deref().filter(|_| !is_today)),
        ("q", query.q.as_deref()),
        ("flag", query.flag.as_deref()),
        ("rag", query.rag.as_deref()),
        ("owner", query.owner.as_deref()),
        ("level", query.level.as_deref()),
        ("tag", query.tag.as_deref()),
        ("mine", query.mine.as_deref()),
        ("sort", query.sort.as_deref()),
    ];
    for (name, value) in kept {
        if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
            base.push_str(&format!("{name}={}&", encode_query(value)));
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3038), "3,038");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(
            showing(&Page::clamped(1, 100, 3038)),
            "Showing 1–100 of 3,038 items"
        );
        assert_eq!(
            showing(&Page::clamped(31, 100, 3038)),
            "Showing 3,001–3,038 of 3,038 items"
        );
        assert_eq!(showing(&Page::clamped(1, 100, 1)), "Showing 1 item");
        assert_eq!(showing(&Page::clamped(1, 100, 0)), "Showing 0 items");
    }
}
