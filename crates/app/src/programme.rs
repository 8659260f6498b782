//! Collaboration programmes: a plan of kind `collaboration` whose participants share its costs
//! and see it through shares to their organisations. A participant's people see the programme
//! and its shared projects with their own roles; what the lead keeps to itself (a project
//! marked lead-only, or an item marked above the plan's marking) stays with it; a person of an
//! organisation that does not take part sees nothing of it (not found).
//!
//! Every figure here is worked out from the facts the store keeps, by `core::programme`'s
//! rules, over the items the actor may see: funding and savings of a project hidden from them
//! are left out of every total they are shown.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{
    ApportionError, Apportionment, BasisFigure, Board, CostToShare, FrameworkMatrix, FundingLine,
    FundingTotal, MembershipChange, Participant, ProgrammeCost, ProjectFacts, Saving,
    SavingsInYear, SavingsProgress, SavingsRule, ShareMethod, YearApportionment, apportion,
    apportion_over_year, framework_matrix, funding_by_source, funding_by_year,
    progress_against_target, savings_in_year,
};
use waymark_core::{ItemId, Marking, OrgId, Organisation, PlanId, PlanKind, Rag, ShareAccess, Tag};
use waymark_store::{
    ChangeSet, ItemRef, NewShare, ProgrammeChanges, ProgrammeRecord, ProgrammeSet,
};

use crate::App;
use crate::access::{PlanRead, VisiblePlan};
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// One participant as the programme's pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantLine {
    pub organisation: Organisation,
    pub participant: Participant,
    /// The basis the programme's cost is shared by, for the year.
    pub basis: Option<BasisFigure>,
    /// Its share of the programme's own cost for the year, in pence.
    pub share_pence: Option<i64>,
}

/// A project of the programme, as the actor may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectLine {
    pub item: ItemId,
    pub reference: Option<String>,
    pub name: String,
    /// The project area: the top-level item it sits under ("Protective services").
    pub area: String,
    pub facts: ProjectFacts,
    pub lead: Option<Organisation>,
    /// The participants by name, or empty for all.
    pub participants: Vec<Organisation>,
    pub owners: Vec<String>,
    pub rag: Option<Rag>,
    pub tags: Vec<Tag>,
    pub latest_update: Option<String>,
    /// Known funding of the project in the year, and how many of its amounts are unknown.
    pub funding: FundingTotal,
}

/// The programme's own cost for the year, shared.
#[derive(Debug, Clone, PartialEq)]
pub struct CostShare {
    pub cost: ProgrammeCost,
    /// The whole year's sharing, stretch by stretch where participants joined or left.
    pub year: YearApportionment,
    /// The statement, line by line, of every stretch.
    pub statement: Vec<String>,
}

/// Realised cashable savings shared back among the participants by the programme's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsShareBack {
    pub rule: SavingsRule,
    /// By organisation, in pence.
    pub shares: Vec<(Organisation, i64)>,
}

/// A programme for one year: everything its home page, the JSON and the report show.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeSummary {
    pub plan: VisiblePlan,
    pub year: FinancialYear,
    pub lead: Option<Organisation>,
    pub participants: Vec<ParticipantLine>,
    /// The programme's own cost (its central team) for the year, shared; `None` where none is
    /// recorded.
    pub cost: Option<CostShare>,
    /// Why the cost could not be shared, where it could not (a participant with no basis).
    pub cost_problem: Option<String>,
    pub project_costs: Vec<(ProgrammeCost, std::result::Result<Apportionment, String>)>,
    pub funding_by_year: BTreeMap<FinancialYear, FundingTotal>,
    pub funding_by_source: BTreeMap<String, FundingTotal>,
    /// Funding by source, then by year, over every year: seed 003's funding table.
    pub funding_by_source_and_year: BTreeMap<String, BTreeMap<FinancialYear, FundingTotal>>,
    pub savings: SavingsInYear,
    pub progress: SavingsProgress,
    pub share_back: Option<SavingsShareBack>,
    pub projects: Vec<ProjectLine>,
    pub projects_by_area: BTreeMap<String, usize>,
    pub projects_by_status: BTreeMap<String, usize>,
    pub matrix: FrameworkMatrix,
    pub governance: Vec<Board>,
    /// Every year the programme has figures for, and the year asked, for a choice of year.
    pub years: Vec<FinancialYear>,
    /// The years with a cost or the participants' bases recorded: what a page opens at when
    /// no year is asked for and this year has neither.
    pub years_shared: Vec<FinancialYear>,
}

impl App {
    /// The plans the actor may see that are collaboration programmes.
    pub async fn programmes(&self, actor: &Actor) -> Result<Vec<VisiblePlan>> {
        Ok(self
            .visible_plans(actor)
            .await?
            .into_iter()
            .filter(|v| v.plan.kind == PlanKind::Collaboration)
            .collect())
    }

    /// A programme for `year`, narrowed to what the actor may see; not found where they may not
    /// see the plan at all.
    pub async fn programme_summary(
        &self,
        actor: &Actor,
        plan: PlanId,
        year: FinancialYear,
    ) -> Result<ProgrammeSummary> {
        let visible = self.plan(actor, plan).await?;
        let read = self.read_view(&visible, self.today(), None).await?;
        let record = self.store().programme(visible.scope(), plan).await?;
        let organisations: HashMap<OrgId, Organisation> = self
            .store()
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        Ok(summarise(visible, &read, &record, &organisations, year))
    }

    /// Writes programme facts to a plan the actor manages, with the shares that let its
    /// participants see it, in one transaction with its audit record. Only the plan's own
    /// organisation manages a programme.
    pub async fn record_programme(
        &self,
        actor: &Actor,
        plan: PlanId,
        facts: ProgrammeChanges,
        what: &str,
    ) -> Result<()> {
        let visible = self.managed_plan(actor, plan).await?;
        if !visible.is_own() {
            return Err(AppError::Forbidden);
        }
        let mut audit = actor.audit("programme.record");
        audit.subject = Some(format!("{}: {what}", visible.plan.title));
        self.write_programme(
            actor,
            &visible,
            ChangeSet::new(visible.plan.org, plan),
            facts,
            audit,
        )
        .await
    }

    /// Writes item changes and programme facts to a programme the caller has checked the
    /// actor manages, with the shares its participants need and the audit record (its detail
    /// counted here, beside any the caller gave), in one transaction.
    pub(crate) async fn write_programme(
        &self,
        actor: &Actor,
        visible: &VisiblePlan,
        changes: ChangeSet,
        mut facts: ProgrammeChanges,
        mut audit: waymark_store::NewAuditEvent,
    ) -> Result<()> {
        let plan = visible.plan.id;
        let read = self.read_view(visible, self.today(), None).await?;
        let mut record = self.store().programme(visible.scope(), plan).await?;
        merge_for_sharing(&mut record, &facts, &read);
        let shares = self.store().shares_of_plan(plan).await?;
        let (new_shares, revoked) = shares_to_make(visible, &read, &record, &shares, actor);
        facts.shares.extend(new_shares);
        facts.revoke_shares.extend(revoked);
        let counts = serde_json::json!({
            "participants": facts.participants.len(), "bases": facts.bases.len(),
            "costs": facts.costs.len(), "projects": facts.projects.len(),
            "funding_lines": facts.funding.len(), "savings": facts.savings.len(),
            "shares_made": facts.shares.len(), "shares_revoked": facts.revoke_shares.len(),
        });
        audit.detail = Some(match audit.detail.take() {
            Some(serde_json::Value::Object(mut given)) => {
                if let serde_json::Value::Object(counted) = counts {
                    given.extend(counted);
                }
                serde_json::Value::Object(given)
            }
            _ => counts,
        });
        let set = ProgrammeSet {
            new_plan: None,
            changes,
            programme: facts,
            entered_by: actor.name(),
            audit: Some(audit),
        };
        self.store().store_programme(&set).await?;
        Ok(())
    }
}

/// The record as it will stand once `facts` are written, as far as sharing needs it: who takes
/// part and which projects are kept to the lead.
fn merge_for_sharing(record: &mut ProgrammeRecord, facts: &ProgrammeChanges, read: &PlanRead) {
    for participant in &facts.participants {
        match record
            .participants
            .iter_mut()
            .find(|p| p.org == participant.org)
        {
            Some(slot) => *slot = participant.clone(),
            None => record.participants.push(participant.clone()),
        }
    }
    for (item, project) in &facts.projects {
        if let ItemRef::Existing(id) = item
            && read.view.item(*id).is_some()
        {
            record.projects.insert(*id, project.clone());
        }
    }
}

/// The shares the participants need and the ones no longer right: one share per participant
/// still taking part, of the whole plan, or (where projects are kept to the lead) of the items
/// that are shared. A share that no longer matches is revoked and a new one made, so the
/// history of who could see what is kept.
fn shares_to_make(
    visible: &VisiblePlan,
    read: &PlanRead,
    record: &ProgrammeRecord,
    existing: &[waymark_store::StoredShare],
    actor: &Actor,
) -> (Vec<NewShare>, Vec<i64>) {
    let items = shared_items(read, record);
    let ceiling = visible.plan.marking.marking.max(Marking::Official);
    let mut make = Vec::new();
    let mut revoke = Vec::new();
    let active: Vec<&waymark_store::StoredShare> =
        existing.iter().filter(|s| s.is_active()).collect();
    for participant in &record.participants {
        if participant.org == visible.plan.org {
            continue;
        }
        let current = active.iter().find(|s| s.share.with_org == participant.org);
        let wanted = participant.left_on.is_none();
        match (current, wanted) {
            (Some(share), true) if share.share.items == items => {}
            (Some(share), true) => {
                revoke.push(share.share.id);
                make.push(new_share(visible, participant.org, &items, ceiling, actor));
            }
            (Some(share), false) => revoke.push(share.share.id),
            (None, true) => make.push(new_share(visible, participant.org, &items, ceiling, actor)),
            (None, false) => {}
        }
    }
    (make, revoke)
}

fn new_share(
    visible: &VisiblePlan,
    org: OrgId,
    items: &Option<Vec<ItemId>>,
    ceiling: Marking,
    actor: &Actor,
) -> NewShare {
    NewShare {
        plan: visible.plan.id,
        with_org: org,
        access: ShareAccess::Contribute,
        ceiling,
        items: items.clone(),
        created_by: actor.name(),
    }
}

/// The items a participant is shared: `None` (the whole plan) unless a project is kept to the
/// lead; then the top-level items with nothing kept under them, and within the others, their
/// children with nothing kept, and so on down.
pub fn shared_items(read: &PlanRead, record: &ProgrammeRecord) -> Option<Vec<ItemId>> {
    let kept: BTreeSet<ItemId> = record
        .projects
        .iter()
        .filter(|(_, facts)| facts.lead_only)
        .map(|(id, _)| *id)
        .collect();
    if kept.is_empty() {
        return None;
    }
    let view = &read.view;
    // Whether an item's subtree holds a kept project.
    let mut holds_kept: HashMap<ItemId, bool> = HashMap::new();
    for item in view.items.iter().rev() {
        let below = item
            .children
            .iter()
            .any(|child| holds_kept.get(child).copied().unwrap_or(false));
        holds_kept.insert(item.id, kept.contains(&item.id) || below);
    }
    let mut shared = Vec::new();
    let mut pending: Vec<ItemId> = view
        .items
        .iter()
        .filter(|item| item.fields.parent.is_none())
        .map(|item| item.id)
        .collect();
    while let Some(id) = pending.pop() {
        if kept.contains(&id) {
            continue;
        }
        if holds_kept.get(&id).copied().unwrap_or(false) {
            if let Some(item) = view.item(id) {
                pending.extend(item.children.iter().copied());
            }
        } else {
            shared.push(id);
        }
    }
    shared.sort();
    Some(shared)
}

/// Works a programme's figures out for a year from its record, over the items in `read`.
pub fn summarise(
    plan: VisiblePlan,
    read: &PlanRead,
    record: &ProgrammeRecord,
    organisations: &HashMap<OrgId, Organisation>,
    year: FinancialYear,
) -> ProgrammeSummary {
    let view = &read.view;
    let visible_item = |item: Option<ItemId>| item.is_none_or(|id| view.item(id).is_some());
    let funding: Vec<FundingLine> = record
        .funding
        .iter()
        .filter(|line| visible_item(line.project))
        .cloned()
        .collect();
    let savings: Vec<Saving> = record
        .savings
        .iter()
        .filter(|saving| visible_item(saving.project))
        .cloned()
        .collect();
    let org = |id: OrgId| organisations.get(&id).cloned();
    let lead_org = record
        .participants
        .iter()
        .find(|p| p.is_lead)
        .map_or(plan.plan.org, |p| p.org);

    // The programme's own cost and its sharing.
    let own_cost = record
        .costs
        .iter()
        .find(|c| c.project.is_none() && c.year == year)
        .cloned();
    let mut cost_problem = None;
    let cost = own_cost.and_then(|cost| {
        let name = |id: OrgId| org(id).map_or_else(|| format!("organisation {}", id.0), |o| o.name);
        match share_over_year(&cost, record, year) {
            Ok(shared) => {
                let statement = shared
                    .segments
                    .iter()
                    .flat_map(|segment| {
                        let mut lines = Vec::new();
                        if shared.segments.len() > 1 {
                            lines.push(format!(
                                "From {} to {} ({} days):",
                                segment.from.format("%-d %B %Y"),
                                segment.to.format("%-d %B %Y"),
                                segment.days
                            ));
                        }
                        lines.extend(segment.apportionment.statement(&name));
                        lines
                    })
                    .collect();
                Some(CostShare {
                    cost,
                    year: shared,
                    statement,
                })
            }
            Err(error) => {
                cost_problem = Some(error.to_string());
                None
            }
        }
    });
    let project_costs = record
        .costs
        .iter()
        .filter(|c| c.year == year && c.project.is_some() && visible_item(c.project))
        .map(|c| {
            let participants = record
                .participants
                .iter()
                .filter(|p| p.takes_part_in(year))
                .filter(|p| {
                    c.project
                        .and_then(|id| record.projects.get(&id))
                        .is_none_or(|f| f.participants.includes(p.org))
                })
                .map(|p| p.org)
                .collect();
            let to_share = cost_to_share(c, participants);
            (
                c.clone(),
                apportion(&to_share, &record.bases).map_err(|e| e.to_string()),
            )
        })
        .collect();

    let participants = record
        .participants
        .iter()
        .filter(|p| p.takes_part_in(year))
        .filter_map(|p| {
            let organisation = org(p.org)?;
            let basis_kind = match cost.as_ref().map(|c| &c.cost.method) {
                Some(ShareMethod::Proportional(kind)) => Some(*kind),
                _ => None,
            };
            let basis = record
                .bases
                .iter()
                .filter(|b| b.org == p.org && b.year == year)
                .find(|b| basis_kind.is_none_or(|k| k == b.kind))
                .cloned();
            let share_pence = cost.as_ref().and_then(|c| {
                c.year
                    .totals
                    .iter()
                    .find(|(o, _)| *o == p.org)
                    .map(|(_, pence)| *pence)
            });
            Some(ParticipantLine {
                organisation,
                participant: p.clone(),
                basis,
                share_pence,
            })
        })
        .collect();

    // Projects: the visible items with project facts, under their areas.
    let mut projects = Vec::new();
    for item in &view.items {
        let Some(facts) = record.projects.get(&item.id) else {
            continue;
        };
        let area = facts.area.clone().unwrap_or_else(|| {
            top_ancestor(read, item.id)
                .filter(|top| *top != item.id)
                .and_then(|top| view.item(top))
                .map_or_else(|| "Programme".to_string(), |top| top.fields.text.clone())
        });
        let project_funding =
            funding_by_year(funding.iter().filter(|l| l.project == Some(item.id)))
                .get(&year)
                .copied()
                .unwrap_or_default();
        projects.push(ProjectLine {
            item: item.id,
            reference: item.fields.reference.clone(),
            name: item.fields.text.clone(),
            area,
            facts: facts.clone(),
            lead: facts.lead.and_then(org),
            participants: match &facts.participants {
                waymark_core::programme::ProjectParticipants::All => Vec::new(),
                waymark_core::programme::ProjectParticipants::Some(ids) => {
                    ids.iter().filter_map(|id| org(*id)).collect()
                }
            },
            owners: item.fields.owners.clone(),
            rag: item.fields.shown_rag(),
            tags: item.fields.tags.clone(),
            latest_update: item.latest_update.as_ref().map(|u| u.text.clone()),
            funding: project_funding,
        });
    }
    let mut projects_by_area = BTreeMap::new();
    let mut projects_by_status = BTreeMap::new();
    for project in &projects {
        *projects_by_area.entry(project.area.clone()).or_insert(0) += 1;
        *projects_by_status
            .entry(project.facts.status.as_str().to_string())
            .or_insert(0) += 1;
    }
    let taxonomy_names: Vec<String> = record.taxonomies.iter().map(|(n, _)| n.clone()).collect();
    let matrix = framework_matrix(
        &projects
            .iter()
            .filter(|p| !p.tags.is_empty())
            .map(|p| (p.item, p.name.clone(), p.tags.clone()))
            .collect::<Vec<_>>(),
        &taxonomy_names,
    );

    let in_year = savings_in_year(&savings, year);
    // With no target stated, the target is the programme's own cost (seed 003: "at least
    // equivalent to the team's net budget").
    let target = match record.targets.get(&year) {
        Some(Some(amount)) => Some(*amount),
        _ => cost.as_ref().map(|c| c.cost.total),
    };
    let progress = progress_against_target(in_year, target);
    let share_back = share_savings_back(
        record,
        &savings,
        year,
        cost.as_ref(),
        lead_org,
        organisations,
    );

    let years_shared: BTreeSet<FinancialYear> = record
        .costs
        .iter()
        .map(|c| c.year)
        .chain(record.bases.iter().map(|b| b.year))
        .collect();
    let mut years: BTreeSet<FinancialYear> = BTreeSet::new();
    years.extend(record.costs.iter().map(|c| c.year));
    years.extend(funding.iter().map(|l| l.year));
    years.extend(savings.iter().map(|s| s.year));
    years.extend(record.bases.iter().map(|b| b.year));
    years.insert(year);

    let by_year = funding_by_year(&funding);
    let mut funding_by_source_and_year: BTreeMap<String, BTreeMap<FinancialYear, FundingTotal>> =
        BTreeMap::new();
    for funded in by_year.keys() {
        for (source, total) in funding_by_source(&funding, Some(*funded)) {
            funding_by_source_and_year
                .entry(source)
                .or_default()
                .insert(*funded, total);
        }
    }
    ProgrammeSummary {
        lead: org(lead_org),
        participants,
        cost,
        cost_problem,
        project_costs,
        funding_by_year: by_year,
        funding_by_source: funding_by_source(&funding, Some(year)),
        funding_by_source_and_year,
        savings: in_year,
        progress,
        share_back,
        projects,
        projects_by_area,
        projects_by_status,
        matrix,
        governance: record.settings.governance.clone(),
        years: years.into_iter().collect(),
        years_shared: years_shared.into_iter().collect(),
        plan,
        year,
    }
}

fn cost_to_share(cost: &ProgrammeCost, participants: Vec<OrgId>) -> CostToShare {
    CostToShare {
        label: cost.label.clone(),
        year: cost.year,
        total: cost.total,
        external: cost.external.clone(),
        method: cost.method.clone(),
        participants,
    }
}

/// The programme's cost shared over the year, participants joining and leaving as recorded.
fn share_over_year(
    cost: &ProgrammeCost,
    record: &ProgrammeRecord,
    year: FinancialYear,
) -> std::result::Result<YearApportionment, ApportionError> {
    let at_start: Vec<OrgId> = record
        .participants
        .iter()
        .filter(|p| p.at_start_of(year))
        .map(|p| p.org)
        .collect();
    let mut changes = Vec::new();
    for p in &record.participants {
        if let Some(joined) = p.joined_on
            && joined > year.start_date()
            && joined <= year.end_date()
        {
            changes.push(MembershipChange {
                on: joined,
                org: p.org,
                joins: true,
            });
        }
        if let Some(left) = p.left_on
            && left >= year.start_date()
            && left < year.end_date()
            && let Some(next) = left.succ_opt()
        {
            changes.push(MembershipChange {
                on: next,
                org: p.org,
                joins: false,
            });
        }
    }
    apportion_over_year(&cost_to_share(cost, at_start), &record.bases, &changes)
}

/// Realised cashable savings of the year shared back by the programme's rule.
fn share_savings_back(
    record: &ProgrammeRecord,
    savings: &[Saving],
    year: FinancialYear,
    cost: Option<&CostShare>,
    lead: OrgId,
    organisations: &HashMap<OrgId, Organisation>,
) -> Option<SavingsShareBack> {
    let rule = record.settings.savings_rule;
    let realised: Vec<&Saving> = savings
        .iter()
        .filter(|s| {
            s.counts_in(year)
                && s.kind == waymark_core::programme::SavingKind::Cashable
                && s.stage == waymark_core::programme::SavingStage::Realised
        })
        .collect();
    if realised.is_empty() {
        return None;
    }
    let members: Vec<OrgId> = record
        .participants
        .iter()
        .filter(|p| p.takes_part_in(year))
        .map(|p| p.org)
        .collect();
    if members.is_empty() {
        return None;
    }
    let mut totals: Vec<(OrgId, i64)> = members.iter().map(|o| (*o, 0)).collect();
    let mut add = |org: OrgId, pence: i64| match totals.iter_mut().find(|(o, _)| *o == org) {
        Some((_, sum)) => *sum += pence,
        None => totals.push((org, pence)),
    };
    // Weights for "as the cost is shared": each member's share of the programme's own cost,
    // else equal.
    let cost_weights: Vec<i128> = members
        .iter()
        .map(|m| {
            cost.and_then(|c| c.year.totals.iter().find(|(o, _)| o == m))
                .map_or(1, |(_, p)| i128::from(*p))
        })
        .collect();
    let spread = |amount: i64, weights: &[i128]| {
        let weights: Vec<i128> = if weights.iter().sum::<i128>() > 0 {
            weights.to_vec()
        } else {
            vec![1; members.len()]
        };
        waymark_core::programme::largest_remainder(amount, &weights).0
    };
    for saving in realised {
        match rule {
            SavingsRule::WhereRealised if saving.org.is_some() => {
                add(saving.org.unwrap_or(lead), saving.amount)
            }
            SavingsRule::ToLead => {
                let project_lead = saving
                    .project
                    .and_then(|p| record.projects.get(&p))
                    .and_then(|f| f.lead)
                    .unwrap_or(lead);
                add(project_lead, saving.amount);
            }
            SavingsRule::Equal => {
                for (org, part) in members
                    .iter()
                    .zip(spread(saving.amount, &vec![1; members.len()]))
                {
                    add(*org, part);
                }
            }
            SavingsRule::AsCostShared | SavingsRule::WhereRealised => {
                for (org, part) in members.iter().zip(spread(saving.amount, &cost_weights)) {
                    add(*org, part);
                }
            }
        }
    }
    Some(SavingsShareBack {
        rule,
        shares: totals
            .into_iter()
            .filter_map(|(org, pence)| organisations.get(&org).map(|o| (o.clone(), pence)))
            .collect(),
    })
}

/// The top-level item above `item` in the view (itself where it is at the top).
fn top_ancestor(read: &PlanRead, item: ItemId) -> Option<ItemId> {
    let mut current = read.view.item(item)?;
    while let Some(parent) = current.fields.parent.and_then(|p| read.view.item(p)) {
        current = parent;
    }
    Some(current.id)
}
