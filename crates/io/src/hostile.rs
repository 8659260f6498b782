//! Hostile files, made in code for the tests and the bench that prove the `ReadLimits` hold:
//! zip bombs of several shapes, a sheet of millions of tiny rows, shared strings that inflate,
//! ODS repeats that multiply, documents nested or swollen past reason, XML that names external
//! entities, oversized cells and random bytes. Each case says what its refusal must name.
//!
//! Bombs are written as raw deflate streams (fixed Huffman codes: a pattern once, then
//! back-references of 258 bytes to it), so a part that inflates to a gigabyte is made in
//! milliseconds and a few megabytes, as an attacker's would be. Not used by Waymark itself.

use crate::read::ReadLimits;
use crate::table::Format;

/// One hostile file and what reading it must do.
pub struct Case {
    pub name: &'static str,
    pub file: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    pub limits: ReadLimits,
    /// What the error must say; `None` where the file may also be read (safely).
    pub refusal: Option<&'static str>,
    /// Text that must not appear in anything read (an external entity's target).
    pub never_read: Option<&'static str>,
}

/// Every case, with the default limits unless a case needs one limit out of the way to reach
/// another.
pub fn cases() -> Vec<Case> {
    let defaults = ReadLimits::default();
    let no_ratio = ReadLimits {
        max_ratio: u64::MAX / 4,
        ..defaults
    };
    let mut cases = vec![
        Case {
            name: "one cell inflating to 1.1 GB (shared strings)",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                sheet_of_shared_string_rows(1),
                Some(deflated(&[
                    Piece::Text(b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>"),
                    Piece::Repeat(b"a", 1_100_000_000),
                    Piece::Text(b"</t></si></sst>"),
                ])),
            ),
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: part \"xl/sharedStrings.xml\" unpacks to more than 128 MB; \
                 Waymark reads parts of at most 128 MB",
            ),
            never_read: None,
        },
        Case {
            name: "a part that claims 1 KB and inflates to 1.1 GB",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                sheet_of_shared_string_rows(1),
                Some(Entry::Lying(
                    deflate(&[
                        Piece::Text(b"<sst><si><t>"),
                        Piece::Repeat(b"a", 1_100_000_000),
                        Piece::Text(b"</t></si></sst>"),
                    ]),
                    1024,
                )),
            ),
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: part \"xl/sharedStrings.xml\" is damaged: File is larger than its \
                 declared uncompressed size",
            ),
            never_read: None,
        },
        Case {
            name: "shared strings of 50 MB packed 158 to 1",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                sheet_of_shared_string_rows(1),
                Some(deflated(&[
                    Piece::Text(b"<sst><si><t>"),
                    Piece::Repeat(b"a", 50 * 1024 * 1024),
                    Piece::Text(b"</t></si></sst>"),
                ])),
            ),
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: part \"xl/sharedStrings.xml\" unpacks to more than 100 times its \
                 packed size, as zip bombs do; Waymark refuses parts over 1 MB packed more tightly \
                 than that",
            ),
            never_read: None,
        },
        Case {
            name: "13 million one-cell rows under an Action/Owner/Due header",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                deflated(&[
                    Piece::Text(SHEET_START),
                    Piece::Text(b"<row><c t=\"inlineStr\"><is><t>Action</t></is></c><c t=\"inlineStr\"><is><t>Owner</t></is></c><c t=\"inlineStr\"><is><t>Due</t></is></c></row>"),
                    Piece::times(b"<row><c><v>1</v></c></row>", 13_000_000),
                    Piece::Text(SHEET_END),
                ]),
                None,
            ),
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: part \"xl/worksheets/sheet1.xml\" unpacks to more than 128 MB; \
                 Waymark reads parts of at most 128 MB",
            ),
            never_read: None,
        },
        Case {
            name: "600,000 one-cell rows, the ratio check out of the way",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                deflated(&[
                    Piece::Text(SHEET_START),
                    Piece::times(b"<row><c><v>1</v></c></row>", 600_000),
                    Piece::Text(SHEET_END),
                ]),
                None,
            ),
            limits: no_ratio,
            refusal: Some(
                "tracker.xlsx: sheet \"Actions\" has more than 500,000 rows; Waymark reads at most 500,000",
            ),
            never_read: None,
        },
        Case {
            name: "a cell in the last row and column Excel has",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                Entry::Stored(
                    [
                        SHEET_START,
                        b"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>",
                        SHEET_END,
                    ]
                    .concat(),
                ),
                None,
            ),
            limits: defaults,
            refusal: Some("tracker.xlsx: sheet \"Actions\" has more than 500,000 rows"),
            never_read: None,
        },
        Case {
            name: "a cell in column XFD",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                Entry::Stored(
                    [SHEET_START, b"<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>", SHEET_END].concat(),
                ),
                None,
            ),
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: sheet \"Actions\" has more than 1,000 columns; Waymark reads at most 1,000",
            ),
            never_read: None,
        },
        Case {
            name: "one shared string of 32 KB used by every cell of 5,000 rows",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                deflated(&[
                    Piece::Text(SHEET_START),
                    Piece::times(
                        b"<row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>0</v></c><c t=\"s\"><v>0</v></c><c t=\"s\"><v>0</v></c></row>",
                        5_000,
                    ),
                    Piece::Text(SHEET_END),
                ]),
                Some(deflated(&[
                    Piece::Text(b"<sst><si><t>"),
                    Piece::Repeat(b"a", 32_000),
                    Piece::Text(b"</t></si></sst>"),
                ])),
            ),
            limits: ReadLimits {
                max_text_bytes: 64 * 1024 * 1024,
                ..defaults
            },
            refusal: Some(
                "tracker.xlsx: its cells hold more than 64 MB of text; Waymark reads at most 64 MB",
            ),
            never_read: None,
        },
        Case {
            name: "shared strings of 6 million one-letter strings",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: xlsx(
                sheet_of_shared_string_rows(1),
                Some(deflated(&[
                    Piece::Text(b"<sst>"),
                    Piece::times(b"<si><t>a</t></si>", 6_000_000),
                    Piece::Text(b"</sst>"),
                ])),
            ),
            limits: no_ratio,
            refusal: Some(
                "tracker.xlsx: part \"xl/sharedStrings.xml\" holds more than 5,000,000 strings",
            ),
            never_read: None,
        },
        Case {
            name: "300 parts of 1 MB each",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: {
                let mut parts = xlsx_parts(sheet_of_shared_string_rows(1), None);
                let filler = deflate(&[Piece::Repeat(b"a", 1024 * 1024)]);
                for index in 0..300 {
                    parts.push((format!("xl/media/filler{index}.bin"), Entry::Deflated(filler.clone())));
                }
                zip(parts)
            },
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: its parts unpack to more than 256 MB in all; Waymark reads at most 256 MB",
            ),
            never_read: None,
        },
        Case {
            name: "20,000 empty parts",
            file: "tracker.xlsx".into(),
            format: Format::Xlsx,
            bytes: {
                let mut parts = xlsx_parts(sheet_of_shared_string_rows(1), None);
                for index in 0..20_000 {
                    parts.push((format!("x/{index}"), Entry::Stored(Vec::new())));
                }
                zip(parts)
            },
            limits: defaults,
            refusal: Some(
                "tracker.xlsx: it holds more than 10,000 parts; Waymark reads at most 10,000",
            ),
            never_read: None,
        },
        Case {
            name: "ODS: a filled cell repeated over 16,384 columns and a million rows",
            file: "tracker.ods".into(),
            format: Format::Ods,
            bytes: ods(&[
                b"<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell \
                  table:number-columns-repeated=\"16384\" office:value-type=\"string\">\
                  <text:p>x</text:p></table:table-cell></table:table-row>",
            ]),
            limits: defaults,
            refusal: Some(
                "tracker.ods: sheet \"Actions\" has more than 500,000 rows; Waymark reads at most 500,000",
            ),
            never_read: None,
        },
        Case {
            name: "ODS: 1,000 rows of one filled cell repeated 2,000 times",
            file: "tracker.ods".into(),
            format: Format::Ods,
            bytes: ods(&[b"<table:table-row table:number-rows-repeated=\"1000\"><table:table-cell \
                  table:number-columns-repeated=\"2000\" office:value-type=\"float\" office:value=\"1\">\
                  <text:p>1</text:p></table:table-cell></table:table-row>"]),
            limits: defaults,
            refusal: Some(
                "tracker.ods: sheet \"Actions\" has more than 1,000 columns; Waymark reads at most 1,000",
            ),
            never_read: None,
        },
        Case {
            name: "DOCX: tables nested 50,000 deep",
            file: "plan.docx".into(),
            format: Format::Docx,
            bytes: docx(deflated(&[
                Piece::Text(DOCUMENT_START),
                Piece::times(b"<w:tbl><w:tr><w:tc>", 50_000),
                Piece::Text(DOCUMENT_END),
            ])),
            limits: defaults,
            refusal: Some(
                "plan.docx: part \"word/document.xml\" nests elements more than 64 deep; Waymark reads at most 64",
            ),
            never_read: None,
        },
        Case {
            name: "DOCX: 10 million empty paragraphs",
            file: "plan.docx".into(),
            format: Format::Docx,
            bytes: docx(deflated(&[
                Piece::Text(DOCUMENT_START),
                Piece::times(b"<w:p/>", 10_000_000),
                Piece::Text(DOCUMENT_END),
            ])),
            limits: no_ratio,
            refusal: Some(
                "plan.docx: the document has more than 4,000,000 XML elements; Waymark reads at most 4,000,000",
            ),
            never_read: None,
        },
        Case {
            name: "CSV: one cell of 70 MB",
            file: "tracker.csv".into(),
            format: Format::Csv,
            bytes: [b"Action,Owner,Due\n\"".as_slice(), &vec![b'a'; 70 * 1024 * 1024], b"\",x,y\n"].concat(),
            limits: defaults,
            refusal: Some("tracker.csv: the file is 70 MB; Waymark reads files of at most 64 MB"),
            never_read: None,
        },
        Case {
            name: "CSV: one cell of 1 MB",
            file: "tracker.csv".into(),
            format: Format::Csv,
            bytes: [b"Action,Owner,Due\n\"".as_slice(), &vec![b'a'; 1024 * 1024], b"\",x,y\n"].concat(),
            limits: defaults,
            refusal: Some(
                "tracker.csv: the file, row 2, has a cell longer than 32,767 characters; Waymark reads cells of at most 32,767",
            ),
            never_read: None,
        },
        Case {
            name: "CSV: 600,000 empty lines of commas",
            file: "tracker.csv".into(),
            format: Format::Csv,
            bytes: b"a,b\n".repeat(600_000),
            limits: defaults,
            refusal: Some("tracker.csv: the file has more than 500,000 rows"),
            never_read: None,
        },
        Case {
            name: "a name that looks like a path",
            file: "../../etc/passwd.xlsx".into(),
            format: Format::Xlsx,
            bytes: b"root:x:0:0:root:/root:/bin/bash\n".to_vec(),
            limits: defaults,
            refusal: Some("../../etc/passwd.xlsx: "),
            never_read: None,
        },
    ];
    cases.push(Case {
        name: "XLS: two cells, in A1 and in row 65,536 of column 65,536",
        file: "tracker.xls".into(),
        format: Format::Xls,
        bytes: xls(&[(0, 0), (65_535, 65_535)], (0, 1)),
        limits: defaults,
        refusal: Some(
            "tracker.xls: sheet \"Actions\" has more than 1,000 columns; Waymark reads at most 1,000",
        ),
        never_read: None,
    });
    cases.push(Case {
        name: "XLS: a DIMENSIONS record claiming 4 billion rows",
        file: "tracker.xls".into(),
        format: Format::Xls,
        bytes: xls(&[(0, 0)], (4_000_000_000, 200)),
        limits: defaults,
        refusal: Some(
            "tracker.xls: sheet \"Actions\" has more than 500,000 rows; Waymark reads at most 500,000",
        ),
        never_read: None,
    });
    // External entities: each reader either refuses the file or reads the entity as nothing.
    for (format, file) in [
        (Format::Xlsx, "entities.xlsx"),
        (Format::Ods, "entities.ods"),
        (Format::Docx, "entities.docx"),
    ] {
        cases.push(Case {
            name: "XML naming an external entity (/etc/passwd)",
            file: file.into(),
            format,
            bytes: external_entity(format),
            limits: defaults,
            refusal: None,
            never_read: Some("root:"),
        });
    }
    // Random bytes in every format: refused or read as text, never a panic.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for (format, file) in [
        (Format::Xlsx, "random.xlsx"),
        (Format::Xls, "random.xls"),
        (Format::Ods, "random.ods"),
        (Format::Docx, "random.docx"),
        (Format::Csv, "random.csv"),
    ] {
        let bytes = (0..1024 * 1024)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        cases.push(Case {
            name: "1 MB of random bytes",
            file: file.into(),
            format,
            bytes,
            limits: defaults,
            refusal: None,
            never_read: None,
        });
    }
    cases
}

/// A stretch of a part's inflated bytes.
pub enum Piece<'a> {
    Text(&'a [u8]),
    /// The pattern over and over, `total` bytes in all.
    Repeat(&'a [u8], u64),
}

impl<'a> Piece<'a> {
    /// The pattern `count` times.
    pub fn times(pattern: &'a [u8], count: u64) -> Piece<'a> {
        Piece::Repeat(pattern, pattern.len() as u64 * count)
    }
}

/// A raw deflate stream and what it inflates to.
#[derive(Clone)]
pub struct Deflated {
    pub data: Vec<u8>,
    pub crc: u32,
    pub size: u64,
}

/// A part of a zip file.
pub enum Entry {
    Stored(Vec<u8>),
    Deflated(Deflated),
    /// Deflated, with a smaller uncompressed size written in its headers.
    Lying(Deflated, u64),
}

fn deflated(pieces: &[Piece<'_>]) -> Entry {
    Entry::Deflated(deflate(pieces))
}

/// Deflates `pieces` with fixed Huffman codes: text as literals, a repeat as its pattern once
/// and then references 258 bytes long to the copy just before.
pub fn deflate(pieces: &[Piece<'_>]) -> Deflated {
    let mut bits = Bits::default();
    let mut crc = crc32fast::Hasher::new();
    let mut size = 0u64;
    // Final block, fixed Huffman codes.
    bits.put(1, 1);
    bits.put(1, 2);
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                for &byte in *text {
                    bits.literal(byte);
                }
                crc.update(text);
                size += text.len() as u64;
            }
            Piece::Repeat(pattern, total) => {
                let period = pattern.len() as u64;
                let first = period.min(*total);
                for &byte in &pattern[..first as usize] {
                    bits.literal(byte);
                }
                let mut done = first;
                while total - done >= 258 {
                    bits.length_258_back(pattern.len());
                    done += 258;
                }
                while done < *total {
                    bits.literal(pattern[(done % period) as usize]);
                    done += 1;
                }
                // The checksum of the repeat, a chunk of whole patterns at a time.
                let chunk: Vec<u8> = pattern.repeat((65_536 / pattern.len()).max(1));
                let mut left = *total;
                while left >= chunk.len() as u64 {
                    crc.update(&chunk);
                    left -= chunk.len() as u64;
                }
                crc.update(&chunk[..left as usize]);
                size += total;
            }
        }
    }
    bits.end_of_block();
    Deflated {
        data: bits.finish(),
        crc: crc.finalize(),
        size,
    }
}

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    /// `count` bits of `value`, least significant first (deflate's order for everything but
    /// Huffman codes).
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += count;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, length: u32) {
        let reversed = code.reverse_bits() >> (32 - length);
        self.put(reversed, length);
    }

    fn literal(&mut self, byte: u8) {
        let value = u32::from(byte);
        if value <= 143 {
            self.code(0x30 + value, 8);
        } else {
            self.code(0x190 + value - 144, 9);
        }
    }

    fn length_258_back(&mut self, distance: usize) {
        // Length 258 is symbol 285, no extra bits.
        self.code(0xC0 + (285 - 280), 8);
        let distance = distance as u32;
        let base = |code: u32| -> u32 {
            if code < 2 {
                code + 1
            } else {
                1 + ((2 | (code & 1)) << ((code >> 1) - 1))
            }
        };
        let code = (0..30)
            .rev()
            .find(|&code| base(code) <= distance)
            .unwrap_or(0);
        self.code(code, 5);
        let extra = if code < 2 { 0 } else { (code >> 1) - 1 };
        if extra > 0 {
            self.put(distance - base(code), extra);
        }
    }

    fn end_of_block(&mut self) {
        self.code(0, 7);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A zip file of `parts`, in order, without zip64 (every case is under 4 GB).
pub fn zip(parts: Vec<(String, Entry)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let count = parts.len();
    for (name, entry) in parts {
        let (method, crc, data, size): (u16, u32, Vec<u8>, u64) = match entry {
            Entry::Stored(data) => {
                let crc = crc32fast::hash(&data);
                let size = data.len() as u64;
                (0, crc, data, size)
            }
            Entry::Deflated(deflated) => (8, deflated.crc, deflated.data, deflated.size),
            Entry::Lying(deflated, size) => (8, deflated.crc, deflated.data, size),
        };
        let offset = out.len() as u32;
        let header = |out: &mut Vec<u8>, signature: u32, central: bool| {
            out.extend(signature.to_le_bytes());
            if central {
                out.extend(20u16.to_le_bytes());
            }
            out.extend(20u16.to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(method.to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(0x21u16.to_le_bytes());
            out.extend(crc.to_le_bytes());
            out.extend((data.len() as u32).to_le_bytes());
            out.extend((size as u32).to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes());
            if central {
                out.extend([0u8; 6]);
                out.extend(0u32.to_le_bytes());
                out.extend(offset.to_le_bytes());
            }
            out.extend(name.as_bytes());
        };
        header(&mut out, 0x0403_4b50, false);
        out.extend(&data);
        header(&mut central, 0x0201_4b50, true);
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((count as u16).to_le_bytes());
    out.extend((count as u16).to_le_bytes());
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const SHEET_START: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet \
    xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
const SHEET_END: &[u8] = b"</sheetData></worksheet>";

/// A sheet whose rows each hold shared string 0.
fn sheet_of_shared_string_rows(rows: usize) -> Entry {
    let row = b"<row><c t=\"s\"><v>0</v></c></row>";
    Entry::Stored([SHEET_START, &row.repeat(rows), SHEET_END].concat())
}

/// The parts of a one-sheet workbook named "Actions".
pub fn xlsx_parts(sheet: Entry, shared_strings: Option<Entry>) -> Vec<(String, Entry)> {
    let mut parts = vec![
        (
            "[Content_Types].xml".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                  <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                  <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                  <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
                  <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
                  <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>\
                  </Types>"
                    .to_vec(),
            ),
        ),
        (
            "_rels/.rels".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                  <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
                  </Relationships>"
                    .to_vec(),
            ),
        ),
        (
            "xl/workbook.xml".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                  xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
                  <sheets><sheet name=\"Actions\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
                    .to_vec(),
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                  <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                  <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>\
                  </Relationships>"
                    .to_vec(),
            ),
        ),
        ("xl/worksheets/sheet1.xml".to_string(), sheet),
    ];
    parts.push((
        "xl/sharedStrings.xml".to_string(),
        shared_strings
            .unwrap_or_else(|| Entry::Stored(b"<sst><si><t>Action</t></si></sst>".to_vec())),
    ));
    parts
}

pub fn xlsx(sheet: Entry, shared_strings: Option<Entry>) -> Vec<u8> {
    zip(xlsx_parts(sheet, shared_strings))
}

/// A one-sheet ODS ("Actions") whose table holds `rows` (raw `table:table-row` XML).
pub fn ods(rows: &[&[u8]]) -> Vec<u8> {
    let content = [
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
          xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
          xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
          xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
          <office:body><office:spreadsheet><table:table table:name=\"Actions\">"
            .as_slice(),
        &rows.concat(),
        b"</table:table></office:spreadsheet></office:body></office:document-content>",
    ]
    .concat();
    ods_with_content(Entry::Deflated(deflate(&[Piece::Text(&content)])))
}

/// An ODS whose `content.xml` is `content`, with a `styles.xml` of `styles` where given: for
/// tests of what a well-formed workbook's styles say (its cells' fill colours).
pub fn ods_document(content: &[u8], styles: Option<&[u8]>) -> Vec<u8> {
    let mut entries = ods_entries(Entry::Deflated(deflate(&[Piece::Text(content)])));
    if let Some(styles) = styles {
        entries.push((
            "styles.xml".to_string(),
            Entry::Deflated(deflate(&[Piece::Text(styles)])),
        ));
    }
    zip(entries)
}

fn ods_with_content(content: Entry) -> Vec<u8> {
    zip(ods_entries(content))
}

fn ods_entries(content: Entry) -> Vec<(String, Entry)> {
    vec![
        (
            "mimetype".to_string(),
            Entry::Stored(b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
        ),
        (
            "META-INF/manifest.xml".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
                  xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
                  <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
                  <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
                  </manifest:manifest>"
                    .to_vec(),
            ),
        ),
        ("content.xml".to_string(), content),
    ]
}

const DOCUMENT_START: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
    xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
const DOCUMENT_END: &[u8] = b"</w:body></w:document>";

/// A Word document whose `word/document.xml` is `document`.
pub fn docx(document: Entry) -> Vec<u8> {
    zip(vec![
        (
            "[Content_Types].xml".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                  <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                  <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                  <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
                  </Types>"
                    .to_vec(),
            ),
        ),
        (
            "_rels/.rels".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                  <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
                  </Relationships>"
                    .to_vec(),
            ),
        ),
        (
            "word/_rels/document.xml.rels".to_string(),
            Entry::Stored(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"></Relationships>"
                    .to_vec(),
            ),
        ),
        ("word/document.xml".to_string(), document),
    ])
}

/// An Excel 97–2003 workbook with one sheet, "Actions", holding the number 1 at each (row,
/// column) given, and a DIMENSIONS record claiming `claimed` (rows, columns): the BIFF8
/// records inside the smallest compound file that holds them.
pub fn xls(cells: &[(u16, u16)], claimed: (u32, u16)) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
        out.extend(kind.to_le_bytes());
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
    }
    let bof = |kind: u16| {
        let mut data = vec![0u8; 16];
        data[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        data[2..4].copy_from_slice(&kind.to_le_bytes());
        data
    };
    let name = b"Actions";
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    let boundsheet_at = globals.len();
    let mut boundsheet = vec![0u8; 6];
    boundsheet.push(name.len() as u8);
    boundsheet.push(0);
    boundsheet.extend(name);
    record(&mut globals, 0x0085, &boundsheet);
    record(&mut globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    globals[boundsheet_at + 4..boundsheet_at + 8].copy_from_slice(&sheet_at.to_le_bytes());
    let mut stream = globals;
    record(&mut stream, 0x0809, &bof(0x0010));
    let mut dimensions = Vec::new();
    dimensions.extend(0u32.to_le_bytes());
    dimensions.extend(claimed.0.to_le_bytes());
    dimensions.extend(0u16.to_le_bytes());
    dimensions.extend(claimed.1.to_le_bytes());
    dimensions.extend(0u16.to_le_bytes());
    record(&mut stream, 0x0200, &dimensions);
    for &(row, column) in cells {
        let mut number = Vec::new();
        number.extend(row.to_le_bytes());
        number.extend(column.to_le_bytes());
        number.extend(0u16.to_le_bytes());
        number.extend(1.0f64.to_le_bytes());
        record(&mut stream, 0x0203, &number);
    }
    record(&mut stream, 0x000A, &[]);
    // At least 4,096 bytes, so the stream lives in ordinary sectors, not the mini stream.
    stream.resize(stream.len().max(4096).div_ceil(512) * 512, 0);
    compound_file(&stream)
}

/// A version 3 compound file: the header, one allocation (FAT) sector, one directory sector
/// (the root and `Workbook`), then the stream.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    let sectors = stream.len() / 512;
    let mut header = vec![0u8; 512];
    header[0..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    header[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    header[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    header[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
    header[0x30..0x34].copy_from_slice(&1u32.to_le_bytes());
    header[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
    header[0x3C..0x40].copy_from_slice(&END.to_le_bytes());
    header[0x44..0x48].copy_from_slice(&END.to_le_bytes());
    for index in 0..109 {
        let id = if index == 0 { 0 } else { FREE };
        header[0x4C + index * 4..0x50 + index * 4].copy_from_slice(&id.to_le_bytes());
    }
    let mut fat = vec![0xFFFF_FFFDu32, END];
    for index in 0..sectors {
        fat.push(if index + 1 == sectors {
            END
        } else {
            3 + index as u32
        });
    }
    fat.resize(128, FREE);
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut entry = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
        for (index, unit) in units.iter().enumerate() {
            entry[index * 2..index * 2 + 2].copy_from_slice(&unit.to_le_bytes());
        }
        entry[0x40..0x42].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
        entry[0x42] = kind;
        entry[0x43] = 1;
        entry[0x44..0x48].copy_from_slice(&FREE.to_le_bytes());
        entry[0x48..0x4C].copy_from_slice(&FREE.to_le_bytes());
        entry[0x4C..0x50].copy_from_slice(&child.to_le_bytes());
        entry[0x74..0x78].copy_from_slice(&start.to_le_bytes());
        entry[0x78..0x7C].copy_from_slice(&size.to_le_bytes());
        entry
    };
    let mut out = header;
    out.extend(fat.iter().flat_map(|id| id.to_le_bytes()));
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, FREE, 2, stream.len() as u32));
    out.extend(entry("", 0, FREE, 0, 0));
    out.extend(entry("", 0, FREE, 0, 0));
    out.extend(stream);
    out
}

/// A file whose main XML declares an external entity for /etc/passwd and uses it in a cell or
/// paragraph.
fn external_entity(format: Format) -> Vec<u8> {
    const DOCTYPE: &str = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
    match format {
        Format::Ods => {
            let content = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{DOCTYPE}<office:document-content \
                 xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
                 xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
                 xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
                 <office:body><office:spreadsheet><table:table table:name=\"Actions\">\
                 <table:table-row><table:table-cell office:value-type=\"string\"><text:p>&xxe;</text:p>\
                 </table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>\
                 </office:document-content>"
            );
            ods_with_content(Entry::Stored(content.into_bytes()))
        }
        Format::Docx => {
            let document = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{DOCTYPE}<w:document \
                 xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
                 <w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
            );
            docx(Entry::Stored(document.into_bytes()))
        }
        _ => {
            let shared = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{DOCTYPE}<sst><si><t>&xxe;</t></si></sst>"
            );
            xlsx(
                sheet_of_shared_string_rows(1),
                Some(Entry::Stored(shared.into_bytes())),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_hand_made_xls_opens_in_calamine() {
        use calamine::Reader;
        let bytes = xls(&[(0, 0), (2, 3)], (3, 4));
        let mut workbook = calamine::Xls::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["Actions"]);
        let range = workbook.worksheet_range("Actions").unwrap();
        assert_eq!(range.get_size(), (3, 4));
        let read = crate::read_bytes("t.xls", Format::Xls, &xls(&[(1, 1)], (2, 2))).unwrap();
        assert_eq!(read.tables[0].rows[0].cells, vec!["", "1"]);
    }

    #[test]
    fn the_deflate_bombs_inflate_to_what_they_say() {
        let deflated = deflate(&[
            Piece::Text(b"<t>"),
            Piece::Repeat(b"<row/>", 100_003),
            Piece::Text(b"</t>"),
            Piece::Repeat(b"b", 1000),
        ]);
        let bytes = zip(vec![("part.xml".into(), Entry::Deflated(deflated))]);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut inflated = Vec::new();
        archive
            .by_index(0)
            .unwrap()
            .read_to_end(&mut inflated)
            .unwrap();
        let mut expected = b"<t>".to_vec();
        expected.extend(b"<row/>".repeat(100_003 / 6 + 1).into_iter().take(100_003));
        expected.extend(b"</t>");
        expected.extend([b'b'; 1000]);
        assert_eq!(inflated, expected);
    }
}
