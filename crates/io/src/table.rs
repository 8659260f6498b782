//! A source file as tables of string cells: what every reader produces and every later step
//! reads. Spreadsheets give one table per sheet; a Word document gives one per table, with the
//! heading above it and the paragraphs after it.

use serde::Serialize;

/// The file formats Waymark reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Xlsx,
    Xls,
    Ods,
    Docx,
}

impl Format {
    /// The format a file name's extension names; `.txt` is read as tab-separated.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" | "txt" => Some(Format::Tsv),
            "xlsx" | "xlsm" | "xlsb" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Docx => "docx",
        }
    }
}

/// Everything read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    /// The file name, as findings and errors quote it.
    pub file: String,
    pub format: Format,
    pub tables: Vec<Table>,
    /// Text before the first table of a document (title, owners); spreadsheets keep their
    /// preamble as rows of the table instead.
    pub preamble: Vec<String>,
}

/// One sheet of a spreadsheet or one table of a document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The sheet name, or "Table 3" for a document's third table.
    pub name: Option<String>,
    pub rows: Vec<Row>,
    /// The heading just above a document's table, which names the parent of its rows.
    pub heading: Option<String>,
    /// The paragraphs after a document's table, up to the next table's heading.
    pub notes: Vec<Note>,
    /// The cells a spreadsheet fills with a colour, in (row, column) order; colour is the
    /// only RAG some trackers record.
    pub fills: Vec<CellFill>,
}

/// A cell's fill colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellFill {
    /// The row's number as the sheet shows it, from 1.
    pub row: usize,
    /// The column's index, from 0, as `Row::cell` takes it.
    pub column: usize,
    pub rgb: [u8; 3],
}

impl Table {
    /// A sheet named `name` holding `rows` of text, numbered from 1 as a user sees them: how
    /// tests write a sheet without a file.
    pub fn of_rows(name: &str, rows: &[&[&str]]) -> Table {
        Table {
            name: Some(name.to_string()),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i + 1,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
            ..Table::default()
        }
    }

    /// The fill colour of a cell, if the sheet colours it.
    pub fn fill_at(&self, row: usize, column: usize) -> Option<[u8; 3]> {
        self.fills
            .binary_search_by_key(&(row, column), |fill| (fill.row, fill.column))
            .ok()
            .map(|at| self.fills[at].rgb)
    }
}

/// A row of cells with its number in the source (1-based, as a user sees it).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell at `index`, or "" past the end of a short row.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.trim().is_empty())
    }

    /// The non-blank cells with their column indexes.
    pub fn filled(&self) -> impl Iterator<Item = (usize, &str)> {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.trim().is_empty())
            .map(|(index, cell)| (index, cell.as_str()))
    }
}

/// A paragraph of a document, numbered in document order from 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub number: usize,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_formats() {
        assert_eq!(Format::from_file_name("plan.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::from_file_name("000.txt"), Some(Format::Tsv));
        assert_eq!(Format::from_file_name("report.docx"), Some(Format::Docx));
        assert_eq!(Format::from_file_name("notes"), None);
    }

    #[test]
    fn short_rows_read_as_blank_cells() {
        let row = Row {
            number: 3,
            cells: vec!["a".into(), " ".into()],
        };
        assert_eq!(row.cell(5), "");
        assert_eq!(row.filled().count(), 1);
        assert!(!row.is_blank());
    }
}

impl Workbook {
    /// The sheets that hold a table of items (a header row Waymark recognises), by name, in
    /// the workbook's order; the others are covers, keys and notes.
    pub fn plan_sheets(&self, mapping: &crate::Mapping) -> Vec<String> {
        self.tables
            .iter()
            .filter(|table| crate::header::detect_header(&table.rows, mapping).is_some())
            .filter_map(|table| table.name.clone())
            .collect()
    }

    /// Keeps one sheet of items, named as the user wrote it (case and spaces aside), with the
    /// sheets that hold no table (a cover sheet's facts and a key's letters still apply); the
    /// other sheets of items are left out. Names the workbook's sheets of items when none is
    /// called that.
    pub fn keep_sheet(&mut self, name: &str, mapping: &crate::Mapping) -> Result<(), String> {
        let wanted = name.trim().to_lowercase();
        let plan_sheets = self.plan_sheets(mapping);
        if !plan_sheets
            .iter()
            .any(|sheet| sheet.trim().to_lowercase() == wanted)
        {
            return Err(format!(
                "{} has no sheet of items called \"{}\"; its sheets of items are: {}",
                self.file,
                name.trim(),
                if plan_sheets.is_empty() {
                    "none".to_string()
                } else {
                    plan_sheets
                        .iter()
                        .map(|s| format!("\"{s}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
        }
        self.tables.retain(|table| {
            let named = table
                .name
                .as_deref()
                .is_some_and(|n| n.trim().to_lowercase() == wanted);
            named || crate::header::detect_header(&table.rows, mapping).is_none()
        });
        Ok(())
    }
}

impl Workbook {
    /// The workbook as one workbook for each sheet of items, by the sheet's name, in the
    /// workbook's order: each holds its sheet with the sheets that hold no table (a cover's
    /// facts and a key's letters apply to every plan). A sheet's rows are moved, not copied.
    pub fn split_sheets(self, mapping: &crate::Mapping) -> Vec<(String, Workbook)> {
        let (items, shared): (Vec<Table>, Vec<Table>) = self.tables.into_iter().partition(|t| {
            t.name.is_some() && crate::header::detect_header(&t.rows, mapping).is_some()
        });
        items
            .into_iter()
            .filter_map(|table| {
                let name = table.name.clone()?;
                let mut tables = shared.clone();
                tables.push(table);
                Some((
                    name,
                    Workbook {
                        file: self.file.clone(),
                        format: self.format,
                        tables,
                        preamble: self.preamble.clone(),
                    },
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod sheets {
    use super::*;

    fn sheet(name: &str, rows: &[&[&str]]) -> Table {
        Table {
            name: Some(name.to_string()),
            rows: rows
                .iter()
                .enumerate()
                .map(|(n, cells)| Row {
                    number: n + 1,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
            ..Table::default()
        }
    }

    fn workbook() -> Workbook {
        Workbook {
            file: "plans.xlsx".into(),
            format: Format::Xlsx,
            tables: vec![
                sheet("Cover", &[&["Owner:", "Chief Superintendent"]]),
                sheet(
                    "Custody",
                    &[
                        &["Action", "Owner"],
                        &["Review cell checks", "Custody Inspector"],
                    ],
                ),
                sheet(
                    "Vetting",
                    &[&["Action", "Owner"], &["Clear the backlog", "Head of PSD"]],
                ),
            ],
            preamble: Vec::new(),
        }
    }

    #[test]
    fn one_sheet_of_items_is_kept_with_the_cover() {
        let mapping = crate::Mapping::default();
        let mut book = workbook();
        assert_eq!(book.plan_sheets(&mapping), vec!["Custody", "Vetting"]);
        book.keep_sheet(" vetting ", &mapping).unwrap();
        let names: Vec<_> = book.tables.iter().filter_map(|t| t.name.clone()).collect();
        assert_eq!(names, vec!["Cover", "Vetting"]);
        let mut book = workbook();
        let error = book.keep_sheet("Cover", &mapping).unwrap_err();
        assert_eq!(
            error,
            "plans.xlsx has no sheet of items called \"Cover\"; its sheets of items are: \"Custody\", \"Vetting\""
        );
        assert_eq!(book.tables.len(), 3, "nothing is dropped on a mistake");
    }

    #[test]
    fn a_workbook_splits_into_one_for_each_sheet_of_items_each_with_the_cover() {
        let split = workbook().split_sheets(&crate::Mapping::default());
        let named: Vec<(&str, Vec<&str>)> = split
            .iter()
            .map(|(name, book)| {
                (
                    name.as_str(),
                    book.tables
                        .iter()
                        .filter_map(|t| t.name.as_deref())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            named,
            vec![
                ("Custody", vec!["Cover", "Custody"]),
                ("Vetting", vec!["Cover", "Vetting"])
            ]
        );
        assert_eq!(split[1].1.tables[1].rows[1].cells[0], "Clear the backlog");
    }
}
