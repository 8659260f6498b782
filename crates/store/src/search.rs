//! Full-text search over items and their updates: FTS5 on SQLite, tsvector on PostgreSQL. Each
//! item has one document holding every wording it has had and its updates' text, so a search
//! finds the items where every word appears somewhere in the item's history. The documents are
//! rebuilt by `write_changes` in the same transaction as the rows they describe, except a new
//! plan's: its import lists the plan in the index backlog (`backlog`), and a search of a plan
//! still listed catches it up before it reads.

use std::collections::HashSet;

use sqlx::{Any, Row, Transaction};
use waymark_core::{ItemFields, ItemId, Plan, PlanId};

use crate::error::Result;
use crate::rows::{Cell, Column, Rows, insert_rows, int, text};
use crate::{Backend, Scope, Store};

impl Store {
    /// Items of a plan whose wording, owners or updates match every word of `query`: all of
    /// them, with no cap, so that a search's total is honest and every match can be paged to.
    /// One id per item is small (80 KB for 10,000 matches), and the plan view they are looked
    /// up in is already in memory.
    pub async fn search(&self, scope: Scope, plan: PlanId, query: &str) -> Result<HashSet<ItemId>> {
        let plan = self.plan(scope, plan).await?;
        if self.indexes_pending(plan.id).await? {
            self.catch_up_indexes(plan.id).await?;
        }
        self.catch_up_search().await?;
        // The ids come back as one row of comma-separated numbers: SQLite's driver hands each
        // row across a channel from its worker thread, and 5,000 rows cost more than the match.
        let row = match self.backend() {
            Backend::Sqlite => {
                let Some(expression) = fts5_expression(query) else {
                    return Ok(HashSet::new());
                };
                // The scope token narrows the match to the plan inside the index. The index
                // holds no columns to read back (its rowid is the item id), so the plan and
                // organisation are checked against the items as a guard. CROSS JOIN keeps the
                // index as the outer loop: with a plain JOIN SQLite may walk the plan's items
                // and run the whole MATCH once per item (30 ms instead of 1 ms on a plan of
                // 100 items among 200,000).
                sqlx::query(
                    "SELECT group_concat(items.id) AS ids FROM search_docs \
                     CROSS JOIN items ON items.id = search_docs.rowid \
                     WHERE search_docs MATCH $1 AND items.plan_id = $2 AND items.org_id = $3",
                )
                .bind(format!(
                    "scope : \"p{}\" AND body : ({expression})",
                    plan.id.0
                ))
                .bind(plan.id.0)
                .bind(plan.org.0)
                .fetch_one(self.pool())
                .await?
            }
            Backend::Postgres => {
                sqlx::query(
                    "SELECT string_agg(item_id::text, ',') AS ids FROM search_docs \
                     WHERE tsv @@ plainto_tsquery('english', $1) AND plan_id = $2 AND org_id = $3",
                )
                .bind(query.to_string())
                .bind(plan.id.0)
                .bind(plan.org.0)
                .fetch_one(self.pool())
                .await?
            }
        };
        let ids: Option<String> = row.try_get("ids")?;
        Ok(ids
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.parse().ok().map(ItemId))
            .collect())
    }
}

/// The words of one version of an item, as its search document holds them: reference, text,
/// description and owners (the stored JSON array; its punctuation separates words). The SQL of
/// `reindex_items` builds the same.
pub(crate) fn version_words(fields: &ItemFields, owners_json: &str) -> String {
    let parts = [
        fields.reference.as_deref().unwrap_or(""),
        fields.text.as_str(),
        fields.description.as_deref().unwrap_or(""),
        owners_json,
    ];
    parts.join(" ")
}

/// Indexes items created in the caller's transaction, given their documents.
pub(crate) async fn index_new_items(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    plan: &Plan,
    docs: &[(ItemId, String)],
) -> Result<()> {
    match backend {
        Backend::Sqlite => {
            let scope = format!("p{}", plan.id.0);
            let mut rows = Rows::new(SQLITE_COLUMNS, docs.len());
            for (item, body) in docs {
                rows.push([Cell::Int(item.0), Cell::str(body), Cell::str(&scope)])?;
            }
            insert_rows(tx, backend, "search_docs", rows, false).await
        }
        Backend::Postgres => {
            let mut rows = Rows::new(POSTGRES_COLUMNS, docs.len());
            for (item, body) in docs {
                rows.push([
                    Cell::Int(item.0),
                    Cell::Int(plan.id.0),
                    Cell::Int(plan.org.0),
                    Cell::str(body),
                ])?;
            }
            insert_rows(tx, backend, "search_docs", rows, false).await
        }
    }
}

const SQLITE_COLUMNS: &[Column] = &[int("rowid"), text("body"), text("scope")];
const POSTGRES_COLUMNS: &[Column] = &[int("item_id"), int("plan_id"), int("org_id"), text("body")];

/// Rebuilds the search documents of existing items from their history, as written so far in
/// the caller's transaction.
pub(crate) async fn reindex_items(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    items: &[ItemId],
) -> Result<()> {
    for chunk in items.chunks(REINDEX_BATCH) {
        let ids = ids_json(chunk);
        match backend {
            Backend::Sqlite => {
                // Both statements in one round trip, sharing the one parameter.
                sqlx::query(SQLITE_REINDEX)
                    .bind(ids)
                    .execute(&mut **tx)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query(POSTGRES_REINDEX)
                    .bind(ids)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Rebuilds the search document of every item in the search backlog and empties it, in the
/// caller's transaction (SQLite; see migration 0027).
pub(crate) static SQLITE_CATCH_UP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{}; DELETE FROM search_backlog",
        SQLITE_REINDEX.replace(
            "SELECT value FROM json_each($1)",
            "SELECT item_id FROM search_backlog"
        )
    )
});

impl Store {
    /// Brings the search documents of the items in the search backlog up to date before a
    /// search: on SQLite the writer does it in its next batch, whose commit this waits for.
    /// An update acknowledged before the search began is committed, its item listed, so the
    /// search finds it.
    async fn catch_up_search(&self) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let pending = sqlx::query("SELECT EXISTS (SELECT 1 FROM search_backlog) AS pending")
            .fetch_one(self.pool())
            .await?
            .try_get::<i64, _>("pending")?;
        if pending == 0 {
            return Ok(());
        }
        if let Some(writer) = &self.writer {
            return writer.catch_up_search().await;
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(SQLITE_CATCH_UP.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Items per reindexing statement.
const REINDEX_BATCH: usize = 10_000;

/// An item's document: the reference, text, description, owners and own fields (tags) of each
/// of its versions (each distinct wording once, so old wording stays findable) and the text of
/// its updates. The items are a JSON array of ids, `$1`, shared by the two statements: the old
/// documents are deleted first. The same expression fills the index in migration 0011.
pub(crate) const SQLITE_REINDEX: &str = "DELETE FROM search_docs \
     WHERE rowid IN (SELECT value FROM json_each($1)); \
     INSERT INTO search_docs (rowid, body, scope) \
     SELECT i.id, \
       COALESCE((SELECT group_concat(DISTINCT COALESCE(v.reference, '') || ' ' || v.text || ' ' \
                   || COALESCE(v.description, '') || ' ' || v.owners || ' ' || v.tags) \
                 FROM item_versions v WHERE v.item_id = i.id), '') || ' ' || \
       COALESCE((SELECT group_concat(u.text, ' ') FROM updates u WHERE u.item_id = i.id), ''), \
       'p' || i.plan_id \
     FROM items i WHERE i.id IN (SELECT value FROM json_each($1))";

/// [`SQLITE_REINDEX`] with anonymous parameters (the ids twice), to follow another statement's
/// in one query.
pub(crate) const SQLITE_REINDEX_AFTER: &str = "DELETE FROM search_docs \
     WHERE rowid IN (SELECT value FROM json_each(?)); \
     INSERT INTO search_docs (rowid, body, scope) \
     SELECT i.id, \
       COALESCE((SELECT group_concat(DISTINCT COALESCE(v.reference, '') || ' ' || v.text || ' ' \
                   || COALESCE(v.description, '') || ' ' || v.owners || ' ' || v.tags) \
                 FROM item_versions v WHERE v.item_id = i.id), '') || ' ' || \
       COALESCE((SELECT group_concat(u.text, ' ') FROM updates u WHERE u.item_id = i.id), ''), \
       'p' || i.plan_id \
     FROM items i WHERE i.id IN (SELECT value FROM json_each(?))";

const POSTGRES_REINDEX: &str = "INSERT INTO search_docs (item_id, plan_id, org_id, body) \
     SELECT i.id, i.plan_id, i.org_id, \
       COALESCE((SELECT string_agg(DISTINCT COALESCE(v.reference, '') || ' ' || v.text || ' ' \
                   || COALESCE(v.description, '') || ' ' || v.owners || ' ' || v.tags, ' ') \
                 FROM item_versions v WHERE v.item_id = i.id), '') || ' ' || \
       COALESCE((SELECT string_agg(u.text, ' ') FROM updates u WHERE u.item_id = i.id), '') \
     FROM items i WHERE i.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint) \
     ON CONFLICT (item_id) DO UPDATE SET body = EXCLUDED.body";

pub(crate) fn ids_json(ids: &[ItemId]) -> String {
    let mut json = String::with_capacity(ids.len() * 8 + 2);
    json.push('[');
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            json.push(',');
        }
        json.push_str(&id.0.to_string());
    }
    json.push(']');
    json
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
