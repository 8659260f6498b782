//! Plans as a whole: the home page's list with each plan's RAG mix over the year, and plans
//! built and changed in the app (create, edit the plan's own fields and marking, archive and
//! restore). Items are `items`'s.

use std::sync::Arc;

use chrono::NaiveDate;
use waymark_core::{Classification, Marking, PlanId, PlanKind, UpdateCycle};
use waymark_store::{NewPlan, RagMix, Scope};

use crate::App;
use crate::access::{PlanRead, VisiblePlan, narrow};
use crate::actor::Actor;
use crate::error::{AppError, Conflict, FieldError, Result};
use crate::text::{optional, required_line};

/// The most levels a plan has.
pub const MOST_LEVELS: usize = 6;
/// What a plan's level names are refused with.
pub const LEVELS_REFUSED: &str = "Give at most six level names, each 60 characters or fewer";

/// One page of the plans an actor may see, each as it stands today with its RAG mix at the
/// end of each of the days asked for.
#[derive(Debug, Clone)]
pub struct PlanPage {
    /// How many plans the actor may see in all.
    pub total: usize,
    pub plans: Vec<(PlanRead, Arc<Vec<RagMix>>)>,
}

/// What a plan manager enters to create a plan or change its own fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInput {
    pub title: String,
    /// improvement, strategic, delivery, collaboration, policing, or a word of the plan's own.
    pub kind: String,
    pub period: String,
    /// One level name per line, top level first; blank for the kind's own.
    pub level_names: String,
    /// One owner post per line.
    pub owner_posts: String,
    pub source: String,
    /// weekly, monthly, quarterly or "N days".
    pub update_cycle: String,
    /// OFFICIAL or OFFICIAL-SENSITIVE, with an optional descriptor.
    pub marking: String,
    pub descriptor: String,
}

impl PlanInput {
    /// The form's values for an existing plan.
    pub fn of(plan: &waymark_core::Plan) -> PlanInput {
        PlanInput {
            title: plan.title.clone(),
            kind: plan.kind.as_str().to_string(),
            period: plan.period.clone().unwrap_or_default(),
            level_names: plan.level_names.join("\n"),
            owner_posts: plan.owner_posts.join("\n"),
            source: plan.source.clone().unwrap_or_default(),
            update_cycle: plan.update_cycle.as_string(),
            marking: plan.marking.marking.label().to_string(),
            descriptor: plan
                .marking
                .descriptor
                .map(|d| d.label().to_string())
                .unwrap_or_default(),
        }
    }
}

/// Reads a marking and descriptor as forms send them.
pub(crate) fn read_marking(
    marking: &str,
    descriptor: &str,
    field: &str,
) -> std::result::Result<Classification, FieldError> {
    let level = match marking.trim() {
        "" => Marking::Official,
        text => match Marking::parse(text) {
            Some(Marking::Secret) => {
                return Err((
                    field.to_string(),
                    "Waymark must not hold SECRET material: it is not an accredited system".into(),
                ));
            }
            Some(marking) => marking,
            None => {
                return Err((
                    field.to_string(),
                    "Choose OFFICIAL or OFFICIAL-SENSITIVE".into(),
                ));
            }
        },
    };
    let descriptor = match descriptor.trim() {
        "" => None,
        text => match waymark_core::Descriptor::parse(text) {
            Some(_) if level != Marking::OfficialSensitive => {
                return Err((
                    format!("{field}-descriptor"),
                    "A handling descriptor goes only with OFFICIAL-SENSITIVE".into(),
                ));
            }
            Some(descriptor) => Some(descriptor),
            None => {
                return Err((
                    format!("{field}-descriptor"),
                    "Choose PERSONAL, COMMERCIAL or LOCSEN, or no descriptor".into(),
                ));
            }
        },
    };
    Ok(Classification {
        marking: level,
        descriptor,
    })
}

/// Checks a plan form, returning the plan's fields or every mistake by field.
pub fn check_plan(
    input: &PlanInput,
    org: waymark_core::OrgId,
) -> std::result::Result<NewPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = match required_line(&input.title, 200) {
        Ok(title) => title,
        Err(problem) => {
            errors.push(("title".to_string(), problem.message("the plan's title")));
            String::new()
        }
    };
    let kind = match input.kind.trim() {
        "" => PlanKind::Improvement,
        word if word.chars().count() > 40 => {
            errors.push((
                "kind".to_string(),
                "The kind of plan must be 40 characters or fewer".to_string(),
            ));
            PlanKind::parse(word)
        }
        word => PlanKind::parse(word),
    };
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut level_names = lines(&input.level_names);
    if level_names.is_empty() {
        level_names = kind.default_levels();
    }
    if level_names.len() > MOST_LEVELS || level_names.iter().any(|l| l.chars().count() > 60) {
        errors.push(("level_names".to_string(), LEVELS_REFUSED.to_string()));
    }
    let owner_posts = lines(&input.owner_posts);
    if owner_posts.iter().any(|l| l.chars().count() > 200) {
        errors.push((
            "owner_posts".to_string(),
            "Each owner post must be 200 characters or fewer".to_string(),
        ));
    }
    let update_cycle = match input.update_cycle.trim() {
        "" => UpdateCycle::Monthly,
        word => match UpdateCycle::parse(word) {
            Some(cycle) => cycle,
            None => {
                errors.push((
                    "update_cycle".to_string(),
                    "Choose weekly, monthly or quarterly, or enter a number of days".to_string(),
                ));
                UpdateCycle::Monthly
            }
        },
    };
    let marking = match read_marking(&input.marking, &input.descriptor, "marking") {
        Ok(marking) => marking,
        Err(error) => {
            errors.push(error);
            Classification::OFFICIAL
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewPlan {
        org,
        kind,
        title,
        period: optional(&input.period),
        level_names,
        owner_posts,
        source: optional(&input.source),
        update_cycle,
        marking,
    })
}

impl App {
    /// One page of the plans the actor may see: their organisation's (in id order) and then
    /// those shared with it, each as it stands today, with its RAG mix at the end of each of
    /// `days`.
    pub async fn plan_page(
        &self,
        actor: &Actor,
        offset: usize,
        limit: usize,
        days: &[NaiveDate],
    ) -> Result<PlanPage> {
        let today = self.today();
        // A person with a role for their whole organisation sees all its plans: page them in
        // the database. Otherwise (the operator, or roles narrowed to some plans) filter them.
        let (total, page): (usize, Vec<VisiblePlan>) =
            match (actor.org(), actor.org_role().is_some()) {
                (Some(org), true) => {
                    let (own_total, own) = self
                        .store()
                        .plans_page(Scope::Org(org), offset, limit)
                        .await?;
                    let mut page: Vec<VisiblePlan> = own
                        .into_iter()
                        .filter_map(|plan| {
                            waymark_core::plan_access(&actor.subject, &plan, &[])
                                .map(|access| VisiblePlan { plan, access })
                        })
                        .collect();
                    let shared: Vec<VisiblePlan> = self
                        .visible_plans(actor)
                        .await?
                        .into_iter()
                        .filter(|v| !v.is_own())
                        .collect();
                    let shared_offset = offset.saturating_sub(own_total);
                    let room = limit.saturating_sub(page.len());
                    page.extend(shared.iter().skip(shared_offset).take(room).cloned());
                    (own_total + shared.len(), page)
                }
                _ => {
                    let all = self.visible_plans(actor).await?;
                    let total = all.len();
                    (total, all.into_iter().skip(offset).take(limit).collect())
                }
            };
        let reads = self.read_views(&page, today).await?;
        // Whole plans take their mixes from one read of their history; narrowed ones are
        // counted from narrowed views, so no count includes what the actor may not see.
        let whole: Vec<PlanId> = reads
            .iter()
            .filter(|read| read.access.sees_everything_under(read.highest.marking))
            .map(|read| read.view.plan.id)
            .collect();
        let mut mixes = self
            .store()
            .rag_mixes_at(Scope::All, &whole, days)
            .await?
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>();
        let mut plans = Vec::with_capacity(reads.len());
        for read in reads {
            let id = read.view.plan.id;
            let mix = match mixes.remove(&id) {
                Some(mix) => mix,
                None => {
                    let visible = page
                        .iter()
                        .find(|v| v.plan.id == id)
                        .ok_or(AppError::NotFound)?;
                    Arc::new(self.narrowed_mixes(visible, days).await?)
                }
            };
            plans.push((read, mix));
        }
        Ok(PlanPage { total, plans })
    }

    async fn narrowed_mixes(
        &self,
        visible: &VisiblePlan,
        days: &[NaiveDate],
    ) -> Result<Vec<RagMix>> {
        let current = self
            .store()
            .plan_view(visible.scope(), visible.plan.id, self.today(), None)
            .await?;
        let mut mixes = Vec::with_capacity(days.len());
        for day in days {
            let view = self
                .store()
                .plan_view(visible.scope(), visible.plan.id, *day, None)
                .await?;
            let read = narrow(view, &visible.access, Some(&current));
            let mut mix = RagMix::default();
            for item in read.view.items.iter().filter(|i| i.children.is_empty()) {
                match item.fields.shown_rag() {
                    Some(waymark_core::Rag::Red) => mix.red += 1,
                    Some(waymark_core::Rag::Amber) => mix.amber += 1,
                    Some(waymark_core::Rag::Green) => mix.green += 1,
                    Some(waymark_core::Rag::Blue) => mix.blue += 1,
                    None => mix.not_assessed += 1,
                }
            }
            mixes.push(mix);
        }
        Ok(mixes)
    }

    /// Creates an empty plan in the actor's organisation (or, for the operator, in `org`).
    pub async fn create_plan(
        &self,
        actor: &Actor,
        org: Option<waymark_core::OrgId>,
        input: &PlanInput,
    ) -> Result<waymark_core::Plan> {
        let org = self.organisation_for(actor, org).await?;
        if !actor.subject.may_create_plans(org) {
            return Err(AppError::Forbidden);
        }
        let fields = check_plan(input, org).map_err(AppError::Invalid)?;
        let mut audit = actor.audit("plan.create");
        audit.org = Some(org);
        audit.subject = Some(fields.title.clone());
        audit.detail = Some(serde_json::json!({"after": plan_json(&fields)}));
        Ok(self.store().create_plan_audited(&fields, &audit).await?)
    }

    /// The plan's own fields with the version an edit form starts from.
    pub async fn plan_for_edit(
        &self,
        actor: &Actor,
        id: PlanId,
    ) -> Result<(waymark_core::Plan, i64)> {
        let visible = self.managed_plan(actor, id).await?;
        Ok(self
            .store()
            .plan_with_version(visible.scope(), visible.plan.id)
            .await?)
    }

    /// Changes a plan's own fields, marking included, if they are still at
    /// `expected_version`; a stale edit gets a conflict that shows the plan as it is now.
    pub async fn edit_plan(
        &self,
        actor: &Actor,
        id: PlanId,
        input: &PlanInput,
        expected_version: i64,
    ) -> Result<i64> {
        let visible = self.managed_plan(actor, id).await?;
        let fields = check_plan(input, visible.plan.org).map_err(AppError::Invalid)?;
        let before = NewPlan {
            org: visible.plan.org,
            kind: visible.plan.kind.clone(),
            title: visible.plan.title.clone(),
            period: visible.plan.period.clone(),
            level_names: visible.plan.level_names.clone(),
            owner_posts: visible.plan.owner_posts.clone(),
            source: visible.plan.source.clone(),
            update_cycle: visible.plan.update_cycle,
            marking: visible.plan.marking,
        };
        let action = if before.marking != fields.marking {
            "plan.marking"
        } else {
            "plan.edit"
        };
        let mut audit = actor.audit(action);
        audit.org = Some(visible.plan.org);
        audit.plan = Some(id);
        audit.subject = Some(fields.title.clone());
        audit.detail = Some(serde_json::json!({
            "before": plan_json(&before), "after": plan_json(&fields)
        }));
        match self
            .store()
            .edit_plan(id, &fields, expected_version, &audit)
            .await
        {
            Ok(version) => Ok(version),
            Err(waymark_store::StoreError::Conflict { current, .. }) => {
                let (plan, _) = self.store().plan_with_version(visible.scope(), id).await?;
                let changed = self.last_change_of_plan(id).await?;
                Err(AppError::Conflict(Box::new(Conflict {
                    what: "plan",
                    id: id.0,
                    current_version: current,
                    changed_by: changed.as_ref().map(|c| c.0.clone()),
                    changed_at: changed.map(|c| c.1),
                    current: plan_fields_shown(&plan),
                })))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Archives a plan (kept with its history, read-only, listed as archived) or restores it.
    pub async fn set_plan_archived(&self, actor: &Actor, id: PlanId, archived: bool) -> Result<()> {
        let visible = self.plan(actor, id).await?;
        if !visible.access.may_manage() {
            return Err(AppError::Forbidden);
        }
        let mut audit = actor.audit(if archived {
            "plan.archive"
        } else {
            "plan.restore"
        });
        audit.org = Some(visible.plan.org);
        audit.plan = Some(id);
        audit.subject = Some(visible.plan.title.clone());
        self.store().set_plan_archived(id, archived, &audit).await?;
        Ok(())
    }

    /// Who last changed a plan's own fields and when, from the audit trail.
    async fn last_change_of_plan(&self, id: PlanId) -> Result<Option<(String, String)>> {
        let (_, events) = self
            .store()
            .audit_events(&waymark_store::AuditFilter {
                plan: Some(id),
                action: Some("plan.".into()),
                limit: Some(1),
                ..Default::default()
            })
            .await?;
        Ok(events.into_iter().next().map(|event| {
            (
                event.actor,
                event.at.format("%-d %B %Y at %H:%M UTC").to_string(),
            )
        }))
    }

    /// The organisation an actor acts in: their own; the operator names one (or gets the
    /// only one there is).
    pub(crate) async fn organisation_for(
        &self,
        actor: &Actor,
        asked: Option<waymark_core::OrgId>,
    ) -> Result<waymark_core::OrgId> {
        match (actor.org(), asked) {
            (Some(own), Some(asked)) if own != asked => Err(AppError::Forbidden),
            (Some(own), _) => Ok(own),
            (None, Some(asked)) => Ok(self.store().organisation(asked).await?.id),
            (None, None) => {
                let organisations = self.store().organisations().await?;
                match organisations.as_slice() {
                    [only] => Ok(only.id),
                    [] => Err(AppError::invalid(
                        "organisation",
                        "There is no organisation yet: add one with `waymark org add`",
                    )),
                    _ => Err(AppError::invalid(
                        "organisation",
                        "There are several organisations: name one with --organisation CODE",
                    )),
                }
            }
        }
    }
}

/// A plan's fields as (label, value) pairs, for a conflict page.
pub(crate) fn plan_fields_shown(plan: &waymark_core::Plan) -> Vec<(String, String)> {
    vec![
        ("Title".into(), plan.title.clone()),
        ("Kind".into(), plan.kind.as_str().to_string()),
        ("Period".into(), plan.period.clone().unwrap_or_default()),
        ("Levels".into(), plan.level_names.join(", ")),
        ("Owner posts".into(), plan.owner_posts.join(", ")),
        ("Source".into(), plan.source.clone().unwrap_or_default()),
        ("Update cycle".into(), plan.update_cycle.as_string()),
        ("Protective marking".into(), plan.marking.label()),
    ]
}

fn plan_json(plan: &NewPlan) -> serde_json::Value {
    serde_json::json!({
        "title": plan.title, "kind": plan.kind.as_str(), "period": plan.period,
        "level_names": plan.level_names, "owner_posts": plan.owner_posts, "source": plan.source,
        "update_cycle": plan.update_cycle.as_string(), "marking": plan.marking.label(),
    })
}
