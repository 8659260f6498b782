//! Excel 97–2003 workbooks (`.xls`) measured before calamine opens them. calamine reads every
//! sheet at once and lays each out as a rectangle from its first cell to its last, reserving
//! room first for what the sheet's DIMENSIONS record claims: a 1 KB file with one cell in A1
//! and one in row 65,536 of column 65,535 would ask for hundreds of gigabytes and abort the
//! process. So the compound file is opened here (just far enough to find the `Workbook`
//! stream) and its records walked for every cell's row and column, without keeping any.

use crate::error::ImportError;
use crate::read::limits::{Budget, Place, thousands, too_large};

const FREE: u32 = 0xFFFF_FFFF;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// Checks an XLS file's sheets against the limits.
pub(crate) fn check_xls(bytes: &[u8], budget: &Budget<'_>) -> Result<(), ImportError> {
    let unreadable = |message: String| ImportError::Read {
        file: budget.file.to_string(),
        message: format!("not a spreadsheet Waymark can read: {message}"),
    };
    let stream = workbook_stream(bytes).map_err(unreadable)?;
    let sheets = measure(&stream);
    let mut cells = 0u64;
    for sheet in &sheets {
        let name = sheet.name.as_str();
        let place = Place::Sheet(name);
        let rows = sheet
            .last_row
            .saturating_sub(sheet.first_row.min(sheet.last_row));
        let columns = sheet
            .last_column
            .saturating_sub(sheet.first_column.min(sheet.last_column));
        if sheet.cells > 0 {
            budget.row(&place, sheet.last_row as usize)?;
            budget.column(&place, sheet.last_column as usize)?;
            // calamine lays the sheet out whole, blanks included.
            cells += (rows + 1) * (columns + 1);
            budget.check_cell_count(cells as usize)?;
        }
        // calamine reserves the DIMENSIONS record's rows times columns before reading a cell.
        let (claimed_rows, claimed_columns) = sheet.claimed;
        budget.row(&place, claimed_rows as usize)?;
        budget.column(&place, claimed_columns as usize)?;
        let most = budget.limits.max_cells as u64 * 4;
        if claimed_rows.saturating_mul(claimed_columns) > most {
            return Err(too_large(
                budget.file,
                format!(
                    "{place} says it spans more than {} cells; Waymark reads at most {}",
                    thousands(most),
                    thousands(most)
                ),
            ));
        }
    }
    Ok(())
}

/// What one sheet's records hold: the extent of its cells (rows and columns from 1) and what
/// its DIMENSIONS record claims.
#[derive(Debug, Default, PartialEq)]
struct SheetExtent {
    name: String,
    first_row: u64,
    last_row: u64,
    first_column: u64,
    last_column: u64,
    cells: u64,
    claimed: (u64, u64),
}

/// Walks the workbook stream's records. Each sheet's substream starts at the offset its
/// BOUNDSHEET record gives; cell records give a row and a column (MULRK a run of columns).
fn measure(stream: &[u8]) -> Vec<SheetExtent> {
    let mut names: Vec<(usize, String)> = Vec::new();
    let mut sheets: Vec<SheetExtent> = Vec::new();
    let mut current: Option<usize> = None;
    let mut position = 0usize;
    while let Some(header) = stream.get(position..position + 4) {
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let length = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream
            .get(position + 4..(position + 4 + length).min(stream.len()))
            .unwrap_or(&[]);
        let u16_at = |at: usize| {
            data.get(at..at + 2)
                .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let u32_at = |at: usize| {
            data.get(at..at + 4)
                .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        };
        match kind {
            // BOUNDSHEET: where a sheet's substream starts, and its name.
            0x0085 => {
                if let Some(start) = u32_at(0) {
                    names.push((start as usize, sheet_name(data.get(6..).unwrap_or(&[]))));
                }
            }
            // BOF: a sheet's substream begins here if a BOUNDSHEET points at it.
            0x0809 => {
                if let Some((_, name)) = names.iter().find(|(start, _)| *start == position) {
                    sheets.push(SheetExtent {
                        name: name.clone(),
                        first_row: u64::MAX,
                        first_column: u64::MAX,
                        ..SheetExtent::default()
                    });
                    current = Some(sheets.len() - 1);
                }
            }
            // DIMENSIONS, in its BIFF8 (u32 rows) and older (u16 rows) forms.
            0x0200 => {
                if let Some(sheet) = current.and_then(|index| sheets.get_mut(index)) {
                    let (first_row, last_row, first_column, last_column) = if length >= 14 {
                        (u32_at(0), u32_at(4), u16_at(8), u16_at(10))
                    } else {
                        (u16_at(0), u16_at(2), u16_at(4), u16_at(6))
                    };
                    if let (Some(rf), Some(rl), Some(cf), Some(cl)) =
                        (first_row, last_row, first_column, last_column)
                    {
                        // As calamine reads it: a first column past 255 counts from 0.
                        let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                        sheet.claimed = (rl.saturating_sub(rf), cl.saturating_sub(cf));
                    }
                }
            }
            // Cells: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA (row, column).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(sheet), Some(row), Some(column)) = (
                    current.and_then(|index| sheets.get_mut(index)),
                    u16_at(0),
                    u16_at(2),
                ) {
                    sheet.cell(row + 1, column + 1, column + 1);
                }
            }
            // MULRK: a row, its first column, and the last column in the record's last bytes.
            0x00BD => {
                if let (Some(sheet), Some(row), Some(first), Some(last)) = (
                    current.and_then(|index| sheets.get_mut(index)),
                    u16_at(0),
                    u16_at(2),
                    length.checked_sub(2).and_then(u16_at),
                ) {
                    sheet.cell(row + 1, first + 1, last.max(first) + 1);
                }
            }
            _ => {}
        }
        position += 4 + length;
    }
    sheets
}

impl SheetExtent {
    fn cell(&mut self, row: u64, first_column: u64, last_column: u64) {
        self.cells += last_column - first_column + 1;
        self.first_row = self.first_row.min(row);
        self.last_row = self.last_row.max(row);
        self.first_column = self.first_column.min(first_column);
        self.last_column = self.last_column.max(last_column);
    }
}

/// A BOUNDSHEET's name: a length, a flags byte (bit 0: two bytes a character), the characters.
fn sheet_name(data: &[u8]) -> String {
    let (Some(&length), Some(&flags)) = (data.first(), data.get(1)) else {
        return String::new();
    };
    let text = data.get(2..).unwrap_or(&[]);
    if flags & 1 == 1 {
        let units: Vec<u16> = text
            .chunks_exact(2)
            .take(usize::from(length))
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        text.iter()
            .take(usize::from(length))
            .map(|&byte| char::from(byte))
            .collect()
    }
}

/// The `Workbook` (or older `Book`) stream of a compound file, read through its sector chains
/// with every index and chain length checked against the file.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let u16_at = |at: usize| -> Result<u16, String> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| "the file is cut short".to_string())
    };
    let u32_at = |at: usize| -> Result<u32, String> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| "the file is cut short".to_string())
    };
    let shift = u16_at(0x1E)?;
    if shift != 9 && shift != 12 {
        return Err(format!("sector size 2^{shift} is not 512 or 4096 bytes"));
    }
    let sector_size = 1usize << shift;
    let mini_size = 1usize << u16_at(0x20)?.min(12);
    let sector_count = bytes.len() / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
        bytes.get(start..(start + sector_size).min(bytes.len()))
    };
    // The FAT's own sectors: 109 in the header, the rest in a chain of DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|index| u32_at(0x4C + index * 4).ok())
        .filter(|&id| id != FREE)
        .collect();
    let mut difat = u32_at(0x44)?;
    let mut steps = 0;
    while difat != END_OF_CHAIN && difat != FREE && steps <= sector_count {
        let data = sector(difat).ok_or("a DIFAT sector is outside the file")?;
        let ids: Vec<u32> = data
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let Some((&next, entries)) = ids.split_last() else {
            break;
        };
        fat_sectors.extend(entries.iter().copied().filter(|&id| id != FREE));
        difat = next;
        steps += 1;
    }
    if fat_sectors.len() > sector_count {
        return Err("its allocation table is larger than the file".into());
    }
    let mut fat: Vec<u32> = Vec::with_capacity(fat_sectors.len() * sector_size / 4);
    for id in fat_sectors {
        let data = sector(id).ok_or("an allocation sector is outside the file")?;
        fat.extend(
            data.chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
    }
    let chain = |table: &[u32], start: u32| -> Result<Vec<u32>, String> {
        let mut ids = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if ids.len() >= table.len() {
                return Err("a sector chain loops".into());
            }
            ids.push(id);
            id = *table
                .get(id as usize)
                .ok_or("a sector chain leaves the file")?;
        }
        Ok(ids)
    };
    let read = |start: u32, size: Option<usize>| -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        for id in chain(&fat, start)? {
            out.extend_from_slice(sector(id).ok_or("a sector is outside the file")?);
            if size.is_some_and(|size| out.len() >= size) {
                break;
            }
        }
        if let Some(size) = size {
            out.truncate(size);
        }
        Ok(out)
    };
    let directory = read(u32_at(0x30)?, None)?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let entry_start =
        |entry: &[u8]| u32::from_le_bytes([entry[0x74], entry[0x75], entry[0x76], entry[0x77]]);
    // Version 3 files keep only the low four bytes of a stream's size.
    let entry_size = |entry: &[u8]| {
        u32::from_le_bytes([entry[0x78], entry[0x79], entry[0x7A], entry[0x7B]]) as usize
    };
    let root = entries.first().ok_or("it has no directory")?;
    let workbook = entries
        .iter()
        .find(|entry| {
            let length = usize::from(u16::from_le_bytes([entry[0x40], entry[0x41]])).min(64);
            let units: Vec<u16> = entry[..length]
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .take_while(|&unit| unit != 0)
                .collect();
            let name = String::from_utf16_lossy(&units);
            entry[0x42] == 2
                && (name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book"))
        })
        .ok_or("it has no Workbook stream")?;
    let size = entry_size(workbook);
    if size > bytes.len() {
        return Err("its Workbook stream is larger than the file".into());
    }
    if size >= u32_at(0x38)? as usize {
        return read(entry_start(workbook), Some(size));
    }
    // A small stream lives in the mini stream, in 64-byte sectors with their own table.
    let mini_stream = read(entry_start(root), Some(entry_size(root).min(bytes.len())))?;
    let mini_fat: Vec<u32> = read(u32_at(0x3C)?, None)?
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let mut out = Vec::new();
    for id in chain(&mini_fat, entry_start(workbook))? {
        let start = id as usize * mini_size;
        out.extend_from_slice(
            mini_stream
                .get(start..(start + mini_size).min(mini_stream.len()))
                .ok_or("a mini sector is outside the mini stream")?,
        );
        if out.len() >= size {
            break;
        }
    }
    out.truncate(size);
    Ok(out)
}
