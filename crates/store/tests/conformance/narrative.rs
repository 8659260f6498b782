//! What people write for a report period: each save a version with who and when, read back
//! oldest first, a cleared text kept as a version with no body, the second clock respected,
//! and another organisation's plan not found.

use chrono::Utc;
use waymark_core::ItemId;
use waymark_core::indicator::IndicatorId;
use waymark_store::{NarrativeSubject, NewAuditEvent, NewNarrative, Scope, StoreError};

use super::{seeded, stores};

fn audit() -> NewAuditEvent {
    NewAuditEvent {
        actor: "Pat Performance".into(),
        action: "narrative.save".into(),
        ..NewAuditEvent::default()
    }
}

#[tokio::test]
async fn narrative_versions_are_kept_per_period_and_subject() {
    for (backend, store) in stores().await {
        let (org, plan) = seeded(&store).await;
        let scope = Scope::Org(org.id);
        let save = |subject, period: &str, body: &str| NewNarrative {
            plan: plan.id,
            period: period.into(),
            subject,
            body: body.into(),
            entered_by: Some("Pat Performance".into()),
        };
        let first = store
            .save_narrative(
                scope,
                &save(
                    NarrativeSubject::Summary,
                    "Q2 2008-09",
                    "  Draft summary.  ",
                ),
                &audit(),
            )
            .await
            .unwrap();
        assert_eq!(
            first.body.as_deref(),
            Some("Draft summary."),
            "{backend}: trimmed"
        );
        let before_second = Utc::now();
        store
            .save_narrative(
                scope,
                &save(NarrativeSubject::Summary, "Q2 2008-09", "Final summary."),
                &audit(),
            )
            .await
            .unwrap();
        store
            .save_narrative(
                scope,
                &save(
                    NarrativeSubject::Indicator(IndicatorId(7)),
                    "Q2 2008-09",
                    "Special constables up to 280.",
                ),
                &audit(),
            )
            .await
            .unwrap();
        store
            .save_narrative(
                scope,
                &save(NarrativeSubject::Objective(ItemId(3)), "Q2 2008-09", ""),
                &audit(),
            )
            .await
            .unwrap();
        store
            .save_narrative(
                scope,
                &save(NarrativeSubject::Summary, "Q3 2008-09", "Another period."),
                &audit(),
            )
            .await
            .unwrap();

        let q2 = store
            .narratives(scope, plan.id, "Q2 2008-09", None)
            .await
            .unwrap();
        let bodies: Vec<(NarrativeSubject, Option<&str>)> =
            q2.iter().map(|v| (v.subject, v.body.as_deref())).collect();
        assert_eq!(
            bodies,
            vec![
                (NarrativeSubject::Summary, Some("Draft summary.")),
                (NarrativeSubject::Summary, Some("Final summary.")),
                (
                    NarrativeSubject::Indicator(IndicatorId(7)),
                    Some("Special constables up to 280.")
                ),
                (NarrativeSubject::Objective(ItemId(3)), None),
            ],
            "{backend}"
        );
        assert_eq!(q2[0].entered_by.as_deref(), Some("Pat Performance"));

        // As known before the second save, only the draft had been written.
        let known = store
            .narratives(scope, plan.id, "Q2 2008-09", Some(first.entered_at))
            .await
            .unwrap();
        assert_eq!(known.len(), 1, "{backend}");
        assert!(known[0].entered_at < before_second || known[0].id == first.id);

        // The save was audited in its transaction.
        let (count, events) = store
            .audit_events(&waymark_store::AuditFilter {
                action: Some("narrative.".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(count, 5, "{backend}: {events:?}");

        // Too long is refused; another organisation's scope does not find the plan.
        let long = "x".repeat(waymark_store::MAX_NARRATIVE + 1);
        assert!(matches!(
            store
                .save_narrative(
                    scope,
                    &save(NarrativeSubject::Summary, "Q2 2008-09", &long),
                    &audit()
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        let other = store.create_organisation("OTH", "Other").await.unwrap();
        assert!(matches!(
            store
                .narratives(Scope::Org(other.id), plan.id, "Q2 2008-09", None)
                .await,
            Err(StoreError::NotFound { .. })
        ));
    }
}
