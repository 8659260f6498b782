//! Needs attention across plans: each plan's counts are the counts of the plan page's own
//! filter for the same kind, items the reader may not see are neither listed nor counted, and
//! the page's filters narrow every plan alike.

use waymark_app::attention::{Attention, item_ids};
use waymark_app::item_list::{ItemFilter, ListParams};
use waymark_app::items::ItemInput;

use crate::fixture::{fixtures, today};

fn action(reference: &str, text: &str, due: &str, rag: &str, owners: &str) -> ItemInput {
    ItemInput {
        reference: Some(reference.into()),
        text: Some(text.into()),
        due: Some(due.into()),
        rag: Some(rag.into()),
        owners: Some(owners.into()),
        ..ItemInput::default()
    }
}

fn plan_page(flag: Option<&str>, rag: Option<&str>) -> ItemFilter {
    ItemFilter::read(&ListParams {
        flag: flag.map(str::to_string),
        rag: rag.map(str::to_string),
        ..ListParams::default()
    })
    .0
}

#[tokio::test]
async fn counts_match_the_plan_pages_and_follow_what_the_reader_may_see() {
    for f in fixtures("app_attention").await {
        let admin = f.admin().await;
        let overdue_red = f
            .app
            .add_item(
                &admin,
                f.plan,
                Some(f.rec1),
                &action(
                    "1.3",
                    "Train the night shift",
                    "2026-10-31",
                    "Red",
                    "Head of Contact Management",
                ),
            )
            .await
            .unwrap();
        let due_soon = f
            .app
            .add_item(
                &admin,
                f.plan,
                Some(f.rec1),
                &action(
                    "1.4",
                    "Publish the new script",
                    "2026-12-01",
                    "Green",
                    "Custody Inspector",
                ),
            )
            .await
            .unwrap();
        let sensitive = f
            .app
            .add_item(
                &admin,
                f.plan,
                Some(f.rec2),
                &action(
                    "2.2",
                    "Vet the agency staff",
                    "2026-09-30",
                    "Amber",
                    "Head of Professional Standards",
                ),
            )
            .await
            .unwrap();

        let manager = f.manager().await;
        let answer = f
            .app
            .needs_attention(&manager, &ItemFilter::read(&ListParams::default()).0)
            .await
            .unwrap();
        let share = answer.plans.iter().find(|p| p.plan.id == f.plan).unwrap();
        for (kind, flag, rag) in [
            (Attention::Overdue, Some("overdue"), None),
            (Attention::DueSoon, Some("due_soon"), None),
            (Attention::Stale, Some("stale"), None),
            (Attention::Red, None, Some("red")),
        ] {
            let page = f
                .app
                .list_items(&manager, f.plan, today(), plan_page(flag, rag))
                .await
                .unwrap();
            let count = share.counts.iter().find(|(k, _)| *k == kind).unwrap().1;
            assert_eq!(count, page.kept.len(), "{}: {kind:?}", f.backend);
        }
        let count = |kind| share.counts.iter().find(|(k, _)| *k == kind).unwrap().1;
        assert_eq!(count(Attention::Overdue), 2, "{}", f.backend);
        assert_eq!(count(Attention::DueSoon), 1);
        assert_eq!(count(Attention::Red), 1);
        let ids = item_ids(share);
        assert!(ids.contains(&overdue_red) && ids.contains(&due_soon) && ids.contains(&sensitive));
        let entry = share
            .items
            .iter()
            .find(|e| e.item.id == overdue_red)
            .unwrap();
        assert!(entry.kinds.contains(&Attention::Overdue) && entry.kinds.contains(&Attention::Red));
        assert_eq!(
            answer
                .totals()
                .iter()
                .find(|(k, _)| *k == Attention::Overdue)
                .unwrap()
                .1,
            2
        );

        // The partner reads the plan up to OFFICIAL: the sensitive action is not counted.
        let partner = f.partner().await;
        let theirs = f
            .app
            .needs_attention(&partner, &ItemFilter::read(&ListParams::default()).0)
            .await
            .unwrap();
        let shared = theirs.plans.iter().find(|p| p.plan.id == f.plan).unwrap();
        assert!(!item_ids(shared).contains(&sensitive), "{}", f.backend);
        assert_eq!(
            shared
                .counts
                .iter()
                .find(|(k, _)| *k == Attention::Overdue)
                .unwrap()
                .1,
            1
        );
        // Another force sees nothing of this plan.
        let outsider = f
            .app
            .needs_attention(
                &f.outsider().await,
                &ItemFilter::read(&ListParams::default()).0,
            )
            .await
            .unwrap();
        assert!(outsider.plans.iter().all(|p| p.plan.id != f.plan));

        // The plan page's filters narrow it: only the contributor's own actions.
        let contributor = f.contributor().await;
        let mine = f
            .app
            .needs_attention(
                &contributor,
                &ItemFilter::read(&ListParams {
                    mine: true,
                    ..ListParams::default()
                })
                .0,
            )
            .await
            .unwrap();
        let own = mine.plans.iter().find(|p| p.plan.id == f.plan).unwrap();
        assert!(item_ids(own).contains(&overdue_red));
        assert!(!item_ids(own).contains(&due_soon), "{}", f.backend);
    }
}
