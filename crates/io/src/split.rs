//! Splitting a cell of pasted progress notes into dated entries: "21 Nov 2014 - text",
//! "Update 23 Jan 2015 from Territorial Policing - text" and "26 Nov 2014 from Supt Operations
//! - text" each start an entry with its as-of date and author post.
//!
//! An entry starts only where a sentence could start (the start of the cell, a new line, or
//! after ". ") and only when the date is followed by a dash or colon, or by "from AUTHOR" and
//! then one. So "by 23 January 2015" and "on 30 January 2015. There is" never start one.

use chrono::NaiveDate;
use waymark_core::date::parse_date_prefix;

use crate::cells::could_start_a_date;

/// One entry of a cell, in the order the cell had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedEntry {
    /// The date that opened the entry; `None` for text before the first dated entry.
    pub date: Option<NaiveDate>,
    /// The post named after "from", as in "23 Jan 2015 from Contact Handling Manager - ...".
    pub author: Option<String>,
    /// The words that opened the entry, exactly as written ("Update 23 Jan 2015 from X -").
    pub heading: String,
    /// The note itself, trimmed.
    pub text: String,
}

/// Splits a cell into entries. Every word of the cell is in exactly one entry's heading or text,
/// so nothing a user wrote is lost.
pub fn split_dated_entries(cell: &str) -> Vec<DatedEntry> {
    split_dated_spans(cell)
        .into_iter()
        .map(|span| DatedEntry {
            date: span.date,
            author: span.author,
            heading: span.heading.to_string(),
            text: span.text.to_string(),
        })
        .collect()
}

/// A `DatedEntry` whose heading and text borrow from the cell, for callers that keep only
/// some entries' text and never the heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedSpan<'a> {
    pub date: Option<NaiveDate>,
    pub author: Option<String>,
    pub heading: &'a str,
    pub text: &'a str,
}

/// As `split_dated_entries`, borrowing from the cell.
pub fn split_dated_spans(cell: &str) -> Vec<DatedSpan<'_>> {
    let starts = entry_starts(cell);
    let mut entries = Vec::with_capacity(starts.len() + 1);
    let first_start = starts.first().map(|start| start.at).unwrap_or(cell.len());
    let before = cell[..first_start].trim();
    if !before.is_empty() {
        entries.push(DatedSpan {
            date: None,
            author: None,
            heading: "",
            text: before,
        });
    }
    let mut starts = starts.into_iter().peekable();
    while let Some(start) = starts.next() {
        let end = starts.peek().map(|next| next.at).unwrap_or(cell.len());
        entries.push(DatedSpan {
            date: Some(start.date),
            author: start.author,
            heading: cell[start.at..start.text_at].trim(),
            text: cell[start.text_at..end].trim(),
        });
    }
    entries
}

/// Where a dated entry starts, where its text starts, and what its heading says.
#[derive(Debug)]
struct EntryStart {
    at: usize,
    text_at: usize,
    date: NaiveDate,
    author: Option<String>,
}

/// Authors longer than this are a sentence, not a post.
const AUTHOR_MAX_CHARS: usize = 80;

fn entry_starts(cell: &str) -> Vec<EntryStart> {
    let mut starts: Vec<EntryStart> = Vec::new();
    let mut at_boundary = true;
    let mut after_stop = false;
    let mut skip_until = 0;
    for (index, ch) in cell.char_indices() {
        if index < skip_until {
            continue;
        }
        if ch == '\n' {
            at_boundary = true;
            after_stop = false;
            continue;
        }
        if ch.is_whitespace() {
            if after_stop {
                at_boundary = true;
            }
            after_stop = false;
            continue;
        }
        if at_boundary && let Some(start) = entry_at(cell, index) {
            skip_until = start.text_at;
            starts.push(start);
            at_boundary = false;
            after_stop = false;
            continue;
        }
        at_boundary = false;
        after_stop = matches!(ch, '.' | '!' | '?' | ';' | ')');
    }
    starts
}

/// Reads an entry heading at `at`: an optional "Update"/"Updated" and bullet, a day, an
/// optional "from AUTHOR", and a separator.
fn entry_at(cell: &str, at: usize) -> Option<EntryStart> {
    let mut pos = at;
    let rest = &cell[pos..];
    // A bullet before the date: "• 21 Nov 2014 - text".
    if let Some(stripped) = rest.strip_prefix(['•', '-', '*'])
        && stripped.starts_with(' ')
    {
        pos += rest.len() - stripped.len();
        pos += leading_spaces(&cell[pos..]);
    }
    for word in ["updated", "update"] {
        let rest = &cell[pos..];
        if rest.len() > word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
        {
            let after = &rest[word.len()..];
            let gap = after.len() - after.trim_start_matches([' ', ':']).len();
            if gap > 0 {
                pos += word.len() + gap;
                break;
            }
        }
    }
    if cell[pos..].starts_with(['[', '(']) {
        return bracketed_date_at(cell, at, pos);
    }
    if !could_start_a_date(&cell[pos..]) {
        return None;
    }
    let (date, date_len) =
        day_month_year_prefix(&cell[pos..]).or_else(|| parse_date_prefix(&cell[pos..]))?;
    let written = &cell[pos..pos + date_len];
    pos += date_len;
    // The separator may be glued to the date: "21/11/14: text", "8 Jan 2015- text".
    if cell[..pos].ends_with([':', '-', '–', '—']) {
        let after = cell[pos..].trim_start_matches([' ', '\n']);
        if cell[pos..].starts_with(char::is_whitespace) || after.is_empty() {
            return Some(EntryStart {
                at,
                text_at: cell.len() - after.len(),
                date,
                author: None,
            });
        }
        return None;
    }
    pos += cell[pos..].len() - cell[pos..].trim_start_matches([' ', ',']).len();
    let rest = &cell[pos..];
    if let Some(after) = separator(rest) {
        return Some(EntryStart {
            at,
            text_at: pos + (rest.len() - after.len()),
            date,
            author: None,
        });
    }
    if rest.starts_with('\n') {
        return Some(EntryStart {
            at,
            text_at: pos,
            date,
            author: None,
        });
    }
    // "14 March 2016 (DCI Smith): text": the author in brackets, then a separator.
    if let Some(inside) = rest.strip_prefix('(')
        && let Some(close) = find_in_line(inside, b')', AUTHOR_MAX_CHARS + 1)
        && close > 0
        && close <= AUTHOR_MAX_CHARS
        && let Some(after) = separator(inside[close + 1..].trim_start_matches(' '))
    {
        return Some(EntryStart {
            at,
            text_at: cell.len() - after.len(),
            date,
            author: Some(inside[..close].trim().to_string()),
        });
    }
    // A line that opens with a day written in figures and goes straight on to a sentence:
    // "14/03/16 Meeting held with partners". Only at a line's start, where a date that begins a
    // sentence ("31 March 2016 is the deadline") is not written in figures.
    let line_start = cell[..at].trim_end_matches(' ').is_empty()
        || cell[..at].trim_end_matches(' ').ends_with('\n');
    if line_start
        && written.starts_with(|c: char| c.is_ascii_digit())
        && written.contains(['/', '.'])
        && cell[pos..].starts_with(|c: char| c.is_uppercase())
        && cell[..pos].ends_with(' ')
    {
        return Some(EntryStart {
            at,
            text_at: pos,
            date,
            author: None,
        });
    }
    let after_from = strip_prefix_ignore_case(rest, "from ")?;
    pos += rest.len() - after_from.len();
    // The author runs to the first separator, within a line and a short distance.
    // Only the line's first characters are looked at, so a newline far off is not looked for:
    // every date in a long paragraph would otherwise scan the rest of it.
    let line = match find_in_line(after_from, b'\n', LINE_LOOKAHEAD_BYTES) {
        Some(end) => &after_from[..end],
        None => after_from,
    };
    for (offset, _) in line.char_indices().take(AUTHOR_MAX_CHARS) {
        let candidate = &line[offset..];
        if (candidate.starts_with(' ') || candidate.starts_with(':'))
            && let Some(after) = separator(candidate.trim_start_matches(' '))
        {
            let author = line[..offset].trim();
            if author.is_empty() || author.ends_with('.') {
                return None;
            }
            // `after` is a suffix of this first line, which starts where `after_from` does.
            let text_at = pos + (line.len() - after.len());
            return Some(EntryStart {
                at,
                text_at,
                date,
                author: Some(author.to_string()),
            });
        }
    }
    None
}

/// "21 Nov 2014" at the start of text, then a space or the end: the way most entries open,
/// read without `parse_date_prefix`'s lowercased copies and token lists. `None` leaves the
/// text to `parse_date_prefix`, and a day found here is the one it would find: with three
/// such words first, it tries them together before any shorter run.
fn day_month_year_prefix(text: &str) -> Option<(NaiveDate, usize)> {
    let mut words = text.splitn(4, ' ');
    let (day, month, year) = (words.next()?, words.next()?, words.next()?);
    let end = day.len() + month.len() + year.len() + 2;
    // The year must end a word as `parse_date_prefix` sees words.
    if !text[end..].chars().next().is_none_or(char::is_whitespace) {
        return None;
    }
    let figures = |word: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit()))
            .then(|| word.parse::<u32>().ok())
            .flatten()
    };
    let day = figures(day, 1..=2).filter(|d| (1..=31).contains(d))?;
    if month.len() < 3 || !month.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    // A month is any start of its name from three letters ("Sept", "Janu"), as the parser has it.
    let month = MONTHS.iter().position(|name| {
        name.len() >= month.len() && name[..month.len()].eq_ignore_ascii_case(month)
    })? as u32
        + 1;
    let year = figures(year, 4..=4).filter(|y| (1900..=2200).contains(y))? as i32;
    NaiveDate::from_ymd_opt(year, month, day).map(|date| (date, end))
}

/// An entry opening with a date in brackets: "[14/03/2016] text", "(14 Mar 2016) - text". The
/// brackets mark it as a heading, so no separator is needed after them.
fn bracketed_date_at(cell: &str, at: usize, open_at: usize) -> Option<EntryStart> {
    let close = if cell[open_at..].starts_with('[') {
        b']'
    } else {
        b')'
    };
    let inner = &cell[open_at + 1..];
    // A date in brackets is short: the closing bracket is looked for near the opening one, not
    // to the end of the line, which would make every bracket of a long paragraph scan the rest.
    let end = find_in_line(inner, close, BRACKETED_DATE_MAX_BYTES)?;
    let (date, date_len) = parse_date_prefix(inner[..end].trim_start())?;
    if !inner[..end].trim_start()[date_len..].trim().is_empty() {
        return None;
    }
    let after = inner[end + 1..].trim_start_matches(' ');
    let after = separator(after)
        .unwrap_or(after)
        .trim_start_matches([' ', '\n']);
    Some(EntryStart {
        at,
        text_at: cell.len() - after.len(),
        date,
        author: None,
    })
}

/// How far a bracketed date's closing bracket may be from its opening one.
const BRACKETED_DATE_MAX_BYTES: usize = 64;
/// How far ahead a newline ends the line an author is read from: beyond the 80 characters the
/// author may take (at most 4 bytes each) and the separator after it.
const LINE_LOOKAHEAD_BYTES: usize = 4 * AUTHOR_MAX_CHARS + 64;

/// The byte index of the ASCII `wanted` in `text`'s first line, looking at no more than
/// `within` bytes.
fn find_in_line(text: &str, wanted: u8, within: usize) -> Option<usize> {
    text.bytes()
        .take(within)
        .take_while(|&b| b == wanted || b != b'\n')
        .position(|b| b == wanted)
}

/// After a separator (a dash or colon followed by a space or the end), the text that follows.
fn separator(text: &str) -> Option<&str> {
    let after = text.strip_prefix(['-', '–', '—', ':'])?;
    let after = after.strip_prefix(['-', '–', '—']).unwrap_or(after);
    if after.is_empty() || after.starts_with(char::is_whitespace) {
        Some(after.trim_start_matches([' ', '\n']))
    } else {
        None
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    if text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&text[prefix.len()..])
    } else {
        None
    }
}

fn leading_spaces(text: &str) -> usize {
    text.len() - text.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The quick reading of "21 Nov 2014" finds only what the general one would.
        #[test]
        fn day_month_year_prefixes_agree_with_the_parser(
            text in "[0-9]{0,3} [A-Za-z]{0,10} [0-9]{1,5}([ \t\n,:-][ -~]{0,12})?"
        ) {
            if let Some(found) = day_month_year_prefix(&text) {
                prop_assert_eq!(Some(found), parse_date_prefix(&text));
            }
        }
    }

    #[test]
    fn day_month_year_prefixes_are_read() {
        assert_eq!(
            day_month_year_prefix("8 Sept 2015 - text"),
            Some((ymd(2015, 9, 8).unwrap(), 11))
        );
        assert_eq!(day_month_year_prefix("31 Feb 2015 - text"), None);
        assert_eq!(day_month_year_prefix("8 Ja 2015"), None);
        assert_eq!(day_month_year_prefix("8 Jan 2015-"), None);
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_three_entries_of_seed_000_row_12_split_with_dates_and_authors() {
        let cell = "21 Nov 2014 - All BTP officers have access. Plans are in place by March 2015. \
                    Update 23 Jan 2015 from Territorial Policing - it is unlikely that this will \
                    be in place by March 2015. 8 Jan 2015 from Op Trafalgar - As part of the review.";
        let entries = split_dated_entries(cell);
        assert_eq!(entries.len(), 3, "{entries:#?}");
        assert_eq!(entries[0].date, ymd(2014, 11, 21));
        assert_eq!(
            entries[0].text,
            "All BTP officers have access. Plans are in place by March 2015."
        );
        assert_eq!(entries[1].date, ymd(2015, 1, 23));
        assert_eq!(entries[1].author.as_deref(), Some("Territorial Policing"));
        assert_eq!(
            entries[1].heading,
            "Update 23 Jan 2015 from Territorial Policing -"
        );
        assert!(entries[1].text.starts_with("it is unlikely"));
        assert_eq!(entries[2].date, ymd(2015, 1, 8));
        assert_eq!(entries[2].author.as_deref(), Some("Op Trafalgar"));
        assert_eq!(entries[2].text, "As part of the review.");
    }

    #[test]
    fn dates_inside_sentences_do_not_start_entries() {
        let cell = "8 Jan 2015 - Interviews will be complete by 23 January 2015. The analysis is \
                    for the meeting on 30 January 2015. There is more. 1 September 2015, all \
                    forces should act.";
        let entries = split_dated_entries(cell);
        assert_eq!(entries.len(), 1, "{entries:#?}");
        assert_eq!(entries[0].date, ymd(2015, 1, 8));
    }

    #[test]
    fn text_without_a_leading_date_is_one_undated_entry() {
        let entries = split_dated_entries("Ongoing work with partners.");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].date, None);
        let entries = split_dated_entries("Ongoing.\n21/11/14: Reviewed by board.");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].date, ymd(2014, 11, 21));
        assert_eq!(entries[1].text, "Reviewed by board.");
        assert!(split_dated_entries("  ").is_empty());
    }

    #[test]
    fn lists_and_line_breaks_start_entries() {
        let cell = "• 21 Nov 2014 - first\n• 26 Nov 2014 – second";
        let entries = split_dated_entries(cell);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].date, ymd(2014, 11, 26));
        assert_eq!(entries[1].text, "second");
    }

    #[test]
    fn bracketed_dates_authors_and_figures_at_a_line_start_open_entries() {
        let entries =
            split_dated_entries("[14/03/2016] Audit done. [21/04/2016] Next steps agreed.");
        assert_eq!(entries.len(), 2, "{entries:#?}");
        assert_eq!(entries[1].date, ymd(2016, 4, 21));
        assert_eq!(entries[1].text, "Next steps agreed.");
        let entries =
            split_dated_entries("Update (14/03/16): Panel met.\n(2 May 2016) - Report out.");
        assert_eq!(entries.len(), 2, "{entries:#?}");
        assert_eq!(entries[0].text, "Panel met.");
        assert_eq!(entries[1].date, ymd(2016, 5, 2));
        let entries = split_dated_entries("14 March 2016 (DCI Smith): Files reviewed.");
        assert_eq!(entries[0].author.as_deref(), Some("DCI Smith"));
        assert_eq!(entries[0].text, "Files reviewed.");
        let entries = split_dated_entries("14/03/16 Meeting held.\n21/04/16 Plan agreed.");
        assert_eq!(entries.len(), 2, "{entries:#?}");
        assert_eq!(entries[1].date, ymd(2016, 4, 21));
        // Within a sentence, or a date in words, it is not an entry.
        assert_eq!(
            split_dated_entries("31 March 2016 Is the deadline.").len(),
            1
        );
        assert_eq!(
            split_dated_entries("31 March 2016 is the deadline.")[0].date,
            None
        );
        assert_eq!(
            split_dated_entries("Work (due 14/03/16) continues.")[0].date,
            None
        );
    }

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    proptest! {
        #[test]
        fn splitting_keeps_every_word(
            parts in proptest::collection::vec(
                ("(Update )?[0-9]{1,2} (Jan|Nov|March) 20[0-9]{2}( from [A-Z][a-z]{2,8})? - ",
                 "[A-Za-z0-9 .,]{0,40}"),
                0..5),
            lead in "[A-Za-z .]{0,20}",
        ) {
            let mut cell = lead.clone();
            for (heading, text) in &parts {
                cell.push_str(". ");
                cell.push_str(heading);
                cell.push_str(text);
            }
            let entries = split_dated_entries(&cell);
            let rejoined: Vec<String> = entries
                .iter()
                .flat_map(|e| words(&e.heading).into_iter().chain(words(&e.text)))
                .collect();
            prop_assert_eq!(rejoined, words(&cell));
        }

        #[test]
        fn splitting_never_panics_and_keeps_words(cell in "\\PC{0,80}") {
            let entries = split_dated_entries(&cell);
            let rejoined: Vec<String> = entries
                .iter()
                .flat_map(|e| words(&e.heading).into_iter().chain(words(&e.text)))
                .collect();
            prop_assert_eq!(rejoined, words(&cell));
        }
    }
}
