//! Items: reading one with its history, and every change to a plan's tree — progress updates
//! (contributors, on the items their posts own), and adding, editing, moving, reordering,
//! closing, reopening, archiving, marking and assigning owners (plan managers). Every change
//! is one change set, a dated version, with its audit record in the same transaction; an edit
//! names the version it started from, so nothing is silently overwritten.

use chrono::NaiveDate;
use waymark_core::{
    ItemFields, ItemId, ItemVersion, Plan, PlanId, Rag, item_visible, version_in_force,
};
use waymark_store::{ChangeSet, ItemHistory, ItemRef, NewItem, NewUpdate, NewVersion, Scope};

use crate::App;
use crate::access::{PlanRead, VisiblePlan};
use crate::actor::Actor;
use crate::error::{AppError, Conflict, FieldError, Result};
use crate::plans::read_marking;
use crate::text::{MAX_UPDATE_CHARS, optional, parse_day, required_line};

/// One item as it stood on a day, with everything recorded about it.
#[derive(Debug, Clone)]
pub struct ItemRead {
    /// The plan on that day, narrowed to what the actor may see; the item is in it.
    pub plan: PlanRead,
    pub item: ItemId,
    pub history: ItemHistory,
    /// The latest version's number, which an edit form carries (the API's ETag).
    pub version: i64,
    /// Whether the actor may add updates to it, and change its fields.
    pub may_update: bool,
    pub may_edit: bool,
}

impl ItemRead {
    pub fn state(&self) -> Option<&waymark_store::ItemState> {
        self.plan.view.item(self.item)
    }
}

/// What a person submits with a progress update.
#[derive(Debug, Clone, Default)]
pub struct UpdateInput {
    pub as_of: Option<String>,
    pub text: String,
    pub rag: Option<String>,
    pub complete: bool,
}

/// An item's fields as a plan manager edits them. `None` leaves a field as it is (the API's
/// PATCH); the page's form sends every field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemInput {
    pub reference: Option<String>,
    pub text: Option<String>,
    pub description: Option<String>,
    pub strategic_lead: Option<String>,
    /// Owner posts as written: "Head of Crime / Head of Contact Management".
    pub owners: Option<String>,
    pub start: Option<String>,
    pub due: Option<String>,
    pub rag: Option<String>,
    pub marking: Option<String>,
    pub descriptor: Option<String>,
    /// Why, for the history.
    pub reason: Option<String>,
}

/// Where an item goes among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl App {
    /// The plan an item belongs to, if the actor may see that plan.
    async fn item_plan(&self, actor: &Actor, item: ItemId) -> Result<(VisiblePlan, ItemHistory)> {
        let history = self.store().item_history(Scope::All, item).await?;
        let visible = self.plan_access(actor, history.plan.clone()).await?;
        Ok((visible, history))
    }

    /// What a write to one item checks, read from the item and its ancestors only, not from
    /// the plan's view (which every write makes stale, so reading it would rebuild the whole
    /// plan per write): the actor sees the plan, and sees the item in it today, or manages
    /// the plan and the item is archived. The same answer as [`App::item`] gives for today.
    async fn item_to_change(
        &self,
        actor: &Actor,
        id: ItemId,
    ) -> Result<(VisiblePlan, ItemHistory)> {
        // The item, its plan and history in one query, its ancestors one query each; the plan
        // read here is the one checked and written to.
        let (history, lineage) = self
            .store()
            .item_history_and_lineage(Scope::All, id, self.today())
            .await?;
        let visible = self.plan_access(actor, history.plan.clone()).await?;
        let markings: Vec<_> = lineage.iter().map(|v| (v.item, v.fields.marking)).collect();
        let within_access =
            !lineage.is_empty() && item_visible(&visible.access, visible.plan.marking, &markings);
        let in_plan = within_access && !lineage.iter().any(|v| v.fields.archived);
        let archived_but_managed = within_access
            && visible.is_own()
            && visible.access.may_manage()
            && latest(&history).is_some_and(|v| v.fields.archived);
        if in_plan || archived_but_managed {
            Ok((visible, history))
        } else {
            Err(AppError::NotFound)
        }
    }

    /// One item as it stood at the end of `as_at`. Not found where the actor may not see it
    /// (today or on that day); a `State` refusal naming `as_at` where it did not exist yet.
    pub async fn item(&self, actor: &Actor, id: ItemId, as_at: NaiveDate) -> Result<ItemRead> {
        let (visible, history) = self.item_plan(actor, id).await?;
        let today = self.today();
        let now = self.read_view(&visible, today, None).await?;
        let archived_but_managed = now.view.item(id).is_none()
            && visible.is_own()
            && visible.access.may_manage()
            && latest(&history).is_some_and(|v| v.fields.archived);
        if now.view.item(id).is_none() && !archived_but_managed {
            return Err(AppError::NotFound);
        }
        // An archived item is shown to its managers as it stood just before it was archived
        // (as known the moment before), so its history stays readable where it is restored.
        let plan = match latest(&history) {
            Some(version) if archived_but_managed => {
                let before = version.meta.entered_at - chrono::Duration::microseconds(1);
                self.read_view(&visible, as_at.min(version.meta.effective), Some(before))
                    .await?
            }
            _ if as_at == today => now,
            _ => self.read_view(&visible, as_at, None).await?,
        };
        // Not there on that day: a read of the past asked too early, or (today) an archived
        // item whose last day in the plan came before it: a state, not a mistake of input.
        if plan.view.item(id).is_none() {
            return Err(AppError::state(
                "as_at",
                format!(
                    "Enter a later date – this item did not exist yet at the end of {}",
                    waymark_core::date::format_long(as_at)
                ),
            ));
        }
        let version = latest(&history).map(|v| v.seq).unwrap_or_default();
        let current = latest(&history)
            .map(|v| v.fields.clone())
            .unwrap_or_default();
        let may_update =
            !visible.plan.archived && visible.access.may_update(&current.owners, &actor.posts);
        let may_edit = !visible.plan.archived && visible.access.may_manage();
        Ok(ItemRead {
            plan,
            item: id,
            history,
            version,
            may_update,
            may_edit,
        })
    }

    /// Adds a progress update to an item, and where it changes the RAG or completes the item,
    /// a new version of the item effective on the update's date. One transaction. Managers may
    /// update any item; contributors the items their posts own.
    pub async fn add_update(&self, actor: &Actor, item: ItemId, input: UpdateInput) -> Result<i64> {
        let today = self.today();
        let mut errors = Vec::new();
        let text = input.text.trim().to_string();
        if text.is_empty() {
            errors.push(("text".to_string(), "Enter a progress update".to_string()));
        } else if text.chars().count() > MAX_UPDATE_CHARS {
            errors.push((
                "text".to_string(),
                "The progress update must be 10,000 characters or fewer".to_string(),
            ));
        }
        let as_of = match input
            .as_of
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => today,
            Some(written) => match parse_day(written) {
                Some(day) if day > today => {
                    errors.push((
                        "as_of".into(),
                        "The date of the update must be today or in the past".into(),
                    ));
                    today
                }
                Some(day) => day,
                None => {
                    errors.push((
                        "as_of".into(),
                        "Enter the date of the update as a real date, for example 23/11/2026"
                            .into(),
                    ));
                    today
                }
            },
        };
        let rag = read_rag(input.rag.as_deref(), "rag", &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (visible, history) = self.item_to_change(actor, item).await?;
        let owners = latest(&history)
            .map(|v| v.fields.owners.as_slice())
            .unwrap_or_default();
        if visible.plan.archived || !visible.access.may_update(owners, &actor.posts) {
            return Err(AppError::Forbidden);
        }
        let current = latest_in_force(&history)?;
        let mut changes = change_set(actor, &visible.plan, item, &history, "item.update");
        changes.updates.push(NewUpdate {
            item: ItemRef::Existing(item),
            as_of,
            author_person: Some(actor.name()),
            author_post: None,
            text: text.clone(),
            // An update that completes the item proposes Blue, whatever radio was left chosen.
            proposed_rag: if input.complete { Some(Rag::Blue) } else { rag },
            supersedes: None,
        });
        let mut fields = current.fields.clone();
        // Choosing Red, Amber or Green for a completed item reopens it: the form says "choose
        // another status to change it", and a completed item shows Blue.
        let reopens = fields.complete && !input.complete && rag.is_some_and(|r| r != Rag::Blue);
        let rag_changes = rag.is_some_and(|r| r != Rag::Blue && (Some(r) != fields.rag || reopens));
        let completes = (input.complete || rag == Some(Rag::Blue)) && !fields.complete;
        if completes {
            self.check_closes_directly(&visible.plan, item).await?;
        }
        let before = fields.clone();
        if rag_changes || completes {
            if rag_changes {
                fields.rag = rag;
            }
            if reopens {
                fields.complete = false;
                fields.completed_on = None;
            }
            if completes {
                fields.complete = true;
                fields.completed_on = Some(as_of);
            }
            changes.versions.push(NewVersion {
                item,
                parent: fields.parent.map(ItemRef::Existing),
                fields: fields.clone(),
                effective: as_of,
                reason: Some("Progress update".into()),
            });
        }
        if let Some(audit) = changes.audit.as_mut() {
            audit.detail = Some(serde_json::json!({
                "as_of": as_of.to_string(),
                "text_chars": text.chars().count(),
                "before": fields_json(&before, &fields),
                "after": fields_json(&fields, &before),
            }));
        }
        let applied = self
            .store()
            .apply_changes_to(&visible.plan, &changes)
            .await?;
        applied
            .update_ids
            .first()
            .map(|id| id.0)
            .ok_or_else(|| AppError::Internal("the update was not stored".into()))
    }

    /// Changes an item's fields as a new version effective today, if the item is still at
    /// `expected_version`; otherwise a conflict showing the other change. Plan managers only.
    pub async fn edit_item(
        &self,
        actor: &Actor,
        item: ItemId,
        input: &ItemInput,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        let read = self.item_for_change(actor, item).await?;
        let current = latest_in_force(&read.history)?;
        let mut errors = Vec::new();
        let fields = apply_input(&current.fields, input, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        // A stale form is refused even when it changes nothing: it was filled in against an
        // item that has changed since.
        if let Some(expected) = expected_version
            && expected != read.version
        {
            return Err(conflict_of(&read));
        }
        if fields.changed_fields(&current.fields).is_empty() {
            return Ok(read.version);
        }
        let action = if fields.marking != current.fields.marking {
            "item.marking"
        } else {
            "item.edit"
        };
        let mut changes = self.change_set(actor, &read, action);
        if let Some(expected) = expected_version {
            changes.expected_versions.push((item, expected));
        }
        self.describe_change(&mut changes, &current.fields, &fields);
        changes.versions.push(NewVersion {
            item,
            parent: fields.parent.map(ItemRef::Existing),
            fields,
            effective: self.today(),
            reason: input
                .reason
                .as_deref()
                .and_then(optional)
                .or_else(|| Some("Edited".into())),
        });
        self.apply_edit(&read, &changes).await
    }

    /// Adds an item to a plan, at the top level or under `parent`, after its last sibling.
    pub async fn add_item(
        &self,
        actor: &Actor,
        plan: PlanId,
        parent: Option<ItemId>,
        input: &ItemInput,
    ) -> Result<ItemId> {
        let visible = self.managed_plan(actor, plan).await?;
        let today = self.today();
        let read = self.read_view(&visible, today, None).await?;
        if let Some(parent) = parent
            && read.view.item(parent).is_none()
        {
            return Err(AppError::unknown(
                "parent",
                "Choose a parent item from this plan",
            ));
        }
        let mut errors = Vec::new();
        // Wording that is there but blank is refused by `apply_input`, once.
        if input.text.is_none() {
            errors.push(("text".to_string(), "Enter the item's wording".to_string()));
        }
        let mut fields = apply_input(&ItemFields::default(), input, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        fields.position = next_position(&read, parent);
        fields.parent = parent;
        let mut changes = ChangeSet::new(visible.plan.org, visible.plan.id);
        changes.author = Some(actor.name());
        let mut audit = actor.audit("item.add");
        audit.subject = Some(item_label(&fields));
        audit.detail =
            Some(serde_json::json!({"after": fields_json(&fields, &ItemFields::default())}));
        changes.audit = Some(audit);
        changes.new_items.push(NewItem {
            parent: parent.map(ItemRef::Existing),
            fields,
            effective: today,
        });
        let applied = self.store().apply_changes(&changes).await?;
        applied
            .item_ids
            .first()
            .copied()
            .ok_or_else(|| AppError::Internal("the item was not stored".into()))
    }

    /// Moves an item (with what is under it) to the end of another parent's children, or to
    /// the top level. An item cannot go under itself or its own children.
    pub async fn move_item(
        &self,
        actor: &Actor,
        item: ItemId,
        parent: Option<ItemId>,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        let read = self.item_for_change(actor, item).await?;
        let today = self.plan_today(&read).await?;
        if let Some(parent) = parent {
            if today.view.item(parent).is_none() {
                return Err(AppError::unknown(
                    "parent",
                    "Choose a parent item from this plan",
                ));
            }
            // The plan's tree as it is refuses a loop (the API's 409).
            if parent == item || descendants(&today, item).contains(&parent) {
                return Err(AppError::state(
                    "parent",
                    "An item cannot move under itself or one of its own items",
                ));
            }
        }
        let current = latest_in_force(&read.history)?;
        if current.fields.parent == parent {
            return Ok(read.version);
        }
        let mut fields = current.fields.clone();
        fields.parent = parent;
        fields.position = next_position(&today, parent);
        let mut changes = self.change_set(actor, &read, "item.move");
        if let Some(expected) = expected_version {
            changes.expected_versions.push((item, expected));
        }
        self.describe_change(&mut changes, &current.fields, &fields);
        changes.versions.push(NewVersion {
            item,
            parent: parent.map(ItemRef::Existing),
            fields,
            effective: self.today(),
            reason: Some("Moved".into()),
        });
        self.apply_edit(&read, &changes).await
    }

    /// Swaps an item with the sibling before or after it.
    pub async fn reorder_item(
        &self,
        actor: &Actor,
        item: ItemId,
        direction: Direction,
    ) -> Result<()> {
        let read = self.item_for_change(actor, item).await?;
        let today = self.plan_today(&read).await?;
        let state = today.view.item(item).ok_or(AppError::NotFound)?;
        let siblings: Vec<&waymark_store::ItemState> = match state.fields.parent {
            Some(parent) => today
                .view
                .item(parent)
                .map(|p| {
                    p.children
                        .iter()
                        .filter_map(|c| today.view.item(*c))
                        .collect()
                })
                .unwrap_or_default(),
            None => today.view.items.iter().filter(|i| i.depth == 0).collect(),
        };
        let Some(index) = siblings.iter().position(|s| s.id == item) else {
            return Err(AppError::NotFound);
        };
        let other = match direction {
            Direction::Up if index > 0 => siblings[index - 1],
            Direction::Down if index + 1 < siblings.len() => siblings[index + 1],
            _ => return Ok(()),
        };
        let mut changes = self.change_set(actor, &read, "item.reorder");
        // Positions may tie (imports number siblings in file order); give the two distinct
        // positions in their new order.
        let (first, second) = match direction {
            Direction::Up => (state, other),
            Direction::Down => (other, state),
        };
        let low = first.fields.position.min(second.fields.position);
        for (moved, position) in [(first, low), (second, low + 1)] {
            let mut fields = moved.fields.clone();
            fields.position = position;
            changes.versions.push(NewVersion {
                item: moved.id,
                parent: fields.parent.map(ItemRef::Existing),
                fields,
                effective: self.today(),
                reason: Some("Reordered".into()),
            });
        }
        self.store().apply_changes(&changes).await?;
        Ok(())
    }

    /// Closes an item as complete today, or reopens it. Contributors may close and reopen the
    /// items their posts own, as an update can; managers any item.
    pub async fn set_item_complete(
        &self,
        actor: &Actor,
        item: ItemId,
        complete: bool,
    ) -> Result<()> {
        let read = self.item(actor, item, self.today()).await?;
        if !read.may_update {
            return Err(AppError::Forbidden);
        }
        let current = latest_in_force(&read.history)?;
        if current.fields.complete == complete {
            return Ok(());
        }
        if complete {
            self.check_closes_directly(&read.plan.view.plan, item)
                .await?;
        }
        let mut fields = current.fields.clone();
        fields.complete = complete;
        fields.completed_on = complete.then(|| self.today());
        let mut changes = self.change_set(
            actor,
            &read,
            if complete {
                "item.close"
            } else {
                "item.reopen"
            },
        );
        self.describe_change(&mut changes, &current.fields, &fields);
        changes.versions.push(NewVersion {
            item,
            parent: fields.parent.map(ItemRef::Existing),
            fields,
            effective: self.today(),
            reason: Some(if complete { "Closed" } else { "Reopened" }.into()),
        });
        self.store().apply_changes(&changes).await?;
        Ok(())
    }

    /// Archives an item and what is under it (they leave the plan from today; their history
    /// stays), or restores it. Never a deletion.
    pub async fn set_item_archived(
        &self,
        actor: &Actor,
        item: ItemId,
        archived: bool,
    ) -> Result<()> {
        let (visible, history) = self.item_plan(actor, item).await?;
        if !visible.access.may_manage() || !visible.is_own() {
            return Err(AppError::Forbidden);
        }
        if visible.plan.archived {
            return Err(AppError::state(
                "form",
                "This plan is archived: restore it first",
            ));
        }
        let today = self.today();
        let mut changes = ChangeSet::new(visible.plan.org, visible.plan.id);
        changes.author = Some(actor.name());
        let current = latest(&history).ok_or(AppError::NotFound)?;
        let mut audit = actor.audit(if archived {
            "item.archive"
        } else {
            "item.restore"
        });
        audit.item = Some(item);
        audit.subject = Some(item_label(&current.fields));
        let mut ids = vec![item];
        if archived {
            let read = self.read_view(&visible, today, None).await?;
            ids.extend(descendants(&read, item));
        } else {
            // What was archived with it comes back with it.
            let everything = self
                .store()
                .plan_item_versions(Scope::Org(visible.plan.org), visible.plan.id)
                .await?;
            ids.extend(archived_descendants(&everything, item));
        }
        let everything = self
            .store()
            .plan_item_versions(Scope::Org(visible.plan.org), visible.plan.id)
            .await?;
        for id in &ids {
            let Some(version) = everything.get(id).and_then(|v| latest_of(v)) else {
                continue;
            };
            if version.fields.archived == archived {
                continue;
            }
            let mut fields = version.fields.clone();
            fields.archived = archived;
            changes.versions.push(NewVersion {
                item: *id,
                parent: fields.parent.map(ItemRef::Existing),
                fields,
                effective: today,
                reason: Some(if archived { "Archived" } else { "Restored" }.into()),
            });
        }
        audit.detail =
            Some(serde_json::json!({"items": ids.iter().map(|i| i.0).collect::<Vec<_>>()}));
        changes.audit = Some(audit);
        if !changes.versions.is_empty() {
            self.store().apply_changes(&changes).await?;
        }
        Ok(())
    }

    /// Gives several items the same owner posts, in one change set.
    pub async fn assign_owners(
        &self,
        actor: &Actor,
        plan: PlanId,
        items: &[ItemId],
        owners: &str,
    ) -> Result<usize> {
        let visible = self.managed_plan(actor, plan).await?;
        let owners = waymark_core::split_owners(owners);
        if owners.is_empty() {
            return Err(AppError::invalid("owners", "Enter the owner posts"));
        }
        if items.is_empty() {
            return Err(AppError::invalid("items", "Choose the items to assign"));
        }
        let read = self.read_view(&visible, self.today(), None).await?;
        let mut changes = ChangeSet::new(visible.plan.org, visible.plan.id);
        changes.author = Some(actor.name());
        for id in items {
            let state = read
                .view
                .item(*id)
                .ok_or_else(|| AppError::unknown("items", "Choose items of this plan"))?;
            if state.fields.owners == owners {
                continue;
            }
            let mut fields = state.fields.clone();
            fields.owners = owners.clone();
            changes.versions.push(NewVersion {
                item: *id,
                parent: fields.parent.map(ItemRef::Existing),
                fields,
                effective: self.today(),
                reason: Some("Owners assigned".into()),
            });
        }
        let count = changes.versions.len();
        let mut audit = actor.audit("item.assign_owners");
        audit.detail = Some(serde_json::json!({
            "owners": owners,
            "items": changes.versions.iter().map(|v| v.item.0).collect::<Vec<_>>(),
        }));
        changes.audit = Some(audit);
        if count > 0 {
            self.store().apply_changes(&changes).await?;
        }
        Ok(count)
    }

    /// The items of a plan archived as it stands today, for managers to restore.
    pub async fn archived_items(
        &self,
        actor: &Actor,
        plan: PlanId,
    ) -> Result<Vec<(ItemId, ItemFields)>> {
        let visible = self.plan(actor, plan).await?;
        if !visible.access.may_manage() || !visible.is_own() {
            return Ok(Vec::new());
        }
        // Only the items some version archives: a parent never archived is not among them,
        // and counts as not archived below.
        let versions = self
            .store()
            .plan_archived_item_versions(Scope::Org(visible.plan.org), plan)
            .await?;
        let mut archived: Vec<(ItemId, ItemFields)> = versions
            .iter()
            .filter_map(|(id, versions)| latest_of(versions).map(|v| (*id, v)))
            .filter(|(_, version)| version.fields.archived)
            // The archived roots only: what is under them comes back with them.
            .filter(|(_, version)| {
                version.fields.parent.is_none_or(|parent| {
                    versions
                        .get(&parent)
                        .and_then(|v| latest_of(v))
                        .is_none_or(|p| !p.fields.archived)
                })
            })
            .map(|(id, version)| (id, version.fields.clone()))
            .collect();
        archived.sort_by_key(|(id, _)| *id);
        Ok(archived)
    }

    /// The item, for a plan manager's change: forbidden to others, and to everyone on an
    /// archived plan.
    async fn item_for_change(&self, actor: &Actor, item: ItemId) -> Result<ItemRead> {
        let read = self.item(actor, item, self.today()).await?;
        if !read.may_edit {
            return Err(AppError::Forbidden);
        }
        Ok(read)
    }

    async fn plan_today(&self, read: &ItemRead) -> Result<PlanRead> {
        Ok(read.plan.clone())
    }

    fn change_set(&self, actor: &Actor, read: &ItemRead, action: &str) -> ChangeSet {
        change_set(
            actor,
            &read.plan.view.plan,
            read.item,
            &read.history,
            action,
        )
    }

    fn describe_change(&self, changes: &mut ChangeSet, before: &ItemFields, after: &ItemFields) {
        if let Some(audit) = changes.audit.as_mut() {
            audit.detail = Some(serde_json::json!({
                "fields": after.changed_fields(before),
                "before": fields_json(before, after),
                "after": fields_json(after, before),
            }));
        }
    }

    /// Applies an edit; a conflict comes back with the change that came first.
    async fn apply_edit(&self, read: &ItemRead, changes: &ChangeSet) -> Result<i64> {
        match self.store().apply_changes(changes).await {
            Ok(_) => {
                let history = self
                    .store()
                    .item_history(Scope::Org(read.plan.view.plan.org), read.item)
                    .await?;
                Ok(latest(&history).map(|v| v.seq).unwrap_or_default())
            }
            Err(waymark_store::StoreError::Conflict { .. }) => {
                let history = self
                    .store()
                    .item_history(Scope::Org(read.plan.view.plan.org), read.item)
                    .await?;
                Err(conflict_of(&ItemRead {
                    history,
                    ..read.clone()
                }))
            }
            Err(other) => Err(other.into()),
        }
    }
}

/// The conflict an edit from a stale form meets: the item as it is now, and who changed it.
fn conflict_of(read: &ItemRead) -> AppError {
    let newest = latest(&read.history);
    AppError::Conflict(Box::new(Conflict {
        what: "item",
        id: read.item.0,
        current_version: newest.map(|v| v.seq).unwrap_or_default(),
        changed_by: newest.and_then(|v| v.meta.author.clone()),
        changed_at: newest.map(|v| {
            v.meta
                .entered_at
                .format("%-d %B %Y at %H:%M UTC")
                .to_string()
        }),
        current: newest.map(|v| fields_shown(&v.fields)).unwrap_or_default(),
    }))
}

/// The latest version entered, which an edit's expected version names.
/// A change set to one item of `plan`, with its audit record naming the item.
pub(crate) fn change_set(
    actor: &Actor,
    plan: &Plan,
    item: ItemId,
    history: &ItemHistory,
    action: &str,
) -> ChangeSet {
    let mut changes = ChangeSet::new(plan.org, plan.id);
    changes.author = Some(actor.name());
    let mut audit = actor.audit(action);
    audit.item = Some(item);
    audit.subject = latest(history).map(|v| item_label(&v.fields));
    changes.audit = Some(audit);
    changes
}

fn latest(history: &ItemHistory) -> Option<&ItemVersion> {
    latest_of(&history.versions)
}

fn latest_of(versions: &[ItemVersion]) -> Option<&ItemVersion> {
    versions.iter().max_by_key(|v| v.seq)
}

/// The version in force as things stand (latest effective, then latest entered).
pub(crate) fn latest_in_force(history: &ItemHistory) -> Result<&ItemVersion> {
    version_in_force(&history.versions, NaiveDate::MAX, None).ok_or(AppError::NotFound)
}

fn read_rag(word: Option<&str>, field: &str, errors: &mut Vec<FieldError>) -> Option<Rag> {
    match word.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(word)
            if word.eq_ignore_ascii_case("none") || word.eq_ignore_ascii_case("not assessed") =>
        {
            None
        }
        Some(word) => match Rag::parse(word) {
            Ok(rag) => rag,
            Err(error) => {
                errors.push((field.to_string(), error.to_string()));
                None
            }
        },
    }
}

/// `fields` with `input`'s changes, every mistake pushed to `errors`.
fn apply_input(fields: &ItemFields, input: &ItemInput, errors: &mut Vec<FieldError>) -> ItemFields {
    let mut fields = fields.clone();
    if let Some(text) = &input.text {
        match required_line(&text.replace(['\r', '\n'], " "), 2_000) {
            Ok(text) => fields.text = text,
            Err(problem) => errors.push(("text".into(), problem.message("the item's wording"))),
        }
    }
    let mut short =
        |value: &Option<String>, field: &str, label: &str, max: usize| -> Option<Option<String>> {
            let value = value.as_ref()?;
            if value.trim().chars().count() > max {
                errors.push((
                    field.to_string(),
                    format!("{label} must be {max} characters or fewer"),
                ));
            }
            Some(optional(value))
        };
    if let Some(value) = short(&input.reference, "reference", "The reference", 100) {
        fields.reference = value;
    }
    if let Some(value) = short(
        &input.strategic_lead,
        "strategic_lead",
        "The strategic lead",
        200,
    ) {
        fields.strategic_lead = value;
    }
    if let Some(value) = short(
        &input.description,
        "description",
        "The description",
        MAX_UPDATE_CHARS,
    ) {
        fields.description = value;
    }
    if let Some(owners) = &input.owners {
        fields.owners = waymark_core::split_owners(owners);
    }
    let mut date =
        |value: &Option<String>, field: &str| -> Option<Option<waymark_core::FlexDate>> {
            let value = value.as_ref()?;
            match value.trim() {
                "" => Some(None),
                written => match waymark_core::parse_date(written) {
                    Ok(date) => Some(Some(date)),
                    Err(error) => {
                        errors.push((field.to_string(), error.to_string()));
                        None
                    }
                },
            }
        };
    if let Some(start) = date(&input.start, "start") {
        fields.start = start;
    }
    // Words kept from an import ("TBC") come back unchanged in the edit form: they stay.
    let due_words_kept = fields.due.is_none()
        && fields.due_words.is_some()
        && input.due.as_deref().map(str::trim) == fields.due_words.as_deref().map(str::trim);
    if !due_words_kept && let Some(due) = date(&input.due, "due") {
        fields.due = due;
        fields.due_words = None;
    }
    if input.rag.is_some() {
        let rag = read_rag(input.rag.as_deref(), "rag", errors);
        if rag == Some(Rag::Blue) {
            errors.push((
                "rag".into(),
                "Close the item to make it Blue (complete)".into(),
            ));
        } else {
            fields.rag = rag;
        }
    }
    if input.marking.is_some() || input.descriptor.is_some() {
        let marking = input.marking.as_deref().unwrap_or_default();
        let descriptor = input.descriptor.as_deref().unwrap_or_default();
        if marking.trim().is_empty() || marking.eq_ignore_ascii_case("plan") {
            fields.marking = None;
        } else {
            match read_marking(marking, descriptor, "marking") {
                Ok(classification) => fields.marking = Some(classification),
                Err(error) => errors.push(error),
            }
        }
    }
    fields
}

/// After the last of `parent`'s children (or of the top level).
fn next_position(read: &PlanRead, parent: Option<ItemId>) -> i64 {
    read.view
        .items
        .iter()
        .filter(|item| item.fields.parent == parent || (parent.is_none() && item.depth == 0))
        .map(|item| item.fields.position + 1)
        .max()
        .unwrap_or(0)
}

/// Every item under `item` in the plan.
fn descendants(read: &PlanRead, item: ItemId) -> Vec<ItemId> {
    let mut found = Vec::new();
    let mut stack = vec![item];
    while let Some(id) = stack.pop() {
        if let Some(state) = read.view.item(id) {
            for child in &state.children {
                found.push(*child);
                stack.push(*child);
            }
        }
    }
    found
}

/// The archived items under `item`, by their latest versions' parents.
fn archived_descendants(
    versions: &std::collections::HashMap<ItemId, Vec<ItemVersion>>,
    item: ItemId,
) -> Vec<ItemId> {
    let mut children: std::collections::HashMap<ItemId, Vec<ItemId>> = Default::default();
    for (id, versions) in versions {
        if let Some(version) = latest_of(versions)
            && version.fields.archived
            && let Some(parent) = version.fields.parent
        {
            children.entry(parent).or_default().push(*id);
        }
    }
    let mut found = Vec::new();
    let mut stack = vec![item];
    while let Some(id) = stack.pop() {
        for child in children.get(&id).into_iter().flatten() {
            if !found.contains(child) {
                found.push(*child);
                stack.push(*child);
            }
        }
    }
    found
}

/// "4.43a Issue guidance on repeat and vulnerable victims", for the audit trail.
pub(crate) fn item_label(fields: &ItemFields) -> String {
    let text: String = fields.text.chars().take(120).collect();
    match &fields.reference {
        Some(reference) => format!("{reference} {text}"),
        None => text,
    }
}

/// The fields of `fields` that differ from `other`, as JSON for the audit trail.
pub(crate) fn fields_json(fields: &ItemFields, other: &ItemFields) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for name in fields.changed_fields(other) {
        let value = match name {
            "parent" => serde_json::json!(fields.parent.map(|p| p.0)),
            "reference" => serde_json::json!(fields.reference),
            "text" => serde_json::json!(fields.text),
            "description" => serde_json::json!(fields.description),
            "strategic_lead" => serde_json::json!(fields.strategic_lead),
            "owners" => serde_json::json!(fields.owners),
            "start" => serde_json::json!(fields.start.as_ref().map(|d| d.to_string())),
            "due" => serde_json::json!(fields.due.as_ref().map(|d| d.to_string())),
            "complete" => serde_json::json!(fields.complete),
            "completed_on" => serde_json::json!(fields.completed_on.map(|d| d.to_string())),
            "rag" => serde_json::json!(fields.rag.map(|r| r.word())),
            "tags" => serde_json::json!(fields.tags.len()),
            "marking" => serde_json::json!(fields.marking.map(|m| m.label())),
            "archived" => serde_json::json!(fields.archived),
            "position" => serde_json::json!(fields.position),
            _ => serde_json::Value::Null,
        };
        map.insert(name.to_string(), value);
    }
    serde_json::Value::Object(map)
}

/// An item's fields as (label, value) pairs, for a conflict page.
pub(crate) fn fields_shown(fields: &ItemFields) -> Vec<(String, String)> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    vec![
        ("Reference".into(), text(&fields.reference)),
        ("Wording".into(), fields.text.clone()),
        ("Description".into(), text(&fields.description)),
        ("Strategic lead".into(), text(&fields.strategic_lead)),
        ("Owners".into(), fields.owners.join(" / ")),
        (
            "Due".into(),
            fields
                .due
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        (
            "RAG status".into(),
            fields
                .shown_rag()
                .map(|r| r.word())
                .unwrap_or("Not assessed")
                .to_string(),
        ),
        (
            "Protective marking".into(),
            fields
                .marking
                .map(|m| m.label())
                .unwrap_or_else(|| "As the plan".into()),
        ),
    ]
}
