//! Item history: every change to an item is a complete version of its fields, in force from its
//! effective date (first clock) and known from its entry time (second clock). "As at" reads pick
//! the version in force; nothing is ever overwritten.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::ItemId;
use crate::item::ItemFields;
use crate::rag::Rag;

/// Who changed an item, when the change takes effect, when it was entered, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeMeta {
    /// The day the change takes effect: today for an edit, the row's date of update for an import.
    pub effective: NaiveDate,
    pub entered_at: DateTime<Utc>,
    pub author: Option<String>,
    pub reason: Option<String>,
}

/// One version of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemVersion {
    pub item: ItemId,
    /// Increasing with entry; breaks ties between versions entered in the same instant.
    pub seq: i64,
    pub meta: ChangeMeta,
    pub fields: ItemFields,
}

/// A change of shown RAG, with who, when and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RagChange {
    pub effective: NaiveDate,
    pub entered_at: DateTime<Utc>,
    pub author: Option<String>,
    pub reason: Option<String>,
    pub from: Option<Rag>,
    pub to: Option<Rag>,
}

/// The version of one item in force at the end of `as_at`, as known at `known_at` (`None` =
/// everything entered so far). `None` when the item did not exist yet.
pub fn version_in_force(
    versions: &[ItemVersion],
    as_at: NaiveDate,
    known_at: Option<DateTime<Utc>>,
) -> Option<&ItemVersion> {
    versions
        .iter()
        .filter(|v| v.meta.effective <= as_at)
        .filter(|v| known_at.is_none_or(|limit| v.meta.entered_at <= limit))
        .max_by_key(|v| order_key(v))
}

/// The changes of shown RAG over an item's history, oldest first. The first version counts as a
/// change from "not assessed" when it sets a RAG.
pub fn rag_history(versions: &[ItemVersion]) -> Vec<RagChange> {
    let mut ordered: Vec<&ItemVersion> = versions.iter().collect();
    ordered.sort_by_key(|v| order_key(v));
    let mut changes = Vec::new();
    let mut current: Option<Rag> = None;
    for version in ordered {
        let shown = version.fields.shown_rag();
        if shown != current {
            changes.push(RagChange {
                effective: version.meta.effective,
                entered_at: version.meta.entered_at,
                author: version.meta.author.clone(),
                reason: version.meta.reason.clone(),
                from: current,
                to: shown,
            });
            current = shown;
        }
    }
    changes
}

fn order_key(version: &ItemVersion) -> (NaiveDate, DateTime<Utc>, i64) {
    (version.meta.effective, version.meta.entered_at, version.seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn version(
        seq: i64,
        effective: (i32, u32, u32),
        entered_day: u32,
        rag: Option<Rag>,
    ) -> ItemVersion {
        ItemVersion {
            item: ItemId(7),
            seq,
            meta: ChangeMeta {
                effective: NaiveDate::from_ymd_opt(effective.0, effective.1, effective.2).unwrap(),
                entered_at: Utc
                    .with_ymd_and_hms(2015, 3, entered_day, 12, 0, 0)
                    .unwrap(),
                author: Some(format!("author {seq}")),
                reason: None,
            },
            fields: ItemFields {
                text: "Action".into(),
                rag,
                ..ItemFields::default()
            },
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_version_in_force_depends_on_both_clocks() {
        let versions = vec![
            version(1, (2014, 11, 21), 1, Some(Rag::Green)),
            version(2, (2015, 1, 23), 2, Some(Rag::Amber)),
            // Entered later but effective earlier: a back-dated correction.
            version(3, (2014, 12, 1), 10, Some(Rag::Red)),
        ];
        assert!(version_in_force(&versions, day(2014, 11, 20), None).is_none());
        assert_eq!(
            version_in_force(&versions, day(2014, 11, 30), None)
                .unwrap()
                .seq,
            1
        );
        assert_eq!(
            version_in_force(&versions, day(2014, 12, 31), None)
                .unwrap()
                .seq,
            3
        );
        assert_eq!(
            version_in_force(&versions, day(2015, 2, 1), None)
                .unwrap()
                .seq,
            2
        );
        let before_correction = Utc.with_ymd_and_hms(2015, 3, 5, 0, 0, 0).unwrap();
        assert_eq!(
            version_in_force(&versions, day(2014, 12, 31), Some(before_correction))
                .unwrap()
                .seq,
            1
        );
    }

    #[test]
    fn rag_history_lists_only_changes() {
        let versions = vec![
            version(1, (2014, 11, 21), 1, Some(Rag::Green)),
            version(2, (2014, 12, 1), 2, Some(Rag::Green)),
            version(3, (2015, 1, 23), 3, Some(Rag::Red)),
        ];
        let history = rag_history(&versions);
        assert_eq!(history.len(), 2);
        assert_eq!((history[0].from, history[0].to), (None, Some(Rag::Green)));
        assert_eq!(
            (history[1].from, history[1].to),
            (Some(Rag::Green), Some(Rag::Red))
        );
        assert_eq!(history[1].author.as_deref(), Some("author 3"));
    }
}
