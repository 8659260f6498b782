//! Waymark's import and export: spreadsheets (`.xlsx`, `.xls`, `.ods`), delimited text (`.csv`,
//! `.tsv`, `.txt`) and the tables of Word documents (`.docx`) read exactly as users keep them,
//! with every problem reported by row and column; plans written back out as XLSX, CSV or JSON.
//!
//! Reading is pure: `read` gives tables of strings, `preview` turns them into an item tree with
//! dated updates and findings, touching no store. Only `apply` and `reimport` write, each as one
//! change set in one transaction.

pub mod apply;
pub mod cells;
pub mod error;
pub mod export;
pub mod findings;
pub mod fuzz;
pub mod header;
pub mod indicators;
pub mod mapping;
pub mod preview;
pub mod read;
pub mod reimport;
pub mod split;
pub mod table;

pub use apply::{
    ImportOutcome, NewPlanSpec, import_into_new_plan, import_into_new_plan_owned, import_into_plan,
};
pub use error::ImportError;
pub use export::{ExportFormat, export_plan};
pub use findings::{Finding, FindingKind};
pub use mapping::Mapping;
pub use preview::{
    ImportPreview, PreviewOptions, build_preview, build_preview_owned, build_preview_with_progress,
};
pub use read::{read_bytes, read_file};
pub use reimport::{ImportSummary, plan_changes, plan_changes_owned, plan_summary};
pub use table::{Format, Workbook};
