//! Data-quality flags on actions, computed "as at" a day: what contradicts the RAG an owner set.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::ids::ItemId;
use crate::item::ItemFields;
use crate::plan::UpdateCycle;
use crate::update::Update;

/// A reason to look at an item again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// Past its due date and not complete.
    Overdue,
    /// An action with no due date: its timescale is unknown.
    NoDueDate,
    /// No update within the plan's update cycle.
    Stale,
    /// An update dated before the update entered before it.
    UpdateOutOfOrder,
    /// The same update text appears on several items.
    DuplicateUpdateText,
}

impl Flag {
    pub const ALL: [Flag; 5] = [
        Flag::Overdue,
        Flag::NoDueDate,
        Flag::Stale,
        Flag::UpdateOutOfOrder,
        Flag::DuplicateUpdateText,
    ];

    /// The snake_case name used in the API, the CLI and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Overdue => "overdue",
            Flag::NoDueDate => "no_due_date",
            Flag::Stale => "stale",
            Flag::UpdateOutOfOrder => "update_out_of_order",
            Flag::DuplicateUpdateText => "duplicate_update_text",
        }
    }

    pub fn from_name(name: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|flag| flag.name() == name)
    }

    /// The words shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Flag::Overdue => "Overdue",
            Flag::NoDueDate => "No due date",
            Flag::Stale => "No recent update",
            Flag::UpdateOutOfOrder => "Update out of order",
            Flag::DuplicateUpdateText => "Update text repeated on other items",
        }
    }
}

/// What the flags need to know about one item as at the day in question.
#[derive(Debug, Clone)]
pub struct FlagSubject<'a> {
    pub item: ItemId,
    pub fields: &'a ItemFields,
    /// The day the item came into existence (its earliest version).
    pub exists_from: NaiveDate,
    /// Whether the item has children; parents are judged by their actions, not themselves.
    pub has_children: bool,
    /// Its updates visible as at the day, in entry order.
    pub updates: Vec<&'a Update>,
}

/// Texts shorter than this are too generic ("No update") to call a copy-and-paste.
const DUPLICATE_TEXT_MIN_CHARS: usize = 20;

/// The flags of each subject as at `as_at`, in the order of `subjects`.
pub fn flags_as_at(
    subjects: &[FlagSubject<'_>],
    cycle: UpdateCycle,
    as_at: NaiveDate,
) -> Vec<Vec<Flag>> {
    let duplicated = items_sharing_update_text(subjects);
    subjects
        .iter()
        .map(|subject| {
            let mut flags = Vec::new();
            let fields = subject.fields;
            let is_action = !subject.has_children;
            if !fields.complete {
                match &fields.due {
                    Some(due) if due.date < as_at => flags.push(Flag::Overdue),
                    None if is_action => flags.push(Flag::NoDueDate),
                    _ => {}
                }
                if is_action && is_stale(subject, cycle, as_at) {
                    flags.push(Flag::Stale);
                }
            }
            if subject
                .updates
                .windows(2)
                .any(|pair| pair[1].as_of < pair[0].as_of)
            {
                flags.push(Flag::UpdateOutOfOrder);
            }
            if duplicated.contains(&subject.item) {
                flags.push(Flag::DuplicateUpdateText);
            }
            flags
        })
        .collect()
}

/// Normalises update text for comparison: case, spacing and trailing punctuation don't matter.
pub fn normalise_text(text: &str) -> String {
    // One buffer rather than a word list, a joined copy and a lowercased copy: every plan view
    // normalises every update's text.
    let mut joined = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    let kept = joined.trim_end_matches(['.', ' ']).len();
    joined.truncate(kept);
    if joined.is_ascii() {
        joined.make_ascii_lowercase();
        joined
    } else {
        joined.to_lowercase()
    }
}

fn is_stale(subject: &FlagSubject<'_>, cycle: UpdateCycle, as_at: NaiveDate) -> bool {
    let window_start = cycle.window_start(as_at);
    match subject.updates.iter().map(|u| u.as_of).max() {
        Some(latest) => latest < window_start,
        None => subject.exists_from < window_start,
    }
}

/// The items with an update whose text another item's update has too. One entry per distinct
/// text (its first item, and whether a second item has it), so a plan's check grows with its
/// updates, however many items share a text.
fn items_sharing_update_text(subjects: &[FlagSubject<'_>]) -> HashSet<ItemId> {
    let mut first_by_text: HashMap<String, (ItemId, bool)> = HashMap::new();
    let mut sharing: HashSet<ItemId> = HashSet::new();
    for subject in subjects {
        for update in &subject.updates {
            let text = normalise_text(&update.text);
            if text.chars().count() < DUPLICATE_TEXT_MIN_CHARS {
                continue;
            }
            match first_by_text.entry(text) {
                Entry::Occupied(mut seen) => {
                    let (first, shared) = seen.get_mut();
                    if *first != subject.item {
                        *shared = true;
                        sharing.insert(subject.item);
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert((subject.item, false));
                }
            }
        }
    }
    sharing.extend(
        first_by_text
            .into_values()
            .filter(|(_, shared)| *shared)
            .map(|(first, _)| first),
    );
    sharing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::FlexDate;
    use crate::ids::UpdateId;
    use chrono::{TimeZone, Utc};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn update(id: i64, item: i64, as_of: NaiveDate, text: &str) -> Update {
        Update {
            id: UpdateId(id),
            item: ItemId(item),
            as_of,
            entered_at: Utc.with_ymd_and_hms(2015, 2, 1, 0, 0, id as u32).unwrap(),
            author_person: None,
            author_post: None,
            text: text.into(),
            proposed_rag: None,
            supersedes: None,
        }
    }

    fn fields(due: Option<NaiveDate>, complete: bool) -> ItemFields {
        ItemFields {
            text: "Action".into(),
            due: due.map(FlexDate::exact),
            complete,
            ..ItemFields::default()
        }
    }

    #[test]
    fn overdue_no_due_date_and_stale_follow_the_day_asked_about() {
        let due_march = fields(Some(day(2015, 3, 31)), false);
        let no_due = fields(None, false);
        let done = fields(Some(day(2014, 12, 31)), true);
        let u1 = update(
            1,
            1,
            day(2015, 1, 8),
            "Recruitment of the Crime Reduction Manager is under way.",
        );
        let subjects = vec![
            FlagSubject {
                item: ItemId(1),
                fields: &due_march,
                exists_from: day(2014, 11, 1),
                has_children: false,
                updates: vec![&u1],
            },
            FlagSubject {
                item: ItemId(2),
                fields: &no_due,
                exists_from: day(2014, 11, 1),
                has_children: false,
                updates: vec![],
            },
            FlagSubject {
                item: ItemId(3),
                fields: &done,
                exists_from: day(2014, 11, 1),
                has_children: false,
                updates: vec![],
            },
        ];
        let january = flags_as_at(&subjects, UpdateCycle::Monthly, day(2015, 1, 31));
        assert_eq!(january[0], vec![]);
        assert_eq!(january[1], vec![Flag::NoDueDate, Flag::Stale]);
        assert_eq!(january[2], vec![]);

        let april = flags_as_at(&subjects, UpdateCycle::Monthly, day(2015, 4, 1));
        assert_eq!(april[0], vec![Flag::Overdue, Flag::Stale]);
        // Quarterly plans tolerate a longer silence.
        let april_quarterly = flags_as_at(&subjects, UpdateCycle::Quarterly, day(2015, 4, 1));
        assert_eq!(april_quarterly[0], vec![Flag::Overdue]);
    }

    #[test]
    fn out_of_order_entries_and_pasted_text_are_flagged() {
        let plain = fields(Some(day(2015, 9, 1)), false);
        let pasted = "BTP has been in contact with the College of Policing. No response has been received to date.";
        let a1 = update(1, 1, day(2015, 1, 23), "Unlikely to be in place by March.");
        let a2 = update(
            2,
            1,
            day(2015, 1, 8),
            "Ownership is moving to Crime Reduction.",
        );
        let b1 = update(3, 2, day(2015, 1, 20), pasted);
        let c1 = update(
            4,
            3,
            day(2015, 1, 20),
            &format!("  {}", pasted.to_uppercase()),
        );
        let subjects = vec![
            FlagSubject {
                item: ItemId(1),
                fields: &plain,
                exists_from: day(2015, 1, 1),
                has_children: false,
                updates: vec![&a1, &a2],
            },
            FlagSubject {
                item: ItemId(2),
                fields: &plain,
                exists_from: day(2015, 1, 1),
                has_children: false,
                updates: vec![&b1],
            },
            FlagSubject {
                item: ItemId(3),
                fields: &plain,
                exists_from: day(2015, 1, 1),
                has_children: false,
                updates: vec![&c1],
            },
        ];
        let flags = flags_as_at(&subjects, UpdateCycle::Quarterly, day(2015, 2, 1));
        assert_eq!(flags[0], vec![Flag::UpdateOutOfOrder]);
        assert_eq!(flags[1], vec![Flag::DuplicateUpdateText]);
        assert_eq!(flags[2], vec![Flag::DuplicateUpdateText]);
    }

    #[test]
    fn parents_are_not_flagged_for_missing_dates_or_silence() {
        let parent = fields(None, false);
        let subjects = vec![FlagSubject {
            item: ItemId(1),
            fields: &parent,
            exists_from: day(2014, 1, 1),
            has_children: true,
            updates: vec![],
        }];
        assert!(flags_as_at(&subjects, UpdateCycle::Monthly, day(2015, 1, 1))[0].is_empty());
    }

    #[test]
    fn names_round_trip() {
        for flag in Flag::ALL {
            assert_eq!(Flag::from_name(flag.name()), Some(flag));
        }
    }

    proptest::proptest! {
        /// Items sharing a text are those of every text on two items or more, as defined.
        #[test]
        fn items_sharing_a_text_are_found_as_defined(
            updates in proptest::collection::vec((1i64..8, 0usize..4), 0..40)
        ) {
            const TEXTS: [&str; 4] = [
                "Meeting held with partners to agree the plan",
                "MEETING HELD WITH PARTNERS TO AGREE THE PLAN.",
                "No update this period, work continues",
                "Ongoing",
            ];
            let stored: Vec<Update> = updates
                .iter()
                .enumerate()
                .map(|(n, (item, text))| update(n as i64, *item, day(2015, 1, 1), TEXTS[*text]))
                .collect();
            let plain = fields(None, false);
            let subjects: Vec<FlagSubject<'_>> = (1..8)
                .map(|item| FlagSubject {
                    item: ItemId(item),
                    fields: &plain,
                    exists_from: day(2015, 1, 1),
                    has_children: false,
                    updates: stored.iter().filter(|u| u.item == ItemId(item)).collect(),
                })
                .collect();
            let mut items_by_text: HashMap<String, HashSet<ItemId>> = HashMap::new();
            for update in &stored {
                let text = normalise_text(&update.text);
                if text.chars().count() >= DUPLICATE_TEXT_MIN_CHARS {
                    items_by_text.entry(text).or_default().insert(update.item);
                }
            }
            let defined: HashSet<ItemId> = items_by_text
                .into_values()
                .filter(|items| items.len() > 1)
                .flatten()
                .collect();
            proptest::prop_assert_eq!(items_sharing_update_text(&subjects), defined);
        }

        /// The one-buffer normalisation says exactly what the plain definition says.
        #[test]
        fn normalising_matches_its_definition(text in "[ \t\nA-Za-z.ÀÉΣσς0-9]{0,40}") {
            let plain = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end_matches(['.', ' '])
                .to_lowercase();
            proptest::prop_assert_eq!(normalise_text(&text), plain);
        }
    }
}
