//! A print-ready HTML document of a report: the same sections as the PDF in a GOV.UK-like look,
//! one askama template with autoescaping, no scripts. The stylesheet is inline by default so the
//! file stands alone when downloaded; a server whose content security policy refuses inline
//! styles links [`STYLESHEET`] instead.

use askama::Template;

use crate::chart::ChartSize;
use crate::model::{
    ActionRow, Cover, CoverPaper, Glossary, IndicatorRow, LocalPriority, ObjectiveSection,
    PerformanceGroup, ProgressAim, RagCounts, RagView, Report, SinceLastReport, TrackerRow,
    UpdatesShown,
};
use crate::{Layout, ReportError};

/// The report stylesheet, for serving as a file when inline styles are not allowed.
pub const STYLESHEET: &str = include_str!("../templates/report.css");

/// Where the document's styles come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stylesheet {
    /// In a `<style>` element, so the file stands alone.
    Inline,
    /// A `<link>` to this address, which serves [`STYLESHEET`].
    Link(String),
}

/// The report as one HTML document.
pub fn render_html(
    report: &Report,
    layout: Layout,
    stylesheet: Stylesheet,
) -> Result<String, ReportError> {
    let (inline_css, css_href) = match stylesheet {
        Stylesheet::Inline => (Some(STYLESHEET), None),
        Stylesheet::Link(href) => (None, Some(href)),
    };
    let logo_src = report.cover.logo.as_ref().and_then(|logo| {
        // Only the two image types a logo may be; anything else in stored JSON is dropped.
        matches!(logo.media_type.as_str(), "image/png" | "image/svg+xml")
            .then(|| format!("data:{};base64,{}", logo.media_type, logo.base64))
    });
    let page = ReportPage {
        title: format!(
            "{} – {}",
            report.cover.plans.join(", "),
            report.cover.period_label
        ),
        quarterly: layout == Layout::Quarterly,
        tracker: layout == Layout::Tracker,
        progress: layout == Layout::Progress,
        landscape: layout == Layout::Tracker,
        inline_css,
        css_href,
        logo_src,
        cover: &report.cover,
        paper: &report.paper,
        summary_sentences: &report.summary.sentences,
        written_summary: report.summary.written.as_ref(),
        legend: &report.legend,
        counts: &report.summary.actions,
        count_rows: report.summary.actions.rows(),
        completed: report.summary.completed,
        overdue: report.summary.overdue,
        completed_since_last: report.summary.completed_since_last,
        performance: &report.performance,
        objectives: &report.objectives,
        has_indicators: !report.performance.is_empty(),
        local_priorities: &report.local_priorities,
        since_last: &report.since_last,
        tracker_rows: &report.tracker,
        progress_aims: &report.progress,
        glossary: &report.glossary,
        action_level: report
            .cover
            .level_names
            .get(1)
            .cloned()
            .unwrap_or_else(|| "Action".into()),
        no_update: match report.updates_shown {
            UpdatesShown::Latest => "No update has been recorded.",
            UpdatesShown::Period => "No update in this period.",
        },
        for_label: report.paper.for_label(),
        appendix: report.appendix.as_ref(),
    };
    Ok(page.render()?)
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    title: String,
    quarterly: bool,
    tracker: bool,
    progress: bool,
    landscape: bool,
    inline_css: Option<&'static str>,
    css_href: Option<String>,
    logo_src: Option<String>,
    cover: &'a Cover,
    paper: &'a CoverPaper,
    summary_sentences: &'a [String],
    written_summary: Option<&'a crate::model::WrittenText>,
    legend: &'a [crate::legend::LegendLine],
    counts: &'a RagCounts,
    count_rows: Vec<(RagView, usize)>,
    completed: usize,
    overdue: usize,
    completed_since_last: usize,
    performance: &'a [PerformanceGroup],
    objectives: &'a [ObjectiveSection],
    has_indicators: bool,
    local_priorities: &'a [LocalPriority],
    since_last: &'a SinceLastReport,
    tracker_rows: &'a [TrackerRow],
    progress_aims: &'a [ProgressAim],
    glossary: &'a Glossary,
    action_level: String,
    no_update: &'static str,
    for_label: &'static str,
    appendix: Option<&'a crate::model::SensitiveAppendix>,
}

impl ReportPage<'_> {
    /// The marking printed at the top and bottom of every page of the document: the
    /// appendix's where there is one, since the file as a whole holds it.
    fn page_marking(&self) -> Option<String> {
        match self.appendix {
            Some(appendix) => Some(appendix.marking.clone()),
            None => self.cover.marking.clone(),
        }
    }

    /// "are" or "is" for a count.
    fn verb(&self, count: &usize, singular: &'static str, plural: &'static str) -> &'static str {
        if *count == 1 { singular } else { plural }
    }

    fn indent(&self, action: &ActionRow) -> usize {
        action.depth.saturating_sub(1)
    }

    fn has_rows(&self, rows: &[IndicatorRow]) -> bool {
        !rows.is_empty()
    }

    /// An indicator's trend chart as inline SVG, or nothing when it has none. The SVG comes
    /// from the shared chart template, which escapes every text it draws, so it is inserted as
    /// markup. Ids are numbered by objective and position so that each chart's title is its own.
    fn chart_svg(&self, row: &IndicatorRow, number: &usize, index: &usize) -> String {
        row.chart
            .as_ref()
            .and_then(|chart| {
                chart
                    .svg(&format!("chart-{number}-{index}"), ChartSize::Fixed)
                    .ok()
            })
            .unwrap_or_default()
    }
}
