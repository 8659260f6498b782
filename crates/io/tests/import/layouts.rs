//! Layouts nobody on the team designed for: a workbook with a parent column and real date
//! cells, a CSV with two parent levels and Windows line endings, and a Word plan with styled
//! headings. Each imports with the right tree, RAG and updates and no mapping file.

use docx_rs::{Docx, Table, TableCell, TableRow};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use waymark_io::preview::RagView;
use waymark_io::{FindingKind, Format, Mapping, PreviewOptions, build_preview, read_bytes};

use crate::helpers::{
    as_at, dump, expect_file, fixtures_dir, paragraph, preview_of, row, write_row, ymd,
};

/// Objective, reference, action, lead, due (y, m, d), progress, RAG.
type SheetRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(u16, u8, u8)>,
    &'static str,
    &'static str,
);

/// A workbook as a force might keep it: a title, a blank row, a header with a "Strategic
/// objective" column filled only where it changes, dates as real date cells, and a second
/// sheet of notes with no header.
pub fn strategic_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Actions").unwrap();
    sheet
        .write_string(0, 0, "Force Strategic Plan 2014-17")
        .unwrap();
    sheet
        .write_string(1, 0, "Strategic Lead: Deputy Chief Constable")
        .unwrap();
    let header = [
        "Strategic objective",
        "Ref No.",
        "Action",
        "Lead",
        "Target date",
        "Progress",
        "RAG Status",
    ];
    write_row(sheet, 3, 0, &header);
    let rows: [SheetRow; 4] = [
        (
            "1. Keep people safe",
            "1.1",
            "Open a multi-agency safeguarding hub",
            "Head of Public Protection",
            Some((2015, 6, 30)),
            "3 Mar 2015 - Premises agreed with the council. 20 Apr 2015 from Hub Manager - Staff recruited",
            "Orange",
        ),
        (
            "",
            "1.2",
            "Review missing persons procedure",
            "Head of Crime & Head of Operations",
            Some((2015, 3, 31)),
            "Review complete",
            "Complete",
        ),
        (
            "2. Use our resources well",
            "2.1",
            "Move to a single control room",
            "Head of Contact Management",
            None,
            "",
            "Red",
        ),
        (
            "",
            "2.2",
            "Share a fleet with the fire service",
            "",
            Some((2016, 3, 31)),
            "• Business case drafted • Fire authority consulted",
            "Purple",
        ),
    ];
    for (offset, (objective, reference, action, lead, due, progress, rag)) in
        rows.iter().enumerate()
    {
        let row = 4 + offset as u32;
        if !objective.is_empty() {
            sheet.write_string(row, 0, *objective).unwrap();
        }
        sheet.write_string(row, 1, *reference).unwrap();
        sheet.write_string(row, 2, *action).unwrap();
        if !lead.is_empty() {
            sheet.write_string(row, 3, *lead).unwrap();
        }
        if let Some((y, m, d)) = due {
            let value = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
            sheet
                .write_datetime_with_format(row, 4, &value, &date)
                .unwrap();
        }
        if !progress.is_empty() {
            sheet.write_string(row, 5, *progress).unwrap();
        }
        sheet.write_string(row, 6, *rag).unwrap();
    }
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Updated monthly by the PMO")
        .unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_workbook_with_a_parent_column_imports_as_a_tree() {
    let bytes = strategic_workbook();
    let workbook = read_bytes("strategic.xlsx", Format::Xlsx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    expect_file("strategic-xlsx.txt", &dump(&preview));
    assert_eq!(preview.items.len(), 6);
    assert_eq!(
        preview.item_count(),
        4,
        "parents from a column are not counted"
    );
    let objectives: Vec<&str> = preview
        .items
        .iter()
        .filter(|i| i.depth == 0)
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(
        objectives,
        vec!["Keep people safe", "Use our resources well"]
    );
    let hub = &preview.items[1];
    assert_eq!(hub.parent, Some(0));
    assert_eq!(hub.due.as_ref().unwrap().date, ymd(2015, 6, 30));
    assert_eq!(hub.rag, Some(RagView::Amber));
    assert_eq!(hub.updates.len(), 2);
    assert_eq!(hub.updates[1].author_post.as_deref(), Some("Hub Manager"));
    let review = &preview.items[2];
    assert_eq!(review.parent, Some(0));
    assert_eq!(review.owners, vec!["Head of Crime", "Head of Operations"]);
    assert_eq!(review.rag, Some(RagView::Blue));
    let fleet = &preview.items[5];
    assert_eq!(fleet.parent, Some(3));
    assert_eq!(
        fleet.updates[0].text,
        "• Business case drafted\n• Fire authority consulted"
    );
    let kinds: Vec<(usize, FindingKind)> =
        preview.findings.iter().map(|f| (f.row, f.kind)).collect();
    assert!(kinds.contains(&(7, FindingKind::MissingDueDate)));
    assert!(kinds.contains(&(8, FindingKind::MissingOwner)));
    assert!(kinds.contains(&(8, FindingKind::UnknownRag)));
    assert!(kinds.contains(&(1, FindingKind::NoHeaderRow)));
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Force Strategic Plan 2014-17")
    );
    assert_eq!(preview.metadata.kind, "strategic");
    assert_eq!(
        preview.metadata.level_names,
        vec!["Strategic objective", "Action"]
    );
}

#[test]
fn a_csv_with_two_parent_levels_and_windows_line_endings() {
    let preview = preview_of(&fixtures_dir().join("community-safety.csv"));
    expect_file("community-safety-csv.txt", &dump(&preview));
    let depths: Vec<(usize, &str)> = preview
        .items
        .iter()
        .map(|i| (i.depth, i.text.as_str()))
        .collect();
    assert_eq!(
        depths,
        vec![
            (0, "Safer streets"),
            (1, "Reduce burglary"),
            (2, "Target prolific burglars"),
            (2, "Mark property in hot spots"),
            (1, "Cut anti-social behaviour"),
            (2, "Joint patrols with the council"),
            (0, "Protecting people"),
            (1, "Safeguard vulnerable adults"),
            (2, "Train response officers"),
        ]
    );
    assert_eq!(
        preview.metadata.level_names,
        vec!["Theme", "Objective", "Action"]
    );
    let burglars = &preview.items[2];
    assert_eq!(burglars.updates.len(), 2);
    assert_eq!(burglars.updates[1].text, "40 arrests so far");
    assert_eq!(burglars.owners, vec!["Head of Crime", "Head of Operations"]);
    let mark = &preview.items[3];
    assert_eq!(
        mark.due.as_ref().unwrap().written.as_deref(),
        Some("end June 2015")
    );
    assert!(!mark.updates[0].dated);
    assert_eq!(mark.updates[0].as_of, as_at());
    assert!(preview.items[5].complete);
    assert_eq!(
        preview.items[5].updates[0].text,
        "• patrol plan agreed\n• first patrols done"
    );
    assert_eq!(
        preview.items[8].due.as_ref().unwrap().date,
        ymd(2015, 12, 31)
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Plan owner: Assistant Chief Constable"]
    );
}

#[test]
fn a_mapping_file_overrides_detection() {
    let mapping = Mapping::parse("[columns]\n\"Owner\" = \"strategic_lead\"\n").unwrap();
    let workbook = waymark_io::read_file(&fixtures_dir().join("community-safety.csv")).unwrap();
    let mut options = PreviewOptions::new(as_at());
    options.mapping = mapping;
    let preview = build_preview(&workbook, &options).unwrap();
    assert_eq!(
        preview.items[2].strategic_lead.as_deref(),
        Some("Head of Crime & Head of Operations")
    );
    assert!(preview.items[2].owners.is_empty());
}

/// A Word delivery plan: a title, an owner line, a styled heading per objective, a table of
/// actions and the progress paragraphs after it.
pub fn delivery_docx() -> Vec<u8> {
    let mut bytes = Vec::new();
    Docx::new()
        .add_paragraph(paragraph("Delivery Plan 2008-09: quarter 2 report").style("Title"))
        .add_paragraph(paragraph("Plan owner: Chief Constable"))
        .add_paragraph(paragraph("1. To strengthen neighbourhood policing").style("Heading1"))
        .add_table(Table::new(vec![
            row(&["No.", "Delivery Plan action description", "RAG"]),
            row(&["1.1", "Prepare for neighbourhood management", "Amber"]),
            row(&["1.2", "Embed neighbourhood policing", "Green"]),
        ]))
        .add_paragraph(paragraph("1.1 Following a meeting with the NPIA there is still a lack of clarity."))
        .add_paragraph(paragraph("• Local Policing will audit compliance"))
        .add_paragraph(paragraph("1.2 21 Nov 2014 - Engagement plans are in place. 8 Jan 2015 from Local Policing - Surveys increased."))
        .add_paragraph(paragraph("2. To develop our partnerships").style("Heading1"))
        .add_table(Table::new(vec![
            row(&["No.", "Delivery Plan action description", "RAG"]),
            row(&["2.1", "Implement national guidance for CDRPs", "Orange"]),
        ]))
        .add_paragraph(paragraph("2.1 An audit will be undertaken."))
        .add_paragraph(paragraph("2.9 This paragraph names no action."))
        .build()
        .pack(std::io::Cursor::new(&mut bytes))
        .unwrap();
    bytes
}

#[test]
fn a_word_plan_imports_headings_as_parents_and_paragraphs_as_updates() {
    let bytes = delivery_docx();
    let workbook = read_bytes("delivery.docx", Format::Docx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    expect_file("delivery-docx.txt", &dump(&preview));
    assert_eq!(preview.item_count(), 5);
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Delivery Plan 2008-09: quarter 2 report")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Plan owner: Chief Constable"]
    );
    let first = &preview.items[1];
    assert_eq!(first.parent, Some(0));
    assert_eq!(
        first.updates[0].text,
        "Following a meeting with the NPIA there is still a lack of clarity.\n• Local Policing will audit compliance"
    );
    let second = &preview.items[2];
    assert_eq!(second.updates.len(), 2);
    assert_eq!(second.updates[1].as_of, ymd(2015, 1, 8));
    assert_eq!(
        second.updates[1].author_post.as_deref(),
        Some("Local Policing")
    );
    assert_eq!(preview.items[4].rag, Some(RagView::Amber));
    assert_eq!(
        preview.findings_of(FindingKind::UnmatchedParagraph).count(),
        1
    );
}

#[test]
fn a_word_table_titled_in_its_first_row_with_progress_in_a_column() {
    let mut bytes = Vec::new();
    Docx::new()
        .add_paragraph(paragraph("Victims and witnesses: action plan"))
        .add_table(Table::new(vec![
            TableRow::new(vec![
                TableCell::new()
                    .add_paragraph(paragraph("3. To improve the service provided to victims"))
                    .grid_span(5),
            ]),
            row(&["Action No", "Action", "Lead Officer", "Progress", "Status"]),
            row(&[
                "3.1",
                "Call every victim back within 48 hours",
                "Head of Contact Management",
                "14 Jan 2015 - Pilot on two areas. 2 Feb 2015 - Rolled out force-wide.",
                "On track",
            ]),
            row(&[
                "3.2",
                "Publish outcomes online",
                "Head of Corporate Communications",
                "",
                "Delayed",
            ]),
        ]))
        .build()
        .pack(std::io::Cursor::new(&mut bytes))
        .unwrap();
    let workbook = read_bytes("victims.docx", Format::Docx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    assert_eq!(preview.items.len(), 3);
    assert_eq!(preview.items[0].reference.as_deref(), Some("3"));
    assert_eq!(
        preview.items[0].text,
        "To improve the service provided to victims"
    );
    assert_eq!(preview.items[1].parent, Some(0));
    assert_eq!(preview.items[1].rag, Some(RagView::Green));
    assert_eq!(preview.items[1].updates.len(), 2);
    assert_eq!(preview.items[1].updates[1].as_of, ymd(2015, 2, 2));
    assert_eq!(preview.items[2].rag, Some(RagView::Red));
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Victims and witnesses: action plan")
    );
}

#[test]
fn section_rows_in_the_text_column_group_the_actions_below() {
    let csv = "Action,Owner,Due date,RAG\n\
               Objective 1: Reduce crime,,,\n\
               Patrol hot spots,Head of Operations,31/03/2016,Green\n\
               Target burglars,Head of Crime,31/03/2016,Amber\n\
               Objective 2: Protect people,,,\n\
               Safeguard adults,Head of Public Protection,,Red\n";
    let workbook = read_bytes("sections.csv", Format::Csv, csv.as_bytes()).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    let tree: Vec<(usize, &str)> = preview
        .items
        .iter()
        .map(|i| (i.depth, i.text.as_str()))
        .collect();
    assert_eq!(
        tree,
        vec![
            (0, "Reduce crime"),
            (1, "Patrol hot spots"),
            (1, "Target burglars"),
            (0, "Protect people"),
            (1, "Safeguard adults"),
        ]
    );
    assert_eq!(preview.items[0].reference.as_deref(), Some("1"));
    assert_eq!(preview.item_count(), 5);
    assert_eq!(preview.findings_of(FindingKind::MissingDueDate).count(), 1);
    assert_eq!(preview.findings_of(FindingKind::MissingOwner).count(), 0);
}
