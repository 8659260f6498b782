//! More layouts nobody on the team has seen, each built the way a force might really keep its
//! plan: other spellings of the headers, letters for RAG, a notes sheet first, a group header
//! above the real one, headers broken over lines, section rows, hierarchy given only by
//! references, a TSV with two parent levels, and Word documents with a metadata table and a
//! table per objective. Every one imports with no mapping file.

use docx_rs::{Docx, Table, TableCell, TableRow};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use waymark_io::preview::{ImportPreview, PreviewItem, RagView};
use waymark_io::{FindingKind, Format, PreviewOptions, build_preview, read_bytes};

use crate::helpers::{as_at, paragraph, row, write_row, ymd};

fn preview(name: &str, format: Format, bytes: &[u8]) -> ImportPreview {
    let workbook = read_bytes(name, format, bytes).unwrap();
    build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap()
}

/// The item whose reference is `reference`.
fn by_ref<'p>(preview: &'p ImportPreview, reference: &str) -> &'p PreviewItem {
    preview
        .items
        .iter()
        .find(|i| i.reference.as_deref() == Some(reference))
        .unwrap_or_else(|| panic!("no item {reference}"))
}

fn parent_text<'p>(preview: &'p ImportPreview, item: &PreviewItem) -> Option<&'p str> {
    item.parent.map(|p| preview.items[p].text.as_str())
}

fn tree(preview: &ImportPreview) -> Vec<(usize, String)> {
    preview
        .items
        .iter()
        .map(|i| (i.depth, i.text.clone()))
        .collect()
}

fn kinds(preview: &ImportPreview) -> Vec<(usize, FindingKind)> {
    preview.findings.iter().map(|f| (f.row, f.kind)).collect()
}

/// An inspection action plan kept on the second sheet behind a notes sheet, its headers in
/// capitals and other words, its columns in an unusual order, RAG as letters and dates as
/// real date cells, Excel serial numbers and text.
fn crime_data_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let notes = workbook.add_worksheet();
    notes.set_name("Read me").unwrap();
    notes
        .write_string(0, 0, "How to complete this tracker")
        .unwrap();
    notes
        .write_string(1, 0, "Please date every entry in the progress column.")
        .unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Action Plan").unwrap();
    sheet
        .write_string(0, 0, "CRIME DATA INTEGRITY INSPECTION - ACTION PLAN")
        .unwrap();
    sheet
        .write_string(1, 0, "Plan Owner: ACC Crime and Justice")
        .unwrap();
    let header = [
        "RAG Rating",
        "REF.",
        "Recommendation",
        "Responsible Officer",
        "Target Completion Date",
        "Progress Update",
        "Last Updated",
    ];
    write_row(sheet, 3, 0, &header);
    let rows: [(&str, &str, &str, &str, &str); 5] = [
        (
            "G",
            "R1",
            "The force should put in place an action plan to improve crime recording",
            "Force Crime Registrar & Head of Crime Management",
            "3 Feb 2016 - Plan agreed at Crime Board. 17 Mar 2016 from Force Crime Registrar - Audit schedule published.",
        ),
        (
            "a ",
            "R2",
            "The force should train all call handlers in the National Crime Recording Standard",
            "Head of Contact Management",
            "Training started in February 2016 and is due to finish by 30 June 2016.",
        ),
        (
            "R",
            "R3",
            "The force should audit no-crime decisions monthly",
            "Force Crime Registrar",
            "",
        ),
        (
            "B",
            "R4",
            "The force should publish its crime recording policy",
            "Head of Corporate Communications / Force Crime Registrar",
            "12 Jan 2016 - Published on the intranet.",
        ),
        (
            "Amber/Green",
            "R5",
            "The force should brief supervisors on the Home Office Counting Rules",
            "Ch Supt Local Policing",
            "",
        ),
    ];
    for (offset, (rag, reference, text, owner, progress)) in rows.iter().enumerate() {
        let row = 4 + offset as u32;
        sheet.write_string(row, 0, *rag).unwrap();
        sheet.write_string(row, 1, *reference).unwrap();
        sheet.write_string(row, 2, *text).unwrap();
        sheet.write_string(row, 3, *owner).unwrap();
        if !progress.is_empty() {
            sheet.write_string(row, 5, *progress).unwrap();
        }
    }
    // Due dates: a date cell, text with dots, a month, an Excel serial number in a general
    // cell (31 March 2016), and text with slashes.
    let due = ExcelDateTime::from_ymd(2016, 3, 31).unwrap();
    sheet.write_datetime_with_format(4, 4, &due, &date).unwrap();
    sheet.write_string(5, 4, "30.06.16").unwrap();
    sheet.write_string(6, 4, "March 2016").unwrap();
    sheet.write_number(7, 4, 42460.0).unwrap();
    sheet.write_string(8, 4, "Q4 2015/16").unwrap();
    let updated = ExcelDateTime::from_ymd(2016, 3, 17).unwrap();
    sheet
        .write_datetime_with_format(4, 6, &updated, &date)
        .unwrap();
    sheet.write_string(5, 6, "01/03/2016").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_plan_behind_a_notes_sheet_with_capital_headers_and_letter_rags() {
    let preview = preview("cdi.xlsx", Format::Xlsx, &crime_data_workbook());
    assert_eq!(preview.item_count(), 5);
    assert!(preview.items.iter().all(|i| i.parent.is_none()));
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("CRIME DATA INTEGRITY INSPECTION - ACTION PLAN")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Plan Owner: ACC Crime and Justice"]
    );
    assert_eq!(preview.metadata.kind, "improvement");
    let r1 = by_ref(&preview, "R1");
    assert_eq!(r1.rag, Some(RagView::Green));
    assert_eq!(
        r1.owners,
        vec!["Force Crime Registrar", "Head of Crime Management"]
    );
    assert_eq!(r1.due.as_ref().unwrap().date, ymd(2016, 3, 31));
    assert_eq!(r1.effective, ymd(2016, 3, 17));
    assert_eq!(r1.updates.len(), 2);
    assert_eq!(r1.updates[1].as_of, ymd(2016, 3, 17));
    assert_eq!(
        r1.updates[1].author_post.as_deref(),
        Some("Force Crime Registrar")
    );
    assert!(r1.updates[1].text.starts_with("Audit schedule published"));
    let r2 = by_ref(&preview, "R2");
    assert_eq!(r2.rag, Some(RagView::Amber));
    assert_eq!(r2.due.as_ref().unwrap().date, ymd(2016, 6, 30));
    // A date inside the sentence does not start an entry: one undated note, as at the row's date.
    assert_eq!(r2.updates.len(), 1);
    assert!(!r2.updates[0].dated);
    assert_eq!(r2.updates[0].as_of, ymd(2016, 3, 1));
    let r3 = by_ref(&preview, "R3");
    assert_eq!(r3.rag, Some(RagView::Red));
    assert_eq!(r3.due.as_ref().unwrap().date, ymd(2016, 3, 31));
    assert_eq!(
        r3.due.as_ref().unwrap().written.as_deref(),
        Some("March 2016")
    );
    let r4 = by_ref(&preview, "R4");
    assert_eq!(r4.rag, Some(RagView::Blue));
    assert_eq!(r4.due.as_ref().unwrap().date, ymd(2016, 3, 31));
    assert_eq!(r4.owners.len(), 2);
    let r5 = by_ref(&preview, "R5");
    assert_eq!(r5.rag, Some(RagView::Green));
    assert_eq!(r5.due.as_ref().unwrap().date, ymd(2016, 3, 31));
    let found = kinds(&preview);
    assert!(
        found
            .iter()
            .all(|(_, k)| !matches!(k, FindingKind::UnknownRag | FindingKind::UnparseableDate)),
        "{found:?}"
    );
    assert_eq!(preview.findings_of(FindingKind::NoHeaderRow).count(), 1);
}

#[test]
fn a_csv_with_a_group_header_above_the_real_one() {
    let csv = "Public Contact Improvement Plan 2016/17\n\
               Strategic Lead: Chief Superintendent Contact Management\n\
               ,,,,Progress,,\n\
               Action No,Action,Owner(s),Timescale,Update / Commentary,Date Updated,BRAG\n\
               1,Answer 90% of 999 calls within 10 seconds,Head of Contact Management,31/03/2017,\"4 Apr 2016 - Baseline measured at 86%. 6 Jun 2016 - Now at 89%.\",06/06/2016,Amber\n\
               2,Introduce a web chat service,Head of Digital & Head of Contact Management,Q2 2016/17,\"5 May 2016 - Supplier chosen.\",05/05/2016,green\n\
               3,Review the call-back policy,Contact Management Superintendent,June 2016,\"Policy reviewed and republished.\",30/06/2016,Blue\n\
               \n\
               4,Retrain call handlers in THRIVE,Head of Learning,,,,Red \n";
    let preview = preview("contact.csv", Format::Csv, csv.as_bytes());
    assert_eq!(preview.item_count(), 4);
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Public Contact Improvement Plan 2016/17")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Strategic Lead: Chief Superintendent Contact Management"]
    );
    let first = by_ref(&preview, "1");
    assert_eq!(first.rag, Some(RagView::Amber));
    assert_eq!(first.updates.len(), 2);
    assert_eq!(first.updates[1].as_of, ymd(2016, 6, 6));
    assert_eq!(first.updates[1].text, "Now at 89%.");
    assert_eq!(first.due.as_ref().unwrap().date, ymd(2017, 3, 31));
    let second = by_ref(&preview, "2");
    assert_eq!(second.rag, Some(RagView::Green));
    assert_eq!(
        second.owners,
        vec!["Head of Digital", "Head of Contact Management"]
    );
    assert_eq!(second.due.as_ref().unwrap().date, ymd(2016, 9, 30));
    let third = by_ref(&preview, "3");
    assert_eq!(third.rag, Some(RagView::Blue));
    assert_eq!(third.updates[0].as_of, ymd(2016, 6, 30));
    let fourth = by_ref(&preview, "4");
    assert_eq!(fourth.rag, Some(RagView::Red));
    assert!(fourth.updates.is_empty());
    assert!(kinds(&preview).contains(&(9, FindingKind::MissingDueDate)));
    assert_eq!(preview.findings_of(FindingKind::UnknownRag).count(), 0);
}

/// A tracker whose header cells wrap onto two lines, with the instruction for the progress
/// column in brackets under its name, and a status column beside the RAG.
fn wrapped_header_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_string(0, 0, "Custody Improvement Plan")
        .unwrap();
    let header = [
        "Ref\nNo.",
        "Action",
        "Lead\nOfficer",
        "Target\nDate",
        "Progress\n(please date each entry)",
        "Current\nStatus",
        "RAG",
    ];
    write_row(sheet, 1, 0, &header);
    let rows: [[&str; 7]; 3] = [
        [
            "C1",
            "Install anti-ligature fittings in every cell",
            "Head of Custody",
            "31/12/2016",
            "2 Aug 2016 - Survey complete.\n9 Sep 2016 - Contractor appointed.",
            "In progress",
            "Green",
        ],
        [
            "C2",
            "Introduce healthcare professionals in all suites",
            "Head of Custody & Head of Criminal Justice",
            "31/03/2017",
            "",
            "Not started",
            "Red",
        ],
        [
            "C3",
            "Publish detention data quarterly",
            "Custody Inspector",
            "30/09/2016",
            "1 Oct 2016 - First report published.",
            "Complete",
            "Blue",
        ],
    ];
    for (offset, cells) in rows.iter().enumerate() {
        write_row(sheet, 2 + offset as u32, 0, cells);
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn headers_broken_over_lines_with_instructions_and_a_status_beside_the_rag() {
    let preview = preview("custody.xlsx", Format::Xlsx, &wrapped_header_workbook());
    assert_eq!(preview.item_count(), 3);
    let c1 = by_ref(&preview, "C1");
    assert_eq!(c1.owners, vec!["Head of Custody"]);
    assert_eq!(c1.due.as_ref().unwrap().date, ymd(2016, 12, 31));
    assert_eq!(c1.rag, Some(RagView::Green));
    assert!(!c1.complete);
    assert_eq!(c1.updates.len(), 2);
    assert_eq!(c1.updates[1].as_of, ymd(2016, 9, 9));
    assert_eq!(c1.updates[1].text, "Contractor appointed.");
    let c2 = by_ref(&preview, "C2");
    assert_eq!(c2.rag, Some(RagView::Red));
    assert_eq!(c2.owners.len(), 2);
    let c3 = by_ref(&preview, "C3");
    assert_eq!(c3.rag, Some(RagView::Blue));
    assert!(c3.complete);
    assert_eq!(c3.updates[0].as_of, ymd(2016, 10, 1));
    assert_eq!(preview.findings_of(FindingKind::UnknownRag).count(), 0);
    assert_eq!(preview.findings_of(FindingKind::UnknownComplete).count(), 0);
    assert_eq!(preview.findings_of(FindingKind::UnparseableDate).count(), 0);
}

/// Priorities written as rows of their own across the sheet, in the reference column, some in
/// capitals, with their actions below.
fn priority_rows_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Police and Crime Plan").unwrap();
    sheet
        .write_string(0, 0, "Police and Crime Plan 2016-2020: Delivery Tracker")
        .unwrap();
    let header = [
        "Ref",
        "Activity",
        "Lead",
        "Deadline",
        "Latest Update",
        "RAG Status",
    ];
    write_row(sheet, 2, 0, &header);
    let rows: [&[&str]; 7] = [
        &["Priority 1: Protecting the vulnerable"],
        &[
            "1.1",
            "Expand the multi-agency safeguarding hub",
            "Head of Public Protection",
            "31/03/2017",
            "14 Nov 2016 - Two social workers co-located.",
            "Green",
        ],
        &[
            "1.2",
            "Train officers in coercive control",
            "Head of Learning",
            "end December 2016",
            "",
            "Amber",
        ],
        &[],
        &["PRIORITY 2 - TACKLING SERIOUS AND ORGANISED CRIME"],
        &[
            "2.1",
            "Disrupt county lines drug networks",
            "Det Supt Serious and Organised Crime",
            "31/03/2017",
            "3 Oct 2016 - Operation launched. 28 Nov 2016 from SOCU - 14 arrests.",
            "amber",
        ],
        &[
            "2.2",
            "Seize criminal assets",
            "Financial Investigation Unit Manager",
            "",
            "",
            "G",
        ],
    ];
    for (offset, cells) in rows.iter().enumerate() {
        write_row(sheet, 3 + offset as u32, 0, cells);
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn priority_rows_across_the_sheet_group_the_actions_below() {
    let preview = preview("pcp.xlsx", Format::Xlsx, &priority_rows_workbook());
    assert_eq!(
        tree(&preview)
            .iter()
            .map(|(d, t)| (*d, t.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (0, "Protecting the vulnerable"),
            (1, "Expand the multi-agency safeguarding hub"),
            (1, "Train officers in coercive control"),
            (0, "TACKLING SERIOUS AND ORGANISED CRIME"),
            (1, "Disrupt county lines drug networks"),
            (1, "Seize criminal assets"),
        ]
    );
    assert_eq!(preview.items[0].reference.as_deref(), Some("1"));
    assert_eq!(preview.items[3].reference.as_deref(), Some("2"));
    assert_eq!(preview.item_count(), 6);
    assert_eq!(preview.metadata.level_names.len(), 2);
    assert_eq!(preview.metadata.level_names[1], "Activity");
    let coercive = by_ref(&preview, "1.2");
    assert_eq!(coercive.rag, Some(RagView::Amber));
    assert_eq!(
        coercive.due.as_ref().unwrap().written.as_deref(),
        Some("end December 2016")
    );
    assert_eq!(coercive.due.as_ref().unwrap().date, ymd(2016, 12, 31));
    let lines = by_ref(&preview, "2.1");
    assert_eq!(lines.updates.len(), 2);
    assert_eq!(lines.updates[1].author_post.as_deref(), Some("SOCU"));
    assert_eq!(lines.updates[1].text, "14 arrests.");
    assert_eq!(by_ref(&preview, "2.2").rag, Some(RagView::Green));
    assert!(kinds(&preview).contains(&(10, FindingKind::MissingDueDate)));
}

#[test]
fn hierarchy_given_only_by_references() {
    let csv = "No.,Objective,Owner,Due Date,RAG\n\
               1,Improve the quality of investigations,Head of Crime,31/03/2017,Amber\n\
               1.1,Introduce an investigation standards audit,DCI Crime Standards,30/09/2016,Green\n\
               1.1.1,Audit 50 volume crime files each month,Crime Standards Sergeant,,Green\n\
               1.2,Review supervision of crime allocation,DCI Crime Standards,31/12/2016,Red\n\
               2,Reduce demand from repeat callers,Head of Contact Management,31/03/2017,Green\n\
               2a,Identify the top 100 repeat callers,Demand Analyst,31/07/2016,Blue\n\
               2b,Agree a plan with partners for each,Neighbourhood Inspector,31/10/2016,Amber\n";
    let preview = preview("investigations.csv", Format::Csv, csv.as_bytes());
    assert_eq!(preview.item_count(), 7);
    let depth = |r: &str| by_ref(&preview, r).depth;
    assert_eq!(
        ["1", "1.1", "1.1.1", "1.2", "2", "2a", "2b"].map(depth),
        [0, 1, 2, 1, 0, 1, 1]
    );
    assert_eq!(
        parent_text(&preview, by_ref(&preview, "1.1.1")),
        Some("Introduce an investigation standards audit")
    );
    assert_eq!(
        parent_text(&preview, by_ref(&preview, "2b")),
        Some("Reduce demand from repeat callers")
    );
    assert_eq!(by_ref(&preview, "2a").rag, Some(RagView::Blue));
    assert!(kinds(&preview).contains(&(4, FindingKind::MissingDueDate)));
}

#[test]
fn a_tsv_with_an_aim_and_an_objective_column() {
    let tsv = "Joint Collaboration Programme - Regional Delivery Plan\n\
               Programme Owner: Regional Collaboration Board\n\
               \n\
               Strategic Aim\tObjective\tKey Activity\tAccountable\tCompletion Date\tComments\tRAG\n\
               Protect the public\tShare specialist capabilities\tMerge the regional firearms units\tACC Operations (Lead Force)\t01/04/2017\t12 Aug 2016 - Business case approved by all five chiefs.\tG\n\
               \t\tJoint dog section\tHead of Operational Support\t31/10/2016\t\tR\n\
               \tCut organised crime\tExtend the regional asset recovery team\tHead of ROCU\t31/03/2017\t\tA\n\
               Save money\tShare back-office services\tSingle payroll provider\tDirector of Finance / Regional Procurement Lead\tMarch 2017\t1 Jul 2016 - Tender issued. 30 Sep 2016 - Evaluation under way.\tAmber\n";
    let preview = preview("regional.tsv", Format::Tsv, tsv.as_bytes());
    assert_eq!(
        tree(&preview)
            .iter()
            .map(|(d, t)| (*d, t.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (0, "Protect the public"),
            (1, "Share specialist capabilities"),
            (2, "Merge the regional firearms units"),
            (2, "Joint dog section"),
            (1, "Cut organised crime"),
            (2, "Extend the regional asset recovery team"),
            (0, "Save money"),
            (1, "Share back-office services"),
            (2, "Single payroll provider"),
        ]
    );
    assert_eq!(
        preview.metadata.level_names,
        vec!["Strategic aim", "Objective", "Key activity"]
    );
    assert_eq!(preview.item_count(), 4);
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Programme Owner: Regional Collaboration Board"]
    );
    assert_eq!(preview.items[3].rag, Some(RagView::Red));
    assert_eq!(preview.items[5].rag, Some(RagView::Amber));
    let payroll = &preview.items[8];
    assert_eq!(
        payroll.owners,
        vec!["Director of Finance", "Regional Procurement Lead"]
    );
    assert_eq!(payroll.updates.len(), 2);
    assert_eq!(payroll.updates[1].as_of, ymd(2016, 9, 30));
    assert_eq!(payroll.due.as_ref().unwrap().date, ymd(2017, 3, 31));
}

/// A Word plan opening with a two-column table of facts about the plan, then the plan's
/// table with dated entries in its progress column.
fn metadata_table_docx() -> Vec<u8> {
    let mut bytes = Vec::new();
    Docx::new()
        .add_paragraph(paragraph("Stop and Search Improvement Plan").style("Title"))
        .add_table(Table::new(vec![
            row(&["Title", "Stop and Search Improvement Plan"]),
            row(&["Plan Owner", "ACC Local Policing"]),
            row(&["Version", "0.4"]),
            row(&["Status", "Draft for Scrutiny Panel"]),
            row(&["Date", "14/01/2016"]),
        ]))
        .add_paragraph(paragraph(""))
        .add_table(Table::new(vec![
            row(&[
                "Rec No.",
                "Recommendation",
                "Lead",
                "Target Date",
                "Progress with Actions",
                "RAG",
            ]),
            row(&[
                "1",
                "Record the grounds for every search",
                "Supt Operations",
                "31/03/2016",
                "10 Dec 2015 - New form in use.\n12 Jan 2016 from Stop and Search Lead - Dip sample found 94% compliant.",
                "Green",
            ]),
            row(&[
                "2",
                "Publish search data by ethnicity each quarter",
                "Head of Performance",
                "30/04/2016",
                "",
                "Amber",
            ]),
            row(&[
                "3",
                "Involve the community in scrutiny of searches",
                "Supt Operations & Head of Corporate Communications",
                "",
                "8 Jan 2016 - First panel met on 6 January 2016 and reviewed 20 searches.",
                "Orange",
            ]),
        ]))
        .build()
        .pack(std::io::Cursor::new(&mut bytes))
        .unwrap();
    bytes
}

#[test]
fn a_word_plan_with_a_metadata_table_before_the_plan_table() {
    let preview = preview("stop-search.docx", Format::Docx, &metadata_table_docx());
    assert_eq!(preview.item_count(), 3, "{:#?}", tree(&preview));
    assert!(preview.items.iter().all(|i| i.parent.is_none()));
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Stop and Search Improvement Plan")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Plan Owner: ACC Local Policing"]
    );
    let first = by_ref(&preview, "1");
    assert_eq!(first.rag, Some(RagView::Green));
    assert_eq!(first.updates.len(), 2);
    assert_eq!(first.updates[1].as_of, ymd(2016, 1, 12));
    assert_eq!(
        first.updates[1].author_post.as_deref(),
        Some("Stop and Search Lead")
    );
    assert!(first.updates[1].text.starts_with("Dip sample found"));
    let third = by_ref(&preview, "3");
    assert_eq!(third.rag, Some(RagView::Amber));
    assert_eq!(
        third.owners,
        vec!["Supt Operations", "Head of Corporate Communications"]
    );
    // "6 January 2016" inside the sentence does not start a second entry.
    assert_eq!(third.updates.len(), 1);
    assert_eq!(third.updates[0].as_of, ymd(2016, 1, 8));
    assert!(kinds(&preview).contains(&(4, FindingKind::MissingDueDate)));
}

/// A Word delivery plan with a table per objective, each under a Heading 2, and the progress
/// written as paragraphs after each table.
fn objectives_docx() -> Vec<u8> {
    let mut bytes = Vec::new();
    let header = ["Ref", "Action", "Owner", "Deadline", "RAG"];
    Docx::new()
        .add_paragraph(paragraph("Safer Neighbourhoods Delivery Plan 2016/17").style("Heading1"))
        .add_paragraph(paragraph(
            "Portfolio Lead: Chief Superintendent Local Policing",
        ))
        .add_paragraph(paragraph("Objective 1 – Keeping people safe").style("Heading2"))
        .add_table(Table::new(vec![
            row(&header),
            row(&[
                "1.1",
                "Launch a rural crime team",
                "Rural Crime Inspector",
                "31 May 2016",
                "G",
            ]),
            row(&[
                "1.2",
                "Recruit 40 special constables",
                "Special Constabulary Chief Officer",
                "31/03/2017",
                "A",
            ]),
        ]))
        .add_paragraph(paragraph(
            "1.1 The team launched on 3 May 2016 with six officers.",
        ))
        .add_paragraph(paragraph(
            "1.2 12 Jul 2016 - 18 recruits in training. 20 Sep 2016 - A second intake is planned.",
        ))
        .add_paragraph(paragraph("Objective 2 – Building trust and confidence").style("Heading2"))
        .add_table(Table::new(vec![
            row(&header),
            row(&[
                "2.1",
                "Hold a beat meeting in every ward each quarter",
                "Neighbourhood Inspectors",
                "Ongoing",
                "Green",
            ]),
            row(&[
                "2.2",
                "Publish ward priorities online",
                "Head of Digital / Neighbourhood Inspectors",
                "30/09/2016",
                "Red",
            ]),
        ]))
        .add_paragraph(paragraph("2.2 The website change has slipped to October."))
        .build()
        .pack(std::io::Cursor::new(&mut bytes))
        .unwrap();
    bytes
}

#[test]
fn a_word_plan_with_a_table_under_each_objective_heading() {
    let preview = preview("neighbourhoods.docx", Format::Docx, &objectives_docx());
    assert_eq!(
        tree(&preview)
            .iter()
            .map(|(d, t)| (*d, t.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (0, "Keeping people safe"),
            (1, "Launch a rural crime team"),
            (1, "Recruit 40 special constables"),
            (0, "Building trust and confidence"),
            (1, "Hold a beat meeting in every ward each quarter"),
            (1, "Publish ward priorities online"),
        ]
    );
    assert_eq!(preview.items[0].reference.as_deref(), Some("1"));
    assert_eq!(preview.item_count(), 6);
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Safer Neighbourhoods Delivery Plan 2016/17")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Portfolio Lead: Chief Superintendent Local Policing"]
    );
    assert_eq!(preview.metadata.kind, "delivery");
    assert_eq!(preview.metadata.level_names.len(), 2);
    let rural = by_ref(&preview, "1.1");
    assert_eq!(rural.rag, Some(RagView::Green));
    assert_eq!(rural.updates.len(), 1);
    assert!(!rural.updates[0].dated);
    assert!(rural.updates[0].text.starts_with("The team launched"));
    let specials = by_ref(&preview, "1.2");
    assert_eq!(specials.rag, Some(RagView::Amber));
    assert_eq!(specials.updates.len(), 2);
    assert_eq!(specials.updates[1].as_of, ymd(2016, 9, 20));
    assert_eq!(specials.updates[1].text, "A second intake is planned.");
    let wards = by_ref(&preview, "2.2");
    assert_eq!(wards.rag, Some(RagView::Red));
    assert_eq!(
        wards.owners,
        vec!["Head of Digital", "Neighbourhood Inspectors"]
    );
    assert_eq!(wards.updates.len(), 1);
    assert_eq!(
        parent_text(&preview, wards),
        Some("Building trust and confidence")
    );
    assert!(by_ref(&preview, "2.1").due.is_none());
}

#[test]
fn rag_words_in_every_form_users_write() {
    let csv = "Ref,Action,Owner,Status\n\
               1,One,Head of Crime,GREEN\n\
               2,Two,Head of Crime,Green (complete)\n\
               3,Three,Head of Crime,amber \n\
               4,Four,Head of Crime,Red/Amber\n\
               5,Five,Head of Crime,Complete\n\
               6,Six,Head of Crime,A/G\n\
               7,Seven,Head of Crime,Blue\n\
               8,Eight,Head of Crime,r\n";
    let preview = preview("rags.csv", Format::Csv, csv.as_bytes());
    let rags: Vec<Option<RagView>> = preview.items.iter().map(|i| i.rag).collect();
    assert_eq!(
        rags,
        vec![
            Some(RagView::Green),
            Some(RagView::Green),
            Some(RagView::Amber),
            Some(RagView::Amber),
            Some(RagView::Blue),
            Some(RagView::Green),
            Some(RagView::Blue),
            Some(RagView::Red),
        ]
    );
    assert_eq!(preview.findings_of(FindingKind::UnknownRag).count(), 0);
}

#[test]
fn a_priority_column_of_high_and_low_rates_rows_rather_than_grouping_them() {
    let csv = "Recommendation No.,Recommendation,Priority,Action Lead,Expected Completion,Progress RAG,Latest Position\n\
               AFI 1,Improve the supervision of domestic abuse investigations,High,DCI Public Protection,31/12/2016,Red,\"9 Nov 2016 - Dip sample planned.\"\n\
               AFI 2,Improve the quality of risk assessments,Medium,DS Safeguarding Hub,Mar-17,amber,\n\
               AFI 3,Publish the domestic abuse action plan,High,Head of Public Protection,42551,Blue,\"30 Jun 2016 - Published.\"\n";
    let preview = preview("da.csv", Format::Csv, csv.as_bytes());
    assert_eq!(preview.item_count(), 3);
    assert!(
        preview
            .items
            .iter()
            .all(|i| i.parent.is_none() && !i.derived)
    );
    assert_eq!(preview.metadata.level_names, vec!["Recommendation"]);
    let first = by_ref(&preview, "AFI 1");
    assert_eq!(first.owners, vec!["DCI Public Protection"]);
    assert_eq!(first.rag, Some(RagView::Red));
    assert_eq!(first.due.as_ref().unwrap().date, ymd(2016, 12, 31));
    assert_eq!(first.updates[0].as_of, ymd(2016, 11, 9));
    let second = by_ref(&preview, "AFI 2");
    assert_eq!(second.rag, Some(RagView::Amber));
    assert_eq!(second.due.as_ref().unwrap().date, ymd(2017, 3, 31));
    let third = by_ref(&preview, "AFI 3");
    assert_eq!(third.due.as_ref().unwrap().date, ymd(2016, 6, 30));
    assert_eq!(third.rag, Some(RagView::Blue));
    assert_eq!(preview.findings.len(), 0, "{:?}", preview.findings);
}

#[test]
fn a_review_log_with_bracketed_dates_authors_in_brackets_and_semicolon_owners() {
    let csv = "Major Crime Review - Recommendations Log\n\
               Rec,Finding,Assigned to,Revised Date,Comments,Date Complete,Status (RAG)\n\
               1,Policy files were not opened in every case,DCI Major Crime; Head of Forensics,30/09/2016,\"[14/03/2016] Template issued. [21/04/2016] Audit found 80% use.\",,Amber\n\
               2,Family liaison logs were incomplete,FLO Co-ordinator,31/07/2016,\"14 March 2016 (DCI Major Crime): Guidance rewritten.\n2 Jun 2016 - Training delivered to 40 FLOs.\",15/06/2016,Green\n\
               3,Exhibits were not tracked on one system,Head of Forensics,31/03/2017,\"14/03/16 Options paper drafted.\n21/04/16 Supplier demonstrations held.\",,r\n";
    let preview = preview("review.csv", Format::Csv, csv.as_bytes());
    assert_eq!(preview.item_count(), 3);
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Major Crime Review - Recommendations Log")
    );
    let first = by_ref(&preview, "1");
    assert_eq!(first.owners, vec!["DCI Major Crime", "Head of Forensics"]);
    assert_eq!(first.due.as_ref().unwrap().date, ymd(2016, 9, 30));
    assert_eq!(first.rag, Some(RagView::Amber));
    assert_eq!(first.updates.len(), 2);
    assert_eq!(first.updates[1].as_of, ymd(2016, 4, 21));
    assert_eq!(first.updates[1].text, "Audit found 80% use.");
    let second = by_ref(&preview, "2");
    assert_eq!(second.completed_on, Some(ymd(2016, 6, 15)));
    assert_eq!(second.updates.len(), 2);
    assert_eq!(
        second.updates[0].author_post.as_deref(),
        Some("DCI Major Crime")
    );
    assert_eq!(second.updates[0].text, "Guidance rewritten.");
    assert_eq!(second.updates[1].as_of, ymd(2016, 6, 2));
    let third = by_ref(&preview, "3");
    assert_eq!(third.rag, Some(RagView::Red));
    assert_eq!(third.updates.len(), 2);
    assert_eq!(third.updates[1].as_of, ymd(2016, 4, 21));
    assert_eq!(third.updates[1].text, "Supplier demonstrations held.");
    assert_eq!(preview.findings.len(), 0, "{:?}", preview.findings);
}

/// An inspection plan with several actions per recommendation: the recommendation's number
/// and text merged down over its actions, and a header in two rows with "Dates" and
/// "Progress" over the columns beneath them.
fn recommendation_actions_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let plain = CellFormat::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_string(0, 0, "HMICFRS PEEL Effectiveness 2016 - Action Plan")
        .unwrap();
    let top = [
        "Rec No.",
        "Recommendation",
        "Action No.",
        "Action",
        "Lead Officer",
        "Dates",
        "",
        "Progress",
        "",
        "RAG",
    ];
    let below = ["", "", "", "", "", "Start", "Due", "Update", "Date", ""];
    for (column, (a, b)) in top.iter().zip(below.iter()).enumerate() {
        if !a.is_empty() {
            sheet.write_string(2, column as u16, *a).unwrap();
        }
        if !b.is_empty() {
            sheet.write_string(3, column as u16, *b).unwrap();
        }
    }
    sheet.merge_range(4, 0, 6, 0, "1", &plain).unwrap();
    sheet
        .merge_range(
            4,
            1,
            6,
            1,
            "The force should improve how it identifies repeat victims of anti-social behaviour",
            &plain,
        )
        .unwrap();
    sheet.merge_range(7, 0, 8, 0, "2", &plain).unwrap();
    sheet
        .merge_range(
            7,
            1,
            8,
            1,
            "The force should ensure neighbourhood officers are not routinely abstracted",
            &plain,
        )
        .unwrap();
    let actions: [[&str; 8]; 5] = [
        [
            "1.1",
            "Add a repeat-caller flag to the command and control system",
            "Head of Contact Management",
            "01/04/2016",
            "30/09/2016",
            "Flag live in July.",
            "01/08/2016",
            "Green",
        ],
        [
            "1.2",
            "Brief call handlers on the flag",
            "Contact Management Training Manager",
            "01/07/2016",
            "31/08/2016",
            "",
            "",
            "Amber",
        ],
        [
            "1.3",
            "Audit a sample of repeat calls each quarter",
            "Force Crime Registrar",
            "",
            "Q3 2016/17",
            "",
            "",
            "Red",
        ],
        [
            "2.1",
            "Publish an abstraction policy",
            "Supt Operations",
            "01/05/2016",
            "30/06/2016",
            "Policy agreed at Chief Officer Group.",
            "30/06/2016",
            "Blue",
        ],
        [
            "2.2",
            "Report abstraction rates monthly",
            "Head of Performance / Supt Operations",
            "01/06/2016",
            "31/03/2017",
            "",
            "",
            "Green",
        ],
    ];
    for (offset, cells) in actions.iter().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet
                    .write_string(4 + offset as u32, 2 + column as u16, *cell)
                    .unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn recommendations_merged_over_their_actions_with_a_header_in_two_rows() {
    let preview = preview(
        "peel.xlsx",
        Format::Xlsx,
        &recommendation_actions_workbook(),
    );
    assert_eq!(preview.items.len(), 7, "{:#?}", tree(&preview));
    assert_eq!(preview.item_count(), 5);
    assert_eq!(
        preview.metadata.level_names,
        vec!["Recommendation", "Action"]
    );
    let rec1 = &preview.items[0];
    assert!(rec1.text.starts_with("The force should improve"));
    assert_eq!(rec1.reference.as_deref(), Some("1"));
    assert_eq!(preview.items[4].reference.as_deref(), Some("2"));
    for (reference, parent) in [("1.1", 0), ("1.2", 0), ("1.3", 0), ("2.1", 4), ("2.2", 4)] {
        assert_eq!(
            by_ref(&preview, reference).parent,
            Some(parent),
            "{reference}"
        );
    }
    let flag = by_ref(&preview, "1.1");
    assert_eq!(flag.start.as_ref().unwrap().date, ymd(2016, 4, 1));
    assert_eq!(flag.due.as_ref().unwrap().date, ymd(2016, 9, 30));
    assert_eq!(flag.effective, ymd(2016, 8, 1));
    assert_eq!(flag.updates.len(), 1);
    assert_eq!(flag.updates[0].as_of, ymd(2016, 8, 1));
    assert_eq!(flag.rag, Some(RagView::Green));
    assert_eq!(
        by_ref(&preview, "1.3").due.as_ref().unwrap().date,
        ymd(2016, 12, 31)
    );
    assert_eq!(by_ref(&preview, "2.1").rag, Some(RagView::Blue));
    assert_eq!(by_ref(&preview, "2.2").owners.len(), 2);
    assert_eq!(preview.findings_of(FindingKind::MissingText).count(), 0);
    assert_eq!(preview.findings_of(FindingKind::UnparseableDate).count(), 0);
}

/// A Word plan whose table has a header in two rows, "Timescale" merged across "Start Date"
/// and "End Date", and progress paragraphs after it labelled "Action 1.2 –".
fn spanned_header_docx() -> Vec<u8> {
    let mut bytes = Vec::new();
    let spanned = TableRow::new(vec![
        TableCell::new().add_paragraph(paragraph("Ref")),
        TableCell::new().add_paragraph(paragraph("Action")),
        TableCell::new().add_paragraph(paragraph("Responsible")),
        TableCell::new()
            .add_paragraph(paragraph("Timescale"))
            .grid_span(2),
        TableCell::new().add_paragraph(paragraph("RAG Status")),
    ]);
    Docx::new()
        .add_paragraph(paragraph("Firearms Licensing Improvement Plan"))
        .add_paragraph(paragraph("Strategic Lead: ACC Specialist Operations"))
        .add_table(Table::new(vec![
            spanned,
            row(&["", "", "", "Start Date", "End Date", ""]),
            row(&[
                "1.1",
                "Clear the backlog of renewals",
                "Firearms Licensing Manager",
                "01/04/2017",
                "31/10/2017",
                "Amber",
            ]),
            row(&[
                "1.2",
                "Introduce a GP marker on every certificate",
                "Firearms Licensing Manager & Head of Information Management",
                "01/05/2017",
                "30/09/2017",
                "Green",
            ]),
            row(&[
                "1.3",
                "Train enquiry officers in home visits",
                "Head of Learning",
                "",
                "31/12/2017",
                "Red",
            ]),
        ]))
        .add_paragraph(paragraph(
            "Action 1.1 – 12 Jun 2017 - Backlog down to 310 from 540. 3 Aug 2017 - Backlog at 120.",
        ))
        .add_paragraph(paragraph(
            "Action 1.2 – The marker has been agreed with the local medical committee.",
        ))
        .build()
        .pack(std::io::Cursor::new(&mut bytes))
        .unwrap();
    bytes
}

#[test]
fn a_word_table_with_a_merged_group_header_and_labelled_progress_paragraphs() {
    let preview = preview("firearms.docx", Format::Docx, &spanned_header_docx());
    assert_eq!(preview.item_count(), 3, "{:#?}", tree(&preview));
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Firearms Licensing Improvement Plan")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Strategic Lead: ACC Specialist Operations"]
    );
    let backlog = by_ref(&preview, "1.1");
    assert_eq!(backlog.start.as_ref().unwrap().date, ymd(2017, 4, 1));
    assert_eq!(backlog.due.as_ref().unwrap().date, ymd(2017, 10, 31));
    assert_eq!(backlog.rag, Some(RagView::Amber));
    assert_eq!(backlog.updates.len(), 2);
    assert_eq!(backlog.updates[1].as_of, ymd(2017, 8, 3));
    assert_eq!(backlog.updates[1].text, "Backlog at 120.");
    let marker = by_ref(&preview, "1.2");
    assert_eq!(marker.owners.len(), 2);
    assert_eq!(marker.rag, Some(RagView::Green));
    assert_eq!(marker.updates.len(), 1);
    assert!(
        marker.updates[0]
            .text
            .starts_with("The marker has been agreed")
    );
    let training = by_ref(&preview, "1.3");
    assert_eq!(training.rag, Some(RagView::Red));
    assert!(training.start.is_none());
    assert_eq!(preview.findings_of(FindingKind::UnknownRag).count(), 0);
    assert_eq!(preview.findings_of(FindingKind::UnparseableDate).count(), 0);
}

#[test]
fn section_rows_as_labelled_lines_and_capital_banners_with_their_own_rag() {
    let csv = "Neighbourhood Policing Programme\n\
               Action,Lead,Due,Update,RAG\n\
               Theme: Protecting vulnerable people,,,,Amber\n\
               Refresh the missing persons policy,Head of Public Protection,30/06/2017,,Green\n\
               Open a second sexual assault referral centre,Head of Public Protection,31/03/2018,\"2 May 2017 - Site identified.\",Red\n\
               REDUCING CRIME AND ANTI-SOCIAL BEHAVIOUR,,,,\n\
               Launch Operation Nightsafe in the city centre,Ch Insp City,31/07/2017,,Green\n\
               Patrol plan agreed,Ch Insp City,31/05/2017,,Blue\n";
    let preview = preview("np.csv", Format::Csv, csv.as_bytes());
    assert_eq!(
        tree(&preview)
            .iter()
            .map(|(d, t)| (*d, t.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (0, "Protecting vulnerable people"),
            (1, "Refresh the missing persons policy"),
            (1, "Open a second sexual assault referral centre"),
            (0, "REDUCING CRIME AND ANTI-SOCIAL BEHAVIOUR"),
            (1, "Launch Operation Nightsafe in the city centre"),
            (1, "Patrol plan agreed"),
        ]
    );
    assert_eq!(preview.items[0].rag, Some(RagView::Amber));
    assert_eq!(preview.items[3].rag, None);
    assert_eq!(preview.items[2].updates[0].as_of, ymd(2017, 5, 2));
    assert_eq!(preview.metadata.level_names.len(), 2);
    assert_eq!(preview.findings_of(FindingKind::MissingOwner).count(), 0);
    assert_eq!(preview.findings_of(FindingKind::MissingDueDate).count(), 0);
}
