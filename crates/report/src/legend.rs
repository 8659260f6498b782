//! The RAG legend of a report's indicator tables, built from the rules the report applied to
//! each indicator (its tolerance, or its minimum and stretch targets), so that no row can
//! contradict it: one line when every indicator is judged alike, else a line per rule naming
//! the indicators it applies to.

use serde::{Deserialize, Serialize};
use waymark_core::indicator::{Indicator, MeasureType, Role, ToleranceMode, Unit, format_figure};

/// One rule of the legend, and the indicators judged by it (empty: every indicator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendLine {
    /// "Green: target achieved. Amber: within 10% of target. Red: more than 10% from target."
    pub rule: String,
    pub indicators: Vec<String>,
}

/// The rule an indicator's RAG is judged by, in words, as [`waymark_core::indicator::rag`]
/// applies it.
pub fn rule_words(indicator: &Indicator) -> String {
    let against = if indicator.measure == MeasureType::Cumulative {
        "the target for the period"
    } else {
        "target"
    };
    match (indicator.minimum, indicator.stretch) {
        (Some(_), Some(_)) => "Green: at or beyond the stretch target. Amber: at or beyond the \
             minimum target. Red: short of the minimum target."
            .to_string(),
        (Some(_), None) => format!(
            "Green: {against} achieved. Amber: at or beyond the minimum target. Red: short of \
             the minimum target."
        ),
        (None, _) => {
            let tolerance = indicator.tolerance;
            let band = match tolerance.mode {
                ToleranceMode::Relative => format!("{}%", trimmed(tolerance.amount.to_string())),
                ToleranceMode::Absolute => match indicator.unit {
                    Unit::Percent => {
                        let points = trimmed(tolerance.amount.to_string());
                        let noun = if points == "1" { "point" } else { "points" };
                        format!("{points} percentage {noun}")
                    }
                    unit => format_figure(tolerance.amount, unit, Role::Target),
                },
            };
            let to = if against == "target" {
                "target".to_string()
            } else {
                against.to_string()
            };
            format!(
                "Green: {against} achieved. Amber: within {band} of {to}. Red: more than {band} \
                 from {to}."
            )
        }
    }
}

/// The legend for rows judged by `rules` ((indicator title, rule words) in report order).
pub fn legend<'a>(rules: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<LegendLine> {
    let mut lines: Vec<LegendLine> = Vec::new();
    for (title, rule) in rules {
        match lines.iter_mut().find(|line| line.rule == rule) {
            Some(line) => line.indicators.push(title.to_string()),
            None => lines.push(LegendLine {
                rule: rule.to_string(),
                indicators: vec![title.to_string()],
            }),
        }
    }
    if lines.len() == 1 {
        lines[0].indicators.clear();
    }
    lines
}

/// "10.00" → "10", "2.50" → "2.5".
fn trimmed(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_indicator_is_one_line_for_all() {
        let rule = "Green: target achieved. Amber: within 10% of target. Red: more than 10% \
                    from target.";
        let lines = legend([("Satisfaction", rule), ("999 calls", rule)]);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].indicators.is_empty());
    }

    #[test]
    fn differing_rules_name_their_indicators() {
        let lines = legend([("A", "ten"), ("B", "five"), ("C", "ten")]);
        assert_eq!(
            lines,
            vec![
                LegendLine {
                    rule: "ten".into(),
                    indicators: vec!["A".into(), "C".into()]
                },
                LegendLine {
                    rule: "five".into(),
                    indicators: vec!["B".into()]
                },
            ]
        );
    }

    #[test]
    fn trailing_zeros_are_dropped() {
        assert_eq!(trimmed("10.00".into()), "10");
        assert_eq!(trimmed("2.50".into()), "2.5");
        assert_eq!(trimmed("7".into()), "7");
    }
}
