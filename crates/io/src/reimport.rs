//! Matching a file's items to a plan's existing items and building the one change set that
//! brings the plan up to date: new items, new versions of changed items, and only the update
//! entries the plan does not have yet. A first import is the same with no existing items.
//!
//! References repeat (three recommendations of seed 000 share "pg 54 paragraph 3.41"), so items
//! match by reference and text: exact matches first, then the same reference with similar text
//! (an edited recommendation), then the same text under a new reference.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::flags::normalise_text;
use waymark_core::{ItemFields, ItemId, OrgId, PlanId};
use waymark_store::{ChangeSet, ItemRef, ItemState, NewItem, NewUpdate, NewVersion};

use crate::findings::{Finding, FindingKind};
use crate::header::Field;
use crate::preview::{ImportPreview, PreviewItem, PreviewUpdate, Provided, normalise_reference};

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
    /// On a re-import, the items the file adds, in the file's order (a first import's are the
    /// whole file, and are not listed here).
    pub additions: Vec<ItemAdded>,
    /// The plan's items the file no longer has, in the plan's order.
    pub missing_items: Vec<MissingItem>,
    /// How many of those the import closes (or, on a dry run, would close), when asked to.
    pub closed: usize,
}

/// An item a re-import adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemAdded {
    pub row: Option<usize>,
    pub reference: Option<String>,
    pub text: String,
}

/// An item of the plan that the file no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingItem {
    pub item: i64,
    pub reference: Option<String>,
    pub text: String,
    /// Already complete: closing it changes nothing.
    pub complete: bool,
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
/// Beyond this many candidate pairs for loose text matching, it is skipped to stay fast.
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
    let file = FileFacts::of(preview);
    let items = preview.items.iter().map(Cow::Borrowed);
    plan_matched(existing, &matches, &file, items, org, plan, author, true)
}

/// What `plan_changes` would do, for a dry run: every change worked out and counted in the
/// summary, with its findings, but none kept, so a dry run of a large file holds no second copy
/// of it. The change set is empty.
pub fn plan_summary(existing: &[ItemState], preview: &ImportPreview) -> PlannedChanges {
    let matches = match_items(existing, preview);
    let file = FileFacts::of(preview);
    let items = preview.items.iter().map(Cow::Borrowed);
    plan_matched(
        existing,
        &matches,
        &file,
        items,
        OrgId(0),
        PlanId(0),
        None,
        false,
    )
}

/// As `plan_changes`, moving the preview's items (and the text in them) into the change set
/// rather than copying them: for an import that is done with the preview.
pub fn plan_changes_owned(
    existing: &[ItemState],
    preview: ImportPreview,
    org: OrgId,
    plan: PlanId,
    author: Option<String>,
) -> PlannedChanges {
    let matches = match_items(existing, &preview);
    let file = FileFacts::of(&preview);
    let items = preview.items.into_iter().map(Cow::Owned);
    plan_matched(existing, &matches, &file, items, org, plan, author, true)
}

/// What planning needs to know of a file besides its items.
struct FileFacts {
    file: String,
    provided: Provided,
    has_parent_column: bool,
    updates: usize,
}

impl FileFacts {
    fn of(preview: &ImportPreview) -> Self {
        FileFacts {
            file: preview.file.clone(),
            provided: preview.provided,
            has_parent_column: preview.has_parent_column,
            updates: preview.update_count(),
        }
    }
}

/// The change set (when `keep`) and summary for the file's items, given what each matched.
/// One pass in the items' order, parents before children, so an item's parent is placed
/// before it; an owned item's fields and updates move into the change set.
#[allow(clippy::too_many_arguments)]
fn plan_matched<'p>(
    existing: &[ItemState],
    matches: &[Option<Matched>],
    file: &FileFacts,
    items: impl Iterator<Item = Cow<'p, PreviewItem>>,
    org: OrgId,
    plan: PlanId,
    author: Option<String>,
    keep: bool,
) -> PlannedChanges {
    let mut changes = ChangeSet::new(org, plan);
    changes.author = author;
    if keep {
        // Made to size: a large import's change set is not copied as it grows.
        changes
            .new_items
            .reserve(matches.iter().filter(|m| m.is_none()).count());
        changes.updates.reserve(file.updates);
    }
    let mut summary = ImportSummary {
        updates: file.updates,
        ..ImportSummary::default()
    };
    let mut findings = Vec::new();
    let by_id: HashMap<ItemId, &ItemState> = existing.iter().map(|i| (i.id, i)).collect();
    // Where each file item lives in the change set.
    let mut targets: Vec<ItemRef> = Vec::with_capacity(matches.len());
    for (index, item) in items.enumerate() {
        let Some(found) = matches.get(index).copied().flatten() else {
            // Every item added so far is in the change set before this one.
            let target = ItemRef::New(summary.added);
            targets.push(target);
            summary.added += 1;
            if !(item.derived && file.has_parent_column && item.row.is_some()) {
                summary.items += 1;
            }
            summary.updates_added += item.updates.len();
            if !existing.is_empty() {
                summary.additions.push(ItemAdded {
                    row: item.row,
                    reference: item.reference.clone(),
                    text: excerpt(&item.text),
                });
            }
            if keep {
                let parent = item.parent.map(|p| targets[p]);
                let effective = item.exists_from;
                let (mut fields, updates) = match item {
                    Cow::Borrowed(item) => (item.to_fields(), item.updates.clone()),
                    Cow::Owned(item) => item.into_fields(),
                };
                fields.parent = None;
                changes.new_items.push(NewItem {
                    parent,
                    fields,
                    effective,
                });
                changes
                    .updates
                    .extend(updates.into_iter().map(|update| new_update(target, update)));
            }
            continue;
        };
        let id = found.id;
        targets.push(ItemRef::Existing(id));
        if found.loose {
            let row = item.row.unwrap_or(0);
            let mut finding = Finding::new(
                row,
                "",
                FindingKind::LooseMatch,
                format!(
                    "Matched to the existing item \"{}\" by similar text; check it is the same item",
                    excerpt(&found_text(&by_id, id))
                ),
            );
            finding.table = item.table.clone();
            findings.push(finding);
        }
        let Some(state) = by_id.get(&id) else {
            continue;
        };
        let keep_place = !file.provided.structure && state.fields.parent.is_some();
        let parent = if keep_place {
            state.fields.parent.map(ItemRef::Existing)
        } else {
            item.parent.map(|p| targets[p])
        };
        let (mut fields, kept) = overlay(&state.fields, &item, file.provided);
        for value in kept {
            let mut finding = Finding::new(
                item.row.unwrap_or(0),
                &value.header,
                FindingKind::EmptyCellKept,
                format!(
                    "The cell is empty, so the plan keeps \"{}\": an empty cell does not clear \
                     what Waymark holds (change it in Waymark to clear it)",
                    excerpt(&value.value)
                ),
            );
            finding.table = item.table.clone();
            findings.push(finding);
        }
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
            if item.effective < state.changed_on {
                let mut finding = Finding::new(
                    item.row.unwrap_or(0),
                    "",
                    FindingKind::Overtaken,
                    format!(
                        "The row speaks for {}, but the item was changed in Waymark with effect \
                         from {}, later: the file's changes ({}) take effect from {} rather \
                         than being hidden behind that change",
                        waymark_core::date::format_long(item.effective),
                        waymark_core::date::format_long(state.changed_on),
                        changed.join(", "),
                        waymark_core::date::format_long(state.changed_on),
                    ),
                );
                finding.table = item.table.clone();
                findings.push(finding);
            }
            if keep {
                changes.versions.push(NewVersion {
                    item: id,
                    parent,
                    fields,
                    // A change cannot take effect before the version it replaces, or it would
                    // be hidden behind it and every re-import would make it again.
                    effective: item.effective.max(state.changed_on),
                    reason: Some(format!("Imported from {}", file.file)),
                });
            }
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
                if let Some(latest) = state.updates.iter().map(|u| u.as_of).max()
                    && update.as_of < latest
                {
                    let mut finding = Finding::new(
                        item.row.unwrap_or(0),
                        &update.column,
                        FindingKind::Overtaken,
                        format!(
                            "The update of {} (\"{}\") is added to the item's history, but the \
                             plan already has a later one, of {}, which stays its latest",
                            waymark_core::date::format_long(update.as_of),
                            excerpt(&update.text),
                            waymark_core::date::format_long(latest),
                        ),
                    );
                    finding.table = item.table.clone();
                    findings.push(finding);
                }
                summary.updates_added += 1;
                if keep {
                    changes
                        .updates
                        .push(new_update(ItemRef::Existing(id), update.clone()));
                }
            }
        }
    }
    // An item the file has, and every item above it: a tracker of actions alone still speaks
    // of the recommendations they sit under.
    let mut present: HashSet<ItemId> = HashSet::new();
    for found in matches.iter().flatten() {
        let mut at = Some(found.id);
        while let Some(id) = at {
            if !present.insert(id) {
                break;
            }
            at = by_id.get(&id).and_then(|state| state.fields.parent);
        }
    }
    summary.missing_items = existing
        .iter()
        .filter(|state| !present.contains(&state.id))
        .map(|state| MissingItem {
            item: state.id.0,
            reference: state.fields.reference.clone(),
            text: excerpt(&state.fields.text),
            complete: state.fields.complete,
        })
        .collect();
    summary.missing = summary.missing_items.len();
    PlannedChanges {
        changes,
        summary,
        findings,
    }
}

/// Closes the plan's open items that the file no longer has, as the person previewing a
/// re-import chose: each gets a version marked complete on `on` (or on the day its version in
/// force took effect, if later), with the file named as the reason. Nothing is deleted; its
/// history and updates stay. A dry run (`planned.changes` left empty) only counts them.
pub fn close_missing(
    planned: &mut PlannedChanges,
    existing: &[ItemState],
    on: NaiveDate,
    file: &str,
    dry_run: bool,
) {
    let by_id: HashMap<i64, &ItemState> = existing.iter().map(|i| (i.id.0, i)).collect();
    for missing in planned.summary.missing_items.iter().filter(|m| !m.complete) {
        let Some(state) = by_id.get(&missing.item) else {
            continue;
        };
        planned.summary.closed += 1;
        if dry_run {
            continue;
        }
        let effective = on.max(state.changed_on);
        let mut fields = state.fields.clone();
        fields.complete = true;
        fields.completed_on = Some(effective);
        planned.changes.versions.push(NewVersion {
            item: state.id,
            parent: fields.parent.map(ItemRef::Existing),
            fields,
            effective,
            reason: Some(format!(
                "Closed on importing {file}, which no longer has it"
            )),
        });
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

    // Each text's words, made once: a pair's similarity is then a merge of two short lists.
    let mut vocabulary = Vocabulary::default();
    let file_words: Vec<Vec<u32>> = file_keys
        .iter()
        .zip(&result)
        .map(|((_, text), found)| match found {
            Some(_) => Vec::new(),
            None => vocabulary.words(text),
        })
        .collect();
    let existing_words: Vec<Vec<u32>> = keys
        .iter()
        .zip(&taken)
        .map(|((_, text), &taken)| {
            if taken {
                Vec::new()
            } else {
                vocabulary.words(text)
            }
        })
        .collect();
    let score = |index: usize, candidate: usize| {
        if file_keys[index].1 == keys[candidate].1 {
            1.0
        } else {
            word_similarity(&file_words[index], &existing_words[candidate])
        }
    };

    // 2. Same reference, similar text: the best pairs first. Items are compared within their
    // reference only, and within a large group (a reference on hundreds of rows) only with the
    // items near their own place in it, so the pairs grow with the rows, not their square.
    let mut by_reference: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (index, (reference, _)) in keys.iter().enumerate() {
        if !taken[index] && !reference.is_empty() {
            by_reference.entry(reference).or_default().1.push(index);
        }
    }
    for (index, (reference, _)) in file_keys.iter().enumerate() {
        if result[index].is_none()
            && let Some((file_items, _)) = by_reference.get_mut(reference.as_str())
        {
            file_items.push(index);
        }
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (file_items, candidates) in by_reference.values() {
        for (rank, &index) in file_items.iter().enumerate() {
            let nearby = nearby(rank, file_items.len(), candidates.len());
            for &candidate in &candidates[nearby] {
                let score = score(index, candidate);
                if score >= SAME_REFERENCE_SIMILARITY {
                    pairs.push((score, index, candidate));
                }
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
    let mut pairs = loosely_similar_pairs(
        &unmatched_file,
        &unmatched_existing,
        &file_words,
        &existing_words,
        vocabulary.len(),
    )
    .into_iter()
    .map(|(index, candidate)| (score(index, candidate), index, candidate))
    .filter(|(score, _, _)| *score >= TEXT_ONLY_SIMILARITY)
    .collect::<Vec<_>>();
    assign_best(&mut pairs, &mut result, &mut taken, existing, true);
    result
}

/// A group of items sharing a reference larger than this many pairs compares each file item
/// with `NEARBY` existing items either side of its own place in the group, not with all.
const ALL_PAIRS_IN_GROUP: usize = 4_096;
const NEARBY: usize = 32;

/// The existing items (by their place among `candidates` of them) that the `rank`th of
/// `file_items` file items with the same reference is compared with.
fn nearby(rank: usize, file_items: usize, candidates: usize) -> std::ops::Range<usize> {
    if file_items.saturating_mul(candidates) <= ALL_PAIRS_IN_GROUP {
        return 0..candidates;
    }
    let centre = rank * candidates / file_items.max(1);
    centre.saturating_sub(NEARBY)..(centre + NEARBY + 1).min(candidates)
}

/// Every (file item, existing item) pair whose word sets might be similar enough to be the same
/// item (Dice similarity of at least `TEXT_ONLY_SIMILARITY`), found without comparing all pairs:
/// a pair that similar shares one of the rarest words of each text (prefix filtering), so only
/// items sharing such a word are candidates. Candidates are many only when many texts are made
/// of the same few words; beyond `FUZZY_PAIR_LIMIT` of them the step is skipped, as it was
/// before for more than that many pairs.
fn loosely_similar_pairs(
    file_items: &[usize],
    existing_items: &[usize],
    file_words: &[Vec<u32>],
    existing_words: &[Vec<u32>],
    vocabulary: usize,
) -> Vec<(usize, usize)> {
    if file_items.is_empty() || existing_items.is_empty() {
        return Vec::new();
    }
    let mut frequency = vec![0u32; vocabulary];
    for words in file_items
        .iter()
        .map(|&i| &file_words[i])
        .chain(existing_items.iter().map(|&i| &existing_words[i]))
    {
        for &word in words {
            frequency[word as usize] += 1;
        }
    }
    // A set's rarest words: with a similarity of 0.8 (a Jaccard index of 2/3), two sets share a
    // word among the first `n - ceil(2n/3) + 1` of each when both are in this order.
    let prefix = |words: &[u32]| -> Vec<u32> {
        let mut rarest = words.to_vec();
        rarest.sort_unstable_by_key(|&word| (frequency[word as usize], word));
        let length = words.len();
        rarest.truncate(length - (2 * length).div_ceil(3) + 1);
        rarest
    };
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (place, &candidate) in existing_items.iter().enumerate() {
        let words = &existing_words[candidate];
        if words.is_empty() {
            continue;
        }
        for word in prefix(words) {
            postings.entry(word).or_default().push(place);
        }
    }
    let probes: Vec<(usize, Vec<u32>)> = file_items
        .iter()
        .filter(|&&index| !file_words[index].is_empty())
        .map(|&index| (index, prefix(&file_words[index])))
        .collect();
    let work: usize = probes
        .iter()
        .flat_map(|(_, words)| words.iter())
        .map(|word| postings.get(word).map_or(0, Vec::len))
        .sum();
    if work > FUZZY_PAIR_LIMIT {
        return Vec::new();
    }
    let mut pairs = Vec::new();
    let mut last_probe = vec![usize::MAX; existing_items.len()];
    for (probe, (index, words)) in probes.iter().enumerate() {
        let size = file_words[*index].len();
        for word in words {
            for &place in postings.get(word).into_iter().flatten() {
                if std::mem::replace(&mut last_probe[place], probe) == probe {
                    continue;
                }
                let candidate = existing_items[place];
                let other = existing_words[candidate].len();
                // Sets of such different sizes cannot be that similar.
                if 3 * other >= 2 * size && 3 * size >= 2 * other {
                    pairs.push((*index, candidate));
                }
            }
        }
    }
    pairs
}

/// Words as small numbers, so that a text's words are a sorted list of numbers.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    /// The distinct words of a text (split and lowercased as `similarity` does), sorted.
    fn words(&mut self, text: &str) -> Vec<u32> {
        let mut words: Vec<u32> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|word| {
                let next = self.ids.len() as u32;
                *self.ids.entry(word.to_lowercase()).or_insert(next)
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// `similarity` of two texts given as their sorted word lists (without its shortcut for equal
/// texts).
fn word_similarity(left: &[u32], right: &[u32]) -> f64 {
    if left.is_empty() || right.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < left.len() && j < right.len() {
        match left[i].cmp(&right[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (left.len() + right.len()) as f64
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
/// column for keep their values, and so do those whose cell on the row is empty (an empty cell
/// is not a statement). Also gives each field an empty cell kept, with its column's header and
/// the value kept, where the plan holds one.
fn overlay(
    existing: &ItemFields,
    item: &PreviewItem,
    provided: Provided,
) -> (ItemFields, Vec<KeptValue>) {
    let mut fields = existing.clone();
    let mut kept = Vec::new();
    let file = item.to_fields();
    fields.text = file.text;
    fields.position = file.position;
    if item.derived {
        if file.reference.is_some() {
            fields.reference = file.reference;
        }
        return (fields, kept);
    }
    let blank = |field: Field| {
        item.blank_columns
            .iter()
            .find(|(blank, _)| *blank == field)
            .map(|(_, header)| header.clone())
    };
    // Lays the file's value of a provided field over the plan's, unless its cell is empty;
    // an empty cell over a value the plan holds is noted.
    let mut lay =
        |field: Field, provided: bool, stored: Option<String>, apply: &mut dyn FnMut()| {
            if !provided {
                return;
            }
            match blank(field) {
                None => apply(),
                Some(header) => {
                    if let Some(value) = stored {
                        kept.push(KeptValue { header, value });
                    }
                }
            }
        };
    let text_of = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    let date_of = |value: &Option<waymark_core::FlexDate>| {
        value.as_ref().map(|d| {
            d.written
                .clone()
                .unwrap_or_else(|| waymark_core::date::format_long(d.date))
        })
    };
    lay(
        Field::Reference,
        provided.reference,
        text_of(&existing.reference),
        &mut || fields.reference = file.reference.clone(),
    );
    lay(
        Field::Description,
        provided.description,
        text_of(&existing.description),
        &mut || fields.description = file.description.clone(),
    );
    lay(
        Field::StrategicLead,
        provided.strategic_lead,
        text_of(&existing.strategic_lead),
        &mut || fields.strategic_lead = file.strategic_lead.clone(),
    );
    lay(
        Field::Owner,
        provided.owners,
        Some(existing.owners.join(", ")).filter(|o| !o.is_empty()),
        &mut || fields.owners = file.owners.clone(),
    );
    lay(
        Field::Start,
        provided.start,
        date_of(&existing.start),
        &mut || fields.start = file.start.clone(),
    );
    lay(
        Field::Due,
        provided.due,
        date_of(&existing.due).or_else(|| existing.due_words.clone()),
        &mut || {
            fields.due = file.due.clone();
            fields.due_words = file.due_words.clone();
        },
    );
    lay(
        Field::Complete,
        provided.complete,
        existing.complete.then(|| "complete".to_string()),
        &mut || fields.complete = file.complete,
    );
    lay(
        Field::CompletedOn,
        provided.completed_on,
        existing.completed_on.map(waymark_core::date::format_long),
        &mut || fields.completed_on = file.completed_on,
    );
    lay(
        Field::Rag,
        provided.rag,
        existing.rag.map(|rag| rag.word().to_string()),
        &mut || fields.rag = file.rag,
    );
    // A status that says done ("Complete", Blue) closes the item on a re-import as on a first
    // one, where the file has no column of its own saying whether it is complete.
    if provided.rag && !provided.complete && file.complete && !existing.complete {
        fields.complete = true;
        if fields.completed_on.is_none() {
            fields.completed_on = file.completed_on;
        }
    }
    if provided.own_fields {
        // The row's own fields replace the plan's of the same names; one whose cell is empty
        // (or whose column the file no longer has) is kept.
        let mut tags: Vec<waymark_core::Tag> = existing
            .tags
            .iter()
            .filter(|tag| !file.tags.iter().any(|t| t.taxonomy == tag.taxonomy))
            .cloned()
            .collect();
        tags.extend(file.tags.iter().cloned());
        fields.tags = tags;
    }
    (fields, kept)
}

/// A value the plan holds that a re-imported row's empty cell left as it was.
struct KeptValue {
    /// The column's header as written.
    header: String,
    /// The value kept, in words.
    value: String,
}

fn new_update(item: ItemRef, update: PreviewUpdate) -> NewUpdate {
    NewUpdate {
        item,
        as_of: update.as_of,
        author_person: None,
        author_post: update.author_post,
        text: update.text,
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

pub(crate) fn excerpt(text: &str) -> String {
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
    use crate::preview::PlanMetadata;
    use crate::table::Format;
    use proptest::prelude::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2015, 2, 1).unwrap()
    }

    fn existing_item(id: i64, reference: &str, text: &str) -> ItemState {
        ItemState {
            id: ItemId(id),
            depth: 0,
            exists_from: day(),
            fields: ItemFields {
                reference: Some(reference.to_string()).filter(|r| !r.is_empty()),
                text: text.to_string(),
                ..ItemFields::default()
            },
            changed_on: day(),
            updates: Vec::new(),
            latest_update: None,
            flags: Vec::new(),
            children: Vec::new(),
        }
    }

    fn file_item(reference: &str, text: &str) -> PreviewItem {
        PreviewItem {
            parent: None,
            depth: 0,
            position: 0,
            table: None,
            row: Some(2),
            derived: false,
            reference: Some(reference.to_string()).filter(|r| !r.is_empty()),
            text: text.to_string(),
            description: None,
            strategic_lead: None,
            owners: Vec::new(),
            start: None,
            due: None,
            due_words: None,
            complete: false,
            completed_on: None,
            rag: None,
            effective: day(),
            exists_from: day(),
            updates: Vec::new(),
            own_fields: Vec::new(),
            blank_columns: Vec::new(),
        }
    }

    fn preview_of(items: Vec<PreviewItem>) -> ImportPreview {
        ImportPreview {
            file: "test.csv".into(),
            format: Format::Csv,
            metadata: PlanMetadata::default(),
            has_parent_column: false,
            provided: Provided::default(),
            items,
            findings: Vec::new(),
            columns: Vec::new(),
        }
    }

    /// The matching as it was before candidates were found by shared words: every pair of a
    /// reference compared, then every unmatched pair.
    fn match_by_all_pairs(existing: &[ItemState], preview: &ImportPreview) -> Vec<Option<ItemId>> {
        let key = |reference: Option<&str>, text: &str| {
            (
                reference.map(normalise_reference).unwrap_or_default(),
                normalise_text(text),
            )
        };
        let keys: Vec<(String, String)> = existing
            .iter()
            .map(|s| key(s.fields.reference.as_deref(), &s.fields.text))
            .collect();
        let file_keys: Vec<(String, String)> = preview
            .items
            .iter()
            .map(|i| key(i.reference.as_deref(), &i.text))
            .collect();
        let mut result: Vec<Option<Matched>> = vec![None; file_keys.len()];
        let mut taken = vec![false; keys.len()];
        let mut exact: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (index, (reference, text)) in keys.iter().enumerate().rev() {
            exact.entry((reference, text)).or_default().push(index);
        }
        for (index, (reference, text)) in file_keys.iter().enumerate() {
            if let Some(found) = exact
                .get_mut(&(reference.as_str(), text.as_str()))
                .and_then(Vec::pop)
            {
                taken[found] = true;
                result[index] = Some(Matched {
                    id: existing[found].id,
                    loose: false,
                });
            }
        }
        let mut pairs = Vec::new();
        for (index, (reference, text)) in file_keys.iter().enumerate() {
            for (candidate, (other_reference, other_text)) in keys.iter().enumerate() {
                if result[index].is_none()
                    && !reference.is_empty()
                    && !taken[candidate]
                    && other_reference == reference
                {
                    let score = similarity(text, other_text);
                    if score >= SAME_REFERENCE_SIMILARITY {
                        pairs.push((score, index, candidate));
                    }
                }
            }
        }
        assign_best(&mut pairs, &mut result, &mut taken, existing, false);
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
        let mut pairs = Vec::new();
        for index in (0..file_keys.len()).filter(|&i| result[i].is_none()) {
            for candidate in (0..keys.len()).filter(|&i| !taken[i]) {
                let score = similarity(&file_keys[index].1, &keys[candidate].1);
                if score >= TEXT_ONLY_SIMILARITY {
                    pairs.push((score, index, candidate));
                }
            }
        }
        assign_best(&mut pairs, &mut result, &mut taken, existing, true);
        result.into_iter().map(|m| m.map(|m| m.id)).collect()
    }

    const WORDS: [&str; 8] = [
        "review", "the", "plan", "by", "march", "audit", "calls", "train",
    ];

    fn text_of(words: &[usize]) -> String {
        words
            .iter()
            .map(|&w| WORDS[w])
            .collect::<Vec<_>>()
            .join(" ")
    }

    proptest! {
        /// Matching by shared rare words finds what comparing every pair found.
        #[test]
        fn matching_agrees_with_comparing_every_pair(
            existing in proptest::collection::vec((0usize..4, proptest::collection::vec(0usize..8, 0..6)), 0..25),
            file in proptest::collection::vec((0usize..4, proptest::collection::vec(0usize..8, 0..6)), 0..25),
        ) {
            let references = ["", "1", "1.1", "2"];
            let existing: Vec<ItemState> = existing
                .iter()
                .enumerate()
                .map(|(n, (r, words))| existing_item(n as i64 + 1, references[*r], &text_of(words)))
                .collect();
            let preview = preview_of(
                file.iter().map(|(r, words)| file_item(references[*r], &text_of(words))).collect(),
            );
            let found: Vec<Option<ItemId>> = match_items(&existing, &preview)
                .into_iter()
                .map(|m| m.map(|m| m.id))
                .collect();
            prop_assert_eq!(found, match_by_all_pairs(&existing, &preview));
        }
    }

    #[test]
    fn planning_by_copy_by_move_and_for_a_dry_run_agree() {
        let existing = vec![
            existing_item(1, "1", "review the plan"),
            existing_item(2, "2", "audit the calls"),
        ];
        let update = |text: &str| PreviewUpdate {
            as_of: day(),
            dated: true,
            author_post: Some("Head of Unit".into()),
            text: text.into(),
            column: "Update".into(),
        };
        let mut items = vec![
            file_item("1", "review the plan by march"),
            file_item("3", "train the staff"),
            file_item("3.1", "train the trainers"),
            file_item("9", "audit the calls"),
        ];
        items[0].updates.push(update("Reviewed with the board"));
        items[2].parent = Some(1);
        items[2].updates.push(update("Trainers booked"));
        items[2].owners = vec!["Head of Training".into()];
        let mut preview = preview_of(items);
        preview.provided.reference = true;
        preview.provided.owners = true;
        let author = Some("Import of test.csv".to_string());
        let copied = plan_changes(&existing, &preview, OrgId(1), PlanId(7), author.clone());
        let moved = plan_changes_owned(&existing, preview.clone(), OrgId(1), PlanId(7), author);
        assert_eq!(copied, moved);
        assert_eq!(copied.changes.new_items.len(), 2);
        assert_eq!(copied.changes.new_items[1].parent, Some(ItemRef::New(0)));
        assert_eq!(
            copied.changes.new_items[1].fields.owners,
            vec!["Head of Training"]
        );
        assert_eq!(copied.changes.versions.len(), 2, "{:?}", copied.summary);
        assert_eq!(copied.changes.updates.len(), 2);
        assert_eq!(copied.summary.updates_added, 2);
        let dry = plan_summary(&existing, &preview);
        assert_eq!(dry.summary, copied.summary);
        assert_eq!(dry.findings, copied.findings);
        assert!(dry.changes.is_empty());
    }

    #[test]
    fn a_reference_on_hundreds_of_rows_still_matches_edited_texts() {
        // 600 actions all under "see appendix", each with its own words; the file edits each.
        let existing: Vec<ItemState> = (0..600)
            .map(|n| {
                existing_item(
                    n + 1,
                    "see appendix",
                    &format!("action {n} review calls {n}x"),
                )
            })
            .collect();
        let preview = preview_of(
            (0..600)
                .map(|n| {
                    file_item(
                        "see appendix",
                        &format!("action {n} review calls {n}x today"),
                    )
                })
                .collect(),
        );
        let found = match_items(&existing, &preview);
        for (n, matched) in found.iter().enumerate() {
            assert_eq!(matched.map(|m| m.id), Some(ItemId(n as i64 + 1)), "row {n}");
        }
    }

    #[test]
    fn similarity_compares_words() {
        assert_eq!(similarity("a b c", "a b c"), 1.0);
        assert!(similarity("review the plan by March", "review the plan by April") > 0.7);
        assert!(similarity("review the plan", "recruit a manager") < 0.2);
        assert_eq!(similarity("", "x"), 0.0);
    }
}

#[cfg(test)]
mod lists {
    //! A re-import's lists: what the file adds, changes and no longer has, and closing the last.
    use super::*;
    use crate::preview::PlanMetadata;
    use crate::table::Format;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2015, 2, d).unwrap()
    }

    fn state(id: i64, reference: &str, text: &str, parent: Option<i64>) -> ItemState {
        ItemState {
            id: ItemId(id),
            depth: usize::from(parent.is_some()),
            exists_from: day(1),
            fields: ItemFields {
                parent: parent.map(ItemId),
                reference: Some(reference.to_string()),
                text: text.to_string(),
                ..ItemFields::default()
            },
            changed_on: day(1),
            updates: Vec::new(),
            latest_update: None,
            flags: Vec::new(),
            children: Vec::new(),
        }
    }

    fn row(row: usize, reference: &str, text: &str, owner: &str) -> PreviewItem {
        PreviewItem {
            parent: None,
            depth: 0,
            position: 0,
            table: None,
            row: Some(row),
            derived: false,
            reference: Some(reference.to_string()),
            text: text.to_string(),
            description: None,
            strategic_lead: None,
            owners: vec![owner.to_string()],
            start: None,
            due: None,
            due_words: None,
            complete: false,
            completed_on: None,
            rag: None,
            effective: day(10),
            exists_from: day(10),
            updates: Vec::new(),
            own_fields: Vec::new(),
            blank_columns: Vec::new(),
        }
    }

    /// A plan of one recommendation with three actions; the file is of actions alone (no
    /// structure), keeps 1.1 as it was, gives 1.2 an owner, drops 1.3 and adds 1.4.
    fn plan_and_file() -> (Vec<ItemState>, ImportPreview) {
        let mut kept = state(2, "1.1", "Train call handlers in THRIVE", Some(1));
        kept.fields.owners = vec!["Head of Contact".into()];
        let existing = vec![
            state(1, "1", "Improve call handling", None),
            kept,
            state(3, "1.2", "Audit call grading monthly", Some(1)),
            state(4, "1.3", "Publish the call handling policy", Some(1)),
        ];
        let preview = ImportPreview {
            file: "tracker.csv".into(),
            format: Format::Csv,
            metadata: PlanMetadata::default(),
            has_parent_column: false,
            provided: Provided {
                owners: true,
                ..Provided::default()
            },
            items: vec![
                row(2, "1.1", "Train call handlers in THRIVE", "Head of Contact"),
                row(
                    3,
                    "1.2",
                    "Audit call grading monthly",
                    "Control Room Inspector",
                ),
                row(
                    4,
                    "1.4",
                    "Review repeat callers each week",
                    "Head of Contact",
                ),
            ],
            findings: Vec::new(),
            columns: Vec::new(),
        };
        (existing, preview)
    }

    #[test]
    fn the_lists_name_what_is_added_changed_and_no_longer_in_the_file() {
        let (existing, preview) = plan_and_file();
        let summary = plan_summary(&existing, &preview).summary;
        assert_eq!(
            summary
                .additions
                .iter()
                .map(|a| (a.row, a.text.as_str()))
                .collect::<Vec<_>>(),
            vec![(Some(4), "Review repeat callers each week")]
        );
        assert_eq!(
            summary
                .changes
                .iter()
                .map(|c| (c.item, c.fields.clone()))
                .collect::<Vec<_>>(),
            vec![(3, vec!["owners".to_string()])]
        );
        // The recommendation is above items the file has: it is not missing.
        assert_eq!(
            summary
                .missing_items
                .iter()
                .map(|m| (m.item, m.text.as_str(), m.complete))
                .collect::<Vec<_>>(),
            vec![(4, "Publish the call handling policy", false)]
        );
        assert_eq!((summary.missing, summary.closed), (1, 0));
    }

    #[test]
    fn closing_what_the_file_no_longer_has_completes_it_and_keeps_it() {
        let (mut existing, preview) = plan_and_file();
        // Changed after the day of the import: the closing cannot take effect before it.
        existing[3].changed_on = day(20);
        let mut planned = plan_changes(&existing, &preview, OrgId(1), PlanId(1), None);
        let versions_before = planned.changes.versions.len();
        close_missing(&mut planned, &existing, day(16), "tracker.csv", false);
        assert_eq!(planned.summary.closed, 1);
        let closing = &planned.changes.versions[versions_before..];
        assert_eq!(closing.len(), 1);
        assert_eq!(closing[0].item, ItemId(4));
        assert!(closing[0].fields.complete);
        assert_eq!(closing[0].fields.completed_on, Some(day(20)));
        assert_eq!(closing[0].effective, day(20));
        assert_eq!(closing[0].parent, Some(ItemRef::Existing(ItemId(1))));
        assert_eq!(closing[0].fields.text, "Publish the call handling policy");
        assert!(
            closing[0]
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("tracker.csv"))
        );

        // A dry run counts the same and keeps nothing; an item already complete is not closed.
        let mut dry = plan_summary(&existing, &preview);
        close_missing(&mut dry, &existing, day(16), "tracker.csv", true);
        assert_eq!((dry.summary.closed, dry.changes.versions.len()), (1, 0));
        existing[3].fields.complete = true;
        let mut done = plan_changes(&existing, &preview, OrgId(1), PlanId(1), None);
        let before = done.changes.versions.len();
        close_missing(&mut done, &existing, day(16), "tracker.csv", false);
        assert_eq!(
            (done.summary.closed, done.changes.versions.len()),
            (0, before)
        );
        assert!(done.summary.missing_items[0].complete);
    }

    /// The file says 1.2 is done in its RAG column ("Complete" read as Blue) and no longer
    /// has 1.3; the plan closes actions (level 1) only with sign-off.
    fn done_and_gone() -> (
        Vec<ItemState>,
        ImportPreview,
        Vec<crate::closure_hold::HeldLevel>,
    ) {
        let (mut existing, mut preview) = plan_and_file();
        existing[2].fields.rag = Some(waymark_core::Rag::Green);
        preview.provided.rag = true;
        preview.items[1].rag = Some(crate::preview::RagView::Blue);
        preview.items[1].complete = true;
        let held = vec![crate::closure_hold::HeldLevel {
            depth: 1,
            level: "Action".into(),
            rule: "sign-off by a plan manager".into(),
        }];
        (existing, preview, held)
    }

    #[test]
    fn a_status_that_says_done_closes_the_item_on_a_reimport() {
        let (existing, preview, _) = done_and_gone();
        let planned = plan_changes(&existing, &preview, OrgId(1), PlanId(1), None);
        let version = planned
            .changes
            .versions
            .iter()
            .find(|v| v.item == ItemId(3))
            .unwrap();
        assert!(version.fields.complete);
        assert_eq!(version.fields.rag, Some(waymark_core::Rag::Blue));
    }

    #[test]
    fn closing_that_needs_sign_off_is_held_open_and_said() {
        let (existing, preview, held) = done_and_gone();
        let mut planned = plan_changes(&existing, &preview, OrgId(1), PlanId(1), None);
        close_missing(&mut planned, &existing, day(16), "tracker.csv", false);
        assert_eq!(planned.summary.closed, 1);
        crate::closure_hold::hold_closures(&mut planned, &existing, &held);

        // 1.2 keeps its new owner but stays open and Green; 1.3 is not closed at all.
        let versions: Vec<_> = planned
            .changes
            .versions
            .iter()
            .filter(|v| v.item.0 >= 3)
            .collect();
        assert_eq!(versions.len(), 1, "{versions:?}");
        assert_eq!(versions[0].item, ItemId(3));
        assert!(!versions[0].fields.complete);
        assert_eq!(versions[0].fields.rag, Some(waymark_core::Rag::Green));
        assert_eq!(versions[0].fields.owners, vec!["Control Room Inspector"]);
        assert_eq!(planned.summary.closed, 0);
        assert_eq!(
            planned
                .summary
                .changes
                .iter()
                .map(|c| (c.item, c.fields.clone()))
                .collect::<Vec<_>>(),
            vec![(3, vec!["owners".to_string()])]
        );
        let held_findings: Vec<(usize, &str)> = planned
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::ClosureHeld)
            .map(|f| (f.row, f.message.as_str()))
            .collect();
        assert_eq!(held_findings.len(), 2, "{held_findings:?}");
        assert_eq!(held_findings[0].0, 3);
        assert!(held_findings[0].1.starts_with(
            "The row says \"Audit call grading monthly\" is complete, but this plan closes an \
             item at the action level only with sign-off by a plan manager"
        ));
        assert_eq!(held_findings[1].0, 0);
        assert!(
            held_findings[1]
                .1
                .starts_with("The file no longer has \"Publish the call handling policy\"")
        );

        // A plan without the rule closes both.
        let (existing, preview, _) = done_and_gone();
        let mut open = plan_changes(&existing, &preview, OrgId(1), PlanId(1), None);
        close_missing(&mut open, &existing, day(16), "tracker.csv", false);
        crate::closure_hold::hold_closures(&mut open, &existing, &[]);
        assert_eq!(open.summary.closed, 1);
        assert_eq!(
            open.changes
                .versions
                .iter()
                .filter(|v| v.fields.complete)
                .count(),
            2
        );
    }
}
