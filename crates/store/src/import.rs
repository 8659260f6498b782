//! Creating a plan together with its first items and updates, in one transaction, so that an
//! import that fails part-way leaves no empty plan behind. The rows are written by the same
//! `write_changes` as `apply_changes`.

use chrono::Utc;
use sqlx::Row;
use waymark_core::{Plan, PlanId};

use crate::changes::{Applied, ChangeSet, ItemRef};
use crate::error::{Result, StoreError};
use crate::rows::{instant_text, strings_json};
use crate::{NewPlan, Store};

impl Store {
    /// Creates a plan and applies `changes` to it in one transaction: the plan and all of its
    /// content are stored, or none of it. `changes.org` and `changes.plan` are ignored; the
    /// change set may only create items (there are no existing ones to refer to).
    pub async fn create_plan_with_changes(
        &self,
        plan: &NewPlan,
        changes: &ChangeSet,
    ) -> Result<(Plan, Applied)> {
        if !changes.versions.is_empty()
            || changes
                .new_items
                .iter()
                .any(|item| matches!(item.parent, Some(ItemRef::Existing(_))))
            || changes
                .updates
                .iter()
                .any(|update| matches!(update.item, ItemRef::Existing(_)))
        {
            return Err(StoreError::Invalid(
                "a new plan's change set can only create items".into(),
            ));
        }
        let entered_at = instant_text(changes.entered_at.unwrap_or_else(Utc::now));
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO plans (org_id, kind, title, period, level_names, owner_posts, source, \
             update_cycle, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.kind.as_str().to_string())
        .bind(plan.title.clone())
        .bind(plan.period.clone())
        .bind(strings_json(&plan.level_names))
        .bind(strings_json(&plan.owner_posts))
        .bind(plan.source.clone())
        .bind(plan.update_cycle.as_string())
        .bind(entered_at.clone())
        .fetch_one(&mut *tx)
        .await?;
        let created = Plan {
            id: PlanId(row.try_get("id")?),
            org: plan.org,
            kind: plan.kind.clone(),
            title: plan.title.clone(),
            period: plan.period.clone(),
            level_names: plan.level_names.clone(),
            owner_posts: plan.owner_posts.clone(),
            source: plan.source.clone(),
            update_cycle: plan.update_cycle,
        };
        let applied = self
            .write_changes(&mut tx, &created, changes, &entered_at)
            .await?;
        tx.commit().await?;
        Ok((created, applied))
    }
}
