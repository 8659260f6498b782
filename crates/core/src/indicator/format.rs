//! How figures print on pages, in reports and in sentences, in the GOV.UK style of DESIGN.md:
//! "£2,109,747", "80.1%", "35".
//!
//! A figure prints differently by its role. Targets print as they were set, with no trailing
//! zeros ("80%", "12.2%"), because targets are chosen round. Measured figures print percentages
//! and rates to at least one decimal place ("92.0%", "80.1%"), as seed 004's narrative does, so a
//! column of results lines up and reads as measured; a second place shows only where the figure
//! has one, so that rounding never makes a miss look like a hit. Forecasts are estimates and print
//! coarsely: whole counts and pounds, one decimal place otherwise.

use super::figure::{Figure, div_round};
use super::model::Unit;

/// What a figure is, which decides how precisely it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Target,
    Measured,
    Forecast,
}

/// A figure with its unit: "£2,109,747", "80.1%", "80%", "1,234", "12 days".
pub fn format_figure(value: Figure, unit: Unit, role: Role) -> String {
    let hundredths = value.hundredths();
    match unit {
        Unit::Percent => format!("{}%", decimal(hundredths, fine_places(role))),
        Unit::Rate => decimal(hundredths, fine_places(role)),
        Unit::Count => decimal(hundredths, whole_places(role)),
        Unit::Days => {
            let noun = if hundredths == 100 { "day" } else { "days" };
            let places = match role {
                Role::Forecast => Places { min: 0, max: 1 },
                Role::Target | Role::Measured => Places { min: 0, max: 2 },
            };
            format!("{} {noun}", decimal(hundredths, places))
        }
        Unit::Money => {
            let places = match role {
                Role::Forecast => Places { min: 0, max: 0 },
                Role::Target | Role::Measured if value.is_whole() => Places { min: 0, max: 0 },
                Role::Target | Role::Measured => Places { min: 2, max: 2 },
            };
            let body = decimal(hundredths.saturating_abs(), places);
            if hundredths < 0 && body.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
                format!("-£{body}")
            } else {
                format!("£{body}")
            }
        }
    }
}

/// As [`format_figure`] with a plus sign on positive figures, for changes on last year:
/// "+0.1%", "-4.3%", "-5%", "0%".
pub fn format_signed(value: Figure, unit: Unit, role: Role) -> String {
    let text = format_figure(value, unit, role);
    if value > Figure::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

/// Decimal places to print: at least `min`, at most `max`, trailing zeros dropped in between.
#[derive(Debug, Clone, Copy)]
struct Places {
    min: u32,
    max: u32,
}

fn fine_places(role: Role) -> Places {
    match role {
        Role::Target => Places { min: 0, max: 2 },
        Role::Measured => Places { min: 1, max: 2 },
        Role::Forecast => Places { min: 1, max: 1 },
    }
}

fn whole_places(role: Role) -> Places {
    match role {
        // A pro-rata target can be fractional (17.5 groups by the end of September).
        Role::Target | Role::Measured => Places { min: 0, max: 2 },
        Role::Forecast => Places { min: 0, max: 0 },
    }
}

/// Hundredths as a decimal with thousands separators, rounded half away from zero to
/// `places.max` decimal places.
fn decimal(hundredths: i64, places: Places) -> String {
    let max = places.max.min(2);
    let step = 10_i128.pow(2 - max);
    let rounded = div_round(i128::from(hundredths), step) * step;
    let magnitude = rounded.unsigned_abs();
    let (units, fraction) = (magnitude / 100, magnitude % 100);
    let mut fraction_digits = format!("{fraction:02}");
    fraction_digits.truncate(max as usize);
    while fraction_digits.len() > places.min as usize && fraction_digits.ends_with('0') {
        fraction_digits.pop();
    }
    let mut out = String::new();
    if rounded < 0 {
        out.push('-');
    }
    out.push_str(&group_thousands(units));
    if !fraction_digits.is_empty() {
        out.push('.');
        out.push_str(&fraction_digits);
    }
    out
}

fn group_thousands(units: u128) -> String {
    let digits = units.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(hundredths: i64) -> Figure {
        Figure::from_hundredths(hundredths)
    }

    #[test]
    fn money_prints_to_the_pound_with_separators() {
        let m = |p, r| format_figure(Figure::from_pence(p), Unit::Money, r);
        assert_eq!(m(210_974_700, Role::Measured), "£2,109,747");
        assert_eq!(m(300_000_000, Role::Target), "£3,000,000");
        assert_eq!(m(421_949_400, Role::Forecast), "£4,219,494");
        assert_eq!(m(210_974_750, Role::Measured), "£2,109,747.50");
        assert_eq!(m(210_974_750, Role::Forecast), "£2,109,748");
        assert_eq!(m(-50_000, Role::Measured), "-£500");
        assert_eq!(m(99, Role::Measured), "£0.99");
        assert_eq!(m(0, Role::Target), "£0");
    }

    #[test]
    fn percentages_print_by_role() {
        let p = |x, r| format_figure(h(x), Unit::Percent, r);
        assert_eq!(p(8010, Role::Measured), "80.1%");
        assert_eq!(p(8000, Role::Target), "80%");
        assert_eq!(p(9200, Role::Measured), "92.0%");
        assert_eq!(p(1220, Role::Target), "12.2%");
        assert_eq!(p(7996, Role::Measured), "79.96%");
        assert_eq!(p(7996, Role::Forecast), "80.0%");
        assert_eq!(p(10, Role::Measured), "0.1%");
        assert_eq!(format_signed(h(10), Unit::Percent, Role::Measured), "+0.1%");
        assert_eq!(format_signed(h(-500), Unit::Percent, Role::Target), "-5%");
        assert_eq!(
            format_signed(h(-430), Unit::Percent, Role::Measured),
            "-4.3%"
        );
    }

    #[test]
    fn counts_days_and_rates() {
        assert_eq!(format_figure(h(2400), Unit::Count, Role::Measured), "24");
        assert_eq!(format_figure(h(1750), Unit::Count, Role::Target), "17.5");
        assert_eq!(
            format_figure(h(123_456_700), Unit::Count, Role::Measured),
            "1,234,567"
        );
        assert_eq!(format_figure(h(4850), Unit::Count, Role::Forecast), "49");
        assert_eq!(format_figure(h(100), Unit::Days, Role::Measured), "1 day");
        assert_eq!(
            format_figure(h(1250), Unit::Days, Role::Target),
            "12.5 days"
        );
        assert_eq!(format_figure(h(450), Unit::Rate, Role::Measured), "4.5");
        assert_eq!(format_figure(h(-4), Unit::Rate, Role::Forecast), "0.0");
    }
}
