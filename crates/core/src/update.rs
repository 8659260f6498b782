//! Dated progress updates. Append-only: a correction is a new entry that supersedes an earlier
//! one, never an edit in place. "Latest update" is derived, never stored.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::{ItemId, UpdateId};
use crate::rag::Rag;

/// One progress note on an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub id: UpdateId,
    pub item: ItemId,
    /// The date the update speaks for (first clock).
    pub as_of: NaiveDate,
    /// When it was entered into Waymark (second clock).
    pub entered_at: DateTime<Utc>,
    /// The person who wrote it, where known.
    pub author_person: Option<String>,
    /// The post it came from: "Contact Handling Manager".
    pub author_post: Option<String>,
    pub text: String,
    /// The RAG the author proposed at the time.
    pub proposed_rag: Option<Rag>,
    /// The earlier entry this one corrects.
    pub supersedes: Option<UpdateId>,
}

impl Update {
    /// "Contact Handling Manager (J. Smith)", "J. Smith" or "Contact Handling Manager".
    pub fn author(&self) -> Option<String> {
        match (&self.author_post, &self.author_person) {
            (Some(post), Some(person)) => Some(format!("{post} ({person})")),
            (Some(post), None) => Some(post.clone()),
            (None, Some(person)) => Some(person.clone()),
            (None, None) => None,
        }
    }
}

/// The updates of one item visible "as at" `as_at`, as known at `known_at` (`None` = now): dated
/// on or before `as_at`, entered by `known_at`, and not superseded by a correction entered by
/// `known_at`. Returned in entry order (the order they were written).
pub fn visible_updates(
    updates: &[Update],
    as_at: NaiveDate,
    known_at: Option<DateTime<Utc>>,
) -> Vec<&Update> {
    let known = |update: &Update| known_at.is_none_or(|limit| update.entered_at <= limit);
    // A set, because every update is looked up in it: an item with a long trail of
    // corrections would otherwise cost the square of its updates.
    let superseded: HashSet<UpdateId> = updates
        .iter()
        .filter(|u| known(u))
        .filter_map(|u| u.supersedes)
        .collect();
    let mut visible: Vec<&Update> = updates
        .iter()
        .filter(|u| u.as_of <= as_at && known(u) && !superseded.contains(&u.id))
        .collect();
    visible.sort_by_key(|u| (u.entered_at, u.id));
    visible
}

/// The latest update: the newest as-of date, and of those the last entered.
pub fn latest_update<'a>(visible: &[&'a Update]) -> Option<&'a Update> {
    visible
        .iter()
        .copied()
        .max_by_key(|u| (u.as_of, u.entered_at, u.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn update(id: i64, as_of: (i32, u32, u32), entered_day: u32, text: &str) -> Update {
        Update {
            id: UpdateId(id),
            item: ItemId(1),
            as_of: NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap(),
            entered_at: Utc.with_ymd_and_hms(2015, 2, entered_day, 9, 0, 0).unwrap(),
            author_person: None,
            author_post: None,
            text: text.into(),
            proposed_rag: None,
            supersedes: None,
        }
    }

    #[test]
    fn latest_is_by_as_of_date_not_entry_order() {
        let updates = vec![
            update(1, (2014, 11, 21), 1, "first"),
            update(2, (2015, 1, 23), 2, "newest"),
            update(3, (2015, 1, 8), 3, "entered last but older"),
        ];
        let as_at = NaiveDate::from_ymd_opt(2015, 2, 1).unwrap();
        let visible = visible_updates(&updates, as_at, None);
        assert_eq!(visible.len(), 3);
        assert_eq!(latest_update(&visible).unwrap().text, "newest");
    }

    #[test]
    fn as_at_hides_later_updates_and_corrections_replace_entries() {
        let mut correction = update(3, (2015, 1, 23), 5, "corrected");
        correction.supersedes = Some(UpdateId(2));
        let updates = vec![
            update(1, (2014, 11, 21), 1, "first"),
            update(2, (2015, 1, 23), 2, "typo"),
            correction,
        ];
        let december = NaiveDate::from_ymd_opt(2014, 12, 31).unwrap();
        let texts: Vec<_> = visible_updates(&updates, december, None)
            .iter()
            .map(|u| u.text.as_str())
            .collect();
        assert_eq!(texts, vec!["first"]);

        let february = NaiveDate::from_ymd_opt(2015, 2, 28).unwrap();
        let texts: Vec<_> = visible_updates(&updates, february, None)
            .iter()
            .map(|u| u.text.as_str())
            .collect();
        assert_eq!(texts, vec!["first", "corrected"]);

        // Known as at the 3rd of February: the correction had not been entered yet.
        let known = Utc.with_ymd_and_hms(2015, 2, 3, 0, 0, 0).unwrap();
        let texts: Vec<_> = visible_updates(&updates, february, Some(known))
            .iter()
            .map(|u| u.text.as_str())
            .collect();
        assert_eq!(texts, vec!["first", "typo"]);
    }
}
