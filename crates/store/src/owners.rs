//! The owner index: which posts have owned which items. Written in the same transaction as the
//! versions it describes (a new plan's just after, through the index backlog); read by "My
//! actions" to find the items worth checking.

use std::collections::BTreeSet;

use waymark_core::{ItemId, OrgId, PlanId};

use crate::error::Result;
use crate::history_rows::{Bind, ListOf};
use crate::rows::{Cell, Column, Rows, int, text};
use crate::{Scope, Store};

/// The owner index's rows for (item, post) pairs: posts lower-cased, each pair once. They are
/// inserted ignoring pairs already indexed.
pub(crate) fn owner_rows(
    org: OrgId,
    plan: PlanId,
    pairs: &[(ItemId, &str)],
) -> Result<Rows<'static>> {
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
    Ok(rows)
}

const OWNER_COLUMNS: &[Column] = &[int("item_id"), int("plan_id"), int("org_id"), text("post")];

/// The items a post owns or has owned in one plan, with the plan's revision as read in the same
/// query, so the caller can take the plan's view from the cache without asking again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedItems {
    pub plan: PlanId,
    pub revision: i64,
    pub items: Vec<ItemId>,
}

impl Store {
    /// The items that any of `posts` owns or has owned (from the owner index), by plan, plans
    /// in id order: My actions' candidates, to be checked against the owners in force.
    pub async fn items_owned_by(
        &self,
        scope: Scope,
        org: OrgId,
        posts: &[String],
    ) -> Result<Vec<OwnedItems>> {
        if posts.is_empty() || !scope.allows(org) {
            return Ok(Vec::new());
        }
        // Plans imported moments ago may not be in the index yet.
        self.catch_up_organisation(org).await?;
        let posts: Vec<String> = posts.iter().map(|p| p.trim().to_lowercase()).collect();
        let posts = serde_json::to_string(&posts).unwrap_or_else(|_| "[]".into());
        let list = self.json_list_sql("$2", ListOf::Texts);
        let sql = self.json_rows_sql(
            "plan_id, revision, item_id",
            &format!(
                "FROM (SELECT DISTINCT o.plan_id, p.revision, o.item_id \
                 FROM item_owner_posts o JOIN plans p ON p.id = o.plan_id \
                 WHERE o.org_id = $1 AND o.post IN ({list})) AS owned"
            ),
        );
        let mut rows: Vec<(i64, i64, i64)> = self
            .fetch_json(&sql, &[Bind::Int(org.0), Bind::Text(&posts)])
            .await?;
        rows.sort_unstable();
        let mut by_plan: Vec<OwnedItems> = Vec::new();
        for (plan, revision, item) in rows {
            let (plan, item) = (PlanId(plan), ItemId(item));
            match by_plan.last_mut() {
                Some(last) if last.plan == plan => last.items.push(item),
                _ => by_plan.push(OwnedItems {
                    plan,
                    revision,
                    items: vec![item],
                }),
            }
        }
        Ok(by_plan)
    }
}
