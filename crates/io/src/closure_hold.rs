//! A plan's closure rules hold for imports too: a re-imported row that says an item is done,
//! or the choice to close what the file no longer has, leaves open an item of a level whose
//! closing needs evidence or sign-off, and says so. Without this a spreadsheet's "Complete"
//! would close a recommendation that the pages would only let its board sign off.

use std::collections::{HashMap, HashSet};

use waymark_core::Rag;
use waymark_store::{ItemRef, ItemState};

use crate::findings::{Finding, FindingKind};
use crate::reimport::{PlannedChanges, excerpt};

/// A level of the plan whose items close only with evidence or sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLevel {
    /// 0 for the top level.
    pub depth: usize,
    /// The level's name, as the plan calls it ("Recommendation").
    pub level: String,
    /// What closing needs, in words ("evidence and sign-off by a plan manager").
    pub rule: String,
}

/// Keeps open every item of a held level that `planned` would close, with a `closure_held`
/// finding for each, and corrects the summary to what is then stored. `planned` must hold
/// its versions (planned as a real import, even for a dry run): the summary alone cannot say
/// what a row's other fields change. A version that only closed the item is dropped; one that
/// changes other fields keeps them.
pub fn hold_closures(planned: &mut PlannedChanges, existing: &[ItemState], held: &[HeldLevel]) {
    if held.is_empty() {
        return;
    }
    let by_id: HashMap<i64, &ItemState> = existing.iter().map(|i| (i.id.0, i)).collect();
    let level_of = |item: i64| -> Option<(&ItemState, &HeldLevel)> {
        let state = by_id.get(&item)?;
        if state.fields.complete {
            return None;
        }
        Some((state, held.iter().find(|h| h.depth == state.depth)?))
    };
    let missing: HashSet<i64> = planned
        .summary
        .missing_items
        .iter()
        .map(|m| m.item)
        .collect();

    // Each held item with what its version still changes (empty: the version is dropped).
    let mut kept_open: Vec<(i64, Vec<String>)> = Vec::new();
    planned.changes.versions.retain_mut(|version| {
        if !version.fields.complete {
            return true;
        }
        let Some((state, _)) = level_of(version.item.0) else {
            return true;
        };
        version.fields.complete = false;
        version.fields.completed_on = state.fields.completed_on;
        if version.fields.rag == Some(Rag::Blue) {
            version.fields.rag = state.fields.rag;
        }
        let mut still: Vec<String> = state
            .fields
            .changed_fields(&version.fields)
            .into_iter()
            .filter(|field| *field != "parent" && *field != "position")
            .map(str::to_string)
            .collect();
        if version.parent != state.fields.parent.map(ItemRef::Existing) {
            still.insert(0, "parent".to_string());
        }
        let keep = !still.is_empty();
        kept_open.push((version.item.0, still));
        keep
    });

    for (item, _) in &kept_open {
        let Some((state, level)) = level_of(*item) else {
            continue;
        };
        let name = excerpt(&state.fields.text);
        let level_name = level.level.to_lowercase();
        let row = planned
            .summary
            .changes
            .iter()
            .find(|change| change.item == *item)
            .and_then(|change| change.row);
        let message = match row {
            Some(_) => format!(
                "The row says \"{name}\" is complete, but this plan closes an item at the \
                 {level_name} level only with {}: it stays open. Propose its closure on its \
                 evidence and closure page",
                level.rule
            ),
            None => format!(
                "The file no longer has \"{name}\", but this plan closes an item at the \
                 {level_name} level only with {}: it stays open rather than being closed by \
                 the import",
                level.rule
            ),
        };
        planned.findings.push(Finding::new(
            row.unwrap_or(0),
            "",
            FindingKind::ClosureHeld,
            message,
        ));
    }

    let still: HashMap<i64, &Vec<String>> = kept_open.iter().map(|(i, f)| (*i, f)).collect();
    let held_missing = missing.iter().filter(|m| still.contains_key(m)).count();
    planned.summary.closed = planned.summary.closed.saturating_sub(held_missing);
    let mut unchanged = 0;
    planned.summary.changes.retain_mut(|change| {
        let Some(fields) = still.get(&change.item) else {
            return true;
        };
        change.fields = (*fields).clone();
        if change.fields.is_empty() {
            unchanged += 1;
        }
        !change.fields.is_empty()
    });
    planned.summary.changed = planned.summary.changed.saturating_sub(unchanged);
    planned.summary.unchanged += unchanged;
}
