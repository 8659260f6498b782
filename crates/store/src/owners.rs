//! The owner index: which posts have owned which items. Written in the same transaction as the
//! versions it describes; read by "My actions" to find the plans worth reading.

use std::collections::BTreeSet;

use sqlx::{Any, Row, Transaction};
use waymark_core::{ItemId, OrgId, PlanId};

use crate::error::Result;
use crate::rows::{Cell, Column, Rows, insert_rows, int, text};
use crate::{Backend, Scope, Store};

/// Adds (item, post) pairs, ignoring pairs already indexed.
pub(crate) async fn index_owners(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    org: OrgId,
    plan: PlanId,
    pairs: &[(ItemId, &str)],
) -> Result<()> {
    let unique: BTreeSet<(i64, String)> = pairs
        .iter()
        .map(|(item, post)| (item.0, post.trim().to_lowercase()))
        .filter(|(_, post)| !post.is_empty())
        .collect();
    let mut rows = Rows::new(OWNER_COLUMNS, unique.len());
    for (item, post) in unique {
        rows.push([
            Cell::Int(item),
            Cell::Int(plan.0),
            Cell::Int(org.0),
            Cell::string(post),
        ])?;
    }
    insert_rows(tx, backend, "item_owner_posts", &rows, true).await
}

const OWNER_COLUMNS: &[Column] = &[int("item_id"), int("plan_id"), int("org_id"), text("post")];

impl Store {
    /// The plans in which any of `posts` owns, or has owned, an item.
    pub async fn plans_owned_by(
        &self,
        scope: Scope,
        org: OrgId,
        posts: &[String],
    ) -> Result<Vec<PlanId>> {
        if posts.is_empty() || !scope.allows(org) {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "SELECT DISTINCT plan_id FROM item_owner_posts WHERE org_id = $1 AND post IN (",
        );
        for n in 0..posts.len() {
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", n + 2));
        }
        sql.push_str(") ORDER BY plan_id");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
        for post in posts {
            query = query.bind(post.trim().to_lowercase());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| Ok(PlanId(row.try_get::<i64, _>("plan_id")?)))
            .collect()
    }
}
