//! Published reports: a report's model (as JSON) frozen with the second-clock instant it was
//! built with, and its rendered files, stored once and listed by plan and period. The report
//! crate builds and renders; the store only keeps what it is given, so it knows no file format.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::{OrgId, PlanId};

use crate::error::{Result, StoreError};
use crate::rows::{date_text, instant_text, parse_day, parse_instant};
use crate::{Scope, Store};

/// A published report's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublishedReportId(pub i64);

/// A report to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublishedReport {
    pub org: OrgId,
    pub plan: PlanId,
    /// "Q2 2008-09", or "As at 8 January 2015".
    pub period_label: String,
    /// The day the report speaks for.
    pub as_at: NaiveDate,
    /// "quarterly", "tracker" or "progress".
    pub layout: String,
    /// The instant the report was built as known at: it shows nothing entered after it.
    pub known_at: DateTime<Utc>,
    pub published_by: Option<String>,
    /// The report model, as JSON.
    pub model_json: String,
    /// The rendered files, one per format.
    pub files: Vec<PublishedFile>,
    /// The highest marking of what the report contains, as its pages carry it.
    pub marking: String,
}

/// One rendered file of a published report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFile {
    /// "pdf", "html", "docx", "xlsx".
    pub format: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A published report as listed: everything but its model and file contents.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedReport {
    pub id: PublishedReportId,
    pub org: OrgId,
    pub plan: PlanId,
    pub period_label: String,
    pub as_at: NaiveDate,
    pub layout: String,
    pub known_at: DateTime<Utc>,
    pub published_by: Option<String>,
    pub published_at: DateTime<Utc>,
    /// The formats stored, alphabetical.
    pub formats: Vec<String>,
    /// 1 for the first publication of a plan's report for a period in a layout; a second is
    /// version 2 of it, and supersedes the first.
    pub version: i64,
    pub marking: String,
    pub withdrawn: Option<Withdrawal>,
}

/// Why and when a published report was withdrawn. It stays listed, marked withdrawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub reason: String,
}

const REPORT_COLUMNS: &str = "id, org_id, plan_id, period_label, as_at, layout, known_at, \
    published_by, created_at, version, marking, withdrawn_at, withdrawn_by, withdraw_reason";

impl Store {
    /// Stores a published report and its files in one transaction. A report for a period and
    /// layout already published becomes the next version of it.
    pub async fn publish_report(&self, new: &NewPublishedReport) -> Result<PublishedReport> {
        self.publish_report_audited(new, None).await
    }

    /// [`Store::publish_report`] with its audit record in the same transaction.
    pub async fn publish_report_audited(
        &self,
        new: &NewPublishedReport,
        audit: Option<&crate::audit::NewAuditEvent>,
    ) -> Result<PublishedReport> {
        let plan = self.plan(Scope::Org(new.org), new.plan).await?;
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let version: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM published_reports WHERE plan_id = $1 \
             AND period_label = $2 AND layout = $3",
        )
        .bind(plan.id.0)
        .bind(new.period_label.clone())
        .bind(new.layout.clone())
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?
            + 1;
        let row = sqlx::query(
            "INSERT INTO published_reports (org_id, plan_id, period_label, as_at, layout, \
             known_at, published_by, model_json, created_at, version, marking) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(new.period_label.clone())
        .bind(date_text(new.as_at))
        .bind(new.layout.clone())
        .bind(instant_text(new.known_at))
        .bind(new.published_by.clone())
        .bind(new.model_json.clone())
        .bind(instant_text(now))
        .bind(version)
        .bind(new.marking.clone())
        .fetch_one(&mut *tx)
        .await?;
        let id = PublishedReportId(row.try_get("id")?);
        for file in &new.files {
            sqlx::query(
                "INSERT INTO published_report_files (report_id, org_id, format, content_type, \
                 content) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.0)
            .bind(plan.org.0)
            .bind(file.format.clone())
            .bind(file.content_type.clone())
            .bind(file.content.clone())
            .execute(&mut *tx)
            .await?;
        }
        if let Some(audit) = audit {
            let mut audit = audit.clone();
            audit.detail = Some(serde_json::json!({
                "report": id.0, "version": version, "period": new.period_label,
                "layout": new.layout, "marking": new.marking,
            }));
            crate::audit::record_audit_on(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        let mut formats: Vec<String> = new.files.iter().map(|f| f.format.clone()).collect();
        formats.sort();
        Ok(PublishedReport {
            id,
            org: plan.org,
            plan: plan.id,
            period_label: new.period_label.clone(),
            as_at: new.as_at,
            layout: new.layout.clone(),
            known_at: parse_instant(&instant_text(new.known_at))?,
            published_by: new.published_by.clone(),
            published_at: parse_instant(&instant_text(now))?,
            formats,
            version,
            marking: new.marking.clone(),
            withdrawn: None,
        })
    }

    /// Withdraws a published report with a reason; it stays listed, and its files stay
    /// readable to those who may see them, marked withdrawn.
    pub async fn withdraw_report(
        &self,
        id: PublishedReportId,
        by: &str,
        reason: &str,
        audit: &crate::audit::NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE published_reports SET withdrawn_at = $1, withdrawn_by = $2, \
             withdraw_reason = $3 WHERE id = $4 AND withdrawn_at IS NULL",
        )
        .bind(instant_text(Utc::now()))
        .bind(by.to_string())
        .bind(reason.to_string())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "published report",
                id: id.0,
            });
        }
        crate::audit::record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The published reports of a plan, newest report date first (then newest published).
    pub async fn published_reports(
        &self,
        scope: Scope,
        plan: PlanId,
    ) -> Result<Vec<PublishedReport>> {
        let plan = self.plan(scope, plan).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM published_reports WHERE plan_id = $1 AND org_id = $2 \
             ORDER BY as_at DESC, id DESC"
        )))
        .bind(plan.id.0)
        .bind(plan.org.0)
        .fetch_all(self.pool())
        .await?;
        let file_rows = sqlx::query(
            "SELECT f.report_id, f.format FROM published_report_files f \
             JOIN published_reports r ON r.id = f.report_id \
             WHERE r.plan_id = $1 AND r.org_id = $2 ORDER BY f.format",
        )
        .bind(plan.id.0)
        .bind(plan.org.0)
        .fetch_all(self.pool())
        .await?;
        let mut reports = rows
            .iter()
            .map(report_from_row)
            .collect::<Result<Vec<_>>>()?;
        for row in &file_rows {
            let id: i64 = row.try_get("report_id")?;
            let format: String = row.try_get("format")?;
            if let Some(report) = reports.iter_mut().find(|r| r.id.0 == id) {
                report.formats.push(format);
            }
        }
        Ok(reports)
    }

    /// One published report and its model JSON, if the scope may see it.
    pub async fn published_report(
        &self,
        scope: Scope,
        id: PublishedReportId,
    ) -> Result<(PublishedReport, String)> {
        let not_found = || StoreError::NotFound {
            what: "published report",
            id: id.0,
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS}, model_json FROM published_reports WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(not_found)?;
        let mut report = report_from_row(&row)?;
        if !scope.allows(report.org) {
            return Err(not_found());
        }
        let formats = sqlx::query(
            "SELECT format FROM published_report_files WHERE report_id = $1 ORDER BY format",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        for format in &formats {
            report.formats.push(format.try_get("format")?);
        }
        Ok((report, row.try_get("model_json")?))
    }

    /// A published report's file in one format: its content type and bytes.
    pub async fn published_report_file(
        &self,
        scope: Scope,
        id: PublishedReportId,
        format: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT org_id, content_type, content FROM published_report_files \
             WHERE report_id = $1 AND format = $2",
        )
        .bind(id.0)
        .bind(format.to_string())
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) if scope.allows(OrgId(row.try_get("org_id")?)) => Ok(Some((
                row.try_get("content_type")?,
                row.try_get("content")?,
            ))),
            _ => Ok(None),
        }
    }
}

fn report_from_row(row: &AnyRow) -> Result<PublishedReport> {
    Ok(PublishedReport {
        id: PublishedReportId(row.try_get("id")?),
        org: OrgId(row.try_get("org_id")?),
        plan: PlanId(row.try_get("plan_id")?),
        period_label: row.try_get("period_label")?,
        as_at: parse_day(&row.try_get::<String, _>("as_at")?)?,
        layout: row.try_get("layout")?,
        known_at: parse_instant(&row.try_get::<String, _>("known_at")?)?,
        published_by: row.try_get("published_by")?,
        published_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        formats: Vec::new(),
        version: row.try_get("version")?,
        marking: row.try_get("marking")?,
        withdrawn: match row.try_get::<Option<String>, _>("withdrawn_at")? {
            Some(at) => Some(Withdrawal {
                at: parse_instant(&at)?,
                by: row.try_get("withdrawn_by")?,
                reason: row
                    .try_get::<Option<String>, _>("withdraw_reason")?
                    .unwrap_or_default(),
            }),
            None => None,
        },
    })
}
