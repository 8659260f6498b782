//! What a file's source looks like whatever version of it is uploaded: its sheets' names and
//! each sheet's header row, not its content. The next quarter's copy of a tracker has other
//! rows, updates and RAG but the same sheets and columns, so the choices a person made when
//! importing one version (migration 0025) can be offered for the next.
//!
//! The header row is found here without the mapping or any correction, since those are what
//! the fingerprint looks up: it is the first of the rows near the top with the most cells of
//! words (a cell with a letter that is not a date), which a header row is in the trackers
//! Waymark reads, and which the title or notes above it and the figures below it are not.

use crate::header::normalise_header;
use crate::table::{Format, Table, Workbook};

/// How far down a sheet the header row is looked for.
const HEADER_SEARCH_ROWS: usize = 40;

/// A text naming the file's source: each sheet's name (a workbook's only; a CSV's is its file
/// name, which changes between versions) and its header row's cells, normalised so case and
/// spacing do not count. Two versions of a tracker give the same text; the application layer
/// keeps only a hash of it.
pub fn source_fingerprint(workbook: &Workbook) -> String {
    let named = !matches!(workbook.format, Format::Csv | Format::Tsv);
    let mut text = String::new();
    for table in &workbook.tables {
        if named {
            text.push_str(&normalise_header(table.name.as_deref().unwrap_or_default()));
        }
        text.push('\u{1e}');
        for cell in header_like_row(table) {
            text.push_str(&normalise_header(cell));
            text.push('\u{1f}');
        }
        text.push('\n');
    }
    text
}

/// The cells of the first of the rows near the top with the most cells of words.
fn header_like_row(table: &Table) -> Vec<&str> {
    let mut best: Option<(usize, &crate::table::Row)> = None;
    for row in table.rows.iter().take(HEADER_SEARCH_ROWS) {
        let words = row.filled().filter(|(_, cell)| is_words(cell)).count();
        if words > best.map_or(0, |(most, _)| most) {
            best = Some((words, row));
        }
    }
    best.map(|(_, row)| row.filled().map(|(_, cell)| cell.trim()).collect())
        .unwrap_or_default()
}

/// A cell of words: it has a letter, and is not a date written with a month's name.
fn is_words(cell: &str) -> bool {
    cell.chars().any(char::is_alphabetic) && crate::cells::lone_date(cell).is_none()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn book(format: Format, tables: Vec<Table>) -> Workbook {
        Workbook {
            file: "tracker.xlsx".into(),
            format,
            tables,
            preamble: Vec::new(),
        }
    }

    #[test]
    fn two_versions_of_a_tracker_have_one_fingerprint_and_another_layout_another() {
        let june = book(
            Format::Xlsx,
            vec![Table::of_rows(
                "Tracker",
                &[
                    &["Custody improvement plan: June 2026"],
                    &[],
                    &["Ref", "Action", "Lead", "Due", "RAG"],
                    &["1", "Review cells", "Insp Smith", "30/06/2026", "G"],
                ],
            )],
        );
        let september = book(
            Format::Xlsx,
            vec![Table::of_rows(
                "Tracker",
                &[
                    &["Custody improvement plan: September 2026"],
                    &[],
                    &["REF", "Action ", "Lead", "Due", "RAG"],
                    &["1", "Review cells", "Insp Smith", "30/06/2026", "Complete"],
                    &["2", "Train staff", "Sgt Jones", "31/12/2026", "A"],
                ],
            )],
        );
        assert_eq!(source_fingerprint(&june), source_fingerprint(&september));
        assert_eq!(
            source_fingerprint(&june),
            "tracker\u{1e}ref\u{1f}action\u{1f}lead\u{1f}due\u{1f}rag\u{1f}\n"
        );
        let renamed = book(
            Format::Xlsx,
            vec![Table::of_rows(
                "Custody",
                &[&["Ref", "Action", "Lead", "Due", "RAG"]],
            )],
        );
        assert_ne!(source_fingerprint(&june), source_fingerprint(&renamed));
        let other_columns = book(
            Format::Xlsx,
            vec![Table::of_rows(
                "Tracker",
                &[&["Ref", "Action", "Owner", "Due", "RAG"]],
            )],
        );
        assert_ne!(
            source_fingerprint(&june),
            source_fingerprint(&other_columns)
        );
    }

    #[test]
    fn a_csvs_name_is_not_part_of_its_source() {
        let rows: &[&[&str]] = &[
            &["Ref", "Action", "Lead"],
            &["1", "Review cells", "Insp Smith"],
        ];
        let first = book(Format::Csv, vec![Table::of_rows("tracker-q2", rows)]);
        let second = book(Format::Csv, vec![Table::of_rows("tracker-q3", rows)]);
        assert_eq!(source_fingerprint(&first), source_fingerprint(&second));
    }
}
