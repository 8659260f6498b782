//! A report laid out as sections of paragraphs and tables, every figure already in words: the
//! annual collaboration report's shape (summary, projects by area and status, funding, the cost
//! share, savings against target, the framework matrix), rendered to PDF (typst), HTML, DOCX
//! and XLSX like the board reports. The application layer builds it from a programme's data;
//! this module only lays it out.

use docx_rs::{
    AlignmentType, Docx, Footer, Header, PageMargin, Paragraph, Run, Shading, ShdType, Style,
    StyleType, Table, TableCell, TableRow, WidthType,
};
use rust_xlsxwriter::{Color, Format as CellFormat, FormatBorder, Workbook};
use serde::{Deserialize, Serialize};
use waymark_core::text::starts_like_formula;

use crate::{Format, ReportError};

/// A document of sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// "Annual collaboration report 2009/10".
    pub title: String,
    /// The programme's name.
    pub subtitle: String,
    /// Who it is from: the lead organisation.
    pub organisation: String,
    /// "As at 20 November 2026".
    pub as_at: String,
    /// ISO date the document speaks for: typst's today, so renders are reproducible.
    pub as_at_iso: String,
    /// The protective marking printed at the top and bottom of every page.
    pub marking: String,
    pub sections: Vec<Section>,
}

/// A numbered section: a heading, paragraphs, then tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<DocTable>,
}

/// A table of text cells; `numeric` columns are right-aligned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocTable {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
    /// The last row is a total, printed bold.
    pub total_row: bool,
}

impl Document {
    /// A file name for the document in `format`: "annual-collaboration-report-2009-10.pdf".
    pub fn file_name(&self, format: Format) -> String {
        let stem: String = self
            .title
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!("{stem}.{}", format.extension())
    }
}

/// Renders a document. Synchronous and CPU-bound, like [`crate::render`].
pub fn render_document(document: &Document, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Pdf => crate::pdf::render_typst(
            "/document.typ",
            DOCUMENT_TYP,
            serde_json::to_vec(document)?,
            &document.as_at_iso,
        ),
        Format::Html => Ok(html(document).into_bytes()),
        Format::Docx => docx(document),
        Format::Xlsx => xlsx(document),
    }
}

const DOCUMENT_TYP: &str = include_str!("../templates/typst/document.typ");

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A print-ready HTML document. Every piece of text is escaped; nothing is markup.
fn html(document: &Document) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&document.title)));
    out.push_str(
        "<style>body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;\
         margin:2cm;color:#0b0c0c}table{border-collapse:collapse;margin:0 0 1.5em;width:100%}\
         th,td{border:1px solid #b1b4b6;padding:4px 6px;text-align:left;vertical-align:top}\
         th{background:#f3f2f1}td.n,th.n{text-align:right}tr.total td{font-weight:bold}\
         caption{text-align:left;font-weight:bold;padding:0 0 4px}.marking{text-align:center;\
         font-weight:bold}@media print{section{break-inside:avoid-page}}</style>\n</head>\n<body>\n",
    );
    let marking = format!("<p class=\"marking\">{}</p>\n", escape(&document.marking));
    out.push_str(&marking);
    out.push_str(&format!(
        "<p>{}</p>\n<h1>{}</h1>\n<p>{}</p>\n<p>{}</p>\n",
        escape(&document.organisation),
        escape(&document.title),
        escape(&document.subtitle),
        escape(&document.as_at)
    ));
    for (index, section) in document.sections.iter().enumerate() {
        out.push_str(&format!(
            "<section>\n<h2>{}. {}</h2>\n",
            index + 1,
            escape(&section.heading)
        ));
        for paragraph in &section.paragraphs {
            out.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        }
        for table in &section.tables {
            out.push_str(&format!(
                "<table>\n<caption>{}</caption>\n<thead><tr>",
                escape(&table.caption)
            ));
            for (column, header) in table.header.iter().enumerate() {
                let class = if table.numeric.get(column) == Some(&true) {
                    " class=\"n\""
                } else {
                    ""
                };
                out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(header)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for (row_index, row) in table.rows.iter().enumerate() {
                let total = table.total_row && row_index + 1 == table.rows.len();
                out.push_str(if total {
                    "<tr class=\"total\">"
                } else {
                    "<tr>"
                });
                for (column, cell) in row.iter().enumerate() {
                    let class = if table.numeric.get(column) == Some(&true) {
                        " class=\"n\""
                    } else {
                        ""
                    };
                    out.push_str(&format!("<td{class}>{}</td>", escape(cell)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str(&marking);
    out.push_str("</body>\n</html>\n");
    out
}

fn docx(document: &Document) -> Result<Vec<u8>, ReportError> {
    let marking = |text: &str| {
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text(text).bold())
    };
    let mut doc = Docx::new()
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1134)
                .right(1134),
        )
        .header(Header::new().add_paragraph(marking(&document.marking)))
        .footer(Footer::new().add_paragraph(marking(&document.marking)))
        .add_style(heading("Heading1", "heading 1", 36, 0))
        .add_style(heading("Heading2", "heading 2", 28, 1))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&document.organisation)))
        .add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .add_run(Run::new().add_text(&document.title)),
        )
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&document.subtitle)))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&document.as_at)));
    for (index, section) in document.sections.iter().enumerate() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .style("Heading2")
                .add_run(Run::new().add_text(format!("{}. {}", index + 1, section.heading))),
        );
        for paragraph in &section.paragraphs {
            doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(paragraph)));
        }
        for table in &section.tables {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().add_text(&table.caption).bold()),
            );
            let cell = |text: &str, bold: bool, numeric: bool, shaded: bool| {
                let mut run = Run::new().add_text(text).size(18);
                if bold {
                    run = run.bold();
                }
                let mut paragraph = Paragraph::new().add_run(run);
                if numeric {
                    paragraph = paragraph.align(AlignmentType::Right);
                }
                let cell = TableCell::new().add_paragraph(paragraph);
                if shaded {
                    cell.shading(
                        Shading::new()
                            .shd_type(ShdType::Clear)
                            .color("auto")
                            .fill("F3F2F1"),
                    )
                } else {
                    cell
                }
            };
            let numeric = |column: usize| table.numeric.get(column) == Some(&true);
            let mut rows = vec![
                TableRow::new(
                    table
                        .header
                        .iter()
                        .enumerate()
                        .map(|(c, h)| cell(h, true, numeric(c), true))
                        .collect(),
                )
                .cant_split(),
            ];
            for (row_index, row) in table.rows.iter().enumerate() {
                let total = table.total_row && row_index + 1 == table.rows.len();
                rows.push(
                    TableRow::new(
                        row.iter()
                            .enumerate()
                            .map(|(c, text)| cell(text, total, numeric(c), false))
                            .collect(),
                    )
                    .cant_split(),
                );
            }
            doc = doc.add_table(Table::new(rows).width(9638, WidthType::Dxa));
            doc = doc.add_paragraph(Paragraph::new());
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

fn heading(id: &str, name: &str, size: usize, outline: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .size(size)
        .bold()
        .outline_lvl(outline)
}

/// A sheet per section: its paragraphs, then its tables with bold header rows. Text is never
/// written as a formula.
fn xlsx(document: &Document) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let header = CellFormat::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF3F2F1))
        .set_border_bottom(FormatBorder::Medium)
        .set_text_wrap();
    let body = CellFormat::new().set_text_wrap();
    let marking = document.marking.replace('&', "&&");
    let mut used: Vec<String> = Vec::new();
    for (index, section) in document.sections.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\, and unique.
        let mut name: String = format!("{} {}", index + 1, section.heading)
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        while used.contains(&name) {
            name.pop();
        }
        used.push(name.clone());
        sheet.set_name(name.trim())?;
        sheet.set_paper_size(9);
        sheet.set_header(format!("&C&B{marking}"));
        sheet.set_footer(format!("&C&B{marking}&RPage &P of &N"));
        let mut row: u32 = 0;
        let text = |sheet: &mut rust_xlsxwriter::Worksheet,
                    row: u32,
                    col: u16,
                    value: &str,
                    format: &CellFormat|
         -> Result<(), rust_xlsxwriter::XlsxError> {
            if starts_like_formula(value) {
                sheet.write_string_with_format(
                    row,
                    col,
                    value,
                    &format.clone().set_quote_prefix(),
                )?;
            } else {
                sheet.write_string_with_format(row, col, value, format)?;
            }
            Ok(())
        };
        text(sheet, row, 0, &section.heading, &bold)?;
        row += 2;
        for paragraph in &section.paragraphs {
            text(sheet, row, 0, paragraph, &CellFormat::new())?;
            row += 1;
        }
        let mut widths: Vec<usize> = Vec::new();
        for table in &section.tables {
            row += 1;
            text(sheet, row, 0, &table.caption, &bold)?;
            row += 1;
            for (col, title) in table.header.iter().enumerate() {
                text(sheet, row, col as u16, title, &header)?;
            }
            for cells in &table.rows {
                row += 1;
                for (col, cell) in cells.iter().enumerate() {
                    text(sheet, row, col as u16, cell, &body)?;
                    if widths.len() <= col {
                        widths.resize(col + 1, 10);
                    }
                    widths[col] = widths[col].max(cell.chars().count().min(60));
                }
            }
            row += 1;
        }
        for (col, width) in widths.iter().enumerate() {
            sheet.set_column_width(col as u16, (*width as f64) + 2.0)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        Document {
            title: "Annual collaboration report 2009/10".into(),
            subtitle: "East Midlands Collaboration Programme".into(),
            organisation: "Nottinghamshire Police".into(),
            as_at: "As at 31 March 2010".into(),
            as_at_iso: "2010-03-31".into(),
            marking: "OFFICIAL".into(),
            sections: vec![Section {
                heading: "Cost share".into(),
                paragraphs: vec!["The team costs £1,200,000 <shared>.".into()],
                tables: vec![DocTable {
                    caption: "Shares".into(),
                    header: vec!["Force".into(), "Share".into()],
                    rows: vec![
                        vec!["Derbyshire".into(), "£240,000".into()],
                        vec!["=SUM(A1)".into(), "£960,000".into()],
                        vec!["Total".into(), "£1,200,000".into()],
                    ],
                    numeric: vec![false, true],
                    total_row: true,
                }],
            }],
        }
    }

    #[test]
    fn every_format_renders_and_html_escapes_its_text() {
        let document = sample();
        let html = String::from_utf8(render_document(&document, Format::Html).unwrap()).unwrap();
        assert!(html.contains("£1,200,000 &lt;shared&gt;."));
        assert!(html.contains("<tr class=\"total\"><td>Total</td><td class=\"n\">£1,200,000</td>"));
        let pdf = render_document(&document, Format::Pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let docx = render_document(&document, Format::Docx).unwrap();
        assert!(docx.starts_with(b"PK"));
        let xlsx = render_document(&document, Format::Xlsx).unwrap();
        assert!(xlsx.starts_with(b"PK"));
        assert_eq!(
            document.file_name(Format::Pdf),
            "annual-collaboration-report-2009-10.pdf"
        );
    }
}
