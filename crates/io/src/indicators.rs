//! Indicator tables (one row per indicator and period: objective, indicator, unit, direction,
//! measure type, targets, period, actual, same period last year) read into indicators with their
//! measurements, and stored into an existing plan: objectives matched to its items or created as
//! items, indicators matched by title or created, and only new measurements appended.
//!
//! Everything here is pure: parsing ([`parse_indicator_table`]) and planning what an import
//! stores ([`plan_indicator_import`]); the application layer stores it in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::ItemFields;
use waymark_core::indicator::{
    Actual, Calendar, Direction, Figure, FinancialYear, Indicator, IndicatorId, MeasureType,
    Measurement, Period, PeriodKind, Tolerance, ToleranceMode, Unit, Wording, YearToDateRule,
    year_to_date,
};
use waymark_store::{
    ChangeSet, IndicatorImportSet, IndicatorRef, ItemRef, MeasurementsByIndicator, NewIndicator,
    NewItem, PlanView, StoredIndicator,
};

use crate::findings::{Finding, FindingKind};
use crate::objective_match::{
    Candidate, Candidates, MatchedBy, ObjectiveChoice, ObjectiveMatch, match_objective,
    resolve_choice,
};
use crate::table::{Row, Table, Workbook};

/// What one column of an indicator table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Objective,
    Indicator,
    Owner,
    Unit,
    Direction,
    Measure,
    Calendar,
    AnnualTarget,
    Baseline,
    Minimum,
    Stretch,
    Period,
    Actual,
    LastYear,
}

/// The field a header cell names, compared lower-case with spaces collapsed.
fn field_of(header: &str) -> Option<Field> {
    let words: Vec<String> = header
        .split_whitespace()
        .map(|word| word.trim_end_matches(':').to_lowercase())
        .collect();
    let field = match words.join(" ").as_str() {
        "objective" | "strategic objective" | "priority" | "aim" | "strategic aim" => {
            Field::Objective
        }
        "indicator"
        | "performance indicator"
        | "measure"
        | "kpi"
        | "key performance indicator"
        | "indicator title"
        | "performance measure" => Field::Indicator,
        "owner" | "lead" | "indicator owner" | "responsible officer" => Field::Owner,
        "unit" | "units" | "unit of measure" => Field::Unit,
        "direction"
        | "polarity"
        | "good performance is"
        | "good is"
        | "aim to"
        | "better"
        | "which is better"
        | "higher or lower is better"
        | "higher/lower is better" => Field::Direction,
        "measure type" | "type" | "type of measure" | "measurement type" => Field::Measure,
        "frequency" | "calendar" | "reporting frequency" => Field::Calendar,
        "annual target" | "target" | "year end target" | "year-end target" => Field::AnnualTarget,
        "baseline" => Field::Baseline,
        "minimum target" | "minimum" | "min target" => Field::Minimum,
        "stretch target" | "stretch" => Field::Stretch,
        "period" | "reporting period" | "quarter" | "month" => Field::Period,
        "actual" | "actual performance" | "performance" | "result" => Field::Actual,
        "same period last year" | "last year" | "same period ly" | "previous year" => {
            Field::LastYear
        }
        _ => return None,
    };
    Some(field)
}

/// True for the header row of an indicator table: an "Indicator" (or "Performance indicator",
/// "Measure") column plus an "Actual" or "Annual target" column.
pub fn is_indicator_table(header: &[String]) -> bool {
    let fields: Vec<Field> = header.iter().filter_map(|cell| field_of(cell)).collect();
    fields.contains(&Field::Indicator)
        && (fields.contains(&Field::Actual) || fields.contains(&Field::AnnualTarget))
}

/// Rows searched for the header row, for tables with a title or notes above it.
const HEADER_SEARCH_ROWS: usize = 15;

/// The position of a table's header row among its rows, if it is an indicator table.
fn header_index(table: &Table) -> Option<usize> {
    table
        .rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|row| is_indicator_table(&row.cells))
}

/// True when any of the workbook's tables is an indicator table.
pub fn is_indicator_workbook(workbook: &Workbook) -> bool {
    workbook
        .tables
        .iter()
        .any(|table| header_index(table).is_some())
}

/// One indicator read from a table, its rows merged.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedIndicator {
    pub objective: Option<String>,
    pub title: String,
    pub owner: Option<String>,
    pub unit: Unit,
    /// `None` where nothing in the table says which way is better: never guessed, since a RAG
    /// judged the wrong way round misleads a board. The import asks for it
    /// ([`answer_directions`]) and stores no such indicator until it has an answer.
    pub direction: Option<Direction>,
    pub measure: MeasureType,
    pub calendar: Calendar,
    pub annual_target: Option<Figure>,
    pub baseline: Option<Figure>,
    pub minimum: Option<Figure>,
    pub stretch: Option<Figure>,
    /// The Amber band the table's notes state, where they state one; else the default.
    pub tolerance: Option<Tolerance>,
    /// The year-to-date rule the table states for it (its notes, or a year-to-date column
    /// one rule reproduces); `None` is the rule by measure type and unit.
    pub year_to_date: Option<YearToDateRule>,
    /// One per period, in period order.
    pub measurements: Vec<Measurement>,
    /// The file's first row for it, as findings name it.
    pub row: usize,
}

/// Everything read from a file's indicator tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndicatorImport {
    pub indicators: Vec<ParsedIndicator>,
    pub findings: Vec<Finding>,
    /// What the person said objectives are (as the file writes them → their choice), over
    /// what matching finds: from the preview, the mapping file or the API's corrections.
    pub objective_choices: Vec<(String, ObjectiveChoice)>,
}

/// An indicator's cells as gathered from its rows, before the defaults are decided.
#[derive(Default)]
struct Gathered {
    objective: Option<String>,
    title: String,
    owner: Option<String>,
    unit: Option<Unit>,
    /// "%" or "£" seen in one of its figure cells.
    unit_hint: Option<Unit>,
    direction: Option<Direction>,
    measure: Option<MeasureType>,
    calendar: Option<Calendar>,
    annual_target: Option<Figure>,
    baseline: Option<Figure>,
    minimum: Option<Figure>,
    stretch: Option<Figure>,
    /// With the row each came from, for findings; a later row for the same period replaces an
    /// earlier one, which is left as `None` where it was.
    measurements: Vec<Option<(usize, Measurement)>>,
    /// Where each period's measurement is in `measurements`.
    measured: HashMap<Period, usize>,
    first_row: usize,
    /// The figure of a year-to-date column, with its row, to check against the periods.
    stated_year_to_date: Option<(usize, Figure)>,
}

/// Reads every indicator table of a workbook; tables that are not indicator tables are skipped.
pub fn parse_indicator_workbook(workbook: &Workbook) -> IndicatorImport {
    read_indicator_workbook(workbook, None)
}

/// As [`parse_indicator_workbook`], with the import's as-at date: period columns written
/// without a year ("P6", "Apr", "Q2") in a file that names no financial year are read in the
/// financial year containing `as_at`, and a finding says so.
pub fn parse_indicator_workbook_as_at(workbook: &Workbook, as_at: NaiveDate) -> IndicatorImport {
    read_indicator_workbook(workbook, Some(as_at))
}

fn read_indicator_workbook(workbook: &Workbook, as_at: Option<NaiveDate>) -> IndicatorImport {
    let mut import = IndicatorImport::default();
    for table in &workbook.tables {
        if header_index(table).is_none() {
            continue;
        }
        let parsed = read_indicator_table(table, as_at);
        import.indicators.extend(parsed.indicators);
        import.findings.extend(parsed.findings);
    }
    import
}

/// Reads one indicator table. Rows of the same indicator (by title, ignoring case) are merged; a
/// row with a blank indicator cell continues the indicator above it (merged cells), and a blank
/// objective cell keeps the objective above it.
pub fn parse_indicator_table(table: &Table) -> IndicatorImport {
    read_indicator_table(table, None)
}

fn read_indicator_table(table: &Table, as_at: Option<NaiveDate>) -> IndicatorImport {
    let mut findings = Vec::new();
    let Some(header_at) = header_index(table) else {
        findings.push(Finding::new(
            table.rows.first().map_or(1, |row| row.number),
            "",
            FindingKind::NoHeaderRow,
            "no header row with an \"Indicator\" column and an \"Actual\" or \"Annual target\" column",
        ));
        return finish(Vec::new(), findings, table);
    };
    let header = &table.rows[header_at];
    let columns: Vec<(usize, Field, String)> = header
        .cells
        .iter()
        .enumerate()
        .filter_map(|(index, cell)| field_of(cell).map(|field| (index, field, cell.trim().into())))
        .collect();
    let period_columns = period_columns(table, header_at, &columns, as_at, &mut findings);
    let year_to_date_column = (!period_columns.is_empty())
        .then(|| {
            header.cells.iter().enumerate().find(|(index, cell)| {
                is_year_to_date(cell) && !columns.iter().any(|(i, _, _)| i == index)
            })
        })
        .flatten()
        .map(|(index, cell)| (index, cell.trim().to_string()));
    let tolerance = tolerance_in_notes(&table.rows[..header_at], &mut findings);
    let noted_rules = year_to_date_in_notes(&table.rows[..header_at]);
    let mut reader = RowReader {
        columns: &columns,
        findings: &mut findings,
    };
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    let mut objective: Option<String> = None;
    let mut current: Option<usize> = None;

    for row in table.rows.iter().skip(header_at + 1) {
        if row.is_blank() {
            continue;
        }
        if let Some(text) = reader.text(row, Field::Objective) {
            if objective.as_ref() != Some(&text) {
                current = None;
            }
            objective = Some(text);
        }
        let index = match reader.text(row, Field::Indicator) {
            Some(title) => {
                let key = title.to_lowercase();
                let index = *by_title.entry(key).or_insert_with(|| {
                    gathered.push(Gathered {
                        objective: objective.clone(),
                        title: title.clone(),
                        first_row: row.number,
                        ..Gathered::default()
                    });
                    gathered.len() - 1
                });
                current = Some(index);
                index
            }
            None => {
                let only_objective = row
                    .filled()
                    .all(|(column, _)| reader.field_at(column) == Some(Field::Objective));
                match current {
                    _ if only_objective => continue,
                    Some(index) => index,
                    None => {
                        let column = reader.header_of(Field::Indicator);
                        reader.findings.push(Finding::new(
                            row.number,
                            &column,
                            FindingKind::MissingText,
                            "a row with figures but no indicator; it was skipped",
                        ));
                        continue;
                    }
                }
            }
        };
        let Some(entry) = gathered.get_mut(index) else {
            continue;
        };
        reader.read_into(row, entry);
        reader.read_period_columns(row, entry, &period_columns);
        if let Some((column, _)) = &year_to_date_column {
            let text = row.cell(*column).trim();
            if !text.is_empty() && !is_not_yet_available(text) {
                match Figure::parse(text) {
                    Ok(figure) => entry.stated_year_to_date = Some((row.number, figure)),
                    Err(error) => {
                        let header = year_to_date_column
                            .as_ref()
                            .map(|(_, h)| h.clone())
                            .unwrap_or_default();
                        reader.bad(row, &header, error.to_string());
                    }
                }
            }
        }
    }

    let mut noted = 0;
    let mut followed: Vec<(YearToDateRule, String)> = Vec::new();
    let indicators = gathered
        .into_iter()
        .map(|entry| {
            let stated = entry.stated_year_to_date;
            let mut parsed = ParsedIndicator {
                tolerance,
                ..settle(entry, &mut findings, &columns)
            };
            // Notes speak of the periods' figures, so they set the rule of levels only: a
            // cumulative figure or a change is its own year to date whatever they say.
            if let Some(notes) = &noted_rules
                && parsed.measure == MeasureType::Level
                && let Some((_, rule)) = notes.rules.iter().find(|(unit, _)| *unit == parsed.unit)
            {
                parsed.year_to_date = Some(*rule);
                noted += 1;
            }
            if let (Some((row, stated)), Some((_, header))) = (stated, &year_to_date_column)
                && let Some(rule) =
                    follow_stated_year_to_date(&mut parsed, row, header, stated, &mut findings)
            {
                followed.push((rule, parsed.title.clone()));
            }
            parsed
        })
        .collect();
    if let Some(notes) = &noted_rules {
        findings.push(Finding::new(
            notes.row,
            "",
            FindingKind::RuleRead,
            format!(
                "year-to-date rule read from the notes: {}; applied to {noted} {}",
                notes.read.join(", "),
                if noted == 1 {
                    "indicator"
                } else {
                    "indicators"
                }
            ),
        ));
    }
    if let (false, Some((_, header))) = (followed.is_empty(), &year_to_date_column) {
        let mut said = Vec::new();
        for rule in YearToDateRule::ALL {
            let titles: Vec<String> = followed
                .iter()
                .filter(|(r, _)| *r == rule)
                .map(|(_, title)| format!("\"{title}\""))
                .collect();
            if !titles.is_empty() {
                said.push(format!("the {} for {}", rule.as_str(), titles.join(", ")));
            }
        }
        findings.push(Finding::new(
            header_row_number(table, header_at),
            header,
            FindingKind::RuleRead,
            format!(
                "year-to-date rule read from the {header} column: its figures are {}; applied \
                 to those indicators",
                said.join("; ")
            ),
        ));
    }
    finish(indicators, findings, table)
}

fn header_row_number(table: &Table, header_at: usize) -> usize {
    table.rows.get(header_at).map_or(0, |row| row.number)
}

/// The RAG tolerance a note above the header states: a line naming Amber with a percentage
/// ("Amber: worse than target by no more than 5% of the target") is a relative band of that
/// percentage of |target|; "5 percentage points" is an absolute band. Reported on the note's row.
fn tolerance_in_notes(notes: &[Row], findings: &mut Vec<Finding>) -> Option<Tolerance> {
    for row in notes {
        for cell in &row.cells {
            let lower = cell.to_lowercase();
            if !lower.contains("amber") {
                continue;
            }
            let Some((amount, rest)) = percentage_in(&lower) else {
                continue;
            };
            let absolute = rest.trim_start().starts_with("percentage point")
                || rest.trim_start().starts_with("points")
                || lower.contains(" pp");
            let tolerance = if absolute {
                Tolerance {
                    mode: ToleranceMode::Absolute,
                    amount,
                }
            } else {
                Tolerance::relative(amount)
            };
            let band = if absolute {
                format!("{amount} percentage points")
            } else {
                format!("{amount}% of the target")
            };
            findings.push(Finding::new(
                row.number,
                "",
                FindingKind::RuleRead,
                format!(
                    "RAG rule read from the notes: Amber when short of target by no more than \
                     {band}, Red beyond it; applied to every indicator of the table"
                ),
            ));
            return Some(tolerance);
        }
    }
    None
}

/// The year-to-date rules a note above the header states, by unit, with the note's row and
/// what was read, for the finding.
struct NotedRules {
    row: usize,
    rules: Vec<(Unit, YearToDateRule)>,
    read: Vec<String>,
}

/// How a note above the header says year to date is worked out ("the sum of the periods for
/// counts, the mean of the periods for rates and percentages"): the rule for each unit it
/// names, which the import gives the table's indicators of that unit.
fn year_to_date_in_notes(notes: &[Row]) -> Option<NotedRules> {
    for row in notes {
        for cell in &row.cells {
            let lower = cell.to_lowercase();
            if !(lower.contains("year to date") || lower.contains("ytd")) {
                continue;
            }
            let mut noted = NotedRules {
                row: row.number,
                rules: Vec::new(),
                read: Vec::new(),
            };
            for clause in lower.split([',', ';']).flat_map(|c| c.split(" and the ")) {
                let rule = if clause.contains("sum") || clause.contains("total") {
                    YearToDateRule::Sum
                } else if clause.contains("mean") || clause.contains("average") {
                    YearToDateRule::Mean
                } else {
                    continue;
                };
                let subjects = [
                    ("count", Unit::Count),
                    ("number", Unit::Count),
                    ("money", Unit::Money),
                    ("£", Unit::Money),
                    ("rate", Unit::Rate),
                    ("percent", Unit::Percent),
                    ("%", Unit::Percent),
                    ("days", Unit::Days),
                ];
                for (word, unit) in subjects {
                    if clause.contains(word) && !noted.rules.iter().any(|(u, _)| *u == unit) {
                        noted.rules.push((unit, rule));
                        noted.read.push(format!("{} for {word}", rule.as_str()));
                    }
                }
            }
            if !noted.rules.is_empty() {
                return Some(noted);
            }
        }
    }
    None
}

/// The first number followed by "%" (or "percent", "percentage points") in `text`, with the
/// text after it.
fn percentage_in(text: &str) -> Option<(Figure, &str)> {
    let bytes = text.as_bytes();
    let mut start = None;
    for (at, byte) in bytes.iter().enumerate() {
        let numeric = byte.is_ascii_digit() || (*byte == b'.' && start.is_some());
        match (numeric, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                let rest = text[at..].trim_start();
                if rest.starts_with('%') || rest.starts_with("per") || rest.starts_with("pp") {
                    let figure = Figure::parse(&text[from..at]).ok()?;
                    return Some((figure, rest.trim_start_matches('%')));
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}

/// Follows a year-to-date column: where its figure is what the periods give by the rule in
/// force, nothing changes; where another rule gives it (the sum where the mean was taken, say),
/// the indicator takes that rule, which is returned; where none does, the cell is found by
/// row and column with what the rule in force gives.
fn follow_stated_year_to_date(
    parsed: &mut ParsedIndicator,
    row: usize,
    header: &str,
    stated: Figure,
    findings: &mut Vec<Finding>,
) -> Option<YearToDateRule> {
    let last = parsed.measurements.last().map(|m| m.period)?;
    let worked_by = |parsed: &ParsedIndicator, rule: YearToDateRule| {
        let indicator = Indicator {
            year_to_date: Some(rule),
            ..value_indicator(parsed)
        };
        year_to_date(&indicator, &parsed.measurements, last).map(|ytd| ytd.value)
    };
    let in_force = parsed
        .year_to_date
        .unwrap_or_else(|| YearToDateRule::by_type(parsed.measure, parsed.unit));
    let worked = worked_by(parsed, in_force)?;
    if worked == stated {
        parsed.year_to_date = Some(in_force);
        return Some(in_force);
    }
    // A level's periods are summed or averaged; a cumulative figure or a change is its own.
    if parsed.measure == MeasureType::Level {
        let other = [YearToDateRule::Sum, YearToDateRule::Mean]
            .into_iter()
            .find(|rule| *rule != in_force && worked_by(parsed, *rule) == Some(stated));
        if let Some(rule) = other {
            parsed.year_to_date = Some(rule);
            return Some(rule);
        }
    }
    findings.push(Finding::new(
        row,
        header,
        FindingKind::BadFigure,
        format!(
            "the year-to-date column says {stated} for \"{}\"; its periods to {last} give \
             {worked} by the {}",
            parsed.title,
            in_force.as_str()
        ),
    ));
    None
}

/// A header cell that names a period rather than a field: the period its figures are for.
#[derive(Debug, Clone, PartialEq)]
struct PeriodColumn {
    index: usize,
    period: Period,
    header: String,
}

/// The header's period columns, as forces lay a year out across the page: "P1" … "P13" (four-
/// week periods), "Apr" … "Mar" or "April 2026" (months), "Q1" … "Q4" or "2026-27 Q2"
/// (quarters). A label without its year takes the financial year written in the title or
/// notes above the header (or in the header); a year-to-date column is recognised and left
/// out, as it is not a period's figure. Reports what it read as one finding on the header row.
fn period_columns(
    table: &Table,
    header_at: usize,
    columns: &[(usize, Field, String)],
    as_at: Option<NaiveDate>,
    findings: &mut Vec<Finding>,
) -> Vec<PeriodColumn> {
    let header = &table.rows[header_at];
    let stated = table.rows[..=header_at]
        .iter()
        .flat_map(|row| row.cells.iter())
        .find_map(|cell| financial_year_in(cell));
    let from_as_at = as_at.and_then(|day| FinancialYear::containing(day).ok().map(|y| (day, y)));
    let year = stated.or(from_as_at.map(|(_, year)| year));
    let mut year_from_as_at = false;
    let mut found = Vec::new();
    let mut yearless = Vec::new();
    let mut year_to_date = Vec::new();
    for (index, cell) in header.cells.iter().enumerate() {
        let label = cell.trim();
        if label.is_empty() || columns.iter().any(|(i, _, _)| *i == index) {
            continue;
        }
        if is_year_to_date(label) {
            year_to_date.push(label.to_string());
            continue;
        }
        let period = match Period::parse(label) {
            Ok(period) if period.kind() != PeriodKind::Year => Some(period),
            _ => match (yearless_period(label), year) {
                (Some((kind, position)), Some(year)) => {
                    year_from_as_at |= stated.is_none();
                    Period::new(year, kind, position).ok()
                }
                (Some(_), None) => {
                    yearless.push(label.to_string());
                    None
                }
                (None, _) => None,
            },
        };
        if let Some(period) = period {
            found.push(PeriodColumn {
                index,
                period,
                header: label.to_string(),
            });
        }
    }
    if !yearless.is_empty() {
        findings.push(Finding::new(
            header.number,
            &yearless.join(", "),
            FindingKind::UnparseableDate,
            format!(
                "period columns {} have no year, and the title and notes name none \
                 (write the financial year, such as 2026-27, above the header, or give \
                 --as-at); their figures were skipped",
                yearless.join(", ")
            ),
        ));
    }
    if !found.is_empty() {
        let listed: Vec<String> = found.iter().map(|c| c.period.to_string()).collect();
        let mut message = format!("period columns read as {}", listed.join(", "));
        if let (true, Some((day, year))) = (year_from_as_at, from_as_at) {
            message.push_str(&format!(
                "; the file names no financial year, so {year} was taken from the import's \
                 as-at date {day}"
            ));
        }
        if !year_to_date.is_empty() {
            message.push_str(&format!(
                "; the year-to-date column {} is not a period: it is checked against the \
                 periods, not stored",
                year_to_date.join(", ")
            ));
        }
        findings.push(Finding::new(
            header.number,
            "",
            FindingKind::PeriodsFound,
            message,
        ));
    }
    found
}

/// "P6", "Period 6", "Q2", "Quarter 2", "Apr", "September": a period named without its year,
/// as (kind, position in the financial year, April being month 1).
fn yearless_period(label: &str) -> Option<(PeriodKind, u32)> {
    let lower = label.trim().to_lowercase();
    let compact: String = lower.split_whitespace().collect();
    let numbered = |prefixes: &[&str], kind: PeriodKind| {
        prefixes.iter().find_map(|prefix| {
            let digits = compact.strip_prefix(prefix)?;
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let position: u32 = digits.parse().ok()?;
            (1..=u32::from(kind.periods_per_year()))
                .contains(&position)
                .then_some((kind, position))
        })
    };
    if let Some(found) = numbered(&["period", "p"], PeriodKind::FourWeek) {
        return Some(found);
    }
    if let Some(found) = numbered(&["quarter", "q"], PeriodKind::Quarter) {
        return Some(found);
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = compact.trim_end_matches('.');
    let calendar_month = MONTHS.iter().position(|name| {
        *name == word
            || (word.len() >= 3 && name.starts_with(word) && word != "ma")
            || (word == "sept" && *name == "september")
    })?;
    let calendar_month = u32::try_from(calendar_month).ok()? + 1;
    let position = if calendar_month >= 4 {
        calendar_month - 3
    } else {
        calendar_month + 9
    };
    Some((PeriodKind::Month, position))
}

fn is_year_to_date(label: &str) -> bool {
    let lower = label.trim().to_lowercase();
    lower == "ytd" || lower.starts_with("ytd ") || lower.starts_with("year to date")
}

/// The first financial year a cell names: "2026-27", "2026/27", "2026-2027".
fn financial_year_in(cell: &str) -> Option<FinancialYear> {
    cell.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '.'))
        .filter(|token| token.len() >= 7 && token.contains(['-', '/']))
        .find_map(|token| FinancialYear::parse(token).ok())
}

fn finish(
    indicators: Vec<ParsedIndicator>,
    mut findings: Vec<Finding>,
    table: &Table,
) -> IndicatorImport {
    for finding in &mut findings {
        finding.table.clone_from(&table.name);
    }
    IndicatorImport {
        indicators,
        findings,
        objective_choices: Vec::new(),
    }
}

struct RowReader<'a> {
    columns: &'a [(usize, Field, String)],
    findings: &'a mut Vec<Finding>,
}

impl RowReader<'_> {
    fn field_at(&self, column: usize) -> Option<Field> {
        self.columns
            .iter()
            .find(|(index, _, _)| *index == column)
            .map(|(_, field, _)| *field)
    }

    fn header_of(&self, field: Field) -> String {
        self.columns
            .iter()
            .find(|(_, f, _)| *f == field)
            .map(|(_, _, header)| header.clone())
            .unwrap_or_default()
    }

    /// The trimmed cell of the first column holding `field`, or `None` when blank or absent.
    fn cell<'r>(&self, row: &'r Row, field: Field) -> Option<(&'r str, String)> {
        let (index, _, header) = self.columns.iter().find(|(_, f, _)| *f == field)?;
        let text = row.cell(*index).trim();
        (!text.is_empty()).then(|| (text, header.clone()))
    }

    fn text(&self, row: &Row, field: Field) -> Option<String> {
        self.cell(row, field).map(|(text, _)| text.to_string())
    }

    fn bad(&mut self, row: &Row, column: &str, message: String) {
        self.findings.push(Finding::new(
            row.number,
            column,
            FindingKind::BadFigure,
            message,
        ));
    }

    /// A figure cell: `None` when blank or unreadable (with a finding).
    fn figure(&mut self, row: &Row, field: Field, hint: &mut Option<Unit>) -> Option<Figure> {
        let (text, column) = self.cell(row, field)?;
        if text.contains('%') {
            hint.get_or_insert(Unit::Percent);
        } else if text.contains('£') {
            hint.get_or_insert(Unit::Money);
        }
        match Figure::parse(text) {
            Ok(figure) => Some(figure),
            Err(error) => {
                self.bad(row, &column, error.to_string());
                None
            }
        }
    }

    /// A setting cell read by `parse`, with a finding naming what it should say when unreadable.
    fn setting<T>(
        &mut self,
        row: &Row,
        field: Field,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let (text, column) = self.cell(row, field)?;
        let parsed = parse(text);
        if parsed.is_none() {
            self.bad(row, &column, format!("{text:?} is not {expected}"));
        }
        parsed
    }

    /// The row's figures under period columns, each stored against its own period. A blank
    /// cell is not yet reported and stores nothing (never zero); "n/a"-like words store the
    /// period as not yet available.
    fn read_period_columns(&mut self, row: &Row, entry: &mut Gathered, columns: &[PeriodColumn]) {
        for column in columns {
            let text = row.cell(column.index).trim();
            if text.is_empty() {
                continue;
            }
            let actual = if is_not_yet_available(text) {
                Actual::NotYetAvailable
            } else {
                if text.contains('%') {
                    entry.unit_hint.get_or_insert(Unit::Percent);
                } else if text.contains('£') {
                    entry.unit_hint.get_or_insert(Unit::Money);
                }
                match Figure::parse(text) {
                    Ok(figure) => Actual::Measured(figure),
                    Err(error) => {
                        self.bad(row, &column.header, error.to_string());
                        continue;
                    }
                }
            };
            let measurement = Measurement {
                period: column.period,
                actual,
                same_period_last_year: None,
            };
            if let Some(earlier) = entry
                .measured
                .insert(column.period, entry.measurements.len())
            {
                entry.measurements[earlier] = None;
            }
            entry.measurements.push(Some((row.number, measurement)));
        }
    }

    fn read_into(&mut self, row: &Row, entry: &mut Gathered) {
        if entry.owner.is_none() {
            entry.owner = self.text(row, Field::Owner);
        }
        let unit = self.setting(
            row,
            Field::Unit,
            parse_unit,
            "a unit (%, £, count, days, rate)",
        );
        entry.unit = entry.unit.or(unit);
        let direction = self.setting(
            row,
            Field::Direction,
            parse_direction,
            "a direction (higher or lower, increase or reduce, up or down)",
        );
        entry.direction = entry.direction.or(direction);
        let measure = self.setting(
            row,
            Field::Measure,
            MeasureType::parse,
            "a measure type (level, cumulative or change)",
        );
        entry.measure = entry.measure.or(measure);
        let calendar = self.setting(
            row,
            Field::Calendar,
            Calendar::parse,
            "a frequency (monthly, quarterly or four-weekly)",
        );
        entry.calendar = entry.calendar.or(calendar);
        let mut hint = entry.unit_hint;
        let annual_target = match self
            .cell(row, Field::AnnualTarget)
            .and_then(|(text, column)| direction_in_target(text).map(|found| (found, column)))
        {
            // "Reduce to 100", "at least 90%", "↓ 4%": the target's words state the direction.
            Some(((direction, figure), column)) => {
                entry.direction = entry.direction.or(Some(direction));
                if figure.contains('%') {
                    hint.get_or_insert(Unit::Percent);
                } else if figure.contains('£') {
                    hint.get_or_insert(Unit::Money);
                }
                match Figure::parse(figure) {
                    Ok(figure) => Some(figure),
                    Err(error) => {
                        self.bad(row, &column, error.to_string());
                        None
                    }
                }
            }
            None => self.figure(row, Field::AnnualTarget, &mut hint),
        };
        entry.annual_target = entry.annual_target.or(annual_target);
        let baseline = self.figure(row, Field::Baseline, &mut hint);
        entry.baseline = entry.baseline.or(baseline);
        let minimum = self.figure(row, Field::Minimum, &mut hint);
        entry.minimum = entry.minimum.or(minimum);
        let stretch = self.figure(row, Field::Stretch, &mut hint);
        entry.stretch = entry.stretch.or(stretch);
        let last_year = self.figure(row, Field::LastYear, &mut hint);
        let actual = match self.cell(row, Field::Actual) {
            Some((text, _)) if is_not_yet_available(text) => Some(Actual::NotYetAvailable),
            Some(_) => self
                .figure(row, Field::Actual, &mut hint)
                .map(Actual::Measured),
            None => None,
        };
        entry.unit_hint = hint;

        let period = match self.cell(row, Field::Period) {
            Some((text, column)) => match Period::parse(text) {
                Ok(period) if period.kind() == PeriodKind::Year => {
                    self.findings.push(Finding::new(
                        row.number,
                        &column,
                        FindingKind::UnparseableDate,
                        format!(
                            "{text:?} is a whole year; give a quarter (Q2 2008-09), a month \
                             (September 2008) or a four-week period (P6 2008-09)"
                        ),
                    ));
                    None
                }
                Ok(period) => Some(period),
                Err(error) => {
                    self.findings.push(Finding::new(
                        row.number,
                        &column,
                        FindingKind::UnparseableDate,
                        format!("{text:?} is not a period: {error}"),
                    ));
                    None
                }
            },
            None => {
                if actual.is_some() {
                    let column = self.header_of(Field::Period);
                    self.findings.push(Finding::new(
                        row.number,
                        &column,
                        FindingKind::UnparseableDate,
                        "an actual with no period; it was skipped",
                    ));
                }
                None
            }
        };
        if let (Some(period), Some(actual)) = (period, actual) {
            let measurement = Measurement {
                period,
                actual,
                same_period_last_year: last_year,
            };
            // A later row for the same period replaces an earlier one.
            if let Some(earlier) = entry.measured.insert(period, entry.measurements.len()) {
                entry.measurements[earlier] = None;
            }
            entry.measurements.push(Some((row.number, measurement)));
        }
    }
}

/// Decides an indicator's defaults: unit from its cells, direction from its title's verb,
/// calendar from its periods.
fn settle(
    entry: Gathered,
    findings: &mut Vec<Finding>,
    columns: &[(usize, Field, String)],
) -> ParsedIndicator {
    let header = |field: Field| {
        columns
            .iter()
            .find(|(_, f, _)| *f == field)
            .map(|(_, _, header)| header.clone())
            .unwrap_or_default()
    };
    let direction = entry
        .direction
        .or_else(|| direction_from_title(&entry.title));
    if direction.is_none() {
        findings.push(Finding::new(
            entry.first_row,
            &header(Field::Direction),
            FindingKind::DirectionMissing,
            direction_missing_message(&entry.title),
        ));
    }
    let calendar = entry.calendar.unwrap_or_else(|| {
        let mut kinds: Vec<PeriodKind> = entry
            .measurements
            .iter()
            .flatten()
            .map(|(_, m)| m.period.kind())
            .collect();
        kinds.dedup();
        match kinds.first() {
            Some(PeriodKind::Month) => Calendar::Monthly,
            Some(PeriodKind::FourWeek) => Calendar::FourWeekly,
            _ => Calendar::Quarterly,
        }
    });
    let mut measurements = Vec::with_capacity(entry.measurements.len());
    for (row, measurement) in entry.measurements.into_iter().flatten() {
        if measurement.period.kind() == calendar.kind() {
            measurements.push(measurement);
        } else {
            // A figure from a period column is named by its period, as the column heads it.
            let column = Some(header(Field::Period))
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| measurement.period.to_string());
            findings.push(Finding::new(
                row,
                &column,
                FindingKind::UnparseableDate,
                format!(
                    "{} is not a period of the {calendar} indicator \"{}\"; it was skipped",
                    measurement.period, entry.title
                ),
            ));
        }
    }
    measurements.sort_by_key(|m| m.period);
    ParsedIndicator {
        objective: entry.objective,
        owner: entry.owner,
        unit: entry.unit.or(entry.unit_hint).unwrap_or(Unit::Count),
        direction,
        measure: entry.measure.unwrap_or(MeasureType::Level),
        calendar,
        annual_target: entry.annual_target,
        baseline: entry.baseline,
        minimum: entry.minimum,
        stretch: entry.stretch,
        tolerance: None,
        year_to_date: None,
        measurements,
        row: entry.first_row,
        title: entry.title,
    }
}

fn direction_missing_message(title: &str) -> String {
    format!(
        "nothing in the table says which way is better for \"{title}\" (no Better column, \
         no \"reduce\" or \"increase\" in its name or target); say whether higher or lower \
         is better before it is imported"
    )
}

/// Gives indicators whose table states no direction the direction the person answered, by
/// title (ignoring case and surrounding spaces), and drops the finding that asked. Returns the
/// titles answered that name no indicator of the import lacking a direction, for the caller
/// to refuse: an answer never overrides what the table states.
pub fn answer_directions(
    import: &mut IndicatorImport,
    answers: &[(String, Direction)],
) -> Vec<String> {
    let mut unknown = Vec::new();
    for (title, direction) in answers {
        let key = title.trim().to_lowercase();
        let mut found = false;
        for parsed in &mut import.indicators {
            if parsed.direction.is_none() && parsed.title.trim().to_lowercase() == key {
                parsed.direction = Some(*direction);
                let message = direction_missing_message(&parsed.title);
                let row = parsed.row;
                import.findings.retain(|f| {
                    !(f.kind == FindingKind::DirectionMissing
                        && f.row == row
                        && f.message == message)
                });
                found = true;
            }
        }
        if !found {
            unknown.push(title.clone());
        }
    }
    unknown
}

/// The titles of the import's indicators whose direction is neither stated nor answered.
pub fn directions_missing(import: &IndicatorImport) -> Vec<String> {
    import
        .indicators
        .iter()
        .filter(|parsed| parsed.direction.is_none())
        .map(|parsed| parsed.title.clone())
        .collect()
}

fn parse_unit(text: &str) -> Option<Unit> {
    Unit::parse(text).or_else(|| match text.trim().to_lowercase().as_str() {
        "%" | "% rate" | "rate (%)" | "percentage points" => Some(Unit::Percent),
        "£s" | "£ value" | "value (£)" | "cash" => Some(Unit::Money),
        "no" | "number of" | "total" | "volume" => Some(Unit::Count),
        _ => None,
    })
}

fn parse_direction(text: &str) -> Option<Direction> {
    Direction::parse(text).or_else(|| {
        let lower = text.trim().to_lowercase();
        if lower.starts_with(['↑', '⬆', '▲']) {
            return Some(Direction::HigherIsBetter);
        }
        if lower.starts_with(['↓', '⬇', '▼']) {
            return Some(Direction::LowerIsBetter);
        }
        let first = lower.split_whitespace().next().unwrap_or("");
        match first {
            "higher" | "high" | "up" | "increase" | "more" | "maximise" => {
                Some(Direction::HigherIsBetter)
            }
            "lower" | "low" | "down" | "reduce" | "decrease" | "less" | "fewer" | "minimise" => {
                Some(Direction::LowerIsBetter)
            }
            _ => None,
        }
    })
}

/// A target written with its direction: "reduce to 100", "increase to 300", "at least 90%",
/// "no more than 4%", "↓ 4%", as the direction and the figure's text. A change written "reduce
/// by 5%" is not read here: it is a change on last year, not a level to reach.
fn direction_in_target(text: &str) -> Option<(Direction, &str)> {
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase();
    let forms: [(&str, Direction); 12] = [
        ("reduce to ", Direction::LowerIsBetter),
        ("decrease to ", Direction::LowerIsBetter),
        ("no more than ", Direction::LowerIsBetter),
        ("at most ", Direction::LowerIsBetter),
        ("below ", Direction::LowerIsBetter),
        ("↓", Direction::LowerIsBetter),
        ("increase to ", Direction::HigherIsBetter),
        ("improve to ", Direction::HigherIsBetter),
        ("raise to ", Direction::HigherIsBetter),
        ("at least ", Direction::HigherIsBetter),
        ("above ", Direction::HigherIsBetter),
        ("↑", Direction::HigherIsBetter),
    ];
    forms.iter().find_map(|(prefix, direction)| {
        lower
            .starts_with(prefix)
            .then(|| (*direction, trimmed.get(prefix.len()..).unwrap_or("").trim()))
    })
}

/// "Increase the number of special constables" reads as higher is better; "Reduce ..." lower.
fn direction_from_title(title: &str) -> Option<Direction> {
    let first = title.split_whitespace().next()?.to_lowercase();
    match first.as_str() {
        "increase" | "improve" | "raise" | "maximise" | "grow" => Some(Direction::HigherIsBetter),
        "reduce" | "decrease" | "lower" | "cut" | "minimise" => Some(Direction::LowerIsBetter),
        _ => None,
    }
}

fn is_not_yet_available(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "nya" | "n.y.a." | "not yet available" | "tba" | "tbc"
    )
}

/// The subject a sentence is about: "Increase the number of special constables" is about "the
/// number of special constables"; "The minimum value of confiscation orders" about "the minimum
/// value of confiscation orders".
fn subject_of(title: &str) -> String {
    let trimmed = title.trim();
    let rest = match trimmed.split_once(char::is_whitespace) {
        Some((verb, rest)) if direction_from_title(verb).is_some() => rest.trim(),
        _ => trimmed,
    };
    let mut chars = rest.chars();
    match (chars.next(), chars.clone().next()) {
        // Lower-case a capital that starts an ordinary word, not an acronym ("ASB").
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => rest.to_string(),
    }
}

/// What an indicator import did, or would do on a dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorOutcome {
    pub indicators_created: usize,
    pub indicators_matched: usize,
    pub measurements_added: usize,
    pub objectives_created: usize,
    /// Each objective the file names that was found among the plan's items, and how.
    pub objectives_matched: Vec<ObjectiveMatched>,
    /// The objectives the file names that the plan has not, added as new items.
    pub objectives_new: Vec<String>,
    pub dry_run: bool,
    pub findings: Vec<Finding>,
    /// Each indicator read, as it would be stored.
    pub indicators: Vec<IndicatorRead>,
    /// The indicators the import would create whose direction nobody has stated: none of them
    /// is stored until each has an answer ([`answer_directions`]).
    pub directions_missing: Vec<String>,
}

/// One indicator of a file, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRead {
    pub title: String,
    pub row: usize,
    /// "higher is better" or "lower is better"; `None` where nobody has said.
    pub direction: Option<&'static str>,
    /// How its year to date is worked out ("mean of periods").
    pub year_to_date: &'static str,
    /// True where the table stated the rule (notes or a year-to-date column); false where it
    /// is the rule by measure type and unit.
    pub year_to_date_stated: bool,
    /// True where the plan already has it (matched by title), whose settings are kept.
    pub matched: bool,
}

/// An objective named in the file, and the plan's item it was taken to be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveMatched {
    /// As the file writes it.
    pub written: String,
    pub item: i64,
    /// The item's text, as the plan writes it.
    pub item_text: String,
    #[serde(flatten)]
    pub by: MatchedBy,
}

/// Plans storing parsed indicators into an existing plan, whose every item is `view`'s and
/// whose indicators and measurements in force are `existing` and `in_force`. Objectives are
/// matched to the plan's items by text, reference or meaning (`objective_match`, each match
/// not by text reported as a finding) and the missing ones created as top-level items; indicators are matched by title or created; measurements are
/// appended, skipping any equal to the one in force for its period, so importing the same file
/// again adds nothing. The application layer stores the result in one transaction.
pub fn plan_indicator_import(
    view: &PlanView,
    existing: &[StoredIndicator],
    in_force: &MeasurementsByIndicator,
    import: &IndicatorImport,
    entered_by: &str,
    today: NaiveDate,
    dry_run: bool,
) -> (IndicatorImportSet, IndicatorOutcome) {
    let plan = &view.plan;
    let mut findings = import.findings.clone();

    // Objectives: existing items, else new top-level items.
    let mut objective_ids: HashMap<String, ItemRef> = HashMap::new();
    let mut changes = ChangeSet::new(plan.org, plan.id);
    changes.author = Some(entered_by.to_string());
    let mut next_position = view
        .items
        .iter()
        .filter(|item| item.depth == 0)
        .map(|item| item.fields.position + 1)
        .max()
        .unwrap_or(0);
    // Each objective is looked for among the plan's items by text, reference and meaning
    // (`objective_match`); the earliest period measured for each objective.
    let candidate_list = objective_candidates(view);
    let candidates = Candidates::new(&candidate_list);
    let mut objectives_matched = Vec::new();
    let mut objectives_new = Vec::new();
    let earliest = earliest_starts(import);
    for indicator in &import.indicators {
        let Some(text) = &indicator.objective else {
            continue;
        };
        let key = text.to_lowercase();
        if objective_ids.contains_key(&key) {
            continue;
        }
        let chosen = import
            .objective_choices
            .iter()
            .find(|(written, _)| written.trim().to_lowercase() == key.trim())
            .and_then(|(_, choice)| resolve_choice(choice, &candidate_list));
        let found = match chosen {
            Some(Some(index)) => Some((&view.items[index], MatchedBy::Chosen)),
            Some(None) => None,
            None => match match_objective(text, &candidates) {
                ObjectiveMatch::Found(index, by) => Some((&view.items[index], by)),
                ObjectiveMatch::Ambiguous(indexes) => {
                    let named: Vec<String> = indexes
                        .iter()
                        .map(|&index| format!("\"{}\"", view.items[index].fields.text))
                        .collect();
                    findings.push(Finding::new(
                        0,
                        "",
                        FindingKind::ObjectiveAmbiguous,
                        format!(
                            "The objective \"{text}\" could be any of {}; it was added as a new \
                         objective rather than guessed",
                            named.join(" or ")
                        ),
                    ));
                    None
                }
                ObjectiveMatch::None => None,
            },
        };
        match found {
            Some((item, by)) => {
                if by != MatchedBy::Text {
                    let how = match by {
                        MatchedBy::Reference => "by its reference".to_string(),
                        MatchedBy::Meaning { shared, of } => {
                            format!("by meaning ({shared} of {of} words in common)")
                        }
                        MatchedBy::Chosen => "as chosen".to_string(),
                        MatchedBy::Text => String::new(),
                    };
                    findings.push(Finding::new(
                        0,
                        "",
                        FindingKind::ObjectiveMatched,
                        format!(
                            "The objective \"{text}\" was taken to be the plan's \"{}\", {how}",
                            item.fields.text
                        ),
                    ));
                }
                objectives_matched.push(ObjectiveMatched {
                    written: text.clone(),
                    item: item.id.0,
                    item_text: item.fields.text.clone(),
                    by,
                });
                objective_ids.insert(key, ItemRef::Existing(item.id));
            }
            None => {
                let effective = earliest.get(&key).copied().unwrap_or(today);
                objectives_new.push(text.clone());
                objective_ids.insert(key, ItemRef::New(changes.new_items.len()));
                changes.new_items.push(NewItem {
                    parent: None,
                    fields: ItemFields {
                        position: next_position,
                        text: text.clone(),
                        ..ItemFields::default()
                    },
                    effective,
                });
                next_position += 1;
            }
        }
    }
    let objectives_created = changes.new_items.len();

    // Indicators: matched by title, else created.
    let mut next_position = existing
        .iter()
        .map(|stored| stored.position + 1)
        .max()
        .unwrap_or(0);
    let mut indicators_matched = 0;
    let mut new_indicators = Vec::new();
    let mut measurements = Vec::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    for (index, stored) in existing.iter().enumerate() {
        by_title
            .entry(stored.indicator.title.trim().to_lowercase())
            .or_insert(index);
    }
    let mut indicators_read = Vec::with_capacity(import.indicators.len());
    let mut directions_missing = Vec::new();
    for parsed in &import.indicators {
        let key = parsed.title.trim().to_lowercase();
        let matched = by_title.get(&key).map(|&index| &existing[index]);
        let rule = parsed
            .year_to_date
            .unwrap_or_else(|| YearToDateRule::by_type(parsed.measure, parsed.unit));
        indicators_read.push(IndicatorRead {
            title: parsed.title.clone(),
            row: parsed.row,
            direction: matched
                .map(|stored| stored.indicator.direction)
                .or(parsed.direction)
                .map(Direction::as_str),
            year_to_date: matched
                .map(|stored| YearToDateRule::for_indicator(&stored.indicator))
                .unwrap_or(rule)
                .as_str(),
            year_to_date_stated: match matched {
                Some(stored) => stored.indicator.year_to_date.is_some(),
                None => parsed.year_to_date.is_some(),
            },
            matched: matched.is_some(),
        });
        let (target, calendar) = match matched {
            Some(stored) => {
                indicators_matched += 1;
                // The plan's indicator keeps its direction: the table need not state it.
                let message = direction_missing_message(&parsed.title);
                findings.retain(|f| {
                    !(f.kind == FindingKind::DirectionMissing
                        && f.row == parsed.row
                        && f.message == message)
                });
                (
                    IndicatorRef::Existing(stored.indicator.id),
                    stored.indicator.calendar,
                )
            }
            None => {
                // Never stored on a guessed direction: the caller refuses the import while
                // any is missing, and it is left out of the set meanwhile.
                let Some(direction) = parsed.direction else {
                    directions_missing.push(parsed.title.clone());
                    continue;
                };
                let objective = parsed
                    .objective
                    .as_ref()
                    .and_then(|text| objective_ids.get(&text.to_lowercase()).copied());
                new_indicators.push((
                    NewIndicator {
                        org: plan.org,
                        plan: plan.id,
                        indicator: to_indicator(parsed, direction),
                        owner_post: parsed.owner.clone(),
                        position: next_position,
                    },
                    objective,
                ));
                next_position += 1;
                (IndicatorRef::New(new_indicators.len() - 1), parsed.calendar)
            }
        };
        let held: HashSet<&Measurement> = match target {
            IndicatorRef::Existing(id) => in_force.get(&id).into_iter().flatten().collect(),
            IndicatorRef::New(_) => HashSet::new(),
        };
        for measurement in &parsed.measurements {
            if measurement.period.kind() != calendar.kind() {
                findings.push(Finding::new(
                    0,
                    "",
                    FindingKind::UnparseableDate,
                    format!(
                        "{} is not a period of the {calendar} indicator \"{}\" already in the \
                         plan; it was skipped",
                        measurement.period, parsed.title
                    ),
                ));
                continue;
            }
            if held.contains(measurement) {
                continue;
            }
            measurements.push((target, *measurement));
        }
    }
    let outcome = IndicatorOutcome {
        indicators_created: new_indicators.len(),
        indicators_matched,
        measurements_added: measurements.len(),
        objectives_created,
        objectives_matched,
        objectives_new,
        dry_run,
        findings,
        indicators: indicators_read,
        directions_missing,
    };
    let set = IndicatorImportSet {
        new_plan: None,
        changes,
        indicators: new_indicators,
        measurements,
        entered_by: entered_by.to_string(),
        audit: None,
    };
    (set, outcome)
}

/// The plan's items as candidates for the objectives a file names.
fn objective_candidates(view: &PlanView) -> Vec<Candidate<'_>> {
    view.items
        .iter()
        .map(|item| Candidate {
            id: item.id,
            text: &item.fields.text,
            reference: item.fields.reference.as_deref(),
            depth: item.depth,
        })
        .collect()
}

/// What is wrong with the objectives a person chose for an import into the plan `view`
/// holds, each said by the objective as the file writes it: a choice for an objective the
/// file does not name, or naming no objective of the plan. Empty where every choice stands.
pub fn objective_choice_problems(import: &IndicatorImport, view: &PlanView) -> Vec<String> {
    let candidates = objective_candidates(view);
    let written: Vec<String> = import
        .indicators
        .iter()
        .filter_map(|indicator| indicator.objective.as_ref())
        .map(|text| text.trim().to_lowercase())
        .collect();
    let mut problems = Vec::new();
    for (name, choice) in &import.objective_choices {
        if !written.contains(&name.trim().to_lowercase()) {
            problems.push(format!(
                "The file names no objective \"{}\", so there is nothing to choose for it",
                name.trim()
            ));
            continue;
        }
        if resolve_choice(choice, &candidates).is_none() {
            let given = match choice {
                ObjectiveChoice::Item(id) => format!("item {id}"),
                ObjectiveChoice::Named(named) => format!("\"{named}\""),
                ObjectiveChoice::New => "a new objective".to_string(),
            };
            problems.push(format!(
                "The objective \"{}\" was given as {given}, which is not an objective of the \
                 plan: give the reference or text of one of its objectives, or \"new\"",
                name.trim()
            ));
        }
    }
    problems
}

/// The core indicator for a parsed one, going `direction`; the store gives the id, and the
/// objective is linked as the import stores it.
fn to_indicator(parsed: &ParsedIndicator, direction: Direction) -> Indicator {
    Indicator {
        annual_target: parsed.annual_target,
        baseline: parsed.baseline,
        minimum: parsed.minimum,
        stretch: parsed.stretch,
        tolerance: parsed.tolerance.unwrap_or(Tolerance::DEFAULT),
        year_to_date: parsed.year_to_date,
        ..Indicator::new(
            IndicatorId(0),
            parsed.title.clone(),
            Wording::new(subject_of(&parsed.title)),
            parsed.unit,
            direction,
            parsed.measure,
            parsed.calendar,
        )
    }
}

/// The core indicator for working out a parsed one's year-to-date figure, which its direction
/// does not enter: never stored, and its RAG never read.
fn value_indicator(parsed: &ParsedIndicator) -> Indicator {
    to_indicator(
        parsed,
        parsed.direction.unwrap_or(Direction::HigherIsBetter),
    )
}

/// The start of the earliest period measured for each objective's indicators (by its text in
/// lower case): the day its item comes into existence, so the plan as at that day shows it.
fn earliest_starts(import: &IndicatorImport) -> HashMap<String, NaiveDate> {
    let mut earliest: HashMap<String, NaiveDate> = HashMap::new();
    for indicator in &import.indicators {
        let Some(objective) = &indicator.objective else {
            continue;
        };
        let Some(start) = indicator
            .measurements
            .iter()
            .map(|m| m.period.start_date())
            .min()
        else {
            continue;
        };
        earliest
            .entry(objective.to_lowercase())
            .and_modify(|day| *day = (*day).min(start))
            .or_insert(start);
    }
    earliest
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Table {
        Table::of_rows("Indicators", rows)
    }

    const HEADER: &[&str] = &[
        "Objective",
        "Indicator",
        "Unit",
        "Direction",
        "Measure type",
        "Annual target",
        "Baseline",
        "Minimum target",
        "Stretch target",
        "Period",
        "Actual",
        "Same period last year",
    ];

    fn seed_004_like() -> Table {
        table(&[
            &["Thames Valley Police: performance indicators, Q2 2008-09"],
            HEADER,
            &[
                "Building safer communities",
                "Increase the number of special constables",
                "Count",
                "higher",
                "level",
                "300",
                "246",
                "273",
                "300",
                "Q1 2008-09",
                "248",
                "",
            ],
            &[
                "",
                "Increase the number of special constables",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "Q2 2008-09",
                "280",
                "265",
            ],
            &[
                "Protecting from serious harm",
                "The minimum value of confiscation orders",
                "",
                "increase",
                "cumulative",
                "£3,000,000",
                "",
                "",
                "",
                "Q2 2008-09",
                "£2,109,747",
                "",
            ],
            &[
                "Reducing crime",
                "Reduce the level of serious acquisitive crime",
                "%",
                "reduce",
                "change",
                "-5%",
                "",
                "",
                "",
                "Q2 2008-09",
                "+0.1%",
                "",
            ],
            &[
                "",
                "Increase satisfaction of victims of domestic abuse",
                "%",
                "up",
                "level",
                "85%",
                "",
                "",
                "",
                "Q2 2008-09",
                "NYA",
                "",
            ],
        ])
    }

    fn q(n: u32) -> Period {
        Period::parse(&format!("Q{n} 2008-09")).unwrap()
    }

    #[test]
    fn headers_name_indicator_tables() {
        let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
        assert!(is_indicator_table(&header));
        let plan: Vec<String> = ["Ref", "Action", "Owner", "Due date"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(!is_indicator_table(&plan));
        let bare: Vec<String> = ["Performance indicator", "Annual Target"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(is_indicator_table(&bare));
    }

    #[test]
    fn seed_004_rows_become_indicators_with_measurements() {
        let import = parse_indicator_table(&seed_004_like());
        assert_eq!(import.findings, vec![]);
        assert_eq!(import.indicators.len(), 4);

        let constables = &import.indicators[0];
        assert_eq!(
            constables.title,
            "Increase the number of special constables"
        );
        assert_eq!(
            constables.objective.as_deref(),
            Some("Building safer communities")
        );
        assert_eq!(constables.unit, Unit::Count);
        assert_eq!(constables.direction, Some(Direction::HigherIsBetter));
        assert_eq!(constables.measure, MeasureType::Level);
        assert_eq!(constables.calendar, Calendar::Quarterly);
        assert_eq!(constables.annual_target, Some(Figure::whole(300)));
        assert_eq!(constables.baseline, Some(Figure::whole(246)));
        assert_eq!(constables.minimum, Some(Figure::whole(273)));
        assert_eq!(constables.stretch, Some(Figure::whole(300)));
        assert_eq!(
            constables.measurements,
            vec![
                Measurement::new(q(1), Figure::whole(248)),
                Measurement::new(q(2), Figure::whole(280)).with_last_year(Figure::whole(265)),
            ]
        );

        let confiscation = &import.indicators[1];
        assert_eq!(confiscation.unit, Unit::Money, "inferred from the £ cells");
        assert_eq!(confiscation.measure, MeasureType::Cumulative);
        assert_eq!(confiscation.annual_target, Some(Figure::whole(3_000_000)));
        assert_eq!(
            confiscation.measurements,
            vec![Measurement::new(q(2), Figure::parse("2109747").unwrap())]
        );

        let sac = &import.indicators[2];
        assert_eq!(sac.unit, Unit::Percent);
        assert_eq!(sac.direction, Some(Direction::LowerIsBetter));
        assert_eq!(sac.measure, MeasureType::Change);
        assert_eq!(sac.annual_target, Some(Figure::from_hundredths(-500)));
        assert_eq!(
            sac.measurements,
            vec![Measurement::new(q(2), Figure::from_hundredths(10))]
        );

        let satisfaction = &import.indicators[3];
        assert_eq!(
            satisfaction.objective.as_deref(),
            Some("Reducing crime"),
            "a blank objective keeps the one above"
        );
        assert_eq!(
            satisfaction.measurements,
            vec![Measurement::not_yet_available(q(2))]
        );
    }

    #[test]
    fn bad_figures_and_periods_are_named_by_row_and_column() {
        let import = parse_indicator_table(&table(&[
            &["Indicator", "Annual target", "Period", "Actual"],
            &["Reduce burglary", "1,200", "Q2 2008-09", "about 900"],
            &["Reduce burglary", "", "Q7 2008-09", "850"],
        ]));
        let found: Vec<(usize, &str, FindingKind)> = import
            .findings
            .iter()
            .map(|f| (f.row, f.column.as_str(), f.kind))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, "Actual", FindingKind::BadFigure),
                (3, "Period", FindingKind::UnparseableDate),
            ]
        );
        assert!(import.findings[0].message.contains("about 900"));
        assert_eq!(import.findings[0].table.as_deref(), Some("Indicators"));
        let burglary = &import.indicators[0];
        assert_eq!(
            burglary.direction,
            Some(Direction::LowerIsBetter),
            "from the verb"
        );
        assert_eq!(burglary.annual_target, Some(Figure::whole(1200)));
        assert!(burglary.measurements.is_empty());
    }

    #[test]
    fn calendars_are_guessed_from_periods() {
        let import = parse_indicator_table(&table(&[
            &["Measure", "Direction", "Period", "Actual"],
            &[
                "Calls answered in 10 seconds",
                "higher",
                "September 2008",
                "91%",
            ],
            &["Response times", "lower", "P6 2008-09", "12"],
        ]));
        assert_eq!(import.indicators[0].calendar, Calendar::Monthly);
        assert_eq!(import.indicators[0].unit, Unit::Percent);
        assert_eq!(import.indicators[1].calendar, Calendar::FourWeekly);
    }

    #[test]
    fn subjects_drop_the_verb_and_the_capital() {
        assert_eq!(
            subject_of("Increase the number of special constables"),
            "the number of special constables"
        );
        assert_eq!(
            subject_of("The minimum value of confiscation orders"),
            "the minimum value of confiscation orders"
        );
        assert_eq!(subject_of("ASB incidents"), "ASB incidents");
    }
}
