//! A collaboration programme for one year as programs read it: the JSON of
//! `GET /api/plans/{id}/programme?year=` and `waymark programme --json`, so both say the same.
//! Money is whole pence; an amount not known is counted, never added in as zero.

use std::collections::BTreeMap;

use serde::Serialize;
use waymark_core::programme::year_label;

pub use waymark_app::programme::ProgrammeSummary;

/// A participant's basis for the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BasisJson {
    /// police-grant, net-revenue-expenditure or fixed-percentage.
    pub kind: String,
    /// Pence, or hundredths of a percent for a fixed percentage.
    pub value: i64,
    pub source: String,
    /// ISO date the figure was stated, where known.
    pub as_of: Option<String>,
    /// Made up for a demonstration, not a real figure.
    pub illustrative: bool,
}

/// One participant and its share of the programme's cost for the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipantJson {
    /// The organisation's code.
    pub organisation: String,
    pub name: String,
    pub lead: bool,
    pub basis: Option<BasisJson>,
    /// Its share of the programme's own cost, in pence.
    pub share_pence: Option<i64>,
    pub joined_on: Option<String>,
    pub left_on: Option<String>,
}

/// The programme's own cost for the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CostJson {
    pub label: String,
    pub total_pence: i64,
    /// proportional:police-grant, equal or fixed.
    pub method: String,
    /// What an external funder pays first, in pence.
    pub external_pence: Option<i64>,
    /// The apportionment statement, line by line.
    pub statement: Vec<String>,
}

/// A year's funding.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearFundingJson {
    pub known_pence: i64,
    /// Amounts not known ("xxx", "tbc"): counted, not zeroed.
    pub unknown_cells: usize,
}

/// Savings for the year against the target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavingsJson {
    pub year: String,
    pub target_pence: Option<i64>,
    pub realised_pence: i64,
    pub planned_pence: i64,
    pub non_cashable_realised_pence: i64,
    pub met: Option<bool>,
}

/// A project in the JSON.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectJson {
    pub item: i64,
    pub name: String,
    pub area: String,
    pub status: String,
    pub lead: Option<String>,
    /// Organisation codes; empty for all participants.
    pub participants: Vec<String>,
    pub model: Option<String>,
    pub rag: Option<String>,
    /// "taxonomy: value".
    pub tags: Vec<String>,
}

/// A programme for one year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgrammeJson {
    pub plan: i64,
    pub title: String,
    pub year: String,
    pub lead: Option<String>,
    pub participants: Vec<ParticipantJson>,
    pub cost: Option<CostJson>,
    /// Why the cost could not be shared, where it could not.
    pub cost_problem: Option<String>,
    pub funding_by_year: BTreeMap<String, YearFundingJson>,
    pub savings: SavingsJson,
    pub projects_by_area: BTreeMap<String, usize>,
    pub projects_by_status: BTreeMap<String, usize>,
    pub projects: Vec<ProjectJson>,
}

impl ProgrammeJson {
    pub fn new(summary: &ProgrammeSummary) -> ProgrammeJson {
        ProgrammeJson {
            plan: summary.plan.plan.id.0,
            title: summary.plan.plan.title.clone(),
            year: year_label(summary.year),
            lead: summary.lead.as_ref().map(|o| o.code.clone()),
            participants: summary
                .participants
                .iter()
                .map(|p| ParticipantJson {
                    organisation: p.organisation.code.clone(),
                    name: p.organisation.name.clone(),
                    lead: p.participant.is_lead,
                    basis: p.basis.as_ref().map(|b| BasisJson {
                        kind: b.kind.as_str().to_string(),
                        value: b.value,
                        source: b.source.clone(),
                        as_of: b.as_of.map(|d| d.to_string()),
                        illustrative: b.illustrative,
                    }),
                    share_pence: p.share_pence,
                    joined_on: p.participant.joined_on.map(|d| d.to_string()),
                    left_on: p.participant.left_on.map(|d| d.to_string()),
                })
                .collect(),
            cost: summary.cost.as_ref().map(|c| CostJson {
                label: c.cost.label.clone(),
                total_pence: c.cost.total,
                method: c.cost.method.as_str(),
                external_pence: c
                    .year
                    .segments
                    .iter()
                    .map(|s| s.apportionment.external.as_ref().map(|(_, p)| *p))
                    .sum(),
                statement: c.statement.clone(),
            }),
            cost_problem: summary.cost_problem.clone(),
            funding_by_year: summary
                .funding_by_year
                .iter()
                .map(|(year, total)| {
                    (
                        year_label(*year),
                        YearFundingJson {
                            known_pence: total.known_pence,
                            unknown_cells: total.unknown_count,
                        },
                    )
                })
                .collect(),
            savings: SavingsJson {
                year: year_label(summary.year),
                target_pence: summary.progress.target,
                realised_pence: summary.progress.realised,
                planned_pence: summary.progress.planned,
                non_cashable_realised_pence: summary.savings.non_cashable_realised,
                met: summary.progress.met,
            },
            projects_by_area: summary.projects_by_area.clone(),
            projects_by_status: summary.projects_by_status.clone(),
            projects: summary
                .projects
                .iter()
                .map(|p| ProjectJson {
                    item: p.item.0,
                    name: p.name.clone(),
                    area: p.area.clone(),
                    status: p.facts.status.as_str().to_string(),
                    lead: p.lead.as_ref().map(|o| o.code.clone()),
                    participants: p.participants.iter().map(|o| o.code.clone()).collect(),
                    model: p.facts.model.as_ref().map(|m| m.as_str().to_string()),
                    rag: p.rag.map(|r| r.word().to_string()),
                    tags: p
                        .tags
                        .iter()
                        .map(|t| format!("{}: {}", t.taxonomy, t.value))
                        .collect(),
                })
                .collect(),
        }
    }
}
