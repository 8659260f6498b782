//! `waymark export`: writes a plan as XLSX (RAG coloured and labelled, latest update and full
//! history), CSV or JSON. The file re-imports into its plan with no changes.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use waymark_app::{Actor, App};
use waymark_core::PlanId;
use waymark_io::ExportFormat;

use crate::failed;
use crate::import_cmd::parse_day;

/// Export a plan to a spreadsheet, CSV or JSON file.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The plan's id, as listed by `waymark plans`.
    #[arg(long)]
    pub plan: i64,
    /// xlsx, csv or json (default: from the --out file's extension).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Export the plan as it stood at the end of this day (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
}

pub async fn run(app: &App, operator: &Actor, args: ExportArgs) -> Result<()> {
    let format_word = match &args.format {
        Some(word) => word.clone(),
        None => args
            .out
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let Some(format) = ExportFormat::parse(&format_word) else {
        bail!("--format must be xlsx, csv or json (got \"{format_word}\")");
    };
    let as_at = match &args.as_at {
        Some(text) => parse_day(text).with_context(|| format!("--as-at {text}"))?,
        None => chrono::Local::now().date_naive(),
    };
    let title = app
        .plan(operator, PlanId(args.plan))
        .await
        .map_err(failed)
        .with_context(|| format!("plan {}", args.plan))?
        .plan
        .title;
    let exported = app
        .export_plan(operator, PlanId(args.plan), as_at, format)
        .await
        .map_err(failed)?;
    std::fs::write(&args.out, &exported.bytes)
        .with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "Wrote {} items of plan {} \"{}\" to {} ({}).",
        exported.items,
        args.plan,
        title,
        args.out.display(),
        exported.marking.label()
    );
    Ok(())
}
