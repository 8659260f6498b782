//! What each person may change: updates by owners, structure by managers, markings by the
//! owning organisation's managers, and stale edits refused with the other change shown. Every
//! change is in the audit trail.

use waymark_app::AppError;
use waymark_app::items::{Direction, ItemInput, UpdateInput};
use waymark_app::model::AuditFilter;
use waymark_app::plans::PlanInput;
use waymark_core::Rag;

use crate::fixture::{fixtures, today};

fn update(text: &str, rag: &str) -> UpdateInput {
    UpdateInput {
        as_of: None,
        text: text.into(),
        rag: Some(rag.into()),
        complete: false,
    }
}

#[tokio::test]
async fn contributors_update_what_their_posts_own_and_nothing_else() {
    for f in fixtures("app_writes_updates").await {
        let contributor = f.contributor().await;
        f.app
            .add_update(
                &contributor,
                f.action11,
                update("Script rewritten with sergeants.", "Amber"),
            )
            .await
            .unwrap();
        let state = f.app.item(&contributor, f.action11, today()).await.unwrap();
        assert_eq!(
            state.state().unwrap().fields.rag,
            Some(Rag::Amber),
            "{}",
            f.backend
        );
        assert!(matches!(
            f.app
                .add_update(&contributor, f.action12, update("Not mine.", "Red"))
                .await,
            Err(AppError::Forbidden)
        ));
        // The partner contributes to the shared action its post owns, and only that one.
        let partner = f.partner().await;
        f.app
            .add_update(
                &partner,
                f.action12,
                update("Rota agreed with the council.", "Green"),
            )
            .await
            .unwrap();
        assert!(matches!(
            f.app
                .add_update(&partner, f.action11, update("No.", "Red"))
                .await,
            Err(AppError::Forbidden)
        ));
        // Viewers read; the outsider cannot even find the item.
        let viewer = f.viewer().await;
        assert!(matches!(
            f.app
                .add_update(&viewer, f.action11, update("No.", "Red"))
                .await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            f.app
                .add_update(&f.outsider().await, f.action11, update("No.", "Red"))
                .await,
            Err(AppError::NotFound)
        ));
        // Structure is the managers': contributors and partners may not edit, add or share.
        let edit = ItemInput {
            text: Some("Something else".into()),
            ..ItemInput::default()
        };
        for actor in [&contributor, &partner, &viewer] {
            assert!(matches!(
                f.app.edit_item(actor, f.action11, &edit, None).await,
                Err(AppError::Forbidden)
            ));
            assert!(matches!(
                f.app.add_item(actor, f.plan, None, &edit).await,
                Err(AppError::Forbidden)
            ));
        }
        let (_, events) = f
            .app
            .audit_events(
                &f.admin().await,
                AuditFilter {
                    item: Some(f.action12),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let event = events.iter().find(|e| e.action == "item.update").unwrap();
        assert_eq!(event.actor, "Pat Partner <partner@council.example>");
        assert_eq!(event.address.as_deref(), Some("192.0.2.10"));
    }
}

#[tokio::test]
async fn managers_build_the_tree_and_a_stale_edit_is_refused_with_the_other_change() {
    for f in fixtures("app_writes_tree").await {
        let manager = f.manager().await;
        let admin = f.admin().await;
        let read = f.app.item(&manager, f.action11, today()).await.unwrap();
        let version = read.version;
        // Someone else edits first.
        let theirs = ItemInput {
            due: Some("31 March 2027".into()),
            reason: Some("Agreed at the custody board".into()),
            ..ItemInput::default()
        };
        let after = f
            .app
            .edit_item(&admin, f.action11, &theirs, Some(version))
            .await
            .unwrap();
        assert!(after > version);
        // The manager's edit from the form opened before is refused, showing the change.
        let mine = ItemInput {
            text: Some("Review the script with every custody sergeant".into()),
            ..ItemInput::default()
        };
        match f
            .app
            .edit_item(&manager, f.action11, &mine, Some(version))
            .await
        {
            Err(AppError::Conflict(conflict)) => {
                assert_eq!(conflict.current_version, after, "{}", f.backend);
                assert_eq!(conflict.changed_by.as_deref(), Some("Ada Admin"));
                assert!(
                    conflict
                        .current
                        .iter()
                        .any(|(label, value)| label == "Due" && value == "31 March 2027"),
                    "{:?}",
                    conflict.current
                );
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        // Even an edit that changes nothing is refused from a stale form.
        assert!(matches!(
            f.app
                .edit_item(&manager, f.action11, &ItemInput::default(), Some(version))
                .await,
            Err(AppError::Conflict(_))
        ));
        // With the current version it goes through.
        f.app
            .edit_item(&manager, f.action11, &mine, Some(after))
            .await
            .unwrap();
        // Move 1.2 to the top level, then back under Rec 1; an item cannot go under its own.
        f.app
            .move_item(&manager, f.action12, None, None)
            .await
            .unwrap();
        let read = f.app.plan_view(&manager, f.plan, today()).await.unwrap();
        assert_eq!(read.view.item(f.action12).unwrap().depth, 0);
        // Under one of its own items: the tree as it is refuses a loop (the API's 409).
        assert!(matches!(
            f.app
                .move_item(&manager, f.rec1, Some(f.action11), None)
                .await,
            Err(AppError::State(_))
        ));
        f.app
            .move_item(&manager, f.action12, Some(f.rec1), None)
            .await
            .unwrap();
        f.app
            .reorder_item(&manager, f.action12, Direction::Up)
            .await
            .unwrap();
        let read = f.app.plan_view(&manager, f.plan, today()).await.unwrap();
        assert_eq!(
            read.view.item(f.rec1).unwrap().children,
            vec![f.action12, f.action11]
        );
        // Close and reopen; archive the sensitive recommendation with its action, and restore.
        f.app
            .set_item_complete(&manager, f.action11, true)
            .await
            .unwrap();
        let read = f.app.plan_view(&manager, f.plan, today()).await.unwrap();
        assert_eq!(
            read.view.item(f.action11).unwrap().fields.shown_rag(),
            Some(Rag::Blue)
        );
        f.app
            .set_item_complete(&manager, f.action11, false)
            .await
            .unwrap();
        f.app
            .set_item_archived(&manager, f.rec2, true)
            .await
            .unwrap();
        let read = f.app.plan_view(&manager, f.plan, today()).await.unwrap();
        assert!(read.view.item(f.rec2).is_none() && read.view.item(f.action21).is_none());
        let archived = f.app.archived_items(&manager, f.plan).await.unwrap();
        assert_eq!(archived.len(), 1, "the archived root: {archived:?}");
        // Its managers still read it, as it stood before it left the plan; others cannot.
        let kept = f.app.item(&manager, f.rec2, today()).await.unwrap();
        assert_eq!(
            kept.state().unwrap().fields.text,
            "Clear the vetting backlog of custody detention officers"
        );
        assert!(matches!(
            f.app.item(&f.viewer().await, f.rec2, today()).await,
            Err(AppError::NotFound)
        ));
        f.app
            .set_item_archived(&manager, f.rec2, false)
            .await
            .unwrap();
        let read = f.app.plan_view(&manager, f.plan, today()).await.unwrap();
        assert!(read.view.item(f.rec2).is_some() && read.view.item(f.action21).is_some());
        // Bulk owners.
        let assigned = f
            .app
            .assign_owners(
                &manager,
                f.plan,
                &[f.action11, f.action21],
                "Custody Inspector / Head of Contact Management",
            )
            .await
            .unwrap();
        assert_eq!(assigned, 2);
        let mut reasons: Vec<String> = Vec::new();
        for item in [f.action11, f.action12] {
            let history = f.app.item(&manager, item, today()).await.unwrap().history;
            reasons.extend(
                history
                    .versions
                    .iter()
                    .filter_map(|v| v.meta.reason.clone()),
            );
        }
        for reason in [
            "Agreed at the custody board",
            "Moved",
            "Reordered",
            "Closed",
            "Reopened",
            "Owners assigned",
        ] {
            assert!(
                reasons.iter().any(|r| r == reason),
                "{reason} in {reasons:?}"
            );
        }
        // Every one of those changes is in the audit trail, with who made it.
        let (total, events) = f
            .app
            .audit_events(
                &admin,
                AuditFilter {
                    plan: Some(f.plan),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(total >= 12, "{total}");
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        for action in [
            "plan.create",
            "item.add",
            "share.create",
            "item.edit",
            "item.move",
            "item.reorder",
            "item.close",
            "item.reopen",
            "item.archive",
            "item.restore",
            "item.assign_owners",
        ] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        // Only administrators read the trail.
        assert!(matches!(
            f.app.audit_events(&manager, AuditFilter::default()).await,
            Err(AppError::Forbidden)
        ));
        // The outsider's administrator sees none of this organisation's events.
        let (_, theirs) = f
            .app
            .audit_events(&f.outsider().await, AuditFilter::default())
            .await
            .unwrap();
        assert!(theirs.iter().all(|e| e.org == Some(f.other)), "{theirs:?}");
    }
}

#[tokio::test]
async fn markings_are_the_owning_managers_to_change_and_each_change_is_audited() {
    for f in fixtures("app_writes_marking").await {
        let manager = f.manager().await;
        let partner = f.partner().await;
        let marked = ItemInput {
            marking: Some("OFFICIAL-SENSITIVE".into()),
            descriptor: Some("PERSONAL".into()),
            ..ItemInput::default()
        };
        assert!(matches!(
            f.app.edit_item(&partner, f.action12, &marked, None).await,
            Err(AppError::Forbidden)
        ));
        f.app
            .edit_item(&manager, f.action12, &marked, None)
            .await
            .unwrap();
        // Now above the partner's ceiling, it is gone from what the partner sees.
        let read = f.app.plan_view(&partner, f.plan, today()).await.unwrap();
        assert!(read.view.item(f.action12).is_none(), "{}", f.backend);
        assert!(matches!(
            f.app
                .add_update(&partner, f.action12, update("Hello", "Green"))
                .await,
            Err(AppError::NotFound)
        ));
        // The day before, 1.2 was OFFICIAL; its history does not show it to the partner either.
        let yesterday = today().pred_opt().unwrap();
        let read = f.app.plan_view(&partner, f.plan, yesterday).await;
        if let Ok(read) = read {
            assert!(read.view.item(f.action12).is_none());
        }
        let admin = f.admin().await;
        let (_, events) = f
            .app
            .audit_events(
                &admin,
                AuditFilter {
                    item: Some(f.action12),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let event = events.iter().find(|e| e.action == "item.marking").unwrap();
        let detail = event.detail.as_deref().unwrap();
        assert!(detail.contains("OFFICIAL-SENSITIVE PERSONAL"), "{detail}");
        // The plan's own marking, with the version its form started from.
        let (plan, version) = f.app.plan_for_edit(&manager, f.plan).await.unwrap();
        let mut input = PlanInput::of(&plan);
        input.marking = "OFFICIAL-SENSITIVE".into();
        f.app
            .edit_plan(&manager, f.plan, &input, version)
            .await
            .unwrap();
        assert!(matches!(
            f.app.edit_plan(&manager, f.plan, &input, version).await,
            Err(AppError::Conflict(_))
        ));
        // Marked above the share's ceiling, the whole plan has left the partner's view.
        assert!(f.app.visible_plans(&partner).await.unwrap().is_empty());
        // Waymark never holds SECRET material.
        input.marking = "SECRET".into();
        let (_, version) = f.app.plan_for_edit(&manager, f.plan).await.unwrap();
        assert!(matches!(
            f.app.edit_plan(&manager, f.plan, &input, version).await,
            Err(AppError::Invalid(_))
        ));
    }
}

/// What `item` says for today, as the answer an update should get.
async fn expected_answer(
    f: &crate::fixture::Fixture,
    actor: &waymark_app::Actor,
    id: waymark_core::ItemId,
) -> &'static str {
    match f.app.item(actor, id, today()).await {
        Err(AppError::NotFound) => "not found",
        Err(other) => panic!("item read failed: {other:?}"),
        Ok(read) if !read.may_update => "forbidden",
        Ok(_) => "stored",
    }
}

/// An update checks one item and its ancestors, not the plan's view; it must answer exactly
/// as the item page does for every person and item: sensitive items, a share of chosen
/// items, and items under an archived parent.
#[tokio::test]
async fn an_update_is_allowed_exactly_where_the_item_page_offers_it() {
    for f in fixtures("app_writes_update_check").await {
        let admin = f.admin().await;
        // The other force reads Rec 2 alone (and what is under it) at OFFICIAL-SENSITIVE.
        f.app
            .share_plan(
                &admin,
                f.plan,
                &waymark_app::organisations::ShareInput {
                    with: f.other,
                    access: waymark_core::ShareAccess::Contribute,
                    ceiling: waymark_core::Marking::OfficialSensitive,
                    items: Some(vec![f.rec2]),
                },
            )
            .await
            .unwrap();
        let actors = [
            ("admin", admin.clone()),
            ("manager", f.manager().await),
            ("contributor", f.contributor().await),
            ("viewer", f.viewer().await),
            ("partner", f.partner().await),
            ("other force", f.outsider().await),
        ];
        let items = [
            ("Rec 1", f.rec1),
            ("1.1", f.action11),
            ("1.2", f.action12),
            ("Rec 2", f.rec2),
            ("2.1", f.action21),
        ];
        let mut answers = Vec::new();
        for round in ["as built", "Rec 1 archived"] {
            if round == "Rec 1 archived" {
                f.app.set_item_archived(&admin, f.rec1, true).await.unwrap();
            }
            for (who, actor) in &actors {
                for (reference, id) in items {
                    let expected = expected_answer(&f, actor, id).await;
                    let got = match f
                        .app
                        .add_update(actor, id, update("Checked.", "Green"))
                        .await
                    {
                        Ok(_) => "stored",
                        Err(AppError::Forbidden) => "forbidden",
                        Err(AppError::NotFound) => "not found",
                        Err(other) => panic!("{who} updating {reference}: {other:?}"),
                    };
                    assert_eq!(
                        got, expected,
                        "{} {round}: {who} updating {reference}",
                        f.backend
                    );
                    answers.push(got);
                }
            }
        }
        // The table is not trivially one answer: each occurs.
        for answer in ["stored", "forbidden", "not found"] {
            assert!(answers.contains(&answer), "{}: no {answer}", f.backend);
        }
    }
}
