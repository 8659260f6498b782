//! Conformance tests for indicators and measurements, run on SQLite always and on PostgreSQL
//! when `WAYMARK_TEST_DATABASE_URL` is set: every field round-trips, measurements are
//! append-only history read as known at any instant, and every read is scoped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use waymark_core::indicator::{
    Actual, Calendar, Direction, Figure, Indicator, IndicatorId, MeasureType, Measurement, Period,
    Profile, Tolerance, Unit, Wording, YearToDateRule, evaluate,
};
use waymark_core::{ItemFields, Organisation, Plan, PlanKind, Rag, UpdateCycle};
use waymark_store::{
    ChangeSet, NewIndicator, NewItem, NewMeasurement, NewPlan, Scope, Store, StoreError,
};

async fn stores() -> Vec<(String, Store)> {
    common::stores("indicators").await
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

fn period(text: &str) -> Period {
    Period::parse(text).unwrap()
}

fn hundredths(h: i64) -> Figure {
    Figure::from_hundredths(h)
}

/// An organisation with a delivery plan of one objective.
async fn seeded(store: &Store, code: &str) -> (Organisation, Plan, waymark_core::ItemId) {
    let org = store
        .create_organisation(code, &format!("{code} Police"))
        .await
        .unwrap();
    let plan = store
        .create_plan(&NewPlan {
            org: org.id,
            kind: PlanKind::Delivery,
            title: "Annual delivery plan".into(),
            period: Some("2008-09".into()),
            level_names: vec!["Strategic objective".into(), "Action".into()],
            owner_posts: vec![],
            source: None,
            update_cycle: UpdateCycle::Quarterly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await
        .unwrap();
    let mut changes = ChangeSet::new(org.id, plan.id);
    changes.new_items.push(NewItem {
        parent: None,
        fields: ItemFields {
            reference: Some("5".into()),
            text: "Protect our communities from organised crime".into(),
            ..ItemFields::default()
        },
        effective: NaiveDate::from_ymd_opt(2008, 4, 1).unwrap(),
    });
    let applied = store.apply_changes(&changes).await.unwrap();
    (org, plan, applied.item_ids[0])
}

fn confiscation() -> Indicator {
    Indicator {
        annual_target: Some(Figure::from_pence(300_000_000)),
        ..Indicator::new(
            IndicatorId(0),
            "The minimum value of confiscation orders",
            Wording::new("the value of confiscation orders"),
            Unit::Money,
            Direction::HigherIsBetter,
            MeasureType::Cumulative,
            Calendar::Quarterly,
        )
    }
}

fn recorded(
    indicator: IndicatorId,
    measurement: Measurement,
    when: DateTime<Utc>,
) -> NewMeasurement {
    NewMeasurement {
        indicator,
        measurement,
        entered_by: "Performance analyst".into(),
        entered_at: Some(when),
        reason: None,
    }
}

/// Each year-to-date rule an indicator may hold (and none: the rule by type and unit) is
/// stored as its word and read back as it was, on both backends, whether written one at a time
/// or by an import's set (issue #24).
#[tokio::test]
async fn each_year_to_date_rule_round_trips() {
    for (backend, store) in stores().await {
        let (org, plan, _) = seeded(&store, "NSP").await;
        let rules = [
            None,
            Some(YearToDateRule::Sum),
            Some(YearToDateRule::Mean),
            Some(YearToDateRule::Latest),
        ];
        for (position, rule) in rules.iter().enumerate() {
            store
                .create_indicator(&NewIndicator {
                    org: org.id,
                    plan: plan.id,
                    indicator: Indicator {
                        year_to_date: *rule,
                        ..Indicator::new(
                            IndicatorId(0),
                            format!("Abandoned 999 calls ({position})"),
                            Wording::new("the abandoned call rate"),
                            Unit::Percent,
                            Direction::LowerIsBetter,
                            MeasureType::Level,
                            Calendar::FourWeekly,
                        )
                    },
                    owner_post: None,
                    position: position as i64,
                })
                .await
                .unwrap();
        }
        let mut import = waymark_store::IndicatorImportSet {
            new_plan: None,
            changes: ChangeSet::new(org.id, plan.id),
            indicators: Vec::new(),
            measurements: Vec::new(),
            entered_by: "Import".into(),
            audit: None,
        };
        import.indicators.push((
            NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator: Indicator {
                    year_to_date: Some(YearToDateRule::Mean),
                    ..Indicator::new(
                        IndicatorId(0),
                        "Victim satisfaction",
                        Wording::new("victim satisfaction"),
                        Unit::Percent,
                        Direction::HigherIsBetter,
                        MeasureType::Level,
                        Calendar::FourWeekly,
                    )
                },
                owner_post: None,
                position: 9,
            },
            None,
        ));
        store.import_indicators(&import).await.unwrap();
        let read: Vec<Option<YearToDateRule>> = store
            .indicators(Scope::Org(org.id), plan.id)
            .await
            .unwrap()
            .iter()
            .map(|stored| stored.indicator.year_to_date)
            .collect();
        assert_eq!(
            read,
            [
                None,
                Some(YearToDateRule::Sum),
                Some(YearToDateRule::Mean),
                Some(YearToDateRule::Latest),
                Some(YearToDateRule::Mean),
            ],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn every_indicator_field_round_trips() {
    for (backend, store) in stores().await {
        let (org, plan, objective) = seeded(&store, "TVP").await;
        let post = store
            .ensure_post(org.id, "Head of Serious and Organised Crime")
            .await
            .unwrap();
        let full = Indicator {
            objective: Some(objective),
            annual_target: Some(hundredths(3500)),
            baseline: Some(hundredths(2000)),
            minimum: Some(hundredths(3000)),
            stretch: Some(hundredths(4000)),
            profile: Profile::Cumulative(vec![
                Figure::whole(20),
                Figure::whole(45),
                Figure::whole(70),
                Figure::whole(100),
            ]),
            tolerance: Tolerance::absolute(hundredths(250)),
            // As a table's notes may state it: kept as given, not the rule by type and unit.
            year_to_date: Some(YearToDateRule::Sum),
            ..Indicator::new(
                IndicatorId(0),
                "Target and disrupt known organised crime groups",
                Wording::counting(
                    "the number of organised crime groups disrupted",
                    "organised crime group",
                    "organised crime groups",
                    "disrupted",
                ),
                Unit::Count,
                Direction::HigherIsBetter,
                MeasureType::Cumulative,
                Calendar::Quarterly,
            )
        };
        let created = store
            .create_indicator(&NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator: full.clone(),
                owner_post: Some("Head of Serious and Organised Crime".into()),
                position: 2,
            })
            .await
            .unwrap();
        let diagnostic = Indicator {
            wording: Wording::plural("intelligence submissions"),
            tolerance: Tolerance::DEFAULT,
            ..Indicator::new(
                IndicatorId(0),
                "Intelligence submissions (diagnostic)",
                Wording::plural("intelligence submissions"),
                Unit::Rate,
                Direction::LowerIsBetter,
                MeasureType::Change,
                Calendar::FourWeekly,
            )
        };
        store
            .create_indicator(&NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator: diagnostic.clone(),
                owner_post: None,
                position: 1,
            })
            .await
            .unwrap();

        let listed = store.indicators(Scope::Org(org.id), plan.id).await.unwrap();
        assert_eq!(listed.len(), 2, "{backend}");
        // Plan order is by position, not by creation.
        assert_eq!(listed[0].indicator.title, diagnostic.title, "{backend}");
        assert_eq!(
            listed[0].indicator,
            Indicator {
                id: listed[0].indicator.id,
                ..diagnostic
            },
            "{backend}"
        );
        assert_eq!(
            listed[1].indicator,
            Indicator {
                id: created.indicator.id,
                owner: Some(post),
                ..full
            },
            "{backend}"
        );
        assert_eq!(
            listed[1].owner_post.as_deref(),
            Some("Head of Serious and Organised Crime")
        );
        assert_eq!(
            (listed[1].org, listed[1].plan, listed[1].position),
            (org.id, plan.id, 2)
        );
        assert_eq!(
            store
                .indicator(Scope::All, created.indicator.id)
                .await
                .unwrap(),
            listed[1],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_latest_entry_is_in_force_and_known_at_freezes_what_was_known() {
    for (backend, store) in stores().await {
        let (org, plan, _) = seeded(&store, "TVP").await;
        let scope = Scope::Org(org.id);
        let id = store
            .create_indicator(&NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator: confiscation(),
                owner_post: None,
                position: 0,
            })
            .await
            .unwrap()
            .indicator
            .id;
        let q1 = period("Q1 2008-09");
        let q2 = period("Q2 2008-09");
        store
            .record_measurement(
                scope,
                &recorded(id, Measurement::not_yet_available(q1), at(2008, 7, 5)),
            )
            .await
            .unwrap();
        store
            .record_measurement(
                scope,
                &recorded(
                    id,
                    Measurement::new(q1, Figure::from_pence(98_000_000)),
                    at(2008, 7, 20),
                ),
            )
            .await
            .unwrap();
        store
            .record_measurement(
                scope,
                &recorded(
                    id,
                    Measurement::new(q2, Figure::from_pence(200_000_000))
                        .with_last_year(Figure::from_pence(150_000_000)),
                    at(2008, 10, 10),
                ),
            )
            .await
            .unwrap();
        // A correction of Q2, entered a week later.
        let correction = store
            .record_measurement(
                scope,
                &NewMeasurement {
                    entered_by: "Head of Economic Crime".into(),
                    ..recorded(
                        id,
                        Measurement::new(q2, Figure::from_pence(210_974_700))
                            .with_last_year(Figure::from_pence(150_000_000)),
                        at(2008, 10, 17),
                    )
                },
            )
            .await
            .unwrap();

        let now = store.measurements(scope, id, None).await.unwrap();
        assert_eq!(
            now,
            vec![
                Measurement::new(q1, Figure::from_pence(98_000_000)),
                Measurement::new(q2, Figure::from_pence(210_974_700))
                    .with_last_year(Figure::from_pence(150_000_000)),
            ],
            "{backend}"
        );
        // The Q2 report published on 12 October reads the same for ever.
        let published = store
            .measurements(scope, id, Some(at(2008, 10, 12)))
            .await
            .unwrap();
        assert_eq!(
            published[1].actual,
            Actual::Measured(Figure::from_pence(200_000_000))
        );
        let early = store
            .measurements(scope, id, Some(at(2008, 7, 6)))
            .await
            .unwrap();
        assert_eq!(early, vec![Measurement::not_yet_available(q1)], "{backend}");
        assert!(
            store
                .measurements(scope, id, Some(at(2008, 7, 1)))
                .await
                .unwrap()
                .is_empty()
        );

        let history = store.measurement_history(scope, id).await.unwrap();
        assert_eq!(history.len(), 4, "{backend}");
        assert_eq!(history[0].measurement.actual, Actual::NotYetAvailable);
        assert_eq!(history[1].supersedes, Some(history[0].id), "{backend}");
        assert_eq!(history[2].supersedes, None, "{backend}");
        assert_eq!(history[3].id, correction);
        assert_eq!(history[3].supersedes, Some(history[2].id), "{backend}");
        assert_eq!(history[3].entered_by, "Head of Economic Crime");
        assert_eq!(history[3].entered_at, at(2008, 10, 17));

        // The plan-wide read agrees with the per-indicator one.
        let by_plan = store.plan_measurements(scope, plan.id, None).await.unwrap();
        assert_eq!(by_plan.get(&id), Some(&now), "{backend}");

        // And the stored figures give seed 004's answer: ahead of the pro-rata £1,500,000.
        let indicator = store.indicator(scope, id).await.unwrap().indicator;
        let evaluation = evaluate(&indicator, &now, q2);
        assert_eq!(evaluation.rag, Some(Rag::Green), "{backend}");
        assert_eq!(
            evaluation.target_for_period,
            Some(Figure::from_pence(150_000_000))
        );
    }
}

#[tokio::test]
async fn a_batch_is_one_transaction_and_later_rows_supersede_earlier_ones() {
    for (backend, store) in stores().await {
        let (org, plan, _) = seeded(&store, "TVP").await;
        let scope = Scope::Org(org.id);
        let monthly = store
            .create_indicator(&NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator: Indicator {
                    annual_target: Some(Figure::whole(90)),
                    ..Indicator::new(
                        IndicatorId(0),
                        "999 calls answered within 10 seconds",
                        Wording::new("the share of 999 calls answered within 10 seconds"),
                        Unit::Percent,
                        Direction::HigherIsBetter,
                        MeasureType::Level,
                        Calendar::Monthly,
                    )
                },
                owner_post: None,
                position: 0,
            })
            .await
            .unwrap()
            .indicator
            .id;
        let september = period("September 2008");
        let batch: Vec<NewMeasurement> = [9160, 9200, 9210]
            .into_iter()
            .map(|h| NewMeasurement {
                indicator: monthly,
                measurement: Measurement::new(september, hundredths(h)),
                entered_by: "Contact management analyst".into(),
                entered_at: None,
                reason: None,
            })
            .collect();
        let ids = store.record_measurements(scope, &batch).await.unwrap();
        assert_eq!(ids.len(), 3);
        let history = store.measurement_history(scope, monthly).await.unwrap();
        assert_eq!(
            history.iter().map(|e| e.supersedes).collect::<Vec<_>>(),
            vec![None, Some(ids[0]), Some(ids[1])],
            "{backend}"
        );
        assert_eq!(
            store.measurements(scope, monthly, None).await.unwrap(),
            vec![Measurement::new(september, hundredths(9210))]
        );

        // A quarter is not a period of a monthly indicator; the whole batch is refused.
        let mixed = vec![
            NewMeasurement {
                indicator: monthly,
                measurement: Measurement::new(period("October 2008"), hundredths(9300)),
                entered_by: "Analyst".into(),
                entered_at: None,
                reason: None,
            },
            NewMeasurement {
                indicator: monthly,
                measurement: Measurement::new(period("Q3 2008-09"), hundredths(9300)),
                entered_by: "Analyst".into(),
                entered_at: None,
                reason: None,
            },
        ];
        let refused = store.record_measurements(scope, &mixed).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{backend}");
        assert_eq!(
            store
                .measurement_history(scope, monthly)
                .await
                .unwrap()
                .len(),
            3,
            "{backend}: nothing of the refused batch is stored"
        );
    }
}

#[tokio::test]
async fn other_organisations_can_neither_see_nor_record() {
    for (backend, store) in stores().await {
        let (org, plan, objective) = seeded(&store, "TVP").await;
        let (other, other_plan, _) = seeded(&store, "OTH").await;
        let id = store
            .create_indicator(&NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator: Indicator {
                    objective: Some(objective),
                    ..confiscation()
                },
                owner_post: None,
                position: 0,
            })
            .await
            .unwrap()
            .indicator
            .id;
        store
            .record_measurement(
                Scope::Org(org.id),
                &recorded(
                    id,
                    Measurement::new(period("Q1 2008-09"), Figure::from_pence(98_000_000)),
                    at(2008, 7, 20),
                ),
            )
            .await
            .unwrap();
        let theirs = Scope::Org(other.id);
        let not_found = |result: Result<(), StoreError>| {
            assert!(
                matches!(result, Err(StoreError::NotFound { .. })),
                "{backend}: {result:?}"
            )
        };
        not_found(store.indicator(theirs, id).await.map(drop));
        not_found(store.indicators(theirs, plan.id).await.map(drop));
        not_found(store.measurements(theirs, id, None).await.map(drop));
        not_found(
            store
                .plan_measurements(theirs, plan.id, None)
                .await
                .map(drop),
        );
        not_found(store.measurement_history(theirs, id).await.map(drop));
        not_found(
            store
                .record_measurement(
                    theirs,
                    &recorded(
                        id,
                        Measurement::new(period("Q2 2008-09"), Figure::from_pence(1)),
                        at(2008, 10, 1),
                    ),
                )
                .await
                .map(drop),
        );
        assert!(
            store
                .indicators(theirs, other_plan.id)
                .await
                .unwrap()
                .is_empty()
        );
        // An indicator cannot serve another organisation's objective or live in its plan.
        not_found(
            store
                .create_indicator(&NewIndicator {
                    org: other.id,
                    plan: other_plan.id,
                    indicator: Indicator {
                        objective: Some(objective),
                        ..confiscation()
                    },
                    owner_post: None,
                    position: 0,
                })
                .await
                .map(drop),
        );
        not_found(
            store
                .create_indicator(&NewIndicator {
                    org: other.id,
                    plan: plan.id,
                    indicator: confiscation(),
                    owner_post: None,
                    position: 0,
                })
                .await
                .map(drop),
        );
        assert_eq!(
            store
                .measurement_history(Scope::All, id)
                .await
                .unwrap()
                .len(),
            1,
            "{backend}"
        );
    }
}
