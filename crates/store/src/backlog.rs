//! The index backlog: plans whose derived indexes (search documents, owner index) are not
//! written yet. A new plan's import commits its rows without them and lists the plan here in
//! the same transaction (migration 0014); `catch_up_indexes` writes them from the committed
//! history in a transaction of its own. Reads that depend on an index catch up first, so none
//! answers from a partial one.

use sqlx::{Any, Row, Transaction};
use waymark_core::{ItemId, OrgId, Plan, PlanId};

use crate::error::Result;
use crate::history_rows::{Bind, fetch_json_on};
use crate::{Store, owners, search};

impl Store {
    /// True while `plan` is in the index backlog: its items have no search documents and no
    /// owner index rows yet.
    pub async fn indexes_pending(&self, plan: PlanId) -> Result<bool> {
        Ok(
            sqlx::query("SELECT plan_id FROM index_backlog WHERE plan_id = $1")
                .bind(plan.0)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// Writes the derived indexes of `plan` if it is in the index backlog, and takes it out, in
    /// one transaction; false when there was nothing to do. Two servers (or a server and a
    /// read) catching up at once queue on the write lock, and the second finds the plan gone.
    pub async fn catch_up_indexes(&self, plan: PlanId) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("DELETE FROM index_backlog WHERE plan_id = $1 RETURNING org_id")
            .bind(plan.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(taken) = taken else {
            tx.rollback().await?;
            return Ok(false);
        };
        let org = OrgId(taken.try_get("org_id")?);
        let items: Vec<ItemId> = sqlx::query("SELECT id FROM items WHERE plan_id = $1 ORDER BY id")
            .bind(plan.0)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok(ItemId(row.try_get::<i64, _>("id")?)))
            .collect::<Result<_>>()?;
        search::reindex_items(&mut tx, self.backend(), &items).await?;
        self.index_plan_owners(&mut tx, org, plan).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Catches up every plan of `org` in the backlog: what a read across the organisation's
    /// plans (My actions) does first.
    pub(crate) async fn catch_up_organisation(&self, org: OrgId) -> Result<()> {
        for plan in self.backlog(Some(org)).await? {
            self.catch_up_indexes(plan).await?;
        }
        Ok(())
    }

    /// Catches up every plan in the backlog, oldest first; returns how many it indexed. A server
    /// runs this when it starts, for imports whose indexes a stop left unwritten.
    pub async fn catch_up_all_indexes(&self) -> Result<usize> {
        let mut indexed = 0;
        for plan in self.backlog(None).await? {
            if self.catch_up_indexes(plan).await? {
                indexed += 1;
            }
        }
        Ok(indexed)
    }

    /// The plans in the backlog, of `org` or of every organisation, oldest first.
    async fn backlog(&self, org: Option<OrgId>) -> Result<Vec<PlanId>> {
        sqlx::query(
            "SELECT plan_id FROM index_backlog WHERE $1 IS NULL OR org_id = $1 \
             ORDER BY queued_at, plan_id",
        )
        .bind(org.map(|org| org.0))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| Ok(PlanId(row.try_get::<i64, _>("plan_id")?)))
        .collect()
    }

    /// The owner index rows of every version of `plan`, from the committed history, made by the
    /// same code as `write_changes` uses.
    async fn index_plan_owners(
        &self,
        tx: &mut Transaction<'_, Any>,
        org: OrgId,
        plan: PlanId,
    ) -> Result<()> {
        let sql = self.json_rows_sql("item_id, owners", "FROM item_versions WHERE plan_id = $1");
        let versions: Vec<(i64, String)> =
            fetch_json_on(&mut **tx, &sql, &[Bind::Int(plan.0)]).await?;
        let owners: Vec<(ItemId, Vec<String>)> = versions
            .into_iter()
            .map(|(item, owners)| Ok((ItemId(item), crate::rows::parse_strings(&owners)?)))
            .collect::<Result<_>>()?;
        let pairs: Vec<(ItemId, &str)> = owners
            .iter()
            .flat_map(|(item, posts)| posts.iter().map(|post| (*item, post.as_str())))
            .collect();
        let rows = owners::owner_rows(org, plan, &pairs)?;
        crate::rows::insert_rows(tx, self.backend(), "item_owner_posts", rows, true).await
    }
}

/// Lists a plan in the index backlog inside the caller's transaction, so that its derived
/// indexes are written after the commit.
pub(crate) async fn queue_plan(
    tx: &mut Transaction<'_, Any>,
    plan: &Plan,
    entered_at: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO index_backlog (plan_id, org_id, queued_at) VALUES ($1, $2, $3)")
        .bind(plan.id.0)
        .bind(plan.org.0)
        .bind(entered_at.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
