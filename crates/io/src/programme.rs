//! A programme register read as its team keeps it: a project sheet (project, area, status,
//! lead, participants written as "All" or a list, collaboration model, framework tags,
//! funding by year in columns, savings target and realised, latest update) and a
//! contributions sheet (each force and its grant, the team's cost and how it is shared), in
//! whatever order and wording the columns come. A table of funding by year written as seed
//! 003's is, rows of tab-separated cells in a document's text, reads the same way.
//!
//! Money cells are read as people write them (`core::programme::money`): sums are added,
//! unknown amounts ("tbc", "xxx") stay unknown and are counted, and a cell that cannot be read
//! is a finding naming its row and column. Nothing here knows organisations: names are kept as
//! written for the application layer to match.

use std::collections::BTreeMap;

use waymark_core::Rag;
use waymark_core::Tag;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{
    APACS_CATEGORIES, BasisKind, CollaborationModel, MoneyCell, MoneyScale, ProjectStatus,
    parse_money_scaled, split_participants, split_tag_cell,
};

use crate::findings::{Finding, FindingKind};
use crate::header::normalise_header;
use crate::table::{Row, Table, Workbook};

/// A money cell's reading: known pence, or unknown with the words written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRead {
    pub pence: Option<i64>,
    pub written: String,
}

/// One project row of the register.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedProject {
    pub row: usize,
    pub table: Option<String>,
    pub reference: Option<String>,
    pub name: String,
    /// The project area as written; `None` where the register gives none.
    pub area: Option<String>,
    pub status: Option<ProjectStatus>,
    pub lead: Option<String>,
    /// `None`: all the programme's participants.
    pub participants: Option<Vec<String>>,
    pub model: Option<CollaborationModel>,
    pub tags: Vec<Tag>,
    pub owners: Vec<String>,
    pub rag: Option<Rag>,
    /// Funding by year, in the columns' order; the source where a column names it.
    pub funding: Vec<(FinancialYear, Option<String>, MoneyRead)>,
    pub savings_target: Option<MoneyRead>,
    pub savings_realised: Option<MoneyRead>,
    /// The year the savings columns speak for: their header's, else the register's.
    pub savings_year: Option<FinancialYear>,
    pub latest_update: Option<String>,
    /// Kept to the lead organisation, where a column says so.
    pub lead_only: bool,
}

/// One organisation's row of the contributions sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedContribution {
    pub row: usize,
    pub organisation: String,
    pub kind: BasisKind,
    /// Pence, or hundredths of a percent for a fixed percentage.
    pub value: i64,
    /// The contribution the sheet itself states, to compare with Waymark's.
    pub stated_share: Option<i64>,
    /// Where the figure comes from: the sheet and the column.
    pub source: String,
}

/// One organisation's contribution where the sheet states it only as an amount, with no
/// basis to share in proportion to: the amounts are the shares (fixed amounts).
#[derive(Debug, Clone, PartialEq)]
pub struct StatedContribution {
    pub row: usize,
    pub organisation: String,
    pub pence: i64,
    /// The sheet and the column.
    pub source: String,
}

/// The programme team's cost and how it is shared.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCost {
    pub row: usize,
    pub label: String,
    pub total: i64,
    /// How it is shared, as the sheet says; in proportion to the basis given where it says not.
    pub kind: Option<BasisKind>,
    pub equal: bool,
    pub year: Option<FinancialYear>,
}

/// A row of a funding-by-year table: what it is for and its cells by year.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFundingRow {
    pub row: usize,
    pub label: String,
    pub cells: Vec<(FinancialYear, MoneyRead)>,
}

/// Everything read from a programme register.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgrammeImport {
    pub title: Option<String>,
    /// The year the register speaks for, where it says.
    pub year: Option<FinancialYear>,
    pub projects: Vec<ParsedProject>,
    pub contributions: Vec<ParsedContribution>,
    /// Contributions stated as amounts on a sheet that gives no basis: fixed shares.
    pub stated_contributions: Vec<StatedContribution>,
    pub cost: Option<ParsedCost>,
    pub funding_rows: Vec<ParsedFundingRow>,
    /// The programme's own savings target and the year it is for, where a sheet states one.
    pub savings_target: Option<(Option<FinancialYear>, i64)>,
    pub findings: Vec<Finding>,
}

impl ProgrammeImport {
    /// Projects counted by status word ("current", "proposed") and by area.
    pub fn counts(&self) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
        let mut by_area = BTreeMap::new();
        let mut by_status = BTreeMap::new();
        for project in &self.projects {
            let area = project
                .area
                .clone()
                .unwrap_or_else(|| "Programme".to_string());
            *by_area.entry(area).or_insert(0) += 1;
            let status = project
                .status
                .as_ref()
                .map_or("current", ProjectStatus::as_str);
            *by_status.entry(status.to_string()).or_insert(0) += 1;
        }
        (by_area, by_status)
    }
}

/// What a project sheet's column holds.
#[derive(Debug, Clone, PartialEq)]
enum ProjectColumn {
    Name,
    Reference,
    Area,
    Status,
    Lead,
    Participants,
    Model,
    /// Tags of one taxonomy; `None` is a column of mixed tags ("APACS: …; PSA 23").
    Tags(Option<String>),
    Owner,
    Rag,
    /// Funding for a year; `None` is the register's year (a "Funding" column with no year).
    Funding(Option<FinancialYear>, MoneyScale),
    FundingSource,
    SavingsTarget(Option<FinancialYear>, MoneyScale),
    SavingsRealised(Option<FinancialYear>, MoneyScale),
    Update,
    LeadOnly,
}

/// Whether a workbook is a programme register: a table with a project column and one of
/// participants, lead force or project area, beside money by year or savings; or a sheet of
/// contributions by grant; or a funding table by year in a document's text.
pub fn is_programme_workbook(workbook: &Workbook) -> bool {
    workbook.tables.iter().any(|table| {
        project_header(table).is_some_and(|(_, columns)| {
            let has = |f: &dyn Fn(&ProjectColumn) -> bool| columns.iter().any(|(_, c)| f(c));
            has(&|c| {
                matches!(
                    c,
                    ProjectColumn::Participants | ProjectColumn::Lead | ProjectColumn::Area
                )
            }) && has(&|c| {
                matches!(
                    c,
                    ProjectColumn::Funding(..)
                        | ProjectColumn::SavingsTarget(..)
                        | ProjectColumn::SavingsRealised(..)
                        | ProjectColumn::Model
                        | ProjectColumn::Participants
                )
            })
        }) || contributions_header(table).is_some()
            || (matches!(
                workbook.format,
                crate::table::Format::Tsv | crate::table::Format::Docx
            ) && holds_amounts(&funding_rows_from_table(table).0))
    }) || holds_amounts(&funding_rows_from_text(&document_text(workbook)).0)
}

/// A funding table is one only where some row holds an amount (or an amount not known): a
/// tracker whose notes mention two financial years is not one.
fn holds_amounts(rows: &[ParsedFundingRow]) -> bool {
    rows.iter().any(|row| !row.cells.is_empty())
}

/// Reads a programme register. `default_year` is the year undated savings columns speak for
/// where the register names none (the import's as-at date's year).
pub fn parse_programme_workbook(
    workbook: &Workbook,
    default_year: Option<FinancialYear>,
) -> ProgrammeImport {
    let mut import = ProgrammeImport {
        year: register_year(workbook),
        ..Default::default()
    };
    let year = import.year.or(default_year);
    for table in &workbook.tables {
        let name = table.name.clone();
        let before = import.findings.len();
        if let Some((header_at, columns)) = project_header(table) {
            if import.title.is_none() {
                import.title = title_above(table, header_at);
            }
            // A document read as rows may hold its funding table above the projects.
            let above = Table {
                rows: table.rows[..header_at].to_vec(),
                ..Default::default()
            };
            let (rows, findings) = funding_rows_from_table(&above);
            import.funding_rows.extend(rows);
            import.findings.extend(findings);
            read_projects(table, header_at, &columns, year, &mut import);
        } else if let Some((header_at, columns)) = contributions_header(table) {
            read_contributions(table, header_at, &columns, year, &mut import);
        } else {
            let (rows, findings) = funding_rows_from_table(table);
            import.funding_rows.extend(rows);
            import.findings.extend(findings);
        }
        if workbook.tables.len() > 1 {
            for finding in &mut import.findings[before..] {
                finding.table = name.clone();
            }
        }
    }
    let (rows, findings) = funding_rows_from_text(&document_text(workbook));
    import.funding_rows.extend(rows);
    import.findings.extend(findings);
    if import.title.is_none() {
        import.title = workbook
            .preamble
            .iter()
            .map(|line| line.trim())
            .find(|line| !line.is_empty())
            .map(str::to_string);
    }
    let (by_area, by_status) = import.counts();
    let words = |counts: &BTreeMap<String, usize>| {
        counts
            .iter()
            .map(|(name, count)| format!("{name} {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    import.findings.push(Finding::new(
        0,
        "",
        FindingKind::ProgrammeRead,
        format!(
            "{} projects read (by area: {}; by status: {}), {} contributions, {}",
            import.projects.len(),
            words(&by_area),
            words(&by_status),
            import.contributions.len(),
            match &import.cost {
                Some(cost) => format!(
                    "a team cost of {}",
                    waymark_core::programme::format_pence(cost.total)
                ),
                None => "no team cost".to_string(),
            }
        ),
    ));
    import
}

/// The text of a document's paragraphs (and a spreadsheet's nothing): where seed 003 keeps
/// its funding table.
fn document_text(workbook: &Workbook) -> String {
    let mut text = workbook.preamble.join("\n");
    for table in &workbook.tables {
        for note in &table.notes {
            text.push('\n');
            text.push_str(&note.text);
        }
    }
    text
}

/// Funding rows from text whose lines are tab-separated cells, as seed 003 prints its table
/// of funding by year: a line of years, then a line per area or project, "xxx" where the
/// amount is not known, blank where there is none, and a TOTAL line that Waymark works out
/// itself. The scale ("£'m") is read from the header line or the line above it.
pub fn funding_rows_from_text(text: &str) -> (Vec<ParsedFundingRow>, Vec<Finding>) {
    if !text.contains('\t') {
        return (Vec::new(), Vec::new());
    }
    // Every line, so that the paragraph after the table (a line of one cell) ends it; the
    // year header finds where it starts.
    let rows: Vec<Row> = text
        .lines()
        .enumerate()
        .map(|(index, line)| Row {
            number: index + 1,
            cells: line.split('\t').map(str::to_string).collect(),
        })
        .collect();
    funding_rows_from_table(&Table {
        rows,
        ..Default::default()
    })
}

/// The longest cell read as a year heading of a funding table.
const YEAR_HEADING_CHARS: usize = 32;

/// Funding rows from a table with a row of years (at least two) heading its columns.
pub fn funding_rows_from_table(table: &Table) -> (Vec<ParsedFundingRow>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut findings = Vec::new();
    let Some((header_index, years)) = table.rows.iter().enumerate().find_map(|(i, row)| {
        let years: Vec<(usize, FinancialYear)> = row
            .cells
            .iter()
            .enumerate()
            // A heading names its year and little else ("2024/25", "£'m 2025-26"); a note
            // that mentions a year in passing heads nothing.
            .filter(|(_, cell)| cell.trim().chars().count() <= YEAR_HEADING_CHARS)
            .filter_map(|(c, cell)| year_in(cell).map(|y| (c, y)))
            .collect();
        (years.len() >= 2).then_some((i, years))
    }) else {
        return (out, findings);
    };
    let header = &table.rows[header_index];
    let mut scale_text = header.cells.join(" ");
    if let Some(above) = header_index.checked_sub(1).and_then(|i| table.rows.get(i)) {
        scale_text.push(' ');
        scale_text.push_str(&above.cells.join(" "));
    }
    let scale = MoneyScale::from_heading(&scale_text);
    // Seed 003's rows have one cell fewer than the header where the label column's heading
    // is on the line above: line the years up from the right when a row is that much longer.
    for row in &table.rows[header_index + 1..] {
        // A line of text with no cells after it (a document's next paragraph) ends the table.
        if row.cells.len() < 2 && !row.is_blank() {
            break;
        }
        let label = row.cell(0).trim();
        if label.is_empty() || row.is_blank() {
            continue;
        }
        let lower = label.to_lowercase();
        if lower == "total" || lower.starts_with("total ") || lower == "totals" {
            continue;
        }
        let mut cells = Vec::new();
        for (column, year) in &years {
            let cell = row.cell(*column);
            let header_text = header.cell(*column).trim().to_string();
            if let Some(money) = read_money(cell, scale, row.number, &header_text, &mut findings) {
                cells.push((*year, money));
            }
        }
        if cells.is_empty() && row.filled().count() <= 1 {
            continue;
        }
        out.push(ParsedFundingRow {
            row: row.number,
            label: label.to_string(),
            cells,
        });
    }
    (out, findings)
}

/// Reads a money cell: `None` for a blank one (or one that cannot be read, with a finding).
fn read_money(
    cell: &str,
    scale: MoneyScale,
    row: usize,
    column: &str,
    findings: &mut Vec<Finding>,
) -> Option<MoneyRead> {
    match parse_money_scaled(cell, scale) {
        MoneyCell::Blank => None,
        MoneyCell::Known { pence, terms } => {
            if terms.len() > 1 {
                findings.push(Finding::new(
                    row,
                    column,
                    FindingKind::ProgrammeRead,
                    format!(
                        "\"{}\" is a sum: read as {}",
                        cell.trim(),
                        waymark_core::programme::format_pence(pence)
                    ),
                ));
            }
            Some(MoneyRead {
                pence: Some(pence),
                written: cell.trim().to_string(),
            })
        }
        MoneyCell::Unknown { written } => {
            findings.push(Finding::new(
                row,
                column,
                FindingKind::UnknownAmount,
                format!("\"{written}\" says the amount is not known: kept as unknown, not zero"),
            ));
            Some(MoneyRead {
                pence: None,
                written,
            })
        }
        MoneyCell::Unreadable { written, reason } => {
            findings.push(Finding::new(
                row,
                column,
                FindingKind::UnreadableMoney,
                format!("\"{written}\" is not an amount of money Waymark can read: {reason}"),
            ));
            None
        }
    }
}

/// A financial year named in a cell or header: "2024/25", "2009-10", "FY24/25", "08/09",
/// "Funding 2024/25 (£k)". Not a bare calendar year.
fn year_in(text: &str) -> Option<FinancialYear> {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_ascii_digit() || c == '/' || c == '-'))
        .filter(|token| token.contains(['/', '-']))
        .find_map(|token| {
            let token = token.trim_matches(['/', '-']);
            FinancialYear::parse(token).ok()
        })
}

/// The year the register says it speaks for: a cell near the top that names one ("Year:
/// 2024/25", "Programme register 2024/25").
fn register_year(workbook: &Workbook) -> Option<FinancialYear> {
    for line in &workbook.preamble {
        if let Some(year) = year_in(line) {
            return Some(year);
        }
    }
    for table in &workbook.tables {
        let header_at = project_header(table).map(|(at, _)| at).unwrap_or(0);
        for row in table.rows.iter().take(header_at) {
            for cell in &row.cells {
                if let Some(year) = year_in(cell) {
                    return Some(year);
                }
            }
        }
    }
    // Then a sheet named for its year ("Projects 2025-26"), or the year of the grants the
    // cost is shared by ("Grant 2025/26").
    if let Some(year) = workbook
        .tables
        .iter()
        .find_map(|table| table.name.as_deref().and_then(year_in))
    {
        return Some(year);
    }
    workbook.tables.iter().find_map(|table| {
        let (at, columns) = contributions_header(table)?;
        columns.iter().find_map(|(c, column)| match column {
            ContributionColumn::Basis(..) => year_in(table.rows[at].cell(*c)),
            _ => None,
        })
    })
}

fn title_above(table: &Table, header_at: usize) -> Option<String> {
    table
        .rows
        .iter()
        .take(header_at)
        .flat_map(|row| row.cells.iter())
        .map(|cell| cell.trim())
        .find(|cell| !cell.is_empty() && year_in(cell).is_none_or(|_| cell.len() > 12))
        .map(str::to_string)
}

/// The project sheet's header row (index into the rows) and what each column holds.
fn project_header(table: &Table) -> Option<(usize, Vec<(usize, ProjectColumn)>)> {
    // Deep enough for a document's text read as rows (seed 003's appendix A is near its end).
    table
        .rows
        .iter()
        .take(400)
        .enumerate()
        .find_map(|(index, row)| {
            let columns: Vec<(usize, ProjectColumn)> = row
                .cells
                .iter()
                .enumerate()
                .filter_map(|(c, cell)| project_column(cell).map(|col| (c, col)))
                .collect();
            let names = columns
                .iter()
                .filter(|(_, c)| *c == ProjectColumn::Name)
                .count();
            (names == 1 && columns.len() >= 3).then_some((index, columns))
        })
}

fn project_column(header: &str) -> Option<ProjectColumn> {
    let normal = normalise_header(header);
    if normal.is_empty() {
        return None;
    }
    let scale = MoneyScale::from_heading(header);
    let year = year_in(header);
    let has = |word: &str| normal.split(' ').any(|w| w == word) || normal.contains(word);
    if has("saving") {
        return Some(
            if has("realis") || has("actual") || has("achieved") || has("delivered") {
                ProjectColumn::SavingsRealised(year, scale)
            } else {
                ProjectColumn::SavingsTarget(year, scale)
            },
        );
    }
    if year.is_some() {
        return Some(ProjectColumn::Funding(year, scale));
    }
    if has("apacs") {
        return Some(ProjectColumn::Tags(Some("APACS".into())));
    }
    if has("psa") {
        return Some(ProjectColumn::Tags(Some("PSA".into())));
    }
    Some(match normal.as_str() {
        "project" | "project name" | "name" | "project title" | "title" | "initiative"
        | "projects" | "current projects" | "workstream project" => ProjectColumn::Name,
        "ref" | "reference" | "no" | "number" | "id" | "project ref" | "project no"
        | "project id" | "hash" => ProjectColumn::Reference,
        "area" | "project area" | "theme" | "strand" | "portfolio" | "programme area"
        | "workstream" | "work stream" | "business area" => ProjectColumn::Area,
        "status" | "stage" | "state" | "project status" | "phase" => ProjectColumn::Status,
        "lead" | "lead force" | "lead organisation" | "lead org" | "led by" | "host force"
        | "lead agency" | "host" | "lead partner" => ProjectColumn::Lead,
        "participants"
        | "forces"
        | "participating forces"
        | "partners"
        | "involved"
        | "forces involved"
        | "participating organisations"
        | "members"
        | "who" => ProjectColumn::Participants,
        "model"
        | "collaboration model"
        | "delivery model"
        | "type of collaboration"
        | "arrangement"
        | "collaboration type" => ProjectColumn::Model,
        "tags"
        | "framework"
        | "frameworks"
        | "framework tags"
        | "national frameworks"
        | "contribution to performance" => ProjectColumn::Tags(None),
        "owner"
        | "project owner"
        | "manager"
        | "project manager"
        | "sro"
        | "project lead"
        | "senior responsible officer" => ProjectColumn::Owner,
        "rag" | "rag status" | "rating" => ProjectColumn::Rag,
        "funding source" | "source" | "funder" | "source of funding" | "funded by" => {
            ProjectColumn::FundingSource
        }
        "latest update" | "update" | "progress" | "commentary" | "comments" | "latest position"
        | "progress update" | "notes" => ProjectColumn::Update,
        "lead only" | "private" | "confidential" | "not shared" => ProjectColumn::LeadOnly,
        _ if normal.starts_with("funding") || normal.starts_with("budget") => {
            ProjectColumn::Funding(None, scale)
        }
        _ => return loose_project_column(&normal),
    })
}

/// A header worded otherwise than the list above, by the words in it: "Name of project",
/// "Current status", "Lead organisation (force)", "Forces taking part", "Progress to date".
fn loose_project_column(normal: &str) -> Option<ProjectColumn> {
    let words: Vec<&str> = normal.split(' ').collect();
    let has = |word: &str| words.iter().any(|w| w.starts_with(word));
    Some(if has("status") || has("stage") || has("phase") {
        ProjectColumn::Status
    } else if has("area") || has("theme") || has("portfolio") || has("strand") || has("workstream")
    {
        ProjectColumn::Area
    } else if has("lead") && has("only") {
        ProjectColumn::LeadOnly
    } else if has("participa") || has("partners") || has("involved") || has("taking") {
        ProjectColumn::Participants
    } else if has("lead") || has("host") {
        ProjectColumn::Lead
    } else if has("model") || (has("type") && has("collaboration")) {
        ProjectColumn::Model
    } else if has("update") || has("progress") || has("comment") || has("commentary") {
        ProjectColumn::Update
    } else if has("owner") || has("manager") || has("sro") {
        ProjectColumn::Owner
    } else if has("rag") {
        ProjectColumn::Rag
    } else if has("funder") || (has("source") && has("funding")) {
        ProjectColumn::FundingSource
    } else if has("framework") || has("tags") {
        ProjectColumn::Tags(None)
    } else if has("project") || has("initiative") || has("scheme") || has("activity") {
        ProjectColumn::Name
    } else {
        return None;
    })
}

fn read_projects(
    table: &Table,
    header_at: usize,
    columns: &[(usize, ProjectColumn)],
    year: Option<FinancialYear>,
    import: &mut ProgrammeImport,
) {
    let header = &table.rows[header_at];
    let header_text = |c: usize| header.cell(c).trim().to_string();
    // A "Funding" column with no year is the register's year's; with no year anywhere it
    // cannot be placed, and says so.
    let mut kept = Vec::with_capacity(columns.len());
    for (c, column) in columns {
        match column {
            ProjectColumn::Funding(None, scale) => match year {
                Some(year) => kept.push((*c, ProjectColumn::Funding(Some(year), *scale))),
                None => import.findings.push(Finding::new(
                    header.number,
                    &header_text(*c),
                    FindingKind::ProgrammeRead,
                    "This funding column names no year and the register names none: its \
                     amounts were not read",
                )),
            },
            other => kept.push((*c, other.clone())),
        }
    }
    let columns = kept;
    let mut area_carried: Option<String> = None;
    // "Current projects" / "Proposed projects" rows set the status of the rows under them.
    let mut status_carried: Option<ProjectStatus> = None;
    let first_project = import.projects.len();
    let name_col = columns
        .iter()
        .find(|(_, k)| *k == ProjectColumn::Name)
        .map(|(c, _)| *c);
    for row in &table.rows[header_at + 1..] {
        if row.is_blank() {
            continue;
        }
        // Another table begins (a row of years): the projects have ended.
        if row
            .cells
            .iter()
            .filter(|c| c.trim().len() <= 12 && year_in(c).is_some())
            .count()
            >= 2
        {
            break;
        }
        // Documents carry markup in cells ("<i>Firearms Interoperability</i>"): the text only.
        let cleaned: Vec<String> = row.cells.iter().map(|c| without_markup(c)).collect();
        let cell = |c: usize| cleaned.get(c).map(String::as_str).unwrap_or("");
        let name = name_col.map(cell).unwrap_or("");
        let others_filled = columns
            .iter()
            .filter(|(c, _)| Some(*c) != name_col && !cell(*c).is_empty())
            .count();
        if name.is_empty() {
            let filled: Vec<(usize, &str)> = cleaned
                .iter()
                .enumerate()
                .filter(|(_, text)| !text.is_empty())
                .map(|(c, text)| (c, text.as_str()))
                .collect();
            let only_tags = !filled.is_empty()
                && filled.iter().all(|(c, _)| {
                    columns
                        .iter()
                        .any(|(k, col)| k == c && matches!(col, ProjectColumn::Tags(_)))
                });
            if only_tags && import.projects.len() > first_project {
                // A row that continues the project above with more tags.
                if let Some(last) = import.projects.last_mut() {
                    for (c, text) in &filled {
                        if let Some((_, ProjectColumn::Tags(taxonomy))) =
                            columns.iter().find(|(k, _)| k == c)
                        {
                            last.tags.extend(read_tags(text, taxonomy));
                        }
                    }
                }
            } else if filled.len() == 1 && filled[0].1.chars().count() <= 60 {
                // A row with one short cell is an area heading in a register that groups
                // its projects.
                area_carried = Some(tidy_area(filled[0].1));
            }
            continue;
        }
        let lower = name.to_lowercase();
        if lower == "total" || lower.starts_with("total ") {
            continue;
        }
        if let Some(status) = status_heading(&lower) {
            status_carried = Some(status);
            continue;
        }
        if others_filled == 0 && !columns.iter().any(|(_, k)| *k == ProjectColumn::Area) {
            if name.chars().count() <= 60 {
                area_carried = Some(tidy_area(name));
            }
            continue;
        }
        let mut project = ParsedProject {
            row: row.number,
            name: name.to_string(),
            area: area_carried.clone(),
            savings_year: year,
            ..Default::default()
        };
        let mut source: Option<String> = None;
        for (c, column) in &columns {
            let text = cell(*c);
            let header = header_text(*c);
            match column {
                ProjectColumn::Name => {}
                ProjectColumn::Reference => {
                    project.reference = (!text.is_empty()).then(|| text.to_string())
                }
                ProjectColumn::Area => {
                    if !text.is_empty() {
                        project.area = Some(tidy_area(text));
                    }
                }
                ProjectColumn::Status => {
                    if !text.is_empty() {
                        project.status = ProjectStatus::parse(text);
                        if project.status.is_none() {
                            import.findings.push(Finding::new(
                                row.number,
                                &header,
                                FindingKind::ProgrammeRead,
                                format!(
                                    "\"{text}\" is not a status Waymark knows (current, \
                                     proposed, complete, stopped): read as current"
                                ),
                            ));
                        }
                    }
                }
                ProjectColumn::Lead => project.lead = (!text.is_empty()).then(|| text.to_string()),
                ProjectColumn::Participants => project.participants = split_participants(text),
                ProjectColumn::Model => project.model = CollaborationModel::parse(text),
                ProjectColumn::Tags(taxonomy) => project.tags.extend(read_tags(text, taxonomy)),
                ProjectColumn::Owner => project.owners = waymark_core::split_owners(text),
                ProjectColumn::Rag => match Rag::parse(text) {
                    Ok(rag) => project.rag = rag,
                    Err(_) => import.findings.push(Finding::new(
                        row.number,
                        &header,
                        FindingKind::UnknownRag,
                        format!("\"{text}\" is not a RAG status"),
                    )),
                },
                ProjectColumn::Funding(None, _) => {}
                ProjectColumn::Funding(Some(y), scale) => {
                    if let Some(money) =
                        read_money(text, *scale, row.number, &header, &mut import.findings)
                    {
                        project.funding.push((*y, None, money));
                    }
                }
                ProjectColumn::FundingSource => {
                    source = (!text.is_empty()).then(|| text.to_string())
                }
                ProjectColumn::SavingsTarget(y, scale) => {
                    if let Some(money) =
                        read_money(text, *scale, row.number, &header, &mut import.findings)
                    {
                        project.savings_target = Some(money);
                        if let Some(y) = y {
                            project.savings_year = Some(*y);
                        }
                    }
                }
                ProjectColumn::SavingsRealised(y, scale) => {
                    if let Some(money) =
                        read_money(text, *scale, row.number, &header, &mut import.findings)
                    {
                        project.savings_realised = Some(money);
                        if let Some(y) = y {
                            project.savings_year = Some(*y);
                        }
                    }
                }
                ProjectColumn::Update => {
                    project.latest_update = (!text.is_empty()).then(|| text.to_string())
                }
                ProjectColumn::LeadOnly => {
                    project.lead_only = matches!(
                        text.to_lowercase().as_str(),
                        "yes" | "y" | "true" | "lead only" | "private" | "x"
                    )
                }
            }
        }
        if let Some(source) = source {
            for (_, line_source, _) in &mut project.funding {
                *line_source = Some(source.clone());
            }
        }
        if project.status.is_none() {
            project.status = status_carried.clone();
        }
        project.table = table.name.clone();
        import.projects.push(project);
    }
}

/// The status a heading row names: "Current projects", "Proposed projects", "Future projects".
fn status_heading(lower: &str) -> Option<ProjectStatus> {
    let first = lower
        .strip_suffix(" projects")
        .or(lower.strip_suffix(" project"))?;
    match first.trim() {
        "current" | "live" | "existing" => Some(ProjectStatus::Current),
        "proposed" | "future" | "planned" => Some(ProjectStatus::Proposed { for_years: None }),
        "complete" | "completed" | "closed" => Some(ProjectStatus::Complete),
        "stopped" | "cancelled" => Some(ProjectStatus::Stopped),
        _ => None,
    }
}

/// A cell's text without markup tags ("<i>…</i>", "<ul …>") and with its spaces tidied.
fn without_markup(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut in_tag = false;
    for c in cell.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Protective services" from "Project Area - Protective Services" or "PROTECTIVE SERVICES".
fn tidy_area(text: &str) -> String {
    let text = text.trim();
    let lower = text.to_lowercase();
    let text = lower
        .strip_prefix("project area")
        .map(|rest| text[text.len() - rest.len()..].trim_start_matches([' ', '-', ':', '–']))
        .unwrap_or(text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if text.chars().all(|c| !c.is_lowercase()) => {
            first.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase()
        }
        _ => text.to_string(),
    }
}

/// Tags from a cell: of one taxonomy ("23, 24,26" under "PSA no."), or mixed ("APACS:
/// Promoting safety; PSA 23").
fn read_tags(text: &str, taxonomy: &Option<String>) -> Vec<Tag> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let tag = |taxonomy: &str, value: &str| Tag {
        taxonomy: taxonomy.to_string(),
        value: value.trim().to_string(),
    };
    match taxonomy {
        Some(name) if name == "APACS" => split_tag_cell(text, APACS_CATEGORIES)
            .iter()
            .map(|v| tag(name, v))
            .collect(),
        Some(name) if name == "PSA" => split_tag_cell(text, &[])
            .iter()
            .flat_map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .map(|v| v.trim_start_matches("PSA").trim().to_string())
            .filter(|v| !v.is_empty())
            .map(|v| tag(name, &v))
            .collect(),
        Some(name) => split_tag_cell(text, &[])
            .iter()
            .map(|v| tag(name, v))
            .collect(),
        None => text
            .split([';', '\n'])
            .flat_map(|part| {
                let part = part.trim();
                if let Some((name, values)) = part.split_once(':') {
                    let name = name.trim();
                    let known = if name.eq_ignore_ascii_case("apacs") {
                        APACS_CATEGORIES
                    } else {
                        &[]
                    };
                    split_tag_cell(values, known)
                        .iter()
                        .map(|v| tag(name, v))
                        .collect::<Vec<_>>()
                } else if let Some(rest) = part.strip_prefix("PSA").or(part.strip_prefix("psa")) {
                    split_tag_cell(rest, &[])
                        .iter()
                        .map(|v| tag("PSA", v))
                        .collect()
                } else {
                    split_tag_cell(part, APACS_CATEGORIES)
                        .iter()
                        .map(|v| {
                            let apacs = APACS_CATEGORIES.iter().any(|c| c.eq_ignore_ascii_case(v));
                            tag(if apacs { "APACS" } else { "Framework" }, v)
                        })
                        .collect()
                }
            })
            .filter(|t| !t.value.is_empty())
            .collect(),
    }
}

/// What a contributions sheet's column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ContributionColumn {
    Organisation,
    Basis(BasisKind, MoneyScale),
    StatedShare(MoneyScale),
}

/// The longest cell read as a column heading of a contributions sheet.
const HEADING_CHARS: usize = 60;

fn contributions_header(table: &Table) -> Option<(usize, Vec<(usize, ContributionColumn)>)> {
    table
        .rows
        .iter()
        .take(20)
        .enumerate()
        .find_map(|(index, row)| {
            let columns: Vec<(usize, ContributionColumn)> = row
                .cells
                .iter()
                .enumerate()
                // A heading is a label ("Force", "Police grant £m", "Share %"); a cell of
                // prose that mentions forces and a percentage heads nothing.
                .filter(|(_, cell)| cell.trim().chars().count() <= HEADING_CHARS)
                .filter_map(|(c, cell)| contribution_column(cell).map(|col| (c, col)))
                .collect();
            let has_org = columns
                .iter()
                .any(|(_, c)| *c == ContributionColumn::Organisation);
            let has_basis = columns.iter().any(|(_, c)| {
                matches!(
                    c,
                    ContributionColumn::Basis(..) | ContributionColumn::StatedShare(_)
                )
            });
            // A heading row is mostly headings Waymark knows: a tracker's row that happens to
            // name forces in one cell and a percentage in another is data, not a heading.
            let filled = row
                .cells
                .iter()
                .filter(|cell| !cell.trim().is_empty())
                .count();
            let mostly_known = columns.len() * 2 >= filled;
            (has_org && has_basis && mostly_known).then_some((index, columns))
        })
}

fn contribution_column(header: &str) -> Option<ContributionColumn> {
    let normal = normalise_header(header);
    let scale = MoneyScale::from_heading(header);
    // A column of organisations is named by its words ("Force", "Partner force", "Member
    // organisation", "Contributing authority"), unless it is about money or leading.
    let names_organisations = normal.split_whitespace().any(|word| {
        matches!(
            word,
            "force"
                | "forces"
                | "organisation"
                | "organisations"
                | "partner"
                | "partners"
                | "member"
                | "members"
                | "authority"
                | "authorities"
                | "participant"
                | "participants"
                | "contributor"
                | "contributors"
        )
    });
    let about_money = [
        "grant",
        "share",
        "cost",
        "nre",
        "net revenue",
        "contribution",
        "lead",
    ]
    .iter()
    .any(|word| normal.contains(word))
        || header.contains('£')
        || header.contains('%');
    if names_organisations && !about_money {
        return Some(ContributionColumn::Organisation);
    }
    if normal.contains("grant") {
        return Some(ContributionColumn::Basis(BasisKind::PoliceGrant, scale));
    }
    if normal.contains("nre") || normal.contains("net revenue") {
        return Some(ContributionColumn::Basis(
            BasisKind::NetRevenueExpenditure,
            scale,
        ));
    }
    if (normal.contains("share") || normal.contains("percent") || header.contains('%'))
        && !normal.contains("pound")
        && !header.contains('£')
    {
        return Some(ContributionColumn::Basis(BasisKind::FixedPercentage, scale));
    }
    if normal.contains("contribution") || normal.contains("share") || normal.contains("pays") {
        return Some(ContributionColumn::StatedShare(scale));
    }
    None
}

fn read_contributions(
    table: &Table,
    header_at: usize,
    columns: &[(usize, ContributionColumn)],
    year: Option<FinancialYear>,
    import: &mut ProgrammeImport,
) {
    let header = &table.rows[header_at];
    let sheet = table.name.clone().unwrap_or_else(|| "Contributions".into());
    // Every basis column (a sheet may give grant and NRE both); the cost's method picks one,
    // else the first of grant, NRE and a fixed percentage.
    let mut basis_columns: Vec<(usize, BasisKind, MoneyScale)> = columns
        .iter()
        .filter_map(|(c, col)| match col {
            ContributionColumn::Basis(kind, scale) => Some((*c, *kind, *scale)),
            _ => None,
        })
        .collect();
    basis_columns.sort_by_key(|(_, kind, _)| *kind);
    basis_columns.dedup_by_key(|(_, kind, _)| *kind);
    let basis_column = basis_columns.first().copied();
    let org_column = columns
        .iter()
        .find(|(_, col)| *col == ContributionColumn::Organisation)
        .map(|(c, _)| *c);
    let stated_column = columns.iter().find_map(|(c, col)| match col {
        ContributionColumn::StatedShare(scale) => Some((*c, *scale)),
        _ => None,
    });
    // Key-value rows anywhere on the sheet: "Programme team cost | £1.2m", "Shared in
    // proportion to | police grant".
    let mut cost: Option<ParsedCost> = None;
    let mut method_words: Option<String> = None;
    for row in &table.rows {
        if row.number == header.number {
            continue;
        }
        let filled: Vec<(usize, &str)> = row.filled().collect();
        let Some((first_col, label)) = filled.first().copied() else {
            continue;
        };
        let lower = label.to_lowercase();
        let value = filled.get(1).map(|(_, v)| v.trim());
        let is_target_label = lower.contains("saving") && lower.contains("target");
        if is_target_label && let Some(value) = value {
            // The programme's own savings target ("Savings target | at least £1.2m").
            let value = value.trim_start_matches("at least").trim();
            let column = header.cell(first_col + 1).trim().to_string();
            if let Some(money) = read_money(
                value,
                MoneyScale::Pounds,
                row.number,
                &column,
                &mut import.findings,
            ) && let Some(target) = money.pence
            {
                import.savings_target = Some((year_in(label).or(year), target));
            }
            continue;
        }
        let is_cost_label =
            (lower.contains("cost") || lower.contains("budget")) && !lower.contains("share");
        if is_cost_label && let Some(value) = value {
            let column = header.cell(first_col + 1).trim().to_string();
            if let Some(money) = read_money(
                value,
                MoneyScale::Pounds,
                row.number,
                &column,
                &mut import.findings,
            ) && let Some(total) = money.pence
            {
                cost = Some(ParsedCost {
                    row: row.number,
                    label: tidy_cost_label(label),
                    total,
                    kind: None,
                    equal: false,
                    year: year_in(label).or(year),
                });
            }
        }
        if (lower.contains("shared")
            || lower.contains("method")
            || lower.contains("basis")
            || lower.contains("apportion")
            || lower.contains("split"))
            && !is_cost_label
        {
            method_words = Some(
                filled
                    .iter()
                    .map(|(_, t)| t.trim())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    if let Some(cost) = &mut cost {
        let words = method_words.unwrap_or_default().to_lowercase();
        cost.equal = words.contains("equal");
        cost.kind = BasisKind::parse(&words).or(basis_column.map(|(_, k, _)| k));
    }
    import.cost = import.cost.take().or(cost);
    let Some(org_column) = org_column else {
        return;
    };
    if basis_columns.is_empty()
        && let Some(stated) = stated_column
    {
        read_stated_column(table, header_at, org_column, stated, &sheet, import);
        return;
    }
    for (basis_at, kind, scale) in basis_columns {
        read_basis_column(
            table,
            header_at,
            org_column,
            (basis_at, kind, scale),
            stated_column,
            &sheet,
            import,
        );
    }
}

/// One basis column's figures, an organisation a row.
fn read_basis_column(
    table: &Table,
    header_at: usize,
    org_column: usize,
    (basis_at, kind, scale): (usize, BasisKind, MoneyScale),
    stated_column: Option<(usize, MoneyScale)>,
    sheet: &str,
    import: &mut ProgrammeImport,
) {
    let header = &table.rows[header_at];
    let basis_header = header.cell(basis_at).trim().to_string();
    for row in &table.rows[header_at + 1..] {
        let organisation = row.cell(org_column).trim();
        if organisation.is_empty() {
            continue;
        }
        let lower = organisation.to_lowercase();
        if lower.starts_with("total") || lower.contains("cost") || lower.contains("budget") {
            continue;
        }
        let cell = row.cell(basis_at);
        let value = if kind == BasisKind::FixedPercentage {
            match waymark_core::indicator::Figure::parse(cell) {
                Ok(figure) => Some(figure.hundredths()),
                Err(_) if cell.trim().is_empty() => None,
                Err(_) => {
                    import.findings.push(Finding::new(
                        row.number,
                        &basis_header,
                        FindingKind::UnreadableMoney,
                        format!("\"{}\" is not a percentage", cell.trim()),
                    ));
                    None
                }
            }
        } else {
            read_money(cell, scale, row.number, &basis_header, &mut import.findings)
                .and_then(|m| m.pence)
        };
        let Some(value) = value else {
            if !cell.trim().is_empty() {
                continue;
            }
            import.findings.push(Finding::new(
                row.number,
                &basis_header,
                FindingKind::UnknownAmount,
                format!(
                    "{organisation} has no {} figure",
                    kind.label().to_lowercase()
                ),
            ));
            continue;
        };
        let stated_share = stated_column.and_then(|(c, scale)| {
            let header = header.cell(c).trim().to_string();
            read_money(
                row.cell(c),
                scale,
                row.number,
                &header,
                &mut import.findings,
            )
            .and_then(|m| m.pence)
        });
        import.contributions.push(ParsedContribution {
            row: row.number,
            organisation: organisation.to_string(),
            kind,
            value,
            stated_share,
            source: format!("{sheet}, column \"{basis_header}\""),
        });
    }
}

/// Contributions stated as amounts, an organisation a row, on a sheet with no basis column.
fn read_stated_column(
    table: &Table,
    header_at: usize,
    org_column: usize,
    (column, scale): (usize, MoneyScale),
    sheet: &str,
    import: &mut ProgrammeImport,
) {
    let header = table.rows[header_at].cell(column).trim().to_string();
    for row in &table.rows[header_at + 1..] {
        let organisation = row.cell(org_column).trim();
        if organisation.is_empty() {
            continue;
        }
        let lower = organisation.to_lowercase();
        if lower.starts_with("total") || lower.contains("cost") || lower.contains("budget") {
            continue;
        }
        let cell = row.cell(column);
        match read_money(cell, scale, row.number, &header, &mut import.findings)
            .and_then(|m| m.pence)
        {
            Some(pence) => import.stated_contributions.push(StatedContribution {
                row: row.number,
                organisation: organisation.to_string(),
                pence,
                source: format!("{sheet}, column \"{header}\""),
            }),
            // An unreadable or unknown ("tbc") cell is a finding already; a blank one is
            // named here.
            None if cell.trim().is_empty() => import.findings.push(Finding::new(
                row.number,
                &header,
                FindingKind::UnknownAmount,
                format!("{organisation} has no contribution stated"),
            )),
            None => {}
        }
    }
}

fn tidy_cost_label(label: &str) -> String {
    let label = label.trim().trim_end_matches(':').trim();
    if label.is_empty() {
        "Programme team".to_string()
    } else {
        label.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Format;

    fn register() -> Workbook {
        Workbook {
            file: "register.xlsx".into(),
            format: Format::Xlsx,
            preamble: Vec::new(),
            tables: vec![
                Table::of_rows(
                    "Projects",
                    &[
                        &["Northern Collaboration Register 2024/25"],
                        &[],
                        &[
                            "Ref",
                            "Workstream",
                            "Initiative",
                            "Phase",
                            "Host force",
                            "Forces involved",
                            "Delivery model",
                            "APACS",
                            "PSA no.",
                            "2023/24 (£k)",
                            "2024/25",
                            "Savings target",
                            "Savings realised",
                            "Commentary",
                        ],
                        &[
                            "P1",
                            "Protective services",
                            "Witness protection",
                            "Live",
                            "North",
                            "All",
                            "Joint unit",
                            "Promoting safety Serious crime & protection",
                            "23, 24",
                            "250",
                            "£250k + £40k",
                            "£100k",
                            "£60,000",
                            "On track",
                        ],
                        &[
                            "P2",
                            "Business support",
                            "Shared payroll",
                            "Proposed 2025/26",
                            "East",
                            "North, East",
                            "Service contract",
                            "Organisational management",
                            "24",
                            "tbc",
                            "lots",
                            "£1.2m",
                            "",
                            "",
                        ],
                    ],
                ),
                Table::of_rows(
                    "Contributions",
                    &[
                        &["Force", "Police grant 2024/25", "Contribution"],
                        &["North", "£93.4m", "£400,000"],
                        &["East", "£46,700,000", ""],
                        &["Total", "£140.1m", ""],
                        &[],
                        &["Programme team cost", "£1.2m"],
                        &["Shared in proportion to", "Police grant"],
                        &["Savings target", "at least £1.5m"],
                    ],
                ),
            ],
        }
    }

    #[test]
    fn a_register_in_an_unseen_layout_reads_projects_money_and_contributions() {
        let workbook = register();
        assert!(is_programme_workbook(&workbook));
        let import = parse_programme_workbook(&workbook, None);
        assert_eq!(import.year, FinancialYear::parse("2024/25").ok());
        assert_eq!(import.projects.len(), 2);
        let first = &import.projects[0];
        assert_eq!(first.name, "Witness protection");
        assert_eq!(first.area.as_deref(), Some("Protective services"));
        assert_eq!(first.status, Some(ProjectStatus::Current));
        assert_eq!(first.participants, None);
        assert_eq!(first.model, Some(CollaborationModel::JointUnit));
        assert_eq!(first.tags.len(), 4);
        assert_eq!(
            first.funding,
            vec![
                (
                    FinancialYear::parse("2023/24").unwrap(),
                    None,
                    MoneyRead {
                        pence: Some(25_000_000),
                        written: "250".into()
                    }
                ),
                (
                    FinancialYear::parse("2024/25").unwrap(),
                    None,
                    MoneyRead {
                        pence: Some(29_000_000),
                        written: "£250k + £40k".into()
                    }
                ),
            ]
        );
        assert_eq!(
            first.savings_realised.as_ref().and_then(|m| m.pence),
            Some(6_000_000)
        );
        let second = &import.projects[1];
        assert_eq!(
            second.participants,
            Some(vec!["North".into(), "East".into()])
        );
        assert_eq!(second.funding[0].2.pence, None);
        assert!(
            import
                .findings
                .iter()
                .any(|f| f.kind == FindingKind::UnreadableMoney
                    && f.row == 5
                    && f.column == "2024/25"
                    && f.table.as_deref() == Some("Projects"))
        );
        assert_eq!(import.contributions.len(), 2);
        assert_eq!(import.contributions[0].value, 9_340_000_000);
        assert_eq!(import.contributions[0].stated_share, Some(40_000_000));
        assert_eq!(
            import.savings_target,
            Some((FinancialYear::parse("2024/25").ok(), 150_000_000))
        );
        let cost = import.cost.unwrap();
        assert_eq!(cost.total, 120_000_000);
        assert_eq!(cost.kind, Some(BasisKind::PoliceGrant));
        let (by_area, by_status) = {
            let import = parse_programme_workbook(&workbook, None);
            import.counts()
        };
        assert_eq!(by_area["Business support"], 1);
        assert_eq!(by_status["proposed"], 1);
    }

    /// A contributions sheet whose organisations are headed "Partner force", with a title and
    /// a blank row above its header and an empty share column beside the grants.
    #[test]
    fn organisations_headed_in_more_words_are_read() {
        let workbook = Workbook {
            file: "register.xlsx".into(),
            format: Format::Xlsx,
            preamble: Vec::new(),
            tables: vec![
                Table::of_rows(
                    "Projects",
                    &[
                        &["Workstream", "Project name", "Lead force", "Stage"],
                        &[
                            "Protective services",
                            "Major crime review",
                            "Avon",
                            "Current",
                        ],
                    ],
                ),
                Table::of_rows(
                    "Contributions 2025-26",
                    &[
                        &["Regional collaboration - funding partners"],
                        &[],
                        &[
                            "Partner force",
                            "Police grant 2025/26",
                            "Share of core team",
                        ],
                        &["Avon", "£187.4m", ""],
                        &["Devon", "£190.1m", ""],
                        &["Dorset", "£62.3m", ""],
                        &[],
                        &[
                            "Core team cost",
                            "£950,000",
                            "shared in proportion to police grant",
                        ],
                    ],
                ),
            ],
        };
        let import = parse_programme_workbook(&workbook, None);
        let read: Vec<(&str, i64)> = import
            .contributions
            .iter()
            .map(|c| (c.organisation.as_str(), c.value))
            .collect();
        assert_eq!(
            read,
            vec![
                ("Avon", 18_740_000_000),
                ("Devon", 19_010_000_000),
                ("Dorset", 6_230_000_000)
            ]
        );
        let cost = import.cost.unwrap();
        assert_eq!(cost.total, 95_000_000);
        assert_eq!(cost.kind, Some(BasisKind::PoliceGrant));
        // "Lead force" and "Partner force" name organisations; "Police grant", "Share of core
        // team" and "Cost" do not.
        assert_eq!(
            contribution_column("Partner force"),
            Some(ContributionColumn::Organisation)
        );
        assert_eq!(
            contribution_column("Member organisation"),
            Some(ContributionColumn::Organisation)
        );
        assert_ne!(
            contribution_column("Lead force"),
            Some(ContributionColumn::Organisation)
        );
    }

    #[test]
    fn headers_worded_otherwise_and_several_bases_are_read() {
        let workbook = Workbook {
            file: "register.xlsx".into(),
            format: Format::Xlsx,
            preamble: Vec::new(),
            tables: vec![
                Table::of_rows(
                    "Sheet1",
                    &[
                        &[
                            "Name of project",
                            "Current status",
                            "Lead organisation (force)",
                            "Forces taking part",
                            "Progress to date",
                            "Funding 2024-2025",
                        ],
                        &[
                            "Custody",
                            "In progress",
                            "Alpha",
                            "Alpha / Beta",
                            "Built",
                            "£1.2m (recurring)",
                        ],
                        &["Fleet", "Cancelled", "Beta", "All", "", "n/a"],
                    ],
                ),
                Table::of_rows(
                    "Sheet2",
                    &[
                        &["Organisation", "Police grant (£m)", "NRE 2024/25 (£m)"],
                        &["Alpha", "100", "150"],
                        &["Beta", "50", "90"],
                        &["Team cost", "£240,000"],
                        &["Shared in proportion to", "net revenue expenditure"],
                    ],
                ),
            ],
        };
        assert!(is_programme_workbook(&workbook));
        let import = parse_programme_workbook(&workbook, None);
        assert_eq!(import.year, FinancialYear::parse("2024/25").ok());
        let names: Vec<&str> = import.projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Custody", "Fleet"]);
        assert_eq!(import.projects[0].status, Some(ProjectStatus::Current));
        assert_eq!(import.projects[1].status, Some(ProjectStatus::Stopped));
        assert_eq!(import.projects[0].lead.as_deref(), Some("Alpha"));
        assert_eq!(import.projects[0].latest_update.as_deref(), Some("Built"));
        assert_eq!(import.projects[0].funding[0].2.pence, Some(120_000_000));
        assert!(import.projects[1].funding.is_empty());
        // Both bases are kept; the cost is shared by the one the sheet names.
        assert_eq!(import.contributions.len(), 4);
        assert_eq!(
            import.cost.as_ref().and_then(|c| c.kind),
            Some(BasisKind::NetRevenueExpenditure)
        );
    }

    #[test]
    fn seed_003s_funding_table_reads_from_a_documents_text() {
        let text = "Area\tIncreased funding or saving (£'m)\t\t\t\t\n\
            \t2006/07\t2007/08\t2008/09\t2009/10\t2010/11\n\
            Joint procurement project\t0.5\t1.31\t\t\t\n\
            Automatic Number Plate Recognition project\t800k plus 260k\txxx\txxx\txxx\txxx\n\
            EMSOU\t2.3\t4.3\t2.0\t1.5\t1.0\n\
            \n\
            Counter Terrorism Intelligence Unit\t\t\t\t\t\n\
            TOTAL\txxx\txxx\txxx\txxx\txxx";
        let (rows, findings) = funding_rows_from_text(text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].cells[0].1.pence, Some(50_000_000));
        assert_eq!(rows[0].cells[1].1.pence, Some(131_000_000));
        assert_eq!(rows[1].cells[0].1.pence, Some(106_000_000));
        assert_eq!(
            rows[1]
                .cells
                .iter()
                .filter(|(_, m)| m.pence.is_none())
                .count(),
            4
        );
        assert_eq!(rows[2].cells.len(), 5);
        assert_eq!(
            findings
                .iter()
                .filter(|f| f.kind == FindingKind::UnknownAmount)
                .count(),
            4
        );
    }
}
