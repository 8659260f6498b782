//! Word documents (`.docx`), where many plans and board reports live: every table, the heading
//! just above it (which names the parent of the table's rows, such as a strategic objective),
//! and the paragraphs after it (which carry the progress of the table's items: "1.4 The draft
//! governance ..."). Text before the first table is the document's preamble.

use docx_rs::{DocumentChild, Paragraph, Table as DocxTable, TableCellContent, TableChild};
use docx_rs::{TableRowChild, read_docx};

use crate::error::ImportError;
use crate::header::is_plan_fact_line;
use crate::read::archive::check_archive;
use crate::read::limits::{Budget, Place, ReadLimits, thousands, too_large};
use crate::read::spreadsheet::scan_part;
use crate::read::xml_scan::XmlEvent;
use crate::table::{Note, Row, Table};

/// What a document holds, as tables with their headings and notes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub tables: Vec<Table>,
    pub preamble: Vec<String>,
}

/// Headings longer than this are paragraphs.
const HEADING_MAX_CHARS: usize = 200;

enum Block {
    Paragraph {
        number: usize,
        text: String,
        styled_heading: bool,
    },
    Table(Vec<Row>),
}

/// Reads a document's tables, headings and paragraphs within `limits`. Every part is inflated
/// and its XML measured (elements, nesting) before docx-rs builds the document, which it does
/// whole and recursively: a million empty paragraphs would cost gigabytes, and nesting a
/// thousand tables deep would overflow the stack.
pub fn read_document(
    file: &str,
    bytes: &[u8],
    limits: &ReadLimits,
) -> Result<Document, ImportError> {
    const NOT_READABLE: &str = "not a Word document Waymark can read";
    let mut elements = 0u64;
    check_archive(file, bytes, limits, NOT_READABLE, |name, part| {
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            return Ok(());
        }
        let mut depth = 0usize;
        scan_part(file, name, part, |event| {
            match event {
                XmlEvent::Start { .. } => {
                    depth += 1;
                    elements += 1;
                    if depth > limits.max_xml_depth {
                        return Err(too_large(
                            file,
                            format!(
                                "part \"{name}\" nests elements more than {} deep; Waymark \
                                 reads at most {}",
                                limits.max_xml_depth, limits.max_xml_depth
                            ),
                        ));
                    }
                    if elements > limits.max_xml_elements {
                        return Err(too_large(
                            file,
                            format!(
                                "the document has more than {} XML elements; Waymark reads at \
                                 most {}",
                                thousands(limits.max_xml_elements),
                                thousands(limits.max_xml_elements)
                            ),
                        ));
                    }
                }
                XmlEvent::End => depth = depth.saturating_sub(1),
                XmlEvent::Text(_) => {}
            }
            Ok(())
        })
    })?;
    let docx = read_docx(bytes).map_err(|error| ImportError::Read {
        file: file.to_string(),
        message: format!("{NOT_READABLE}: {error}"),
    })?;
    let mut budget = Budget::new(file, limits);
    let mut blocks = Vec::new();
    let mut paragraph_number = 0;
    let mut tables = 0;
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(paragraph) => {
                paragraph_number += 1;
                let text = paragraph_text(paragraph);
                budget.add_text_bytes(text.len() as u64)?;
                if !text.is_empty() {
                    blocks.push(Block::Paragraph {
                        number: paragraph_number,
                        text,
                        styled_heading: is_heading_style(paragraph),
                    });
                }
            }
            DocumentChild::Table(table) => {
                tables += 1;
                let rows = table_rows(table);
                check_table(&mut budget, tables, &rows)?;
                blocks.push(Block::Table(rows));
            }
            _ => {}
        }
    }
    Ok(assemble(blocks))
}

/// A table's rows, columns, cells and text against the limits.
fn check_table(budget: &mut Budget<'_>, number: usize, rows: &[Row]) -> Result<(), ImportError> {
    let place = Place::Table(number);
    for row in rows {
        budget.row(&place, row.number)?;
        budget.column(&place, row.cells.len())?;
        for cell in &row.cells {
            budget.cells(&place, row.number, 1, cell)?;
        }
    }
    Ok(())
}

/// Groups blocks into tables, each with the heading above it and the paragraphs after it.
fn assemble(blocks: Vec<Block>) -> Document {
    let table_positions: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, block)| matches!(block, Block::Table(_)))
        .map(|(index, _)| index)
        .collect();
    // The heading of each table: the last paragraph before it, when it reads as a heading.
    let headings: Vec<Option<usize>> = table_positions
        .iter()
        .map(|&position| {
            let previous = blocks[..position].last()?;
            match previous {
                Block::Paragraph {
                    text,
                    styled_heading,
                    ..
                } if *styled_heading || (reads_as_heading(text) && !is_plan_fact_line(text)) => {
                    Some(position - 1)
                }
                _ => None,
            }
        })
        .collect();
    // Looked up for every paragraph, so a set rather than a scan of every table's heading.
    let heading_blocks: std::collections::HashSet<usize> =
        headings.iter().flatten().copied().collect();
    let is_heading = |index: usize| heading_blocks.contains(&index);
    let mut document = Document::default();
    let first_table = table_positions.first().copied().unwrap_or(blocks.len());
    for (index, block) in blocks.iter().enumerate().take(first_table) {
        if let Block::Paragraph { text, .. } = block
            && !is_heading(index)
        {
            document.preamble.push(text.clone());
        }
    }
    for (table_index, &position) in table_positions.iter().enumerate() {
        let Block::Table(rows) = &blocks[position] else {
            continue;
        };
        let heading = headings[table_index].and_then(|index| match &blocks[index] {
            Block::Paragraph { text, .. } => Some(text.clone()),
            Block::Table(_) => None,
        });
        let next_table = table_positions
            .get(table_index + 1)
            .copied()
            .unwrap_or(blocks.len());
        let notes = blocks[position + 1..next_table]
            .iter()
            .enumerate()
            .filter(|(offset, _)| !is_heading(position + 1 + offset))
            .filter_map(|(_, block)| match block {
                Block::Paragraph { number, text, .. } => Some(Note {
                    number: *number,
                    text: text.clone(),
                }),
                Block::Table(_) => None,
            })
            .collect();
        document.tables.push(Table {
            name: Some(format!("Table {}", table_index + 1)),
            rows: rows.clone(),
            heading,
            notes,
            fills: Vec::new(),
        });
    }
    document
}

fn paragraph_text(paragraph: &Paragraph) -> String {
    paragraph.raw_text().trim().to_string()
}

fn is_heading_style(paragraph: &Paragraph) -> bool {
    paragraph.property.style.as_ref().is_some_and(|style| {
        let name = style.val.to_ascii_lowercase();
        name.starts_with("heading") || name == "title" || name == "subtitle"
    })
}

/// A short line that does not end like a sentence: "1. To strengthen neighbourhood policing".
fn reads_as_heading(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.chars().count() <= HEADING_MAX_CHARS
        && !trimmed.ends_with(['.', ',', ';'])
        && !trimmed.contains('\n')
}

fn table_rows(table: &DocxTable) -> Vec<Row> {
    table
        .rows
        .iter()
        .enumerate()
        .map(|(index, TableChild::TableRow(row))| Row {
            number: index + 1,
            cells: row
                .cells
                .iter()
                .flat_map(|TableRowChild::TableCell(cell)| {
                    let text = cell
                        .children
                        .iter()
                        .filter_map(|content| match content {
                            TableCellContent::Paragraph(paragraph) => Some(paragraph.raw_text()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                        .trim()
                        .to_string();
                    // A cell merged across columns is followed by blanks for the columns it
                    // covers, so every row's cells stay under the header that names them.
                    let covered = grid_span(cell).saturating_sub(1);
                    std::iter::once(text).chain(std::iter::repeat_n(String::new(), covered))
                })
                .collect(),
        })
        .collect()
}

/// How many grid columns a cell spans. docx-rs keeps the span private but serialises it, so it
/// is read from the cell's properties as serialised; a cell without one spans one column.
fn grid_span(cell: &docx_rs::TableCell) -> usize {
    serde_json::to_value(&cell.property)
        .ok()
        .and_then(|value| value.get("gridSpan")?.as_u64())
        .and_then(|span| usize::try_from(span).ok())
        .unwrap_or(1)
        .clamp(1, 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docx_rs::{Docx, Run, TableCell, TableRow};

    fn paragraph(text: &str) -> Paragraph {
        Paragraph::new().add_run(Run::new().add_text(text))
    }

    fn row(cells: &[&str]) -> TableRow {
        TableRow::new(
            cells
                .iter()
                .map(|text| TableCell::new().add_paragraph(paragraph(text)))
                .collect(),
        )
    }

    #[test]
    fn merged_cells_keep_later_cells_under_their_headers_and_fact_lines_are_preamble() {
        let mut bytes = Vec::new();
        Docx::new()
            .add_paragraph(paragraph("Strategic Lead: ACC Operations"))
            .add_table(DocxTable::new(vec![
                TableRow::new(vec![
                    TableCell::new().add_paragraph(paragraph("Action")),
                    TableCell::new()
                        .add_paragraph(paragraph("Timescale"))
                        .grid_span(2),
                    TableCell::new().add_paragraph(paragraph("RAG")),
                ]),
                row(&["", "Start", "End", ""]),
            ]))
            .build()
            .pack(std::io::Cursor::new(&mut bytes))
            .unwrap();
        let document = read_document("plan.docx", &bytes, &ReadLimits::default()).unwrap();
        assert_eq!(document.preamble, vec!["Strategic Lead: ACC Operations"]);
        assert_eq!(document.tables[0].heading, None);
        assert_eq!(
            document.tables[0].rows[0].cells,
            vec!["Action", "Timescale", "", "RAG"]
        );
    }

    #[test]
    fn tables_take_the_heading_above_and_the_paragraphs_after() {
        let mut bytes = Vec::new();
        Docx::new()
            .add_paragraph(paragraph("Delivery plan report"))
            .add_paragraph(paragraph("1. To strengthen neighbourhood policing"))
            .add_table(DocxTable::new(vec![
                row(&["No.", "Delivery Plan action description", "RAG"]),
                row(&["1.1", "Prepare for neighbourhood management", "Amber"]),
            ]))
            .add_paragraph(paragraph("1.1 Following a meeting with the NPIA."))
            .add_paragraph(paragraph("2. To develop our partnerships"))
            .add_table(DocxTable::new(vec![row(&["No.", "Action", "RAG"])]))
            .build()
            .pack(std::io::Cursor::new(&mut bytes))
            .unwrap();
        let document = read_document("report.docx", &bytes, &ReadLimits::default()).unwrap();
        assert_eq!(document.preamble, vec!["Delivery plan report"]);
        assert_eq!(document.tables.len(), 2);
        let first = &document.tables[0];
        assert_eq!(
            first.heading.as_deref(),
            Some("1. To strengthen neighbourhood policing")
        );
        assert_eq!(first.rows[1].cells[2], "Amber");
        let notes: Vec<&str> = first.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(notes, vec!["1.1 Following a meeting with the NPIA."]);
        assert_eq!(
            document.tables[1].heading.as_deref(),
            Some("2. To develop our partnerships")
        );
    }
}
