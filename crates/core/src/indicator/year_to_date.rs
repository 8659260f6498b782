//! Year to date: an indicator's figures from the first period of the financial year to the
//! period asked, combined by the rule forces state in their tables' notes: the sum of the
//! periods for counts and money, the mean of the periods for percentages, rates and days, and
//! for a cumulative measure the period's own figure (it is already a year-to-date total).
//!
//! Periods not yet reported count neither way: the sum is of the periods reported and its
//! target is the period target times their number; the mean is judged as that same sum
//! against the target times the number of periods, so the RAG uses exact arithmetic and an
//! average exactly 5% worse than target is on the Amber side of a 5% band.

use crate::rag::Rag;

use super::calendar::Period;
use super::figure::Figure;
use super::model::{Indicator, MeasureType, Measurement, ToleranceMode, Unit};
use super::rag::{Targets, judge_rag};

/// How a year to date is worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YearToDateRule {
    /// The sum of the periods: counts and money.
    Sum,
    /// The mean of the periods: percentages, rates, days.
    Mean,
    /// The period's own figure: a cumulative measure, or a change on last year.
    Latest,
}

impl YearToDateRule {
    pub const ALL: [YearToDateRule; 3] = [
        YearToDateRule::Sum,
        YearToDateRule::Mean,
        YearToDateRule::Latest,
    ];

    /// The rule for an indicator: its own, where its table stated one, else the rule by its
    /// measure type and unit.
    pub fn for_indicator(indicator: &Indicator) -> YearToDateRule {
        indicator
            .year_to_date
            .unwrap_or_else(|| YearToDateRule::by_type(indicator.measure, indicator.unit))
    }

    /// The rule by measure type and unit, for an indicator that states none: the sum for
    /// counts and money, the mean for percentages, rates and days, and the period's own
    /// figure for a cumulative measure or a change.
    pub fn by_type(measure: MeasureType, unit: Unit) -> YearToDateRule {
        match (measure, unit) {
            (MeasureType::Cumulative | MeasureType::Change, _) => YearToDateRule::Latest,
            (MeasureType::Level, Unit::Count | Unit::Money) => YearToDateRule::Sum,
            (MeasureType::Level, Unit::Percent | Unit::Rate | Unit::Days) => YearToDateRule::Mean,
        }
    }

    /// The one word the rule is stored as: "sum", "mean" or "latest".
    pub fn word(self) -> &'static str {
        match self {
            YearToDateRule::Sum => "sum",
            YearToDateRule::Mean => "mean",
            YearToDateRule::Latest => "latest",
        }
    }

    /// Reads [`YearToDateRule::word`] back.
    pub fn parse(word: &str) -> Option<YearToDateRule> {
        YearToDateRule::ALL
            .into_iter()
            .find(|rule| rule.word().eq_ignore_ascii_case(word.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            YearToDateRule::Sum => "sum of periods",
            YearToDateRule::Mean => "mean of periods",
            YearToDateRule::Latest => "the period's figure",
        }
    }
}

/// An indicator's year to date at a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearToDate {
    pub rule: YearToDateRule,
    /// How many periods of the year, to the one asked, have a figure.
    pub periods_reported: u32,
    /// The sum, or the mean rounded half away from zero to hundredths, or the period's figure.
    pub value: Figure,
    /// The target for the same periods: the period target times their number for a sum, the
    /// target for a mean, the profiled target for a cumulative measure.
    pub target: Option<Figure>,
    pub rag: Option<Rag>,
}

/// The year to date at `period`, or `None` when no period of its year to it has a figure.
pub fn year_to_date(
    indicator: &Indicator,
    measurements: &[Measurement],
    period: Period,
) -> Option<YearToDate> {
    let rule = YearToDateRule::for_indicator(indicator);
    if rule == YearToDateRule::Latest {
        let value = measurements
            .iter()
            .find(|m| m.period == period)
            .and_then(|m| m.actual.figure())?;
        let targets = indicator.targets_for_period(period);
        return Some(YearToDate {
            rule,
            periods_reported: 1,
            value,
            target: targets.map(|t| t.target),
            rag: targets.map(|t| judge_rag(value, &t, indicator.direction, indicator.tolerance)),
        });
    }
    let figures: Vec<Figure> = measurements
        .iter()
        .filter(|m| {
            m.period.year() == period.year()
                && m.period.kind() == period.kind()
                && m.period <= period
        })
        .filter_map(|m| m.actual.figure())
        .collect();
    if figures.is_empty() {
        return None;
    }
    let count = i64::try_from(figures.len()).ok()?;
    let sum: i64 = figures
        .iter()
        .try_fold(0i64, |total, f| total.checked_add(f.hundredths()))?;
    let scale = |figure: Figure| {
        figure
            .hundredths()
            .checked_mul(count)
            .map(Figure::from_hundredths)
    };
    // Judged as totals in both rules, so nothing is divided before comparing.
    let total_targets = match indicator.annual_target {
        Some(target) => Some(Targets {
            target: scale(target)?,
            minimum: match indicator.minimum {
                Some(m) => Some(scale(m)?),
                None => None,
            },
            stretch: match indicator.stretch {
                Some(s) => Some(scale(s)?),
                None => None,
            },
        }),
        None => None,
    };
    let mut tolerance = indicator.tolerance;
    if tolerance.mode == ToleranceMode::Absolute {
        tolerance.amount = scale(tolerance.amount)?;
    }
    let rag = total_targets.map(|t| {
        judge_rag(
            Figure::from_hundredths(sum),
            &t,
            indicator.direction,
            tolerance,
        )
    });
    let (value, target) = match rule {
        YearToDateRule::Mean => (
            Figure::from_hundredths(divide_rounded(sum, count)),
            indicator.annual_target,
        ),
        _ => (
            Figure::from_hundredths(sum),
            total_targets.map(|t| t.target),
        ),
    };
    Some(YearToDate {
        rule,
        periods_reported: u32::try_from(count).ok()?,
        value,
        target,
        rag,
    })
}

/// `numerator / denominator` rounded half away from zero; `denominator` is positive.
fn divide_rounded(numerator: i64, denominator: i64) -> i64 {
    let half = denominator / 2;
    if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;
    use crate::indicator::{Calendar, Direction, IndicatorId, Tolerance, Wording};

    fn indicator(unit: Unit, direction: Direction, target: Figure) -> Indicator {
        Indicator {
            annual_target: Some(target),
            tolerance: Tolerance::relative(Figure::whole(5)),
            ..Indicator::new(
                IndicatorId(1),
                "An indicator",
                Wording::new("an indicator"),
                unit,
                direction,
                MeasureType::Level,
                Calendar::FourWeekly,
            )
        }
    }

    fn periods(figures: &[i64]) -> Vec<Measurement> {
        figures
            .iter()
            .zip(1..)
            .map(|(hundredths, n)| {
                Measurement::new(
                    Period::parse(&format!("P{n} 2026-27")).unwrap(),
                    Figure::from_hundredths(*hundredths),
                )
            })
            .collect()
    }

    fn p(n: u32) -> Period {
        Period::parse(&format!("P{n} 2026-27")).unwrap()
    }

    #[test]
    fn counts_sum_against_the_period_target_times_the_periods() {
        let burglary = indicator(Unit::Count, Direction::LowerIsBetter, Figure::whole(100));
        let figures = periods(&[9_600, 10_400, 9_900, 10_100, 9_800, 10_000, 50_000]);
        let ytd = year_to_date(&burglary, &figures, p(6)).unwrap();
        assert_eq!(ytd.rule, YearToDateRule::Sum);
        assert_eq!(ytd.periods_reported, 6);
        assert_eq!(ytd.value, Figure::whole(598));
        assert_eq!(ytd.target, Some(Figure::whole(600)));
        assert_eq!(ytd.rag, Some(Rag::Green));
        // 630 against 600 is exactly 5% worse: Amber; 631 is Red.
        let at = periods(&[10_500; 6]);
        assert_eq!(
            year_to_date(&burglary, &at, p(6)).unwrap().rag,
            Some(Rag::Amber)
        );
        let mut past = periods(&[10_500; 6]);
        past[5] = Measurement::new(p(6), Figure::whole(106));
        assert_eq!(
            year_to_date(&burglary, &past, p(6)).unwrap().rag,
            Some(Rag::Red)
        );
    }

    #[test]
    fn percentages_average_and_are_judged_exactly() {
        let answered = indicator(Unit::Percent, Direction::HigherIsBetter, Figure::whole(90));
        // Mean 85.5 is exactly 5% below 90: Amber.
        let at = periods(&[8_500, 8_600]);
        let ytd = year_to_date(&answered, &at, p(2)).unwrap();
        assert_eq!(ytd.rule, YearToDateRule::Mean);
        assert_eq!(ytd.value, Figure::from_hundredths(8_550));
        assert_eq!(ytd.target, Some(Figure::whole(90)));
        assert_eq!(ytd.rag, Some(Rag::Amber));
        // Mean 85.495 is just past: Red, although it prints as 85.50.
        let past = periods(&[8_500, 8_599]);
        let ytd = year_to_date(&answered, &past, p(2)).unwrap();
        assert_eq!(ytd.value, Figure::from_hundredths(8_550));
        assert_eq!(ytd.rag, Some(Rag::Red));
    }

    #[test]
    fn an_indicator_s_own_rule_replaces_the_rule_by_unit() {
        // A count whose table says its year to date is the mean of the periods.
        let officers = Indicator {
            year_to_date: Some(YearToDateRule::Mean),
            ..indicator(Unit::Count, Direction::HigherIsBetter, Figure::whole(100))
        };
        let figures = periods(&[9_500, 9_600]);
        let ytd = year_to_date(&officers, &figures, p(2)).unwrap();
        assert_eq!(ytd.rule, YearToDateRule::Mean);
        assert_eq!(ytd.value, Figure::from_hundredths(9_550));
        assert_eq!(ytd.target, Some(Figure::whole(100)));
        // 95.5 is 4.5% short of 100: Amber.
        assert_eq!(ytd.rag, Some(Rag::Amber));
        for rule in YearToDateRule::ALL {
            assert_eq!(YearToDateRule::parse(rule.word()), Some(rule));
        }
    }

    #[test]
    fn periods_not_reported_count_neither_way() {
        let abandoned = indicator(Unit::Percent, Direction::LowerIsBetter, Figure::whole(10));
        let mut figures = periods(&[950, 1_020, 990, 1_000, 0, 1_051]);
        figures[4] = Measurement::not_yet_available(p(5));
        let ytd = year_to_date(&abandoned, &figures, p(6)).unwrap();
        assert_eq!(ytd.periods_reported, 5);
        assert_eq!(ytd.value, Figure::from_hundredths(1_002));
        assert!(year_to_date(&abandoned, &[], p(6)).is_none());
    }
}
