//! "As at" reads: a plan exactly as it stood at the end of a day, derived from the history of
//! versions and updates, never from stored copies. The choice of version and of visible updates
//! is `waymark_core`'s; this module only fetches rows and orders the tree.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::{
    ChangeMeta, Flag, FlagSubject, ItemFields, ItemId, ItemVersion, Plan, PlanId, RagChange,
    Update, UpdateId, flags_as_at, latest_update, rag_history, version_in_force, visible_updates,
};

use crate::error::{Result, StoreError};
use crate::rows::{
    date_text, flex_date, instant_text, parse_day, parse_instant, parse_marking, parse_rag,
    parse_strings, parse_tags,
};
use crate::{Scope, Store};

/// One item as it stood on the day asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemState {
    pub id: ItemId,
    /// 0 for the top level; indexes the plan's level names.
    pub depth: usize,
    /// The effective date of the item's earliest version.
    pub exists_from: NaiveDate,
    /// The fields in force (with `parent` set).
    pub fields: ItemFields,
    /// When the version in force took effect.
    pub changed_on: NaiveDate,
    /// Updates visible on the day, in entry order.
    pub updates: Vec<Update>,
    pub latest_update: Option<Update>,
    pub flags: Vec<Flag>,
    pub children: Vec<ItemId>,
}

/// A plan as it stood at the end of `as_at`, as known at `known_at` (`None` = now).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    pub plan: Plan,
    pub as_at: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    /// Depth-first, siblings by position: the order of the plan document.
    pub items: Vec<ItemState>,
}

impl PlanView {
    pub fn item(&self, id: ItemId) -> Option<&ItemState> {
        self.items.iter().find(|item| item.id == id)
    }
}

/// Everything ever recorded about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemHistory {
    pub plan: Plan,
    pub item: ItemId,
    /// Oldest first by effective date.
    pub versions: Vec<ItemVersion>,
    /// In entry order, superseded entries included.
    pub updates: Vec<Update>,
    pub rag_history: Vec<RagChange>,
}

const VERSION_COLUMNS: &str = "id, item_id, effective, entered_at, author, reason, parent_id, \
    position, reference, text, description, strategic_lead, owners, start_date, start_written, \
    due_date, due_written, complete, completed_on, rag, tags, marking";
const UPDATE_COLUMNS: &str = "id, item_id, as_of, entered_at, author_person, author_post, text, \
    proposed_rag, supersedes_id";
/// Stands for "no limit" on the second clock: sorts after every stored instant.
const END_OF_TIME: &str = "9999-12-31T23:59:59.999999Z";

impl Store {
    /// The plan as it stood at the end of `as_at`, with each item's flags on that day.
    pub async fn plan_as_at(
        &self,
        scope: Scope,
        plan_id: PlanId,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PlanView> {
        let plan = self.plan(scope, plan_id).await?;
        let revision: i64 = sqlx::query("SELECT revision FROM plans WHERE id = $1")
            .bind(plan.id.0)
            .fetch_one(self.pool())
            .await?
            .try_get("revision")?;
        let key = (plan.id, as_at, known_at);
        if let Some(view) = self.views.get(&key, revision) {
            return Ok(PlanView::clone(&view));
        }
        let view = self.read_plan_as_at(plan, as_at, known_at).await?;
        self.views
            .put(key, revision, std::sync::Arc::new(view.clone()));
        Ok(view)
    }

    /// Reads and derives a plan view from the history, without the cache.
    async fn read_plan_as_at(
        &self,
        plan: Plan,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PlanView> {
        let known_text = known_at
            .map(instant_text)
            .unwrap_or_else(|| END_OF_TIME.into());
        let version_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM item_versions \
             WHERE plan_id = $1 AND effective <= $2 AND entered_at <= $3"
        )))
        .bind(plan.id.0)
        .bind(date_text(as_at))
        .bind(known_text.clone())
        .fetch_all(self.pool())
        .await?;
        let update_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {UPDATE_COLUMNS} FROM updates WHERE plan_id = $1 AND entered_at <= $2"
        )))
        .bind(plan.id.0)
        .bind(known_text)
        .fetch_all(self.pool())
        .await?;

        let mut versions_by_item: HashMap<ItemId, Vec<ItemVersion>> = HashMap::new();
        for row in &version_rows {
            let version = version_from_row(row)?;
            versions_by_item
                .entry(version.item)
                .or_default()
                .push(version);
        }
        let mut updates_by_item: HashMap<ItemId, Vec<Update>> = HashMap::new();
        for row in &update_rows {
            let update = update_from_row(row)?;
            updates_by_item.entry(update.item).or_default().push(update);
        }

        let mut current: HashMap<ItemId, (NaiveDate, &ItemVersion)> = HashMap::new();
        for (item, versions) in &versions_by_item {
            if let Some(version) = version_in_force(versions, as_at, known_at) {
                let exists_from = versions
                    .iter()
                    .map(|v| v.meta.effective)
                    .min()
                    .unwrap_or(version.meta.effective);
                current.insert(*item, (exists_from, version));
            }
        }

        let order = tree_order(&current);
        let mut items: Vec<ItemState> = order
            .iter()
            .filter_map(|(id, depth)| {
                let (exists_from, version) = current.get(id)?;
                let visible: Vec<Update> = updates_by_item
                    .get(id)
                    .map(|all| {
                        visible_updates(all, as_at, known_at)
                            .into_iter()
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                let refs: Vec<&Update> = visible.iter().collect();
                let latest = latest_update(&refs).cloned();
                Some(ItemState {
                    id: *id,
                    depth: *depth,
                    exists_from: *exists_from,
                    fields: version.fields.clone(),
                    changed_on: version.meta.effective,
                    latest_update: latest,
                    updates: visible,
                    flags: Vec::new(),
                    children: Vec::new(),
                })
            })
            .collect();

        let index: HashMap<ItemId, usize> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id, i))
            .collect();
        let links: Vec<(usize, ItemId)> = items
            .iter()
            .filter_map(|item| {
                let parent = item.fields.parent?;
                Some((*index.get(&parent)?, item.id))
            })
            .collect();
        for (parent, child) in links {
            items[parent].children.push(child);
        }

        let flags = {
            let subjects: Vec<FlagSubject<'_>> = items
                .iter()
                .map(|item| FlagSubject {
                    item: item.id,
                    fields: &item.fields,
                    exists_from: item.exists_from,
                    has_children: !item.children.is_empty(),
                    updates: item.updates.iter().collect(),
                })
                .collect();
            flags_as_at(&subjects, plan.update_cycle, as_at)
        };
        for (item, item_flags) in items.iter_mut().zip(flags) {
            item.flags = item_flags;
        }

        Ok(PlanView {
            plan,
            as_at,
            known_at,
            items,
        })
    }

    /// Every version and update of one item, if the scope may see its plan.
    pub async fn item_history(&self, scope: Scope, item: ItemId) -> Result<ItemHistory> {
        let row = sqlx::query("SELECT plan_id FROM items WHERE id = $1")
            .bind(item.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound {
                what: "item",
                id: item.0,
            })?;
        let plan = self
            .plan(scope, PlanId(row.try_get("plan_id")?))
            .await
            .map_err(|_| StoreError::NotFound {
                what: "item",
                id: item.0,
            })?;
        let version_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM item_versions WHERE item_id = $1 \
             ORDER BY effective, entered_at, id"
        )))
        .bind(item.0)
        .fetch_all(self.pool())
        .await?;
        let update_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {UPDATE_COLUMNS} FROM updates WHERE item_id = $1 ORDER BY entered_at, id"
        )))
        .bind(item.0)
        .fetch_all(self.pool())
        .await?;
        let versions = version_rows
            .iter()
            .map(version_from_row)
            .collect::<Result<Vec<_>>>()?;
        let updates = update_rows
            .iter()
            .map(update_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(ItemHistory {
            rag_history: rag_history(&versions),
            plan,
            item,
            versions,
            updates,
        })
    }
}

/// Depth-first order of the items that exist, siblings by (position, id). An item whose parent
/// does not exist on the day is shown at the top level rather than lost.
fn tree_order(current: &HashMap<ItemId, (NaiveDate, &ItemVersion)>) -> Vec<(ItemId, usize)> {
    let mut children: HashMap<Option<ItemId>, Vec<(i64, ItemId)>> = HashMap::new();
    for (id, (_, version)) in current {
        let parent = version
            .fields
            .parent
            .filter(|parent| current.contains_key(parent) && parent != id);
        children
            .entry(parent)
            .or_default()
            .push((version.fields.position, *id));
    }
    for siblings in children.values_mut() {
        siblings.sort();
    }
    let mut order = Vec::with_capacity(current.len());
    let mut stack: Vec<(ItemId, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|(_, id)| (*id, 0)).collect())
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    while let Some((id, depth)) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        order.push((id, depth));
        if let Some(kids) = children.get(&Some(id)) {
            stack.extend(kids.iter().rev().map(|(_, kid)| (*kid, depth + 1)));
        }
    }
    // Items caught in a parent cycle are unreachable from the roots; show them at the top.
    let mut stranded: Vec<ItemId> = current
        .keys()
        .filter(|id| !seen.contains(id))
        .copied()
        .collect();
    stranded.sort();
    order.extend(stranded.into_iter().map(|id| (id, 0)));
    order
}

fn version_from_row(row: &AnyRow) -> Result<ItemVersion> {
    Ok(ItemVersion {
        item: ItemId(row.try_get("item_id")?),
        seq: row.try_get("id")?,
        meta: ChangeMeta {
            effective: parse_day(&row.try_get::<String, _>("effective")?)?,
            entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
            author: row.try_get("author")?,
            reason: row.try_get("reason")?,
        },
        fields: ItemFields {
            parent: row.try_get::<Option<i64>, _>("parent_id")?.map(ItemId),
            position: row.try_get("position")?,
            reference: row.try_get("reference")?,
            text: row.try_get("text")?,
            description: row.try_get("description")?,
            strategic_lead: row.try_get("strategic_lead")?,
            owners: parse_strings(&row.try_get::<String, _>("owners")?)?,
            start: flex_date(row.try_get("start_date")?, row.try_get("start_written")?)?,
            due: flex_date(row.try_get("due_date")?, row.try_get("due_written")?)?,
            complete: row.try_get::<i64, _>("complete")? != 0,
            completed_on: row
                .try_get::<Option<String>, _>("completed_on")?
                .map(|d| parse_day(&d))
                .transpose()?,
            rag: parse_rag(row.try_get("rag")?)?,
            tags: parse_tags(&row.try_get::<String, _>("tags")?)?,
            marking: parse_marking(row.try_get("marking")?),
        },
    })
}

fn update_from_row(row: &AnyRow) -> Result<Update> {
    Ok(Update {
        id: UpdateId(row.try_get("id")?),
        item: ItemId(row.try_get("item_id")?),
        as_of: parse_day(&row.try_get::<String, _>("as_of")?)?,
        entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
        author_person: row.try_get("author_person")?,
        author_post: row.try_get("author_post")?,
        text: row.try_get("text")?,
        proposed_rag: parse_rag(row.try_get("proposed_rag")?)?,
        supersedes: row
            .try_get::<Option<i64>, _>("supersedes_id")?
            .map(UpdateId),
    })
}

/// How many actions (items without children) had each shown RAG at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RagMix {
    pub red: usize,
    pub amber: usize,
    pub green: usize,
    pub blue: usize,
    pub not_assessed: usize,
}

impl RagMix {
    pub fn actions(&self) -> usize {
        self.red + self.amber + self.green + self.blue + self.not_assessed
    }
}

impl Store {
    /// The RAG mix of a plan's actions at the end of each of `days`, from one read of its
    /// history: the home page's month-by-month chart without a full "as at" read per month.
    pub async fn rag_mix_at(
        &self,
        scope: Scope,
        plan_id: PlanId,
        days: &[NaiveDate],
    ) -> Result<Vec<RagMix>> {
        let plan = self.plan(scope, plan_id).await?;
        let Some(last) = days.iter().max() else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM item_versions WHERE plan_id = $1 AND effective <= $2"
        )))
        .bind(plan.id.0)
        .bind(date_text(*last))
        .fetch_all(self.pool())
        .await?;
        let mut versions_by_item: HashMap<ItemId, Vec<ItemVersion>> = HashMap::new();
        for row in &rows {
            let version = version_from_row(row)?;
            versions_by_item
                .entry(version.item)
                .or_default()
                .push(version);
        }
        Ok(days
            .iter()
            .map(|day| {
                let current: Vec<&ItemVersion> = versions_by_item
                    .values()
                    .filter_map(|versions| version_in_force(versions, *day, None))
                    .collect();
                let parents: std::collections::HashSet<ItemId> =
                    current.iter().filter_map(|v| v.fields.parent).collect();
                let mut mix = RagMix::default();
                for version in current.iter().filter(|v| !parents.contains(&v.item)) {
                    match version.fields.shown_rag() {
                        Some(waymark_core::Rag::Red) => mix.red += 1,
                        Some(waymark_core::Rag::Amber) => mix.amber += 1,
                        Some(waymark_core::Rag::Green) => mix.green += 1,
                        Some(waymark_core::Rag::Blue) => mix.blue += 1,
                        None => mix.not_assessed += 1,
                    }
                }
                mix
            })
            .collect())
    }
}
