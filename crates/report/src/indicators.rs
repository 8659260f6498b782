//! Indicator rows for a report, read from the store and evaluated with the core's rules: each
//! indicator for the last period of its own calendar that has ended by the report date, as
//! known at the report's second clock, beside the period before it (for "since the last
//! report"), with a trend chart of the year's figures known by then.

use chrono::NaiveDate;
use waymark_core::indicator::{Calendar, Measurement, Period, evaluate};
use waymark_store::{MeasurementsByIndicator, StoredIndicator};

use crate::build::ReportRequest;
use crate::chart::TrendChart;
use crate::model::IndicatorRow;

/// The evaluated indicators of one plan, in plan order, from its indicators and their
/// measurements in force as known at the report's second clock.
pub fn indicator_rows(
    indicators: Vec<StoredIndicator>,
    mut measurements: MeasurementsByIndicator,
    request: &ReportRequest,
) -> Vec<IndicatorRow> {
    let mut rows = Vec::new();
    for stored in indicators {
        let indicator = &stored.indicator;
        let Some(period) = last_period_ended(indicator.calendar, request.as_at) else {
            continue;
        };
        // A period that ends after the report date has no figure yet, as at that date.
        let known: Vec<Measurement> = measurements
            .remove(&indicator.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.period.end_date() <= request.as_at)
            .collect();
        let evaluation = evaluate(indicator, &known, period);
        let previous = period_before(indicator.calendar, period)
            .map(|earlier| evaluate(indicator, &known, earlier));
        let chart = TrendChart::new(indicator, &known, period);
        rows.push(IndicatorRow {
            chart: chart.has_data().then_some(chart),
            ..IndicatorRow::from_evaluation(indicator, &evaluation, previous.as_ref())
        });
    }
    rows
}

/// The last period of `calendar` that has ended by the end of `day`.
pub fn last_period_ended(calendar: Calendar, day: NaiveDate) -> Option<Period> {
    calendar.last_ended(day)
}

fn period_before(calendar: Calendar, period: Period) -> Option<Period> {
    calendar.before(period)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarterly_indicator_reports_the_last_quarter_that_has_ended() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let q2 = last_period_ended(Calendar::Quarterly, day(2008, 9, 30)).unwrap();
        assert_eq!(q2.to_string(), "Q2 2008-09");
        let still_q2 = last_period_ended(Calendar::Quarterly, day(2008, 12, 30)).unwrap();
        assert_eq!(still_q2.to_string(), "Q2 2008-09");
        let q4_last_year = last_period_ended(Calendar::Quarterly, day(2008, 5, 1)).unwrap();
        assert_eq!(q4_last_year.to_string(), "Q4 2007-08");
    }
}
