//! `waymark import`: reads a spreadsheet or Word document as it is, shows what it found, and
//! stores it as a new plan or as a re-import into an existing plan, in one transaction.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use waymark_app::imports::{ImportChoices, ImportResult, ImportTarget, Parsed};
use waymark_app::{Actor, App};
use waymark_core::{OrganisationKind, PlanId, PlanKind, parse_date};
use waymark_io::apply::ImportOutcome;
use waymark_io::indicators::IndicatorOutcome;
use waymark_io::preview::{ImportPreview, PlanMetadata};
use waymark_io::{
    Finding, FindingKind, Mapping, PreviewOptions, Workbook, build_preview_with_progress, read_file,
};

use crate::failed;

/// Import a plan from .xlsx, .xls, .ods, .csv, .tsv, .txt or .docx, exactly as it is.
#[derive(clap::Args, Debug, Clone)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// Re-import into this plan: update items in place and add only new updates.
    #[arg(long, conflicts_with_all = ["new_plan", "kind"])]
    pub plan: Option<i64>,
    /// Title of the new plan (default: the file's title line, else its name).
    #[arg(long, value_name = "TITLE")]
    pub new_plan: Option<String>,
    /// Kind of the new plan: improvement, strategic, delivery, collaboration, policing.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// The organisation of a new plan, by code; needed where there are several.
    #[arg(long, value_name = "CODE", conflicts_with = "plan")]
    pub organisation: Option<String>,
    /// Date for rows with no date of update and for undated notes (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
    /// A TOML file naming the header row or what columns hold.
    #[arg(long, value_name = "MAP.toml")]
    pub mapping: Option<PathBuf>,
    /// Read the column headed HEADER as FIELD, over what its header says (repeat for several
    /// columns; after --mapping): reference, text, description, strategic_lead, owner, start,
    /// due, updates, update_date, complete, completed_on, rag, parent, level, own, ignore.
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub map: Vec<String>,
    /// Import only this sheet of a workbook that holds several plans (a cover or key sheet
    /// still applies).
    #[arg(long, value_name = "NAME", conflicts_with = "all_sheets")]
    pub sheet: Option<String>,
    /// Import each sheet of items of the workbook as a plan of its own, named by the sheet
    /// (after the --new-plan title, where one is given).
    #[arg(long, conflicts_with = "plan")]
    pub all_sheets: bool,
    /// For an indicator table that does not say which way is better for an indicator: say it,
    /// by the indicator's title (repeat for several). Without an answer such a table is
    /// refused, naming each indicator and its row; nothing is guessed.
    #[arg(long = "direction", value_name = "NAME=higher|lower")]
    pub direction: Vec<String>,
    /// Show everything the import would do and store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// On a re-import, close the plan's open items that the file no longer has (they stay in
    /// the plan with their history; by default they are kept open and listed).
    #[arg(long, requires = "plan")]
    pub close_missing: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// List every finding (by default the text output counts the findings of each kind and
    /// shows the first few; `--json` always has them all).
    #[arg(long)]
    pub all: bool,
}

/// The JSON `import --json` prints.
#[derive(Serialize)]
struct ImportJson<'a> {
    file: &'a str,
    #[serde(flatten)]
    outcome: &'a ImportOutcome,
    metadata: &'a PlanMetadata,
}

pub async fn run(app: &App, operator: &Actor, args: ImportArgs) -> Result<()> {
    if !args.all_sheets {
        return run_one(app, operator, args).await;
    }
    let mapping = read_mapping(&args)?.unwrap_or_default();
    let sheets = read_with_spinner(&args)?.plan_sheets(&mapping);
    if sheets.is_empty() {
        bail!(
            "{} has no sheet with a header row Waymark recognises",
            args.file.display()
        );
    }
    for sheet in sheets {
        let mut one = args.clone();
        one.all_sheets = false;
        one.new_plan = Some(match &args.new_plan {
            Some(title) => format!("{title}: {sheet}"),
            None => sheet.clone(),
        });
        one.sheet = Some(sheet.clone());
        run_one(app, operator, one)
            .await
            .with_context(|| format!("sheet \"{sheet}\""))?;
    }
    Ok(())
}

/// The `--direction NAME=higher|lower` answers, each split at its last `=` (a title may hold
/// one); anything but higher or lower is refused, naming the answer.
fn directions_answered(
    answers: &[String],
) -> Result<Vec<(String, waymark_core::indicator::Direction)>> {
    use waymark_core::indicator::Direction;
    answers
        .iter()
        .map(|answer| {
            let Some((title, word)) = answer.rsplit_once('=') else {
                bail!("--direction {answer}: give the indicator's title, =, then higher or lower");
            };
            let direction = match word.trim().to_ascii_lowercase().as_str() {
                "higher" => Direction::HigherIsBetter,
                "lower" => Direction::LowerIsBetter,
                _ => bail!(
                    "--direction {answer}: \"{}\" is not higher or lower",
                    word.trim()
                ),
            };
            if title.trim().is_empty() {
                bail!("--direction {answer}: give the indicator's title before the =");
            }
            Ok((title.trim().to_string(), direction))
        })
        .collect()
}

/// The `--mapping` file, read, with the `--map` corrections over it, if either was given.
fn read_mapping(args: &ImportArgs) -> Result<Option<Mapping>> {
    let mut mapping = match &args.mapping {
        None if args.map.is_empty() => return Ok(None),
        None => Mapping::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the mapping file {}", path.display()))?;
            Mapping::parse(&text).with_context(|| format!("{}", path.display()))?
        }
    };
    for correction in &args.map {
        mapping = mapping
            .with_correction(correction)
            .with_context(|| format!("--map {correction}"))?;
    }
    Ok(Some(mapping))
}

/// Imports one file, or one sheet of it.
async fn run_one(app: &App, operator: &Actor, args: ImportArgs) -> Result<()> {
    let as_at = match &args.as_at {
        Some(text) => parse_day(text).with_context(|| format!("--as-at {text}"))?,
        None => chrono::Local::now().date_naive(),
    };
    let target = match args.plan {
        Some(id) => ImportTarget::Existing(PlanId(id)),
        None => ImportTarget::New {
            org: import_organisation(app, operator, args.organisation.as_deref(), args.dry_run)
                .await?,
            title: args.new_plan.clone(),
            kind: args.kind.as_deref().map(PlanKind::parse),
        },
    };
    let mut options = app
        .preview_options(operator, &target, Some(as_at))
        .await
        .map_err(failed)
        .with_context(|| match args.plan {
            Some(id) => format!("plan {id}"),
            None => "the new plan".to_string(),
        })?;
    if let Some(mapping) = read_mapping(&args)? {
        options.mapping = mapping;
    }

    let mut workbook = read_with_spinner(&args)?;
    if let Some(sheet) = &args.sheet {
        workbook
            .keep_sheet(sheet, &options.mapping)
            .map_err(anyhow::Error::msg)?;
    }
    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| workbook.file.clone());
    // A plan kind given other than collaboration says what the file is: read it as a tracker
    // or an indicator table, never as a programme register.
    let register_possible = args
        .kind
        .as_deref()
        .is_none_or(|kind| PlanKind::parse(kind) == PlanKind::Collaboration);
    let parsed = if register_possible && waymark_io::programme::is_programme_workbook(&workbook) {
        Parsed::Programme(Box::new(waymark_io::programme::parse_programme_workbook(
            &workbook,
            waymark_core::indicator::FinancialYear::containing(options.as_at).ok(),
        )))
    } else if waymark_io::indicators::is_indicator_workbook(&workbook) {
        let mut import =
            waymark_io::indicators::parse_indicator_workbook_as_at(&workbook, options.as_at);
        // The mapping file's [objectives]: what the person said each objective of the file is.
        import
            .objective_choices
            .clone_from(&options.mapping.objectives);
        Parsed::Indicators(import)
    } else {
        // The workbook is handed over: its rows are freed as they become items, so a large
        // file's table is not in memory beside the preview (nor while the plan is written).
        Parsed::Items(Box::new(preview_with_progress(&args, workbook, &options)?))
    };
    let read = FileRead::of(&parsed);
    let writing = spinner(&args, "Writing to the database");
    let choices = ImportChoices {
        close_missing: args.close_missing,
        directions: directions_answered(&args.direction)?,
        ..ImportChoices::default()
    };
    let result = if args.dry_run {
        app.import_parsed(operator, &file_name, &parsed, &target, true, choices)
            .await
    } else {
        // The file's items move into the plan's change set: what is printed below was taken
        // from them above.
        app.import_parsed_owned(operator, &file_name, parsed, &target, choices)
            .await
    }
    .map_err(|error| {
        let unanswered = matches!(&error, waymark_app::AppError::Invalid(fields)
            | waymark_app::AppError::State(fields) | waymark_app::AppError::Unknown(fields)
            if fields.iter().any(|(field, _)| field == "direction"));
        let error = failed(error);
        if unanswered {
            error.context(
                "give --direction \"NAME=higher\" or --direction \"NAME=lower\" for each \
                 indicator named below",
            )
        } else {
            error
        }
    })?;
    if let Some(bar) = writing {
        bar.finish_and_clear();
    }
    // A new plan commits before its search documents and owner index rows are written; the
    // command writes them before it ends, so the next reader need not.
    if let (ImportTarget::New { .. }, Some(plan)) = (&target, result.plan())
        && !args.dry_run
    {
        let indexing = spinner(&args, "Indexing for search");
        app.finish_indexing(plan).await.map_err(failed)?;
        if let Some(bar) = indexing {
            bar.finish_and_clear();
        }
    }
    match (&read, &result) {
        (FileRead::Items(read), ImportResult::Items { outcome }) => {
            if args.json {
                let json = ImportJson {
                    file: &read.file,
                    outcome,
                    metadata: &read.metadata,
                };
                println!("{}", crate::json_out::to_json(&json)?);
            } else {
                print_text(read, outcome, args.plan.is_some(), args.all);
            }
        }
        (
            FileRead::Indicators(indicators),
            ImportResult::Indicators {
                plan,
                plan_title,
                outcome,
            },
        ) => {
            print_indicators(&args, *indicators, *plan, plan_title, outcome)?;
        }
        (
            FileRead::Programme,
            ImportResult::Programme {
                plan,
                plan_title,
                outcome,
            },
        ) => {
            print_programme(&args, *plan, plan_title, outcome)?;
        }
        _ => bail!("the import answered for another kind of file"),
    }
    Ok(())
}

/// What the output says about the file read, taken from it before an import may consume it.
enum FileRead {
    Items(Box<ItemsRead>),
    /// The indicators read.
    Indicators(usize),
    /// A programme register.
    Programme,
}

struct ItemsRead {
    file: String,
    metadata: PlanMetadata,
    /// Items as the JSON contract counts them, and all of them (parents named in parent
    /// columns too).
    items: usize,
    all_items: usize,
    updates: usize,
}

impl FileRead {
    fn of(parsed: &Parsed) -> Self {
        match parsed {
            Parsed::Items(preview) => FileRead::Items(Box::new(ItemsRead {
                file: preview.file.clone(),
                metadata: preview.metadata.clone(),
                items: preview.item_count(),
                all_items: preview.items.len(),
                updates: preview.update_count(),
            })),
            Parsed::Indicators(import) => FileRead::Indicators(import.indicators.len()),
            Parsed::Programme(_) => FileRead::Programme,
        }
    }
}

/// The organisation of a new plan: the one named, the only one, or on a fresh data folder a
/// default one (created unless this is a dry run, which stores nothing).
async fn import_organisation(
    app: &App,
    operator: &Actor,
    code: Option<&str>,
    dry_run: bool,
) -> Result<Option<waymark_core::OrgId>> {
    if let Some(code) = code {
        return Ok(Some(
            app.organisation_by_code(operator, code)
                .await
                .map_err(failed)?
                .id,
        ));
    }
    let organisations = app.organisations(operator).await.map_err(failed)?;
    if !organisations.is_empty() {
        return Ok(organisations
            .first()
            .map(|o| o.id)
            .filter(|_| organisations.len() == 1));
    }
    if dry_run {
        return Ok(None);
    }
    let created = app
        .add_organisation(
            operator,
            "ORG",
            "Default organisation",
            OrganisationKind::Force,
        )
        .await
        .map_err(failed)
        .context("creating the default organisation")?;
    Ok(Some(created.id))
}

/// A programme register's import: as JSON (the plan, the counts, funding by year, savings and
/// the team's cost shared) or in a few lines.
fn print_programme(
    args: &ImportArgs,
    plan: Option<i64>,
    plan_title: &str,
    outcome: &waymark_app::programme_import::ProgrammeOutcome,
) -> Result<()> {
    if args.json {
        let mut json = serde_json::to_value(outcome)?;
        if let Some(object) = json.as_object_mut() {
            object.insert("plan".into(), serde_json::json!(plan));
            object.insert("plan_title".into(), serde_json::json!(plan_title));
            object.insert("kind".into(), serde_json::json!("programme"));
        }
        println!("{}", crate::json_out::to_json(&json)?);
        return Ok(());
    }
    let lead = if args.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    let into = match plan {
        Some(id) => format!("plan {id} \"{plan_title}\""),
        None => format!("a new programme \"{plan_title}\""),
    };
    println!(
        "{lead} a programme register into {into}: {} projects, {} participants' shares, with {} \
         findings.",
        outcome.projects,
        outcome.shares.len(),
        outcome.findings.len()
    );
    if let Some(again) = &outcome.reimport {
        println!(
            "Projects: {} added, {} changed, {} unchanged; funding lines: {} added, {} replaced, \
             {} unchanged; savings: {} added, {} replaced, {} unchanged.",
            again.projects_added,
            again.projects_changed,
            again.projects_unchanged,
            again.funding_added,
            again.funding_replaced,
            again.funding_unchanged,
            again.savings_added,
            again.savings_replaced,
            again.savings_unchanged
        );
        for change in &again.changes {
            println!("  {change}");
        }
        for missing in &again.projects_missing {
            println!("  {missing}: no longer in the register (kept)");
        }
        if again.is_unchanged() {
            println!("Nothing has changed since the register was last imported.");
        }
    }
    for finding in &outcome.findings {
        let place = match (finding.row, finding.column.as_str()) {
            (0, _) => String::new(),
            (row, "") => format!("row {row}: "),
            (row, column) => format!("row {row}, {column}: "),
        };
        println!("  {place}{}", finding.message);
    }
    if args.dry_run {
        println!("Dry run: nothing was stored.");
    }
    Ok(())
}

fn print_indicators(
    args: &ImportArgs,
    read: usize,
    plan: Option<i64>,
    plan_title: &str,
    outcome: &IndicatorOutcome,
) -> Result<()> {
    if args.json {
        let json = serde_json::json!({
            "plan": plan,
            "plan_title": plan_title,
            "indicators": outcome.indicators_created + outcome.indicators_matched,
            "indicators_created": outcome.indicators_created,
            "measurements": outcome.measurements_added,
            "objectives_created": outcome.objectives_created,
            "objectives_matched": outcome.objectives_matched,
            "objectives_new": outcome.objectives_new,
            "dry_run": outcome.dry_run,
            "indicators_read": outcome.indicators,
            "directions_missing": outcome.directions_missing,
            "findings": outcome.findings,
        });
        println!("{}", crate::json_out::to_json(&json)?);
        return Ok(());
    }
    let lead = if args.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    let into = match plan {
        Some(id) => format!("plan {id} \"{plan_title}\""),
        None => format!("a new plan \"{plan_title}\""),
    };
    println!(
        "{lead} {read} indicators into {into} ({} new, {} already there), {} measurements and \
         {} new objectives, with {} findings.",
        outcome.indicators_created,
        outcome.indicators_matched,
        outcome.measurements_added,
        outcome.objectives_created,
        outcome.findings.len()
    );
    if args.dry_run {
        println!("Dry run: nothing was stored.");
    }
    if !outcome.directions_missing.is_empty() {
        println!(
            "The file does not say which way is better for {}: answer each with --direction \
             \"NAME=higher\" or --direction \"NAME=lower\" before importing.",
            outcome
                .directions_missing
                .iter()
                .map(|title| format!("\"{title}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    print_findings(&outcome.findings, args.all);
    Ok(())
}

/// Reads the file, with a spinner on a terminal.
fn read_with_spinner(args: &ImportArgs) -> Result<Workbook> {
    let reading = spinner(args, &format!("Reading {}", args.file.display()));
    let workbook = read_file(&args.file)?;
    if let Some(bar) = reading {
        bar.finish_and_clear();
    }
    Ok(workbook)
}

/// Previews the workbook, with a progress bar on a terminal.
fn preview_with_progress(
    args: &ImportArgs,
    workbook: Workbook,
    options: &PreviewOptions,
) -> Result<ImportPreview> {
    let show = !args.json && std::io::stderr().is_terminal();
    let bar = show.then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("Reading rows");
        bar
    });
    let preview = build_preview_with_progress(workbook, options, &mut |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(preview)
}

fn spinner(args: &ImportArgs, message: &str) -> Option<ProgressBar> {
    if args.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

fn print_text(read: &ItemsRead, outcome: &ImportOutcome, reimport: bool, all: bool) {
    let summary = &outcome.summary;
    let grouping = read.all_items - read.items;
    let parents = if grouping > 0 {
        format!(" (and {grouping} parents named in its parent columns)")
    } else {
        String::new()
    };
    println!(
        "Read {}: {} items{parents} and {} updates, with {} findings.",
        read.file,
        read.items,
        read.updates,
        outcome.findings.len()
    );
    if reimport {
        let lead = if outcome.dry_run {
            "Would re-import"
        } else {
            "Re-imported"
        };
        println!(
            "{lead} into plan {} \"{}\": {} items added, {} changed, {} unchanged, {} updates added.",
            outcome.plan.unwrap_or_default(),
            outcome.plan_title,
            summary.added,
            summary.changed,
            summary.unchanged,
            summary.updates_added,
        );
        for added in &summary.additions {
            println!(
                "  added   {} {}",
                added.reference.as_deref().unwrap_or("-"),
                added.text
            );
        }
        for change in &summary.changes {
            println!(
                "  changed {} {}: {}",
                change.reference.as_deref().unwrap_or("-"),
                change.text,
                change.fields.join(", ")
            );
        }
        if summary.missing > 0 {
            let what = match (summary.closed, outcome.dry_run) {
                (0, _) => "they are kept open (--close-missing closes them)".to_string(),
                (closed, true) => format!("{closed} open ones would be closed"),
                (closed, false) => format!("{closed} open ones were closed"),
            };
            println!(
                "{} items of the plan are not in the file; {what}; nothing is deleted:",
                summary.missing
            );
            for missing in &summary.missing_items {
                println!(
                    "  missing {} {}{}",
                    missing.reference.as_deref().unwrap_or("-"),
                    missing.text,
                    if missing.complete {
                        " (already complete)"
                    } else {
                        ""
                    }
                );
            }
        }
    } else if let Some(id) = outcome.plan {
        println!(
            "Created plan {id} \"{}\" with {} items and {} updates.",
            outcome.plan_title, summary.added, summary.updates_added
        );
    } else {
        println!(
            "Would create plan \"{}\" with {} items and {} updates.",
            outcome.plan_title, summary.added, summary.updates_added
        );
    }
    if outcome.dry_run {
        println!("Dry run: nothing was stored.");
    }
    print_findings(&outcome.findings, all);
}

/// How many findings of each kind the text output shows without `--all`.
const SHOWN_PER_KIND: usize = 5;

fn print_findings(findings: &[Finding], all: bool) {
    if findings.is_empty() {
        return;
    }
    if all {
        println!("\nFindings:");
        for finding in findings {
            println!(
                "  {}: {} ({})",
                place(finding),
                finding.message,
                finding.kind.name()
            );
        }
        return;
    }
    let mut by_kind: BTreeMap<FindingKind, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        by_kind.entry(finding.kind).or_default().push(finding);
    }
    let hidden: usize = by_kind
        .values()
        .map(|of_kind| of_kind.len().saturating_sub(SHOWN_PER_KIND))
        .sum();
    if hidden == 0 {
        println!("\nFindings, by kind:");
    } else {
        println!(
            "\nFindings, by kind, with the first {SHOWN_PER_KIND} of each ({hidden} more with \
             --all; --json gives them all):"
        );
    }
    for (kind, of_kind) in by_kind {
        println!("  {} ({}): {}", kind.label(), kind.name(), of_kind.len());
        for finding in of_kind.iter().take(SHOWN_PER_KIND) {
            println!("    {}: {}", place(finding), finding.message);
        }
        if of_kind.len() > SHOWN_PER_KIND {
            println!("    … and {} more", of_kind.len() - SHOWN_PER_KIND);
        }
    }
}

/// Where a finding is: "Sheet 1, row 12, Due Date", "row 12", "the file".
fn place(finding: &Finding) -> String {
    match (&finding.table, finding.column.is_empty()) {
        _ if finding.row == 0 => "the file".to_string(),
        (Some(table), false) => format!("{table}, row {}, {}", finding.row, finding.column),
        (Some(table), true) => format!("{table}, row {}", finding.row),
        (None, false) => format!("row {}, {}", finding.row, finding.column),
        (None, true) => format!("row {}", finding.row),
    }
}

/// Parses an ISO or user-written day, for `--as-at`.
pub fn parse_day(text: &str) -> Result<NaiveDate> {
    match parse_date(text) {
        Ok(date) => Ok(date.date),
        Err(error) => bail!("{error}"),
    }
}
