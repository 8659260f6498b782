//! What people write for a report period: plan managers write the summary, owners and managers
//! the commentary; every save a version; the period's report prints the newest (and a report
//! as known earlier the text of then); a reader never sees commentary on what they may not see.

use chrono::Utc;
use waymark_app::AppError;
use waymark_app::model::NarrativeSubject;
use waymark_app::reports::ReportAsk;
use waymark_report::Layout;

use crate::fixture::fixtures;

// The fixture's items exist from today (20 November 2026), so the quarter it falls in.
const PERIOD: &str = "Q3 2026-27";

fn quarterly(f: &crate::fixture::Fixture) -> ReportAsk {
    let mut ask = ReportAsk::new(f.plan, Layout::Quarterly);
    ask.period = Some(PERIOD.into());
    ask
}

#[tokio::test]
async fn the_written_summary_replaces_the_generated_one_and_keeps_its_history() {
    for f in fixtures("app_narrative_summary").await {
        let manager = f.manager().await;
        let before = f
            .app
            .build_report(&manager, &quarterly(&f), None)
            .await
            .unwrap();
        assert_eq!(before.summary.written, None, "{}", f.backend);

        f.app
            .save_narrative(
                &manager,
                f.plan,
                "q3 2026-27",
                NarrativeSubject::Summary,
                "Custody is improving.\n\nBooking-in is\nfaster.",
            )
            .await
            .unwrap();
        let first_known = Utc::now();
        let report = f
            .app
            .build_report(&manager, &quarterly(&f), None)
            .await
            .unwrap();
        let written = report.summary.written.clone().unwrap();
        assert_eq!(
            written.paragraphs,
            vec!["Custody is improving.", "Booking-in is faster."],
            "{}",
            f.backend
        );
        assert_eq!(written.by.as_deref(), Some("Mo Manager"));
        assert!(written.credit().starts_with("Written by Mo Manager on "));

        // A second version is in force; a report as known before it prints the first.
        f.app
            .save_narrative(
                &manager,
                f.plan,
                PERIOD,
                NarrativeSubject::Summary,
                "Custody has improved.",
            )
            .await
            .unwrap();
        let now = f
            .app
            .build_report(&manager, &quarterly(&f), None)
            .await
            .unwrap();
        assert_eq!(
            now.summary.written.unwrap().paragraphs,
            vec!["Custody has improved."]
        );
        let then = f
            .app
            .build_report(&manager, &quarterly(&f), Some(first_known))
            .await
            .unwrap();
        assert_eq!(
            then.summary.written.unwrap().paragraphs[0],
            "Custody is improving."
        );

        let read = f.app.narratives(&manager, f.plan, PERIOD).await.unwrap();
        assert_eq!(read.history(NarrativeSubject::Summary).len(), 2);
        assert!(read.may_write(NarrativeSubject::Summary));

        // Clearing it prints the generated sentences again; the history keeps all three.
        f.app
            .save_narrative(&manager, f.plan, PERIOD, NarrativeSubject::Summary, "  ")
            .await
            .unwrap();
        let cleared = f
            .app
            .build_report(&manager, &quarterly(&f), None)
            .await
            .unwrap();
        assert_eq!(cleared.summary.written, None);
        let read = f.app.narratives(&manager, f.plan, PERIOD).await.unwrap();
        assert_eq!(read.history(NarrativeSubject::Summary).len(), 3);
        assert!(read.current(NarrativeSubject::Summary).is_none());

        // An as-at report has no period, so no written text.
        let mut as_at = ReportAsk::new(f.plan, Layout::Quarterly);
        as_at.as_at = Some("2026-11-20".into());
        assert_eq!(
            f.app
                .build_report(&manager, &as_at, None)
                .await
                .unwrap()
                .summary
                .written,
            None
        );

        // Saving is audited.
        let (count, _) = f
            .app
            .audit_events(
                &f.admin().await,
                waymark_app::model::AuditFilter {
                    action: Some("narrative.".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(count, 3, "{}", f.backend);
    }
}

#[tokio::test]
async fn only_managers_write_the_summary_and_only_updaters_an_objective() {
    for f in fixtures("app_narrative_rights").await {
        let summary = NarrativeSubject::Summary;
        for actor in [f.contributor().await, f.viewer().await, f.partner().await] {
            assert!(
                matches!(
                    f.app
                        .save_narrative(&actor, f.plan, PERIOD, summary, "Mine.")
                        .await,
                    Err(AppError::Forbidden)
                ),
                "{}: {}",
                f.backend,
                actor.name()
            );
        }
        assert!(matches!(
            f.app
                .save_narrative(&f.outsider().await, f.plan, PERIOD, summary, "No.")
                .await,
            Err(AppError::NotFound)
        ));
        // Rec 1 has no owner: its plan manager writes its commentary, a contributor may not.
        let rec1 = NarrativeSubject::Objective(f.rec1);
        assert!(matches!(
            f.app
                .save_narrative(&f.contributor().await, f.plan, PERIOD, rec1, "Mine.")
                .await,
            Err(AppError::Forbidden)
        ));
        let manager = f.manager().await;
        f.app
            .save_narrative(&manager, f.plan, PERIOD, rec1, "Booking-in is on track.")
            .await
            .unwrap();
        let rec2 = NarrativeSubject::Objective(f.rec2);
        f.app
            .save_narrative(&manager, f.plan, PERIOD, rec2, "Vetting detail.")
            .await
            .unwrap();
        let report = f
            .app
            .build_report(&manager, &quarterly(&f), None)
            .await
            .unwrap();
        let section = report
            .objectives
            .iter()
            .find(|s| s.item == Some(f.rec1.0))
            .unwrap();
        assert_eq!(
            section.commentary.as_ref().unwrap().paragraphs,
            vec!["Booking-in is on track."],
            "{}",
            f.backend
        );

        // The partner sees Rec 1's commentary, not the OFFICIAL-SENSITIVE Rec 2's.
        let partner = f.partner().await;
        let read = f.app.narratives(&partner, f.plan, PERIOD).await.unwrap();
        assert!(read.current(rec1).is_some());
        assert!(read.current(rec2).is_none(), "{}", f.backend);
        assert!(!read.may_write(rec1));
        let report = f
            .app
            .build_report(&partner, &quarterly(&f), None)
            .await
            .unwrap();
        assert!(report.objectives.iter().all(|s| s.item != Some(f.rec2.0)));
        // A subject the partner may not see is not found, rather than forbidden.
        assert!(matches!(
            f.app
                .save_narrative(&partner, f.plan, PERIOD, rec2, "?")
                .await,
            Err(AppError::NotFound)
        ));

        // A period that is not one names the field.
        let Err(AppError::Invalid(fields)) = f
            .app
            .save_narrative(&manager, f.plan, "Quarter two", summary, "x")
            .await
        else {
            panic!("expected the period to be refused");
        };
        assert_eq!(fields[0].0, "period");
    }
}
