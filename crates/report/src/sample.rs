//! A synthetic report in the shape of seed 004 (objectives, actions, narrative updates and
//! indicators), built through the real builder without a database. Used by tests, the bench and
//! anyone who wants to preview a layout; all names and words are made up.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use waymark_core::indicator::{
    Calendar, Direction, Figure, FinancialYear, Indicator, IndicatorId, MeasureType, Measurement,
    Period, Unit, Wording,
};
use waymark_core::{
    Classification, Flag, FlexDate, ItemFields, ItemId, Marking, OrgId, Plan, PlanId, PlanKind,
    Rag, Update, UpdateCycle, UpdateId,
};
use waymark_store::{ItemState, PlanView};

use crate::build::{ReportInputs, ReportRequest, ReportSettings, build_report};
use crate::chart::TrendChart;
use crate::model::{IndicatorRow, RagView, Report};

/// How big a sample to make.
#[derive(Debug, Clone, Copy)]
pub struct SampleSize {
    pub objectives: usize,
    pub actions_per_objective: usize,
    pub updates_per_action: usize,
}

impl SampleSize {
    /// Seven objectives of seven actions, one update each: seed 004's Part 2.
    pub const SEED_004: SampleSize = SampleSize {
        objectives: 7,
        actions_per_objective: 7,
        updates_per_action: 1,
    };
}

const OBJECTIVES: [&str; 7] = [
    "Strengthen neighbourhood policing to respond to local needs and increase public confidence",
    "Develop our partnerships to reduce crime and disorder",
    "Improve the service provided to victims, witnesses and the public",
    "Protect our communities from the threat of terrorism and organised crime",
    "Use information and intelligence to be more effective",
    "Develop our people to give the best service",
    "Improve the use of our resources",
];

const ACTIONS: [&str; 7] = [
    "Review the deployment of PCSOs across each BCU",
    "Agree joint tasking with every CDRP",
    "Extend the use of ANPR to target travelling criminals",
    "Make extended use of the Proceeds of Crime Act (POCA)",
    "Put a MARAC in place in every LPA",
    "Map the organised crime groups (OCGs) active in the force area",
    "Respond to the HMICFRS inspection recommendations",
];

const UPDATES: [&str; 4] = [
    "The review is under way and a draft report will go to the Chief Officer Group in November. \
     Two of the five analysts are in post; the other three are awaiting vetting.",
    "Protocols have been agreed and signed off and best practice is being shared with partners. \
     Funding of £120,000 has been agreed with the PCC for the next phase.",
    "Progress has been slower than planned because of supplier issues; a revised timetable is \
     being agreed and the risk is on the programme risk register.",
    "Work is complete and the new process went live on 13 October. Benefits will be measured \
     over the next two quarters and reported to the Performance Group.",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn instant(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap_or_default())
}

/// The inputs of a Q2 2008-09 report of a delivery plan of `size`.
pub fn sample_inputs(size: SampleSize) -> ReportInputs {
    let as_at = day(2008, 9, 30);
    let since = day(2008, 6, 30);
    let plan = Plan {
        id: PlanId(1),
        org: OrgId(1),
        kind: PlanKind::Delivery,
        title: "Annual Delivery Plan".into(),
        period: Some("2008-09".into()),
        level_names: PlanKind::Delivery.default_levels(),
        owner_posts: vec!["Deputy Chief Constable".into()],
        source: None,
        update_cycle: UpdateCycle::Quarterly,
        marking: Classification::OFFICIAL,
        archived: false,
    };
    let rags = [
        Some(Rag::Green),
        Some(Rag::Amber),
        Some(Rag::Green),
        Some(Rag::Red),
        Some(Rag::Green),
        None,
        Some(Rag::Green),
    ];
    let mut items = Vec::new();
    let mut previous_items = Vec::new();
    let mut next_id = 1;
    let mut next_update = 1;
    for o in 0..size.objectives {
        let objective_id = ItemId(next_id);
        next_id += 1;
        let objective = ItemState {
            id: objective_id,
            depth: 0,
            exists_from: day(2008, 4, 1),
            fields: ItemFields {
                position: o as i64,
                reference: Some((o + 1).to_string()),
                text: OBJECTIVES[o % OBJECTIVES.len()].to_string(),
                ..ItemFields::default()
            },
            changed_on: day(2008, 4, 1),
            updates: Vec::new(),
            latest_update: None,
            flags: Vec::new(),
            children: Vec::new(),
        };
        let mut children = Vec::new();
        let mut actions = Vec::new();
        for a in 0..size.actions_per_objective {
            let id = ItemId(next_id);
            next_id += 1;
            children.push(id);
            let rag = rags[(o + a) % rags.len()];
            let complete = (o + a) % 11 == 3;
            let due = day(2008, 9, 15)
                .checked_add_days(Days::new(((o * 7 + a) % 5) as u64 * 30))
                .unwrap_or(as_at);
            let mut updates = Vec::new();
            for u in 0..size.updates_per_action {
                let as_of = as_at
                    .checked_sub_days(Days::new((u as u64) * 20 + (a as u64 % 3)))
                    .unwrap_or(as_at);
                updates.push(Update {
                    id: UpdateId(next_update),
                    item: id,
                    as_of,
                    entered_at: instant(as_of),
                    author_person: None,
                    author_post: Some("Head of Neighbourhood Policing".into()),
                    text: UPDATES[(o + a + u) % UPDATES.len()].to_string(),
                    proposed_rag: rag,
                    supersedes: None,
                });
                next_update += 1;
            }
            updates.sort_by_key(|u| u.entered_at);
            let latest = updates.iter().max_by_key(|u| u.as_of).cloned();
            let overdue = !complete && due < as_at;
            let fields = ItemFields {
                parent: Some(objective_id),
                position: a as i64,
                reference: Some(format!("{}.{}", o + 1, a + 1)),
                text: ACTIONS[(o * 3 + a) % ACTIONS.len()].to_string(),
                owners: vec!["Head of Local Policing".into()],
                strategic_lead: Some("ACC Operations".into()),
                due: Some(FlexDate::exact(due)),
                complete,
                completed_on: complete.then_some(day(2008, 9, 1)),
                rag,
                marking: (o == 3 && a == 2)
                    .then_some(Classification::new(Marking::OfficialSensitive)),
                ..ItemFields::default()
            };
            // A quarter earlier some actions were Green and none were complete, so "since the
            // last report" has RAG changes and completions to list.
            let before = ItemState {
                id,
                depth: 1,
                exists_from: day(2008, 4, 1),
                fields: ItemFields {
                    rag: if a % 4 == 1 { Some(Rag::Green) } else { rag },
                    complete: false,
                    completed_on: None,
                    ..fields.clone()
                },
                changed_on: day(2008, 4, 1),
                updates: Vec::new(),
                latest_update: None,
                flags: Vec::new(),
                children: Vec::new(),
            };
            previous_items.push(before);
            actions.push(ItemState {
                id,
                depth: 1,
                exists_from: day(2008, 4, 1),
                fields,
                changed_on: day(2008, 8, 14),
                updates,
                latest_update: latest,
                flags: if overdue {
                    vec![Flag::Overdue]
                } else {
                    Vec::new()
                },
                children: Vec::new(),
            });
        }
        let mut objective = objective;
        objective.children = children;
        previous_items.push(objective.clone());
        items.push(objective);
        items.extend(actions);
    }
    let view = PlanView::new(plan.clone(), as_at, None, items);
    let previous = PlanView::new(plan, since, None, previous_items);
    let period = Period::parse("Q2 2008-09").ok();
    ReportInputs {
        request: ReportRequest {
            plans: vec![PlanId(1)],
            as_at,
            known_at: None,
            period,
            since: None,
            today: day(2008, 10, 20),
        },
        organisation: "Northshire Police".into(),
        views: vec![view],
        previous: vec![previous],
        rag_changes: Default::default(),
        indicators: sample_indicators(size.objectives),
        narratives: Vec::new(),
        evidence: Vec::new(),
        closures: Vec::new(),
    }
}

/// Indicators like seed 004's, formatted as reports print them.
pub fn sample_indicators(objectives: usize) -> Vec<IndicatorRow> {
    let row = |objective: i64,
               title: &str,
               target: &str,
               actual: &str,
               last_year: Option<&str>,
               rag: Option<Rag>,
               sentence: &str| IndicatorRow {
        objective: Some(objective),
        title: title.into(),
        target: target.into(),
        actual: actual.into(),
        last_year: last_year.map(str::to_string),
        rag: match rag {
            Some(rag) => RagView::of(Some(rag)),
            None => RagView::none("Not yet available"),
        },
        sentence: sentence.into(),
        baseline: None,
        minimum: None,
        stretch: None,
        forecast: None,
        previous_rag: Some(RagView::of(Some(Rag::Green))),
        period: "Q2 2008-09".into(),
        period_end_iso: "2008-09-30".into(),
        chart: None,
        indicator: None,
        commentary: None,
        period_target: None,
        rule: None,
        figures: None,
    };
    // Objective item ids in the sample: objective o has id 1 + o * (actions + 1); only the
    // first is certain whatever the size, so most indicators hang off it or go to "other".
    let first = 1;
    let mut rows = vec![
        IndicatorRow {
            baseline: Some("246".into()),
            minimum: Some("273".into()),
            stretch: Some("300".into()),
            ..row(
                first,
                "Increase the number of special constables by March 2009",
                "300",
                "280",
                Some("265"),
                Some(Rag::Amber),
                "The number of special constables has reached 280 at the end of September, \
                 short of the target of 300 but up from 265 at the same point last year.",
            )
        },
        row(
            first,
            "Increase satisfaction with the overall service provided",
            "80%",
            "80.1%",
            Some("77.1%"),
            Some(Rag::Green),
            "Overall satisfaction with the service provided has reached 80.1%, achieving the \
             target of 80%.",
        ),
        row(
            first,
            "The value of confiscation orders",
            "£3,000,000",
            "£2,109,747",
            None,
            Some(Rag::Green),
            "The value of confiscation orders has reached £2,109,747 by the end of September, \
             ahead of the £1,500,000 due by then; on track for £3,000,000.",
        ),
        row(
            first,
            "Increase the sanction detection rate for racially and religiously aggravated crimes",
            "38%",
            "31.7%",
            Some("32.9%"),
            Some(Rag::Red),
            "The sanction detection rate for racially and religiously aggravated crimes is 31.7%, \
             below the target of 38% and the 32.9% of the same period last year.",
        ),
    ];
    let charts = [
        sample_chart(
            &rows[0].title,
            Unit::Count,
            MeasureType::Level,
            300.0,
            [(248.0, 240.0), (280.0, 265.0)],
        ),
        sample_chart(
            &rows[1].title,
            Unit::Percent,
            MeasureType::Level,
            80.0,
            [(79.1, 76.5), (80.1, 77.1)],
        ),
        sample_chart(
            &rows[2].title,
            Unit::Money,
            MeasureType::Cumulative,
            3_000_000.0,
            [(900_000.0, 700_000.0), (2_109_747.0, 1_650_000.0)],
        ),
        sample_chart(
            &rows[3].title,
            Unit::Percent,
            MeasureType::Level,
            38.0,
            [(33.0, 33.5), (31.7, 32.9)],
        ),
    ];
    for (row, chart) in rows.iter_mut().zip(charts) {
        row.chart = chart;
    }
    if objectives == 0 {
        rows.clear();
    }
    rows
}

/// A higher-is-better quarterly indicator's chart for 2008-09 from its Q1 and Q2 figures, each
/// with the same quarter last year.
fn sample_chart(
    title: &str,
    unit: Unit,
    measure: MeasureType,
    target: f64,
    quarters: [(f64, f64); 2],
) -> Option<TrendChart> {
    let indicator = Indicator {
        annual_target: Figure::from_f64(target),
        ..Indicator::new(
            IndicatorId(0),
            title,
            Wording::new(title),
            unit,
            Direction::HigherIsBetter,
            measure,
            Calendar::Quarterly,
        )
    };
    let year = FinancialYear::starting(2008).ok();
    let measurements: Vec<Measurement> = quarters
        .iter()
        .zip(1..)
        .filter_map(|((actual, last_year), quarter)| {
            let period = Period::quarter(year?, quarter).ok()?;
            Some(
                Measurement::new(period, Figure::from_f64(*actual)?)
                    .with_last_year(Figure::from_f64(*last_year)?),
            )
        })
        .collect();
    let q2 = measurements.last()?.period;
    Some(TrendChart::new(&indicator, &measurements, q2))
}

/// A built sample report.
pub fn sample_report(size: SampleSize) -> Report {
    build_report(&sample_inputs(size), &sample_settings())
}

/// Settings with a cover paper and one organisation term.
pub fn sample_settings() -> ReportSettings {
    let mut settings = ReportSettings {
        author: Some("Head of Performance and Planning".into()),
        ..ReportSettings::default()
    };
    settings.paper.meeting = Some("Police and Crime Panel, 12 June 2009".into());
    settings.paper.purpose = Some(
        "To report progress at the end of the year against the aims and objectives of the \
         strategic plan."
            .into(),
    );
    settings.paper.recommendations = vec![
        "Note the progress made against the plan.".into(),
        "Agree the actions carried forward into next year's delivery plan.".into(),
    ];
    settings.paper.for_decision = true;
    settings.paper.sponsor = Some("Deputy Chief Constable".into());
    settings
        .glossary
        .insert("NSP".into(), "Northshire Police".into());
    settings
}
