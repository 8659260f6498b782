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
use crate::rows::{date_text, instant_text, push_placeholders, strings_json, tags_json};
use crate::search::{self, SearchDoc};
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
        // The search index is written in the same transaction, as `apply_changes` does.
        let mut docs: Vec<SearchDoc> = changes
            .new_items
            .iter()
            .zip(&applied.item_ids)
            .map(|(item, id)| SearchDoc::for_version(*id, &item.fields))
            .collect();
        for update in &changes.updates {
            if let ItemRef::New(index) = update.item
                && let Some(id) = applied.item_ids.get(index)
            {
                docs.push(SearchDoc {
                    body: update.text.clone(),
                    kind: "update",
                    item: *id,
                });
            }
        }
        search::index(&mut tx, self.backend(), created.org, created.id, &docs).await?;
        let owner_pairs: Vec<(ItemId, String)> = changes
            .new_items
            .iter()
            .zip(&applied.item_ids)
            .flat_map(|(item, id)| item.fields.owners.iter().map(|post| (*id, post.clone())))
            .collect();
        crate::owners::index_owners(
            &mut tx,
            self.backend(),
            created.org,
            created.id,
            &owner_pairs,
        )
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
            .allocate_ids(tx, "items", changes.new_items.len())
            .await?
            .into_iter()
            .map(ItemId)
            .collect();
        if self.backend() == Backend::Sqlite {
            return self
                .insert_as_json(tx, plan, changes, entered_at, item_ids)
                .await;
        }
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
            push_placeholders(&mut sql, self.backend(), chunk.len(), 23);
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
            .allocate_ids(tx, "updates", changes.updates.len())
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
            push_placeholders(&mut sql, self.backend(), chunk.len(), 11);
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

    /// SQLite: each table's rows go in as one JSON array per chunk, unpacked by `json_each` in
    /// SQLite itself. Binding every value through sqlx costs more than SQLite's own insert, so
    /// one bound text per 10,000 rows is what lets a 100,000-row import take seconds.
    async fn insert_as_json(
        &self,
        tx: &mut Transaction<'static, Any>,
        plan: &Plan,
        changes: &ChangeSet,
        entered_at: &str,
        item_ids: Vec<ItemId>,
    ) -> Result<Applied> {
        let resolve = |reference: ItemRef| -> Result<ItemId> {
            match reference {
                ItemRef::Existing(id) => Ok(id),
                ItemRef::New(index) => item_ids.get(index).copied().ok_or_else(|| {
                    StoreError::Invalid(format!("change set refers to new item {index}"))
                }),
            }
        };
        for chunk in item_ids.chunks(JSON_BATCH_ROWS) {
            let ids: Vec<i64> = chunk.iter().map(|id| id.0).collect();
            sqlx::query(
                "INSERT INTO items (id, org_id, plan_id, created_at) \
                 SELECT value, ?, ?, ? FROM jsonb_each(?)",
            )
            .bind(plan.org.0)
            .bind(plan.id.0)
            .bind(entered_at.to_string())
            .bind(serde_json::to_string(&ids).map_err(json_error)?)
            .execute(&mut **tx)
            .await?;
        }

        let versions: Vec<VersionJson<'_>> = changes
            .new_items
            .iter()
            .zip(&item_ids)
            .map(|(item, id)| {
                let f = &item.fields;
                Ok(VersionJson(
                    id.0,
                    date_text(item.effective),
                    item.parent.map(resolve).transpose()?.map(|p| p.0),
                    f.position,
                    f.reference.as_deref(),
                    &f.text,
                    f.description.as_deref(),
                    f.strategic_lead.as_deref(),
                    strings_json(&f.owners),
                    f.start.as_ref().map(|d| date_text(d.date)),
                    f.start.as_ref().and_then(|d| d.written.as_deref()),
                    f.due.as_ref().map(|d| date_text(d.date)),
                    f.due.as_ref().and_then(|d| d.written.as_deref()),
                    i64::from(f.complete),
                    f.completed_on.map(date_text),
                    f.rag.map(|r| r.word()),
                    tags_json(&f.tags),
                    f.marking.map(|m| m.label()),
                ))
            })
            .collect::<Result<_>>()?;
        for chunk in versions.chunks(JSON_BATCH_ROWS) {
            sqlx::query(
                "INSERT INTO item_versions (org_id, plan_id, entered_at, author, reason, item_id, \
                 effective, parent_id, position, reference, text, description, strategic_lead, \
                 owners, start_date, start_written, due_date, due_written, complete, completed_on, \
                 rag, tags, marking) \
                 SELECT ?, ?, ?, ?, NULL, value ->> 0, value ->> 1, value ->> 2, value ->> 3, \
                 value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, \
                 value ->> 10, value ->> 11, value ->> 12, value ->> 13, value ->> 14, \
                 value ->> 15, value ->> 16, value ->> 17 FROM jsonb_each(?)",
            )
            .bind(plan.org.0)
            .bind(plan.id.0)
            .bind(entered_at.to_string())
            .bind(changes.author.clone())
            .bind(serde_json::to_string(chunk).map_err(json_error)?)
            .execute(&mut **tx)
            .await?;
        }

        let update_ids: Vec<UpdateId> = self
            .allocate_ids(tx, "updates", changes.updates.len())
            .await?
            .into_iter()
            .map(UpdateId)
            .collect();
        let updates: Vec<UpdateJson<'_>> = changes
            .updates
            .iter()
            .zip(&update_ids)
            .map(|(update, id)| {
                Ok(UpdateJson(
                    id.0,
                    resolve(update.item)?.0,
                    date_text(update.as_of),
                    update.author_person.as_deref(),
                    update.author_post.as_deref(),
                    &update.text,
                    update.proposed_rag.map(|r| r.word()),
                    update.supersedes.map(|s| s.0),
                ))
            })
            .collect::<Result<_>>()?;
        for chunk in updates.chunks(JSON_BATCH_ROWS) {
            sqlx::query(
                "INSERT INTO updates (org_id, plan_id, entered_at, id, item_id, as_of, \
                 author_person, author_post, text, proposed_rag, supersedes_id) \
                 SELECT ?, ?, ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, \
                 value ->> 4, value ->> 5, value ->> 6, value ->> 7 FROM jsonb_each(?)",
            )
            .bind(plan.org.0)
            .bind(plan.id.0)
            .bind(entered_at.to_string())
            .bind(serde_json::to_string(chunk).map_err(json_error)?)
            .execute(&mut **tx)
            .await?;
        }
        Ok(Applied {
            versions_written: versions.len(),
            item_ids,
            update_ids,
        })
    }
}

/// One item version as a JSON array, in the order the SQLite insert reads it.
#[derive(serde::Serialize)]
struct VersionJson<'a>(
    i64,
    String,
    Option<i64>,
    i64,
    Option<&'a str>,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    String,
    Option<String>,
    Option<&'a str>,
    Option<String>,
    Option<&'a str>,
    i64,
    Option<String>,
    Option<&'static str>,
    String,
    Option<&'static str>,
);

/// One update as a JSON array, in the order the SQLite insert reads it.
#[derive(serde::Serialize)]
struct UpdateJson<'a>(
    i64,
    i64,
    String,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    Option<&'static str>,
    Option<i64>,
);

/// Rows per JSON array on SQLite: a few megabytes of text per statement.
const JSON_BATCH_ROWS: usize = 10_000;

fn json_error(error: serde_json::Error) -> StoreError {
    StoreError::Invalid(format!("cannot encode rows as JSON: {error}"))
}
