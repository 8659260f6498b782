//! Workbooks (`.xlsx`, `.xls`, `.ods`) through calamine: one table per sheet. Dates arrive as
//! Excel serial numbers with a date format; they become ISO text so the one date parser reads
//! them like any written date.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::error::ImportError;
use crate::table::{Row, Table};

/// Reads every sheet of a workbook.
pub fn read_spreadsheet(file: &str, bytes: &[u8]) -> Result<Vec<Table>, ImportError> {
    let read_error = |message: String| ImportError::Read {
        file: file.to_string(),
        message,
    };
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|error| read_error(error.to_string()))?;
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| read_error(format!("sheet \"{name}\": {error}")))?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(offset, cells)| {
                let mut texts: Vec<String> = vec![String::new(); first_column as usize];
                texts.extend(cells.iter().map(cell_text));
                Row {
                    number: first_row as usize + offset + 1,
                    cells: texts,
                }
            })
            .collect();
        tables.push(Table {
            name: Some(name),
            rows,
            ..Table::default()
        });
    }
    Ok(tables)
}

/// A cell as text: numbers without a needless ".0", dates as ISO days.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) => float_text(*number),
        Data::Bool(true) => "Yes".into(),
        Data::Bool(false) => "No".into(),
        Data::DateTime(datetime) if datetime.is_datetime() => {
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTime(datetime) => float_text(datetime.as_f64()),
        Data::DateTimeIso(text) => text.split('T').next().unwrap_or(text).to_string(),
        Data::DurationIso(text) => text.clone(),
    }
}

fn float_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_become_text_and_dates_iso_days() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        let date = ExcelDateTime::new(42094.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2015-03-31");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2015-03-31T00:00:00".into())),
            "2015-03-31"
        );
    }
}
