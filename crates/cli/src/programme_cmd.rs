//! `waymark programme`: a collaboration programme for one year, as JSON (the same object as
//! `GET /api/plans/{id}/programme`) or as lines to read: participants and their shares of the
//! cost, funding by year, savings against target, projects by area and status. With
//! `--report FILE --publish` it publishes the year's annual collaboration report (frozen and
//! stored in every format, a new version where the year was published before) and writes the
//! published file; `--published` lists the versions published.

use anyhow::{Result, anyhow};
use waymark_app::{Actor, App};
use waymark_core::PlanId;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{format_pence, year_label};
use waymark_web::views_programme::ProgrammeJson;

use crate::failed;

/// Show a collaboration programme for a year: who takes part and pays what, funding, savings.
#[derive(clap::Args, Debug)]
pub struct ProgrammeArgs {
    /// The plan's id, as listed by `waymark plans`.
    #[arg(long)]
    pub plan: i64,
    /// The financial year: "2024/25" or "2024-25" (default: the year today is in).
    #[arg(long)]
    pub year: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Write the annual collaboration report for the year to this file instead: PDF, HTML,
    /// DOCX or XLSX, by its extension.
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// With --report: publish the year's report (frozen as it is now and stored in every
    /// format; a year published before gets its next version) and write the published file.
    #[arg(long, requires = "report")]
    pub publish: bool,
    /// List the programme's published annual collaboration reports instead (with --json, as
    /// `GET /api/plans/{id}/programme/reports` answers).
    #[arg(long, conflicts_with_all = ["report", "publish"])]
    pub published: bool,
}

pub async fn run(app: &App, operator: &Actor, args: ProgrammeArgs) -> Result<()> {
    let year = match args.year.as_deref() {
        Some(text) => FinancialYear::parse(text).map_err(|e| anyhow!("--year: {e}"))?,
        None => FinancialYear::containing(app.today()).map_err(|e| anyhow!("{e}"))?,
    };
    if args.published {
        return list_published(app, operator, PlanId(args.plan), args.json).await;
    }
    if let Some(path) = &args.report {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let format: waymark_report::Format = extension
            .parse()
            .map_err(|_| anyhow!("--report: name a .pdf, .html, .docx or .xlsx file"))?;
        if args.publish {
            // The file written is the published one, byte for byte.
            let published = app
                .publish_collaboration_report(operator, PlanId(args.plan), year)
                .await
                .map_err(failed)?;
            let (_, _, bytes) = app
                .published_file(operator, published.id, format.extension())
                .await
                .map_err(failed)?;
            std::fs::write(path, bytes)
                .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
            println!("Wrote {}", path.display());
            println!(
                "Published the {} annual collaboration report as report {}, version {} ({}).",
                published.period_label,
                published.id.0,
                published.version,
                published.formats.join(", ")
            );
            return Ok(());
        }
        let (_, bytes) = app
            .collaboration_report(operator, PlanId(args.plan), year, format)
            .await
            .map_err(failed)?;
        std::fs::write(path, bytes).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
        println!("Wrote {}", path.display());
        return Ok(());
    }
    let summary = app
        .programme_summary(operator, PlanId(args.plan), year)
        .await
        .map_err(failed)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&ProgrammeJson::new(&summary))?
        );
        return Ok(());
    }
    println!("{} ({})", summary.plan.plan.title, year_label(year));
    println!();
    println!("Participants");
    for p in &summary.participants {
        let basis = p
            .basis
            .as_ref()
            .map(|b| {
                format!(
                    ", {} {}",
                    b.kind.label().to_lowercase(),
                    b.kind.format_value(b.value)
                )
            })
            .unwrap_or_default();
        let share = p
            .share_pence
            .map(|s| format!(": pays {}", format_pence(s)))
            .unwrap_or_default();
        println!(
            "  {}{}{basis}{share}",
            p.organisation.name,
            if p.participant.is_lead { " (lead)" } else { "" }
        );
    }
    if let Some(cost) = &summary.cost {
        println!();
        for line in &cost.statement {
            println!("  {line}");
        }
    }
    if let Some(problem) = &summary.cost_problem {
        println!("  The cost cannot be shared: {problem}");
    }
    println!();
    println!("Funding by year");
    for (y, total) in &summary.funding_by_year {
        let unknown = match total.unknown_count {
            0 => String::new(),
            n => format!(" and {n} amounts not known"),
        };
        println!(
            "  {}: {}{unknown}",
            year_label(*y),
            format_pence(total.known_pence)
        );
    }
    println!();
    println!(
        "Savings: {} realised against a target of {}",
        format_pence(summary.progress.realised),
        summary
            .progress
            .target
            .map(format_pence)
            .unwrap_or_else(|| "none set".into())
    );
    println!();
    println!("Projects by area");
    for (area, count) in &summary.projects_by_area {
        println!("  {area}: {count}");
    }
    println!("Projects by status");
    for (status, count) in &summary.projects_by_status {
        println!("  {status}: {count}");
    }
    Ok(())
}

/// The programme's published annual collaboration reports, newest year and version first.
async fn list_published(app: &App, operator: &Actor, plan: PlanId, as_json: bool) -> Result<()> {
    let reports = app
        .collaboration_reports(operator, plan)
        .await
        .map_err(failed)?;
    if as_json {
        let rows: Vec<serde_json::Value> = reports
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id.0,
                    "plan": r.plan.0,
                    "period": r.period_label,
                    "layout": r.layout,
                    "as_at": r.as_at.to_string(),
                    "published_at": r.published_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "published_by": r.published_by,
                    "version": r.version,
                    "marking": r.marking,
                    "formats": r.formats,
                    "withdrawn": r.withdrawn.is_some(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if reports.is_empty() {
        println!("No annual collaboration report of this programme has been published yet.");
    }
    for r in &reports {
        println!(
            "{} version {}: report {}, published {} by {} ({}){}",
            r.period_label,
            r.version,
            r.id.0,
            r.published_at.format("%-d %B %Y"),
            r.published_by.as_deref().unwrap_or("someone unknown"),
            r.formats.join(", "),
            if r.withdrawn.is_some() {
                ", withdrawn"
            } else {
                ""
            }
        );
    }
    Ok(())
}
