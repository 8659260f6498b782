//! What people write for a report period: the plan's executive summary (plan managers), and
//! commentary on an indicator (its owner's post, or a plan manager) or an objective (as its
//! updates: its owner's post, or a plan manager). Every save is a new version kept with who
//! and when; the report for the period prints the newest, and nothing generated ever
//! replaces it.

use std::collections::BTreeSet;

use waymark_core::indicator::Period;
use waymark_core::{AccessLevel, PlanId};
use waymark_store::{NarrativeSubject, NarrativeVersion, NewNarrative, StoredIndicator};

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// What has been written for one plan's period, with what the actor may write.
#[derive(Debug, Clone)]
pub struct NarrativeRead {
    pub plan: VisiblePlan,
    pub period: Period,
    /// Every version, oldest first; the last of each subject is in force.
    pub versions: Vec<NarrativeVersion>,
    /// What the actor may write about: the summary (plan managers), the indicators their
    /// posts own (all, for plan managers) and the objectives (top-level items) they may update.
    pub writable: BTreeSet<NarrativeSubject>,
}

impl NarrativeRead {
    /// The text in force for a subject, if any (a cleared text is none).
    pub fn current(&self, subject: NarrativeSubject) -> Option<&NarrativeVersion> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.subject == subject)
            .filter(|v| v.body.is_some())
    }

    pub fn may_write(&self, subject: NarrativeSubject) -> bool {
        self.writable.contains(&subject)
    }

    /// A subject's versions, newest first.
    pub fn history(&self, subject: NarrativeSubject) -> Vec<&NarrativeVersion> {
        self.versions
            .iter()
            .rev()
            .filter(|v| v.subject == subject)
            .collect()
    }
}

/// Reads a reporting period as people write it ("Q2 2008-09", "P6 2026-27", "September
/// 2026"), refusing anything else with the field named.
pub fn parse_report_period(text: &str) -> Result<Period> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "period",
            "Enter the reporting period, for example Q2 2026-27",
        ));
    }
    Period::parse(text).map_err(|_| {
        AppError::invalid(
            "period",
            format!("\"{text}\" is not a reporting period, for example Q2 2026-27"),
        )
    })
}

impl App {
    /// Everything written for a plan's period, if the actor may see the plan.
    pub async fn narratives(
        &self,
        actor: &Actor,
        plan: PlanId,
        period: &str,
    ) -> Result<NarrativeRead> {
        let visible = self.plan(actor, plan).await?;
        let period = parse_report_period(period)?;
        let versions = self
            .store()
            .narratives(visible.scope(), plan, &period.to_string(), None)
            .await?;
        let read = self.read_view(&visible, self.today(), None).await?;
        let indicators = self.visible_indicators(&visible).await?;
        let versions = versions
            .into_iter()
            .filter(|v| match v.subject {
                NarrativeSubject::Summary => true,
                NarrativeSubject::Indicator(id) => indicators.iter().any(|s| s.indicator.id == id),
                NarrativeSubject::Objective(id) => read.view.item(id).is_some(),
            })
            .collect();
        let mut writable = BTreeSet::new();
        if !visible.plan.archived {
            if visible.access.may_manage() {
                writable.insert(NarrativeSubject::Summary);
            }
            for stored in &indicators {
                if may_comment_on_indicator(actor, &visible, stored) {
                    writable.insert(NarrativeSubject::Indicator(stored.indicator.id));
                }
            }
            for item in read.view.items.iter().filter(|item| item.depth == 0) {
                if read.may_update(actor, item) {
                    writable.insert(NarrativeSubject::Objective(item.id));
                }
            }
        }
        Ok(NarrativeRead {
            plan: visible,
            period,
            versions,
            writable,
        })
    }

    /// Saves a new version of the summary or a commentary for a plan's period. An empty text
    /// clears it (the report prints the generated text again); the history keeps every version.
    pub async fn save_narrative(
        &self,
        actor: &Actor,
        plan: PlanId,
        period: &str,
        subject: NarrativeSubject,
        body: &str,
    ) -> Result<NarrativeVersion> {
        let visible = self.plan(actor, plan).await?;
        let period = parse_report_period(period)?;
        let label = self.check_may_write(actor, &visible, subject).await?;
        if body.trim().chars().count() > waymark_store::MAX_NARRATIVE {
            return Err(AppError::invalid(
                "text",
                format!(
                    "The text must be {} characters or fewer",
                    waymark_store::MAX_NARRATIVE
                ),
            ));
        }
        let (kind, id) = subject.key();
        let mut audit = actor.audit(if body.trim().is_empty() {
            "narrative.clear"
        } else {
            "narrative.save"
        });
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        if let NarrativeSubject::Objective(item) = subject {
            audit.item = Some(item);
        }
        audit.subject = Some(format!("{label}, {period}"));
        audit.detail =
            Some(serde_json::json!({"period": period.to_string(), "kind": kind, "id": id}));
        Ok(self
            .store()
            .save_narrative(
                visible.scope(),
                &NewNarrative {
                    plan: visible.plan.id,
                    period: period.to_string(),
                    subject,
                    // Browsers send line breaks as CRLF; paragraphs are split on blank lines.
                    body: body.replace("\r\n", "\n"),
                    entered_by: Some(actor.name()),
                },
                &audit,
            )
            .await?)
    }

    /// Whether the actor may write about `subject` in the plan; the subject in words if so.
    /// A subject the actor may not see is not found.
    async fn check_may_write(
        &self,
        actor: &Actor,
        visible: &VisiblePlan,
        subject: NarrativeSubject,
    ) -> Result<String> {
        if visible.plan.archived {
            return Err(AppError::state(
                "form",
                "This plan is archived: restore it before writing for its reports",
            ));
        }
        match subject {
            NarrativeSubject::Summary => {
                if !visible.access.may_manage() {
                    return Err(AppError::Forbidden);
                }
                Ok("Executive summary".to_string())
            }
            NarrativeSubject::Indicator(id) => {
                let indicators = self.visible_indicators(visible).await?;
                let stored = indicators
                    .iter()
                    .find(|s| s.indicator.id == id)
                    .ok_or(AppError::NotFound)?;
                if !may_comment_on_indicator(actor, visible, stored) {
                    return Err(AppError::Forbidden);
                }
                Ok(format!("Commentary on {}", stored.indicator.title))
            }
            NarrativeSubject::Objective(id) => {
                let read = self.read_view(visible, self.today(), None).await?;
                let item = read.view.item(id).ok_or(AppError::NotFound)?;
                if !read.may_update(actor, item) {
                    return Err(AppError::Forbidden);
                }
                Ok(format!("Commentary on {}", item.fields.text))
            }
        }
    }
}

/// Plan managers comment on any indicator, contributors on those their posts own (as they
/// record its figures).
fn may_comment_on_indicator(
    actor: &Actor,
    visible: &VisiblePlan,
    stored: &StoredIndicator,
) -> bool {
    visible.access.may_manage()
        || (visible.access.level >= AccessLevel::Contribute
            && stored.owner_post.as_ref().is_some_and(|post| {
                actor
                    .posts
                    .iter()
                    .any(|held| held.eq_ignore_ascii_case(post))
            }))
}
