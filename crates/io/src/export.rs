//! Writing a plan out as XLSX (a row per item, RAG cells coloured and labelled, the latest
//! update and the full history), CSV (the same columns) or JSON. The columns are ones the
//! importer recognises, so an exported file re-imports into its plan with no changes.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format as CellFormat, FormatBorder, Workbook};
use serde::Serialize;
use waymark_core::date::format_long;
use waymark_core::text::{spreadsheet_safe, starts_like_formula};
use waymark_core::{FlexDate, Rag, Update};
use waymark_store::{ItemState, PlanView};

use crate::error::ImportError;

/// The formats `waymark export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Json,
}

impl ExportFormat {
    pub fn parse(word: &str) -> Option<ExportFormat> {
        match word.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(ExportFormat::Xlsx),
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

/// The export's columns, in order. Each is a header the importer maps without a mapping file.
pub const COLUMNS: [&str; 14] = [
    "Level",
    "Ref",
    "Item",
    "Detail",
    "Strategic lead",
    "Owner",
    "Start date",
    "Due date",
    "Complete",
    "Completed on",
    "RAG",
    "Latest update",
    "Date of update",
    "Update history",
];

/// Writes `view` to `path` in `format`.
pub fn export_plan(view: &PlanView, format: ExportFormat, path: &Path) -> Result<(), ImportError> {
    let bytes = export_bytes(view, format).map_err(|message| ImportError::Write {
        file: path.display().to_string(),
        message,
    })?;
    std::fs::write(path, bytes).map_err(|error| ImportError::Write {
        file: path.display().to_string(),
        message: error.to_string(),
    })
}

/// The bytes of the export, for files and for downloads from the web app, carrying the plan's
/// own marking.
pub fn export_bytes(view: &PlanView, format: ExportFormat) -> Result<Vec<u8>, String> {
    export_bytes_marked(view, format, &view.plan.marking.label())
}

/// The bytes of the export carrying `marking` (the most sensitive marking of what it holds):
/// in the header and footer of every printed XLSX page, on the first line of the CSV (a line
/// the importer reads back as the plan's marking), and as the JSON's `marking`.
pub fn export_bytes_marked(
    view: &PlanView,
    format: ExportFormat,
    marking: &str,
) -> Result<Vec<u8>, String> {
    match format {
        ExportFormat::Xlsx => xlsx(view, marking).map_err(|error| error.to_string()),
        ExportFormat::Csv => {
            let mut bytes = format!("Protective marking: {marking}\n").into_bytes();
            bytes.extend(csv(view)?);
            Ok(bytes)
        }
        ExportFormat::Json => {
            let mut value =
                serde_json::to_value(json_view(view)).map_err(|error| error.to_string())?;
            if let Some(object) = value.as_object_mut() {
                object.insert("marking".into(), serde_json::Value::from(marking));
            }
            serde_json::to_vec_pretty(&value).map_err(|error| error.to_string())
        }
    }
}

/// One update as an export cell writes it: "8 January 2015 from Supt Operations - text", the
/// form the update splitter reads back.
pub fn update_entry(update: &Update) -> String {
    match &update.author_post {
        Some(author) => format!(
            "{} from {author} - {}",
            format_long(update.as_of),
            update.text
        ),
        None => format!("{} - {}", format_long(update.as_of), update.text),
    }
}

/// The level column's word for a depth: the plan's level name, or "Level 4" past the names.
pub fn level_word(view: &PlanView, depth: usize) -> String {
    match view.plan.level_names.get(depth) {
        Some(name) => name.clone(),
        None => format!("Level {}", depth + 1),
    }
}

/// The updates of an item in date order (the order they are read in).
fn dated_updates(item: &ItemState) -> Vec<&Update> {
    let mut updates: Vec<&Update> = item.updates.iter().collect();
    updates.sort_by_key(|u| (u.as_of, u.entered_at, u.id));
    updates
}

fn history(item: &ItemState) -> String {
    dated_updates(item)
        .into_iter()
        .map(update_entry)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn date_words(date: &Option<FlexDate>) -> String {
    match date {
        Some(FlexDate {
            written: Some(words),
            ..
        }) => words.clone(),
        Some(FlexDate { date, .. }) => date.format("%Y-%m-%d").to_string(),
        None => String::new(),
    }
}

/// The cells of one item's row as text, in `COLUMNS` order.
fn row_texts(view: &PlanView, item: &ItemState) -> [String; 14] {
    let f = &item.fields;
    [
        level_word(view, item.depth),
        f.reference.clone().unwrap_or_default(),
        f.text.clone(),
        f.description.clone().unwrap_or_default(),
        f.strategic_lead.clone().unwrap_or_default(),
        f.owners.join(" / "),
        date_words(&f.start),
        match (&f.due, &f.due_words) {
            (None, Some(words)) => words.clone(),
            (due, _) => date_words(due),
        },
        if f.complete { "Yes" } else { "No" }.to_string(),
        f.completed_on
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        f.rag.map(|r| r.word().to_string()).unwrap_or_default(),
        item.latest_update
            .as_ref()
            .map(update_entry)
            .unwrap_or_default(),
        item.latest_update
            .as_ref()
            .map(|u| u.as_of.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        history(item),
    ]
}

/// The items' own fields (their tags, such as an imported "Inspection" column) as columns after
/// `COLUMNS`, named by taxonomy in the order they first appear. A name the importer would read
/// as one of Waymark's fields is left out, so a re-import never takes it for that field.
fn own_columns(view: &PlanView) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for item in &view.items {
        for tag in &item.fields.tags {
            if !names.contains(&tag.taxonomy)
                && crate::header::field_for_header(&tag.taxonomy).is_none()
            {
                names.push(tag.taxonomy.clone());
            }
        }
    }
    names
}

/// An item's values for the own columns, several of one name joined by " / ".
fn own_texts(item: &ItemState, names: &[String]) -> Vec<String> {
    names
        .iter()
        .map(|name| {
            item.fields
                .tags
                .iter()
                .filter(|tag| &tag.taxonomy == name)
                .map(|tag| tag.value.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .collect()
}

fn csv(view: &PlanView) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let own = own_columns(view);
    writer
        .write_record(
            COLUMNS
                .iter()
                .copied()
                .chain(own.iter().map(String::as_str)),
        )
        .map_err(|error| error.to_string())?;
    for item in &view.items {
        let texts = row_texts(view, item);
        let own_values = own_texts(item, &own);
        writer
            .write_record(
                texts
                    .iter()
                    .chain(&own_values)
                    .map(|text| spreadsheet_safe(text).into_owned()),
            )
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// GOV.UK colours; the word is always written in the cell too, never the colour alone.
fn rag_colours(rag: Rag) -> (Color, Color) {
    match rag {
        Rag::Red => (Color::RGB(0xD4351C), Color::White),
        Rag::Amber => (Color::RGB(0xF47738), Color::Black),
        Rag::Green => (Color::RGB(0x00703C), Color::White),
        Rag::Blue => (Color::RGB(0x1D70B8), Color::White),
    }
}

const WIDTHS: [f64; 14] = [
    18.0, 12.0, 50.0, 30.0, 22.0, 28.0, 14.0, 14.0, 10.0, 14.0, 10.0, 60.0, 14.0, 80.0,
];

fn xlsx(view: &PlanView, marking: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Plan")?;
    // "&" starts an Excel header code; the marking has none, but keep it literal.
    let marking = marking.replace('&', "&&");
    sheet.set_header(format!("&C&B{marking}"));
    sheet.set_footer(format!("&C&B{marking}&RPage &P of &N"));
    let header = CellFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Medium);
    let wrap = CellFormat::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let date = wrap.clone().set_num_format("d mmmm yyyy");
    let parent = wrap.clone().set_bold();
    // Text is always written as a string cell, never a formula; formula-like text is also
    // marked "quote prefix", so editing the cell in Excel keeps it text.
    let quoted_wrap = wrap.clone().set_quote_prefix();
    let quoted_parent = parent.clone().set_quote_prefix();
    for (column, (title, width)) in COLUMNS.iter().zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &header)?;
        sheet.set_column_width(column as u16, width)?;
    }
    let own = own_columns(view);
    for (offset, name) in own.iter().enumerate() {
        let column = (COLUMNS.len() + offset) as u16;
        sheet.write_string_with_format(0, column, name, &header)?;
        sheet.set_column_width(column, 24.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, item) in view.items.iter().enumerate() {
        let row = index as u32 + 1;
        let texts = row_texts(view, item);
        for (offset, text) in own_texts(item, &own).iter().enumerate() {
            if !text.is_empty() {
                let format = if starts_like_formula(text) {
                    &quoted_wrap
                } else {
                    &wrap
                };
                sheet.write_string_with_format(
                    row,
                    (COLUMNS.len() + offset) as u16,
                    text,
                    format,
                )?;
            }
        }
        let (base, quoted) = if item.children.is_empty() {
            (&wrap, &quoted_wrap)
        } else {
            (&parent, &quoted_parent)
        };
        for (column, text) in texts.iter().enumerate() {
            let column16 = column as u16;
            let exact_date = match column {
                6 => exact(&item.fields.start),
                7 => exact(&item.fields.due),
                9 => item.fields.completed_on,
                12 => item.latest_update.as_ref().map(|u| u.as_of),
                _ => None,
            };
            if let Some(day) = exact_date
                && let Some(excel) = excel_day(day)
            {
                sheet.write_datetime_with_format(row, column16, &excel, &date)?;
                continue;
            }
            if column == 10
                && let Some(rag) = item.fields.rag
            {
                let (fill, font) = rag_colours(rag);
                let coloured = wrap
                    .clone()
                    .set_background_color(fill)
                    .set_font_color(font)
                    .set_bold();
                sheet.write_string_with_format(row, column16, rag.word(), &coloured)?;
                continue;
            }
            if !text.is_empty() {
                let format = if starts_like_formula(text) {
                    quoted
                } else {
                    base
                };
                sheet.write_string_with_format(row, column16, text, format)?;
            }
        }
    }
    workbook.save_to_buffer()
}

fn exact(date: &Option<FlexDate>) -> Option<NaiveDate> {
    date.as_ref().filter(|d| !d.is_vague()).map(|d| d.date)
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    id: i64,
    title: &'a str,
    kind: &'a str,
    period: Option<&'a str>,
    level_names: &'a [String],
    owner_posts: &'a [String],
    source: Option<&'a str>,
    as_at: NaiveDate,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: i64,
    parent: Option<i64>,
    depth: usize,
    level: String,
    reference: Option<&'a str>,
    text: &'a str,
    description: Option<&'a str>,
    strategic_lead: Option<&'a str>,
    owners: &'a [String],
    start: Option<JsonDate<'a>>,
    due: Option<JsonDate<'a>>,
    complete: bool,
    completed_on: Option<NaiveDate>,
    rag: Option<&'static str>,
    updates: Vec<JsonUpdate<'a>>,
}

#[derive(Serialize)]
struct JsonDate<'a> {
    date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonUpdate<'a> {
    as_of: NaiveDate,
    author_post: Option<&'a str>,
    author_person: Option<&'a str>,
    text: &'a str,
}

fn json_date(date: &Option<FlexDate>) -> Option<JsonDate<'_>> {
    date.as_ref().map(|d| JsonDate {
        date: d.date,
        written: d.written.as_deref(),
    })
}

fn json_view(view: &PlanView) -> JsonPlan<'_> {
    let plan = &view.plan;
    JsonPlan {
        id: plan.id.0,
        title: &plan.title,
        kind: plan.kind.as_str(),
        period: plan.period.as_deref(),
        level_names: &plan.level_names,
        owner_posts: &plan.owner_posts,
        source: plan.source.as_deref(),
        as_at: view.as_at,
        items: view
            .items
            .iter()
            .map(|item| {
                let f = &item.fields;
                JsonItem {
                    id: item.id.0,
                    parent: f.parent.map(|p| p.0),
                    depth: item.depth,
                    level: level_word(view, item.depth),
                    reference: f.reference.as_deref(),
                    text: &f.text,
                    description: f.description.as_deref(),
                    strategic_lead: f.strategic_lead.as_deref(),
                    owners: &f.owners,
                    start: json_date(&f.start),
                    due: json_date(&f.due),
                    complete: f.complete,
                    completed_on: f.completed_on,
                    rag: f.rag.map(Rag::word),
                    updates: dated_updates(item)
                        .into_iter()
                        .map(|u| JsonUpdate {
                            as_of: u.as_of,
                            author_post: u.author_post.as_deref(),
                            author_person: u.author_person.as_deref(),
                            text: &u.text,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// `day` as an Excel date, where Excel has one (1900 to 9999); a day outside is written as
/// text.
pub(crate) fn excel_day(day: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(day.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::{Field, field_for_header};

    #[test]
    fn a_day_excel_cannot_hold_is_no_excel_date() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(excel_day(day(415, 3, 1)).is_none());
        assert!(excel_day(day(1899, 12, 31)).is_none());
        assert!(excel_day(day(1900, 1, 1)).is_some());
        assert!(excel_day(day(2026, 12, 7)).is_some());
    }

    #[test]
    fn every_export_column_is_recognised_on_import() {
        let expected = [
            Field::Level,
            Field::Reference,
            Field::Text,
            Field::Description,
            Field::StrategicLead,
            Field::Owner,
            Field::Start,
            Field::Due,
            Field::Complete,
            Field::CompletedOn,
            Field::Rag,
            Field::Updates,
            Field::UpdateDate,
            Field::Updates,
        ];
        for (column, field) in COLUMNS.iter().zip(expected) {
            assert_eq!(field_for_header(column), Some(field), "{column}");
        }
    }

    #[test]
    fn update_entries_read_back_through_the_splitter() {
        use chrono::{TimeZone, Utc};
        let update = Update {
            id: waymark_core::UpdateId(1),
            item: waymark_core::ItemId(1),
            as_of: NaiveDate::from_ymd_opt(2015, 1, 23).unwrap(),
            entered_at: Utc.with_ymd_and_hms(2015, 2, 1, 0, 0, 0).unwrap(),
            author_person: None,
            author_post: Some("Contact Handling Manager".into()),
            text: "Working closely with Operations.".into(),
            proposed_rag: None,
            supersedes: None,
        };
        let entries = crate::split::split_dated_entries(&update_entry(&update));
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].date, Some(update.as_of));
        assert_eq!(
            entries[0].author.as_deref(),
            Some("Contact Handling Manager")
        );
        assert_eq!(entries[0].text, update.text);
    }
}
