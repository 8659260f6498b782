//! What people type, read once: trimmed text with limits, optional fields, and days written
//! as people write them. Pages, the API and the CLI all hand their text to these.

use chrono::NaiveDate;

/// Why a required line was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    Missing,
    TooLong(usize),
}

impl LineProblem {
    /// The GOV.UK message, naming what was asked for: "Enter the plan's title".
    pub fn message(self, what: &str) -> String {
        match self {
            LineProblem::Missing => format!("Enter {what}"),
            LineProblem::TooLong(max) => {
                let mut chars = what.chars();
                let capital: String = match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                };
                format!("{capital} must be {max} characters or fewer")
            }
        }
    }
}

/// A required line of text, trimmed, at most `max` characters.
pub fn required_line(text: &str, max: usize) -> Result<String, LineProblem> {
    let text = text.trim();
    if text.is_empty() {
        Err(LineProblem::Missing)
    } else if text.chars().count() > max {
        Err(LineProblem::TooLong(max))
    } else {
        Ok(text.to_string())
    }
}

/// Trimmed text, or `None` when blank.
pub fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// Reads a day typed into a form or an API call: ISO, or as people write dates in the UK
/// ("8 Jan 2015", "08/01/2015"). Vague dates ("end of March") are not a day.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .or_else(|| {
            waymark_core::parse_date(text)
                .ok()
                .filter(|d| !d.is_vague())
                .map(|d| d.date)
        })
}

/// A progress update is a paragraph or a few, not a document: 10,000 characters is about four
/// pages of A4.
pub const MAX_UPDATE_CHARS: usize = 10_000;

/// A query or form value as given: trimmed, and `None` when it is missing or blank, so that
/// an empty `?rag=` reads as no filter.
pub fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_and_limited() {
        assert_eq!(required_line("  A plan ", 10), Ok("A plan".to_string()));
        assert_eq!(required_line("   ", 10), Err(LineProblem::Missing));
        assert_eq!(required_line("abcdef", 5), Err(LineProblem::TooLong(5)));
        assert_eq!(
            LineProblem::TooLong(5).message("the plan's title"),
            "The plan's title must be 5 characters or fewer"
        );
        assert_eq!(optional("  "), None);
    }

    #[test]
    fn days_read_as_people_write_them() {
        let day = NaiveDate::from_ymd_opt(2015, 1, 8);
        assert_eq!(parse_day("2015-01-08"), day);
        assert_eq!(parse_day("08/01/2015"), day);
        assert_eq!(parse_day("8 Jan 2015"), day);
        assert_eq!(parse_day("end of March 2015"), None);
    }
}
