//! The RAG of an indicator's figure against its target, by the rule seed 004 states ("Green:
//! target achieved. Amber: within 10% of target. Red: more than 10% from target.") and DESIGN.md
//! spells out:
//!
//! - Green when the target is achieved: at or above it where higher is better, at or below it
//!   where lower is better.
//! - Amber when it is not, but the shortfall is within the tolerance (10% of |target| unless the
//!   indicator says otherwise); Red beyond.
//! - Where both minimum and stretch targets are set (APACS local indicators), they replace the
//!   tolerance: Green at or beyond stretch, Amber at or beyond minimum, Red short of minimum.
//!   With a minimum alone, Green is the target achieved and Amber at or beyond the minimum; a
//!   stretch alone is aspirational and does not change the RAG.
//!
//! Change measures use the same rule on the change itself. A target of -5% (a 5% reduction on
//! last year) with the default tolerance gives an Amber band of 10% × |-5| = 0.5 percentage
//! points: -4.6% is Amber, -4.3% and +0.1% are Red. We considered reading "within 10% of target"
//! against the crime level the target implies (95% of last year), which would make both seed 004
//! figures Amber; but that band (9.5 points around a 5-point target) would make nearly every
//! change indicator Amber and tell a board nothing. Seed 004's narrative treats -4.3% as a miss
//! ("below the target of -5%") and gives no colour, so the printed target is the plainest reading.
//! A force that reads its key in points sets an absolute tolerance (for example 1 point).
//!
//! Every comparison is exact integer arithmetic on hundredths, so a figure on a boundary lands on
//! the side the rule says.

use crate::rag::Rag;

use super::figure::Figure;
use super::model::{Direction, Tolerance, ToleranceMode};

/// The targets one period is judged against, already profiled for cumulative measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Targets {
    pub target: Figure,
    pub minimum: Option<Figure>,
    pub stretch: Option<Figure>,
}

impl Targets {
    pub fn new(target: Figure) -> Targets {
        Targets {
            target,
            minimum: None,
            stretch: None,
        }
    }
}

/// True when `actual` achieves `target`: at or above it where higher is better, at or below it
/// where lower is better. Also decides "on track" for a forecast.
pub fn achieved(actual: Figure, target: Figure, direction: Direction) -> bool {
    match direction {
        Direction::HigherIsBetter => actual >= target,
        Direction::LowerIsBetter => actual <= target,
    }
}

/// Red, Amber or Green for `actual` against `targets` (never Blue: an indicator is not
/// "complete"). See the module documentation for the rule.
pub fn judge_rag(
    actual: Figure,
    targets: &Targets,
    direction: Direction,
    tolerance: Tolerance,
) -> Rag {
    // Turn "lower is better" into "higher is better" by negating, so one rule serves both and
    // the two directions are symmetric by construction.
    let better = |figure: Figure| -> i128 {
        let wide = i128::from(figure.hundredths());
        match direction {
            Direction::HigherIsBetter => wide,
            Direction::LowerIsBetter => -wide,
        }
    };
    let actual = better(actual);
    if let (Some(minimum), Some(stretch)) = (targets.minimum, targets.stretch) {
        return if actual >= better(stretch) {
            Rag::Green
        } else if actual >= better(minimum) {
            Rag::Amber
        } else {
            Rag::Red
        };
    }
    let target = better(targets.target);
    if actual >= target {
        return Rag::Green;
    }
    if let Some(minimum) = targets.minimum {
        return if actual >= better(minimum) {
            Rag::Amber
        } else {
            Rag::Red
        };
    }
    if within_tolerance(target - actual, targets.target, tolerance) {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// Whether a shortfall (in hundredths, positive) is inside the tolerance. Relative: shortfall ≤
/// |target| × amount%, compared as shortfall × 100 × 100 ≤ |target| × amount in hundredths on both
/// sides, so nothing is divided. A negative tolerance amount counts by its size.
fn within_tolerance(shortfall: i128, target: Figure, tolerance: Tolerance) -> bool {
    let amount = i128::from(tolerance.amount.hundredths()).abs();
    match tolerance.mode {
        ToleranceMode::Relative => {
            shortfall * 10_000 <= i128::from(target.hundredths()).abs() * amount
        }
        ToleranceMode::Absolute => shortfall <= amount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(hundredths: i64) -> Figure {
        Figure::from_hundredths(hundredths)
    }

    #[test]
    fn boundaries_fall_where_the_rule_says() {
        let target = Targets::new(pct(3480));
        let higher = Direction::HigherIsBetter;
        let rule = Tolerance::DEFAULT;
        assert_eq!(judge_rag(pct(3480), &target, higher, rule), Rag::Green);
        assert_eq!(judge_rag(pct(3479), &target, higher, rule), Rag::Amber);
        // 34.8 × 0.9 = 31.32 exactly: the edge of the band is still Amber.
        assert_eq!(judge_rag(pct(3132), &target, higher, rule), Rag::Amber);
        assert_eq!(judge_rag(pct(3131), &target, higher, rule), Rag::Red);
    }

    #[test]
    fn a_change_target_takes_its_band_from_the_change() {
        let reduce_by_5 = Targets::new(pct(-500));
        let lower = Direction::LowerIsBetter;
        let rule = Tolerance::DEFAULT;
        assert_eq!(judge_rag(pct(-520), &reduce_by_5, lower, rule), Rag::Green);
        assert_eq!(judge_rag(pct(-450), &reduce_by_5, lower, rule), Rag::Amber);
        assert_eq!(judge_rag(pct(-430), &reduce_by_5, lower, rule), Rag::Red);
        assert_eq!(judge_rag(pct(10), &reduce_by_5, lower, rule), Rag::Red);
        let one_point = Tolerance::absolute(pct(100));
        assert_eq!(
            judge_rag(pct(-430), &reduce_by_5, lower, one_point),
            Rag::Amber
        );
    }

    #[test]
    fn a_minimum_alone_sets_the_amber_band() {
        let targets = Targets {
            target: Figure::whole(300),
            minimum: Some(Figure::whole(273)),
            stretch: None,
        };
        let higher = Direction::HigherIsBetter;
        let rule = Tolerance::DEFAULT;
        assert_eq!(
            judge_rag(Figure::whole(300), &targets, higher, rule),
            Rag::Green
        );
        assert_eq!(
            judge_rag(Figure::whole(273), &targets, higher, rule),
            Rag::Amber
        );
        // Within 10% of 300, but short of the minimum: the minimum wins.
        assert_eq!(
            judge_rag(Figure::whole(272), &targets, higher, rule),
            Rag::Red
        );
    }

    #[test]
    fn a_zero_target_has_no_relative_band() {
        let no_increase = Targets::new(Figure::ZERO);
        let lower = Direction::LowerIsBetter;
        assert_eq!(
            judge_rag(pct(1), &no_increase, lower, Tolerance::DEFAULT),
            Rag::Red
        );
        assert_eq!(
            judge_rag(Figure::ZERO, &no_increase, lower, Tolerance::DEFAULT),
            Rag::Green
        );
    }

    fn any_direction() -> impl Strategy<Value = Direction> {
        prop_oneof![
            Just(Direction::HigherIsBetter),
            Just(Direction::LowerIsBetter)
        ]
    }

    fn any_tolerance() -> impl Strategy<Value = Tolerance> {
        prop_oneof![
            (0i64..5_000).prop_map(|h| Tolerance::relative(pct(h))),
            (0i64..100_000).prop_map(|h| Tolerance::absolute(pct(h))),
        ]
    }

    fn any_targets() -> impl Strategy<Value = Targets> {
        let figure = -1_000_000i64..1_000_000;
        (
            figure.clone(),
            proptest::option::of(figure.clone()),
            proptest::option::of(figure),
        )
            .prop_map(|(target, minimum, stretch)| Targets {
                target: pct(target),
                minimum: minimum.map(pct),
                stretch: stretch.map(pct),
            })
    }

    fn negated(targets: Targets) -> Targets {
        Targets {
            target: -targets.target,
            minimum: targets.minimum.map(|m| -m),
            stretch: targets.stretch.map(|s| -s),
        }
    }

    proptest! {
        /// Moving the actual towards (or past) the target never makes the RAG worse.
        #[test]
        fn better_figures_never_get_a_worse_rag(
            targets in any_targets(),
            direction in any_direction(),
            tolerance in any_tolerance(),
            a in -2_000_000i64..2_000_000,
            b in -2_000_000i64..2_000_000,
        ) {
            let (worse, better) = match direction {
                Direction::HigherIsBetter => (a.min(b), a.max(b)),
                Direction::LowerIsBetter => (a.max(b), a.min(b)),
            };
            let rag_worse = judge_rag(pct(worse), &targets, direction, tolerance);
            let rag_better = judge_rag(pct(better), &targets, direction, tolerance);
            prop_assert!(rag_better.severity() >= rag_worse.severity());
        }

        /// Flipping the direction and negating every figure gives the same RAG.
        #[test]
        fn rag_is_symmetric_under_direction_flip(
            targets in any_targets(),
            direction in any_direction(),
            tolerance in any_tolerance(),
            actual in -2_000_000i64..2_000_000,
        ) {
            prop_assert_eq!(
                judge_rag(pct(actual), &targets, direction, tolerance),
                judge_rag(-pct(actual), &negated(targets), direction.flipped(), tolerance)
            );
        }

        /// The RAG is always Red, Amber or Green, and Green exactly when achieved (without a
        /// minimum-and-stretch pair, which judges by the stretch instead).
        #[test]
        fn green_means_achieved(
            target in -1_000_000i64..1_000_000,
            direction in any_direction(),
            tolerance in any_tolerance(),
            actual in -2_000_000i64..2_000_000,
        ) {
            let rag = judge_rag(pct(actual), &Targets::new(pct(target)), direction, tolerance);
            prop_assert_ne!(rag, Rag::Blue);
            prop_assert_eq!(rag == Rag::Green, achieved(pct(actual), pct(target), direction));
        }
    }
}
