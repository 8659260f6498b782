//! Storing a preview: into a new plan (created in the same transaction as its items) or into
//! an existing plan as a re-import. A dry run plans the same change set and stores nothing.

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::{OrgId, PlanId, PlanKind, UpdateCycle};
use waymark_store::{NewPlan, Scope, Store};

use crate::error::ImportError;
use crate::findings::{Finding, FindingKind};
use crate::preview::ImportPreview;
use crate::reimport::{
    ImportSummary, PlannedChanges, plan_changes, plan_changes_owned, plan_summary,
};

/// How to create the plan for a first import.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlanSpec {
    pub org: OrgId,
    /// `--new-plan TITLE`; else the file's title line; else the file name.
    pub title: Option<String>,
    /// `--kind`; else the kind the file looks like.
    pub kind: Option<PlanKind>,
}

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportOutcome {
    /// The plan written to; `None` on a dry run that would create one.
    pub plan: Option<i64>,
    pub plan_title: String,
    pub dry_run: bool,
    #[serde(flatten)]
    pub summary: ImportSummary,
    /// The file's findings, then any from matching it to the plan.
    pub findings: Vec<Finding>,
}

/// Imports a preview as a new plan in one transaction. A dry run works out every change and
/// keeps none of them.
pub async fn import_into_new_plan(
    store: &Store,
    spec: &NewPlanSpec,
    preview: &ImportPreview,
    author: Option<String>,
    dry_run: bool,
) -> Result<ImportOutcome, ImportError> {
    let new_plan = new_plan_from(spec, preview);
    // The plan id is not known yet; the change set's own is ignored on creation.
    let planned = if dry_run {
        plan_summary(&[], preview)
    } else {
        plan_changes(&[], preview, spec.org, PlanId(0), author)
    };
    store_new_plan(store, new_plan, preview.findings.clone(), planned, dry_run).await
}

/// As `import_into_new_plan` (not a dry run), for a caller done with the preview: its items
/// move into the change set instead of being copied, so a large file is in memory once while
/// it is written.
pub async fn import_into_new_plan_owned(
    store: &Store,
    spec: &NewPlanSpec,
    mut preview: ImportPreview,
    author: Option<String>,
) -> Result<ImportOutcome, ImportError> {
    let new_plan = new_plan_from(spec, &preview);
    let findings = std::mem::take(&mut preview.findings);
    let planned = plan_changes_owned(&[], preview, spec.org, PlanId(0), author);
    store_new_plan(store, new_plan, findings, planned, false).await
}

/// Creates the new plan with the planned change set (unless a dry run), after the file's
/// findings and the planning's, and says so first if the title is taken.
async fn store_new_plan(
    store: &Store,
    new_plan: NewPlan,
    mut findings: Vec<Finding>,
    planned: PlannedChanges,
    dry_run: bool,
) -> Result<ImportOutcome, ImportError> {
    findings.extend(planned.findings);
    // A second plan of the same name is most often a re-import aimed at the wrong target.
    if let Some(existing) = plan_titled(store, new_plan.org, &new_plan.title).await? {
        findings.insert(
            0,
            Finding::new(
                0,
                "",
                FindingKind::PlanExists,
                format!(
                    "A plan called \"{}\" already exists (plan {id}), so this import makes a \
                     second one. To bring that plan up to date instead, import the file into \
                     plan {id}.",
                    existing.title,
                    id = existing.id.0
                ),
            ),
        );
    }
    let plan = if dry_run {
        None
    } else {
        let (plan, _) = store
            .create_plan_with_changes(&new_plan, &planned.changes)
            .await?;
        Some(plan.id.0)
    };
    Ok(ImportOutcome {
        plan,
        plan_title: new_plan.title,
        dry_run,
        summary: planned.summary,
        findings,
    })
}

/// The organisation's plan whose title is `title`, ignoring case and spaces at either end.
async fn plan_titled(
    store: &Store,
    org: OrgId,
    title: &str,
) -> Result<Option<waymark_core::Plan>, ImportError> {
    let wanted = title.trim().to_lowercase();
    Ok(store
        .plans(Scope::Org(org))
        .await?
        .into_iter()
        .find(|plan| plan.title.trim().to_lowercase() == wanted))
}

/// Imports a preview into an existing plan: matches items, adds only what is new, and changes
/// only what differs, in one transaction.
pub async fn import_into_plan(
    store: &Store,
    plan_id: PlanId,
    preview: &ImportPreview,
    author: Option<String>,
    dry_run: bool,
) -> Result<ImportOutcome, ImportError> {
    let plan = store.plan(Scope::All, plan_id).await?;
    let view = store
        .plan_as_at(Scope::All, plan_id, end_of_time(), None)
        .await?;
    let planned = if dry_run {
        plan_summary(&view.items, preview)
    } else {
        plan_changes(&view.items, preview, plan.org, plan.id, author)
    };
    let mut findings = preview.findings.clone();
    findings.extend(planned.findings);
    if !dry_run && !planned.changes.is_empty() {
        store.apply_changes(&planned.changes).await?;
    }
    Ok(ImportOutcome {
        plan: Some(plan.id.0),
        plan_title: plan.title,
        dry_run,
        summary: planned.summary,
        findings,
    })
}

/// The plan a first import creates, from the spec and what the file says about itself.
pub fn new_plan_from(spec: &NewPlanSpec, preview: &ImportPreview) -> NewPlan {
    let metadata = &preview.metadata;
    let kind = spec
        .kind
        .clone()
        .unwrap_or_else(|| PlanKind::parse(&metadata.kind));
    let title = spec
        .title
        .clone()
        .or_else(|| metadata.title.clone())
        .unwrap_or_else(|| file_stem(&preview.file));
    let level_names = if metadata.level_names.is_empty() {
        kind.default_levels()
    } else {
        metadata.level_names.clone()
    };
    NewPlan {
        org: spec.org,
        kind,
        title,
        period: metadata.period.clone(),
        level_names,
        owner_posts: metadata.owner_posts.clone(),
        source: metadata.source.clone(),
        update_cycle: UpdateCycle::Monthly,
    }
}

/// A day after everything, to read every item and update a plan has.
pub fn end_of_time() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

fn file_stem(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.rsplit_once('.')
        .map(|(stem, _)| stem)
        .unwrap_or(name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_name_untitled_plans() {
        assert_eq!(file_stem("/data/tracker v2.xlsx"), "tracker v2");
        assert_eq!(file_stem("plan"), "plan");
    }
}
