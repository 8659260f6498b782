//! View models shared by the pages, the JSON API and the CLI's `--json` output: one place that
//! turns store values into what people and programs read.

use chrono::NaiveDate;
use serde::Serialize;
use waymark_app::model::{ItemState, PlanView};
use waymark_core::date::format_long;
use waymark_core::{Flag, Plan, Rag, RagRollup, Tag};

/// A plan in lists (`plans --json`, `/api/plans`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanJson {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub period: Option<String>,
    pub organisation: i64,
    pub level_names: Vec<String>,
    pub owner_posts: Vec<String>,
    pub source: Option<String>,
    pub update_cycle: String,
    /// The plan's protective marking.
    pub marking: String,
    pub archived: bool,
}

impl PlanJson {
    pub fn new(plan: &Plan) -> Self {
        PlanJson {
            id: plan.id.0,
            title: plan.title.clone(),
            kind: plan.kind.as_str().to_string(),
            period: plan.period.clone(),
            organisation: plan.org.0,
            level_names: plan.level_names.clone(),
            owner_posts: plan.owner_posts.clone(),
            source: plan.source.clone(),
            update_cycle: plan.update_cycle.as_string(),
            marking: plan.marking.label(),
            archived: plan.archived,
        }
    }
}

/// The latest update of an item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LatestUpdateJson {
    pub date: String,
    pub author: Option<String>,
    pub text: String,
}

/// An item as at a day (`items --json`, `/api/plans/{id}/items`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemJson {
    pub id: i64,
    pub parent: Option<i64>,
    pub depth: usize,
    pub level: String,
    pub reference: Option<String>,
    pub text: String,
    pub strategic_lead: Option<String>,
    pub owners: Vec<String>,
    pub due: Option<String>,
    /// The user's words for a vague due date ("by March 2015").
    pub due_written: Option<String>,
    pub complete: bool,
    pub rag: Option<String>,
    pub latest_update: Option<LatestUpdateJson>,
    pub updates: usize,
    pub flags: Vec<String>,
    /// Tags from the plan's taxonomies: APACS category, inspection finding, theme.
    pub tags: Vec<TagJson>,
    /// For a parent with no RAG of its own: the RAG derived from the actions beneath it (the
    /// worst open one; Blue once all are complete). `None` for actions and assessed parents.
    pub derived_rag: Option<String>,
    /// The item's protective marking: the most sensitive of its plan's, its parents' and its
    /// own ("OFFICIAL", "OFFICIAL-SENSITIVE PERSONAL").
    pub marking: String,
}

/// A tag of an item: its taxonomy ("APACS") and value ("Promoting safety").
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TagJson {
    pub taxonomy: String,
    pub value: String,
}

impl ItemJson {
    pub fn new(plan: &Plan, item: &ItemState) -> Self {
        let fields = &item.fields;
        ItemJson {
            id: item.id.0,
            parent: fields.parent.map(|p| p.0),
            depth: item.depth,
            level: plan.level_name(item.depth).to_string(),
            reference: fields.reference.clone(),
            text: fields.text.clone(),
            strategic_lead: fields.strategic_lead.clone(),
            owners: fields.owners.clone(),
            due: fields.due.as_ref().map(|d| iso(d.date)),
            due_written: match &fields.due {
                Some(due) => due.written.clone(),
                None => fields.due_words.clone(),
            },
            complete: fields.complete,
            rag: fields.shown_rag().map(|r| r.word().to_string()),
            latest_update: item.latest_update.as_ref().map(|u| LatestUpdateJson {
                date: iso(u.as_of),
                author: u.author(),
                text: u.text.clone(),
            }),
            updates: item.updates.len(),
            flags: item.flags.iter().map(|f| f.name().to_string()).collect(),
            tags: fields
                .tags
                .iter()
                .map(|t| TagJson {
                    taxonomy: t.taxonomy.clone(),
                    value: t.value.clone(),
                })
                .collect(),
            derived_rag: None,
            marking: plan.marking.label(),
        }
    }

    /// Every item of a plan as the actor may see it, each with its effective marking.
    pub fn all_marked(read: &waymark_app::PlanRead) -> Vec<ItemJson> {
        let mut items = ItemJson::all(&read.view);
        for item in &mut items {
            item.marking = read.marking_of(waymark_core::ItemId(item.id)).label();
        }
        items
    }

    /// The items of a list at `positions` (in its plan view), each with its effective marking
    /// and a parent's derived RAG: a page of the list, built without the rest.
    pub fn of_list(list: &waymark_app::item_list::ItemList, positions: &[usize]) -> Vec<ItemJson> {
        let view = &list.read.view;
        let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
        let shown: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
        let rollups = waymark_core::rollup_tree(&depths, &shown);
        positions
            .iter()
            .filter_map(|&at| {
                let item = view.items.get(at)?;
                let mut json = ItemJson::new(&view.plan, item);
                if !item.children.is_empty() && item.fields.shown_rag().is_none() {
                    json.derived_rag = rollups
                        .get(at)
                        .copied()
                        .flatten()
                        .and_then(|r| r.rag())
                        .map(|r| r.word().to_string());
                }
                json.marking = list.read.marking_of(item.id).label();
                Some(json)
            })
            .collect()
    }

    /// Every item of a plan view, in tree order, with parents' derived RAG filled in.
    pub fn all(view: &PlanView) -> Vec<ItemJson> {
        let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
        let shown: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
        let rollups = waymark_core::rollup_tree(&depths, &shown);
        view.items
            .iter()
            .zip(rollups)
            .map(|(item, rollup)| {
                let mut json = ItemJson::new(&view.plan, item);
                if !item.children.is_empty() && item.fields.shown_rag().is_none() {
                    json.derived_rag = rollup.and_then(|r| r.rag()).map(|r| r.word().to_string());
                }
                json
            })
            .collect()
    }
}

/// A tag as pages show it and as the plan page's tag filter names it: "Theme: Victims", or the
/// value alone when it has no taxonomy.
pub fn tag_label(tag: &Tag) -> String {
    waymark_app::item_list::tag_label(tag)
}

/// A parent's RAG derived from the actions beneath it, ready for a page: the word and colour of
/// the worst open action, and what it was derived from, so it is never mistaken for a RAG an
/// owner set.
#[derive(Debug, Clone)]
pub struct RollupView {
    pub word: &'static str,
    pub class: &'static str,
    /// "from 4 actions".
    pub source: String,
    /// "1 Amber, 3 Green".
    pub counts: String,
}

impl RollupView {
    pub fn new(rollup: &RagRollup) -> Self {
        let rag = crate::pages::RagView::new(rollup.rag());
        let actions = rollup.actions();
        RollupView {
            word: rag.word,
            class: rag.class,
            source: format!(
                "from {actions} action{}",
                if actions == 1 { "" } else { "s" }
            ),
            counts: rollup
                .counts()
                .into_iter()
                .map(|(rag, n)| format!("{n} {}", rag.map_or("not assessed", Rag::word)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The flags of one item (`check --json`, `/api/plans/{id}/check`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckJson {
    pub id: i64,
    pub reference: Option<String>,
    pub text: String,
    pub flags: Vec<String>,
    pub messages: Vec<String>,
}

impl CheckJson {
    pub fn new(item: &ItemState, as_at: NaiveDate) -> Self {
        CheckJson {
            id: item.id.0,
            reference: item.fields.reference.clone(),
            text: item.fields.text.clone(),
            flags: item.flags.iter().map(|f| f.name().to_string()).collect(),
            messages: item
                .flags
                .iter()
                .map(|f| flag_message(*f, item, as_at))
                .collect(),
        }
    }
}

/// A sentence explaining a flag on an item, in plain English.
pub fn flag_message(flag: Flag, item: &ItemState, as_at: NaiveDate) -> String {
    match flag {
        Flag::Overdue => match &item.fields.due {
            Some(due) => format!(
                "Was due {} and is not complete ({} days overdue on {}).",
                due,
                (as_at - due.date).num_days(),
                format_long(as_at)
            ),
            None => "Overdue.".to_string(),
        },
        Flag::NoDueDate => "Has no due date, so its timescale is unknown.".to_string(),
        Flag::Stale => match &item.latest_update {
            Some(update) => format!(
                "Last updated {}, longer ago than the plan's update cycle.",
                format_long(update.as_of)
            ),
            None => "Has never been updated.".to_string(),
        },
        Flag::UpdateOutOfOrder => {
            "An update is dated before the update entered before it.".to_string()
        }
        Flag::DuplicateUpdateText => "The same update text appears on other items.".to_string(),
    }
}

/// Counts for a plan's summary on the home page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanCounts {
    pub items: usize,
    pub actions: usize,
    pub red: usize,
    pub amber: usize,
    pub green: usize,
    pub blue: usize,
    pub not_assessed: usize,
    pub overdue: usize,
    pub due_soon: usize,
    pub stale: usize,
    pub no_due_date: usize,
    pub data_quality: usize,
}

impl PlanCounts {
    /// Counts over the plan's actions (items without children) as at the view's day.
    pub fn new(view: &PlanView) -> Self {
        let mut counts = PlanCounts {
            items: view.items.len(),
            ..PlanCounts::default()
        };
        let soon = view.as_at + chrono::Days::new(30);
        for item in view.items.iter().filter(|i| i.children.is_empty()) {
            counts.actions += 1;
            match item.fields.shown_rag() {
                Some(Rag::Red) => counts.red += 1,
                Some(Rag::Amber) => counts.amber += 1,
                Some(Rag::Green) => counts.green += 1,
                Some(Rag::Blue) => counts.blue += 1,
                None => counts.not_assessed += 1,
            }
            let has = |flag| item.flags.contains(&flag);
            counts.overdue += usize::from(has(Flag::Overdue));
            counts.stale += usize::from(has(Flag::Stale));
            counts.no_due_date += usize::from(has(Flag::NoDueDate));
            counts.data_quality +=
                usize::from(has(Flag::UpdateOutOfOrder) || has(Flag::DuplicateUpdateText));
            if !item.fields.complete
                && item
                    .fields
                    .due
                    .as_ref()
                    .is_some_and(|d| d.date >= view.as_at && d.date <= soon)
            {
                counts.due_soon += 1;
            }
        }
        counts
    }

    /// Segments of the RAG distribution bar: (colour class, word, count, start %, width %), in
    /// the order red, amber, green, blue, not assessed. Widths add up to 100.
    pub fn shares(&self) -> Vec<(&'static str, &'static str, usize, f64, f64)> {
        let total = self.actions.max(1) as f64;
        let mut start = 0.0;
        [
            ("red", "Red", self.red),
            ("amber", "Amber", self.amber),
            ("green", "Green", self.green),
            ("blue", "Blue", self.blue),
            ("grey", "Not assessed", self.not_assessed),
        ]
        .into_iter()
        .filter(|(_, _, n)| *n > 0)
        .map(|(class, word, n)| {
            let width = (n as f64 * 100.0 / total * 100.0).round() / 100.0;
            let segment = (class, word, n, start, width);
            start += width;
            segment
        })
        .collect()
    }
}

/// ISO date for the API and CSV.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
