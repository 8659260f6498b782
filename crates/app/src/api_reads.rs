//! Reads shaped for programs (the JSON API): a plan with the version an edit of it starts
//! from, and a search that answers with the items it found, ranked, rather than their ids alone. Both
//! go through the one visibility rule in [`crate::access`], like every other read.

use waymark_core::PlanId;

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use crate::item_list::{ItemFilter, ItemList, ListParams};

/// The longest search a person or program may ask for, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A plan the actor may see, with what they may do in it and the version of its own fields
/// (the API's ETag, which an edit names in `If-Match`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDetail {
    pub visible: VisiblePlan,
    pub version: i64,
}

impl App {
    /// One plan the actor may see, with its version; not found otherwise.
    pub async fn plan_detail(&self, actor: &Actor, id: PlanId) -> Result<PlanDetail> {
        let mut visible = self.plan(actor, id).await?;
        // The plan is read again with its version, so that the fields and the version agree.
        let (plan, version) = self
            .store()
            .plan_with_version(visible.scope(), visible.plan.id)
            .await?;
        visible.plan = plan;
        Ok(PlanDetail { visible, version })
    }

    /// The items of a plan that contain every word of `query` (in their fields or updates),
    /// of those the actor may see, as the plan stands today: best match first unless `sort`
    /// says otherwise, and every match (none is capped).
    pub async fn search_items(
        &self,
        actor: &Actor,
        plan: PlanId,
        query: &str,
        sort: Option<String>,
    ) -> Result<ItemList> {
        let query = query.trim();
        if query.is_empty() {
            return Err(AppError::invalid("q", "Enter the words to search for"));
        }
        let (filter, problems) = ItemFilter::read(&ListParams {
            q: Some(query.to_string()),
            sort,
            ..ListParams::default()
        });
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        self.list_items(actor, plan, self.today(), filter).await
    }
}
