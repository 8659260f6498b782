//! Sharing a cost among a programme's participants: in proportion to a basis (police grant, net
//! revenue expenditure, a fixed percentage), equally, or in fixed amounts, after an external
//! funder's share is taken first ("the Home Office paid for 75% of costs, with forces funding
//! the remainder").
//!
//! Shares are whole pence that sum exactly to the cost: each participant first gets the whole
//! pence of its exact share, and the pennies left over go one each to the largest fractional
//! parts (the largest-remainder method), so no share is a penny or more away from its exact
//! proportion. The answer is an [`Apportionment`] a treasurer can check line by line.

use chrono::NaiveDate;

use crate::ids::OrgId;
use crate::indicator::FinancialYear;
use crate::programme::money::format_pence;

/// What a participant's share is in proportion to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BasisKind {
    /// Government police grant for the year, in pence.
    PoliceGrant,
    /// Net revenue expenditure for the year, in pence.
    NetRevenueExpenditure,
    /// A percentage agreed between the participants, in hundredths of a percent.
    FixedPercentage,
}

impl BasisKind {
    pub const ALL: [BasisKind; 3] = [
        BasisKind::PoliceGrant,
        BasisKind::NetRevenueExpenditure,
        BasisKind::FixedPercentage,
    ];

    pub fn parse(word: &str) -> Option<BasisKind> {
        let lower = word.trim().to_lowercase();
        if lower.contains("grant") {
            Some(BasisKind::PoliceGrant)
        } else if lower.contains("nre") || lower.contains("net revenue") {
            Some(BasisKind::NetRevenueExpenditure)
        } else if lower.contains('%') || lower.contains("percent") || lower.contains("fixed") {
            Some(BasisKind::FixedPercentage)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BasisKind::PoliceGrant => "police-grant",
            BasisKind::NetRevenueExpenditure => "net-revenue-expenditure",
            BasisKind::FixedPercentage => "fixed-percentage",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BasisKind::PoliceGrant => "Police grant",
            BasisKind::NetRevenueExpenditure => "Net revenue expenditure",
            BasisKind::FixedPercentage => "Fixed percentage",
        }
    }

    /// A basis figure in words: "£93,400,000" for money, "22.50%" for a percentage.
    pub fn format_value(self, value: i64) -> String {
        match self {
            BasisKind::FixedPercentage => format!("{}.{:02}%", value / 100, value % 100),
            _ => format_pence(value),
        }
    }
}

/// One participant's basis for one year, dated and naming where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasisFigure {
    pub org: OrgId,
    pub year: FinancialYear,
    pub kind: BasisKind,
    /// Pence for grant and expenditure; hundredths of a percent for a fixed percentage.
    pub value: i64,
    /// The day the figure was stated, where known.
    pub as_of: Option<NaiveDate>,
    /// Where the figure comes from: "Police grant report 2009/10", "Contributions sheet".
    pub source: String,
    /// Made up for a demonstration or an example, not taken from a real statement.
    pub illustrative: bool,
}

/// How the part of a cost left for the participants is divided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareMethod {
    /// In proportion to each participant's basis figure of this kind for the year.
    Proportional(BasisKind),
    Equal,
    /// Amounts agreed beforehand, in pence, which must add up to the cost shared.
    Fixed(Vec<(OrgId, i64)>),
}

impl ShareMethod {
    pub fn as_str(&self) -> String {
        match self {
            ShareMethod::Proportional(kind) => format!("proportional:{}", kind.as_str()),
            ShareMethod::Equal => "equal".to_string(),
            ShareMethod::Fixed(_) => "fixed".to_string(),
        }
    }

    /// In words: "In proportion to police grant".
    pub fn describe(&self) -> String {
        match self {
            ShareMethod::Proportional(kind) => {
                format!("In proportion to {}", kind.label().to_lowercase())
            }
            ShareMethod::Equal => "In equal shares".to_string(),
            ShareMethod::Fixed(_) => "In fixed amounts".to_string(),
        }
    }
}

/// A funder outside the participants who pays part of a cost before it is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalShare {
    /// "Home Office".
    pub funder: String,
    pub part: ExternalPart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalPart {
    /// Hundredths of a percent of the cost: 7500 is 75%.
    Percent(i64),
    /// A fixed sum in pence (never more than the cost).
    Amount(i64),
}

/// A cost to share among participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostToShare {
    /// "Programme team 2009/10".
    pub label: String,
    pub year: FinancialYear,
    pub total: i64,
    pub external: Option<ExternalShare>,
    pub method: ShareMethod,
    /// The participants in the order the statement lists them.
    pub participants: Vec<OrgId>,
}

/// Why a cost cannot be shared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApportionError {
    #[error("there are no participants to share the cost among")]
    NoParticipants,
    #[error("a cost to share cannot be negative ({0})")]
    NegativeCost(String),
    #[error(
        "the basis figures for {year} add up to nothing, so there is nothing to share in proportion to"
    )]
    NoBasis { year: String },
    #[error("participant {org} has no {kind} figure for {year}")]
    MissingBasis {
        org: i64,
        kind: &'static str,
        year: String,
    },
    #[error("participant {org} has a negative basis figure for {year}")]
    NegativeBasis { org: i64, year: String },
    #[error("the fixed amounts add up to {sum}, not the {cost} to be shared")]
    FixedAmountsDoNotAddUp { sum: String, cost: String },
    #[error("the external share must be between 0% and 100%")]
    ExternalShareOutOfRange,
}

/// One participant's line of an apportionment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareLine {
    pub org: OrgId,
    /// The figure the share is in proportion to (`None` for equal or fixed shares).
    pub basis: Option<BasisFigure>,
    /// The weight used: the basis value, 1 for equal shares, the amount for fixed ones.
    pub weight: i128,
    /// The exact share is `exact_numerator / denominator` pence.
    pub exact_numerator: i128,
    pub denominator: i128,
    /// The share in whole pence.
    pub pence: i64,
    /// Whether this line got one of the pennies left over by rounding down.
    pub got_remainder_penny: bool,
}

impl ShareLine {
    /// The proportion of the shared cost, in millionths (parts per million), rounded.
    pub fn proportion_ppm(&self, total_weight: i128) -> i64 {
        if total_weight == 0 {
            return 0;
        }
        i64::try_from((self.weight * 1_000_000 * 2 + total_weight) / (total_weight * 2))
            .unwrap_or(i64::MAX)
    }

    /// The exact share in pounds, to four places beyond the penny, "…" where it goes on:
    /// "£338,945.102260…".
    pub fn exact_text(&self) -> String {
        exact_pounds(self.exact_numerator, self.denominator)
    }
}

/// A cost shared: what the external funder pays, what each participant pays, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apportionment {
    pub label: String,
    pub year: FinancialYear,
    pub total: i64,
    /// The external funder and what they pay, taken before the rest is shared.
    pub external: Option<(String, i64)>,
    /// The cost left for the participants: `total` less the external share.
    pub shared: i64,
    pub method: ShareMethod,
    pub lines: Vec<ShareLine>,
    /// The sum of the weights (the denominator of every proportion).
    pub total_weight: i128,
    /// Pennies left after rounding every share down, given one each by largest remainder.
    pub remainder_pennies: i64,
}

impl Apportionment {
    /// The share of one participant, in pence.
    pub fn share_of(&self, org: OrgId) -> Option<i64> {
        self.lines
            .iter()
            .find(|line| line.org == org)
            .map(|line| line.pence)
    }

    /// The apportionment statement, a line at a time, for a treasurer to check: the cost, the
    /// external share, the method, each participant's basis, proportion, exact and rounded
    /// share, and where the remainder went. `name` gives an organisation's name.
    pub fn statement(&self, name: &dyn Fn(OrgId) -> String) -> Vec<String> {
        let mut out = vec![format!(
            "{} ({}): {}",
            self.label,
            year_label(self.year),
            format_pence(self.total)
        )];
        if let Some((funder, pence)) = &self.external {
            out.push(format!(
                "{funder} pays {} first; {} is shared among the participants",
                format_pence(*pence),
                format_pence(self.shared)
            ));
        }
        out.push(format!("Method: {}", self.method.describe().to_lowercase()));
        for line in &self.lines {
            let basis = match &line.basis {
                Some(basis) => format!(
                    "{} {} ({}{}{}), ",
                    basis.kind.label().to_lowercase(),
                    basis.kind.format_value(basis.value),
                    basis.source,
                    basis
                        .as_of
                        .map(|d| format!(", as at {}", d.format("%-d %B %Y")))
                        .unwrap_or_default(),
                    if basis.illustrative {
                        ", illustrative"
                    } else {
                        ""
                    }
                ),
                None => String::new(),
            };
            let ppm = line.proportion_ppm(self.total_weight);
            out.push(format!(
                "{}: {basis}proportion {}.{:04}%, exact share {}, share {}{}",
                name(line.org),
                ppm / 10_000,
                ppm % 10_000,
                line.exact_text(),
                format_pence(line.pence),
                if line.got_remainder_penny {
                    " (includes a remainder penny)"
                } else {
                    ""
                }
            ));
        }
        let sum: i64 = self.lines.iter().map(|line| line.pence).sum();
        out.push(match self.remainder_pennies {
            0 => format!(
                "The shares add up to {} exactly, with no remainder after rounding down",
                format_pence(sum)
            ),
            n => format!(
                "Rounding every share down left {n} {} over, given one each to the largest \
                 fractions; the shares add up to {}",
                if n == 1 { "penny" } else { "pence" },
                format_pence(sum)
            ),
        });
        out
    }
}

/// "2009/10": how programme pages and registers write a financial year.
pub fn year_label(year: FinancialYear) -> String {
    let start = year.start_year();
    format!("{start}/{:02}", (start + 1).rem_euclid(100))
}

/// Shares `cost` among its participants, using `bases` where the method is proportional.
pub fn apportion(
    cost: &CostToShare,
    bases: &[BasisFigure],
) -> Result<Apportionment, ApportionError> {
    if cost.total < 0 {
        return Err(ApportionError::NegativeCost(format_pence(cost.total)));
    }
    if cost.participants.is_empty() {
        return Err(ApportionError::NoParticipants);
    }
    let external = match &cost.external {
        None => None,
        Some(share) => {
            let pence = match share.part {
                ExternalPart::Percent(hundredths) => {
                    if !(0..=10_000).contains(&hundredths) {
                        return Err(ApportionError::ExternalShareOutOfRange);
                    }
                    round_half_up(i128::from(cost.total) * i128::from(hundredths), 10_000)
                }
                ExternalPart::Amount(amount) => amount.clamp(0, cost.total),
            };
            Some((share.funder.clone(), pence))
        }
    };
    let shared = cost.total - external.as_ref().map_or(0, |(_, pence)| *pence);
    let year_text = year_label(cost.year);
    let mut weighted: Vec<(OrgId, Option<BasisFigure>, i128)> = Vec::new();
    for org in &cost.participants {
        let entry = match &cost.method {
            ShareMethod::Equal => (*org, None, 1),
            ShareMethod::Fixed(amounts) => {
                let amount = amounts
                    .iter()
                    .filter(|(o, _)| o == org)
                    .map(|(_, a)| i128::from(*a))
                    .sum();
                (*org, None, amount)
            }
            ShareMethod::Proportional(kind) => {
                let basis = bases
                    .iter()
                    .find(|b| b.org == *org && b.kind == *kind && b.year == cost.year)
                    .ok_or_else(|| ApportionError::MissingBasis {
                        org: org.0,
                        kind: kind.as_str(),
                        year: year_text.clone(),
                    })?;
                if basis.value < 0 {
                    return Err(ApportionError::NegativeBasis {
                        org: org.0,
                        year: year_text.clone(),
                    });
                }
                (*org, Some(basis.clone()), i128::from(basis.value))
            }
        };
        weighted.push(entry);
    }
    let total_weight: i128 = weighted.iter().map(|(_, _, w)| *w).sum();
    if let ShareMethod::Fixed(_) = &cost.method
        && total_weight != i128::from(shared)
    {
        return Err(ApportionError::FixedAmountsDoNotAddUp {
            sum: format_pence(i64::try_from(total_weight).unwrap_or(i64::MAX)),
            cost: format_pence(shared),
        });
    }
    if total_weight <= 0 {
        if shared == 0 {
            // Nothing to share and nothing to share it by: everyone pays nothing.
            let lines = weighted
                .into_iter()
                .map(|(org, basis, weight)| ShareLine {
                    org,
                    basis,
                    weight,
                    exact_numerator: 0,
                    denominator: 1,
                    pence: 0,
                    got_remainder_penny: false,
                })
                .collect();
            return Ok(Apportionment {
                label: cost.label.clone(),
                year: cost.year,
                total: cost.total,
                external,
                shared,
                method: cost.method.clone(),
                lines,
                total_weight: 0,
                remainder_pennies: 0,
            });
        }
        return Err(ApportionError::NoBasis { year: year_text });
    }
    let weights: Vec<i128> = weighted.iter().map(|(_, _, w)| *w).collect();
    let (shares, given) = largest_remainder(shared, &weights);
    let remainder_pennies = given.iter().filter(|g| **g).count() as i64;
    let lines = weighted
        .into_iter()
        .zip(shares)
        .zip(given)
        .map(|(((org, basis, weight), pence), got)| ShareLine {
            org,
            basis,
            weight,
            exact_numerator: i128::from(shared) * weight,
            denominator: total_weight,
            pence,
            got_remainder_penny: got,
        })
        .collect();
    Ok(Apportionment {
        label: cost.label.clone(),
        year: cost.year,
        total: cost.total,
        external,
        shared,
        method: cost.method.clone(),
        lines,
        total_weight,
        remainder_pennies,
    })
}

/// Splits `amount` pence in proportion to `weights` (non-negative, not all zero): each part is
/// the floor of its exact share, plus one penny for the largest fractional parts until the
/// parts sum to `amount`. Ties go to the earlier weight. Returns the parts and which got a
/// penny.
pub fn largest_remainder(amount: i64, weights: &[i128]) -> (Vec<i64>, Vec<bool>) {
    let total: i128 = weights.iter().sum();
    if total <= 0 {
        return (vec![0; weights.len()], vec![false; weights.len()]);
    }
    let amount_wide = i128::from(amount);
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut fractions: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let numerator = amount_wide * weight;
        let floor = numerator.div_euclid(total);
        parts.push(i64::try_from(floor).unwrap_or(i64::MAX));
        fractions.push((numerator.rem_euclid(total), index));
    }
    let left = amount - parts.iter().sum::<i64>();
    // Largest fraction first; the earlier participant first among equals.
    fractions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut given = vec![false; weights.len()];
    for (_, index) in fractions
        .into_iter()
        .take(usize::try_from(left).unwrap_or(0))
    {
        parts[index] += 1;
        given[index] = true;
    }
    (parts, given)
}

/// A participant joining or leaving part-way through the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipChange {
    /// The first day the change holds: a participant joining on 1 October pays from that day.
    pub on: NaiveDate,
    pub org: OrgId,
    pub joins: bool,
}

/// One stretch of the year with the same participants, and its part of the cost shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSegment {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    pub apportionment: Apportionment,
}

/// A year's cost shared when participants join or leave during it: the cost is split across
/// the stretches of the year by days (largest remainder again), and each stretch's part shared
/// among those participating then. Every stretch is kept, so the history of who paid for what
/// stays readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearApportionment {
    pub segments: Vec<YearSegment>,
    /// Each organisation's total over the year, in the order they first took part.
    pub totals: Vec<(OrgId, i64)>,
}

/// [`apportion`] over a year in which participants join or leave. `cost.participants` are
/// those at the start of the year.
pub fn apportion_over_year(
    cost: &CostToShare,
    bases: &[BasisFigure],
    changes: &[MembershipChange],
) -> Result<YearApportionment, ApportionError> {
    let start = cost.year.start_date();
    let end = cost.year.end_date();
    let mut changes: Vec<MembershipChange> = changes
        .iter()
        .copied()
        .filter(|c| c.on > start && c.on <= end)
        .collect();
    changes.sort_by_key(|c| c.on);
    // Stretches: [start, first change), [first change, next), …, [last change, end].
    let mut boundaries: Vec<NaiveDate> = vec![start];
    for change in &changes {
        if boundaries.last() != Some(&change.on) {
            boundaries.push(change.on);
        }
    }
    let mut members = cost.participants.clone();
    let mut stretches: Vec<(NaiveDate, NaiveDate, Vec<OrgId>)> = Vec::new();
    for (index, from) in boundaries.iter().enumerate() {
        for change in changes.iter().filter(|c| c.on == *from) {
            if change.joins {
                if !members.contains(&change.org) {
                    members.push(change.org);
                }
            } else {
                members.retain(|m| *m != change.org);
            }
        }
        let to = boundaries
            .get(index + 1)
            .and_then(|next| next.pred_opt())
            .unwrap_or(end);
        stretches.push((*from, to, members.clone()));
    }
    let days: Vec<i128> = stretches
        .iter()
        .map(|(from, to, _)| i128::from((*to - *from).num_days() + 1))
        .collect();
    let (parts, _) = largest_remainder(cost.total, &days);
    let external_parts = match cost.external.as_ref().map(|e| e.part) {
        Some(ExternalPart::Amount(amount)) => Some(largest_remainder(amount, &days).0),
        _ => None,
    };
    let mut segments = Vec::new();
    let mut totals: Vec<(OrgId, i64)> = Vec::new();
    for (index, ((from, to, members), part)) in stretches.into_iter().zip(parts).enumerate() {
        let mut stretch_cost = cost.clone();
        stretch_cost.total = part;
        stretch_cost.participants = members;
        if let (Some(external), Some(amounts)) = (&mut stretch_cost.external, &external_parts) {
            external.part = ExternalPart::Amount(amounts[index]);
        }
        let apportionment = apportion(&stretch_cost, bases)?;
        for line in &apportionment.lines {
            match totals.iter_mut().find(|(org, _)| *org == line.org) {
                Some((_, sum)) => *sum += line.pence,
                None => totals.push((line.org, line.pence)),
            }
        }
        segments.push(YearSegment {
            from,
            to,
            days: (to - from).num_days() + 1,
            apportionment,
        });
    }
    Ok(YearApportionment { segments, totals })
}

fn round_half_up(numerator: i128, denominator: i128) -> i64 {
    i64::try_from((numerator * 2 + denominator).div_euclid(denominator * 2)).unwrap_or(i64::MAX)
}

fn exact_pounds(numerator: i128, denominator: i128) -> String {
    if denominator == 0 {
        return format_pence(0);
    }
    let whole = numerator.div_euclid(denominator);
    let rest = numerator.rem_euclid(denominator);
    let places = (rest * 10_000).div_euclid(denominator);
    let exact = (rest * 10_000).rem_euclid(denominator) == 0;
    let pence = format_pence(i64::try_from(whole).unwrap_or(i64::MAX));
    // Whole pounds print without pence: write them, so the fraction reads after the penny.
    let pence = if pence.contains('.') {
        pence
    } else {
        format!("{pence}.00")
    };
    if places == 0 && exact {
        pence
    } else {
        format!("{pence}{places:04}{}", if exact { "" } else { "…" })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn year() -> FinancialYear {
        FinancialYear::starting(2009).unwrap()
    }

    fn grant(org: i64, pence: i64) -> BasisFigure {
        BasisFigure {
            org: OrgId(org),
            year: year(),
            kind: BasisKind::PoliceGrant,
            value: pence,
            as_of: None,
            source: "Police grant report".into(),
            illustrative: true,
        }
    }

    fn team(total: i64, orgs: &[i64]) -> CostToShare {
        CostToShare {
            label: "Programme team".into(),
            year: year(),
            total,
            external: None,
            method: ShareMethod::Proportional(BasisKind::PoliceGrant),
            participants: orgs.iter().map(|o| OrgId(*o)).collect(),
        }
    }

    #[test]
    fn a_team_cost_is_shared_in_proportion_to_grant_to_the_penny() {
        // Five forces, £1.2m, grants in the ratio 3:3:2:2:1 of £10m units.
        let bases: Vec<BasisFigure> = [(1, 3), (2, 3), (3, 2), (4, 2), (5, 1)]
            .iter()
            .map(|(org, units)| grant(*org, units * 1_000_000_000))
            .collect();
        let shared = apportion(&team(120_000_000, &[1, 2, 3, 4, 5]), &bases).unwrap();
        // 120,000,000p × 3/11 = 32,727,272 8/11p; × 2/11 = 21,818,181 9/11p; × 1/11 =
        // 10,909,090 10/11p. Rounding down leaves 4p, which go to the largest fractions:
        // 10/11, 9/11 twice, and the first of the two 8/11s.
        let pence: Vec<i64> = shared.lines.iter().map(|l| l.pence).collect();
        assert_eq!(
            pence,
            vec![32_727_273, 32_727_272, 21_818_182, 21_818_182, 10_909_091]
        );
        assert_eq!(pence.iter().sum::<i64>(), 120_000_000);
        assert_eq!(shared.remainder_pennies, 4);
        let statement = shared.statement(&|org| format!("Force {}", org.0));
        assert_eq!(statement[0], "Programme team (2009/10): £1,200,000");
        assert!(statement[2].starts_with("Force 1: police grant £30,000,000 (Police grant report, illustrative), proportion 27.2727%, exact share £327,272.727272…, share £327,272.73 (includes a remainder penny)"), "{}", statement[2]);
        assert!(statement.last().unwrap().contains("left 4 pence over"));
    }

    #[test]
    fn an_external_funder_pays_its_share_first() {
        let mut cost = team(40_000_000, &[1, 2]);
        cost.method = ShareMethod::Equal;
        cost.external = Some(ExternalShare {
            funder: "Home Office".into(),
            part: ExternalPart::Percent(7_500),
        });
        let shared = apportion(&cost, &[]).unwrap();
        assert_eq!(shared.external, Some(("Home Office".into(), 30_000_000)));
        assert_eq!(shared.shared, 10_000_000);
        assert_eq!(shared.share_of(OrgId(1)), Some(5_000_000));
        assert_eq!(shared.share_of(OrgId(2)), Some(5_000_000));
    }

    #[test]
    fn fixed_amounts_must_add_up_and_missing_bases_are_named() {
        let mut cost = team(1_000, &[1, 2]);
        cost.method = ShareMethod::Fixed(vec![(OrgId(1), 600), (OrgId(2), 300)]);
        assert!(matches!(
            apportion(&cost, &[]),
            Err(ApportionError::FixedAmountsDoNotAddUp { .. })
        ));
        cost.method = ShareMethod::Fixed(vec![(OrgId(1), 600), (OrgId(2), 400)]);
        assert_eq!(apportion(&cost, &[]).unwrap().share_of(OrgId(1)), Some(600));
        let err = apportion(&team(1_000, &[1, 2]), &[grant(1, 10)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "participant 2 has no police-grant figure for 2009/10"
        );
    }

    #[test]
    fn a_participant_joining_mid_year_pays_from_the_day_it_joins() {
        let bases = vec![grant(1, 100), grant(2, 100), grant(3, 100)];
        let cost = team(36_500, &[1, 2]);
        let year = apportion_over_year(
            &cost,
            &bases,
            &[MembershipChange {
                on: NaiveDate::from_ymd_opt(2009, 10, 1).unwrap(),
                org: OrgId(3),
                joins: true,
            }],
        )
        .unwrap();
        assert_eq!(year.segments.len(), 2);
        assert_eq!(year.segments[0].days, 183);
        assert_eq!(year.segments[1].days, 182);
        let total: i64 = year.totals.iter().map(|(_, p)| p).sum();
        assert_eq!(total, 36_500);
        // 18,300 over the first stretch shared by two, 18,200 over the second by three.
        assert_eq!(year.totals[0], (OrgId(1), 9_150 + 6_067));
        assert_eq!(year.totals[2], (OrgId(3), 6_066));
    }

    proptest! {
        #[test]
        fn shares_sum_exactly_and_each_is_within_a_penny(
            total in 0_i64..10_000_000_000_000,
            weights in proptest::collection::vec(0_i64..1_000_000_000_000, 1..12),
            external in proptest::option::of(0_i64..=10_000),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let bases: Vec<BasisFigure> = weights
                .iter()
                .enumerate()
                .map(|(i, w)| grant(i as i64, *w))
                .collect();
            let mut cost = team(total, &(0..weights.len() as i64).collect::<Vec<_>>());
            cost.external = external.map(|bp| ExternalShare {
                funder: "Home Office".into(),
                part: ExternalPart::Percent(bp),
            });
            let shared = apportion(&cost, &bases).unwrap();
            let external_paid = shared.external.as_ref().map_or(0, |(_, p)| *p);
            let sum: i64 = shared.lines.iter().map(|l| l.pence).sum();
            prop_assert_eq!(sum + external_paid, total);
            for line in &shared.lines {
                // |pence − numerator/denominator| < 1, in whole numbers.
                let diff = i128::from(line.pence) * line.denominator - line.exact_numerator;
                prop_assert!(diff.abs() < line.denominator);
                prop_assert!(line.pence >= 0);
            }
        }

        #[test]
        fn mid_year_changes_still_sum_exactly(
            total in 0_i64..100_000_000_000,
            day in 1_u64..364,
            joins in any::<bool>(),
        ) {
            let bases = vec![grant(1, 7), grant(2, 11), grant(3, 13)];
            let on = year().start_date() + chrono::Days::new(day);
            let starting = if joins { vec![1, 2] } else { vec![1, 2, 3] };
            let cost = team(total, &starting);
            let split = apportion_over_year(
                &cost,
                &bases,
                &[MembershipChange { on, org: OrgId(3), joins }],
            )
            .unwrap();
            prop_assert_eq!(split.totals.iter().map(|(_, p)| p).sum::<i64>(), total);
        }
    }
}
