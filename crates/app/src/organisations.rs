//! Organisations (forces, PCC offices, local authorities, partners) and the plans shared with
//! them. Administrators add partner organisations; a plan, or chosen items of it, is shared by
//! its organisation's administrators or the plan's managers, at read or contribute level, up
//! to a stated marking; a share is revoked with a reason, never deleted.

use waymark_core::{ItemId, Marking, OrgId, Organisation, OrganisationKind, PlanId, ShareAccess};
use waymark_store::{NewShare, StoredShare};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// A share to make.
#[derive(Debug, Clone)]
pub struct ShareInput {
    pub with: OrgId,
    pub access: ShareAccess,
    pub ceiling: Marking,
    /// Chosen items, each with what is under it; `None` for the whole plan.
    pub items: Option<Vec<ItemId>>,
}

impl App {
    /// Every organisation, for choosing a partner. Administrators and the operator only.
    pub async fn organisations(&self, actor: &Actor) -> Result<Vec<Organisation>> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        Ok(self.store().organisations().await?)
    }

    /// The actor's own organisation, or the one the operator names by code.
    pub async fn organisation_by_code(&self, actor: &Actor, code: &str) -> Result<Organisation> {
        let found = self
            .store()
            .organisation_by_code(code)
            .await?
            .ok_or_else(|| {
                AppError::unknown(
                    "organisation",
                    format!("No organisation has the code {code}"),
                )
            })?;
        if actor.org().is_some_and(|own| own != found.id) && !actor.is_administrator() {
            return Err(AppError::NotFound);
        }
        Ok(found)
    }

    /// Adds an organisation. The operator adds any; an administrator adds partners of theirs.
    pub async fn add_organisation(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        kind: OrganisationKind,
    ) -> Result<Organisation> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        let mut errors = Vec::new();
        let code = code.trim().to_uppercase();
        if code.is_empty()
            || code.len() > 12
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.push((
                "code".to_string(),
                "Enter a short code of letters and numbers, such as TVP or OXCC".to_string(),
            ));
        }
        let name = match crate::text::required_line(name, 200) {
            Ok(name) => name,
            Err(problem) => {
                errors.push((
                    "name".to_string(),
                    problem.message("the organisation's name"),
                ));
                String::new()
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let created = self
            .store()
            .create_organisation_of_kind(&code, &name, kind)
            .await?;
        let mut audit = actor.audit("organisation.add");
        audit.subject = Some(format!("{} ({})", created.name, created.code));
        audit.detail = Some(serde_json::json!({"kind": kind.as_str()}));
        self.store().record_audit(&audit).await?;
        Ok(created)
    }

    /// A plan the actor may share: their own organisation's, as its administrator or the
    /// plan's manager.
    async fn shareable_plan(&self, actor: &Actor, plan: PlanId) -> Result<crate::VisiblePlan> {
        let visible = self.plan(actor, plan).await?;
        if !visible.is_own() || !visible.access.may_manage() {
            return Err(AppError::Forbidden);
        }
        Ok(visible)
    }

    /// Shares a plan, or chosen items of it, with another organisation.
    pub async fn share_plan(
        &self,
        actor: &Actor,
        plan: PlanId,
        input: &ShareInput,
    ) -> Result<StoredShare> {
        let visible = self.shareable_plan(actor, plan).await?;
        if input.with == visible.plan.org {
            return Err(AppError::state(
                "with",
                "Choose another organisation: the plan is already its own organisation's",
            ));
        }
        if input.ceiling == Marking::Secret {
            return Err(AppError::invalid(
                "ceiling",
                "Choose OFFICIAL or OFFICIAL-SENSITIVE",
            ));
        }
        let partner = self
            .store()
            .organisation(input.with)
            .await
            .map_err(|_| AppError::unknown("with", "Choose an organisation to share with"))?;
        if let Some(items) = &input.items {
            if items.is_empty() {
                return Err(AppError::invalid("items", "Choose the items to share"));
            }
            let read = self.read_view(&visible, self.today(), None).await?;
            if items.iter().any(|id| read.view.item(*id).is_none()) {
                return Err(AppError::unknown("items", "Choose items of this plan"));
            }
        }
        let mut audit = actor.audit("share.create");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(plan);
        audit.subject = Some(format!("{} with {}", visible.plan.title, partner.name));
        audit.detail = Some(serde_json::json!({
            "with": partner.code, "access": input.access.as_str(),
            "ceiling": input.ceiling.label(),
            "items": input.items.as_ref().map(|ids| ids.iter().map(|i| i.0).collect::<Vec<_>>()),
        }));
        Ok(self
            .store()
            .create_share(
                &NewShare {
                    plan,
                    with_org: partner.id,
                    access: input.access,
                    ceiling: input.ceiling,
                    items: input.items.clone(),
                    created_by: actor.name(),
                },
                &audit,
            )
            .await?)
    }

    /// The organisations a plan may be shared with, for those who may share it.
    pub async fn sharing_partners(&self, actor: &Actor, plan: PlanId) -> Result<Vec<Organisation>> {
        self.shareable_plan(actor, plan).await?;
        Ok(self.store().organisations().await?)
    }

    /// The plan a share is of, for those who may share that plan.
    pub async fn share_plan_id(&self, actor: &Actor, share: i64) -> Result<PlanId> {
        let stored = self.store().share(share).await?;
        self.shareable_plan(actor, stored.share.plan).await?;
        Ok(stored.share.plan)
    }

    /// Every share of a plan, active and revoked, for those who may share it.
    pub async fn plan_shares(&self, actor: &Actor, plan: PlanId) -> Result<Vec<StoredShare>> {
        self.shareable_plan(actor, plan).await?;
        Ok(self.store().shares_of_plan(plan).await?)
    }

    /// Revokes a share with a reason; its history stays.
    pub async fn revoke_share(&self, actor: &Actor, share: i64, reason: &str) -> Result<()> {
        let stored = self.store().share(share).await?;
        let visible = self.shareable_plan(actor, stored.share.plan).await?;
        if !stored.is_active() {
            return Err(AppError::state(
                "share",
                "That share has already been revoked",
            ));
        }
        let reason = crate::text::optional(reason);
        let partner = self.store().organisation(stored.share.with_org).await?;
        let mut audit = actor.audit("share.revoke");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        audit.subject = Some(format!("{} with {}", visible.plan.title, partner.name));
        audit.detail = Some(serde_json::json!({"share": share, "reason": reason}));
        self.store()
            .revoke_share(share, &actor.name(), reason.as_deref(), &audit)
            .await?;
        Ok(())
    }
}
