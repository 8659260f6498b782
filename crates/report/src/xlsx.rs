//! The report as a workbook (rust_xlsxwriter): a sheet per section, header rows frozen and
//! repeated when printed, RAG cells filled and labelled with the word, the protective marking in
//! every printed page's header and footer, A4.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use waymark_core::text::starts_like_formula;

use crate::model::{RagView, Report, UpdateEntry};
use crate::{Layout, ReportError};

/// Excel's paper size code for A4.
const A4: u8 = 9;

pub(crate) fn render_xlsx(report: &Report, layout: Layout) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    cover_sheet(workbook.add_worksheet(), report)?;
    match layout {
        Layout::Quarterly => {
            summary_sheet(workbook.add_worksheet(), report)?;
            performance_sheet(workbook.add_worksheet(), report)?;
            if !report.local_priorities.is_empty() {
                local_priorities_sheet(workbook.add_worksheet(), report)?;
            }
            actions_sheet(workbook.add_worksheet(), report)?;
            since_sheet(workbook.add_worksheet(), report)?;
        }
        Layout::Tracker => tracker_sheet(workbook.add_worksheet(), report)?,
        Layout::Progress => {
            summary_sheet(workbook.add_worksheet(), report)?;
            progress_sheet(workbook.add_worksheet(), report)?;
        }
    }
    glossary_sheet(workbook.add_worksheet(), report)?;
    if let Some(appendix) = &report.appendix {
        appendix_sheet(workbook.add_worksheet(), report, appendix)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The sensitive appendix on a sheet of its own, marked with its own marking top and bottom.
fn appendix_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    appendix: &crate::model::SensitiveAppendix,
) -> Result<(), XlsxError> {
    let mut marked = report.clone();
    marked.cover.marking = Some(appendix.marking.clone());
    prepare(sheet, "Appendix", &marked, true)?;
    let rows = appendix
        .rows
        .iter()
        .map(|r| {
            vec![
                text(&r.reference),
                text(format!("{}{}", "    ".repeat(r.depth), r.area)),
                opt(&r.owner),
                due(&r.due_iso, &r.due),
                text(updates_text(
                    &r.initial_response
                        .iter()
                        .chain(&r.latest_update)
                        .cloned()
                        .collect::<Vec<_>>(),
                )),
                Value::Rag(r.rag.clone()),
            ]
        })
        .collect();
    table(
        sheet,
        0,
        &["Ref", "Item", "Owner", "Due date", "Updates", "RAG"],
        &[14.0, 45.0, 18.0, 14.0, 80.0, 13.0],
        rows,
    )?;
    Ok(())
}

/// A cell value.
enum Value {
    Text(String),
    Number(f64),
    /// A number shown in a number format ("£#,##0", "0.0%"), so it stays a number.
    Figure(f64, &'static str),
    /// A day, as a date cell.
    Date(chrono::NaiveDate),
    Rag(RagView),
}

/// A figure of an indicator row as a typed cell: money in pounds, a percentage as the fraction
/// Excel holds (80.1% as 0.801), others as numbers; the row's text where there is no figure
/// ("Not yet available", "No target").
fn figure(value: Option<f64>, unit: &str, fallback: &str) -> Value {
    let Some(value) = value else {
        return text(fallback);
    };
    let whole = value.fract() == 0.0;
    match unit {
        "money" if whole => Value::Figure(value, "£#,##0"),
        "money" => Value::Figure(value, "£#,##0.00"),
        // From whole hundredths, so 28.6% is held as 0.286, not 0.28600000000000003.
        "percent" if whole => Value::Figure((value * 100.0).round() / 10_000.0, "0%"),
        "percent" => Value::Figure((value * 100.0).round() / 10_000.0, "0.0#%"),
        _ if whole => Value::Figure(value, "#,##0"),
        _ => Value::Figure(value, "#,##0.0#"),
    }
}

/// A due date as a date cell, or the words as written where there is no date.
fn due(iso: &Option<String>, written: &Option<String>) -> Value {
    match iso
        .as_deref()
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
    {
        Some(day) => Value::Date(day),
        None => opt(written),
    }
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn opt(value: &Option<String>) -> Value {
    Value::Text(value.clone().unwrap_or_default())
}

fn updates_text(updates: &[UpdateEntry]) -> String {
    updates
        .iter()
        .map(|u| match &u.author {
            Some(author) => format!("{} – {author}\n{}", u.date, u.text),
            None => format!("{}\n{}", u.date, u.text),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Writes text as a string cell (never a formula). Formula-like text (`waymark_core::text`) is
/// also marked "quote prefix", so that editing the cell in Excel keeps it text.
fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if starts_like_formula(text) {
        sheet.write_string_with_format(row, col, text, &format.clone().set_quote_prefix())?;
    } else {
        sheet.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

/// Escapes user text for Excel's header and footer codes, where `&` starts a code.
fn header_text(text: &str) -> String {
    text.replace('&', "&&")
}

/// Names the sheet and sets up printing: A4, the marking top and bottom, "Page X of Y".
fn prepare(
    sheet: &mut Worksheet,
    name: &str,
    report: &Report,
    landscape: bool,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.set_paper_size(A4);
    if landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    let marking = report.cover.marking.as_deref().map(header_text);
    let title = header_text(&format!(
        "{} – {}",
        report.cover.plans.join(", "),
        report.cover.period_label
    ));
    match &marking {
        Some(marking) => {
            sheet.set_header(format!("&L{title}&C&B{marking}"));
            sheet.set_footer(format!("&C&B{marking}&RPage &P of &N"));
        }
        None => {
            sheet.set_header(format!("&L{title}"));
            sheet.set_footer("&RPage &P of &N");
        }
    }
    Ok(())
}

/// Writes a table from row `start`: a bold header row (frozen, repeated on printed pages, with
/// a filter) and the rows. Column widths are in characters.
fn table(
    sheet: &mut Worksheet,
    start: u32,
    headers: &[&str],
    widths: &[f64],
    rows: Vec<Vec<Value>>,
) -> Result<u32, XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE0E0E0))
        .set_border_bottom(FormatBorder::Medium)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (col, (title, width)) in headers.iter().zip(widths).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(start, col, *title, &header)?;
    }
    let mut row_index = start;
    for row in rows {
        row_index += 1;
        for (col, value) in row.into_iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match value {
                Value::Text(text) => {
                    write_text(sheet, row_index, col, &text, &body)?;
                    continue;
                }
                Value::Number(number) => {
                    sheet.write_number_with_format(row_index, col, number, &body)?
                }
                Value::Figure(number, number_format) => sheet.write_number_with_format(
                    row_index,
                    col,
                    number,
                    &body.clone().set_num_format(number_format),
                )?,
                Value::Date(day) => match excel_day(day) {
                    Some(date) => sheet.write_datetime_with_format(
                        row_index,
                        col,
                        &date,
                        &body.clone().set_num_format("d mmmm yyyy"),
                    )?,
                    // Excel holds no day before 1900: such a day is written as text.
                    None => sheet.write_string_with_format(
                        row_index,
                        col,
                        waymark_core::date::format_long(day),
                        &body,
                    )?,
                },
                Value::Rag(rag) => {
                    sheet.write_string_with_format(row_index, col, &rag.word, &rag_format(&rag))?
                }
            };
        }
    }
    let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(0);
    sheet.set_freeze_panes(start + 1, 0)?;
    sheet.set_repeat_rows(start, start)?;
    if row_index > start {
        sheet.autofilter(start, 0, row_index, last_col)?;
    }
    Ok(row_index)
}

fn rag_format(rag: &RagView) -> Format {
    let (background, ink) = rag.colours();
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(hex(background)))
        .set_font_color(Color::RGB(hex(ink)))
}

fn hex(colour: &str) -> u32 {
    u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap_or(0)
}

fn cover_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Cover", report, false)?;
    let cover = &report.cover;
    let bold = Format::new().set_bold().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 80)?;
    let mut facts = vec![
        ("Organisation", cover.organisation.clone()),
        ("Plan", cover.plans.join(", ")),
        ("Period", cover.period_label.clone()),
        ("As at", cover.as_at.clone()),
    ];
    if let Some(known) = &cover.known_at {
        facts.push(("Published with information held on", known.clone()));
    }
    if let Some(author) = &cover.author {
        facts.push(("From", author.clone()));
    }
    if let Some(marking) = &cover.marking {
        facts.push(("Protective marking", marking.clone()));
    }
    facts.push(("Produced on", cover.generated_on.clone()));
    let paper = &report.paper;
    if let Some(meeting) = &paper.meeting {
        facts.push(("Report to", meeting.clone()));
    }
    if let Some(title) = &paper.title {
        facts.push(("Paper title", title.clone()));
    }
    facts.push(("Status", paper.for_label().to_string()));
    for (label, value) in [
        ("Purpose", &paper.purpose),
        ("Background", &paper.background),
        ("Sponsor", &paper.sponsor),
        ("Author", &paper.author),
    ] {
        if let Some(value) = value {
            facts.push((label, value.clone()));
        }
    }
    for (index, recommendation) in paper.recommendations.iter().enumerate() {
        facts.push(("Recommendation", format!("{}. {recommendation}", index + 1)));
    }
    for (row, (label, value)) in facts.into_iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        sheet.write_string_with_format(row, 0, label, &bold)?;
        write_text(sheet, row, 1, &value, &wrap)?;
    }
    Ok(())
}

fn summary_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Executive summary", report, false)?;
    let summary = &report.summary;
    let mut rows: Vec<Vec<Value>> = summary
        .actions
        .rows()
        .into_iter()
        .map(|(rag, count)| vec![Value::Rag(rag), Value::Number(count as f64)])
        .collect();
    rows.push(vec![
        text("Total"),
        Value::Number(summary.actions.total as f64),
    ]);
    rows.push(vec![
        text("Complete"),
        Value::Number(summary.completed as f64),
    ]);
    rows.push(vec![text("Overdue"), Value::Number(summary.overdue as f64)]);
    rows.push(vec![
        text("Completed since the last report"),
        Value::Number(summary.completed_since_last as f64),
    ]);
    table(sheet, 0, &["Actions by RAG", "Number"], &[34.0, 12.0], rows)?;
    // The written summary where there is one; otherwise the generated sentences, said to be.
    let (heading, lines): (&str, Vec<String>) = match &summary.written {
        Some(written) => (
            "Executive summary",
            written
                .paragraphs
                .iter()
                .cloned()
                .chain(std::iter::once(written.credit()))
                .collect(),
        ),
        None => (
            "Performance in brief (generated from the figures)",
            summary.sentences.clone(),
        ),
    };
    if !lines.is_empty() {
        let bold = Format::new().set_bold();
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        sheet.set_column_width(3, 90)?;
        sheet.write_string_with_format(0, 3, heading, &bold)?;
        for (index, line) in lines.iter().enumerate() {
            let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
            write_text(sheet, row, 3, line, &wrap)?;
        }
    }
    Ok(())
}

fn performance_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Performance", report, true)?;
    let rows = report
        .performance
        .iter()
        .flat_map(|group| {
            group.rows.iter().map(move |row| {
                let figures = row.figures.as_ref();
                let unit = figures.map(|f| f.unit.as_str()).unwrap_or_default();
                let number = |pick: fn(&crate::model::RowFigures) -> Option<f64>, shown: &str| {
                    figure(figures.and_then(pick), unit, shown)
                };
                vec![
                    text(&group.objective),
                    text(&row.title),
                    number(|f| f.annual_target, &row.target),
                    number(
                        |f| f.period_target.or(f.annual_target),
                        row.period_target.as_deref().unwrap_or(&row.target),
                    ),
                    number(|f| f.actual, &row.actual),
                    number(
                        |f| f.last_year,
                        row.last_year.as_deref().unwrap_or_default(),
                    ),
                    Value::Rag(row.rag.clone()),
                    number(|f| f.forecast, row.forecast.as_deref().unwrap_or_default()),
                    text(&row.sentence),
                    text(
                        row.commentary
                            .as_ref()
                            .map(|c| c.paragraphs.join("\n\n"))
                            .unwrap_or_default(),
                    ),
                ]
            })
        })
        .collect();
    table(
        sheet,
        0,
        &[
            "Objective",
            "Performance indicator",
            "Annual target",
            "Target for the period",
            &report.cover.figures_label,
            "Same period last year",
            "RAG",
            "Forecast to year end",
            "Generated from the figures",
            "Commentary",
        ],
        &[30.0, 40.0, 12.0, 12.0, 12.0, 14.0, 16.0, 14.0, 60.0, 60.0],
        rows,
    )?;
    Ok(())
}

fn local_priorities_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Local priorities", report, true)?;
    let rows = report
        .local_priorities
        .iter()
        .map(|p| {
            vec![
                text(&p.priority),
                text(&p.indicator),
                text(&p.baseline),
                text(&p.minimum),
                text(&p.stretch),
                text(&p.performance),
                Value::Rag(p.rag.clone()),
            ]
        })
        .collect();
    table(
        sheet,
        0,
        &[
            "Priority",
            "Local indicator",
            "Baseline",
            "Minimum target",
            "Stretch target",
            "Performance",
            "RAG",
        ],
        &[40.0, 40.0, 12.0, 12.0, 12.0, 12.0, 16.0],
        rows,
    )?;
    Ok(())
}

fn actions_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Actions", report, true)?;
    let rows = report
        .objectives
        .iter()
        .flat_map(|section| {
            section.actions.iter().map(move |a| {
                vec![
                    text(format!("{}. {}", section.number, section.title)),
                    text(&a.reference),
                    text(&a.title),
                    opt(&a.lead),
                    opt(&a.owners),
                    due(&a.due_iso, &a.due),
                    text(if a.complete { "Yes" } else { "No" }),
                    Value::Rag(a.rag.clone()),
                    text(a.flags.join(", ")),
                    text(updates_text(&a.updates)),
                ]
            })
        })
        .collect();
    table(
        sheet,
        0,
        &[
            "Objective",
            "No.",
            "Action",
            "Strategic lead",
            "Owner",
            "Due date",
            "Complete",
            "RAG",
            "Flags",
            "Update",
        ],
        &[30.0, 8.0, 40.0, 18.0, 20.0, 14.0, 9.0, 13.0, 16.0, 80.0],
        rows,
    )?;
    Ok(())
}

fn since_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Since the last report", report, true)?;
    let rows = report
        .since_last
        .changes
        .iter()
        .map(|c| {
            vec![
                text(&c.date),
                text(&c.kind_label),
                opt(&c.reference),
                text(&c.title),
                c.from.clone().map(Value::Rag).unwrap_or_else(|| text("")),
                c.to.clone().map(Value::Rag).unwrap_or_else(|| text("")),
                text(&c.detail),
            ]
        })
        .collect();
    table(
        sheet,
        0,
        &["Date", "Change", "No.", "Item", "Was", "Now", "Detail"],
        &[18.0, 20.0, 8.0, 50.0, 13.0, 13.0, 30.0],
        rows,
    )?;
    Ok(())
}

fn tracker_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Tracker", report, true)?;
    let rows = report
        .tracker
        .iter()
        .map(|r| {
            vec![
                text(&r.reference),
                text(format!("{}{}", "    ".repeat(r.depth), r.area)),
                opt(&r.lead),
                opt(&r.owner),
                due(&r.due_iso, &r.due),
                text(updates_text(
                    &r.initial_response
                        .iter()
                        .chain(&r.latest_update)
                        .cloned()
                        .collect::<Vec<_>>(),
                )),
                opt(&r.date_of_update),
                text(&r.complete),
                Value::Rag(r.rag.clone()),
                text(r.flags.join(", ")),
                text(r.evidence_lines().join("\n")),
                opt(&r.sign_off),
            ]
        })
        .collect();
    table(
        sheet,
        0,
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
            "Flags",
            "Evidence",
            "Sign-off",
        ],
        &[
            14.0, 45.0, 18.0, 18.0, 14.0, 80.0, 14.0, 9.0, 13.0, 16.0, 40.0, 30.0,
        ],
        rows,
    )?;
    Ok(())
}

fn progress_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Progress", report, true)?;
    let rows = report
        .progress
        .iter()
        .flat_map(|aim| {
            aim.objectives.iter().map(move |o| {
                vec![
                    text(match &aim.reference {
                        Some(r) => format!("{r} {}", aim.title),
                        None => aim.title.clone(),
                    }),
                    opt(&o.reference),
                    text(&o.title),
                    text(
                        o.bullets
                            .iter()
                            .map(|b| format!("• {b}"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                    Value::Rag(o.rag.clone()),
                ]
            })
        })
        .collect();
    table(
        sheet,
        0,
        &["Aim", "Ref", "Objective", "Progress", "RAG"],
        &[35.0, 8.0, 40.0, 90.0, 13.0],
        rows,
    )?;
    Ok(())
}

fn glossary_sheet(sheet: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    prepare(sheet, "Glossary", report, false)?;
    let rows: Vec<Vec<Value>> = report
        .glossary
        .entries
        .iter()
        .map(|e| vec![text(&e.term), text(&e.meaning)])
        .collect();
    table(sheet, 0, &["Term", "Meaning"], &[16.0, 90.0], rows)?;
    Ok(())
}

/// `day` as an Excel date, where Excel has one (1900 to 9999).
fn excel_day(day: chrono::NaiveDate) -> Option<rust_xlsxwriter::ExcelDateTime> {
    use chrono::Datelike as _;
    let year = u16::try_from(day.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    #[test]
    fn a_day_excel_cannot_hold_is_no_excel_date() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(super::excel_day(day(415, 3, 1)).is_none());
        assert!(super::excel_day(day(2026, 12, 7)).is_some());
    }
}
