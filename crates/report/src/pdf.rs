//! PDF through typst, used as a library. A small `World` serves one layout's template, the
//! shared `common.typ`, the report as a virtual `/data.json` and the logo; the templates read
//! the data with `json("/data.json")`, and the quarterly layout places each indicator's trend
//! chart from `/charts/{objective number}-{index}.svg`, drawn by [`crate::chart`]. User text therefore never becomes typst markup: a `#`,
//! `*` or `$` in an update prints as itself.
//!
//! Fonts come from typst-assets, embedded in the binary and parsed once per process. The
//! library and the date are fixed so that the same report renders to the same bytes.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::chart::ChartSize;
use crate::model::Report;
use crate::{Layout, ReportError};

const COMMON: &str = include_str!("../templates/typst/common.typ");
const QUARTERLY: &str = include_str!("../templates/typst/quarterly.typ");
const TRACKER: &str = include_str!("../templates/typst/tracker.typ");
const PROGRESS: &str = include_str!("../templates/typst/progress.typ");

/// How many compilations typst's memo cache keeps entries for. Renders of different reports
/// share little, and a server must not grow without bound.
const CACHE_MAX_AGE: usize = 10;

pub(crate) fn render_pdf(report: &Report, layout: Layout) -> Result<Vec<u8>, ReportError> {
    let document = typeset(report, layout)?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| ReportError::Typeset(messages(&errors)))?;
    typst::comemo::evict(CACHE_MAX_AGE);
    Ok(pdf)
}

/// Typesets a template that reads `/data.json` (the document layout) to PDF, dated `today`
/// (ISO) so that renders are reproducible.
pub(crate) fn render_typst(
    name: &str,
    text: &str,
    data: Vec<u8>,
    today: &str,
) -> Result<Vec<u8>, ReportError> {
    let main = file_id(name)?;
    let mut sources = HashMap::new();
    sources.insert(main, Source::new(main, text.to_string()));
    let mut files = HashMap::new();
    files.insert(file_id("/data.json")?, Bytes::new(data));
    let world = ReportWorld {
        main,
        sources,
        files,
        today: today.parse::<NaiveDate>().unwrap_or_default(),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| ReportError::Typeset(messages(&errors)))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| ReportError::Typeset(messages(&errors)))?;
    typst::comemo::evict(CACHE_MAX_AGE);
    Ok(pdf)
}

/// The number of pages a report typesets to, for tests and the bench.
pub fn pdf_page_count(report: &Report, layout: Layout) -> Result<usize, ReportError> {
    Ok(typeset(report, layout)?.pages().len())
}

/// Parses the fonts now rather than in the first request's render.
pub fn warm_up() {
    fonts();
}

/// Forgets everything typst has memoised, so the next render starts cold. For benchmarks; a
/// server keeps the cache, which [`render_pdf`] trims after every render.
pub fn clear_typesetting_cache() {
    typst::comemo::evict(0);
}

fn typeset(report: &Report, layout: Layout) -> Result<PagedDocument, ReportError> {
    let world = ReportWorld::new(report, layout)?;
    let result = typst::compile::<PagedDocument>(&world);
    result
        .output
        .map_err(|errors| ReportError::Typeset(messages(&errors)))
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path)
        .map_err(|_| ReportError::Typeset(format!("bad virtual path {path}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

struct ReportWorld {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: NaiveDate,
}

impl ReportWorld {
    fn new(report: &Report, layout: Layout) -> Result<ReportWorld, ReportError> {
        let (name, text) = match layout {
            Layout::Quarterly => ("/quarterly.typ", QUARTERLY),
            Layout::Tracker => ("/tracker.typ", TRACKER),
            Layout::Progress => ("/progress.typ", PROGRESS),
        };
        let main = file_id(name)?;
        let common = file_id("/common.typ")?;
        let mut sources = HashMap::new();
        sources.insert(main, Source::new(main, text.to_string()));
        sources.insert(common, Source::new(common, COMMON.to_string()));

        let mut files = HashMap::new();
        files.insert(
            file_id("/data.json")?,
            Bytes::new(serde_json::to_vec(report)?),
        );
        if layout == Layout::Quarterly {
            for section in &report.objectives {
                for (index, row) in section.indicators.iter().enumerate() {
                    if let Some(chart) = &row.chart {
                        let svg = chart.svg(
                            &format!("chart-{}-{index}", section.number),
                            ChartSize::Fixed,
                        )?;
                        files.insert(
                            file_id(&format!("/charts/{}-{index}.svg", section.number))?,
                            Bytes::new(svg.into_bytes()),
                        );
                    }
                }
            }
        }
        if let Some(logo) = &report.cover.logo {
            files.insert(
                file_id(&format!("/logo.{}", logo.extension()))?,
                Bytes::new(logo.bytes()?),
            );
        }
        let today = report
            .cover
            .as_at_iso
            .parse::<NaiveDate>()
            .unwrap_or_default();
        Ok(ReportWorld {
            main,
            sources,
            files,
            today,
        })
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotSource)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    /// The report's own date, never the clock, so renders are reproducible.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            u8::try_from(self.today.month()).ok()?,
            u8::try_from(self.today.day()).ok()?,
        )
    }
}
