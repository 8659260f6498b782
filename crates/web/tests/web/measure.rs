//! A measurement, not a check (ignored by default): the plan page of a 10,000-item plan
//! filtered to one RAG, its bytes and time. `cargo test -p waymark-web --test web measure --
//! --ignored --nocapture` prints them.

use std::time::Instant;

use waymark_core::{ItemFields, PlanId, Rag};
use waymark_store::{ChangeSet, ItemRef, NewItem, NewUpdate, Scope};

use crate::helpers::{day, spawn_app};

#[tokio::test]
#[ignore = "a measurement; run with --ignored --nocapture"]
async fn measure_a_10000_item_plan_filtered_to_amber() {
    let app = spawn_app().await;
    app.sign_in().await;
    let plan = app.store.plan(Scope::All, PlanId(app.plan)).await.unwrap();
    let mut changes = ChangeSet::new(plan.org, plan.id);
    // 1,000 objectives of 9 actions each, plus the app's two items: 10,002 items. Every
    // action has an update; 3,038 actions are Amber.
    let mut amber = 0;
    for o in 0..1000 {
        let parent = changes.new_items.len();
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                reference: Some(format!("{o}")),
                text: format!("Objective {o}: improve the service to victims in area {o}"),
                ..ItemFields::default()
            },
            effective: day(2014, 12, 1),
        });
        for a in 0..9 {
            let rag = if amber < 3038 && (o * 9 + a) % 3 != 2 {
                amber += 1;
                Rag::Amber
            } else {
                Rag::Green
            };
            let at = changes.new_items.len();
            changes.new_items.push(NewItem {
                parent: Some(ItemRef::New(parent)),
                fields: ItemFields {
                    reference: Some(format!("{o}.{a}")),
                    text: format!(
                        "Action {o}.{a}: review the call handling scripts and train the staff"
                    ),
                    owners: vec![format!("Head of Area {}", o % 20)],
                    rag: Some(rag),
                    ..ItemFields::default()
                },
                effective: day(2014, 12, 1),
            });
            changes.updates.push(NewUpdate {
                item: ItemRef::New(at),
                as_of: day(2014, 12, 2),
                author_person: None,
                author_post: Some("Performance Manager".into()),
                text: "Scripts reviewed with the team; training booked for the new year.".into(),
                proposed_rag: None,
                supersedes: None,
            });
        }
    }
    assert_eq!(amber, 3038);
    app.store.apply_changes(&changes).await.unwrap();
    for path in [
        format!("/plans/{}?rag=amber", app.plan),
        format!("/plans/{}", app.plan),
        format!("/api/plans/{}/items?rag=amber", app.plan),
        format!("/plans/{}?q=victims", app.plan),
    ] {
        // The first request fills the plan view cache; the next ones are timed.
        let _ = app.text(&path).await;
        let mut best = f64::MAX;
        let mut bytes = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let body = app.text(&path).await;
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
            bytes = body.len();
        }
        println!("{path}: {bytes} bytes, best of 5 {best:.1} ms");
    }
}
