//! Applying a change set: one transaction that creates items, appends versions and appends
//! updates, all with the same entry time. Rows are written in batches because imports write
//! hundreds of thousands of them.

use std::collections::HashSet;

use chrono::Utc;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use waymark_core::{ItemFields, ItemId, UpdateId};

use crate::changes::{Applied, ChangeSet, ItemRef};
use crate::error::{Result, StoreError};
use crate::owners;
use crate::rows::{date_text, instant_text, push_placeholders, strings_json, tags_json};
use crate::search::{self, SearchDoc};
use crate::{Backend, Scope, Store};

/// Rows per INSERT: well inside SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const BATCH_ROWS: usize = 400;

impl Store {
    /// Applies every change in one transaction: all of it is stored, or none of it.
    pub async fn apply_changes(&self, changes: &ChangeSet) -> Result<Applied> {
        let plan = self.plan(Scope::Org(changes.org), changes.plan).await?;
        let entered_at = instant_text(changes.entered_at.unwrap_or_else(Utc::now));
        let mut tx = match self.backend() {
            // IMMEDIATE takes the write lock at the start, so two writers queue on
            // busy_timeout instead of failing when a reader upgrades.
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        };

        self.check_existing_items(&mut tx, changes).await?;

        let item_ids: Vec<ItemId> = self
            .allocate_ids(&mut tx, "items", changes.new_items.len())
            .await?
            .into_iter()
            .map(ItemId)
            .collect();
        let resolve = |reference: ItemRef| -> Result<ItemId> {
            match reference {
                ItemRef::Existing(id) => Ok(id),
                ItemRef::New(index) => item_ids.get(index).copied().ok_or_else(|| {
                    StoreError::Invalid(format!("change set refers to new item {index}"))
                }),
            }
        };

        for chunk in item_ids.chunks(BATCH_ROWS) {
            let mut sql =
                String::from("INSERT INTO items (id, org_id, plan_id, created_at) VALUES ");
            push_placeholders(&mut sql, self.backend(), chunk.len(), 4);
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                query = query
                    .bind(id.0)
                    .bind(plan.org.0)
                    .bind(plan.id.0)
                    .bind(entered_at.clone());
            }
            query.execute(&mut *tx).await?;
        }

        let mut versions: Vec<VersionRow> = Vec::new();
        for (index, item) in changes.new_items.iter().enumerate() {
            versions.push(VersionRow {
                item: item_ids[index],
                parent: item.parent.map(resolve).transpose()?,
                fields: &item.fields,
                effective: date_text(item.effective),
                reason: None,
            });
        }
        for version in &changes.versions {
            versions.push(VersionRow {
                item: version.item,
                parent: version.parent.map(resolve).transpose()?,
                fields: &version.fields,
                effective: date_text(version.effective),
                reason: version.reason.clone(),
            });
        }
        for chunk in versions.chunks(BATCH_ROWS) {
            let mut sql = String::from(
                "INSERT INTO item_versions (org_id, plan_id, item_id, effective, entered_at, author, \
                 reason, parent_id, position, reference, text, description, strategic_lead, owners, \
                 start_date, start_written, due_date, due_written, complete, completed_on, rag, tags, \
                 marking) VALUES ",
            );
            push_placeholders(&mut sql, self.backend(), chunk.len(), 23);
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                let f = row.fields;
                query = query
                    .bind(plan.org.0)
                    .bind(plan.id.0)
                    .bind(row.item.0)
                    .bind(row.effective.clone())
                    .bind(entered_at.clone())
                    .bind(changes.author.clone())
                    .bind(row.reason.clone())
                    .bind(row.parent.map(|p| p.0))
                    .bind(f.position)
                    .bind(f.reference.clone())
                    .bind(f.text.clone())
                    .bind(f.description.clone())
                    .bind(f.strategic_lead.clone())
                    .bind(strings_json(&f.owners))
                    .bind(f.start.as_ref().map(|d| date_text(d.date)))
                    .bind(f.start.as_ref().and_then(|d| d.written.clone()))
                    .bind(f.due.as_ref().map(|d| date_text(d.date)))
                    .bind(f.due.as_ref().and_then(|d| d.written.clone()))
                    .bind(i64::from(f.complete))
                    .bind(f.completed_on.map(date_text))
                    .bind(f.rag.map(|r| r.word().to_string()))
                    .bind(tags_json(&f.tags))
                    .bind(f.marking.map(|m| m.label().to_string()));
            }
            query.execute(&mut *tx).await?;
        }

        let update_ids: Vec<UpdateId> = self
            .allocate_ids(&mut tx, "updates", changes.updates.len())
            .await?
            .into_iter()
            .map(UpdateId)
            .collect();
        let updates: Vec<(UpdateId, ItemId, &crate::changes::NewUpdate)> = changes
            .updates
            .iter()
            .zip(&update_ids)
            .map(|(update, id)| Ok((*id, resolve(update.item)?, update)))
            .collect::<Result<_>>()?;
        for chunk in updates.chunks(BATCH_ROWS) {
            let mut sql = String::from(
                "INSERT INTO updates (id, org_id, plan_id, item_id, as_of, entered_at, author_person, \
                 author_post, text, proposed_rag, supersedes_id) VALUES ",
            );
            push_placeholders(&mut sql, self.backend(), chunk.len(), 11);
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (id, item, update) in chunk {
                query = query
                    .bind(id.0)
                    .bind(plan.org.0)
                    .bind(plan.id.0)
                    .bind(item.0)
                    .bind(date_text(update.as_of))
                    .bind(entered_at.clone())
                    .bind(update.author_person.clone())
                    .bind(update.author_post.clone())
                    .bind(update.text.clone())
                    .bind(update.proposed_rag.map(|r| r.word().to_string()))
                    .bind(update.supersedes.map(|s| s.0));
            }
            query.execute(&mut *tx).await?;
        }

        let mut docs: Vec<SearchDoc> = versions
            .iter()
            .map(|row| SearchDoc::for_version(row.item, row.fields))
            .collect();
        docs.extend(updates.iter().map(|(_, item, update)| SearchDoc {
            body: update.text.clone(),
            kind: "update",
            item: *item,
        }));
        search::index(&mut tx, self.backend(), plan.org, plan.id, &docs).await?;
        let owner_pairs: Vec<(ItemId, String)> = versions
            .iter()
            .flat_map(|row| {
                row.fields
                    .owners
                    .iter()
                    .map(|post| (row.item, post.clone()))
            })
            .collect();
        owners::index_owners(&mut tx, self.backend(), plan.org, plan.id, &owner_pairs).await?;
        sqlx::query("UPDATE plans SET revision = revision + 1 WHERE id = $1")
            .bind(plan.id.0)
            .execute(&mut *tx)
            .await?;

        tx.commit().await?;
        Ok(Applied {
            item_ids,
            update_ids,
            versions_written: versions.len(),
        })
    }

    /// Refuses a change set that touches items of another plan (or another organisation).
    async fn check_existing_items(
        &self,
        tx: &mut Transaction<'static, Any>,
        changes: &ChangeSet,
    ) -> Result<()> {
        let mut wanted: HashSet<i64> = HashSet::new();
        let existing = |r: &Option<ItemRef>| match r {
            Some(ItemRef::Existing(id)) => Some(id.0),
            _ => None,
        };
        wanted.extend(changes.new_items.iter().filter_map(|i| existing(&i.parent)));
        for version in &changes.versions {
            wanted.insert(version.item.0);
            wanted.extend(existing(&version.parent));
        }
        wanted.extend(
            changes
                .updates
                .iter()
                .filter_map(|u| existing(&Some(u.item))),
        );
        if wanted.is_empty() {
            return Ok(());
        }
        let rows = sqlx::query("SELECT id FROM items WHERE plan_id = $1 AND org_id = $2")
            .bind(changes.plan.0)
            .bind(changes.org.0)
            .fetch_all(&mut **tx)
            .await?;
        let known: HashSet<i64> = rows
            .iter()
            .map(|row| row.try_get::<i64, _>("id"))
            .collect::<Result<_, _>>()?;
        match wanted.into_iter().find(|id| !known.contains(id)) {
            Some(id) => Err(StoreError::NotFound { what: "item", id }),
            None => Ok(()),
        }
    }

    /// Reserves `count` new ids for `table` inside the transaction, so rows can be inserted in
    /// batches and still be referred to.
    pub(crate) async fn allocate_ids(
        &self,
        tx: &mut Transaction<'static, Any>,
        table: &'static str,
        count: usize,
    ) -> Result<Vec<i64>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        match self.backend() {
            Backend::Sqlite => {
                // The transaction holds SQLite's write lock, so nobody else can take these.
                let sql = format!("SELECT COALESCE(MAX(id), 0) AS top FROM {table}");
                let row = sqlx::query(AssertSqlSafe(sql)).fetch_one(&mut **tx).await?;
                let top: i64 = row.try_get("top")?;
                Ok((1..=count as i64).map(|n| top + n).collect())
            }
            Backend::Postgres => {
                let sql = format!(
                    "SELECT nextval('{table}_id_seq') AS id FROM generate_series(1, $1) ORDER BY 1"
                );
                let rows = sqlx::query(AssertSqlSafe(sql))
                    .bind(count as i64)
                    .fetch_all(&mut **tx)
                    .await?;
                rows.iter()
                    .map(|row| row.try_get::<i64, _>("id").map_err(StoreError::from))
                    .collect()
            }
        }
    }
}

struct VersionRow<'a> {
    item: ItemId,
    parent: Option<ItemId>,
    fields: &'a ItemFields,
    effective: String,
    reason: Option<String>,
}
