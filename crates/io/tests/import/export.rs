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

/// A tracker whose cells, as users typed them, start like spreadsheet formulas.
const FORMULA_LIKE: &str = "Ref,Action,Owner,Due date,RAG\n\
    1,=1+1,\"=HYPERLINK(\"\"http://example.com\"\")\",31 March 2016,Amber\n\
    2,+2+3,@Supt Operations,31 March 2016,Green\n\
    3,-4+5,Supt Operations,31 March 2016,Red\n";

#[test]
fn formula_like_text_exports_as_text_and_re_imports_unchanged() {
    let workbook = read_bytes("formulas.csv", Format::Csv, FORMULA_LIKE.as_bytes()).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();
    let texts: Vec<&str> = preview.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, vec!["=1+1", "+2+3", "-4+5"]);
    round_trip(preview.clone());
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview).await;
        let view = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        let csv = String::from_utf8(export_bytes(&view, ExportFormat::Csv).unwrap()).unwrap();
        assert!(csv.contains(",'=1+1,"), "{csv}");
        assert!(csv.contains(",'+2+3,"), "{csv}");
        assert!(csv.contains(",'@Supt Operations,"), "{csv}");
        assert!(
            csv.contains(",\"'=HYPERLINK(\"\"http://example.com\"\")\","),
            "{csv}"
        );
        // In the XLSX every such cell is a string cell with the quote-prefix style, never a
        // formula.
        let xlsx = export_bytes(&view, ExportFormat::Xlsx).unwrap();
        let sheet = zip_part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "a formula was written");
        let styles = zip_part(&xlsx, "xl/styles.xml");
        assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
        if !waymark_testing::have_program("soffice", &["--version"], "libreoffice-calc-nogui") {
            return;
        }
        // LibreOffice opens both files and writes what it shows as CSV: the text, not 2 or 5.
        for (name, bytes) in [("export.xlsx", xlsx), ("export.csv", csv.into_bytes())] {
            let shown = libreoffice_csv(name, &bytes);
            for text in ["=1+1", "+2+3", "-4+5", "@Supt Operations", "=HYPERLINK("] {
                assert!(
                    shown.contains(text),
                    "{name}: {text:?} not shown as text in {shown}"
                );
            }
            for line in shown.lines().skip(1) {
                let item = line.split(',').nth(2).unwrap_or_default();
                assert!(
                    !["2", "5", "1", "3"].contains(&item.trim_matches('"')),
                    "{name}: LibreOffice evaluated a cell: {line}"
                );
            }
        }
    });
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// What LibreOffice shows of a file, converted headless to CSV with its own profile.
fn libreoffice_csv(name: &str, bytes: &[u8]) -> String {
    let dir = crate::helpers::temp_path("soffice");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let profile = format!("file://{}", dir.join("profile").display());
    let output = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(&out)
        .arg(&path)
        .output()
        .unwrap();
    let stem = name.rsplit_once('.').unwrap().0;
    // soffice exits 0 even when it converts nothing, so the file is what counts.
    std::fs::read_to_string(out.join(format!("{stem}.csv"))).unwrap_or_else(|_| {
        panic!(
            "LibreOffice did not convert {name}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}
