//! Fetching versions and updates as one JSON array per query.
//!
//! A plan's history is hundreds of rows of twenty-odd columns. Through `sqlx::Any` every row and
//! every column is copied, converted and dropped one by one, which cost more than SQLite's own
//! work (BENCHMARKS.md, "Where the time goes"). Asking the database to aggregate the rows into
//! one JSON text (`json_group_array` on SQLite, `json_agg` on PostgreSQL) moves one value per
//! query, and serde reads it straight into the row structs below, columns in the order of the
//! `*_COLUMNS` lists.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use waymark_core::{
    ChangeMeta, ItemFields, ItemId, ItemVersion, OrgId, Plan, PlanId, Update, UpdateId,
};

use crate::error::{Result, StoreError};
use crate::rows::{
    flex_date, parse_classification, parse_cycle, parse_day, parse_instant, parse_kind,
    parse_marking, parse_rag, parse_strings, parse_tags,
};
use crate::{Backend, Store};

pub(crate) const VERSION_COLUMNS: &str = "id, item_id, effective, entered_at, author, reason, \
    parent_id, position, reference, text, description, strategic_lead, owners, start_date, \
    start_written, due_date, due_written, complete, completed_on, rag, tags, marking, plan_id, \
    archived";
pub(crate) const UPDATE_COLUMNS: &str = "id, item_id, as_of, entered_at, author_person, \
    author_post, text, proposed_rag, supersedes_id, plan_id";

pub(crate) const PLAN_REVISION_COLUMNS: &str = "id, org_id, kind, title, period, level_names, \
    owner_posts, source, update_cycle, revision, marking, archived_at";

/// One `plans` row with its revision, fields in `PLAN_REVISION_COLUMNS` order.
#[derive(Deserialize)]
struct PlanRow {
    id: i64,
    org_id: i64,
    kind: String,
    title: String,
    period: Option<String>,
    level_names: String,
    owner_posts: String,
    source: Option<String>,
    update_cycle: String,
    revision: i64,
    marking: String,
    archived_at: Option<String>,
}

impl PlanRow {
    fn into_plan(self) -> Result<(Plan, i64)> {
        let plan = Plan {
            id: PlanId(self.id),
            org: OrgId(self.org_id),
            kind: parse_kind(&self.kind),
            title: self.title,
            period: self.period,
            level_names: parse_strings(&self.level_names)?,
            owner_posts: parse_strings(&self.owner_posts)?,
            source: self.source,
            update_cycle: parse_cycle(&self.update_cycle)?,
            marking: parse_classification(&self.marking)?,
            archived: self.archived_at.is_some(),
        };
        Ok((plan, self.revision))
    }
}

/// One `item_versions` row, fields in `VERSION_COLUMNS` order.
#[derive(Deserialize)]
struct VersionRow {
    id: i64,
    item_id: i64,
    effective: String,
    entered_at: String,
    author: Option<String>,
    reason: Option<String>,
    parent_id: Option<i64>,
    position: i64,
    reference: Option<String>,
    text: String,
    description: Option<String>,
    strategic_lead: Option<String>,
    owners: String,
    start_date: Option<String>,
    start_written: Option<String>,
    due_date: Option<String>,
    due_written: Option<String>,
    complete: i64,
    completed_on: Option<String>,
    rag: Option<String>,
    tags: String,
    marking: Option<String>,
    plan_id: i64,
    archived: i64,
}

/// One `updates` row, fields in `UPDATE_COLUMNS` order.
#[derive(Deserialize)]
struct UpdateRow {
    id: i64,
    item_id: i64,
    as_of: String,
    entered_at: String,
    author_person: Option<String>,
    author_post: Option<String>,
    text: String,
    proposed_rag: Option<String>,
    supersedes_id: Option<i64>,
    plan_id: i64,
}

impl VersionRow {
    fn into_version(self) -> Result<(PlanId, ItemVersion)> {
        let plan = PlanId(self.plan_id);
        let version = ItemVersion {
            item: ItemId(self.item_id),
            seq: self.id,
            meta: ChangeMeta {
                effective: parse_day(&self.effective)?,
                entered_at: parse_instant(&self.entered_at)?,
                author: self.author,
                reason: self.reason,
            },
            fields: ItemFields {
                parent: self.parent_id.map(ItemId),
                position: self.position,
                reference: self.reference,
                text: self.text,
                description: self.description,
                strategic_lead: self.strategic_lead,
                owners: parse_strings(&self.owners)?,
                start: flex_date(self.start_date, self.start_written)?,
                due_words: self.due_written.clone().filter(|_| self.due_date.is_none()),
                due: flex_date(self.due_date, self.due_written)?,
                complete: self.complete != 0,
                completed_on: self.completed_on.map(|d| parse_day(&d)).transpose()?,
                rag: parse_rag(self.rag)?,
                tags: parse_tags(&self.tags)?,
                marking: parse_marking(self.marking),
                archived: self.archived != 0,
            },
        };
        Ok((plan, version))
    }
}

impl UpdateRow {
    fn into_update(self) -> Result<(PlanId, Update)> {
        let plan = PlanId(self.plan_id);
        let update = Update {
            id: UpdateId(self.id),
            item: ItemId(self.item_id),
            as_of: parse_day(&self.as_of)?,
            entered_at: parse_instant(&self.entered_at)?,
            author_person: self.author_person,
            author_post: self.author_post,
            text: self.text,
            proposed_rag: parse_rag(self.proposed_rag)?,
            supersedes: self.supersedes_id.map(UpdateId),
        };
        Ok((plan, update))
    }
}

impl Store {
    /// `SELECT` of `columns` aggregated into one JSON array of arrays, for `from_where` (the
    /// rest of the query: `FROM ... WHERE ...`, with `$n` parameters).
    pub(crate) fn json_rows_sql(&self, columns: &str, from_where: &str) -> String {
        match self.backend() {
            Backend::Sqlite => {
                format!("SELECT json_group_array(json_array({columns})) AS rows {from_where}")
            }
            Backend::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array({columns})), '[]'::json)::text AS rows \
                 {from_where}"
            ),
        }
    }

    /// Versions matching `from_where` (which must read `FROM item_versions`), each with its
    /// plan, in no order.
    pub(crate) async fn fetch_versions(
        &self,
        from_where: &str,
        binds: &[Bind<'_>],
    ) -> Result<Vec<(PlanId, ItemVersion)>> {
        let rows: Vec<VersionRow> = self
            .fetch_json(&self.json_rows_sql(VERSION_COLUMNS, from_where), binds)
            .await?;
        rows.into_iter().map(VersionRow::into_version).collect()
    }

    /// Plans with their revisions matching `from_where` (which must read `FROM plans`).
    pub(crate) async fn fetch_plans(
        &self,
        from_where: &str,
        binds: &[Bind<'_>],
    ) -> Result<Vec<(Plan, i64)>> {
        let rows: Vec<PlanRow> = self
            .fetch_json(
                &self.json_rows_sql(PLAN_REVISION_COLUMNS, from_where),
                binds,
            )
            .await?;
        rows.into_iter().map(PlanRow::into_plan).collect()
    }

    /// Updates matching `from_where` (which must read `FROM updates`), each with its plan, in
    /// no order.
    pub(crate) async fn fetch_updates(
        &self,
        from_where: &str,
        binds: &[Bind<'_>],
    ) -> Result<Vec<(PlanId, Update)>> {
        let rows: Vec<UpdateRow> = self
            .fetch_json(&self.json_rows_sql(UPDATE_COLUMNS, from_where), binds)
            .await?;
        rows.into_iter().map(UpdateRow::into_update).collect()
    }

    /// One item's plan (by the item's `plan_id`; empty where there is no such item), every
    /// version and every update, each with its plan, in one query of three JSON arrays.
    pub(crate) async fn fetch_item_rows(
        &self,
        item: ItemId,
        ancestors: Ancestors,
    ) -> Result<ItemRows> {
        let plan = self.json_rows_sql(
            PLAN_REVISION_COLUMNS,
            "FROM plans WHERE id = (SELECT plan_id FROM items WHERE id = $1)",
        );
        let versions = self.json_rows_sql(VERSION_COLUMNS, "FROM item_versions WHERE item_id = $1");
        let updates = self.json_rows_sql(UPDATE_COLUMNS, "FROM updates WHERE item_id = $1");
        // Every item named as a parent by a version of the item or of an item so named: a
        // superset of the lineage on any day, walked in memory. UNION ends a cycle.
        let ancestors_column = match ancestors {
            Ancestors::Read => format!(
                ", ({}) AS ancestors",
                self.json_rows_sql(
                    VERSION_COLUMNS,
                    "FROM item_versions WHERE item_id IN (WITH RECURSIVE chain(id) AS (\
                     SELECT parent_id FROM item_versions \
                     WHERE item_id = $1 AND parent_id IS NOT NULL \
                     UNION SELECT v.parent_id FROM item_versions v \
                     JOIN chain ON v.item_id = chain.id WHERE v.parent_id IS NOT NULL) \
                     SELECT id FROM chain)",
                )
            ),
            Ancestors::Skip => String::new(),
        };
        // The statements are this module's own; only the item's id is bound.
        let sql = format!(
            "SELECT ({plan}) AS plan, ({versions}) AS versions, ({updates}) AS updates\
             {ancestors_column}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(item.0)
            .fetch_one(self.pool())
            .await?;
        fn rows_of<T: DeserializeOwned>(row: &sqlx::any::AnyRow, column: &str) -> Result<Vec<T>> {
            match row.try_get::<Option<String>, _>(column)? {
                None => Ok(Vec::new()),
                Some(text) => serde_json::from_str(&text)
                    .map_err(|error| StoreError::Corrupt(format!("history rows: {error}"))),
            }
        }
        let plans: Vec<PlanRow> = rows_of(&row, "plan")?;
        let versions: Vec<VersionRow> = rows_of(&row, "versions")?;
        let updates: Vec<UpdateRow> = rows_of(&row, "updates")?;
        let ancestor_rows: Vec<VersionRow> = match ancestors {
            Ancestors::Read => rows_of(&row, "ancestors")?,
            Ancestors::Skip => Vec::new(),
        };
        Ok(ItemRows {
            plan: plans
                .into_iter()
                .next()
                .map(PlanRow::into_plan)
                .transpose()?
                .map(|(plan, _)| plan),
            versions: versions
                .into_iter()
                .map(VersionRow::into_version)
                .collect::<Result<_>>()?,
            updates: updates
                .into_iter()
                .map(UpdateRow::into_update)
                .collect::<Result<_>>()?,
            ancestors: ancestor_rows
                .into_iter()
                .map(VersionRow::into_version)
                .collect::<Result<_>>()?,
        })
    }

    pub(crate) async fn fetch_json<T: DeserializeOwned>(
        &self,
        sql: &str,
        binds: &[Bind<'_>],
    ) -> Result<Vec<T>> {
        fetch_json_on(self.pool(), sql, binds).await
    }
}

/// What `Store::fetch_item_rows` reads of one item.
pub(crate) struct ItemRows {
    pub plan: Option<Plan>,
    pub versions: Vec<(PlanId, ItemVersion)>,
    pub updates: Vec<(PlanId, Update)>,
    /// The versions of the item's ancestors, where they were asked for.
    pub ancestors: Vec<(PlanId, ItemVersion)>,
}

/// Whether `Store::fetch_item_rows` reads the versions of the item's ancestors too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ancestors {
    Read,
    Skip,
}

/// `Store::fetch_json` on a given connection or transaction.
pub(crate) async fn fetch_json_on<'c, T: DeserializeOwned>(
    executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
    sql: &str,
    binds: &[Bind<'_>],
) -> Result<Vec<T>> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    for bind in binds {
        query = match bind {
            Bind::Int(value) => query.bind(*value),
            Bind::Text(value) => query.bind(value.to_string()),
        };
    }
    let row = query.fetch_one(executor).await?;
    let text: Option<String> = row.try_get("rows")?;
    match text {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|error| StoreError::Corrupt(format!("history rows: {error}"))),
    }
}

/// What a JSON array bound as one parameter holds, for `Store::json_list_sql`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ListOf {
    Ids,
    Texts,
}

impl Store {
    /// A subquery listing the values of the JSON array bound to `parameter`: one parameter
    /// however many values (SQLite scans its parameter names linearly, and PostgreSQL caps
    /// their number).
    pub(crate) fn json_list_sql(&self, parameter: &str, of: ListOf) -> String {
        match (self.backend(), of) {
            (Backend::Sqlite, _) => format!("SELECT value FROM json_each({parameter})"),
            (Backend::Postgres, ListOf::Ids) => {
                format!("SELECT jsonb_array_elements_text({parameter}::jsonb)::bigint")
            }
            (Backend::Postgres, ListOf::Texts) => {
                format!("SELECT jsonb_array_elements_text({parameter}::jsonb)")
            }
        }
    }
}

/// A query parameter of the history reads.
pub(crate) enum Bind<'a> {
    Int(i64),
    Text(&'a str),
}
