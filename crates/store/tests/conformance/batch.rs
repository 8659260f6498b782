//! The many-plan reads behind the home page and My actions agree with one-plan reads, keep to
//! their scope, keep the order asked for, and never serve a view older than the database.

use chrono::{TimeZone, Utc};
use waymark_core::{ItemFields, PlanKind, Rag, UpdateCycle};
use waymark_store::{ChangeSet, NewItem, NewPlan, NewUpdate, NewVersion, Scope, Store};

use super::{action, day, stores};

/// A plan of one objective with three actions (owners, RAG, an update each) in `org`.
async fn plan_with_actions(
    store: &Store,
    org: waymark_core::OrgId,
    title: &str,
    owner: &str,
) -> (waymark_core::PlanId, Vec<waymark_core::ItemId>) {
    let plan = store
        .create_plan(&NewPlan {
            org,
            kind: PlanKind::Delivery,
            title: title.into(),
            period: None,
            level_names: PlanKind::Delivery.default_levels(),
            owner_posts: Vec::new(),
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await
        .unwrap();
    let mut changes = ChangeSet::new(org, plan.id);
    changes.new_items.push(NewItem {
        parent: None,
        fields: action("Objective", None, None, &[]),
        effective: day(2014, 4, 1),
    });
    for (n, rag) in [Some(Rag::Green), Some(Rag::Red), None]
        .into_iter()
        .enumerate()
    {
        changes.new_items.push(NewItem {
            parent: Some(waymark_store::ItemRef::New(0)),
            fields: ItemFields {
                position: n as i64,
                ..action(
                    &format!("{title} action {n}"),
                    Some(day(2015, 1, 10 + n as u32)),
                    rag,
                    &[if n == 1 { owner } else { "Head of Estates" }],
                )
            },
            effective: day(2014, 4, 2),
        });
        changes.updates.push(NewUpdate {
            item: waymark_store::ItemRef::New(n + 1),
            as_of: day(2014, 12, 1 + n as u32),
            author_person: None,
            author_post: Some(owner.into()),
            text: format!("Progress on {title} action {n}"),
            proposed_rag: None,
            supersedes: None,
        });
    }
    let applied = store.apply_changes(&changes).await.unwrap();
    (plan.id, applied.item_ids)
}

#[tokio::test]
async fn many_plan_reads_agree_with_one_plan_reads() {
    for (backend, store) in stores().await {
        let org = store
            .create_organisation("ONE", "One Police")
            .await
            .unwrap();
        let other = store
            .create_organisation("TWO", "Two Police")
            .await
            .unwrap();
        let (first, _) = plan_with_actions(&store, org.id, "Custody", "Head of Custody").await;
        let (second, second_items) =
            plan_with_actions(&store, org.id, "Fleet", "Head of Custody").await;
        let (third, _) = plan_with_actions(&store, org.id, "Estates", "Head of Fleet").await;
        let (foreign, _) =
            plan_with_actions(&store, other.id, "Elsewhere", "Head of Custody").await;
        let scope = Scope::Org(org.id);
        let on = day(2015, 1, 31);
        // Read one plan at a time first, under a key the many-plan read does not use, so that
        // the comparison is between two separate derivations.
        let later = Some(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap());
        let mut one_by_one = Vec::new();
        for plan in [third, first, second] {
            one_by_one.push(store.plan_as_at(scope, plan, on, later).await.unwrap());
        }

        let views = store
            .plan_views(scope, &[third, first, foreign, second], on)
            .await
            .unwrap();
        let ids: Vec<_> = views.iter().map(|v| v.plan.id).collect();
        assert_eq!(ids, vec![third, first, second], "{backend}: order, scope");
        for (many, one) in views.iter().zip(&one_by_one) {
            assert_eq!(many.items, one.items, "{backend}: {}", one.plan.title);
            assert_eq!(many.plan, one.plan, "{backend}");
            assert_eq!(many.known_at, None, "{backend}");
        }
        // The overdue flag is worked out in the batch too: actions due in January, not complete.
        assert!(
            views[1].items[1]
                .flags
                .contains(&waymark_core::Flag::Overdue),
            "{backend}"
        );

        // Served from the cache, then rebuilt when the plan changes.
        let again = store.plan_views(scope, &[second], on).await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&again[0], &views[2]), "{backend}");
        let mut change = ChangeSet::new(org.id, second);
        change.versions.push(NewVersion {
            item: second_items[1],
            parent: Some(waymark_store::ItemRef::Existing(second_items[0])),
            fields: ItemFields {
                position: 0,
                ..action(
                    "Fleet action 0",
                    None,
                    Some(Rag::Amber),
                    &["Head of Estates"],
                )
            },
            effective: day(2015, 1, 20),
            reason: Some("Slipped".into()),
        });
        store.apply_changes(&change).await.unwrap();
        let changed = store.plan_views(scope, &[second], on).await.unwrap();
        assert_eq!(
            changed[0].items[1].fields.rag,
            Some(Rag::Amber),
            "{backend}: a change is never hidden by the cache"
        );

        // Warming reads every plan of every organisation into the cache.
        assert_eq!(
            store.warm_views(day(2015, 2, 1)).await.unwrap(),
            4,
            "{backend}"
        );
        let warm = store
            .plan_view(Scope::Org(other.id), foreign, day(2015, 2, 1), None)
            .await
            .unwrap();
        let cached = store
            .plan_view(Scope::Org(other.id), foreign, day(2015, 2, 1), None)
            .await
            .unwrap();
        assert!(std::sync::Arc::ptr_eq(&warm, &cached), "{backend}");
        assert!(
            store
                .plan_view(scope, foreign, day(2015, 2, 1), None)
                .await
                .is_err(),
            "{backend}: a warm cache keeps to the scope"
        );

        // Monthly RAG mixes: one per plan, in the order asked, each as the one-plan read says.
        let days = [day(2014, 4, 1), day(2014, 4, 30), day(2015, 1, 31)];
        let mixes = store
            .rag_mixes_at(scope, &[second, foreign, first], &days)
            .await
            .unwrap();
        assert_eq!(
            mixes.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            vec![second, first],
            "{backend}"
        );
        for (plan, mix) in &mixes {
            let single = store.rag_mix_at(scope, *plan, &days).await.unwrap();
            assert_eq!(**mix, single, "{backend}");
            // 1 April: only the objective exists, an action of its own, not assessed.
            assert_eq!((mix[0].actions(), mix[0].not_assessed), (1, 1), "{backend}");
        }
        let second_mix = &mixes[0].1;
        assert_eq!(
            (
                second_mix[1].green,
                second_mix[1].red,
                second_mix[1].not_assessed
            ),
            (1, 1, 1),
            "{backend}: April"
        );
        assert_eq!(
            (
                second_mix[2].amber,
                second_mix[2].red,
                second_mix[2].not_assessed
            ),
            (1, 1, 1),
            "{backend}: January, after the change"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn owned_items_and_plan_pages_keep_to_the_organisation() {
    for (backend, store) in stores().await {
        let org = store
            .create_organisation("ONE", "One Police")
            .await
            .unwrap();
        let other = store
            .create_organisation("TWO", "Two Police")
            .await
            .unwrap();
        let mut plans = Vec::new();
        for title in ["A", "B", "C", "D", "E"] {
            let owner = if title == "C" {
                "Head of Fleet"
            } else {
                "Head of Custody"
            };
            plans.push(plan_with_actions(&store, org.id, title, owner).await);
        }
        plan_with_actions(&store, other.id, "F", "Head of Custody").await;

        let owned = store
            .items_owned_by(Scope::Org(org.id), org.id, &[" head of custody ".into()])
            .await
            .unwrap();
        assert!(
            owned.iter().all(|o| o.revision == 1),
            "{backend}: each plan's revision after its one change set: {owned:?}"
        );
        let owned: Vec<_> = owned.into_iter().map(|o| (o.plan, o.items)).collect();
        let expected: Vec<_> = plans
            .iter()
            .enumerate()
            .filter(|(n, _)| *n != 2)
            .map(|(_, (plan, items))| (*plan, vec![items[2]]))
            .collect();
        assert_eq!(
            owned, expected,
            "{backend}: the second action of each plan but C"
        );
        assert!(
            store
                .items_owned_by(Scope::Org(other.id), org.id, &["Head of Custody".into()])
                .await
                .unwrap()
                .is_empty(),
            "{backend}: another organisation's scope"
        );
        let revised: Vec<_> = plans.iter().map(|(plan, _)| (*plan, 1)).collect();
        let at_revisions = store
            .plan_views_at_revisions(Scope::Org(org.id), &revised, day(2015, 2, 1))
            .await
            .unwrap();
        let ids: Vec<_> = plans.iter().map(|(plan, _)| *plan).collect();
        let views = store
            .plan_views(Scope::Org(org.id), &ids, day(2015, 2, 1))
            .await
            .unwrap();
        assert_eq!(at_revisions, views, "{backend}: the same views, now cached");
        assert!(
            store
                .plan_views_at_revisions(Scope::Org(other.id), &revised, day(2015, 2, 1))
                .await
                .unwrap()
                .is_empty(),
            "{backend}: cached views of another organisation are not served"
        );

        let (total, page) = store.plans_page(Scope::Org(org.id), 2, 2).await.unwrap();
        assert_eq!(total, 5, "{backend}");
        assert_eq!(
            page.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![plans[2].0, plans[3].0],
            "{backend}"
        );
        let (_, last) = store.plans_page(Scope::Org(org.id), 4, 2).await.unwrap();
        assert_eq!(last.len(), 1, "{backend}");
        let (all, _) = store.plans_page(Scope::All, 0, 100).await.unwrap();
        assert_eq!(all, 6, "{backend}");
        store.close().await;
    }
}
