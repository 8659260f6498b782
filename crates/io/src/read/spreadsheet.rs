//! Workbooks (`.xlsx`, `.xlsb`, `.xls`, `.ods`) through calamine: one table per sheet. Dates
//! arrive as Excel serial numbers with a date format; they become ISO text so the one date
//! parser reads them like any written date.
//!
//! What the file holds decides how it is read, not its name. Zipped workbooks are inflated once
//! within the `ReadLimits` before calamine opens them (`archive`); XLSX and XLSB sheets are then
//! streamed cell by cell, so a sheet of millions of rows stops at the row limit, and no sheet is
//! ever laid out as a rectangle (calamine's `Range`), which a single cell in column XFD of row
//! 1,048,576 would make sixteen billion cells. ODS sheets are measured while they inflate,
//! repeated rows and columns multiplied out, before calamine expands them. calamine reads
//! values only, so the cells' fill colours (the only RAG some trackers have) are read from the
//! parts as they inflate: `fills` for XLSX, `ods_fills` for ODS.

use std::io::{Cursor, Read, Seek};

use calamine::{Cell, Data, DataRef, Ods, Range, Reader, Xls, Xlsb, Xlsx, XlsxError};

use crate::error::ImportError;
use crate::read::archive::{Parts, check_archive, is_zip};
use crate::read::fills::{StyledCells, Styles, Theme, sheet_fills};
use crate::read::limits::{Budget, Place, ReadLimits, thousands, too_large};
use crate::read::ods_fills::{OdsStyledCells, OdsStyles};
use crate::read::xml_scan::{ScanError, XmlEvent, attribute, scan_xml, tag_name};
use crate::table::{Row, Table};

/// Reads every sheet of a workbook.
pub fn read_spreadsheet(
    file: &str,
    bytes: &[u8],
    limits: &ReadLimits,
) -> Result<Vec<Table>, ImportError> {
    limits.check_file_size(file, bytes.len() as u64)?;
    let read_error = |message: String| ImportError::Read {
        file: file.to_string(),
        message,
    };
    let mut budget = Budget::new(file, limits);
    if !is_zip(bytes) {
        if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Err(read_error(
                "not a spreadsheet Waymark can read (neither a zipped workbook nor an Excel \
                 97–2003 one)"
                    .to_string(),
            ));
        }
        // Excel 97–2003 (a compound file, not a zip); calamine lays each sheet out whole, so
        // its cells are measured first.
        crate::read::xls_scan::check_xls(bytes, &budget)?;
        let mut workbook = Xls::new(Cursor::new(bytes))
            .map_err(|error| read_error(format!("not a spreadsheet Waymark can read: {error}")))?;
        return sheets_by_range(&mut workbook, &mut budget, read_error);
    }
    let mut sheets = XlsxMeasure::default();
    let parts = check_archive(
        file,
        bytes,
        limits,
        "not a spreadsheet Waymark can read",
        |name, part| inspect_part(file, limits, &mut sheets, name, part),
    )?;
    sheets.check(&Budget::new(file, limits))?;
    let open_error =
        |error: String| read_error(format!("not a spreadsheet Waymark can read: {error}"));
    if parts.has("xl/workbook.bin") {
        let mut workbook =
            Xlsb::new(Cursor::new(bytes)).map_err(|error| open_error(error.to_string()))?;
        let mut tables = Vec::new();
        for name in workbook.sheet_names() {
            let place = Place::Sheet(&name);
            let mut cells = workbook
                .worksheet_cells_reader(&name)
                .map_err(|error| read_error(format!("sheet \"{name}\": {error}")))?;
            let rows = stream_rows(&mut budget, &place, || {
                cells
                    .next_cell()
                    .map_err(|error| read_error(format!("sheet \"{name}\": {error}")))
            })?;
            tables.push(sheet(name.clone(), rows));
        }
        Ok(tables)
    } else if parts.has("content.xml") && !is_xlsx(&parts) {
        let mut workbook =
            Ods::new(Cursor::new(bytes)).map_err(|error| open_error(error.to_string()))?;
        let mut tables = sheets_by_range(&mut workbook, &mut budget, read_error)?;
        // The fill colours the sheets' cells are styled with, by sheet name.
        let mut styles = std::mem::take(&mut sheets.ods_styles);
        styles.merge(std::mem::take(&mut sheets.ods_named_styles));
        let mut fills = sheets
            .ods_cells
            .take()
            .map(|cells| cells.fills(&styles))
            .unwrap_or_default();
        for table in &mut tables {
            if let Some(at) = fills
                .iter()
                .position(|(sheet, _)| Some(sheet.as_str()) == table.name.as_deref())
            {
                table.fills = fills.swap_remove(at).1;
            }
        }
        Ok(tables)
    } else {
        // Anything else zipped is read as XLSX, streamed; never laid out whole.
        let mut workbook =
            Xlsx::new(Cursor::new(bytes)).map_err(|error| open_error(error.to_string()))?;
        let mut tables = Vec::new();
        for name in workbook.sheet_names() {
            let place = Place::Sheet(&name);
            let mut cells = match workbook.worksheet_cells_reader(&name) {
                Ok(cells) => cells,
                // A chart sheet: no cells, as calamine's own `worksheet_range` gives it.
                Err(XlsxError::NotAWorksheet(_)) => {
                    tables.push(sheet(name.clone(), Vec::new()));
                    continue;
                }
                Err(error) => return Err(read_error(format!("sheet \"{name}\": {error}"))),
            };
            let rows = stream_rows(&mut budget, &place, || {
                cells
                    .next_cell()
                    .map_err(|error| read_error(format!("sheet \"{name}\": {error}")))
            })?;
            let mut table = sheet(name.clone(), rows);
            table.fills = sheets.fills_of(&name);
            tables.push(table);
        }
        Ok(tables)
    }
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

/// A streamed cell's text, the same as `cell_text` gives; strings are borrowed so that their
/// length is checked before anything is copied.
enum CellText<'a> {
    Borrowed(&'a str),
    Owned(String),
}

fn dataref_text<'a>(value: &'a DataRef<'_>) -> CellText<'a> {
    match value {
        DataRef::String(text) => CellText::Borrowed(text),
        DataRef::SharedString(text) => CellText::Borrowed(text),
        DataRef::Empty | DataRef::Error(_) => CellText::Borrowed(""),
        DataRef::Int(number) => CellText::Owned(cell_text(&Data::Int(*number))),
        DataRef::Float(number) => CellText::Owned(cell_text(&Data::Float(*number))),
        DataRef::Bool(value) => CellText::Owned(cell_text(&Data::Bool(*value))),
        DataRef::DateTime(datetime) => CellText::Owned(cell_text(&Data::DateTime(*datetime))),
        DataRef::DateTimeIso(text) => CellText::Borrowed(text.split('T').next().unwrap_or(text)),
        DataRef::DurationIso(text) => CellText::Borrowed(text),
    }
}

fn is_xlsx(parts: &Parts) -> bool {
    parts.has("xl/workbook.xml")
        || parts
            .names
            .iter()
            .any(|name| name.to_ascii_lowercase().ends_with("/workbook.xml"))
}

fn sheet(name: String, rows: Vec<Row>) -> Table {
    Table {
        name: Some(name),
        rows,
        ..Table::default()
    }
}

/// Builds a sheet's rows from its cells as they stream, checking each against the limits
/// before it is kept. Cells come in row order in every file we have seen, but the format does
/// not promise it, so a cell for an earlier row or column is placed where it belongs. Rows run
/// from the first row with text to the last, blank ones included, so row numbers are the
/// sheet's; trailing blank cells of a row are not kept.
fn stream_rows<'s>(
    budget: &mut Budget<'_>,
    place: &Place<'_>,
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'s>>>, ImportError>,
) -> Result<Vec<Row>, ImportError> {
    let mut rows: Vec<Row> = Vec::new();
    while let Some(cell) = next()? {
        let (row, column) = cell.get_position();
        let text = dataref_text(cell.get_value());
        let text = match &text {
            CellText::Borrowed(text) => *text,
            CellText::Owned(text) => text.as_str(),
        };
        if text.is_empty() {
            continue;
        }
        let number = row as usize + 1;
        let column = column as usize;
        budget.row(place, number)?;
        budget.column(place, column + 1)?;
        budget.cell_length(place, number, text.len(), || text.chars().count())?;
        let index = row_index(&mut rows, number);
        let cells = &mut rows[index].cells;
        let added = (column + 1).saturating_sub(cells.len());
        budget.cells(place, number, added, text)?;
        if column < cells.len() {
            cells[column] = text.to_string();
        } else {
            cells.resize(column, String::new());
            cells.push(text.to_string());
        }
    }
    Ok(rows)
}

/// The index of row `number` in `rows`, adding it (and blank rows up to it) when missing.
fn row_index(rows: &mut Vec<Row>, number: usize) -> usize {
    let blank = |number| Row {
        number,
        cells: Vec::new(),
    };
    match rows.last() {
        None => {
            rows.push(blank(number));
            0
        }
        Some(last) if last.number == number => rows.len() - 1,
        Some(last) if last.number < number => {
            let first_new = last.number + 1;
            rows.extend((first_new..=number).map(blank));
            rows.len() - 1
        }
        Some(_) => {
            let first = rows[0].number;
            if number < first {
                rows.splice(0..0, (number..first).map(blank));
                0
            } else {
                number - first
            }
        }
    }
}

/// Sheets calamine lays out whole (XLS and ODS), turned into rows within the limits. The
/// rectangle is already in memory by now: for ODS the inflating check has bounded it.
fn sheets_by_range<RS, R>(
    workbook: &mut R,
    budget: &mut Budget<'_>,
    read_error: impl Fn(String) -> ImportError,
) -> Result<Vec<Table>, ImportError>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| read_error(format!("sheet \"{name}\": {error}")))?;
        let rows = range_rows(budget, &Place::Sheet(&name), &range)?;
        tables.push(sheet(name, rows));
    }
    Ok(tables)
}

fn range_rows(
    budget: &mut Budget<'_>,
    place: &Place<'_>,
    range: &Range<Data>,
) -> Result<Vec<Row>, ImportError> {
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (offset, cells) in range.rows().enumerate() {
        let number = first_row as usize + offset + 1;
        budget.row(place, number)?;
        let mut texts: Vec<String> = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            let text = cell_text(cell);
            if text.is_empty() {
                continue;
            }
            let column = first_column as usize + index;
            budget.column(place, column + 1)?;
            budget.cells(place, number, column + 1 - texts.len(), &text)?;
            texts.resize(column, String::new());
            texts.push(text);
        }
        rows.push(Row {
            number,
            cells: texts,
        });
    }
    Ok(rows)
}

fn float_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

/// The parts of a zipped workbook that are measured as they inflate: XLSX's sheets (their rows,
/// columns and cells counted before calamine reads a cell, so a refusal costs no memory) and
/// shared strings (held whole by calamine, so counted), and an ODS's sheets (expanded by
/// calamine, so multiplied out first).
fn inspect_part(
    file: &str,
    limits: &ReadLimits,
    sheets: &mut XlsxMeasure,
    name: &str,
    part: &mut dyn Read,
) -> Result<(), ImportError> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") {
        let mut size = SheetSize::default();
        // Styled cells are kept for their fill colours, 12 bytes each; a million is more than
        // any tracker colours, and bounds a sheet of styled blanks to 12 MB.
        let mut styled = StyledCells::new(limits.max_cells.min(1_000_000));
        scan_part(file, name, part, |event| {
            if let XmlEvent::Start { tag, .. } = event
                && let Some((row, column)) = size.event(event)
            {
                styled.cell(tag, row, column);
            }
            Ok(())
        })?;
        sheets.sizes.push((name.to_string(), size));
        sheets.styled.push((name.to_string(), styled));
        return Ok(());
    }
    if lower == "xl/styles.xml" {
        return scan_part(file, name, part, |event| {
            sheets.styles.event(event);
            Ok(())
        });
    }
    if lower.starts_with("xl/theme/") && lower.ends_with(".xml") && sheets.theme.is_none() {
        let mut theme = Theme::default();
        scan_part(file, name, part, |event| {
            theme.event(event);
            Ok(())
        })?;
        sheets.theme = Some(theme);
        return Ok(());
    }
    if lower == "xl/workbook.xml" {
        return scan_part(file, name, part, |event| {
            if let XmlEvent::Start { tag, .. } = event
                && local_name(tag_name(tag)) == b"sheet"
                && let (Some(sheet), Some(id)) = (attribute(tag, b"name"), attribute(tag, b"r:id"))
            {
                sheets.names.push((
                    String::from_utf8_lossy(id).into_owned(),
                    unescape(&String::from_utf8_lossy(sheet)),
                ));
            }
            Ok(())
        });
    }
    if lower == "xl/_rels/workbook.xml.rels" {
        return scan_part(file, name, part, |event| {
            if let XmlEvent::Start { tag, .. } = event
                && local_name(tag_name(tag)) == b"Relationship"
                && let (Some(id), Some(target)) = (attribute(tag, b"Id"), attribute(tag, b"Target"))
            {
                sheets.targets.push((
                    String::from_utf8_lossy(id).into_owned(),
                    String::from_utf8_lossy(target).into_owned(),
                ));
            }
            Ok(())
        });
    }
    if lower == "content.xml" {
        let mut measure = OdsMeasure::new(file, limits);
        // Styled cells are kept for their fill colours, as an XLSX's are, up to a million.
        let mut cells = OdsStyledCells::new(limits.max_cells.min(1_000_000));
        let mut styles = OdsStyles::default();
        scan_part(file, name, part, |event| {
            if let XmlEvent::Start { tag, empty } = &event {
                cells.event(XmlEvent::Start { tag, empty: *empty });
                styles.event(XmlEvent::Start { tag, empty: *empty });
            } else if let XmlEvent::End = &event {
                cells.event(XmlEvent::End);
                styles.event(XmlEvent::End);
            }
            measure.event(event)
        })?;
        sheets.ods_cells = Some(cells);
        sheets.ods_styles = styles;
        return Ok(());
    }
    if lower == "styles.xml" {
        let mut styles = OdsStyles::default();
        scan_part(file, name, part, |event| {
            styles.event(event);
            Ok(())
        })?;
        sheets.ods_named_styles = styles;
        return Ok(());
    }
    if lower.ends_with("sharedstrings.xml") {
        let mut strings = 0usize;
        return scan_part(file, name, part, |event| {
            if let XmlEvent::Start { tag, .. } = event
                && local_name(tag_name(tag)) == b"si"
            {
                strings += 1;
                if strings > limits.max_cells {
                    return Err(too_large(
                        file,
                        format!(
                            "part \"{name}\" holds more than {} strings; Waymark reads at most {} cells",
                            thousands(limits.max_cells as u64),
                            thousands(limits.max_cells as u64)
                        ),
                    ));
                }
            }
            Ok(())
        });
    }
    Ok(())
}

/// What the sheets of an XLSX hold, counted as they inflate, and what names them.
#[derive(Default)]
struct XlsxMeasure {
    /// (part name, size).
    sizes: Vec<(String, SheetSize)>,
    /// (relationship id, sheet name), from the workbook.
    names: Vec<(String, String)>,
    /// (relationship id, target part), from the workbook's relationships.
    targets: Vec<(String, String)>,
    /// (part name, the cells it styles).
    styled: Vec<(String, StyledCells)>,
    styles: Styles,
    theme: Option<Theme>,
    /// An ODS's styled cells, its automatic cell styles (`content.xml`) and its named ones
    /// (`styles.xml`).
    ods_cells: Option<OdsStyledCells>,
    ods_styles: OdsStyles,
    ods_named_styles: OdsStyles,
}

impl XlsxMeasure {
    /// Checks every sheet against the limits, named as the workbook names it.
    fn check(&self, budget: &Budget<'_>) -> Result<(), ImportError> {
        let mut cells = 0usize;
        for (part, size) in &self.sizes {
            let sheet = self.sheet_name(part);
            let place = match &sheet {
                Some(name) => Place::Sheet(name),
                None => Place::Part(part),
            };
            budget.row(&place, size.last_row as usize)?;
            budget.column(&place, size.last_column as usize)?;
            cells += size.cells as usize;
            budget.check_cell_count(cells)?;
        }
        Ok(())
    }

    /// The fill colours of the named sheet's cells.
    fn fills_of(&self, sheet: &str) -> Vec<crate::table::CellFill> {
        let default_theme = Theme::default();
        let theme = self.theme.as_ref().unwrap_or(&default_theme);
        self.styled
            .iter()
            .find(|(part, _)| self.sheet_name(part).as_deref() == Some(sheet))
            .map(|(_, cells)| sheet_fills(cells, &self.styles, theme))
            .unwrap_or_default()
    }

    fn sheet_name(&self, part: &str) -> Option<String> {
        let (id, _) = self.targets.iter().find(|(_, target)| {
            let target = target.trim_start_matches('/');
            let target = target.strip_prefix("xl/").unwrap_or(target);
            part.eq_ignore_ascii_case(&format!("xl/{target}"))
        })?;
        self.names
            .iter()
            .find(|(sheet_id, _)| sheet_id == id)
            .map(|(_, name)| name.clone())
    }
}

/// One XLSX sheet's extent as its XML inflates: the last row and column with a value, and how
/// many cells have one. A cell that closes itself (`<c r="B2" s="3"/>`) has only a style.
#[derive(Default, Debug)]
struct SheetSize {
    row: u64,
    column: u64,
    last_row: u64,
    last_column: u64,
    cells: u64,
}

impl SheetSize {
    /// Counts one event; for a cell's start tag, gives its (row, column), both from 1.
    fn event(&mut self, event: XmlEvent<'_>) -> Option<(u64, u64)> {
        let XmlEvent::Start { tag, empty } = event else {
            return None;
        };
        match local_name(tag_name(tag)) {
            b"row" => {
                self.row = attribute(tag, b"r")
                    .and_then(|r| std::str::from_utf8(r).ok()?.parse().ok())
                    .unwrap_or(self.row + 1);
                self.column = 0;
            }
            b"c" => {
                let (row, column) = attribute(tag, b"r")
                    .and_then(cell_reference)
                    .unwrap_or((self.row.max(1), self.column + 1));
                self.column = column;
                if !empty {
                    self.cells += 1;
                    self.last_row = self.last_row.max(row);
                    self.last_column = self.last_column.max(column);
                }
                return Some((row, column));
            }
            _ => {}
        }
        None
    }
}

/// "AB12" as (row 12, column 28), both from 1.
fn cell_reference(reference: &[u8]) -> Option<(u64, u64)> {
    let letters = reference
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let column = reference[..letters]
        .iter()
        .try_fold(0u64, |column, letter| {
            column
                .checked_mul(26)?
                .checked_add(u64::from(letter.to_ascii_uppercase() - b'A') + 1)
        })?;
    let row = std::str::from_utf8(&reference[letters..])
        .ok()?
        .parse()
        .ok()?;
    (letters > 0).then_some((row, column))
}

/// Runs the scanner over a part, turning its errors into the file's.
pub(crate) fn scan_part(
    file: &str,
    name: &str,
    part: &mut dyn Read,
    handle: impl FnMut(XmlEvent<'_>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    scan_xml(part, handle).map_err(|error| match error {
        ScanError::Stopped(error) => error,
        ScanError::Read(error) => ImportError::Read {
            file: file.to_string(),
            message: format!("part \"{name}\" is damaged: {error}"),
        },
        ScanError::TagTooLong(limit) => too_large(
            file,
            format!(
                "part \"{name}\" has an XML tag longer than {}; Waymark reads tags of at most {}",
                crate::read::limits::megabytes(limit as u64),
                crate::read::limits::megabytes(limit as u64)
            ),
        ),
    })
}

/// An element's name without its namespace prefix.
pub(crate) fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// The size of each ODS sheet once calamine has expanded its repeated rows and columns,
/// counted as `content.xml` inflates. calamine keeps the columns of a row up to its last
/// non-empty cell (blank cells before it included, each repeat counted) and the rows from the
/// first non-empty one to the last, each repeat again; the text of a repeated cell is copied
/// for every repeat.
struct OdsMeasure<'a> {
    file: &'a str,
    limits: &'a ReadLimits,
    depth: usize,
    table: Option<OdsTable>,
    row: Option<OdsRow>,
    cell: Option<OdsCell>,
    /// Cells of every sheet once expanded, and their text.
    cells: u64,
    text: u64,
}

struct OdsTable {
    name: String,
    depth: usize,
    /// Rows before the first with anything in it (not expanded by calamine).
    leading_rows: u64,
    /// Rows from the first non-empty one to the last, repeats counted.
    rows: u64,
    /// Empty rows since the last non-empty one: expanded only if another non-empty row follows.
    pending_rows: u64,
    width: u64,
    /// Cells before expansion (calamine keeps them, and their formulas, while it reads).
    stored: u64,
}

struct OdsRow {
    depth: usize,
    repeats: u64,
    columns: u64,
    pending_columns: u64,
    /// Text of the row's cells, each times its column repeats.
    text: u64,
}

struct OdsCell {
    depth: usize,
    repeats: u64,
    has_value: bool,
    text: u64,
}

/// calamine's own caps on repeats, applied the same way.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

impl<'a> OdsMeasure<'a> {
    fn new(file: &'a str, limits: &'a ReadLimits) -> Self {
        OdsMeasure {
            file,
            limits,
            depth: 0,
            table: None,
            row: None,
            cell: None,
            cells: 0,
            text: 0,
        }
    }

    fn event(&mut self, event: XmlEvent<'_>) -> Result<(), ImportError> {
        match event {
            XmlEvent::Start { tag, .. } => {
                self.depth += 1;
                let name = tag_name(tag);
                match name {
                    b"table:table" if self.table.is_none() => {
                        let sheet = attribute(tag, b"table:name")
                            .map(|value| unescape(&String::from_utf8_lossy(value)))
                            .unwrap_or_default();
                        self.table = Some(OdsTable {
                            name: sheet,
                            depth: self.depth,
                            leading_rows: 0,
                            rows: 0,
                            pending_rows: 0,
                            width: 0,
                            stored: 0,
                        });
                    }
                    b"table:table-row" if self.table.is_some() && self.row.is_none() => {
                        self.row = Some(OdsRow {
                            depth: self.depth,
                            repeats: repeats(tag, b"table:number-rows-repeated", ODS_MAX_ROWS),
                            columns: 0,
                            pending_columns: 0,
                            text: 0,
                        });
                    }
                    b"table:table-cell" | b"table:covered-table-cell"
                        if self.row.is_some() && self.cell.is_none() =>
                    {
                        let has_value = attribute(tag, b"office:value-type").is_some()
                            || attribute(tag, b"table:formula").is_some();
                        self.cell = Some(OdsCell {
                            depth: self.depth,
                            repeats: repeats(
                                tag,
                                b"table:number-columns-repeated",
                                ODS_MAX_COLUMNS,
                            ),
                            has_value,
                            text: 0,
                        });
                    }
                    _ => {}
                }
            }
            XmlEvent::Text(length) => {
                if let Some(cell) = &mut self.cell {
                    cell.text += length as u64;
                }
            }
            XmlEvent::End => {
                if self.cell.as_ref().is_some_and(|c| c.depth == self.depth) {
                    self.end_cell();
                } else if self.row.as_ref().is_some_and(|r| r.depth == self.depth) {
                    self.end_row()?;
                } else if self.table.as_ref().is_some_and(|t| t.depth == self.depth) {
                    self.table = None;
                }
                self.depth = self.depth.saturating_sub(1);
            }
        }
        Ok(())
    }

    fn end_cell(&mut self) {
        let (Some(cell), Some(row)) = (self.cell.take(), self.row.as_mut()) else {
            return;
        };
        if cell.has_value || cell.text > 0 {
            let columns = row.pending_columns + cell.repeats;
            row.columns = (row.columns + columns).min(ODS_MAX_COLUMNS);
            row.pending_columns = 0;
            row.text += cell.text * cell.repeats;
        } else {
            row.pending_columns += cell.repeats;
        }
    }

    fn end_row(&mut self) -> Result<(), ImportError> {
        let (Some(row), Some(table)) = (self.row.take(), self.table.as_mut()) else {
            return Ok(());
        };
        if row.columns == 0 {
            if table.rows == 0 {
                table.leading_rows += row.repeats;
            } else {
                table.pending_rows += row.repeats;
            }
            return Ok(());
        }
        let rows_before = table.rows;
        let width_before = table.width;
        table.rows += table.pending_rows + row.repeats;
        table.pending_rows = 0;
        table.width = table.width.max(row.columns);
        table.stored += row.columns;
        self.text += row.text * row.repeats;
        // The sheet's cells once expanded replace what it counted before this row.
        self.cells = self.cells - rows_before * width_before + table.rows * table.width;
        let place = Place::Sheet(&table.name);
        let limits = self.limits;
        let budget = Budget::new(self.file, limits);
        budget.row(&place, (table.leading_rows + table.rows) as usize)?;
        budget.column(&place, table.width as usize)?;
        if self.cells.max(table.stored) > limits.max_cells as u64 {
            return Err(too_large(
                self.file,
                format!(
                    "{place}, with its repeated rows and columns, has more than {} cells; \
                     Waymark reads at most {}",
                    thousands(limits.max_cells as u64),
                    thousands(limits.max_cells as u64)
                ),
            ));
        }
        if self.text > limits.max_text_bytes {
            return Err(too_large(
                self.file,
                format!(
                    "{place}, with its repeated rows and columns, holds more than {} of text; \
                     Waymark reads at most {}",
                    crate::read::limits::megabytes(limits.max_text_bytes),
                    crate::read::limits::megabytes(limits.max_text_bytes)
                ),
            ));
        }
        Ok(())
    }
}

fn repeats(tag: &[u8], name: &[u8], cap: u64) -> u64 {
    attribute(tag, name)
        .and_then(|value| std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, cap)
}

/// The five entities XML predefines, for a sheet name quoted in a refusal.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
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

    #[test]
    fn cell_references_name_rows_and_columns() {
        assert_eq!(cell_reference(b"A1"), Some((1, 1)));
        assert_eq!(cell_reference(b"AB12"), Some((12, 28)));
        assert_eq!(cell_reference(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_reference(b"12"), None);
    }

    #[test]
    fn streamed_cells_out_of_order_land_in_their_rows_and_columns() {
        let limits = ReadLimits::default();
        let mut budget = Budget::new("t.xlsx", &limits);
        let mut cells = vec![
            ((4, 1), "e"),
            ((2, 0), "c"),
            ((2, 2), "d"),
            ((1, 0), "a"),
            ((2, 0), "C"),
        ]
        .into_iter();
        let rows = stream_rows(&mut budget, &Place::Sheet("S"), || {
            Ok(cells
                .next()
                .map(|(position, text)| Cell::new(position, DataRef::SharedString(text))))
        })
        .unwrap();
        let shape: Vec<(usize, Vec<&str>)> = rows
            .iter()
            .map(|r| (r.number, r.cells.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (2, vec!["a"]),
                (3, vec!["C", "", "d"]),
                (4, vec![]),
                (5, vec!["", "e"]),
            ]
        );
    }
}
