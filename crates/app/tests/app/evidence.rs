//! Evidence and closure: who may add evidence, that evidence above a reader's ceiling is
//! hidden from their pages and reports, that a strict closure rule makes closing a proposal
//! which awaits sign-off by someone other than its proposer, and that the tracker report
//! prints the evidence and the sign-off.

use waymark_app::AppError;
use waymark_app::evidence::{ClosureRuleInput, EvidenceInput, ProposalOutcome};
use waymark_app::model::ClosureDecision;
use waymark_app::reports::ReportAsk;
use waymark_report::Layout;

use crate::fixture::fixtures;

fn link(title: &str, url: &str, marking: &str) -> EvidenceInput {
    EvidenceInput {
        title: title.into(),
        url: url.into(),
        marking: marking.into(),
        ..EvidenceInput::default()
    }
}

/// The messages of a refusal: of what was entered, or by the item's state as it is now.
fn invalid(error: AppError) -> String {
    match error {
        AppError::Invalid(problems) | AppError::State(problems) => problems
            .iter()
            .map(|(_, message)| message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => panic!("expected a refusal of what was entered, got {other:?}"),
    }
}

#[tokio::test]
async fn closing_an_action_needs_evidence_and_a_managers_sign_off_when_the_plan_says_so() {
    for f in fixtures("app_evidence_closure").await {
        let manager = f.manager().await;
        let contributor = f.contributor().await;
        // Actions (level 1) need evidence and a plan manager's sign-off.
        f.app
            .set_closure_rule(
                &manager,
                f.plan,
                &ClosureRuleInput {
                    depth: 1,
                    requires_evidence: true,
                    requires_sign_off: true,
                    ..ClosureRuleInput::default()
                },
            )
            .await
            .unwrap();
        // A contributor may not set the rules.
        assert!(matches!(
            f.app
                .set_closure_rule(&contributor, f.plan, &ClosureRuleInput::default())
                .await,
            Err(AppError::Forbidden)
        ));

        // Closing straight away is refused, and so is a proposal without evidence.
        let direct = f
            .app
            .set_item_complete(&contributor, f.action11, true)
            .await
            .unwrap_err();
        assert!(invalid(direct).contains("propose closure"), "{}", f.backend);
        let bare = f
            .app
            .propose_closure(&contributor, f.action11, "")
            .await
            .unwrap_err();
        assert!(invalid(bare).starts_with("Add evidence before proposing closure"));

        let evidence = f
            .app
            .add_evidence(
                &contributor,
                f.action11,
                link("Call audit", "https://intranet.example/audit", ""),
            )
            .await
            .unwrap();
        assert!(evidence.added_by.is_some() && evidence.withdrawn.is_none());
        let proposed = f
            .app
            .propose_closure(&contributor, f.action11, "All done")
            .await
            .unwrap();
        assert!(matches!(proposed, ProposalOutcome::Proposed(_)));
        let read = f.app.item_evidence(&manager, f.action11).await.unwrap();
        assert!(!read.complete, "awaiting sign-off, the action stays open");
        assert!(read.pending().is_some() && read.may_decide);
        // The contributor may not sign off.
        assert!(matches!(
            f.app
                .decide_closure(&contributor, f.action11, true, "")
                .await,
            Err(AppError::Forbidden)
        ));

        // A report shows it awaiting sign-off.
        let ask = ReportAsk::new(f.plan, Layout::Tracker);
        let report = f.app.build_report(&manager, &ask, None).await.unwrap();
        let row = report
            .tracker
            .iter()
            .find(|r| r.reference == "1.1")
            .unwrap();
        assert_eq!(
            row.sign_off.as_deref(),
            Some("Closure proposed, awaiting sign-off")
        );
        assert_eq!(row.evidence.len(), 1);
        assert_eq!(row.evidence[0].title, "Call audit");
        assert_eq!(row.evidence[0].kind, "Link");

        // A refusal needs a reason, and returns the action open with it.
        let no_reason = f
            .app
            .decide_closure(&manager, f.action11, false, " ")
            .await
            .unwrap_err();
        assert!(invalid(no_reason).contains("Enter why"));
        assert_eq!(
            f.app
                .decide_closure(&manager, f.action11, false, "Attach the October figures")
                .await
                .unwrap(),
            ClosureDecision::Refused
        );
        let read = f.app.item_evidence(&contributor, f.action11).await.unwrap();
        assert!(!read.complete && read.pending().is_none());
        assert_eq!(
            read.last_decided().unwrap().reason.as_deref(),
            Some("Attach the October figures")
        );

        // Proposed again and signed off: closed, with who and when.
        f.app
            .propose_closure(&contributor, f.action11, "October figures attached")
            .await
            .unwrap();
        assert_eq!(
            f.app
                .decide_closure(&manager, f.action11, true, "")
                .await
                .unwrap(),
            ClosureDecision::SignedOff
        );
        let read = f.app.item_evidence(&contributor, f.action11).await.unwrap();
        assert!(read.complete, "{}", f.backend);
        let decided = read.last_decided().unwrap();
        assert_eq!(decided.decided_by.as_deref(), Some("Mo Manager"));
        assert_eq!(decided.decided_as.as_deref(), Some("Plan manager"));

        let report = f.app.build_report(&manager, &ask, None).await.unwrap();
        let row = report
            .tracker
            .iter()
            .find(|r| r.reference == "1.1")
            .unwrap();
        assert_eq!(row.complete, "Yes");
        let sign_off = row.sign_off.clone().unwrap();
        assert!(
            sign_off.starts_with("Signed off by Mo Manager (Plan manager) on "),
            "{sign_off}"
        );
        let html = String::from_utf8(
            waymark_report::render(&report, Layout::Tracker, waymark_report::Format::Html).unwrap(),
        )
        .unwrap();
        assert!(html.contains("Call audit"));
        assert!(html.contains("Signed off by Mo Manager (Plan manager)"));
        // Every change is in the audit trail.
        let admin = f.admin().await;
        let (_, events) = f
            .app
            .audit_events(
                &admin,
                waymark_app::model::AuditFilter {
                    limit: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for action in [
            "closure.rule",
            "evidence.add",
            "closure.propose",
            "closure.refuse",
            "closure.sign_off",
        ] {
            assert!(
                events.iter().any(|e| e.action == action),
                "{action} is audited"
            );
        }
    }
}

#[tokio::test]
async fn a_viewer_adds_no_evidence_and_sees_none_above_their_ceiling() {
    for f in fixtures("app_evidence_ceiling").await {
        let manager = f.manager().await;
        let viewer = f.viewer().await;
        assert!(matches!(
            f.app
                .add_evidence(&viewer, f.rec1, link("Mine", "https://example.org/", ""))
                .await,
            Err(AppError::Forbidden)
        ));
        let open = f
            .app
            .add_evidence(
                &manager,
                f.rec1,
                link("Public minutes", "https://example.org/minutes", ""),
            )
            .await
            .unwrap();
        let sensitive = f
            .app
            .add_evidence(
                &manager,
                f.rec1,
                link(
                    "Informant handling review",
                    "https://example.org/chis",
                    "OFFICIAL-SENSITIVE",
                ),
            )
            .await
            .unwrap();
        // Links other than http and https are refused.
        let script = f
            .app
            .add_evidence(&manager, f.rec1, link("Bad", "javascript:alert(1)", ""))
            .await
            .unwrap_err();
        assert!(invalid(script).contains("https://"));

        let seen = f.app.item_evidence(&viewer, f.rec1).await.unwrap();
        let titles: Vec<_> = seen.evidence.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, vec!["Public minutes"], "{}", f.backend);
        assert!(f.app.evidence(&viewer, open.id).await.is_ok());
        assert!(matches!(
            f.app.evidence(&viewer, sensitive.id).await,
            Err(AppError::NotFound)
        ));
        let all = f.app.item_evidence(&manager, f.rec1).await.unwrap();
        assert_eq!(all.evidence.len(), 2);

        let ask = ReportAsk::new(f.plan, Layout::Tracker);
        let report = f.app.build_report(&viewer, &ask, None).await.unwrap();
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains("Public minutes"));
        assert!(!json.contains("Informant handling review"));
        let report = f.app.build_report(&manager, &ask, None).await.unwrap();
        assert!(
            serde_json::to_string(&report)
                .unwrap()
                .contains("Informant handling review")
        );

        // Withdrawn evidence is kept, marked withdrawn, and left out of reports.
        f.app
            .withdraw_evidence(&manager, open.id, "Superseded by the final minutes")
            .await
            .unwrap();
        let seen = f.app.item_evidence(&viewer, f.rec1).await.unwrap();
        assert_eq!(seen.evidence.len(), 1);
        assert!(seen.evidence[0].withdrawn.is_some());
        let report = f.app.build_report(&viewer, &ask, None).await.unwrap();
        assert!(
            !serde_json::to_string(&report)
                .unwrap()
                .contains("Public minutes")
        );
    }
}

#[tokio::test]
async fn nobody_signs_off_a_closure_they_proposed() {
    for f in fixtures("app_evidence_own_sign_off").await {
        let manager = f.manager().await;
        let admin = f.admin().await;
        f.app
            .set_closure_rule(
                &manager,
                f.plan,
                &ClosureRuleInput {
                    depth: 0,
                    requires_evidence: false,
                    requires_sign_off: true,
                    ..ClosureRuleInput::default()
                },
            )
            .await
            .unwrap();
        f.app.propose_closure(&manager, f.rec1, "").await.unwrap();
        let own = f
            .app
            .decide_closure(&manager, f.rec1, true, "")
            .await
            .unwrap_err();
        // Separation of duties: not permitted to this person (the API's 403).
        assert!(matches!(own, AppError::NotPermitted(_)), "{own:?}");
        assert!(own.messages().contains("You proposed this closure"));
        f.app
            .decide_closure(&admin, f.rec1, true, "")
            .await
            .unwrap();
        assert!(f.app.item_evidence(&admin, f.rec1).await.unwrap().complete);
    }
}
