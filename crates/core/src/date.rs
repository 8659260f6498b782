//! The dates users write in plans and trackers, and the one date Waymark sorts and checks by.
//!
//! Exact forms: `31-Mar-15`, `08-Jan-15`, `8 Jan 2015`, `21 Nov 2014`, `20th July 2012`,
//! `15.04.11`, `15/04/2011`, `2015-03-31`. Vague forms keep their words and use the end of the
//! named period: `end February 2015`, `by March 2015`, `March 2015`, `2015`, `2014/15` (the end of
//! the financial year), `Q3 2014/15`. Two-digit years are 20xx; days and months are UK order.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

/// A date as written by a user: the date used for sorting and overdue checks, and for vague
/// dates the words they wrote.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlexDate {
    /// The day used for sorting and overdue checks: the end of the period for vague dates.
    pub date: NaiveDate,
    /// The words as written, kept only when they name a period rather than a day.
    pub written: Option<String>,
}

/// Why a piece of text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("\"{0}\" is not a date Waymark recognises (for example 31-Mar-15 or 8 January 2015)")]
    Unrecognised(String),
    #[error("\"{0}\" names a day that does not exist")]
    NoSuchDay(String),
}

impl FlexDate {
    /// An exact day.
    pub fn exact(date: NaiveDate) -> Self {
        FlexDate {
            date,
            written: None,
        }
    }

    /// True when the user named a period ("by March 2015") rather than a day.
    pub fn is_vague(&self) -> bool {
        self.written.is_some()
    }
}

impl fmt::Display for FlexDate {
    /// GOV.UK style: "8 January 2015", or the user's words for a vague date.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.written {
            Some(words) => f.write_str(words),
            None => write!(f, "{}", format_long(self.date)),
        }
    }
}

/// "8 January 2015": the form every page and report uses.
pub fn format_long(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(date), date.year())
}

/// "January": the month of `date`, in full.
pub fn month_name(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize].0
}

/// Parses a date as users write it. See the module documentation for the forms.
pub fn parse_date(input: &str) -> Result<FlexDate, DateError> {
    let trimmed = input.trim().trim_end_matches(['.', ',', ';', ':']).trim();
    let lower = trimmed.to_lowercase();
    let (rest, _had_prefix) = strip_vague_prefix(&lower);
    let tokens = tokenise(rest);
    let unrecognised = || DateError::Unrecognised(trimmed.to_string());
    if tokens.is_empty() {
        return Err(unrecognised());
    }
    match parse_tokens(&tokens) {
        Some(Parsed::Day(y, m, d)) => NaiveDate::from_ymd_opt(y, m, d)
            .map(FlexDate::exact)
            .ok_or_else(|| DateError::NoSuchDay(trimmed.to_string())),
        Some(Parsed::Period(date)) => Ok(FlexDate {
            date,
            written: Some(trimmed.to_string()),
        }),
        None => Err(unrecognised()),
    }
}

/// Finds an exact date (a day, not a period) at the very start of `text`, such as the
/// "21 Nov 2014" of "21 Nov 2014 - Definitions of ...". Returns the date and the number of bytes
/// it occupies. Used to split a cell of pasted updates into dated entries.
pub fn parse_date_prefix(text: &str) -> Option<(NaiveDate, usize)> {
    // Candidate ends are the ends of the first one to three words; try the longest first so that
    // "8 Jan 2015" wins over "8".
    let mut ends = Vec::new();
    let mut in_word = false;
    for (index, ch) in text.char_indices() {
        if ch.is_whitespace() {
            if in_word {
                ends.push(index);
                in_word = false;
            }
            if ends.len() == 3 {
                break;
            }
        } else {
            in_word = true;
        }
    }
    if in_word && ends.len() < 3 {
        ends.push(text.len());
    }
    for &end in ends.iter().rev() {
        let candidate = text[..end].trim_end_matches([',', ':', ';']);
        let lower = candidate.to_lowercase();
        let tokens = tokenise(&lower);
        if let Some(Parsed::Day(y, m, d)) = parse_tokens(&tokens)
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            return Some((date, end));
        }
    }
    None
}

/// Each month's name and its three-letter short form, in lower case.
pub(crate) const MONTHS: [(&str, &str); 12] = [
    ("January", "jan"),
    ("February", "feb"),
    ("March", "mar"),
    ("April", "apr"),
    ("May", "may"),
    ("June", "jun"),
    ("July", "jul"),
    ("August", "aug"),
    ("September", "sep"),
    ("October", "oct"),
    ("November", "nov"),
    ("December", "dec"),
];

/// Words that make a date vague or merely introduce it. Longest first.
const PREFIXES: [&str; 19] = [
    "financial year",
    "no later than",
    "not later than",
    "by the end of",
    "by end of",
    "the end of",
    "end of",
    "by the end",
    "by end",
    "before",
    "during",
    "early",
    "end",
    "late",
    "mid",
    "by",
    "in",
    "w/c",
    "fy",
];

enum Parsed {
    Day(i32, u32, u32),
    Period(NaiveDate),
}

fn strip_vague_prefix(lower: &str) -> (&str, bool) {
    for prefix in PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix)
            && (rest.starts_with(' ') || rest.starts_with('-'))
        {
            return (rest.trim_start_matches([' ', '-']), true);
        }
    }
    (lower, false)
}

fn tokenise(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '.' | ','))
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_tokens(tokens: &[&str]) -> Option<Parsed> {
    match tokens {
        [a, b, c] => {
            // 8 Jan 2015, 20th July 2012, 31-Mar-15
            if let (Some(d), Some(m), Some(y)) = (day(a), month(b), year(c)) {
                return Some(Parsed::Day(y, m, d));
            }
            // March 31 2015
            if let (Some(m), Some(d), Some(y)) = (month(a), day(b), year(c)) {
                return Some(Parsed::Day(y, m, d));
            }
            // 2015-03-31
            if a.len() == 4
                && let (Some(y), Some(m), Some(d)) = (number(a), number(b), number(c))
            {
                return Some(Parsed::Day(y as i32, m, d));
            }
            // 15.04.11, 15/04/2011
            if let (Some(d), Some(m), Some(y)) = (number(a), number(b), year(c))
                && (1..=12).contains(&m)
            {
                return Some(Parsed::Day(y, m, d));
            }
            // Q3 2014/15
            if let Some(q) = quarter(a) {
                let start = year(b)?;
                let end = year(c)?;
                if end != start + 1 {
                    return None;
                }
                return financial_quarter_end(start, q).map(Parsed::Period);
            }
            None
        }
        [a, b] => {
            // March 2015, end February 2015
            if let (Some(m), Some(y)) = (month(a), year(b)) {
                return end_of_month(y, m).map(Parsed::Period);
            }
            // 2014/15: the end of the financial year
            if a.len() == 4
                && let (Some(start), Some(end)) = (year(a), year(b))
                && end == start + 1
            {
                return NaiveDate::from_ymd_opt(end, 3, 31).map(Parsed::Period);
            }
            // Summer 2016: the end of the season's last month; winter runs into the next year.
            if let (Some(month), Some(y)) = (season_end_month(a), year(b)) {
                return if month == 2 {
                    end_of_month(y + 1, 2)
                } else {
                    end_of_month(y, month)
                }
                .map(Parsed::Period);
            }
            // Q3 2014 (calendar quarter)
            if let (Some(q), Some(y)) = (quarter(a), year(b))
                && b.len() == 4
            {
                return end_of_month(y, q * 3).map(Parsed::Period);
            }
            None
        }
        [a] if a.len() == 4 => {
            let y = year(a)?;
            NaiveDate::from_ymd_opt(y, 12, 31).map(Parsed::Period)
        }
        _ => None,
    }
}

fn number(token: &str) -> Option<u32> {
    if token.is_empty() || token.len() > 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

fn day(token: &str) -> Option<u32> {
    let digits = token
        .strip_suffix("st")
        .or_else(|| token.strip_suffix("nd"))
        .or_else(|| token.strip_suffix("rd"))
        .or_else(|| token.strip_suffix("th"))
        .unwrap_or(token);
    if digits.len() > 2 {
        return None;
    }
    number(digits).filter(|d| (1..=31).contains(d))
}

fn month(token: &str) -> Option<u32> {
    if token.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|(long, short)| {
            token == *short
                || (token.len() >= 3 && long.to_lowercase().starts_with(token))
                || (*short == "sep" && token == "sept")
        })
        .map(|index| index as u32 + 1)
}

fn year(token: &str) -> Option<i32> {
    let value = number(token)? as i32;
    match token.len() {
        2 => Some(2000 + value),
        4 if (1900..=2200).contains(&value) => Some(value),
        _ => None,
    }
}

fn season_end_month(token: &str) -> Option<u32> {
    match token {
        "spring" => Some(5),
        "summer" => Some(8),
        "autumn" | "fall" => Some(11),
        "winter" => Some(2),
        _ => None,
    }
}

fn quarter(token: &str) -> Option<u32> {
    let digit = token.strip_prefix('q')?;
    number(digit).filter(|q| (1..=4).contains(q))
}

fn end_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// UK policing's financial year runs April to March: Q1 ends in June, Q4 in the next March.
fn financial_quarter_end(start_year: i32, quarter: u32) -> Option<NaiveDate> {
    match quarter {
        1 => end_of_month(start_year, 6),
        2 => end_of_month(start_year, 9),
        3 => end_of_month(start_year, 12),
        4 => end_of_month(start_year + 1, 3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_form_in_the_design_parses() {
        let cases = [
            ("31-Mar-15", ymd(2015, 3, 31), false),
            ("08-Jan-15", ymd(2015, 1, 8), false),
            ("8 Jan 2015", ymd(2015, 1, 8), false),
            ("21 Nov 2014", ymd(2014, 11, 21), false),
            ("15.04.11", ymd(2011, 4, 15), false),
            ("20th July 2012", ymd(2012, 7, 20), false),
            ("end February 2015", ymd(2015, 2, 28), true),
            ("by March 2015", ymd(2015, 3, 31), true),
            ("2015-03-31", ymd(2015, 3, 31), false),
            ("31/03/2015", ymd(2015, 3, 31), false),
            ("1 September 2015", ymd(2015, 9, 1), false),
            ("by 31 March 2015", ymd(2015, 3, 31), false),
            ("end of 2015", ymd(2015, 12, 31), true),
            ("2014/15", ymd(2015, 3, 31), true),
            ("Q2 2008-09", ymd(2008, 9, 30), true),
            ("1st Sept 2015", ymd(2015, 9, 1), false),
            ("end Feb 2016", ymd(2016, 2, 29), true),
        ];
        for (text, date, vague) in cases {
            let parsed = parse_date(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.date, date, "{text}");
            assert_eq!(parsed.is_vague(), vague, "{text}");
        }
    }

    #[test]
    fn seasons_and_financial_years_are_periods() {
        let cases = [
            ("Summer 2016", ymd(2016, 8, 31)),
            ("spring 2017", ymd(2017, 5, 31)),
            ("Autumn 2016", ymd(2016, 11, 30)),
            ("Winter 2016", ymd(2017, 2, 28)),
            ("FY 2016/17", ymd(2017, 3, 31)),
            ("Financial year 2016-17", ymd(2017, 3, 31)),
            ("by Summer 2016", ymd(2016, 8, 31)),
        ];
        for (written, date) in cases {
            let parsed = parse_date(written).unwrap();
            assert_eq!(parsed.date, date, "{written}");
            assert_eq!(parsed.written.as_deref(), Some(written));
        }
        assert!(parse_date("Summer").is_err());
    }

    #[test]
    fn vague_dates_keep_their_words() {
        let parsed = parse_date("by March 2015").unwrap();
        assert_eq!(parsed.to_string(), "by March 2015");
        assert_eq!(
            parse_date("08-Jan-15").unwrap().to_string(),
            "8 January 2015"
        );
    }

    #[test]
    fn nonsense_and_impossible_days_are_errors() {
        assert!(matches!(
            parse_date("soon"),
            Err(DateError::Unrecognised(_))
        ));
        assert!(matches!(parse_date(""), Err(DateError::Unrecognised(_))));
        assert!(matches!(
            parse_date("31-Feb-15"),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(matches!(
            parse_date("Ongoing"),
            Err(DateError::Unrecognised(_))
        ));
    }

    #[test]
    fn prefix_finds_the_date_that_starts_an_entry() {
        let text = "21 Nov 2014 - Definitions of repeat victims";
        assert_eq!(parse_date_prefix(text), Some((ymd(2014, 11, 21), 11)));
        let text = "8 Jan 2015 from Op Trafalgar - As part";
        assert_eq!(parse_date_prefix(text), Some((ymd(2015, 1, 8), 10)));
        assert_eq!(parse_date_prefix("Definitions of repeat"), None);
        assert_eq!(parse_date_prefix("By 31 March"), None);
    }

    const MONTH_SHORT: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    fn ordinal(day: u32) -> &'static str {
        match day {
            1 | 21 | 31 => "st",
            2 | 22 => "nd",
            3 | 23 => "rd",
            _ => "th",
        }
    }

    proptest! {
        #[test]
        fn every_written_form_of_a_day_reads_back(days in 0i64..36_500) {
            let date = ymd(2000, 1, 1) + chrono::Duration::days(days);
            let (y, m, d) = (date.year(), date.month(), date.day());
            let short = MONTH_SHORT[date.month0() as usize];
            let forms = [
                format!("{d:02}-{short}-{:02}", y % 100),
                format!("{d} {short} {y}"),
                format!("{d} {}", format_long(date).split_once(' ').unwrap().1),
                format!("{d:02}.{m:02}.{:02}", y % 100),
                format!("{d}{} {} {y}", ordinal(d), MONTHS[date.month0() as usize].0),
                format!("{y}-{m:02}-{d:02}"),
                format!("{d:02}/{m:02}/{y}"),
            ];
            for form in forms {
                let parsed = parse_date(&form).unwrap();
                prop_assert_eq!(parsed.date, date, "{}", form);
                prop_assert!(!parsed.is_vague());
            }
        }

        #[test]
        fn month_and_year_is_the_last_day_of_that_month(y in 2000i32..2100, m in 1u32..=12) {
            let parsed = parse_date(&format!("by {} {y}", MONTHS[m as usize - 1].0)).unwrap();
            prop_assert_eq!(parsed.date.month(), m);
            prop_assert_eq!(parsed.date.succ_opt().unwrap().day(), 1);
            prop_assert!(parsed.is_vague());
        }

        #[test]
        fn the_parser_never_panics(text in "\\PC{0,40}") {
            let _ = parse_date(&text);
            let _ = parse_date_prefix(&text);
        }
    }
}
