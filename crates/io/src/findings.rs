//! What an import found wrong, each by row and column, so a user can fix the source or accept
//! it knowingly. Findings never stop an import: the good rows are kept and every bad one named.

use serde::Serialize;

/// The kinds of finding, with their short snake_case names used in JSON and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A table or sheet with no recognisable header row was skipped.
    NoHeaderRow,
    /// A row with content but no item text.
    MissingText,
    MissingDueDate,
    MissingOwner,
    /// A cell in a date column that is not a date.
    UnparseableDate,
    /// A date alone in a text column: the row's cells have slipped by one.
    ShiftedCells,
    /// The row's date of update is earlier than the newest dated entry in its updates.
    UpdateDateBeforeEntry,
    /// A cell's dated entries are not in date order (they are stored in date order).
    EntriesOutOfOrder,
    /// The same update text on several rows.
    DuplicateUpdateText,
    UnknownRag,
    /// A "Complete" cell that is neither yes nor no.
    UnknownComplete,
    /// A document paragraph that starts with a reference no item has.
    UnmatchedParagraph,
    /// A row of a re-imported file that matched an existing item only loosely.
    LooseMatch,
    /// A figure (target, baseline, actual) or an indicator setting (unit, direction, measure
    /// type) that cannot be read, or a setting that had to be assumed.
    BadFigure,
    /// The organisation already has a plan of the title a first import would give its new plan
    /// (about the whole file: row 0).
    PlanExists,
}

impl FindingKind {
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::NoHeaderRow => "no_header_row",
            FindingKind::MissingText => "missing_text",
            FindingKind::MissingDueDate => "missing_due_date",
            FindingKind::MissingOwner => "missing_owner",
            FindingKind::UnparseableDate => "unparseable_date",
            FindingKind::ShiftedCells => "shifted_cells",
            FindingKind::UpdateDateBeforeEntry => "update_date_before_entry",
            FindingKind::EntriesOutOfOrder => "entries_out_of_order",
            FindingKind::DuplicateUpdateText => "duplicate_update_text",
            FindingKind::UnknownRag => "unknown_rag",
            FindingKind::UnknownComplete => "unknown_complete",
            FindingKind::UnmatchedParagraph => "unmatched_paragraph",
            FindingKind::LooseMatch => "loose_match",
            FindingKind::BadFigure => "bad_figure",
            FindingKind::PlanExists => "plan_exists",
        }
    }
}

/// One thing found wrong, where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The row (or a document's paragraph) number as the user sees it, from 1; 0 when the
    /// finding is about the whole file.
    pub row: usize,
    /// The column's header as written ("Due Date"), or "" when the finding is about a row.
    pub column: String,
    pub kind: FindingKind,
    pub message: String,
    /// The sheet or table, when the file has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

impl Finding {
    pub fn new(row: usize, column: &str, kind: FindingKind, message: impl Into<String>) -> Self {
        Finding {
            row,
            column: column.to_string(),
            kind,
            message: message.into(),
            table: None,
        }
    }
}

/// "rows 18, 24 and 47": how messages list rows.
pub fn list_rows(rows: &[usize]) -> String {
    let words: Vec<String> = rows.iter().map(usize::to_string).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => format!("row {one}"),
        [init @ .., last] => format!("rows {} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_listed_in_plain_english() {
        assert_eq!(list_rows(&[3]), "row 3");
        assert_eq!(list_rows(&[18, 24, 47]), "rows 18, 24 and 47");
    }

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in [
            FindingKind::MissingDueDate,
            FindingKind::DuplicateUpdateText,
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
    }
}
