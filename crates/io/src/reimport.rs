//! Matching a file's items to a plan's existing items and building the one change set that
//! brings the plan up to date: new items, new versions of changed items, and only the update
//! entries the plan does not have yet. A first import is the same with no existing items.
//!
//! References repeat (three recommendations of seed 000 share "pg 54 paragraph 3.41"), so items
//! match by reference and text: exact matches first, then the same reference with similar text
//! (an edited recommendation), then the same text under a new reference.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::flags::normalise_text;
use waymark_core::{ItemFields, ItemId, OrgId, PlanId};
use waymark_store::{ChangeSet, ItemRef, ItemState, NewItem, NewUpdate, NewVersion};

use crate::findings::{Finding, FindingKind};
use crate::preview::{ImportPreview, PreviewItem, normalise_reference};

/// What an import does (or would do) to a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ImportSummary {
    /// Items created, counted as the JSON contract says (see `ImportPreview::item_count`).
    pub items: usize,
    /// Update entries in the file.
    pub updates: usize,
    /// Every item created, parents included.
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub updates_added: usize,
    /// Items of the plan that the file no longer has; they are kept, not deleted.
    pub missing: usize,
    pub changes: Vec<ItemChange>,
}

/// One existing item the import changes, and which of its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    pub item: i64,
    pub row: Option<usize>,
    pub reference: Option<String>,
    pub text: String,
    pub fields: Vec<String>,
}

/// The change set and what it amounts to.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChanges {
    pub changes: ChangeSet,
    pub summary: ImportSummary,
    /// Loose matches worth a second look.
    pub findings: Vec<Finding>,
}

/// Similarity (0 to 1) above which an item with the same reference is the same item edited.
const SAME_REFERENCE_SIMILARITY: f64 = 0.5;
/// Similarity above which an item with no reference in common is the same item.
const TEXT_ONLY_SIMILARITY: f64 = 0.8;
/// Beyond this many unmatched pairs, loose text matching is skipped to stay fast.
const FUZZY_PAIR_LIMIT: usize = 4_000_000;

/// Plans the changes that bring `existing` (a plan's items as they stand) up to the file.
pub fn plan_changes(
    existing: &[ItemState],
    preview: &ImportPreview,
    org: OrgId,
    plan: PlanId,
    author: Option<String>,
) -> PlannedChanges {
    let matches = match_items(existing, preview);
    let mut changes = ChangeSet::new(org, plan);
    changes.author = author.clone();
    let mut summary = ImportSummary {
        updates: preview.update_count(),
        missing: existing.len() - matches.iter().filter(|m| m.is_some()).count(),
        ..ImportSummary::default()
    };
    let mut findings = Vec::new();
    let by_id: HashMap<ItemId, &ItemState> = existing.iter().map(|i| (i.id, i)).collect();

    // Where each file item lives in the change set.
    let mut targets: Vec<ItemRef> = Vec::with_capacity(preview.items.len());
    for (index, item) in preview.items.iter().enumerate() {
        match &matches[index] {
            Some(found) => {
                targets.push(ItemRef::Existing(found.id));
                if found.loose {
                    let row = item.row.unwrap_or(0);
                    findings.push(Finding::new(
                        row,
                        "",
                        FindingKind::LooseMatch,
                        format!(
                            "Matched to the existing item \"{}\" by similar text; check it is the same item",
                            excerpt(&found_text(&by_id, found.id))
                        ),
                    ));
                }
            }
            None => {
                targets.push(ItemRef::New(changes.new_items.len()));
                let mut fields = item.to_fields();
                fields.parent = None;
                changes.new_items.push(NewItem {
                    parent: item.parent.map(|p| targets[p]),
                    fields,
                    effective: item.exists_from,
                });
                summary.added += 1;
                if !(item.derived && preview.has_parent_column && item.row.is_some()) {
                    summary.items += 1;
                }
            }
        }
    }

    for (index, item) in preview.items.iter().enumerate() {
        let ItemRef::Existing(id) = targets[index] else {
            for update in &item.updates {
                changes.updates.push(new_update(targets[index], update));
            }
            continue;
        };
        let Some(state) = by_id.get(&id) else {
            continue;
        };
        let keep_place = !preview.provided.structure && state.fields.parent.is_some();
        let parent = if keep_place {
            state.fields.parent.map(ItemRef::Existing)
        } else {
            item.parent.map(|p| targets[p])
        };
        let mut fields = overlay(&state.fields, item, preview);
        // A re-sorted spreadsheet (by owner, by RAG) is not a change to the plan: matched
        // items keep their place among their siblings.
        fields.position = state.fields.position;
        fields.parent = match parent {
            Some(ItemRef::Existing(parent_id)) => Some(parent_id),
            _ => None,
        };
        let mut changed: Vec<&'static str> = state.fields.changed_fields(&fields);
        if matches!(parent, Some(ItemRef::New(_))) && !changed.contains(&"parent") {
            changed.push("parent");
        }
        if changed.is_empty() {
            summary.unchanged += 1;
        } else {
            summary.changed += 1;
            summary.changes.push(ItemChange {
                item: id.0,
                row: item.row,
                reference: item.reference.clone(),
                text: excerpt(&item.text),
                fields: changed.iter().map(|f| f.to_string()).collect(),
            });
            changes.versions.push(NewVersion {
                item: id,
                parent,
                fields,
                // A change cannot take effect before the version it replaces, or it would be
                // hidden behind it and every re-import would make it again.
                effective: item.effective.max(state.changed_on),
                reason: Some(format!("Imported from {}", preview.file)),
            });
        }
        let known: HashSet<(NaiveDate, String)> = state
            .updates
            .iter()
            .map(|u| (u.as_of, normalise_text(&u.text)))
            .collect();
        let known_texts: HashSet<String> = state
            .updates
            .iter()
            .map(|u| normalise_text(&u.text))
            .collect();
        for update in &item.updates {
            let text = normalise_text(&update.text);
            // An undated note took today's (or --as-at's) date, which differs between imports;
            // its text alone says whether the plan has it already.
            let already = if update.dated {
                known.contains(&(update.as_of, text))
            } else {
                known_texts.contains(&text)
            };
            if !already {
                changes
                    .updates
                    .push(new_update(ItemRef::Existing(id), update));
            }
        }
    }
    summary.updates_added = changes.updates.len();
    PlannedChanges {
        changes,
        summary,
        findings,
    }
}

#[derive(Debug, Clone, Copy)]
struct Matched {
    id: ItemId,
    loose: bool,
}

/// For each file item, the existing item it is, if any; each existing item matches at most once.
fn match_items(existing: &[ItemState], preview: &ImportPreview) -> Vec<Option<Matched>> {
    let mut result: Vec<Option<Matched>> = vec![None; preview.items.len()];
    if existing.is_empty() {
        return result;
    }
    let keys: Vec<(String, String)> = existing
        .iter()
        .map(|state| {
            (
                state
                    .fields
                    .reference
                    .as_deref()
                    .map(normalise_reference)
                    .unwrap_or_default(),
                normalise_text(&state.fields.text),
            )
        })
        .collect();
    let mut taken = vec![false; existing.len()];
    let file_keys: Vec<(String, String)> = preview
        .items
        .iter()
        .map(|item| {
            (
                item.reference
                    .as_deref()
                    .map(normalise_reference)
                    .unwrap_or_default(),
                normalise_text(&item.text),
            )
        })
        .collect();

    // 1. Same reference and same text.
    let mut exact: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (index, (reference, text)) in keys.iter().enumerate().rev() {
        exact.entry((reference, text)).or_default().push(index);
    }
    for (index, (reference, text)) in file_keys.iter().enumerate() {
        if let Some(queue) = exact.get_mut(&(reference.as_str(), text.as_str()))
            && let Some(found) = queue.pop()
        {
            taken[found] = true;
            result[index] = Some(Matched {
                id: existing[found].id,
                loose: false,
            });
        }
    }

    // 2. Same reference, similar text: the best pairs first.
    let mut by_reference: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (reference, _)) in keys.iter().enumerate() {
        if !taken[index] && !reference.is_empty() {
            by_reference.entry(reference).or_default().push(index);
        }
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (index, (reference, text)) in file_keys.iter().enumerate() {
        if result[index].is_some() || reference.is_empty() {
            continue;
        }
        for &candidate in by_reference.get(reference.as_str()).into_iter().flatten() {
            let score = similarity(text, &keys[candidate].1);
            if score >= SAME_REFERENCE_SIMILARITY {
                pairs.push((score, index, candidate));
            }
        }
    }
    assign_best(&mut pairs, &mut result, &mut taken, existing, false);

    // 3. Same text under another reference (renumbered), then similar text.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (_, text)) in keys.iter().enumerate().rev() {
        if !taken[index] {
            by_text.entry(text).or_default().push(index);
        }
    }
    for (index, (_, text)) in file_keys.iter().enumerate() {
        if result[index].is_some() {
            continue;
        }
        if let Some(queue) = by_text.get_mut(text.as_str()) {
            while let Some(found) = queue.pop() {
                if !taken[found] {
                    taken[found] = true;
                    result[index] = Some(Matched {
                        id: existing[found].id,
                        loose: false,
                    });
                    break;
                }
            }
        }
    }
    let unmatched_file: Vec<usize> = (0..file_keys.len())
        .filter(|&i| result[i].is_none())
        .collect();
    let unmatched_existing: Vec<usize> = (0..keys.len()).filter(|&i| !taken[i]).collect();
    if unmatched_file
        .len()
        .saturating_mul(unmatched_existing.len())
        <= FUZZY_PAIR_LIMIT
    {
        let mut pairs = Vec::new();
        for &index in &unmatched_file {
            for &candidate in &unmatched_existing {
                let score = similarity(&file_keys[index].1, &keys[candidate].1);
                if score >= TEXT_ONLY_SIMILARITY {
                    pairs.push((score, index, candidate));
                }
            }
        }
        assign_best(&mut pairs, &mut result, &mut taken, existing, true);
    }
    result
}

fn assign_best(
    pairs: &mut [(f64, usize, usize)],
    result: &mut [Option<Matched>],
    taken: &mut [bool],
    existing: &[ItemState],
    loose: bool,
) {
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for &(_, index, candidate) in pairs.iter() {
        if result[index].is_none() && !taken[candidate] {
            taken[candidate] = true;
            result[index] = Some(Matched {
                id: existing[candidate].id,
                loose,
            });
        }
    }
}

/// Dice similarity of two texts' word sets: 1 for the same words, 0 for none in common.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let words = |text: &str| -> HashSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (left, right) = (words(a), words(b));
    if left.is_empty() || right.is_empty() {
        return 0.0;
    }
    let common = left.intersection(&right).count();
    2.0 * common as f64 / (left.len() + right.len()) as f64
}

/// The existing fields with what the file provides laid over them; fields the file has no
/// column for keep their values.
fn overlay(existing: &ItemFields, item: &PreviewItem, preview: &ImportPreview) -> ItemFields {
    let mut fields = existing.clone();
    let file = item.to_fields();
    fields.text = file.text;
    fields.position = file.position;
    if item.derived {
        if file.reference.is_some() {
            fields.reference = file.reference;
        }
        return fields;
    }
    let provided = preview.provided;
    if provided.reference {
        fields.reference = file.reference;
    }
    if provided.description {
        fields.description = file.description;
    }
    if provided.strategic_lead {
        fields.strategic_lead = file.strategic_lead;
    }
    if provided.owners {
        fields.owners = file.owners;
    }
    if provided.start {
        fields.start = file.start;
    }
    if provided.due {
        fields.due = file.due;
    }
    if provided.complete {
        fields.complete = file.complete;
    }
    if provided.completed_on {
        fields.completed_on = file.completed_on;
    }
    if provided.rag {
        fields.rag = file.rag;
    }
    fields
}

fn new_update(item: ItemRef, update: &crate::preview::PreviewUpdate) -> NewUpdate {
    NewUpdate {
        item,
        as_of: update.as_of,
        author_person: None,
        author_post: update.author_post.clone(),
        text: update.text.clone(),
        proposed_rag: None,
        supersedes: None,
    }
}

fn found_text(by_id: &HashMap<ItemId, &ItemState>, id: ItemId) -> String {
    by_id
        .get(&id)
        .map(|state| state.fields.text.clone())
        .unwrap_or_default()
}

fn excerpt(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_compares_words() {
        assert_eq!(similarity("a b c", "a b c"), 1.0);
        assert!(similarity("review the plan by March", "review the plan by April") > 0.7);
        assert!(similarity("review the plan", "recruit a manager") < 0.2);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
