//! Seed 000: the tracker exported from a spreadsheet, read exactly as it is.

use waymark_io::FindingKind;
use waymark_io::apply::end_of_time;
use waymark_store::Scope;

use crate::helpers::{dump, expect_file, fresh_store, import_new, preview_of, seed, ymd};

const SEED: &str = "000_ffc31558cea22b14.txt";

#[test]
fn the_tracker_is_read_as_a_tracker_not_as_a_programme_register() {
    let Some(path) = seed(SEED) else { return };
    let workbook = waymark_io::read_file(&path).unwrap();
    // Its notes mention financial years and money ("compliance is poor 75%"), and no column
    // holds an amount by year: it is no funding table.
    assert!(!waymark_io::programme::is_programme_workbook(&workbook));
    assert!(!waymark_io::indicators::is_indicator_workbook(&workbook));
}

#[test]
fn the_dry_run_counts_forty_recommendations_and_their_dated_entries() {
    let Some(path) = seed(SEED) else { return };
    let preview = preview_of(&path);
    expect_file("seed000.txt", &dump(&preview));
    assert_eq!(preview.item_count(), 40);
    assert_eq!(preview.items.len(), 40);
    let rows_without_due: Vec<usize> = preview
        .findings_of(FindingKind::MissingDueDate)
        .map(|f| f.row)
        .collect();
    assert_eq!(rows_without_due, vec![13, 32, 33, 35, 48, 49]);
    let shifted: Vec<usize> = preview
        .findings_of(FindingKind::ShiftedCells)
        .map(|f| f.row)
        .collect();
    assert_eq!(shifted, (20..=35).collect::<Vec<_>>());
    // The update pasted onto eight rows is one finding naming the eight.
    let college: Vec<&waymark_io::Finding> = preview
        .findings_of(FindingKind::DuplicateUpdateText)
        .filter(|f| f.message.contains("College of Policing"))
        .collect();
    assert_eq!(college.len(), 1, "{college:?}");
    assert_eq!(college[0].row, 18);
    assert_eq!(college[0].all_rows(), vec![18, 24, 34, 35, 38, 39, 42, 47]);
    assert!(
        college[0]
            .message
            .contains("rows 18, 24, 34, 35, 38, 39, 42 and 47: \"BTP has been in contact with the College of Policing in rela…\""),
        "{}",
        college[0].message
    );
    let json = serde_json::to_value(college[0]).unwrap();
    assert_eq!(
        json["rows"],
        serde_json::json!([[18, 18], [24, 24], [34, 35], [38, 39], [42, 42], [47, 47]])
    );
    // With the five texts each on two rows, six findings, where there were one per row (18).
    assert_eq!(
        preview
            .findings_of(FindingKind::DuplicateUpdateText)
            .count(),
        6
    );
    assert_eq!(preview.metadata.owner_posts.len(), 2);
    assert_eq!(
        preview.metadata.title.as_deref(),
        Some("CORE BUSINESS (Making Best Use of Police Time) IMPROVEMENT PLAN")
    );
}

#[test]
fn the_row_with_three_entries_has_three_updates_latest_23_january() {
    let Some(path) = seed(SEED) else { return };
    let preview = preview_of(&path);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview).await;
        let view = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        assert_eq!(view.items.len(), 40);
        let row12 = view
            .items
            .iter()
            .find(|i| {
                i.fields.text.starts_with(
                    "By 31 March 2015, each force should ensure that it is able to disseminate",
                )
            })
            .unwrap();
        assert_eq!(row12.updates.len(), 3);
        let latest = row12.latest_update.as_ref().unwrap();
        assert_eq!(latest.as_of, ymd(2015, 1, 23));
        assert_eq!(latest.author_post.as_deref(), Some("Territorial Policing"));
        // Imported items and updates are searchable straight away.
        let found = store.search(Scope::All, plan, "ePSP").await.unwrap();
        assert!(found.contains(&row12.id));
        // The tracker can be read as it stood in December 2014: its items existed then.
        let december = store
            .plan_as_at(Scope::All, plan, ymd(2014, 12, 31), None)
            .await
            .unwrap();
        assert!(december.items.len() >= 12, "{}", december.items.len());
    });
}
