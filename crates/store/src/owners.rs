//! The owner index: which posts have owned which items. Written in the same transaction as the
//! versions it describes; read by "My actions" to find the plans worth reading.

use std::collections::BTreeSet;

use sqlx::{Any, Row, Transaction};
use waymark_core::{ItemId, OrgId, PlanId};

use crate::error::Result;
use crate::rows::push_placeholders;
use crate::{Backend, Scope, Store};

/// Adds (item, post) pairs, ignoring pairs already indexed.
pub(crate) async fn index_owners(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    org: OrgId,
    plan: PlanId,
    pairs: &[(ItemId, String)],
) -> Result<()> {
    let unique: BTreeSet<(i64, String)> = pairs
        .iter()
        .map(|(item, post)| (item.0, post.trim().to_lowercase()))
        .filter(|(_, post)| !post.is_empty())
        .collect();
    let unique: Vec<(i64, String)> = unique.into_iter().collect();
    for chunk in unique.chunks(400) {
        let mut sql =
            String::from("INSERT INTO item_owner_posts (item_id, plan_id, org_id, post) VALUES ");
        push_placeholders(&mut sql, backend, chunk.len(), 4);
        sql.push_str(" ON CONFLICT DO NOTHING");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (item, post) in chunk {
            query = query
                .bind(*item)
                .bind(plan.0)
                .bind(org.0)
                .bind(post.clone());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

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
