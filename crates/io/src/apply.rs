//! Planning what a preview stores: a new plan with its items, or the changes a re-import makes
//! to an existing plan. Planning is pure; the application layer stores the result in one
//! transaction, and a dry run plans the same and stores nothing.

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::{OrgId, PlanId, PlanKind, UpdateCycle};
use waymark_store::{NewPlan, PlanView};

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

/// What a first import stores: the plan, its content as one change set, and what it amounts
/// to. The application layer stores both in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlanImport {
    pub plan: NewPlan,
    /// Empty on a dry run, which counts what it would store and keeps none of it.
    pub changes: waymark_store::ChangeSet,
    pub summary: ImportSummary,
    /// The file's findings, then any from planning the change set.
    pub findings: Vec<Finding>,
}

/// Plans a first import of a preview: the new plan and everything to create in it (on a dry
/// run, only what it amounts to). `existing` is the organisation's plans, so that a second
/// plan of a name already used (most often a re-import aimed at the wrong target) is named in
/// the findings.
pub fn plan_new_plan_import(
    spec: &NewPlanSpec,
    preview: &ImportPreview,
    author: Option<String>,
    existing: &[waymark_core::Plan],
    dry_run: bool,
) -> NewPlanImport {
    let new_plan = new_plan_from(spec, preview);
    // The plan id is not known yet; the change set's own is ignored on creation.
    let planned = if dry_run {
        plan_summary(&[], preview)
    } else {
        plan_changes(&[], preview, spec.org, PlanId(0), author)
    };
    new_plan_import(spec, new_plan, preview.findings.clone(), planned, existing)
}

/// As `plan_new_plan_import` (not a dry run), for a caller done with the preview: its items
/// move into the change set instead of being copied, so a large file is in memory once while
/// it is written.
pub fn plan_new_plan_import_owned(
    spec: &NewPlanSpec,
    mut preview: ImportPreview,
    author: Option<String>,
    existing: &[waymark_core::Plan],
) -> NewPlanImport {
    let new_plan = new_plan_from(spec, &preview);
    let findings = std::mem::take(&mut preview.findings);
    let planned = plan_changes_owned(&[], preview, spec.org, PlanId(0), author);
    new_plan_import(spec, new_plan, findings, planned, existing)
}

/// The new plan with its planned change set, after the file's findings and the planning's,
/// and first a finding if the title is taken.
fn new_plan_import(
    spec: &NewPlanSpec,
    new_plan: NewPlan,
    mut findings: Vec<Finding>,
    planned: PlannedChanges,
    existing: &[waymark_core::Plan],
) -> NewPlanImport {
    findings.extend(planned.findings);
    let wanted = new_plan.title.trim().to_lowercase();
    if let Some(existing) = existing
        .iter()
        .find(|plan| plan.org == spec.org && plan.title.trim().to_lowercase() == wanted)
    {
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
    NewPlanImport {
        plan: new_plan,
        changes: planned.changes,
        summary: planned.summary,
        findings,
    }
}

/// Plans a re-import of a preview into a plan whose every item (as it stands) is `view`'s:
/// matches items, adds only what is new, and changes only what differs. A dry run counts the
/// changes and keeps none of them.
pub fn plan_reimport(
    view: &PlanView,
    preview: &ImportPreview,
    author: Option<String>,
    dry_run: bool,
) -> PlannedChanges {
    let mut planned = if dry_run {
        plan_summary(&view.items, preview)
    } else {
        plan_changes(&view.items, preview, view.plan.org, view.plan.id, author)
    };
    let mut findings = preview.findings.clone();
    findings.append(&mut planned.findings);
    planned.findings = findings;
    planned
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
        .unwrap_or_else(|| file_title(&preview.file));
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
        marking: metadata
            .marking
            .as_deref()
            .and_then(waymark_core::Classification::parse)
            .filter(|c| c.marking != waymark_core::Marking::Secret)
            .unwrap_or(waymark_core::Classification::OFFICIAL),
    }
}

/// A day after everything, to read every item and update a plan has.
pub fn end_of_time() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A plan title from a file name: "tracker v2.xlsx" is "tracker v2".
pub fn file_title(file: &str) -> String {
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
        assert_eq!(file_title("/data/tracker v2.xlsx"), "tracker v2");
        assert_eq!(file_title("plan"), "plan");
    }
}
