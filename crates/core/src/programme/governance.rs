//! A programme's standing facts: who takes part, its boards, its costs and its rule for
//! sharing savings back, as the store keeps them.

use chrono::NaiveDate;

use crate::ids::{ItemId, OrgId};
use crate::indicator::FinancialYear;
use crate::programme::apportion::{ExternalShare, ShareMethod};
use crate::programme::savings::SavingsRule;

/// An organisation taking part in a programme, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub org: OrgId,
    /// The programme's lead organisation (its plan's owner).
    pub is_lead: bool,
    /// The first day it took part, where it joined after the programme began.
    pub joined_on: Option<NaiveDate>,
    /// The last day it took part, where it has left.
    pub left_on: Option<NaiveDate>,
}

impl Participant {
    /// Whether it takes part at some point of `year`.
    pub fn takes_part_in(&self, year: FinancialYear) -> bool {
        self.joined_on.is_none_or(|d| d <= year.end_date())
            && self.left_on.is_none_or(|d| d >= year.start_date())
    }

    /// Whether it takes part on the first day of `year`.
    pub fn at_start_of(&self, year: FinancialYear) -> bool {
        let start = year.start_date();
        self.joined_on.is_none_or(|d| d <= start) && self.left_on.is_none_or(|d| d >= start)
    }
}

/// A board that governs the programme, and who sits on it, by post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    /// "Collaboration Board".
    pub name: String,
    /// How often it meets, as written: "five times a year".
    pub meets: Option<String>,
    /// Posts: "Chief Constable", "Police Authority Chair".
    pub members: Vec<String>,
}

/// A cost of the programme or one of its projects, to be shared among the participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeCost {
    /// `None`: the programme's own (its central team).
    pub project: Option<ItemId>,
    pub label: String,
    pub year: FinancialYear,
    pub total: i64,
    pub method: ShareMethod,
    pub external: Option<ExternalShare>,
}

/// The programme's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeSettings {
    pub savings_rule: SavingsRule,
    pub governance: Vec<Board>,
}

impl Default for ProgrammeSettings {
    fn default() -> Self {
        ProgrammeSettings {
            savings_rule: SavingsRule::AsCostShared,
            governance: Vec::new(),
        }
    }
}
