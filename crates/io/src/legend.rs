//! Keys and legends: the lines a tracker writes to say what its letters and words mean ("RAG:
//! G = on track, A = some risk, R = off track, C = complete", or a "Key" table of two
//! columns on a guidance sheet). The import reads the table's status cells by them, so a
//! letter the key defines is never reported as unreadable, and says which key it applied.

use waymark_core::Rag;

use crate::cells::clean_cell;
use crate::header::normalise_header;
use crate::table::{Row, Table};

/// One code a key defines.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEntry {
    /// The code as the key writes it: "C", "G", "On hold".
    pub code: String,
    /// What the key says it means, as written.
    pub meaning: String,
    /// The RAG the meaning names; `None` for "not started" and the like.
    pub rag: Option<Rag>,
    /// The sheet and row the key was read from.
    pub table: Option<String>,
    pub row: usize,
}

/// The codes every key of a workbook defines. The first definition of a code wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Legend {
    pub entries: Vec<KeyEntry>,
}

impl Legend {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What a status cell means by the key, when the key defines it.
    pub fn lookup(&self, cell: &str) -> Option<&KeyEntry> {
        let wanted = normalise_code(cell);
        if wanted.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .find(|entry| normalise_code(&entry.code) == wanted)
    }

    fn add(&mut self, entry: KeyEntry) {
        if self.lookup(&entry.code).is_none() {
            self.entries.push(entry);
        }
    }
}

/// Rows of a sheet searched for key lines: keys sit above or below the table, or on a sheet of
/// their own, so the first and last rows of each sheet are enough.
const EDGE_ROWS: usize = 80;

/// Reads every key line in the workbook's tables.
pub fn find_legend<'t>(tables: impl IntoIterator<Item = &'t Table>) -> Legend {
    let mut legend = Legend::default();
    for table in tables {
        let rows = &table.rows;
        let head = rows.len().min(EDGE_ROWS);
        let tail_start = rows.len().saturating_sub(EDGE_ROWS).max(head);
        let key_sheet = table.name.as_deref().is_some_and(names_a_key);
        let mut under_key_heading = false;
        for row in rows[..head].iter().chain(&rows[tail_start..]) {
            let filled: Vec<String> = row.filled().map(|(_, cell)| clean_cell(cell)).collect();
            match filled.as_slice() {
                [] => under_key_heading = false,
                [line] => {
                    let entries = key_line(line);
                    if entries.is_empty() {
                        under_key_heading = names_a_key(line.trim_end_matches(':'));
                    }
                    for (code, meaning, rag) in entries {
                        legend.add(entry(table, row, code, meaning, rag));
                    }
                }
                // A two-column key ("G | On track") on a key sheet or under a "Key" heading.
                [code, meaning] if key_sheet || under_key_heading => {
                    if is_code(code)
                        && let Some(rag) = meaning_rag(meaning)
                    {
                        legend.add(entry(table, row, code.clone(), meaning.clone(), rag));
                    }
                }
                cells => {
                    for cell in cells {
                        for (code, meaning, rag) in key_line(cell) {
                            legend.add(entry(table, row, code, meaning, rag));
                        }
                    }
                }
            }
        }
    }
    legend
}

/// Whether a lone cell is a key line, so that the table's reader skips it rather than making
/// it an item.
pub fn is_key_line(line: &str) -> bool {
    !key_line(line).is_empty()
}

fn entry(table: &Table, row: &Row, code: String, meaning: String, rag: Option<Rag>) -> KeyEntry {
    KeyEntry {
        code,
        meaning,
        rag,
        table: table.name.clone(),
        row: row.number,
    }
}

fn names_a_key(text: &str) -> bool {
    let words = normalise_header(text);
    words.split(' ').count() <= 4
        && words
            .split(' ')
            .any(|word| matches!(word, "key" | "legend" | "guidance" | "definitions"))
}

/// The definitions in one line: "RAG: G = on track, A = some risk" gives two. A line counts as
/// a key only when it defines at least two codes with `=`, or starts with a key label ("Key:",
/// "RAG key -") and defines at least two with `=`, `-` or `:`.
fn key_line(line: &str) -> Vec<(String, String, Option<Rag>)> {
    let trimmed = line.trim();
    let (labelled, body) = match trimmed.split_once(':') {
        Some((label, rest))
            if label.split_whitespace().count() <= 4
                && (names_a_key(label)
                    || normalise_header(label).ends_with("rag")
                    || normalise_header(label).ends_with("status")) =>
        {
            (true, rest)
        }
        _ => (false, trimmed),
    };
    let mut found = Vec::new();
    for part in body.split([',', ';', '\n', '|']) {
        let part = part.trim();
        let split = part.split_once('=').or_else(|| {
            labelled
                .then(|| {
                    part.split_once(" - ")
                        .or_else(|| part.split_once(" \u{2013} "))
                        .or_else(|| part.split_once(':'))
                })
                .flatten()
        });
        let Some((code, meaning)) = split else {
            continue;
        };
        let (code, meaning) = (code.trim(), meaning.trim());
        if !is_code(code) || meaning.is_empty() {
            continue;
        }
        if let Some(rag) = meaning_rag(meaning) {
            found.push((code.to_string(), meaning.to_string(), rag));
        }
    }
    if found.len() >= 2 { found } else { Vec::new() }
}

/// A code a status cell may hold: a letter or two, or a short word or two.
fn is_code(code: &str) -> bool {
    let code = code.trim();
    !code.is_empty()
        && code.chars().count() <= 20
        && code.split_whitespace().count() <= 2
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '/')
}

fn normalise_code(code: &str) -> String {
    code.trim().trim_end_matches('.').to_lowercase()
}

/// The RAG a key's meaning names: a colour word, else what the words say of progress.
/// `Some(None)` for meanings that name no RAG ("not started"); `None` when the words say
/// nothing a RAG could follow from.
pub fn meaning_rag(meaning: &str) -> Option<Option<Rag>> {
    let words = normalise_header(meaning);
    let has = |phrase: &str| format!(" {words} ").contains(&format!(" {phrase} "));
    let colours = [
        ("blue", Rag::Blue),
        ("red", Rag::Red),
        ("amber", Rag::Amber),
        ("green", Rag::Green),
    ];
    if let Some((_, rag)) = colours.iter().find(|(word, _)| has(word)) {
        return Some(Some(*rag));
    }
    if [
        "not started",
        "not yet started",
        "not due",
        "not assessed",
        "not yet due",
    ]
    .iter()
    .any(|p| has(p))
    {
        return Some(None);
    }
    let red = [
        "off track",
        "not on track",
        "significant risk",
        "high risk",
        "serious",
        "behind",
        "delayed",
        "will not be met",
        "not achieved",
        "missed",
    ];
    if red.iter().any(|p| has(p)) {
        return Some(Some(Rag::Red));
    }
    if ["not complete", "incomplete"].iter().any(|p| has(p)) {
        return None;
    }
    let blue = [
        "complete",
        "completed",
        "closed",
        "achieved",
        "done",
        "discharged",
        "implemented",
        "finished",
    ];
    if blue.iter().any(|p| has(p)) {
        return Some(Some(Rag::Blue));
    }
    let amber = [
        "some risk",
        "at risk",
        "risk",
        "some concern",
        "concern",
        "slippage",
        "slipping",
        "minor",
        "some delay",
        "issues",
    ];
    if amber.iter().any(|p| has(p)) {
        return Some(Some(Rag::Amber));
    }
    let green = [
        "on track",
        "on target",
        "on schedule",
        "progressing",
        "no issues",
    ];
    if green.iter().any(|p| has(p)) {
        return Some(Some(Rag::Green));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guidance_line_defines_its_letters() {
        let legend = find_legend(&[Table::of_rows(
            "Guidance",
            &[
                &["How to fill in the tracker"],
                &["RAG: G = on track, A = some risk, R = off track, C = complete"],
            ],
        )]);
        let rag = |code: &str| legend.lookup(code).map(|entry| entry.rag);
        assert_eq!(rag("G"), Some(Some(Rag::Green)));
        assert_eq!(rag("a"), Some(Some(Rag::Amber)));
        assert_eq!(rag("R"), Some(Some(Rag::Red)));
        assert_eq!(rag("C"), Some(Some(Rag::Blue)));
        assert_eq!(rag("X"), None);
        let c = legend.lookup("C").unwrap();
        assert_eq!((c.table.as_deref(), c.row), (Some("Guidance"), 2));
        assert_eq!(c.meaning, "complete");
    }

    #[test]
    fn a_key_table_of_two_columns_under_a_heading() {
        let legend = find_legend(&[Table::of_rows(
            "Tracker",
            &[
                &["Key"],
                &["B", "Behind schedule"],
                &["OT", "On track"],
                &["NS", "Not started"],
                &[],
                &["Action", "Owner"],
            ],
        )]);
        assert_eq!(legend.lookup("B").unwrap().rag, Some(Rag::Red));
        assert_eq!(legend.lookup("ot").unwrap().rag, Some(Rag::Green));
        assert_eq!(legend.lookup("NS").unwrap().rag, None);
        assert!(legend.lookup("Action").is_none());
    }

    #[test]
    fn prose_is_not_a_key() {
        assert!(!is_key_line("Progress = slow, see the minutes"));
        assert!(!is_key_line("Owner: Head of Crime"));
        assert!(is_key_line("Key: R - off track; A - at risk; G - on track"));
        assert_eq!(meaning_rag("not complete"), None);
        assert_eq!(
            meaning_rag("Complete (closed by the board)"),
            Some(Some(Rag::Blue))
        );
    }
}
