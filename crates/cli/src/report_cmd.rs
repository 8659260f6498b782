//! `waymark report`: a board report of a plan for a period or as at a day, written as PDF, HTML,
//! DOCX or XLSX, and optionally published (frozen and stored, so it reads the same for ever).

use std::path::PathBuf;

use anyhow::{Context, Result};
use waymark_app::reports::ReportAsk;
use waymark_app::{Actor, App};
use waymark_core::PlanId;
use waymark_core::indicator::Period;
use waymark_report::{Format, Layout, ReportSettings, UpdatesShown};

use crate::failed;

/// Produce a board report of a plan.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The plan's id, as listed by `waymark plans`.
    #[arg(long)]
    pub plan: i64,
    /// The reporting period: "Q2 2008-09", "September 2008", "P6 2008-09" or "2008-09".
    #[arg(long, conflicts_with = "as_at")]
    pub period: Option<String>,
    /// Report the plan as it stood at the end of this day (ISO, or as users write dates).
    /// Without --period or --as-at, the report is of the plan as it stands today.
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
    /// quarterly (the delivery plan report), tracker (improvement plan, landscape) or progress
    /// (the end-of-year paper).
    #[arg(long, default_value = "quarterly")]
    pub layout: String,
    /// pdf, html, docx or xlsx; taken from --out's extension when omitted.
    #[arg(long)]
    pub format: Option<String>,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Also publish the report: freeze it as known now and store it with every format.
    #[arg(long)]
    pub publish: bool,
    /// Count changes since this day instead of since the last published report.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Show every update in the period rather than each action's latest.
    #[arg(long)]
    pub all_updates: bool,
    /// Report settings as JSON: organisation_name, author, paper (meeting, purpose,
    /// background, recommendations, for_decision, sponsor, author), glossary. Without it, the
    /// settings the organisation saved on the web app's reports page are used. Either way the
    /// organisation's glossary (edited on the reports page) applies, under the file's terms.
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// A PNG or SVG logo for the cover.
    #[arg(long, value_name = "FILE")]
    pub logo: Option<PathBuf>,
    /// Who the report is from, such as "Head of Performance and Planning".
    #[arg(long)]
    pub author: Option<String>,
    /// Build the body from OFFICIAL items only and put the OFFICIAL-SENSITIVE ones in an
    /// appendix marked apart, so the body can go to a wider audience.
    #[arg(long)]
    pub sensitive_appendix: bool,
}

pub async fn run(app: &App, operator: &Actor, args: ReportArgs) -> Result<()> {
    let layout: Layout = args.layout.parse()?;
    let format: Format = match &args.format {
        Some(format) => format.parse()?,
        None => args
            .out
            .extension()
            .and_then(|e| e.to_str())
            .context("pass --format, or give --out a .pdf, .html, .docx or .xlsx name")?
            .parse()?,
    };
    let plan_id = PlanId(args.plan);
    let plan = app.plan(operator, plan_id).await.map_err(failed)?.plan;
    let mut settings: ReportSettings = match &args.settings {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not valid report settings", path.display()))?
        }
        // Without a file, the settings the organisation saved on the web reports page.
        None => app
            .report_settings_of_plan(operator, plan_id)
            .await
            .map_err(failed)?,
    };
    if let Some(path) = &args.logo {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        settings.set_logo(&bytes)?;
    }
    if args.author.is_some() {
        settings.author = args.author.clone();
    }
    if args.all_updates {
        settings.updates = UpdatesShown::Period;
    }
    let since = match &args.since {
        Some(day) => Some(parse_day(day, "--since")?),
        None => None,
    };
    if let Some(period) = &args.period {
        Period::parse(period)
            .with_context(|| format!("--period {period:?} is not a reporting period"))?;
    }
    if let Some(day) = &args.as_at {
        parse_day(day, "--as-at")?;
    }
    let ask = ReportAsk {
        plan: plan_id,
        layout,
        period: args.period.clone(),
        as_at: args.as_at.clone(),
        settings: Some(settings),
        since,
        sensitive_appendix: args.sensitive_appendix,
    };

    if args.publish {
        // Publishing fixes the second clock: the report shows what is known now, for ever. The
        // file written is the published one, byte for byte.
        let published = app.publish_report(operator, &ask).await.map_err(failed)?;
        let (_, _, bytes) = app
            .published_file(operator, published.id, format.extension())
            .await
            .map_err(failed)?;
        std::fs::write(&args.out, &bytes)
            .with_context(|| format!("writing {}", args.out.display()))?;
        println!(
            "Wrote {}: {} – {} – {}.",
            args.out.display(),
            layout.label(),
            plan.title,
            published.period_label
        );
        println!(
            "Published as report {} ({}){}, frozen as known at {}.",
            published.id.0,
            published.formats.join(", "),
            if published.version > 1 {
                format!(", version {}", published.version)
            } else {
                String::new()
            },
            published.known_at.format("%Y-%m-%d %H:%M:%S UTC")
        );
        return Ok(());
    }
    let (report, bytes) = app
        .report_file(operator, &ask, format)
        .await
        .map_err(failed)?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "Wrote {}: {} – {} – {}.",
        args.out.display(),
        layout.label(),
        plan.title,
        report.cover.period_label
    );
    Ok(())
}

fn parse_day(text: &str, flag: &str) -> Result<chrono::NaiveDate> {
    Ok(waymark_core::parse_date(text)
        .with_context(|| format!("{flag} {text:?} is not a date"))?
        .date)
}
