//! The report as an editable Word document (docx-rs): real heading styles (so Word's navigation
//! pane and contents field work), real tables with header rows that repeat on each page, RAG
//! cells shaded and labelled, the protective marking in every page header and footer, and
//! "Page X of Y". People edit these before a board meeting, so nothing is drawn as an image.

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, LineSpacing, NumPages, PageMargin, PageNum,
    PageOrientationType, Paragraph, Pic, Run, RunFonts, Shading, ShdType, SpecialIndentType, Style,
    StyleType, Table, TableCell, TableCellMargins, TableRow, WidthType,
};

use crate::chart::TrendChart;
use crate::model::{RagView, Report, UpdateEntry};
use crate::{Layout, ReportError};

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
/// 2 cm.
const MARGIN: i32 = 1_134;
const MUTED: &str = "505A5F";
/// The paragraph style of text in tables: a point smaller than body text (two in the landscape
/// tracker, whose nine columns are narrow), so that figures such as "£2,400,000" and words such
/// as "Complete" fit their columns without breaking inside the word.
const TABLE_TEXT: &str = "TableText";
/// A bullet's hanging indent (0.5 cm), so that the tab after "•" lands on the text's edge
/// rather than on the next default tab stop.
const BULLET_INDENT: i32 = 284;

pub(crate) fn render_docx(report: &Report, layout: Layout) -> Result<Vec<u8>, ReportError> {
    let mut doc = Writer::new(report, layout);
    match layout {
        Layout::Quarterly => quarterly(&mut doc, report),
        Layout::Tracker => tracker(&mut doc, report),
        Layout::Progress => progress(&mut doc, report),
    }
    if let Some(appendix) = &report.appendix {
        sensitive_appendix(&mut doc, appendix);
    }
    doc.finish()
}

/// The items marked above the body, after it, under their own marking.
fn sensitive_appendix(doc: &mut Writer, appendix: &crate::model::SensitiveAppendix) {
    doc.heading_new_page(1, &format!("Appendix: items marked {}", appendix.marking));
    doc.para_runs(vec![Run::new().add_text(&appendix.marking).bold().size(28)]);
    doc.para(&format!(
        "These items are marked {} and are kept apart from the body of the report, which is \
         marked {}. Handle these pages as {}; the body can be shared without them.",
        appendix.marking, appendix.body_marking, appendix.marking
    ));
    let rows = appendix
        .rows
        .iter()
        .map(|r| {
            let updates: Vec<UpdateEntry> = r
                .latest_update
                .iter()
                .chain(r.initial_response.iter())
                .take(1)
                .cloned()
                .collect();
            Row::Cells(vec![
                Cell::text(&r.reference),
                Cell::Lines(vec![format!("{}{}", "    ".repeat(r.depth), r.area)]),
                Cell::text(r.owner.as_deref().unwrap_or("")),
                Cell::text(r.due.as_deref().unwrap_or("")),
                Cell::Updates(updates),
                Cell::Rag(r.rag.clone()),
            ])
        })
        .collect();
    doc.table(
        &["Ref", "Item", "Owner", "Due date", "Latest update", "RAG"],
        &[8, 25, 14, 10, 33, 10],
        rows,
    );
    doc.para_runs(vec![Run::new().add_text(&appendix.marking).bold().size(28)]);
}

fn quarterly(doc: &mut Writer, report: &Report) {
    let cover = &report.cover;
    doc.logo(report);
    doc.para_runs(vec![
        Run::new()
            .add_text(&cover.organisation)
            .size(30)
            .color(MUTED),
    ]);
    for plan in &cover.plans {
        doc.add(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(plan)),
        );
    }
    if !cover.plan_periods.is_empty() {
        doc.para_runs(vec![
            Run::new().add_text(cover.plan_periods.join(", ")).size(32),
        ]);
    }
    // A report as at a day is labelled "As at 20 November 2026": the title says so once,
    // rather than "As at 20 November 2026 report" over "As at 20 November 2026".
    let as_at_report = cover.period_label.starts_with("As at ");
    let title = if as_at_report {
        format!("Report as at {}", cover.as_at)
    } else {
        format!("{} report", cover.period_label)
    };
    doc.para_runs(vec![Run::new().add_text(title).size(40)]);
    if !as_at_report {
        doc.para(&format!("As at {}", cover.as_at));
    }
    if let Some(known) = &cover.known_at {
        doc.muted(&format!("Published with the information held on {known}"));
    }
    if let Some(author) = &cover.author {
        doc.para(&format!("From: {author}"));
    }
    doc.muted(&format!("Produced on {}", cover.generated_on));
    if let Some(marking) = &cover.marking {
        doc.para_runs(vec![Run::new().add_text(marking).bold().size(28)]);
    }

    doc.heading_new_page(1, "Executive summary");
    doc.para(
        "This report has two parts. Part 1 shows performance against the objectives, measures \
         and targets; Part 2 shows progress against the actions in the plan.",
    );
    match &report.summary.written {
        Some(written) => written_text(doc, written),
        None if !report.summary.sentences.is_empty() => {
            doc.muted("Generated from the figures: no summary has been written for this period.");
            for sentence in &report.summary.sentences {
                doc.para(sentence);
            }
        }
        None => {}
    }
    summary_counts(doc, report, true);

    doc.heading_new_page(1, &format!("Performance summary, {}", cover.period_label));
    rag_legend(doc, report);
    if report.performance.is_empty() {
        doc.para("No performance indicators are recorded for this plan.");
    } else {
        let mut rows = Vec::new();
        for group in &report.performance {
            rows.push(Row::Group(group.objective.clone()));
            for row in &group.rows {
                rows.push(Row::Cells(vec![
                    Cell::text(&row.title),
                    Cell::text(&row.target),
                    Cell::text(row.period_target.as_deref().unwrap_or(&row.target)),
                    Cell::text(&row.actual),
                    Cell::text(row.last_year.as_deref().unwrap_or("–")),
                    Cell::Rag(row.rag.clone()),
                ]));
            }
        }
        doc.table(
            &[
                "Performance indicator",
                "Annual target",
                "Target for the period",
                &cover.figures_label,
                "Same period last year",
                "RAG",
            ],
            &[34, 13, 13, 13, 13, 14],
            rows,
        );
    }

    doc.heading_new_page(
        1,
        "Part 1: performance against objectives, measures and targets",
    );
    if report.performance.is_empty() {
        doc.para("No performance indicators are recorded for this plan.");
    } else {
        for section in &report.objectives {
            doc.heading(2, &format!("{}. {}", section.number, section.title));
            if let Some(written) = &section.commentary {
                doc.heading(3, "Commentary");
                written_text(doc, written);
            }
            if section.indicators.is_empty() {
                doc.para("No targets set.");
                continue;
            }
            let rows = section
                .indicators
                .iter()
                .map(|row| {
                    Row::Cells(vec![
                        Cell::text(&row.title),
                        Cell::text(&row.target),
                        Cell::text(row.period_target.as_deref().unwrap_or(&row.target)),
                        Cell::text(&row.actual),
                        Cell::Rag(row.rag.clone()),
                    ])
                })
                .collect();
            doc.table(
                &[
                    "Performance indicator",
                    "Annual target",
                    "Target for the period",
                    &cover.figures_label,
                    "RAG",
                ],
                &[44, 14, 14, 14, 14],
                rows,
            );
            for row in &section.indicators {
                doc.heading(3, &row.title);
                if let Some(written) = &row.commentary {
                    doc.para_runs(vec![Run::new().add_text("Commentary").bold()]);
                    written_text(doc, written);
                }
                doc.muted("Generated from the figures:");
                doc.para(&row.sentence);
                if let Some(chart) = &row.chart {
                    doc.chart(chart);
                }
            }
        }
    }
    if !report.local_priorities.is_empty() {
        doc.heading(
            2,
            "Local priorities included in the Assessments of Policing and Community Safety (APACS)",
        );
        let rows = report
            .local_priorities
            .iter()
            .map(|p| {
                Row::Cells(vec![
                    Cell::text(&p.priority),
                    Cell::text(&p.indicator),
                    Cell::text(&p.baseline),
                    Cell::text(&p.minimum),
                    Cell::text(&p.stretch),
                    Cell::text(&p.performance),
                    Cell::Rag(p.rag.clone()),
                ])
            })
            .collect();
        doc.table(
            &[
                "Priority",
                "Local indicator",
                "Baseline",
                "Minimum target",
                "Stretch target",
                "Performance",
                "RAG",
            ],
            &[22, 26, 10, 11, 11, 10, 10],
            rows,
        );
    }

    doc.heading_new_page(1, "Part 2: progress against the plan's actions");
    doc.para(
        "The RAG status is shown for each action. Green: completed or progressing according to \
         plan. Amber: progressing more slowly than planned. Red: not achieved, or timescale for \
         completion unknown. Blue: complete.",
    );
    let level = cover
        .level_names
        .get(1)
        .cloned()
        .unwrap_or_else(|| "Action".into());
    let no_update = no_update(report);
    for section in &report.objectives {
        doc.heading(2, &format!("{}. {}", section.number, section.title));
        if section.actions.is_empty() {
            doc.para("No actions are recorded under this objective.");
            continue;
        }
        let rows = section
            .actions
            .iter()
            .map(|a| {
                let mut lines = vec![a.title.clone()];
                if !a.flags.is_empty() {
                    lines.push(a.flags.join(", "));
                }
                Row::Cells(vec![
                    Cell::text(&a.reference),
                    Cell::Lines(lines),
                    Cell::Rag(a.rag.clone()),
                ])
            })
            .collect();
        doc.table(
            &["No.", &format!("{level} description"), "RAG"],
            &[10, 76, 14],
            rows,
        );
        for a in &section.actions {
            let mut runs = vec![
                Run::new()
                    .add_text(format!("{}  {}", a.reference, a.title))
                    .bold(),
            ];
            if let Some(owners) = &a.owners {
                runs.push(Run::new().add_text(format!(" – {owners}")).color(MUTED));
            }
            doc.add(Paragraph::new().keep_next(true).add_runs(runs));
            doc.updates(&a.updates, no_update);
        }
    }

    doc.heading_new_page(1, "Since the last report");
    doc.para(&format!(
        "Changes dated after {} and on or before {}.",
        report.since_last.since, cover.as_at
    ));
    if report.since_last.changes.is_empty() {
        doc.para("Nothing has changed since the last report.");
    } else {
        let rows = report
            .since_last
            .changes
            .iter()
            .map(|c| {
                Row::Cells(vec![
                    Cell::text(&c.date),
                    Cell::text(&c.kind_label),
                    Cell::text(c.reference.as_deref().unwrap_or("")),
                    Cell::text(&c.title),
                    Cell::text(&c.detail),
                    c.to.clone()
                        .map(Cell::Rag)
                        .unwrap_or_else(|| Cell::text("")),
                ])
            })
            .collect();
        doc.table(
            &["Date", "Change", "No.", "Item", "Detail", "RAG now"],
            &[14, 13, 8, 37, 16, 12],
            rows,
        );
    }
    glossary(doc, report, true);
}

fn tracker(doc: &mut Writer, report: &Report) {
    let cover = &report.cover;
    doc.logo(report);
    doc.para_runs(vec![Run::new().add_text(&cover.organisation).color(MUTED)]);
    doc.add(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(cover.plans.join(", "))),
    );
    let heading = if cover.period_label.starts_with("As at ") {
        format!("Improvement plan tracker – as at {}", cover.as_at)
    } else {
        format!(
            "Improvement plan tracker – {} (as at {})",
            cover.period_label, cover.as_at
        )
    };
    doc.heading(2, &heading);
    if let Some(author) = &cover.author {
        doc.para(&format!("From: {author}"));
    }
    let counts = &report.summary.actions;
    doc.para(&format!(
        "{} items: {} Red, {} Amber, {} Green, {} Blue (complete), {} not assessed. {} overdue.",
        counts.total,
        counts.red,
        counts.amber,
        counts.green,
        counts.blue,
        counts.not_assessed,
        report.summary.overdue
    ));
    let rows = report
        .tracker
        .iter()
        .map(|r| {
            let mut area = vec![format!("{}{}", "    ".repeat(r.depth), r.area)];
            if !r.flags.is_empty() {
                area.push(r.flags.join(", "));
            }
            let updates: Vec<UpdateEntry> = r
                .initial_response
                .iter()
                .chain(&r.latest_update)
                .cloned()
                .collect();
            Row::Cells(vec![
                Cell::text(&r.reference),
                Cell::Lines(area),
                Cell::text(r.lead.as_deref().unwrap_or("")),
                Cell::text(r.owner.as_deref().unwrap_or("")),
                Cell::text(r.due.as_deref().unwrap_or("")),
                Cell::Updates(updates),
                Cell::text(r.date_of_update.as_deref().unwrap_or("")),
                Cell::Lines(complete_lines(r)),
                Cell::Rag(r.rag.clone()),
            ])
        })
        .collect();
    doc.table(
        &[
            "Ref",
            "Area for improvement",
            "Strategic lead",
            "Action owner",
            "Due date",
            "Initial response / latest update",
            "Date of update",
            "Complete",
            "RAG",
        ],
        &[6, 17, 10, 10, 9, 27, 9, 8, 9],
        rows,
    );
    glossary(doc, report, false);
}

fn progress(doc: &mut Writer, report: &Report) {
    let cover = &report.cover;
    let paper = &report.paper;
    doc.logo(report);
    doc.para_runs(vec![Run::new().add_text(&cover.organisation).bold()]);
    if let Some(meeting) = &paper.meeting {
        doc.para(&format!("Report to: {meeting}"));
    }
    doc.add(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(paper.title.clone().unwrap_or_default())),
    );
    let mut facts = vec![
        ("Date", cover.as_at.clone()),
        ("Status", paper.for_label().to_string()),
    ];
    if let Some(sponsor) = &paper.sponsor {
        facts.push(("Sponsor", sponsor.clone()));
    }
    if let Some(author) = &paper.author {
        facts.push(("Author", author.clone()));
    }
    if let Some(marking) = &cover.marking {
        facts.push(("Protective marking", marking.clone()));
    }
    for (label, value) in facts {
        doc.para_runs(vec![
            Run::new().add_text(format!("{label}: ")).bold(),
            Run::new().add_text(value),
        ]);
    }
    doc.heading(2, "1. Purpose");
    doc.para(&paper.purpose.clone().unwrap_or_else(|| {
        format!(
            "To report progress against {} as at {}.",
            cover.plans.join(" and "),
            cover.as_at
        )
    }));
    doc.heading(2, "2. Background");
    doc.para(&paper.background.clone().unwrap_or_else(|| {
        "Progress is reported against each aim and objective of the plan, with its RAG status, \
         in Appendix A."
            .into()
    }));
    doc.heading(2, "3. Recommendations");
    if paper.recommendations.is_empty() {
        doc.para(if paper.for_decision {
            "The meeting is asked to approve the progress report."
        } else {
            "The meeting is asked to note the progress report."
        });
    } else {
        for (index, recommendation) in paper.recommendations.iter().enumerate() {
            doc.add(
                Paragraph::new()
                    .indent(
                        Some(360),
                        Some(docx_rs::SpecialIndentType::Hanging(360)),
                        None,
                        None,
                    )
                    .add_run(Run::new().add_text(format!("{}.\t{recommendation}", index + 1))),
            );
        }
    }
    doc.heading(2, "4. Summary of progress");
    summary_counts(doc, report, false);

    doc.heading_new_page(1, "Appendix A: progress against the plan");
    for aim in &report.progress {
        let title = match &aim.reference {
            Some(reference) => format!("{reference} {}", aim.title),
            None => aim.title.clone(),
        };
        doc.heading(2, &title);
        if aim.objectives.is_empty() {
            doc.para("No objectives are recorded under this aim.");
            continue;
        }
        let rows = aim
            .objectives
            .iter()
            .map(|o| {
                let title = match &o.reference {
                    Some(reference) => format!("{reference} {}", o.title),
                    None => o.title.clone(),
                };
                let bullets = if o.bullets.is_empty() {
                    vec!["No update recorded.".to_string()]
                } else {
                    o.bullets.iter().map(|b| format!("•\t{b}")).collect()
                };
                Row::Cells(vec![
                    Cell::text(&title),
                    Cell::Lines(bullets),
                    Cell::Rag(o.rag.clone()),
                ])
            })
            .collect();
        doc.table(&["Objective", "Progress", "RAG"], &[30, 54, 16], rows);
    }
    glossary(doc, report, false);
}

/// The RAG legend from the rules the report applied; the default rule for a report published
/// before the legend was built from them.
fn rag_legend(doc: &mut Writer, report: &Report) {
    match report.legend.as_slice() {
        [] => doc.para(
            "The RAG status is shown for each performance indicator. Green: target achieved. \
             Amber: within 10% of target. Red: more than 10% from target.",
        ),
        [one] => doc.para(&format!(
            "The RAG status is shown for each performance indicator. {}",
            one.rule
        )),
        lines => {
            doc.para(
                "The RAG status is shown for each performance indicator, by the rule set for it:",
            );
            for line in lines {
                doc.para(&format!("{} ({})", line.rule, line.indicators.join("; ")));
            }
        }
    }
}

/// What a person wrote: its paragraphs, then who wrote it and when.
fn written_text(doc: &mut Writer, written: &crate::model::WrittenText) {
    for paragraph in &written.paragraphs {
        doc.para(paragraph);
    }
    doc.muted(&written.credit());
}

fn summary_counts(doc: &mut Writer, report: &Report, with_since: bool) {
    let summary = &report.summary;
    let verb = |n: usize| if n == 1 { "is" } else { "are" };
    let mut text = format!(
        "Of {} actions, {} {} complete and {} {} overdue.",
        summary.actions.total,
        summary.completed,
        verb(summary.completed),
        summary.overdue,
        verb(summary.overdue)
    );
    if with_since {
        text.push_str(&format!(
            " {} {} completed since the last report.",
            summary.completed_since_last,
            if summary.completed_since_last == 1 {
                "was"
            } else {
                "were"
            }
        ));
    }
    doc.para(&text);
    let mut rows: Vec<Row> = summary
        .actions
        .rows()
        .into_iter()
        .map(|(rag, count)| Row::Cells(vec![Cell::Rag(rag), Cell::text(&count.to_string())]))
        .collect();
    rows.push(Row::Cells(vec![
        Cell::Bold("Total".into()),
        Cell::Bold(summary.actions.total.to_string()),
    ]));
    doc.table(&["RAG", "Actions"], &[60, 40], rows);
}

fn glossary(doc: &mut Writer, report: &Report, always: bool) {
    let glossary = &report.glossary;
    if !always && glossary.entries.is_empty() {
        return;
    }
    doc.heading_new_page(1, "Glossary of terms");
    if glossary.entries.is_empty() {
        doc.para("No acronyms from the glossary are used in this report.");
    } else {
        let rows = glossary
            .entries
            .iter()
            .map(|e| Row::Cells(vec![Cell::Bold(e.term.clone()), Cell::text(&e.meaning)]))
            .collect();
        doc.table(&["Term", "Meaning"], &[18, 82], rows);
    }
}

fn no_update(report: &Report) -> &'static str {
    match report.updates_shown {
        crate::model::UpdatesShown::Latest => "No update has been recorded.",
        crate::model::UpdatesShown::Period => "No update in this period.",
    }
}

/// A table row: cells, or a group label across the whole table.
enum Row {
    Cells(Vec<Cell>),
    Group(String),
}

enum Cell {
    Text(String),
    Bold(String),
    /// Several paragraphs; the second and later in grey (flags under a title, bullets).
    Lines(Vec<String>),
    Rag(RagView),
    Updates(Vec<UpdateEntry>),
}

impl Cell {
    fn text(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

struct Writer {
    docx: Docx,
    /// Text width in twentieths of a point, for table column widths.
    text_width: usize,
}

impl Writer {
    fn new(report: &Report, layout: Layout) -> Writer {
        let landscape = layout == Layout::Tracker;
        let (width, height) = if landscape {
            (A4_LONG, A4_SHORT)
        } else {
            (A4_SHORT, A4_LONG)
        };
        let cover = &report.cover;
        let running = format!("{} – {}", cover.plans.join(", "), cover.period_label);
        let mut header = Header::new();
        let mut footer = Footer::new();
        // A document with a sensitive appendix holds it, so its pages carry its marking: the
        // file as a whole is never marked below what it contains.
        let page_marking = report
            .appendix
            .as_ref()
            .map(|a| a.marking.clone())
            .or_else(|| cover.marking.clone());
        if let Some(marking) = &page_marking {
            header = header.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(marking).bold()),
            );
        }
        header = header.add_paragraph(
            Paragraph::new().align(AlignmentType::Right).add_run(
                Run::new()
                    .add_text(format!("{} – {running}", cover.organisation))
                    .size(16)
                    .color(MUTED),
            ),
        );
        footer = footer.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(Run::new().add_text("Page ").size(16))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(" of ").size(16))
                .add_num_pages(NumPages::new()),
        );
        if let Some(marking) = &page_marking {
            footer = footer.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(marking).bold()),
            );
        }
        let mut docx = Docx::new()
            .page_size(width, height)
            .page_margin(PageMargin {
                top: MARGIN,
                left: MARGIN,
                bottom: MARGIN,
                right: MARGIN,
                header: 567,
                footer: 567,
                gutter: 0,
            })
            .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
            .default_size(21)
            .header(header)
            .footer(footer)
            .add_style(heading_style("Title", "Title", 48, None))
            .add_style(heading_style("Heading1", "heading 1", 36, Some(0)))
            .add_style(heading_style("Heading2", "heading 2", 28, Some(1)))
            .add_style(heading_style("Heading3", "heading 3", 22, Some(2)))
            .add_style(
                Style::new(TABLE_TEXT, StyleType::Paragraph)
                    .name("Table text")
                    .based_on("Normal")
                    .q_format(true)
                    .size(if landscape { 17 } else { 19 }),
            );
        if landscape {
            docx = docx.page_orient(PageOrientationType::Landscape);
        }
        Writer {
            docx,
            text_width: (width as usize).saturating_sub(2 * MARGIN as usize),
        }
    }

    fn add(&mut self, paragraph: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(paragraph);
    }

    fn heading(&mut self, level: usize, text: &str) {
        self.add(
            Paragraph::new()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .add_run(Run::new().add_text(text)),
        );
    }

    fn heading_new_page(&mut self, level: usize, text: &str) {
        self.add(
            Paragraph::new()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .page_break_before(true)
                .add_run(Run::new().add_text(text)),
        );
    }

    fn para(&mut self, text: &str) {
        self.add(text_paragraph(text, None));
    }

    fn muted(&mut self, text: &str) {
        self.add(text_paragraph(text, Some(MUTED)));
    }

    fn para_runs(&mut self, runs: Vec<Run>) {
        self.add(Paragraph::new().add_runs(runs));
    }

    fn updates(&mut self, updates: &[UpdateEntry], empty: &str) {
        if updates.is_empty() {
            self.muted(empty);
        }
        for paragraph in update_paragraphs(updates) {
            self.add(paragraph);
        }
    }

    /// A logo on the cover; PNG only, since Word cannot place SVG through docx-rs.
    fn logo(&mut self, report: &Report) {
        let Some(logo) = &report.cover.logo else {
            return;
        };
        let Ok(bytes) = logo.bytes() else { return };
        let Some((width, height)) = png_size(&bytes) else {
            return;
        };
        // At most 2 cm high, keeping the aspect ratio. 1 cm is 360,000 EMU.
        let height_emu = 720_000u64;
        let width_emu = height_emu * u64::from(width) / u64::from(height.max(1));
        let pic = Pic::new_with_dimensions(bytes, width, height).size(
            u32::try_from(width_emu).unwrap_or(u32::MAX),
            u32::try_from(height_emu).unwrap_or(u32::MAX),
        );
        self.add(Paragraph::new().add_run(Run::new().add_image(pic)));
    }

    /// A trend chart as a picture 15 cm wide with its description below it, which is also its
    /// text alternative (docx-rs cannot set a picture's alt text). Skipped if it cannot be
    /// drawn: the sentence above already gives the figures.
    fn chart(&mut self, chart: &TrendChart) {
        // Two pixels per SVG unit: sharp when printed at 15 cm (about 240 dpi).
        let Ok(png) = chart.png(2.0) else { return };
        let Some((width, height)) = png_size(&png) else {
            return;
        };
        let width_emu = 15 * 360_000u64;
        let height_emu = width_emu * u64::from(height) / u64::from(width.max(1));
        let pic = Pic::new_with_dimensions(png, width, height).size(
            u32::try_from(width_emu).unwrap_or(u32::MAX),
            u32::try_from(height_emu).unwrap_or(u32::MAX),
        );
        self.add(Paragraph::new().add_run(Run::new().add_image(pic)));
        self.muted(&chart.description);
    }

    /// A table whose first row repeats on every page. `widths` are percentages.
    fn table(&mut self, headers: &[&str], widths: &[usize], rows: Vec<Row>) {
        let columns: Vec<usize> = widths
            .iter()
            .map(|pct| self.text_width * pct / 100)
            .collect();
        let header = TableRow::new(
            headers
                .iter()
                .zip(&columns)
                .map(|(text, width)| {
                    TableCell::new()
                        .width(*width, WidthType::Dxa)
                        .shading(fill("E0E0E0"))
                        .add_paragraph(
                            Paragraph::new()
                                .style(TABLE_TEXT)
                                .add_run(Run::new().add_text(*text).bold()),
                        )
                })
                .collect(),
        )
        // Marks the header row; `finish` turns the mark into a repeating header.
        .cant_split();
        let mut table_rows = vec![header];
        for row in rows {
            let cells = match row {
                Row::Group(label) => vec![
                    TableCell::new()
                        .grid_span(columns.len())
                        .shading(fill("F3F2F1"))
                        .add_paragraph(
                            Paragraph::new()
                                .style(TABLE_TEXT)
                                .add_run(Run::new().add_text(label).bold()),
                        ),
                ],
                Row::Cells(cells) => cells
                    .into_iter()
                    .zip(&columns)
                    .map(|(cell, width)| table_cell(cell).width(*width, WidthType::Dxa))
                    .collect(),
            };
            table_rows.push(TableRow::new(cells));
        }
        // Without cell margins LibreOffice sets text against the borders (Word takes 0.19 cm
        // from its default table style, which docx-rs does not write).
        let table = Table::new(table_rows)
            .set_grid(columns)
            .width(5000, WidthType::Pct)
            .margins(TableCellMargins::new().margin(28, 85, 28, 85));
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
        // Word needs a paragraph between two tables, or it merges them.
        self.add(Paragraph::new());
    }

    fn finish(self) -> Result<Vec<u8>, ReportError> {
        let mut xml = self.docx.build();
        // docx-rs cannot mark a header row as repeating (w:tblHeader), so header rows are built
        // with the only row property we never use elsewhere (w:cantSplit) and marked here.
        let document = String::from_utf8(std::mem::take(&mut xml.document))
            .map_err(|e| ReportError::Docx(e.to_string()))?;
        xml.document = document
            .replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />")
            .into_bytes();
        let mut out = std::io::Cursor::new(Vec::new());
        xml.pack(&mut out)
            .map_err(|e| ReportError::Docx(e.to_string()))?;
        Ok(out.into_inner())
    }
}

fn heading_style(id: &str, name: &str, size: usize, outline: Option<usize>) -> Style {
    let style = Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .size(size)
        .bold()
        .color("0B0C0C")
        .line_spacing(LineSpacing::new().before(240).after(120));
    match outline {
        Some(level) => style.outline_lvl(level),
        None => style,
    }
}

fn fill(colour: &str) -> Shading {
    Shading::new()
        .shd_type(ShdType::Clear)
        .color("auto")
        .fill(colour)
}

/// A paragraph whose line breaks are kept (updates are often several lines).
fn text_paragraph(text: &str, colour: Option<&str>) -> Paragraph {
    let mut run = Run::new();
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    if let Some(colour) = colour {
        run = run.color(colour);
    }
    Paragraph::new().add_run(run)
}

fn update_paragraphs(updates: &[UpdateEntry]) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    for update in updates {
        let mut heading = vec![Run::new().add_text(&update.date).bold()];
        if let Some(author) = &update.author {
            heading.push(Run::new().add_text(format!(" – {author}")).color(MUTED));
        }
        paragraphs.push(Paragraph::new().keep_next(true).add_runs(heading));
        paragraphs.push(text_paragraph(&update.text, None));
    }
    paragraphs
}

fn table_cell(cell: Cell) -> TableCell {
    let styled = |paragraph: Paragraph| paragraph.style(TABLE_TEXT);
    match cell {
        Cell::Text(text) => TableCell::new().add_paragraph(styled(text_paragraph(&text, None))),
        Cell::Bold(text) => TableCell::new().add_paragraph(styled(
            Paragraph::new().add_run(Run::new().add_text(text).bold()),
        )),
        Cell::Lines(lines) => {
            let mut cell = TableCell::new();
            for (index, line) in lines.iter().enumerate() {
                let bullet = line.starts_with('•');
                let colour = (index > 0 && !bullet).then_some("942514");
                let mut paragraph = styled(text_paragraph(line, colour));
                if bullet {
                    paragraph = paragraph.indent(
                        Some(BULLET_INDENT),
                        Some(SpecialIndentType::Hanging(BULLET_INDENT)),
                        None,
                        None,
                    );
                }
                cell = cell.add_paragraph(paragraph);
            }
            cell
        }
        Cell::Rag(rag) => {
            let (background, ink) = rag.colours();
            // Word writes colours as upper-case hex without the "#".
            let background = background.trim_start_matches('#').to_ascii_uppercase();
            let ink = ink.trim_start_matches('#').to_ascii_uppercase();
            TableCell::new()
                .shading(fill(&background))
                .add_paragraph(styled(
                    Paragraph::new().add_run(Run::new().add_text(&rag.word).bold().color(ink)),
                ))
        }
        Cell::Updates(updates) => {
            let mut cell = TableCell::new();
            if updates.is_empty() {
                cell =
                    cell.add_paragraph(styled(text_paragraph("No update recorded.", Some(MUTED))));
            }
            for paragraph in update_paragraphs(&updates) {
                cell = cell.add_paragraph(styled(paragraph));
            }
            cell
        }
    }
}

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((width, height))
}

trait AddRuns {
    fn add_runs(self, runs: Vec<Run>) -> Self;
}

impl AddRuns for Paragraph {
    fn add_runs(self, runs: Vec<Run>) -> Paragraph {
        runs.into_iter().fold(self, Paragraph::add_run)
    }
}

/// The tracker's "Complete" cell: the answer, then the evidence and the sign-off, in grey.
fn complete_lines(r: &crate::model::TrackerRow) -> Vec<String> {
    let mut lines = vec![r.complete.clone()];
    for line in r.evidence_lines() {
        lines.push(format!("Evidence: {line}"));
    }
    if let Some(sign_off) = &r.sign_off {
        lines.push(sign_off.clone());
    }
    lines
}
