//! Shared test set-up: the seeds folder, fresh SQLite stores, and expected-output files
//! re-blessed with `WAYMARK_BLESS=1`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use docx_rs::{Paragraph, Run, TableCell, TableRow};
use rust_xlsxwriter::Worksheet;
use waymark_core::{OrgId, PlanId};
use waymark_io::indicators::{IndicatorImport, IndicatorOutcome};
use waymark_io::preview::ImportPreview;
use waymark_io::{ImportOutcome, NewPlanSpec, PreviewOptions, build_preview, read_file};
use waymark_store::{Scope, Store, StoreError};

/// The shared seeds, or `None` when this clone has none beside it: the test is then skipped
/// with the reason printed, or fails under CI (`waymark_testing::missing`).
pub fn seeds_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    if dir.is_dir() {
        Some(dir)
    } else {
        waymark_testing::missing(
            &format!("the shared seeds folder at {}", dir.display()),
            "a checkout with shared/ beside the repository",
        );
        None
    }
}

/// A seed by name, as `seeds_dir`.
pub fn seed(name: &str) -> Option<PathBuf> {
    let path = seeds_dir()?.join(name);
    if path.is_file() {
        Some(path)
    } else {
        waymark_testing::missing(
            &format!("the seed {}", path.display()),
            "the shared seeds folder as the project keeps it",
        );
        None
    }
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
    let outcome = import_into_new_plan(store, &spec(org), preview, None, false)
        .await
        .unwrap();
    PlanId(outcome.plan.unwrap())
}

// The importer plans; storing is the application layer's, with its permission checks. These
// tests are about what the importer plans, so they store the plan straight into a store the
// way the application layer does, each in one transaction.

/// A first import of a preview as a new plan.
pub async fn import_into_new_plan(
    store: &Store,
    spec: &NewPlanSpec,
    preview: &ImportPreview,
    author: Option<String>,
    dry_run: bool,
) -> Result<ImportOutcome, StoreError> {
    let existing = store.plans(Scope::Org(spec.org)).await.unwrap_or_default();
    let planned = waymark_io::plan_new_plan_import(spec, preview, author, &existing, dry_run);
    store_new_plan(store, planned, dry_run).await
}

/// As `import_into_new_plan` (not a dry run), handing the preview over.
pub async fn import_into_new_plan_owned(
    store: &Store,
    spec: &NewPlanSpec,
    preview: ImportPreview,
    author: Option<String>,
) -> Result<ImportOutcome, StoreError> {
    let existing = store.plans(Scope::Org(spec.org)).await.unwrap_or_default();
    let planned = waymark_io::plan_new_plan_import_owned(spec, preview, author, &existing);
    store_new_plan(store, planned, false).await
}

async fn store_new_plan(
    store: &Store,
    planned: waymark_io::NewPlanImport,
    dry_run: bool,
) -> Result<ImportOutcome, StoreError> {
    let plan = if dry_run {
        None
    } else {
        Some(
            store
                .create_plan_with_changes(&planned.plan, &planned.changes)
                .await?
                .0
                .id
                .0,
        )
    };
    Ok(ImportOutcome {
        plan,
        plan_title: planned.plan.title,
        dry_run,
        summary: planned.summary,
        findings: planned.findings,
    })
}

/// A re-import of a preview into an existing plan.
pub async fn import_into_plan(
    store: &Store,
    plan: PlanId,
    preview: &ImportPreview,
    author: Option<String>,
    dry_run: bool,
) -> Result<ImportOutcome, StoreError> {
    let view = store
        .plan_as_at(Scope::All, plan, waymark_io::apply::end_of_time(), None)
        .await?;
    let planned = waymark_io::plan_reimport(&view, preview, author, dry_run);
    if !dry_run && !planned.changes.is_empty() {
        store.apply_changes(&planned.changes).await?;
    }
    Ok(ImportOutcome {
        plan: Some(plan.0),
        plan_title: view.plan.title.clone(),
        dry_run,
        summary: planned.summary,
        findings: planned.findings,
    })
}

/// An import of parsed indicators into an existing plan.
pub async fn import_indicators(
    store: &Store,
    plan: PlanId,
    import: &IndicatorImport,
    entered_by: &str,
    dry_run: bool,
) -> Result<IndicatorOutcome, StoreError> {
    let view = store
        .plan_as_at(Scope::All, plan, waymark_io::apply::end_of_time(), None)
        .await?;
    let existing = store.indicators(Scope::All, plan).await?;
    let in_force = store.plan_measurements(Scope::All, plan, None).await?;
    let (set, outcome) = waymark_io::indicators::plan_indicator_import(
        &view,
        &existing,
        &in_force,
        import,
        entered_by,
        as_at(),
        dry_run,
    );
    if !dry_run {
        store.import_indicators(&set).await?;
    }
    Ok(outcome)
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
