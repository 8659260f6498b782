//! Readers: each turns one file format into a `Workbook` of string tables, and nothing more.
//! Everything after (headers, cells, updates) is the same for every format.

pub mod csv;
pub mod docx;
pub mod spreadsheet;

use std::path::Path;

use crate::error::ImportError;
use crate::table::{Format, Workbook};

/// Reads a file, choosing the reader by its extension.
pub fn read_file(path: &Path) -> Result<Workbook, ImportError> {
    let file = path.display().to_string();
    let format = Format::from_file_name(&file)
        .ok_or_else(|| ImportError::UnknownFormat { file: file.clone() })?;
    let bytes = std::fs::read(path).map_err(|error| ImportError::Read {
        file: file.clone(),
        message: error.to_string(),
    })?;
    read_bytes(&file, format, &bytes)
}

/// Reads a file's bytes in a known format; `file` names it in findings and errors. The web
/// upload page calls this with the uploaded bytes.
pub fn read_bytes(file: &str, format: Format, bytes: &[u8]) -> Result<Workbook, ImportError> {
    let tables = match format {
        Format::Csv => vec![csv::read_delimited(file, bytes, None)?],
        Format::Tsv => vec![csv::read_delimited(file, bytes, Some(b'\t'))?],
        Format::Xlsx | Format::Xls | Format::Ods => spreadsheet::read_spreadsheet(file, bytes)?,
        Format::Docx => {
            let document = docx::read_document(file, bytes)?;
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
