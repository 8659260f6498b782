//! The zip container of XLSX, XLSB, ODS and DOCX files, checked before calamine or docx-rs opens
//! it: every part is inflated once, through a reader that stops one byte past the smallest limit
//! that applies (the part's size, its compression ratio, the file's total), so a bomb costs at
//! most that many bytes of work and a 64 KB buffer of memory. A caller may look at a part's XML
//! as it inflates (a Word document's nesting, an ODS sheet's repeated rows), in the same pass.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::error::ImportError;
use crate::read::limits::{RATIO_FLOOR_BYTES, ReadLimits, megabytes, thousands, too_large};

/// The names of an archive's parts, in the order they are stored.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub names: Vec<String>,
}

impl Parts {
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// True when the bytes start like a zip file.
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Inflates every part within `limits`. `inspect` is offered each part by name with a reader of
/// its inflated bytes, and may read as much of it as it likes; whatever it leaves is drained
/// here, so every byte of every part is counted.
pub(crate) fn check_archive(
    file: &str,
    bytes: &[u8],
    limits: &ReadLimits,
    not_readable: &str,
    mut inspect: impl FnMut(&str, &mut dyn Read) -> Result<(), ImportError>,
) -> Result<Parts, ImportError> {
    limits.check_file_size(file, bytes.len() as u64)?;
    let unreadable = |message: String| ImportError::Read {
        file: file.to_string(),
        message: format!("{not_readable}: {message}"),
    };
    let mut archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|error| unreadable(error.to_string()))?;
    if archive.len() > limits.max_parts {
        return Err(too_large(
            file,
            format!(
                "it holds more than {} parts; Waymark reads at most {}",
                thousands(limits.max_parts as u64),
                thousands(limits.max_parts as u64)
            ),
        ));
    }
    let mut parts = Parts::default();
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|error| unreadable(format!("part {}: {error}", index + 1)))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_dir() {
            parts.names.push(name);
            continue;
        }
        let by_ratio = entry
            .compressed_size()
            .saturating_mul(limits.max_ratio)
            .max(RATIO_FLOOR_BYTES);
        let remaining = limits.max_unpacked_bytes.saturating_sub(unpacked);
        let cap = limits.max_part_bytes.min(by_ratio).min(remaining);
        let refusal = || {
            let place = format!("part \"{name}\"");
            let message = if cap == limits.max_part_bytes {
                format!(
                    "{place} unpacks to more than {}; Waymark reads parts of at most {}",
                    megabytes(limits.max_part_bytes),
                    megabytes(limits.max_part_bytes)
                )
            } else if cap == by_ratio {
                format!(
                    "{place} unpacks to more than {} times its packed size, as zip bombs do; \
                     Waymark refuses parts over {} packed more tightly than that",
                    limits.max_ratio,
                    megabytes(RATIO_FLOOR_BYTES)
                )
            } else {
                format!(
                    "its parts unpack to more than {} in all; Waymark reads at most {}",
                    megabytes(limits.max_unpacked_bytes),
                    megabytes(limits.max_unpacked_bytes)
                )
            };
            too_large(file, message)
        };
        // A part that says it is too large is refused without inflating it. One that says less
        // than it holds is stopped by the zip reader at its declared size ("damaged"), and our
        // own cap below stops it again should that ever change.
        if entry.size() > cap {
            return Err(refusal());
        }
        let mut counted = Counted {
            inner: entry.take(cap + 1),
            count: 0,
        };
        inspect(&name, &mut counted)?;
        std::io::copy(&mut counted, &mut std::io::sink()).map_err(|error| ImportError::Read {
            file: file.to_string(),
            message: format!("part \"{name}\" is damaged: {error}"),
        })?;
        if counted.count > cap {
            return Err(refusal());
        }
        unpacked += counted.count;
        parts.names.push(name);
    }
    Ok(parts)
}

/// A reader that counts what passes through it.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count += read as u64;
        Ok(read)
    }
}
