//! Writes shaped for programs (the JSON API): each answers with the thing as it now stands,
//! with the version the next edit starts from, instead of a page to go back to; a plan's edit
//! names only the fields that change; and a share names its partner by code as well as by id.
//! Each is the pages' use case underneath, so the checks are the same ones.

use waymark_core::{ItemId, Marking, OrgId, PlanId, ShareAccess};
use waymark_store::StoredShare;

use crate::App;
use crate::actor::Actor;
use crate::api_reads::PlanDetail;
use crate::error::{AppError, Result};
use crate::items::{ItemInput, ItemRead};
use crate::organisations::ShareInput;
use crate::plans::PlanInput;

/// The fields of a plan to change; `None` leaves a field as it is. A marking or a descriptor
/// given alone replaces the whole classification, so setting OFFICIAL drops a descriptor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanPatch {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub period: Option<String>,
    pub level_names: Option<Vec<String>>,
    pub owner_posts: Option<Vec<String>>,
    pub source: Option<String>,
    pub update_cycle: Option<String>,
    pub marking: Option<String>,
    pub descriptor: Option<String>,
}

impl PlanPatch {
    /// `input` with this patch's fields laid over it.
    pub fn apply_to(&self, input: &mut PlanInput) {
        let set = |field: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                field.clone_from(value);
            }
        };
        set(&mut input.title, &self.title);
        set(&mut input.kind, &self.kind);
        set(&mut input.period, &self.period);
        set(&mut input.source, &self.source);
        set(&mut input.update_cycle, &self.update_cycle);
        if let Some(names) = &self.level_names {
            input.level_names = names.join("\n");
        }
        if let Some(posts) = &self.owner_posts {
            input.owner_posts = posts.join("\n");
        }
        if self.marking.is_some() || self.descriptor.is_some() {
            input.marking = self.marking.clone().unwrap_or_default();
            input.descriptor = self.descriptor.clone().unwrap_or_default();
        }
    }
}

/// The organisation a plan is shared with, as a program knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partner {
    Id(OrgId),
    /// Its short code, such as "OXCC".
    Code(String),
}

/// A share to make, naming the partner by id or code.
#[derive(Debug, Clone)]
pub struct ShareRequest {
    pub with: Partner,
    pub access: ShareAccess,
    pub ceiling: Marking,
    /// Chosen items, each with what is under it; `None` for the whole plan.
    pub items: Option<Vec<ItemId>>,
}

impl App {
    /// Creates an empty plan in the actor's organisation and answers with it as they now see
    /// it.
    pub async fn create_plan_detail(&self, actor: &Actor, input: &PlanInput) -> Result<PlanDetail> {
        let plan = self.create_plan(actor, None, input).await?;
        self.plan_detail(actor, plan.id).await
    }

    /// Changes the fields of a plan that `patch` names, if the plan is still at
    /// `expected_version`; a stale edit gets a conflict that shows the plan as it is now.
    pub async fn patch_plan(
        &self,
        actor: &Actor,
        id: PlanId,
        patch: &PlanPatch,
        expected_version: i64,
    ) -> Result<PlanDetail> {
        // The patch is laid over the plan as it is now; the version check in `edit_plan`
        // refuses it if that is not the version the caller started from.
        let (plan, _) = self.plan_for_edit(actor, id).await?;
        let mut input = PlanInput::of(&plan);
        patch.apply_to(&mut input);
        self.edit_plan(actor, id, &input, expected_version).await?;
        self.plan_detail(actor, id).await
    }

    /// Adds an item to a plan (at the top level or under `parent`) and answers with it.
    pub async fn add_item_and_read(
        &self,
        actor: &Actor,
        plan: PlanId,
        parent: Option<ItemId>,
        input: &ItemInput,
    ) -> Result<ItemRead> {
        let item = self.add_item(actor, plan, parent, input).await?;
        self.item(actor, item, self.today()).await
    }

    /// Changes the fields of an item that `input` names, if it is still at
    /// `expected_version`, and answers with it as it now stands.
    pub async fn edit_item_and_read(
        &self,
        actor: &Actor,
        item: ItemId,
        input: &ItemInput,
        expected_version: i64,
    ) -> Result<ItemRead> {
        self.edit_item(actor, item, input, Some(expected_version))
            .await?;
        self.item(actor, item, self.today()).await
    }

    /// Shares a plan, or chosen items of it, with an organisation named by id or code.
    pub async fn share_plan_with(
        &self,
        actor: &Actor,
        plan: PlanId,
        request: &ShareRequest,
    ) -> Result<StoredShare> {
        let with = match &request.with {
            Partner::Id(org) => *org,
            Partner::Code(code) => {
                // Whether a code exists is told only to someone who may share the plan.
                self.plan_shares(actor, plan).await?;
                self.store()
                    .organisation_by_code(code.trim())
                    .await?
                    .ok_or_else(|| {
                        AppError::unknown(
                            "with",
                            format!("No organisation has the code {}", code.trim()),
                        )
                    })?
                    .id
            }
        };
        self.share_plan(
            actor,
            plan,
            &ShareInput {
                with,
                access: request.access,
                ceiling: request.ceiling,
                items: request.items.clone(),
            },
        )
        .await
    }
}
