//! Cell fill colours of an ODS workbook, as `fills` reads them for XLSX: calamine reads values
//! only, and some trackers record RAG as the cell's colour alone. `content.xml` names each
//! cell's style (`<table:table-cell table:style-name="ce3">`, or a column's default cell style)
//! and defines the automatic styles; `styles.xml` the named ones they may inherit from. A style
//! fills the cell with `<style:table-cell-properties fo:background-color="#ff0000"/>`. Both
//! parts are read as they inflate, within the same limits.

use std::collections::HashMap;

use crate::read::xml_scan::{XmlEvent, attribute, tag_name};
use crate::table::CellFill;

/// The cell styles of a part (`content.xml`'s automatic styles, `styles.xml`'s named ones):
/// each one's own fill, and the style it inherits from.
#[derive(Debug, Default)]
pub(crate) struct OdsStyles {
    styles: HashMap<String, OdsStyle>,
    /// The `style:style` being read, and its depth.
    reading: Option<(String, usize)>,
    depth: usize,
}

#[derive(Debug, Default)]
struct OdsStyle {
    /// `Some(None)` for a style that says "transparent": no fill, whatever it inherits.
    fill: Option<Option<[u8; 3]>>,
    parent: Option<String>,
}

impl OdsStyles {
    pub fn event(&mut self, event: XmlEvent<'_>) {
        match event {
            XmlEvent::Start { tag, .. } => {
                self.depth += 1;
                match tag_name(tag) {
                    b"style:style" if attribute(tag, b"style:family") == Some(b"table-cell") => {
                        if let Some(name) = attribute(tag, b"style:name") {
                            let name = String::from_utf8_lossy(name).into_owned();
                            let parent = attribute(tag, b"style:parent-style-name")
                                .map(|p| String::from_utf8_lossy(p).into_owned());
                            self.styles
                                .insert(name.clone(), OdsStyle { fill: None, parent });
                            self.reading = Some((name, self.depth));
                        }
                    }
                    b"style:table-cell-properties" => {
                        if let (Some((name, _)), Some(colour)) =
                            (&self.reading, attribute(tag, b"fo:background-color"))
                            && let Some(style) = self.styles.get_mut(name)
                        {
                            style.fill = Some(background_colour(colour));
                        }
                    }
                    _ => {}
                }
            }
            XmlEvent::End => {
                if self.reading.as_ref().is_some_and(|(_, d)| *d == self.depth) {
                    self.reading = None;
                }
                self.depth = self.depth.saturating_sub(1);
            }
            XmlEvent::Text(_) => {}
        }
    }

    /// Adds the styles of another part (a style of `content.xml` may inherit one of
    /// `styles.xml`); a name defined twice keeps its first definition.
    pub fn merge(&mut self, other: OdsStyles) {
        for (name, style) in other.styles {
            self.styles.entry(name).or_insert(style);
        }
    }

    /// The colour a style fills its cells with, following what it inherits (a few levels; a
    /// loop ends it).
    fn colour(&self, name: &str) -> Option<[u8; 3]> {
        let mut at = self.styles.get(name)?;
        for _ in 0..8 {
            if let Some(fill) = at.fill {
                return fill;
            }
            at = self.styles.get(at.parent.as_deref()?)?;
        }
        None
    }
}

/// "#FF0000" (either case) as its colour; "transparent" or anything else as none.
fn background_colour(value: &[u8]) -> Option<[u8; 3]> {
    let hex = value.strip_prefix(b"#")?;
    if hex.len() != 6 {
        return None;
    }
    let text = std::str::from_utf8(hex).ok()?;
    let number = u32::from_str_radix(text, 16).ok()?;
    Some([(number >> 16) as u8, (number >> 8) as u8, number as u8])
}

/// The cells of each sheet of `content.xml` that name a style, with where they are: rows
/// counted from 1 and columns from 0 as the tables of `read` number them. A repeated cell or
/// row is kept as one block, expanded only if its style has a colour (a sheet's blank rows to
/// its end, styled "Default", cost nothing). At most `cap` blocks are kept and `cap` cells
/// expanded, so a hostile sheet of styled blanks costs no more than that.
#[derive(Debug, Default)]
pub(crate) struct OdsStyledCells {
    /// (sheet name, its blocks of cells).
    sheets: Vec<(String, Vec<Block>)>,
    /// Style names by number, and numbers by name.
    names: Vec<String>,
    numbers: HashMap<String, u32>,
    cap: usize,
    kept: usize,
    depth: usize,
    /// The top-level table being read, and its depth.
    table: Option<usize>,
    /// Each column's default cell style, as (first column, columns, style).
    column_styles: Vec<(u64, u64, u32)>,
    next_column_of_styles: u64,
    /// The row being read: its depth, first row number, repeats; and the next cell's column.
    row: Option<(usize, u64, u64)>,
    next_row: u64,
    column: u64,
}

/// Cells of one style: `rows` rows from `row`, `columns` columns from `column`.
#[derive(Debug, Clone, Copy)]
struct Block {
    row: u64,
    rows: u64,
    column: u64,
    columns: u64,
    style: u32,
}

/// How many repeats of a coloured row or cell are expanded: a sheet may colour its whole
/// width or a thousand blank rows at once, and the RAG column of the rows read is what counts.
const MAX_REPEATS_KEPT: u64 = 10_000;

impl OdsStyledCells {
    pub fn new(cap: usize) -> Self {
        OdsStyledCells {
            cap,
            ..OdsStyledCells::default()
        }
    }

    pub fn event(&mut self, event: XmlEvent<'_>) {
        match event {
            XmlEvent::Start { tag, .. } => {
                self.depth += 1;
                match tag_name(tag) {
                    b"table:table" if self.table.is_none() => {
                        let name = attribute(tag, b"table:name")
                            .map(|n| unescape(&String::from_utf8_lossy(n)))
                            .unwrap_or_default();
                        self.sheets.push((name, Vec::new()));
                        self.table = Some(self.depth);
                        self.column_styles.clear();
                        self.next_column_of_styles = 0;
                        self.next_row = 1;
                    }
                    b"table:table-column" if self.table.is_some() => {
                        let repeats = repeats(tag, b"table:number-columns-repeated");
                        if let Some(style) = attribute(tag, b"table:default-cell-style-name") {
                            let style = self.number(style);
                            self.column_styles
                                .push((self.next_column_of_styles, repeats, style));
                        }
                        self.next_column_of_styles += repeats;
                    }
                    b"table:table-row" if self.table.is_some() && self.row.is_none() => {
                        let repeats = repeats(tag, b"table:number-rows-repeated");
                        self.row = Some((self.depth, self.next_row, repeats));
                        self.column = 0;
                    }
                    b"table:table-cell" | b"table:covered-table-cell" if self.row.is_some() => {
                        let repeats = repeats(tag, b"table:number-columns-repeated");
                        let style = match attribute(tag, b"table:style-name") {
                            Some(style) => Some(self.number(style)),
                            None => self.column_style(self.column),
                        };
                        if let (Some(style), Some((_, first_row, rows))) = (style, self.row) {
                            self.keep(first_row, rows, self.column, repeats, style);
                        }
                        self.column += repeats;
                    }
                    _ => {}
                }
            }
            XmlEvent::End => {
                if let Some((depth, first_row, rows)) = self.row
                    && depth == self.depth
                {
                    self.next_row = first_row + rows;
                    self.row = None;
                } else if self.table == Some(self.depth) {
                    self.table = None;
                }
                self.depth = self.depth.saturating_sub(1);
            }
            XmlEvent::Text(_) => {}
        }
    }

    /// The fills of each sheet's cells, by sheet name, in (row, column) order: cells whose
    /// style fills them with a colour other than white.
    pub fn fills(self, styles: &OdsStyles) -> Vec<(String, Vec<CellFill>)> {
        let colours: Vec<Option<[u8; 3]>> = self
            .names
            .iter()
            .map(|name| styles.colour(name).filter(|rgb| *rgb != [0xFF, 0xFF, 0xFF]))
            .collect();
        let mut expanded = 0usize;
        let cap = self.cap;
        self.sheets
            .into_iter()
            .map(|(sheet, blocks)| {
                let mut fills: Vec<CellFill> = Vec::new();
                'blocks: for block in blocks {
                    let Some(Some(rgb)) = colours.get(block.style as usize).copied() else {
                        continue;
                    };
                    let rows = block.row..block.row + block.rows.min(MAX_REPEATS_KEPT);
                    for row in rows {
                        let columns =
                            block.column..block.column + block.columns.min(MAX_REPEATS_KEPT);
                        for column in columns {
                            if expanded >= cap {
                                break 'blocks;
                            }
                            if let (Ok(row), Ok(column)) =
                                (usize::try_from(row), usize::try_from(column))
                            {
                                fills.push(CellFill { row, column, rgb });
                                expanded += 1;
                            }
                        }
                    }
                }
                fills.sort_by_key(|fill| (fill.row, fill.column));
                fills.dedup_by_key(|fill| (fill.row, fill.column));
                (sheet, fills)
            })
            .collect()
    }

    fn number(&mut self, name: &[u8]) -> u32 {
        let name = String::from_utf8_lossy(name).into_owned();
        if let Some(&number) = self.numbers.get(&name) {
            return number;
        }
        let number = self.names.len() as u32;
        self.names.push(name.clone());
        self.numbers.insert(name, number);
        number
    }

    fn column_style(&self, column: u64) -> Option<u32> {
        self.column_styles
            .iter()
            .find(|(first, count, _)| column >= *first && column < first + count)
            .map(|(_, _, style)| *style)
    }

    fn keep(&mut self, row: u64, rows: u64, column: u64, columns: u64, style: u32) {
        let Some((_, blocks)) = self.sheets.last_mut() else {
            return;
        };
        if self.kept >= self.cap {
            return;
        }
        blocks.push(Block {
            row,
            rows,
            column,
            columns,
            style,
        });
        self.kept += 1;
    }
}

fn repeats(tag: &[u8], name: &[u8]) -> u64 {
    attribute(tag, name)
        .and_then(|value| std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, 1_048_576)
}

/// The five entities XML predefines, for a sheet name.
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
    use crate::read::xml_scan::scan_xml;

    fn scan(xml: &str, mut handle: impl FnMut(XmlEvent<'_>)) {
        scan_xml::<()>(xml.as_bytes(), |event| {
            handle(event);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn cells_take_their_own_style_or_their_columns_and_styles_inherit() {
        let named = r##"<office:document-styles><office:styles>
            <style:style style:name="Bad" style:family="table-cell"><style:table-cell-properties fo:background-color="#C00000"/></style:style>
            </office:styles></office:document-styles>"##;
        let content = r##"<office:document-content><office:automatic-styles>
            <style:style style:name="ce1" style:family="table-cell"><style:table-cell-properties fo:background-color="#00b050"/></style:style>
            <style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Bad"/>
            <style:style style:name="ce3" style:family="table-cell"><style:table-cell-properties fo:background-color="transparent"/></style:style>
            <style:style style:name="ce4" style:family="table-cell"><style:table-cell-properties fo:background-color="#ffffff"/></style:style>
            </office:automatic-styles><office:body><office:spreadsheet>
            <table:table table:name="Actions">
            <table:table-column table:number-columns-repeated="2"/><table:table-column table:default-cell-style-name="ce1"/>
            <table:table-row><table:table-cell office:value-type="string"><text:p>Action</text:p></table:table-cell><table:table-cell/><table:table-cell table:style-name="ce3"/></table:table-row>
            <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/><table:table-cell/></table:table-row>
            <table:table-row><table:covered-table-cell/><table:table-cell table:style-name="ce2" table:number-columns-repeated="2"/><table:table-cell table:style-name="ce4"/></table:table-row>
            </table:table>
            <table:table table:name="Notes &amp; key"><table:table-row><table:table-cell table:style-name="ce1"/></table:table-row></table:table>
            </office:spreadsheet></office:body></office:document-content>"##;
        let mut styles = OdsStyles::default();
        scan(content, |event| styles.event(event));
        let mut from_styles = OdsStyles::default();
        scan(named, |event| from_styles.event(event));
        styles.merge(from_styles);
        let mut cells = OdsStyledCells::new(100);
        scan(content, |event| cells.event(event));
        // Each sheet's filled cells as (row, column, colour).
        type SheetFills = (String, Vec<(usize, usize, [u8; 3])>);
        let fills: Vec<SheetFills> = cells
            .fills(&styles)
            .into_iter()
            .map(|(sheet, fills)| {
                (
                    sheet,
                    fills.iter().map(|f| (f.row, f.column, f.rgb)).collect(),
                )
            })
            .collect();
        let green = [0x00, 0xB0, 0x50];
        let red = [0xC0, 0x00, 0x00];
        assert_eq!(
            fills,
            vec![
                (
                    "Actions".to_string(),
                    // Row 1's third cell says transparent over its column's green; rows 2 and
                    // 3 take the column's; row 4 inherits red in columns 1 and 2, and white is
                    // no colour.
                    vec![(2, 2, green), (3, 2, green), (4, 1, red), (4, 2, red)]
                ),
                ("Notes & key".to_string(), vec![(1, 0, green)]),
            ]
        );
    }

    #[test]
    fn a_sheet_of_styled_blanks_is_kept_only_up_to_the_cap() {
        let content = r##"<office:automatic-styles><style:style style:name="ce1" style:family="table-cell"><style:table-cell-properties fo:background-color="#ff0000"/></style:style></office:automatic-styles>
            <table:table table:name="S"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:style-name="ce1" table:number-columns-repeated="16384"/></table:table-row></table:table>"##;
        let mut cells = OdsStyledCells::new(1_000);
        scan(content, |event| cells.event(event));
        let mut styles = OdsStyles::default();
        scan(content, |event| styles.event(event));
        assert_eq!(cells.fills(&styles)[0].1.len(), 1_000);
    }
}
