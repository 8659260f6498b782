//! The plain-English sentence a report prints for an indicator, generated from the data alone in
//! the style of seed 004's executive summary:
//!
//! - "Overall satisfaction with the service provided has reached 80.1%, which exceeds the target
//!   of 80%."
//! - "The level of serious acquisitive crime has risen by 0.1% against a reduction target of 5%."
//! - "24 organised crime groups have been disrupted by the end of September; at this rate the
//!   target of 35 will be met by March."
//!
//! A headline sentence says where the figure stands against the target, in words that suit the
//! direction (exceeds / is within / is below / is above), the measure (a level "is", a year-to-date
//! total "has reached … by the end of September", a change "has risen by" / "has fallen by") and
//! the unit (see [`super::format`]). Unfinished years add the forecast where it adds something.
//! A second sentence, only when the data exist, compares with the previous period and the same
//! point last year. The only words an indicator supplies are its [`Wording`](super::Wording).
//!
//! "By March" is always right: every reporting calendar ends on 31 March.

use std::cmp::Ordering;

use super::calendar::Fraction;
use super::evaluate::Evaluation;
use super::figure::Figure;
use super::format::{Role, format_figure};
use super::model::{Direction, Indicator, MeasureType, Unit};
use super::rag::achieved;

/// The sentence for `evaluation` (its own `sentence` field is not read).
pub fn describe(indicator: &Indicator, evaluation: &Evaluation) -> String {
    let words = Words {
        indicator,
        evaluation,
    };
    let headline = words.headline();
    match words.comparison() {
        Some(comparison) => format!("{headline} {comparison}"),
        None => headline,
    }
}

/// Where a figure stands against a target, with direction already taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Beats,
    Meets,
    Misses,
}

fn standing(actual: Figure, target: Figure, direction: Direction) -> Standing {
    match (actual.cmp(&target), direction) {
        (Ordering::Equal, _) => Standing::Meets,
        (Ordering::Greater, Direction::HigherIsBetter)
        | (Ordering::Less, Direction::LowerIsBetter) => Standing::Beats,
        _ => Standing::Misses,
    }
}

struct Words<'a> {
    indicator: &'a Indicator,
    evaluation: &'a Evaluation,
}

impl Words<'_> {
    fn measured(&self, figure: Figure) -> String {
        format_figure(figure, self.indicator.unit, Role::Measured)
    }

    fn target(&self, figure: Figure) -> String {
        format_figure(figure, self.indicator.unit, Role::Target)
    }

    fn forecast(&self, figure: Figure) -> String {
        format_figure(figure, self.indicator.unit, Role::Forecast)
    }

    fn subject(&self) -> String {
        capitalise(&self.indicator.wording.subject)
    }

    /// "is" or "are", agreeing with the subject.
    fn is(&self) -> &'static str {
        if self.indicator.wording.plural {
            "are"
        } else {
            "is"
        }
    }

    /// "has" or "have", agreeing with the subject.
    fn has(&self) -> &'static str {
        if self.indicator.wording.plural {
            "have"
        } else {
            "has"
        }
    }

    /// "has reached" for a level that has not fallen since the previous period; plain "is" for
    /// one that has, because "reached" would suggest a rise the next sentence contradicts.
    fn level_verb(&self, actual: Figure) -> String {
        match self.evaluation.previous {
            Some(previous) if actual < previous.figure => self.is().to_string(),
            _ => format!("{} reached", self.has()),
        }
    }

    fn higher_is_better(&self) -> bool {
        self.indicator.direction == Direction::HigherIsBetter
    }

    /// "below" where higher is better, "above" where lower is better: the side a miss is on.
    fn wrong_side(&self) -> &'static str {
        if self.higher_is_better() {
            "below"
        } else {
            "above"
        }
    }

    fn year_is_over(&self) -> bool {
        self.evaluation.period.elapsed_fraction() == Fraction::ONE
    }

    fn headline(&self) -> String {
        let evaluation = self.evaluation;
        let Some(actual) = evaluation.actual else {
            let no_target = if evaluation.annual_target.is_none() {
                "; no target is set"
            } else {
                ""
            };
            return format!(
                "{} {} not yet available for {}{no_target}.",
                self.subject(),
                self.is(),
                evaluation.period
            );
        };
        match self.indicator.measure {
            MeasureType::Level => self.level(actual),
            MeasureType::Cumulative => self.cumulative(actual),
            MeasureType::Change => self.change(actual),
        }
    }

    fn level(&self, actual: Figure) -> String {
        let subject = self.subject();
        let shown = self.measured(actual);
        let is = self.is();
        let Some(target) = self.evaluation.annual_target else {
            return format!("{subject} {is} {shown}; no target is set.");
        };
        let target_shown = self.target(target);
        let direction = self.indicator.direction;
        match (standing(actual, target, direction), direction) {
            (Standing::Beats, Direction::HigherIsBetter) => format!(
                "{subject} {} {shown}, which exceeds the target of {target_shown}{}.",
                self.level_verb(actual),
                self.short_of_stretch(actual)
            ),
            (Standing::Meets, Direction::HigherIsBetter) => format!(
                "{subject} {} {shown}, which meets the target of {target_shown}{}.",
                self.level_verb(actual),
                self.short_of_stretch(actual)
            ),
            (Standing::Beats, Direction::LowerIsBetter) => format!(
                "{subject} {is} {shown}, which is within the target of {target_shown}{}.",
                self.short_of_stretch(actual)
            ),
            (Standing::Meets, Direction::LowerIsBetter) => format!(
                "{subject} {is} {shown}, which meets the target of {target_shown}{}.",
                self.short_of_stretch(actual)
            ),
            (Standing::Misses, _) => format!(
                "{subject} {is} {shown}, which is {} the target of {target_shown}{}{}.",
                self.wrong_side(),
                self.against_minimum(actual),
                self.level_outlook(),
            ),
        }
    }

    /// " but not the stretch target of 320": said where the target is met but a stretch target
    /// beyond it is not, because the RAG then judges by the stretch.
    fn short_of_stretch(&self, actual: Figure) -> String {
        match self.indicator.stretch {
            Some(stretch) if !achieved(actual, stretch, self.indicator.direction) => {
                format!(" but not the stretch target of {}", self.target(stretch))
            }
            _ => String::new(),
        }
    }

    /// " but meets the minimum target of 273" or " and short of the minimum target of 273": said
    /// on a miss wherever a minimum is set, because the minimum then decides Amber or Red.
    fn against_minimum(&self, actual: Figure) -> String {
        match self.indicator.minimum {
            Some(minimum) if achieved(actual, minimum, self.indicator.direction) => {
                format!(" but meets the minimum target of {}", self.target(minimum))
            }
            Some(minimum) => format!(
                " and short of the minimum target of {}",
                self.target(minimum)
            ),
            None => String::new(),
        }
    }

    /// "; at this rate the target will be met by March", for a level short of target mid-year.
    fn level_outlook(&self) -> String {
        if self.year_is_over() {
            return String::new();
        }
        match (self.evaluation.forecast, self.evaluation.on_track) {
            (Some(_), Some(true)) => "; at this rate the target will be met by March".to_string(),
            (Some(forecast), Some(false)) => format!(
                "; at this rate it will be {} by March, still {} the target",
                self.forecast(forecast),
                self.wrong_side()
            ),
            _ => String::new(),
        }
    }

    fn cumulative(&self, actual: Figure) -> String {
        let shown = self.measured(actual);
        let by = format!("by the end of {}", self.evaluation.period.end_name());
        let lead = match (&self.indicator.wording.counted, self.indicator.unit) {
            (Some(counted), Unit::Count) => {
                let (noun, verb) = if actual == Figure::whole(1) {
                    (&counted.singular, "has")
                } else {
                    (&counted.plural, "have")
                };
                format!("{shown} {noun} {verb} been {} {by}", counted.predicate)
            }
            _ => format!("{} {} reached {shown} {by}", self.subject(), self.has()),
        };
        let Some(target) = self.evaluation.annual_target else {
            return format!("{lead}; no target is set.");
        };
        let target_shown = self.target(target);
        let direction = self.indicator.direction;
        if self.year_is_over() {
            return match (standing(actual, target, direction), direction) {
                (Standing::Beats, Direction::HigherIsBetter) => {
                    format!("{lead}, which exceeds the target of {target_shown}.")
                }
                (Standing::Beats, Direction::LowerIsBetter) => {
                    format!("{lead}, which is within the target of {target_shown}.")
                }
                (Standing::Meets, _) => {
                    format!("{lead}, which meets the target of {target_shown}.")
                }
                (Standing::Misses, Direction::HigherIsBetter) => {
                    format!("{lead}, short of the target of {target_shown}.")
                }
                (Standing::Misses, Direction::LowerIsBetter) => {
                    format!("{lead}, above the target of {target_shown}.")
                }
            };
        }
        // Part way through the year: a higher-is-better total can already have met the year's
        // target, and a lower-is-better one can already have broken its ceiling.
        match direction {
            Direction::HigherIsBetter if achieved(actual, target, direction) => {
                return format!(
                    "{lead}; the target of {target_shown} for the year has already been met."
                );
            }
            Direction::LowerIsBetter if !achieved(actual, target, direction) => {
                return format!(
                    "{lead}; this is already above the target of {target_shown} for the year."
                );
            }
            _ => {}
        }
        match (
            self.evaluation.forecast,
            self.evaluation.on_track,
            direction,
        ) {
            (Some(_), Some(true), Direction::HigherIsBetter) => {
                format!("{lead}; at this rate the target of {target_shown} will be met by March.")
            }
            (Some(_), Some(true), Direction::LowerIsBetter) => format!(
                "{lead}; at this rate the year will end within the target of {target_shown}."
            ),
            (Some(forecast), Some(false), Direction::HigherIsBetter) => format!(
                "{lead}; at this rate {} will be reached by March, short of the target of \
                 {target_shown}.",
                self.forecast(forecast)
            ),
            (Some(forecast), Some(false), Direction::LowerIsBetter) => format!(
                "{lead}; at this rate {} will be reached by March, above the target of \
                 {target_shown}.",
                self.forecast(forecast)
            ),
            _ => format!("{lead}, against a target of {target_shown} for the year."),
        }
    }

    /// "risen by 0.1%", "fallen by 4.3%", "not changed".
    fn movement(&self, change: Figure) -> String {
        match change.cmp(&Figure::ZERO) {
            Ordering::Greater => format!("risen by {}", self.measured(change)),
            Ordering::Less => format!("fallen by {}", self.measured(change.abs())),
            Ordering::Equal => "not changed".to_string(),
        }
    }

    /// "a rise of 0.7%", "a fall of 2.0%", "no change".
    fn change_noun(&self, change: Figure) -> String {
        match change.cmp(&Figure::ZERO) {
            Ordering::Greater => format!("a rise of {}", self.measured(change)),
            Ordering::Less => format!("a fall of {}", self.measured(change.abs())),
            Ordering::Equal => "no change".to_string(),
        }
    }

    /// The target of a change, and whether it is a limit rather than an aim: a reduction target
    /// for a figure that should fall, an increase target for one that should rise, and otherwise
    /// a limit ("a rise of no more than 2%"), which a result is within rather than exceeds.
    fn change_target(&self, target: Figure) -> (String, bool) {
        let size = self.target(target.abs());
        match (self.indicator.direction, target.cmp(&Figure::ZERO)) {
            (Direction::LowerIsBetter, Ordering::Less) => {
                (format!("reduction target of {size}"), false)
            }
            (Direction::LowerIsBetter, Ordering::Equal) => ("target of no increase".into(), true),
            (Direction::LowerIsBetter, Ordering::Greater) => {
                (format!("target of a rise of no more than {size}"), true)
            }
            (Direction::HigherIsBetter, Ordering::Greater) => {
                (format!("increase target of {size}"), false)
            }
            (Direction::HigherIsBetter, Ordering::Equal) => ("target of no reduction".into(), true),
            (Direction::HigherIsBetter, Ordering::Less) => {
                (format!("target of a fall of no more than {size}"), true)
            }
        }
    }

    fn change(&self, actual: Figure) -> String {
        let lead = format!(
            "{} {} {}",
            self.subject(),
            self.has(),
            self.movement(actual)
        );
        let Some(target) = self.evaluation.annual_target else {
            return format!("{lead}; no target is set.");
        };
        let (goal, is_limit) = self.change_target(target);
        match standing(actual, target, self.indicator.direction) {
            Standing::Beats if is_limit => format!("{lead}, which is within the {goal}."),
            Standing::Beats => format!("{lead}, which exceeds the {goal}."),
            Standing::Meets => format!("{lead}, which meets the {goal}."),
            Standing::Misses => format!("{lead} against {} {goal}.", article(&goal)),
        }
    }

    /// "This is up from 79.1% at the end of June and from 77.1% at the same point last year."
    /// For a change: "This is better than a rise of 0.7% at the end of June."
    fn comparison(&self) -> Option<String> {
        let evaluation = self.evaluation;
        let actual = evaluation.actual?;
        let mut earlier: Vec<(Figure, String)> = Vec::new();
        if let Some(previous) = evaluation.previous {
            earlier.push((
                previous.figure,
                format!("at the end of {}", previous.period.end_name()),
            ));
        }
        if let Some(last_year) = evaluation.same_period_last_year {
            earlier.push((last_year, "at the same point last year".to_string()));
        }
        let clauses: Vec<(&str, String)> = earlier
            .into_iter()
            .map(|(figure, when)| match self.indicator.measure {
                MeasureType::Change => {
                    let quality = match standing(actual, figure, self.indicator.direction) {
                        Standing::Beats => "better than",
                        Standing::Meets => "the same as",
                        Standing::Misses => "worse than",
                    };
                    (quality, format!("{} {when}", self.change_noun(figure)))
                }
                MeasureType::Level | MeasureType::Cumulative => {
                    let movement = match actual.cmp(&figure) {
                        Ordering::Greater => "up",
                        Ordering::Less => "down",
                        Ordering::Equal => "unchanged",
                    };
                    (movement, format!("from {} {when}", self.measured(figure)))
                }
            })
            .collect();
        match clauses.as_slice() {
            [] => None,
            [(word, clause)] => Some(format!("This is {word} {clause}.")),
            [(first_word, first), (second_word, second), ..] => {
                // Same word twice carries over ("up from 79.1% … and from 77.1% …"); different
                // words contrast ("down from 33.0% … but up from 30.0% …").
                let second = if first_word == second_word {
                    format!("and {second}")
                } else {
                    format!("but {second_word} {second}")
                };
                Some(format!("This is {first_word} {first} {second}."))
            }
        }
    }
}

/// "a" or "an" for a phrase, by its first letter; good enough for the fixed phrases used here.
fn article(phrase: &str) -> &'static str {
    match phrase.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// Capitalises the first letter only, so that acronyms later in the phrase stay as written.
fn capitalise(phrase: &str) -> String {
    let mut chars = phrase.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
