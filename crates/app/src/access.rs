//! The one visibility rule, applied: which plans an actor may see, and each plan's items
//! narrowed to those within their ceiling and share. Every read of plan content in this crate
//! comes through [`App::visible_plans`], [`App::plan`] or [`App::plan_view`], so no list,
//! count, search, export or report can forget it.
//!
//! The store is read with the scope of the plan's own organisation once access is decided, so
//! its own check (every row belongs to an organisation) still holds underneath.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::{
    Classification, ItemId, Plan, PlanAccess, PlanId, Share, effective_markings, plan_access,
    visible_items,
};
use waymark_store::{ItemState, PlanView, Scope};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// A plan the actor may see, with what they may do in it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisiblePlan {
    pub plan: Plan,
    pub access: PlanAccess,
}

impl VisiblePlan {
    /// The scope the store is read with for this plan: its own organisation's.
    pub(crate) fn scope(&self) -> Scope {
        Scope::Org(self.plan.org)
    }

    /// Whether the plan belongs to the actor's organisation (rather than being shared).
    pub fn is_own(&self) -> bool {
        self.access.share.is_none()
    }
}

/// A plan as it stood on a day, narrowed to what the actor may see.
#[derive(Debug, Clone)]
pub struct PlanRead {
    pub view: Arc<PlanView>,
    pub access: PlanAccess,
    /// Each visible item's effective marking (its plan's, its parents' and its own); shared,
    /// as the view is, between the reads of one plan narrowed alike.
    pub markings: Arc<HashMap<ItemId, Classification>>,
    /// The most sensitive marking of what the view holds, for the banner at the top and
    /// bottom of a page and the header and footer of an export.
    pub highest: Classification,
}

impl PlanRead {
    pub fn plan(&self) -> &Plan {
        &self.view.plan
    }

    /// An item's effective marking.
    pub fn marking_of(&self, item: ItemId) -> Classification {
        self.markings
            .get(&item)
            .copied()
            .unwrap_or(self.view.plan.marking)
    }

    pub fn may_manage(&self) -> bool {
        self.access.may_manage()
    }

    /// Whether the actor may add updates to `item`.
    pub fn may_update(&self, actor: &Actor, item: &ItemState) -> bool {
        !self.view.plan.archived && self.access.may_update(&item.fields.owners, &actor.posts)
    }
}

impl App {
    /// The active shares made with the actor's organisation.
    pub(crate) async fn shares_with(&self, actor: &Actor) -> Result<Vec<Share>> {
        match actor.org() {
            Some(org) => Ok(self.store().active_shares_with(org).await?),
            None => Ok(Vec::new()),
        }
    }

    /// Every plan the actor may see, their own organisation's first, then those shared with
    /// it, each in id order.
    pub async fn visible_plans(&self, actor: &Actor) -> Result<Vec<VisiblePlan>> {
        let Some(org) = actor.org() else {
            return Ok(self
                .store()
                .plans(Scope::All)
                .await?
                .into_iter()
                .map(|plan| VisiblePlan {
                    plan,
                    access: PlanAccess::full(),
                })
                .collect());
        };
        let mut visible: Vec<VisiblePlan> = self
            .store()
            .plans(Scope::Org(org))
            .await?
            .into_iter()
            .filter_map(|plan| {
                plan_access(&actor.subject, &plan, &[]).map(|access| VisiblePlan { plan, access })
            })
            .collect();
        let shares = self.shares_with(actor).await?;
        let mut shared: Vec<PlanId> = shares.iter().map(|share| share.plan).collect();
        shared.sort();
        shared.dedup();
        for id in shared {
            let plan = match self.store().plan(Scope::All, id).await {
                Ok(plan) => plan,
                Err(waymark_store::StoreError::NotFound { .. }) => continue,
                Err(other) => return Err(other.into()),
            };
            if let Some(access) = plan_access(&actor.subject, &plan, &shares) {
                visible.push(VisiblePlan { plan, access });
            }
        }
        Ok(visible)
    }

    /// One plan, if the actor may see it; otherwise not found, so that nobody learns of a
    /// plan they may not see.
    pub async fn plan(&self, actor: &Actor, id: PlanId) -> Result<VisiblePlan> {
        let plan = self.store().plan(Scope::All, id).await?;
        self.plan_access(actor, plan).await
    }

    /// [`App::plan`] of a plan already read (whatever the scope it was read in): the same
    /// check, without reading the plan again.
    pub(crate) async fn plan_access(&self, actor: &Actor, plan: Plan) -> Result<VisiblePlan> {
        let shares = if actor.org().is_some_and(|org| org != plan.org) {
            self.shares_with(actor).await?
        } else {
            Vec::new()
        };
        plan_access(&actor.subject, &plan, &shares)
            .map(|access| VisiblePlan { plan, access })
            .ok_or(AppError::NotFound)
    }

    /// A plan the actor may manage (structure, import, publishing, markings, sharing);
    /// forbidden where they may only see it. An archived plan is read-only.
    pub async fn managed_plan(&self, actor: &Actor, id: PlanId) -> Result<VisiblePlan> {
        let visible = self.plan(actor, id).await?;
        if !visible.access.may_manage() {
            return Err(AppError::Forbidden);
        }
        if visible.plan.archived {
            return Err(AppError::state(
                "form",
                "This plan is archived: restore it before changing it",
            ));
        }
        Ok(visible)
    }

    /// A plan as it stood at the end of `as_at`, narrowed to what the actor may see.
    pub async fn plan_view(&self, actor: &Actor, id: PlanId, as_at: NaiveDate) -> Result<PlanRead> {
        let visible = self.plan(actor, id).await?;
        self.read_view(&visible, as_at, None).await
    }

    /// As [`App::plan_view`], as known at `known_at` on the second clock.
    pub async fn plan_view_known(
        &self,
        actor: &Actor,
        id: PlanId,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PlanRead> {
        let visible = self.plan(actor, id).await?;
        self.read_view(&visible, as_at, known_at).await
    }

    /// The view of a plan already found visible, narrowed by its access. A view of another
    /// day is also narrowed by the items' markings today, so that an item marked sensitive
    /// since cannot be read through its history.
    pub(crate) async fn read_view(
        &self,
        visible: &VisiblePlan,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PlanRead> {
        let view = self
            .store()
            .plan_view(visible.scope(), visible.plan.id, as_at, known_at)
            .await?;
        let today = self.today();
        let current = if as_at == today && known_at.is_none() {
            None
        } else {
            Some(
                self.store()
                    .plan_view(visible.scope(), visible.plan.id, today, None)
                    .await?,
            )
        };
        Ok(self.narrowed.narrow(view, &visible.access, current))
    }

    /// Views of many plans the actor may see, on one day, narrowed; read in one batch.
    pub(crate) async fn read_views(
        &self,
        plans: &[VisiblePlan],
        as_at: NaiveDate,
    ) -> Result<Vec<PlanRead>> {
        let ids: Vec<PlanId> = plans.iter().map(|v| v.plan.id).collect();
        let views = self.store().plan_views(Scope::All, &ids, as_at).await?;
        let today = self.today();
        let mut reads = Vec::with_capacity(views.len());
        for view in views {
            let Some(visible) = plans.iter().find(|v| v.plan.id == view.plan.id) else {
                continue;
            };
            let current = if as_at == today {
                None
            } else {
                Some(
                    self.store()
                        .plan_view(visible.scope(), visible.plan.id, today, None)
                        .await?,
                )
            };
            reads.push(self.narrowed.narrow(view, &visible.access, current));
        }
        Ok(reads)
    }
}

/// Narrows a view to what `access` lets a person see. A view that is wholly visible is
/// returned as it is (often the cache's own), so the common case costs one pass over the
/// items' markings. `current`, where given, is the plan as it stands today: an item's marking
/// is then the higher of its marking on the view's day and today.
pub fn narrow(view: Arc<PlanView>, access: &PlanAccess, current: Option<&PlanView>) -> PlanRead {
    let mut markings = effective_markings(
        view.plan.marking,
        view.items
            .iter()
            .map(|item| (item.depth, item.fields.marking)),
    );
    if let Some(current) = current {
        let now: HashMap<ItemId, Classification> = current
            .items
            .iter()
            .map(|item| item.id)
            .zip(effective_markings(
                current.plan.marking,
                current
                    .items
                    .iter()
                    .map(|item| (item.depth, item.fields.marking)),
            ))
            .collect();
        for (item, marking) in view.items.iter().zip(markings.iter_mut()) {
            if let Some(today) = now.get(&item.id) {
                *marking = marking.max(*today);
            }
        }
    }
    let visible = visible_items(
        access,
        view.items
            .iter()
            .zip(&markings)
            .map(|(item, marking)| (item.depth, item.id, *marking)),
    );
    let highest_of = |pairs: &mut dyn Iterator<Item = Classification>| {
        pairs.fold(view.plan.marking, Classification::max)
    };
    if visible.iter().all(|v| *v) {
        let highest = highest_of(&mut markings.iter().copied());
        let markings = Arc::new(view.items.iter().map(|i| i.id).zip(markings).collect());
        return PlanRead {
            view,
            access: access.clone(),
            markings,
            highest,
        };
    }
    let kept: std::collections::HashSet<ItemId> = view
        .items
        .iter()
        .zip(&visible)
        .filter(|(_, v)| **v)
        .map(|(item, _)| item.id)
        .collect();
    // Depths count only visible ancestors: an item shared without its parent is at the top.
    let mut items = Vec::with_capacity(kept.len());
    let mut item_markings = HashMap::with_capacity(kept.len());
    let mut ancestors: Vec<(usize, bool)> = Vec::new();
    for ((item, marking), shown) in view.items.iter().zip(&markings).zip(&visible) {
        while ancestors
            .last()
            .is_some_and(|(depth, _)| *depth >= item.depth)
        {
            ancestors.pop();
        }
        let visible_ancestors = ancestors.iter().filter(|(_, shown)| *shown).count();
        ancestors.push((item.depth, *shown));
        if !*shown {
            continue;
        }
        let mut narrowed = item.clone();
        narrowed.depth = visible_ancestors;
        narrowed.children.retain(|child| kept.contains(child));
        if narrowed.fields.parent.is_some_and(|p| !kept.contains(&p)) {
            narrowed.fields.parent = None;
        }
        item_markings.insert(item.id, *marking);
        items.push(narrowed);
    }
    let highest = highest_of(&mut item_markings.values().copied());
    PlanRead {
        view: Arc::new(PlanView::new(
            view.plan.clone(),
            view.as_at,
            view.known_at,
            items,
        )),
        access: access.clone(),
        markings: Arc::new(item_markings),
        highest,
    }
}

/// How many narrowed views the application keeps: a few plans, each seen through a few kinds
/// of access, on today and a few other days. A copy is kept only where items are hidden.
const NARROWED_KEPT: usize = 32;

/// Views already narrowed, so that every page of a large plan does not work out again which of
/// its items the reader may see (and, where some are hidden, copy the rest). A view read from
/// the store is a new `Arc` whenever the plan changes. Each entry holds weak references to the
/// views it was made from: they keep the views' allocations, never their contents, so an address
/// names the same view for as long as the entry lives, and the store's cache still decides how
/// long a view's items are kept.
#[derive(Debug, Default)]
pub(crate) struct NarrowedViews {
    entries: std::sync::Mutex<HashMap<NarrowKey, Narrowed>>,
}

#[derive(Debug, Hash, PartialEq, Eq)]
struct NarrowKey {
    view: usize,
    current: usize,
    ceiling: waymark_core::Marking,
    items: Option<std::collections::BTreeSet<ItemId>>,
}

#[derive(Debug)]
struct Narrowed {
    /// Held so that the key's addresses are not reused while the entry lives.
    _sources: (std::sync::Weak<PlanView>, Option<std::sync::Weak<PlanView>>),
    /// The narrowed copy where some items are hidden; `None` where the reader sees the whole
    /// view, which is then the caller's own.
    copy: Option<Arc<PlanView>>,
    markings: Arc<HashMap<ItemId, Classification>>,
    highest: Classification,
}

impl NarrowedViews {
    /// [`narrow`], from the views already narrowed where this one has been.
    pub(crate) fn narrow(
        &self,
        view: Arc<PlanView>,
        access: &PlanAccess,
        current: Option<Arc<PlanView>>,
    ) -> PlanRead {
        let key = NarrowKey {
            view: Arc::as_ptr(&view) as usize,
            current: current.as_ref().map_or(0, |c| Arc::as_ptr(c) as usize),
            ceiling: access.ceiling,
            items: access.items.clone(),
        };
        if let Ok(entries) = self.entries.lock()
            && let Some(found) = entries.get(&key)
        {
            return PlanRead {
                view: found.copy.clone().unwrap_or(view),
                access: access.clone(),
                markings: found.markings.clone(),
                highest: found.highest,
            };
        }
        let sources = (Arc::downgrade(&view), current.as_ref().map(Arc::downgrade));
        let read = narrow(view.clone(), access, current.as_deref());
        let copy = (!Arc::ptr_eq(&read.view, &view)).then(|| read.view.clone());
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= NARROWED_KEPT {
                entries.clear();
            }
            entries.insert(
                key,
                Narrowed {
                    _sources: sources,
                    copy,
                    markings: read.markings.clone(),
                    highest: read.highest,
                },
            );
        }
        read
    }
}
