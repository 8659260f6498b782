//! Readers: each turns one file format into a `Workbook` of string tables, and nothing more.
//! Everything after (headers, cells, updates) is the same for every format. Every reader works
//! within `ReadLimits`, so no file, however made, costs more than they allow.
//!
//! A file's name only chooses the reader and labels findings: it is never opened as a path
//! (`read_bytes`), and an uploaded name is cut to its last component first (`upload_name`).

mod archive;
pub mod csv;
pub mod docx;
mod fills;
pub mod limits;
mod ods_fills;
pub mod spreadsheet;
mod xls_scan;
mod xml_scan;

use std::io::Read;
use std::path::Path;

pub use limits::ReadLimits;

use crate::error::ImportError;
use crate::table::{Format, Workbook};

/// Reads a file within the default limits, choosing the reader by its extension.
pub fn read_file(path: &Path) -> Result<Workbook, ImportError> {
    read_file_with(path, &ReadLimits::default())
}

/// Reads a file within `limits`. Its size is checked before it is read, and it is read no
/// further than the limit in case it grows (or is not a regular file).
pub fn read_file_with(path: &Path, limits: &ReadLimits) -> Result<Workbook, ImportError> {
    let file = path.display().to_string();
    let format = Format::from_file_name(&file)
        .ok_or_else(|| ImportError::UnknownFormat { file: file.clone() })?;
    let read_error = |error: std::io::Error| ImportError::Read {
        file: file.clone(),
        message: error.to_string(),
    };
    let opened = std::fs::File::open(path).map_err(read_error)?;
    let size = opened.metadata().map_err(read_error)?.len();
    limits.check_file_size(&file, size)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    opened
        .take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    read_bytes_with(&file, format, &bytes, limits)
}

/// Reads a file's bytes in a known format within the default limits; `file` names it in
/// findings and errors. The web upload page calls this with the uploaded bytes.
pub fn read_bytes(file: &str, format: Format, bytes: &[u8]) -> Result<Workbook, ImportError> {
    read_bytes_with(file, format, bytes, &ReadLimits::default())
}

/// Reads a file's bytes in a known format within `limits`.
pub fn read_bytes_with(
    file: &str,
    format: Format,
    bytes: &[u8],
    limits: &ReadLimits,
) -> Result<Workbook, ImportError> {
    limits.check_file_size(file, bytes.len() as u64)?;
    let tables = match format {
        Format::Csv => vec![csv::read_delimited(file, bytes, None, limits)?],
        Format::Tsv => vec![csv::read_delimited(file, bytes, Some(b'\t'), limits)?],
        Format::Xlsx | Format::Xls | Format::Ods => {
            spreadsheet::read_spreadsheet(file, bytes, limits)?
        }
        Format::Docx => {
            let document = docx::read_document(file, bytes, limits)?;
            return Ok(Workbook {
                file: file.to_string(),
                format,
                tables: document.tables,
                preamble: document.preamble,
            });
        }
    };
    Ok(Workbook {
        file: file.to_string(),
        format,
        tables,
        preamble: Vec::new(),
    })
}

/// The name to show and store for an uploaded file: the last component of whatever the browser
/// sent (`C:\Users\me\plan.xlsx` and `../../etc/passwd.xlsx` alike), without control
/// characters, at most 200 characters. It labels the upload; nothing opens it as a path.
pub fn upload_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim();
    const MAX_CHARS: usize = 200;
    if trimmed.chars().count() <= MAX_CHARS {
        return trimmed.to_string();
    }
    // Keep the extension, which chooses the reader.
    let (stem, extension) = match trimmed.rsplit_once('.') {
        Some((stem, extension)) if extension.chars().count() <= 10 => (stem, extension),
        _ => (trimmed, ""),
    };
    let room = MAX_CHARS - extension.chars().count() - usize::from(!extension.is_empty());
    let mut name: String = stem.chars().take(room).collect();
    if !extension.is_empty() {
        name.push('.');
        name.push_str(extension);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_lose_their_folders_and_control_characters() {
        assert_eq!(upload_name("../../etc/passwd.xlsx"), "passwd.xlsx");
        assert_eq!(upload_name("C:\\Users\\me\\plan.xlsx"), "plan.xlsx");
        assert_eq!(upload_name("/etc/passwd"), "passwd");
        assert_eq!(upload_name("plan\u{0}\n.csv"), "plan.csv");
        let long = format!("{}.xlsx", "a".repeat(300));
        let kept = upload_name(&long);
        assert_eq!(kept.chars().count(), 200);
        assert!(kept.ends_with(".xlsx"));
        assert_eq!(Format::from_file_name(&kept), Some(Format::Xlsx));
    }
}
