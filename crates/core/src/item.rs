//! The fields of an item: one node of a plan's tree (aim, objective, recommendation, action,
//! project, milestone). Every change to these fields is kept as a dated version; see `history`.

use chrono::NaiveDate;

use crate::date::FlexDate;
use crate::ids::ItemId;
use crate::rag::Rag;

/// A tag from a taxonomy: APACS category "Promoting safety", PSA "23", project area
/// "Protective services".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    pub taxonomy: String,
    pub value: String,
}

/// Government Security Classifications as forces apply them to plan content. Ordered from
/// least to most sensitive, so a ceiling is a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Marking {
    #[default]
    Official,
    OfficialSensitive,
    /// Recognised so that an import can refuse it: SECRET material needs an accredited system,
    /// and Waymark never holds it.
    Secret,
}

impl Marking {
    pub fn parse(word: &str) -> Option<Marking> {
        match word
            .trim()
            .trim_matches(['(', ')', '[', ']'])
            .trim()
            .to_ascii_uppercase()
            .replace(['-', '_'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
        {
            "OFFICIAL" => Some(Marking::Official),
            "OFFICIAL SENSITIVE" => Some(Marking::OfficialSensitive),
            "SECRET" => Some(Marking::Secret),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Marking::Official => "OFFICIAL",
            Marking::OfficialSensitive => "OFFICIAL-SENSITIVE",
            Marking::Secret => "SECRET",
        }
    }

    /// The markings Waymark holds, least sensitive first, for forms and ceilings.
    pub const HELD: [Marking; 2] = [Marking::Official, Marking::OfficialSensitive];
}

/// A handling descriptor added to OFFICIAL-SENSITIVE to say why it is sensitive, after the
/// Government Security Classifications: "OFFICIAL-SENSITIVE PERSONAL".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Descriptor {
    Personal,
    Commercial,
    /// Locally sensitive: material whose release would harm a particular place.
    LocSen,
}

impl Descriptor {
    pub const ALL: [Descriptor; 3] = [
        Descriptor::Personal,
        Descriptor::Commercial,
        Descriptor::LocSen,
    ];

    pub fn parse(word: &str) -> Option<Descriptor> {
        match word
            .trim()
            .trim_matches(['[', ']', '(', ')'])
            .to_ascii_uppercase()
            .as_str()
        {
            "PERSONAL" => Some(Descriptor::Personal),
            "COMMERCIAL" => Some(Descriptor::Commercial),
            "LOCSEN" => Some(Descriptor::LocSen),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Descriptor::Personal => "PERSONAL",
            Descriptor::Commercial => "COMMERCIAL",
            Descriptor::LocSen => "LOCSEN",
        }
    }
}

/// A protective marking with its optional handling descriptor. Sensitivity is the marking's;
/// the descriptor says why and how to handle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Classification {
    pub marking: Marking,
    pub descriptor: Option<Descriptor>,
}

impl Classification {
    pub const OFFICIAL: Classification = Classification {
        marking: Marking::Official,
        descriptor: None,
    };

    pub fn new(marking: Marking) -> Classification {
        Classification {
            marking,
            descriptor: None,
        }
    }

    /// Reads a marking as people write it: "OFFICIAL", "Official-Sensitive",
    /// "OFFICIAL-SENSITIVE PERSONAL", "OFFICIAL-SENSITIVE [COMMERCIAL]", "(OFFICIAL)". A
    /// descriptor is only allowed on OFFICIAL-SENSITIVE.
    pub fn parse(text: &str) -> Option<Classification> {
        let cleaned = text.trim().trim_matches(['(', ')']).trim();
        if let Some(marking) = Marking::parse(cleaned) {
            return Some(Classification::new(marking));
        }
        let (head, tail) = cleaned.rsplit_once([' ', '[', '-'])?;
        let descriptor = Descriptor::parse(tail)?;
        let marking = Marking::parse(head.trim_end_matches(['[', ' ', '-', ':']))?;
        (marking == Marking::OfficialSensitive).then_some(Classification {
            marking,
            descriptor: Some(descriptor),
        })
    }

    /// "OFFICIAL-SENSITIVE PERSONAL", as banners, headers and the store write it.
    pub fn label(&self) -> String {
        match self.descriptor {
            Some(descriptor) => format!("{} {}", self.marking.label(), descriptor.label()),
            None => self.marking.label().to_string(),
        }
    }

    /// The more sensitive of two classifications; on a tie of markings, the one with a
    /// descriptor, so a banner never drops a handling instruction.
    pub fn max(self, other: Classification) -> Classification {
        match self.marking.cmp(&other.marking) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal if self.descriptor.is_none() => other,
            std::cmp::Ordering::Equal => self,
        }
    }
}

impl std::fmt::Display for Classification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// Everything about an item that can change over time. A version of an item is one complete
/// set of these fields, in force from its effective date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemFields {
    pub parent: Option<ItemId>,
    /// Order among siblings, as in the source document.
    pub position: i64,
    /// The reference as users write it: "1.1a", "5.3", "pg 54 paragraph 3.41". Not unique.
    pub reference: Option<String>,
    pub text: String,
    pub description: Option<String>,
    pub strategic_lead: Option<String>,
    /// Owner posts, several allowed.
    pub owners: Vec<String>,
    pub start: Option<FlexDate>,
    pub due: Option<FlexDate>,
    /// A due date written as words that name no day ("TBC", "When funding allows"), kept as
    /// written beside the missing-due-date flag. Only where `due` is `None`.
    pub due_words: Option<String>,
    pub complete: bool,
    pub completed_on: Option<NaiveDate>,
    /// The RAG the owner set; `None` is not assessed.
    pub rag: Option<Rag>,
    pub tags: Vec<Tag>,
    /// The item's own marking; `None` is the plan's. An item is at least as sensitive as its
    /// plan and its parents (see `access::effective_markings`).
    pub marking: Option<Classification>,
    /// Archived items are kept with their history but are no longer part of the plan from the
    /// version's effective date: nothing is ever deleted.
    pub archived: bool,
}

impl ItemFields {
    /// The RAG to show: Blue once complete, otherwise what the owner set.
    pub fn shown_rag(&self) -> Option<Rag> {
        if self.complete {
            Some(Rag::Blue)
        } else {
            self.rag
        }
    }

    /// The due date as the owner wrote it: the day (or the period's words), else the words
    /// that name no day ("TBC"), else nothing.
    pub fn due_as_written(&self) -> Option<String> {
        match &self.due {
            Some(due) => Some(due.to_string()),
            None => self.due_words.clone(),
        }
    }

    /// Names of the fields that differ between two versions, for history and import reports.
    pub fn changed_fields(&self, other: &ItemFields) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |name, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        check("parent", self.parent != other.parent);
        check("reference", self.reference != other.reference);
        check("text", self.text != other.text);
        check("description", self.description != other.description);
        check(
            "strategic_lead",
            self.strategic_lead != other.strategic_lead,
        );
        check("owners", self.owners != other.owners);
        check("start", self.start != other.start);
        check(
            "due",
            self.due != other.due || self.due_words != other.due_words,
        );
        check("complete", self.complete != other.complete);
        check("completed_on", self.completed_on != other.completed_on);
        check("rag", self.rag != other.rag);
        check("tags", self.tags != other.tags);
        check("marking", self.marking != other.marking);
        check("archived", self.archived != other.archived);
        check("position", self.position != other.position);
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_items_show_blue() {
        let mut fields = ItemFields {
            rag: Some(Rag::Amber),
            ..ItemFields::default()
        };
        assert_eq!(fields.shown_rag(), Some(Rag::Amber));
        fields.complete = true;
        assert_eq!(fields.shown_rag(), Some(Rag::Blue));
    }

    #[test]
    fn changed_fields_names_each_difference() {
        let before = ItemFields {
            text: "Review".into(),
            rag: Some(Rag::Green),
            ..ItemFields::default()
        };
        let after = ItemFields {
            text: "Review".into(),
            rag: Some(Rag::Red),
            owners: vec!["Head of Crime".into()],
            ..ItemFields::default()
        };
        assert_eq!(before.changed_fields(&after), vec!["owners", "rag"]);
        assert!(before.changed_fields(&before).is_empty());
    }

    #[test]
    fn markings_parse_with_either_separator() {
        assert_eq!(
            Marking::parse("official-sensitive"),
            Some(Marking::OfficialSensitive)
        );
        assert_eq!(
            Marking::parse("OFFICIAL SENSITIVE"),
            Some(Marking::OfficialSensitive)
        );
        assert_eq!(Marking::parse("restricted"), None);
        assert_eq!(Marking::parse("(OFFICIAL)"), Some(Marking::Official));
    }

    #[test]
    fn classifications_read_descriptors_and_order_by_marking() {
        let personal = Classification::parse("OFFICIAL-SENSITIVE PERSONAL").unwrap();
        assert_eq!(personal.marking, Marking::OfficialSensitive);
        assert_eq!(personal.descriptor, Some(Descriptor::Personal));
        assert_eq!(personal.label(), "OFFICIAL-SENSITIVE PERSONAL");
        assert_eq!(
            Classification::parse("Official-Sensitive [Commercial]")
                .unwrap()
                .label(),
            "OFFICIAL-SENSITIVE COMMERCIAL"
        );
        assert_eq!(
            Classification::parse("(OFFICIAL)"),
            Some(Classification::OFFICIAL)
        );
        assert_eq!(
            Classification::parse("OFFICIAL PERSONAL"),
            None,
            "descriptors need -SENSITIVE"
        );
        assert_eq!(Classification::parse("TOP SECRET"), None);
        let sensitive = Classification::new(Marking::OfficialSensitive);
        assert_eq!(Classification::OFFICIAL.max(sensitive), sensitive);
        assert_eq!(sensitive.max(personal), personal);
        assert_eq!(personal.max(sensitive), personal);
        for c in [Classification::OFFICIAL, sensitive, personal] {
            assert_eq!(Classification::parse(&c.label()), Some(c), "{c}");
        }
    }
}
