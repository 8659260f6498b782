//! Changing a plan's own fields (title, kind, period, level names, owner posts, source, update
//! cycle, marking) and archiving it. Each edit names the version of the plan's fields it
//! started from, so an edit made from a stale form is refused instead of overwriting another
//! person's change; the before and after go to the audit trail.

use chrono::Utc;
use sqlx::Row;
use waymark_core::{Plan, PlanId};

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::error::{Result, StoreError};
use crate::rows::{instant_text, strings_json};
use crate::{NewPlan, Scope, Store};

impl Store {
    /// A plan with the version of its own fields, for an edit form.
    pub async fn plan_with_version(&self, scope: Scope, id: PlanId) -> Result<(Plan, i64)> {
        let plan = self.plan(scope, id).await?;
        let row = sqlx::query("SELECT edit_version FROM plans WHERE id = $1")
            .bind(id.0)
            .fetch_one(self.pool())
            .await?;
        Ok((plan, row.try_get("edit_version")?))
    }

    /// Replaces a plan's own fields (`fields.org` is ignored) if they are still at
    /// `expected_version`; otherwise [`StoreError::Conflict`] and nothing changes. Returns the
    /// new version.
    pub async fn edit_plan(
        &self,
        id: PlanId,
        fields: &NewPlan,
        expected_version: i64,
        audit: &NewAuditEvent,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE plans SET kind = $1, title = $2, period = $3, level_names = $4, \
             owner_posts = $5, source = $6, update_cycle = $7, marking = $8, \
             edit_version = edit_version + 1, revision = revision + 1 \
             WHERE id = $9 AND edit_version = $10",
        )
        .bind(fields.kind.as_str().to_string())
        .bind(fields.title.clone())
        .bind(fields.period.clone())
        .bind(strings_json(&fields.level_names))
        .bind(strings_json(&fields.owner_posts))
        .bind(fields.source.clone())
        .bind(fields.update_cycle.as_string())
        .bind(fields.marking.label())
        .bind(id.0)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT edit_version FROM plans WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(row) => StoreError::Conflict {
                    what: "plan",
                    id: id.0,
                    current: row.try_get("edit_version")?,
                },
                None => StoreError::NotFound {
                    what: "plan",
                    id: id.0,
                },
            });
        }
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(expected_version + 1)
    }

    /// Archives a plan (read-only, listed apart, history kept) or brings it back.
    pub async fn set_plan_archived(
        &self,
        id: PlanId,
        archived: bool,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let archived_at = archived.then(|| instant_text(Utc::now()));
        sqlx::query(
            "UPDATE plans SET archived_at = $1, revision = revision + 1, \
             edit_version = edit_version + 1 WHERE id = $2",
        )
        .bind(archived_at)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a plan with no items, and records it, in one transaction.
    pub async fn create_plan_audited(&self, plan: &NewPlan, audit: &NewAuditEvent) -> Result<Plan> {
        let mut tx = self.begin_write().await?;
        let created = insert_plan(&mut tx, plan, &instant_text(Utc::now())).await?;
        let mut audit = audit.clone();
        audit.plan = Some(created.id);
        record_audit_on(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(created)
    }
}

/// Inserts a plan's row inside the caller's transaction.
pub(crate) async fn insert_plan(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plan: &NewPlan,
    created_at: &str,
) -> Result<Plan> {
    let row = sqlx::query(
        "INSERT INTO plans (org_id, kind, title, period, level_names, owner_posts, source, \
         update_cycle, marking, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
    )
    .bind(plan.org.0)
    .bind(plan.kind.as_str().to_string())
    .bind(plan.title.clone())
    .bind(plan.period.clone())
    .bind(strings_json(&plan.level_names))
    .bind(strings_json(&plan.owner_posts))
    .bind(plan.source.clone())
    .bind(plan.update_cycle.as_string())
    .bind(plan.marking.label())
    .bind(created_at.to_string())
    .fetch_one(&mut **tx)
    .await?;
    Ok(Plan {
        id: PlanId(row.try_get("id")?),
        org: plan.org,
        kind: plan.kind.clone(),
        title: plan.title.clone(),
        period: plan.period.clone(),
        level_names: plan.level_names.clone(),
        owner_posts: plan.owner_posts.clone(),
        source: plan.source.clone(),
        update_cycle: plan.update_cycle,
        marking: plan.marking,
        archived: false,
    })
}
