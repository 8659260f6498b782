//! `waymark report`: a board report of a plan for a period or as at a day, written as PDF, HTML,
//! DOCX or XLSX, and optionally published (frozen and stored, so it reads the same for ever).

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::Utc;
use waymark_core::PlanId;
use waymark_core::indicator::Period;
use waymark_report::{Format, Layout, Report, ReportRequest, ReportSettings, UpdatesShown};
use waymark_store::{NewPublishedReport, PublishedFile, Scope, Store};

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
}

pub async fn run(store: &Store, args: ReportArgs) -> Result<()> {
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
    let plan = store.plan(Scope::All, plan_id).await?;
    let today = chrono::Local::now().date_naive();
    let mut request = match (&args.period, &args.as_at) {
        (Some(period), _) => {
            let period = Period::parse(period)
                .with_context(|| format!("--period {period:?} is not a reporting period"))?;
            ReportRequest::for_period(plan_id, period, today)
        }
        (None, Some(day)) => ReportRequest::as_at(plan_id, parse_day(day, "--as-at")?, today),
        (None, None) => ReportRequest::as_at(plan_id, today, today),
    };
    request.since = match &args.since {
        Some(day) => Some(parse_day(day, "--since")?),
        // The last published report before this one is "the last report".
        None => store
            .published_reports(Scope::All, plan_id)
            .await?
            .into_iter()
            .map(|published| published.as_at)
            .find(|day| *day < request.as_at),
    };
    if args.publish {
        // Publishing fixes the second clock: the report shows what is known now, for ever.
        request.known_at = Some(Utc::now());
    }

    let mut settings: ReportSettings = match &args.settings {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let mut settings: ReportSettings = serde_json::from_str(&text)
                .with_context(|| format!("{} is not valid report settings", path.display()))?;
            // The organisation's glossary still applies; the file's terms win over it.
            settings.load_glossary(store, Scope::All, plan.org).await?;
            settings
        }
        // Without a file, the settings the organisation saved on the web reports page.
        None => ReportSettings::load(store, Scope::All, plan.org).await?,
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

    let known_at = request.known_at;
    let as_at = request.as_at;
    let report = waymark_report::build_from_store(store, Scope::All, request, &settings).await?;
    let bytes = render(report.clone(), layout, format).await?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "Wrote {}: {} – {} – {}.",
        args.out.display(),
        layout.label(),
        plan.title,
        report.cover.period_label
    );

    if let Some(known_at) = known_at {
        let mut files = Vec::new();
        for other in Format::ALL {
            let content = if other == format {
                bytes.clone()
            } else {
                render(report.clone(), layout, other).await?
            };
            files.push(PublishedFile {
                format: other.extension().to_string(),
                content_type: other.content_type().to_string(),
                content,
            });
        }
        let published = store
            .publish_report(&NewPublishedReport {
                org: plan.org,
                plan: plan.id,
                period_label: report.cover.period_label.clone(),
                as_at,
                layout: layout.as_str().to_string(),
                known_at,
                published_by: settings.author.clone(),
                model_json: serde_json::to_string(&report)?,
                files,
            })
            .await?;
        println!(
            "Published as report {} ({}), frozen as known at {}.",
            published.id.0,
            published.formats.join(", "),
            known_at.format("%Y-%m-%d %H:%M:%S UTC")
        );
    }
    Ok(())
}

/// Renders off the async runtime: typesetting is CPU-bound.
async fn render(report: Report, layout: Layout, format: Format) -> Result<Vec<u8>> {
    let bytes =
        tokio::task::spawn_blocking(move || waymark_report::render(&report, layout, format))
            .await
            .context("the renderer stopped unexpectedly")??;
    Ok(bytes)
}

fn parse_day(text: &str, flag: &str) -> Result<chrono::NaiveDate> {
    Ok(waymark_core::parse_date(text)
        .with_context(|| format!("{flag} {text:?} is not a date"))?
        .date)
}
