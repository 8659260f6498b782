//! Finding the header row among a sheet's first rows, naming what each column holds from its
//! header's words, and reading the rows above the header as plan metadata ("Improvement Plan
//! Owner: Chief Superintendent, Command Support", a title line).

use serde::Serialize;

use crate::mapping::Mapping;
use crate::table::Row;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Reference,
    Text,
    Description,
    StrategicLead,
    Owner,
    Start,
    Due,
    /// Progress notes; several columns may hold them (initial response, latest update).
    Updates,
    /// The row's date of update.
    UpdateDate,
    Complete,
    CompletedOn,
    Rag,
    /// A parent level such as "Strategic objective": rows are grouped under its values.
    Parent,
    /// The depth of the row's item, as Waymark's own exports write it.
    Level,
    /// A column Waymark has no field for ("Inspection", "Source"): its cells are kept as the
    /// items' own fields, named by the header, so nothing in the file is lost.
    Own,
    Ignore,
}

impl Field {
    /// Reads a field name as a mapping file writes it.
    pub fn parse(name: &str) -> Option<Field> {
        let field = match normalise_header(name).replace(' ', "_").as_str() {
            "reference" | "ref" => Field::Reference,
            "text" | "title" => Field::Text,
            "description" => Field::Description,
            "strategic_lead" => Field::StrategicLead,
            "owner" | "owners" => Field::Owner,
            "start" => Field::Start,
            "due" => Field::Due,
            "updates" | "update" => Field::Updates,
            "update_date" | "date_of_update" => Field::UpdateDate,
            "complete" => Field::Complete,
            "completed_on" => Field::CompletedOn,
            "rag" => Field::Rag,
            "parent" => Field::Parent,
            "level" => Field::Level,
            "own" | "own_field" | "keep" => Field::Own,
            "ignore" | "none" | "skip" => Field::Ignore,
            _ => return None,
        };
        Some(field)
    }

    /// The field's name as a mapping file, `--map` and the API write it; `Field::parse` reads
    /// it back.
    pub fn name(self) -> &'static str {
        match self {
            Field::Reference => "reference",
            Field::Text => "text",
            Field::Description => "description",
            Field::StrategicLead => "strategic_lead",
            Field::Owner => "owner",
            Field::Start => "start",
            Field::Due => "due",
            Field::Updates => "updates",
            Field::UpdateDate => "update_date",
            Field::Complete => "complete",
            Field::CompletedOn => "completed_on",
            Field::Rag => "rag",
            Field::Parent => "parent",
            Field::Level => "level",
            Field::Own => "own",
            Field::Ignore => "ignore",
        }
    }

    /// What the import preview calls the field, in its choice of what a column holds.
    pub fn label(self) -> &'static str {
        match self {
            Field::Reference => "Reference",
            Field::Text => "Item text",
            Field::Description => "Description",
            Field::StrategicLead => "Strategic lead",
            Field::Owner => "Owner",
            Field::Start => "Start date",
            Field::Due => "Due date",
            Field::Updates => "Progress updates",
            Field::UpdateDate => "Date of update",
            Field::Complete => "Complete",
            Field::CompletedOn => "Date completed",
            Field::Rag => "RAG status",
            Field::Parent => "Parent level (rows grouped under it)",
            Field::Level => "Level",
            Field::Own => "Kept as the items' own field",
            Field::Ignore => "Ignored",
        }
    }

    /// Every field, in the order the preview offers them.
    pub const ALL: [Field; 16] = [
        Field::Reference,
        Field::Text,
        Field::Description,
        Field::StrategicLead,
        Field::Owner,
        Field::Start,
        Field::Due,
        Field::Updates,
        Field::UpdateDate,
        Field::Complete,
        Field::CompletedOn,
        Field::Rag,
        Field::Parent,
        Field::Level,
        Field::Own,
        Field::Ignore,
    ];

    fn is_date(self) -> bool {
        matches!(
            self,
            Field::Start | Field::Due | Field::UpdateDate | Field::CompletedOn
        )
    }
}

/// Header words for each field. Exact matches win; otherwise the longest synonym found as
/// whole words in the header decides, so "Date of Update" is a date and "Latest Update" is not.
const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::Reference,
        &[
            "ref",
            "ref no",
            "reference",
            "reference no",
            "reference number",
            "ref number",
            "no",
            "number",
            "id",
            "rec",
            "rec no",
            "serial",
            "recommendation no",
            "recommendation number",
            "action no",
            "action ref",
            "paragraph",
            "para",
            "hash",
        ],
    ),
    (
        Field::Text,
        &[
            "area for improvement",
            "areas for improvement",
            "afi",
            "recommendation",
            "recommendations",
            "objective",
            "objectives",
            "delivery plan action description",
            "delivery plan action",
            "action description",
            "action",
            "actions",
            "description",
            "item",
            "text",
            "title",
            "task",
            "activity",
            "milestone",
            "milestones",
            "key actions",
            "what we will do",
            "finding",
            "project",
            "deliverable",
            "issue",
        ],
    ),
    (
        Field::Description,
        &[
            "detail",
            "details",
            "further detail",
            // What an action should achieve describes it; it is not a parent level.
            "expected outcome",
            "expected outcomes",
            "desired outcome",
            "intended outcome",
            "outcome sought",
            "success measure",
            "success measures",
            "measure of success",
            "measures of success",
        ],
    ),
    (
        Field::StrategicLead,
        &[
            "strategic lead",
            "strategic owner",
            "executive lead",
            "chief officer lead",
            "portfolio lead",
            "sponsor",
            "senior responsible officer",
            "sro",
        ],
    ),
    (
        Field::Owner,
        &[
            "action owner",
            "owner",
            "owners",
            "lead",
            "lead officer",
            "responsible",
            "responsible officer",
            "responsibility",
            "accountable",
            "by whom",
            "who",
            "assigned to",
            "action lead",
            "department",
            "dept",
            "lead department",
        ],
    ),
    (Field::Start, &["start", "start date", "date started"]),
    (
        Field::Due,
        &[
            "due",
            "due date",
            "date due",
            "deadline",
            "target date",
            "target completion date",
            "completion date",
            "timescale",
            "timescales",
            "by when",
            "target",
            "end date",
            "expected completion",
            "forecast completion",
            "timeline",
            "revised deadline",
        ],
    ),
    (
        Field::Updates,
        &[
            "initial response",
            "latest update",
            "progress",
            "progress with actions",
            "progress update",
            "progress to date",
            "update",
            "updates",
            "update history",
            "full history",
            "history",
            "commentary",
            "comments",
            "comment",
            "narrative",
            "current position",
            "latest position",
            "position statement",
            "response",
            "status update",
            "notes",
        ],
    ),
    (
        Field::UpdateDate,
        &[
            "date of update",
            "update date",
            "date updated",
            "last updated",
            "date of last update",
            "as at",
            "as of",
            "date",
        ],
    ),
    (
        Field::Complete,
        &[
            "complete",
            "complete yes no",
            "completed",
            "complete y n",
            "closed",
            "done",
        ],
    ),
    (
        Field::CompletedOn,
        &[
            "date completed",
            "completed on",
            "date closed",
            "closed date",
            "completed date",
        ],
    ),
    (
        Field::Rag,
        &[
            "rag",
            "rag status",
            "status",
            "rag rating",
            "rating",
            "current rag",
            "r a g",
            "brag",
            "brag status",
            "brag rating",
            "b rag",
            "rag brag",
        ],
    ),
    (
        Field::Parent,
        &[
            "strategic aim",
            "strategic aims",
            "strategic objective",
            "strategic objectives",
            "strategic priority",
            "theme",
            "priority",
            "project area",
            "workstream",
            "work stream",
            "pillar",
            "outcome",
            "aim",
            "section",
        ],
    ),
    (Field::Level, &["level"]),
];

/// Headers longer than this are sentences, not headers.
const HEADER_MAX_WORDS: usize = 7;

/// Lower case, punctuation as spaces, single spaces: "Complete Yes/No" → "complete yes no".
pub fn normalise_header(header: &str) -> String {
    let mut normal = String::with_capacity(header.len());
    normalise_header_into(header, &mut normal);
    normal
}

/// As `normalise_header`, into a buffer the caller reuses (it is cleared first).
pub fn normalise_header_into(header: &str, normal: &mut String) {
    normal.clear();
    let mut pending_space = false;
    for c in header.trim().chars() {
        if c == '#' {
            if !normal.is_empty() {
                normal.push(' ');
            }
            normal.push_str("hash");
            pending_space = true;
        } else if c.is_alphanumeric() {
            if pending_space && !normal.is_empty() {
                normal.push(' ');
            }
            pending_space = false;
            normal.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
}

/// The field a header names, if any. A remark in brackets ("Progress (please date each
/// entry)", "Due date (dd/mm/yy)") is an instruction to whoever fills the column, so it is
/// read only when the words outside the brackets name nothing.
pub fn field_for_header(header: &str) -> Option<Field> {
    let outside = without_brackets(header);
    if outside.trim() != header.trim()
        && let Some(field) = field_for_joined(&outside)
    {
        return Some(field);
    }
    field_for_joined(header)
}

/// A header that joins names with "/" or "&" ("PROGRESS / OUTCOME", "Update & Evidence") is
/// read by the names it joins, not as one phrase whose last word decides. A header that is
/// itself a known phrase ("Complete Yes/No", "R/A/G") is read whole first. Where the joined
/// names disagree, a column of notes or any other field beats a parent level: a column that
/// holds dated notes must never become a level of the plan.
fn field_for_joined(header: &str) -> Option<Field> {
    if !header.contains(['/', '&']) {
        return field_for_words(header);
    }
    if let Some(field) = exact_synonym(&normalise_header(header)) {
        return Some(field);
    }
    let parts: Vec<Field> = header
        .split(['/', '&'])
        .filter(|part| !part.trim().is_empty())
        .filter_map(field_for_words)
        .collect();
    if parts.is_empty() {
        return field_for_words(header);
    }
    parts
        .iter()
        .copied()
        .find(|field| *field == Field::Updates)
        .or_else(|| parts.iter().copied().find(|field| *field != Field::Parent))
        .or_else(|| parts.first().copied())
}

fn field_for_words(header: &str) -> Option<Field> {
    let normal = normalise_header(header);
    if normal.is_empty() || normal.split(' ').count() > HEADER_MAX_WORDS {
        return None;
    }
    if let Some(field) = exact_synonym(&normal) {
        return Some(field);
    }
    let header_words: Vec<&str> = normal.split(' ').collect();
    let has = |word: &str| header_words.contains(&word);
    // A header about a date names a date column whatever else it mentions.
    if has("date") || has("when") {
        if has("due") || has("target") || has("deadline") || has("completion") {
            return Some(Field::Due);
        }
        if has("start") || has("started") {
            return Some(Field::Start);
        }
        if has("revised") {
            return Some(Field::Due);
        }
        if has("completed") || has("complete") || has("closed") || has("closure") {
            return Some(Field::CompletedOn);
        }
        return Some(Field::UpdateDate);
    }
    // "AFI No", "Item Ref", "Action #": a header ending in a numbering word numbers the items.
    if header_words.len() > 1
        && !has("yes")
        && header_words.last().is_some_and(|last| {
            matches!(*last, "no" | "number" | "ref" | "reference" | "hash" | "id")
        })
    {
        return Some(Field::Reference);
    }
    // Otherwise the synonym that ends the header wins, since a header's last noun is its head
    // ("Action Lead" is an owner, "Progress RAG" a RAG); then the longest found anywhere.
    let mut best: Option<(bool, usize, Field)> = None;
    for (field, words) in SYNONYMS {
        for synonym in *words {
            if synonym.len() < 3 || field.is_date() {
                continue;
            }
            if !contains_words(&normal, synonym) {
                continue;
            }
            let ends = normal == *synonym || normal.ends_with(&format!(" {synonym}"));
            if best.is_none_or(|(best_ends, len, _)| (ends, synonym.len()) > (best_ends, len)) {
                best = Some((ends, synonym.len(), *field));
            }
        }
    }
    best.map(|(_, _, field)| field)
}

/// The field whose synonyms hold the normalised header exactly.
fn exact_synonym(normal: &str) -> Option<Field> {
    SYNONYMS
        .iter()
        .find(|(_, words)| words.contains(&normal))
        .map(|(field, _)| *field)
}

/// The header row found in a table, and the field of each column.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMatch {
    /// Index into the table's rows.
    pub index: usize,
    /// Index of the first row after the header: `index + 1`, or `index + 2` when a second
    /// header row below names the columns under a group ("Dates" over "Start" and "Due").
    pub body_start: usize,
    pub columns: Vec<Column>,
}

/// One column of the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub index: usize,
    /// The header as written, for findings and level names.
    pub header: String,
    pub field: Field,
}

impl HeaderMatch {
    pub fn first(&self, field: Field) -> Option<&Column> {
        self.columns.iter().find(|column| column.field == field)
    }

    pub fn all(&self, field: Field) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(move |column| column.field == field)
    }

    pub fn has(&self, field: Field) -> bool {
        self.first(field).is_some()
    }
}

/// How many of a table's first rows may hold the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// Finds the header row: among the first rows, the one naming the most distinct fields, with
/// at least a text column and one other. The mapping file may name the row or the columns.
pub fn detect_header(rows: &[Row], mapping: &Mapping) -> Option<HeaderMatch> {
    let mut best: Option<(usize, HeaderMatch)> = None;
    for (index, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        if let Some(number) = mapping.header_row
            && row.number != number
        {
            continue;
        }
        let columns = assign_fields(row, mapping);
        let mut distinct: Vec<Field> = columns
            .iter()
            .map(|c| c.field)
            .filter(|f| !matches!(f, Field::Ignore | Field::Own))
            .collect();
        distinct.sort_by_key(|f| *f as u8);
        distinct.dedup();
        let has_text = distinct.contains(&Field::Text);
        if !has_text || distinct.len() < 2 {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(score, _)| distinct.len() > *score)
        {
            best = Some((
                distinct.len(),
                HeaderMatch {
                    index,
                    body_start: index + 1,
                    columns,
                },
            ));
        }
    }
    let (score, header) = best?;
    Some(with_sub_header(rows, header, score, mapping))
}

/// A header in two rows: the top row names most columns (its cells merged down) and the row
/// below names the columns under a group heading ("Dates" over "Start" and "Due", "Progress"
/// over "Update" and "Date"). The lower row is taken when every cell of it names a field and
/// the two rows together name more fields than the top row alone.
fn with_sub_header(
    rows: &[Row],
    header: HeaderMatch,
    score: usize,
    mapping: &Mapping,
) -> HeaderMatch {
    let Some(below) = rows.get(header.index + 1) else {
        return header;
    };
    let filled: Vec<(usize, &str)> = below.filled().collect();
    let names_fields = filled.len() >= 2
        && filled
            .iter()
            .all(|(_, cell)| mapping.field_for(cell).is_some() || field_for_header(cell).is_some());
    if !names_fields {
        return header;
    }
    let top = &rows[header.index];
    let width = top.cells.len().max(below.cells.len());
    let merged = Row {
        number: top.number,
        cells: (0..width)
            .map(|i| {
                let lower = below.cell(i).trim();
                if lower.is_empty() { top.cell(i) } else { lower }.to_string()
            })
            .collect(),
    };
    let columns = assign_fields(&merged, mapping);
    let mut distinct: Vec<Field> = columns
        .iter()
        .map(|c| c.field)
        .filter(|f| !matches!(f, Field::Ignore | Field::Own))
        .collect();
    distinct.sort_by_key(|f| *f as u8);
    distinct.dedup();
    if distinct.len() > score && distinct.contains(&Field::Text) {
        HeaderMatch {
            index: header.index,
            body_start: header.index + 2,
            columns,
        }
    } else {
        header
    }
}

/// Names the field of every non-blank header cell, then settles columns that compete: with
/// several text columns the leftmost become parent levels and "Description" the item's
/// description; a second reference column belongs to the parent column after it.
fn assign_fields(row: &Row, mapping: &Mapping) -> Vec<Column> {
    let mut columns: Vec<Column> = row
        .filled()
        .map(|(index, header)| Column {
            index,
            header: header.trim().to_string(),
            field: mapping
                .field_for(header)
                .or_else(|| field_for_header(header))
                .unwrap_or(Field::Own),
        })
        .collect();
    let texts: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.field == Field::Text && mapping.field_for(&c.header).is_none())
        .map(|(position, _)| position)
        .collect();
    if texts.len() > 1 {
        // "Description" beside a more specific text column describes it.
        let described: Vec<usize> = texts
            .iter()
            .copied()
            .filter(|&p| normalise_header(&columns[p].header) == "description")
            .collect();
        let remaining: Vec<usize> = texts
            .iter()
            .copied()
            .filter(|p| !described.contains(p))
            .collect();
        if !remaining.is_empty() {
            for p in described {
                columns[p].field = Field::Description;
            }
        }
        if let Some((&last, parents)) = remaining.split_last() {
            for &p in parents {
                columns[p].field = Field::Parent;
            }
            columns[last].field = Field::Text;
        }
    }
    settle_status_columns(&mut columns);
    // A field that only makes sense once keeps its first column; later ones are kept as the
    // items' own fields (named by their headers) so that two "Owner" columns don't fight and
    // nothing in the second is lost. A field the mapping gives a column (a person's
    // correction) is that column's: a column detected as the same field is kept as the items'
    // own field instead, so nothing in it is lost and the preview shows where it went.
    let repeatable = |field: Field| {
        matches!(
            field,
            Field::Updates | Field::Parent | Field::Own | Field::Ignore
        )
    };
    let mapped: Vec<Field> = columns
        .iter()
        .filter(|c| !repeatable(c.field) && mapping.field_for(&c.header) == Some(c.field))
        .map(|c| c.field)
        .collect();
    let mut seen: Vec<Field> = Vec::new();
    for column in &mut columns {
        if repeatable(column.field) {
            continue;
        }
        if mapped.contains(&column.field) && mapping.field_for(&column.header).is_none() {
            column.field = Field::Own;
            continue;
        }
        if column.field == Field::Reference && seen.contains(&Field::Reference) {
            continue;
        }
        if seen.contains(&column.field) {
            column.field = Field::Own;
        } else {
            seen.push(column.field);
        }
    }
    // With two reference columns, the one before a parent column numbers the parent; keep only
    // the reference nearest the text column for items.
    let references: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.field == Field::Reference)
        .map(|(p, _)| p)
        .collect();
    if references.len() > 1 {
        let text_at = columns
            .iter()
            .position(|c| c.field == Field::Text)
            .unwrap_or(usize::MAX);
        let keep = references
            .iter()
            .copied()
            .filter(|&p| p < text_at)
            .max()
            .unwrap_or(references[0]);
        for p in references {
            if p != keep {
                columns[p].field = Field::Ignore;
            }
        }
    }
    columns
}

/// With a "Status" column beside one that names RAG, the RAG column holds the colour and the
/// status column says whether the item is done ("In progress", "Complete"), so it is read as
/// the complete column where the sheet has none.
fn settle_status_columns(columns: &mut [Column]) {
    let names_rag = |column: &Column| {
        let normal = normalise_header(&without_brackets(&column.header));
        normal
            .split(' ')
            .any(|word| matches!(word, "rag" | "brag" | "r" | "rating"))
    };
    let rag_columns: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.field == Field::Rag)
        .map(|(p, _)| p)
        .collect();
    if rag_columns.len() < 2 || !rag_columns.iter().any(|&p| names_rag(&columns[p])) {
        return;
    }
    let mut has_complete = columns.iter().any(|c| c.field == Field::Complete);
    for p in rag_columns {
        if names_rag(&columns[p]) {
            continue;
        }
        columns[p].field = if has_complete {
            Field::Ignore
        } else {
            has_complete = true;
            Field::Complete
        };
    }
}

/// What the rows above the header say about the plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PreambleFacts {
    pub title: Option<String>,
    /// "SCT Portfolio Owner: Deputy Chief Constable", as written.
    pub owner_posts: Vec<String>,
    pub period: Option<String>,
    pub source: Option<String>,
    /// Other lines, kept so nothing the file said is lost.
    pub notes: Vec<String>,
}

/// Whether a line states a fact about the plan ("Strategic Lead: ACC Specialist Operations",
/// "Period: 2016-17"), which makes it preamble rather than a heading naming a parent.
pub fn is_plan_fact_line(line: &str) -> bool {
    let Some((label, value)) = line.split_once(':') else {
        return false;
    };
    let label = normalise_header(label);
    !value.trim().is_empty()
        && label.split(' ').count() <= 6
        && label.split(' ').any(|word| {
            matches!(
                word,
                "owner" | "lead" | "period" | "year" | "source" | "version" | "author" | "date"
            )
        })
}

/// Reads title, owners, period and source from lines above the header (or before a
/// document's first table).
pub fn read_preamble<'a>(lines: impl IntoIterator<Item = &'a str>) -> PreambleFacts {
    let mut facts = PreambleFacts::default();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some((label, value)) = line.split_once(':')
            && !value.trim().is_empty()
            && label.split_whitespace().count() <= 6
        {
            let label_words = normalise_header(label);
            if label_words.contains("owner") || label_words.contains("lead") {
                facts.owner_posts.push(line.to_string());
                continue;
            }
            if label_words == "title" || label_words == "plan title" || label_words == "plan name" {
                facts.title.get_or_insert_with(|| value.trim().to_string());
                continue;
            }
            if label_words.contains("period") || label_words == "year" {
                facts.period.get_or_insert_with(|| value.trim().to_string());
                continue;
            }
            if label_words.contains("source")
                || label_words.contains("report")
                || label_words.contains("inspection")
            {
                facts.source.get_or_insert_with(|| value.trim().to_string());
                continue;
            }
            // Facts about the document, not its title: kept as notes, where the marking is
            // read from.
            let about_the_document = label_words.split(' ').any(|word| {
                matches!(
                    word,
                    "classification"
                        | "marking"
                        | "version"
                        | "author"
                        | "date"
                        | "status"
                        | "review"
                        | "reviewed"
                        | "approved"
                )
            });
            if about_the_document {
                facts.notes.push(line.to_string());
                continue;
            }
        }
        if facts.title.is_none() {
            facts.title = Some(line.to_string());
        } else {
            facts.notes.push(line.to_string());
        }
    }
    facts
}

/// The header with any bracketed remarks removed.
fn without_brackets(header: &str) -> String {
    let mut kept = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    kept
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    let padded = format!(" {haystack} ");
    padded.contains(&format!(" {needle} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: usize, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn seed_headers_name_their_fields() {
        let cases = [
            ("Ref", Field::Reference),
            ("Ref No.", Field::Reference),
            ("No.", Field::Reference),
            ("Area for Improvement", Field::Text),
            ("Delivery Plan action description", Field::Text),
            ("Strategic Lead", Field::StrategicLead),
            ("Action Owner", Field::Owner),
            ("Due Date", Field::Due),
            ("Target date", Field::Due),
            ("Initial Response", Field::Updates),
            ("Latest Update", Field::Updates),
            ("Progress with Actions", Field::Updates),
            ("Date of Update", Field::UpdateDate),
            ("Date of last update", Field::UpdateDate),
            ("Complete Yes/No", Field::Complete),
            ("RAG Status", Field::Rag),
            ("Status", Field::Rag),
            ("Strategic objective", Field::Parent),
            ("Project area", Field::Parent),
            ("Lead officer (post)", Field::Owner),
            ("Current RAG rating", Field::Rag),
        ];
        for (header, field) in cases {
            assert_eq!(field_for_header(header), Some(field), "{header}");
        }
        assert_eq!(field_for_header("Budget"), None);
    }

    #[test]
    fn joined_headers_are_read_by_the_names_they_join() {
        let cases = [
            // A progress column must never become a level of the plan.
            ("PROGRESS / OUTCOME", Field::Updates),
            ("Outcome / Progress", Field::Updates),
            ("UPDATE & EVIDENCE", Field::Updates),
            ("ACTION OWNER / LEAD", Field::Owner),
            ("THEME / ACTION", Field::Text),
            ("DUE DATE / TIMESCALE", Field::Due),
            // Known phrases with a slash are read whole.
            ("Complete Yes/No", Field::Complete),
            ("R/A/G", Field::Rag),
            ("B/RAG", Field::Rag),
        ];
        for (header, field) in cases {
            assert_eq!(field_for_header(header), Some(field), "{header}");
        }
    }

    #[test]
    fn other_spellings_name_their_fields() {
        let cases = [
            ("REF.", Field::Reference),
            ("Action No", Field::Reference),
            ("Recommendation No.", Field::Reference),
            ("Owner(s)", Field::Owner),
            ("Lead\nOfficer", Field::Owner),
            ("Responsible Officer", Field::Owner),
            ("Target Completion Date", Field::Due),
            ("Timescale", Field::Due),
            ("BRAG", Field::Rag),
            ("B/RAG Status", Field::Rag),
            ("Update / Commentary", Field::Updates),
            ("Progress\n(please date each entry)", Field::Updates),
            ("Due date (dd/mm/yy)", Field::Due),
            ("Date Updated", Field::UpdateDate),
            ("Last Updated", Field::UpdateDate),
            ("Rec", Field::Reference),
            ("AFI No", Field::Reference),
            ("Item No", Field::Reference),
            ("Action Lead", Field::Owner),
            ("Recommendation Owner", Field::Owner),
            ("Workstream Lead", Field::Owner),
            ("Progress RAG", Field::Rag),
            ("Date Complete", Field::CompletedOn),
            ("Closure Date", Field::CompletedOn),
            ("Revised Date", Field::Due),
            ("Expected Completion", Field::Due),
            ("Latest Position", Field::Updates),
            ("Expected Outcome", Field::Description),
            ("Success Measure", Field::Description),
            ("Milestones", Field::Text),
        ];
        for (header, field) in cases {
            assert_eq!(field_for_header(header), Some(field), "{header}");
        }
    }

    #[test]
    fn a_header_in_two_rows_takes_the_names_under_a_group() {
        let rows = vec![
            row(1, &["Ref", "Action", "Owner", "Dates", "", "Progress", ""]),
            row(2, &["", "", "", "Start", "Due", "Update", "Date"]),
            row(
                3,
                &[
                    "1",
                    "Patrol",
                    "Head of Ops",
                    "1/4/16",
                    "31/3/17",
                    "Begun",
                    "1/5/16",
                ],
            ),
        ];
        let header = detect_header(&rows, &Mapping::default()).unwrap();
        assert_eq!((header.index, header.body_start), (0, 2));
        let fields: Vec<Field> = header.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::Reference,
                Field::Text,
                Field::Owner,
                Field::Start,
                Field::Due,
                Field::Updates,
                Field::UpdateDate
            ]
        );
        // A data row below is not a second header.
        let rows = vec![
            row(1, &["Ref", "Action", "Owner"]),
            row(2, &["1", "Patrol hot spots", "Head of Ops"]),
        ];
        assert_eq!(
            detect_header(&rows, &Mapping::default())
                .unwrap()
                .body_start,
            1
        );
    }

    #[test]
    fn a_status_column_beside_a_rag_column_says_whether_done() {
        let rows = vec![row(1, &["Action", "Current Status", "RAG"])];
        let header = detect_header(&rows, &Mapping::default()).unwrap();
        let fields: Vec<Field> = header.columns.iter().map(|c| c.field).collect();
        assert_eq!(fields, vec![Field::Text, Field::Complete, Field::Rag]);
    }

    #[test]
    fn the_header_row_is_found_below_the_preamble() {
        let rows = vec![
            row(3, &["CORE BUSINESS IMPROVEMENT PLAN"]),
            row(
                5,
                &[
                    "National Recommendations",
                    "",
                    "SCT Portfolio Owner: Deputy Chief Constable",
                ],
            ),
            row(
                6,
                &["Improvement Plan Owner: Chief Superintendent, Command Support"],
            ),
            row(
                7,
                &["Ref", "Area for Improvement", "Action Owner", "Due Date"],
            ),
            row(8, &["pg 45", "Text", "Op Trafalgar Lead", "31-Mar-15"]),
        ];
        let header = detect_header(&rows, &Mapping::default()).unwrap();
        assert_eq!(header.index, 3);
        assert_eq!(header.first(Field::Due).unwrap().index, 3);
        let facts = read_preamble(
            rows[..3]
                .iter()
                .flat_map(|r| r.cells.iter().map(String::as_str)),
        );
        assert_eq!(
            facts.title.as_deref(),
            Some("CORE BUSINESS IMPROVEMENT PLAN")
        );
        assert_eq!(
            facts.owner_posts,
            vec![
                "SCT Portfolio Owner: Deputy Chief Constable",
                "Improvement Plan Owner: Chief Superintendent, Command Support"
            ]
        );
        assert_eq!(facts.notes, vec!["National Recommendations"]);
    }

    #[test]
    fn competing_text_columns_become_parent_and_description() {
        let rows = vec![row(
            1,
            &["Objective", "Action", "Description", "Owner", "RAG"],
        )];
        let header = detect_header(&rows, &Mapping::default()).unwrap();
        let fields: Vec<Field> = header.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::Parent,
                Field::Text,
                Field::Description,
                Field::Owner,
                Field::Rag
            ]
        );
    }
}
