//! Forecasts to the year end, by DESIGN.md's rules.
//!
//! - Cumulative: the year-to-date figure divided by the share of the year it covers. With the
//!   default linear profile that share is the elapsed fraction of the year (24 groups at the end
//!   of September → 48); with an explicit profile it is the profile's share, so a back-loaded
//!   target is not forecast to fail merely for being back-loaded.
//! - Level: the least-squares straight line through the year's measurements so far (and the
//!   baseline, placed at the start of the year, where one is set), read at the year end. A line
//!   needs two points at different times; with fewer there is no forecast rather than a guess.
//! - Change: the latest change on last year. A change is already a comparison of like periods, and
//!   the counts behind it are not held, so there is nothing sounder to extrapolate from.
//!
//! "On track" is the forecast achieving the annual target ([`super::achieved`]).

use super::calendar::Fraction;
use super::figure::{Figure, div_round, saturate};
use super::model::Unit;

/// `actual ÷ share_of_year`, rounded to the hundredth (the penny, for money). `None` when the
/// share is zero: nothing was due, so the year-to-date says nothing about the year.
pub fn forecast_cumulative(actual: Figure, share_of_year: Fraction) -> Option<Figure> {
    if share_of_year.numerator() == 0 {
        return None;
    }
    Some(saturate(div_round(
        i128::from(actual.hundredths()) * i128::from(share_of_year.denominator()),
        i128::from(share_of_year.numerator()),
    )))
}

/// The least-squares line through `(elapsed fraction of the year, figure)` points, read at the
/// year end (fraction 1) and kept within what the unit allows. `None` unless at least two points
/// lie at different times. Fitting is in `f64`: a forecast is an estimate, and the rounding to the
/// hundredth that follows is far coarser than the float's error.
pub fn forecast_level(points: &[(Fraction, Figure)], unit: Unit) -> Option<Figure> {
    let first = points.first()?.0;
    if points.iter().all(|(x, _)| *x == first) {
        return None;
    }
    let count = points.len() as f64;
    let mean_x = points.iter().map(|(x, _)| x.as_f64()).sum::<f64>() / count;
    let mean_y = points
        .iter()
        .map(|(_, y)| y.hundredths() as f64)
        .sum::<f64>()
        / count;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y) in points {
        let dx = x.as_f64() - mean_x;
        sxy += dx * (y.hundredths() as f64 - mean_y);
        sxx += dx * dx;
    }
    if sxx <= 0.0 {
        return None;
    }
    let at_year_end = mean_y + sxy / sxx * (1.0 - mean_x);
    let rounded = at_year_end.round();
    if !rounded.is_finite() || rounded.abs() >= 9.0e18 {
        return None;
    }
    Some(within_unit(Figure::from_hundredths(rounded as i64), unit))
}

/// A straight line can run past what a level can be: a percentage beyond 0–100%, a negative
/// count, amount, number of days or rate. Clamp rather than forecast the impossible.
fn within_unit(figure: Figure, unit: Unit) -> Figure {
    match unit {
        Unit::Percent => figure.clamp(Figure::ZERO, Figure::whole(100)),
        Unit::Count | Unit::Money | Unit::Days | Unit::Rate => figure.max(Figure::ZERO),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(numerator: i64, denominator: i64) -> Fraction {
        Fraction::new(numerator, denominator).unwrap()
    }

    #[test]
    fn cumulative_divides_by_the_share_of_the_year() {
        assert_eq!(
            forecast_cumulative(Figure::whole(24), at(1, 2)),
            Some(Figure::whole(48))
        );
        assert_eq!(
            forecast_cumulative(Figure::from_pence(210_974_700), at(1, 2)),
            Some(Figure::from_pence(421_949_400))
        );
        // 10 at P6 of 13: 21.666… → 21.67.
        assert_eq!(
            forecast_cumulative(Figure::whole(10), at(6, 13)),
            Some(Figure::from_hundredths(2167))
        );
        assert_eq!(forecast_cumulative(Figure::whole(3), Fraction::ZERO), None);
    }

    #[test]
    fn level_fits_a_line_through_the_baseline_and_the_quarters() {
        // Special constables: 246 at the start of the year, 248 in June, 280 in September.
        let points = [
            (Fraction::ZERO, Figure::whole(246)),
            (at(1, 4), Figure::whole(248)),
            (at(1, 2), Figure::whole(280)),
        ];
        assert_eq!(
            forecast_level(&points, Unit::Count),
            Some(Figure::whole(309))
        );
    }

    #[test]
    fn level_needs_two_times() {
        assert_eq!(forecast_level(&[], Unit::Count), None);
        assert_eq!(
            forecast_level(&[(at(1, 2), Figure::whole(5))], Unit::Count),
            None
        );
        assert_eq!(
            forecast_level(
                &[(at(1, 2), Figure::whole(5)), (at(1, 2), Figure::whole(7))],
                Unit::Count
            ),
            None
        );
    }

    #[test]
    fn level_stays_inside_the_unit() {
        let rising = [(at(1, 4), Figure::whole(90)), (at(1, 2), Figure::whole(98))];
        assert_eq!(
            forecast_level(&rising, Unit::Percent),
            Some(Figure::whole(100))
        );
        let falling = [(at(1, 4), Figure::whole(9)), (at(1, 2), Figure::whole(3))];
        assert_eq!(forecast_level(&falling, Unit::Count), Some(Figure::ZERO));
    }

    proptest! {
        /// The cumulative forecast is linear in the actual, up to one rounding of each term.
        #[test]
        fn cumulative_forecast_is_linear_in_the_actual(
            a in -1_000_000_000i64..1_000_000_000,
            b in -1_000_000_000i64..1_000_000_000,
            k in -50i64..50,
            elapsed in 1i64..=13,
            periods in prop_oneof![Just(4i64), Just(12), Just(13)],
        ) {
            let share = at(elapsed.min(periods), periods);
            let f = |h: i64| forecast_cumulative(Figure::from_hundredths(h), share).unwrap().hundredths();
            prop_assert!((f(a + b) - (f(a) + f(b))).abs() <= 1);
            prop_assert!((f(k * a) - k * f(a)).abs() <= k.abs().max(1));
            // Exact whenever the division is: half a year doubles.
            let half = forecast_cumulative(Figure::from_hundredths(a), at(1, 2)).unwrap();
            prop_assert_eq!(half.hundredths(), 2 * a);
        }
    }
}
