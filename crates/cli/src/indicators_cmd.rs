//! `waymark indicators`: a plan's performance indicators evaluated for a period, as JSON (the
//! same objects as `GET /api/plans/{id}/indicators`) or as lines to read.

use anyhow::{Result, anyhow};
use waymark_app::{Actor, App};
use waymark_core::PlanId;
use waymark_core::indicator::Role;
use waymark_web::views_indicators::{IndicatorJson, parse_period};

use crate::failed;

/// Show a plan's performance indicators for a period: target, actual, RAG and forecast.
#[derive(clap::Args, Debug)]
pub struct IndicatorsArgs {
    /// The plan's id, as listed by `waymark plans`.
    #[arg(long)]
    pub plan: i64,
    /// The period: "Q2 2026-27", "September 2026", "P6 2026-27" or "2026-27" (default: each
    /// indicator's latest period ended by the latest quarter end). Monthly indicators show a
    /// quarter's last month; a period that names none of an indicator's periods (P6 of a
    /// quarterly one) is refused, with the periods it reports.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Print a JSON array instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(app: &App, operator: &Actor, args: IndicatorsArgs) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let period =
        parse_period(args.period.as_deref(), today).map_err(|e| anyhow!("--period: {e}"))?;
    // A period named is answered exactly or refused; only the default (none named) takes each
    // indicator's latest period ended by then.
    let answered = if args.period.as_deref().is_some_and(|p| !p.trim().is_empty()) {
        app.plan_indicators_named(operator, PlanId(args.plan), period, None)
            .await
            .map_err(|e| anyhow!("--period: {}", failed(e)))?
    } else {
        app.plan_indicators(operator, PlanId(args.plan), period, None)
            .await
            .map_err(failed)?
    };
    let (_, rows) = answered;
    if args.json {
        let json: Vec<IndicatorJson> = rows.iter().map(IndicatorJson::new).collect();
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("Plan {} has no performance indicators.", args.plan);
        return Ok(());
    }
    println!("Performance indicators for {period}");
    for row in &rows {
        let indicator = &row.stored.indicator;
        let evaluation = &row.evaluation;
        let status = match (evaluation.rag, evaluation.state) {
            (Some(rag), _) => rag.word(),
            (None, Some(state)) => state.label(),
            (None, None) => "Not assessed",
        };
        let actual = evaluation
            .actual
            .map(|a| indicator.format(a, Role::Measured))
            .unwrap_or_else(|| "not yet available".into());
        let target = evaluation
            .target_for_period
            .map(|t| format!(" against {}", indicator.format(t, Role::Target)))
            .unwrap_or_default();
        println!();
        println!("{} [{status}]", indicator.title);
        println!("  {}: {actual}{target}", row.period);
        println!("  {}", evaluation.sentence);
    }
    Ok(())
}
