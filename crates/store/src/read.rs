//! "As at" reads: a plan exactly as it stood at the end of a day, derived from the history of
//! versions and updates, never from stored copies. The choice of version and of visible updates
//! is `waymark_core`'s; this module only fetches rows and orders the tree.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::{
    Flag, FlagSubject, ItemFields, ItemId, ItemVersion, Plan, PlanId, RagChange, Update, UpdateId,
    flags_as_at, latest_update, rag_history, version_in_force, visible_updates,
};

use crate::error::{Result, StoreError};
use crate::history_rows::{Ancestors, Bind};
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
    /// Where each item is in `items`: My actions looks up hundreds of items across hundreds of
    /// cached views per request, and a scan of a view's items touches tens of kilobytes.
    positions: HashMap<ItemId, usize>,
}

impl PlanView {
    pub fn new(
        plan: Plan,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        items: Vec<ItemState>,
    ) -> PlanView {
        let positions = items
            .iter()
            .enumerate()
            .map(|(position, item)| (item.id, position))
            .collect();
        PlanView {
            plan,
            as_at,
            known_at,
            items,
            positions,
        }
    }

    pub fn item(&self, id: ItemId) -> Option<&ItemState> {
        let indexed = self
            .positions
            .get(&id)
            .and_then(|position| self.items.get(*position))
            .filter(|item| item.id == id);
        // `items` is public, so a caller may have reordered it since the index was made.
        indexed.or_else(|| self.items.iter().find(|item| item.id == id))
    }

    /// About how much memory the view holds: its structs and the text they point to. The view
    /// cache budgets by it.
    pub fn approx_bytes(&self) -> usize {
        let strings = |values: &[String]| values.iter().map(|v| v.len() + 24).sum::<usize>();
        let optional = |value: &Option<String>| value.as_ref().map_or(0, String::len);
        let update_bytes = |update: &Update| {
            std::mem::size_of::<Update>()
                + update.text.len()
                + optional(&update.author_person)
                + optional(&update.author_post)
        };
        let plan = &self.plan;
        let plan_bytes = std::mem::size_of::<PlanView>()
            + self.positions.len() * 2 * std::mem::size_of::<(ItemId, usize)>()
            + plan.title.len()
            + optional(&plan.period)
            + optional(&plan.source)
            + strings(&plan.level_names)
            + strings(&plan.owner_posts);
        plan_bytes
            + self
                .items
                .iter()
                .map(|item| {
                    let fields = &item.fields;
                    std::mem::size_of::<ItemState>()
                        + fields.text.len()
                        + optional(&fields.reference)
                        + optional(&fields.description)
                        + optional(&fields.strategic_lead)
                        + strings(&fields.owners)
                        + fields
                            .tags
                            .iter()
                            .map(|t| t.taxonomy.len() + t.value.len() + 48)
                            .sum::<usize>()
                        + item.updates.iter().map(update_bytes).sum::<usize>()
                        + item.latest_update.as_ref().map_or(0, update_bytes)
                        + item.flags.len()
                        + item.children.len() * std::mem::size_of::<ItemId>()
                })
                .sum::<usize>()
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

/// Stands for "no limit" on the second clock: sorts after every stored instant.
pub(crate) const END_OF_TIME: &str = "9999-12-31T23:59:59.999999Z";

impl Store {
    /// The plan as it stood at the end of `as_at`, with each item's flags on that day.
    pub async fn plan_as_at(
        &self,
        scope: Scope,
        plan_id: PlanId,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PlanView> {
        let view = self.plan_view(scope, plan_id, as_at, known_at).await?;
        Ok(Arc::unwrap_or_clone(view))
    }

    /// `plan_as_at` shared rather than copied: the view may be the cache's own, which is what
    /// makes a page over a cached plan cost one query.
    pub async fn plan_view(
        &self,
        scope: Scope,
        plan_id: PlanId,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Arc<PlanView>> {
        self.views_as_known(scope, &[plan_id], as_at, known_at)
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound {
                what: "plan",
                id: plan_id.0,
            })
    }
}

/// A plan view from the plan's versions and updates (as known at `known_at`): the version in
/// force and the visible updates of each item on `as_at`, the tree, and the flags.
pub(crate) fn derive_view(
    plan: Plan,
    as_at: NaiveDate,
    known_at: Option<DateTime<Utc>>,
    versions: Vec<ItemVersion>,
    updates: Vec<Update>,
) -> PlanView {
    let mut versions_by_item: HashMap<ItemId, Vec<ItemVersion>> = HashMap::new();
    for version in versions {
        versions_by_item
            .entry(version.item)
            .or_default()
            .push(version);
    }
    let mut updates_by_item: HashMap<ItemId, Vec<Update>> = HashMap::new();
    for update in updates {
        updates_by_item.entry(update.item).or_default().push(update);
    }

    // Which version of each item is in force, and since when the item exists; the tree is
    // ordered from borrowed versions, then the chosen ones are moved into the view rather than
    // copied (a view is built for every cache miss).
    let mut chosen: HashMap<ItemId, (NaiveDate, i64)> = HashMap::new();
    let order = {
        let mut current: HashMap<ItemId, (NaiveDate, &ItemVersion)> = HashMap::new();
        for (item, versions) in &versions_by_item {
            if let Some(version) = version_in_force(versions, as_at, known_at) {
                let exists_from = versions
                    .iter()
                    .map(|v| v.meta.effective)
                    .min()
                    .unwrap_or(version.meta.effective);
                current.insert(*item, (exists_from, version));
                chosen.insert(*item, (exists_from, version.seq));
            }
        }
        // An archived item has left the plan, and what is under it with it.
        let mut archived_at: Option<usize> = None;
        tree_order(&current)
            .into_iter()
            .filter(|(id, depth)| {
                if archived_at.is_some_and(|at| *depth <= at) {
                    archived_at = None;
                }
                if archived_at.is_some() {
                    return false;
                }
                let archived = current
                    .get(id)
                    .is_some_and(|(_, version)| version.fields.archived);
                if archived {
                    archived_at = Some(*depth);
                }
                !archived
            })
            .collect::<Vec<_>>()
    };
    let mut items: Vec<ItemState> = order
        .iter()
        .filter_map(|(id, depth)| {
            let (exists_from, seq) = chosen.get(id)?;
            let versions = versions_by_item.remove(id)?;
            let version = versions.into_iter().find(|v| v.seq == *seq)?;
            let visible: Vec<Update> = match updates_by_item.remove(id) {
                Some(mut all) => {
                    let shown: HashSet<UpdateId> = visible_updates(&all, as_at, known_at)
                        .iter()
                        .map(|u| u.id)
                        .collect();
                    all.retain(|u| shown.contains(&u.id));
                    all.sort_by_key(|u| (u.entered_at, u.id));
                    all
                }
                None => Vec::new(),
            };
            let refs: Vec<&Update> = visible.iter().collect();
            let latest = latest_update(&refs).cloned();
            Some(ItemState {
                id: *id,
                depth: *depth,
                exists_from: *exists_from,
                changed_on: version.meta.effective,
                fields: version.fields,
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

    PlanView::new(plan, as_at, known_at, items)
}

/// An item's history, its versions each with its plan, and its ancestors' versions (where
/// they were asked for).
type ItemHistoryRows = (
    ItemHistory,
    Vec<(PlanId, ItemVersion)>,
    Vec<(PlanId, ItemVersion)>,
);

impl Store {
    /// The versions in force at the end of `as_at` of an item and of each of its ancestors,
    /// the item first, the top last: what one item's visibility and archiving depend on,
    /// read without building the plan's view. Empty when the item did not exist on `as_at`.
    /// Like the view, the walk stops at a parent that is not in the plan on that day (the
    /// item is then at the top) and at a parent already seen (a cycle).
    pub async fn item_lineage(
        &self,
        plan: PlanId,
        item: ItemId,
        as_at: NaiveDate,
    ) -> Result<Vec<ItemVersion>> {
        self.lineage_from(plan, item, HashMap::new(), as_at).await
    }

    /// [`Store::item_lineage`] from versions the caller has read already (`known`: every
    /// version of some items, each with its plan, by item), so that only the items missing
    /// from it are read, one query each.
    async fn lineage_from(
        &self,
        plan: PlanId,
        item: ItemId,
        mut known: HashMap<ItemId, Vec<(PlanId, ItemVersion)>>,
        as_at: NaiveDate,
    ) -> Result<Vec<ItemVersion>> {
        let mut lineage: Vec<ItemVersion> = Vec::new();
        let mut next = Some(item);
        while let Some(id) = next.take() {
            if lineage.iter().any(|v| v.item == id) {
                break;
            }
            let rows = match known.remove(&id) {
                Some(rows) => rows,
                // By item alone, so the item's index is used (with the plan in the condition
                // SQLite reads the whole plan's versions), then kept to the plan.
                None => {
                    self.fetch_versions("FROM item_versions WHERE item_id = $1", &[Bind::Int(id.0)])
                        .await?
                }
            };
            let versions: Vec<ItemVersion> = rows
                .into_iter()
                .filter(|(of, _)| *of == plan)
                .map(|(_, v)| v)
                .collect();
            let Some(version) = version_in_force(&versions, as_at, None) else {
                break;
            };
            next = version.fields.parent.filter(|parent| *parent != id);
            lineage.push(version.clone());
        }
        Ok(lineage)
    }

    /// Every version and update of one item, if the scope may see its plan.
    pub async fn item_history(&self, scope: Scope, item: ItemId) -> Result<ItemHistory> {
        Ok(self
            .item_history_rows(scope, item, Ancestors::Skip)
            .await?
            .0)
    }

    /// What a write to one item checks, in one query: [`Store::item_history`], and
    /// [`Store::item_lineage`] at the end of `as_at` in the item's plan, its ancestors' versions
    /// read with the item's (every item any version of the item or an ancestor names as its
    /// parent), so that a progress update waits on the database once before it is written.
    pub async fn item_history_and_lineage(
        &self,
        scope: Scope,
        item: ItemId,
        as_at: NaiveDate,
    ) -> Result<(ItemHistory, Vec<ItemVersion>)> {
        let (history, versions, ancestors) =
            self.item_history_rows(scope, item, Ancestors::Read).await?;
        let mut known: HashMap<ItemId, Vec<(PlanId, ItemVersion)>> = HashMap::new();
        for (plan, version) in ancestors {
            known.entry(version.item).or_default().push((plan, version));
        }
        known.insert(item, versions);
        let lineage = self
            .lineage_from(history.plan.id, item, known, as_at)
            .await?;
        Ok((history, lineage))
    }

    /// The item's history, and its versions each with its plan (for the lineage), read in
    /// one query.
    async fn item_history_rows(
        &self,
        scope: Scope,
        item: ItemId,
        ancestors: Ancestors,
    ) -> Result<ItemHistoryRows> {
        let not_found = StoreError::NotFound {
            what: "item",
            id: item.0,
        };
        let rows = self.fetch_item_rows(item, ancestors).await?;
        let plan = match rows.plan {
            Some(plan) if scope.allows(plan.org) => plan,
            _ => return Err(not_found),
        };
        let mut versions: Vec<ItemVersion> = rows.versions.iter().map(|(_, v)| v.clone()).collect();
        versions.sort_by_key(|v| (v.meta.effective, v.meta.entered_at, v.seq));
        let mut updates: Vec<Update> = rows.updates.into_iter().map(|(_, u)| u).collect();
        updates.sort_by_key(|u| (u.entered_at, u.id));
        Ok((
            ItemHistory {
                rag_history: rag_history(&versions),
                plan,
                item,
                versions,
                updates,
            },
            rows.versions,
            rows.ancestors,
        ))
    }

    /// Every version of every item of a plan, by item (each oldest first by effective
    /// date): what archiving and restoring look through for items no longer in the plan.
    pub async fn plan_item_versions(
        &self,
        scope: Scope,
        plan: PlanId,
    ) -> Result<HashMap<ItemId, Vec<ItemVersion>>> {
        self.plan_versions_where(scope, plan, "FROM item_versions WHERE plan_id = $1")
            .await
    }

    /// As [`Store::plan_item_versions`], for only the items of the plan that some version
    /// archives: a plan manager's list of archived items, read through a partial index rather
    /// than every version of the plan.
    pub async fn plan_archived_item_versions(
        &self,
        scope: Scope,
        plan: PlanId,
    ) -> Result<HashMap<ItemId, Vec<ItemVersion>>> {
        self.plan_versions_where(
            scope,
            plan,
            "FROM item_versions WHERE item_id IN (SELECT item_id FROM item_versions \
             WHERE plan_id = $1 AND archived = 1)",
        )
        .await
    }

    /// The versions `from_where` selects of a plan the scope reaches (`$1` is the plan's id),
    /// by item.
    async fn plan_versions_where(
        &self,
        scope: Scope,
        plan: PlanId,
        from_where: &str,
    ) -> Result<HashMap<ItemId, Vec<ItemVersion>>> {
        let plan = self.plan(scope, plan).await?;
        let versions = self
            .fetch_versions(from_where, &[Bind::Int(plan.id.0)])
            .await?;
        Ok(by_item(versions))
    }
}

/// Versions by item, each item's in the order they took effect and were entered.
fn by_item(versions: Vec<(PlanId, ItemVersion)>) -> HashMap<ItemId, Vec<ItemVersion>> {
    let mut by_item: HashMap<ItemId, Vec<ItemVersion>> = HashMap::new();
    for (_, version) in versions {
        by_item.entry(version.item).or_default().push(version);
    }
    for versions in by_item.values_mut() {
        versions.sort_by_key(|v| (v.meta.effective, v.meta.entered_at, v.seq));
    }
    by_item
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
        let mixes = self.rag_mixes_at(scope, &[plan_id], days).await?;
        match mixes.into_iter().next() {
            Some((_, mix)) => Ok(Arc::unwrap_or_clone(mix)),
            None => Err(StoreError::NotFound {
                what: "plan",
                id: plan_id.0,
            }),
        }
    }
}

/// The RAG mix of the actions (items without children) at the end of each of `days`, from the
/// versions of one plan's items.
pub(crate) fn rag_mixes(versions: Vec<ItemVersion>, days: &[NaiveDate]) -> Vec<RagMix> {
    let mut versions_by_item: HashMap<ItemId, Vec<ItemVersion>> = HashMap::new();
    for version in versions {
        versions_by_item
            .entry(version.item)
            .or_default()
            .push(version);
    }
    days.iter()
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
        .collect()
}
