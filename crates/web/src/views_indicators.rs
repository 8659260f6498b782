//! Performance indicators as people and programs read them: the evaluation of a plan's
//! indicators for a chosen period, shared by the plan's indicators page, the JSON API and
//! `waymark indicators --json`, so all three say the same; and the checks on a measurement
//! typed into the form.
//!
//! The rules (targets, RAG, forecasts, sentences) are `waymark_core::indicator`'s; this module
//! picks the period each indicator is judged for and turns figures into JSON numbers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};
use waymark_core::indicator::{
    Calendar, Evaluation, Figure, FigureError, IndicatorState, MeasureType, Measurement, Period,
    evaluate,
};
use waymark_core::{PlanId, Rag};
use waymark_store::{Scope, Store, StoreError, StoredIndicator};

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

/// A plan's indicators evaluated for `selected`, in plan order, from the measurements known at
/// `known_at` (`None` = now).
pub async fn plan_indicators(
    store: &Store,
    scope: Scope,
    plan: PlanId,
    selected: Period,
    known_at: Option<DateTime<Utc>>,
) -> Result<Vec<IndicatorRow>, StoreError> {
    let indicators = store.indicators(scope, plan).await?;
    let mut measurements = store.plan_measurements(scope, plan, known_at).await?;
    Ok(indicators
        .into_iter()
        .map(|stored| {
            let measurements = measurements
                .remove(&stored.indicator.id)
                .unwrap_or_default();
            evaluate_row(stored, measurements, selected)
        })
        .collect())
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

/// The latest period of `calendar` that has ended by the end of `selected`. Reports speak for
/// a period's end, so a quarterly indicator asked about August shows Q1 (the latest figure it
/// can have), and a monthly one asked about Q2 shows September.
pub fn period_for(calendar: Calendar, selected: Period) -> Period {
    latest_ended(calendar, selected.end_date()).unwrap_or(selected)
}

/// The period a page or command shows when none is asked for: the latest quarter ended by
/// `today`. Quarters are the reporting round of the plans Waymark holds (seed 004 is a Q2
/// report), and every indicator then speaks for the same date. `None` only for a day outside the
/// financial years the core accepts.
pub fn default_period(today: NaiveDate) -> Option<Period> {
    latest_ended(Calendar::Quarterly, today)
}

/// Reads a period a person or program asked for, defaulting to [`default_period`].
pub fn parse_period(text: Option<&str>, today: NaiveDate) -> Result<Period, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => {
            default_period(today).ok_or_else(|| format!("there is no reporting period for {today}"))
        }
        Some(text) => Period::parse(text).map_err(|_| {
            format!("\"{text}\" is not a period: enter one such as Q2 2026-27 or September 2026")
        }),
    }
}

/// The latest period of `calendar` ending on or before `day`.
pub fn latest_ended(calendar: Calendar, day: NaiveDate) -> Option<Period> {
    let containing = calendar.period_containing(day).ok()?;
    if containing.end_date() <= day {
        Some(containing)
    } else {
        previous_period(calendar, containing)
    }
}

/// The period before `period` in `calendar`, across the year end.
pub fn previous_period(calendar: Calendar, period: Period) -> Option<Period> {
    if period.index() > 1 {
        calendar.period(period.year(), period.index() - 1).ok()
    } else {
        let last = u32::from(calendar.periods_per_year());
        calendar.period(period.year().previous()?, last).ok()
    }
}

/// One indicator in the JSON contract of `/api/plans/{id}/indicators` and
/// `waymark indicators --json`. Figures are JSON numbers in the indicator's unit: 80.1 for
/// 80.1%, 2109747 for £2,109,747.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorJson {
    pub id: i64,
    pub title: String,
    /// percent, count, money, days or rate.
    #[schema(value_type = String)]
    pub unit: &'static str,
    #[schema(value_type = String)]
    pub direction: &'static str,
    #[schema(value_type = String)]
    pub measure: &'static str,
    /// The indicator's period judged, as the core writes it: "Q2 2026-27", "September 2026".
    pub period: String,
    #[schema(value_type = Option<f64>)]
    pub actual: Option<UnitNumber>,
    #[schema(value_type = Option<f64>)]
    pub target_for_period: Option<UnitNumber>,
    #[schema(value_type = Option<f64>)]
    pub annual_target: Option<UnitNumber>,
    #[schema(value_type = Option<f64>)]
    pub same_period_last_year: Option<UnitNumber>,
    /// "Red", "Amber" or "Green"; null exactly when `state` says why.
    #[schema(value_type = Option<String>)]
    pub rag: Option<&'static str>,
    /// "not yet available" or "no target".
    #[schema(value_type = Option<String>)]
    pub state: Option<&'static str>,
    #[schema(value_type = Option<f64>)]
    pub forecast: Option<UnitNumber>,
    pub on_track: Option<bool>,
    pub sentence: String,
}

impl IndicatorJson {
    pub fn new(row: &IndicatorRow) -> Self {
        let indicator = &row.stored.indicator;
        let evaluation = &row.evaluation;
        IndicatorJson {
            id: indicator.id.0,
            title: indicator.title.clone(),
            unit: indicator.unit.as_str(),
            direction: indicator.direction.as_str(),
            measure: indicator.measure.as_str(),
            period: row.period.to_string(),
            actual: evaluation.actual.map(UnitNumber),
            target_for_period: evaluation.target_for_period.map(UnitNumber),
            annual_target: evaluation.annual_target.map(UnitNumber),
            same_period_last_year: evaluation.same_period_last_year.map(UnitNumber),
            rag: evaluation.rag.map(Rag::word),
            state: evaluation.state.map(state_name),
            forecast: evaluation.forecast.map(UnitNumber),
            on_track: evaluation.on_track,
            sentence: evaluation.sentence.clone(),
        }
    }
}

/// The lower-case state word of the JSON contract.
pub fn state_name(state: IndicatorState) -> &'static str {
    match state {
        IndicatorState::NotYetAvailable => "not yet available",
        IndicatorState::NoTarget => "no target",
    }
}

/// What a measure type means, in words for the indicator page.
pub fn measure_words(measure: MeasureType) -> &'static str {
    match measure {
        MeasureType::Level => "A level at the end of each period",
        MeasureType::Cumulative => "A year-to-date total",
        MeasureType::Change => "A change on the same period last year",
    }
}

/// A figure as a JSON number in its unit: an integer when whole (2109747), else a decimal
/// (80.1). Hundredths divide exactly enough that the shortest decimal printed is the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitNumber(pub Figure);

impl Serialize for UnitNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let hundredths = self.0.hundredths();
        if hundredths % 100 == 0 {
            serializer.serialize_i64(hundredths / 100)
        } else {
            serializer.serialize_f64(self.0.to_f64())
        }
    }
}

/// What a person typed to record a measurement.
#[derive(Debug, Clone, Default)]
pub struct MeasurementInput {
    pub period: String,
    pub actual: String,
    pub not_yet_available: bool,
    pub same_period_last_year: String,
}

/// Checks a measurement typed into the form against the indicator, returning it or every
/// problem as (field, message) pairs for the GOV.UK error summary.
pub fn check_measurement(
    stored: &StoredIndicator,
    input: &MeasurementInput,
    today: NaiveDate,
) -> Result<Measurement, Vec<(String, String)>> {
    let indicator = &stored.indicator;
    let calendar = indicator.calendar;
    let mut errors = Vec::new();
    let example = latest_ended(calendar, today)
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

/// "monthly", "quarterly", "in 13 four-week periods", for sentences.
pub fn calendar_words(calendar: Calendar) -> &'static str {
    match calendar {
        Calendar::Monthly => "monthly",
        Calendar::Quarterly => "quarterly",
        Calendar::FourWeekly => "in 13 four-week periods",
    }
}

/// GOV.UK error wording for a figure that does not read as one.
fn figure_message(error: &FigureError, what: &str) -> String {
    match error {
        FigureError::NotANumber(_) => {
            format!("Enter {what} as a number, for example 80.1 or 2,109,747")
        }
        FigureError::TooPrecise(_) => {
            format!("Enter {what} to no more than two decimal places")
        }
        FigureError::TooLarge(_) => format!("Enter {what} as a smaller number"),
    }
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
        let august = period("August 2008");
        assert_eq!(
            period_for(Calendar::Quarterly, august),
            period("Q1 2008-09")
        );
        // April ends before any quarter of its year: the latest is last year's Q4.
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

    #[test]
    fn figures_are_json_numbers_in_their_unit() {
        let json = |h: i64| serde_json::to_string(&UnitNumber(Figure::from_hundredths(h))).unwrap();
        assert_eq!(json(8010), "80.1");
        assert_eq!(json(210_974_700), "2109747");
        assert_eq!(json(-430), "-4.3");
        assert_eq!(json(1285), "12.85");
        assert_eq!(json(0), "0");
    }
}
