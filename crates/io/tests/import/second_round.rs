//! Trackers from the second round of trying layouts nobody here had seen (issue #15): a
//! progress header in capitals joined by a slash, done words in the status column, and section
//! rows that name their own level.

use waymark_io::preview::{ImportPreview, RagView};
use waymark_io::{Format, PreviewOptions, build_preview, read_bytes};

use crate::helpers::as_at;

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
