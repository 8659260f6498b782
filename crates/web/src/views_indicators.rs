//! Performance indicators as people and programs read them: the evaluation of a plan's
//! indicators for a chosen period, shared by the plan's indicators page, the JSON API and
//! `waymark indicators --json`, so all three say the same; and the checks on a measurement
//! typed into the form.
//!
//! The rules (targets, RAG, forecasts, sentences) are `waymark_core::indicator`'s and the
//! evaluation the application layer's; this module turns figures into JSON numbers.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use waymark_core::Rag;
use waymark_core::indicator::{
    Calendar, Figure, IndicatorState, MeasureType, Period, YearToDate, year_to_date,
};

pub use waymark_app::indicators::{
    IndicatorRow, MeasurementInput, calendar_words, check_measurement, default_period,
    evaluate_row, parse_period, period_for,
};

/// The latest period of `calendar` ending on or before `day`.
pub fn latest_ended(calendar: Calendar, day: NaiveDate) -> Option<Period> {
    calendar.last_ended(day)
}

/// The period before `period` in `calendar`, across the year end.
pub fn previous_period(calendar: Calendar, period: Period) -> Option<Period> {
    calendar.before(period)
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
    /// The year to its period by the indicator's rule; null when no period of the year to it
    /// has a figure.
    pub year_to_date: Option<YearToDateJson>,
}

/// An indicator's year to date in the JSON contract.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearToDateJson {
    /// "sum of periods" (counts, money), "mean of periods" (percentages, rates, days) or
    /// "the period's figure" (a cumulative measure or a change).
    #[schema(value_type = String)]
    pub rule: &'static str,
    /// True where the rule is the indicator's own, as the table it was imported from states
    /// it (its notes, or a year-to-date column); false where it is the rule by measure type
    /// and unit.
    pub rule_stated: bool,
    /// How many periods of the year, to the one judged, have a figure.
    pub periods_reported: u32,
    #[schema(value_type = f64)]
    pub value: UnitNumber,
    #[schema(value_type = Option<f64>)]
    pub target: Option<UnitNumber>,
    /// "Red", "Amber" or "Green"; null without a target.
    #[schema(value_type = Option<String>)]
    pub rag: Option<&'static str>,
}

impl YearToDateJson {
    fn new(ytd: YearToDate, rule_stated: bool) -> Self {
        YearToDateJson {
            rule: ytd.rule.as_str(),
            rule_stated,
            periods_reported: ytd.periods_reported,
            value: UnitNumber(ytd.value),
            target: ytd.target.map(UnitNumber),
            rag: ytd.rag.map(Rag::word),
        }
    }
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
            year_to_date: year_to_date(indicator, &row.measurements, row.period)
                .map(|ytd| YearToDateJson::new(ytd, indicator.year_to_date.is_some())),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

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
