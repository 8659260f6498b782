//! "What changed" between two days of a plan: RAG changes, new updates, items completed, items
//! newly overdue, new items, and due dates, owners and wording changed, derived from two "as at"
//! views.

use std::collections::HashMap;

use chrono::NaiveDate;
use waymark_core::{Flag, ItemId, Rag, Update};

use crate::read::{ItemState, PlanView};

/// One item's RAG moving between the two days.
#[derive(Debug, Clone, PartialEq)]
pub struct RagMove {
    pub item: ItemId,
    pub from: Option<Rag>,
    pub to: Option<Rag>,
    /// When the change took effect.
    pub on: NaiveDate,
}

/// Which field of an item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    DueDate,
    Owners,
    Wording,
}

impl FieldKind {
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::DueDate => "Due date",
            FieldKind::Owners => "Owner",
            FieldKind::Wording => "Wording",
        }
    }
}

/// One field of an item changed between the two days, as the two days' versions say it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub item: ItemId,
    pub kind: FieldKind,
    /// As written: "31 March 2015", "Head of Crime / Head of Contact Management"; empty for none.
    pub from: String,
    pub to: String,
    /// A due date moved later (or removed): the action slipped.
    pub slipped: bool,
    /// When the version now in force took effect.
    pub on: NaiveDate,
}

/// Everything that changed in a plan between the end of `from` and the end of `to`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanChanges {
    pub rag_changes: Vec<RagMove>,
    /// Updates dated after `from` and on or before `to`, newest first.
    pub new_updates: Vec<Update>,
    pub completed: Vec<(ItemId, Option<NaiveDate>)>,
    pub newly_overdue: Vec<(ItemId, Option<NaiveDate>)>,
    pub new_items: Vec<ItemId>,
    /// Due dates, owners and wording changed on items that existed on both days, in plan order.
    pub field_changes: Vec<FieldChange>,
}

impl PlanChanges {
    pub fn is_empty(&self) -> bool {
        self.rag_changes.is_empty()
            && self.new_updates.is_empty()
            && self.completed.is_empty()
            && self.newly_overdue.is_empty()
            && self.new_items.is_empty()
            && self.field_changes.is_empty()
    }
}

/// Compares a plan as it stood on two days (`before.as_at` earlier than `after.as_at`).
pub fn changes_between(before: &PlanView, after: &PlanView) -> PlanChanges {
    let mut changes = PlanChanges::default();
    // The earlier day's items by id, made here: `PlanView::item` looks through every item for
    // an id it does not have, which each item new in the period is.
    let earlier: HashMap<ItemId, &ItemState> =
        before.items.iter().map(|item| (item.id, item)).collect();
    for item in &after.items {
        // An item new in the period still brings its updates, its first RAG status, its
        // completion and its being overdue: a period that starts before the plan existed shows
        // everything that happened in it, not only a list of new items.
        let old = earlier.get(&item.id).copied();
        match old {
            None => changes.new_items.push(item.id),
            Some(old) => changes.field_changes.extend(field_changes(old, item)),
        }
        let was = old.and_then(|old| old.fields.shown_rag());
        let now = item.fields.shown_rag();
        if was != now && item.children.is_empty() {
            changes.rag_changes.push(RagMove {
                item: item.id,
                from: was,
                to: now,
                on: item.changed_on,
            });
        }
        if item.fields.complete && !old.is_some_and(|old| old.fields.complete) {
            changes.completed.push((item.id, item.fields.completed_on));
        }
        if item.flags.contains(&Flag::Overdue)
            && !old.is_some_and(|old| old.flags.contains(&Flag::Overdue))
        {
            changes
                .newly_overdue
                .push((item.id, item.fields.due.as_ref().map(|d| d.date)));
        }
        changes.new_updates.extend(
            item.updates
                .iter()
                .filter(|u| u.as_of > before.as_at && u.as_of <= after.as_at)
                .cloned(),
        );
    }
    changes
        .new_updates
        .sort_by_key(|u| std::cmp::Reverse((u.as_of, u.entered_at, u.id)));
    changes
}

/// The due date, owners and wording of an item on two days, where they differ.
fn field_changes(old: &ItemState, new: &ItemState) -> Vec<FieldChange> {
    let change = |kind, from: String, to: String, slipped| FieldChange {
        item: new.id,
        kind,
        from,
        to,
        slipped,
        on: new.changed_on,
    };
    let mut changes = Vec::new();
    let (was, now) = (&old.fields, &new.fields);
    if was.due != now.due {
        let slipped = match (&was.due, &now.due) {
            (Some(was), Some(now)) => now.date > was.date,
            (Some(_), None) => true,
            _ => false,
        };
        changes.push(change(
            FieldKind::DueDate,
            was.due_as_written().unwrap_or_default(),
            now.due_as_written().unwrap_or_default(),
            slipped,
        ));
    }
    if was.owners != now.owners {
        changes.push(change(
            FieldKind::Owners,
            was.owners.join(" / "),
            now.owners.join(" / "),
            false,
        ));
    }
    if was.text != now.text {
        changes.push(change(
            FieldKind::Wording,
            was.text.clone(),
            now.text.clone(),
            false,
        ));
    }
    changes
}
