//! Exports: the XLSX has a row per item with RAG coloured and labelled, the latest update and
//! the full history; every format re-imports into its plan with no changes.

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use waymark_io::apply::end_of_time;
use waymark_io::export::{ExportFormat, export_bytes};
use waymark_io::{Format, PreviewOptions, build_preview, read_bytes};

use crate::helpers::import_into_plan;
use waymark_store::Scope;

use crate::helpers::{as_at, fixtures_dir, fresh_store, import_new, preview_of, seed, ymd};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

/// Imports `preview` into a fresh plan, exports it in each format, and re-imports each export
/// into the plan: nothing may change.
fn round_trip(preview: waymark_io::ImportPreview) {
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview).await;
        let view = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        for (format, file_format, name) in [
            (ExportFormat::Xlsx, Format::Xlsx, "export.xlsx"),
            (ExportFormat::Csv, Format::Csv, "export.csv"),
        ] {
            let bytes = export_bytes(&view, format).unwrap();
            let workbook = read_bytes(name, file_format, &bytes).unwrap();
            let mut options = PreviewOptions::new(ymd(2016, 1, 1));
            options.level_names = view.plan.level_names.clone();
            let reread = build_preview(&workbook, &options).unwrap();
            let outcome = import_into_plan(&store, plan, &reread, None, false)
                .await
                .unwrap();
            let summary = &outcome.summary;
            assert_eq!(
                (
                    summary.added,
                    summary.changed,
                    summary.updates_added,
                    summary.missing
                ),
                (0, 0, 0, 0),
                "{name}: {:?}",
                summary.changes
            );
            assert_eq!(summary.unchanged, view.items.len(), "{name}");
        }
        let json = export_bytes(&view, ExportFormat::Json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["items"].as_array().unwrap().len(), view.items.len());
    });
}

#[test]
fn seed_000_exports_and_re_imports_with_no_changes() {
    let Some(path) = seed("000_ffc31558cea22b14.txt") else {
        return;
    };
    round_trip(preview_of(&path));
}

#[test]
fn a_three_level_plan_exports_and_re_imports_with_no_changes() {
    round_trip(preview_of(&fixtures_dir().join("community-safety.csv")));
}

#[test]
fn a_workbook_plan_exports_and_re_imports_with_no_changes() {
    let bytes = crate::layouts::strategic_workbook();
    let workbook = read_bytes("strategic.xlsx", Format::Xlsx, &bytes).unwrap();
    round_trip(build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap());
}

#[test]
fn the_xlsx_has_labelled_rag_cells_and_update_history() {
    let bytes = crate::layouts::strategic_workbook();
    let workbook = read_bytes("strategic.xlsx", Format::Xlsx, &bytes).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview).await;
        let view = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        let bytes = export_bytes(&view, ExportFormat::Xlsx).unwrap();
        let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Plan").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(|c| match c {
                Data::String(s) => s.clone(),
                Data::Empty => String::new(),
                other => other.to_string(),
            }).collect())
            .collect();
        assert_eq!(rows[0][10], "RAG");
        assert_eq!(rows.len(), 1 + view.items.len());
        let hub = rows.iter().find(|r| r[2] == "Open a multi-agency safeguarding hub").unwrap();
        assert_eq!(hub[10], "Amber");
        assert_eq!(hub[11], "20 April 2015 from Hub Manager - Staff recruited");
        assert_eq!(
            hub[13],
            "3 March 2015 - Premises agreed with the council.\n\n20 April 2015 from Hub Manager - Staff recruited"
        );
        assert_eq!(hub[0], "Action");
    });
}
