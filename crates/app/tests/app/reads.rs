//! What each person sees: plans, items, search, My actions, what changed, indicators, exports
//! and reports, all narrowed by the one visibility rule.

use waymark_app::AppError;
use waymark_app::reports::ReportAsk;
use waymark_core::{ItemId, Marking};
use waymark_io::ExportFormat;
use waymark_report::{Format, Layout};

use crate::fixture::{fixtures, today};

fn ids(read: &waymark_app::PlanRead) -> Vec<ItemId> {
    read.view.items.iter().map(|i| i.id).collect()
}

#[tokio::test]
async fn each_person_sees_the_plans_and_items_their_role_share_and_clearance_allow() {
    for f in fixtures("app_reads_items").await {
        let everything = vec![f.rec1, f.action11, f.action12, f.rec2, f.action21];
        for actor in [f.admin().await, f.manager().await, f.contributor().await] {
            let read = f.app.plan_view(&actor, f.plan, today()).await.unwrap();
            assert_eq!(ids(&read), everything, "{} on {}", actor.name(), f.backend);
            assert_eq!(read.highest.marking, Marking::OfficialSensitive);
            assert_eq!(
                read.marking_of(f.action21).label(),
                "OFFICIAL-SENSITIVE",
                "an action is as sensitive as its recommendation"
            );
        }
        // Cleared only to OFFICIAL: the sensitive recommendation and its action are not there.
        let viewer = f.viewer().await;
        let read = f.app.plan_view(&viewer, f.plan, today()).await.unwrap();
        assert_eq!(
            ids(&read),
            vec![f.rec1, f.action11, f.action12],
            "{}",
            f.backend
        );
        assert_eq!(read.highest.label(), "OFFICIAL");
        // The partner: shared up to OFFICIAL, so the same three; the plan is listed as shared.
        let partner = f.partner().await;
        let visible = f.app.visible_plans(&partner).await.unwrap();
        assert_eq!(visible.len(), 1);
        assert!(!visible[0].is_own());
        assert_eq!(visible[0].plan.title, "Custody improvement plan");
        let read = f.app.plan_view(&partner, f.plan, today()).await.unwrap();
        assert_eq!(ids(&read), vec![f.rec1, f.action11, f.action12]);
        // Another organisation sees nothing of it, and is told only "not found".
        let outsider = f.outsider().await;
        assert!(f.app.visible_plans(&outsider).await.unwrap().is_empty());
        assert!(matches!(
            f.app.plan_view(&outsider, f.plan, today()).await,
            Err(AppError::NotFound)
        ));
        for item in [f.rec1, f.action21] {
            assert!(matches!(
                f.app.item(&outsider, item, today()).await,
                Err(AppError::NotFound)
            ));
        }
        // A sensitive item's own page is not found for those who may not see it.
        for actor in [&viewer, &partner] {
            assert!(matches!(
                f.app.item(actor, f.action21, today()).await,
                Err(AppError::NotFound)
            ));
        }
        assert_eq!(
            f.app
                .item(&partner, f.action12, today())
                .await
                .unwrap()
                .state()
                .unwrap()
                .fields
                .text,
            "Agree appropriate adult cover with the council"
        );
    }
}

#[tokio::test]
async fn search_my_actions_and_what_changed_never_reach_past_the_ceiling() {
    for f in fixtures("app_reads_search").await {
        let admin = f.admin().await;
        let partner = f.partner().await;
        assert_eq!(
            f.app.search(&admin, f.plan, "vetting").await.unwrap().len(),
            2,
            "{}",
            f.backend
        );
        assert!(
            f.app
                .search(&partner, f.plan, "vetting")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            f.app.search(&partner, f.plan, "council").await.unwrap(),
            [f.action12].into_iter().collect()
        );
        // The partner's post owns 1.2 in another organisation's plan: it is theirs to do.
        let owned = f.app.owned_actions(&partner).await.unwrap();
        let found: Vec<ItemId> = owned
            .found
            .iter()
            .flat_map(|(_, ids)| ids.clone())
            .collect();
        assert_eq!(found, vec![f.action12]);
        assert_eq!(owned.open_and_overdue(), (1, 0));
        let contributor = f.contributor().await;
        let owned = f.app.owned_actions(&contributor).await.unwrap();
        let found: Vec<ItemId> = owned
            .found
            .iter()
            .flat_map(|(_, ids)| ids.clone())
            .collect();
        assert_eq!(found, vec![f.action11]);
        // What changed over the plan's first day: new items, the sensitive ones only for those
        // cleared to see them.
        let from = today().pred_opt().unwrap();
        let changes = f
            .app
            .plan_changes(&admin, f.plan, from, today())
            .await
            .unwrap();
        assert_eq!(changes.changes.new_items.len(), 5);
        let changes = f
            .app
            .plan_changes(&partner, f.plan, from, today())
            .await
            .unwrap();
        assert_eq!(changes.changes.new_items.len(), 3);
    }
}

#[tokio::test]
async fn exports_and_reports_carry_the_highest_marking_and_nothing_above_the_ceiling() {
    for f in fixtures("app_reads_outputs").await {
        let admin = f.admin().await;
        let partner = f.partner().await;
        let full = f
            .app
            .export_plan(&admin, f.plan, today(), ExportFormat::Csv)
            .await
            .unwrap();
        let text = String::from_utf8(full.bytes).unwrap();
        assert!(
            text.starts_with("Protective marking: OFFICIAL-SENSITIVE\n"),
            "{text}"
        );
        assert!(text.contains("vetting backlog"));
        let shared = f
            .app
            .export_plan(&partner, f.plan, today(), ExportFormat::Csv)
            .await
            .unwrap();
        let text = String::from_utf8(shared.bytes).unwrap();
        assert!(text.starts_with("Protective marking: OFFICIAL\n"), "{text}");
        assert!(!text.contains("vetting"), "{text}");
        assert_eq!(shared.items, 3);

        let ask = ReportAsk::new(f.plan, Layout::Tracker);
        let (report, html) = f.app.report_file(&admin, &ask, Format::Html).await.unwrap();
        assert_eq!(report.cover.marking.as_deref(), Some("OFFICIAL-SENSITIVE"));
        assert!(String::from_utf8_lossy(&html).contains("vetting backlog"));
        let (report, html) = f
            .app
            .report_file(&partner, &ask, Format::Html)
            .await
            .unwrap();
        assert_eq!(report.cover.marking.as_deref(), Some("OFFICIAL"));
        let html = String::from_utf8_lossy(&html).to_string();
        assert!(
            !html.contains("vetting"),
            "the partner's report leaves out the sensitive rows"
        );
        assert!(html.contains("appropriate adult"));

        // The same report as an OFFICIAL body with the sensitive items in an appendix marked
        // apart, from the same data.
        let split = ReportAsk {
            sensitive_appendix: true,
            ..ReportAsk::new(f.plan, Layout::Tracker)
        };
        let (report, html) = f
            .app
            .report_file(&admin, &split, Format::Html)
            .await
            .unwrap();
        assert_eq!(report.cover.marking.as_deref(), Some("OFFICIAL"));
        let body: Vec<&str> = report
            .tracker
            .iter()
            .map(|r| r.reference.as_str())
            .collect();
        assert_eq!(body, ["Rec 1", "1.1", "1.2"], "{}", f.backend);
        let appendix = report.appendix.as_ref().unwrap();
        assert_eq!(appendix.marking, "OFFICIAL-SENSITIVE");
        let refs: Vec<&str> = appendix.rows.iter().map(|r| r.reference.as_str()).collect();
        assert_eq!(refs, ["Rec 2", "2.1"]);
        let html = String::from_utf8_lossy(&html).to_string();
        assert!(html.contains("Appendix: items marked OFFICIAL-SENSITIVE"));
        let (_, xlsx) = f
            .app
            .report_file(&admin, &split, Format::Xlsx)
            .await
            .unwrap();
        assert!(!xlsx.is_empty());
        // For the partner there is nothing sensitive to put in an appendix.
        let (report, _) = f
            .app
            .report_file(&partner, &split, Format::Html)
            .await
            .unwrap();
        assert!(report.appendix.is_none());

        // A published report holds what its publisher saw: the partner may not read it.
        let published = f.app.publish_report(&admin, &ask).await.unwrap();
        assert_eq!(published.marking, "OFFICIAL-SENSITIVE");
        assert_eq!(published.version, 1);
        assert!(
            f.app
                .published_reports(&partner, f.plan)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            f.app.published_file(&partner, published.id, "html").await,
            Err(AppError::NotFound)
        ));
        let again = f.app.publish_report(&admin, &ask).await.unwrap();
        assert_eq!(again.version, 2, "a second publication is the next version");
        assert_eq!(
            f.app.published_reports(&admin, f.plan).await.unwrap().len(),
            2
        );
        // Downloading and exporting OFFICIAL-SENSITIVE material is in the audit trail.
        let (_, events) = f
            .app
            .audit_events(
                &admin,
                waymark_app::model::AuditFilter {
                    plan: Some(f.plan),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"export.sensitive"), "{actions:?}");
        assert!(actions.contains(&"report.download"));
        assert_eq!(
            actions.iter().filter(|a| **a == "report.publish").count(),
            2
        );
    }
}

#[tokio::test]
async fn chosen_items_share_what_is_under_them_and_a_revoked_share_shows_nothing() {
    for f in fixtures("app_reads_chosen").await {
        let admin = f.admin().await;
        let outsider = f.outsider().await;
        let share = f
            .app
            .share_plan(
                &admin,
                f.plan,
                &waymark_app::organisations::ShareInput {
                    with: f.other,
                    access: waymark_core::ShareAccess::Read,
                    ceiling: Marking::OfficialSensitive,
                    items: Some(vec![f.rec2]),
                },
            )
            .await
            .unwrap();
        let read = f.app.plan_view(&outsider, f.plan, today()).await.unwrap();
        assert_eq!(ids(&read), vec![f.rec2, f.action21], "{}", f.backend);
        assert_eq!(read.view.items[0].depth, 0);
        assert_eq!(read.view.items[1].depth, 1);
        f.app
            .revoke_share(&admin, share.share.id, "The review has finished")
            .await
            .unwrap();
        assert!(matches!(
            f.app.plan_view(&outsider, f.plan, today()).await,
            Err(AppError::NotFound)
        ));
        let shares = f.app.plan_shares(&admin, f.plan).await.unwrap();
        let revoked = shares
            .iter()
            .find(|s| s.share.id == share.share.id)
            .unwrap();
        assert_eq!(
            revoked.revoke_reason.as_deref(),
            Some("The review has finished")
        );
        assert!(revoked.revoked_at.is_some(), "kept, revoked");
        // Only the plan's own managers share it; the partner may not.
        let partner = f.partner().await;
        assert!(matches!(
            f.app.plan_shares(&partner, f.plan).await,
            Err(AppError::Forbidden)
        ));
        let _ = f.share;
    }
}

#[tokio::test]
async fn the_list_of_items_finds_stemmed_words_on_both_backends_within_the_ceiling() {
    use waymark_app::item_list::{ItemFilter, ListParams, Sort};
    for f in fixtures("app_reads_item_list").await {
        let admin = f.admin().await;
        let partner = f.partner().await;
        let filter = |q: &str| {
            let (filter, problems) = ItemFilter::read(&ListParams {
                q: Some(q.into()),
                ..ListParams::default()
            });
            assert!(problems.is_empty());
            filter
        };
        let found = |list: &waymark_app::item_list::ItemList| -> Vec<ItemId> {
            list.kept
                .iter()
                .map(|&i| list.read.view.items[i].id)
                .collect()
        };
        // "renewal" finds "renewals" through each backend's stemming, and marks it.
        let list = f
            .app
            .list_items(&admin, f.plan, today(), filter("renewal"))
            .await
            .unwrap();
        assert_eq!(found(&list), vec![f.action21], "{}", f.backend);
        assert_eq!(list.filter.sort, Sort::Relevance);
        let text = &list.read.view.items[list.kept[0]].fields.text;
        let marked: Vec<String> = waymark_core::highlight(text, &list.terms)
            .into_iter()
            .filter(|(_, hit)| *hit)
            .map(|(run, _)| run)
            .collect();
        assert_eq!(marked, vec!["renewals"]);
        // Every match, in plan order among equals; none past the partner's ceiling.
        let list = f
            .app
            .list_items(&admin, f.plan, today(), filter("vetting"))
            .await
            .unwrap();
        assert_eq!(found(&list), vec![f.rec2, f.action21], "{}", f.backend);
        let list = f
            .app
            .list_items(&partner, f.plan, today(), filter("vetting"))
            .await
            .unwrap();
        assert!(list.kept.is_empty(), "{}", f.backend);
    }
}
