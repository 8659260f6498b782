//! What people write for a report period: a plan's executive summary, and the commentary on
//! each indicator and each objective. Append-only: every save is a version with who and when,
//! the newest in force; a version with no text clears it. Reads take the second clock, so a
//! published report shows only what had been written when it was published.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::indicator::IndicatorId;
use waymark_core::{ItemId, PlanId};

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::error::{Result, StoreError};
use crate::rows::{instant_text, parse_instant};
use crate::{Scope, Store};

/// The longest text accepted, in characters: a few pages of a board paper.
pub const MAX_NARRATIVE: usize = 20_000;

/// What a piece of writing is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NarrativeSubject {
    /// The report's executive summary.
    Summary,
    Indicator(IndicatorId),
    /// An objective (or any item) of the plan.
    Objective(ItemId),
}

impl NarrativeSubject {
    /// The stored kind and id: ("summary", 0), ("indicator", 7), ("objective", 12).
    pub fn key(self) -> (&'static str, i64) {
        match self {
            NarrativeSubject::Summary => ("summary", 0),
            NarrativeSubject::Indicator(id) => ("indicator", id.0),
            NarrativeSubject::Objective(id) => ("objective", id.0),
        }
    }

    /// The subject a stored kind and id name, if the kind is one.
    pub fn from_key(kind: &str, id: i64) -> Option<NarrativeSubject> {
        match kind {
            "summary" => Some(NarrativeSubject::Summary),
            "indicator" => Some(NarrativeSubject::Indicator(IndicatorId(id))),
            "objective" => Some(NarrativeSubject::Objective(ItemId(id))),
            _ => None,
        }
    }
}

/// One saved version of a piece of writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarrativeVersion {
    pub id: i64,
    pub plan: PlanId,
    /// "Q2 2008-09".
    pub period: String,
    pub subject: NarrativeSubject,
    /// `None` where this version cleared the text.
    pub body: Option<String>,
    pub entered_at: DateTime<Utc>,
    pub entered_by: Option<String>,
}

/// A version to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNarrative {
    pub plan: PlanId,
    pub period: String,
    pub subject: NarrativeSubject,
    /// Trimmed before it is stored; empty clears the text.
    pub body: String,
    pub entered_by: Option<String>,
}

const COLUMNS: &str = "id, plan_id, period, subject_kind, subject_id, body, entered_at, entered_by";

impl Store {
    /// Saves a version of a piece of writing with its audit record, in one transaction.
    pub async fn save_narrative(
        &self,
        scope: Scope,
        new: &NewNarrative,
        audit: &NewAuditEvent,
    ) -> Result<NarrativeVersion> {
        let plan = self.plan(scope, new.plan).await?;
        let body = new.body.trim();
        if body.chars().count() > MAX_NARRATIVE {
            return Err(StoreError::Invalid(format!(
                "the text must be {MAX_NARRATIVE} characters or fewer"
            )));
        }
        let body = (!body.is_empty()).then(|| body.to_string());
        let (kind, subject_id) = new.subject.key();
        let entered_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO report_narratives (org_id, plan_id, period, subject_kind, subject_id, \
             body, entered_at, entered_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(new.period.clone())
        .bind(kind)
        .bind(subject_id)
        .bind(body.clone())
        .bind(instant_text(entered_at))
        .bind(new.entered_by.clone())
        .fetch_one(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(NarrativeVersion {
            id: row.try_get("id")?,
            plan: plan.id,
            period: new.period.clone(),
            subject: new.subject,
            body,
            entered_at,
            entered_by: new.entered_by.clone(),
        })
    }

    /// Every version written for a plan's period, as known at `known_at` (everything when
    /// `None`), oldest first: the last of each subject is in force, the rest its history.
    pub async fn narratives(
        &self,
        scope: Scope,
        plan: PlanId,
        period: &str,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<NarrativeVersion>> {
        let plan = self.plan(scope, plan).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM report_narratives WHERE plan_id = $1 AND period = $2 \
             AND entered_at <= $3 ORDER BY id"
        )))
        .bind(plan.id.0)
        .bind(period.to_string())
        // Instants are fixed-width text, so the latest possible one compares above them all.
        .bind(
            known_at
                .map(instant_text)
                .unwrap_or_else(|| "9999-12-31T23:59:59.999999Z".to_string()),
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }
}

fn version_from_row(row: &AnyRow) -> Result<NarrativeVersion> {
    let kind: String = row.try_get("subject_kind")?;
    let subject_id: i64 = row.try_get("subject_id")?;
    Ok(NarrativeVersion {
        id: row.try_get("id")?,
        plan: PlanId(row.try_get("plan_id")?),
        period: row.try_get("period")?,
        subject: NarrativeSubject::from_key(&kind, subject_id)
            .ok_or_else(|| StoreError::Corrupt(format!("narrative subject {kind:?}")))?,
        body: row.try_get("body")?,
        entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
        entered_by: row.try_get("entered_by")?,
    })
}
