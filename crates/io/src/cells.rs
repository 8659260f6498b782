//! Cells as users fill them in: spacing, bullet lists, dates written any way, RAG words and
//! their synonyms, yes/no columns, several owners in one cell, references with a title.

use std::borrow::Cow;

use chrono::NaiveDate;
use waymark_core::{FlexDate, Rag, parse_date, split_owners};

/// Tidies a cell without changing its words: line endings, non-breaking and repeated spaces,
/// blank lines at either end, and bullets written as "•", "-", "*" or "·" all become "• ".
pub fn clean_cell(raw: &str) -> String {
    clean_cell_cow(raw).into_owned()
}

/// As `clean_cell`, borrowing the cell when it is already tidy: most cells of a large file
/// are, and a copy of each is most of what reading them costs.
pub fn clean_cell_cow(raw: &str) -> Cow<'_, str> {
    let simple = if raw.is_ascii() {
        is_tidy_ascii(raw)
    } else {
        is_tidy(raw)
    };
    if simple {
        // The common case in a large file: a single tidy line.
        return Cow::Borrowed(raw.trim_matches(' '));
    }
    let text = raw.replace("\r\n", "\n").replace(
        ['\r', '\u{2028}', '\u{2029}', '\u{b}', '\u{c}', '\u{85}'],
        "\n",
    );
    // Markers become "•" first, so that breaking "• a • b" onto lines sees every bullet and a
    // second cleaning finds nothing more to do.
    let marked: Vec<String> = text.split('\n').map(tidy_line).collect();
    let text = break_inline_bullets(&marked.join("\n"));
    let lines: Vec<String> = text.split('\n').map(tidy_line).collect();
    // Keep single blank lines between paragraphs but not runs of them or blank ends.
    let mut kept: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        if line.is_empty() && kept.last().is_none_or(|last: &String| last.is_empty()) {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|line| line.is_empty()) {
        kept.pop();
    }
    Cow::Owned(kept.join("\n"))
}

/// Whether a cell is a single tidy line that cleaning leaves as it is, but for spaces at its
/// ends.
fn is_tidy(raw: &str) -> bool {
    !raw.chars()
        .any(|c| (c.is_whitespace() && c != ' ') || matches!(c, '•' | '·' | '\u{f0a7}'))
        && !raw.contains("  ")
        && !raw.trim_start().starts_with(['-', '*', 'o'])
}

/// `is_tidy` for ASCII text, in one pass over its bytes: most cells of a large file.
fn is_tidy_ascii(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    // The ASCII characters `char::is_whitespace` knows are the space and b'\t'..=b'\r'.
    !bytes.iter().any(|b| matches!(b, b'\t'..=b'\r'))
        && !bytes.windows(2).any(|pair| pair == b"  ")
        && !raw.trim_start_matches(' ').starts_with(['-', '*', 'o'])
}

/// An exact day written alone in a cell ("23-Jan-15"), as the shifted rows of a tracker leave
/// in a text column. Periods ("March 2015") are not lone dates: they are often real text.
pub fn lone_date(cell: &str) -> Option<NaiveDate> {
    let trimmed = cell.trim();
    if trimmed.is_empty() || trimmed.len() > 24 || trimmed.contains('\n') {
        return None;
    }
    // Most cells are names and sentences: reject them before the full parser allocates.
    if !could_start_a_date(trimmed) {
        return None;
    }
    match parse_date(trimmed) {
        Ok(date) if !date.is_vague() => Some(date.date),
        _ => None,
    }
}

/// A date cell: `Ok(None)` when blank, an error quoting the text when it is not a date.
pub fn parse_date_cell(cell: &str) -> Result<Option<FlexDate>, String> {
    let trimmed = cell.trim();
    if trimmed.is_empty() || is_placeholder(trimmed) {
        return Ok(None);
    }
    if let Some(date) = excel_serial_date(trimmed) {
        return Ok(Some(FlexDate::exact(date)));
    }
    if let Some(date) = numeric_day(trimmed) {
        return Ok(Some(FlexDate::exact(date)));
    }
    parse_date(trimmed)
        .map(Some)
        .map_err(|error| error.to_string())
}

/// A day written in figures, day first ("31/03/2016", "8-1-15", "15.04.11"): the form most
/// date columns hold, read without the general parser's lowercased copy and token list. It
/// takes only what `parse_date` would read as that same day; anything else is left to it.
fn numeric_day(cell: &str) -> Option<NaiveDate> {
    let mut parts = cell.split(['/', '-', '.']);
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let figures = |part: &str, lengths: &[usize]| {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let day = figures(day, &[1, 2])?;
    let month = figures(month, &[1, 2]).filter(|m| (1..=12).contains(m))?;
    let year = match year.len() {
        2 => 2000 + figures(year, &[2])? as i32,
        _ => figures(year, &[4])
            .map(|y| y as i32)
            .filter(|y| (1900..=2200).contains(y))?,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Excel's serial number for a day (42460 is 31 March 2016), as a date cell formatted
/// "General" or a CSV saved from it shows. Only whole numbers from 1982 to 2118 are taken, so
/// a year or a count is never read as a day.
fn excel_serial_date(cell: &str) -> Option<NaiveDate> {
    let whole = cell.strip_suffix(".0").unwrap_or(cell);
    if whole.len() != 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: u64 = whole.parse().ok()?;
    if !(30_000..=80_000).contains(&serial) {
        return None;
    }
    // Serials count from 30 December 1899, allowing for Excel's phantom 29 February 1900.
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial))
}

/// A RAG cell. Besides the core synonyms it reads a word followed by a note ("Green - on track",
/// "Amber (slipped)") by its first word. Unknown words are an error quoting the word.
pub fn parse_rag_cell(cell: &str) -> Result<Option<Rag>, String> {
    let trimmed = cell.trim();
    if let Some(rag) = status_words(trimmed) {
        return Ok(rag);
    }
    match Rag::parse(trimmed) {
        Ok(rag) => Ok(rag),
        Err(error) => {
            let first = trimmed
                .split(|c: char| c.is_whitespace() || matches!(c, '-' | '(' | ',' | ':' | '/'))
                .find(|word| !word.is_empty())
                .unwrap_or("");
            match Rag::parse(first) {
                Ok(Some(rag)) if first.len() > 1 => Ok(Some(rag)),
                _ => Err(error.to_string()),
            }
        }
    }
}

/// Status words some trackers put in their RAG column instead of colours.
fn status_words(cell: &str) -> Option<Option<Rag>> {
    let lower = cell.to_ascii_lowercase();
    let rag = match lower.trim_end_matches('.') {
        "on track" | "on target" | "on schedule" | "progressing" => Some(Rag::Green),
        "at risk" | "some slippage" | "slipping" | "minor delay" => Some(Rag::Amber),
        "off track" | "delayed" | "behind" | "behind schedule" | "overdue" | "not achieved" => {
            Some(Rag::Red)
        }
        "achieved" | "discharged" | "c" | "implemented" | "finished" => Some(Rag::Blue),
        "not started" | "not yet started" | "not due" | "not yet due" => None,
        _ => return None,
    };
    Some(rag)
}

/// What a "Complete" cell says: done or not, and the day if it gives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    pub complete: bool,
    pub on: Option<NaiveDate>,
}

/// A yes/no cell. A date in it means complete on that day. Anything else is an error quoting
/// the text.
pub fn parse_complete_cell(cell: &str) -> Result<Completion, String> {
    let trimmed = cell.trim();
    let lower = trimmed.to_ascii_lowercase();
    let complete = match lower.trim_end_matches('.') {
        "" | "no" | "n" | "false" | "0" | "open" | "not complete" | "incomplete" | "ongoing"
        | "in progress" | "-" | "n/a" | "na" => Some(false),
        // A status column read as the complete column says how an open item is going.
        "not started" | "not yet started" | "started" | "on hold" | "pending" | "underway"
        | "under way" | "in hand" | "on track" | "at risk" | "delayed" | "overdue"
        | "open - in progress" | "live" | "active" | "not due" | "not yet due" | "planned"
        | "proposed" => Some(false),
        "yes" | "y" | "true" | "1" | "complete" | "completed" | "closed" | "done" | "x"
        | "achieved" | "implemented" | "finished" | "complete - closed" => Some(true),
        _ => None,
    };
    if let Some(complete) = complete {
        return Ok(Completion { complete, on: None });
    }
    if let Some(date) = lone_date(trimmed) {
        return Ok(Completion {
            complete: true,
            on: Some(date),
        });
    }
    Err(format!(
        "\"{trimmed}\" is not yes or no (expected Yes, No, Complete or a date)"
    ))
}

/// Owner posts in a cell: "Head of Transformation / Head of Technology" is two posts, and so
/// is "Head of Crime; Head of Operations" (a comma is not a break: "Infrastructure Manager,
/// Technology" is one post).
pub fn parse_owner_cell(cell: &str) -> Vec<String> {
    cell.split(';')
        .flat_map(split_owners)
        .map(|owner| match owner.trim_start_matches("• ") {
            // Most posts have no bullet: keep the string `split_owners` made.
            trimmed if trimmed.len() == owner.len() => owner,
            trimmed => trimmed.to_string(),
        })
        .filter(|owner| !owner.is_empty())
        .collect()
}

/// Splits a leading item number from a title: "1. To strengthen neighbourhood policing" is
/// reference "1" and text "To strengthen neighbourhood policing". "Objective 2: Reduce crime"
/// is reference "2". Text without a leading number is returned whole.
pub fn split_numbered_title(title: &str) -> (Option<String>, String) {
    let trimmed = title.trim();
    let mut words = trimmed.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or("");
    let rest = words.next().unwrap_or("").trim();
    if let Some(number) = numbered_reference(first)
        && !rest.is_empty()
    {
        return (
            Some(number),
            rest.trim_start_matches(['-', '–', ':']).trim().to_string(),
        );
    }
    // "Objective 2: Reduce crime", "Priority 3 - Protect"
    let mut parts = trimmed.splitn(3, char::is_whitespace);
    if let (Some(_label), Some(number), Some(rest)) = (parts.next(), parts.next(), parts.next())
        && let Some(number) = numbered_reference(number)
    {
        let rest = rest.trim_start_matches(['-', '–', ':']).trim();
        if !rest.is_empty() && (number.len() < trimmed.len()) {
            return (Some(number), rest.to_string());
        }
    }
    (None, trimmed.to_string())
}

/// A reference that numbers items: "1", "1.1", "2.3a", "4.1.2", "3)" or "1." (with the
/// punctuation dropped). `None` for anything else.
pub fn numbered_reference(word: &str) -> Option<String> {
    let core = word.trim().trim_end_matches(['.', ')', ':']);
    if core.is_empty() || core.len() > 16 {
        return None;
    }
    let mut parts = core.split('.');
    let mut count = 0;
    for part in parts.by_ref() {
        count += 1;
        let digits = part.trim_end_matches(|c: char| c.is_ascii_lowercase());
        let letters = part.len() - digits.len();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || letters > 1 {
            return None;
        }
    }
    (count > 0).then(|| core.to_string())
}

/// The number of the item a numbered reference sits under: "1.1" is under "1", "2.3a" under
/// "2.3", "4.1.2" under "4.1". `None` for a top-level number.
pub fn parent_reference(reference: &str) -> Option<String> {
    let reference = numbered_reference(reference)?;
    if let Some(stripped) = reference.strip_suffix(|c: char| c.is_ascii_lowercase()) {
        return Some(stripped.to_string());
    }
    reference
        .rsplit_once('.')
        .map(|(parent, _)| parent.to_string())
}

/// Whether text can start with a day: a digit, or the first three letters of a month ("March
/// 31 2015"). A cheap test that spares the date parser most cells and sentence starts.
pub fn could_start_a_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_digit() => true,
        Some(b) if b.is_ascii_alphabetic() && bytes.len() >= 3 => {
            let start = [
                bytes[0].to_ascii_lowercase(),
                bytes[1].to_ascii_lowercase(),
                bytes[2].to_ascii_lowercase(),
            ];
            const MONTHS: [&[u8; 3]; 12] = [
                b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct",
                b"nov", b"dec",
            ];
            MONTHS.iter().any(|month| **month == start)
        }
        _ => false,
    }
}

/// Words users put in a cell to say it is empty.
fn is_placeholder(text: &str) -> bool {
    // Compared in place: every date cell passes through here.
    ["-", "n/a", "na", "tbc", "tba", "none", "?"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
}

/// "• first • second" written on one line becomes a list of lines.
fn break_inline_bullets(text: &str) -> String {
    if text.matches('•').count() < 2 {
        return text.to_string();
    }
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let mut pieces = line.split('•');
        let first = pieces.next().unwrap_or("");
        let mut current = first.trim_end().to_string();
        let mut pushed_any = false;
        for piece in pieces {
            if !current.trim().is_empty() || pushed_any {
                lines.push(std::mem::take(&mut current));
            }
            pushed_any = true;
            current = format!("•{}", piece.trim_end());
        }
        lines.push(current);
    }
    lines.join("\n")
}

fn tidy_line(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let joined = words.join(" ");
    for marker in ["• ", "•", "· ", "- ", "* ", "\u{f0a7} ", "o "] {
        if let Some(rest) = joined.strip_prefix(marker) {
            // "o " is a bullet only when what follows starts a sentence.
            if marker == "o " && !rest.starts_with(|c: char| c.is_uppercase()) {
                break;
            }
            let rest = rest.trim_start();
            if rest.is_empty() {
                return joined;
            }
            return format!("• {rest}");
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The quick reading of a day in figures finds only what the general parser would.
        #[test]
        fn numeric_days_agree_with_the_parser(
            text in "[0-9]{0,3}[/.-][0-9]{0,3}[/.-][0-9]{0,5}"
        ) {
            if let Some(day) = numeric_day(&text) {
                prop_assert_eq!(Ok(FlexDate::exact(day)), parse_date(&text));
            }
        }

        #[test]
        fn tidy_ascii_is_told_apart_as_before(text in "( |\\t|\\x0b|\\x1c|-|o|\\*|[\\x00-\\x7f]){0,12}") {
            prop_assert_eq!(is_tidy_ascii(&text), is_tidy(&text));
        }
    }

    #[test]
    fn numeric_days_are_read() {
        assert_eq!(numeric_day("31/03/2016"), Some(ymd(2016, 3, 31)));
        assert_eq!(numeric_day("8-1-15"), Some(ymd(2015, 1, 8)));
        assert_eq!(numeric_day("31/02/2016"), None);
        assert_eq!(numeric_day("1/13/2016"), None);
        assert_eq!(numeric_day("1/1/1850"), None);
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn cleaning_keeps_words_and_makes_lists() {
        assert_eq!(clean_cell("  Head of Crime  "), "Head of Crime");
        assert_eq!(
            clean_cell("Actions:\r\n- first\r\n* second\r\n\r\n\r\n• third"),
            "Actions:\n• first\n• second\n\n• third"
        );
        assert_eq!(clean_cell("• one • two"), "• one\n• two");
        assert_eq!(clean_cell("a\u{a0} b"), "a b");
        // Idempotent, so an exported list re-imports unchanged.
        let once = clean_cell("- a\n- b");
        assert_eq!(clean_cell(&once), once);
    }

    #[test]
    fn excel_serial_numbers_in_date_cells_are_days() {
        let due = parse_date_cell("42460").unwrap().unwrap();
        assert_eq!(due, FlexDate::exact(ymd(2016, 3, 31)));
        assert_eq!(
            parse_date_cell("42460.0").unwrap().unwrap().date,
            ymd(2016, 3, 31)
        );
        assert!(parse_date_cell("12345").is_err());
    }

    #[test]
    fn lone_dates_are_days_only() {
        assert_eq!(lone_date("23-Jan-15"), Some(ymd(2015, 1, 23)));
        assert_eq!(lone_date(" 2015-01-23 "), Some(ymd(2015, 1, 23)));
        assert_eq!(lone_date("March 2015"), None);
        assert_eq!(lone_date("Head of Crime"), None);
    }

    #[test]
    fn rag_cells_read_synonyms_and_notes() {
        assert_eq!(parse_rag_cell("Orange"), Ok(Some(Rag::Amber)));
        assert_eq!(parse_rag_cell("Green - on track"), Ok(Some(Rag::Green)));
        assert_eq!(parse_rag_cell(""), Ok(None));
        assert_eq!(parse_rag_cell("On track"), Ok(Some(Rag::Green)));
        assert_eq!(parse_rag_cell("At risk"), Ok(Some(Rag::Amber)));
        assert_eq!(parse_rag_cell("Delayed"), Ok(Some(Rag::Red)));
        assert_eq!(parse_rag_cell("Not started"), Ok(None));
        assert!(parse_rag_cell("Purple").unwrap_err().contains("Purple"));
        // A single letter followed by words is not a RAG.
        assert!(parse_rag_cell("A lot").is_err());
    }

    #[test]
    fn complete_cells_read_yes_no_and_dates() {
        assert!(parse_complete_cell("Yes").unwrap().complete);
        assert!(!parse_complete_cell("").unwrap().complete);
        assert_eq!(
            parse_complete_cell("31-Mar-15").unwrap().on,
            Some(ymd(2015, 3, 31))
        );
        assert!(parse_complete_cell("maybe").is_err());
        assert!(!parse_complete_cell("Not started").unwrap().complete);
        assert!(parse_complete_cell("Achieved").unwrap().complete);
    }

    #[test]
    fn numbered_titles_split_into_reference_and_text() {
        assert_eq!(
            split_numbered_title("1. To strengthen neighbourhood policing"),
            (
                Some("1".to_string()),
                "To strengthen neighbourhood policing".to_string()
            )
        );
        assert_eq!(
            split_numbered_title("Objective 2: Reduce crime"),
            (Some("2".to_string()), "Reduce crime".to_string())
        );
        assert_eq!(
            split_numbered_title("Reduce crime"),
            (None, "Reduce crime".to_string())
        );
    }

    #[test]
    fn references_know_their_parents() {
        assert_eq!(parent_reference("1.1"), Some("1".to_string()));
        assert_eq!(parent_reference("2.3a"), Some("2.3".to_string()));
        assert_eq!(parent_reference("4.1.2"), Some("4.1".to_string()));
        assert_eq!(parent_reference("1"), None);
        assert_eq!(parent_reference("pg 54 paragraph 3.41"), None);
        assert_eq!(numbered_reference("1.1."), Some("1.1".to_string()));
        assert_eq!(numbered_reference("Recommendation"), None);
    }

    #[test]
    fn owners_split_into_posts() {
        assert_eq!(
            parse_owner_cell("Head of SDD / Head of Analysis and Performance"),
            vec!["Head of SDD", "Head of Analysis and Performance"]
        );
        assert_eq!(
            parse_owner_cell("DCI Major Crime; Head of Forensics"),
            vec!["DCI Major Crime", "Head of Forensics"]
        );
        assert_eq!(
            parse_owner_cell("Infrastructure Manager, Technology"),
            vec!["Infrastructure Manager, Technology"]
        );
    }
}
