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
use waymark_core::{Flag, ItemId, PlanId, Rag, rollup_tree};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, DateField, RagView, first_line, long_date, render, with_errors};
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
    /// "plan" (document order), "due", "rag" (worst first) or "updated" (longest silent first).
    sort: Option<String>,
    /// Set after an import lands here.
    imported: Option<String>,
    /// What was just done to the plan, for the success banner: "created", "edited", …
    done: Option<String>,
    /// How many items were just given new owners.
    assigned: Option<usize>,
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
    owners: Vec<String>,
    due: String,
    rag: RagView,
    /// For a parent with no RAG of its own: the RAG derived from its actions.
    rollup: Option<RollupView>,
    tags: Vec<String>,
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
    /// The "as it stood at the end of" field: what it shows and, if refused, why.
    as_at_value: String,
    as_at_error: Option<String>,
    /// The error summary: (field id, message).
    errors: Vec<(String, String)>,
    /// What the list is filtered by, one phrase each ("overdue", "owned by Head of Crime").
    filter_labels: Vec<String>,
    /// How many items the whole plan has, for "Showing 3 of 17 items".
    total: usize,
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

/// What a "show only" value keeps.
#[derive(Clone, Copy, PartialEq)]
enum Show {
    Flag(Flag),
    DueSoon,
    DataQuality,
}

impl Show {
    fn parse(value: &str) -> Option<Show> {
        match value {
            "due_soon" => Some(Show::DueSoon),
            "data_quality" => Some(Show::DataQuality),
            name => Flag::from_name(name).map(Show::Flag),
        }
    }

    fn label(self) -> String {
        match self {
            Show::Flag(Flag::Overdue) => "overdue".into(),
            Show::Flag(Flag::Stale) => "with no recent update".into(),
            Show::Flag(Flag::NoDueDate) => "without a due date".into(),
            Show::Flag(flag) => format!("marked “{}”", flag.label()),
            Show::DueSoon => "due in the next 30 days".into(),
            Show::DataQuality => "with data-quality findings".into(),
        }
    }

    fn keeps(self, item: &waymark_app::model::ItemState, as_at: chrono::NaiveDate) -> bool {
        match self {
            Show::Flag(flag) => item.flags.contains(&flag),
            Show::DataQuality => {
                item.flags.contains(&Flag::UpdateOutOfOrder)
                    || item.flags.contains(&Flag::DuplicateUpdateText)
            }
            Show::DueSoon => {
                let soon = as_at + chrono::Days::new(30);
                item.children.is_empty()
                    && !item.fields.complete
                    && item
                        .fields
                        .due
                        .as_ref()
                        .is_some_and(|d| d.date >= as_at && d.date <= soon)
            }
        }
    }
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
    let page = build(&state, &viewer, id, query).await?;
    let has_errors = !page.errors.is_empty();
    Ok(with_errors(render(&page)?, has_errors))
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
    let read = state
        .app
        .plan_view(&viewer.actor, PlanId(id), as_at)
        .await?;
    let view = read.view.clone();
    let counts = PlanCounts::new(&view);
    let show_value = query.flag.clone().unwrap_or_default();
    let show = Show::parse(&show_value);
    let rag_value = query.rag.clone().unwrap_or_default();
    // "none" keeps the actions not yet assessed; a word that is not a RAG filters nothing.
    let rag_filter = if rag_value.eq_ignore_ascii_case("none") {
        Some(None)
    } else {
        Rag::parse(&rag_value).ok().flatten().map(Some)
    };
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let found = if q.is_empty() {
        None
    } else {
        Some(state.app.search(&viewer.actor, PlanId(id), &q).await?)
    };
    let owner = query.owner.clone().unwrap_or_default();
    let level: Option<usize> = query.level.as_deref().and_then(|l| l.parse().ok());
    let tag = query
        .tag
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let sort = query.sort.clone().unwrap_or_else(|| "plan".into());
    let my_posts = viewer.actor.posts.clone();
    let is_mine = |item: &waymark_app::model::ItemState| {
        item.children.is_empty()
            && item
                .fields
                .owners
                .iter()
                .any(|owner| my_posts.iter().any(|post| post.eq_ignore_ascii_case(owner)))
    };
    let mine = query.mine.is_some() && !my_posts.is_empty();
    let my_actions = view.items.iter().filter(|i| is_mine(i)).count();
    let my_overdue = view
        .items
        .iter()
        .filter(|i| is_mine(i) && i.flags.contains(&Flag::Overdue))
        .count();

    // One phrase per filter in force, read together: "Showing 2 of 17 items: overdue, owned by …".
    let mut filter_labels = Vec::new();
    if let Some(show) = show {
        filter_labels.push(show.label());
    }
    if let Some(rag) = &rag_filter {
        filter_labels.push(format!("RAG status {}", RagView::new(*rag).word));
    }
    if !q.is_empty() {
        filter_labels.push(format!("containing “{q}”"));
    }
    if !owner.is_empty() {
        filter_labels.push(format!("owned by {owner}"));
    }
    if let Some(level) = level {
        filter_labels.push(format!("at level {}", view.plan.level_name(level)));
    }
    if !tag.is_empty() {
        filter_labels.push(format!("tagged “{tag}”"));
    }
    if mine {
        filter_labels.push(format!(
            "owned by your post{} ({})",
            if my_posts.len() == 1 { "" } else { "s" },
            my_posts.join(", ")
        ));
    }
    let filtering = !filter_labels.is_empty() || sort != "plan";

    // Each parent's RAG rolled up from the actions beneath it, in the view's tree order.
    let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
    let shown: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
    let rollups = rollup_tree(&depths, &shown);
    let effective_rag = |index: usize| {
        let item = &view.items[index];
        match (
            item.fields.shown_rag(),
            rollups.get(index).copied().flatten(),
        ) {
            (Some(own), _) => Some(own),
            (None, Some(rollup)) if !item.children.is_empty() => rollup.rag(),
            _ => None,
        }
    };

    let mut selected: Vec<usize> = (0..view.items.len())
        .filter(|&i| {
            let item = &view.items[i];
            show.is_none_or(|s| s.keeps(item, as_at))
                && rag_filter
                    .is_none_or(|r| item.children.is_empty() && item.fields.shown_rag() == r)
                && found.as_ref().is_none_or(|ids| ids.contains(&item.id))
                && (owner.is_empty() || item.fields.owners.contains(&owner))
                && level.is_none_or(|l| item.depth == l)
                && (tag.is_empty() || item.fields.tags.iter().any(|t| tag_label(t) == tag))
                && (!mine || is_mine(item))
        })
        .collect();
    match sort.as_str() {
        "due" => selected.sort_by_key(|&i| {
            let due = view.items[i].fields.due.as_ref().map(|d| d.date);
            (due.is_none(), due)
        }),
        "rag" => selected.sort_by_key(|&i| effective_rag(i).map_or(4, |r| r.severity())),
        "updated" => {
            selected.sort_by_key(|&i| view.items[i].latest_update.as_ref().map(|u| u.as_of))
        }
        _ => {}
    }
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
    let max_depth = view.items.iter().map(|i| i.depth).max().unwrap_or(0);
    let levels: Vec<(usize, String)> = (0..=max_depth)
        .map(|depth| (depth, view.plan.level_name(depth).to_string()))
        .collect();
    let rows = selected
        .into_iter()
        .map(|index| {
            let item = &view.items[index];
            let latest = item.latest_update.as_ref();
            let is_parent = !item.children.is_empty();
            let rollup = rollups
                .get(index)
                .copied()
                .flatten()
                .filter(|_| is_parent && item.fields.shown_rag().is_none())
                .map(|r| RollupView::new(&r));
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
                rollup,
                tags: item.fields.tags.iter().map(tag_label).collect(),
                latest_date: latest.map(|u| long_date(u.as_of)).unwrap_or_default(),
                latest_text: latest.map(|u| first_line(&u.text, 160)).unwrap_or_default(),
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
        total: view.items.len(),
        counts,
        rows,
        q,
        owner,
        owners,
        level: level.map(|l| l.to_string()).unwrap_or_default(),
        levels,
        tag,
        tags,
        show: show.map(|_| show_value).unwrap_or_default(),
        rag_choice: rag_value,
        sort,
        imported: query.imported.is_some(),
        mine,
        my_actions,
        my_overdue,
    })
}
