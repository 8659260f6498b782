//! Trackers from the second round of trying layouts nobody here had seen (issue #15): a
//! progress header in capitals joined by a slash, done words in the status column, and section
//! rows that name their own level, a cover sheet of the plan's facts, and a key on a guidance
//! sheet that defines the status letters, and RAG recorded only as the cell's colour.

use rust_xlsxwriter::{Color, Format as CellFormat, Workbook};
use waymark_io::preview::{ImportPreview, RagView};
use waymark_io::{FindingKind, Format, PreviewOptions, build_preview, read_bytes};

use crate::helpers::{as_at, write_row};

fn preview(name: &str, csv: &str) -> ImportPreview {
    let workbook = read_bytes(name, Format::Csv, csv.as_bytes()).unwrap();
    build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap()
}

#[test]
fn a_progress_header_in_capitals_joined_by_a_slash_holds_updates_not_a_level() {
    let csv = "REF,ACTION,OWNER,DUE DATE,RAG,PROGRESS / OUTCOME\n\
               1,Recruit two vetting officers,Head of PSD,31/03/2015,Amber,12/01/2015 Advert closed; interviews booked\n\
               2,Clear the vetting backlog,Head of PSD,30/06/2015,Red,20/01/2015 Backlog 410 cases\n\
               3,Publish the vetting policy,Head of Legal,28/02/2015,Green,\n";
    let preview = preview("vetting.csv", csv);
    let texts: Vec<(usize, &str)> = preview
        .items
        .iter()
        .map(|item| (item.depth, item.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            (0, "Recruit two vetting officers"),
            (0, "Clear the vetting backlog"),
            (0, "Publish the vetting policy"),
        ],
        "each row is one action, and no progress text became an item"
    );
    assert!(!preview.has_parent_column);
    let first = &preview.items[0];
    assert_eq!(first.updates.len(), 1);
    assert_eq!(first.updates[0].text, "Advert closed; interviews booked");
    assert_eq!(first.updates[0].as_of.to_string(), "2015-01-12");
    assert_eq!(preview.items[1].updates[0].text, "Backlog 410 cases");
    assert!(preview.items[2].updates.is_empty());
}

#[test]
fn done_words_in_the_status_column_close_the_item() {
    let csv = "Action,Owner,Due,Status\n\
               Train custody staff,Custody Inspector,31/12/2014,Complete\n\
               Replace cell call bells,Estates Manager,30/11/2014,C\n\
               Audit detention logs,Custody Inspector,31/10/2014,Discharged\n\
               Review the custody contract,Head of Finance,31/01/2015,Closed\n\
               Refresh the use-of-force policy,Head of Training,15/01/2015,Achieved\n\
               Install new CCTV,Estates Manager,31/01/2015,Amber\n";
    let preview = preview("custody.csv", csv);
    let closed: Vec<(&str, bool, Option<RagView>)> = preview
        .items
        .iter()
        .map(|item| (item.text.as_str(), item.complete, item.rag))
        .collect();
    assert_eq!(
        closed,
        vec![
            ("Train custody staff", true, Some(RagView::Blue)),
            ("Replace cell call bells", true, Some(RagView::Blue)),
            ("Audit detention logs", true, Some(RagView::Blue)),
            ("Review the custody contract", true, Some(RagView::Blue)),
            ("Refresh the use-of-force policy", true, Some(RagView::Blue)),
            ("Install new CCTV", false, Some(RagView::Amber)),
        ]
    );
    assert!(
        preview
            .findings
            .iter()
            .all(|f| !f.message.contains("\"C\"")),
        "the letter C is read, not reported: {:?}",
        preview.findings
    );
}

#[test]
fn a_complete_column_that_says_no_keeps_a_blue_item_open() {
    let csv = "Action,Owner,Due,RAG,Complete (Y/N)\n\
               Train custody staff,Custody Inspector,31/12/2014,Blue,N\n";
    let preview = preview("custody.csv", csv);
    assert!(
        !preview.items[0].complete,
        "the sheet's own complete column decides"
    );
}

#[test]
fn section_rows_name_the_level_by_their_own_word() {
    let csv = "Action,Owner,Due date,RAG\n\
               Theme 1: Prevention,,,\n\
               Expand school liaison,Head of Neighbourhoods,31/03/2016,Green\n\
               Theme 2: Protection,,,\n\
               Safeguard adults,Head of Public Protection,31/03/2016,Red\n";
    let preview = preview("themes.csv", csv);
    assert_eq!(
        preview.metadata.level_names.first().map(String::as_str),
        Some("Theme")
    );
    let tops: Vec<&str> = preview
        .items
        .iter()
        .filter(|item| item.depth == 0)
        .map(|item| item.text.as_str())
        .collect();
    assert_eq!(tops, vec!["Prevention", "Protection"]);

    let csv = "Action,Owner,Due date,RAG\n\
               STRATEGIC OBJECTIVE 1 - Reduce crime,,,\n\
               Patrol hot spots,Head of Operations,31/03/2016,Green\n";
    let preview = self::preview("objectives.csv", csv);
    assert_eq!(
        preview.metadata.level_names.first().map(String::as_str),
        Some("Strategic objective")
    );
}

/// A custody improvement tracker as a force keeps it: a cover sheet, a guidance sheet with the
/// RAG key, and the tracker itself with letters for status.
fn covered_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let cover = workbook.add_worksheet().set_name("Cover").unwrap();
    write_row(cover, 0, 0, &["Custody Improvement Plan 2015"]);
    write_row(
        cover,
        2,
        0,
        &["Owner:", "Chief Superintendent, Criminal Justice"],
    );
    write_row(cover, 3, 0, &["Version:", "0.4 draft"]);
    write_row(cover, 4, 0, &["Classification: OFFICIAL-SENSITIVE"]);
    let guidance = workbook.add_worksheet().set_name("Guidance").unwrap();
    write_row(guidance, 0, 0, &["How to complete this tracker"]);
    write_row(
        guidance,
        1,
        0,
        &["Update the Progress column each month, dated."],
    );
    write_row(
        guidance,
        3,
        0,
        &["RAG: G = on track, A = some risk, R = off track, C = complete"],
    );
    let tracker = workbook.add_worksheet().set_name("Tracker").unwrap();
    write_row(
        tracker,
        0,
        0,
        &["Ref", "Action", "Owner", "Due date", "RAG"],
    );
    write_row(
        tracker,
        1,
        0,
        &[
            "1",
            "Train custody staff",
            "Custody Inspector",
            "31/12/2014",
            "C",
        ],
    );
    write_row(
        tracker,
        2,
        0,
        &[
            "2",
            "Replace cell call bells",
            "Estates Manager",
            "30/04/2015",
            "A",
        ],
    );
    write_row(
        tracker,
        3,
        0,
        &[
            "3",
            "Audit detention logs",
            "Custody Inspector",
            "31/03/2015",
            "G",
        ],
    );
    write_row(
        tracker,
        4,
        0,
        &[
            "4",
            "Review the custody contract",
            "Head of Finance",
            "31/01/2015",
            "R",
        ],
    );
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_cover_sheet_fills_the_plan_facts_and_a_guidance_key_defines_the_letters() {
    let bytes = covered_workbook();
    let workbook = read_bytes("custody.xlsx", Format::Xlsx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("Custody Improvement Plan 2015")
    );
    assert_eq!(
        preview.metadata.owner_posts,
        vec!["Owner: Chief Superintendent, Criminal Justice".to_string()]
    );
    assert_eq!(
        preview.metadata.marking.as_deref(),
        Some("OFFICIAL-SENSITIVE")
    );
    let read: Vec<(&str, Option<RagView>, bool)> = preview
        .items
        .iter()
        .map(|item| (item.text.as_str(), item.rag, item.complete))
        .collect();
    assert_eq!(
        read,
        vec![
            ("Train custody staff", Some(RagView::Blue), true),
            ("Replace cell call bells", Some(RagView::Amber), false),
            ("Audit detention logs", Some(RagView::Green), false),
            ("Review the custody contract", Some(RagView::Red), false),
        ]
    );
    let kinds: Vec<FindingKind> = preview.findings.iter().map(|f| f.kind).collect();
    assert!(
        !kinds.contains(&FindingKind::UnknownRag),
        "{:?}",
        preview.findings
    );
    assert!(
        !kinds.contains(&FindingKind::NoHeaderRow),
        "{:?}",
        preview.findings
    );
    let key = preview
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::KeyApplied)
        .expect("the import says it applied the key");
    assert_eq!((key.table.as_deref(), key.row), (Some("Guidance"), 4));
    assert_eq!(
        key.message,
        "Read the status cells by the key on sheet Guidance, row 4: G = Green, A = Amber, \
         R = Red, C = Blue (complete)"
    );
}

#[test]
fn a_key_below_the_table_is_applied_and_is_not_an_item() {
    let csv = "Action,Owner,Due,Status\n\
               Patrol hot spots,Head of Operations,31/03/2016,OT\n\
               Target burglars,Head of Crime,31/03/2016,B\n\
               Close the old station,Estates Manager,31/12/2014,D\n\
               \n\
               \"Key: OT - on track; B - behind schedule; D - done\",,,\n";
    let preview = preview("patrols.csv", csv);
    let read: Vec<(&str, Option<RagView>, bool)> = preview
        .items
        .iter()
        .map(|item| (item.text.as_str(), item.rag, item.complete))
        .collect();
    assert_eq!(
        read,
        vec![
            ("Patrol hot spots", Some(RagView::Green), false),
            ("Target burglars", Some(RagView::Red), false),
            ("Close the old station", Some(RagView::Blue), true),
        ]
    );
    assert_eq!(
        preview.findings_of(FindingKind::KeyApplied).count(),
        1,
        "{:?}",
        preview.findings
    );
    assert_eq!(preview.findings_of(FindingKind::UnknownRag).count(), 0);
}

/// A tracker whose RAG column is only coloured: red, amber and green fills (one of them a
/// theme colour with a tint, as Excel's palette writes it), a grey, and one cell whose word
/// disagrees with its colour.
fn coloured_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Actions").unwrap();
    write_row(sheet, 0, 0, &["Action", "Owner", "Due date", "RAG"]);
    let fill = |color: Color| CellFormat::new().set_background_color(color);
    let rows: [(&str, Color, &str); 6] = [
        ("Recruit two vetting officers", Color::RGB(0xFF0000), ""),
        ("Clear the vetting backlog", Color::RGB(0xFFC000), ""),
        ("Publish the vetting policy", Color::RGB(0x00B050), ""),
        // Accent 3 of the workbook's own theme (9BBB59, green), lightened; the Office 2013
        // default's accent 3 is grey, so this reads the file's theme.
        ("Audit the vetting files", Color::Theme(6, 2), ""),
        ("Brief the new chief officers", Color::RGB(0xBFBFBF), ""),
        ("Renew the vetting contract", Color::RGB(0xFF0000), "Green"),
    ];
    for (at, (action, color, word)) in rows.iter().enumerate() {
        let row = at as u32 + 1;
        write_row(sheet, row, 0, &[action, "Head of PSD", "31/03/2015"]);
        if word.is_empty() {
            sheet.write_blank(row, 3, &fill(*color)).unwrap();
        } else {
            sheet
                .write_string_with_format(row, 3, *word, &fill(*color))
                .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn rag_recorded_only_as_cell_colour_is_read_by_hue() {
    let bytes = coloured_workbook();
    let workbook = read_bytes("vetting.xlsx", Format::Xlsx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    // Handed over, as the web and the command line read a file, the table keeps only its
    // header while the body is read: the colours seen are reported all the same.
    let handed_over =
        waymark_io::build_preview_owned(workbook.clone(), &PreviewOptions::new(as_at())).unwrap();
    assert_eq!(handed_over.findings, preview.findings);
    let read: Vec<(&str, Option<RagView>)> = preview
        .items
        .iter()
        .map(|item| (item.text.as_str(), item.rag))
        .collect();
    assert_eq!(
        read,
        vec![
            ("Recruit two vetting officers", Some(RagView::Red)),
            ("Clear the vetting backlog", Some(RagView::Amber)),
            ("Publish the vetting policy", Some(RagView::Green)),
            ("Audit the vetting files", Some(RagView::Green)),
            ("Brief the new chief officers", None),
            ("Renew the vetting contract", Some(RagView::Green)),
        ]
    );
    let disagrees: Vec<&str> = preview
        .findings_of(FindingKind::ColourDisagrees)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        disagrees,
        vec!["The cell says Green but is coloured Red (#FF0000); the word is used"]
    );
    let colours = preview
        .findings_of(FindingKind::ColoursRead)
        .next()
        .expect("the import reports the colours it read");
    assert_eq!(colours.table.as_deref(), Some("Actions"));
    assert!(
        colours.message.starts_with(
            "The RAG column's fill colours were read as RAG where a cell has no word: \
             #FF0000 (2 cells) as Red, "
        ),
        "{}",
        colours.message
    );
    assert!(
        colours.message.contains("#BFBFBF (1 cell) as no RAG"),
        "{}",
        colours.message
    );
    assert!(
        colours.message.contains("#00B050 (1 cell) as Green"),
        "{}",
        colours.message
    );
}

/// A tracker with columns Waymark has no field for ("Inspection", "Business area"): their
/// cells are kept as each item's own fields, said so once per column, exported back as columns
/// of their own, and a re-import of the export changes nothing.
#[test]
fn columns_waymark_has_no_field_for_are_kept_as_the_items_own_fields() {
    let csv = "Ref,Action,Owner,Due,Inspection,Business area,RAG\n\
               1,Recruit two vetting officers,Head of PSD,31/03/2015,PEEL 2023,AFI 4,Amber\n\
               2,Clear the vetting backlog,Head of PSD,TBC,,Cause of concern 1,Red\n\
               3,Publish the vetting policy,Head of Legal,28/02/2015,Vetting 2024,,Green\n";
    let preview = preview("vetting-own.csv", csv);
    let own: Vec<Vec<(&str, &str)>> = preview
        .items
        .iter()
        .map(|item| {
            item.own_fields
                .iter()
                .map(|f| (f.name.as_str(), f.value.as_str()))
                .collect()
        })
        .collect();
    assert_eq!(
        own,
        vec![
            vec![("Inspection", "PEEL 2023"), ("Business area", "AFI 4")],
            vec![("Business area", "Cause of concern 1")],
            vec![("Inspection", "Vetting 2024")],
        ]
    );
    assert!(preview.provided.own_fields);
    let kept: Vec<(usize, &str)> = preview
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::OwnColumnKept)
        .map(|f| (f.row, f.column.as_str()))
        .collect();
    assert_eq!(kept, vec![(1, "Inspection"), (1, "Business area")]);
    // A due date written as words that name no day is kept as written, and no day is made up.
    assert_eq!(preview.items[1].due, None);
    assert_eq!(preview.items[1].due_words.as_deref(), Some("TBC"));
    assert_eq!(
        preview.items[1].to_fields().due_as_written().as_deref(),
        Some("TBC")
    );
    // The recognised fields are read as before.
    let first = preview.items[0].to_fields();
    assert_eq!(first.owners, vec!["Head of PSD".to_string()]);
    assert_eq!(first.rag, Some(waymark_core::Rag::Amber));
    assert_eq!(
        first
            .tags
            .iter()
            .map(|t| (t.taxonomy.as_str(), t.value.as_str()))
            .collect::<Vec<_>>(),
        vec![("Inspection", "PEEL 2023"), ("Business area", "AFI 4")]
    );

    // Exported back as columns after Waymark's own, and read again as the same fields.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use waymark_io::export::{ExportFormat, export_bytes};
        let (store, org) = crate::helpers::fresh_store().await;
        let plan = crate::helpers::import_new(&store, org, &preview).await;
        let view = store
            .plan_as_at(
                waymark_store::Scope::All,
                plan,
                waymark_io::apply::end_of_time(),
                None,
            )
            .await
            .unwrap();
        let csv = String::from_utf8(export_bytes(&view, ExportFormat::Csv).unwrap()).unwrap();
        let header = csv.lines().find(|l| l.starts_with("Level,")).unwrap();
        assert!(
            header.ends_with(",Update history,Inspection,Business area"),
            "{header}"
        );
        assert!(csv.contains(",PEEL 2023,AFI 4"), "{csv}");
        let backlog = view
            .items
            .iter()
            .find(|i| i.fields.text == "Clear the vetting backlog")
            .unwrap();
        assert_eq!(backlog.fields.due_words.as_deref(), Some("TBC"));
        assert!(
            backlog.flags.contains(&waymark_core::Flag::NoDueDate),
            "{:?}",
            backlog.flags
        );
        assert!(csv.contains(",Head of PSD,,TBC,"), "{csv}");
        for (format, file_format, name) in [
            (ExportFormat::Xlsx, Format::Xlsx, "export.xlsx"),
            (ExportFormat::Csv, Format::Csv, "export.csv"),
        ] {
            let bytes = export_bytes(&view, format).unwrap();
            let workbook = read_bytes(name, file_format, &bytes).unwrap();
            let mut options = PreviewOptions::new(as_at());
            options.level_names = view.plan.level_names.clone();
            let reread = build_preview(&workbook, &options).unwrap();
            let outcome = crate::helpers::import_into_plan(&store, plan, &reread, None, false)
                .await
                .unwrap();
            assert_eq!(
                (outcome.summary.added, outcome.summary.changed),
                (0, 0),
                "{name}: {:?}",
                outcome.summary.changes
            );
        }
    });
}

/// A person's correction of what a column holds wins over what its header says, and a column
/// that had been read as that field keeps its cells as the items' own field.
#[test]
fn a_corrected_column_is_read_as_the_person_says_and_nothing_is_lost() {
    let csv = "Ref,Action,Lead,Owner,Notes\n\
               1,Recruit two vetting officers,Head of PSD,Vetting Manager,Advert closed\n\
               2,Clear the vetting backlog,Head of PSD,Vetting Manager,\n";
    let workbook = read_bytes("vetting.csv", Format::Csv, csv.as_bytes()).unwrap();
    let fields_of = |preview: &ImportPreview| -> Vec<(String, &'static str)> {
        preview
            .columns
            .iter()
            .map(|c| (c.header.clone(), c.field.name()))
            .collect()
    };
    let names = |pairs: &[(&str, &'static str)]| -> Vec<(String, &'static str)> {
        pairs.iter().map(|(h, f)| (h.to_string(), *f)).collect()
    };
    // Read by the headers alone, "Lead" takes the owners and the "Owner" column is kept as
    // the items' own field, with a finding that says why.
    let detected = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    assert_eq!(
        fields_of(&detected),
        names(&[
            ("Ref", "reference"),
            ("Action", "text"),
            ("Lead", "owner"),
            ("Owner", "own"),
            ("Notes", "updates"),
        ])
    );
    let kept: Vec<&str> = detected
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::OwnColumnKept)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        kept,
        vec![
            "\"Owner\" would be read as \"Owner\", which an earlier column already gives, so \
             each item keeps its cell as its own field of that name: shown on its page, \
             searched and exported back (choose how it is read in the preview)"
        ]
    );
    let own: Vec<(&str, &str)> = detected.items[0]
        .own_fields
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(own, vec![("Owner", "Vetting Manager")]);
    assert!(
        detected
            .columns
            .iter()
            .all(|c| c.row == 1 && c.table.is_none())
    );
    assert_eq!(detected.items[0].owners, vec!["Head of PSD"]);

    let corrected_by = |corrections: &[&str]| {
        let mut options = PreviewOptions::new(as_at());
        for correction in corrections {
            options.mapping = options.mapping.with_correction(correction).unwrap();
        }
        build_preview(&workbook, &options).unwrap()
    };
    let corrected = corrected_by(&["Lead=strategic_lead", "Owner=owner", "Notes=ignore"]);
    assert_eq!(
        fields_of(&corrected),
        names(&[
            ("Ref", "reference"),
            ("Action", "text"),
            ("Lead", "strategic_lead"),
            ("Owner", "owner"),
            ("Notes", "ignore"),
        ])
    );
    let first = &corrected.items[0];
    assert_eq!(first.owners, vec!["Vetting Manager"]);
    assert_eq!(first.strategic_lead.as_deref(), Some("Head of PSD"));
    assert!(first.updates.is_empty(), "the ignored notes are not read");
    assert!(first.own_fields.is_empty());

    // Given only "Owner", the column that was read as the owner keeps its cells as its own.
    let displaced = corrected_by(&["Owner=owner"]);
    assert_eq!(fields_of(&displaced)[2], ("Lead".to_string(), "own"));
    let first = &displaced.items[0];
    assert_eq!(first.owners, vec!["Vetting Manager"]);
    let own: Vec<(&str, &str)> = first
        .own_fields
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(own, vec![("Lead", "Head of PSD")]);
    assert_eq!(first.updates[0].text, "Advert closed");
}

/// The ODS form of `coloured_workbook`, as LibreOffice writes one: each RAG cell blank but for
/// its automatic style's background colour, one style inheriting a named style of
/// `styles.xml`, and the last cell's word disagreeing with its colour.
fn coloured_ods() -> Vec<u8> {
    let style = |name: &str, colour: &str| {
        format!(
            r#"<style:style style:name="{name}" style:family="table-cell" style:parent-style-name="Default"><style:table-cell-properties fo:background-color="{colour}"/></style:style>"#
        )
    };
    let text = |value: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#
        )
    };
    let mut rows = format!(
        "<table:table-row>{}{}{}{}</table:table-row>",
        text("Action"),
        text("Owner"),
        text("Due date"),
        text("RAG")
    );
    for (action, style, word) in [
        ("Recruit two vetting officers", "ce1", ""),
        ("Clear the vetting backlog", "ce2", ""),
        ("Publish the vetting policy", "ce3", ""),
        ("Audit the vetting files", "ce4", ""),
        ("Brief the new chief officers", "ce5", ""),
        ("Renew the vetting contract", "ce1", "Green"),
    ] {
        let rag = if word.is_empty() {
            format!(r#"<table:table-cell table:style-name="{style}"/>"#)
        } else {
            format!(
                r#"<table:table-cell table:style-name="{style}" office:value-type="string"><text:p>{word}</text:p></table:table-cell>"#
            )
        };
        rows.push_str(&format!(
            "<table:table-row>{}{}{}{rag}</table:table-row>",
            text(action),
            text("Head of PSD"),
            text("31/03/2015")
        ));
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:automatic-styles>{}{}{}<style:style style:name="ce4" style:family="table-cell" style:parent-style-name="Good"/>{}</office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Actions"><table:table-column table:number-columns-repeated="4"/>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        style("ce1", "#ff0000"),
        style("ce2", "#ffc000"),
        style("ce3", "#00b050"),
        style("ce5", "#bfbfbf"),
    );
    let styles = r##"<?xml version="1.0" encoding="UTF-8"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"><office:styles><style:style style:name="Default" style:family="table-cell"/><style:style style:name="Good" style:family="table-cell" style:parent-style-name="Default"><style:table-cell-properties fo:background-color="#c6efce"/></style:style></office:styles></office:document-styles>"##;
    waymark_io::hostile::ods_document(content.as_bytes(), Some(styles.as_bytes()))
}

#[test]
fn rag_recorded_only_as_cell_colour_in_an_ods_is_read_as_in_an_xlsx() {
    let workbook = read_bytes("vetting.ods", Format::Ods, &coloured_ods()).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    // Handed over, as the web and the command line read a file, the workbook's table keeps
    // only its header while the body is read: the colours are counted all the same.
    let handed_over =
        waymark_io::build_preview_owned(workbook.clone(), &PreviewOptions::new(as_at())).unwrap();
    assert_eq!(handed_over.findings, preview.findings);
    let read: Vec<(&str, Option<RagView>)> = preview
        .items
        .iter()
        .map(|item| (item.text.as_str(), item.rag))
        .collect();
    assert_eq!(
        read,
        vec![
            ("Recruit two vetting officers", Some(RagView::Red)),
            ("Clear the vetting backlog", Some(RagView::Amber)),
            ("Publish the vetting policy", Some(RagView::Green)),
            // Inherited from the named style "Good" of styles.xml: Excel's pale green.
            ("Audit the vetting files", Some(RagView::Green)),
            ("Brief the new chief officers", None),
            ("Renew the vetting contract", Some(RagView::Green)),
        ]
    );
    let disagrees: Vec<(usize, &str)> = preview
        .findings_of(FindingKind::ColourDisagrees)
        .map(|f| (f.row, f.message.as_str()))
        .collect();
    assert_eq!(
        disagrees,
        vec![(
            7,
            "The cell says Green but is coloured Red (#FF0000); the word is used"
        )]
    );
    let colours = preview
        .findings_of(FindingKind::ColoursRead)
        .next()
        .expect("the import reports the colours it read");
    assert_eq!(colours.table.as_deref(), Some("Actions"));
    for said in [
        "#FF0000 (2 cells) as Red",
        "#FFC000 (1 cell) as Amber",
        "#C6EFCE (1 cell) as Green",
        "#BFBFBF (1 cell) as no RAG",
    ] {
        assert!(
            colours.message.contains(said),
            "{said}: {}",
            colours.message
        );
    }
}
