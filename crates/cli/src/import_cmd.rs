//! `waymark import`: reads a spreadsheet or Word document as it is, shows what it found, and
//! stores it as a new plan or as a re-import into an existing plan, in one transaction.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use waymark_core::{OrgId, PlanId, PlanKind, parse_date};
use waymark_io::apply::{ImportOutcome, NewPlanSpec};
use waymark_io::preview::{ImportPreview, PlanMetadata};
use waymark_io::{
    Finding, FindingKind, Mapping, PreviewOptions, Workbook, build_preview_with_progress, read_file,
};
use waymark_store::{Scope, Store};

/// Import a plan from .xlsx, .xls, .ods, .csv, .tsv, .txt or .docx, exactly as it is.
#[derive(clap::Args, Debug)]
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
    /// Date for rows with no date of update and for undated notes (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
    /// A TOML file naming the header row or what columns hold.
    #[arg(long, value_name = "MAP.toml")]
    pub mapping: Option<PathBuf>,
    /// Show everything the import would do and store nothing.
    #[arg(long)]
    pub dry_run: bool,
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

pub async fn run(store: &Store, args: ImportArgs) -> Result<()> {
    let as_at = match &args.as_at {
        Some(text) => parse_day(text).with_context(|| format!("--as-at {text}"))?,
        None => chrono::Local::now().date_naive(),
    };
    let mut options = PreviewOptions::new(as_at);
    if let Some(path) = &args.mapping {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the mapping file {}", path.display()))?;
        options.mapping = Mapping::parse(&text).with_context(|| format!("{}", path.display()))?;
    }
    let target = match args.plan {
        Some(id) => {
            let plan = store
                .plan(Scope::All, PlanId(id))
                .await
                .with_context(|| format!("plan {id}"))?;
            options.level_names = plan.level_names.clone();
            Some(plan)
        }
        None => None,
    };

    let workbook = read_with_spinner(&args)?;
    if waymark_io::indicators::is_indicator_workbook(&workbook) {
        return import_indicator_tables(store, &args, &workbook, target.map(|plan| plan.id)).await;
    }
    // The workbook is handed over: its rows are freed as they become items, so a large file's
    // table is not in memory beside the preview (nor while the plan is written).
    let preview = preview_with_progress(&args, workbook, &options)?;
    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| preview.file.clone());
    let author = Some(format!("Import of {file_name}"));
    let read = FileRead::of(&preview);
    let writing = spinner(&args, "Writing to the database");
    let outcome = match &target {
        Some(plan) => {
            waymark_io::import_into_plan(store, plan.id, &preview, author, args.dry_run).await?
        }
        None => {
            let spec = NewPlanSpec {
                org: import_organisation(store, args.dry_run).await?,
                title: args.new_plan.clone(),
                kind: args.kind.as_deref().map(PlanKind::parse),
            };
            if args.dry_run {
                waymark_io::import_into_new_plan(store, &spec, &preview, author, true).await?
            } else {
                // The preview's items move into the plan's change set: what is printed below
                // was taken from it above.
                waymark_io::import_into_new_plan_owned(store, &spec, preview, author).await?
            }
        }
    };
    if let Some(bar) = writing {
        bar.finish_and_clear();
    }
    // A new plan commits before its search documents and owner index rows are written; the
    // command writes them before it ends, so the next reader need not.
    if target.is_none()
        && let Some(plan) = outcome.plan
    {
        let indexing = spinner(&args, "Indexing for search");
        store.catch_up_indexes(PlanId(plan)).await?;
        if let Some(bar) = indexing {
            bar.finish_and_clear();
        }
    }

    if args.json {
        let json = ImportJson {
            file: &read.file,
            outcome: &outcome,
            metadata: &read.metadata,
        };
        println!("{}", crate::json_out::to_json(&json)?);
    } else {
        print_text(&read, &outcome, target.is_some(), args.all);
    }
    Ok(())
}

/// What the output says about the file read, taken from its preview before an import may
/// consume it.
struct FileRead {
    file: String,
    metadata: PlanMetadata,
    /// Items as the JSON contract counts them, and all of them (parents named in parent
    /// columns too).
    items: usize,
    all_items: usize,
    updates: usize,
}

impl FileRead {
    fn of(preview: &ImportPreview) -> Self {
        FileRead {
            file: preview.file.clone(),
            metadata: preview.metadata.clone(),
            items: preview.item_count(),
            all_items: preview.items.len(),
            updates: preview.update_count(),
        }
    }
}

/// The first organisation in the store, creating a default one on first use; a dry run
/// stores nothing, so it plans against an organisation id that is never written.
async fn import_organisation(store: &Store, dry_run: bool) -> Result<OrgId> {
    let organisations = store.organisations().await?;
    if let Some(first) = organisations.first() {
        return Ok(first.id);
    }
    if dry_run {
        return Ok(OrgId(0));
    }
    let created = store
        .create_organisation("ORG", "Default organisation")
        .await
        .context("creating the default organisation")?;
    Ok(created.id)
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

/// Imports a file of indicator tables into an existing plan: indicators, their measurements,
/// and their objectives as items where the plan has none of that text.
async fn import_indicator_tables(
    store: &Store,
    args: &ImportArgs,
    workbook: &Workbook,
    plan: Option<PlanId>,
) -> Result<()> {
    let Some(plan) = plan else {
        bail!(
            "{} is an indicator table: indicators import into an existing plan, so give \
             --plan ID (create the plan first; --new-plan is for plans of items)",
            args.file.display()
        );
    };
    let import = waymark_io::indicators::parse_indicator_workbook(workbook);
    let entered_by = format!("Import of {}", workbook.file);
    let outcome =
        waymark_io::indicators::import_indicators(store, plan, &import, &entered_by, args.dry_run)
            .await?;
    if args.json {
        let json = serde_json::json!({
            "indicators": outcome.indicators_created + outcome.indicators_matched,
            "indicators_created": outcome.indicators_created,
            "measurements": outcome.measurements_added,
            "objectives_created": outcome.objectives_created,
            "dry_run": outcome.dry_run,
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
    println!(
        "{lead} {} indicators into plan {plan} ({} new, {} already there), {} measurements and \
         {} new objectives, with {} findings.",
        import.indicators.len(),
        outcome.indicators_created,
        outcome.indicators_matched,
        outcome.measurements_added,
        outcome.objectives_created,
        outcome.findings.len()
    );
    if args.dry_run {
        println!("Dry run: nothing was stored.");
    }
    print_findings(&outcome.findings, args.all);
    Ok(())
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

fn print_text(read: &FileRead, outcome: &ImportOutcome, reimport: bool, all: bool) {
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
        if summary.missing > 0 {
            println!(
                "{} items of the plan are not in the file; they were kept.",
                summary.missing
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

/// Every finding with `all`; otherwise the count of each kind and its first few, so that a
/// file with a finding on each of 200,000 rows prints a screenful rather than 200,000 lines.
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
