//! Performance indicators: a plan's indicators evaluated for a period (the same rows for the
//! indicators page, the JSON API, `waymark indicators` and the reports), one indicator with its
//! history, and recording a period's figure. A figure that replaces one already recorded needs
//! a reason, and the earlier figure stays in the history with who replaced it and why.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::indicator::{
    Calendar, Evaluation, Figure, FigureError, IndicatorId, Measurement, Period, PeriodMismatch,
    evaluate,
};
use waymark_core::{ItemId, PlanId};
use waymark_store::{MeasurementEntry, NewMeasurement, Scope, StoredIndicator};

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::error::{AppError, FieldError, Result};

/// One indicator evaluated for one period: a row of the table, the API and the CLI.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub stored: StoredIndicator,
    /// The indicator's own period judged: the month ending a chosen quarter for a monthly
    /// indicator, or the latest quarter ended by a chosen month for a quarterly one.
    pub period: Period,
    pub evaluation: Evaluation,
    /// Every measurement in force, in period order, for charts and forecasts.
    pub measurements: Vec<Measurement>,
}

/// One indicator with everything recorded about it.
#[derive(Debug, Clone)]
pub struct IndicatorRead {
    pub plan: VisiblePlan,
    pub stored: StoredIndicator,
    /// In force, one per period, in period order.
    pub measurements: Vec<Measurement>,
    /// Every entry, superseded ones included, in entry order.
    pub history: Vec<MeasurementEntry>,
    /// Whether the actor may record figures for it.
    pub may_record: bool,
    /// The person holding the owner post today, where someone does.
    pub owner_holder: Option<String>,
}

/// What a person typed to record a measurement.
#[derive(Debug, Clone, Default)]
pub struct MeasurementInput {
    pub period: String,
    pub actual: String,
    pub not_yet_available: bool,
    pub same_period_last_year: String,
    /// Why a figure already recorded for the period is replaced; required then.
    pub reason: String,
}

/// One indicator evaluated for the period of its calendar that `selected` stands for.
pub fn evaluate_row(
    stored: StoredIndicator,
    measurements: Vec<Measurement>,
    selected: Period,
) -> IndicatorRow {
    let period = period_for(stored.indicator.calendar, selected);
    let evaluation = evaluate(&stored.indicator, &measurements, period);
    IndicatorRow {
        stored,
        period,
        evaluation,
        measurements,
    }
}

/// One indicator evaluated for exactly the period asked, in its own calendar: refused when
/// the period names none of the indicator's periods (P6 asked of a quarterly indicator), so a
/// figure for another period is never given as the answer.
pub fn evaluate_row_named(
    stored: StoredIndicator,
    measurements: Vec<Measurement>,
    asked: Period,
) -> std::result::Result<IndicatorRow, PeriodMismatch> {
    let period = stored.indicator.calendar.resolve(asked)?;
    let evaluation = evaluate(&stored.indicator, &measurements, period);
    Ok(IndicatorRow {
        stored,
        period,
        evaluation,
        measurements,
    })
}

/// The refusal for a period some indicators do not report: one sentence per calendar, naming
/// the indicators it concerns.
/// The indicators as they are report other periods than the one asked: their present state
/// refuses it (the API's 409), named against `period`.
fn period_refusal(refused: Vec<(PeriodMismatch, String)>) -> AppError {
    let mut by_calendar: Vec<(PeriodMismatch, Vec<String>)> = Vec::new();
    for (mismatch, title) in refused {
        match by_calendar
            .iter_mut()
            .find(|(seen, _)| seen.calendar == mismatch.calendar)
        {
            Some((_, titles)) => titles.push(title),
            None => by_calendar.push((mismatch, vec![title])),
        }
    }
    AppError::State(
        by_calendar
            .into_iter()
            .map(|(mismatch, titles)| {
                let noun = if titles.len() == 1 {
                    "indicator"
                } else {
                    "indicators"
                };
                (
                    "period".to_string(),
                    format!("{mismatch} ({noun}: {})", titles.join(", ")),
                )
            })
            .collect(),
    )
}

/// The latest period of `calendar` that has ended by the end of `selected`. Reports speak for
/// a period's end, so a quarterly indicator asked about August shows Q1 (the latest figure it
/// can have), and a monthly one asked about Q2 shows September.
pub fn period_for(calendar: Calendar, selected: Period) -> Period {
    calendar.last_ended(selected.end_date()).unwrap_or(selected)
}

/// The period a page or command shows when none is asked for: the latest quarter ended by
/// `today`.
pub fn default_period(today: NaiveDate) -> Option<Period> {
    Calendar::Quarterly.last_ended(today)
}

/// Reads a period a person or program asked for, defaulting to [`default_period`].
pub fn parse_period(text: Option<&str>, today: NaiveDate) -> std::result::Result<Period, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => {
            default_period(today).ok_or_else(|| format!("there is no reporting period for {today}"))
        }
        Some(text) => Period::parse(text).map_err(|_| {
            format!("\"{text}\" is not a period: enter one such as Q2 2026-27 or September 2026")
        }),
    }
}

/// "monthly", "quarterly", "in 13 four-week periods", for sentences.
pub fn calendar_words(calendar: Calendar) -> &'static str {
    match calendar {
        Calendar::Monthly => "monthly",
        Calendar::Quarterly => "quarterly",
        Calendar::FourWeekly => "in 13 four-week periods",
    }
}

/// Checks a measurement typed into the form against the indicator, returning it or every
/// problem as (field, message) pairs for the GOV.UK error summary.
pub fn check_measurement(
    stored: &StoredIndicator,
    input: &MeasurementInput,
    today: NaiveDate,
) -> std::result::Result<Measurement, Vec<FieldError>> {
    let indicator = &stored.indicator;
    let calendar = indicator.calendar;
    let mut errors = Vec::new();
    let example = calendar
        .last_ended(today)
        .map(|p| p.to_string())
        .unwrap_or_else(|| "Q2 2026-27".into());
    let period = match input.period.trim() {
        "" => {
            errors.push((
                "period".to_string(),
                format!("Enter the period the figure is for, for example {example}"),
            ));
            None
        }
        text => match Period::parse(text) {
            Ok(period) if period.kind() != calendar.kind() => {
                errors.push((
                    "period".to_string(),
                    format!(
                        "This indicator is reported {}: enter a period such as {example}",
                        calendar_words(calendar)
                    ),
                ));
                None
            }
            Ok(period) if period.start_date() > today => {
                errors.push((
                    "period".to_string(),
                    format!("{period} has not started yet"),
                ));
                None
            }
            Ok(period) => Some(period),
            Err(_) => {
                errors.push((
                    "period".to_string(),
                    format!("Enter the period as it is written, for example {example}"),
                ));
                None
            }
        },
    };
    let actual_text = input.actual.trim();
    let actual = match (actual_text.is_empty(), input.not_yet_available) {
        (true, true) => None,
        (false, true) => {
            errors.push((
                "actual".to_string(),
                "Enter the figure or select not yet available, not both".to_string(),
            ));
            None
        }
        (true, false) => {
            errors.push((
                "actual".to_string(),
                "Enter the figure, or select not yet available".to_string(),
            ));
            None
        }
        (false, false) => match Figure::parse(actual_text) {
            Ok(figure) => Some(figure),
            Err(error) => {
                errors.push(("actual".to_string(), figure_message(&error, "the figure")));
                None
            }
        },
    };
    let last_year_text = input.same_period_last_year.trim();
    let last_year = if last_year_text.is_empty() {
        None
    } else {
        match Figure::parse(last_year_text) {
            Ok(figure) => Some(figure),
            Err(error) => {
                errors.push((
                    "same_period_last_year".to_string(),
                    figure_message(&error, "the figure for the same period last year"),
                ));
                None
            }
        }
    };
    match (period, errors.is_empty()) {
        (Some(period), true) => {
            let measurement = match actual {
                Some(figure) => Measurement::new(period, figure),
                None => Measurement::not_yet_available(period),
            };
            Ok(Measurement {
                same_period_last_year: last_year,
                ..measurement
            })
        }
        _ => Err(errors),
    }
}

/// The refusal of a measurement: a period of another kind than the indicator reports is the
/// indicator's present state refusing it (the API's 409) when it is the only problem; anything
/// else is what was entered.
fn refusal_of_measurement(
    stored: &StoredIndicator,
    input: &MeasurementInput,
    errors: Vec<FieldError>,
) -> AppError {
    let other_kind = Period::parse(input.period.trim())
        .is_ok_and(|period| period.kind() != stored.indicator.calendar.kind());
    match errors.as_slice() {
        [(field, _)] if field == "period" && other_kind => AppError::State(errors),
        _ => AppError::Invalid(errors),
    }
}

/// GOV.UK error wording for a figure that does not read as one.
fn figure_message(error: &FigureError, what: &str) -> String {
    match error {
        FigureError::NotANumber(_) => {
            format!("Enter {what} as a number, for example 80.1 or 2,109,747")
        }
        FigureError::TooPrecise(_) => format!("Enter {what} to no more than two decimal places"),
        FigureError::TooLarge(_) => format!("Enter {what} as a smaller number"),
    }
}

impl App {
    /// A plan's indicators the actor may see, evaluated for `selected`, in plan order, from
    /// the measurements known at `known_at` (`None` = now). Where only chosen items of a plan
    /// are shared, only the indicators serving those items are.
    pub async fn plan_indicators(
        &self,
        actor: &Actor,
        plan: PlanId,
        selected: Period,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<(VisiblePlan, Vec<IndicatorRow>)> {
        let visible = self.plan(actor, plan).await?;
        let indicators = self.visible_indicators(&visible).await?;
        let mut measurements = self
            .store()
            .plan_measurements(visible.scope(), plan, known_at)
            .await?;
        let rows = indicators
            .into_iter()
            .map(|stored| {
                let measurements = measurements
                    .remove(&stored.indicator.id)
                    .unwrap_or_default();
                evaluate_row(stored, measurements, selected)
            })
            .collect();
        Ok((visible, rows))
    }

    /// A plan's indicators evaluated for exactly the period someone named (`--period`, the
    /// API's `period`): refused, with the periods each indicator does report, when any of them
    /// has no such period, never answered with a neighbouring one.
    pub async fn plan_indicators_named(
        &self,
        actor: &Actor,
        plan: PlanId,
        asked: Period,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<(VisiblePlan, Vec<IndicatorRow>)> {
        let visible = self.plan(actor, plan).await?;
        let indicators = self.visible_indicators(&visible).await?;
        let mut measurements = self
            .store()
            .plan_measurements(visible.scope(), plan, known_at)
            .await?;
        let mut rows = Vec::with_capacity(indicators.len());
        let mut refused = Vec::new();
        for stored in indicators {
            let title = stored.indicator.title.clone();
            let measurements = measurements
                .remove(&stored.indicator.id)
                .unwrap_or_default();
            match evaluate_row_named(stored, measurements, asked) {
                Ok(row) => rows.push(row),
                Err(mismatch) => refused.push((mismatch, title)),
            }
        }
        if !refused.is_empty() {
            return Err(period_refusal(refused));
        }
        Ok((visible, rows))
    }

    /// The plan's indicators the access shows: all of them, or for chosen items only those
    /// serving a visible item.
    pub(crate) async fn visible_indicators(
        &self,
        visible: &VisiblePlan,
    ) -> Result<Vec<StoredIndicator>> {
        let all = self
            .store()
            .indicators(visible.scope(), visible.plan.id)
            .await?;
        if visible.access.items.is_none() {
            return Ok(all);
        }
        let read = self.read_view(visible, self.today(), None).await?;
        let shown: HashSet<ItemId> = read.view.items.iter().map(|i| i.id).collect();
        Ok(all
            .into_iter()
            .filter(|s| s.indicator.objective.is_some_and(|o| shown.contains(&o)))
            .collect())
    }

    /// One indicator, if the actor may see it.
    pub async fn indicator(&self, actor: &Actor, id: IndicatorId) -> Result<IndicatorRead> {
        let stored = self.store().indicator(Scope::All, id).await?;
        let plan = self.plan(actor, stored.plan).await?;
        let visible = self.visible_indicators(&plan).await?;
        if !visible.iter().any(|s| s.indicator.id == id) {
            return Err(AppError::NotFound);
        }
        let measurements = self.store().measurements(plan.scope(), id, None).await?;
        let history = self.store().measurement_history(plan.scope(), id).await?;
        let may_record = !plan.plan.archived
            && (plan.access.may_manage()
                || (plan.access.level >= waymark_core::AccessLevel::Contribute
                    && stored.owner_post.as_ref().is_some_and(|post| {
                        actor
                            .posts
                            .iter()
                            .any(|held| held.eq_ignore_ascii_case(post))
                    })));
        let today = self.today();
        let owner_holder = match &stored.owner_post {
            Some(post) => self
                .store()
                .post_holdings(stored.org)
                .await?
                .into_iter()
                .find(|h| {
                    h.post_title.eq_ignore_ascii_case(post)
                        && h.since <= today
                        && h.until.is_none_or(|until| until >= today)
                })
                .map(|h| h.user_name),
            None => None,
        };
        Ok(IndicatorRead {
            plan,
            stored,
            measurements,
            history,
            may_record,
            owner_holder,
        })
    }

    /// Records a period's figure. Plan managers may record any indicator's, and contributors
    /// those of the indicators their posts own. A figure for a period that already has one
    /// is refused without a reason; with one, it replaces it and the history keeps both.
    pub async fn record_measurement(
        &self,
        actor: &Actor,
        id: IndicatorId,
        input: &MeasurementInput,
    ) -> Result<Measurement> {
        let read = self.indicator(actor, id).await?;
        if !read.may_record {
            return Err(AppError::Forbidden);
        }
        let measurement = check_measurement(&read.stored, input, self.today())
            .map_err(|errors| refusal_of_measurement(&read.stored, input, errors))?;
        let earlier = read
            .measurements
            .iter()
            .find(|m| m.period == measurement.period);
        let reason = input.reason.trim();
        if let Some(earlier) = earlier {
            if *earlier == measurement {
                return Ok(measurement);
            }
            if reason.is_empty() {
                let entry = read
                    .history
                    .iter()
                    .rev()
                    .find(|entry| entry.measurement.period == measurement.period);
                let held = match earlier.actual.figure() {
                    Some(figure) => read
                        .stored
                        .indicator
                        .format(figure, waymark_core::indicator::Role::Measured),
                    None => "not yet available".to_string(),
                };
                let by = entry
                    .map(|e| {
                        format!(
                            ", entered by {} on {}",
                            e.entered_by,
                            waymark_core::date::format_long(e.entered_at.date_naive())
                        )
                    })
                    .unwrap_or_default();
                return Err(AppError::state(
                    "reason",
                    format!(
                        "{} already has a figure ({held}{by}). To replace it, say why; the \
                         earlier figure stays in the history",
                        measurement.period
                    ),
                ));
            }
            if reason.chars().count() > 500 {
                return Err(AppError::invalid(
                    "reason",
                    "The reason must be 500 characters or fewer",
                ));
            }
        }
        let mut audit = actor.audit(if earlier.is_some() {
            "measurement.replace"
        } else {
            "measurement.record"
        });
        audit.org = Some(read.plan.plan.org);
        audit.plan = Some(read.plan.plan.id);
        audit.subject = Some(format!(
            "{}: {}",
            read.stored.indicator.title, measurement.period
        ));
        audit.detail = Some(serde_json::json!({
            "indicator": id.0,
            "period": measurement.period.to_string(),
            "before": earlier.map(measurement_json),
            "after": measurement_json(&measurement),
            "reason": (!reason.is_empty()).then_some(reason),
        }));
        self.store()
            .record_measurements_audited(
                read.plan.scope(),
                &[NewMeasurement {
                    indicator: id,
                    measurement,
                    entered_by: actor.name(),
                    entered_at: None,
                    reason: (!reason.is_empty()).then(|| reason.to_string()),
                }],
                Some(&audit),
            )
            .await?;
        Ok(measurement)
    }
}

fn measurement_json(measurement: &Measurement) -> serde_json::Value {
    serde_json::json!({
        "actual": measurement.actual.figure().map(|f| f.hundredths()),
        "not_yet_available": measurement.actual.figure().is_none(),
        "same_period_last_year": measurement.same_period_last_year.map(|f| f.hundredths()),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn each_calendar_reads_the_period_it_has_ended_by_the_selection() {
        let q2 = period("Q2 2008-09");
        assert_eq!(period_for(Calendar::Monthly, q2), period("September 2008"));
        assert_eq!(period_for(Calendar::Quarterly, q2), q2);
        assert_eq!(period_for(Calendar::FourWeekly, q2), period("P6 2008-09"));
        assert_eq!(
            period_for(Calendar::Quarterly, period("August 2008")),
            period("Q1 2008-09")
        );
        assert_eq!(
            period_for(Calendar::Quarterly, period("April 2008")),
            period("Q4 2007-08")
        );
        assert_eq!(
            period_for(Calendar::Monthly, period("2008-09")),
            period("March 2009")
        );
    }

    #[test]
    fn the_default_is_the_latest_quarter_ended() {
        assert_eq!(
            default_period(day(2026, 11, 23)),
            Some(period("Q2 2026-27"))
        );
        assert_eq!(default_period(day(2026, 9, 30)), Some(period("Q2 2026-27")));
        assert_eq!(default_period(day(2026, 5, 1)), Some(period("Q4 2025-26")));
        assert_eq!(
            parse_period(Some(" "), day(2026, 5, 1)).unwrap(),
            period("Q4 2025-26")
        );
        assert!(parse_period(Some("Q5 2026-27"), day(2026, 5, 1)).is_err());
    }
}
