//! Shared test set-up: the seeds folder, fresh SQLite stores, and expected-output files
//! re-blessed with `WAYMARK_BLESS=1`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use docx_rs::{Paragraph, Run, TableCell, TableRow};
use rust_xlsxwriter::Worksheet;
use waymark_core::{OrgId, PlanId};
use waymark_io::preview::ImportPreview;
use waymark_io::{NewPlanSpec, PreviewOptions, build_preview, read_file};
use waymark_store::Store;

/// The shared seeds, or `None` (with the reason printed) when this clone has none beside it.
pub fn seeds_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no seeds folder at {}", dir.display());
        None
    }
}

pub fn seed(name: &str) -> Option<PathBuf> {
    let path = seeds_dir()?.join(name);
    path.is_file().then_some(path)
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The as-at date every test imports with, so outputs don't depend on today.
pub fn as_at() -> NaiveDate {
    ymd(2015, 2, 1)
}

pub fn preview_of(path: &Path) -> ImportPreview {
    let workbook = read_file(path).unwrap();
    build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap()
}

/// A unique path in the temporary folder.
pub fn temp_path(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let unique = format!(
        "waymark-io-{}-{}-{name}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique)
}

/// A fresh, migrated SQLite store with one organisation.
pub async fn fresh_store() -> (Store, OrgId) {
    let path = temp_path("store.db");
    let store = Store::open_sqlite_file(&path).await.unwrap();
    let org = store
        .create_organisation("TST", "Test force")
        .await
        .unwrap();
    (store, org.id)
}

pub fn spec(org: OrgId) -> NewPlanSpec {
    NewPlanSpec {
        org,
        title: None,
        kind: None,
    }
}

pub async fn import_new(store: &Store, org: OrgId, preview: &ImportPreview) -> PlanId {
    let outcome = waymark_io::import_into_new_plan(store, &spec(org), preview, None, false)
        .await
        .unwrap();
    PlanId(outcome.plan.unwrap())
}

/// A readable projection of a preview: items as a tree with their fields and updates, then
/// the findings.
pub fn dump(preview: &ImportPreview) -> String {
    let mut out = String::new();
    let m = &preview.metadata;
    out.push_str(&format!(
        "plan: {:?} kind={} levels={:?}\nowners: {:?}\nnotes: {:?}\nitems={} updates={}\n\n",
        m.title,
        m.kind,
        m.level_names,
        m.owner_posts,
        m.notes,
        preview.item_count(),
        preview.update_count()
    ));
    for item in &preview.items {
        let indent = "  ".repeat(item.depth);
        out.push_str(&format!(
            "{indent}[{}] {} | {}\n",
            item.row
                .map(|r| r.to_string())
                .unwrap_or_else(|| "-".into()),
            item.reference.as_deref().unwrap_or("-"),
            excerpt(&item.text, 60)
        ));
        let due = item
            .due
            .as_ref()
            .map(|d| d.date.to_string())
            .unwrap_or_else(|| "none".into());
        out.push_str(&format!(
            "{indent}    lead={:?} owners={:?} due={due} rag={:?} complete={} effective={} exists_from={}\n",
            item.strategic_lead, item.owners, item.rag, item.complete, item.effective, item.exists_from
        ));
        for update in &item.updates {
            out.push_str(&format!(
                "{indent}    - {}{} {:?}: {}\n",
                update.as_of,
                if update.dated { "" } else { " (undated)" },
                update.author_post.as_deref().unwrap_or(""),
                excerpt(&update.text, 50)
            ));
        }
    }
    out.push_str("\nfindings:\n");
    for finding in &preview.findings {
        // A finding about several rows lists them all, as its `rows` runs.
        let rows: Vec<String> = finding
            .rows
            .iter()
            .map(|range| match range.len() {
                1 => range.0.to_string(),
                _ => format!("{}-{}", range.0, range.1),
            })
            .collect();
        let rows = if rows.is_empty() {
            String::new()
        } else {
            format!(" rows={}", rows.join(","))
        };
        out.push_str(&format!(
            "row {} [{}] {}{rows}: {}\n",
            finding.row,
            finding.column,
            finding.kind.name(),
            finding.message
        ));
    }
    out
}

fn excerpt(text: &str, chars: usize) -> String {
    let flat = text.replace('\n', " / ");
    let short: String = flat.chars().take(chars).collect();
    if flat.chars().count() > chars {
        format!("{short}…")
    } else {
        short
    }
}

/// Compares `actual` with the expected file; `WAYMARK_BLESS=1` rewrites it instead.
pub fn expect_file(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    if std::env::var_os("WAYMARK_BLESS").is_some() || !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    if expected != actual {
        let diff_at = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from the expected output at line {}:\n expected: {:?}\n   actual: {:?}\n(re-bless with WAYMARK_BLESS=1)",
            diff_at + 1,
            expected.lines().nth(diff_at),
            actual.lines().nth(diff_at)
        );
    }
}

/// A Word paragraph of plain text.
pub fn paragraph(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

/// A Word table row; a cell's lines become its paragraphs.
pub fn row(cells: &[&str]) -> TableRow {
    TableRow::new(
        cells
            .iter()
            .map(|text| {
                text.split('\n').fold(TableCell::new(), |cell, line| {
                    cell.add_paragraph(paragraph(line))
                })
            })
            .collect(),
    )
}

/// Writes text cells into a sheet's row from `first_column` on, leaving empty ones blank as a
/// person would.
pub fn write_row(sheet: &mut Worksheet, row: u32, first_column: u16, cells: &[&str]) {
    for (column, cell) in cells.iter().enumerate() {
        if !cell.is_empty() {
            sheet
                .write_string(row, first_column + column as u16, *cell)
                .unwrap();
        }
    }
}
