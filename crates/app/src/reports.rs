//! Board reports: built from what the actor may see (the report crate reads through
//! [`ActorSource`], never the store), rendered off the async threads, and published by plan
//! managers, frozen as known at that moment. A second publication for a period is the next
//! version of it; a report is withdrawn with a reason, never deleted. Downloads of
//! OFFICIAL-SENSITIVE material are audited.

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::indicator::Period;
use waymark_core::{ItemId, Marking, OrgId, PlanId, RagChange};
use waymark_report::{
    Format, Layout, Report, ReportError, ReportRequest, ReportSettings, ReportSource,
};
use waymark_store::{
    ClosureRequest, Evidence, MeasurementsByIndicator, NarrativeVersion, NewPublishedReport,
    PlanView, PublishedFile, PublishedReport, PublishedReportId, Scope, StoredIndicator,
};

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::collaboration_reports::{COLLABORATION_LAYOUT, may_read_collaboration};
use crate::error::{AppError, Result};
use crate::text::parse_day;

/// What report to make: one plan, a layout, and a reporting period or a day (today when
/// neither is given).
#[derive(Debug, Clone)]
pub struct ReportAsk {
    pub plan: PlanId,
    pub layout: Layout,
    /// A reporting period such as "Q2 2026-27"; takes precedence over `as_at`.
    pub period: Option<String>,
    pub as_at: Option<String>,
    /// Settings that replace the organisation's for this report (`waymark report --settings`);
    /// the organisation's glossary still applies under their terms.
    pub settings: Option<ReportSettings>,
    /// Count changes since this day instead of since the last published report.
    pub since: Option<NaiveDate>,
    /// Build the body from OFFICIAL items only and put the OFFICIAL-SENSITIVE ones in an
    /// appendix marked apart, so the body can go to a wider audience.
    pub sensitive_appendix: bool,
}

impl ReportAsk {
    /// A report of `plan` in `layout` as it stands today, with the organisation's settings.
    pub fn new(plan: PlanId, layout: Layout) -> ReportAsk {
        ReportAsk {
            plan,
            layout,
            period: None,
            as_at: None,
            settings: None,
            since: None,
            sensitive_appendix: false,
        }
    }
}

/// The report's reads, narrowed to what one actor may see of one plan.
pub struct ActorSource<'a> {
    app: &'a App,
    visible: VisiblePlan,
}

impl ReportSource for ActorSource<'_> {
    async fn plan_as_at(
        &self,
        plan: PlanId,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<PlanView, ReportError> {
        if plan != self.visible.plan.id {
            return Err(ReportError::Invalid("a report covers its own plan".into()));
        }
        let read = self
            .app
            .read_view(&self.visible, as_at, known_at)
            .await
            .map_err(report_error)?;
        Ok((*read.view).clone())
    }

    async fn rag_changes(
        &self,
        item: ItemId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<RagChange>, ReportError> {
        let history = self
            .app
            .store()
            .item_history(self.visible.scope(), item)
            .await?;
        Ok(waymark_report::rag_changes_known(
            history.versions,
            known_at,
        ))
    }

    async fn indicators(
        &self,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<(Vec<StoredIndicator>, MeasurementsByIndicator), ReportError> {
        if plan != self.visible.plan.id {
            return Err(ReportError::Invalid("a report covers its own plan".into()));
        }
        let indicators = self
            .app
            .visible_indicators(&self.visible)
            .await
            .map_err(report_error)?;
        let measurements = self
            .app
            .store()
            .plan_measurements(self.visible.scope(), plan, known_at)
            .await?;
        Ok((indicators, measurements))
    }

    async fn narratives(
        &self,
        plan: PlanId,
        period: Period,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<NarrativeVersion>, ReportError> {
        if plan != self.visible.plan.id {
            return Err(ReportError::Invalid("a report covers its own plan".into()));
        }
        // The report attaches commentary only to the indicators and objectives it shows, so
        // what the reader may not see is never printed.
        Ok(self
            .app
            .store()
            .narratives(self.visible.scope(), plan, &period.to_string(), known_at)
            .await?)
    }

    async fn closure_records(
        &self,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<(Vec<Evidence>, Vec<ClosureRequest>), ReportError> {
        if plan != self.visible.plan.id {
            return Err(ReportError::Invalid("a report covers its own plan".into()));
        }
        // Evidence above the reader's ceiling (or the body's, for a report with a sensitive
        // appendix) is never printed; the report attaches the rest only to the items it shows.
        let ceiling = self.visible.access.ceiling;
        let evidence = self
            .app
            .store()
            .plan_evidence(self.visible.scope(), plan, known_at)
            .await?
            .into_iter()
            .filter(|e| e.withdrawn.is_none() && e.marking.marking <= ceiling)
            .collect();
        let closures = self
            .app
            .store()
            .plan_closure_requests(self.visible.scope(), plan, known_at)
            .await?;
        Ok((evidence, closures))
    }

    async fn organisation_name(&self, org: OrgId) -> Result<String, ReportError> {
        Ok(self.app.store().organisation(org).await?.name)
    }
}

fn report_error(error: AppError) -> ReportError {
    match error {
        AppError::Store(store) => ReportError::Store(store),
        other => ReportError::Invalid(other.to_string()),
    }
}

impl App {
    /// The request a report ask stands for: its period or day read, the day of the last
    /// published report before it as "since".
    async fn report_request(
        &self,
        visible: &VisiblePlan,
        ask: &ReportAsk,
    ) -> Result<ReportRequest> {
        let today = self.today();
        let period = ask
            .period
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let day = ask
            .as_at
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        // A day that cannot be read is refused even beside a period, which takes precedence.
        if let (Some(_), Some(day)) = (period, day)
            && parse_day(day).is_none()
        {
            return Err(AppError::invalid(
                "as_at",
                format!("\"{day}\" is not a date: enter a real date"),
            ));
        }
        let mut request = match (period, day) {
            (Some(period), _) => ReportRequest::for_period(
                visible.plan.id,
                Period::parse(period).map_err(|_| {
                    AppError::invalid(
                        "period",
                        format!("\"{period}\" is not a reporting period, for example Q2 2026-27"),
                    )
                })?,
                today,
            ),
            (None, Some(day)) => ReportRequest::as_at(
                visible.plan.id,
                parse_day(day).ok_or_else(|| {
                    AppError::invalid(
                        "as_at",
                        format!("\"{day}\" is not a date: enter a real date"),
                    )
                })?,
                today,
            ),
            (None, None) => ReportRequest::as_at(visible.plan.id, today, today),
        };
        request.since = match ask.since {
            Some(day) => Some(day),
            // The last published report before this one is "the last report".
            None => self
                .store()
                .published_reports(visible.scope(), visible.plan.id)
                .await?
                .into_iter()
                .filter(|published| {
                    published.withdrawn.is_none() && published.layout != COLLABORATION_LAYOUT
                })
                .map(|published| published.as_at)
                .find(|day| *day < request.as_at),
        };
        Ok(request)
    }

    /// The report settings a plan's reports are made with (its organisation's), for a caller
    /// that adjusts them for one report.
    pub async fn report_settings_of_plan(
        &self,
        actor: &Actor,
        plan: PlanId,
    ) -> Result<ReportSettings> {
        let visible = self.plan(actor, plan).await?;
        self.report_settings_for(visible.plan.org).await
    }

    /// Builds a report of a plan as the actor may see it, as known now or at `known_at`.
    pub async fn build_report(
        &self,
        actor: &Actor,
        ask: &ReportAsk,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Report> {
        let visible = self.plan(actor, ask.plan).await?;
        let mut request = self.report_request(&visible, ask).await?;
        request.known_at = known_at;
        let mut settings = match &ask.settings {
            Some(settings) => {
                let mut settings = settings.clone();
                let org = visible.plan.org;
                settings.add_glossary(&self.store().glossary_terms(Scope::Org(org), org).await?);
                settings
            }
            None => self.report_settings_for(visible.plan.org).await?,
        };
        if settings.author.is_none() {
            settings.author = Some(actor.name());
        }
        if !ask.sensitive_appendix {
            let source = ActorSource { app: self, visible };
            return Ok(waymark_report::build_from_source(&source, request, &settings).await?);
        }
        // The body from what is marked OFFICIAL, the appendix from the rest the reader may see.
        if visible.plan.marking.marking > Marking::Official {
            return Err(AppError::invalid(
                "sensitive_appendix",
                "The plan itself is marked OFFICIAL-SENSITIVE, so every page of its report is: \
                 there is no OFFICIAL body to keep apart",
            ));
        }
        let mut body_access = visible.access.clone();
        body_access.ceiling = body_access.ceiling.min(Marking::Official);
        let body_source = ActorSource {
            app: self,
            visible: VisiblePlan {
                plan: visible.plan.clone(),
                access: body_access,
            },
        };
        let body =
            waymark_report::build_from_source(&body_source, request.clone(), &settings).await?;
        let full_source = ActorSource { app: self, visible };
        let full = waymark_report::build_from_source(&full_source, request, &settings).await?;
        Ok(waymark_report::with_sensitive_appendix(body, &full))
    }

    /// Renders a report, off the async threads: typesetting is CPU work.
    pub async fn render_report(
        &self,
        report: Report,
        layout: Layout,
        format: Format,
    ) -> Result<Vec<u8>> {
        Ok(
            tokio::task::spawn_blocking(move || waymark_report::render(&report, layout, format))
                .await??,
        )
    }

    /// Builds and renders a report in one call, for downloads and `waymark report`; an
    /// OFFICIAL-SENSITIVE report's download is audited.
    pub async fn report_file(
        &self,
        actor: &Actor,
        ask: &ReportAsk,
        format: Format,
    ) -> Result<(Report, Vec<u8>)> {
        let report = self.build_report(actor, ask, None).await?;
        let bytes = self
            .render_report(report.clone(), ask.layout, format)
            .await?;
        let marking = report
            .appendix
            .as_ref()
            .map(|a| a.marking.clone())
            .or_else(|| report.cover.marking.clone());
        if is_sensitive(marking.as_deref()) {
            let mut audit = actor.audit("report.download");
            audit.plan = Some(ask.plan);
            audit.subject = Some(report.cover.period_label.clone());
            audit.detail = Some(serde_json::json!({
                "layout": ask.layout.as_str(), "format": format.extension(),
                "marking": report.cover.marking,
            }));
            self.store().record_audit(&audit).await?;
        }
        Ok((report, bytes))
    }

    /// Publishes a report: built as known at this moment, rendered in every format, and
    /// stored frozen. Plan managers only; a second publication for the same period and layout
    /// is the next version of it.
    pub async fn publish_report(&self, actor: &Actor, ask: &ReportAsk) -> Result<PublishedReport> {
        let visible = self.managed_plan(actor, ask.plan).await?;
        let known_at = Utc::now();
        let report = self.build_report(actor, ask, Some(known_at)).await?;
        let as_at = NaiveDate::parse_from_str(&report.cover.as_at_iso, "%Y-%m-%d")
            .map_err(|e| AppError::Internal(format!("report date: {e}")))?;
        let mut files = Vec::new();
        for format in Format::ALL {
            files.push(PublishedFile {
                format: format.extension().to_string(),
                content_type: format.content_type().to_string(),
                content: self
                    .render_report(report.clone(), ask.layout, format)
                    .await?,
            });
        }
        let marking = report
            .appendix
            .as_ref()
            .map(|a| a.marking.clone())
            .or_else(|| report.cover.marking.clone())
            .unwrap_or_else(|| Marking::Official.label().to_string());
        let mut audit = actor.audit("report.publish");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        audit.subject = Some(format!(
            "{} ({})",
            report.cover.period_label,
            ask.layout.label()
        ));
        Ok(self
            .store()
            .publish_report_audited(
                &NewPublishedReport {
                    org: visible.plan.org,
                    plan: visible.plan.id,
                    period_label: report.cover.period_label.clone(),
                    as_at,
                    layout: ask.layout.as_str().to_string(),
                    known_at,
                    published_by: Some(actor.name()),
                    model_json: serde_json::to_string(&report)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    files,
                    marking,
                },
                Some(&audit),
            )
            .await?)
    }

    /// Withdraws a published report with a reason; it stays listed as withdrawn.
    pub async fn withdraw_report(
        &self,
        actor: &Actor,
        id: PublishedReportId,
        reason: &str,
    ) -> Result<PlanId> {
        let (published, _) = self.store().published_report(Scope::All, id).await?;
        let visible = self.managed_plan(actor, published.plan).await?;
        let reason = crate::text::required_line(reason, 500).map_err(|problem| {
            AppError::invalid("reason", problem.message("why the report is withdrawn"))
        })?;
        let mut audit = actor.audit("report.withdraw");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        audit.subject = Some(format!(
            "{} version {}",
            published.period_label, published.version
        ));
        audit.detail = Some(serde_json::json!({"report": id.0, "reason": reason}));
        self.store()
            .withdraw_report(id, &actor.name(), &reason, &audit)
            .await?;
        Ok(visible.plan.id)
    }

    /// A plan's published board reports the actor may read: all of them for the plan's own
    /// people, and for a partner only those within their ceiling, where the whole plan is
    /// shared. A programme's collaboration reports are listed apart
    /// ([`App::collaboration_reports`]).
    pub async fn published_reports(
        &self,
        actor: &Actor,
        plan: PlanId,
    ) -> Result<Vec<PublishedReport>> {
        let visible = self.plan(actor, plan).await?;
        let reports = self
            .store()
            .published_reports(visible.scope(), plan)
            .await?;
        Ok(reports
            .into_iter()
            .filter(|report| {
                report.layout != COLLABORATION_LAYOUT && may_read_published(&visible, report)
            })
            .collect())
    }

    /// One published report's file, if the actor may read it. A download of an
    /// OFFICIAL-SENSITIVE report is audited.
    pub async fn published_file(
        &self,
        actor: &Actor,
        id: PublishedReportId,
        format: &str,
    ) -> Result<(PublishedReport, String, Vec<u8>)> {
        let (published, _) = self.store().published_report(Scope::All, id).await?;
        let visible = self.plan(actor, published.plan).await?;
        if !may_read_published(&visible, &published)
            && !may_read_collaboration(&visible, &published)
        {
            return Err(AppError::NotFound);
        }
        let (content_type, bytes) = self
            .store()
            .published_report_file(visible.scope(), id, format)
            .await?
            .ok_or(AppError::NotFound)?;
        if is_sensitive(Some(&published.marking)) {
            let mut audit = actor.audit("report.download");
            audit.org = Some(visible.plan.org);
            audit.plan = Some(visible.plan.id);
            audit.subject = Some(format!(
                "published report {} ({}), version {}",
                id.0, published.period_label, published.version
            ));
            audit.detail =
                Some(serde_json::json!({"format": format, "marking": published.marking}));
            self.store().record_audit(&audit).await?;
        }
        Ok((published, content_type, bytes))
    }
}

/// A published report holds what its publisher saw: a partner reads it only when the whole
/// plan is shared with them and the report's marking is within their ceiling.
fn may_read_published(visible: &VisiblePlan, report: &PublishedReport) -> bool {
    let marking = waymark_core::Classification::parse(&report.marking)
        .map(|c| c.marking)
        .unwrap_or(Marking::OfficialSensitive);
    marking <= visible.access.ceiling && (visible.is_own() || visible.access.items.is_none())
}

fn is_sensitive(marking: Option<&str>) -> bool {
    marking
        .and_then(waymark_core::Classification::parse)
        .is_some_and(|c| c.marking >= Marking::OfficialSensitive)
}
