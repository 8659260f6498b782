//! One conformance story for the store, run on SQLite always and on PostgreSQL when
//! `WAYMARK_TEST_DATABASE_URL` is set (the README test command sets it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod batch;
mod glossary;
mod group_commit;
mod narrative;
mod one_query;
mod report_settings;
mod uploads;

use chrono::{NaiveDate, TimeZone, Utc};
use waymark_core::{Flag, FlexDate, ItemFields, PlanId, PlanKind, Rag, UpdateCycle};
use waymark_store::{
    ChangeSet, ItemRef, NewItem, NewPlan, NewUpdate, NewVersion, Scope, Store, StoreError,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn stores() -> Vec<(String, Store)> {
    common::stores("conformance").await
}

fn action(text: &str, due: Option<NaiveDate>, rag: Option<Rag>, owners: &[&str]) -> ItemFields {
    ItemFields {
        text: text.into(),
        due: due.map(FlexDate::exact),
        rag,
        owners: owners.iter().map(|o| o.to_string()).collect(),
        ..ItemFields::default()
    }
}

async fn seeded(store: &Store) -> (waymark_core::Organisation, waymark_core::Plan) {
    let org = store
        .create_organisation("TST", "Test Constabulary")
        .await
        .unwrap();
    let plan = store
        .create_plan(&NewPlan {
            org: org.id,
            kind: PlanKind::Improvement,
            title: "Crime data integrity improvement plan".into(),
            period: Some("2014-15".into()),
            level_names: PlanKind::Improvement.default_levels(),
            owner_posts: vec!["Improvement Plan Owner: Chief Superintendent".into()],
            source: Some("Inspection report".into()),
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await
        .unwrap();
    (org, plan)
}

#[tokio::test]
async fn as_at_reads_follow_the_history() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.author = Some("Import of tracker.xlsx".into());
        changes.entered_at = Some(Utc.with_ymd_and_hms(2015, 1, 30, 10, 0, 0).unwrap());
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                reference: Some("pg 54 paragraph 3.41".into()),
                ..action("Problem-solving database", None, None, &[])
            },
            effective: day(2014, 11, 21),
        });
        changes.new_items.push(NewItem {
            parent: Some(ItemRef::New(0)),
            fields: ItemFields {
                reference: Some("3.41a".into()),
                position: 1,
                ..action(
                    "Track problem-solving cases",
                    Some(day(2015, 3, 31)),
                    Some(Rag::Green),
                    &["Superintendent Territorial Policing", "Op Trafalgar Lead"],
                )
            },
            effective: day(2014, 11, 21),
        });
        changes.new_items.push(NewItem {
            parent: Some(ItemRef::New(0)),
            fields: ItemFields {
                reference: Some("3.41b".into()),
                position: 2,
                ..action(
                    "Share good practice with partners",
                    None,
                    Some(Rag::Amber),
                    &["Head of Contact Management"],
                )
            },
            effective: day(2014, 11, 21),
        });
        for (as_of, text) in [
            (
                day(2014, 11, 21),
                "All problem solving plans are audited quarterly.",
            ),
            (day(2015, 1, 23), "Unlikely to be in place by March 2015."),
            (day(2015, 1, 8), "Ownership is moving to Crime Reduction."),
        ] {
            changes.updates.push(NewUpdate {
                item: ItemRef::New(1),
                as_of,
                author_person: None,
                author_post: Some("Territorial Policing".into()),
                text: text.into(),
                proposed_rag: None,
                supersedes: None,
            });
        }
        let applied = store.apply_changes(&changes).await.unwrap();
        assert_eq!(applied.item_ids.len(), 3, "{backend}");
        assert_eq!(applied.update_ids.len(), 3, "{backend}");
        let action_id = applied.item_ids[1];

        // A RAG change that takes effect in February.
        let mut change = ChangeSet::new(org.id, plan.id);
        change.versions.push(NewVersion {
            item: action_id,
            parent: Some(ItemRef::Existing(applied.item_ids[0])),
            fields: ItemFields {
                reference: Some("3.41a".into()),
                position: 1,
                ..action(
                    "Track problem-solving cases",
                    Some(day(2015, 6, 30)),
                    Some(Rag::Red),
                    &["Superintendent Territorial Policing"],
                )
            },
            effective: day(2015, 2, 10),
            reason: Some("ePSP system fault".into()),
        });
        store.apply_changes(&change).await.unwrap();

        let before = store
            .plan_as_at(Scope::Org(org.id), plan.id, day(2014, 11, 20), None)
            .await
            .unwrap();
        assert!(
            before.items.is_empty(),
            "{backend}: nothing existed before the first evidence"
        );

        let december = store
            .plan_as_at(Scope::Org(org.id), plan.id, day(2014, 12, 31), None)
            .await
            .unwrap();
        assert_eq!(december.items.len(), 3, "{backend}");
        assert_eq!(december.items[0].depth, 0);
        assert_eq!(december.items[1].fields.reference.as_deref(), Some("3.41a"));
        assert_eq!(december.items[1].depth, 1);
        assert_eq!(december.items[0].children.len(), 2);
        let tracked = december.item(action_id).unwrap();
        assert_eq!(tracked.fields.rag, Some(Rag::Green), "{backend}");
        assert_eq!(tracked.updates.len(), 1, "{backend}");
        assert_eq!(tracked.fields.owners.len(), 2);
        assert!(december.items[2].flags.contains(&Flag::NoDueDate));

        let april = store
            .plan_as_at(Scope::Org(org.id), plan.id, day(2015, 4, 1), None)
            .await
            .unwrap();
        let tracked = april.item(action_id).unwrap();
        assert_eq!(tracked.fields.rag, Some(Rag::Red), "{backend}");
        assert_eq!(tracked.fields.due.as_ref().unwrap().date, day(2015, 6, 30));
        assert_eq!(tracked.updates.len(), 3);
        assert_eq!(
            tracked.latest_update.as_ref().unwrap().as_of,
            day(2015, 1, 23),
            "{backend}"
        );
        assert!(
            tracked.flags.contains(&Flag::UpdateOutOfOrder),
            "{backend}: {:?}",
            tracked.flags
        );
        assert!(
            tracked.flags.contains(&Flag::Stale),
            "{backend}: {:?}",
            tracked.flags
        );
        assert!(
            !tracked.flags.contains(&Flag::Overdue),
            "{backend}: due moved to June"
        );

        // The same day, as known before the February change was entered.
        let known = Utc.with_ymd_and_hms(2015, 1, 31, 0, 0, 0).unwrap();
        let as_known = store
            .plan_as_at(Scope::Org(org.id), plan.id, day(2015, 4, 1), Some(known))
            .await
            .unwrap();
        let tracked = as_known.item(action_id).unwrap();
        assert_eq!(tracked.fields.rag, Some(Rag::Green), "{backend}");
        assert!(tracked.flags.contains(&Flag::Overdue), "{backend}");

        let history = store
            .item_history(Scope::Org(org.id), action_id)
            .await
            .unwrap();
        assert_eq!(history.versions.len(), 2);
        assert_eq!(history.updates.len(), 3);
        assert_eq!(history.rag_history.len(), 2);
        assert_eq!(history.rag_history[1].to, Some(Rag::Red));
        assert_eq!(
            history.rag_history[1].reason.as_deref(),
            Some("ePSP system fault")
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_failing_change_set_stores_nothing() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Kept only if everything is", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        changes.updates.push(NewUpdate {
            item: ItemRef::New(5),
            as_of: day(2015, 1, 1),
            author_person: None,
            author_post: None,
            text: "refers to an item that is not in the change set".into(),
            proposed_rag: None,
            supersedes: None,
        });
        assert!(store.apply_changes(&changes).await.is_err(), "{backend}");
        let view = store
            .plan_as_at(Scope::All, plan.id, day(2030, 1, 1), None)
            .await
            .unwrap();
        assert!(
            view.items.is_empty(),
            "{backend}: half a change set was stored"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_new_plan_with_its_items_is_checked_before_anything_is_stored() {
    for (backend, store) in stores().await {
        let (org, _) = seeded(&store).await;
        let new_plan = |org| NewPlan {
            org,
            kind: PlanKind::Delivery,
            title: "Imported plan".into(),
            period: None,
            level_names: PlanKind::Delivery.default_levels(),
            owner_posts: Vec::new(),
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        };
        let mut changes = ChangeSet::new(org.id, waymark_core::PlanId(0));
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Objective", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        changes.new_items.push(NewItem {
            parent: Some(ItemRef::New(0)),
            fields: action(
                "Action",
                Some(day(2015, 3, 31)),
                Some(Rag::Amber),
                &["Head of Crime"],
            ),
            effective: day(2015, 1, 1),
        });
        let nobody = waymark_core::OrgId(9_999);
        assert!(
            matches!(
                store
                    .create_plan_with_changes(&new_plan(nobody), &changes)
                    .await,
                Err(StoreError::NotFound {
                    what: "organisation",
                    ..
                })
            ),
            "{backend}: an organisation that does not exist"
        );
        let mut dangling = changes.clone();
        dangling.new_items[1].parent = Some(ItemRef::New(7));
        assert!(
            store
                .create_plan_with_changes(&new_plan(org.id), &dangling)
                .await
                .is_err(),
            "{backend}: a parent outside the change set"
        );
        assert_eq!(
            store.plans(Scope::Org(org.id)).await.unwrap().len(),
            1,
            "{backend}: neither refused import left a plan"
        );

        let (plan, applied) = store
            .create_plan_with_changes(&new_plan(org.id), &changes)
            .await
            .unwrap();
        let view = store
            .plan_as_at(Scope::Org(org.id), plan.id, day(2015, 2, 1), None)
            .await
            .unwrap();
        assert_eq!(view.items.len(), 2, "{backend}");
        assert_eq!(
            view.item(applied.item_ids[1]).unwrap().fields.parent,
            Some(applied.item_ids[0]),
            "{backend}"
        );
        // Later writes on any connection still have their references checked.
        for _ in 0..10 {
            let mut orphan = ChangeSet::new(org.id, plan.id);
            orphan.updates.push(NewUpdate {
                item: ItemRef::Existing(waymark_core::ItemId(123_456)),
                as_of: day(2015, 1, 1),
                author_person: None,
                author_post: None,
                text: "for an item that does not exist".into(),
                proposed_rag: None,
                supersedes: None,
            });
            assert!(store.apply_changes(&orphan).await.is_err(), "{backend}");
        }
        store.close().await;
    }
}

/// A new plan commits before its search documents and owner index rows exist; it waits in the
/// index backlog, a search of it or My actions catches up first (so neither answers from a
/// partial index), and catching up twice does nothing the second time.
#[tokio::test]
async fn a_new_plans_derived_indexes_follow_its_commit() {
    for (backend, store) in stores().await {
        let org = store
            .create_organisation("SRC", "Search Police")
            .await
            .unwrap();
        let new_plan = |title: &str| NewPlan {
            org: org.id,
            kind: PlanKind::Improvement,
            title: title.into(),
            period: None,
            level_names: Vec::new(),
            owner_posts: Vec::new(),
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        };
        let mut changes = ChangeSet::new(org.id, PlanId(0));
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Review custody handovers", None, None, &["Head of Custody"]),
            effective: day(2015, 1, 1),
        });
        changes.updates.push(NewUpdate {
            item: ItemRef::New(0),
            as_of: day(2015, 1, 20),
            author_person: None,
            author_post: None,
            text: "Detention officers briefed".into(),
            proposed_rag: None,
            supersedes: None,
        });
        let (first, applied) = store
            .create_plan_with_changes(&new_plan("First"), &changes)
            .await
            .unwrap();
        let (second, _) = store
            .create_plan_with_changes(&new_plan("Second"), &changes)
            .await
            .unwrap();
        assert!(store.indexes_pending(first.id).await.unwrap(), "{backend}");

        // A change written before the catch-up indexes its item at once; the catch-up then
        // rebuilds the same document, without losing the change's words or doubling any.
        let mut later = ChangeSet::new(org.id, first.id);
        later.updates.push(NewUpdate {
            item: ItemRef::Existing(applied.item_ids[0]),
            as_of: day(2015, 2, 3),
            author_person: None,
            author_post: None,
            text: "Sergeants trained".into(),
            proposed_rag: None,
            supersedes: None,
        });
        store.apply_changes(&later).await.unwrap();
        assert!(store.indexes_pending(first.id).await.unwrap(), "{backend}");

        // A search before the catch-up finds the item by its wording and its updates' words.
        let scope = Scope::Org(org.id);
        let found = store.search(scope, first.id, "sergeants").await.unwrap();
        assert_eq!(
            found,
            std::collections::HashSet::from([applied.item_ids[0]]),
            "{backend}"
        );
        let found = store.search(scope, first.id, "detention").await.unwrap();
        assert_eq!(
            found,
            std::collections::HashSet::from([applied.item_ids[0]]),
            "{backend}"
        );
        assert!(!store.indexes_pending(first.id).await.unwrap(), "{backend}");
        assert!(
            !store.catch_up_indexes(first.id).await.unwrap(),
            "{backend}"
        );

        // The server's catch-up at start takes what is left: the second plan only.
        assert!(store.indexes_pending(second.id).await.unwrap(), "{backend}");
        assert_eq!(store.catch_up_all_indexes().await.unwrap(), 1, "{backend}");
        assert_eq!(store.catch_up_all_indexes().await.unwrap(), 0, "{backend}");
        assert_eq!(
            store
                .search(scope, second.id, "custody")
                .await
                .unwrap()
                .len(),
            1,
            "{backend}"
        );

        // My actions in the organisation catches up a third plan before it reads the index.
        let (third, third_applied) = store
            .create_plan_with_changes(&new_plan("Third"), &changes)
            .await
            .unwrap();
        let owned = store
            .items_owned_by(scope, org.id, &["head of custody".to_string()])
            .await
            .unwrap();
        assert_eq!(
            owned.iter().map(|o| o.plan).collect::<Vec<_>>(),
            vec![first.id, second.id, third.id],
            "{backend}"
        );
        assert_eq!(owned[2].items, third_applied.item_ids, "{backend}");
        assert!(!store.indexes_pending(third.id).await.unwrap(), "{backend}");
        store.close().await;
    }
}

#[tokio::test]
async fn organisations_cannot_see_each_others_plans() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let other = store
            .create_organisation("OTH", "Other Police")
            .await
            .unwrap();
        assert!(
            store.plans(Scope::Org(other.id)).await.unwrap().is_empty(),
            "{backend}"
        );
        assert_eq!(store.plans(Scope::Org(org.id)).await.unwrap().len(), 1);
        assert!(matches!(
            store.plan(Scope::Org(other.id), plan.id).await,
            Err(StoreError::NotFound { .. })
        ));
        // Writing into another organisation's plan is refused too.
        let mut changes = ChangeSet::new(other.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Intruder", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        assert!(store.apply_changes(&changes).await.is_err(), "{backend}");
        store.close().await;
    }
}

#[tokio::test]
async fn search_finds_items_by_their_words_and_their_updates() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action(
                "Recruit additional call handlers",
                None,
                None,
                &["Head of Contact Management"],
            ),
            effective: day(2015, 1, 1),
        });
        changes.new_items.push(NewItem {
            parent: None,
            fields: action(
                "Review the problem-solving database",
                None,
                None,
                &["Superintendent Territorial Policing"],
            ),
            effective: day(2015, 1, 1),
        });
        changes.updates.push(NewUpdate {
            item: ItemRef::New(1),
            as_of: day(2015, 1, 8),
            author_person: None,
            author_post: None,
            text: "The ePSP system fault is with Technology.".into(),
            proposed_rag: None,
            supersedes: None,
        });
        let applied = store.apply_changes(&changes).await.unwrap();
        let find = |q: &'static str| {
            let store = store.clone();
            async move { store.search(Scope::Org(org.id), plan.id, q).await.unwrap() }
        };
        assert_eq!(
            find("call handlers").await.into_iter().collect::<Vec<_>>(),
            vec![applied.item_ids[0]],
            "{backend}"
        );
        assert_eq!(
            find("technology").await.into_iter().collect::<Vec<_>>(),
            vec![applied.item_ids[1]],
            "{backend}"
        );
        assert_eq!(
            find("territorial").await.len(),
            1,
            "{backend}: owners are searchable"
        );
        assert!(find("burglary").await.is_empty(), "{backend}");
        assert!(
            find("\"OR (").await.is_empty(),
            "{backend}: odd input is not an error"
        );
        let other = store
            .create_organisation("OTH", "Other Police")
            .await
            .unwrap();
        assert!(
            store
                .search(Scope::Org(other.id), plan.id, "call")
                .await
                .is_err(),
            "{backend}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn search_returns_every_match_with_no_cap() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        // 1,200 items say "recruit" in some form, 300 don't: more than the old cap of 1,000.
        for n in 0..1500 {
            let text = if n % 5 == 4 {
                format!("Review patrol plan {n}")
            } else {
                format!("Recruiting officers for area {n}")
            };
            changes.new_items.push(NewItem {
                parent: None,
                fields: action(&text, None, None, &[]),
                effective: day(2015, 1, 1),
            });
        }
        store.apply_changes(&changes).await.unwrap();
        let found = store
            .search(Scope::Org(org.id), plan.id, "recruit")
            .await
            .unwrap();
        assert_eq!(found.len(), 1200, "{backend}");
        store.close().await;
    }
}

#[tokio::test]
async fn the_monthly_rag_mix_agrees_with_as_at_reads() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Recommendation", None, None, &[]),
            effective: day(2014, 10, 1),
        });
        for (n, rag) in [Some(Rag::Green), Some(Rag::Amber), None]
            .into_iter()
            .enumerate()
        {
            changes.new_items.push(NewItem {
                parent: Some(ItemRef::New(0)),
                fields: ItemFields {
                    position: n as i64,
                    ..action("Action", None, rag, &[])
                },
                effective: day(2014, 11, 1 + n as u32),
            });
        }
        let applied = store.apply_changes(&changes).await.unwrap();
        let mut later = ChangeSet::new(org.id, plan.id);
        later.versions.push(NewVersion {
            item: applied.item_ids[1],
            parent: Some(ItemRef::Existing(applied.item_ids[0])),
            fields: ItemFields {
                complete: true,
                ..action("Action", None, Some(Rag::Green), &[])
            },
            effective: day(2015, 1, 15),
            reason: None,
        });
        store.apply_changes(&later).await.unwrap();
        let days = [day(2014, 10, 31), day(2014, 11, 30), day(2015, 1, 31)];
        let mixes = store
            .rag_mix_at(Scope::Org(org.id), plan.id, &days)
            .await
            .unwrap();
        for (day, mix) in days.iter().zip(&mixes) {
            let view = store
                .plan_as_at(Scope::Org(org.id), plan.id, *day, None)
                .await
                .unwrap();
            let actions: Vec<_> = view
                .items
                .iter()
                .filter(|i| i.children.is_empty())
                .collect();
            assert_eq!(mix.actions(), actions.len(), "{backend} {day}");
            let count = |rag: Option<Rag>| {
                actions
                    .iter()
                    .filter(|i| i.fields.shown_rag() == rag)
                    .count()
            };
            assert_eq!(
                (mix.green, mix.amber, mix.blue, mix.not_assessed),
                (
                    count(Some(Rag::Green)),
                    count(Some(Rag::Amber)),
                    count(Some(Rag::Blue)),
                    count(None)
                ),
                "{backend} {day}"
            );
        }
        // October: only the recommendation exists, and with no children it counts as an action.
        assert_eq!(mixes[0].not_assessed, 1, "{backend}");
        assert_eq!(
            (mixes[2].blue, mixes[2].amber, mixes[2].not_assessed),
            (1, 1, 1),
            "{backend}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_cached_view_is_never_older_than_the_database() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Publish the standard", None, Some(Rag::Green), &[]),
            effective: day(2015, 1, 1),
        });
        let applied = store.apply_changes(&changes).await.unwrap();
        let first = store
            .plan_as_at(Scope::All, plan.id, day(2015, 3, 1), None)
            .await
            .unwrap();
        assert_eq!(first.items[0].fields.rag, Some(Rag::Green), "{backend}");
        // Read again (from the cache), then change the plan: the revision written with the
        // change makes the next read rebuild the view.
        let again = store
            .plan_as_at(Scope::All, plan.id, day(2015, 3, 1), None)
            .await
            .unwrap();
        assert_eq!(again, first, "{backend}");
        let mut change = ChangeSet::new(org.id, plan.id);
        change.versions.push(NewVersion {
            item: applied.item_ids[0],
            parent: None,
            fields: action("Publish the standard", None, Some(Rag::Red), &[]),
            effective: day(2015, 2, 1),
            reason: None,
        });
        store.apply_changes(&change).await.unwrap();
        let after = store
            .plan_as_at(Scope::All, plan.id, day(2015, 3, 1), None)
            .await
            .unwrap();
        assert_eq!(after.items[0].fields.rag, Some(Rag::Red), "{backend}");
        store.close().await;
    }
}

#[tokio::test]
async fn search_stays_inside_its_plan() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let other = store
            .create_plan(&NewPlan {
                org: org.id,
                kind: PlanKind::Strategic,
                title: "Another plan".into(),
                period: None,
                level_names: PlanKind::Strategic.default_levels(),
                owner_posts: vec![],
                source: None,
                update_cycle: UpdateCycle::Quarterly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await
            .unwrap();
        for target in [plan.id, other.id] {
            let mut changes = ChangeSet::new(org.id, target);
            changes.new_items.push(NewItem {
                parent: None,
                fields: action("Custody suite refurbishment", None, None, &[]),
                effective: day(2015, 1, 1),
            });
            store.apply_changes(&changes).await.unwrap();
        }
        for target in [plan.id, other.id] {
            let found = store
                .search(Scope::Org(org.id), target, "custody")
                .await
                .unwrap();
            assert_eq!(found.len(), 1, "{backend}");
            let view = store
                .plan_as_at(Scope::All, target, day(2015, 2, 1), None)
                .await
                .unwrap();
            assert!(
                found.contains(&view.items[0].id),
                "{backend}: found another plan's item"
            );
        }
        store.close().await;
    }
}

#[tokio::test]
async fn search_follows_later_versions_and_updates() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut first = ChangeSet::new(org.id, plan.id);
        first.new_items.push(NewItem {
            parent: None,
            fields: action("Refurbish the custody suite", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        first.new_items.push(NewItem {
            parent: None,
            fields: action("Train call handlers", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        let items = store.apply_changes(&first).await.unwrap().item_ids;
        let mut later = ChangeSet::new(org.id, plan.id);
        later.versions.push(NewVersion {
            item: items[0],
            parent: None,
            fields: action(
                "Refurbish the detention centre",
                None,
                None,
                &["Head of Estates"],
            ),
            effective: day(2015, 2, 1),
            reason: None,
        });
        later.updates.push(NewUpdate {
            item: ItemRef::Existing(items[1]),
            as_of: day(2015, 2, 1),
            author_person: None,
            author_post: None,
            text: "Second cohort booked with the college.".into(),
            proposed_rag: None,
            supersedes: None,
        });
        store.apply_changes(&later).await.unwrap();
        let find = |q: &'static str| {
            let store = store.clone();
            async move {
                let mut found: Vec<_> = store
                    .search(Scope::Org(org.id), plan.id, q)
                    .await
                    .unwrap()
                    .into_iter()
                    .collect();
                found.sort_by_key(|id| id.0);
                found
            }
        };
        assert_eq!(
            find("detention").await,
            vec![items[0]],
            "{backend}: new wording"
        );
        assert_eq!(
            find("custody").await,
            vec![items[0]],
            "{backend}: old wording stays"
        );
        assert_eq!(
            find("estates").await,
            vec![items[0]],
            "{backend}: new owner"
        );
        assert_eq!(
            find("cohort").await,
            vec![items[1]],
            "{backend}: later update"
        );
        assert_eq!(
            find("handlers college").await,
            vec![items[1]],
            "{backend}: words from an item's wording and its update together"
        );
        assert_eq!(
            find("refurbish").await.len(),
            1,
            "{backend}: one hit per item"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn the_owner_index_finds_the_plans_a_post_owns_in() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action(
                "Audit repeat caller flags",
                None,
                None,
                &["Force Crime Registrar", "Head of Contact Management"],
            ),
            effective: day(2015, 1, 1),
        });
        store.apply_changes(&changes).await.unwrap();
        let owned = |posts: &[&str]| {
            let posts: Vec<String> = posts.iter().map(|p| p.to_string()).collect();
            let store = store.clone();
            async move {
                store
                    .items_owned_by(Scope::Org(org.id), org.id, &posts)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|owned| owned.plan)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            owned(&["head of contact management"]).await,
            vec![plan.id],
            "{backend}: matched without case"
        );
        assert_eq!(
            owned(&["Head of Crime", "Force Crime Registrar"]).await,
            vec![plan.id],
            "{backend}"
        );
        assert!(owned(&["Head of Crime"]).await.is_empty(), "{backend}");
        let other = store
            .create_organisation("OTH", "Other Police")
            .await
            .unwrap();
        assert!(
            store
                .items_owned_by(
                    Scope::Org(other.id),
                    org.id,
                    &["Force Crime Registrar".into()]
                )
                .await
                .unwrap()
                .is_empty(),
            "{backend}: scope"
        );
        store.close().await;
    }
}
