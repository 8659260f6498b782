//! What the server judges against today: an update's day (today or before), the day commentary
//! is needed by (today or after), the period a figure is recorded for (begun by today). JSON
//! Schema has no "before today", so those schemas carry a marker, `x-waymark-dated`, and the
//! document served each day gains the pattern of that day's answer beside it (see
//! `openapi::document`).

use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use waymark_core::indicator::{Calendar, FinancialYear};

use crate::api::schema_rules::with_keywords;

const MARKER: &str = "x-waymark-dated";
const UNTIL_TODAY: &str = "a day up to today";
const FROM_TODAY: &str = "a day from today";
const BEGUN: &str = "a period begun by today";

/// An ISO day no later than today (the server's calendar day).
pub(crate) fn day_until_today() -> ObjectBuilder {
    day(UNTIL_TODAY)
}

/// An ISO day no earlier than today.
pub(crate) fn day_from_today() -> ObjectBuilder {
    day(FROM_TODAY)
}

fn day(rule: &str) -> ObjectBuilder {
    with_keywords(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        serde_json::json!({ MARKER: rule }),
    )
}

/// A quarter, four-week period or month, as Waymark writes them ("Q2 2026-27", "P6 2026-27",
/// "September 2026"), that has begun by today: a figure is recorded for such a period only.
/// Which of the three an indicator takes is the indicator's (409 for another).
pub(crate) fn period_begun() -> ObjectBuilder {
    with_keywords(
        ObjectBuilder::new().schema_type(Type::String),
        serde_json::json!({ MARKER: BEGUN }),
    )
}

/// Gives each marked schema in `document` the pattern of its rule on `today`.
pub(crate) fn fill(document: &mut Value, today: NaiveDate) {
    match document {
        Value::Object(object) => {
            let pattern = match object.get(MARKER).and_then(Value::as_str) {
                Some(UNTIL_TODAY) => Some(days_until(today)),
                Some(FROM_TODAY) => Some(days_from(today)),
                Some(BEGUN) => Some(periods_begun(today)),
                _ => None,
            };
            if let Some(pattern) = pattern {
                object.insert("pattern".to_string(), Value::String(pattern));
            }
            object.values_mut().for_each(|value| fill(value, today));
        }
        Value::Array(values) => values.iter_mut().for_each(|value| fill(value, today)),
        _ => {}
    }
}

const MONTH: &str = "(0[1-9]|1[0-2])";
const DAY: &str = "(0[1-9]|[12][0-9]|3[01])";

/// ISO days up to `today`: an earlier year, an earlier month of its year, or a day of its
/// month up to it. (`format: date` beside it rules out 30 February.)
fn days_until(today: NaiveDate) -> String {
    let (year, month) = parts(today);
    let mut branches: Vec<String> = below(&year)
        .into_iter()
        .map(|y| format!("{y}-{MONTH}-{DAY}"))
        .collect();
    if today.month() > 1 {
        branches.push(format!("{year}-({})-{DAY}", two_digits(1..today.month())));
    }
    branches.push(format!(
        "{year}-{month}-({})",
        two_digits(1..today.day() + 1)
    ));
    format!("^({})$", branches.join("|"))
}

/// ISO days from `today` on: a later year, a later month of its year, or a day of its month
/// from it.
fn days_from(today: NaiveDate) -> String {
    let (year, month) = parts(today);
    let mut branches: Vec<String> = above(&year)
        .into_iter()
        .map(|y| format!("{y}-{MONTH}-{DAY}"))
        .collect();
    if today.month() < 12 {
        branches.push(format!(
            "{year}-({})-{DAY}",
            two_digits(today.month() + 1..13)
        ));
    }
    branches.push(format!("{year}-{month}-({})", two_digits(today.day()..32)));
    format!("^({})$", branches.join("|"))
}

/// The year and month of `day` as an ISO day writes them.
fn parts(day: NaiveDate) -> (String, String) {
    (format!("{:04}", day.year()), format!("{:02}", day.month()))
}

fn two_digits(range: std::ops::Range<u32>) -> String {
    range
        .map(|n| format!("{n:02}"))
        .collect::<Vec<_>>()
        .join("|")
}

/// Patterns of the numbers of as many digits as `digits` below it: "2026" →
/// "[0-1][0-9]{3}", "20[0-1][0-9]", "202[0-5]".
fn below(digits: &str) -> Vec<String> {
    per_digit(digits, |d| (d > 0).then(|| format!("[0-{}]", d - 1)))
}

/// As [`below`], above it: "2026" → "[3-9][0-9]{3}", "2[1-9][0-9]{2}", "20[3-9][0-9]",
/// "202[7-9]".
fn above(digits: &str) -> Vec<String> {
    per_digit(digits, |d| (d < 9).then(|| format!("[{}-9]", d + 1)))
}

fn per_digit(digits: &str, class: impl Fn(u32) -> Option<String>) -> Vec<String> {
    let chars: Vec<char> = digits.chars().collect();
    (0..chars.len())
        .filter_map(|i| {
            let digit = chars[i].to_digit(10)?;
            let rest = chars.len() - i - 1;
            let tail = match rest {
                0 => String::new(),
                1 => "[0-9]".to_string(),
                n => format!("[0-9]{{{n}}}"),
            };
            class(digit).map(|c| format!("{}{c}{tail}", chars[..i].iter().collect::<String>()))
        })
        .collect()
}

const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

/// Quarters, four-week periods and months begun by `today`, from 2000-01 on: those of earlier
/// financial years by their form, those of the year `today` is in by name.
fn periods_begun(today: NaiveDate) -> String {
    let Ok(year) = FinancialYear::containing(today) else {
        return "^$".to_string();
    };
    let current = year.start_year();
    let mut branches = Vec::new();
    let earlier: Vec<String> = (2000..current).map(financial_year_name).collect();
    if !earlier.is_empty() {
        branches.push(format!("(Q[1-4]|P([1-9]|1[0-3])) ({})", earlier.join("|")));
        let years: Vec<String> = (2000..current).map(|y| y.to_string()).collect();
        branches.push(format!("({MONTHS}) ({})", years.join("|")));
    }
    // January to March of the year the financial year starts in belong to the one before.
    branches.push(format!("(January|February|March) {current}"));
    for calendar in [Calendar::Quarterly, Calendar::FourWeekly, Calendar::Monthly] {
        branches.extend(
            calendar
                .periods(year)
                .into_iter()
                .filter(|period| period.start_date() <= today)
                .map(|period| period.to_string()),
        );
    }
    format!("^({})$", branches.join("|"))
}

/// "2026-27" for the year starting in 2026.
fn financial_year_name(start: i32) -> String {
    format!("{start}-{:02}", (start + 1) % 100)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;
    use waymark_core::indicator::Period;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn days_up_to_today_are_those_on_or_before_it() {
        let today = day("2026-12-07");
        let pattern = days_until(today);
        for earlier in [
            "2026-12-07",
            "2026-12-01",
            "2026-11-30",
            "2025-12-31",
            "0001-01-01",
        ] {
            assert!(matches(&pattern, earlier), "{earlier}");
        }
        for later in ["2026-12-08", "2026-12-31", "2027-01-01", "9999-01-01"] {
            assert!(!matches(&pattern, later), "{later}");
        }
    }

    #[test]
    fn days_from_today_are_those_on_or_after_it() {
        let today = day("2026-01-31");
        let pattern = days_from(today);
        for later in ["2026-01-31", "2026-02-01", "2027-01-01", "9999-12-31"] {
            assert!(matches(&pattern, later), "{later}");
        }
        for earlier in ["2026-01-30", "2025-12-31", "2000-06-01"] {
            assert!(!matches(&pattern, earlier), "{earlier}");
        }
    }

    #[test]
    fn every_day_of_a_year_is_on_the_right_side_of_either_pattern() {
        let today = day("2026-03-15");
        let (until, from) = (days_until(today), days_from(today));
        let mut date = day("2025-01-01");
        while date < day("2028-01-01") {
            let text = date.format("%Y-%m-%d").to_string();
            assert_eq!(matches(&until, &text), date <= today, "{text} until");
            assert_eq!(matches(&from, &text), date >= today, "{text} from");
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn a_period_matches_when_it_has_begun_as_the_server_reads_it() {
        let today = day("2026-12-07");
        let pattern = periods_begun(today);
        for calendar in [Calendar::Quarterly, Calendar::FourWeekly, Calendar::Monthly] {
            for start in 2024..2028 {
                let year = FinancialYear::starting(start).unwrap();
                for period in calendar.periods(year) {
                    let text = period.to_string();
                    assert_eq!(Period::parse(&text).unwrap(), period, "{text}");
                    assert_eq!(
                        matches(&pattern, &text),
                        period.start_date() <= today,
                        "{text}"
                    );
                }
            }
        }
        assert!(
            !matches(&pattern, "2025-26"),
            "a whole year is no indicator's period"
        );
    }
}
