//! The indicator model: what is measured, in which unit and direction, against which targets and
//! tolerance, on which calendar, with the words its sentences are built from; and the measurements
//! recorded against it period by period.

use std::fmt;

use crate::ids::{ItemId, PostId};

use super::calendar::{Calendar, Fraction, Period};
use super::figure::{Figure, div_round, saturate};
use super::format::{Role, format_figure, format_signed};
use super::rag::Targets;
use super::year_to_date::YearToDateRule;

/// An indicator's identity in the store. Defined here rather than in `ids` because only the
/// indicator rules and their callers use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndicatorId(pub i64);

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What an indicator's figures count. Every figure is held in hundredths of this unit (see
/// [`Figure`]); for money that is integer pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A percentage, such as an arrest rate of 85.3%, or a change of -4.3% on last year.
    Percent,
    /// A number of things: special constables, organised crime groups disrupted.
    Count,
    /// Pounds, held as pence.
    Money,
    Days,
    /// A rate that is not a percentage, such as crimes per 1,000 population. What it is per
    /// belongs in the wording.
    Rate,
}

impl Unit {
    pub const ALL: [Unit; 5] = [
        Unit::Percent,
        Unit::Count,
        Unit::Money,
        Unit::Days,
        Unit::Rate,
    ];

    pub fn parse(word: &str) -> Option<Unit> {
        match word.trim().to_ascii_lowercase().as_str() {
            "percent" | "percentage" | "%" | "per cent" => Some(Unit::Percent),
            "count" | "number" | "no." => Some(Unit::Count),
            "money" | "£" | "gbp" | "pounds" => Some(Unit::Money),
            "days" | "day" => Some(Unit::Days),
            "rate" => Some(Unit::Rate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Money => "money",
            Unit::Days => "days",
            Unit::Rate => "rate",
        }
    }
}

/// Which way is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub fn parse(word: &str) -> Option<Direction> {
        match word.trim().to_ascii_lowercase().as_str() {
            "higher is better" | "higher" | "up" | "increase" => Some(Direction::HigherIsBetter),
            "lower is better" | "lower" | "down" | "reduce" | "decrease" => {
                Some(Direction::LowerIsBetter)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
        }
    }

    pub fn flipped(self) -> Direction {
        match self {
            Direction::HigherIsBetter => Direction::LowerIsBetter,
            Direction::LowerIsBetter => Direction::HigherIsBetter,
        }
    }
}

/// What a period's figure means, which decides how it is judged and forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeasureType {
    /// A level at the end of the period: the number of special constables, a detection rate.
    /// Judged against the annual target as it stands.
    Level,
    /// A year-to-date total: organised crime groups disrupted, £ of confiscation orders. Judged
    /// against the target profiled to the period.
    Cumulative,
    /// A change against the same period last year, such as "-5% serious acquisitive crime".
    /// The figure is the change itself (+0.1 for a 0.1% rise); the target is the change sought.
    Change,
}

impl MeasureType {
    pub fn parse(word: &str) -> Option<MeasureType> {
        match word.trim().to_ascii_lowercase().as_str() {
            "level" => Some(MeasureType::Level),
            "cumulative" | "year to date" | "year-to-date" | "ytd" => Some(MeasureType::Cumulative),
            "change" | "change on last year" => Some(MeasureType::Change),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureType::Level => "level",
            MeasureType::Cumulative => "cumulative",
            MeasureType::Change => "change",
        }
    }
}

impl fmt::Display for MeasureType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far short of target still counts as Amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToleranceMode {
    /// `amount` is a percentage of |target|: seed 004's "within 10% of target".
    Relative,
    /// `amount` is in the indicator's unit: percentage points for a percentage, pence for money.
    Absolute,
}

/// The Amber band. The default is seed 004's stated rule, 10% of |target|.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tolerance {
    pub mode: ToleranceMode,
    pub amount: Figure,
}

impl Tolerance {
    pub const DEFAULT: Tolerance = Tolerance {
        mode: ToleranceMode::Relative,
        amount: Figure::whole(10),
    };

    /// Within `percent`% of |target|.
    pub fn relative(percent: Figure) -> Tolerance {
        Tolerance {
            mode: ToleranceMode::Relative,
            amount: percent,
        }
    }

    /// Within `amount` of the target, in the indicator's unit.
    pub fn absolute(amount: Figure) -> Tolerance {
        Tolerance {
            mode: ToleranceMode::Absolute,
            amount,
        }
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::DEFAULT
    }
}

/// How much of a cumulative indicator's annual target is due by the end of each period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// In proportion to the periods elapsed: half by the end of Q2.
    #[default]
    Linear,
    /// The cumulative percentage of the annual target due by the end of each period of the
    /// indicator's calendar, in order: `[20%, 45%, 70%, 100%]` for a quarterly indicator that
    /// expects most results late in the year. A period of another calendar (a month of a
    /// quarterly indicator) reads the profile by straight-line interpolation between the points.
    Cumulative(Vec<Figure>),
}

/// The words sentences are built from. Sentences are generated from the data alone, so the only
/// words an indicator supplies are these noun phrases.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Wording {
    /// What is measured, as a noun phrase in lower case that can start a sentence once
    /// capitalised and takes "is" / "has": "overall satisfaction with the service provided",
    /// "the level of serious acquisitive crime", "the value of confiscation orders", "the number
    /// of special constables". Keep acronyms in capitals; only the first letter is changed.
    pub subject: String,
    /// True when the subject takes "are" / "have": "cashable efficiency savings have reached
    /// 3.3%". Most subjects are singular ("the number of …", "the level of …").
    pub plural: bool,
    /// For a cumulative count, the things counted, so that the sentence can lead with the number:
    /// "24 organised crime groups have been disrupted". Ignored for other measures and units.
    pub counted: Option<Counted>,
}

/// The things a cumulative count counts, and what has been done to them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Counted {
    /// "organised crime group", used when the count is exactly 1.
    pub singular: String,
    /// "organised crime groups".
    pub plural: String,
    /// What follows "have been" / "has been": "disrupted", "through CLDP Level 2".
    pub predicate: String,
}

impl Wording {
    /// A singular subject: "the level of serious acquisitive crime".
    pub fn new(subject: impl Into<String>) -> Wording {
        Wording {
            subject: subject.into(),
            plural: false,
            counted: None,
        }
    }

    /// A plural subject: "cashable efficiency savings".
    pub fn plural(subject: impl Into<String>) -> Wording {
        Wording {
            plural: true,
            ..Wording::new(subject)
        }
    }

    /// A subject plus the counted noun: `Wording::counting("the number of organised crime
    /// groups disrupted", "organised crime group", "organised crime groups", "disrupted")`.
    pub fn counting(
        subject: impl Into<String>,
        singular: impl Into<String>,
        plural: impl Into<String>,
        predicate: impl Into<String>,
    ) -> Wording {
        Wording {
            subject: subject.into(),
            plural: false,
            counted: Some(Counted {
                singular: singular.into(),
                plural: plural.into(),
                predicate: predicate.into(),
            }),
        }
    }
}

/// A performance indicator (KPI) and its settings. All figures are in `unit`.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: IndicatorId,
    /// As the plan words it: "Increase satisfaction with the overall service provided".
    pub title: String,
    pub wording: Wording,
    /// The objective item the indicator serves.
    pub objective: Option<ItemId>,
    /// The post answerable for it.
    pub owner: Option<PostId>,
    pub unit: Unit,
    pub direction: Direction,
    pub measure: MeasureType,
    pub calendar: Calendar,
    /// `None` is the "no target" state: a diagnostic indicator, measured but never given a RAG.
    pub annual_target: Option<Figure>,
    /// The level at the start of the year. Level forecasts fit their line through it.
    pub baseline: Option<Figure>,
    /// APACS-style minimum and stretch targets. With both set they replace the tolerance rule.
    pub minimum: Option<Figure>,
    pub stretch: Option<Figure>,
    /// Used by cumulative measures only.
    pub profile: Profile,
    pub tolerance: Tolerance,
    /// How its year to date is worked out, where the table it came from states a rule (in its
    /// notes, or by a year-to-date column); `None` is the rule by measure type and unit.
    pub year_to_date: Option<YearToDateRule>,
}

/// One period's figure, or the "not yet available" state (seed 004's NYA: a survey not yet run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actual {
    Measured(Figure),
    NotYetAvailable,
}

impl Actual {
    pub fn figure(self) -> Option<Figure> {
        match self {
            Actual::Measured(figure) => Some(figure),
            Actual::NotYetAvailable => None,
        }
    }
}

/// What was recorded for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Measurement {
    pub period: Period,
    pub actual: Actual,
    /// The figure for the same period last year, where the source gives it. When absent, the
    /// evaluation looks for last year's own measurement instead.
    pub same_period_last_year: Option<Figure>,
}

impl Measurement {
    pub fn new(period: Period, actual: Figure) -> Measurement {
        Measurement {
            period,
            actual: Actual::Measured(actual),
            same_period_last_year: None,
        }
    }

    pub fn not_yet_available(period: Period) -> Measurement {
        Measurement {
            period,
            actual: Actual::NotYetAvailable,
            same_period_last_year: None,
        }
    }

    pub fn with_last_year(self, figure: Figure) -> Measurement {
        Measurement {
            same_period_last_year: Some(figure),
            ..self
        }
    }
}

/// Why an indicator has no RAG for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorState {
    /// No figure for the period yet.
    NotYetAvailable,
    /// No target is set: a diagnostic indicator.
    NoTarget,
}

impl IndicatorState {
    /// The words for a RAG column: seed 004 prints "NYA" and "N/A".
    pub fn label(self) -> &'static str {
        match self {
            IndicatorState::NotYetAvailable => "Not yet available",
            IndicatorState::NoTarget => "No target",
        }
    }
}

/// Settings that contradict each other. Reported as a list so that an editor can show them all;
/// evaluation still runs, falling back as each variant says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorProblem {
    #[error(
        "the profile has {found} figures but a {calendar} indicator has {expected} periods; \
         the target is pro-rata until it is corrected"
    )]
    ProfileLength {
        calendar: Calendar,
        expected: u8,
        found: usize,
    },
    #[error("the profile must rise from 0% to 100% and never fall; it reads {0}%")]
    ProfileNotCumulative(String),
    #[error("the profile must reach 100% by the last period")]
    ProfileShortOfYear,
    #[error("only cumulative indicators are profiled; this {0} indicator's profile is ignored")]
    ProfileOnNonCumulative(MeasureType),
    #[error("the minimum target is beyond the stretch target")]
    MinimumBeyondStretch,
    #[error("the tolerance is negative; its size is used")]
    NegativeTolerance,
}

impl Indicator {
    /// An indicator with no targets, no baseline, a linear profile and the default tolerance.
    pub fn new(
        id: IndicatorId,
        title: impl Into<String>,
        wording: Wording,
        unit: Unit,
        direction: Direction,
        measure: MeasureType,
        calendar: Calendar,
    ) -> Indicator {
        Indicator {
            id,
            title: title.into(),
            wording,
            objective: None,
            owner: None,
            unit,
            direction,
            measure,
            calendar,
            annual_target: None,
            baseline: None,
            minimum: None,
            stretch: None,
            profile: Profile::Linear,
            tolerance: Tolerance::DEFAULT,
            year_to_date: None,
        }
    }

    /// The share of the annual target due by the end of `period`. One for levels and changes,
    /// which are judged against the annual target itself; for a cumulative measure, the elapsed
    /// fraction of the year (linear) or the profile's figure for the period.
    pub fn share_of_year(&self, period: Period) -> Fraction {
        if self.measure != MeasureType::Cumulative {
            return Fraction::ONE;
        }
        match &self.profile {
            Profile::Cumulative(points)
                if points.len() == usize::from(self.calendar.periods_per_year()) =>
            {
                profile_share(points, period.elapsed_fraction())
                    .unwrap_or_else(|| period.elapsed_fraction())
            }
            _ => period.elapsed_fraction(),
        }
    }

    /// The target to judge `period` against: the annual target, profiled for a cumulative
    /// measure and rounded to the hundredth, so that the figure shown is the figure judged.
    pub fn target_for_period(&self, period: Period) -> Option<Figure> {
        self.annual_target
            .map(|target| scale(target, self.share_of_year(period)))
    }

    /// Target, minimum and stretch for `period`, profiled alike; `None` with no annual target.
    pub fn targets_for_period(&self, period: Period) -> Option<Targets> {
        let share = self.share_of_year(period);
        self.annual_target.map(|target| Targets {
            target: scale(target, share),
            minimum: self.minimum.map(|minimum| scale(minimum, share)),
            stretch: self.stretch.map(|stretch| scale(stretch, share)),
        })
    }

    /// A figure as this indicator's tables print it: signed for a change ("+0.1%", "-5%"),
    /// otherwise as [`format_figure`].
    pub fn format(&self, value: Figure, role: Role) -> String {
        match self.measure {
            MeasureType::Change => format_signed(value, self.unit, role),
            MeasureType::Level | MeasureType::Cumulative => format_figure(value, self.unit, role),
        }
    }

    /// Every contradiction in the settings.
    pub fn problems(&self) -> Vec<IndicatorProblem> {
        let mut problems = Vec::new();
        if let Profile::Cumulative(points) = &self.profile {
            if self.measure != MeasureType::Cumulative {
                problems.push(IndicatorProblem::ProfileOnNonCumulative(self.measure));
            }
            let expected = self.calendar.periods_per_year();
            if points.len() != usize::from(expected) {
                problems.push(IndicatorProblem::ProfileLength {
                    calendar: self.calendar,
                    expected,
                    found: points.len(),
                });
            }
            let hundred = Figure::whole(100);
            let rising = points.windows(2).all(|pair| pair[0] <= pair[1]);
            let in_range = points.iter().all(|p| *p >= Figure::ZERO && *p <= hundred);
            if !rising || !in_range {
                let written: Vec<String> = points.iter().map(ToString::to_string).collect();
                problems.push(IndicatorProblem::ProfileNotCumulative(written.join("%, ")));
            }
            if points.last().is_some_and(|last| *last != hundred) {
                problems.push(IndicatorProblem::ProfileShortOfYear);
            }
        }
        if let (Some(minimum), Some(stretch)) = (self.minimum, self.stretch) {
            let beyond = match self.direction {
                Direction::HigherIsBetter => minimum > stretch,
                Direction::LowerIsBetter => minimum < stretch,
            };
            if beyond {
                problems.push(IndicatorProblem::MinimumBeyondStretch);
            }
        }
        if self.tolerance.amount < Figure::ZERO {
            problems.push(IndicatorProblem::NegativeTolerance);
        }
        problems
    }
}

/// `figure × share`, rounded to the hundredth.
pub(crate) fn scale(figure: Figure, share: Fraction) -> Figure {
    saturate(div_round(
        i128::from(figure.hundredths()) * i128::from(share.numerator()),
        i128::from(share.denominator()),
    ))
}

/// The profile's share of the year at `elapsed`, interpolating in a straight line between the
/// cumulative percentages at the ends of the calendar's periods (0% at the start of the year).
/// Exact: with `elapsed` = a/b and n periods, the point lies `a·n/b` periods in.
fn profile_share(points: &[Figure], elapsed: Fraction) -> Option<Fraction> {
    let periods = i64::try_from(points.len()).ok()?;
    let (a, b) = (elapsed.numerator(), elapsed.denominator());
    let position = a.checked_mul(periods)?;
    let whole = usize::try_from(position / b).ok()?;
    let part = position % b;
    let at = |index: usize| -> i64 {
        match index {
            0 => 0,
            i => points.get(i - 1).map_or(10_000, |p| p.hundredths()),
        }
    };
    let (from, to) = (at(whole), at((whole + 1).min(points.len())));
    // Share = (from + (to - from)·part/b) / 100%, where 100% is 10,000 hundredths.
    let numerator = from
        .checked_mul(b)?
        .checked_add((to - from).checked_mul(part)?)?;
    Fraction::new(numerator.max(0), b.checked_mul(10_000)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;
    use crate::indicator::calendar::FinancialYear;

    fn quarterly_cumulative(profile: Profile) -> Indicator {
        Indicator {
            annual_target: Some(Figure::whole(40)),
            profile,
            ..Indicator::new(
                IndicatorId(1),
                "Disrupt organised crime groups",
                Wording::new("the number of organised crime groups disrupted"),
                Unit::Count,
                Direction::HigherIsBetter,
                MeasureType::Cumulative,
                Calendar::Quarterly,
            )
        }
    }

    #[test]
    fn linear_profile_is_the_elapsed_fraction() {
        let indicator = quarterly_cumulative(Profile::Linear);
        let year = FinancialYear::starting(2008).unwrap();
        let q2 = Period::quarter(year, 2).unwrap();
        assert_eq!(indicator.share_of_year(q2), Fraction::new(1, 2).unwrap());
        assert_eq!(indicator.target_for_period(q2), Some(Figure::whole(20)));
        let p6 = Period::four_week(year, 6).unwrap();
        // 40 × 6/13 = 18.4615…, shown and judged as 18.46.
        assert_eq!(
            indicator.target_for_period(p6),
            Some(Figure::from_hundredths(1846))
        );
    }

    #[test]
    fn an_explicit_profile_sets_the_share_and_months_interpolate() {
        let profile = Profile::Cumulative(vec![
            Figure::whole(20),
            Figure::whole(45),
            Figure::whole(70),
            Figure::whole(100),
        ]);
        let indicator = quarterly_cumulative(profile);
        assert!(indicator.problems().is_empty());
        let year = FinancialYear::starting(2008).unwrap();
        let q2 = Period::quarter(year, 2).unwrap();
        assert_eq!(indicator.target_for_period(q2), Some(Figure::whole(18)));
        // August is two thirds of the way from Q1 (20%) to Q2 (45%): 36.67% of 40 = 14.67.
        let august = Period::month(2008, 8).unwrap();
        assert_eq!(
            indicator.target_for_period(august),
            Some(Figure::from_hundredths(1467))
        );
        assert_eq!(
            indicator.target_for_period(Period::whole_year(year)),
            Some(Figure::whole(40))
        );
    }

    #[test]
    fn a_profile_of_the_wrong_length_is_reported_and_ignored() {
        let indicator = quarterly_cumulative(Profile::Cumulative(vec![
            Figure::whole(60),
            Figure::whole(50),
        ]));
        let problems = indicator.problems();
        assert!(problems.contains(&IndicatorProblem::ProfileLength {
            calendar: Calendar::Quarterly,
            expected: 4,
            found: 2
        }));
        assert!(matches!(
            problems[1],
            IndicatorProblem::ProfileNotCumulative(_)
        ));
        assert!(problems.contains(&IndicatorProblem::ProfileShortOfYear));
        let q2 = Period::quarter(FinancialYear::starting(2008).unwrap(), 2).unwrap();
        assert_eq!(indicator.target_for_period(q2), Some(Figure::whole(20)));
    }

    #[test]
    fn levels_and_changes_are_judged_against_the_annual_target() {
        let mut indicator = quarterly_cumulative(Profile::Linear);
        indicator.measure = MeasureType::Level;
        let q2 = Period::quarter(FinancialYear::starting(2008).unwrap(), 2).unwrap();
        assert_eq!(indicator.target_for_period(q2), Some(Figure::whole(40)));
    }

    #[test]
    fn minimum_beyond_stretch_is_a_problem() {
        let mut indicator = quarterly_cumulative(Profile::Linear);
        indicator.minimum = Some(Figure::whole(45));
        indicator.stretch = Some(Figure::whole(40));
        assert_eq!(
            indicator.problems(),
            vec![IndicatorProblem::MinimumBeyondStretch]
        );
    }
}
