//! What an import found wrong, each by row and column, so a user can fix the source or accept
//! it knowingly. Findings never stop an import: the good rows are kept and every bad one named.

use std::borrow::Cow;

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
    /// The workbook's key defined the letters or words of its status column, and the import
    /// read them by it (about the key's row).
    KeyApplied,
    /// A status cell's word and its fill colour name different RAGs; the word is used.
    ColourDisagrees,
    /// The RAG column's fill colours were read as RAG (about the whole column).
    ColoursRead,
    /// A column Waymark has no field for, kept as the items' own field (about the header).
    OwnColumnKept,
    /// A re-imported row's empty cell left what the plan holds as it was: an empty cell is
    /// not a statement.
    EmptyCellKept,
    /// A re-imported row's back-dated change or update comes before a later one the plan
    /// already holds, which stays in force (or the latest).
    Overtaken,
    /// The periods an indicator table's period columns (P1 … P13, Apr … Mar, Q1 … Q4) were
    /// read as, and those found blank: not yet reported (about the header row).
    PeriodsFound,
    /// A rule stated in the notes above an indicator table (the RAG tolerance) was read and
    /// applied to its indicators (about the note's row).
    RuleRead,
    /// Nothing in an indicator table says which way is better for an indicator (no Better or
    /// Polarity column value, no "reduce" or "increase" in its name or target): it is not
    /// guessed, and the import asks for it (about the indicator's first row).
    DirectionMissing,
    /// An objective the table names was taken to be one of the plan's items written another
    /// way (by its reference, or by meaning): the finding names both, for the user to confirm.
    ObjectiveMatched,
    /// An objective the table names could be any of several of the plan's items; a new one
    /// was made rather than a guess.
    ObjectiveAmbiguous,
    /// A money cell that is neither an amount nor a word for "not known" ("lots", "£2.4q").
    UnreadableMoney,
    /// A money cell that says the amount is not known ("tbc", "xxx"): counted, never zero.
    UnknownAmount,
    /// A programme register's cell names an organisation Waymark does not have.
    UnknownOrganisation,
    /// What a programme register says, read: its projects, its contributions, its team's
    /// cost and how it is shared (about the whole file, or the row that says it).
    ProgrammeRead,
    /// A re-imported row (or a choice to close what the file no longer has) would close an
    /// item of a level whose closing needs evidence or sign-off: it stays open.
    ClosureHeld,
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
            FindingKind::KeyApplied => "key_applied",
            FindingKind::ColourDisagrees => "colour_disagrees",
            FindingKind::ColoursRead => "colours_read",
            FindingKind::OwnColumnKept => "own_column_kept",
            FindingKind::EmptyCellKept => "empty_cell_kept",
            FindingKind::Overtaken => "overtaken",
            FindingKind::PeriodsFound => "periods_found",
            FindingKind::RuleRead => "rule_read",
            FindingKind::DirectionMissing => "direction_missing",
            FindingKind::ObjectiveMatched => "objective_matched",
            FindingKind::ObjectiveAmbiguous => "objective_ambiguous",
            FindingKind::UnreadableMoney => "unreadable_money",
            FindingKind::UnknownAmount => "unknown_amount",
            FindingKind::UnknownOrganisation => "unknown_organisation",
            FindingKind::ProgrammeRead => "programme_read",
            FindingKind::ClosureHeld => "closure_held",
        }
    }

    /// The words the import page and the command line's summary show for the kind.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::NoHeaderRow => "No header row",
            FindingKind::MissingText => "Missing text",
            FindingKind::MissingDueDate => "Missing due date",
            FindingKind::MissingOwner => "Missing owner",
            FindingKind::UnparseableDate => "Unparseable date",
            FindingKind::ShiftedCells => "Cells shifted by one",
            FindingKind::UpdateDateBeforeEntry => "Date of update earlier than an entry",
            FindingKind::EntriesOutOfOrder => "Entries out of order",
            FindingKind::DuplicateUpdateText => "Same update on several rows",
            FindingKind::UnknownRag => "Unknown RAG status",
            FindingKind::UnknownComplete => "Unknown complete",
            FindingKind::UnmatchedParagraph => "Unmatched paragraph",
            FindingKind::LooseMatch => "Loose match",
            FindingKind::BadFigure => "Bad figure",
            FindingKind::PlanExists => "A plan of this name exists",
            FindingKind::KeyApplied => "Key applied",
            FindingKind::ColourDisagrees => "Word and colour disagree",
            FindingKind::ColoursRead => "RAG read from colours",
            FindingKind::OwnColumnKept => "Column kept as the items' own field",
            FindingKind::EmptyCellKept => "Empty cell: the plan's value kept",
            FindingKind::Overtaken => "Back-dated, overtaken by a later change",
            FindingKind::PeriodsFound => "Periods found",
            FindingKind::RuleRead => "Rule read from the notes",
            FindingKind::DirectionMissing => "Which way is better is not stated",
            FindingKind::ObjectiveMatched => "Objective matched to the plan's",
            FindingKind::ObjectiveAmbiguous => "Objective could be several of the plan's",
            FindingKind::UnreadableMoney => "Money that cannot be read",
            FindingKind::UnknownAmount => "Amount not known",
            FindingKind::UnknownOrganisation => "Unknown organisation",
            FindingKind::ProgrammeRead => "Programme read",
            FindingKind::ClosureHeld => "Left open: closing needs sign-off",
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
    /// Every row a finding about several rows is about (the rows sharing a pasted update), as
    /// inclusive runs `[first, last]` in row order: rows 2 to 51 and 60 are `[[2, 51], [60,
    /// 60]]`. One finding names the whole group, so findings grow with the rows of a file and
    /// not with the pairs of rows. Empty, and left out of JSON, when the finding is about `row`
    /// alone; when it is not, `row` is its first row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowRange>,
}

/// Rows `first` to `last`, both included; `[first, last]` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RowRange(pub usize, pub usize);

impl RowRange {
    pub fn len(self) -> usize {
        self.1 + 1 - self.0
    }

    pub fn is_empty(self) -> bool {
        self.1 < self.0
    }

    /// Each row of the run, in order.
    pub fn rows(self) -> std::ops::RangeInclusive<usize> {
        self.0..=self.1
    }
}

impl Finding {
    pub fn new(row: usize, column: &str, kind: FindingKind, message: impl Into<String>) -> Self {
        Finding {
            row,
            column: column.to_string(),
            kind,
            message: message.into(),
            table: None,
            rows: Vec::new(),
        }
    }

    /// Every row the finding is about: those of `rows`, else `row` alone.
    pub fn all_rows(&self) -> Vec<usize> {
        if self.rows.is_empty() {
            vec![self.row]
        } else {
            self.rows.iter().flat_map(|range| range.rows()).collect()
        }
    }
}

/// The columns of `findings_csv`.
const CSV_COLUMNS: [&str; 7] = [
    "Row", "Rows", "Table", "Column", "Kind", "Finding", "Detail",
];

/// Every finding as CSV, one a line, for the import page's download: its first row, all its
/// rows ("18, 24, 34–35"), table, column, kind (its JSON name and its words) and message. A
/// cell a spreadsheet would run as a formula (one opening with = + - @, a tab or a carriage
/// return) is written after a single quote, since headers, sheet names and quoted updates are
/// the file's own text.
pub fn findings_csv(findings: &[Finding]) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(CSV_COLUMNS)
        .map_err(|error| error.to_string())?;
    for finding in findings {
        let rows: Vec<String> = match finding.rows.as_slice() {
            [] if finding.row == 0 => Vec::new(),
            [] => vec![finding.row.to_string()],
            ranges => ranges
                .iter()
                .map(|range| match range.len() {
                    1 => range.0.to_string(),
                    _ => format!("{}–{}", range.0, range.1),
                })
                .collect(),
        };
        let row = if finding.row == 0 {
            String::new()
        } else {
            finding.row.to_string()
        };
        let cells = [
            row.as_str(),
            &rows.join(", "),
            finding.table.as_deref().unwrap_or(""),
            &finding.column,
            finding.kind.name(),
            finding.kind.label(),
            &finding.message,
        ];
        for cell in cells {
            writer
                .write_field(spreadsheet_safe(cell).as_bytes())
                .map_err(|error| error.to_string())?;
        }
        writer
            .write_record(None::<&[u8]>)
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// A cell as text a spreadsheet shows rather than runs: one opening with a formula's first
/// character (= + - @) or a tab or carriage return gets a single quote in front.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Row numbers (in any order, repeats allowed) as the runs of consecutive rows they make.
pub fn row_ranges(rows: &[usize]) -> Vec<RowRange> {
    let mut sorted = rows.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<RowRange> = Vec::new();
    for row in sorted {
        match ranges.last_mut() {
            Some(last) if last.1 + 1 == row => last.1 = row,
            _ => ranges.push(RowRange(row, row)),
        }
    }
    ranges
}

/// How many runs a message lists before it counts the rest: a message stays a sentence however
/// many rows share a text, and `Finding::rows` has them all.
const LISTED_RUNS: usize = 8;

/// "rows 18, 24 and 47", "rows 2–51 and 60 (51 rows)", "rows 2, 9, … and 40 others (48
/// rows)": how messages name rows. Three or more consecutive rows are written as a run; the
/// count is added when it is not plain from the list.
pub fn describe_rows(ranges: &[RowRange]) -> String {
    let total: usize = ranges.iter().map(|range| range.len()).sum();
    let mut parts: Vec<String> = Vec::new();
    let mut listed = 0;
    for range in ranges {
        if parts.len() >= LISTED_RUNS {
            break;
        }
        if range.len() >= 3 {
            parts.push(format!("{}–{}", range.0, range.1));
            listed += range.len();
        } else {
            for row in range.rows() {
                if parts.len() < LISTED_RUNS {
                    parts.push(row.to_string());
                    listed += 1;
                }
            }
        }
    }
    let others = total - listed;
    let mut text = match parts.as_slice() {
        [] => return String::new(),
        [one] if total == 1 => return format!("row {one}"),
        [one] => format!("rows {one}"),
        [init @ .., last] if others == 0 => format!("rows {} and {last}", init.join(", ")),
        all => format!(
            "rows {} and {others} {}",
            all.join(", "),
            if others == 1 { "other" } else { "others" }
        ),
    };
    if parts.len() < total {
        text.push_str(&format!(" ({} rows)", thousands(total)));
    }
    text
}

/// 200000 as "200,000".
fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(rows: &[usize]) -> String {
        describe_rows(&row_ranges(rows))
    }

    #[test]
    fn rows_are_described_in_plain_english_and_runs_are_shortened() {
        assert_eq!(described(&[3]), "row 3");
        assert_eq!(described(&[47, 18, 24, 18]), "rows 18, 24 and 47");
        assert_eq!(described(&[11, 12]), "rows 11 and 12");
        let fifty_and_one: Vec<usize> = (2..=51).chain([60]).collect();
        assert_eq!(described(&fifty_and_one), "rows 2–51 and 60 (51 rows)");
        assert_eq!(
            described(&(2..=200_001).collect::<Vec<_>>()),
            "rows 2–200001 (200,000 rows)"
        );
        // However many rows, the message lists a few and counts the rest.
        let scattered: Vec<usize> = (0..48).map(|n| 2 + n * 7).collect();
        assert_eq!(
            described(&scattered),
            "rows 2, 9, 16, 23, 30, 37, 44, 51 and 40 others (48 rows)"
        );
        assert_eq!(
            described(&[2, 3, 4, 10, 20, 30, 40, 50, 60, 70, 80]),
            "rows 2–4, 10, 20, 30, 40, 50, 60, 70 and 1 other (11 rows)"
        );
    }

    #[test]
    fn findings_download_as_csv_that_a_spreadsheet_cannot_run() {
        let mut pasted = Finding::new(
            2,
            "=HYPERLINK(\"http://evil.example\")",
            FindingKind::DuplicateUpdateText,
            "The same update text is on rows 2–4 and 9 (4 rows): \"x\"",
        );
        pasted.rows = row_ranges(&[2, 3, 4, 9]);
        pasted.table = Some("@SUM(A1)".into());
        let findings = [
            pasted,
            Finding::new(13, "Due Date", FindingKind::MissingDueDate, "No due date"),
            Finding::new(0, "", FindingKind::PlanExists, "+cmd|' /C calc'!A0"),
            Finding::new(
                5,
                "\tTabbed",
                FindingKind::UnknownRag,
                "-1 is not a RAG status",
            ),
            Finding::new(
                6,
                "\rReturn",
                FindingKind::UnknownRag,
                "\"Purple\" is not a RAG status",
            ),
        ];
        let csv = String::from_utf8(findings_csv(&findings).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "Row,Rows,Table,Column,Kind,Finding,Detail");
        assert_eq!(
            lines[1],
            "2,\"2–4, 9\",'@SUM(A1),\"'=HYPERLINK(\"\"http://evil.example\"\")\",duplicate_update_text,\
             Same update on several rows,\"The same update text is on rows 2–4 and 9 (4 rows): \"\"x\"\"\""
        );
        assert_eq!(
            lines[2],
            "13,13,,Due Date,missing_due_date,Missing due date,No due date"
        );
        assert_eq!(
            lines[3],
            ",,,,plan_exists,A plan of this name exists,'+cmd|' /C calc'!A0"
        );
        assert!(lines[4].starts_with("5,5,,'\tTabbed,unknown_rag,Unknown RAG status,'-1 is"));
        assert!(csv.contains("6,6,,\"'\rReturn\",unknown_rag"), "{csv}");
    }

    #[test]
    fn row_ranges_are_the_runs_of_consecutive_rows() {
        assert_eq!(
            row_ranges(&[60, 2, 3, 4, 5, 9, 10]),
            vec![RowRange(2, 5), RowRange(9, 10), RowRange(60, 60)]
        );
        assert_eq!(row_ranges(&[]), vec![]);
        let json = serde_json::to_string(&row_ranges(&[2, 3, 60])).unwrap();
        assert_eq!(json, "[[2,3],[60,60]]");
    }

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in [
            FindingKind::MissingDueDate,
            FindingKind::DuplicateUpdateText,
            FindingKind::DirectionMissing,
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
    }
}
