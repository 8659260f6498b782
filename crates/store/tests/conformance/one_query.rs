//! The reads and writes a progress update makes in few queries agree with the queries they
//! replace: the token's holder with `user_for_token`, `roles_of`, `posts_held` and
//! `organisation`; an item's history and lineage with `item_history` and `item_lineage`; and a
//! small change set refuses what the general path refuses, storing nothing.

use chrono::NaiveDate;
use waymark_core::{Marking, Role, RoleGrant};
use waymark_store::{ChangeSet, ItemRef, NewAuditEvent, NewItem, NewUpdate, Scope, StoreError};

use super::{action, day, seeded, stores};

#[tokio::test]
async fn a_tokens_holder_is_read_in_one_query_as_the_separate_reads_give_it() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let user = store
            .create_user(org.id, "holder@example.test", "Token Holder", "x", false)
            .await
            .unwrap();
        let audit = NewAuditEvent {
            actor: "test".into(),
            action: "test".into(),
            ..Default::default()
        };
        store
            .set_roles(
                &user,
                &[
                    RoleGrant {
                        role: Role::Contributor,
                        plan: None,
                    },
                    RoleGrant {
                        role: Role::PlanManager,
                        plan: Some(plan.id),
                    },
                ],
                &audit,
            )
            .await
            .unwrap();
        let held = store.ensure_post(org.id, "Head of Crime").await.unwrap();
        let also = store.ensure_post(org.id, "Analyst").await.unwrap();
        let later = store.ensure_post(org.id, "Chief Constable").await.unwrap();
        store
            .assign_post(org.id, held, user.id, day(2015, 1, 1))
            .await
            .unwrap();
        store
            .assign_post(org.id, also, user.id, day(2015, 1, 1))
            .await
            .unwrap();
        store
            .assign_post(org.id, later, user.id, day(2016, 1, 1))
            .await
            .unwrap();
        store
            .create_token(&user, "script", "hash-of-token", &audit)
            .await
            .unwrap();
        for on in [day(2015, 6, 1), day(2016, 6, 1), day(2014, 6, 1)] {
            let holder = store
                .token_holder("hash-of-token", on)
                .await
                .unwrap()
                .expect("an unrevoked token has a holder");
            let (expected_user, expected_token) = store
                .user_for_token("hash-of-token")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(holder.user, expected_user, "{backend}");
            assert_eq!(holder.token, expected_token, "{backend}");
            assert_eq!(
                holder.roles,
                store.roles_of(user.id).await.unwrap(),
                "{backend}"
            );
            assert_eq!(
                holder.posts,
                store.posts_held(user.id, on).await.unwrap(),
                "{backend} on {on}"
            );
            assert_eq!(
                holder.organisation,
                store.organisation(org.id).await.unwrap(),
                "{backend}"
            );
        }
        // No roles and no posts are empty lists, not a missing holder.
        let bare = store
            .create_user(org.id, "bare@example.test", "Bare", "x", false)
            .await
            .unwrap();
        store.set_roles(&bare, &[], &audit).await.unwrap();
        store
            .set_clearance(bare.id, Marking::Official, &audit)
            .await
            .unwrap();
        store
            .create_token(&bare, "script", "hash-of-bare", &audit)
            .await
            .unwrap();
        let holder = store
            .token_holder("hash-of-bare", day(2015, 6, 1))
            .await
            .unwrap()
            .unwrap();
        assert!(holder.roles.is_empty(), "{backend}");
        assert!(holder.posts.is_empty(), "{backend}");
        assert_eq!(holder.user.clearance, Marking::Official, "{backend}");
        // A revoked token and an unknown one have none.
        let token = store.tokens_of(user.id).await.unwrap()[0].id;
        store.revoke_token(user.id, token, &audit).await.unwrap();
        assert!(
            store
                .token_holder("hash-of-token", day(2015, 6, 1))
                .await
                .unwrap()
                .is_none(),
            "{backend}: a revoked token still has a holder"
        );
        assert!(
            store
                .token_holder("no-such-hash", day(2015, 6, 1))
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn an_items_history_and_lineage_in_one_read_agree_with_the_separate_reads() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let mut changes = ChangeSet::new(org.id, plan.id);
        for text in ["Objective", "Action under it", "Theme"] {
            changes.new_items.push(NewItem {
                parent: None,
                fields: action(text, None, None, &[]),
                effective: day(2015, 1, 1),
            });
        }
        changes.updates.push(NewUpdate {
            item: ItemRef::New(1),
            as_of: day(2015, 1, 2),
            author_person: None,
            author_post: None,
            text: "first".into(),
            proposed_rag: None,
            supersedes: None,
        });
        let applied = store.apply_changes(&changes).await.unwrap();
        let (objective, child, theme) = (
            applied.item_ids[0],
            applied.item_ids[1],
            applied.item_ids[2],
        );
        // The objective goes under the theme from 10 January: a grandparent for the action,
        // read in the same query as the action's own rows.
        let mut objective_fields = store
            .item_history(Scope::All, objective)
            .await
            .unwrap()
            .versions[0]
            .fields
            .clone();
        objective_fields.parent = Some(theme);
        let mut under_theme = ChangeSet::new(org.id, plan.id);
        under_theme.versions.push(waymark_store::NewVersion {
            item: objective,
            parent: Some(ItemRef::Existing(theme)),
            fields: objective_fields,
            effective: day(2015, 1, 10),
            reason: None,
        });
        store.apply_changes(&under_theme).await.unwrap();
        // Move the action under the objective from February.
        let mut fields = store
            .item_history(Scope::All, child)
            .await
            .unwrap()
            .versions[0]
            .fields
            .clone();
        fields.parent = Some(objective);
        let mut moved = ChangeSet::new(org.id, plan.id);
        moved.versions.push(waymark_store::NewVersion {
            item: child,
            parent: Some(ItemRef::Existing(objective)),
            fields,
            effective: day(2015, 2, 1),
            reason: None,
        });
        store.apply_changes(&moved).await.unwrap();
        let on: &[NaiveDate] = &[day(2014, 12, 1), day(2015, 1, 15), day(2015, 3, 1)];
        for &as_at in on {
            for item in [objective, child, theme] {
                let (history, lineage) = store
                    .item_history_and_lineage(Scope::All, item, as_at)
                    .await
                    .unwrap();
                assert_eq!(
                    history,
                    store.item_history(Scope::All, item).await.unwrap(),
                    "{backend}"
                );
                assert_eq!(
                    lineage,
                    store.item_lineage(plan.id, item, as_at).await.unwrap(),
                    "{backend} {item:?} on {as_at}"
                );
            }
        }
        let (_, lineage) = store
            .item_history_and_lineage(Scope::All, child, day(2015, 3, 1))
            .await
            .unwrap();
        let lineage: Vec<_> = lineage.iter().map(|v| v.item).collect();
        assert_eq!(
            lineage,
            vec![child, objective, theme],
            "{backend}: the action, its objective and the objective's theme"
        );
        // Another organisation's scope, and an item that does not exist, are not found.
        let other = store
            .create_organisation("OTH", "Other Constabulary")
            .await
            .unwrap();
        assert!(matches!(
            store
                .item_history_and_lineage(Scope::Org(other.id), child, day(2015, 3, 1))
                .await,
            Err(StoreError::NotFound { what: "item", .. })
        ));
        assert!(matches!(
            store
                .item_history(Scope::All, waymark_core::ItemId(999_999))
                .await,
            Err(StoreError::NotFound { what: "item", .. })
        ));
        store.close().await;
    }
}

#[tokio::test]
async fn an_update_to_another_plans_item_is_refused_and_stores_nothing() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let other = store
            .create_plan(&waymark_store::NewPlan {
                org: org.id,
                kind: waymark_core::PlanKind::Strategic,
                title: "Another plan".into(),
                period: None,
                level_names: waymark_core::PlanKind::Strategic.default_levels(),
                owner_posts: vec![],
                source: None,
                update_cycle: waymark_core::UpdateCycle::Quarterly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await
            .unwrap();
        let mut changes = ChangeSet::new(org.id, other.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Elsewhere", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        let elsewhere = store.apply_changes(&changes).await.unwrap().item_ids[0];
        let mut changes = ChangeSet::new(org.id, plan.id);
        changes.new_items.push(NewItem {
            parent: None,
            fields: action("Here", None, None, &[]),
            effective: day(2015, 1, 1),
        });
        let here = store.apply_changes(&changes).await.unwrap().item_ids[0];
        let before = store.item_history(Scope::All, elsewhere).await.unwrap();
        let audited = |store: &waymark_store::Store| {
            let store = store.clone();
            async move {
                store
                    .audit_events(&waymark_store::AuditFilter {
                        action: Some("item.update".into()),
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .0
            }
        };
        for items in [vec![elsewhere], vec![here, elsewhere]] {
            let mut update = ChangeSet::new(org.id, plan.id);
            update.audit = Some(NewAuditEvent {
                actor: "test".into(),
                action: "item.update".into(),
                ..Default::default()
            });
            for item in &items {
                update.updates.push(NewUpdate {
                    item: ItemRef::Existing(*item),
                    as_of: day(2015, 1, 2),
                    author_person: None,
                    author_post: None,
                    text: "through the wrong plan".into(),
                    proposed_rag: None,
                    supersedes: None,
                });
            }
            assert!(
                matches!(
                    store.apply_changes(&update).await,
                    Err(StoreError::NotFound { what: "item", id }) if id == elsewhere.0
                ),
                "{backend}"
            );
        }
        assert_eq!(
            store.item_history(Scope::All, elsewhere).await.unwrap(),
            before,
            "{backend}"
        );
        assert!(
            store
                .item_history(Scope::All, here)
                .await
                .unwrap()
                .updates
                .is_empty(),
            "{backend}: half a refused change set was stored"
        );
        assert_eq!(
            audited(&store).await,
            0,
            "{backend}: a refused change was audited"
        );
        // The same change set to the item's own plan is stored, with its audit record.
        let mut update = ChangeSet::new(org.id, plan.id);
        update.audit = Some(NewAuditEvent {
            actor: "test".into(),
            action: "item.update".into(),
            ..Default::default()
        });
        update.updates.push(NewUpdate {
            item: ItemRef::Existing(here),
            as_of: day(2015, 1, 2),
            author_person: None,
            author_post: None,
            text: "through the right plan".into(),
            proposed_rag: None,
            supersedes: None,
        });
        let applied = store.apply_changes(&update).await.unwrap();
        let history = store.item_history(Scope::All, here).await.unwrap();
        assert_eq!(history.updates.len(), 1, "{backend}");
        assert_eq!(history.updates[0].id, applied.update_ids[0], "{backend}");
        assert_eq!(audited(&store).await, 1, "{backend}");
        assert_eq!(
            store
                .search(Scope::Org(org.id), plan.id, "right")
                .await
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            vec![here],
            "{backend}: the search document follows the update"
        );
        store.close().await;
    }
}
