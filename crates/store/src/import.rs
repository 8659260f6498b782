//! Creating a plan together with its first items and updates, in one transaction, so that an
//! import that fails part-way leaves no empty plan behind.
//!
//! The row writing mirrors `write.rs`'s `apply_changes`, which opens its own transaction and so
//! cannot be shared from here without changing it; folding both onto one
//! `write_changes(tx, ..)` is the natural next step for whoever next edits `write.rs`.

use chrono::Utc;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use waymark_core::{ItemFields, ItemId, Plan, PlanId, UpdateId};

use crate::changes::{Applied, ChangeSet, ItemRef, NewUpdate};
use crate::error::{Result, StoreError};
use crate::rows::{date_text, instant_text, strings_json, tags_json};
use crate::{Backend, NewPlan, Store};

/// Rows per INSERT: the widest row (item versions, 23 columns) stays inside SQLite's 32,766 and
/// PostgreSQL's 65,535 bound parameters. Large batches are cheap only with SQLite's anonymous
/// `?` placeholders (see `placeholders`).
const BATCH_ROWS: usize = 1000;

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
        let entered = changes.entered_at.unwrap_or_else(Utc::now);
        let entered_at = instant_text(entered);
        let mut tx = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        };
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
            .insert_new_content(&mut tx, &created, changes, &entered_at)
            .await?;
        tx.commit().await?;
        Ok((created, applied))
    }

    async fn insert_new_content(
        &self,
        tx: &mut Transaction<'static, Any>,
        plan: &Plan,
        changes: &ChangeSet,
        entered_at: &str,
    ) -> Result<Applied> {
        let item_ids: Vec<ItemId> = self
            .reserve_ids(tx, "items", changes.new_items.len())
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
            placeholders(&mut sql, chunk.len(), 4, self.backend());
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                query = query
                    .bind(id.0)
                    .bind(plan.org.0)
                    .bind(plan.id.0)
                    .bind(entered_at.to_string());
            }
            query.execute(&mut **tx).await?;
        }

        let versions: Vec<(ItemId, Option<ItemId>, &ItemFields, String)> = changes
            .new_items
            .iter()
            .zip(&item_ids)
            .map(|(item, id)| {
                Ok((
                    *id,
                    item.parent.map(resolve).transpose()?,
                    &item.fields,
                    date_text(item.effective),
                ))
            })
            .collect::<Result<_>>()?;
        for chunk in versions.chunks(BATCH_ROWS) {
            let mut sql = String::from(
                "INSERT INTO item_versions (org_id, plan_id, item_id, effective, entered_at, author, \
                 reason, parent_id, position, reference, text, description, strategic_lead, owners, \
                 start_date, start_written, due_date, due_written, complete, completed_on, rag, tags, \
                 marking) VALUES ",
            );
            placeholders(&mut sql, chunk.len(), 23, self.backend());
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (item, parent, f, effective) in chunk {
                query = query
                    .bind(plan.org.0)
                    .bind(plan.id.0)
                    .bind(item.0)
                    .bind(effective.clone())
                    .bind(entered_at.to_string())
                    .bind(changes.author.clone())
                    .bind(None::<String>)
                    .bind(parent.map(|p| p.0))
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
            query.execute(&mut **tx).await?;
        }

        let update_ids: Vec<UpdateId> = self
            .reserve_ids(tx, "updates", changes.updates.len())
            .await?
            .into_iter()
            .map(UpdateId)
            .collect();
        let updates: Vec<(UpdateId, ItemId, &NewUpdate)> = changes
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
            placeholders(&mut sql, chunk.len(), 11, self.backend());
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (id, item, update) in chunk {
                query = query
                    .bind(id.0)
                    .bind(plan.org.0)
                    .bind(plan.id.0)
                    .bind(item.0)
                    .bind(date_text(update.as_of))
                    .bind(entered_at.to_string())
                    .bind(update.author_person.clone())
                    .bind(update.author_post.clone())
                    .bind(update.text.clone())
                    .bind(update.proposed_rag.map(|r| r.word().to_string()))
                    .bind(update.supersedes.map(|s| s.0));
            }
            query.execute(&mut **tx).await?;
        }
        Ok(Applied {
            item_ids,
            update_ids,
            versions_written: versions.len(),
        })
    }

    /// Reserves `count` new ids for `table` inside the transaction.
    async fn reserve_ids(
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

/// Appends `(…), (…)` with placeholders: `?` on SQLite and `$n` (numbered from 1) on
/// PostgreSQL. SQLite looks a numbered placeholder up by name with a linear scan, so binding
/// 20,000 `$n` parameters costs 20,000² steps; anonymous `?` parameters bind by position.
fn placeholders(sql: &mut String, rows: usize, columns: usize, backend: Backend) {
    let mut n = 1;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            n += 1;
        }
        sql.push(')');
    }
}
