//! Reads of many plans at once, for the pages that show many: the home page (a page of plans,
//! each with today's view and its RAG mix month by month) and My actions (every plan where the
//! viewer's posts own something). Each asks the database for the plans' revisions in one
//! query, serves what the caches hold at those revisions, and reads the rest of the plans'
//! histories in one query per table, so a page costs a handful of queries however many plans
//! it shows.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use waymark_core::{ItemVersion, OrgId, Plan, PlanId, Update};

use crate::error::Result;
use crate::history_rows::{Bind, ListOf};
use crate::read::{END_OF_TIME, PlanView, RagMix, derive_view, rag_mixes};
use crate::rows::{date_text, instant_text};
use crate::{Scope, Store};

/// Plans asked for in one query; more are read in several.
const PLANS_PER_QUERY: usize = 200;

impl Store {
    /// How many plans the scope may see, and the `limit` of them from `offset` in id order.
    pub async fn plans_page(
        &self,
        scope: Scope,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<Plan>)> {
        let (count_sql, page_sql, org) = match scope {
            Scope::All => (
                "SELECT COUNT(*) AS n FROM plans WHERE $1 = $1",
                "SELECT id, org_id, kind, title, period, level_names, owner_posts, source, \
                 update_cycle, marking, archived_at FROM plans WHERE $1 = $1 ORDER BY id \
                 LIMIT $2 OFFSET $3",
                0,
            ),
            Scope::Org(org) => (
                "SELECT COUNT(*) AS n FROM plans WHERE org_id = $1",
                "SELECT id, org_id, kind, title, period, level_names, owner_posts, source, \
                 update_cycle, marking, archived_at FROM plans WHERE org_id = $1 ORDER BY id \
                 LIMIT $2 OFFSET $3",
                org.0,
            ),
        };
        let count: i64 = sqlx::query(count_sql)
            .bind(org)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let rows = sqlx::query(page_sql)
            .bind(org)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await?;
        let plans = rows
            .iter()
            .map(crate::plan_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok((usize::try_from(count).unwrap_or(0), plans))
    }

    /// Each of `plans` as it stood at the end of `as_at`, as known now, in the order asked;
    /// plans the scope may not see, or that do not exist, are left out.
    pub async fn plan_views(
        &self,
        scope: Scope,
        plans: &[PlanId],
        as_at: NaiveDate,
    ) -> Result<Vec<Arc<PlanView>>> {
        self.views_as_known(scope, plans, as_at, None).await
    }

    /// `plan_views` as known at `known_at` (`None` = now): the one path by which views are
    /// served from the cache or built from the history, for one plan or many.
    pub(crate) async fn views_as_known(
        &self,
        scope: Scope,
        plans: &[PlanId],
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<Arc<PlanView>>> {
        let mut views = Vec::with_capacity(plans.len());
        for chunk in plans.chunks(PLANS_PER_QUERY) {
            let revised = self.revisions(scope, chunk).await?;
            let mut found = self
                .views_of_revisions(scope, &revised, as_at, known_at)
                .await?;
            // In the order asked, which the database does not keep.
            views.extend(chunk.iter().filter_map(|id| found.remove(id)));
        }
        Ok(views)
    }

    /// `plan_views` for plans whose revisions the caller has just read (with the plans' other
    /// rows, in one query): the cached views still current, the others built from the history.
    /// The order is that of `revised`.
    pub async fn plan_views_at_revisions(
        &self,
        scope: Scope,
        revised: &[(PlanId, i64)],
        as_at: NaiveDate,
    ) -> Result<Vec<Arc<PlanView>>> {
        let mut views = Vec::with_capacity(revised.len());
        for chunk in revised.chunks(PLANS_PER_QUERY) {
            let mut found = self.views_of_revisions(scope, chunk, as_at, None).await?;
            views.extend(chunk.iter().filter_map(|(id, _)| found.remove(id)));
        }
        Ok(views)
    }

    /// The views of `revised`, by plan: cached where current, otherwise built from the history
    /// and cached. Each caller orders them as it was asked.
    async fn views_of_revisions(
        &self,
        scope: Scope,
        revised: &[(PlanId, i64)],
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<HashMap<PlanId, Arc<PlanView>>> {
        let mut found: HashMap<PlanId, Arc<PlanView>> = HashMap::new();
        let mut missing: Vec<PlanId> = Vec::new();
        for &(plan, revision) in revised {
            match self.views.get(&(plan, as_at, known_at), revision) {
                // The revisions may come from the caller: the scope is checked on the view too.
                Some(view) if scope.allows(view.plan.org) => {
                    found.insert(plan, view);
                }
                Some(_) => {}
                None => missing.push(plan),
            }
        }
        if !missing.is_empty() {
            let plans = self.plans_with_revisions(scope, &missing).await?;
            let (mut versions, mut updates) =
                self.histories(&missing, as_at, known_at, true).await?;
            for (plan, revision) in plans {
                // The revision read with the plan is at most the one the rows are as of: a
                // change committed between the queries makes the view newer, never older.
                let id = plan.id;
                let view = Arc::new(derive_view(
                    plan,
                    as_at,
                    known_at,
                    versions.remove(&id).unwrap_or_default(),
                    updates.remove(&id).unwrap_or_default(),
                ));
                self.views
                    .put((id, as_at, known_at), revision, Arc::clone(&view));
                found.insert(id, view);
            }
        }
        Ok(found)
    }

    /// Reads the view of every plan as at `as_at` into the cache, the most often revised plans
    /// first, in batches, until the cache is three-quarters full; returns how many views it
    /// holds. A server does this when it starts and when the day changes, so that the first
    /// visitors to each plan do not each wait for its history to be read.
    pub async fn warm_views(&self, as_at: NaiveDate) -> Result<usize> {
        let mut rows: Vec<(i64, i64)> = self
            .fetch_json(&self.json_rows_sql("id, revision", "FROM plans"), &[])
            .await?;
        rows.sort_unstable_by_key(|(id, revision)| std::cmp::Reverse((*revision, *id)));
        let ids: Vec<PlanId> = rows.into_iter().map(|(id, _)| PlanId(id)).collect();
        let mut warmed = 0;
        for chunk in ids.chunks(PLANS_PER_QUERY) {
            if self.views.nearly_full() {
                break;
            }
            warmed += self.plan_views(Scope::All, chunk, as_at).await?.len();
        }
        Ok(warmed)
    }

    /// The RAG mix of each plan's actions at the end of each of `days`, in the order asked;
    /// plans the scope may not see are left out.
    pub async fn rag_mixes_at(
        &self,
        scope: Scope,
        plans: &[PlanId],
        days: &[NaiveDate],
    ) -> Result<Vec<(PlanId, Arc<Vec<RagMix>>)>> {
        let Some(last) = days.iter().max().copied() else {
            return Ok(plans
                .iter()
                .map(|plan| (*plan, Arc::new(Vec::new())))
                .collect());
        };
        let mut mixes = Vec::with_capacity(plans.len());
        for chunk in plans.chunks(PLANS_PER_QUERY) {
            let revised = self.revisions(scope, chunk).await?;
            let mut found: HashMap<PlanId, Arc<Vec<RagMix>>> = HashMap::new();
            let mut missing: Vec<(PlanId, i64)> = Vec::new();
            for (plan, revision) in revised {
                match self.mixes.get(&(plan, days.to_vec()), revision) {
                    Some(mix) => {
                        found.insert(plan, mix);
                    }
                    None => missing.push((plan, revision)),
                }
            }
            if !missing.is_empty() {
                let ids: Vec<PlanId> = missing.iter().map(|(plan, _)| *plan).collect();
                let (mut versions, _) = self.histories(&ids, last, None, false).await?;
                for (plan, revision) in missing {
                    let mix = Arc::new(rag_mixes(versions.remove(&plan).unwrap_or_default(), days));
                    self.mixes
                        .put((plan, days.to_vec()), revision, Arc::clone(&mix));
                    found.insert(plan, mix);
                }
            }
            mixes.extend(
                chunk
                    .iter()
                    .filter_map(|id| found.remove(id).map(|mix| (*id, mix))),
            );
        }
        Ok(mixes)
    }

    /// The revisions of the plans among `ids` that the scope may see, in one query: all a read
    /// needs to know whether its cached views are current.
    pub(crate) async fn revisions(
        &self,
        scope: Scope,
        ids: &[PlanId],
    ) -> Result<Vec<(PlanId, i64)>> {
        let ids = id_list_json(ids);
        let sql = self.json_rows_sql(
            "id, org_id, revision",
            &format!(
                "FROM plans WHERE id IN ({})",
                self.json_list_sql("$1", ListOf::Ids)
            ),
        );
        let rows: Vec<(i64, i64, i64)> = self.fetch_json(&sql, &[Bind::Text(&ids)]).await?;
        Ok(rows
            .into_iter()
            .filter(|(_, org, _)| scope.allows(OrgId(*org)))
            .map(|(id, _, revision)| (PlanId(id), revision))
            .collect())
    }

    /// The plans among `ids` that the scope may see, with their revisions, in one query.
    pub(crate) async fn plans_with_revisions(
        &self,
        scope: Scope,
        ids: &[PlanId],
    ) -> Result<Vec<(Plan, i64)>> {
        let ids = id_list_json(ids);
        let plans = self
            .fetch_plans(
                &format!(
                    "FROM plans WHERE id IN ({})",
                    self.json_list_sql("$1", ListOf::Ids)
                ),
                &[Bind::Text(&ids)],
            )
            .await?;
        Ok(plans
            .into_iter()
            .filter(|(plan, _)| scope.allows(plan.org))
            .collect())
    }

    /// The versions effective on or before `until` and, if `with_updates`, the updates of the
    /// items of `plans`, by plan, as known at `known_at` (`None` = now).
    async fn histories(
        &self,
        plans: &[PlanId],
        until: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        with_updates: bool,
    ) -> Result<(
        HashMap<PlanId, Vec<ItemVersion>>,
        HashMap<PlanId, Vec<Update>>,
    )> {
        let ids = id_list_json(plans);
        let list = self.json_list_sql("$1", ListOf::Ids);
        let until = date_text(until);
        let known = known_at
            .map(instant_text)
            .unwrap_or_else(|| END_OF_TIME.into());
        let versions = self
            .fetch_versions(
                &format!(
                    "FROM item_versions WHERE plan_id IN ({list}) AND effective <= $2 \
                     AND entered_at <= $3"
                ),
                &[Bind::Text(&ids), Bind::Text(&until), Bind::Text(&known)],
            )
            .await?;
        let mut versions_by_plan: HashMap<PlanId, Vec<ItemVersion>> = HashMap::new();
        for (plan, version) in versions {
            versions_by_plan.entry(plan).or_default().push(version);
        }
        let mut updates_by_plan: HashMap<PlanId, Vec<Update>> = HashMap::new();
        if with_updates {
            let updates = self
                .fetch_updates(
                    &format!("FROM updates WHERE plan_id IN ({list}) AND entered_at <= $2"),
                    &[Bind::Text(&ids), Bind::Text(&known)],
                )
                .await?;
            for (plan, update) in updates {
                updates_by_plan.entry(plan).or_default().push(update);
            }
        }
        Ok((versions_by_plan, updates_by_plan))
    }
}

fn id_list_json(ids: &[PlanId]) -> String {
    let numbers: Vec<i64> = ids.iter().map(|id| id.0).collect();
    serde_json::to_string(&numbers).unwrap_or_else(|_| "[]".into())
}
