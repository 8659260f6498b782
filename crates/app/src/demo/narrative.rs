//! What the demo's performance team wrote for the last quarter ended: the delivery plan's
//! executive summary and commentary on its first objective and first indicator, so the demo's
//! quarterly report prints written text beside the text it generates.

use chrono::NaiveDate;
use waymark_core::indicator::Calendar;
use waymark_core::{OrgId, PlanId};
use waymark_store::{NarrativeSubject, NewAuditEvent, NewNarrative, Scope, Store};

use crate::error::Result;

/// Who writes the demo's summary (the performance manager account).
const WRITER: &str = "Priya Shah";

pub(super) async fn add_demo_narrative(
    store: &Store,
    org: OrgId,
    plan: PlanId,
    today: NaiveDate,
) -> Result<()> {
    let Some(period) = Calendar::Quarterly.last_ended(today) else {
        return Ok(());
    };
    let scope = Scope::Org(org);
    let view = store.plan_view(scope, plan, today, None).await?;
    let objective = view.items.iter().find(|item| item.depth == 0).map(|i| i.id);
    let indicator = store
        .indicators(scope, plan)
        .await?
        .first()
        .map(|s| s.indicator.id);
    let mut writing = vec![(
        NarrativeSubject::Summary,
        format!(
            "This report sets out progress against the delivery plan for {period}, to {}. \
             The performance team reviewed every indicator and action with their owners \
             before it was written.\n\n\
             Part 1 gives each indicator's figure against its target for the period, with the \
             owner's commentary where there is one; Part 2 gives each action's latest update. \
             Actions rated Red or Amber are followed up at the next Chief Officer Group.",
            waymark_core::date::format_long(period.end_date())
        ),
    )];
    if let Some(objective) = objective {
        writing.push((
            NarrativeSubject::Objective(objective),
            "Delivery under this aim is broadly on plan. The actions behind schedule are \
             reported in Part 2 with the dates their owners now expect."
                .to_string(),
        ));
    }
    if let Some(indicator) = indicator {
        writing.push((
            NarrativeSubject::Indicator(indicator),
            "The owner has reviewed this figure with the analysts: the trend is set out in the \
             chart, and the forecast to year end is shown beside the target."
                .to_string(),
        ));
    }
    for (subject, body) in writing {
        let audit = NewAuditEvent {
            org: Some(org),
            actor: WRITER.to_string(),
            action: "narrative.save".into(),
            plan: Some(plan),
            subject: Some(format!("Demo writing for {period}")),
            ..NewAuditEvent::default()
        };
        store
            .save_narrative(
                scope,
                &NewNarrative {
                    plan,
                    period: period.to_string(),
                    subject,
                    body,
                    entered_by: Some(WRITER.to_string()),
                },
                &audit,
            )
            .await?;
    }
    Ok(())
}
