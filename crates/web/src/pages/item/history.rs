//! An item's versions as its page lists them: each dated change in words, who made it and
//! why, newest first. Every edit, move, reorder, close, reopen, archive and restore is one.

use chrono::NaiveDate;
use waymark_app::model::PlanView;
use waymark_core::{ItemFields, ItemVersion};

use crate::pages::{first_line, long_date};

/// One version of an item, in words.
pub(super) struct VersionRow {
    pub date: String,
    /// "Closed as complete", "Moved under Recommendation 4.43", "Changed the wording and owners".
    pub change: String,
    pub author: String,
    pub reason: String,
}

/// The versions in force by the end of `as_at`, newest first, each described against the one
/// before it. `view` names the parents an item moved under, where the reader may see them.
pub(super) fn version_rows(
    versions: &[ItemVersion],
    view: &PlanView,
    as_at: NaiveDate,
) -> Vec<VersionRow> {
    let mut ordered: Vec<&ItemVersion> = versions.iter().collect();
    ordered.sort_by_key(|v| (v.meta.effective, v.seq));
    let mut rows: Vec<VersionRow> = ordered
        .iter()
        .enumerate()
        .filter(|(_, version)| version.meta.effective <= as_at)
        .map(|(index, version)| {
            let change = match index.checked_sub(1).map(|i| &ordered[i].fields) {
                None => "Added to the plan".to_string(),
                Some(before) => describe(before, &version.fields, view),
            };
            VersionRow {
                date: long_date(version.meta.effective),
                change,
                author: version.meta.author.clone().unwrap_or_default(),
                reason: version.meta.reason.clone().unwrap_or_default(),
            }
        })
        .collect();
    rows.reverse();
    rows
}

/// What changed from `before` to `after`, as a sentence.
fn describe(before: &ItemFields, after: &ItemFields, view: &PlanView) -> String {
    let mut parts = Vec::new();
    if after.archived != before.archived {
        parts.push(
            if after.archived {
                "Archived"
            } else {
                "Restored"
            }
            .to_string(),
        );
    }
    if after.complete != before.complete {
        parts.push(
            if after.complete {
                "Closed as complete"
            } else {
                "Reopened"
            }
            .to_string(),
        );
    }
    if after.parent != before.parent {
        parts.push(match after.parent {
            None => "Moved to the top level".to_string(),
            Some(parent) => match view.item(parent) {
                Some(state) => {
                    let level = view.plan.level_name(state.depth);
                    match &state.fields.reference {
                        Some(reference) => format!("Moved under {level} {reference}"),
                        None => format!(
                            "Moved under the {} “{}”",
                            level.to_lowercase(),
                            first_line(&state.fields.text, 60)
                        ),
                    }
                }
                None => "Moved under another item".to_string(),
            },
        });
    } else if after.position != before.position {
        parts.push("Moved among the items beside it".to_string());
    }
    let fields: Vec<&str> = after
        .changed_fields(before)
        .into_iter()
        .filter_map(|name| match name {
            // Told above, or part of what is told above.
            "parent" | "position" | "complete" | "completed_on" | "archived" => None,
            other => field_in_words(other),
        })
        .collect();
    if !fields.is_empty() {
        parts.push(format!("Changed the {}", and_list(&fields)));
    }
    if parts.is_empty() {
        "Saved with no change".to_string()
    } else {
        parts.join(". ")
    }
}

/// "wording", "wording and owners", "wording, owners and due date".
fn and_list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => only.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A field of an item as people call it, from its name in `ItemFields::changed_fields`.
pub(crate) fn field_in_words(name: &str) -> Option<&'static str> {
    Some(match name {
        "parent" => "place in the plan",
        "position" => "order",
        "reference" => "reference",
        "text" => "wording",
        "description" => "description",
        "strategic_lead" => "strategic lead",
        "owners" => "owners",
        "start" => "start date",
        "due" => "due date",
        "complete" => "completion",
        "completed_on" => "date completed",
        "rag" => "RAG status",
        "tags" => "tags",
        "marking" => "protective marking",
        "archived" => "archiving",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_read_as_a_list() {
        assert_eq!(and_list(&["wording"]), "wording");
        assert_eq!(and_list(&["wording", "owners"]), "wording and owners");
        assert_eq!(
            and_list(&["wording", "owners", "due date"]),
            "wording, owners and due date"
        );
    }
}
