//! Seed 004's part 2 laid out as the Word board report it came from: a heading per strategic
//! objective, a table "No. | Delivery Plan action description | RAG", then a paragraph of
//! progress per action.

use docx_rs::{Docx, Table, TableCell, TableRow};
use waymark_io::preview::RagView;
use waymark_io::{Format, PreviewOptions, build_preview, read_bytes};

use crate::helpers::{as_at, dump, expect_file, paragraph, seed};

const SEED: &str = "004_37fc477e14c76a62.txt";

/// A Word document from text: lines with tabs are table rows, other lines paragraphs.
pub fn docx_from_text(text: &str) -> Vec<u8> {
    let mut docx = Docx::new();
    let mut rows: Vec<TableRow> = Vec::new();
    for line in text.lines() {
        if line.contains('\t') {
            let cells = line
                .split('\t')
                .map(|cell| TableCell::new().add_paragraph(paragraph(cell)))
                .collect();
            rows.push(TableRow::new(cells));
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !rows.is_empty() {
            docx = docx.add_table(Table::new(std::mem::take(&mut rows)));
        }
        docx = docx.add_paragraph(paragraph(line));
    }
    if !rows.is_empty() {
        docx = docx.add_table(Table::new(rows));
    }
    let mut bytes = Vec::new();
    docx.build().pack(std::io::Cursor::new(&mut bytes)).unwrap();
    bytes
}

#[test]
fn the_board_report_imports_with_objectives_actions_rag_and_updates() {
    let Some(path) = seed(SEED) else { return };
    let text = std::fs::read_to_string(path).unwrap();
    let part2_start = text
        .rfind("Part 2 – Progress against Delivery Plan actions")
        .unwrap();
    let glossary = text.rfind("Glossary of Terms").unwrap();
    let bytes = docx_from_text(&text[part2_start..glossary]);
    let workbook = read_bytes("seed004-part2.docx", Format::Docx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    expect_file("seed004-part2.txt", &dump(&preview));

    let objectives: Vec<_> = preview.items.iter().filter(|i| i.depth == 0).collect();
    assert_eq!(objectives.len(), 7);
    let references: Vec<&str> = objectives
        .iter()
        .map(|i| i.reference.as_deref().unwrap())
        .collect();
    assert_eq!(references, vec!["1", "2", "3", "4", "5", "6", "7"]);
    assert!(
        objectives[0]
            .text
            .starts_with("To strengthen neighbourhood policing")
    );
    let actions: Vec<_> = preview.items.iter().filter(|i| i.depth == 1).collect();
    assert_eq!(actions.len(), 46);
    assert_eq!(preview.item_count(), 53);
    let find = |reference: &str| {
        preview
            .items
            .iter()
            .find(|i| i.reference.as_deref() == Some(reference))
            .unwrap()
    };
    assert_eq!(find("3.4").rag, Some(RagView::Amber));
    assert_eq!(find("1.1").rag, Some(RagView::Amber));
    assert_eq!(find("2.1").rag, None);
    assert!(
        find("1.4").updates[0]
            .text
            .starts_with("The draft governance")
    );
    assert!(
        actions.iter().all(|a| a.updates.len() == 1),
        "every action has its paragraph"
    );
    assert_eq!(preview.metadata.kind, "delivery");
    assert_eq!(
        preview.metadata.level_names,
        vec!["Strategic objective", "Delivery plan action"]
    );
}
