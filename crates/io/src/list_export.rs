//! A list page's rows as a download: CSV, or XLSX with numbers and dates as typed cells. Both
//! carry the list's protective marking (the CSV's first line, the XLSX's printed header and
//! footer), and text that starts like a formula stays text (`core::text`), as in the plan
//! export.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format as CellFormat, FormatAlign, FormatBorder, Workbook};
use waymark_core::text::{spreadsheet_safe, starts_like_formula};

/// One cell of a list.
#[derive(Debug, Clone, PartialEq)]
pub enum ListCell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Empty,
}

impl ListCell {
    pub fn text(value: impl Into<String>) -> ListCell {
        ListCell::Text(value.into())
    }

    /// A date cell, or empty.
    pub fn date(value: Option<NaiveDate>) -> ListCell {
        value.map_or(ListCell::Empty, ListCell::Date)
    }

    /// What a CSV cell holds: dates in ISO, numbers as written, text made safe to open.
    fn csv_text(&self) -> String {
        match self {
            ListCell::Text(text) => spreadsheet_safe(text).into_owned(),
            ListCell::Number(number) => number.to_string(),
            ListCell::Date(day) => day.format("%Y-%m-%d").to_string(),
            ListCell::Empty => String::new(),
        }
    }
}

/// A list to download: its sheet name, column headings and rows, and its marking.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The sheet's name ("Needs attention"); at most 31 characters are kept.
    pub title: String,
    pub marking: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<ListCell>>,
}

/// The list as CSV: the marking line, the headings, then the rows.
pub fn list_csv(list: &List) -> Result<Vec<u8>, String> {
    let mut bytes = format!("Protective marking: {}\n", list.marking).into_bytes();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(
            list.columns
                .iter()
                .map(|c| spreadsheet_safe(c).into_owned()),
        )
        .map_err(|error| error.to_string())?;
    for row in &list.rows {
        writer
            .write_record(row.iter().map(ListCell::csv_text))
            .map_err(|error| error.to_string())?;
    }
    bytes.extend(writer.into_inner().map_err(|error| error.to_string())?);
    Ok(bytes)
}

/// The list as a workbook of one sheet, landscape A4, the heading row frozen and repeated on
/// every printed page.
pub fn list_xlsx(list: &List) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let name: String = list
        .title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    sheet.set_name(if name.trim().is_empty() {
        "List"
    } else {
        name.trim()
    })?;
    let marking = list.marking.replace('&', "&&");
    sheet.set_header(format!("&C&B{marking}"));
    sheet.set_footer(format!("&C&B{marking}&RPage &P of &N"));
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    let header = CellFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Medium);
    let wrap = CellFormat::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let quoted = wrap.clone().set_quote_prefix();
    let date = wrap.clone().set_num_format("d mmmm yyyy");
    for (column, title) in list.columns.iter().enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, column, title, &header)?;
        sheet.set_column_width(column, 20.0)?;
    }
    for (index, row) in list.rows.iter().enumerate() {
        let at = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, cell) in row.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            match cell {
                ListCell::Text(text) if starts_like_formula(text) => {
                    sheet.write_string_with_format(at, column, text, &quoted)?;
                }
                ListCell::Text(text) => {
                    sheet.write_string_with_format(at, column, text, &wrap)?;
                }
                ListCell::Number(number) => {
                    sheet.write_number_with_format(at, column, *number, &wrap)?;
                }
                ListCell::Date(day) => match crate::export::excel_day(*day) {
                    Some(when) => {
                        sheet.write_datetime_with_format(at, column, &when, &date)?;
                    }
                    // Excel holds no day before 1900: such a day is written as text.
                    None => {
                        sheet.write_string_with_format(at, column, day.to_string(), &wrap)?;
                    }
                },
                ListCell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_repeat_rows(0, 0)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> List {
        List {
            title: "Needs attention".into(),
            marking: "OFFICIAL".into(),
            columns: vec!["Ref".into(), "Action".into(), "Due".into(), "Count".into()],
            rows: vec![vec![
                ListCell::text("1.1"),
                ListCell::text("=HYPERLINK(\"x\")"),
                ListCell::date(NaiveDate::from_ymd_opt(2026, 10, 31)),
                ListCell::Number(3.0),
            ]],
        }
    }

    #[test]
    fn csv_starts_with_the_marking_and_neutralises_formulas() {
        let text = String::from_utf8(list_csv(&sample()).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Protective marking: OFFICIAL");
        assert_eq!(lines[1], "Ref,Action,Due,Count");
        assert!(lines[2].starts_with("1.1,\"'=HYPERLINK"), "{}", lines[2]);
        assert!(lines[2].ends_with(",2026-10-31,3"));
    }

    #[test]
    fn xlsx_holds_dates_and_numbers_as_typed_cells() {
        let bytes = list_xlsx(&sample()).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        // A date is a serial number (31 October 2026 is 46326), a count a number: neither
        // is a string cell (t="s").
        assert!(sheet.contains("<v>46326</v>"), "{sheet}");
        assert!(sheet.contains("<v>3</v>"), "{sheet}");
    }
}
