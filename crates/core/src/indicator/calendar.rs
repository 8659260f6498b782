//! The reporting calendar: the UK financial year (1 April to 31 March) cut into 12 months, 4
//! quarters or 13 four-week periods, and the periods users write: "Q2 2008-09", "2008-09 Q2",
//! "September 2008", "P6 2008-09" and "2008-09" for the whole year.
//!
//! The elapsed fraction of the year counts periods, not days: Q2 is exactly 1/2 and P6 exactly
//! 6/13. That is how forces pro-rata their targets (seed 004 halves £3,000,000 at the end of
//! September), and it keeps the arithmetic exact.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};

use crate::date::{MONTHS, month_name};

/// The years a financial year may start in. Bounded so that every date below is a real date and
/// no date arithmetic can overflow.
const FIRST_YEAR: i32 = 1000;
const LAST_YEAR: i32 = 9998;

/// A UK financial year, 1 April to 31 March, named by the year it starts in and written "2008-09".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    start: i32,
}

/// Why a piece of text or a number is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "\"{0}\" is not a period Waymark recognises (for example Q2 2008-09, September 2008, \
         P6 2008-09 or 2008-09)"
    )]
    Unrecognised(String),
    #[error("there is no {kind} {index} in a financial year")]
    NoSuchPeriod { kind: PeriodKind, index: u32 },
    #[error("the year {0} is outside the years Waymark handles (1000 to 9998)")]
    YearOutOfRange(i32),
}

impl FinancialYear {
    /// The financial year starting on 1 April of `start_year`.
    pub fn starting(start_year: i32) -> Result<FinancialYear, PeriodError> {
        if (FIRST_YEAR..=LAST_YEAR).contains(&start_year) {
            Ok(FinancialYear { start: start_year })
        } else {
            Err(PeriodError::YearOutOfRange(start_year))
        }
    }

    /// The financial year a day falls in: 15 January 2009 is in 2008-09.
    pub fn containing(date: NaiveDate) -> Result<FinancialYear, PeriodError> {
        let start = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FinancialYear::starting(start)
    }

    pub fn start_year(self) -> i32 {
        self.start
    }

    /// 1 April.
    pub fn start_date(self) -> NaiveDate {
        ymd(self.start, 4, 1)
    }

    /// 31 March of the following calendar year.
    pub fn end_date(self) -> NaiveDate {
        ymd(self.start + 1, 3, 31)
    }

    pub fn previous(self) -> Option<FinancialYear> {
        FinancialYear::starting(self.start - 1).ok()
    }

    pub fn next(self) -> Option<FinancialYear> {
        FinancialYear::starting(self.start + 1).ok()
    }

    /// Reads "2008-09", "2008/09", "2008-2009", "08-09", "2008 - 09" or "FY2008-09".
    pub fn parse(text: &str) -> Result<FinancialYear, PeriodError> {
        parse_year_token(&normalise(text))
            .ok_or_else(|| PeriodError::Unrecognised(text.trim().to_string()))
            .and_then(FinancialYear::starting)
    }
}

impl fmt::Display for FinancialYear {
    /// "2008-09"; "1999-00" across a century.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.start, (self.start + 1).rem_euclid(100))
    }
}

impl FromStr for FinancialYear {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FinancialYear::parse(s)
    }
}

/// How finely a year is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Year,
    Quarter,
    Month,
    /// One of 13 four-week periods, as some forces report.
    FourWeek,
}

impl PeriodKind {
    pub fn periods_per_year(self) -> u8 {
        match self {
            PeriodKind::Year => 1,
            PeriodKind::Quarter => 4,
            PeriodKind::Month => 12,
            PeriodKind::FourWeek => 13,
        }
    }

    /// Orders kinds from the finest, so that a month sorts before the quarter ending the same day.
    fn rank(self) -> u8 {
        match self {
            PeriodKind::Month => 0,
            PeriodKind::FourWeek => 1,
            PeriodKind::Quarter => 2,
            PeriodKind::Year => 3,
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PeriodKind::Year => "year",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Month => "month",
            PeriodKind::FourWeek => "four-week period",
        })
    }
}

/// How often an indicator is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Calendar {
    Monthly,
    Quarterly,
    /// 13 four-week periods. P1 starts on 1 April and each period is 28 days, except that P13
    /// runs to 31 March and so absorbs the year's extra day or two.
    FourWeekly,
}

impl Calendar {
    pub const ALL: [Calendar; 3] = [Calendar::Monthly, Calendar::Quarterly, Calendar::FourWeekly];

    pub fn kind(self) -> PeriodKind {
        match self {
            Calendar::Monthly => PeriodKind::Month,
            Calendar::Quarterly => PeriodKind::Quarter,
            Calendar::FourWeekly => PeriodKind::FourWeek,
        }
    }

    pub fn periods_per_year(self) -> u8 {
        self.kind().periods_per_year()
    }

    /// The `index`th period (from 1) of `year` in this calendar.
    pub fn period(self, year: FinancialYear, index: u32) -> Result<Period, PeriodError> {
        Period::new(year, self.kind(), index)
    }

    /// Every period of `year`, in order.
    pub fn periods(self, year: FinancialYear) -> Vec<Period> {
        (1..=self.periods_per_year())
            .map(|index| Period {
                year,
                kind: self.kind(),
                index,
            })
            .collect()
    }

    /// The latest period of this calendar that has ended by the end of `day`: what a report
    /// or page speaking for that day shows. `None` only outside the years the core accepts.
    pub fn last_ended(self, day: NaiveDate) -> Option<Period> {
        let containing = self.period_containing(day).ok()?;
        if containing.end_date() <= day {
            Some(containing)
        } else {
            self.before(containing)
        }
    }

    /// The period of this calendar before `period`, across the year end.
    pub fn before(self, period: Period) -> Option<Period> {
        let day_before = period.start_date().pred_opt()?;
        self.period_containing(day_before).ok()
    }

    /// The period of this calendar a day falls in.
    pub fn period_containing(self, date: NaiveDate) -> Result<Period, PeriodError> {
        let year = FinancialYear::containing(date)?;
        let found = self
            .periods(year)
            .into_iter()
            .find(|period| period.start_date() <= date && date <= period.end_date());
        // Every day of a financial year is in exactly one of its periods; the fallback is the
        // year's last period, which is where a day could only be if that invariant broke.
        Ok(found.unwrap_or(Period {
            year,
            kind: self.kind(),
            index: self.periods_per_year(),
        }))
    }

    /// The period of this calendar that a period someone asked for names, strictly: the same
    /// period when it is of this calendar's kind; for a whole year, this calendar's last period
    /// of that year (the year-end figure); for a quarter asked of a monthly indicator, the
    /// quarter's last month, which ends on the same day. Anything else names no period of this
    /// calendar (P6 asked of a quarterly indicator, August of a quarterly one, Q2 of a
    /// four-weekly one) and is refused, never answered with a neighbouring period.
    pub fn resolve(self, asked: Period) -> Result<Period, PeriodMismatch> {
        let own = self.kind();
        let mismatch = || PeriodMismatch {
            asked,
            calendar: self,
        };
        match (asked.kind, own) {
            (asked_kind, own_kind) if asked_kind == own_kind => Ok(asked),
            (PeriodKind::Year, _) => Ok(Period {
                year: asked.year,
                kind: own,
                index: own.periods_per_year(),
            }),
            (PeriodKind::Quarter, PeriodKind::Month) => Ok(Period {
                year: asked.year,
                kind: own,
                index: asked.index * 3,
            }),
            _ => Err(mismatch()),
        }
    }

    pub fn parse(word: &str) -> Option<Calendar> {
        match word.trim().to_ascii_lowercase().as_str() {
            "monthly" | "month" | "months" => Some(Calendar::Monthly),
            "quarterly" | "quarter" | "quarters" => Some(Calendar::Quarterly),
            "four-weekly" | "four weekly" | "4-weekly" | "4 weekly" | "13 periods"
            | "thirteen periods" | "periods" => Some(Calendar::FourWeekly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Calendar::Monthly => "monthly",
            Calendar::Quarterly => "quarterly",
            Calendar::FourWeekly => "four-weekly",
        }
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A period asked of an indicator whose calendar has no such period: the message names what
/// was asked and lists the periods the indicator reports in that year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodMismatch {
    pub asked: Period,
    pub calendar: Calendar,
}

impl PeriodMismatch {
    /// The periods of the asked year that the indicator does report.
    pub fn periods_reported(&self) -> Vec<Period> {
        self.calendar.periods(self.asked.year)
    }
}

impl fmt::Display for PeriodMismatch {
    /// "P6 2026-27 is a four-week period; this indicator reports quarters: Q1 2026-27, …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reports = match self.calendar {
            Calendar::Monthly => "months",
            Calendar::Quarterly => "quarters",
            Calendar::FourWeekly => "four-week periods",
        };
        let listed: Vec<String> = self
            .periods_reported()
            .iter()
            .map(ToString::to_string)
            .collect();
        write!(
            f,
            "{} is a {}; this indicator reports {}: {}",
            self.asked,
            self.asked.kind,
            reports,
            listed.join(", ")
        )
    }
}

impl std::error::Error for PeriodMismatch {}

/// A reporting period: a whole financial year, or one of its quarters, months or four-week
/// periods. Built only through constructors that check the index, so "Q5" cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    year: FinancialYear,
    kind: PeriodKind,
    /// From 1 within the financial year: April is month 1, March month 12.
    index: u8,
}

impl Period {
    pub fn new(year: FinancialYear, kind: PeriodKind, index: u32) -> Result<Period, PeriodError> {
        match u8::try_from(index) {
            Ok(small) if (1..=kind.periods_per_year()).contains(&small) => Ok(Period {
                year,
                kind,
                index: small,
            }),
            _ => Err(PeriodError::NoSuchPeriod { kind, index }),
        }
    }

    pub fn whole_year(year: FinancialYear) -> Period {
        Period {
            year,
            kind: PeriodKind::Year,
            index: 1,
        }
    }

    /// Quarter 1 to 4 of `year`; Q1 is April to June.
    pub fn quarter(year: FinancialYear, quarter: u32) -> Result<Period, PeriodError> {
        Period::new(year, PeriodKind::Quarter, quarter)
    }

    /// Four-week period 1 to 13 of `year`.
    pub fn four_week(year: FinancialYear, period: u32) -> Result<Period, PeriodError> {
        Period::new(year, PeriodKind::FourWeek, period)
    }

    /// A calendar month as people name it: `Period::month(2008, 9)` is September 2008, in
    /// 2008-09; `Period::month(2009, 1)` is January 2009, also in 2008-09.
    pub fn month(calendar_year: i32, month: u32) -> Result<Period, PeriodError> {
        if !(1..=12).contains(&month) {
            return Err(PeriodError::NoSuchPeriod {
                kind: PeriodKind::Month,
                index: month,
            });
        }
        let (start, index) = if month >= 4 {
            (calendar_year, month - 3)
        } else {
            (calendar_year - 1, month + 9)
        };
        Period::new(FinancialYear::starting(start)?, PeriodKind::Month, index)
    }

    pub fn year(self) -> FinancialYear {
        self.year
    }

    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// Position within the financial year, from 1.
    pub fn index(self) -> u32 {
        u32::from(self.index)
    }

    pub fn start_date(self) -> NaiveDate {
        let year = self.year;
        match self.kind {
            PeriodKind::Year => year.start_date(),
            PeriodKind::Quarter => month_start(year, u32::from(self.index) * 3 - 2),
            PeriodKind::Month => month_start(year, u32::from(self.index)),
            PeriodKind::FourWeek => add_days(year.start_date(), 28 * (u64::from(self.index) - 1)),
        }
    }

    /// The last day of the period: 30 September 2008 for Q2 2008-09.
    pub fn end_date(self) -> NaiveDate {
        let year = self.year;
        match self.kind {
            PeriodKind::Year => year.end_date(),
            PeriodKind::Quarter => month_end(year, u32::from(self.index) * 3),
            PeriodKind::Month => month_end(year, u32::from(self.index)),
            PeriodKind::FourWeek if self.index == 13 => year.end_date(),
            PeriodKind::FourWeek => add_days(year.start_date(), 28 * u64::from(self.index) - 1),
        }
    }

    /// The share of the year that has passed by the end of this period, counted in periods:
    /// Q2 is 1/2, September 6/12 = 1/2, P6 6/13, the whole year 1.
    pub fn elapsed_fraction(self) -> Fraction {
        Fraction::reduced(
            i64::from(self.index),
            i64::from(self.kind.periods_per_year()),
        )
    }

    /// The same period a year earlier: Q2 2007-08 for Q2 2008-09.
    pub fn same_period_last_year(self) -> Option<Period> {
        self.year.previous().map(|year| Period { year, ..self })
    }

    /// How a sentence names the end of this period: "September" (so "by the end of September"),
    /// "P6" for a four-week period, and "2008-09" for a whole year.
    pub fn end_name(self) -> String {
        match self.kind {
            PeriodKind::Year => self.year.to_string(),
            PeriodKind::FourWeek => format!("P{}", self.index),
            PeriodKind::Quarter | PeriodKind::Month => month_name(self.end_date()).to_string(),
        }
    }

    /// Reads a period as users write it: "Q2 2008-09", "2008-09 Q2", "Quarter 2 2008/09",
    /// "September 2008", "Sept 2008", "P6 2008-09", "2008-09 P6", "Period 6 2008-09", "2008-09".
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let unrecognised = || PeriodError::Unrecognised(text.trim().to_string());
        let normal = normalise(text);
        let tokens: Vec<&str> = normal.split_whitespace().collect();
        match tokens.as_slice() {
            [year] => {
                let start = parse_year_token(year).ok_or_else(unrecognised)?;
                Ok(Period::whole_year(FinancialYear::starting(start)?))
            }
            [first, second] => {
                if let Some(month) = month_number(first) {
                    let calendar_year = parse_calendar_year(second).ok_or_else(unrecognised)?;
                    return Period::month(calendar_year, month);
                }
                let (part, year) = match (parse_part(first), parse_part(second)) {
                    (Some(part), None) => (part, second),
                    (None, Some(part)) => (part, first),
                    _ => return Err(unrecognised()),
                };
                let start = parse_year_token(year).ok_or_else(unrecognised)?;
                Period::new(FinancialYear::starting(start)?, part.0, part.1)
            }
            _ => Err(unrecognised()),
        }
    }
}

impl Ord for Period {
    /// By end date, then finest first, so a list of measurements sorts into reading order.
    fn cmp(&self, other: &Self) -> Ordering {
        self.end_date()
            .cmp(&other.end_date())
            .then_with(|| self.kind.rank().cmp(&other.kind.rank()))
            .then_with(|| self.index.cmp(&other.index))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    /// "Q2 2008-09", "September 2008", "P6 2008-09", "2008-09".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.year),
            PeriodKind::Quarter => write!(f, "Q{} {}", self.index, self.year),
            PeriodKind::FourWeek => write!(f, "P{} {}", self.index, self.year),
            PeriodKind::Month => {
                let start = self.start_date();
                write!(f, "{} {}", month_name(start), start.year())
            }
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

/// A non-negative fraction in lowest terms, used for the share of a year that has elapsed or
/// that a target profile expects. Exact, so that Q2 is exactly one half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fraction {
    numerator: i64,
    denominator: i64,
}

impl Fraction {
    pub const ZERO: Fraction = Fraction {
        numerator: 0,
        denominator: 1,
    };
    pub const ONE: Fraction = Fraction {
        numerator: 1,
        denominator: 1,
    };

    /// `None` unless the denominator is positive and the numerator not negative.
    pub fn new(numerator: i64, denominator: i64) -> Option<Fraction> {
        (denominator > 0 && numerator >= 0).then(|| Fraction::reduced(numerator, denominator))
    }

    pub fn numerator(self) -> i64 {
        self.numerator
    }

    pub fn denominator(self) -> i64 {
        self.denominator
    }

    pub fn as_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// Callers pass a positive denominator; a zero one would give 0/1 rather than divide by zero.
    fn reduced(numerator: i64, denominator: i64) -> Fraction {
        let divisor = gcd(numerator.unsigned_abs(), denominator.unsigned_abs()).max(1);
        let divisor = i64::try_from(divisor).unwrap_or(1);
        Fraction {
            numerator: numerator / divisor,
            denominator: (denominator / divisor).max(1),
        }
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A day known to exist. The financial year's bounded range and callers' month and day numbers
/// make the fallback unreachable; it exists so that no path can panic.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The calendar year and month of month `index` (April = 1) of a financial year.
fn calendar_month(year: FinancialYear, index: u32) -> (i32, u32) {
    let month = (index + 2) % 12 + 1;
    let calendar_year = if index <= 9 {
        year.start
    } else {
        year.start + 1
    };
    (calendar_year, month)
}

fn month_start(year: FinancialYear, index: u32) -> NaiveDate {
    let (y, m) = calendar_month(year, index);
    ymd(y, m, 1)
}

fn month_end(year: FinancialYear, index: u32) -> NaiveDate {
    let (y, m) = calendar_month(year, index);
    (28..=31)
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(y, m, day))
        .unwrap_or(NaiveDate::MIN)
}

fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

/// Lower case, one space between words, hyphens for slashes and dashes with no spaces round
/// them ("2008 - 09" → "2008-09"), and "quarter 2" / "period 6" shortened to "q2" / "p6".
fn normalise(text: &str) -> String {
    let lowered = text
        .trim()
        .to_lowercase()
        .replace(['/', '\u{2013}', '\u{2014}'], "-");
    let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .replace(" - ", "-")
        .replace(" -", "-")
        .replace("- ", "-")
        .replace("quarter ", "q")
        .replace("period ", "p")
}

/// The start year of "2008-09", "2008-2009", "08-09" or "fy2008-09", checking that the two years
/// are consecutive.
fn parse_year_token(token: &str) -> Option<i32> {
    let token = token.strip_prefix("fy").unwrap_or(token);
    let (first, second) = token.split_once('-')?;
    if !first.bytes().all(|b| b.is_ascii_digit()) || !second.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let a: i32 = first.parse().ok()?;
    let b: i32 = second.parse().ok()?;
    let start = match (first.len(), second.len()) {
        (4, 2) if b == (a + 1) % 100 => a,
        (4, 4) if b == a + 1 => a,
        // Two-digit years are 20xx, as everywhere in Waymark.
        (2, 2) if b == (a + 1) % 100 => 2000 + a,
        _ => return None,
    };
    Some(start)
}

fn parse_calendar_year(token: &str) -> Option<i32> {
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match token.len() {
        4 => token.parse().ok(),
        2 => token.parse::<i32>().ok().map(|y| 2000 + y),
        _ => None,
    }
}

/// "q2" → (Quarter, 2), "p6" → (FourWeek, 6). The number is checked later, so that "q5" is
/// reported as no such quarter rather than as unrecognised.
fn parse_part(token: &str) -> Option<(PeriodKind, u32)> {
    let (kind, digits) = if let Some(rest) = token.strip_prefix('q') {
        (PeriodKind::Quarter, rest)
    } else if let Some(rest) = token.strip_prefix('p') {
        (PeriodKind::FourWeek, rest)
    } else {
        return None;
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 3 {
        return None;
    }
    digits.parse().ok().map(|index| (kind, index))
}

fn month_number(token: &str) -> Option<u32> {
    if token == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|(name, short)| token == name.to_ascii_lowercase() || token == *short)
        .and_then(|position| u32::try_from(position + 1).ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fy(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_written_form_in_the_brief_parses() {
        let q2 = Period::quarter(fy(2008), 2).unwrap();
        for text in [
            "Q2 2008-09",
            "2008-09 Q2",
            "q2 2008/09",
            "Quarter 2 2008-2009",
            "Q2 2008 - 09",
        ] {
            assert_eq!(Period::parse(text), Ok(q2), "{text}");
        }
        let september = Period::month(2008, 9).unwrap();
        for text in ["September 2008", "Sept 2008", "sep 2008", "September 08"] {
            assert_eq!(Period::parse(text), Ok(september), "{text}");
        }
        let p6 = Period::four_week(fy(2008), 6).unwrap();
        for text in ["P6 2008-09", "2008-09 P6", "Period 6 2008/09"] {
            assert_eq!(Period::parse(text), Ok(p6), "{text}");
        }
        for text in ["2008-09", "2008/09", "FY2008-09", "08-09", "2008-2009"] {
            assert_eq!(
                Period::parse(text),
                Ok(Period::whole_year(fy(2008))),
                "{text}"
            );
        }
    }

    #[test]
    fn display_is_the_canonical_form() {
        assert_eq!(
            Period::quarter(fy(2008), 2).unwrap().to_string(),
            "Q2 2008-09"
        );
        assert_eq!(Period::month(2009, 1).unwrap().to_string(), "January 2009");
        assert_eq!(
            Period::four_week(fy(2008), 6).unwrap().to_string(),
            "P6 2008-09"
        );
        assert_eq!(Period::whole_year(fy(1999)).to_string(), "1999-00");
    }

    #[test]
    fn nonsense_is_refused_with_the_reason() {
        assert!(matches!(
            Period::parse("Q5 2008-09"),
            Err(PeriodError::NoSuchPeriod { index: 5, .. })
        ));
        assert!(matches!(
            Period::parse("P14 2008-09"),
            Err(PeriodError::NoSuchPeriod { index: 14, .. })
        ));
        assert!(matches!(
            Period::parse("2008-10"),
            Err(PeriodError::Unrecognised(_))
        ));
        assert!(matches!(
            Period::parse("Q2"),
            Err(PeriodError::Unrecognised(_))
        ));
        assert!(matches!(
            Period::parse("Smarch 2008"),
            Err(PeriodError::Unrecognised(_))
        ));
    }

    #[test]
    fn periods_end_where_the_financial_year_says() {
        let year = fy(2008);
        assert_eq!(
            Period::quarter(year, 2).unwrap().end_date(),
            day(2008, 9, 30)
        );
        assert_eq!(
            Period::quarter(year, 4).unwrap().end_date(),
            day(2009, 3, 31)
        );
        assert_eq!(Period::month(2009, 2).unwrap().end_date(), day(2009, 2, 28));
        assert_eq!(
            Period::four_week(year, 1).unwrap().end_date(),
            day(2008, 4, 28)
        );
        assert_eq!(
            Period::four_week(year, 6).unwrap().end_date(),
            day(2008, 9, 15)
        );
        assert_eq!(
            Period::four_week(year, 13).unwrap().start_date(),
            day(2009, 3, 3)
        );
        assert_eq!(
            Period::four_week(year, 13).unwrap().end_date(),
            day(2009, 3, 31)
        );
        assert_eq!(Period::whole_year(year).end_date(), day(2009, 3, 31));
    }

    #[test]
    fn elapsed_fraction_counts_periods() {
        let year = fy(2008);
        assert_eq!(
            Period::quarter(year, 2).unwrap().elapsed_fraction(),
            Fraction::new(1, 2).unwrap()
        );
        assert_eq!(
            Period::month(2008, 9).unwrap().elapsed_fraction(),
            Fraction::new(1, 2).unwrap()
        );
        assert_eq!(
            Period::four_week(year, 6).unwrap().elapsed_fraction(),
            Fraction::new(6, 13).unwrap()
        );
        assert_eq!(Period::whole_year(year).elapsed_fraction(), Fraction::ONE);
    }

    #[test]
    fn names_used_in_sentences() {
        assert_eq!(
            Period::quarter(fy(2008), 2).unwrap().end_name(),
            "September"
        );
        assert_eq!(Period::month(2008, 6).unwrap().end_name(), "June");
        assert_eq!(Period::four_week(fy(2008), 6).unwrap().end_name(), "P6");
        assert_eq!(Period::whole_year(fy(2008)).end_name(), "2008-09");
    }

    #[test]
    fn same_period_last_year_and_containing() {
        let q2 = Period::quarter(fy(2008), 2).unwrap();
        assert_eq!(
            q2.same_period_last_year(),
            Some(Period::quarter(fy(2007), 2).unwrap())
        );
        assert_eq!(FinancialYear::containing(day(2009, 1, 15)), Ok(fy(2008)));
        assert_eq!(
            Calendar::Quarterly.period_containing(day(2008, 9, 30)),
            Ok(q2)
        );
    }

    proptest! {
        #[test]
        fn calendars_tile_the_year(start in 1990i32..2100, which in 0usize..3) {
            let calendar = Calendar::ALL[which];
            let year = fy(start);
            let periods = calendar.periods(year);
            prop_assert_eq!(periods.len(), usize::from(calendar.periods_per_year()));
            prop_assert_eq!(periods[0].start_date(), year.start_date());
            prop_assert_eq!(periods[periods.len() - 1].end_date(), year.end_date());
            for pair in periods.windows(2) {
                prop_assert_eq!(pair[0].end_date().succ_opt().unwrap(), pair[1].start_date());
            }
            for period in periods {
                prop_assert_eq!(Period::parse(&period.to_string()), Ok(period));
                prop_assert_eq!(calendar.period_containing(period.end_date()), Ok(period));
            }
        }

        #[test]
        fn the_parser_never_panics(text in "\\PC{0,30}") {
            let _ = Period::parse(&text);
        }

        #[test]
        fn every_form_of_a_numbered_period_reads_as_itself_and_nothing_else(
            start in 1990i32..2100,
            which in 0usize..2,
            index in 0u32..20,
            form in 0usize..4,
        ) {
            let (kind, letter, word) = [
                (PeriodKind::FourWeek, "P", "Period"),
                (PeriodKind::Quarter, "Q", "Quarter"),
            ][which];
            let year = format!("{}-{:02}", start, (start + 1) % 100);
            let text = match form {
                0 => format!("{letter}{index} {year}"),
                1 => format!("{year} {letter}{index}"),
                2 => format!("{word} {index} {year}"),
                _ => format!("  {}{index}   {} ", letter.to_lowercase(), year.replace('-', "/")),
            };
            let parsed = Period::parse(&text);
            if (1..=u32::from(kind.periods_per_year())).contains(&index) {
                let period = parsed.unwrap();
                prop_assert_eq!(period.kind(), kind);
                prop_assert_eq!(period.index(), index);
                prop_assert_eq!(period.year(), fy(start));
            } else {
                prop_assert!(parsed.is_err(), "{} read as {:?}", text, parsed);
            }
        }

        #[test]
        fn a_month_reads_as_that_month(calendar_year in 1991i32..2099, month in 1u32..=12) {
            let period = Period::parse(&format!("{} {calendar_year}", MONTHS[month as usize - 1].0))
                .unwrap();
            prop_assert_eq!(period.kind(), PeriodKind::Month);
            prop_assert_eq!(period.start_date(), day(calendar_year, month, 1));
        }

        #[test]
        fn resolving_never_answers_for_a_period_ending_another_day(
            start in 1990i32..2100,
            asked_kind in 0usize..4,
            index in 1u32..14,
            which in 0usize..3,
        ) {
            let kind = [PeriodKind::Year, PeriodKind::Quarter, PeriodKind::Month, PeriodKind::FourWeek][asked_kind];
            let index = (index - 1) % u32::from(kind.periods_per_year()) + 1;
            let asked = Period::new(fy(start), kind, index).unwrap();
            let calendar = Calendar::ALL[which];
            match calendar.resolve(asked) {
                Ok(own) => {
                    prop_assert_eq!(own.kind(), calendar.kind());
                    prop_assert_eq!(own.end_date(), asked.end_date());
                    prop_assert_eq!(own.year(), asked.year());
                }
                Err(mismatch) => {
                    prop_assert_ne!(kind, calendar.kind());
                    let message = mismatch.to_string();
                    let asked_text = asked.to_string();
                    prop_assert!(message.starts_with(&asked_text));
                    for period in calendar.periods(fy(start)) {
                        prop_assert!(message.contains(&period.to_string()));
                    }
                }
            }
        }
    }

    #[test]
    fn a_period_of_another_calendar_is_refused_with_the_periods_listed() {
        let p6 = Period::parse("P6 2026-27").unwrap();
        let refused = Calendar::Quarterly.resolve(p6).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "P6 2026-27 is a four-week period; this indicator reports quarters: \
             Q1 2026-27, Q2 2026-27, Q3 2026-27, Q4 2026-27"
        );
        assert_eq!(Calendar::FourWeekly.resolve(p6), Ok(p6));
        let q2 = Period::parse("Q2 2026-27").unwrap();
        assert!(Calendar::FourWeekly.resolve(q2).is_err());
        assert_eq!(
            Calendar::Monthly.resolve(q2),
            Ok(Period::parse("September 2026").unwrap())
        );
        let august = Period::parse("August 2026").unwrap();
        assert!(Calendar::Quarterly.resolve(august).is_err());
        assert!(Calendar::FourWeekly.resolve(august).is_err());
        let year = Period::parse("2026-27").unwrap();
        assert_eq!(
            Calendar::FourWeekly.resolve(year),
            Ok(Period::parse("P13 2026-27").unwrap())
        );
        assert!(Period::parse("P14 2026-27").is_err());
        assert!(Period::parse("P0 2026-27").is_err());
    }
}
