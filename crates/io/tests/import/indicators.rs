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
