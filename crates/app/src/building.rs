//! What the pages that build a plan read before they change it: today's view of a plan to add
//! items to, and what archiving an item would take with it. Each asks what the change itself
//! asks (that the actor manages the plan, and that the plan is not archived), so a page never
//! offers a form whose answer would be a refusal.

use waymark_core::{ItemId, PlanId};

use crate::App;
use crate::access::PlanRead;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// An item about to be archived, with what would leave the plan with it.
#[derive(Debug, Clone)]
pub struct ArchivePreview {
    /// Today's view of the plan, narrowed to what the actor may see; the item is in it.
    pub plan: PlanRead,
    pub item: ItemId,
    /// The items under it, in the plan's order: archiving takes them too.
    pub under: Vec<ItemId>,
}

impl App {
    /// Today's view of a plan the actor manages, for the form that adds an item to it:
    /// forbidden to anyone else, and refused while the plan is archived.
    pub async fn plan_to_build(&self, actor: &Actor, id: PlanId) -> Result<PlanRead> {
        let visible = self.managed_plan(actor, id).await?;
        self.read_view(&visible, self.today(), None).await
    }

    /// What archiving `item` would do, asked exactly as [`App::set_item_archived`] asks:
    /// the plan must be the actor's own organisation's, managed by them, and not archived.
    pub async fn item_archive_preview(
        &self,
        actor: &Actor,
        item: ItemId,
    ) -> Result<ArchivePreview> {
        let read = self.item(actor, item, self.today()).await?;
        if !read.plan.may_manage() || read.plan.access.share.is_some() {
            return Err(AppError::Forbidden);
        }
        if read.plan.view.plan.archived {
            return Err(AppError::state(
                "form",
                "This plan is archived: restore it first",
            ));
        }
        let under = items_under(&read.plan, item);
        Ok(ArchivePreview {
            plan: read.plan,
            item,
            under,
        })
    }
}

/// The items under `item` in a view: those after it in the plan's order, until the next
/// item at its depth or above.
fn items_under(read: &PlanRead, item: ItemId) -> Vec<ItemId> {
    let items = &read.view.items;
    let Some(index) = items.iter().position(|i| i.id == item) else {
        return Vec::new();
    };
    let depth = items[index].depth;
    items[index + 1..]
        .iter()
        .take_while(|i| i.depth > depth)
        .map(|i| i.id)
        .collect()
}
