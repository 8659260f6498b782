//! The annual collaboration report kept as a published paper, as board reports are: a
//! programme's manager (a plan manager of the lead organisation) publishes the report for a
//! year, and its document (every figure already in words) and its files in every format are
//! stored frozen, so a funding line changed afterwards changes the next draft, never the paper.
//! A second publication for the same year is the next version of it and keeps the first.
//!
//! A published paper is read by every participant's people, so it is built as the
//! participants see the programme: a project the lead keeps to itself, or an item marked above
//! the plan's marking, is left out of it (and out of its totals) just as it is left out of
//! their pages. It is stored beside the board reports (layout `collaboration`, the year as its
//! period), so the same download, listing and withdrawal paths serve it.

use std::collections::HashMap;

use waymark_core::date::format_long;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::year_label;
use waymark_core::{Marking, OrgId, Organisation, PlanId};
use waymark_report::Format;
use waymark_report::document::{Document, render_document};
use waymark_store::{NewPublishedReport, PublishedFile, PublishedReport, PublishedReportId};

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use crate::programme::{shared_items, summarise};
use crate::programme_report::collaboration_document;

/// The layout a published collaboration report is stored under, apart from the board
/// reports' quarterly, tracker and progress layouts.
pub const COLLABORATION_LAYOUT: &str = "collaboration";

impl App {
    /// Publishes the annual collaboration report of a programme for `year`: built now as the
    /// participants see the programme, rendered in every format and stored frozen with its
    /// document, in one transaction with its audit record. The programme's managers only (a
    /// plan manager of the lead organisation); a participant is forbidden, anyone else does
    /// not find it.
    pub async fn publish_collaboration_report(
        &self,
        actor: &Actor,
        plan: PlanId,
        year: FinancialYear,
    ) -> Result<PublishedReport> {
        let visible = self.managed_plan(actor, plan).await?;
        if !visible.is_own() {
            return Err(AppError::Forbidden);
        }
        let known_at = chrono::Utc::now();
        let today = self.today();
        let summary = self.participants_summary(&visible, year).await?;
        let mut document = collaboration_document(&summary, today);
        document.as_at = format!("Published {}", format_long(today));
        let mut files = Vec::new();
        for format in Format::ALL {
            let document = document.clone();
            files.push(PublishedFile {
                format: format.extension().to_string(),
                content_type: format.content_type().to_string(),
                content: tokio::task::spawn_blocking(move || render_document(&document, format))
                    .await??,
            });
        }
        let label = year_label(year);
        let mut audit = actor.audit("report.publish");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        audit.subject = Some(format!("Annual collaboration report {label}"));
        Ok(self
            .store()
            .publish_report_audited(
                &NewPublishedReport {
                    org: visible.plan.org,
                    plan: visible.plan.id,
                    period_label: label,
                    as_at: today,
                    layout: COLLABORATION_LAYOUT.to_string(),
                    known_at,
                    published_by: Some(actor.name()),
                    model_json: serde_json::to_string(&document)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    files,
                    marking: visible.plan.marking.label(),
                },
                Some(&audit),
            )
            .await?)
    }

    /// A programme's published collaboration reports the actor may read, newest first,
    /// withdrawn ones included: every participant's people read them; anyone else does not
    /// find the programme.
    pub async fn collaboration_reports(
        &self,
        actor: &Actor,
        plan: PlanId,
    ) -> Result<Vec<PublishedReport>> {
        let visible = self.plan(actor, plan).await?;
        let mut reports: Vec<PublishedReport> = self
            .store()
            .published_reports(visible.scope(), plan)
            .await?
            .into_iter()
            .filter(|report| may_read_collaboration(&visible, report))
            .collect();
        // Newest year first, then newest version: the store orders by the day published.
        reports.sort_by(|a, b| {
            b.period_label
                .cmp(&a.period_label)
                .then(b.version.cmp(&a.version))
        });
        Ok(reports)
    }

    /// One published collaboration report with the document it was published with: its
    /// figures as they stood then, whatever has changed since.
    pub async fn published_collaboration_document(
        &self,
        actor: &Actor,
        id: PublishedReportId,
    ) -> Result<(PublishedReport, Document)> {
        let (published, model) = self
            .store()
            .published_report(waymark_store::Scope::All, id)
            .await?;
        let visible = self.plan(actor, published.plan).await?;
        if !may_read_collaboration(&visible, &published) {
            return Err(AppError::NotFound);
        }
        let document: Document = serde_json::from_str(&model)
            .map_err(|e| AppError::Internal(format!("published document: {e}")))?;
        Ok((published, document))
    }

    /// The programme's summary for `year` as its participants see it, read by one of its
    /// managers: the lead's view narrowed as the participants' shares narrow it.
    async fn participants_summary(
        &self,
        visible: &VisiblePlan,
        year: FinancialYear,
    ) -> Result<crate::programme::ProgrammeSummary> {
        let today = self.today();
        let record = self
            .store()
            .programme(visible.scope(), visible.plan.id)
            .await?;
        let read = self.read_view(visible, today, None).await?;
        let mut access = visible.access.clone();
        access.ceiling = access
            .ceiling
            .min(visible.plan.marking.marking.max(Marking::Official));
        access.items = shared_items(&read, &record).map(|items| items.into_iter().collect());
        let participants_view = VisiblePlan {
            plan: visible.plan.clone(),
            access,
        };
        let read = self.read_view(&participants_view, today, None).await?;
        let organisations: HashMap<OrgId, Organisation> = self
            .store()
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        Ok(summarise(
            participants_view,
            &read,
            &record,
            &organisations,
            year,
        ))
    }
}

/// Whether a published report is a collaboration report the actor may read: it was built as
/// every participant sees the programme, so anyone who sees the programme reads it, within
/// their ceiling.
pub(crate) fn may_read_collaboration(visible: &VisiblePlan, report: &PublishedReport) -> bool {
    report.layout == COLLABORATION_LAYOUT
        && waymark_core::Classification::parse(&report.marking)
            .map(|c| c.marking)
            .unwrap_or(Marking::OfficialSensitive)
            <= visible.access.ceiling
}
