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
    SavingKind, SavingStage, ShareMethod, apportion, funding_by_year, year_label,
};
use waymark_core::{
    Classification, ItemFields, Marking, OrgId, Organisation, OrganisationKind, PlanKind,
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
}

impl App {
    /// Imports a programme register as a new collaboration plan of the actor's organisation
    /// (the operator names one), or works out what that would store on a dry run.
    pub(crate) async fn import_programme(
        &self,
        actor: &Actor,
        file_name: &str,
        import: &ProgrammeImport,
        org: Option<OrgId>,
        title: Option<String>,
        dry_run: bool,
    ) -> Result<(Option<waymark_core::Plan>, String, ProgrammeOutcome)> {
        let org = self.organisation_for(actor, org).await?;
        if !actor.subject.may_create_plans(org) {
            return Err(AppError::Forbidden);
        }
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

        let outcome = ProgrammeOutcome {
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
        };
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
