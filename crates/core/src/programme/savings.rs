//! Benefits: cashable and non-cashable savings, one-off or recurring, planned and realised, by
//! year, project and organisation; the savings target and progress against it; and how
//! realised savings are shared back to the participants by a stated rule (seed 002 asks "the
//! extent to which any savings should be shared between participating forces").
//!
//! A recurring saving counts in the year it starts and every year after (until the year it is
//! said to end); a one-off saving counts only in its own year, never again the next.

use crate::ids::{ItemId, OrgId};
use crate::indicator::FinancialYear;
use crate::programme::funding::Recurrence;

/// Whether a saving releases money that can be spent elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SavingKind {
    Cashable,
    /// Time, capacity or avoided cost: valued, but no money released.
    NonCashable,
}

impl SavingKind {
    pub fn parse(word: &str) -> Option<SavingKind> {
        let lower = word.trim().to_lowercase().replace(['-', '_'], " ");
        if lower.starts_with("non") {
            Some(SavingKind::NonCashable)
        } else if lower.starts_with("cash") {
            Some(SavingKind::Cashable)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SavingKind::Cashable => "cashable",
            SavingKind::NonCashable => "non-cashable",
        }
    }
}

/// Whether a saving is still planned or has been realised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SavingStage {
    Planned,
    Realised,
}

impl SavingStage {
    pub fn parse(word: &str) -> Option<SavingStage> {
        match word.trim().to_lowercase().as_str() {
            "planned" | "plan" | "forecast" | "target" | "expected" | "identified" => {
                Some(SavingStage::Planned)
            }
            "realised" | "realized" | "actual" | "achieved" | "delivered" => {
                Some(SavingStage::Realised)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SavingStage::Planned => "planned",
            SavingStage::Realised => "realised",
        }
    }
}

/// One saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saving {
    pub project: Option<ItemId>,
    /// The organisation where it falls; `None` for the programme as a whole.
    pub org: Option<OrgId>,
    pub kind: SavingKind,
    pub recurrence: Recurrence,
    pub stage: SavingStage,
    /// The year it first counts in.
    pub year: FinancialYear,
    /// For a recurring saving, the last year it counts in; `None` is every year after.
    pub until: Option<FinancialYear>,
    /// Pence a year.
    pub amount: i64,
}

impl Saving {
    /// Whether the saving counts in `year`: a one-off only in its own year, a recurring one
    /// from its year to its last.
    pub fn counts_in(&self, year: FinancialYear) -> bool {
        match self.recurrence {
            Recurrence::OneOff => self.year == year,
            Recurrence::Recurring => {
                year >= self.year && self.until.is_none_or(|last| year <= last)
            }
        }
    }
}

/// The savings counted in one year, by kind and stage, in pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SavingsInYear {
    pub cashable_planned: i64,
    pub cashable_realised: i64,
    pub non_cashable_planned: i64,
    pub non_cashable_realised: i64,
}

/// Sums the savings counted in `year`.
pub fn savings_in_year<'a>(
    savings: impl IntoIterator<Item = &'a Saving>,
    year: FinancialYear,
) -> SavingsInYear {
    let mut totals = SavingsInYear::default();
    for saving in savings.into_iter().filter(|s| s.counts_in(year)) {
        let slot = match (saving.kind, saving.stage) {
            (SavingKind::Cashable, SavingStage::Planned) => &mut totals.cashable_planned,
            (SavingKind::Cashable, SavingStage::Realised) => &mut totals.cashable_realised,
            (SavingKind::NonCashable, SavingStage::Planned) => &mut totals.non_cashable_planned,
            (SavingKind::NonCashable, SavingStage::Realised) => &mut totals.non_cashable_realised,
        };
        *slot = slot.saturating_add(saving.amount);
    }
    totals
}

/// Progress of a year's cashable savings against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavingsProgress {
    pub target: Option<i64>,
    pub realised: i64,
    pub planned: i64,
    /// Realised as hundredths of a percent of the target, rounded down; `None` with no target.
    pub realised_percent: Option<i64>,
    /// Whether realised savings meet the target.
    pub met: Option<bool>,
}

/// Cashable savings realised and planned in `year` against `target` pence. Seed 003's team
/// must "identify potential cashable efficiency savings year on year at least equivalent to
/// the team's net budget": its target is its cost, met at equality.
pub fn progress_against_target(totals: SavingsInYear, target: Option<i64>) -> SavingsProgress {
    let realised = totals.cashable_realised;
    SavingsProgress {
        target,
        realised,
        planned: totals.cashable_planned,
        realised_percent: target.filter(|t| *t > 0).map(|t| {
            i64::try_from(i128::from(realised) * 10_000 / i128::from(t)).unwrap_or(i64::MAX)
        }),
        met: target.map(|t| realised >= t),
    }
}

/// How realised cashable savings are shared back among the participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavingsRule {
    /// In the same proportions as the programme's cost is shared.
    AsCostShared,
    Equal,
    /// Each saving stays with the organisation where it falls (the programme's own are
    /// shared as the cost is).
    WhereRealised,
    /// To the project's lead organisation.
    ToLead,
}

impl SavingsRule {
    pub fn parse(word: &str) -> Option<SavingsRule> {
        let lower = word.trim().to_lowercase();
        if lower.contains("equal") {
            Some(SavingsRule::Equal)
        } else if lower.contains("lead") {
            Some(SavingsRule::ToLead)
        } else if lower.contains("where") || lower.contains("realis") || lower.contains("falls") {
            Some(SavingsRule::WhereRealised)
        } else if lower.contains("cost") || lower.contains("proportion") || lower.contains("grant")
        {
            Some(SavingsRule::AsCostShared)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SavingsRule::AsCostShared => "as-cost-shared",
            SavingsRule::Equal => "equal",
            SavingsRule::WhereRealised => "where-realised",
            SavingsRule::ToLead => "to-lead",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            SavingsRule::AsCostShared => "In the proportions the programme's cost is shared",
            SavingsRule::Equal => "Equally between the participants",
            SavingsRule::WhereRealised => "To the organisation where each saving falls",
            SavingsRule::ToLead => "To the lead organisation of each project",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    fn saving(recurrence: Recurrence, stage: SavingStage, amount: i64) -> Saving {
        Saving {
            project: None,
            org: None,
            kind: SavingKind::Cashable,
            recurrence,
            stage,
            year: year(2009),
            until: None,
            amount,
        }
    }

    #[test]
    fn a_one_off_saving_is_never_counted_again_the_next_year() {
        let savings = vec![
            saving(Recurrence::OneOff, SavingStage::Realised, 500),
            saving(Recurrence::Recurring, SavingStage::Realised, 1_000),
            saving(Recurrence::Recurring, SavingStage::Planned, 2_000),
        ];
        let this = savings_in_year(&savings, year(2009));
        assert_eq!(this.cashable_realised, 1_500);
        let next = savings_in_year(&savings, year(2010));
        assert_eq!(next.cashable_realised, 1_000);
        assert_eq!(next.cashable_planned, 2_000);
        assert_eq!(
            savings_in_year(&savings, year(2008)),
            SavingsInYear::default()
        );
    }

    #[test]
    fn progress_is_met_at_the_target_exactly() {
        let totals = SavingsInYear {
            cashable_realised: 120_000_000,
            ..Default::default()
        };
        let progress = progress_against_target(totals, Some(120_000_000));
        assert_eq!(progress.met, Some(true));
        assert_eq!(progress.realised_percent, Some(10_000));
        let short = progress_against_target(
            SavingsInYear {
                cashable_realised: 119_999_999,
                ..Default::default()
            },
            Some(120_000_000),
        );
        assert_eq!(short.met, Some(false));
        assert_eq!(short.realised_percent, Some(9_999));
        assert_eq!(progress_against_target(totals, None).met, None);
    }

    #[test]
    fn words_for_savings() {
        assert_eq!(
            SavingKind::parse("Non-cashable"),
            Some(SavingKind::NonCashable)
        );
        assert_eq!(SavingKind::parse("cashable"), Some(SavingKind::Cashable));
        assert_eq!(SavingStage::parse("Realised"), Some(SavingStage::Realised));
        assert_eq!(
            SavingsRule::parse("in proportion to grant"),
            Some(SavingsRule::AsCostShared)
        );
    }
}
