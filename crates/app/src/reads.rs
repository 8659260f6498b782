//! Reads across a plan or many: search, the actions a person's posts own (My actions and the
//! home page's count), what changed between two days, and exports. Each narrows what it reads
//! to what the actor may see before anything is counted or listed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use waymark_core::{Classification, ItemId, Marking, PlanAccess, PlanId, plan_access};
use waymark_io::ExportFormat;
use waymark_store::{PlanChanges, PlanView, Scope, changes_between};

use crate::App;
use crate::access::{PlanRead, narrow};
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// The actions (items without children) that the posts a person holds today own today, with
/// the narrowed views they were found in.
#[derive(Debug, Clone, Default)]
pub struct OwnedActions {
    pub posts: Vec<String>,
    /// Each view with the ids of the owned actions in it, plans in id order.
    pub found: Vec<(Arc<PlanView>, Vec<ItemId>)>,
    /// The most sensitive marking of the actions found, for the page's banner.
    pub marking: Classification,
}

impl OwnedActions {
    /// How many are open, and how many of those overdue.
    pub fn open_and_overdue(&self) -> (usize, usize) {
        let mut open = 0;
        let mut overdue = 0;
        for (view, ids) in &self.found {
            for item in ids.iter().filter_map(|id| view.item(*id)) {
                if !item.fields.complete {
                    open += 1;
                    overdue += usize::from(item.flags.contains(&waymark_core::Flag::Overdue));
                }
            }
        }
        (open, overdue)
    }
}

/// What changed in a plan between two days, as the actor may see it.
#[derive(Debug, Clone)]
pub struct ChangesRead {
    pub before: PlanRead,
    pub after: PlanRead,
    pub changes: PlanChanges,
    /// Who made the version in force at the end of the period, for each item whose due date,
    /// owners or wording changed in it.
    pub changed_by: HashMap<ItemId, String>,
}

/// A plan written out as a file.
#[derive(Debug, Clone)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub items: usize,
    /// The most sensitive marking of what the file holds, which it carries.
    pub marking: Classification,
}

impl App {
    /// The ids of the items of a plan that contain `query` (in their fields or updates), of
    /// those the actor may see.
    pub async fn search(
        &self,
        actor: &Actor,
        plan: PlanId,
        query: &str,
    ) -> Result<HashSet<ItemId>> {
        let read = self.plan_view(actor, plan, self.today()).await?;
        let found = self
            .store()
            .search(Scope::Org(read.view.plan.org), plan, query)
            .await?;
        Ok(found
            .into_iter()
            .filter(|id| read.view.item(*id).is_some())
            .collect())
    }

    /// The actions the posts the actor holds today own, across every plan they may see:
    /// their own organisation's through the owner index, and plans shared with it for
    /// contribution by reading those plans.
    pub async fn owned_actions(&self, actor: &Actor) -> Result<OwnedActions> {
        let today = self.today();
        let posts = actor.posts.clone();
        let Some(org) = actor.org() else {
            return Ok(OwnedActions::default());
        };
        if posts.is_empty() {
            return Ok(OwnedActions {
                posts,
                ..OwnedActions::default()
            });
        }
        let owns =
            |item: &waymark_store::ItemState| crate::item_list::action_owned_by(item, &posts);
        // The owner index names the items these posts own or have owned; only those are
        // checked against the owners in force today.
        let owned = self
            .store()
            .items_owned_by(Scope::Org(org), org, &posts)
            .await?;
        let revised: Vec<(PlanId, i64)> = owned.iter().map(|o| (o.plan, o.revision)).collect();
        let views = self
            .store()
            .plan_views_at_revisions(Scope::Org(org), &revised, today)
            .await?;
        let mut candidates: HashMap<PlanId, Vec<ItemId>> =
            owned.into_iter().map(|o| (o.plan, o.items)).collect();
        let mut found = Vec::new();
        let mut marking = Classification::OFFICIAL;
        for view in views {
            let Some(ids) = candidates.remove(&view.plan.id) else {
                continue;
            };
            let Some(access) = plan_access(&actor.subject, &view.plan, &[]) else {
                continue;
            };
            let read = narrow(view, &access, None);
            let items: Vec<ItemId> = ids
                .into_iter()
                .filter(|id| read.view.item(*id).is_some_and(owns))
                .collect();
            if !items.is_empty() {
                marking = items
                    .iter()
                    .fold(marking, |m, id| m.max(read.marking_of(*id)));
                found.push((read.view, items));
            }
        }
        for visible in self.visible_plans(actor).await? {
            if visible.is_own() || visible.access.level < waymark_core::AccessLevel::Contribute {
                continue;
            }
            let read = self.read_view(&visible, today, None).await?;
            let items: Vec<ItemId> = read
                .view
                .items
                .iter()
                .filter(|item| owns(item))
                .map(|item| item.id)
                .collect();
            if !items.is_empty() {
                marking = items
                    .iter()
                    .fold(marking, |m, id| m.max(read.marking_of(*id)));
                found.push((read.view, items));
            }
        }
        Ok(OwnedActions {
            posts,
            found,
            marking,
        })
    }

    /// A plan as it stood on two days, and what changed between them, narrowed.
    pub async fn plan_changes(
        &self,
        actor: &Actor,
        plan: PlanId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ChangesRead> {
        let visible = self.plan(actor, plan).await?;
        let before = self.read_view(&visible, from, None).await?;
        let after = self.read_view(&visible, to, None).await?;
        let changes = changes_between(&before.view, &after.view);
        let mut changed_by = HashMap::new();
        for change in &changes.field_changes {
            if changed_by.contains_key(&change.item) {
                continue;
            }
            let history = self
                .store()
                .item_history(visible.scope(), change.item)
                .await?;
            let author = history
                .versions
                .iter()
                .filter(|v| v.meta.effective <= to)
                .max_by_key(|v| (v.meta.effective, v.seq))
                .and_then(|v| v.meta.author.clone());
            if let Some(author) = author {
                changed_by.insert(change.item, author);
            }
        }
        Ok(ChangesRead {
            before,
            after,
            changes,
            changed_by,
        })
    }

    /// A plan as it stood at the end of `as_at`, written as XLSX, CSV or JSON with its marking
    /// in the file; an export of OFFICIAL-SENSITIVE material is recorded in the audit trail.
    pub async fn export_plan(
        &self,
        actor: &Actor,
        plan: PlanId,
        as_at: NaiveDate,
        format: ExportFormat,
    ) -> Result<Exported> {
        let read = self.plan_view(actor, plan, as_at).await?;
        let view = (*read.view).clone();
        let marking = read.highest;
        let label = marking.label();
        let bytes = tokio::task::spawn_blocking(move || {
            waymark_io::export::export_bytes_marked(&view, format, &label)
        })
        .await?
        .map_err(|message| AppError::Internal(format!("export: {message}")))?;
        if marking.marking >= Marking::OfficialSensitive {
            let mut audit = actor.audit("export.sensitive");
            audit.org = Some(read.view.plan.org);
            audit.plan = Some(plan);
            audit.subject = Some(read.view.plan.title.clone());
            audit.detail = Some(serde_json::json!({
                "format": format.extension(), "as_at": as_at.to_string(),
                "items": read.view.items.len(), "marking": marking.label(),
            }));
            self.store().record_audit(&audit).await?;
        }
        Ok(Exported {
            file_name: format!(
                "plan-{}-{}.{}",
                plan.0,
                as_at.format("%Y-%m-%d"),
                format.extension()
            ),
            items: read.view.items.len(),
            bytes,
            marking,
        })
    }

    /// What an actor may do in a plan, for pages deciding what to offer.
    pub async fn access_to(&self, actor: &Actor, plan: PlanId) -> Result<PlanAccess> {
        Ok(self.plan(actor, plan).await?.access)
    }
}
