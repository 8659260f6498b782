//! Every indicator of seed 004 Part 1 (Thames Valley, Q2 2008-09) evaluated by the rules, and the
//! sentence for every combination of direction and measure type. The figures are the seed's; where
//! the seed's colours were lost in its text export, the RAG asserted is what the stated rule gives,
//! worked in the comment beside it.

#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

use crate::ItemId;
use crate::rag::Rag;

use super::*;

fn year() -> FinancialYear {
    FinancialYear::starting(2008).unwrap()
}

fn q(n: u32) -> Period {
    Period::quarter(year(), n).unwrap()
}

fn last_year_q(n: u32) -> Period {
    Period::quarter(FinancialYear::starting(2007).unwrap(), n).unwrap()
}

fn h(hundredths: i64) -> Figure {
    Figure::from_hundredths(hundredths)
}

fn n(units: i32) -> Figure {
    Figure::whole(units)
}

fn indicator(
    wording: Wording,
    unit: Unit,
    direction: Direction,
    measure: MeasureType,
    target: Option<Figure>,
) -> Indicator {
    Indicator {
        annual_target: target,
        objective: Some(ItemId(1)),
        ..Indicator::new(
            IndicatorId(1),
            wording.subject.clone(),
            wording,
            unit,
            direction,
            measure,
            Calendar::Quarterly,
        )
    }
}

fn level_pct(subject: &str, target: i64) -> Indicator {
    indicator(
        Wording::new(subject),
        Unit::Percent,
        Direction::HigherIsBetter,
        MeasureType::Level,
        Some(h(target)),
    )
}

fn reduction(subject: &str) -> Indicator {
    indicator(
        Wording::new(subject),
        Unit::Percent,
        Direction::LowerIsBetter,
        MeasureType::Change,
        Some(n(-5)),
    )
}

fn ocg() -> Indicator {
    indicator(
        Wording::counting(
            "the number of organised crime groups disrupted",
            "organised crime group",
            "organised crime groups",
            "disrupted",
        ),
        Unit::Count,
        Direction::HigherIsBetter,
        MeasureType::Cumulative,
        Some(n(35)),
    )
}

fn at_q2(indicator: &Indicator, measurements: &[Measurement]) -> Evaluation {
    evaluate(indicator, measurements, q(2))
}

// ---- Part 1, objective by objective ----

#[test]
fn public_confidence_is_not_yet_available() {
    let confidence = level_pct(
        "the percentage of people who agree that the police and local councils are dealing with \
         anti-social behaviour and crime issues that matter in their area",
        3610,
    );
    let e = at_q2(&confidence, &[Measurement::not_yet_available(q(2))]);
    assert_eq!(e.state, Some(IndicatorState::NotYetAvailable));
    assert_eq!(
        (e.rag, e.actual, e.forecast, e.on_track),
        (None, None, None, None)
    );
    assert_eq!(e.annual_target, Some(h(3610)));
    assert_eq!(
        e.sentence,
        "The percentage of people who agree that the police and local councils are dealing with \
         anti-social behaviour and crime issues that matter in their area is not yet available \
         for Q2 2008-09."
    );
    // No measurement at all reads the same as one recorded as not yet available.
    assert_eq!(at_q2(&confidence, &[]), e);
}

#[test]
fn special_constables_are_amber_by_minimum_and_stretch_and_on_track() {
    let constables = Indicator {
        baseline: Some(n(246)),
        minimum: Some(n(273)),
        stretch: Some(n(300)),
        ..indicator(
            Wording::new("the number of special constables"),
            Unit::Count,
            Direction::HigherIsBetter,
            MeasureType::Level,
            Some(n(300)),
        )
    };
    let measurements = [
        Measurement::new(q(1), n(248)),
        Measurement::new(q(2), n(280)).with_last_year(n(265)),
    ];
    let e = at_q2(&constables, &measurements);
    // 280 is short of the stretch of 300 but at or beyond the minimum of 273.
    assert_eq!(e.rag, Some(Rag::Amber));
    assert_eq!(e.target_for_period, Some(n(300)));
    // Least squares through (0, 246), (¼, 248), (½, 280) reads 309 at the year end: the seed's
    // "performing at a level to achieve the target by 31 March 2009".
    assert_eq!(e.forecast, Some(n(309)));
    assert_eq!(e.on_track, Some(true));
    assert_eq!(
        e.sentence,
        "The number of special constables is 280, which is below the target of 300 but meets the \
         minimum target of 273; at this rate the target will be met by March. This is up from \
         248 at the end of June and from 265 at the same point last year."
    );
}

#[test]
fn serious_acquisitive_crime_is_red() {
    let sac = reduction("the level of serious acquisitive crime");
    let e = at_q2(&sac, &[Measurement::new(q(2), h(10))]);
    // A rise of 0.1% against a 5% reduction: 5.1 points short, beyond 10% × 5 = 0.5 points.
    assert_eq!(e.rag, Some(Rag::Red));
    assert_eq!(e.forecast, Some(h(10)));
    assert_eq!(e.on_track, Some(false));
    assert_eq!(
        e.sentence,
        "The level of serious acquisitive crime has risen by 0.1% against a reduction target of 5%."
    );
    assert_eq!(sac.format(h(10), Role::Measured), "+0.1%");
    assert_eq!(sac.format(n(-5), Role::Target), "-5%");

    let with_june = at_q2(
        &sac,
        &[Measurement::new(q(1), h(70)), Measurement::new(q(2), h(10))],
    );
    assert_eq!(
        with_june.sentence,
        "The level of serious acquisitive crime has risen by 0.1% against a reduction target of \
         5%. This is better than a rise of 0.7% at the end of June."
    );
}

#[test]
fn domestic_abuse_arrest_rate_is_green() {
    let arrests = Indicator {
        baseline: Some(n(78)),
        minimum: Some(n(79)),
        stretch: Some(n(80)),
        ..level_pct(
            "the arrest rate for domestic abuse where the victim is assessed as being at high or \
             medium risk",
            8000,
        )
    };
    let e = at_q2(
        &arrests,
        &[
            Measurement::new(q(1), h(8050)),
            Measurement::new(q(2), h(8530)),
        ],
    );
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(e.on_track, Some(true));
    assert_eq!(
        e.sentence,
        "The arrest rate for domestic abuse where the victim is assessed as being at high or \
         medium risk has reached 85.3%, which exceeds the target of 80%. This is up from 80.5% at \
         the end of June."
    );
}

#[test]
fn actual_bodily_harm_reduction_of_4_3_against_5_is_red_under_the_default_tolerance() {
    let abh = reduction(
        "the level of non-domestic abuse with less serious injury (assault resulting in actual \
         bodily harm)",
    );
    let measurements = [
        Measurement::new(q(1), h(-430)),
        Measurement::new(q(2), h(-430)),
    ];
    let e = at_q2(&abh, &measurements);
    // 0.7 points short of -5%, beyond 10% × 5 = 0.5 points. See the `rag` module for why the
    // band is taken from the change itself.
    assert_eq!(e.rag, Some(Rag::Red));
    assert_eq!(
        e.sentence,
        "The level of non-domestic abuse with less serious injury (assault resulting in actual \
         bodily harm) has fallen by 4.3% against a reduction target of 5%. This is the same as a \
         fall of 4.3% at the end of June."
    );
    // A force whose key means one percentage point sees Amber.
    let in_points = Indicator {
        tolerance: Tolerance::absolute(n(1)),
        ..abh
    };
    assert_eq!(at_q2(&in_points, &measurements).rag, Some(Rag::Amber));
}

#[test]
fn sanction_detections_for_serious_acquisitive_crime_are_green() {
    let detections = level_pct(
        "the sanction detection rate for serious acquisitive crime",
        1220,
    );
    let e = at_q2(
        &detections,
        &[
            Measurement::new(q(1), h(1430)),
            Measurement::new(q(2), h(1280)),
            Measurement::new(last_year_q(2), h(950)),
        ],
    );
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(e.same_period_last_year, Some(h(950)));
    assert_eq!(
        e.sentence,
        "The sanction detection rate for serious acquisitive crime is 12.8%, which exceeds the target of 12.2%. This is down from 14.3% at the end of June but up from 9.5% \
         at the same point last year."
    );
}

#[test]
fn serious_violent_and_sexual_detections_are_amber() {
    let detections = level_pct(
        "the sanction detection rate for serious violent and sexual offences",
        3480,
    );
    let e = at_q2(&detections, &[Measurement::new(q(2), h(3140))]);
    // 3.4 points short; 10% of 34.8 is 3.48, so within the band.
    assert_eq!(e.rag, Some(Rag::Amber));
    // One point and no baseline: no line to draw, so no forecast.
    assert_eq!((e.forecast, e.on_track), (None, None));
    assert_eq!(
        e.sentence,
        "The sanction detection rate for serious violent and sexual offences is 31.4%, which is \
         below the target of 34.8%."
    );
}

#[test]
fn racially_and_religiously_aggravated_detections_are_red() {
    let detections = level_pct(
        "the sanction detection rate for racially and religiously aggravated crimes",
        3800,
    );
    let e = at_q2(
        &detections,
        &[
            Measurement::new(q(1), h(3300)),
            Measurement::new(q(2), h(3170)).with_last_year(h(3290)),
        ],
    );
    // 6.3 points short, beyond 3.8.
    assert_eq!(e.rag, Some(Rag::Red));
    assert_eq!(e.on_track, Some(false));
    assert_eq!(
        e.sentence,
        "The sanction detection rate for racially and religiously aggravated crimes is 31.7%, \
         which is below the target of 38%; at this rate it will be 29.1% by March, still below \
         the target. This is down from 33.0% at the end of June and from 32.9% at the same point \
         last year."
    );
}

#[test]
fn satisfaction_is_green_and_reads_as_the_executive_summary() {
    let satisfaction = level_pct("overall satisfaction with the service provided", 8000);
    let e = at_q2(&satisfaction, &[Measurement::new(q(2), h(8010))]);
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(
        e.sentence,
        "Overall satisfaction with the service provided has reached 80.1%, which exceeds the \
         target of 80%."
    );
    let compared = at_q2(
        &satisfaction,
        &[
            Measurement::new(q(1), h(7910)),
            Measurement::new(q(2), h(8010)).with_last_year(h(7710)),
        ],
    );
    assert_eq!(
        compared.sentence,
        "Overall satisfaction with the service provided has reached 80.1%, which exceeds the \
         target of 80%. This is up from 79.1% at the end of June and from 77.1% at the same point \
         last year."
    );
}

#[test]
fn call_handling_is_green() {
    let emergency = level_pct(
        "the percentage of 999 calls answered within the national target of 10 seconds",
        9000,
    );
    let e = at_q2(&emergency, &[Measurement::new(q(2), n(92))]);
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(
        e.sentence,
        "The percentage of 999 calls answered within the national target of 10 seconds has \
         reached 92.0%, which exceeds the target of 90%."
    );
    let enquiries = level_pct(
        "the percentage of non-emergency calls to the PECs answered within 40 seconds",
        9000,
    );
    let e = at_q2(&enquiries, &[Measurement::new(q(2), h(9350))]);
    assert_eq!(e.rag, Some(Rag::Green));
}

#[test]
fn organised_crime_groups_are_green_and_on_track() {
    let e = at_q2(&ocg(), &[Measurement::new(q(2), n(24))]);
    assert_eq!(e.target_for_period, Some(h(1750)));
    assert_eq!(e.annual_target, Some(n(35)));
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(e.forecast, Some(n(48)));
    assert_eq!(e.on_track, Some(true));
    assert_eq!(
        e.sentence,
        "24 organised crime groups have been disrupted by the end of September; at this rate the \
         target of 35 will be met by March."
    );
}

#[test]
fn confiscation_orders_are_green_with_an_exact_forecast() {
    let confiscation = indicator(
        Wording::new("the value of confiscation orders"),
        Unit::Money,
        Direction::HigherIsBetter,
        MeasureType::Cumulative,
        Some(Figure::parse("£3,000,000").unwrap()),
    );
    let actual = Figure::parse("£2,109,747").unwrap();
    let e = at_q2(&confiscation, &[Measurement::new(q(2), actual)]);
    assert_eq!(e.target_for_period, Some(Figure::from_pence(150_000_000)));
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(e.forecast, Some(Figure::from_pence(421_949_400)));
    assert_eq!(e.on_track, Some(true));
    assert_eq!(
        format_figure(e.forecast.unwrap(), Unit::Money, Role::Forecast),
        "£4,219,494"
    );
    assert_eq!(
        e.sentence,
        "The value of confiscation orders has reached £2,109,747 by the end of September; at this \
         rate the target of £3,000,000 will be met by March."
    );
}

#[test]
fn senior_mentors_are_green() {
    let mentors = Indicator {
        baseline: Some(n(60)),
        ..indicator(
            Wording::new("the number of active senior mentors"),
            Unit::Count,
            Direction::HigherIsBetter,
            MeasureType::Level,
            Some(n(72)),
        )
    };
    let e = at_q2(
        &mentors,
        &[Measurement::new(q(1), n(72)), Measurement::new(q(2), n(84))],
    );
    assert_eq!(e.rag, Some(Rag::Green));
    // 60, 72, 84 at 0, ¼, ½: a straight line reaching 108.
    assert_eq!(e.forecast, Some(n(108)));
    assert_eq!(
        e.sentence,
        "The number of active senior mentors has reached 84, which exceeds the target of 72. This \
         is up from 72 at the end of June."
    );
}

#[test]
fn leadership_programme_inspectors_are_red_and_off_track() {
    let cldp = indicator(
        Wording::counting(
            "the number of inspectors accessing CLDP Level 2",
            "inspector",
            "inspectors",
            "through CLDP Level 2",
        ),
        Unit::Count,
        Direction::HigherIsBetter,
        MeasureType::Cumulative,
        Some(n(34)),
    );
    let e = at_q2(
        &cldp,
        &[Measurement::new(q(2), n(15)).with_last_year(n(15))],
    );
    // Pro-rata 17; 2 short, beyond 10% of 17 = 1.7. (Measured against 10% of the annual 34 it
    // would be Amber; the band is 10% of the target judged against.)
    assert_eq!(e.target_for_period, Some(n(17)));
    assert_eq!(e.rag, Some(Rag::Red));
    assert_eq!(e.forecast, Some(n(30)));
    assert_eq!(e.on_track, Some(false));
    assert_eq!(
        e.sentence,
        "15 inspectors have been through CLDP Level 2 by the end of September; at this rate 30 \
         will be reached by March, short of the target of 34. This is unchanged from 15 at the \
         same point last year."
    );
}

#[test]
fn cashable_savings_are_green() {
    let savings = Indicator {
        wording: Wording::plural("cashable efficiency savings"),
        ..level_pct("", 300)
    };
    let e = at_q2(&savings, &[Measurement::new(q(2), h(330))]);
    assert_eq!(e.rag, Some(Rag::Green));
    assert_eq!(
        e.sentence,
        "Cashable efficiency savings have reached 3.3%, which exceeds the target of 3%."
    );
    assert_eq!(
        at_q2(&savings, &[]).sentence,
        "Cashable efficiency savings are not yet available for Q2 2008-09."
    );
}

#[test]
fn diagnostic_indicators_have_no_target() {
    let diagnostic = indicator(
        Wording::new("the number of intelligence reports submitted"),
        Unit::Count,
        Direction::HigherIsBetter,
        MeasureType::Level,
        None,
    );
    let e = at_q2(&diagnostic, &[Measurement::new(q(2), n(1234))]);
    assert_eq!(e.state, Some(IndicatorState::NoTarget));
    assert_eq!((e.rag, e.target_for_period, e.on_track), (None, None, None));
    assert_eq!(e.actual, Some(n(1234)));
    assert_eq!(
        e.sentence,
        "The number of intelligence reports submitted is 1,234; no target is set."
    );
    let nothing = at_q2(&diagnostic, &[]);
    assert_eq!(nothing.state, Some(IndicatorState::NoTarget));
    assert_eq!(
        nothing.sentence,
        "The number of intelligence reports submitted is not yet available for Q2 2008-09; no \
         target is set."
    );
}

// ---- A sentence for every direction × measure type ----

fn sentence(indicator: &Indicator, measurements: &[Measurement], period: Period) -> String {
    evaluate(indicator, measurements, period).sentence
}

#[test]
fn level_where_higher_is_better() {
    let rate = level_pct("the arrest rate", 8000);
    let say = |actual| sentence(&rate, &[Measurement::new(q(2), actual)], q(2));
    assert_eq!(
        say(h(8530)),
        "The arrest rate has reached 85.3%, which exceeds the target of 80%."
    );
    assert_eq!(
        say(n(80)),
        "The arrest rate has reached 80.0%, which meets the target of 80%."
    );
    assert_eq!(
        say(n(75)),
        "The arrest rate is 75.0%, which is below the target of 80%."
    );
    let stretched = Indicator {
        stretch: Some(n(85)),
        ..rate
    };
    assert_eq!(
        sentence(&stretched, &[Measurement::new(q(2), n(82))], q(2)),
        "The arrest rate has reached 82.0%, which exceeds the target of 80% but not the stretch \
         target of 85%."
    );
}

#[test]
fn level_where_lower_is_better() {
    let time = Indicator {
        baseline: Some(n(14)),
        ..indicator(
            Wording::new("the average time to file a case"),
            Unit::Days,
            Direction::LowerIsBetter,
            MeasureType::Level,
            Some(n(10)),
        )
    };
    let say = |actual| sentence(&time, &[Measurement::new(q(2), actual)], q(2));
    assert_eq!(
        say(n(8)),
        "The average time to file a case is 8 days, which is within the target of 10 days."
    );
    assert_eq!(
        say(n(10)),
        "The average time to file a case is 10 days, which meets the target of 10 days."
    );
    // From 14 at the start of the year to 12 at half way: 10 by the year end.
    assert_eq!(
        say(n(12)),
        "The average time to file a case is 12 days, which is above the target of 10 days; at \
         this rate the target will be met by March."
    );
    let slower = Indicator {
        baseline: Some(n(11)),
        minimum: Some(n(11)),
        ..time
    };
    assert_eq!(
        sentence(&slower, &[Measurement::new(q(2), n(12))], q(2)),
        "The average time to file a case is 12 days, which is above the target of 10 days and \
         short of the minimum target of 11 days; at this rate it will be 13 days by March, still \
         above the target."
    );
    assert_eq!(
        evaluate(&slower, &[Measurement::new(q(2), n(12))], q(2)).rag,
        Some(Rag::Red)
    );
}

#[test]
fn cumulative_where_higher_is_better() {
    let groups = ocg();
    let say = |actual, period| sentence(&groups, &[Measurement::new(period, actual)], period);
    assert_eq!(
        say(n(36), q(2)),
        "36 organised crime groups have been disrupted by the end of September; the target of 35 \
         for the year has already been met."
    );
    assert_eq!(
        say(n(1), q(1)),
        "1 organised crime group has been disrupted by the end of June; at this rate 4 will be \
         reached by March, short of the target of 35."
    );
    assert_eq!(
        say(n(36), q(4)),
        "36 organised crime groups have been disrupted by the end of March, which exceeds the \
         target of 35."
    );
    assert_eq!(
        say(n(35), q(4)),
        "35 organised crime groups have been disrupted by the end of March, which meets the \
         target of 35."
    );
    assert_eq!(
        say(n(30), q(4)),
        "30 organised crime groups have been disrupted by the end of March, short of the target \
         of 35."
    );
    let four_weekly = Indicator {
        calendar: Calendar::FourWeekly,
        ..ocg()
    };
    let p6 = Period::four_week(year(), 6).unwrap();
    let e = evaluate(&four_weekly, &[Measurement::new(p6, n(24))], p6);
    // 35 × 6/13 = 16.15; 24 × 13/6 = 52.
    assert_eq!(e.target_for_period, Some(h(1615)));
    assert_eq!(e.forecast, Some(n(52)));
    assert_eq!(
        e.sentence,
        "24 organised crime groups have been disrupted by the end of P6; at this rate the target \
         of 35 will be met by March."
    );
}

#[test]
fn cumulative_where_lower_is_better() {
    let overtime = indicator(
        Wording::new("overtime spending"),
        Unit::Money,
        Direction::LowerIsBetter,
        MeasureType::Cumulative,
        Some(Figure::from_pence(100_000_000)),
    );
    let say = |pounds: i64, period| {
        let actual = Figure::from_pence(pounds * 100);
        sentence(&overtime, &[Measurement::new(period, actual)], period)
    };
    assert_eq!(
        say(400_000, q(2)),
        "Overtime spending has reached £400,000 by the end of September; at this rate the year \
         will end within the target of £1,000,000."
    );
    assert_eq!(
        say(600_000, q(2)),
        "Overtime spending has reached £600,000 by the end of September; at this rate £1,200,000 \
         will be reached by March, above the target of £1,000,000."
    );
    assert_eq!(
        say(1_100_000, q(2)),
        "Overtime spending has reached £1,100,000 by the end of September; this is already above \
         the target of £1,000,000 for the year."
    );
    assert_eq!(
        say(900_000, q(4)),
        "Overtime spending has reached £900,000 by the end of March, which is within the target of \
         £1,000,000."
    );
    assert_eq!(
        say(1_100_000, q(4)),
        "Overtime spending has reached £1,100,000 by the end of March, above the target of \
         £1,000,000."
    );
    let e = evaluate(
        &overtime,
        &[Measurement::new(q(2), Figure::from_pence(60_000_000))],
        q(2),
    );
    // £600,000 against a pro-rata £500,000: £100,000 over, beyond 10% of £500,000.
    assert_eq!(e.rag, Some(Rag::Red));
}

#[test]
fn change_where_lower_is_better() {
    let crime = reduction("the level of serious acquisitive crime");
    let say = |actual| sentence(&crime, &[Measurement::new(q(2), actual)], q(2));
    assert_eq!(
        say(h(-620)),
        "The level of serious acquisitive crime has fallen by 6.2%, which exceeds the reduction \
         target of 5%."
    );
    assert_eq!(
        say(n(-5)),
        "The level of serious acquisitive crime has fallen by 5.0%, which meets the reduction \
         target of 5%."
    );
    assert_eq!(
        say(Figure::ZERO),
        "The level of serious acquisitive crime has not changed against a reduction target of 5%."
    );
    let capped = Indicator {
        annual_target: Some(n(2)),
        ..crime
    };
    assert_eq!(
        sentence(&capped, &[Measurement::new(q(2), n(1))], q(2)),
        "The level of serious acquisitive crime has risen by 1.0%, which is within the target of \
         a rise of no more than 2%."
    );
}

#[test]
fn change_where_higher_is_better() {
    let detections = indicator(
        Wording::new("the number of sanction detections"),
        Unit::Percent,
        Direction::HigherIsBetter,
        MeasureType::Change,
        Some(n(2)),
    );
    let say = |actual| sentence(&detections, &[Measurement::new(q(2), actual)], q(2));
    assert_eq!(
        say(h(350)),
        "The number of sanction detections has risen by 3.5%, which exceeds the increase target of \
         2%."
    );
    assert_eq!(
        say(h(120)),
        "The number of sanction detections has risen by 1.2% against an increase target of 2%."
    );
    assert_eq!(
        say(h(-50)),
        "The number of sanction detections has fallen by 0.5% against an increase target of 2%."
    );
    let e = evaluate(&detections, &[Measurement::new(q(2), h(190))], q(2));
    // 0.1 short of 2; 10% of 2 is 0.2.
    assert_eq!(e.rag, Some(Rag::Amber));
    let no_fall = Indicator {
        annual_target: Some(Figure::ZERO),
        ..detections
    };
    assert_eq!(
        sentence(&no_fall, &[Measurement::new(q(2), h(40))], q(2)),
        "The number of sanction detections has risen by 0.4%, which is within the target of no \
         reduction."
    );
}

#[test]
fn not_yet_available_and_no_target_for_every_measure() {
    for measure in [
        MeasureType::Level,
        MeasureType::Cumulative,
        MeasureType::Change,
    ] {
        for direction in [Direction::HigherIsBetter, Direction::LowerIsBetter] {
            let with_target = indicator(
                Wording::new("the figure"),
                Unit::Count,
                direction,
                measure,
                Some(n(10)),
            );
            let e = evaluate(&with_target, &[Measurement::not_yet_available(q(2))], q(2));
            assert_eq!(e.state, Some(IndicatorState::NotYetAvailable));
            assert_eq!(e.rag, None);
            assert_eq!(
                e.sentence,
                "The figure is not yet available for Q2 2008-09."
            );

            let without = Indicator {
                annual_target: None,
                ..with_target
            };
            let e = evaluate(&without, &[Measurement::new(q(2), n(7))], q(2));
            assert_eq!(e.state, Some(IndicatorState::NoTarget));
            assert_eq!(e.rag, None);
            let expected = match measure {
                MeasureType::Level => "The figure is 7; no target is set.",
                MeasureType::Cumulative => {
                    "The figure has reached 7 by the end of September; no target is set."
                }
                MeasureType::Change => "The figure has risen by 7; no target is set.",
            };
            assert_eq!(e.sentence, expected);
        }
    }
}

#[test]
fn problems_of_the_seed_indicators_are_none() {
    assert!(ocg().problems().is_empty());
    assert!(reduction("x").problems().is_empty());
}
