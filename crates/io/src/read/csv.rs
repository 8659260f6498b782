//! CSV and tab-separated text (`.csv`, `.tsv`, `.txt`), in UTF-8 or the Windows-1252 that older
//! Excel exports use. Rows keep the numbers a spreadsheet program shows them with (a blank line
//! is a row; a line break inside a quoted cell is not), so findings point at what a user sees.

use std::borrow::Cow;

use waymark_core::text::unquote_spreadsheet;

use crate::error::ImportError;
use crate::read::limits::{Budget, Place, ReadLimits};
use crate::table::{Row, Table};

/// Reads delimited text within `limits`. With no delimiter given, a comma unless the first
/// lines have more semicolons (as European Excel writes) or tabs.
pub fn read_delimited(
    file: &str,
    bytes: &[u8],
    delimiter: Option<u8>,
    limits: &ReadLimits,
) -> Result<Table, ImportError> {
    limits.check_file_size(file, bytes.len() as u64)?;
    let mut budget = Budget::new(file, limits);
    let text = decode_text(bytes);
    let delimiter = delimiter.unwrap_or_else(|| guess_delimiter(&text));
    count_within_limits(&text, delimiter, &budget)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Row numbers come from byte offsets, counted incrementally (the csv crate's own line count
    // skips blank lines, which Excel and LibreOffice show as rows), less the line breaks inside
    // quoted cells of the rows before, which those programs show within one row.
    let mut counted_to = 0usize;
    let mut line = 1usize;
    let mut breaks_in_cells = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let row = error.position().map(|p| p.line() as usize).unwrap_or(0);
                return Err(ImportError::Read {
                    file: file.to_string(),
                    message: format!("row {row}: {error}"),
                });
            }
        }
        let start = record
            .position()
            .map(|position| position.byte() as usize)
            .unwrap_or(counted_to)
            .min(text.len());
        // The reported start can sit before blank lines the reader skipped.
        let start = start
            + text.as_bytes()[start..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        if start > counted_to {
            line += text.as_bytes()[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted_to = start;
        }
        let number = line - breaks_in_cells;
        breaks_in_cells += record
            .iter()
            .map(|field| field.bytes().filter(|&b| b == b'\n').count())
            .sum::<usize>();
        budget.row(&Place::File, rows.len() + 1)?;
        budget.column(&Place::File, record.len())?;
        for field in record.iter() {
            budget.cells(&Place::File, number, 1, field)?;
        }
        rows.push(Row {
            number,
            // A quote Waymark's export (or a careful user) put before formula-like text is
            // not part of the text.
            cells: record
                .iter()
                .map(|cell| unquote_spreadsheet(cell).to_string())
                .collect(),
        });
    }
    Ok(Table {
        rows,
        ..Table::default()
    })
}

/// Refuses text with more rows, columns or cells than the limits allow before any row is kept,
/// so a refusal costs one record's memory. Counting delimiters and line breaks bounds both
/// from above at the speed of a byte scan; only text that could be over a limit is parsed to
/// count exactly (a quoted cell can hold line breaks and delimiters).
fn count_within_limits(text: &str, delimiter: u8, budget: &Budget<'_>) -> Result<(), ImportError> {
    let limits = budget.limits;
    let bytes = text.as_bytes();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let fields = bytes.iter().filter(|&&b| b == delimiter).count() + lines;
    if lines <= limits.max_rows && fields <= limits.max_cells {
        return Ok(());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut cells) = (0usize, 0usize);
    // A record that cannot be parsed is reported, with its line, by the reading pass.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        rows += 1;
        cells += record.len();
        budget.row(&Place::File, rows)?;
        budget.column(&Place::File, record.len())?;
        budget.check_cell_count(cells)?;
    }
    Ok(())
}

/// UTF-8 (without its byte-order mark), borrowed, or Windows-1252 when the bytes are not UTF-8.
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
    }
}

fn guess_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let count = |c: char| sample.matches(c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// The characters Windows-1252 puts at 0x80–0x9F; the rest of the byte range is Latin-1.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[(byte - 0x80) as usize],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // Excel shows: 1 Title, 2 blank, 3 header, 4 the two-line cell, 5 next, 6 after it.
        let text = "Title\n\nRef,Action\n1,\"two\nlines\"\n2,next\n3,\"a\r\nb\nc\"\n\n4,last\n";
        let table = read_delimited("t.csv", text.as_bytes(), None, &ReadLimits::default()).unwrap();
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3, 4, 5, 6, 8]);
        assert_eq!(table.rows[2].cells[1], "two\nlines");
    }

    #[test]
    fn tabs_and_windows_1252_are_read() {
        let bytes = b"Ref\tCost\n1\t\xa3100 \x96 approx\n";
        let table = read_delimited("t.txt", bytes, None, &ReadLimits::default()).unwrap();
        assert_eq!(table.rows[1].cells[1], "£100 – approx");
    }
}
