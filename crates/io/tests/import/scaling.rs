//! Findings grow with the rows of a file, not with their square: a tracker with one update
//! pasted onto every row, and one with each update on ten rows, read at N and 10N rows. Counts
//! and bytes, not timings, so the test says the same on any machine.

use waymark_core::{Flag, OrgId, PlanId};
use waymark_io::{
    Finding, FindingKind, Format, PreviewOptions, build_preview, plan_changes, read_bytes,
};
use waymark_store::Scope;

use crate::helpers::{as_at, fresh_store, import_new};

/// An update as long as the one in the report that found the problem (96 characters with its
/// group number).
const PASTED: &str =
    "Work continues with partners on the delivery of this action; a full update will follow next.";

/// A tracker of `rows` actions whose updates are each on `shared_by` consecutive rows.
fn tracker(rows: usize, shared_by: usize) -> String {
    let mut csv = String::from("Action,Owner,Due,RAG,Latest update\n");
    for n in 0..rows {
        let group = n / shared_by;
        csv.push_str(&format!(
            "Deliver action {n} of the plan,Head of Unit {},31/03/2016,Green,\"{PASTED} ({group})\"\n",
            n % 50
        ));
    }
    csv
}

/// The findings of a dry run of a first import: the preview's, then the planning's.
fn dry_run_findings(csv: &str) -> Vec<Finding> {
    let workbook = read_bytes("tracker.csv", Format::Csv, csv.as_bytes()).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    let planned = plan_changes(&[], &preview, OrgId(1), PlanId(0), None);
    let mut findings = preview.findings;
    findings.extend(planned.findings);
    findings
}

fn json_bytes(findings: &[Finding]) -> usize {
    serde_json::to_vec(findings).unwrap().len()
}

#[test]
fn one_update_on_every_row_is_one_finding_at_any_length() {
    let small = dry_run_findings(&tracker(1_000, usize::MAX));
    let large = dry_run_findings(&tracker(10_000, usize::MAX));
    for (findings, rows) in [(&small, 1_000), (&large, 10_000)] {
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].kind, FindingKind::DuplicateUpdateText);
        assert_eq!(findings[0].all_rows(), (2..rows + 2).collect::<Vec<_>>());
    }
    // Ten times the rows, the same few hundred bytes (before: 10,000 findings of 10,000 rows).
    let (small, large) = (json_bytes(&small), json_bytes(&large));
    assert!(small < 400, "{small} bytes");
    assert!(
        large <= small + 16,
        "{small} bytes for 1,000 rows, {large} for 10,000"
    );
}

#[test]
fn updates_each_on_ten_rows_make_findings_in_proportion_to_the_rows() {
    let small = dry_run_findings(&tracker(1_000, 10));
    let large = dry_run_findings(&tracker(10_000, 10));
    assert_eq!(small.len(), 100);
    assert_eq!(large.len(), 1_000);
    assert!(large.iter().all(|f| f.all_rows().len() == 10));
    let (small, large) = (json_bytes(&small), json_bytes(&large));
    // Linear, give or take the longer row numbers.
    assert!(
        large <= 11 * small,
        "{small} bytes for 1,000 rows, {large} for 10,000"
    );
}

#[test]
fn every_imported_item_with_the_pasted_update_is_still_flagged() {
    let workbook = read_bytes(
        "tracker.csv",
        Format::Csv,
        tracker(1_000, usize::MAX).as_bytes(),
    )
    .unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview).await;
        let view = store
            .plan_as_at(Scope::All, plan, as_at(), None)
            .await
            .unwrap();
        let flagged = view
            .items
            .iter()
            .filter(|item| item.flags.contains(&Flag::DuplicateUpdateText))
            .count();
        assert_eq!(flagged, 1_000);
    });
}
