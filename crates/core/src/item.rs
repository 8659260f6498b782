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

/// Government Security Classifications as forces apply them to plan content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Marking {
    Official,
    OfficialSensitive,
    Secret,
}

impl Marking {
    pub fn parse(word: &str) -> Option<Marking> {
        match word
            .trim()
            .to_ascii_uppercase()
            .replace(['-', '_'], " ")
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
    pub complete: bool,
    pub completed_on: Option<NaiveDate>,
    /// The RAG the owner set; `None` is not assessed.
    pub rag: Option<Rag>,
    pub tags: Vec<Tag>,
    pub marking: Option<Marking>,
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
        check("due", self.due != other.due);
        check("complete", self.complete != other.complete);
        check("completed_on", self.completed_on != other.completed_on);
        check("rag", self.rag != other.rag);
        check("tags", self.tags != other.tags);
        check("marking", self.marking != other.marking);
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
    }
}
