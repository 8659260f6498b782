//! An import's findings as a table to download, CSV or XLSX, one finding a row, led by where
//! it was found (`sheet`, `row`, `column`) so a person can sort by place and walk their file
//! from top to bottom. A background import's page and API offer it once the file is checked.

use rust_xlsxwriter::{Format as CellFormat, FormatBorder, Workbook};

use crate::findings::{Finding, RowRange, spreadsheet_safe};

/// The table's columns, as its header row writes them.
pub const FINDINGS_TABLE_COLUMNS: [&str; 7] = [
    "sheet", "row", "column", "rows", "kind", "finding", "message",
];

/// One finding's cells: sheet (blank in a file of one table), row (blank for the whole
/// file), column (blank for a whole row), every row it is about ("18, 24, 34–35"), its kind
/// (JSON name), its kind in words and its message.
fn cells(finding: &Finding) -> [String; 7] {
    let rows: Vec<String> = match finding.rows.as_slice() {
        [] => Vec::new(),
        ranges => ranges.iter().map(|range| runs(*range)).collect(),
    };
    [
        finding.table.clone().unwrap_or_default(),
        if finding.row == 0 {
            String::new()
        } else {
            finding.row.to_string()
        },
        finding.column.clone(),
        rows.join(", "),
        finding.kind.name().to_string(),
        finding.kind.label().to_string(),
        finding.message.clone(),
    ]
}

fn runs(range: RowRange) -> String {
    match range.len() {
        1 => range.0.to_string(),
        _ => format!("{}–{}", range.0, range.1),
    }
}

/// The findings as CSV: the header row, then a finding a line. A cell a spreadsheet would run
/// as a formula is written after a single quote, as the file's own text may start with `=`.
pub fn findings_table_csv(findings: &[Finding]) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(FINDINGS_TABLE_COLUMNS)
        .map_err(|error| error.to_string())?;
    for finding in findings {
        let cells = cells(finding);
        writer
            .write_record(cells.iter().map(|cell| spreadsheet_safe(cell).into_owned()))
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// The findings as a workbook of one sheet, "Findings": the header row frozen, row numbers as
/// numbers, every other cell as text (never a formula).
pub fn findings_table_xlsx(findings: &[Finding]) -> Result<Vec<u8>, String> {
    let failed = |error: rust_xlsxwriter::XlsxError| error.to_string();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Findings").map_err(failed)?;
    let header = CellFormat::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Medium);
    let text = CellFormat::new().set_quote_prefix();
    for (column, title) in FINDINGS_TABLE_COLUMNS.iter().enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, column, *title, &header)
            .map_err(failed)?;
        sheet
            .set_column_width(column, if column == 6 { 80.0 } else { 14.0 })
            .map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    for (index, finding) in findings.iter().enumerate() {
        let at = u32::try_from(index + 1).map_err(|error| error.to_string())?;
        for (column, cell) in cells(finding).iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            if cell.is_empty() {
                continue;
            }
            if column == 1 {
                sheet
                    .write_number(at, column, finding.row as f64)
                    .map_err(failed)?;
            } else {
                sheet
                    .write_string_with_format(at, column, cell, &text)
                    .map_err(failed)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::findings::FindingKind;

    fn finding(table: Option<&str>, row: usize, column: &str, message: &str) -> Finding {
        let mut finding = Finding::new(row, column, FindingKind::UnparseableDate, message);
        finding.table = table.map(str::to_string);
        finding
    }

    #[test]
    fn csv_leads_with_sheet_row_and_column() {
        let csv = findings_table_csv(&[
            finding(Some("Custody"), 7, "Due", "\"31/02/2015\" is not a date"),
            finding(None, 0, "", "=HYPERLINK(\"x\")"),
        ])
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("sheet,row,column,rows,kind,finding,message")
        );
        assert_eq!(
            lines.next(),
            Some(
                "Custody,7,Due,,unparseable_date,Unparseable date,\"\"\"31/02/2015\"\" is not a date\""
            )
        );
        // Text that starts like a formula stays text.
        assert_eq!(
            lines.next(),
            Some(",,,,unparseable_date,Unparseable date,\"'=HYPERLINK(\"\"x\"\")\"")
        );
    }

    #[test]
    fn xlsx_is_a_workbook() {
        let bytes = findings_table_xlsx(&[finding(Some("Custody"), 7, "Due", "bad")]).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
