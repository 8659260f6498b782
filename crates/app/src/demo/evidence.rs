//! The demo's evidence and closure: on the inspection improvement plan, closing a
//! recommendation needs evidence and sign-off by the Force Improvement Board. AFI 1 was closed
//! with evidence and the board's sign-off; AFI 2's closure is proposed, awaiting sign-off.

use chrono::NaiveDate;
use waymark_core::{Classification, OrgId, PlanId};
use waymark_store::{
    ChangeSet, ClosureDecision, ClosureRule, EvidenceKind, ItemRef, NewAuditEvent,
    NewClosureDecision, NewEvidence, NewVersion, Scope, SignOffBy, Store,
};

use crate::error::Result;

/// The board that signs off the demo's recommendations, by post.
pub const BOARD: &str = "Force Improvement Board";
pub const BOARD_MEMBERS: [&str; 2] = ["Deputy Chief Constable", "Head of Performance and Planning"];

fn audit(org: OrgId, plan: PlanId, action: &str, by: &str) -> NewAuditEvent {
    NewAuditEvent {
        org: Some(org),
        actor: format!("demo ({by})"),
        action: action.to_string(),
        plan: Some(plan),
        ..NewAuditEvent::default()
    }
}

pub(super) async fn add_demo_evidence(
    store: &Store,
    org: OrgId,
    plan: PlanId,
    today: NaiveDate,
) -> Result<()> {
    let scope = Scope::Org(org);
    let stored = store.plan(scope, plan).await?;
    let sign_off_by = SignOffBy {
        board: Some(BOARD.into()),
        members: BOARD_MEMBERS.iter().map(|m| m.to_string()).collect(),
    };
    store
        .save_closure_rule(
            &stored,
            &ClosureRule {
                plan,
                depth: 0,
                requires_evidence: true,
                requires_sign_off: true,
                sign_off_by: sign_off_by.clone(),
                entered_at: chrono::Utc::now(),
                entered_by: Some("Priya Shah".into()),
            },
            &audit(org, plan, "closure.rule", "Priya Shah"),
        )
        .await?;
    let view = store.plan_view(scope, plan, today, None).await?;
    let recommendations: Vec<_> = view.items.iter().filter(|i| i.depth == 0).collect();
    let (Some(closed), Some(awaiting)) = (recommendations.first(), recommendations.get(1)) else {
        return Ok(());
    };
    let evidence =
        |item, kind, title: &str, url: Option<&str>, file: Option<(&str, &[u8])>| NewEvidence {
            item,
            kind,
            title: title.to_string(),
            url: url.map(str::to_string),
            file_name: file.map(|(name, _)| name.to_string()),
            content_type: file
                .map(|(name, _)| crate::evidence::evidence_content_type(name).to_string()),
            content: file.map(|(_, bytes)| bytes.to_vec()),
            marking: Classification::OFFICIAL,
            added_by: Some("Sam Okafor".into()),
            added_by_user: None,
        };
    for new in [
        evidence(
            closed.id,
            EvidenceKind::File,
            "Call handling audit: non-emergency answer times",
            None,
            Some((
                "call-handling-audit.txt",
                b"Non-emergency calls answered within 3 minutes: 91% (target 90%).\n",
            )),
        ),
        evidence(
            closed.id,
            EvidenceKind::Link,
            "Contact management performance dashboard",
            Some("https://intranet.northshire.example/contact/performance"),
            None,
        ),
        evidence(
            awaiting.id,
            EvidenceKind::Link,
            "Crime recording audit report",
            Some("https://intranet.northshire.example/audit/crime-recording"),
            None,
        ),
    ] {
        store
            .add_evidence(
                &stored,
                &new,
                &audit(org, plan, "evidence.add", "Sam Okafor"),
            )
            .await?;
    }
    for (item, note) in [
        (
            closed.id,
            "All actions complete; the audit shows the target met for three months.",
        ),
        (
            awaiting.id,
            "Crime recording audit passed; asking the board to close.",
        ),
    ] {
        store
            .propose_closure(
                &stored,
                item,
                Some(note.into()),
                &sign_off_by,
                (Some("Sam Okafor".into()), None),
                &audit(org, plan, "closure.propose", "Sam Okafor"),
            )
            .await?;
    }
    let request = store
        .item_closure_requests(scope, plan, closed.id)
        .await?
        .into_iter()
        .next();
    if let Some(request) = request {
        let mut fields = closed.fields.clone();
        fields.complete = true;
        fields.completed_on = Some(today);
        let mut closes = ChangeSet::new(org, plan);
        closes.author = Some("Priya Shah".into());
        closes.versions.push(NewVersion {
            item: closed.id,
            parent: fields.parent.map(ItemRef::Existing),
            fields,
            effective: today,
            reason: Some("Closed with sign-off".into()),
        });
        store
            .decide_closure(
                &stored,
                &NewClosureDecision {
                    request: request.id,
                    decision: ClosureDecision::SignedOff,
                    decided_by: Some("Priya Shah".into()),
                    decided_by_user: None,
                    decided_as: format!("{BOARD}, Head of Performance and Planning"),
                    reason: None,
                    closes: Some(closes),
                },
                &audit(org, plan, "closure.sign_off", "Priya Shah"),
            )
            .await?;
    }
    Ok(())
}
