//! Full-text search over items and updates: FTS5 on SQLite, tsvector on PostgreSQL. The index is
//! written by `apply_changes` in the same transaction as the rows it describes.

use std::collections::HashSet;

use sqlx::{Any, Row, Transaction};
use waymark_core::{ItemFields, ItemId, OrgId, PlanId};

use crate::error::Result;
use crate::{Backend, Scope, Store};

/// At most this many items come back from one search.
const MAX_RESULTS: i64 = 1000;

/// One document to index: the words of an item version or of an update.
pub(crate) struct SearchDoc {
    pub body: String,
    pub kind: &'static str,
    pub item: ItemId,
}

impl SearchDoc {
    pub fn for_version(item: ItemId, fields: &ItemFields) -> Self {
        let mut body = String::new();
        for part in [
            fields.reference.as_deref(),
            Some(fields.text.as_str()),
            fields.description.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            body.push_str(part);
            body.push(' ');
        }
        body.push_str(&fields.owners.join(" "));
        SearchDoc {
            body,
            kind: "item",
            item,
        }
    }
}

impl Store {
    /// Items of a plan whose wording, owners or updates match every word of `query`.
    pub async fn search(&self, scope: Scope, plan: PlanId, query: &str) -> Result<HashSet<ItemId>> {
        let plan = self.plan(scope, plan).await?;
        let rows = match self.backend() {
            Backend::Sqlite => {
                let Some(expression) = fts5_expression(query) else {
                    return Ok(HashSet::new());
                };
                // The scope token narrows the match to the plan inside the index; the plan and
                // organisation conditions stay as a guard.
                sqlx::query(
                    "SELECT DISTINCT item_id FROM search_docs \
                     WHERE search_docs MATCH $1 AND plan_id = $2 AND org_id = $3 LIMIT $4",
                )
                .bind(format!(
                    "scope : \"p{}\" AND body : ({expression})",
                    plan.id.0
                ))
                .bind(plan.id.0)
                .bind(plan.org.0)
                .bind(MAX_RESULTS)
                .fetch_all(self.pool())
                .await?
            }
            Backend::Postgres => {
                sqlx::query(
                    "SELECT DISTINCT item_id FROM search_docs \
                     WHERE tsv @@ plainto_tsquery('english', $1) AND plan_id = $2 AND org_id = $3 \
                     LIMIT $4",
                )
                .bind(query.to_string())
                .bind(plan.id.0)
                .bind(plan.org.0)
                .bind(MAX_RESULTS)
                .fetch_all(self.pool())
                .await?
            }
        };
        rows.iter()
            .map(|row| Ok(ItemId(row.try_get::<i64, _>("item_id")?)))
            .collect()
    }
}

/// Writes search documents inside the caller's transaction.
pub(crate) async fn index(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    org: OrgId,
    plan: PlanId,
    docs: &[SearchDoc],
) -> Result<()> {
    for chunk in docs.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO search_docs (body, scope, kind, item_id, plan_id, org_id) VALUES ",
        );
        crate::rows::push_placeholders(&mut sql, backend, chunk.len(), 6);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for doc in chunk {
            query = query
                .bind(doc.body.clone())
                .bind(format!("p{}", plan.0))
                .bind(doc.kind.to_string())
                .bind(doc.item.0)
                .bind(plan.0)
                .bind(org.0);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Turns what a person typed into an FTS5 expression that can't be a syntax error: each word
/// quoted (all must match), the last one as a prefix so "recruit" finds "recruitment".
fn fts5_expression(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut expression = words.join(" ");
    expression.push('*');
    Some(expression)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_queries_become_safe_fts5_expressions() {
        assert_eq!(
            fts5_expression("call handlers").as_deref(),
            Some("\"call\" \"handlers\"*")
        );
        assert_eq!(
            fts5_expression("\"OR (NEAR"),
            Some("\"OR\" \"NEAR\"*".to_string())
        );
        assert_eq!(fts5_expression("  -- "), None);
    }
}
