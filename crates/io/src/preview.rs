//! The pure result of reading a file: the plan's metadata, its item tree with each item's
//! fields and dated updates, and every finding. It touches no store, so the command line's
//! dry run and the web app's upload page show the same thing; it serialises to JSON for both.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::flags::normalise_text;
use waymark_core::{FlexDate, ItemFields, Rag, Tag};

use crate::cells::{
    clean_cell, clean_cell_cow, lone_date, numbered_reference, parent_reference,
    parse_complete_cell, parse_date_cell, parse_owner_cell, parse_rag_cell, split_numbered_title,
};
use crate::error::ImportError;
use crate::findings::{Finding, FindingKind, describe_rows, row_ranges};
use crate::header::{
    Column, Field, HeaderMatch, detect_header, normalise_header, normalise_header_into,
    read_preamble,
};
use crate::mapping::Mapping;
use crate::split::{split_dated_entries, split_dated_spans};
use crate::table::{Format, Note, Row, Table, Workbook};

/// How to read a file.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewOptions {
    /// The date for rows with no date of update, and for undated notes: `--as-at`, else today.
    pub as_at: NaiveDate,
    pub mapping: Mapping,
    /// The level names of the plan being re-imported into, to read a "Level" column.
    pub level_names: Vec<String>,
}

impl PreviewOptions {
    pub fn new(as_at: NaiveDate) -> Self {
        PreviewOptions {
            as_at,
            mapping: Mapping::default(),
            level_names: Vec::new(),
        }
    }
}

/// Everything a file would put into a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportPreview {
    pub file: String,
    pub format: Format,
    pub metadata: PlanMetadata,
    /// Whether a column named a parent level; decides what the `items` count includes.
    pub has_parent_column: bool,
    /// Which fields the file has columns for; a re-import changes only these.
    pub provided: Provided,
    /// Parents before children, in document order.
    pub items: Vec<PreviewItem>,
    pub findings: Vec<Finding>,
    /// Each table's header as read: what every column was taken to hold, for the person to
    /// check and correct.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnRead>,
}

/// One column of a table's header and the field it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnRead {
    /// The sheet or table, when the file has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The header row's number as the sheet shows it.
    pub row: usize,
    /// The header as written.
    pub header: String,
    pub field: Field,
}

/// What the file says about its plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PlanMetadata {
    pub title: Option<String>,
    pub owner_posts: Vec<String>,
    pub period: Option<String>,
    pub source: Option<String>,
    pub notes: Vec<String>,
    /// Names of the tree's levels from the top, such as ["Strategic objective", "Action"].
    pub level_names: Vec<String>,
    /// The plan kind the file looks like: improvement, strategic, delivery, collaboration.
    pub kind: String,
    /// The protective marking the file states ("Classification: OFFICIAL-SENSITIVE", or
    /// "(OFFICIAL)" after its title), as the core labels it; proposed for a new plan.
    pub marking: Option<String>,
}

/// The fields a file has columns for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Provided {
    pub reference: bool,
    pub description: bool,
    pub strategic_lead: bool,
    pub owners: bool,
    pub start: bool,
    pub due: bool,
    pub complete: bool,
    pub completed_on: bool,
    pub rag: bool,
    /// Columns Waymark has no field for, kept as the items' own fields.
    pub own_fields: bool,
    /// Parent columns, headings, a level column or numbered references gave the file a tree.
    pub structure: bool,
}

/// A date as the preview shows it: the day, and the words of a vague date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateView {
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

impl From<&FlexDate> for DateView {
    fn from(date: &FlexDate) -> Self {
        DateView {
            date: date.date,
            written: date.written.clone(),
        }
    }
}

impl DateView {
    pub fn to_flex(&self) -> FlexDate {
        FlexDate {
            date: self.date,
            written: self.written.clone(),
        }
    }
}

/// RAG as the wire shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RagView {
    Red,
    Amber,
    Green,
    Blue,
}

impl From<Rag> for RagView {
    fn from(rag: Rag) -> Self {
        match rag {
            Rag::Red => RagView::Red,
            Rag::Amber => RagView::Amber,
            Rag::Green => RagView::Green,
            Rag::Blue => RagView::Blue,
        }
    }
}

impl From<RagView> for Rag {
    fn from(rag: RagView) -> Self {
        match rag {
            RagView::Red => Rag::Red,
            RagView::Amber => Rag::Amber,
            RagView::Green => Rag::Green,
            RagView::Blue => Rag::Blue,
        }
    }
}

/// One item the file describes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewItem {
    /// Index into `ImportPreview::items`; always an earlier item.
    pub parent: Option<usize>,
    pub depth: usize,
    /// Order among its siblings.
    pub position: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The source row; for a parent made from a column or heading, the first row under it.
    pub row: Option<usize>,
    /// Made from a parent column, a heading or a section row rather than a row of its own.
    pub derived: bool,
    pub reference: Option<String>,
    pub text: String,
    pub description: Option<String>,
    pub strategic_lead: Option<String>,
    pub owners: Vec<String>,
    pub start: Option<DateView>,
    pub due: Option<DateView>,
    /// A due cell of words that name no day ("TBC"), kept as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_words: Option<String>,
    pub complete: bool,
    pub completed_on: Option<NaiveDate>,
    pub rag: Option<RagView>,
    /// When this row's fields take effect: its date of update, else the import's as-at date.
    pub effective: NaiveDate,
    /// Its earliest dated evidence: the earliest of its updates, its children and `effective`.
    pub exists_from: NaiveDate,
    /// In date order.
    pub updates: Vec<PreviewUpdate>,
    /// The row's cells in columns Waymark has no field for, by header, in the file's order:
    /// stored as the item's tags, so they are shown, searched and exported back.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub own_fields: Vec<OwnField>,
    /// The fields the sheet has a column for whose cell on this row is empty, with the
    /// column's header. An empty cell is not a statement: a re-import keeps what the plan
    /// holds for them rather than clearing it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blank_columns: Vec<(Field, String)>,
}

/// A cell of a column Waymark has no field for, kept under the column's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnField {
    /// The header as written: "Inspection".
    pub name: String,
    pub value: String,
}

impl OwnField {
    fn to_tag(&self) -> Tag {
        Tag {
            taxonomy: self.name.clone(),
            value: self.value.clone(),
        }
    }
}

impl PreviewItem {
    /// The item's fields as the store keeps them (`parent` is left for the caller to set).
    pub fn to_fields(&self) -> ItemFields {
        ItemFields {
            parent: None,
            position: self.position,
            reference: self.reference.clone(),
            text: self.text.clone(),
            description: self.description.clone(),
            strategic_lead: self.strategic_lead.clone(),
            owners: self.owners.clone(),
            start: self.start.as_ref().map(DateView::to_flex),
            due: self.due.as_ref().map(DateView::to_flex),
            due_words: self.due_words.clone(),
            complete: self.complete,
            completed_on: self.completed_on,
            rag: self.rag.map(Rag::from),
            tags: self.own_fields.iter().map(OwnField::to_tag).collect(),
            marking: None,
            archived: false,
        }
    }
}

impl PreviewItem {
    /// As `to_fields`, moving the text out of the item, with its updates: for an import that
    /// is done with the preview.
    pub fn into_fields(self) -> (ItemFields, Vec<PreviewUpdate>) {
        let fields = ItemFields {
            parent: None,
            position: self.position,
            reference: self.reference,
            text: self.text,
            description: self.description,
            strategic_lead: self.strategic_lead,
            owners: self.owners,
            start: self.start.map(|date| FlexDate {
                date: date.date,
                written: date.written,
            }),
            due: self.due.map(|date| FlexDate {
                date: date.date,
                written: date.written,
            }),
            due_words: self.due_words,
            complete: self.complete,
            completed_on: self.completed_on,
            rag: self.rag.map(Rag::from),
            tags: self
                .own_fields
                .into_iter()
                .map(|own| Tag {
                    taxonomy: own.name,
                    value: own.value,
                })
                .collect(),
            marking: None,
            archived: false,
        };
        (fields, self.updates)
    }
}

/// One dated progress note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewUpdate {
    pub as_of: NaiveDate,
    /// False when the note had no date of its own and took the row's.
    pub dated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_post: Option<String>,
    pub text: String,
    /// The column (or "Paragraph 12") it came from.
    pub column: String,
}

impl ImportPreview {
    /// Items the import creates when nothing matches, counted as the JSON contract says:
    /// parents made from a parent column are groupings of rows and are not counted; parents
    /// from document headings or section rows are.
    pub fn item_count(&self) -> usize {
        self.items
            .iter()
            .filter(|item| !(item.derived && self.has_parent_column && item.row.is_some()))
            .count()
    }

    pub fn update_count(&self) -> usize {
        self.items.iter().map(|item| item.updates.len()).sum()
    }

    /// Findings of one kind, for tests and summaries.
    pub fn findings_of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

/// Reads a workbook into a preview.
pub fn build_preview(
    workbook: &Workbook,
    options: &PreviewOptions,
) -> Result<ImportPreview, ImportError> {
    build_preview_in(
        Cow::Borrowed(workbook),
        options,
        &mut |_, _| {},
        Parallelism::available(),
    )
}

/// As `build_preview`, for a caller done with the workbook: its rows are freed a block at a
/// time as they are read, so a large file's cells and the items made of them are not all in
/// memory at once.
pub fn build_preview_owned(
    workbook: Workbook,
    options: &PreviewOptions,
) -> Result<ImportPreview, ImportError> {
    build_preview_with_progress(workbook, options, &mut |_, _| {})
}

/// As `build_preview_owned`, calling `progress(rows_done, rows_total)` as it goes, for a
/// progress bar.
pub fn build_preview_with_progress(
    workbook: Workbook,
    options: &PreviewOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportPreview, ImportError> {
    build_preview_in(
        Cow::Owned(workbook),
        options,
        progress,
        Parallelism::available(),
    )
}

fn build_preview_in(
    workbook: Cow<'_, Workbook>,
    options: &PreviewOptions,
    progress: &mut dyn FnMut(usize, usize),
    parallelism: Parallelism,
) -> Result<ImportPreview, ImportError> {
    let parallelism = Parallelism {
        block_rows: parallelism.block_rows.max(1),
        ..parallelism
    };
    let mut builder = Builder::new(options);
    builder.parallelism = parallelism;
    let (file, format) = (workbook.file.clone(), workbook.format);
    builder.is_document = format == Format::Docx;
    // A document's preamble grows with what tables before the plan say about it: a table of
    // "Plan owner | ACC Local Policing" facts, and the title above such a table.
    let mut document_preamble: Vec<String> = workbook.preamble.clone();
    let mut preamble = read_preamble(workbook.preamble.iter().map(String::as_str));
    let mut headers: Vec<HeaderMatch> = Vec::new();
    let total_rows: usize = workbook.tables.iter().map(|t| t.rows.len()).sum();
    let several_tables = workbook.tables.len() > 1;
    let tables: Vec<Cow<'_, Table>> = match workbook {
        Cow::Borrowed(workbook) => workbook.tables.iter().map(Cow::Borrowed).collect(),
        Cow::Owned(workbook) => workbook.tables.into_iter().map(Cow::Owned).collect(),
    };
    builder.legend = crate::legend::find_legend(tables.iter().map(|table| table.as_ref()));
    if let Some(finding) = key_finding(&builder.legend) {
        builder.findings.push(finding);
    }
    let mut cover_lines: Vec<String> = Vec::new();
    let mut columns_read: Vec<ColumnRead> = Vec::new();
    let mut rows_done = 0;
    for table in tables {
        if let (Some(wanted), Some(name)) = (&options.mapping.sheet, &table.name)
            && !wanted.eq_ignore_ascii_case(name)
        {
            continue;
        }
        let facts = several_tables
            .then(|| key_value_lines(&table.rows))
            .flatten();
        if let Some(lines) = facts {
            if format == Format::Docx {
                if headers.is_empty() {
                    document_preamble.extend(table.heading.iter().cloned());
                    document_preamble.extend(lines);
                    preamble = read_preamble(document_preamble.iter().map(String::as_str));
                }
            } else {
                // A cover or metadata sheet ("Owner:", "Version:", "Classification:") fills
                // the plan's facts that the table's own sheet leaves out.
                cover_lines.extend(lines);
            }
            continue;
        }
        let Some(mut header) = detect_header(&table.rows, &options.mapping) else {
            // A sheet that holds only a key has been read for it, and says so in its finding.
            let holds_the_key = builder
                .legend
                .entries
                .iter()
                .any(|entry| entry.table == table.name);
            if let Some(first) = table.rows.iter().find(|row| !row.is_blank())
                && format != Format::Docx
                && !holds_the_key
            {
                let mut finding = Finding::new(
                    first.number,
                    "",
                    FindingKind::NoHeaderRow,
                    "No header row was recognised, so this sheet was skipped",
                );
                finding.table = table.name.clone();
                builder.findings.push(finding);
            }
            continue;
        };
        ignore_rating_parents(&mut header, &table.rows, &options.mapping);
        if headers.is_empty() && format != Format::Docx {
            preamble = read_preamble(
                table.rows[..header.index]
                    .iter()
                    .flat_map(|row| row.cells.iter().map(String::as_str)),
            );
        }
        let table_rows = table.rows.len();
        let body_start = header.body_start.min(table_rows);
        // The rows above the body stay with the table; an owned table's body is handed over
        // to be freed as it is read.
        let (head, body) = match table {
            Cow::Borrowed(table) => (
                Cow::Borrowed(table),
                BodyRows::Borrowed(table.rows[body_start..].chunks(parallelism.block_rows)),
            ),
            Cow::Owned(mut table) => {
                let body = table.rows.split_off(body_start);
                (
                    Cow::Owned(table),
                    BodyRows::Owned(body.into_iter(), parallelism.block_rows),
                )
            }
        };
        if let Some(finding) = colours_finding(&head, &header) {
            builder.findings.push(finding);
        }
        let header_row = head.rows.get(header.index).map_or(0, |row| row.number);
        for column in header.all(Field::Own) {
            let message = match crate::header::field_for_header(&column.header) {
                // A second column of a field an earlier column already fills.
                Some(field) if field != Field::Own && field != Field::Ignore => format!(
                    "\"{}\" would be read as \"{}\", which an earlier column already gives, \
                     so each item keeps its cell as its own field of that name: shown on its \
                     page, searched and exported back (choose how it is read in the preview)",
                    column.header,
                    field.label()
                ),
                _ => format!(
                    "Waymark has no field for \"{}\", so each item keeps its cell as its own \
                     field of that name: shown on its page, searched and exported back",
                    column.header
                ),
            };
            let mut finding = Finding::new(
                header_row,
                &column.header,
                FindingKind::OwnColumnKept,
                message,
            );
            finding.table = head.name.clone();
            builder.findings.push(finding);
        }
        columns_read.extend(header.columns.iter().map(|column| ColumnRead {
            table: head.name.clone().filter(|_| several_tables),
            row: header_row,
            header: column.header.clone(),
            field: column.field,
        }));
        builder.read_table(&head, &header, body, table_rows - body_start, &mut |done| {
            progress(rows_done + done, total_rows)
        });
        rows_done += table_rows;
        headers.push(header);
    }
    if headers.is_empty() {
        return Err(ImportError::NoHeader { file });
    }
    progress(total_rows, total_rows);
    if !cover_lines.is_empty() {
        fill_from_cover(
            &mut preamble,
            read_preamble(cover_lines.iter().map(String::as_str)),
        );
    }
    if preamble.title.is_none() {
        preamble.title = builder.unused_headings.first().cloned();
    }
    let has_parent_column = headers.iter().any(|h| h.has(Field::Parent));
    let provided = provided_fields(&headers, &builder);
    let level_names = builder.level_names(&headers, &preamble);
    let kind = guess_kind(&preamble, &headers, &level_names);
    let level_names = if options.mapping.levels.is_empty() && !builder.heading_levels_named {
        with_default_parent_levels(level_names, &kind, &builder)
    } else {
        level_names
    };
    let (items, mut findings) = builder.finish();
    findings.sort_by(|a, b| (&a.table, a.row, a.kind).cmp(&(&b.table, b.row, b.kind)));
    Ok(ImportPreview {
        file,
        format,
        metadata: PlanMetadata {
            marking: stated_marking(preamble.title.as_deref(), &preamble.notes),
            title: preamble.title.map(|title| without_marking(&title)),
            owner_posts: preamble.owner_posts,
            period: preamble.period,
            source: preamble.source,
            notes: preamble.notes,
            level_names,
            kind,
        },
        has_parent_column,
        provided,
        items,
        findings,
        columns: columns_read,
    })
}

/// Takes from a cover sheet's facts what the table's own sheet did not say.
fn fill_from_cover(
    preamble: &mut crate::header::PreambleFacts,
    cover: crate::header::PreambleFacts,
) {
    if preamble.title.is_none() {
        preamble.title = cover.title;
    } else if let Some(title) = cover.title {
        preamble.notes.push(title);
    }
    if preamble.owner_posts.is_empty() {
        preamble.owner_posts = cover.owner_posts;
    }
    if preamble.period.is_none() {
        preamble.period = cover.period;
    }
    if preamble.source.is_none() {
        preamble.source = cover.source;
    }
    preamble.notes.extend(cover.notes);
}

/// One finding per table that reads RAG from colours: each colour seen in the RAG column's
/// body, how many cells had it, and what it became.
fn colours_finding(table: &Table, header: &HeaderMatch) -> Option<Finding> {
    let column = header.first(Field::Rag)?;
    // The header's last row: a table handed over keeps only the rows down to it, its body
    // moved out to be read, so the body is what lies below it.
    let last_header_row = table
        .rows
        .get(header.body_start.saturating_sub(1))
        .map_or(usize::MAX, |row| row.number);
    let mut seen: Vec<([u8; 3], usize)> = Vec::new();
    for fill in table
        .fills
        .iter()
        .filter(|fill| fill.column == column.index && fill.row > last_header_row)
    {
        match seen.iter_mut().find(|(rgb, _)| *rgb == fill.rgb) {
            Some((_, count)) => *count += 1,
            None => seen.push((fill.rgb, 1)),
        }
    }
    if seen.is_empty() {
        return None;
    }
    seen.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let described: Vec<String> = seen
        .iter()
        .map(|(rgb, count)| {
            let read = match crate::colour::colour_rag(*rgb) {
                crate::colour::ColourRag::Rag(rag) => rag.word(),
                crate::colour::ColourRag::NoRag => "no RAG",
            };
            let cells = if *count == 1 { "cell" } else { "cells" };
            format!("{} ({count} {cells}) as {read}", crate::colour::hex(*rgb))
        })
        .collect();
    let mut finding = Finding::new(
        header.index + 1,
        &column.header,
        FindingKind::ColoursRead,
        format!(
            "The {} column's fill colours were read as RAG where a cell has no word: {}",
            column.header,
            described.join(", ")
        ),
    );
    finding.row = table.rows.get(header.index).map_or(0, |row| row.number);
    finding.table = table.name.clone();
    Some(finding)
}

/// One finding that says which key the import read the status cells by.
fn key_finding(legend: &crate::legend::Legend) -> Option<Finding> {
    let first = legend.entries.first()?;
    let read: Vec<String> = legend
        .entries
        .iter()
        .map(|entry| {
            let rag = entry.rag.map_or("no RAG".to_string(), |rag| match rag {
                Rag::Blue => "Blue (complete)".to_string(),
                other => other.word().to_string(),
            });
            format!("{} = {rag}", entry.code)
        })
        .collect();
    let place = match &first.table {
        Some(sheet) => format!("on sheet {sheet}, row {}", first.row),
        None => format!("at row {}", first.row),
    };
    let mut finding = Finding::new(
        first.row,
        "",
        FindingKind::KeyApplied,
        format!(
            "Read the status cells by the key {place}: {}",
            read.join(", ")
        ),
    );
    finding.table = first.table.clone();
    Some(finding)
}

/// The protective marking a file states about itself: a "Classification:", "Protective
/// marking:" or "Security classification:" line, a line that is only a marking, or a marking
/// in brackets in the title. The most sensitive wins, so a file marked twice is never read as
/// the lower.
pub fn stated_marking(title: Option<&str>, notes: &[String]) -> Option<String> {
    use waymark_core::Classification;
    let mut found: Option<Classification> = None;
    let mut consider = |text: &str| {
        if let Some(marking) = Classification::parse(text) {
            found = Some(found.map_or(marking, |f| f.max(marking)));
        }
    };
    for line in notes {
        let lower = line.to_lowercase();
        let labelled = [
            "classification",
            "security classification",
            "protective marking",
            "marking",
            "gsc",
        ]
        .iter()
        .any(|label| lower.trim_start().starts_with(label));
        match line.split_once(':') {
            Some((_, value)) if labelled => consider(value),
            _ => consider(line),
        }
    }
    if let Some(title) = title {
        for part in title.split(['(', '[']).skip(1) {
            consider(part.split([')', ']']).next().unwrap_or_default());
        }
    }
    found.map(|c| c.label())
}

/// A title without a marking in brackets: "Custody improvement plan (OFFICIAL)" is the
/// custody improvement plan, marked OFFICIAL.
fn without_marking(title: &str) -> String {
    let mut kept = title.to_string();
    for (open, close) in [('(', ')'), ('[', ']')] {
        while let Some(start) = kept.find(open) {
            let Some(length) = kept[start..].find(close) else {
                break;
            };
            let inner = &kept[start + 1..start + length];
            if waymark_core::Classification::parse(inner).is_none() {
                break;
            }
            kept.replace_range(start..=start + length, "");
        }
    }
    let trimmed = kept.trim().trim_end_matches(['-', '–', ':']).trim();
    if trimmed.is_empty() {
        title.trim().to_string()
    } else {
        trimmed.to_string()
    }
}

/// Texts shorter than this are too generic ("No update") to call a copy-and-paste.
const DUPLICATE_TEXT_MIN_CHARS: usize = 20;

/// Builds the item tree row by row.
struct Builder<'o> {
    options: &'o PreviewOptions,
    items: Vec<PreviewItem>,
    findings: Vec<Finding>,
    /// Derived parents by (parent, normalised text), so repeated values share one parent.
    derived: HashMap<(Option<usize>, String), usize>,
    /// The most recent item with each reference, to nest "1.1" under "1".
    by_reference: HashMap<String, usize>,
    /// Header names of parent columns, top first, for level names.
    parent_level_headers: Vec<String>,
    leaf_level_header: Option<String>,
    /// Whether headings or section rows made parents (their level is named by the plan kind).
    heading_parents: bool,
    heading_levels_named: bool,
    /// The word section rows name their level by ("Theme" in "Theme 1: Prevention"), which
    /// names the parents' level in place of the plan kind's default.
    section_word: Option<String>,
    /// What the workbook's keys say its status letters and words mean.
    legend: crate::legend::Legend,
    /// Reading a Word document, whose tables may title themselves in a merged first row.
    is_document: bool,
    /// Paragraphs above tables that titled themselves; the first may title the plan.
    unused_headings: Vec<String>,
    parallelism: Parallelism,
}

impl<'o> Builder<'o> {
    fn new(options: &'o PreviewOptions) -> Self {
        Builder {
            options,
            items: Vec::new(),
            findings: Vec::new(),
            derived: HashMap::new(),
            by_reference: HashMap::new(),
            parent_level_headers: Vec::new(),
            leaf_level_header: None,
            heading_parents: false,
            heading_levels_named: false,
            section_word: None,
            legend: crate::legend::Legend::default(),
            is_document: false,
            unused_headings: Vec::new(),
            parallelism: Parallelism::available(),
        }
    }

    /// Reads a table's body rows into the tree. `table` holds at least the rows above the body
    /// (the header among them), `body` the body's `body_rows` rows.
    fn read_table(
        &mut self,
        table: &Table,
        header: &HeaderMatch,
        mut body: BodyRows<'_>,
        body_rows: usize,
        progress: &mut dyn FnMut(usize),
    ) {
        // A document's table may carry its own title in a merged first row above the header.
        // That row is more specific than the paragraph above the table, which then is more
        // likely the document's own title.
        let title_row = self
            .is_document
            .then(|| table_title(&table.rows[..header.index]))
            .flatten();
        let heading = match (title_row, &table.heading) {
            (Some(title), Some(above)) => {
                self.unused_headings.push(above.clone());
                Some(title)
            }
            (Some(title), None) => Some(title),
            (None, above) => above.clone(),
        };
        let heading_parent = heading.as_deref().map(|heading| {
            self.heading_parents = true;
            self.derived_parent(None, heading, table, None)
        });
        for column in header.all(Field::Parent) {
            if !self.parent_level_headers.contains(&column.header) {
                self.parent_level_headers.push(column.header.clone());
            }
        }
        if self.leaf_level_header.is_none() {
            self.leaf_level_header = header.first(Field::Text).map(|c| c.header.clone());
        }
        // The reader borrows the key while rows are placed into `self`; a key is a few codes.
        let legend = self.legend.clone();
        let reader = TableReader::new(self.options, table, header, &legend);
        self.items.reserve(body_rows);
        if header.has(Field::Reference) {
            self.by_reference.reserve(body_rows);
        }
        let mut filled_down: Vec<String> = vec![String::new(); reader.parent_columns.len()];
        let mut section: Option<usize> = None;
        let mut level_stack: Vec<usize> = Vec::new();
        let mut table_items: Vec<usize> = Vec::new();
        let mut block_start = 0;
        // Reading rows needs no state, so a large table's rows are read on several threads, a
        // block at a time; placing them in the tree below is done in row order, as one thread
        // would. A block's readings (and an owned block's rows) are freed before the next.
        while let Some(block) = body.next_block() {
            let runs = self.parallelism.read_rows(&reader, &block);
            let mut rows = block.iter().enumerate();
            for run in runs {
                let mut items = run.items.into_iter();
                for reading in run.readings {
                    let Some((offset, row)) = rows.next() else {
                        break;
                    };
                    let offset = block_start + offset;
                    if offset % 4096 == 0 {
                        progress(header.body_start + offset);
                    }
                    let (parent_cells, placement, findings) = match reading {
                        RowReading::Skip => continue,
                        RowReading::Section { title, rag, level } => {
                            self.heading_parents = true;
                            if self.section_word.is_none() {
                                self.section_word = level;
                            }
                            let parent = self.derived_parent(
                                heading_parent,
                                &title,
                                table,
                                Some(row.number),
                            );
                            // A section row may carry the section's own RAG.
                            if let Some(rag) = rag {
                                self.items[parent].rag = Some(rag.into());
                            }
                            section = Some(parent);
                            continue;
                        }
                        RowReading::Row {
                            parent_cells,
                            placement,
                            findings,
                        } => (parent_cells, placement, findings),
                    };
                    let mut parent = section.or(heading_parent);
                    for (cell, value) in parent_cells.into_iter().zip(filled_down.iter_mut()) {
                        if !cell.is_empty() {
                            *value = cell;
                        }
                        if !value.is_empty() {
                            parent =
                                Some(self.derived_parent(parent, value, table, Some(row.number)));
                        }
                    }
                    if let Some(placement) = placement
                        && let Some(item) = items.next()
                    {
                        table_items.push(self.place(item, placement, parent, &mut level_stack));
                    }
                    self.absorb(findings);
                }
            }
            block_start += block.len();
        }
        self.read_notes(table, &table_items);
    }

    /// A parent made from a parent column's value, a heading or a section row; one per text
    /// under the same grandparent.
    fn derived_parent(
        &mut self,
        parent: Option<usize>,
        title: &str,
        table: &Table,
        row: Option<usize>,
    ) -> usize {
        let key = (parent, normalise_text(title));
        if let Some(&existing) = self.derived.get(&key) {
            return existing;
        }
        let (reference, text) = split_numbered_title(title);
        let reference_key = reference.as_deref().map(normalise_reference);
        let index = self.push_item(
            PreviewItem {
                parent,
                depth: 0,
                position: 0,
                table: table.name.clone(),
                row,
                derived: true,
                reference,
                text,
                description: None,
                strategic_lead: None,
                owners: Vec::new(),
                start: None,
                due: None,
                due_words: None,
                complete: false,
                completed_on: None,
                rag: None,
                effective: self.options.as_at,
                exists_from: self.options.as_at,
                updates: Vec::new(),
                own_fields: Vec::new(),
                blank_columns: Vec::new(),
            },
            reference_key,
        );
        self.derived.insert(key, index);
        index
    }

    /// Adds an item; `reference_key` is its reference normalised, to nest later items under it.
    fn push_item(&mut self, item: PreviewItem, reference_key: Option<String>) -> usize {
        let index = self.items.len();
        if let Some(key) = reference_key {
            self.by_reference.insert(key, index);
        }
        self.items.push(item);
        index
    }

    /// Puts a row's item in the tree. A level column decides outright; otherwise it goes under
    /// its parent column or heading, or under an earlier item whose number its reference
    /// extends.
    fn place(
        &mut self,
        mut item: PreviewItem,
        placement: Placement,
        parent: Option<usize>,
        level_stack: &mut Vec<usize>,
    ) -> usize {
        let mut parent = parent;
        if let Some(depth) = placement.level_depth {
            level_stack.truncate(depth);
            parent = level_stack.last().copied();
        } else if let Some(parent_key) = placement.parent_key()
            && let Some(&candidate) = self.by_reference.get(parent_key)
            && (parent.is_none()
                || parent == Some(candidate)
                || self.is_descendant(candidate, parent))
        {
            parent = Some(candidate);
        }
        item.parent = parent;
        let index = self.push_item(item, placement.reference_key);
        if let Some(depth) = placement.level_depth {
            level_stack.truncate(depth);
            level_stack.push(index);
        }
        index
    }

    fn absorb(&mut self, findings: Vec<Finding>) {
        self.findings.extend(findings);
    }

    /// True when `item` sits somewhere under `ancestor`.
    fn is_descendant(&self, item: usize, ancestor: Option<usize>) -> bool {
        let Some(ancestor) = ancestor else {
            return true;
        };
        let mut current = self.items.get(item).and_then(|i| i.parent);
        while let Some(index) = current {
            if index == ancestor {
                return true;
            }
            current = self.items.get(index).and_then(|i| i.parent);
        }
        false
    }

    /// Paragraphs after a document's table that start with an item's reference become that
    /// item's progress; bullet paragraphs right after continue it.
    fn read_notes(&mut self, table: &Table, table_items: &[usize]) {
        if table.notes.is_empty() {
            return;
        }
        // The table's last item with each reference, found by hashing rather than by a scan
        // of the table for every paragraph.
        let mut in_table: HashMap<String, usize> = HashMap::with_capacity(table_items.len());
        for &index in table_items {
            if let Some(reference) = &self.items[index].reference {
                in_table.insert(normalise_reference(reference), index);
            }
        }
        let mut last: Option<usize> = None;
        for Note { number, text } in &table.notes {
            if text.starts_with(['•', '-', '*', '\u{f0a7}']) {
                if let Some(index) = last
                    && let Some(update) = self.items[index].updates.last_mut()
                {
                    update.text.push('\n');
                    update.text.push_str(&clean_cell(text));
                }
                continue;
            }
            last = None;
            let (first, rest) = match text.split_once(char::is_whitespace) {
                Some((first, rest)) => (first, rest.trim()),
                None => continue,
            };
            // "Action 1.4 – The draft ..." names its item after a label.
            let (first, rest) = match rest.split_once(char::is_whitespace) {
                Some((number, after))
                    if NOTE_LABELS.contains(&normalise_header(first).as_str())
                        && numbered_reference(number).is_some() =>
                {
                    (number, after.trim())
                }
                _ => (first, rest),
            };
            let rest = rest.trim_start_matches(['-', '–', '—', ':']).trim_start();
            let reference = normalise_reference(first);
            let found = in_table
                .get(&reference)
                .or_else(|| self.by_reference.get(&reference))
                .copied();
            let Some(index) = found else {
                if numbered_reference(first).is_some_and(|n| n.contains('.')) {
                    let mut finding = Finding::new(
                        *number,
                        "Paragraph",
                        FindingKind::UnmatchedParagraph,
                        format!(
                            "Paragraph {number} starts with \"{first}\" but no item has that reference"
                        ),
                    );
                    finding.table = table.name.clone();
                    self.findings.push(finding);
                }
                continue;
            };
            let effective = self.items[index].effective;
            for entry in split_dated_entries(&clean_cell(rest)) {
                if entry.text.is_empty() {
                    continue;
                }
                let item = &mut self.items[index];
                item.updates.push(PreviewUpdate {
                    as_of: entry.date.unwrap_or(effective),
                    dated: entry.date.is_some(),
                    author_post: entry.author,
                    text: entry.text,
                    column: format!("Paragraph {number}"),
                });
                item.updates.sort_by_key(|u| u.as_of);
                item.exists_from = item
                    .exists_from
                    .min(item.updates.first().map_or(effective, |u| u.as_of));
            }
            last = Some(index);
        }
    }

    fn level_names(
        &mut self,
        headers: &[HeaderMatch],
        _preamble: &crate::header::PreambleFacts,
    ) -> Vec<String> {
        if !self.options.mapping.levels.is_empty() {
            self.heading_levels_named = true;
            return self.options.mapping.levels.clone();
        }
        if !self.options.level_names.is_empty() && headers.iter().any(|h| h.has(Field::Level)) {
            self.heading_levels_named = true;
            return self.options.level_names.clone();
        }
        let mut names: Vec<String> = self
            .parent_level_headers
            .iter()
            .map(|h| level_name(h))
            .collect();
        if let Some(leaf) = &self.leaf_level_header {
            names.push(level_name(leaf));
        }
        names
    }

    /// Sets depths and sibling positions, names parents by their children's numbers, dates
    /// parents by their children's evidence, and finds update text pasted onto several rows.
    fn finish(mut self) -> (Vec<PreviewItem>, Vec<Finding>) {
        let mut next_position: HashMap<Option<usize>, i64> = HashMap::new();
        for index in 0..self.items.len() {
            let parent = self.items[index].parent;
            let depth = parent.map_or(0, |p| self.items[p].depth + 1);
            let position = next_position.entry(parent).or_insert(0);
            self.items[index].depth = depth;
            self.items[index].position = *position;
            *position += 1;
        }
        // A heading without a number ("To strengthen ...", numbered by Word itself) takes the
        // number its children's references share. One pass over the children gathers what each
        // such heading's children share; children come after their parents, so none has been
        // given a number yet when its parent is looked at.
        let mut shared: HashMap<usize, SharedNumber> = HashMap::new();
        for child in &self.items {
            let Some(parent) = child.parent else { continue };
            let item = &self.items[parent];
            if !item.derived || item.reference.is_some() {
                continue;
            }
            let number = child.reference.as_deref().and_then(parent_reference);
            shared
                .entry(parent)
                .and_modify(|seen| {
                    if let SharedNumber::Same(first) = seen
                        && number.as_ref() != Some(first)
                    {
                        *seen = SharedNumber::Mixed;
                    }
                })
                .or_insert_with(|| match number {
                    Some(first) => SharedNumber::Same(first),
                    None => SharedNumber::Mixed,
                });
        }
        for (index, seen) in shared {
            if let SharedNumber::Same(first) = seen
                && !self.by_reference.contains_key(&normalise_reference(&first))
            {
                self.items[index].reference = Some(first);
            }
        }
        for index in (0..self.items.len()).rev() {
            if let Some(parent) = self.items[index].parent {
                let child_from = self.items[index].exists_from;
                let parent_item = &mut self.items[parent];
                if parent_item.derived {
                    parent_item.exists_from = parent_item.exists_from.min(child_from);
                }
            }
        }
        self.find_duplicate_updates();
        (self.items, self.findings)
    }

    fn find_duplicate_updates(&mut self) {
        // Normalised text → (item, update) of its first wording and the items carrying it. A
        // hash map of indexes, because a large file has as many distinct texts as rows; the
        // first item is kept apart, so that a text found once allocates no list.
        let mut rows_by_text: HashMap<String, TextSeen> = HashMap::with_capacity(self.items.len());
        for (item_index, item) in self.items.iter().enumerate() {
            if item.derived || item.row.is_none() {
                continue;
            }
            for (update_index, update) in item.updates.iter().enumerate() {
                if update.text.len() < DUPLICATE_TEXT_MIN_CHARS {
                    continue;
                }
                let text = normalise_text(&update.text);
                if text.chars().count() < DUPLICATE_TEXT_MIN_CHARS {
                    continue;
                }
                let seen = rows_by_text.entry(text).or_insert_with(|| TextSeen {
                    first: (item_index, update_index),
                    more: Vec::new(),
                });
                if seen.more.last().unwrap_or(&seen.first.0) != &item_index {
                    seen.more.push(item_index);
                }
            }
        }
        let mut groups: Vec<((usize, usize), Vec<usize>)> = rows_by_text
            .into_values()
            .filter(|seen| !seen.more.is_empty())
            .map(|TextSeen { first, more }| {
                let mut items = Vec::with_capacity(more.len() + 1);
                items.push(first.0);
                items.extend(more);
                (first, items)
            })
            .collect();
        groups.sort_unstable();
        // One finding per text (and per table it is found in) naming all its rows: a finding
        // per row that listed every other row grew with the square of the rows.
        for ((first_item, first_update), items) in groups {
            let wording = &self.items[first_item].updates[first_update];
            let excerpt = quoted_excerpt(&wording.text);
            let column = wording.column.clone();
            // Rows by table, tables in the order the text is first found in them.
            let mut tables: Vec<(Option<String>, Vec<usize>)> = Vec::new();
            let mut table_at: HashMap<Option<&str>, usize> = HashMap::new();
            for &item_index in &items {
                let item = &self.items[item_index];
                let Some(row) = item.row else { continue };
                let at = *table_at.entry(item.table.as_deref()).or_insert_with(|| {
                    tables.push((item.table.clone(), Vec::new()));
                    tables.len() - 1
                });
                tables[at].1.push(row);
            }
            let all_rows: usize = tables.iter().map(|(_, rows)| rows.len()).sum();
            for (table, rows) in tables {
                let ranges = row_ranges(&rows);
                let elsewhere = all_rows - rows.len();
                let also = match elsewhere {
                    0 => String::new(),
                    1 => ", and on 1 row of another table".to_string(),
                    n => format!(", and on {n} rows of other tables"),
                };
                let mut finding = Finding::new(
                    ranges.first().map_or(0, |range| range.0),
                    &column,
                    FindingKind::DuplicateUpdateText,
                    format!(
                        "The same update text is on {}{also}: {excerpt}",
                        describe_rows(&ranges)
                    ),
                );
                finding.table = table;
                finding.rows = ranges;
                self.findings.push(finding);
            }
        }
    }
}

/// How many characters of a pasted update its finding quotes.
const EXCERPT_CHARS: usize = 60;

/// An update's first words on one line, in quotes, cut with an ellipsis when longer.
fn quoted_excerpt(text: &str) -> String {
    let mut excerpt = String::with_capacity(EXCERPT_CHARS + 4);
    excerpt.push('"');
    let mut chars = text.chars().map(|c| if c == '\n' { ' ' } else { c });
    excerpt.extend(chars.by_ref().take(EXCERPT_CHARS));
    if chars.next().is_some() {
        excerpt.push('…');
    }
    excerpt.push('"');
    excerpt
}

/// Body rows read (on several threads) and placed before the next are read: what is held at
/// once of the rows' readings, and of an owned table's rows, is a block's worth.
const READ_BLOCK_ROWS: usize = 16_384;

/// A table's body rows, borrowed from a workbook the caller keeps, or owned and dropped a block
/// at a time once read.
enum BodyRows<'t> {
    Borrowed(std::slice::Chunks<'t, Row>),
    /// The rows, and how many make a block.
    Owned(std::vec::IntoIter<Row>, usize),
}

impl<'t> BodyRows<'t> {
    fn next_block(&mut self) -> Option<Cow<'t, [Row]>> {
        match self {
            BodyRows::Borrowed(blocks) => blocks.next().map(Cow::Borrowed),
            BodyRows::Owned(rows, block_rows) => {
                let block: Vec<Row> = rows.by_ref().take(*block_rows).collect();
                (!block.is_empty()).then_some(Cow::Owned(block))
            }
        }
    }
}

/// Tables with fewer body rows than this are read on one thread: for them, starting a thread
/// costs more than it saves.
const PARALLEL_MIN_ROWS: usize = 2_000;

/// How many threads read a table's rows, from how many rows, and how many rows make a block.
#[derive(Debug, Clone, Copy)]
struct Parallelism {
    threads: usize,
    min_rows: usize,
    block_rows: usize,
}

impl Parallelism {
    fn available() -> Self {
        Parallelism {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            min_rows: PARALLEL_MIN_ROWS,
            block_rows: READ_BLOCK_ROWS,
        }
    }

    /// Each row's reading, in row order, in consecutive runs (one per thread).
    fn read_rows(self, reader: &TableReader<'_>, rows: &[Row]) -> Vec<RunReading> {
        let read_run = |rows: &[Row]| -> RunReading {
            let mut run = RunReading {
                readings: Vec::with_capacity(rows.len()),
                items: Vec::with_capacity(rows.len()),
            };
            let mut scratch = String::new();
            for row in rows {
                let reading = reader.read(row, &mut scratch, &mut run.items);
                run.readings.push(reading);
            }
            run
        };
        if self.threads < 2 || rows.len() < self.min_rows.max(2) {
            return vec![read_run(rows)];
        }
        let read_run = &read_run;
        let length = rows.len().div_ceil(self.threads);
        std::thread::scope(|scope| {
            let mut runs = rows.chunks(length);
            let first = runs.next().unwrap_or_default();
            let spawned: Vec<_> = runs
                .map(|run| {
                    let thread =
                        std::thread::Builder::new().spawn_scoped(scope, move || read_run(run));
                    (run, thread)
                })
                .collect();
            let mut readings = Vec::with_capacity(self.threads);
            readings.push(read_run(first));
            for (run, thread) in spawned {
                readings.push(match thread {
                    Ok(thread) => thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: read its rows here instead.
                    Err(_) => read_run(run),
                });
            }
            readings
        })
    }
}

/// A run of consecutive rows, read.
struct RunReading {
    readings: Vec<RowReading>,
    /// The items of the rows that have one, in row order. Kept apart from the readings so
    /// that each item is moved once, into the preview, rather than along with its reading.
    items: Vec<PreviewItem>,
}

/// What one body row holds, read without the builder's state.
enum RowReading {
    /// Blank, or the header repeated.
    Skip,
    /// A section row: its title and the section's own RAG.
    Section {
        title: String,
        rag: Option<Rag>,
        /// The level the row names itself by ("Theme" in "Theme 1: Prevention").
        level: Option<String>,
    },
    Row {
        /// The cleaned cells of the parent columns, in order; blank ones are filled down.
        parent_cells: Vec<String>,
        /// Where its item goes (the item is the run's next); `None` when the row holds nothing
        /// to import.
        placement: Option<Placement>,
        findings: Vec<Finding>,
    },
}

/// What places a row's item in the tree.
struct Placement {
    reference_key: Option<String>,
    /// The normalised reference its own extends ("1" for "1.1"), when no level column places it.
    parent_reference_key: ParentKey,
    /// The depth a level column gives it.
    level_depth: Option<usize>,
}

/// A parent's normalised reference: nearly always the start of the child's own key, kept as a
/// length so that no string is made on a reading thread only to be freed on another.
enum ParentKey {
    None,
    StartOfOwn(usize),
    Other(String),
}

impl Placement {
    fn parent_key(&self) -> Option<&str> {
        match &self.parent_reference_key {
            ParentKey::None => None,
            ParentKey::StartOfOwn(length) => self.reference_key.as_deref()?.get(..*length),
            ParentKey::Other(key) => Some(key),
        }
    }
}

/// A table's header, prepared once for reading its body rows in any order.
struct TableReader<'a> {
    options: &'a PreviewOptions,
    legend: &'a crate::legend::Legend,
    table: &'a Table,
    header: &'a HeaderMatch,
    header_row: &'a Row,
    /// The header row's cells normalised once, to spot the header repeated down the table.
    header_words: Vec<String>,
    parent_columns: Vec<&'a Column>,
    /// Whether a lone cell may be a section row: not when parent or level columns make the tree.
    sections: bool,
}

impl<'a> TableReader<'a> {
    fn new(
        options: &'a PreviewOptions,
        table: &'a Table,
        header: &'a HeaderMatch,
        legend: &'a crate::legend::Legend,
    ) -> Self {
        let header_row = &table.rows[header.index];
        let parent_columns: Vec<&Column> = header.all(Field::Parent).collect();
        TableReader {
            options,
            legend,
            table,
            header,
            header_row,
            header_words: header_row
                .cells
                .iter()
                .map(|c| normalise_header(c))
                .collect(),
            sections: parent_columns.is_empty() && !header.has(Field::Level),
            parent_columns,
        }
    }

    /// Reads a row; its item, if it has one, is pushed onto `items`.
    fn read(&self, row: &Row, scratch: &mut String, items: &mut Vec<PreviewItem>) -> RowReading {
        if row.is_blank() || self.repeats_header(row, scratch) {
            return RowReading::Skip;
        }
        // A key written below or above the table ("RAG: G = on track, ...") is not an item.
        if !self.legend.is_empty()
            && let mut filled = row.filled()
            && let (Some((_, cell)), None) = (filled.next(), filled.next())
            && crate::legend::is_key_line(cell)
        {
            return RowReading::Skip;
        }
        if self.sections
            && let Some((title, level)) = section_title(row, self.header)
        {
            let rag = self
                .header
                .first(Field::Rag)
                .and_then(|column| parse_rag_cell(row.cell(column.index)).ok().flatten());
            return RowReading::Section { title, rag, level };
        }
        let parent_cells = self
            .parent_columns
            .iter()
            .map(|column| clean_cell(row.cell(column.index)))
            .collect();
        let (item, findings) = self.read_item(row);
        let placement = item.map(|(item, placement)| {
            items.push(item);
            placement
        });
        RowReading::Row {
            parent_cells,
            placement,
            findings,
        }
    }

    /// Whether the row repeats the header (as a sheet printed in pages does).
    fn repeats_header(&self, row: &Row, scratch: &mut String) -> bool {
        let mut any = false;
        for (index, cell) in row.filled() {
            let header = self.header_row.cell(index);
            // Headers are short; a long cell settles it without normalising anything.
            if cell.len() > header.len() + 8 {
                return false;
            }
            normalise_header_into(cell, scratch);
            if self.header_words.get(index).map_or("", String::as_str) != scratch.as_str() {
                return false;
            }
            any = true;
        }
        any
    }

    /// Reads one data row into an item and its findings; no item when the row holds nothing
    /// to import.
    fn read_item(&self, row: &Row) -> (Option<(PreviewItem, Placement)>, Vec<Finding>) {
        let (table, header) = (self.table, self.header);
        let mut findings: Vec<Finding> = Vec::new();
        let mut note = |column: &str, kind: FindingKind, message: String| {
            let mut finding = Finding::new(row.number, column, kind, message);
            finding.table = table.name.clone();
            findings.push(finding);
        };
        // Cells by field, with lone dates in text columns moved to the date column they
        // slipped from. Tidy cells are borrowed from the row.
        let mut cells: Vec<(Field, &Column, Cow<'_, str>)> = header
            .columns
            .iter()
            .filter(|c| c.field != Field::Ignore)
            .map(|c| (c.field, c, clean_cell_cow(row.cell(c.index))))
            .collect();
        let mut shifted_dates: Vec<(NaiveDate, usize, &str)> = Vec::new();
        for (field, column, cell) in cells.iter_mut() {
            let texty = matches!(
                field,
                Field::Text
                    | Field::Description
                    | Field::StrategicLead
                    | Field::Owner
                    | Field::Updates
                    | Field::Parent
            );
            let column: &Column = column;
            if texty && let Some(date) = lone_date(cell) {
                shifted_dates.push((date, column.index, column.header.as_str()));
                *cell = Cow::Borrowed("");
            }
        }
        let mut update_date: Option<NaiveDate> = None;
        for (date, from_index, from_header) in shifted_dates {
            // The nearest empty date column is where the date belongs.
            let target = cells
                .iter_mut()
                .filter(|(field, _, cell)| {
                    matches!(field, Field::UpdateDate | Field::Due | Field::Start)
                        && cell.is_empty()
                })
                .min_by_key(|(_, column, _)| column.index.abs_diff(from_index));
            let taken_as = match target {
                Some((field, column, cell)) => {
                    *cell = Cow::Owned(date.format("%Y-%m-%d").to_string());
                    format!("its {}", describe_field(*field, &column.header))
                }
                None => {
                    update_date.get_or_insert(date);
                    "its date of update".to_string()
                }
            };
            note(
                from_header,
                FindingKind::ShiftedCells,
                format!(
                    "\"{from_header}\" holds only the date {}: the row's cells look shifted by \
                     one, so it is taken as {taken_as}",
                    waymark_core::date::format_long(date)
                ),
            );
        }
        // The converse slip: a sentence in a date column beside an empty updates column is the
        // update, not an unreadable date (its date, if any, was moved above).
        let updates_cell = cells.iter().position(|(f, _, _)| *f == Field::Updates);
        let sentence_in_date_column = cells.iter().position(|(f, _, cell)| {
            matches!(f, Field::Due | Field::Start)
                && cell.split_whitespace().count() >= 3
                && waymark_core::parse_date(cell).is_err()
        });
        if let (Some(to), Some(from)) = (updates_cell, sentence_in_date_column)
            && cells
                .iter()
                .all(|(f, _, cell)| *f != Field::Updates || cell.is_empty())
        {
            let words = std::mem::take(&mut cells[from].2);
            let from_header = &cells[from].1.header;
            let to_header = &cells[to].1.header;
            note(
                from_header,
                FindingKind::ShiftedCells,
                format!(
                    "\"{from_header}\" holds words, not a date, and \"{to_header}\" is empty: the \
                     row's cells look shifted by one, so they are taken as its update"
                ),
            );
            cells[to].2 = words;
        }
        let value = |field: Field| -> Option<(&Column, &str)> {
            cells
                .iter()
                .find(|(f, _, cell)| *f == field && !cell.is_empty())
                .map(|(_, column, cell)| (*column, cell.as_ref()))
        };
        let header_of = |field: Field| header.first(field).map_or("", |c| c.header.as_str());

        let reference = value(Field::Reference).map(|(_, cell)| cell.to_string());
        let text = value(Field::Text)
            .map(|(_, cell)| cell.to_string())
            .unwrap_or_default();
        let has_updates = cells
            .iter()
            .any(|(f, _, cell)| *f == Field::Updates && !cell.is_empty());
        if text.is_empty() {
            if reference.is_none() && !has_updates {
                // A note in a column of the sheet's own ("Comments" beside a blank row) is not
                // an item either.
                let others = cells
                    .iter()
                    .filter(|(field, _, cell)| *field != Field::Own && !cell.is_empty())
                    .count();
                if others == 0 {
                    // Nothing to import and nothing to say: what was noted goes unsaid.
                    return (None, Vec::new());
                }
                note(
                    header_of(Field::Text),
                    FindingKind::MissingText,
                    "The row has no item text or reference, so it was skipped".to_string(),
                );
                return (None, findings);
            }
            note(
                header_of(Field::Text),
                FindingKind::MissingText,
                "The row has no item text".to_string(),
            );
        }

        if let Some((column, cell)) = value(Field::UpdateDate) {
            match parse_date_cell(cell) {
                Ok(date) => update_date = date.map(|d| d.date).or(update_date),
                Err(message) => note(&column.header, FindingKind::UnparseableDate, message),
            }
        }
        let mut date_field = |field: Field| -> Option<FlexDate> {
            let (column, cell) = value(field)?;
            match parse_date_cell(cell) {
                Ok(date) => date,
                Err(message) => {
                    note(&column.header, FindingKind::UnparseableDate, message);
                    None
                }
            }
        };
        let due = date_field(Field::Due);
        // Words in the due column that name no day ("TBC", "Ongoing", "When funded") are
        // the owner's statement: kept as written, and the item is still flagged undated.
        let due_words = match (&due, value(Field::Due)) {
            (None, Some((_, cell))) => Some(cell.trim().to_string()),
            _ => None,
        };
        let start = date_field(Field::Start);
        let completed_on = date_field(Field::CompletedOn).map(|d| d.date);
        let mut complete = false;
        let mut completed_on = completed_on;
        if let Some((column, cell)) = value(Field::Complete) {
            match parse_complete_cell(cell) {
                Ok(completion) => {
                    complete = completion.complete;
                    completed_on = completed_on.or(completion.on);
                }
                Err(message) => note(&column.header, FindingKind::UnknownComplete, message),
            }
        }
        let mut rag = None;
        if let Some((column, cell)) = value(Field::Rag) {
            match self.legend.lookup(cell) {
                Some(entry) => rag = entry.rag,
                None => match parse_rag_cell(cell) {
                    Ok(parsed) => rag = parsed,
                    Err(message) => note(&column.header, FindingKind::UnknownRag, message),
                },
            }
        }
        // Many trackers colour the status cell and type nothing: the fill is the RAG. A word
        // and a colour that disagree keep the word, and say so.
        if let Some(column) = header.first(Field::Rag)
            && let Some(rgb) = table.fill_at(row.number, column.index)
        {
            let colour = crate::colour::colour_rag(rgb);
            let typed = value(Field::Rag).is_some();
            match colour {
                crate::colour::ColourRag::Rag(from_colour) if !typed => rag = Some(from_colour),
                crate::colour::ColourRag::Rag(from_colour)
                    if rag.is_some_and(|r| r != from_colour) =>
                {
                    note(
                        &column.header,
                        FindingKind::ColourDisagrees,
                        format!(
                            "The cell says {} but is coloured {} ({}); the word is used",
                            rag.map_or("no RAG", Rag::word),
                            from_colour.word(),
                            crate::colour::hex(rgb)
                        ),
                    );
                }
                _ => {}
            }
        }
        // A status that says the item is done ("Complete", "Closed", "Achieved", Blue) closes
        // it, unless the sheet's own complete column says otherwise; an open Blue item would
        // be flagged overdue for work that is finished.
        if rag == Some(Rag::Blue) && value(Field::Complete).is_none() {
            complete = true;
        }
        let owners = value(Field::Owner)
            .map(|(_, cell)| parse_owner_cell(cell))
            .unwrap_or_default();
        if header.has(Field::Due) && due.is_none() && !complete && value(Field::Due).is_none() {
            note(
                header_of(Field::Due),
                FindingKind::MissingDueDate,
                "No due date".to_string(),
            );
        }
        if header.has(Field::Owner) && owners.is_empty() {
            note(
                header_of(Field::Owner),
                FindingKind::MissingOwner,
                "No owner".to_string(),
            );
        }

        let effective = update_date.unwrap_or(self.options.as_at);
        let mut updates: Vec<PreviewUpdate> = Vec::new();
        let mut seen: Option<HashSet<(NaiveDate, String)>> = None;
        for (field, column, cell) in &cells {
            if *field != Field::Updates || cell.is_empty() {
                continue;
            }
            let entries = split_dated_spans(cell);
            let dated: Vec<NaiveDate> = entries.iter().filter_map(|e| e.date).collect();
            if dated.windows(2).any(|pair| pair[1] < pair[0]) {
                note(
                    &column.header,
                    FindingKind::EntriesOutOfOrder,
                    format!(
                        "The dated entries are not in date order ({}); they are stored in date order",
                        dated
                            .iter()
                            .map(|d| waymark_core::date::format_long(*d))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            for entry in entries {
                if entry.text.is_empty() {
                    continue;
                }
                let as_of = entry.date.unwrap_or(effective);
                // An entry repeated on the same day is kept once. Most rows have one entry, so
                // the set of those seen is made only for a second one.
                let duplicate = !updates.is_empty() && {
                    let seen = seen.get_or_insert_with(|| {
                        updates
                            .iter()
                            .map(|u| (u.as_of, normalise_text(&u.text)))
                            .collect()
                    });
                    !seen.insert((as_of, normalise_text(entry.text)))
                };
                if !duplicate {
                    updates.push(PreviewUpdate {
                        as_of,
                        dated: entry.date.is_some(),
                        author_post: entry.author,
                        text: entry.text.to_string(),
                        column: column.header.clone(),
                    });
                }
            }
        }
        updates.sort_by_key(|u| u.as_of);
        if let (Some(row_date), Some(newest)) = (
            update_date,
            updates.iter().filter(|u| u.dated).map(|u| u.as_of).max(),
        ) && row_date < newest
        {
            note(
                header_of(Field::UpdateDate),
                FindingKind::UpdateDateBeforeEntry,
                format!(
                    "The date of update ({}) is earlier than the newest entry in the row ({})",
                    waymark_core::date::format_long(row_date),
                    waymark_core::date::format_long(newest)
                ),
            );
        }

        let level_depth =
            value(Field::Level).map(|(_, cell)| level_depth(cell, &self.options.level_names));
        let reference_key = reference.as_deref().map(normalise_reference);
        let parent_key = match level_depth {
            Some(_) => None,
            None => reference
                .as_deref()
                .and_then(parent_reference)
                .map(|parent| normalise_reference(&parent)),
        };
        let parent_reference_key = match (parent_key, &reference_key) {
            (None, _) => ParentKey::None,
            (Some(parent), Some(own)) if own.starts_with(&parent) => {
                ParentKey::StartOfOwn(parent.len())
            }
            (Some(parent), _) => ParentKey::Other(parent),
        };
        let description = value(Field::Description).map(|(_, c)| c.to_string());
        let strategic_lead = value(Field::StrategicLead).map(|(_, c)| c.to_string());
        let own_fields: Vec<OwnField> = cells
            .iter()
            .filter(|(field, _, cell)| *field == Field::Own && !cell.is_empty())
            .map(|(_, column, cell)| OwnField {
                name: column.header.clone(),
                value: cell.to_string(),
            })
            .collect();
        let exists_from = updates
            .iter()
            .map(|u| u.as_of)
            .min()
            .map_or(effective, |earliest| earliest.min(effective));
        // The row's empty cells in columns of fields the plan keeps; a RAG read from the
        // cell's colour, or a completion read from a Blue status, is stated all the same.
        let blank_columns = [
            Field::Reference,
            Field::Description,
            Field::StrategicLead,
            Field::Owner,
            Field::Start,
            Field::Due,
            Field::Complete,
            Field::CompletedOn,
            Field::Rag,
        ]
        .into_iter()
        .filter(|&field| header.has(field) && value(field).is_none())
        .filter(|&field| match field {
            Field::Rag => rag.is_none(),
            Field::Complete => !complete,
            Field::CompletedOn => completed_on.is_none(),
            _ => true,
        })
        .map(|field| (field, header_of(field).to_string()))
        .collect();
        let item = PreviewItem {
            parent: None,
            depth: 0,
            position: 0,
            table: table.name.clone(),
            row: Some(row.number),
            derived: false,
            reference,
            text,
            description,
            strategic_lead,
            owners,
            start: start.as_ref().map(DateView::from),
            due: due.as_ref().map(DateView::from),
            due_words,
            complete,
            completed_on,
            rag: rag.map(RagView::from),
            effective,
            exists_from,
            updates,
            own_fields,
            blank_columns,
        };
        let placement = Placement {
            reference_key,
            parent_reference_key,
            level_depth,
        };
        (Some((item, placement)), findings)
    }
}

/// What the children of a heading without a number have in common: all the same parent
/// number, or not.
enum SharedNumber {
    Same(String),
    Mixed,
}

/// An update text as first found: (item, update) of its first wording, and the later items
/// that carry it too.
struct TextSeen {
    first: (usize, usize),
    more: Vec<usize>,
}

/// What the file's columns provide, for re-imports.
fn provided_fields(headers: &[HeaderMatch], builder: &Builder<'_>) -> Provided {
    let any = |field: Field| headers.iter().any(|h| h.has(field));
    Provided {
        reference: any(Field::Reference) || builder.items.iter().any(|i| i.reference.is_some()),
        description: any(Field::Description),
        strategic_lead: any(Field::StrategicLead),
        owners: any(Field::Owner),
        start: any(Field::Start),
        due: any(Field::Due),
        complete: any(Field::Complete),
        completed_on: any(Field::CompletedOn) || any(Field::Complete),
        rag: any(Field::Rag),
        own_fields: any(Field::Own),
        structure: builder.items.iter().any(|i| i.parent.is_some()) || any(Field::Level),
    }
}

/// "Delivery Plan action description" → "Delivery plan action": a header as a level name.
fn level_name(header: &str) -> String {
    let trimmed = header.trim();
    let trimmed = trimmed
        .strip_suffix(" description")
        .or_else(|| trimmed.strip_suffix(" Description"))
        .unwrap_or(trimmed);
    let mut words = Vec::new();
    for (index, word) in trimmed.split_whitespace().enumerate() {
        let is_acronym =
            word.len() > 1 && word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
        if is_acronym {
            words.push(word.to_string());
        } else if index == 0 {
            let mut chars = word.chars();
            let first: String = chars
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            words.push(first + &chars.as_str().to_lowercase());
        } else {
            words.push(word.to_lowercase());
        }
    }
    words.join(" ")
}

/// Heading parents take their level name from the plan kind's default top level.
fn with_default_parent_levels(
    names: Vec<String>,
    kind: &str,
    builder: &Builder<'_>,
) -> Vec<String> {
    if !builder.heading_parents {
        return names;
    }
    let defaults = waymark_core::PlanKind::parse(kind).default_levels();
    let top = builder
        .section_word
        .clone()
        .or_else(|| defaults.first().cloned())
        .unwrap_or_else(|| "Objective".to_string());
    let mut with_top = vec![top];
    with_top.extend(names);
    with_top.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    with_top
}

fn guess_kind(
    preamble: &crate::header::PreambleFacts,
    headers: &[HeaderMatch],
    level_names: &[String],
) -> String {
    let mut words = String::new();
    if let Some(title) = &preamble.title {
        words.push_str(&title.to_lowercase());
    }
    for name in level_names {
        words.push(' ');
        words.push_str(&name.to_lowercase());
    }
    for header in headers {
        for column in &header.columns {
            words.push(' ');
            words.push_str(&normalise_header(&column.header));
        }
    }
    let kind = if words.contains("delivery plan") {
        "delivery"
    } else if words.contains("improvement") || words.contains("recommendation") {
        "improvement"
    } else if words.contains("collaboration") || words.contains("project area") {
        "collaboration"
    } else if words.contains("strategic") {
        "strategic"
    } else if words.contains("policing plan") {
        "policing"
    } else {
        "improvement"
    };
    kind.to_string()
}

/// Labels a progress paragraph may put before its item's number: "Action 1.4 ...".
const NOTE_LABELS: [&str; 7] = [
    "action",
    "recommendation",
    "rec",
    "objective",
    "item",
    "afi",
    "ref",
];

/// Words that open a section row written in the text column.
const SECTION_WORDS: [&str; 10] = [
    "objective",
    "priority",
    "theme",
    "aim",
    "outcome",
    "section",
    "strategic",
    "workstream",
    "pillar",
    "area",
];

/// The level a section row names by its opening words, when a number or a colon follows them,
/// and what follows: "Theme 1: Prevention" → ("Theme", "1: Prevention"), "STRATEGIC OBJECTIVE
/// 2 - Reduce crime" → ("Strategic objective", "2 - Reduce crime"), "Workstream: Custody" →
/// ("Workstream", "Custody"). A title without such words names none.
fn section_label(title: &str) -> Option<(String, &str)> {
    let title = title.trim();
    let mut words: Vec<String> = Vec::new();
    let mut rest = None;
    let mut at = 0;
    for word in title.split_whitespace().take(4) {
        let start = at + title[at..].find(word)?;
        at = start + word.len();
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            rest = Some(&title[start..]);
            break;
        }
        let bare = word.trim_end_matches([':', '-', '\u{2013}', '.']);
        if bare.is_empty() || !bare.chars().all(char::is_alphabetic) {
            return None;
        }
        words.push(bare.to_lowercase());
        if word.ends_with(':') {
            rest = Some(title[at..].trim());
            break;
        }
        if bare.len() != word.len() {
            return None;
        }
    }
    let rest = rest?;
    let first_word = words.first()?;
    if words.len() > 3 || !SECTION_WORDS.contains(&first_word.as_str()) {
        return None;
    }
    let phrase = words.join(" ");
    let mut chars = phrase.chars();
    let first: String = chars.next()?.to_uppercase().collect();
    Some((first + chars.as_str(), rest))
}

/// A section row: a lone cell of several words outside the text column, such as a merged
/// "Strategic objective 1: Reduce crime" row across a tracker.
fn section_title(row: &Row, header: &HeaderMatch) -> Option<(String, Option<String>)> {
    // Its RAG, if it has one, is the section's own and does not make it an item.
    let rag_column = header.first(Field::Rag).map(|c| c.index);
    let mut filled = row.filled().filter(|(index, _)| Some(*index) != rag_column);
    let (index, cell) = filled.next()?;
    if filled.next().is_some() {
        return None;
    }
    let column = header.columns.iter().find(|c| c.index == index);
    let field = column.map(|c| c.field);
    let cell = clean_cell(cell);
    let label = section_label(&cell);
    let level = label.as_ref().map(|(level, _)| level.clone());
    if field == Some(Field::Text) {
        // Alone in the text column it is an item, unless it names a level and a number or a
        // colon ("Objective 2: Reduce crime", "Strategic objective 1 - Safer streets",
        // "Theme: Safer streets"), or is written in capitals as a banner ("REDUCING HARM").
        if let Some((_, rest)) = &label
            && !rest.is_empty()
        {
            return Some((rest.to_string(), level));
        }
        let letters: Vec<char> = cell.chars().filter(|c| c.is_alphabetic()).collect();
        let banner = cell.split_whitespace().count() >= 2
            && letters.len() >= 8
            && letters.iter().all(|c| c.is_uppercase());
        return banner.then_some((cell, None));
    }
    if matches!(field, Some(Field::Updates) | Some(Field::Description)) {
        return None;
    }
    (cell.split_whitespace().count() >= 3 && lone_date(&cell).is_none()).then_some((cell, level))
}

/// A "Priority" column holding High, Medium and Low (or 1 to 5) rates each row; it does not
/// name parents, so it is ignored rather than grouping the plan under "High" and "Low".
/// A mapping file that names the column is obeyed.
fn ignore_rating_parents(header: &mut HeaderMatch, rows: &[Row], mapping: &Mapping) {
    let body = &rows[header.body_start.min(rows.len())..];
    for column in header.columns.iter_mut() {
        if column.field != Field::Parent || mapping.field_for(&column.header).is_some() {
            continue;
        }
        let mut values = body
            .iter()
            .map(|row| row.cell(column.index).trim())
            .filter(|cell| !cell.is_empty())
            .peekable();
        if values.peek().is_none() {
            continue;
        }
        let ratings = values.all(|cell| {
            let lower = cell.to_ascii_lowercase();
            let word = lower.trim_start_matches('p');
            matches!(
                word,
                "high"
                    | "medium"
                    | "med"
                    | "low"
                    | "h"
                    | "m"
                    | "l"
                    | "critical"
                    | "urgent"
                    | "1"
                    | "2"
                    | "3"
                    | "4"
                    | "5"
            )
        });
        if ratings {
            column.field = Field::Ignore;
        }
    }
}

/// Labels that name a fact about a plan in a two-column table of facts.
const FACT_LABELS: [&str; 16] = [
    "title",
    "owner",
    "lead",
    "author",
    "version",
    "date",
    "status",
    "period",
    "year",
    "source",
    "report",
    "review",
    "reviewed",
    "approved",
    "classification",
    "marking",
];

/// A table of facts about the plan rather than a plan: two columns, most rows a short label
/// ("Plan Owner", "Version:") and its value. Gives the rows as "Label: value" lines.
fn key_value_lines(rows: &[Row]) -> Option<Vec<String>> {
    let filled: Vec<&Row> = rows.iter().filter(|row| !row.is_blank()).collect();
    if filled.len() < 2 || filled.iter().any(|row| row.filled().count() > 2) {
        return None;
    }
    let mut lines = Vec::with_capacity(filled.len());
    let mut labels = 0;
    for row in &filled {
        let mut cells = row.filled().map(|(_, cell)| clean_cell(cell));
        let mut key = cells.next().unwrap_or_default();
        let mut value = cells.next().unwrap_or_default();
        // "Owner: Chief Superintendent" written in one cell.
        if value.is_empty()
            && let Some((label, rest)) = key.split_once(':')
            && !rest.trim().is_empty()
        {
            (key, value) = (label.trim().to_string(), rest.trim().to_string());
        }
        let key = key.trim_end_matches(':').trim().to_string();
        let words = normalise_header(&key);
        let is_label = !value.is_empty()
            && words.split(' ').count() <= 4
            && words.split(' ').any(|word| FACT_LABELS.contains(&word));
        if is_label {
            labels += 1;
        }
        lines.push(if value.is_empty() {
            key
        } else {
            format!("{key}: {value}")
        });
    }
    (labels * 2 > filled.len()).then_some(lines)
}

/// The title of a document's table: the last row above its header holding a single cell (a
/// row merged across the table).
fn table_title(above_header: &[Row]) -> Option<String> {
    above_header.iter().rev().find_map(|row| {
        let mut filled = row.filled();
        let (_, cell) = filled.next()?;
        filled.next().is_none().then(|| clean_cell(cell))
    })
}

/// The depth a "Level" cell names: a number from 1, or a level name of the plan.
fn level_depth(cell: &str, level_names: &[String]) -> usize {
    let trimmed = cell.trim();
    let lower = trimmed.to_lowercase();
    let numeric = lower.strip_prefix("level ").unwrap_or(&lower);
    if let Ok(number) = numeric.trim().parse::<usize>() {
        return number.saturating_sub(1);
    }
    level_names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(trimmed))
        .unwrap_or(0)
}

/// References compare without case, spacing or a trailing full stop: "1.1." is "1.1".
pub fn normalise_reference(reference: &str) -> String {
    let mut normal = String::with_capacity(reference.len());
    for word in reference.split_whitespace() {
        if !normal.is_empty() {
            normal.push(' ');
        }
        normal.push_str(word);
    }
    let kept = normal.trim_end_matches(['.', ')', ':']).len();
    normal.truncate(kept);
    normal.make_ascii_lowercase();
    if !normal.is_ascii() {
        normal = normal.to_lowercase();
    }
    normal
}

fn describe_field(field: Field, header: &str) -> String {
    match field {
        Field::UpdateDate => "date of update".to_string(),
        Field::Due => "due date".to_string(),
        Field::Start => "start date".to_string(),
        _ => format!("\"{header}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::RowRange;

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i + 1,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
            ..Table::default()
        }
    }

    fn workbook(tables: Vec<Table>) -> Workbook {
        Workbook {
            file: "test.csv".into(),
            format: Format::Csv,
            tables,
            preamble: Vec::new(),
        }
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn options() -> PreviewOptions {
        PreviewOptions::new(ymd(2015, 2, 1))
    }

    #[test]
    fn a_parent_column_groups_rows_and_names_levels() {
        let book = workbook(vec![table(&[
            &[
                "Strategic objective",
                "Ref",
                "Action",
                "Owner",
                "Deadline",
                "RAG",
            ],
            &[
                "1. Reduce crime",
                "1.1",
                "Patrol hot spots",
                "Head of Ops",
                "31/03/2015",
                "Orange",
            ],
            &[
                "",
                "1.2",
                "Target burglars",
                "Head of Crime & Head of Ops",
                "31/03/2015",
                "Green",
            ],
            &[
                "2. Protect people",
                "2.1",
                "Safeguard",
                "Head of PPU",
                "",
                "Red",
            ],
        ])]);
        let preview = build_preview(&book, &options()).unwrap();
        assert_eq!(preview.items.len(), 5);
        assert_eq!(preview.item_count(), 3);
        let parent = &preview.items[0];
        assert!(parent.derived);
        assert_eq!(parent.reference.as_deref(), Some("1"));
        assert_eq!(parent.text, "Reduce crime");
        assert_eq!(preview.items[2].parent, Some(0));
        assert_eq!(preview.items[2].position, 1);
        assert_eq!(preview.items[1].rag, Some(RagView::Amber));
        assert_eq!(preview.items[4].parent, Some(3));
        assert_eq!(
            preview.metadata.level_names,
            vec!["Strategic objective", "Action"]
        );
        assert_eq!(preview.findings_of(FindingKind::MissingDueDate).count(), 1);
    }

    #[test]
    fn an_item_moved_into_its_fields_is_what_copying_gives() {
        let book = workbook(vec![table(&[
            &[
                "Ref", "Action", "Lead", "Owner", "Start", "Due", "Complete", "RAG", "Update",
            ],
            &[
                "1.1",
                "Patrol hot spots",
                "ACC Ops",
                "Head of Ops & Head of Crime",
                "1/4/2014",
                "End of March 2015",
                "Yes 12/01/2015",
                "Amber",
                "8 Jan 2015 - Started",
            ],
        ])]);
        let preview = build_preview(&book, &options()).unwrap();
        let item = preview.items[0].clone();
        let (fields, updates) = item.clone().into_fields();
        assert_eq!(fields, item.to_fields());
        assert_eq!(updates, item.updates);
        assert!(fields.due.is_some_and(|due| due.written.is_some()));
    }

    #[test]
    fn shifted_dates_are_taken_as_the_date_of_update() {
        let book = workbook(vec![table(&[
            &[
                "Ref",
                "Recommendation",
                "Owner",
                "Latest Update",
                "Date of Update",
            ],
            &["1", "Do it", "Head of Crime", "23-Jan-15"],
            &["2", "Do more", "Head of Crime", "Undated note", "20-Jan-15"],
        ])]);
        let preview = build_preview(&book, &options()).unwrap();
        assert_eq!(preview.items[0].effective, ymd(2015, 1, 23));
        assert!(preview.items[0].updates.is_empty());
        let shifted: Vec<&Finding> = preview.findings_of(FindingKind::ShiftedCells).collect();
        assert_eq!(shifted.len(), 1);
        assert_eq!(shifted[0].row, 2);
        assert_eq!(shifted[0].column, "Latest Update");
        assert_eq!(preview.items[1].updates[0].as_of, ymd(2015, 1, 20));
        assert!(!preview.items[1].updates[0].dated);
    }

    #[test]
    fn words_slipped_into_the_due_column_are_the_update() {
        let book = workbook(vec![table(&[
            &["Ref", "Action", "Owner", "Due Date", "Latest Update", "RAG"],
            &[
                "2.1",
                "Monthly dip sample",
                "FCIR",
                "Dip sample done; 92% compliant",
                "31/10/2026",
                "G",
            ],
            &["2.2", "Quarterly audit", "FCIR", "Ongoing", "", "A"],
        ])]);
        let preview = build_preview(&book, &options()).unwrap();
        let slipped = &preview.items[0];
        assert_eq!(slipped.updates.len(), 1, "{:?}", preview.findings);
        assert_eq!(slipped.updates[0].text, "Dip sample done; 92% compliant");
        assert_eq!(slipped.updates[0].as_of, ymd(2026, 10, 31));
        assert!(slipped.due.is_none());
        assert!(
            preview
                .findings_of(FindingKind::ShiftedCells)
                .any(|f| f.row == 2 && f.column == "Due Date")
        );
        // A word or two in a date column is an unreadable date, not an update.
        assert!(preview.items[1].updates.is_empty());
    }

    #[test]
    fn updates_are_stored_in_date_order_with_findings() {
        let book = workbook(vec![table(&[
            &["Ref", "Action", "Update", "Date of update"],
            &[
                "1",
                "Act",
                "21 Nov 2014 - first. Update 23 Jan 2015 from Territorial Policing - third. 8 Jan 2015 - second.",
                "08-Jan-15",
            ],
        ])]);
        let preview = build_preview(&book, &options()).unwrap();
        let dates: Vec<NaiveDate> = preview.items[0].updates.iter().map(|u| u.as_of).collect();
        assert_eq!(
            dates,
            vec![ymd(2014, 11, 21), ymd(2015, 1, 8), ymd(2015, 1, 23)]
        );
        assert_eq!(preview.items[0].exists_from, ymd(2014, 11, 21));
        assert_eq!(
            preview.findings_of(FindingKind::EntriesOutOfOrder).count(),
            1
        );
        assert_eq!(
            preview
                .findings_of(FindingKind::UpdateDateBeforeEntry)
                .count(),
            1
        );
    }

    #[test]
    fn pasted_text_makes_one_finding_naming_every_row() {
        let pasted = "BTP has been in contact with the College of Policing.";
        let book = workbook(vec![table(&[
            &["Ref", "Action", "Update"],
            &["1", "A", pasted],
            &["2", "B", "Something else entirely, long enough"],
            &["3", "C", pasted],
        ])]);
        let preview = build_preview(&book, &options()).unwrap();
        let found: Vec<&Finding> = preview
            .findings_of(FindingKind::DuplicateUpdateText)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].row, 2);
        assert_eq!(found[0].column, "Update");
        assert_eq!(found[0].rows, vec![RowRange(2, 2), RowRange(4, 4)]);
        assert_eq!(
            found[0].message,
            "The same update text is on rows 2 and 4: \"BTP has been in contact with the College of Policing.\""
        );
    }

    #[test]
    fn a_text_pasted_down_a_long_sheet_is_one_short_finding() {
        let pasted = "No update this period: the work continues as planned with partners.";
        let mut rows = vec![vec!["Ref".to_string(), "Action".into(), "Update".into()]];
        for n in 0..3_000 {
            rows.push(vec![n.to_string(), format!("Action {n}"), pasted.into()]);
        }
        let book = workbook(vec![table_of(rows, None)]);
        let preview = build_preview(&book, &options()).unwrap();
        let found: Vec<&Finding> = preview
            .findings_of(FindingKind::DuplicateUpdateText)
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rows, vec![RowRange(2, 3_001)]);
        assert_eq!(
            found[0].message,
            "The same update text is on rows 2–3001 (3,000 rows): \"No update this period: the work continues as planned with pa…\""
        );
    }

    #[test]
    fn a_text_on_several_sheets_makes_a_finding_in_each() {
        let pasted = "BTP has been in contact with the College of Policing.";
        let sheet = |name: &str| {
            let mut sheet = table(&[
                &["Ref", "Action", "Update"],
                &["1", "A", pasted],
                &["2", "B", pasted],
            ]);
            sheet.name = Some(name.into());
            sheet
        };
        let mut three = sheet("Three");
        three.rows.truncate(2);
        let book = workbook(vec![sheet("One"), sheet("Two"), three]);
        let preview = build_preview(&book, &options()).unwrap();
        let found: Vec<(Option<&str>, Vec<usize>, &str)> = preview
            .findings_of(FindingKind::DuplicateUpdateText)
            .map(|f| (f.table.as_deref(), f.all_rows(), f.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, Some("One"));
        assert_eq!(found[0].1, vec![2, 3]);
        assert!(
            found[0]
                .2
                .contains("rows 2 and 3, and on 3 rows of other tables")
        );
        // Findings are in table-name order.
        assert_eq!(found[1].0, Some("Three"));
        assert!(found[1].2.contains("row 2, and on 4 rows of other tables"));
    }

    proptest::proptest! {
        /// The grouped finding of a pasted text names exactly the rows that share it.
        #[test]
        fn grouped_findings_name_exactly_the_rows_sharing_a_text(
            picks in proptest::collection::vec((0usize..7, 0usize..3), 1..60)
        ) {
            const TEXTS: [&str; 7] = [
                "Meeting held with partners to agree the plan",
                "No update this period, work continues",
                "Ongoing",
                "",
                "Training has been booked for every supervisor",
                "The audit found that most records were complete",
                "Awaiting the outcome of the national review",
            ];
            // Spellings that normalise alike: case, a closing full stop, spaces at the ends.
            let spell = |text: &str, how: usize| match how {
                0 => text.to_string(),
                1 => format!("{}.", text.to_uppercase()),
                _ => format!("  {text}  "),
            };
            let mut rows = vec![vec!["Ref".to_string(), "Action".into(), "Update".into()]];
            for (n, (text, how)) in picks.iter().enumerate() {
                let update = if TEXTS[*text].is_empty() { String::new() } else { spell(TEXTS[*text], *how) };
                rows.push(vec![n.to_string(), format!("Action {n}"), update]);
            }
            let mut expected: HashMap<String, Vec<usize>> = HashMap::new();
            for (n, (text, _)) in picks.iter().enumerate() {
                let normal = normalise_text(TEXTS[*text]);
                if normal.chars().count() >= DUPLICATE_TEXT_MIN_CHARS {
                    expected.entry(normal).or_default().push(n + 2);
                }
            }
            expected.retain(|_, rows| rows.len() > 1);
            let book = workbook(vec![table_of(rows, None)]);
            let preview = build_preview(&book, &options()).unwrap();
            let found: Vec<&Finding> = preview
                .findings_of(FindingKind::DuplicateUpdateText)
                .collect();
            proptest::prop_assert_eq!(found.len(), expected.len());
            for finding in found {
                let rows = finding.all_rows();
                let text = normalise_text(TEXTS[picks[rows[0] - 2].0]);
                proptest::prop_assert_eq!(Some(&rows), expected.get(&text));
                proptest::prop_assert_eq!(finding.row, rows[0]);
            }
        }
    }

    #[test]
    fn numbered_references_nest_and_headings_become_parents() {
        let mut first = table(&[
            &["No.", "Delivery Plan action description", "RAG"],
            &["1.1", "Prepare", "Amber"],
            &["1.1a", "Sub-step", ""],
        ]);
        first.heading = Some("To strengthen neighbourhood policing".into());
        first.notes = vec![Note {
            number: 9,
            text: "1.1 Following a meeting with the NPIA.".into(),
        }];
        let mut book = workbook(vec![first]);
        book.format = Format::Docx;
        let preview = build_preview(&book, &options()).unwrap();
        assert_eq!(preview.items.len(), 3);
        assert_eq!(preview.items[0].reference.as_deref(), Some("1"));
        assert_eq!(preview.items[1].parent, Some(0));
        assert_eq!(preview.items[2].parent, Some(1));
        assert_eq!(preview.items[2].depth, 2);
        assert_eq!(
            preview.items[1].updates[0].text,
            "Following a meeting with the NPIA."
        );
        assert_eq!(preview.item_count(), 3);
        assert_eq!(preview.metadata.kind, "delivery");
        assert_eq!(
            preview.metadata.level_names,
            vec!["Strategic objective", "Delivery plan action"]
        );
    }

    /// A preview built with each table's rows read on `threads` threads from any size, in
    /// blocks of `block_rows`, from the workbook borrowed or (`owned`) handed over.
    fn preview_on(
        book: &Workbook,
        options: &PreviewOptions,
        threads: usize,
        block_rows: usize,
        owned: bool,
    ) -> ImportPreview {
        let parallelism = Parallelism {
            threads,
            min_rows: 0,
            block_rows,
        };
        let book = if owned {
            Cow::Owned(book.clone())
        } else {
            Cow::Borrowed(book)
        };
        build_preview_in(book, options, &mut |_, _| {}, parallelism).unwrap()
    }

    /// Rows of every kind the reader treats differently: numbered references that nest,
    /// shifted and unreadable dates, pasted updates, blank and repeated header rows, rows with
    /// no text, unknown RAG words.
    fn varied_rows(count: usize, header: &[&str]) -> Vec<Vec<String>> {
        let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        for n in 0..count {
            let day = n % 28 + 1;
            let cells: Vec<String> = match n % 11 {
                0 => vec![
                    format!("{}", n / 11 + 1),
                    format!("Theme {n}"),
                    String::new(),
                ],
                1 => vec![String::new(); 3],
                2 => header.iter().map(|h| h.to_string()).take(3).collect(),
                3 => vec![String::new(), String::new(), "Orange".into()],
                // Under the previous group's last action.
                4 => vec![format!("{}.10a", n / 11), "Sub-step".into()],
                _ => vec![format!("{}.{}", n / 11 + 1, n % 11), format!("Action {n}")],
            };
            let mut cells = cells;
            cells.resize(3, String::new());
            cells.extend([
                format!("Head of Unit {} / Head of Crime", n % 5),
                match n % 13 {
                    0 => "23-Jan-15".into(),
                    1 => "soon".into(),
                    2 => "Words slipped into the date column".into(),
                    _ => "31/03/2016".into(),
                },
                match n % 7 {
                    0 => "BTP has been in contact with the College of Policing.".into(),
                    1 => String::new(),
                    2 => format!(
                        "{day} Jan 2015 - note {n}. Update 2 Jan 2015 from Supt Ops - earlier"
                    ),
                    _ => format!("{day} Jan 2015 - Progress note {n} for this action"),
                },
                match n % 17 {
                    0 => "never".into(),
                    1 => String::new(),
                    2 => "01/12/2014".into(),
                    _ => format!("{day:02}/01/2015"),
                },
                ["Green", "Amber", "Red", "Purple", "Complete"][n % 5].into(),
            ]);
            rows.push(cells);
        }
        rows
    }

    fn table_of(rows: Vec<Vec<String>>, name: Option<&str>) -> Table {
        Table {
            name: name.map(str::to_string),
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i + 1,
                    cells,
                })
                .collect(),
            ..Table::default()
        }
    }

    #[test]
    fn rows_read_on_several_threads_in_blocks_borrowed_or_owned_give_the_same_preview() {
        let tracker = [
            "Ref",
            "Action",
            "RAG",
            "Owner",
            "Due Date",
            "Latest Update",
            "Date of Update",
            "Status",
        ];
        let grouped = [
            "Ref",
            "Objective",
            "Action",
            "Owner",
            "Due Date",
            "Latest Update",
            "Date of Update",
            "RAG",
        ];
        let levelled = [
            "Ref", "Level", "Action", "Owner", "Due", "Update", "Updated", "RAG",
        ];
        let mut books = vec![
            workbook(vec![table_of(varied_rows(2_500, &tracker), None)]),
            workbook(vec![
                table_of(varied_rows(700, &grouped), Some("One")),
                table_of(varied_rows(301, &levelled), Some("Two")),
                table_of(varied_rows(3, &tracker), Some("Three")),
            ]),
        ];
        let mut document = workbook(vec![table_of(varied_rows(400, &tracker), None)]);
        document.format = Format::Docx;
        document.tables[0].heading = Some("To strengthen neighbourhood policing".into());
        books.push(document);
        // The shared seeds too, where this clone has them beside it.
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        if !seeds.is_dir() {
            waymark_testing::missing(
                &format!("the shared seeds folder at {}", seeds.display()),
                "a checkout with shared/ beside the repository",
            );
        }
        for dir in [seeds, fixtures] {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if let Ok(book) = crate::read::read_file(&entry.path()) {
                    books.push(book);
                }
            }
        }
        // The generated files exercise what they are meant to.
        let tracker = build_preview(&books[0], &options()).unwrap();
        for kind in [
            FindingKind::ShiftedCells,
            FindingKind::UnparseableDate,
            FindingKind::DuplicateUpdateText,
            FindingKind::UnknownRag,
            FindingKind::MissingText,
            FindingKind::EntriesOutOfOrder,
            FindingKind::UpdateDateBeforeEntry,
        ] {
            assert!(tracker.findings_of(kind).count() > 0, "{kind:?}");
        }
        assert!(tracker.items.iter().any(|item| item.depth == 2));
        let grouped = build_preview(&books[1], &options()).unwrap();
        assert!(grouped.items.iter().any(|item| item.derived));
        assert!(
            grouped
                .items
                .iter()
                .any(|item| !item.derived && item.parent.is_some_and(|p| grouped.items[p].derived))
        );
        let mut level_options = options();
        level_options.level_names = vec!["Objective".into(), "Action".into()];
        for book in &books {
            for options in [options(), level_options.clone()] {
                let one = build_preview_in(
                    Cow::Borrowed(book),
                    &options,
                    &mut |_, _| {},
                    Parallelism {
                        threads: 1,
                        min_rows: 0,
                        block_rows: usize::MAX,
                    },
                );
                let Ok(one) = one else {
                    assert!(preview_on_fails(book, &options));
                    continue;
                };
                for (threads, block_rows, owned) in [
                    (2, usize::MAX, false),
                    (3, usize::MAX, true),
                    (7, usize::MAX, false),
                    (1, 97, true),
                    (2, 1, false),
                    (3, 500, true),
                ] {
                    assert_eq!(
                        preview_on(book, &options, threads, block_rows, owned),
                        one,
                        "{} on {threads} threads in blocks of {block_rows}, owned: {owned}",
                        book.file
                    );
                }
            }
        }
    }

    fn preview_on_fails(book: &Workbook, options: &PreviewOptions) -> bool {
        let parallelism = Parallelism {
            threads: 3,
            min_rows: 0,
            block_rows: 97,
        };
        build_preview_in(
            Cow::Owned(book.clone()),
            options,
            &mut |_, _| {},
            parallelism,
        )
        .is_err()
    }

    #[test]
    fn a_file_with_no_header_is_an_error_naming_it() {
        let book = workbook(vec![table(&[&["just", "words"], &["and", "more"]])]);
        let error = build_preview(&book, &options()).unwrap_err();
        assert!(error.to_string().starts_with("test.csv:"));
    }
}
