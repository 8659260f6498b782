//! Funding lines (who pays what towards a project or the programme, in which year) and their
//! totals by year and by source. An amount not known yet stays unknown: it is counted as an
//! unknown cell beside the known pence, never added in as zero.

use std::collections::BTreeMap;

use crate::ids::ItemId;
use crate::indicator::FinancialYear;

/// Whether an amount comes once or every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Recurrence {
    #[default]
    OneOff,
    Recurring,
}

impl Recurrence {
    pub fn parse(word: &str) -> Option<Recurrence> {
        let lower = word.trim().to_lowercase().replace(['-', '_'], " ");
        match lower.as_str() {
            "one off" | "oneoff" | "once" | "non recurring" | "one time" | "single" => {
                Some(Recurrence::OneOff)
            }
            "recurring" | "recurrent" | "annual" | "ongoing" | "every year" | "per year" | "pa"
            | "yearly" => Some(Recurrence::Recurring),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::OneOff => "one-off",
            Recurrence::Recurring => "recurring",
        }
    }
}

/// Whether funding has been agreed or is still hoped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Certainty {
    #[default]
    Secured,
    Expected,
}

impl Certainty {
    pub fn parse(word: &str) -> Option<Certainty> {
        match word.trim().to_lowercase().as_str() {
            "secured" | "agreed" | "confirmed" | "awarded" | "received" => Some(Certainty::Secured),
            "expected" | "bid" | "bidding" | "applied" | "anticipated" | "possible" | "pending" => {
                Some(Certainty::Expected)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Secured => "secured",
            Certainty::Expected => "expected",
        }
    }
}

/// One line of funding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingLine {
    /// The project funded; `None` for the programme as a whole.
    pub project: Option<ItemId>,
    /// "Home Office", "Forces", "NPIA".
    pub source: String,
    pub year: FinancialYear,
    /// Pence; `None` where the amount is not known ("xxx", "tbc").
    pub amount: Option<i64>,
    /// The cell as written, where the amount came from one.
    pub written: Option<String>,
    pub recurrence: Recurrence,
    pub certainty: Certainty,
}

/// A year's (or a source's) funding: the pence known, and how many amounts are not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FundingTotal {
    pub known_pence: i64,
    pub unknown_count: usize,
    /// Of `known_pence`, the part still only expected.
    pub expected_pence: i64,
    pub lines: usize,
}

impl FundingTotal {
    fn add(&mut self, line: &FundingLine) {
        self.lines += 1;
        match line.amount {
            Some(pence) => {
                self.known_pence += pence;
                if line.certainty == Certainty::Expected {
                    self.expected_pence += pence;
                }
            }
            None => self.unknown_count += 1,
        }
    }

    /// Whether the total is complete: no amount in it is unknown.
    pub fn is_complete(&self) -> bool {
        self.unknown_count == 0
    }
}

/// Funding totals by year, earliest first.
pub fn funding_by_year<'a>(
    lines: impl IntoIterator<Item = &'a FundingLine>,
) -> BTreeMap<FinancialYear, FundingTotal> {
    let mut totals: BTreeMap<FinancialYear, FundingTotal> = BTreeMap::new();
    for line in lines {
        totals.entry(line.year).or_default().add(line);
    }
    totals
}

/// Funding totals by source for one year (or every year with `None`), by source name.
pub fn funding_by_source<'a>(
    lines: impl IntoIterator<Item = &'a FundingLine>,
    year: Option<FinancialYear>,
) -> BTreeMap<String, FundingTotal> {
    let mut totals: BTreeMap<String, FundingTotal> = BTreeMap::new();
    for line in lines {
        if year.is_none_or(|y| y == line.year) {
            totals.entry(line.source.clone()).or_default().add(line);
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(year: i32, amount: Option<i64>, source: &str) -> FundingLine {
        FundingLine {
            project: None,
            source: source.into(),
            year: FinancialYear::starting(year).unwrap(),
            amount,
            written: None,
            recurrence: Recurrence::OneOff,
            certainty: Certainty::Secured,
        }
    }

    #[test]
    fn unknown_amounts_are_counted_not_added_as_zero() {
        let lines = vec![
            line(2006, Some(50_000_000), "Home Office"),
            line(2006, None, "Home Office"),
            line(2007, None, "Forces"),
            line(2007, Some(131_000_000), "Forces"),
        ];
        let by_year = funding_by_year(&lines);
        let first = by_year[&FinancialYear::starting(2006).unwrap()];
        assert_eq!((first.known_pence, first.unknown_count), (50_000_000, 1));
        assert!(!first.is_complete());
        let by_source = funding_by_source(&lines, FinancialYear::starting(2007).ok());
        assert_eq!(by_source["Forces"].known_pence, 131_000_000);
        assert_eq!(by_source["Forces"].unknown_count, 1);
        assert!(!by_source.contains_key("Home Office"));
    }

    #[test]
    fn words_for_recurrence_and_certainty() {
        assert_eq!(Recurrence::parse("One-off"), Some(Recurrence::OneOff));
        assert_eq!(Recurrence::parse("recurring"), Some(Recurrence::Recurring));
        assert_eq!(Certainty::parse("Expected"), Some(Certainty::Expected));
        assert_eq!(Certainty::parse("secured"), Some(Certainty::Secured));
    }
}
