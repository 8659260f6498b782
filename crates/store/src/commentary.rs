//! Commentary asked for: a plan manager's request to the owners of indicators and objectives for
//! their commentary on a report period, by a date. Append-only: asking again adds rows, and the
//! newest for a subject and period is in force. The commentary written (`report_narratives`)
//! answers it, so nothing here records an answer.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::PlanId;

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::error::{Result, StoreError};
use crate::narrative::NarrativeSubject;
use crate::rows::{date_text, instant_text, parse_day, parse_instant, parse_strings, strings_json};
use crate::{Scope, Store};

/// One subject asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommentaryRequest {
    pub subject: NarrativeSubject,
    /// The owner posts asked.
    pub owners: Vec<String>,
}

/// An ask as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentaryRequest {
    pub id: i64,
    pub plan: PlanId,
    /// "Q3 2026-27".
    pub period: String,
    pub subject: NarrativeSubject,
    pub owners: Vec<String>,
    pub due: NaiveDate,
    pub note: Option<String>,
    pub asked_at: DateTime<Utc>,
    pub asked_by: Option<String>,
}

const COLUMNS: &str =
    "id, plan_id, period, subject_kind, subject_id, owners, due, note, asked_at, asked_by";

impl Store {
    /// Stores an ask for each of `requests`, with its audit record, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn ask_for_commentary(
        &self,
        scope: Scope,
        plan: PlanId,
        period: &str,
        due: NaiveDate,
        note: Option<&str>,
        asked_by: Option<&str>,
        requests: &[NewCommentaryRequest],
        audit: &NewAuditEvent,
    ) -> Result<Vec<CommentaryRequest>> {
        let plan = self.plan(scope, plan).await?;
        let asked_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        let mut stored = Vec::with_capacity(requests.len());
        for request in requests {
            let (kind, subject_id) = request.subject.key();
            if kind == "summary" {
                return Err(StoreError::Invalid(
                    "commentary is asked for an indicator or an objective".into(),
                ));
            }
            let row = sqlx::query(
                "INSERT INTO commentary_requests (org_id, plan_id, period, subject_kind, \
                 subject_id, owners, due, note, asked_at, asked_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(plan.org.0)
            .bind(plan.id.0)
            .bind(period.to_string())
            .bind(kind)
            .bind(subject_id)
            .bind(strings_json(&request.owners))
            .bind(date_text(due))
            .bind(note.map(str::to_string))
            .bind(instant_text(asked_at))
            .bind(asked_by.map(str::to_string))
            .fetch_one(&mut *tx)
            .await?;
            stored.push(CommentaryRequest {
                id: row.try_get("id")?,
                plan: plan.id,
                period: period.to_string(),
                subject: request.subject,
                owners: request.owners.clone(),
                due,
                note: note.map(str::to_string),
                asked_at,
                asked_by: asked_by.map(str::to_string),
            });
        }
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Every ask made of a plan's owners, oldest first; one period's where `period` is given.
    pub async fn commentary_requests(
        &self,
        scope: Scope,
        plan: PlanId,
        period: Option<&str>,
    ) -> Result<Vec<CommentaryRequest>> {
        let plan = self.plan(scope, plan).await?;
        let rows =
            match period {
                Some(period) => sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM commentary_requests WHERE plan_id = $1 AND period = $2 \
                     ORDER BY id"
                )))
                .bind(plan.id.0)
                .bind(period.to_string())
                .fetch_all(self.pool())
                .await?,
                None => {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {COLUMNS} FROM commentary_requests WHERE plan_id = $1 ORDER BY id"
                    )))
                    .bind(plan.id.0)
                    .fetch_all(self.pool())
                    .await?
                }
            };
        rows.iter().map(request_from_row).collect()
    }
}

fn request_from_row(row: &AnyRow) -> Result<CommentaryRequest> {
    let kind: String = row.try_get("subject_kind")?;
    let subject_id: i64 = row.try_get("subject_id")?;
    Ok(CommentaryRequest {
        id: row.try_get("id")?,
        plan: PlanId(row.try_get("plan_id")?),
        period: row.try_get("period")?,
        subject: NarrativeSubject::from_key(&kind, subject_id)
            .ok_or_else(|| StoreError::Corrupt(format!("commentary subject {kind:?}")))?,
        owners: parse_strings(&row.try_get::<String, _>("owners")?)?,
        due: parse_day(&row.try_get::<String, _>("due")?)?,
        note: row.try_get("note")?,
        asked_at: parse_instant(&row.try_get::<String, _>("asked_at")?)?,
        asked_by: row.try_get("asked_by")?,
    })
}
