//! Cell fill colours of an XLSX workbook: many trackers colour the status cell and type
//! nothing in it. calamine reads values only, so the colours are read from the parts as they
//! inflate (within the same limits): each sheet's styled cells (`<c r="E4" s="7"/>`), the
//! styles part's fills and cell formats, and the theme's colours that fills may name.

use crate::read::spreadsheet::local_name;
use crate::read::xml_scan::{XmlEvent, attribute, tag_name};
use crate::table::CellFill;

/// A sheet's cells that carry a style other than the default, as (row from 1, column from 1,
/// style index). Kept up to `cap` cells, so a hostile sheet of styled blanks costs no more
/// than the cell limit allows.
#[derive(Debug, Default)]
pub(crate) struct StyledCells {
    pub cells: Vec<(u32, u32, u32)>,
    pub cap: usize,
}

impl StyledCells {
    pub fn new(cap: usize) -> Self {
        StyledCells {
            cells: Vec::new(),
            cap,
        }
    }

    /// Notes a `<c>` start tag at (row, column).
    pub fn cell(&mut self, tag: &[u8], row: u64, column: u64) {
        if self.cells.len() >= self.cap {
            return;
        }
        let Some(style) = attribute(tag, b"s")
            .and_then(|s| std::str::from_utf8(s).ok()?.parse::<u32>().ok())
            .filter(|s| *s != 0)
        else {
            return;
        };
        if let (Ok(row), Ok(column)) = (u32::try_from(row), u32::try_from(column)) {
            self.cells.push((row, column, style));
        }
    }
}

/// One fill of the styles part, before theme colours are resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FillColour {
    None,
    Rgb([u8; 3]),
    Theme(usize, f64),
    Indexed(usize),
}

/// What the styles part says: each fill's colour, and each cell format's fill.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    fills: Vec<FillColour>,
    /// The fill of each cell format (`cellXfs`), by style index.
    format_fills: Vec<usize>,
    depth: usize,
    in_fills: Option<usize>,
    in_formats: Option<usize>,
    /// The fill being read: its pattern is solid.
    solid: bool,
}

impl Styles {
    pub fn event(&mut self, event: XmlEvent<'_>) {
        match event {
            XmlEvent::Start { tag, empty } => {
                let name = local_name(tag_name(tag));
                match name {
                    b"fills" if !empty => self.in_fills = Some(self.depth),
                    b"cellXfs" if !empty => self.in_formats = Some(self.depth),
                    b"fill" if self.in_fills.is_some() => {
                        self.fills.push(FillColour::None);
                        self.solid = false;
                    }
                    b"patternFill" if self.in_fills.is_some() => {
                        self.solid = attribute(tag, b"patternType") == Some(b"solid");
                    }
                    b"fgColor" if self.in_fills.is_some() && self.solid => {
                        if let Some(last) = self.fills.last_mut() {
                            *last = colour_of(tag);
                        }
                    }
                    b"xf" if self.in_formats.is_some() => {
                        let fill = attribute(tag, b"fillId")
                            .and_then(|f| std::str::from_utf8(f).ok()?.parse().ok())
                            .unwrap_or(0);
                        self.format_fills.push(fill);
                    }
                    _ => {}
                }
                // The scanner ends a self-closing tag with an `End` of its own.
                self.depth += 1;
            }
            XmlEvent::End => {
                self.depth = self.depth.saturating_sub(1);
                if self.in_fills == Some(self.depth) {
                    self.in_fills = None;
                }
                if self.in_formats == Some(self.depth) {
                    self.in_formats = None;
                }
            }
            XmlEvent::Text(_) => {}
        }
    }

    /// The colour of a style index, if it fills the cell with one.
    fn colour(&self, style: u32, theme: &Theme) -> Option<[u8; 3]> {
        let fill = *self.format_fills.get(style as usize)?;
        match *self.fills.get(fill)? {
            FillColour::None => None,
            FillColour::Rgb(rgb) => Some(rgb),
            FillColour::Theme(index, tint) => theme.colour(index).map(|rgb| tinted(rgb, tint)),
            FillColour::Indexed(index) => indexed_colour(index),
        }
    }
}

fn colour_of(tag: &[u8]) -> FillColour {
    if let Some(rgb) = attribute(tag, b"rgb").and_then(hex_colour) {
        return FillColour::Rgb(rgb);
    }
    let number = |name: &[u8]| {
        attribute(tag, name).and_then(|value| std::str::from_utf8(value).ok()?.parse::<f64>().ok())
    };
    if let Some(theme) = number(b"theme") {
        return FillColour::Theme(theme as usize, number(b"tint").unwrap_or(0.0));
    }
    if let Some(indexed) = number(b"indexed") {
        return FillColour::Indexed(indexed as usize);
    }
    FillColour::None
}

/// "FFFF0000" (alpha first) or "FF0000".
fn hex_colour(value: &[u8]) -> Option<[u8; 3]> {
    let text = std::str::from_utf8(value).ok()?;
    let text = if text.len() == 8 { &text[2..] } else { text };
    if text.len() != 6 {
        return None;
    }
    let byte = |at: usize| u8::from_str_radix(text.get(at..at + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// The theme's colour scheme, in the order its part writes it (dk1, lt1, dk2, lt2, accent1–6,
/// hlink, folHlink).
#[derive(Debug, Default)]
pub(crate) struct Theme {
    scheme: Vec<[u8; 3]>,
    in_scheme: bool,
    depth: usize,
    scheme_depth: usize,
    /// Whether the current scheme entry has its colour yet.
    entry_open: bool,
}

impl Theme {
    pub fn event(&mut self, event: XmlEvent<'_>) {
        match event {
            XmlEvent::Start { tag, empty } => {
                let name = local_name(tag_name(tag));
                if name == b"clrScheme" && !empty {
                    self.in_scheme = true;
                    self.scheme_depth = self.depth;
                } else if self.in_scheme && self.depth == self.scheme_depth + 1 {
                    // dk1, lt1, ...: one entry each.
                    self.entry_open = true;
                } else if self.in_scheme && self.entry_open {
                    let value = match name {
                        b"srgbClr" => attribute(tag, b"val"),
                        b"sysClr" => attribute(tag, b"lastClr"),
                        _ => None,
                    };
                    if let Some(rgb) = value.and_then(hex_colour) {
                        self.scheme.push(rgb);
                        self.entry_open = false;
                    }
                }
                // The scanner ends a self-closing tag with an `End` of its own.
                self.depth += 1;
            }
            XmlEvent::End => {
                self.depth = self.depth.saturating_sub(1);
                if self.in_scheme && self.depth == self.scheme_depth {
                    self.in_scheme = false;
                }
            }
            XmlEvent::Text(_) => {}
        }
    }

    /// A fill's theme colour: Excel numbers light before dark (0 is lt1, 1 dk1, 2 lt2, 3 dk2),
    /// the reverse of the scheme's order.
    fn colour(&self, index: usize) -> Option<[u8; 3]> {
        let at = match index {
            0 => 1,
            1 => 0,
            2 => 3,
            3 => 2,
            other => other,
        };
        self.scheme
            .get(at)
            .copied()
            .or_else(|| OFFICE_THEME.get(at).copied())
    }
}

/// The default Office theme, for a workbook whose theme part is missing.
const OFFICE_THEME: [[u8; 3]; 12] = [
    [0x00, 0x00, 0x00],
    [0xFF, 0xFF, 0xFF],
    [0x44, 0x54, 0x6A],
    [0xE7, 0xE6, 0xE6],
    [0x44, 0x72, 0xC4],
    [0xED, 0x7D, 0x31],
    [0xA5, 0xA5, 0xA5],
    [0xFF, 0xC0, 0x00],
    [0x5B, 0x9B, 0xD5],
    [0x70, 0xAD, 0x47],
    [0x05, 0x63, 0xC1],
    [0x95, 0x4F, 0x72],
];

/// A tint lightens toward white (positive) or darkens toward black (negative).
fn tinted(rgb: [u8; 3], tint: f64) -> [u8; 3] {
    let tint = tint.clamp(-1.0, 1.0);
    rgb.map(|c| {
        let c = f64::from(c);
        let out = if tint >= 0.0 {
            c + (255.0 - c) * tint
        } else {
            c * (1.0 + tint)
        };
        out.round().clamp(0.0, 255.0) as u8
    })
}

/// Excel's legacy palette (indexes 8 to 63; 0 to 7 repeat 8 to 15).
fn indexed_colour(index: usize) -> Option<[u8; 3]> {
    const PALETTE: [u32; 56] = [
        0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0xFF00FF, 0x00FFFF, 0x800000,
        0x008000, 0x000080, 0x808000, 0x800080, 0x008080, 0xC0C0C0, 0x808080, 0x9999FF, 0x993366,
        0xFFFFCC, 0xCCFFFF, 0x660066, 0xFF8080, 0x0066CC, 0xCCCCFF, 0x000080, 0xFF00FF, 0xFFFF00,
        0x00FFFF, 0x800080, 0x800000, 0x008080, 0x0000FF, 0x00CCFF, 0xCCFFFF, 0xCCFFCC, 0xFFFF99,
        0x99CCFF, 0xFF99CC, 0xCC99FF, 0xFFCC99, 0x3366FF, 0x33CCCC, 0x99CC00, 0xFFCC00, 0xFF9900,
        0xFF6600, 0x666699, 0x969696, 0x003366, 0x339966, 0x003300, 0x333300, 0x993300, 0x993366,
        0x333399, 0x333333,
    ];
    let at = if index < 8 { index } else { index - 8 };
    let value = *PALETTE.get(at)?;
    Some([(value >> 16) as u8, (value >> 8) as u8, value as u8])
}

/// The fills of one sheet's styled cells, in (row, column) order, white and uncoloured
/// styles left out.
pub(crate) fn sheet_fills(cells: &StyledCells, styles: &Styles, theme: &Theme) -> Vec<CellFill> {
    let mut fills: Vec<CellFill> = cells
        .cells
        .iter()
        .filter_map(|&(row, column, style)| {
            let rgb = styles.colour(style, theme)?;
            (rgb != [0xFF, 0xFF, 0xFF]).then_some(CellFill {
                row: row as usize,
                column: column.saturating_sub(1) as usize,
                rgb,
            })
        })
        .collect();
    fills.sort_by_key(|fill| (fill.row, fill.column));
    fills
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
    fn styles_give_each_format_its_fill_colour() {
        let xml = r#"<styleSheet><fills count="5"><fill><patternFill patternType="none"/></fill>
            <fill><patternFill patternType="gray125"/></fill>
            <fill><patternFill patternType="solid"><fgColor rgb="FFFF0000"/><bgColor indexed="64"/></patternFill></fill>
            <fill><patternFill patternType="solid"><fgColor theme="9" tint="0.3999"/></patternFill></fill>
            <fill><patternFill patternType="solid"><fgColor indexed="52"/></patternFill></fill></fills>
            <cellStyleXfs count="1"><xf fillId="2"/></cellStyleXfs>
            <cellXfs count="4"><xf fillId="0"/><xf fillId="2" applyFill="1"/><xf fillId="3"/><xf fillId="4"/></cellXfs></styleSheet>"#;
        let mut styles = Styles::default();
        scan(xml, |event| styles.event(event));
        let theme = Theme::default();
        assert_eq!(styles.colour(0, &theme), None);
        assert_eq!(styles.colour(1, &theme), Some([0xFF, 0, 0]));
        // Accent 6 of the Office theme (70AD47), lightened by 40%.
        assert_eq!(styles.colour(2, &theme), Some([0xA9, 0xCE, 0x91]));
        assert_eq!(styles.colour(3, &theme), Some([0xFF, 0x99, 0x00]));
        assert_eq!(styles.colour(9, &theme), None);
    }

    #[test]
    fn a_theme_part_names_its_colours() {
        let xml = r#"<a:theme><a:themeElements><a:clrScheme name="Custom">
            <a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>
            <a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
            <a:dk2><a:srgbClr val="1F497D"/></a:dk2><a:lt2><a:srgbClr val="EEECE1"/></a:lt2>
            <a:accent1><a:srgbClr val="C00000"/></a:accent1></a:clrScheme></a:themeElements></a:theme>"#;
        let mut theme = Theme::default();
        scan(xml, |event| theme.event(event));
        assert_eq!(theme.colour(0), Some([0xFF, 0xFF, 0xFF]));
        assert_eq!(theme.colour(1), Some([0, 0, 0]));
        assert_eq!(theme.colour(4), Some([0xC0, 0, 0]));
        // Past the part's own colours, the Office defaults.
        assert_eq!(theme.colour(9), Some([0x70, 0xAD, 0x47]));
    }
}
