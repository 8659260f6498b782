//! Importing an indicator table from a CSV into a plan: indicators and measurements stored,
//! objectives created as items, the confiscation orders judged Green at Q2, and a second import
//! of the same file adding nothing.

use waymark_core::indicator::{Figure, Measurement, Period, evaluate};
use waymark_core::{PlanKind, Rag, UpdateCycle};
use waymark_io::apply::end_of_time;
use waymark_io::indicators::{is_indicator_workbook, parse_indicator_workbook};
use waymark_io::read_file;
use waymark_store::{NewPlan, Scope};

use crate::helpers::{fresh_store, import_indicators, temp_path};

const CSV: &str = "\
Objective,Indicator,Unit,Direction,Measure type,Annual target,Baseline,Minimum target,Stretch target,Period,Actual,Same period last year
Building safer communities,Increase the number of special constables,Count,higher,level,300,246,273,300,Q1 2008-09,248,
,Increase the number of special constables,,,,,,,,Q2 2008-09,280,265
Protecting from serious harm,The minimum value of confiscation orders,£,increase,cumulative,\"£3,000,000\",,,,Q2 2008-09,\"£2,109,747\",
Reducing crime,Reduce the level of serious acquisitive crime,%,reduce,change,-5%,,,,Q2 2008-09,+0.1%,
";

#[test]
fn an_indicator_csv_imports_once() {
    let path = temp_path("indicators.csv");
    std::fs::write(&path, CSV).unwrap();
    let workbook = read_file(&path).unwrap();
    assert!(is_indicator_workbook(&workbook));
    let import = parse_indicator_workbook(&workbook);
    assert_eq!(import.findings, vec![]);

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = store
            .create_plan(&NewPlan {
                org,
                kind: PlanKind::Strategic,
                title: "Policing plan 2008-09".into(),
                period: Some("2008-09".into()),
                level_names: PlanKind::Strategic.default_levels(),
                owner_posts: Vec::new(),
                source: None,
                update_cycle: UpdateCycle::Monthly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await
            .unwrap();

        let first = import_indicators(&store, plan.id, &import, "Import of indicators.csv", false)
            .await
            .unwrap();
        assert_eq!(first.indicators_created, 3);
        assert_eq!(first.indicators_matched, 0);
        assert_eq!(first.measurements_added, 4);
        assert_eq!(first.objectives_created, 3);

        let view = store
            .plan_as_at(Scope::All, plan.id, end_of_time(), None)
            .await
            .unwrap();
        let texts: Vec<&str> = view.items.iter().map(|i| i.fields.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Building safer communities",
                "Protecting from serious harm",
                "Reducing crime"
            ]
        );

        let stored = store.indicators(Scope::All, plan.id).await.unwrap();
        assert_eq!(stored.len(), 3);
        let confiscation = &stored[1].indicator;
        assert_eq!(
            confiscation.title,
            "The minimum value of confiscation orders"
        );
        assert_eq!(confiscation.objective, Some(view.items[1].id));
        assert_eq!(confiscation.annual_target, Some(Figure::whole(3_000_000)));
        let q2 = Period::parse("Q2 2008-09").unwrap();
        let measurements = store
            .measurements(Scope::All, confiscation.id, None)
            .await
            .unwrap();
        assert_eq!(
            measurements,
            vec![Measurement::new(q2, Figure::parse("£2,109,747").unwrap())]
        );
        assert_eq!(
            evaluate(confiscation, &measurements, q2).rag,
            Some(Rag::Green)
        );

        let constables = store
            .measurements(Scope::All, stored[0].indicator.id, None)
            .await
            .unwrap();
        assert_eq!(constables.len(), 2);
        assert_eq!(
            constables[1].same_period_last_year,
            Some(Figure::whole(265))
        );

        let second = import_indicators(&store, plan.id, &import, "Import of indicators.csv", false)
            .await
            .unwrap();
        assert_eq!(second.indicators_created, 0);
        assert_eq!(second.indicators_matched, 3);
        assert_eq!(second.measurements_added, 0);
        assert_eq!(second.objectives_created, 0);
        assert_eq!(
            store.indicators(Scope::All, plan.id).await.unwrap().len(),
            3
        );
        let history = store
            .measurement_history(Scope::All, confiscation.id)
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
    });
}

/// A table as a force that reports in 13 four-week periods keeps it: notes above the header
/// stating the RAG rule, a "Better" column, the year across the page as P1 … P13 with figures
/// to P6, and a year-to-date column (issue #24).
#[test]
fn a_four_week_period_table_reads_each_figure_against_its_own_period() {
    use waymark_core::indicator::{Actual, Calendar, Direction, PeriodKind, Tolerance};
    use waymark_io::FindingKind;

    let path = crate::helpers::fixtures_dir().join("four-week-periods.csv");
    let workbook = read_file(&path).unwrap();
    assert!(is_indicator_workbook(&workbook));
    let import = parse_indicator_workbook(&workbook);

    let p = |n: u32| Period::parse(&format!("P{n} 2026-27")).unwrap();
    let periods_found: Vec<_> = import
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::PeriodsFound)
        .collect();
    assert_eq!(periods_found.len(), 1, "{:?}", import.findings);
    assert_eq!(periods_found[0].row, 5, "the header row");
    let listed: Vec<String> = (1..=13).map(|n| p(n).to_string()).collect();
    assert!(
        periods_found[0]
            .message
            .starts_with(&format!("period columns read as {}", listed.join(", "))),
        "{}",
        periods_found[0].message
    );
    assert!(periods_found[0].message.contains("YTD"));
    let rule: Vec<_> = import
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::RuleRead)
        .collect();
    assert_eq!(rule.len(), 3, "{:?}", import.findings);
    assert_eq!(rule[0].row, 2, "the note's row");
    assert!(
        rule[0].message.contains("5% of the target"),
        "{}",
        rule[0].message
    );
    assert_eq!(rule[1].row, 3, "the year-to-date note's row");
    assert_eq!(
        rule[1].message,
        "year-to-date rule read from the notes: sum of periods for count, mean of periods \
         for rate, mean of periods for percent; applied to 8 indicators"
    );
    // The YTD column's one figure (burglary's 598) is the sum of its periods, as the notes say.
    assert_eq!((rule[2].row, rule[2].column.as_str()), (5, "YTD"));
    assert!(
        rule[2]
            .message
            .contains("its figures are the sum of periods for \"Residential burglary\""),
        "{}",
        rule[2].message
    );
    assert!(
        import
            .findings
            .iter()
            .all(|f| matches!(f.kind, FindingKind::PeriodsFound | FindingKind::RuleRead)),
        "{:?}",
        import.findings
    );

    assert_eq!(import.indicators.len(), 8);
    let directions: Vec<Direction> = import
        .indicators
        .iter()
        .filter_map(|i| i.direction)
        .collect();
    use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};
    assert_eq!(directions, [Down, Down, Down, Up, Up, Up, Down, Down]);
    for indicator in &import.indicators {
        assert_eq!(
            indicator.calendar,
            Calendar::FourWeekly,
            "{}",
            indicator.title
        );
        assert_eq!(
            indicator.tolerance,
            Some(Tolerance::relative(Figure::whole(5)))
        );
        // Blank cells P7 … P13 are not yet reported: nothing stored, never zero.
        assert!(
            indicator
                .measurements
                .iter()
                .all(|m| m.period.kind() == PeriodKind::FourWeek && m.period.index() <= 6),
            "{}",
            indicator.title
        );
    }
    let burglary = &import.indicators[0];
    assert_eq!(burglary.title, "Residential burglary");
    assert_eq!(burglary.annual_target, Some(Figure::whole(100)));
    let burglary_figures: Vec<(Period, Actual)> = burglary
        .measurements
        .iter()
        .map(|m| (m.period, m.actual))
        .collect();
    let expected: Vec<(Period, Actual)> = [96, 104, 99, 101, 98, 100]
        .into_iter()
        .zip(1..)
        .map(|(figure, n)| (p(n), Actual::Measured(Figure::whole(figure))))
        .collect();
    assert_eq!(burglary_figures, expected);
    let abandoned_101 = &import.indicators[7];
    assert_eq!(abandoned_101.measurements.len(), 6);
    assert_eq!(
        abandoned_101.measurements[4].actual,
        Actual::NotYetAvailable
    );
    assert_eq!(
        abandoned_101.measurements[5].actual,
        Actual::Measured(Figure::from_hundredths(1051))
    );

    // Stored and judged at P6 by the file's own rule: exactly 5% worse is Amber, just past it
    // Red, in both directions.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = store
            .create_plan(&NewPlan {
                org,
                kind: PlanKind::Strategic,
                title: "Policing plan 2026-27".into(),
                period: Some("2026-27".into()),
                level_names: PlanKind::Strategic.default_levels(),
                owner_posts: Vec::new(),
                source: None,
                update_cycle: UpdateCycle::Monthly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await
            .unwrap();
        let outcome = import_indicators(&store, plan.id, &import, "Import", false)
            .await
            .unwrap();
        assert_eq!(outcome.indicators_created, 8);
        assert_eq!(outcome.measurements_added, 8 * 6);
        let stored = store.indicators(Scope::All, plan.id).await.unwrap();
        let mut judged = Vec::new();
        for indicator in &stored {
            let measurements = store
                .measurements(Scope::All, indicator.indicator.id, None)
                .await
                .unwrap();
            let evaluation = evaluate(&indicator.indicator, &measurements, p(6));
            judged.push((
                indicator.indicator.title.clone(),
                evaluation.actual,
                evaluation.target_for_period,
                evaluation.rag,
            ));
        }
        let row = |title: &str, actual: i64, target: i64, rag: Rag| {
            (
                title.to_string(),
                Some(Figure::from_hundredths(actual)),
                Some(Figure::from_hundredths(target)),
                Some(rag),
            )
        };
        assert_eq!(
            judged,
            vec![
                // On target.
                row("Residential burglary", 10_000, 10_000, Rag::Green),
                // Exactly 5% worse, lower is better.
                row("Abandoned 999 calls", 420, 400, Rag::Amber),
                // 5.5% worse, lower is better: just past the band.
                row("Vehicle crime", 21_100, 20_000, Rag::Red),
                // Exactly 5% worse, higher is better.
                row(
                    "999 calls answered within 10 seconds",
                    8_550,
                    9_000,
                    Rag::Amber
                ),
                // 5.25% worse, higher is better.
                row("Arrests", 37_900, 40_000, Rag::Red),
                // 2.5% worse: within.
                row("Victim satisfaction", 7_800, 8_000, Rag::Amber),
                // 4.67% worse: within.
                row("Violence with injury", 31_400, 30_000, Rag::Amber),
                // 5.1% worse, lower is better: just past.
                row("Abandoned 101 calls", 1_051, 1_000, Rag::Red),
            ]
        );
    });
}

/// A table that says nothing of direction: a `direction_missing` finding by row for each
/// indicator, rather than a silent "higher is better"; the indicator is not stored until
/// someone answers, and then goes the way they said (issue #24).
#[test]
fn a_missing_direction_is_asked_for_and_never_guessed() {
    use waymark_io::FindingKind;
    let path = temp_path("no-direction.csv");
    std::fs::write(
        &path,
        "Performance 2026-27\nIndicator,Unit,Target,Q1,Q2,Q3,Q4\nAbandoned calls,%,5,4.9,,,\n",
    )
    .unwrap();
    let import = parse_indicator_workbook(&read_file(&path).unwrap());
    let missing: Vec<_> = import
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::DirectionMissing)
        .collect();
    assert_eq!(missing.len(), 1, "{:?}", import.findings);
    assert_eq!(missing[0].row, 3);
    assert!(
        missing[0]
            .message
            .contains("nothing in the table says which way is better for \"Abandoned calls\""),
        "{}",
        missing[0].message
    );
    assert_eq!(import.indicators[0].direction, None);
    let indicator = &import.indicators[0];
    assert_eq!(
        indicator.measurements,
        vec![Measurement::new(
            Period::parse("Q1 2026-27").unwrap(),
            Figure::from_hundredths(490)
        )]
    );

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use waymark_core::indicator::Direction;
        use waymark_io::indicators::{answer_directions, directions_missing};
        let (store, org) = fresh_store().await;
        let plan = store
            .create_plan(&NewPlan {
                org,
                kind: PlanKind::Strategic,
                title: "Policing plan 2026-27".into(),
                period: Some("2026-27".into()),
                level_names: PlanKind::Strategic.default_levels(),
                owner_posts: Vec::new(),
                source: None,
                update_cycle: UpdateCycle::Monthly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await
            .unwrap();
        // Unanswered, the plan leaves it out and says so: nothing stored on a guess.
        let unanswered = import_indicators(&store, plan.id, &import, "Import", true)
            .await
            .unwrap();
        assert_eq!(unanswered.indicators_created, 0);
        assert_eq!(unanswered.directions_missing, ["Abandoned calls"]);
        assert_eq!(unanswered.indicators[0].direction, None);

        let mut answered = import.clone();
        let unknown = answer_directions(
            &mut answered,
            &[
                (" abandoned CALLS ".into(), Direction::LowerIsBetter),
                ("Arrests".into(), Direction::HigherIsBetter),
            ],
        );
        assert_eq!(unknown, ["Arrests"], "no such indicator lacks a direction");
        assert!(directions_missing(&answered).is_empty());
        assert!(
            answered
                .findings
                .iter()
                .all(|f| f.kind != FindingKind::DirectionMissing),
            "{:?}",
            answered.findings
        );
        let outcome = import_indicators(&store, plan.id, &answered, "Import", false)
            .await
            .unwrap();
        assert_eq!(outcome.indicators_created, 1);
        assert!(outcome.directions_missing.is_empty());
        let stored = store.indicators(Scope::All, plan.id).await.unwrap();
        assert_eq!(stored[0].indicator.direction, Direction::LowerIsBetter);

        // A second import of the unanswered table matches the stored indicator, which keeps
        // its direction: nothing is asked.
        let again = import_indicators(&store, plan.id, &import, "Import", true)
            .await
            .unwrap();
        assert_eq!(again.indicators_matched, 1);
        assert!(again.directions_missing.is_empty());
        assert!(
            again
                .findings
                .iter()
                .all(|f| f.kind != FindingKind::DirectionMissing),
            "{:?}",
            again.findings
        );
    });
}

/// A table whose notes say the year to date is the sum of the periods for counts and the mean
/// for rates and percentages, with a YTD column: each indicator holds the rule for its unit,
/// stored with it, and its year to date at P6 is worked out and judged by it exactly
/// (issue #24).
#[test]
fn the_year_to_date_rule_of_the_notes_is_applied_and_stored() {
    use waymark_core::indicator::{YearToDateRule, year_to_date};
    use waymark_io::FindingKind;

    let path = crate::helpers::fixtures_dir().join("ytd-mean-for-rates.csv");
    let import = parse_indicator_workbook(&read_file(&path).unwrap());
    let rules: Vec<Option<YearToDateRule>> =
        import.indicators.iter().map(|i| i.year_to_date).collect();
    use YearToDateRule::{Mean, Sum};
    assert_eq!(
        rules,
        [Some(Sum), Some(Mean), Some(Mean), Some(Mean), Some(Mean)]
    );
    let read: Vec<(usize, &str, &str)> = import
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::RuleRead)
        .map(|f| (f.row, f.column.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            (
                2,
                "",
                "RAG rule read from the notes: Amber when short of target by no more than 5% \
                 of the target, Red beyond it; applied to every indicator of the table"
            ),
            (
                3,
                "",
                "year-to-date rule read from the notes: sum of periods for count, mean of \
                 periods for rate, mean of periods for percent; applied to 5 indicators"
            ),
            (
                4,
                "YTD",
                "year-to-date rule read from the YTD column: its figures are the sum of \
                 periods for \"Residential burglary\"; the mean of periods for \"Abandoned 999 \
                 calls\"; applied to those indicators"
            ),
        ]
    );
    // The stated 95 is neither the sum (540) nor the mean (90) of its periods: found.
    let wrong: Vec<_> = import
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::BadFigure)
        .collect();
    assert_eq!(wrong.len(), 1, "{:?}", import.findings);
    assert_eq!((wrong[0].row, wrong[0].column.as_str()), (9, "YTD"));
    assert!(
        wrong[0].message.contains(
            "says 95 for \"Calls answered in 10 seconds\"; its periods to P6 2026-27 give 90 \
             by the mean of periods"
        ),
        "{}",
        wrong[0].message
    );

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = store
            .create_plan(&NewPlan {
                org,
                kind: PlanKind::Strategic,
                title: "Policing plan 2026-27".into(),
                period: Some("2026-27".into()),
                level_names: PlanKind::Strategic.default_levels(),
                owner_posts: Vec::new(),
                source: None,
                update_cycle: UpdateCycle::Monthly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await
            .unwrap();
        let outcome = import_indicators(&store, plan.id, &import, "Import", false)
            .await
            .unwrap();
        assert_eq!(outcome.indicators_created, 5);
        let stated: Vec<(&str, &str, bool)> = outcome
            .indicators
            .iter()
            .map(|i| (i.title.as_str(), i.year_to_date, i.year_to_date_stated))
            .collect();
        assert_eq!(stated[0], ("Residential burglary", "sum of periods", true));
        assert_eq!(stated[1], ("Abandoned 999 calls", "mean of periods", true));
        let p6 = Period::parse("P6 2026-27").unwrap();
        let mut worked = Vec::new();
        for stored in store.indicators(Scope::All, plan.id).await.unwrap() {
            let measurements = store
                .measurements(Scope::All, stored.indicator.id, None)
                .await
                .unwrap();
            let ytd = year_to_date(&stored.indicator, &measurements, p6).unwrap();
            worked.push((
                stored.indicator.title.clone(),
                stored.indicator.year_to_date,
                ytd.value,
                ytd.target,
                ytd.rag,
            ));
        }
        let h = Figure::from_hundredths;
        assert_eq!(
            worked,
            [
                // The sum of P1..P6 against the period target times six: 598 of 600, lower is
                // better.
                (
                    "Residential burglary".to_string(),
                    Some(Sum),
                    h(59_800),
                    Some(h(60_000)),
                    Some(Rag::Green)
                ),
                // The mean of P1..P6, 4.2, is exactly 5% worse than 4: Amber.
                (
                    "Abandoned 999 calls".to_string(),
                    Some(Mean),
                    h(420),
                    Some(h(400)),
                    Some(Rag::Amber)
                ),
                // The mean, 76, is exactly 5% short of 80, higher is better: Amber.
                (
                    "Victim satisfaction".to_string(),
                    Some(Mean),
                    h(7_600),
                    Some(h(8_000)),
                    Some(Rag::Amber)
                ),
                // The mean is 10.5017, printed 10.50, but just past the band: Red.
                (
                    "Abandoned 101 calls".to_string(),
                    Some(Mean),
                    h(1_050),
                    Some(h(1_000)),
                    Some(Rag::Red)
                ),
                (
                    "Calls answered in 10 seconds".to_string(),
                    Some(Mean),
                    h(9_000),
                    Some(h(9_000)),
                    Some(Rag::Green)
                ),
            ]
        );
    });
}

/// Months across the page as "Apr" … "Mar" take the financial year of the title (January is
/// in the year's second calendar year); labels with their own year ("April 2026",
/// "2026-27 Q2") need none; labels with no year and none in the file are skipped with a
/// finding on the header row (issue #24).
#[test]
fn period_columns_in_every_written_form() {
    use waymark_io::FindingKind;
    let read = |name: &str, text: &str| {
        let path = temp_path(name);
        std::fs::write(&path, text).unwrap();
        parse_indicator_workbook(&read_file(&path).unwrap())
    };
    let periods = |import: &waymark_io::indicators::IndicatorImport| -> Vec<String> {
        import.indicators[0]
            .measurements
            .iter()
            .map(|m| m.period.to_string())
            .collect()
    };
    let months = read(
        "months.csv",
        "Performance report 2026/27\nIndicator,Better,Target,Apr,May,Sept,Jan,Mar\n\
         Arrests,Higher,400,1,2,3,4,5\n",
    );
    assert_eq!(
        periods(&months),
        [
            "April 2026",
            "May 2026",
            "September 2026",
            "January 2027",
            "March 2027"
        ]
    );
    let dated = read(
        "dated.csv",
        "Indicator,Better,Target,April 2026,May 2026,2026-27 Q2,P6 2026-27\n\
         Arrests,Higher,400,1,2,,\nVehicle crime,Lower,200,,,7,8\n",
    );
    assert_eq!(periods(&dated), ["April 2026", "May 2026"]);
    assert_eq!(
        dated.indicators[1]
            .measurements
            .iter()
            .map(|m| m.period.to_string())
            .collect::<Vec<_>>(),
        ["Q2 2026-27"]
    );
    // One indicator keeps one calendar: its P6 figure is not read as a quarter's.
    assert!(
        dated.findings.iter().any(|f| f.row == 3
            && f.message
                .contains("P6 2026-27 is not a period of the quarterly indicator")),
        "{:?}",
        dated.findings
    );
    let no_year = read(
        "no-year.csv",
        "Indicator,Better,Target,Q1,Q2\nArrests,Higher,400,1,2\n",
    );
    assert!(no_year.indicators[0].measurements.is_empty());
    let finding = no_year
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::UnparseableDate)
        .unwrap();
    assert_eq!((finding.row, finding.column.as_str()), (1, "Q1, Q2"));
    assert!(
        finding.message.contains("have no year"),
        "{}",
        finding.message
    );

    // A stated year to date that no rule gives from the periods is found by row and column;
    // one another rule gives (161, the sum of a percentage's periods) sets the rule.
    let stated = read(
        "stated-ytd.csv",
        "Performance 2026-27\nIndicator,Unit,Better,Target,P1,P2,YTD\n\
         Arrests,Count,Higher,400,10,20,30\nSatisfaction,%,Higher,80,80,81,162\n\
         Confidence,%,Higher,70,70,71,141\n",
    );
    assert_eq!(
        stated.indicators[2].year_to_date,
        Some(waymark_core::indicator::YearToDateRule::Sum)
    );
    let wrong: Vec<_> = stated
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::BadFigure)
        .collect();
    assert_eq!(wrong.len(), 1, "{:?}", stated.findings);
    assert_eq!((wrong[0].row, wrong[0].column.as_str()), (4, "YTD"));
    assert!(
        wrong[0]
            .message
            .contains("says 162 for \"Satisfaction\"; its periods to P2 2026-27 give 80.5 by the mean of periods"),
        "{}",
        wrong[0].message
    );

    // A year-to-date rule in the notes that differs from the rule by unit is applied.
    let differs = read(
        "ytd-note.csv",
        "Performance 2026-27\nYTD is the total of the periods for percentages too\n\
         Indicator,Unit,Better,Target,P1\nSatisfaction,%,Higher,80,80\n",
    );
    let note = differs
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::RuleRead)
        .unwrap();
    assert_eq!(note.row, 2);
    assert_eq!(
        note.message,
        "year-to-date rule read from the notes: sum of periods for percent; applied to 1 \
         indicator"
    );
    assert_eq!(
        differs.indicators[0].year_to_date,
        Some(waymark_core::indicator::YearToDateRule::Sum)
    );

    // With the import's as-at date, the year is the financial year containing it, said so.
    let path = temp_path("no-year-as-at.csv");
    std::fs::write(
        &path,
        "Indicator,Better,Target,Q1,Q2\nArrests,Higher,400,1,2\n",
    )
    .unwrap();
    let workbook = read_file(&path).unwrap();
    let dated = waymark_io::indicators::parse_indicator_workbook_as_at(
        &workbook,
        chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
    );
    assert_eq!(periods(&dated), ["Q1 2026-27", "Q2 2026-27"]);
    let said = dated
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::PeriodsFound)
        .unwrap();
    assert!(
        said.message
            .contains("2026-27 was taken from the import's as-at date 2027-02-01"),
        "{}",
        said.message
    );
}

/// A target written with its direction sets it where no column does (issue #24).
#[test]
fn a_target_written_with_its_direction_sets_it() {
    use waymark_core::indicator::Direction;
    let path = temp_path("target-words.csv");
    std::fs::write(
        &path,
        "Performance 2026-27\nIndicator,Unit,Target,Q1\n\
         Burglary,Count,Reduce to 100,96\nAnswered in 10 seconds,%,At least 90%,91\n\
         Abandoned calls,%,↓ 4%,3.9\n",
    )
    .unwrap();
    let import = parse_indicator_workbook(&read_file(&path).unwrap());
    assert_eq!(
        import
            .findings
            .iter()
            .filter(|f| f.kind == waymark_io::FindingKind::BadFigure)
            .count(),
        0,
        "{:?}",
        import.findings
    );
    let read: Vec<(Option<Direction>, Option<Figure>)> = import
        .indicators
        .iter()
        .map(|i| (i.direction, i.annual_target))
        .collect();
    assert_eq!(
        read,
        [
            (Some(Direction::LowerIsBetter), Some(Figure::whole(100))),
            (Some(Direction::HigherIsBetter), Some(Figure::whole(90))),
            (Some(Direction::LowerIsBetter), Some(Figure::whole(4))),
        ]
    );
}

/// A plan whose objectives are written out in full ("(1) To strengthen neighbourhood policing
/// to respond to local needs and priorities") takes an indicator table that names them the
/// short way ("Strengthening neighbourhood policing", "Reduce crime and ASB"): each indicator
/// goes under the plan's own objective, each such match is reported for the user to confirm,
/// only the objective the plan has not ("Roads policing") is added, and a second import of the
/// table adds nothing.
#[test]
fn indicators_find_the_plans_objectives_written_out_in_full() {
    let fixtures = crate::helpers::fixtures_dir();
    let plan_file = fixtures.join("objectives-in-full.csv");
    let table_file = fixtures.join("indicators-short-objectives.csv");
    let workbook = read_file(&table_file).unwrap();
    assert!(is_indicator_workbook(&workbook));
    let import = parse_indicator_workbook(&workbook);

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (store, org) = fresh_store().await;
        let preview = crate::helpers::preview_of(&plan_file);
        let plan = crate::helpers::import_new(&store, org, &preview).await;
        let before = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        let full = |start: &str| {
            before
                .items
                .iter()
                .find(|item| item.fields.text.starts_with(start))
                .unwrap_or_else(|| panic!("no item starting {start:?}"))
                .id
        };
        let (neighbourhood, vulnerable, crime) = (
            full("(1) To strengthen"),
            full("(2) To protect"),
            full("(3) To reduce"),
        );

        let first = import_indicators(&store, plan, &import, "Import of the table", false)
            .await
            .unwrap();
        assert_eq!(first.indicators_created, 4);
        assert_eq!(first.objectives_created, 1, "{:?}", first.objectives_new);
        assert_eq!(first.objectives_new, vec!["Roads policing".to_string()]);
        let matched: Vec<(&str, i64)> = first
            .objectives_matched
            .iter()
            .map(|m| (m.written.as_str(), m.item))
            .collect();
        assert_eq!(
            matched,
            vec![
                ("Strengthening neighbourhood policing", neighbourhood.0),
                ("Protect vulnerable people", vulnerable.0),
                ("Reduce crime and ASB", crime.0),
            ]
        );
        let reported: Vec<&str> = first
            .findings
            .iter()
            .filter(|f| f.kind == waymark_io::FindingKind::ObjectiveMatched)
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(reported.len(), 3, "{reported:?}");
        assert!(
            reported[2].contains("\"Reduce crime and ASB\" was taken to be the plan's \"(3) To reduce crime and anti-social behaviour in our communities\", by meaning (2 of 3 words in common)"),
            "{reported:?}"
        );

        let stored = store.indicators(Scope::All, plan).await.unwrap();
        let objective_of = |title: &str| {
            stored
                .iter()
                .find(|s| s.indicator.title.starts_with(title))
                .and_then(|s| s.indicator.objective)
        };
        assert_eq!(objective_of("Neighbourhood officers"), Some(neighbourhood));
        assert_eq!(objective_of("Repeat victims"), Some(vulnerable));
        assert_eq!(objective_of("Anti-social behaviour"), Some(crime));
        let after = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        assert_eq!(after.items.len(), before.items.len() + 1);

        let again = import_indicators(&store, plan, &import, "Import of the table", false)
            .await
            .unwrap();
        assert_eq!(
            (
                again.indicators_created,
                again.measurements_added,
                again.objectives_created
            ),
            (0, 0, 0)
        );
    });
}
