//! Waymark's board reports: a report model built from the store (`build`), and renderers that
//! lay it out as PDF (typst), HTML (askama), DOCX (docx-rs) and XLSX (rust_xlsxwriter), in three
//! layouts: the quarterly delivery-plan report, the improvement-plan tracker and the end-of-year
//! strategic plan progress paper.
//!
//! Data flows one way: store → [`ReportInputs`] → [`Report`] (plain, serialisable values with
//! every date and figure already in words) → bytes. Rendering is synchronous and CPU-bound;
//! servers call [`render`] through `spawn_blocking`. typst lives only in this crate so that no
//! other crate recompiles it.
//!
//! This crate writes HTML documents (a print-ready report file), not web pages: the web crate
//! still owns every page and only serves these bytes.

pub mod build;
pub mod chart;
pub mod document;
mod docx;
pub mod glossary;
pub mod html;
pub mod indicators;
pub mod legend;
pub mod model;
mod pdf;
pub mod sample;
mod xlsx;

use std::fmt;
use std::str::FromStr;

pub use build::{
    ReportInputs, ReportRequest, ReportSettings, ReportSource, build_from_source, build_report,
    load_inputs, rag_changes_known, with_sensitive_appendix,
};
pub use glossary::{
    AcronymUse, DefinedTerm, TermSource, acronyms_in, glossary_for, organisation_glossary,
    starter_glossary,
};
pub use model::{
    ActionRow, ChangeEntry, ChangeKind, CoverPaper, IndicatorRow, Logo, RagView, Report,
    SensitiveAppendix, UpdatesShown,
};
pub use pdf::{clear_typesetting_cache, pdf_page_count, warm_up};

/// What went wrong building or rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] waymark_store::StoreError),
    #[error("the PDF could not be typeset: {0}")]
    Typeset(String),
    #[error("the HTML could not be written: {0}")]
    Html(#[from] askama::Error),
    #[error("the Word document could not be written: {0}")]
    Docx(String),
    #[error("the spreadsheet could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("the report data could not be encoded: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Invalid(String),
}

/// The three report layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// The quarterly report on a delivery plan (seed 004): cover, contents, executive summary,
    /// performance summary, per-objective indicators and actions, glossary.
    #[default]
    Quarterly,
    /// The improvement-plan tracker (seed 000's columns), landscape.
    Tracker,
    /// The end-of-year strategic plan progress paper: a cover paper and an appendix of aims,
    /// objectives, progress and RAG.
    Progress,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::Quarterly, Layout::Tracker, Layout::Progress];

    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Quarterly => "quarterly",
            Layout::Tracker => "tracker",
            Layout::Progress => "progress",
        }
    }

    /// The name shown to users: "Quarterly report".
    pub fn label(self) -> &'static str {
        match self {
            Layout::Quarterly => "Quarterly report",
            Layout::Tracker => "Improvement plan tracker",
            Layout::Progress => "Progress paper",
        }
    }
}

impl FromStr for Layout {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Layout::ALL
            .into_iter()
            .find(|layout| layout.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                ReportError::Invalid(format!(
                    "{s:?} is not a report layout (quarterly, tracker or progress)"
                ))
            })
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file formats a report renders to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Html,
    Docx,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Html, Format::Docx, Format::Xlsx];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Pdf => "PDF",
            Format::Html => "Web page (HTML)",
            Format::Docx => "Word document",
            Format::Xlsx => "Excel spreadsheet",
        }
    }
}

impl FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.extension().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                ReportError::Invalid(format!(
                    "{s:?} is not a report format (pdf, html, docx or xlsx)"
                ))
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// Renders a report in a layout and format. Synchronous and CPU-bound (a long PDF takes a
/// noticeable fraction of a second): async callers use `spawn_blocking`.
pub fn render(report: &Report, layout: Layout, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Pdf => pdf::render_pdf(report, layout),
        Format::Html => {
            html::render_html(report, layout, html::Stylesheet::Inline).map(String::into_bytes)
        }
        Format::Docx => docx::render_docx(report, layout),
        Format::Xlsx => xlsx::render_xlsx(report, layout),
    }
}

/// A file name for a rendered report: "delivery-plan-2008-09-q2-2008-09-quarterly.pdf".
pub fn file_name(report: &Report, layout: Layout, format: Format) -> String {
    let mut slug = String::new();
    let title = report
        .cover
        .plans
        .first()
        .map(String::as_str)
        .unwrap_or("report");
    for part in [title, &report.cover.period_label, layout.as_str()] {
        for c in part.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("{}.{}", slug.trim_end_matches('-'), format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_typesets_to_pdf() {
        let report = sample::sample_report(sample::SampleSize::SEED_004);
        for layout in Layout::ALL {
            let pdf = render(&report, layout, Format::Pdf).unwrap();
            assert!(pdf.starts_with(b"%PDF"), "{layout}");
        }
    }

    #[test]
    fn layouts_and_formats_parse_their_names() {
        assert_eq!("Tracker".parse::<Layout>().unwrap(), Layout::Tracker);
        assert_eq!("pdf".parse::<Format>().unwrap(), Format::Pdf);
        assert!("odt".parse::<Format>().is_err());
        assert_eq!(Format::Xlsx.extension(), "xlsx");
        assert!(Format::Docx.content_type().contains("wordprocessingml"));
    }
}
