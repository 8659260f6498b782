//! Waymark's import and export: spreadsheets (`.xlsx`, `.xls`, `.ods`), delimited text (`.csv`,
//! `.tsv`, `.txt`) and the tables of Word documents (`.docx`) read exactly as users keep them,
//! with every problem reported by row and column; plans written back out as XLSX, CSV or JSON.
//!
//! Everything here is pure: `read` gives tables of strings, `preview` turns them into an item
//! tree with dated updates and findings, and `apply`, `reimport` and `indicators` plan the
//! change sets an import makes. Nothing here writes to the store; the application layer
//! (`waymark-app`) checks who may import and stores each plan in one transaction.

pub mod apply;
pub mod cells;
pub mod closure_hold;
pub mod colour;
pub mod error;
pub mod export;
pub mod findings;
pub mod findings_table;
pub mod fingerprint;
pub mod fuzz;
pub mod header;
pub mod hostile;
pub mod indicators;
pub mod legend;
pub mod list_export;
pub mod mapping;
pub mod objective_match;
pub mod preview;
pub mod programme;
pub mod read;
pub mod reimport;
pub mod split;
pub mod table;

pub use apply::{
    ImportOutcome, NewPlanImport, NewPlanSpec, new_plan_from, plan_new_plan_import,
    plan_new_plan_import_owned, plan_reimport,
};
pub use error::ImportError;
pub use export::{ExportFormat, export_plan};
pub use findings::{Finding, FindingKind};
pub use mapping::Mapping;
pub use preview::{
    ImportPreview, PreviewOptions, build_preview, build_preview_owned, build_preview_with_progress,
};
pub use read::{ReadLimits, read_bytes, read_bytes_with, read_file, read_file_with, upload_name};
pub use reimport::{
    ImportSummary, ItemAdded, MissingItem, PlannedChanges, close_missing, plan_changes,
    plan_changes_owned, plan_summary,
};
pub use table::{Format, Workbook};
