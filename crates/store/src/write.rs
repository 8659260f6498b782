//! Writing a change set: one transaction that creates items, appends versions and updates (all
//! with the same entry time), and brings the derived indexes (search, owners) up to date. The
//! same `write_changes` serves `apply_changes` and `create_plan_with_changes`, on both backends.

use std::collections::{BTreeSet, HashSet};

use chrono::{NaiveDate, Utc};
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use waymark_core::{ItemFields, ItemId, Plan, UpdateId};

use crate::changes::{Applied, ChangeSet, ItemRef, NewUpdate};
use crate::error::{Result, StoreError};
use crate::rows::{
    BATCH_ROWS, Batch, Cell, Column, Rows, date_text, instant_text, int, made_when_needed,
    run_pipelined, run_pipelined_counted, strings_json, tags_json, text,
};
use crate::{Backend, Scope, Store, backlog, owners, search};

const ITEM_COLUMNS: &[Column] = &[int("id"), int("org_id"), int("plan_id"), text("created_at")];

const VERSION_COLUMNS: &[Column] = &[
    int("org_id"),
    int("plan_id"),
    int("item_id"),
    text("effective"),
    text("entered_at"),
    text("author"),
    text("reason"),
    int("parent_id"),
    int("position"),
    text("reference"),
    text("text"),
    text("description"),
    text("strategic_lead"),
    text("owners"),
    text("start_date"),
    text("start_written"),
    text("due_date"),
    text("due_written"),
    int("complete"),
    text("completed_on"),
    text("rag"),
    text("tags"),
    text("marking"),
    int("archived"),
];

const UPDATE_COLUMNS: &[Column] = &[
    int("id"),
    int("org_id"),
    int("plan_id"),
    int("item_id"),
    text("as_of"),
    text("entered_at"),
    text("author_person"),
    text("author_post"),
    text("text"),
    text("proposed_rag"),
    int("supersedes_id"),
];

impl Store {
    /// Applies every change in one transaction: all of it is stored, or none of it. On SQLite
    /// the change set goes to the one writer, which commits it with the others waiting (see
    /// `writer`); the answer comes once it is committed.
    pub async fn apply_changes(&self, changes: &ChangeSet) -> Result<Applied> {
        let plan = self.plan(Scope::Org(changes.org), changes.plan).await?;
        self.apply_changes_to(&plan, changes).await
    }

    /// [`Store::apply_changes`] to a plan the caller has just read, so it is not read again;
    /// refused, as there, where the change set names another plan or organisation.
    pub async fn apply_changes_to(&self, plan: &Plan, changes: &ChangeSet) -> Result<Applied> {
        if plan.id != changes.plan || plan.org != changes.org {
            return Err(StoreError::NotFound {
                what: "plan",
                id: changes.plan.0,
            });
        }
        let plan = plan.clone();
        if let Some(writer) = &self.writer {
            return writer.apply_changes(plan, changes.clone()).await;
        }
        let mut tx = self.begin_write().await?;
        // On PostgreSQL, writers to one plan queue on its row here, before the entry time is
        // read and ids are drawn, so that within a plan entry times rise with ids.
        sqlx::query("SELECT id FROM plans WHERE id = $1 FOR UPDATE")
            .bind(plan.id.0)
            .execute(&mut *tx)
            .await?;
        let entered_at = instant_text(changes.entered_at.unwrap_or_else(Utc::now));
        let applied = self
            .write_changes(&mut tx, &plan, changes, &entered_at, DerivedIndexes::Now)
            .await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// A write transaction. On SQLite, IMMEDIATE takes the write lock at the start, so two
    /// writers queue on busy_timeout instead of failing when a reader upgrades, and the MAX(id)
    /// allocations of `allocate_ids` cannot race.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        })
    }

    /// Writes a change set to `plan` inside the caller's transaction, every row entered at
    /// `entered_at`: the rows, the plan's revision, and the derived indexes (search documents,
    /// owner index) now or, for a new plan, a place in the index backlog.
    pub(crate) async fn write_changes(
        &self,
        tx: &mut Transaction<'_, Any>,
        plan: &Plan,
        changes: &ChangeSet,
        entered_at: &str,
        indexes: DerivedIndexes,
    ) -> Result<Applied> {
        let mut ids = UpdateIds::default();
        self.write_changes_after(tx, "", plan, changes, entered_at, indexes, &mut ids)
            .await
    }

    /// [`Store::write_changes`], first running `opening` (SQLite only: statements without
    /// parameters, each ended by `;`, such as the group-commit writer's savepoint) in the same
    /// round trip to the connection as the change set's first statements. `ids` carries
    /// what the transaction knows of the next update id from one change set to the next.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn write_changes_after(
        &self,
        tx: &mut Transaction<'_, Any>,
        opening: &str,
        plan: &Plan,
        changes: &ChangeSet,
        entered_at: &str,
        indexes: DerivedIndexes,
        ids: &mut UpdateIds,
    ) -> Result<Applied> {
        let backend = self.backend();
        if backend == Backend::Sqlite
            && changes.new_items.is_empty()
            && changes.expected_versions.is_empty()
        {
            let named = existing_items_named(changes);
            if named.len() <= 500 {
                return self
                    .write_small_changes(
                        tx, opening, plan, changes, &named, entered_at, indexes, ids,
                    )
                    .await;
            }
        }
        // The general path draws its own ids; the next change set asks again.
        ids.next = None;
        if !opening.is_empty() {
            sqlx::raw_sql(AssertSqlSafe(opening.to_string()))
                .execute(&mut **tx)
                .await?;
        }
        // First, so that on PostgreSQL two writers to one plan queue on this row lock and each
        // rebuilds its items' search documents from the other's committed rows.
        sqlx::query("UPDATE plans SET revision = revision + 1 WHERE id = $1")
            .bind(plan.id.0)
            .execute(&mut **tx)
            .await?;
        self.check_existing_items(tx, changes).await?;
        for (item, expected) in &changes.expected_versions {
            let row = sqlx::query("SELECT MAX(id) AS latest FROM item_versions WHERE item_id = $1")
                .bind(item.0)
                .fetch_one(&mut **tx)
                .await?;
            let latest: Option<i64> = row.try_get("latest")?;
            if latest != Some(*expected) {
                return Err(StoreError::Conflict {
                    what: "item",
                    id: item.0,
                    current: latest.unwrap_or_default(),
                });
            }
        }
        if let Some(audit) = &changes.audit {
            let mut audit = audit.clone();
            audit.plan = Some(plan.id);
            audit.org = Some(plan.org);
            crate::audit::record_audit_on(tx, &audit).await?;
        }

        let item_ids: Vec<ItemId> = self
            .allocate_ids(tx, "items", changes.new_items.len())
            .await?
            .into_iter()
            .map(ItemId)
            .collect();
        let update_ids: Vec<UpdateId> = self
            .allocate_ids(tx, "updates", changes.updates.len())
            .await?
            .into_iter()
            .map(UpdateId)
            .collect();
        self.write_rows(tx, plan, changes, item_ids, update_ids, entered_at, indexes)
            .await
    }

    /// A change set of no new items and no expected versions, on SQLite: the opening, the
    /// plan's revision, the audit record, the first update id and the check that the items
    /// named are the plan's, in one round trip to the connection (a multi-statement query
    /// whose statements share the numbered parameters), then the rows as `write_changes`
    /// writes them. The same statements as the general path, in an order that makes no
    /// difference: a refused change set is rolled back whole.
    ///
    /// Where `ids` knows the next update id (an earlier change set of the same transaction
    /// read it) and the change set holds only progress updates whose search documents the
    /// batch writes at its end, their rows go in that same round trip too: a progress update
    /// in the group-commit writer then waits on the connection once.
    #[allow(clippy::too_many_arguments)]
    async fn write_small_changes(
        &self,
        tx: &mut Transaction<'_, Any>,
        opening: &str,
        plan: &Plan,
        changes: &ChangeSet,
        named: &[i64],
        entered_at: &str,
        indexes: DerivedIndexes,
        ids: &mut UpdateIds,
    ) -> Result<Applied> {
        let rows_first = match ids.next {
            Some(next)
                if changes.versions.is_empty()
                    && !changes.updates.is_empty()
                    && changes.updates.len() <= BATCH_ROWS
                    && indexes == DerivedIndexes::Batch =>
            {
                Some(self.updates_written_first(plan, changes, named, next, entered_at)?)
            }
            _ => None,
        };
        // The numbered parameters below come after the anonymous ones of rows written first.
        let base = rows_first.as_ref().map_or(0, |first| first.anonymous);
        let p = |n: usize| format!("${}", base + n);
        let mut sql = opening.to_string();
        if let Some(first) = &rows_first {
            sql.push_str(&first.sql);
            sql.push_str("; ");
        }
        sql.push_str(&format!(
            "UPDATE plans SET revision = revision + 1 WHERE id = {};",
            p(1)
        ));
        let audit = changes.audit.as_ref().map(|audit| {
            let mut audit = audit.clone();
            audit.plan = Some(plan.id);
            audit.org = Some(plan.org);
            audit
        });
        if audit.is_some() {
            let values: Vec<String> = (2..=11).map(p).collect();
            sql.push_str(&format!(
                " INSERT INTO audit_events (at, org_id, user_id, actor, address, action, \
                 plan_id, item_id, subject, detail) VALUES ({});",
                values.join(", ")
            ));
        }
        if !changes.updates.is_empty() && rows_first.is_none() {
            sql.push_str(" SELECT COALESCE(MAX(id), 0) AS top FROM updates;");
        }
        if !named.is_empty() {
            // Only numbered placeholders are formatted in; the ids are bound.
            let placeholders: Vec<String> = (0..named.len()).map(|i| p(i + 14)).collect();
            sql.push_str(&format!(
                " SELECT id FROM items WHERE plan_id = {} AND org_id = {} AND id IN ({});",
                p(12),
                p(13),
                placeholders.join(", ")
            ));
        }
        let audit = audit.unwrap_or_default();
        let mut query = sqlx::query(AssertSqlSafe(sql));
        let mut written_first = None;
        if let Some(mut first) = rows_first {
            written_first = Some(std::mem::take(&mut first.update_ids));
            query = first.bind(query);
        }
        let mut query = query
            .bind(plan.id.0)
            .bind(crate::rows::instant_text(Utc::now()))
            .bind(audit.org.map(|o| o.0))
            .bind(audit.user.map(|u| u.0))
            .bind(audit.actor)
            .bind(audit.address)
            .bind(audit.action)
            .bind(audit.plan.map(|p| p.0))
            .bind(audit.item.map(|i| i.0))
            .bind(audit.subject)
            .bind(audit.detail.as_ref().map(|d| d.to_string()))
            .bind(changes.plan.0)
            .bind(changes.org.0);
        for id in named {
            query = query.bind(*id);
        }
        let mut top: Option<i64> = None;
        let mut known: HashSet<i64> = HashSet::with_capacity(named.len());
        for row in query.fetch_all(&mut **tx).await? {
            if row.try_column("top").is_ok() {
                top = Some(row.try_get("top")?);
            } else {
                known.insert(row.try_get::<i64, _>("id")?);
            }
        }
        if let Some(id) = named.iter().find(|id| !known.contains(id)) {
            return Err(StoreError::NotFound {
                what: "item",
                id: *id,
            });
        }
        if let Some(update_ids) = written_first {
            ids.next = update_ids.last().map(|last| last.0 + 1);
            return Ok(Applied {
                versions_written: 0,
                item_ids: Vec::new(),
                update_ids,
            });
        }
        // Nobody else draws update ids before this transaction ends (it holds SQLite's write
        // lock), so the next change set of the transaction need not ask.
        if let Some(top) = top {
            ids.next = Some(top + changes.updates.len() as i64 + 1);
        }
        let update_ids: Vec<UpdateId> = match (top, changes.updates.len()) {
            (_, 0) => Vec::new(),
            (Some(top), count) => (1..=count as i64).map(|n| UpdateId(top + n)).collect(),
            (None, _) => {
                return Err(StoreError::Corrupt("no highest update id".into()));
            }
        };
        self.write_rows(
            tx,
            plan,
            changes,
            Vec::new(),
            update_ids,
            entered_at,
            indexes,
        )
        .await
    }

    /// The statement that writes a change set's progress updates, numbered from `next` (their
    /// search documents are left to the end of the batch): to go first in a query, as its
    /// parameters are anonymous. The rows are written only where every item `named` is the
    /// plan's, so that an update to another plan's item (or to none) is refused by the check
    /// that follows, as not found, rather than by a foreign key.
    fn updates_written_first(
        &self,
        plan: &Plan,
        changes: &ChangeSet,
        named: &[i64],
        next: i64,
        entered_at: &str,
    ) -> Result<RowsFirst> {
        let update_ids: Vec<UpdateId> = (0..changes.updates.len() as i64)
            .map(|n| UpdateId(next + n))
            .collect();
        let existing = |reference: ItemRef| -> Result<ItemId> {
            match reference {
                ItemRef::Existing(id) => Ok(id),
                ItemRef::New(index) => Err(StoreError::Invalid(format!(
                    "change set refers to new item {index}"
                ))),
            }
        };
        let rows = update_cells(plan, &changes.updates, &update_ids, entered_at, &existing)?;
        let mut batches = rows.into_batches(self.backend(), "updates", false);
        let (Some(batch), None) = (batches.next(), batches.next()) else {
            return Err(StoreError::Invalid(
                "progress updates written first must fit one batch".into(),
            ));
        };
        let batch = batch?;
        // The guard's values are bound (anonymous, after the batch's), so that the statement's
        // text is the same from one change set to the next and SQLite's prepared statement is
        // reused rather than parsed again.
        let sql = format!(
            "{} WHERE (SELECT COUNT(*) FROM items WHERE plan_id = ? AND org_id = ? \
             AND id IN (SELECT value FROM json_each(?))) = ?",
            batch.sql()
        );
        let named_json = format!(
            "[{}]",
            named
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        Ok(RowsFirst {
            sql,
            anonymous: batch.anonymous_parameters() + 4,
            batch,
            guard: (
                changes.plan.0,
                changes.org.0,
                named_json,
                named.len() as i64,
            ),
            update_ids,
        })
    }

    /// The rows of a change set, its ids drawn, and the derived indexes.
    #[allow(clippy::too_many_arguments)]
    async fn write_rows(
        &self,
        tx: &mut Transaction<'_, Any>,
        plan: &Plan,
        changes: &ChangeSet,
        item_ids: Vec<ItemId>,
        update_ids: Vec<UpdateId>,
        entered_at: &str,
        indexes: DerivedIndexes,
    ) -> Result<Applied> {
        let backend = self.backend();
        let resolve = |reference: ItemRef| -> Result<ItemId> {
            match reference {
                ItemRef::Existing(id) => Ok(id),
                ItemRef::New(index) => item_ids.get(index).copied().ok_or_else(|| {
                    StoreError::Invalid(format!("change set refers to new item {index}"))
                }),
            }
        };

        // Each batch of rows is made while the database writes the batch before (see
        // `run_pipelined`): on SQLite, a large import's Rust and SQLite halves overlap. Only
        // references are gathered beforehand, so SQLite has work within milliseconds.
        // Updates alone on SQLite (a progress update that changes no field): the rows and the
        // items' search documents in one round trip, the same statements as below.
        if backend == Backend::Sqlite
            && item_ids.is_empty()
            && changes.versions.is_empty()
            && indexes != DerivedIndexes::Later
            && !changes.updates.is_empty()
            && changes.updates.len() <= BATCH_ROWS
        {
            let rows = update_cells(plan, &changes.updates, &update_ids, entered_at, &resolve)?;
            let mut batches = rows.into_batches(backend, "updates", false);
            if let (Some(batch), None) = (batches.next(), batches.next()) {
                let items: BTreeSet<ItemId> = changes
                    .updates
                    .iter()
                    .map(|update| resolve(update.item))
                    .collect::<Result<_>>()?;
                let items: Vec<ItemId> = items.into_iter().collect();
                match indexes {
                    DerivedIndexes::Batch => batch?.run(tx).await?,
                    _ => {
                        let ids = search::ids_json(&items);
                        batch?
                            .run_then(tx, search::SQLITE_REINDEX_AFTER, &[ids.clone(), ids])
                            .await?
                    }
                }
                return Ok(Applied {
                    versions_written: 0,
                    item_ids,
                    update_ids,
                });
            }
        }
        let versions = version_rows_of(changes, &item_ids, &resolve)?;
        let owner_pairs: Vec<(ItemId, &str)> = versions
            .iter()
            .flat_map(|row| {
                row.fields
                    .owners
                    .iter()
                    .map(|post| (row.item, post.as_str()))
            })
            .collect();
        let item_batches = item_ids.chunks(BATCH_ROWS).flat_map(|ids| {
            made_when_needed(move || {
                Ok(item_rows(plan, ids, entered_at)?.into_batches(backend, "items", false))
            })
        });
        let version_batches = versions.chunks(BATCH_ROWS).flat_map(|chunk| {
            made_when_needed(move || {
                let rows = version_cells(plan, changes, chunk, entered_at)?;
                Ok(rows.into_batches(backend, "item_versions", false))
            })
        });
        let update_chunks = changes.updates.chunks(BATCH_ROWS);
        let update_batches =
            update_chunks
                .zip(update_ids.chunks(BATCH_ROWS))
                .flat_map(|(updates, ids)| {
                    let resolve = &resolve;
                    made_when_needed(move || {
                        let rows = update_cells(plan, updates, ids, entered_at, resolve)?;
                        Ok(rows.into_batches(backend, "updates", false))
                    })
                });
        let owner_batches = (indexes != DerivedIndexes::Later).then(|| {
            made_when_needed(|| {
                let rows = owners::owner_rows(plan.org, plan.id, &owner_pairs)?;
                Ok(rows.into_batches(backend, "item_owner_posts", true))
            })
        });
        let writes = item_batches
            .chain(version_batches)
            .chain(update_batches)
            .chain(owner_batches.into_iter().flatten());
        match &changes.watch {
            None => run_pipelined(tx, writes).await?,
            Some(watch) => {
                // The rows a watch is told of: items, versions and updates (the owner index
                // rides along uncounted).
                let total = item_ids.len() + versions.len() + changes.updates.len();
                let mut written = 0;
                watch.tell(0, total)?;
                run_pipelined_counted(tx, writes, &mut |rows| {
                    written = (written + rows).min(total);
                    watch.tell(written, total)
                })
                .await?;
            }
        }

        match indexes {
            DerivedIndexes::Now => {
                self.write_search_docs(tx, plan, changes, &versions, &item_ids)
                    .await?
            }
            DerivedIndexes::Later => backlog::queue_plan(tx, plan, entered_at).await?,
            DerivedIndexes::Batch => {}
        }
        // Last word before the commit: a watch that stops the write now stores nothing.
        if let Some(watch) = &changes.watch {
            let total = item_ids.len() + versions.len() + changes.updates.len();
            watch.tell(total, total)?;
        }

        Ok(Applied {
            versions_written: versions.len(),
            item_ids,
            update_ids,
        })
    }

    /// Rebuilds the search document of every item whose wording or updates the change set
    /// touches. A new item's document is made from what is being written (its one version and
    /// its updates); an existing item's is rebuilt from its whole history in the database.
    async fn write_search_docs(
        &self,
        tx: &mut Transaction<'_, Any>,
        plan: &Plan,
        changes: &ChangeSet,
        versions: &[VersionRow<'_>],
        item_ids: &[ItemId],
    ) -> Result<()> {
        let backend = self.backend();
        let mut new_docs: Vec<String> = versions[..item_ids.len()]
            .iter()
            .map(|row| search::version_words(row.fields, &strings_json(&row.fields.owners)))
            .collect();
        let mut existing: BTreeSet<ItemId> = versions[item_ids.len()..]
            .iter()
            .map(|row| row.item)
            .collect();
        for update in &changes.updates {
            match update.item {
                ItemRef::New(index) => {
                    if let Some(doc) = new_docs.get_mut(index) {
                        doc.push(' ');
                        doc.push_str(&update.text);
                    }
                }
                ItemRef::Existing(id) => {
                    existing.insert(id);
                }
            }
        }
        let new_docs: Vec<(ItemId, String)> = item_ids.iter().copied().zip(new_docs).collect();
        let existing: Vec<ItemId> = existing.into_iter().collect();
        search::index_new_items(tx, backend, plan, &new_docs).await?;
        search::reindex_items(tx, backend, &existing).await?;
        Ok(())
    }

    /// Refuses a change set that touches items of another plan (or another organisation).
    async fn check_existing_items(
        &self,
        tx: &mut Transaction<'_, Any>,
        changes: &ChangeSet,
    ) -> Result<()> {
        let wanted = existing_items_named(changes);
        if wanted.is_empty() {
            return Ok(());
        }
        // Only the ids named, in chunks under every backend's limit on bound values: a
        // progress update names one item and must not read the plan's thousands.
        let mut known: HashSet<i64> = HashSet::with_capacity(wanted.len());
        for chunk in wanted.chunks(500) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
            // Only numbered placeholders are formatted in; the ids are bound.
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT id FROM items WHERE plan_id = $1 AND org_id = $2 AND id IN ({})",
                placeholders.join(", ")
            ));
            let mut query = sqlx::query(sql).bind(changes.plan.0).bind(changes.org.0);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut **tx).await? {
                known.insert(row.try_get::<i64, _>("id")?);
            }
        }
        match wanted.into_iter().find(|id| !known.contains(id)) {
            Some(id) => Err(StoreError::NotFound { what: "item", id }),
            None => Ok(()),
        }
    }

    /// Reserves `count` new ids for `table` inside the transaction, so rows can be inserted in
    /// batches and still be referred to.
    pub(crate) async fn allocate_ids(
        &self,
        tx: &mut Transaction<'_, Any>,
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

/// The existing items a change set names (as parents, versions' items and updates' items),
/// each once: what must be the plan's own.
/// Not found unless `item` is an item of `plan`: for rows kept beside an item (evidence,
/// comments), written in `tx`.
pub(crate) async fn item_of_plan(
    tx: &mut Transaction<'_, Any>,
    plan: &Plan,
    item: ItemId,
) -> Result<()> {
    let owner = sqlx::query("SELECT plan_id FROM items WHERE id = $1")
        .bind(item.0)
        .fetch_optional(&mut **tx)
        .await?;
    let item_plan: Option<i64> = owner.map(|r| r.try_get("plan_id")).transpose()?;
    if item_plan != Some(plan.id.0) {
        return Err(StoreError::NotFound {
            what: "item",
            id: item.0,
        });
    }
    Ok(())
}

fn existing_items_named(changes: &ChangeSet) -> Vec<i64> {
    let mut wanted: BTreeSet<i64> = BTreeSet::new();
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
    wanted.into_iter().collect()
}

fn item_rows<'a>(plan: &Plan, item_ids: &[ItemId], entered_at: &'a str) -> Result<Rows<'a>> {
    let mut items = Rows::new(ITEM_COLUMNS, item_ids.len());
    for id in item_ids {
        items.push([
            Cell::Int(id.0),
            Cell::Int(plan.org.0),
            Cell::Int(plan.id.0),
            Cell::str(entered_at),
        ])?;
    }
    Ok(items)
}

/// The versions a change set writes: each new item's first, then the later versions of
/// existing items.
fn version_rows_of<'a>(
    changes: &'a ChangeSet,
    item_ids: &[ItemId],
    resolve: &impl Fn(ItemRef) -> Result<ItemId>,
) -> Result<Vec<VersionRow<'a>>> {
    let new_versions = changes.new_items.iter().zip(item_ids).map(|(item, id)| {
        Ok(VersionRow {
            item: *id,
            parent: item.parent.map(resolve).transpose()?,
            fields: &item.fields,
            effective: item.effective,
            reason: None,
        })
    });
    let later_versions = changes.versions.iter().map(|version| {
        Ok(VersionRow {
            item: version.item,
            parent: version.parent.map(resolve).transpose()?,
            fields: &version.fields,
            effective: version.effective,
            reason: version.reason.as_deref(),
        })
    });
    new_versions.chain(later_versions).collect()
}

fn version_cells<'a>(
    plan: &Plan,
    changes: &'a ChangeSet,
    versions: &'a [VersionRow<'a>],
    entered_at: &'a str,
) -> Result<Rows<'a>> {
    let mut rows = Rows::new(VERSION_COLUMNS, versions.len());
    for row in versions {
        let f = row.fields;
        rows.push([
            Cell::Int(plan.org.0),
            Cell::Int(plan.id.0),
            Cell::Int(row.item.0),
            Cell::string(date_text(row.effective)),
            Cell::str(entered_at),
            Cell::opt_str(changes.author.as_deref()),
            Cell::opt_str(row.reason),
            Cell::opt_int(row.parent.map(|p| p.0)),
            Cell::Int(f.position),
            Cell::opt_str(f.reference.as_deref()),
            Cell::str(&f.text),
            Cell::opt_str(f.description.as_deref()),
            Cell::opt_str(f.strategic_lead.as_deref()),
            Cell::string(strings_json(&f.owners)),
            Cell::opt_string(f.start.as_ref().map(|d| date_text(d.date))),
            Cell::opt_str(f.start.as_ref().and_then(|d| d.written.as_deref())),
            Cell::opt_string(f.due.as_ref().map(|d| date_text(d.date))),
            Cell::opt_str(match &f.due {
                Some(due) => due.written.as_deref(),
                // Words that name no day are kept where a vague date keeps its words.
                None => f.due_words.as_deref(),
            }),
            Cell::Int(i64::from(f.complete)),
            Cell::opt_string(f.completed_on.map(date_text)),
            Cell::opt_str(f.rag.map(|r| r.word())),
            Cell::string(tags_json(&f.tags)),
            Cell::opt_string(f.marking.map(|m| m.label())),
            Cell::Int(i64::from(f.archived)),
        ])?;
    }
    Ok(rows)
}

fn update_cells<'a>(
    plan: &Plan,
    updates: &'a [NewUpdate],
    update_ids: &[UpdateId],
    entered_at: &'a str,
    resolve: &impl Fn(ItemRef) -> Result<ItemId>,
) -> Result<Rows<'a>> {
    let mut rows = Rows::new(UPDATE_COLUMNS, update_ids.len());
    for (update, id) in updates.iter().zip(update_ids) {
        let item = resolve(update.item)?;
        rows.push([
            Cell::Int(id.0),
            Cell::Int(plan.org.0),
            Cell::Int(plan.id.0),
            Cell::Int(item.0),
            Cell::string(date_text(update.as_of)),
            Cell::str(entered_at),
            Cell::opt_str(update.author_person.as_deref()),
            Cell::opt_str(update.author_post.as_deref()),
            Cell::str(&update.text),
            Cell::opt_str(update.proposed_rag.map(|r| r.word())),
            Cell::opt_int(update.supersedes.map(|s| s.0)),
        ])?;
    }
    Ok(rows)
}

/// When `write_changes` writes the derived indexes (search documents, owner index) of the
/// items it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DerivedIndexes {
    /// In the same transaction: a change to a plan is findable the moment it commits.
    Now,
    /// After the transaction, through the index backlog (`backlog`): a new plan's import
    /// commits without them.
    Later,
    /// The owner index now; the search documents by the caller before it commits, once for
    /// every change set it writes in the transaction (the group-commit writer: FTS5 writes
    /// its pending terms at every savepoint, so one rebuild per batch instead of one per
    /// change set spares it a segment, and a merge, per request).
    Batch,
}

/// A version to write, whether of a new item or a later one of an existing item: references
/// only, so gathering them costs nothing; its stored text is made batch by batch.
struct VersionRow<'a> {
    item: ItemId,
    parent: Option<ItemId>,
    fields: &'a ItemFields,
    effective: NaiveDate,
    reason: Option<&'a str>,
}

/// What a transaction knows of the update ids it draws: the next one, once a change set of it
/// has read the highest (SQLite only; see `Store::write_small_changes`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct UpdateIds {
    next: Option<i64>,
}

/// Progress updates' rows to open a query with.
struct RowsFirst {
    sql: String,
    /// How many anonymous (`?`) parameters `sql` takes.
    anonymous: usize,
    batch: Batch,
    /// The guard's plan, organisation, the items named (a JSON array) and how many.
    guard: (i64, i64, String, i64),
    update_ids: Vec<UpdateId>,
}

impl RowsFirst {
    /// Binds the anonymous parameters, in the order `sql` takes them.
    fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
        let (plan, org, named, count) = self.guard;
        self.batch
            .bind(query)
            .bind(plan)
            .bind(org)
            .bind(named)
            .bind(count)
    }
}
