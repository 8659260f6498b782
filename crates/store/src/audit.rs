//! The audit trail: an append-only record of every change and every security event, with who,
//! when, from which address, what, and before and after. Rows are only ever inserted; plan
//! data's own history (versions, updates, measurements) stays the source of truth, and an
//! audit row points at it by plan and item rather than copying it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Any, Row, Transaction};
use waymark_core::{ItemId, OrgId, PlanId, UserId};

use crate::Store;
use crate::error::Result;
use crate::rows::{instant_text, parse_instant};

/// An event to record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewAuditEvent {
    /// The organisation whose data the event concerns; `None` for the system as a whole.
    pub org: Option<OrgId>,
    pub user: Option<UserId>,
    /// Who, in words: "Ada Admin (ada@force.example)" or "command line (root)".
    pub actor: String,
    pub address: Option<String>,
    /// What kind of event: "item.edit", "sign_in.failed", "share.create".
    pub action: String,
    pub plan: Option<PlanId>,
    pub item: Option<ItemId>,
    /// What, in words: an item's reference and text, a person's name.
    pub subject: Option<String>,
    /// Before and after, or counts, as JSON.
    pub detail: Option<serde_json::Value>,
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub org: Option<OrgId>,
    pub user: Option<UserId>,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub plan: Option<PlanId>,
    pub item: Option<ItemId>,
    pub subject: Option<String>,
    pub detail: Option<String>,
}

/// Which events to list. Every filter is optional; events come newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Only this organisation's events (administrators see their own organisation's).
    pub org: Option<OrgId>,
    pub user: Option<UserId>,
    pub plan: Option<PlanId>,
    pub item: Option<ItemId>,
    /// Events on this day (UTC).
    pub day: Option<NaiveDate>,
    /// Actions starting with this: "item." or "sign_in".
    pub action: Option<String>,
    pub offset: usize,
    /// At most this many; `None` for all (the CSV export).
    pub limit: Option<usize>,
}

impl Store {
    /// Records one event on its own.
    pub async fn record_audit(&self, event: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        record_audit_on(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The events matching `filter`, newest first, and how many match in all.
    pub async fn audit_events(&self, filter: &AuditFilter) -> Result<(usize, Vec<AuditEvent>)> {
        let mut conditions: Vec<String> = Vec::new();
        let mut ints: Vec<i64> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        // Integers bind first, then texts; placeholders are numbered in that order.
        let mut int_condition = |column: &str, value: Option<i64>| {
            if let Some(value) = value {
                ints.push(value);
                conditions.push(format!("{column} = ${}", ints.len()));
            }
        };
        int_condition("org_id", filter.org.map(|o| o.0));
        int_condition("user_id", filter.user.map(|u| u.0));
        int_condition("plan_id", filter.plan.map(|p| p.0));
        int_condition("item_id", filter.item.map(|i| i.0));
        let base = ints.len();
        if let Some(day) = filter.day {
            texts.push(format!("{}T00:00:00", day.format("%Y-%m-%d")));
            conditions.push(format!("at >= ${}", base + texts.len()));
            texts.push(format!(
                "{}T00:00:00",
                (day + chrono::Days::new(1)).format("%Y-%m-%d")
            ));
            conditions.push(format!("at < ${}", base + texts.len()));
        }
        if let Some(action) = filter.action.as_ref().filter(|a| !a.is_empty()) {
            texts.push(format!("{action}%"));
            conditions.push(format!("action LIKE ${}", base + texts.len()));
        }
        let clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let bind_all = |sql: String| {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for value in &ints {
                query = query.bind(*value);
            }
            for value in &texts {
                query = query.bind(value.clone());
            }
            query
        };
        let total: i64 = bind_all(format!("SELECT COUNT(*) AS n FROM audit_events {clause}"))
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let limit = filter
            .limit
            .map(|l| format!(" LIMIT {l} OFFSET {}", filter.offset))
            .unwrap_or_default();
        let rows = bind_all(format!(
            "SELECT id, at, org_id, user_id, actor, address, action, plan_id, item_id, subject, \
             detail FROM audit_events {clause} ORDER BY id DESC{limit}"
        ))
        .fetch_all(self.pool())
        .await?;
        let events = rows
            .iter()
            .map(|row| {
                Ok(AuditEvent {
                    id: row.try_get("id")?,
                    at: parse_instant(&row.try_get::<String, _>("at")?)?,
                    org: row.try_get::<Option<i64>, _>("org_id")?.map(OrgId),
                    user: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
                    actor: row.try_get("actor")?,
                    address: row.try_get("address")?,
                    action: row.try_get("action")?,
                    plan: row.try_get::<Option<i64>, _>("plan_id")?.map(PlanId),
                    item: row.try_get::<Option<i64>, _>("item_id")?.map(ItemId),
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((usize::try_from(total).unwrap_or_default(), events))
    }
}

/// Records an event inside the caller's transaction, so the change and its record are stored
/// together or not at all.
pub(crate) async fn record_audit_on(
    tx: &mut Transaction<'_, Any>,
    event: &NewAuditEvent,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, org_id, user_id, actor, address, action, plan_id, \
         item_id, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(instant_text(Utc::now()))
    .bind(event.org.map(|o| o.0))
    .bind(event.user.map(|u| u.0))
    .bind(event.actor.clone())
    .bind(event.address.clone())
    .bind(event.action.clone())
    .bind(event.plan.map(|p| p.0))
    .bind(event.item.map(|i| i.0))
    .bind(event.subject.clone())
    .bind(event.detail.as_ref().map(|d| d.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
