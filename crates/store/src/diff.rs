//! "What changed" between two days of a plan: RAG changes, new updates, items completed, items
//! newly overdue and new items, derived from two "as at" views.

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

/// Everything that changed in a plan between the end of `from` and the end of `to`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanChanges {
    pub rag_changes: Vec<RagMove>,
    /// Updates dated after `from` and on or before `to`, newest first.
    pub new_updates: Vec<Update>,
    pub completed: Vec<(ItemId, Option<NaiveDate>)>,
    pub newly_overdue: Vec<(ItemId, Option<NaiveDate>)>,
    pub new_items: Vec<ItemId>,
}

impl PlanChanges {
    pub fn is_empty(&self) -> bool {
        self.rag_changes.is_empty()
            && self.new_updates.is_empty()
            && self.completed.is_empty()
            && self.newly_overdue.is_empty()
            && self.new_items.is_empty()
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
        if old.is_none() {
            changes.new_items.push(item.id);
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
