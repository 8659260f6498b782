//! A programme register imported by its programme team: a new collaboration plan whose areas
//! and projects are items (owners, RAG, framework tags, the latest update), with the
//! programme's facts (participants and their grants, the team's cost and how it is shared,
//! funding by year, savings target and realised, projects' status, lead, participants and
//! model) and the shares that let each participant see it, all in one transaction.
//!
//! Organisations are matched by code or name ("Derbyshire" is "Derbyshire Constabulary");
//! one the register names that Waymark does not have is added where the importer may add
//! organisations (the operator, an administrator), and is a finding otherwise.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{
    BasisFigure, BasisKind, Certainty, CostToShare, FundingLine, Participant, ProgrammeCost,
    ProgrammeSettings, ProjectFacts, ProjectParticipants, ProjectStatus, Recurrence, Saving,
    SavingKind, SavingStage, ShareMethod, apportion, format_pence, funding_by_year, year_label,
};
use waymark_core::{
    Classification, ItemFields, ItemId, Marking, OrgId, Organisation, OrganisationKind, PlanKind,
    ShareAccess, UpdateCycle,
};
use waymark_io::programme::ProgrammeImport;
use waymark_io::{Finding, FindingKind};
use waymark_store::{
    ChangeSet, ItemRef, NewItem, NewPlan, NewShare, NewUpdate, ProgrammeChanges, ProgrammeSet,
};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// A year's funding in an import's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearFunding {
    pub known_pence: i64,
    pub unknown_cells: usize,
}

/// One participant's share of the team's cost, as the import worked it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedShare {
    pub organisation: String,
    pub basis_pence: i64,
    pub share_pence: i64,
}

/// What a programme register's import did, or would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeOutcome {
    pub dry_run: bool,
    pub year: Option<String>,
    pub projects: usize,
    pub projects_by_area: BTreeMap<String, usize>,
    pub projects_by_status: BTreeMap<String, usize>,
    pub funding_by_year: BTreeMap<String, YearFunding>,
    pub savings_target_pence: i64,
    pub savings_realised_pence: i64,
    pub team_cost_pence: Option<i64>,
    pub shares: Vec<ImportedShare>,
    pub organisations_added: Vec<String>,
    pub findings: Vec<Finding>,
    /// Where the register was imported into the programme it was imported as before: what
    /// changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reimport: Option<ReimportOutcome>,
}

/// What importing a register again into its programme changed, or would change: projects
/// matched by reference or name, added, changed or left as they were, and those the file no
/// longer has (reported, never deleted); funding lines and savings added, replaced (the same
/// project, source or stage and year with another amount: the old one withdrawn) or left.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReimportOutcome {
    pub plan: i64,
    pub projects_added: usize,
    pub projects_changed: usize,
    pub projects_unchanged: usize,
    /// The projects the programme has that the file no longer names, by name: kept.
    pub projects_missing: Vec<String>,
    pub funding_added: usize,
    pub funding_replaced: usize,
    pub funding_unchanged: usize,
    pub savings_added: usize,
    pub savings_replaced: usize,
    pub savings_unchanged: usize,
    pub participants_added: usize,
    /// Participants' bases for a year with a new figure (a new dated version; the old kept).
    pub bases_changed: usize,
    /// The programme's costs for a year set anew.
    pub costs_changed: usize,
    /// Each change in words: "Shared payroll: status current → complete".
    pub changes: Vec<String>,
}

impl ReimportOutcome {
    /// Whether the import changes nothing.
    pub fn is_unchanged(&self) -> bool {
        self.projects_added == 0
            && self.projects_changed == 0
            && self.funding_added == 0
            && self.funding_replaced == 0
            && self.savings_added == 0
            && self.savings_replaced == 0
            && self.participants_added == 0
            && self.bases_changed == 0
            && self.costs_changed == 0
            && self.changes.is_empty()
    }
}

impl App {
    /// Imports a programme register as a new collaboration plan of the actor's organisation
    /// (the operator names one), or into the collaboration plan `into` it was imported as
    /// before (see [`App::reimport_programme`]), or works out what that would store on a dry
    /// run.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn import_programme(
        &self,
        actor: &Actor,
        file_name: &str,
        import: &ProgrammeImport,
        org: Option<OrgId>,
        into: Option<waymark_core::PlanId>,
        title: Option<String>,
        dry_run: bool,
    ) -> Result<(Option<waymark_core::Plan>, String, ProgrammeOutcome)> {
        let (org, existing) = match into {
            Some(plan) => {
                let visible = self.managed_plan(actor, plan).await?;
                if !visible.is_own() {
                    return Err(AppError::Forbidden);
                }
                if visible.plan.kind != PlanKind::Collaboration {
                    // The plan as it is (its kind) refuses a register.
                    return Err(AppError::state(
                        "target",
                        format!(
                            "Plan {} \u{201c}{}\u{201d} is not a collaboration programme: a \
                             programme register is imported into a collaboration plan, or as a \
                             new programme",
                            plan.0, visible.plan.title
                        ),
                    ));
                }
                (visible.plan.org, Some(visible))
            }
            None => {
                let org = self.organisation_for(actor, org).await?;
                if !actor.subject.may_create_plans(org) {
                    return Err(AppError::Forbidden);
                }
                (org, None)
            }
        };
        let entered_by = format!("Import of {file_name} by {}", actor.name());
        let today = self.today();
        let year = import
            .year
            .or_else(|| FinancialYear::containing(today).ok())
            .ok_or_else(|| AppError::invalid("file", "The register's year cannot be worked out"))?;
        let mut findings = import.findings.clone();

        // Organisations: matched, added, or left out with a finding.
        let mut known = self.store().organisations().await?;
        let may_add = actor.is_administrator();
        let mut added: Vec<String> = Vec::new();
        let mut names: Vec<(usize, String)> = Vec::new();
        for contribution in &import.contributions {
            names.push((contribution.row, contribution.organisation.clone()));
        }
        for stated in &import.stated_contributions {
            names.push((stated.row, stated.organisation.clone()));
        }
        for project in &import.projects {
            if let Some(lead) = &project.lead {
                names.push((project.row, lead.clone()));
            }
            for name in project.participants.iter().flatten() {
                names.push((project.row, name.clone()));
            }
        }
        let mut resolved: HashMap<String, OrgId> = HashMap::new();
        let mut placeholder = -1_i64;
        for (row, name) in names {
            let key = name.trim().to_lowercase();
            if resolved.contains_key(&key) {
                continue;
            }
            if let Some(found) = match_organisation(&known, &name) {
                resolved.insert(key, found.id);
                continue;
            }
            if !may_add {
                findings.push(Finding::new(
                    row,
                    "",
                    FindingKind::UnknownOrganisation,
                    format!(
                        "\"{name}\" is not an organisation in Waymark: ask an administrator to \
                         add it, then import again"
                    ),
                ));
                continue;
            }
            if dry_run {
                resolved.insert(key, OrgId(placeholder));
                placeholder -= 1;
                added.push(name.trim().to_string());
                continue;
            }
            let code = unused_code(&known, &name);
            let created = self
                .add_organisation(actor, &code, name.trim(), OrganisationKind::Force)
                .await?;
            added.push(created.name.clone());
            resolved.insert(key, created.id);
            known.push(created);
        }
        let org_of = |name: &str| resolved.get(&name.trim().to_lowercase()).copied();

        // Items: an area per heading, in order of first use, and its projects under it.
        let mut changes = ChangeSet::new(org, waymark_core::PlanId(0));
        changes.author = Some(entered_by.clone());
        let mut areas: Vec<(String, usize)> = Vec::new();
        let mut facts = ProgrammeChanges::default();
        let mut project_refs: Vec<ItemRef> = Vec::new();
        for project in &import.projects {
            let parent = match &project.area {
                Some(area) => {
                    let index = match areas
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(area))
                    {
                        Some((_, index)) => *index,
                        None => {
                            changes.new_items.push(NewItem {
                                parent: None,
                                fields: ItemFields {
                                    text: area.clone(),
                                    position: areas.len() as i64,
                                    ..Default::default()
                                },
                                effective: today,
                            });
                            let index = changes.new_items.len() - 1;
                            areas.push((area.clone(), index));
                            index
                        }
                    };
                    Some(ItemRef::New(index))
                }
                None => None,
            };
            changes.new_items.push(NewItem {
                parent,
                fields: ItemFields {
                    reference: project.reference.clone(),
                    text: project.name.clone(),
                    owners: project.owners.clone(),
                    rag: project.rag,
                    tags: project.tags.clone(),
                    position: project.row as i64,
                    complete: project.status == Some(ProjectStatus::Complete),
                    ..Default::default()
                },
                effective: today,
            });
            let item = ItemRef::New(changes.new_items.len() - 1);
            project_refs.push(item);
            if let Some(text) = &project.latest_update {
                changes.updates.push(NewUpdate {
                    item,
                    as_of: today,
                    author_person: None,
                    author_post: None,
                    text: text.clone(),
                    proposed_rag: project.rag,
                    supersedes: None,
                });
            }
            let participants = match &project.participants {
                None => ProjectParticipants::All,
                Some(names) => {
                    ProjectParticipants::Some(names.iter().filter_map(|n| org_of(n)).collect())
                }
            };
            let status = project.status.clone().unwrap_or(ProjectStatus::Current);
            facts.projects.push((
                item,
                ProjectFacts {
                    area: project.area.clone(),
                    status: status.clone(),
                    lead: project.lead.as_deref().and_then(org_of),
                    participants,
                    model: project.model.clone(),
                    lead_only: project.lead_only,
                },
            ));
            let certainty = match status {
                ProjectStatus::Proposed { .. } => Certainty::Expected,
                _ => Certainty::Secured,
            };
            for (line_year, source, money) in &project.funding {
                facts.funding.push((
                    Some(item),
                    FundingLine {
                        project: None,
                        source: source.clone().unwrap_or_else(|| "Not stated".into()),
                        year: *line_year,
                        amount: money.pence,
                        written: Some(money.written.clone()),
                        recurrence: Recurrence::OneOff,
                        certainty,
                    },
                ));
            }
            let savings_year = project.savings_year.unwrap_or(year);
            // A register's savings speak for its year: one-off, never counted again.
            for (money, stage) in [
                (&project.savings_target, SavingStage::Planned),
                (&project.savings_realised, SavingStage::Realised),
            ] {
                if let Some(pence) = money.as_ref().and_then(|m| m.pence) {
                    facts.savings.push((
                        Some(item),
                        Saving {
                            project: None,
                            org: None,
                            kind: SavingKind::Cashable,
                            recurrence: Recurrence::OneOff,
                            stage,
                            year: savings_year,
                            until: None,
                            amount: pence,
                        },
                    ));
                }
            }
        }
        // Funding tables by year: a row naming a project is that project's; any other row is
        // the programme's, its label as the source.
        for row in &import.funding_rows {
            let project = import
                .projects
                .iter()
                .position(|p| same_name(&p.name, &row.label))
                .map(|i| project_refs[i]);
            for (line_year, money) in &row.cells {
                facts.funding.push((
                    project,
                    FundingLine {
                        project: None,
                        source: if project.is_some() {
                            "Not stated".into()
                        } else {
                            row.label.clone()
                        },
                        year: *line_year,
                        amount: money.pence,
                        written: Some(money.written.clone()),
                        recurrence: Recurrence::OneOff,
                        certainty: Certainty::Secured,
                    },
                ));
            }
        }

        // Participants and their bases; the importer's organisation leads.
        let cost_year = import.cost.as_ref().and_then(|c| c.year).unwrap_or(year);
        for contribution in &import.contributions {
            let Some(participant) = org_of(&contribution.organisation) else {
                continue;
            };
            if !facts.participants.iter().any(|p| p.org == participant) {
                facts.participants.push(Participant {
                    org: participant,
                    is_lead: participant == org,
                    joined_on: None,
                    left_on: None,
                });
            }
            facts.bases.push(BasisFigure {
                org: participant,
                year: cost_year,
                kind: contribution.kind,
                value: contribution.value,
                as_of: None,
                source: contribution.source.clone(),
                illustrative: false,
            });
        }
        // Contributions stated only as amounts: the participants pay those fixed shares.
        let mut fixed: Vec<(OrgId, i64)> = Vec::new();
        for stated in &import.stated_contributions {
            let Some(participant) = org_of(&stated.organisation) else {
                continue;
            };
            if !facts.participants.iter().any(|p| p.org == participant) {
                facts.participants.push(Participant {
                    org: participant,
                    is_lead: participant == org,
                    joined_on: None,
                    left_on: None,
                });
            }
            match fixed.iter_mut().find(|(o, _)| *o == participant) {
                Some((_, pence)) => *pence += stated.pence,
                None => fixed.push((participant, stated.pence)),
            }
        }
        let fixed_shares = import.contributions.is_empty() && !fixed.is_empty();
        // With no cost stated, the contributions stated as amounts are the cost.
        let stated_cost = match (&import.cost, fixed_shares) {
            (None, true) => Some(waymark_io::programme::ParsedCost {
                row: import.stated_contributions.first().map_or(0, |s| s.row),
                label: "Programme team".to_string(),
                total: fixed.iter().map(|(_, p)| p).sum(),
                kind: None,
                equal: false,
                year: Some(year),
            }),
            _ => None,
        };
        let team_cost = import.cost.as_ref().or(stated_cost.as_ref());
        if facts.participants.is_empty() {
            // No contributions sheet: the organisations the projects name take part.
            let mut named: Vec<OrgId> = Vec::new();
            for (_, project) in &facts.projects {
                named.extend(project.lead);
                if let ProjectParticipants::Some(orgs) = &project.participants {
                    named.extend(orgs.iter().copied());
                }
            }
            for participant in named {
                if !facts.participants.iter().any(|p| p.org == participant) {
                    facts.participants.push(Participant {
                        org: participant,
                        is_lead: participant == org,
                        joined_on: None,
                        left_on: None,
                    });
                }
            }
        }
        let mut shares_worked = Vec::new();
        if let Some(cost) = team_cost {
            let kind = cost
                .kind
                .or(import.contributions.first().map(|c| c.kind))
                .unwrap_or(BasisKind::PoliceGrant);
            let method = if cost.equal {
                ShareMethod::Equal
            } else if fixed_shares {
                ShareMethod::Fixed(fixed.clone())
            } else {
                ShareMethod::Proportional(kind)
            };
            let programme_cost = ProgrammeCost {
                project: None,
                label: cost.label.clone(),
                year: cost_year,
                total: cost.total,
                method: method.clone(),
                external: None,
            };
            let to_share = CostToShare {
                label: cost.label.clone(),
                year: cost_year,
                total: cost.total,
                external: None,
                method,
                participants: facts.participants.iter().map(|p| p.org).collect(),
            };
            match apportion(&to_share, &facts.bases) {
                Ok(shared) => {
                    let name = |id: OrgId| {
                        import
                            .contributions
                            .iter()
                            .map(|c| &c.organisation)
                            .chain(import.stated_contributions.iter().map(|c| &c.organisation))
                            .find(|name| org_of(name) == Some(id))
                            .cloned()
                            .unwrap_or_default()
                    };
                    for line in &shared.lines {
                        shares_worked.push(ImportedShare {
                            organisation: name(line.org),
                            basis_pence: line.basis.as_ref().map_or(0, |b| b.value),
                            share_pence: line.pence,
                        });
                        let stated = import
                            .contributions
                            .iter()
                            .find(|c| org_of(&c.organisation) == Some(line.org) && c.kind == kind)
                            .and_then(|c| c.stated_share.map(|s| (c.row, s)));
                        if let Some((row, stated)) = stated
                            && stated != line.pence
                        {
                            findings.push(Finding::new(
                                row,
                                "",
                                FindingKind::ProgrammeRead,
                                format!(
                                    "The sheet states {} for {}; in proportion to the figures \
                                     given its share is {}",
                                    waymark_core::programme::format_pence(stated),
                                    name(line.org),
                                    waymark_core::programme::format_pence(line.pence)
                                ),
                            ));
                        }
                    }
                }
                Err(problem) => findings.push(Finding::new(
                    cost.row,
                    "",
                    FindingKind::ProgrammeRead,
                    format!("The team's cost cannot be shared: {problem}"),
                )),
            }
            facts.costs.push((None, programme_cost));
        }
        let target: i64 = facts
            .savings
            .iter()
            .filter(|(_, s)| s.stage == SavingStage::Planned && s.year == year)
            .map(|(_, s)| s.amount)
            .sum();
        let realised: i64 = facts
            .savings
            .iter()
            .filter(|(_, s)| s.stage == SavingStage::Realised && s.year == year)
            .map(|(_, s)| s.amount)
            .sum();
        // The programme's own target where the register states one; else the projects'
        // targets summed; else (no row) at least the team's cost.
        let target = match import.savings_target {
            Some((target_year, amount)) => {
                facts
                    .targets
                    .push((target_year.unwrap_or(year), Some(amount)));
                amount
            }
            None => {
                if facts
                    .savings
                    .iter()
                    .any(|(_, s)| s.stage == SavingStage::Planned)
                {
                    facts.targets.push((year, Some(target)));
                }
                target
            }
        };
        facts.settings = Some(ProgrammeSettings::default());
        // Taxonomies in order of first use, their terms likewise.
        for project in &import.projects {
            for tag in &project.tags {
                match facts
                    .taxonomies
                    .iter_mut()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&tag.taxonomy))
                {
                    Some((_, terms)) => {
                        if !terms.iter().any(|t| t.eq_ignore_ascii_case(&tag.value)) {
                            terms.push(tag.value.clone());
                        }
                    }
                    None => facts
                        .taxonomies
                        .push((tag.taxonomy.clone(), vec![tag.value.clone()])),
                }
            }
        }

        let mut outcome = ProgrammeOutcome {
            dry_run,
            year: Some(year_label(year)),
            projects: import.projects.len(),
            projects_by_area: import.counts().0,
            projects_by_status: import.counts().1,
            funding_by_year: funding_by_year(facts.funding.iter().map(|(_, l)| l))
                .into_iter()
                .map(|(y, t)| {
                    (
                        year_label(y),
                        YearFunding {
                            known_pence: t.known_pence,
                            unknown_cells: t.unknown_count,
                        },
                    )
                })
                .collect(),
            savings_target_pence: target,
            savings_realised_pence: realised,
            team_cost_pence: team_cost.map(|c| c.total),
            shares: shares_worked,
            organisations_added: added,
            findings,
            reimport: None,
        };
        if let Some(visible) = existing {
            let title = visible.plan.title.clone();
            let plan = self
                .reimport_programme(
                    actor,
                    file_name,
                    visible,
                    changes,
                    facts,
                    &mut outcome,
                    dry_run,
                )
                .await?;
            return Ok((plan, title, outcome));
        }
        let title = title
            .or_else(|| import.title.clone())
            .unwrap_or_else(|| waymark_io::apply::file_title(file_name));
        if dry_run {
            return Ok((None, title, outcome));
        }
        // Participants see the programme through a share each; projects kept to the lead are
        // left out of it.
        let kept = facts.projects.iter().any(|(_, f)| f.lead_only);
        if kept {
            facts.shared_items = Some(
                changes
                    .new_items
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| {
                        !facts
                            .projects
                            .iter()
                            .any(|(r, f)| *r == ItemRef::New(*index) && f.lead_only)
                    })
                    .filter(|(_, item)| item.parent.is_none())
                    .map(|(index, _)| ItemRef::New(index))
                    .chain(
                        facts
                            .projects
                            .iter()
                            .filter(|(_, f)| !f.lead_only)
                            .map(|(r, _)| *r),
                    )
                    .collect(),
            );
            // An area holding a kept project is not shared whole: its other projects are.
            let holding: Vec<ItemRef> = facts
                .projects
                .iter()
                .filter(|(_, f)| f.lead_only)
                .filter_map(|(r, _)| match r {
                    ItemRef::New(i) => changes.new_items[*i].parent,
                    ItemRef::Existing(_) => None,
                })
                .collect();
            if let Some(items) = &mut facts.shared_items {
                items.retain(|r| !holding.contains(r));
            }
        }
        for participant in &facts.participants {
            if participant.org != org {
                facts.shares.push(NewShare {
                    plan: waymark_core::PlanId(0),
                    with_org: participant.org,
                    access: ShareAccess::Contribute,
                    ceiling: Marking::Official,
                    items: None,
                    created_by: actor.name(),
                });
            }
        }
        let mut audit = actor.audit("import.programme");
        audit.subject = Some(file_name.to_string());
        audit.detail = Some(serde_json::json!({
            "file": file_name, "projects": outcome.projects,
            "participants": facts.participants.len(),
            "funding_lines": facts.funding.len(), "savings": facts.savings.len(),
            "organisations_added": outcome.organisations_added,
        }));
        let set = ProgrammeSet {
            new_plan: Some(NewPlan {
                org,
                kind: PlanKind::Collaboration,
                title: title.clone(),
                period: Some(year_label(year)),
                level_names: PlanKind::Collaboration.default_levels(),
                owner_posts: Vec::new(),
                source: Some(file_name.to_string()),
                update_cycle: UpdateCycle::Monthly,
                marking: Classification::OFFICIAL,
            }),
            changes,
            programme: facts,
            entered_by,
            audit: Some(audit),
        };
        let (plan, _) = self.store().store_programme(&set).await?;
        Ok((Some(plan), title, outcome))
    }
}

impl App {
    /// Imports a register again into the programme it was imported as (a programme team
    /// keeps its register and imports it each quarter), from `wanted`: the items and facts
    /// the register would make as a new programme. Projects are matched by reference or name:
    /// a matched project's fields, facts and latest update are written anew only where they
    /// differ, an update only where its words are new; funding lines and savings are added
    /// where new, replaced where the same project, source (or stage) and year now has another
    /// amount, and left alone where unchanged; a basis or cost for a year with another figure
    /// is a new dated version, the old one kept. Projects the file no longer has are reported,
    /// not deleted; nothing is written on a dry run. A second import of the same file changes
    /// nothing. All of it is one transaction with its audit record.
    #[allow(clippy::too_many_arguments)]
    async fn reimport_programme(
        &self,
        actor: &Actor,
        file_name: &str,
        visible: crate::access::VisiblePlan,
        wanted_items: ChangeSet,
        wanted: ProgrammeChanges,
        outcome: &mut ProgrammeOutcome,
        dry_run: bool,
    ) -> Result<Option<waymark_core::Plan>> {
        let plan = visible.plan.id;
        let today = self.today();
        let read = self.read_view(&visible, today, None).await?;
        let record = self.store().programme(visible.scope(), plan).await?;
        let view = &read.view;
        let entered_by = format!("Import of {file_name} by {}", actor.name());
        let mut summary = ReimportOutcome {
            plan: plan.0,
            ..ReimportOutcome::default()
        };
        let mut changes = ChangeSet::new(visible.plan.org, plan);
        changes.author = Some(entered_by.clone());
        let mut facts = ProgrammeChanges::default();

        let project_of = |index: usize| {
            wanted
                .projects
                .iter()
                .position(|(r, _)| *r == ItemRef::New(index))
        };
        // The programme's projects as they stand, in the plan's order.
        let existing_projects: Vec<&waymark_store::ItemState> = view
            .items
            .iter()
            .filter(|item| record.projects.contains_key(&item.id))
            .collect();
        let mut matched: Vec<ItemId> = Vec::new();
        // The matched projects left as they were, until their money says otherwise.
        let mut unchanged: Vec<ItemId> = Vec::new();
        // Each wanted item's place: an existing item, or one of `changes.new_items`.
        let mut placed: Vec<ItemRef> = Vec::with_capacity(wanted_items.new_items.len());
        for (index, item) in wanted_items.new_items.iter().enumerate() {
            let parent = item.parent.and_then(|p| match p {
                ItemRef::New(i) => placed.get(i).copied(),
                ItemRef::Existing(id) => Some(ItemRef::Existing(id)),
            });
            let Some(at) = project_of(index) else {
                // An area: the top-level item of that name that is not a project.
                let found = view.items.iter().find(|state| {
                    state.fields.parent.is_none()
                        && !record.projects.contains_key(&state.id)
                        && state
                            .fields
                            .text
                            .trim()
                            .eq_ignore_ascii_case(item.fields.text.trim())
                });
                match found {
                    Some(state) => placed.push(ItemRef::Existing(state.id)),
                    None => {
                        let mut area = item.clone();
                        area.parent = parent;
                        area.fields.position = view
                            .items
                            .iter()
                            .filter(|s| s.fields.parent.is_none())
                            .count() as i64
                            + index as i64;
                        changes.new_items.push(area);
                        placed.push(ItemRef::New(changes.new_items.len() - 1));
                        summary
                            .changes
                            .push(format!("{}: a new project area", item.fields.text));
                    }
                }
                continue;
            };
            let (_, wanted_facts) = &wanted.projects[at];
            let name = item.fields.text.clone();
            let found = existing_projects
                .iter()
                .filter(|state| !matched.contains(&state.id))
                .find(|state| {
                    matches!(
                        (&state.fields.reference, &item.fields.reference),
                        (Some(a), Some(b)) if a.trim().eq_ignore_ascii_case(b.trim())
                    )
                })
                .or_else(|| {
                    existing_projects
                        .iter()
                        .filter(|state| !matched.contains(&state.id))
                        .find(|state| state.fields.text.trim().eq_ignore_ascii_case(name.trim()))
                })
                .or_else(|| {
                    existing_projects
                        .iter()
                        .filter(|state| !matched.contains(&state.id))
                        .find(|state| normal_name(&state.fields.text) == normal_name(&name))
                });
            let Some(state) = found else {
                let mut project = item.clone();
                project.parent = parent;
                changes.new_items.push(project);
                let new_ref = ItemRef::New(changes.new_items.len() - 1);
                placed.push(new_ref);
                facts.projects.push((new_ref, wanted_facts.clone()));
                for update in wanted_items
                    .updates
                    .iter()
                    .filter(|u| u.item == ItemRef::New(index))
                {
                    let mut update = update.clone();
                    update.item = new_ref;
                    changes.updates.push(update);
                }
                summary.projects_added += 1;
                summary.changes.push(format!("{name}: a new project"));
                continue;
            };
            matched.push(state.id);
            placed.push(ItemRef::Existing(state.id));
            let mut said: Vec<String> = Vec::new();
            // The item's fields: what the register gives, over what the plan has.
            let mut fields = state.fields.clone();
            if item.fields.reference.is_some() {
                fields.reference = item.fields.reference.clone();
            }
            fields.text = item.fields.text.clone();
            if !item.fields.owners.is_empty() {
                fields.owners = item.fields.owners.clone();
            }
            if item.fields.rag.is_some() {
                fields.rag = item.fields.rag;
            }
            let same_tags = fields.tags.len() == item.fields.tags.len()
                && item.fields.tags.iter().all(|t| fields.tags.contains(t));
            if !item.fields.tags.is_empty() && !same_tags {
                fields.tags = item.fields.tags.clone();
                said.push(format!("{name}: framework tags changed"));
            }
            fields.complete = item.fields.complete;
            let moved = match (parent, state.fields.parent) {
                (Some(ItemRef::Existing(to)), Some(from)) => to != from,
                (Some(ItemRef::New(_)), _) | (Some(ItemRef::Existing(_)), None) => true,
                (None, _) => false,
            };
            if fields.rag != state.fields.rag {
                said.push(format!(
                    "{name}: RAG {} \u{2192} {}",
                    rag_word(state.fields.rag),
                    rag_word(fields.rag)
                ));
            }
            if fields.owners != state.fields.owners {
                said.push(format!("{name}: owners changed"));
            }
            if fields.reference != state.fields.reference || fields.text != state.fields.text {
                said.push(format!("{name}: reference or name changed"));
            }
            if moved {
                said.push(format!("{name}: moved to another area"));
            }
            if fields != state.fields || moved {
                changes.versions.push(waymark_store::NewVersion {
                    item: state.id,
                    parent: if moved {
                        parent
                    } else {
                        state.fields.parent.map(ItemRef::Existing)
                    },
                    fields,
                    effective: today,
                    reason: Some(format!("Import of {file_name}")),
                });
            }
            // Its facts: status, lead, participants, model.
            if let Some(stored) = record.projects.get(&state.id)
                && stored != wanted_facts
            {
                if stored.status != wanted_facts.status {
                    said.push(format!(
                        "{name}: status {} \u{2192} {}",
                        stored.status.as_str(),
                        wanted_facts.status.as_str()
                    ));
                }
                if stored.lead != wanted_facts.lead {
                    said.push(format!("{name}: lead changed"));
                }
                if stored.participants != wanted_facts.participants {
                    said.push(format!("{name}: participants changed"));
                }
                if stored.model != wanted_facts.model {
                    said.push(format!("{name}: model changed"));
                }
                if stored.area != wanted_facts.area || stored.lead_only != wanted_facts.lead_only {
                    said.push(format!("{name}: area or lead-only changed"));
                }
                facts
                    .projects
                    .push((ItemRef::Existing(state.id), wanted_facts.clone()));
            }
            // Its latest update, where its words are new.
            for update in wanted_items
                .updates
                .iter()
                .filter(|u| u.item == ItemRef::New(index))
            {
                let words = update.text.trim();
                if !state.updates.iter().any(|u| u.text.trim() == words)
                    && state
                        .latest_update
                        .as_ref()
                        .is_none_or(|u| u.text.trim() != words)
                {
                    let mut update = update.clone();
                    update.item = ItemRef::Existing(state.id);
                    changes.updates.push(update);
                    said.push(format!("{name}: a new update"));
                }
            }
            if said.is_empty() {
                summary.projects_unchanged += 1;
                unchanged.push(state.id);
            } else {
                summary.projects_changed += 1;
                summary.changes.extend(said);
            }
        }
        let resolve = |r: &Option<ItemRef>| -> Option<ItemRef> {
            r.map(|r| match r {
                ItemRef::New(i) => placed.get(i).copied().unwrap_or(r),
                existing => existing,
            })
        };
        let name_of = |r: Option<ItemRef>| match r {
            None => "The programme".to_string(),
            Some(ItemRef::Existing(id)) => view
                .item(id)
                .map_or_else(|| format!("Item {}", id.0), |s| s.fields.text.clone()),
            Some(ItemRef::New(i)) => changes
                .new_items
                .get(i)
                .map_or_else(String::new, |n| n.fields.text.clone()),
        };
        summary.projects_missing = existing_projects
            .iter()
            .filter(|state| !matched.contains(&state.id))
            .map(|state| state.fields.text.clone())
            .collect();

        // Funding lines: the same one left, one of the same project, source and year with
        // another amount replaced, any other added.
        let mut used = vec![false; record.funding.len()];
        let mut pending: Vec<(Option<ItemRef>, FundingLine)> = Vec::new();
        let same_key = |project: Option<ItemRef>, line: &FundingLine, stored: &FundingLine| {
            project == stored.project.map(ItemRef::Existing)
                && line.source == stored.source
                && line.year == stored.year
        };
        let same_line = |line: &FundingLine, stored: &FundingLine| {
            line.amount == stored.amount
                && line.recurrence == stored.recurrence
                && line.certainty == stored.certainty
        };
        for (project, line) in &wanted.funding {
            let project = resolve(project);
            let found = record.funding.iter().enumerate().position(|(j, stored)| {
                !used[j] && same_key(project, line, stored) && same_line(line, stored)
            });
            match found {
                Some(j) => {
                    used[j] = true;
                    summary.funding_unchanged += 1;
                }
                None => pending.push((project, line.clone())),
            }
        }
        for (project, line) in pending {
            let found = record
                .funding
                .iter()
                .enumerate()
                .position(|(j, stored)| !used[j] && same_key(project, &line, stored));
            let amount = |a: Option<i64>| a.map_or_else(|| "not known".to_string(), format_pence);
            match found {
                Some(j) => {
                    used[j] = true;
                    facts.withdraw_funding.push(record.funding_ids[j]);
                    summary.funding_replaced += 1;
                    summary.changes.push(format!(
                        "{}: funding from {} for {} {} \u{2192} {}",
                        name_of(project),
                        line.source,
                        year_label(line.year),
                        amount(record.funding[j].amount),
                        amount(line.amount)
                    ));
                }
                None => {
                    summary.funding_added += 1;
                    summary.changes.push(format!(
                        "{}: funding from {} for {} of {} added",
                        name_of(project),
                        line.source,
                        year_label(line.year),
                        amount(line.amount)
                    ));
                }
            }
            facts.funding.push((project, line));
        }

        // Savings, likewise, by project, stage, kind, recurrence and year.
        let mut used = vec![false; record.savings.len()];
        let mut pending: Vec<(Option<ItemRef>, Saving)> = Vec::new();
        let same_key = |project: Option<ItemRef>, saving: &Saving, stored: &Saving| {
            project == stored.project.map(ItemRef::Existing)
                && saving.org == stored.org
                && saving.stage == stored.stage
                && saving.kind == stored.kind
                && saving.recurrence == stored.recurrence
                && saving.year == stored.year
        };
        for (project, saving) in &wanted.savings {
            let project = resolve(project);
            let found = record.savings.iter().enumerate().position(|(j, stored)| {
                !used[j]
                    && same_key(project, saving, stored)
                    && saving.amount == stored.amount
                    && saving.until == stored.until
            });
            match found {
                Some(j) => {
                    used[j] = true;
                    summary.savings_unchanged += 1;
                }
                None => pending.push((project, saving.clone())),
            }
        }
        for (project, saving) in pending {
            let found = record
                .savings
                .iter()
                .enumerate()
                .position(|(j, stored)| !used[j] && same_key(project, &saving, stored));
            match found {
                Some(j) => {
                    used[j] = true;
                    facts.withdraw_savings.push(record.saving_ids[j]);
                    summary.savings_replaced += 1;
                    summary.changes.push(format!(
                        "{}: {} saving for {} {} \u{2192} {}",
                        name_of(project),
                        saving.stage.as_str(),
                        year_label(saving.year),
                        format_pence(record.savings[j].amount),
                        format_pence(saving.amount)
                    ));
                }
                None => {
                    summary.savings_added += 1;
                    summary.changes.push(format!(
                        "{}: {} saving for {} of {} added",
                        name_of(project),
                        saving.stage.as_str(),
                        year_label(saving.year),
                        format_pence(saving.amount)
                    ));
                }
            }
            facts.savings.push((project, saving));
        }

        // A project whose funding or savings change is changed.
        for (project, _) in facts
            .funding
            .iter()
            .map(|(p, l)| (p, l.year))
            .chain(facts.savings.iter().map(|(p, s)| (p, s.year)))
        {
            if let Some(ItemRef::Existing(id)) = project
                && let Some(at) = unchanged.iter().position(|u| u == id)
            {
                unchanged.remove(at);
                summary.projects_unchanged -= 1;
                summary.projects_changed += 1;
            }
        }

        // Participants the programme did not have join it; the bases and costs for a year
        // with other figures are new versions, the old ones kept.
        let organisations = self.store().organisations().await?;
        let org_name = |id: OrgId| {
            organisations
                .iter()
                .find(|o| o.id == id)
                .map_or_else(|| format!("Organisation {}", id.0), |o| o.name.clone())
        };
        for participant in &wanted.participants {
            if !record.participants.iter().any(|p| p.org == participant.org) {
                let mut joining = participant.clone();
                joining.is_lead = false;
                summary.participants_added += 1;
                summary
                    .changes
                    .push(format!("{}: joins the programme", org_name(joining.org)));
                facts.participants.push(joining);
            }
        }
        for basis in &wanted.bases {
            let stored = record
                .bases
                .iter()
                .find(|b| b.org == basis.org && b.year == basis.year && b.kind == basis.kind);
            if stored.is_some_and(|b| b.value == basis.value && b.source == basis.source) {
                continue;
            }
            summary.bases_changed += 1;
            summary.changes.push(format!(
                "{}: {} for {} {}",
                org_name(basis.org),
                basis.kind.label().to_lowercase(),
                year_label(basis.year),
                match stored {
                    Some(b) => format!(
                        "{} \u{2192} {}",
                        basis.kind.format_value(b.value),
                        basis.kind.format_value(basis.value)
                    ),
                    None => basis.kind.format_value(basis.value),
                }
            ));
            facts.bases.push(BasisFigure {
                as_of: basis.as_of.or(Some(today)),
                ..basis.clone()
            });
        }
        for (_, cost) in &wanted.costs {
            // A year keeps the name its cost was first given, so the new figure replaces it.
            let stored = record
                .costs
                .iter()
                .find(|c| c.project.is_none() && c.year == cost.year);
            let mut cost = cost.clone();
            if let Some(stored) = stored {
                cost.label = stored.label.clone();
                if stored.total == cost.total
                    && stored.method == cost.method
                    && stored.external == cost.external
                {
                    continue;
                }
            }
            summary.costs_changed += 1;
            summary.changes.push(format!(
                "{} for {}: {}{}",
                cost.label,
                year_label(cost.year),
                stored.map_or_else(String::new, |c| format!(
                    "{} \u{2192} ",
                    format_pence(c.total)
                )),
                format_pence(cost.total)
            ));
            facts.costs.push((None, cost));
        }
        for (year, target) in &wanted.targets {
            if record.targets.get(year) != Some(target) {
                summary.changes.push(format!(
                    "Savings target for {}: {}",
                    year_label(*year),
                    target.map_or_else(|| "at least the cost".to_string(), format_pence)
                ));
                facts.targets.push((*year, *target));
            }
        }
        for (name, terms) in &wanted.taxonomies {
            match record
                .taxonomies
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                Some((stored_name, stored_terms)) => {
                    let mut merged = stored_terms.clone();
                    for term in terms {
                        if !merged.iter().any(|t| t.eq_ignore_ascii_case(term)) {
                            merged.push(term.clone());
                        }
                    }
                    if merged != *stored_terms {
                        facts.taxonomies.push((stored_name.clone(), merged));
                    }
                }
                None => facts.taxonomies.push((name.clone(), terms.clone())),
            }
        }

        outcome.reimport = Some(summary);
        if dry_run {
            return Ok(None);
        }
        let summary = outcome
            .reimport
            .as_ref()
            .ok_or_else(|| AppError::Internal("the re-import's summary went missing".into()))?;
        if changes.is_empty() && facts.is_empty() {
            return Ok(Some(visible.plan.clone()));
        }
        let mut audit = actor.audit("import.programme_again");
        audit.subject = Some(format!("{}: {file_name}", visible.plan.title));
        audit.detail = Some(serde_json::json!({
            "file": file_name,
            "projects_added": summary.projects_added,
            "projects_changed": summary.projects_changed,
            "projects_unchanged": summary.projects_unchanged,
            "projects_missing": summary.projects_missing,
            "funding_added": summary.funding_added,
            "funding_replaced": summary.funding_replaced,
            "savings_added": summary.savings_added,
            "savings_replaced": summary.savings_replaced,
        }));
        let plan_now = visible.plan.clone();
        self.write_programme(actor, &visible, changes, facts, audit)
            .await?;
        Ok(Some(plan_now))
    }
}

fn rag_word(rag: Option<waymark_core::Rag>) -> String {
    rag.map_or_else(
        || "not assessed".to_string(),
        |r| format!("{r:?}").to_lowercase(),
    )
}

fn normal_name(name: &str) -> String {
    let lower = name.trim().to_lowercase().replace('&', "and");
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            !w.is_empty()
                && !matches!(
                    *w,
                    "police"
                        | "constabulary"
                        | "force"
                        | "service"
                        | "the"
                        | "of"
                        | "and"
                        | "authority"
                        | "county"
                )
        })
        .collect();
    words.join(" ")
}

/// The organisation a register's name means: by code, by name, or by name without "Police",
/// "Constabulary" and the like; a short form ("Notts") is matched where it starts one name only.
pub fn match_organisation<'a>(known: &'a [Organisation], name: &str) -> Option<&'a Organisation> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return None;
    }
    if let Some(found) = known
        .iter()
        .find(|o| o.code.eq_ignore_ascii_case(trimmed) || o.name.eq_ignore_ascii_case(trimmed))
    {
        return Some(found);
    }
    let wanted = normal_name(trimmed);
    if wanted.is_empty() {
        return None;
    }
    if let Some(found) = known.iter().find(|o| normal_name(&o.name) == wanted) {
        return Some(found);
    }
    // A short form: the name's start ("Derbys", "NOT"), or its letters in order from the
    // first three ("Notts", "Lincs", "Leics"), where it fits one organisation only.
    let short = |o: &&Organisation| {
        let full = normal_name(&o.name).replace(' ', "");
        let short = wanted.replace(' ', "");
        short.len() >= 3
            && (full.starts_with(&short)
                || (full.get(..3) == short.get(..3) && in_order(&short, &full)))
    };
    let starting: Vec<&Organisation> = known.iter().filter(short).collect();
    (starting.len() == 1).then(|| starting[0])
}

/// Whether every letter of `short` is in `full`, in order.
fn in_order(short: &str, full: &str) -> bool {
    let mut rest = full.chars();
    short.chars().all(|c| rest.any(|f| f == c))
}

/// A code for a new organisation from its name, not already taken: "Derbyshire" → "DERB".
fn unused_code(known: &[Organisation], name: &str) -> String {
    let letters: String = normal_name(name)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_uppercase();
    let base: String = if letters.is_empty() {
        "ORG".to_string()
    } else {
        letters.chars().take(6).collect()
    };
    let taken = |code: &str| known.iter().any(|o| o.code.eq_ignore_ascii_case(code));
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{}{n}", base.chars().take(5).collect::<String>()))
        .find(|code| !taken(code))
        .unwrap_or(base)
}

fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (normal_name(a), normal_name(b));
    !a.is_empty() && (a == b || a.starts_with(&b) || b.starts_with(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, code: &str, name: &str) -> Organisation {
        Organisation {
            id: OrgId(id),
            code: code.into(),
            name: name.into(),
            grant_share_ppm: None,
            kind: OrganisationKind::Force,
        }
    }

    #[test]
    fn registers_name_organisations_by_code_name_or_short_name() {
        let known = vec![
            org(1, "DER", "Derbyshire Constabulary"),
            org(2, "NOT", "Nottinghamshire Police"),
            org(3, "NTH", "Northamptonshire Police"),
        ];
        assert_eq!(
            match_organisation(&known, "der").map(|o| o.id),
            Some(OrgId(1))
        );
        assert_eq!(
            match_organisation(&known, "Derbyshire").map(|o| o.id),
            Some(OrgId(1))
        );
        assert_eq!(
            match_organisation(&known, "Nottingham").map(|o| o.id),
            Some(OrgId(2))
        );
        for (short, id) in [("Notts", 2), ("Derbys", 1), ("Northampton", 3), ("NOT", 2)] {
            assert_eq!(
                match_organisation(&known, short).map(|o| o.id),
                Some(OrgId(id)),
                "{short}"
            );
        }
        // "No" is too short to say which.
        assert_eq!(match_organisation(&known, "No"), None);
        assert_eq!(match_organisation(&known, "Lincolnshire"), None);
        assert_eq!(unused_code(&known, "Derbyshire Police"), "DERBYS");
    }
}
