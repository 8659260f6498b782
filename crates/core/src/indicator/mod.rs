//! Performance indicators (KPIs): the model, the reporting calendar, the RAG and forecast rules of
//! DESIGN.md's "Rules with known answers", and the plain-English sentence for a report, all pure.
//!
//! The entry point is [`evaluate()`]: one indicator, its measurements, one period in, an
//! [`Evaluation`] out. Figures are exact hundredths of their unit ([`Figure`]; money is integer
//! pence), so the RAG boundaries and "£2,109,747" are exact.
//!
//! - `model`: the indicator, its unit, direction, measure type, targets, tolerance, profile and
//!   wording; measurements and the "not yet available" / "no target" states.
//! - `calendar`: financial years, periods ("Q2 2008-09", "September 2008", "P6 2008-09") and
//!   the elapsed fraction of the year.
//! - `figure` and `format`: exact numbers, and how they print.
//! - `rag`, `forecast`, `sentence`: the three rules; `evaluate` puts them together.
//!
//! The modules are public so that the rules' documentation (the why of each decision) can be
//! read in rustdoc; callers use the re-exports below.

pub mod calendar;
pub mod evaluate;
pub mod figure;
pub mod forecast;
pub mod format;
pub mod model;
pub mod rag;
pub mod sentence;
pub mod year_to_date;

#[cfg(test)]
mod seed_004;

pub use calendar::{
    Calendar, FinancialYear, Fraction, Period, PeriodError, PeriodKind, PeriodMismatch,
};
pub use evaluate::{Evaluation, PeriodFigure, evaluate};
pub use figure::{Figure, FigureError};
pub use forecast::{forecast_cumulative, forecast_level};
pub use format::{Role, format_figure, format_signed};
pub use model::{
    Actual, Counted, Direction, Indicator, IndicatorId, IndicatorProblem, IndicatorState,
    MeasureType, Measurement, Profile, Tolerance, ToleranceMode, Unit, Wording,
};
pub use rag::{Targets, achieved, judge_rag};
pub use sentence::describe;
pub use year_to_date::{YearToDate, YearToDateRule, year_to_date};
