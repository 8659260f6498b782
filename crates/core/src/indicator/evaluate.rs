//! Evaluates one indicator for one period: the figure, the target it is judged against, the RAG
//! or the reason there is none, the forecast to the year end, whether that is on track, the
//! figures it is compared with, and the sentence a report prints.

use crate::rag::Rag;

use super::calendar::{Fraction, Period};
use super::figure::Figure;
use super::forecast::{forecast_cumulative, forecast_level};
use super::model::{Indicator, IndicatorState, MeasureType, Measurement};
use super::rag::{achieved, judge_rag};
use super::sentence::describe;

/// Everything a report row, a page or the API needs about one indicator in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub period: Period,
    /// `None` when not yet available.
    pub actual: Option<Figure>,
    /// The target judged against: the annual target, profiled to the period for a cumulative
    /// measure (£1,500,000 of £3,000,000 at the end of September).
    pub target_for_period: Option<Figure>,
    pub annual_target: Option<Figure>,
    /// Red, Amber or Green; `None` exactly when `state` says why.
    pub rag: Option<Rag>,
    /// Why there is no RAG. "No target" wins over "not yet available": it is the lasting reason.
    pub state: Option<IndicatorState>,
    /// The expected year-end figure; see [`super::forecast`].
    pub forecast: Option<Figure>,
    /// Whether the forecast achieves the annual target; `None` without both.
    pub on_track: Option<bool>,
    /// The latest earlier period of the same kind in the same financial year that has a figure.
    pub previous: Option<PeriodFigure>,
    /// The same period last year: the measurement's own note of it, else last year's measurement.
    pub same_period_last_year: Option<Figure>,
    /// Plain English from the data alone; see [`super::sentence`].
    pub sentence: String,
}

/// A figure and the period it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodFigure {
    pub period: Period,
    pub figure: Figure,
}

/// Evaluates `indicator` for `period` from its `measurements` (any order; other years and other
/// periods are used for the forecast and the comparisons). A period with no measurement is
/// not yet available, like one recorded as such. The store keeps one measurement per period as
/// at a date; given two, the first is used.
pub fn evaluate(indicator: &Indicator, measurements: &[Measurement], period: Period) -> Evaluation {
    let current = measurements.iter().find(|m| m.period == period);
    let actual = current.and_then(|m| m.actual.figure());
    let annual_target = indicator.annual_target;
    let targets = indicator.targets_for_period(period);

    let state = if annual_target.is_none() {
        Some(IndicatorState::NoTarget)
    } else if actual.is_none() {
        Some(IndicatorState::NotYetAvailable)
    } else {
        None
    };
    let rag = match (actual, targets) {
        (Some(actual), Some(targets)) => Some(judge_rag(
            actual,
            &targets,
            indicator.direction,
            indicator.tolerance,
        )),
        _ => None,
    };
    let forecast = actual.and_then(|actual| forecast(indicator, measurements, period, actual));
    let on_track = match (forecast, annual_target) {
        (Some(forecast), Some(target)) => Some(achieved(forecast, target, indicator.direction)),
        _ => None,
    };
    let previous = measurements
        .iter()
        .filter(|m| {
            m.period.year() == period.year()
                && m.period.kind() == period.kind()
                && m.period < period
        })
        .filter_map(|m| {
            m.actual.figure().map(|figure| PeriodFigure {
                period: m.period,
                figure,
            })
        })
        .max_by_key(|p| p.period);
    let same_period_last_year = current.and_then(|m| m.same_period_last_year).or_else(|| {
        let last_year = period.same_period_last_year()?;
        measurements
            .iter()
            .find(|m| m.period == last_year)
            .and_then(|m| m.actual.figure())
    });

    let mut evaluation = Evaluation {
        period,
        actual,
        target_for_period: targets.map(|t| t.target),
        annual_target,
        rag,
        state,
        forecast,
        on_track,
        previous,
        same_period_last_year,
        sentence: String::new(),
    };
    evaluation.sentence = describe(indicator, &evaluation);
    evaluation
}

fn forecast(
    indicator: &Indicator,
    measurements: &[Measurement],
    period: Period,
    actual: Figure,
) -> Option<Figure> {
    // At the year end the year's figure is known; there is nothing left to forecast.
    if period.elapsed_fraction() == Fraction::ONE {
        return Some(actual);
    }
    match indicator.measure {
        MeasureType::Change => Some(actual),
        MeasureType::Cumulative => {
            let share = indicator.share_of_year(period);
            // A profile that expects nothing yet cannot be divided by; fall back to the time
            // elapsed, which is never zero for a real period.
            forecast_cumulative(actual, share)
                .or_else(|| forecast_cumulative(actual, period.elapsed_fraction()))
        }
        MeasureType::Level => {
            let baseline = indicator.baseline.map(|b| (Fraction::ZERO, b));
            let so_far = measurements
                .iter()
                .filter(|m| m.period.year() == period.year() && m.period <= period)
                .filter(|m| m.period != period)
                .filter_map(|m| m.actual.figure().map(|f| (m.period.elapsed_fraction(), f)));
            let points: Vec<_> = baseline
                .into_iter()
                .chain(so_far)
                .chain(std::iter::once((period.elapsed_fraction(), actual)))
                .collect();
            forecast_level(&points, indicator.unit)
        }
    }
}
