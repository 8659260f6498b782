//! The demo's performance indicators: a set for the strategic delivery plan, linked to its
//! objectives, covering every unit (%, count, £, days, rate), both directions and all three
//! measure types, with monthly and quarterly figures for last financial year and this one up to
//! the latest period ended. Some figures are not yet available, one indicator is diagnostic (no
//! target), and a few entries are corrected later, so the history has something to show. The
//! inspection improvement plan has a contact-centre set reported in 13 four-week periods.
//! Figures are invented for the fictional Northshire Police.
//!
//! Like the rest of the demo, dates are relative to today: last year's figures were "imported"
//! when the plan was set up, and this year's are entered a week or so after each period ends.

use crate::error::{AppError, Result};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use waymark_core::indicator::{
    Actual, Calendar, Direction, Figure, FinancialYear, Indicator, IndicatorId, MeasureType,
    Measurement, Profile, Tolerance, Unit, Wording,
};
use waymark_core::{ItemId, OrgId};
use waymark_store::{NewIndicator, NewMeasurement, Scope, Store};

/// Who enters this year's figures in the demo (the performance manager account).
const ANALYST: &str = "Priya Shah";

/// One demo indicator and its figures, in hundredths of its unit (pence for money).
pub(super) struct DemoIndicator {
    /// The reference of the objective it serves in the strategic plan; `None` for none.
    objective: Option<&'static str>,
    title: &'static str,
    wording: fn() -> Wording,
    owner: &'static str,
    unit: Unit,
    direction: Direction,
    measure: MeasureType,
    calendar: Calendar,
    target: Option<i64>,
    /// Baseline, minimum and stretch, where set.
    extra: Extra,
    /// Every period of last year, in order.
    last_year: &'static [i64],
    /// Every period of this year, in order; only those ended by today are entered.
    this_year: &'static [i64],
    /// The latest period ended is entered as not yet available (a survey or data lag).
    latest_not_yet_available: bool,
    /// Last year's figures are not stored as measurements but stated on this year's, as a
    /// source spreadsheet gives them.
    last_year_stated: bool,
}

#[derive(Clone, Copy)]
struct Extra {
    baseline: Option<i64>,
    minimum: Option<i64>,
    stretch: Option<i64>,
    profile: Option<&'static [i32]>,
    tolerance: Option<Tolerance>,
}

const PLAIN: Extra = Extra {
    baseline: None,
    minimum: None,
    stretch: None,
    profile: None,
    tolerance: None,
};

/// The strategic delivery plan's indicators, monthly and quarterly.
pub(super) const STRATEGIC_INDICATORS: &[DemoIndicator] = &[
    DemoIndicator {
        objective: Some("1.1"),
        title: "Increase the arrest rate for high and medium risk domestic abuse",
        wording: || Wording::new("the arrest rate for high and medium risk domestic abuse"),
        owner: "Head of Public Protection",
        unit: Unit::Percent,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Monthly,
        target: Some(8000),
        extra: PLAIN,
        last_year: &[
            7420, 7510, 7380, 7650, 7590, 7710, 7820, 7760, 7890, 7930, 7980, 8050,
        ],
        this_year: &[
            7840, 8060, 8120, 7910, 8200, 8350, 8280, 8310, 8400, 8420, 8390, 8450,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("1.1"),
        title: "Reduce the proportion of domestic abuse victims who are repeat victims within 12 months",
        wording: || {
            Wording::new(
                "the proportion of domestic abuse victims who are repeat victims within 12 months",
            )
        },
        owner: "Head of Public Protection",
        unit: Unit::Percent,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Quarterly,
        target: Some(2800),
        extra: Extra {
            minimum: Some(3000),
            stretch: Some(2600),
            ..PLAIN
        },
        last_year: &[3140, 3090, 3020, 2980],
        this_year: &[2910, 2860, 2790, 2750],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("1.2"),
        title: "Reduce knife crime by 5% on last year",
        wording: || Wording::new("the level of knife crime"),
        owner: "Chief Inspector Neighbourhoods",
        unit: Unit::Percent,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Change,
        calendar: Calendar::Monthly,
        target: Some(-500),
        extra: PLAIN,
        last_year: &[410, 320, 280, 250, 230, 190, 160, 150, 120, 90, 60, 40],
        this_year: &[
            -120, -280, -350, -410, -460, -440, -490, -520, -510, -530, -550, -560,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("1.2"),
        title: "Reduce violence with injury per 1,000 population",
        wording: || Wording::new("the rate of violence with injury per 1,000 population"),
        owner: "Superintendent Partnerships",
        unit: Unit::Rate,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Quarterly,
        target: Some(680),
        extra: Extra {
            // A rate moves slowly: within 0.3 of the target is Amber.
            tolerance: Some(Tolerance {
                mode: waymark_core::indicator::ToleranceMode::Absolute,
                amount: Figure::from_hundredths(30),
            }),
            ..PLAIN
        },
        last_year: &[760, 750, 740, 730],
        this_year: &[712, 701, 690, 680],
        latest_not_yet_available: false,
        last_year_stated: true,
    },
    DemoIndicator {
        objective: Some("2.1"),
        title: "Increase the sanction detection rate for residential burglary to 8%",
        wording: || Wording::new("the sanction detection rate for residential burglary"),
        owner: "Detective Superintendent Local Investigations",
        unit: Unit::Percent,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Monthly,
        target: Some(800),
        extra: PLAIN,
        last_year: &[560, 580, 570, 600, 610, 590, 620, 630, 610, 640, 650, 640],
        this_year: &[610, 630, 660, 680, 700, 720, 730, 750, 760, 780, 790, 800],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("2.1"),
        title: "Reduce the average time to a charging decision for volume crime",
        wording: || Wording::new("the average time to a charging decision for volume crime"),
        owner: "Head of Criminal Justice",
        unit: Unit::Days,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Monthly,
        target: Some(2100),
        extra: PLAIN,
        last_year: &[
            2950, 2920, 2880, 2850, 2810, 2790, 2760, 2740, 2700, 2680, 2650, 2610,
        ],
        this_year: &[
            2640, 2580, 2490, 2410, 2360, 2280, 2210, 2150, 2100, 2060, 2030, 2000,
        ],
        latest_not_yet_available: true,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("2.2"),
        title: "Disrupt 40 organised crime groups",
        wording: || {
            Wording::counting(
                "the number of organised crime groups disrupted",
                "organised crime group",
                "organised crime groups",
                "disrupted",
            )
        },
        owner: "Head of Serious and Organised Crime",
        unit: Unit::Count,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Cumulative,
        calendar: Calendar::Quarterly,
        target: Some(4000),
        extra: Extra {
            // Operations take time to mature: most disruptions come late in the year.
            profile: Some(&[20, 45, 70, 100]),
            ..PLAIN
        },
        last_year: &[900, 1800, 2700, 3700],
        this_year: &[1100, 2300, 3100, 4200],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("2.2"),
        title: "Obtain confiscation orders worth at least £2,400,000",
        wording: || Wording::new("the value of confiscation orders"),
        owner: "Head of Economic Crime",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Cumulative,
        calendar: Calendar::Monthly,
        target: Some(240_000_000),
        extra: PLAIN,
        last_year: &[
            11_250_000,
            26_050_000,
            41_730_050,
            58_200_000,
            70_115_000,
            92_480_000,
            108_910_000,
            125_040_000,
            141_870_000,
            160_230_000,
            178_905_000,
            201_347_500,
        ],
        this_year: &[
            14_235_050,
            30_512_000,
            51_830_000,
            68_945_000,
            89_120_000,
            121_374_700,
            149_873_000,
            168_000_000,
            185_500_000,
            203_000_000,
            221_400_000,
            246_800_000,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("2.2"),
        title: "Intelligence submissions per 1,000 population (diagnostic)",
        wording: || Wording::plural("intelligence submissions per 1,000 population"),
        owner: "Head of Intelligence",
        unit: Unit::Rate,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Monthly,
        target: None,
        extra: PLAIN,
        last_year: &[
            1420, 1460, 1390, 1510, 1480, 1530, 1550, 1490, 1570, 1600, 1580, 1620,
        ],
        this_year: &[
            1610, 1650, 1590, 1680, 1700, 1720, 1690, 1740, 1760, 1750, 1780, 1800,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("3.1"),
        title: "Reduce sickness absence to 8 days per officer a year",
        wording: || Wording::new("sickness absence per officer over the last 12 months"),
        owner: "Head of People",
        unit: Unit::Days,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Quarterly,
        target: Some(800),
        extra: PLAIN,
        last_year: &[960, 950, 940, 930],
        this_year: &[910, 890, 870, 850],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("3.1"),
        title: "Increase the number of special constables to 320",
        wording: || Wording::new("the number of special constables"),
        owner: "Special Constabulary Chief Officer",
        unit: Unit::Count,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Quarterly,
        target: Some(32_000),
        extra: Extra {
            baseline: Some(26_800),
            minimum: Some(30_000),
            stretch: Some(34_000),
            ..PLAIN
        },
        last_year: &[26_200, 25_900, 26_600, 26_800],
        this_year: &[28_100, 29_700, 30_500, 31_200],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("3.2"),
        title: "Deliver £2,400,000 of cashable savings",
        wording: || Wording::plural("cashable savings"),
        owner: "Director of Finance",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Cumulative,
        calendar: Calendar::Quarterly,
        target: Some(240_000_000),
        extra: PLAIN,
        last_year: &[40_000_000, 95_000_000, 150_000_000, 210_000_000],
        this_year: &[90_000_000, 150_000_000, 195_000_000, 245_000_000],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("3.2"),
        title: "Keep overtime spending within the £4,200,000 budget",
        wording: || Wording::new("overtime spending"),
        owner: "Director of Finance",
        unit: Unit::Money,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Cumulative,
        calendar: Calendar::Monthly,
        target: Some(420_000_000),
        extra: PLAIN,
        last_year: &[
            36_500_000,
            72_100_000,
            110_400_000,
            146_000_000,
            183_900_000,
            221_300_000,
            259_800_000,
            298_100_000,
            335_000_000,
            372_600_000,
            410_200_000,
            447_500_000,
        ],
        this_year: &[
            33_800_000,
            68_900_000,
            104_500_000,
            141_200_000,
            178_600_000,
            216_900_000,
            254_700_000,
            290_000_000,
            325_000_000,
            360_000_000,
            395_000_000,
            430_000_000,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: None,
        title: "Increase the share of people who agree the police do a good job locally to 75%",
        wording: || Wording::new("the share of people who agree the police do a good job locally"),
        owner: "Head of Corporate Communications",
        unit: Unit::Percent,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::Quarterly,
        target: Some(7500),
        extra: PLAIN,
        last_year: &[7180, 7240, 7210, 7300],
        this_year: &[7360, 7410, 7450, 7500],
        // The quarterly survey reports six weeks after the quarter ends.
        latest_not_yet_available: true,
        last_year_stated: false,
    },
];

/// The inspection improvement plan's contact-centre indicators, reported in 13 four-week
/// periods as some forces' contact management departments report them, so the pages and the
/// quarterly report show figures by periods that are not months.
pub(super) const CONTACT_INDICATORS: &[DemoIndicator] = &[
    DemoIndicator {
        objective: Some("AFI 1"),
        title: "Answer 90% of 101 calls within 3 minutes",
        wording: || Wording::new("the share of 101 calls answered within 3 minutes"),
        owner: "Head of Contact Management",
        unit: Unit::Percent,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::FourWeekly,
        target: Some(9000),
        extra: PLAIN,
        last_year: &[
            7420, 7380, 7150, 7090, 6980, 7210, 7460, 7630, 7710, 7840, 7920, 8050, 8130,
        ],
        this_year: &[
            8210, 8340, 8290, 8160, 8420, 8610, 8750, 8830, 8920, 9010, 9050, 9080, 9120,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("AFI 1"),
        title: "Reduce abandoned 101 calls to 5%",
        wording: || Wording::new("the share of 101 calls abandoned before being answered"),
        owner: "Head of Contact Management",
        unit: Unit::Percent,
        direction: Direction::LowerIsBetter,
        measure: MeasureType::Level,
        calendar: Calendar::FourWeekly,
        target: Some(500),
        extra: PLAIN,
        last_year: &[
            1240, 1310, 1380, 1420, 1460, 1290, 1180, 1090, 1010, 970, 930, 880, 860,
        ],
        this_year: &[
            820, 790, 760, 810, 720, 640, 610, 590, 560, 540, 520, 510, 500,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
    DemoIndicator {
        objective: Some("AFI 2"),
        title: "Repeat and vulnerable callers identified at first contact",
        wording: || {
            Wording::new("the number of repeat and vulnerable callers identified at first contact")
        },
        owner: "Head of Contact Management",
        unit: Unit::Count,
        direction: Direction::HigherIsBetter,
        measure: MeasureType::Cumulative,
        calendar: Calendar::FourWeekly,
        target: Some(520_000),
        extra: PLAIN,
        last_year: &[
            28_000, 61_000, 93_000, 126_000, 158_000, 192_000, 231_000, 268_000, 301_000, 337_000,
            371_000, 402_000, 436_000,
        ],
        this_year: &[
            36_000, 75_000, 113_000, 150_000, 191_000, 231_000, 270_000, 312_000, 351_000, 392_000,
            431_000, 474_000, 516_000,
        ],
        latest_not_yet_available: false,
        last_year_stated: false,
    },
];

/// Adds the demo indicators and their figures to the plan titled `plan_title`, linking each to
/// the objective with its reference. `today` decides which periods have ended.
pub async fn add_demo_indicators(
    store: &Store,
    org: OrgId,
    plan_title: &str,
    set: &[DemoIndicator],
    today: NaiveDate,
) -> Result<()> {
    let scope = Scope::Org(org);
    let plan = store
        .plans(scope)
        .await?
        .into_iter()
        .find(|plan| plan.title == plan_title)
        .ok_or_else(|| AppError::Internal(format!("the demo plan {plan_title:?} is missing")))?;
    let view = store.plan_as_at(scope, plan.id, today, None).await?;
    let objective = |reference: &str| -> Option<ItemId> {
        view.items
            .iter()
            .find(|item| item.fields.reference.as_deref() == Some(reference))
            .map(|item| item.id)
    };
    let out_of_range = || AppError::Internal("today is out of the demo's range".into());
    let this_year = FinancialYear::containing(today).map_err(|_| out_of_range())?;
    let last_year = this_year.previous().ok_or_else(out_of_range)?;
    // Last year's figures came from a workbook imported when the plan was set up.
    let set_up = today.checked_sub_days(Days::new(185)).unwrap_or(today);
    let import = format!("Import of the {last_year} performance workbook");

    let mut measurements = Vec::new();
    for (position, demo) in set.iter().enumerate() {
        let stored = store
            .create_indicator(&NewIndicator {
                org,
                plan: plan.id,
                indicator: demo.indicator(demo.objective.and_then(objective)),
                owner_post: Some(demo.owner.to_string()),
                position: position as i64,
            })
            .await?;
        let id = stored.indicator.id;
        let entry = |measurement: Measurement, by: &str, when: DateTime<Utc>| NewMeasurement {
            indicator: id,
            measurement,
            entered_by: by.to_string(),
            entered_at: Some(when),
            reason: None,
        };
        // Every period ended by today, last year's first, with the figure entered for it.
        let mut ended: Vec<Measurement> = Vec::new();
        if !demo.last_year_stated {
            for (period, figure) in demo.calendar.periods(last_year).iter().zip(demo.last_year) {
                ended.push(Measurement::new(*period, Figure::from_hundredths(*figure)));
            }
        }
        let this_years = demo.calendar.periods(this_year);
        for (index, (period, figure)) in this_years.iter().zip(demo.this_year).enumerate() {
            let mut measurement = Measurement::new(*period, Figure::from_hundredths(*figure));
            if demo.last_year_stated {
                measurement.same_period_last_year = demo
                    .last_year
                    .get(index)
                    .map(|h| Figure::from_hundredths(*h));
            }
            ended.push(measurement);
        }
        ended.retain(|m| m.period.end_date() < today);

        for (index, measurement) in ended.iter().copied().enumerate() {
            let latest = index + 1 == ended.len();
            let period = measurement.period;
            // Entered about a week after the period ends, or with the import at set-up.
            let due = plus(period.end_date(), 8);
            let (by, when) = if due <= set_up {
                (import.as_str(), at(set_up))
            } else {
                (ANALYST, at(due.min(today)))
            };
            let not_yet_available = Measurement {
                actual: Actual::NotYetAvailable,
                ..measurement
            };
            if latest && demo.latest_not_yet_available {
                measurements.push(entry(not_yet_available, by, when));
                continue;
            }
            // Figures that lag were first entered as not yet available, then given their
            // figure when it arrived: the history shows both.
            if demo.latest_not_yet_available && by == ANALYST {
                measurements.push(entry(not_yet_available, by, when));
                let arrived = plus(period.end_date(), 40).min(today);
                measurements.push(entry(measurement, ANALYST, at(arrived)));
                continue;
            }
            // One figure is keyed wrongly and corrected four days later.
            if position == 0 && index + 2 == ended.len() && by == ANALYST {
                let figure = measurement.actual.figure().unwrap_or(Figure::ZERO);
                let mistyped =
                    Measurement::new(period, Figure::from_hundredths(figure.hundredths() - 410));
                measurements.push(entry(mistyped, by, when));
                let corrected = plus(due, 4).min(today);
                measurements.push(entry(measurement, "Jo Whitfield", at(corrected)));
                continue;
            }
            measurements.push(entry(measurement, by, when));
        }
    }
    store.record_measurements(scope, &measurements).await?;
    Ok(())
}

impl DemoIndicator {
    fn indicator(&self, objective: Option<ItemId>) -> Indicator {
        let figure = |h: Option<i64>| h.map(Figure::from_hundredths);
        let base = Indicator::new(
            IndicatorId(0),
            self.title,
            (self.wording)(),
            self.unit,
            self.direction,
            self.measure,
            self.calendar,
        );
        Indicator {
            objective,
            annual_target: figure(self.target),
            baseline: figure(self.extra.baseline),
            minimum: figure(self.extra.minimum),
            stretch: figure(self.extra.stretch),
            profile: match self.extra.profile {
                Some(points) => {
                    Profile::Cumulative(points.iter().map(|p| Figure::whole(*p)).collect())
                }
                None => Profile::Linear,
            },
            tolerance: self.extra.tolerance.unwrap_or(base.tolerance),
            ..base
        }
    }
}

/// `days` after `day`; the demo's dates are nowhere near the end of time.
fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// Ten in the morning on a day, but never later than now: entries cannot come from the future.
fn at(day: NaiveDate) -> DateTime<Utc> {
    let now = Utc::now();
    day.and_hms_opt(10, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t))
        .map_or(now, |t| t.min(now))
}
