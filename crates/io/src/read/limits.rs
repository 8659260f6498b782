//! How much of a file Waymark will read: the size of the file, of each part of a zipped format
//! (XLSX, ODS, DOCX) as it inflates, and the rows, columns, cells and text the readers produce.
//! Every reader checks these as it goes, so a hostile upload (a zip bomb, a sheet of millions of
//! rows, one enormous cell) is refused at the limit it crosses rather than after it has filled
//! memory, and the refusal names the limit, the file and the sheet or part.

use crate::error::ImportError;

/// The limits every reader applies. `ReadLimits::default()` is what the CLI and the web upload
/// use; tests pass smaller ones to build hostile files cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// The file as stored or uploaded (compressed, for the zipped formats).
    pub max_file_bytes: u64,
    /// Parts (entries) in a zipped file.
    pub max_parts: usize,
    /// One part, uncompressed: checked while it inflates, so a bomb stops at this many bytes.
    pub max_part_bytes: u64,
    /// All parts together, uncompressed.
    pub max_unpacked_bytes: u64,
    /// How many times its compressed size a part larger than `RATIO_FLOOR_BYTES` may inflate.
    pub max_ratio: u64,
    /// Rows of one sheet or table (a row number past this is refused too).
    pub max_rows: usize,
    /// Columns of one row.
    pub max_columns: usize,
    /// Cells kept from the whole file (leading blanks of a row count, trailing ones are dropped).
    pub max_cells: usize,
    /// Characters of one cell.
    pub max_cell_chars: usize,
    /// Bytes of text in all cells together: a shared string or repeated cell used a million
    /// times costs its length a million times.
    pub max_text_bytes: u64,
    /// How deeply the XML elements of a Word document may nest.
    pub max_xml_depth: usize,
    /// XML elements in all the parts of a Word document together.
    pub max_xml_elements: u64,
}

/// Parts smaller than this are not held to the compression ratio: small XML parts of repeated
/// styles compress very well and cost nothing.
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

const MB: u64 = 1024 * 1024;

impl Default for ReadLimits {
    /// Chosen so the largest trackers forces keep (100,000–200,000 rows) import with room to
    /// spare, while the worst file that passes every limit stays within a few hundred MB of
    /// memory. Measured against a 200,000-row, 13-column tracker written by rust_xlsxwriter
    /// (11.6 MB as a file): its sheet part inflates to 90 MB (10 to 1), its shared strings to
    /// 70 MB (24 to 1), 2.6 million cells, 60 MB of text. See BENCHMARKS.md, "Hostile uploads".
    fn default() -> Self {
        ReadLimits {
            // The web upload's own limit; the 200,000-row tracker is 11.6 MB as XLSX and
            // 47.5 MB as CSV with a sentence of update on each row.
            max_file_bytes: 64 * MB,
            // An XLSX has about ten parts, a DOCX a few dozen; ten thousand is for images.
            max_parts: 10_000,
            // The 200,000-row tracker's sheet is 90 MB. Sheets are streamed, not held; the
            // parts that are held whole (shared strings, a document's body) are held once.
            max_part_bytes: 128 * MB,
            max_unpacked_bytes: 256 * MB,
            // Office XML compresses 5 to 30 times (the 200,000-row tracker: 10 and 24); a zip
            // bomb 150 times (fixed Huffman codes) to 1,000 times and more.
            max_ratio: 100,
            // 2.5 times the largest tracker that must import. Excel's own limit (1,048,576)
            // would let a file that passes every check cost twice the memory.
            max_rows: 500_000,
            // Trackers have 10–40 columns; a year of monthly figures by category a few hundred.
            max_columns: 1_000,
            // The 200,000-row tracker keeps 2.6 million cells.
            max_cells: 5_000_000,
            // Excel's own limit for one cell.
            max_cell_chars: 32_767,
            // Twice the text of the 200,000-row tracker; a 64 MB CSV holds at most 64 MB.
            max_text_bytes: 128 * MB,
            // Word nests about 20 deep with drawings, three more for each table in a table.
            // docx-rs recurses for each nested table, and 40 of them (about 125 deep) overflow
            // the 2 MiB stack of the thread the web app parses uploads on, unoptimised.
            max_xml_depth: 64,
            // A 300-page board pack has about a million elements.
            max_xml_elements: 4_000_000,
        }
    }
}

impl ReadLimits {
    /// The file's size, before anything is read from it.
    pub fn check_file_size(&self, file: &str, size: u64) -> Result<(), ImportError> {
        if size > self.max_file_bytes {
            return Err(too_large(
                file,
                format!(
                    "the file is {}; Waymark reads files of at most {}",
                    megabytes_over(size, self.max_file_bytes),
                    megabytes(self.max_file_bytes)
                ),
            ));
        }
        Ok(())
    }
}

/// Counts what a reader has produced so far against the limits, for one file.
#[derive(Debug)]
pub(crate) struct Budget<'a> {
    pub limits: &'a ReadLimits,
    pub file: &'a str,
    cells: usize,
    text_bytes: u64,
}

impl<'a> Budget<'a> {
    pub fn new(file: &'a str, limits: &'a ReadLimits) -> Self {
        Budget {
            limits,
            file,
            cells: 0,
            text_bytes: 0,
        }
    }

    /// A row's number (1-based) as it is reached; `place` names the sheet or table.
    pub fn row(&self, place: &Place<'_>, number: usize) -> Result<(), ImportError> {
        if number > self.limits.max_rows {
            return Err(too_large(
                self.file,
                format!(
                    "{place} has more than {} rows; Waymark reads at most {}",
                    thousands(self.limits.max_rows as u64),
                    thousands(self.limits.max_rows as u64)
                ),
            ));
        }
        Ok(())
    }

    /// A cell's column (1-based) as it is reached.
    pub fn column(&self, place: &Place<'_>, column: usize) -> Result<(), ImportError> {
        if column > self.limits.max_columns {
            return Err(too_large(
                self.file,
                format!(
                    "{place} has more than {} columns; Waymark reads at most {}",
                    thousands(self.limits.max_columns as u64),
                    thousands(self.limits.max_columns as u64)
                ),
            ));
        }
        Ok(())
    }

    /// A count of cells made elsewhere (before they are read), against the limit.
    pub fn check_cell_count(&self, count: usize) -> Result<(), ImportError> {
        if count > self.limits.max_cells {
            return Err(self.cells_refusal());
        }
        Ok(())
    }

    fn cells_refusal(&self) -> ImportError {
        too_large(
            self.file,
            format!(
                "the file has more than {} cells; Waymark reads at most {}",
                thousands(self.limits.max_cells as u64),
                thousands(self.limits.max_cells as u64)
            ),
        )
    }

    /// `count` more cells kept, the last of which holds `text`.
    pub fn cells(
        &mut self,
        place: &Place<'_>,
        row: usize,
        count: usize,
        text: &str,
    ) -> Result<(), ImportError> {
        self.cells += count;
        self.check_cell_count(self.cells)?;
        self.text(place, row, text)
    }

    /// The text of one cell, checked for its own length and added to the file's total.
    pub fn text(&mut self, place: &Place<'_>, row: usize, text: &str) -> Result<(), ImportError> {
        self.cell_length(place, row, text.len(), || text.chars().count())?;
        self.text_bytes += text.len() as u64;
        self.check_text_total()
    }

    /// A cell's length in bytes, with its character count worked out only when the bytes could
    /// exceed the limit (a character is at most four bytes).
    pub fn cell_length(
        &self,
        place: &Place<'_>,
        row: usize,
        bytes: usize,
        chars: impl FnOnce() -> usize,
    ) -> Result<(), ImportError> {
        if bytes > self.limits.max_cell_chars && chars() > self.limits.max_cell_chars {
            return Err(too_large(
                self.file,
                format!(
                    "{place}, row {row}, has a cell longer than {} characters; Waymark reads \
                     cells of at most {}",
                    thousands(self.limits.max_cell_chars as u64),
                    thousands(self.limits.max_cell_chars as u64)
                ),
            ));
        }
        Ok(())
    }

    /// Text counted elsewhere (a Word document's notes and preamble).
    pub fn add_text_bytes(&mut self, bytes: u64) -> Result<(), ImportError> {
        self.text_bytes += bytes;
        self.check_text_total()
    }

    fn check_text_total(&self) -> Result<(), ImportError> {
        if self.text_bytes > self.limits.max_text_bytes {
            return Err(too_large(
                self.file,
                format!(
                    "its cells hold more than {} of text; Waymark reads at most {}",
                    megabytes(self.limits.max_text_bytes),
                    megabytes(self.limits.max_text_bytes)
                ),
            ));
        }
        Ok(())
    }
}

/// Where in a file a limit was crossed, as a refusal names it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'a> {
    /// The whole file (delimited text has one table).
    File,
    Sheet(&'a str),
    Table(usize),
    /// A part of a zipped file no sheet name was found for.
    Part(&'a str),
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::File => write!(f, "the file"),
            Place::Sheet(name) => write!(f, "sheet \"{name}\""),
            Place::Table(number) => write!(f, "table {number}"),
            Place::Part(name) => write!(f, "part \"{name}\""),
        }
    }
}

pub(crate) fn too_large(file: &str, message: String) -> ImportError {
    ImportError::TooLarge {
        file: file.to_string(),
        message,
    }
}

/// 1234567 as "1,234,567".
pub(crate) fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A size as whole MB (of 1,048,576 bytes, as the upload limit counts them), or KB below one MB.
pub(crate) fn megabytes(bytes: u64) -> String {
    if bytes >= MB {
        format!("{} MB", thousands(bytes / MB))
    } else {
        format!("{} KB", thousands(bytes.div_ceil(1024)))
    }
}

/// A size that is over `limit`, shown so that it never reads as equal to the limit.
fn megabytes_over(size: u64, limit: u64) -> String {
    if size / MB > limit / MB {
        megabytes(size)
    } else {
        format!("more than {}", megabytes(limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_sizes_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(500_000), "500,000");
        assert_eq!(thousands(1_048_576), "1,048,576");
        assert_eq!(megabytes(20 * MB), "20 MB");
        assert_eq!(megabytes(1000), "1 KB");
        assert_eq!(megabytes_over(20 * MB + 1, 20 * MB), "more than 20 MB");
        assert_eq!(megabytes_over(50 * MB, 20 * MB), "50 MB");
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_by_name() {
        let error = ReadLimits::default()
            .check_file_size("tracker.csv", 70 * MB)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "tracker.csv: the file is 70 MB; Waymark reads files of at most 64 MB"
        );
    }
}
