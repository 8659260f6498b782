//! The demo's comments: on the inspection improvement plan's second recommendation, whose
//! closure awaits the board, a short discussion with mentions of a post and of people, so the
//! item's comments and the "mentioned" list on the home page have something to show.

use chrono::NaiveDate;
use waymark_core::{OrgId, PlanId};
use waymark_store::{NewAuditEvent, NewComment, Scope, Store};

use crate::comments::{mention_targets, resolve_mentions};
use crate::error::Result;

/// Who says what, in order.
const DISCUSSION: [(&str, &str); 3] = [
    (
        "Sam Okafor",
        "@Head of Performance and Planning the crime recording audit report is linked under \
         evidence. Could the board take this recommendation at its next meeting?",
    ),
    (
        "Priya Shah",
        "Thanks @Sam Okafor, it is on the board's agenda. @Jo Whitfield, can you confirm the \
         re-audit sample covered every district?",
    ),
    (
        "Jo Whitfield",
        "Confirmed: all six districts were sampled, 96% of incidents recorded correctly.",
    ),
];

pub(super) async fn add_demo_comments(
    store: &Store,
    org: OrgId,
    plan: PlanId,
    today: NaiveDate,
) -> Result<()> {
    let scope = Scope::Org(org);
    let stored = store.plan(scope, plan).await?;
    let view = store.plan_view(scope, plan, today, None).await?;
    let Some(recommendation) = view.items.iter().filter(|i| i.depth == 0).nth(1) else {
        return Ok(());
    };
    let targets = mention_targets(store, org).await?;
    let users = store.users(scope).await?;
    for (author, body) in DISCUSSION {
        let mentions = resolve_mentions(body, &targets);
        let audit = NewAuditEvent {
            org: Some(org),
            actor: format!("demo ({author})"),
            action: "comment.add".into(),
            plan: Some(plan),
            item: Some(recommendation.id),
            subject: Some(body.chars().take(80).collect()),
            ..NewAuditEvent::default()
        };
        store
            .add_comment(
                &stored,
                &NewComment {
                    item: recommendation.id,
                    author_name: author.to_string(),
                    author_user: users.iter().find(|u| u.name == author).map(|u| u.id),
                    body: body.to_string(),
                    mentions,
                },
                &audit,
            )
            .await?;
    }
    Ok(())
}
