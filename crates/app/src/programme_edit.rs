//! Editing a programme's facts by hand, as its manager (a plan manager of the lead
//! organisation) does between imports: a participant's basis for a year, the programme's own
//! cost for a year and how it is shared, funding lines and savings (added, or withdrawn).
//!
//! Each entry arrives as people type it (money as they write it, read by
//! `core::programme::parse_money`; words such as "recurring" or "one-off") and is checked
//! field by field, every mistake named by its field, before anything is written. Writes go
//! through [`App::record_programme`], so the audit record and the participants' shares are
//! written with them.

use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{
    ApportionError, BasisFigure, BasisKind, Certainty, CostToShare, ExternalPart, ExternalShare,
    FundingLine, MoneyCell, ProgrammeCost, Recurrence, Saving, SavingKind, SavingStage,
    ShareMethod, apportion, format_pence, parse_money, year_label,
};
use waymark_core::{ItemId, OrgId, Organisation, PlanId};
use waymark_store::{ItemRef, ProgrammeChanges, ProgrammeRecord};

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::error::{AppError, FieldError, Result};
use crate::text::{optional, parse_day, required_line};

/// A participant's basis for a year, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BasisEntry {
    pub organisation: i64,
    pub year: String,
    /// police-grant, net-revenue-expenditure or fixed-percentage.
    pub kind: String,
    /// "£98.4m" for money; "22.5%" for a fixed percentage.
    pub figure: String,
    /// The day the figure was stated; may be blank.
    pub as_of: String,
    pub source: String,
}

/// The programme's own cost for a year and how it is shared, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostEntry {
    pub year: String,
    /// "Programme team"; blank keeps the year's name, or "Programme team" for a new year.
    pub label: String,
    pub total: String,
    /// police-grant, net-revenue-expenditure, fixed-percentage (in proportion to that basis)
    /// or equal.
    pub method: String,
    /// A funder outside the participants who pays first ("Home Office"); may be blank.
    pub external_funder: String,
    /// Its part: "75%" or an amount ("£300k").
    pub external_share: String,
    /// For `fixed-amounts`: each participant's amount (organisation id, money as people write
    /// it, "£150k"), which must add up to the cost (less any external part). A participant not
    /// named pays nothing; none named keeps the amounts already agreed for the year.
    pub amounts: Vec<(i64, String)>,
}

/// A funding line, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FundingEntry {
    /// The project (item id) funded; `None` for the programme as a whole.
    pub project: Option<i64>,
    pub source: String,
    pub year: String,
    /// As people write money; "tbc" or "xxx" where it is not known yet.
    pub amount: String,
    /// one-off or recurring.
    pub recurrence: String,
    /// secured or expected.
    pub certainty: String,
}

/// A saving, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavingEntry {
    pub project: Option<i64>,
    /// The year it first counts in.
    pub year: String,
    /// cashable or non-cashable.
    pub kind: String,
    /// one-off or recurring.
    pub recurrence: String,
    /// planned or realised.
    pub stage: String,
    /// Pence a year, as people write money.
    pub amount: String,
    /// A recurring saving's last year; may be blank (every year from `year`).
    pub until: String,
}

/// A programme's facts as its manager edits them: everything in force, unnarrowed (the lead
/// sees all of its own programme), with the names a form offers.
#[derive(Debug, Clone)]
pub struct ProgrammeFacts {
    pub plan: VisiblePlan,
    pub record: ProgrammeRecord,
    /// The participants' organisations, in the record's order (lead first).
    pub participants: Vec<Organisation>,
    /// The projects, (item id, name), in the plan's order.
    pub projects: Vec<(ItemId, String)>,
}

impl ProgrammeFacts {
    /// A participant's or a project's name, for the lists of lines.
    pub fn project_name(&self, project: Option<ItemId>) -> String {
        match project {
            None => "The programme".to_string(),
            Some(id) => self
                .projects
                .iter()
                .find(|(item, _)| *item == id)
                .map_or_else(|| format!("Item {}", id.0), |(_, name)| name.clone()),
        }
    }
}

/// The most a source or a label may run to.
const MAX_LINE: usize = 200;

impl App {
    /// A programme's facts for its manager to edit: forbidden to anyone else who may see the
    /// plan, not found for anyone who may not. As with [`App::programme_summary`] and
    /// [`App::record_programme`], any plan may hold programme facts; the pages offer them for
    /// plans of kind `collaboration`.
    pub async fn programme_facts(&self, actor: &Actor, plan: PlanId) -> Result<ProgrammeFacts> {
        let visible = self.managed_plan(actor, plan).await?;
        if !visible.is_own() {
            return Err(AppError::Forbidden);
        }
        let read = self.read_view(&visible, self.today(), None).await?;
        let record = self.store().programme(visible.scope(), plan).await?;
        let organisations = self.store().organisations().await?;
        let participants = record
            .participants
            .iter()
            .filter_map(|p| organisations.iter().find(|o| o.id == p.org).cloned())
            .collect();
        let projects = read
            .view
            .items
            .iter()
            .filter(|item| record.projects.contains_key(&item.id))
            .map(|item| (item.id, item.fields.text.clone()))
            .collect();
        Ok(ProgrammeFacts {
            plan: visible,
            record,
            participants,
            projects,
        })
    }

    /// Sets a participant's basis for a year (a new figure replaces the year's figure of the
    /// same kind). Answers the year, for the page to return to.
    pub async fn set_programme_basis(
        &self,
        actor: &Actor,
        plan: PlanId,
        entry: &BasisEntry,
    ) -> Result<FinancialYear> {
        let facts = self.programme_facts(actor, plan).await?;
        let mut problems = Vec::new();
        let mut found = Found::default();
        let org = OrgId(entry.organisation);
        let participant = facts.participants.iter().find(|o| o.id == org);
        if participant.is_none() {
            found.not_there(
                &mut problems,
                "organisation",
                "Choose one of the programme's participants",
            );
        }
        let year = read_year(&entry.year, "year", &mut problems);
        let kind = read_basis_kind(&entry.kind, "kind", &mut problems);
        let value = kind.and_then(|kind| read_basis_value(kind, &entry.figure, &mut problems));
        let as_of = match optional(&entry.as_of) {
            None => None,
            Some(text) => match parse_day(&text) {
                Some(day) => Some(day),
                None => {
                    problems.push(field(
                        "as_of",
                        "Enter the day the figure was stated as a date, like 1 April 2024, or leave it blank",
                    ));
                    None
                }
            },
        };
        let source = read_line(
            &entry.source,
            "source",
            "where the figure comes from",
            &mut problems,
        );
        let (Some(participant), Some(year), Some(kind), Some(value), Some(source), true) =
            (participant, year, kind, value, source, problems.is_empty())
        else {
            return Err(found.refusal(problems));
        };
        let changes = ProgrammeChanges {
            bases: vec![BasisFigure {
                org,
                year,
                kind,
                value,
                as_of,
                source,
                illustrative: false,
            }],
            ..ProgrammeChanges::default()
        };
        let what = format!(
            "{} {} for {}: {}",
            participant.name,
            kind.label().to_lowercase(),
            year_label(year),
            kind.format_value(value)
        );
        self.record_programme(actor, plan, changes, &what).await?;
        Ok(year)
    }

    /// Sets the programme's own cost for a year and how it is shared.
    pub async fn set_programme_cost(
        &self,
        actor: &Actor,
        plan: PlanId,
        entry: &CostEntry,
    ) -> Result<FinancialYear> {
        let facts = self.programme_facts(actor, plan).await?;
        let mut problems = Vec::new();
        let mut found = Found::default();
        let year = read_year(&entry.year, "year", &mut problems);
        let existing_label = year.and_then(|year| {
            facts
                .record
                .costs
                .iter()
                .find(|c| c.project.is_none() && c.year == year)
                .map(|c| c.label.clone())
        });
        // The year's cost is found by its name, so a new name would leave the old cost in
        // force beside it: a year keeps the name it was first given.
        let label = match (optional(&entry.label), existing_label) {
            (None, Some(existing)) => Some(existing),
            (None, None) => Some("Programme team".to_string()),
            (Some(label), Some(existing)) if label != existing => {
                found.refused_by_state(
                    &mut problems,
                    "label",
                    format!(
                        "This year's cost is called \u{201c}{existing}\u{201d}: keep that name"
                    ),
                );
                None
            }
            (Some(label), _) if label.chars().count() > MAX_LINE => {
                problems.push(field(
                    "label",
                    format!("The cost's name must be {MAX_LINE} characters or fewer"),
                ));
                None
            }
            (Some(label), _) => Some(label),
        };
        let total = read_amount(&entry.total, "total", "the cost", false, &mut problems);
        // Amounts agreed beforehand (a register's stated contributions) are kept as they are:
        // the page cannot enter them, and must not turn them into a share by some basis.
        let agreed = year.and_then(|year| {
            facts
                .record
                .costs
                .iter()
                .find(|c| c.project.is_none() && c.year == year)
                .and_then(|c| match &c.method {
                    ShareMethod::Fixed(amounts) => Some(amounts.clone()),
                    _ => None,
                })
        });
        let entered = entry
            .amounts
            .iter()
            .any(|(_, text)| !text.trim().is_empty());
        let method = match entry.method.trim() {
            "fixed-amounts" if entered => {
                read_fixed_amounts(&facts, &entry.amounts, &mut problems, &mut found)
                    .map(ShareMethod::Fixed)
            }
            "fixed-amounts" => match agreed {
                Some(amounts) => {
                    let sum: i64 = amounts.iter().map(|(_, pence)| pence).sum();
                    if entry.external_funder.trim().is_empty()
                        && total.flatten().is_some_and(|total| total != sum)
                    {
                        found.refused_by_state(
                            &mut problems,
                            "total",
                            format!(
                                "The amounts agreed add up to {}: make the cost the same, or \
                                 choose another way to share it",
                                format_pence(sum)
                            ),
                        );
                    }
                    Some(ShareMethod::Fixed(amounts))
                }
                None => {
                    found.refused_by_state(
                        &mut problems,
                        "method",
                        "No amounts are agreed for this year: choose another way to share the cost",
                    );
                    None
                }
            },
            "equal" => Some(ShareMethod::Equal),
            other => match basis_kind_word(other) {
                Some(kind) => Some(ShareMethod::Proportional(kind)),
                None => {
                    problems.push(field(
                        "method",
                        "Choose how the cost is shared: by police grant, net revenue expenditure, fixed percentages, or equally",
                    ));
                    None
                }
            },
        };
        let external = read_external(entry, &mut problems);
        // Amounts entered must add up to what the participants share, as the rule that shares
        // them checks.
        if let (Some(year), Some(Some(total)), Some(ShareMethod::Fixed(amounts)), Some(external)) =
            (year, total, &method, &external)
            && entered
        {
            let to_share = CostToShare {
                label: String::new(),
                year,
                total,
                external: external.clone(),
                method: ShareMethod::Fixed(amounts.clone()),
                participants: facts.participants.iter().map(|o| o.id).collect(),
            };
            if let Err(ApportionError::FixedAmountsDoNotAddUp { sum, cost }) =
                apportion(&to_share, &[])
            {
                problems.push(field(
                    "amounts",
                    format!(
                        "The amounts add up to {sum} but the participants share {cost}: make \
                         them add up to it"
                    ),
                ));
            }
        }
        let (Some(year), Some(label), Some(Some(total)), Some(method), Some(external), true) =
            (year, label, total, method, external, problems.is_empty())
        else {
            return Err(found.refusal(problems));
        };
        let what = format!(
            "{label} for {}: {}, {}",
            year_label(year),
            format_pence(total),
            method.describe().to_lowercase()
        );
        let changes = ProgrammeChanges {
            costs: vec![(
                None,
                ProgrammeCost {
                    project: None,
                    label,
                    year,
                    total,
                    method,
                    external,
                },
            )],
            ..ProgrammeChanges::default()
        };
        self.record_programme(actor, plan, changes, &what).await?;
        Ok(year)
    }

    /// Adds a funding line. An amount written as not known ("tbc") stays unknown.
    pub async fn add_funding_line(
        &self,
        actor: &Actor,
        plan: PlanId,
        entry: &FundingEntry,
    ) -> Result<FinancialYear> {
        let facts = self.programme_facts(actor, plan).await?;
        let mut problems = Vec::new();
        let mut found = Found::default();
        let project = read_project(&facts, entry.project, &mut problems, &mut found);
        let source = read_line(
            &entry.source,
            "source",
            "who the funding comes from",
            &mut problems,
        );
        let year = read_year(&entry.year, "year", &mut problems);
        let amount = read_amount(&entry.amount, "amount", "the amount", true, &mut problems);
        let recurrence = read_word(
            &entry.recurrence,
            "recurrence",
            "Choose whether the funding is one-off or recurring",
            Recurrence::parse,
            &mut problems,
        );
        let certainty = read_word(
            &entry.certainty,
            "certainty",
            "Choose whether the funding is secured or expected",
            Certainty::parse,
            &mut problems,
        );
        let (
            Some(project),
            Some(source),
            Some(year),
            Some(amount),
            Some(recurrence),
            Some(certainty),
            true,
        ) = (
            project,
            source,
            year,
            amount,
            recurrence,
            certainty,
            problems.is_empty(),
        )
        else {
            return Err(found.refusal(problems));
        };
        let what = format!(
            "funding from {source} for {}: {}",
            year_label(year),
            amount.map_or_else(|| "not known yet".to_string(), format_pence)
        );
        let line = FundingLine {
            project,
            source,
            year,
            amount,
            written: amount.is_none().then(|| entry.amount.trim().to_string()),
            recurrence,
            certainty,
        };
        let changes = ProgrammeChanges {
            funding: vec![(project.map(ItemRef::Existing), line)],
            ..ProgrammeChanges::default()
        };
        self.record_programme(actor, plan, changes, &what).await?;
        Ok(year)
    }

    /// Adds a saving. A one-off saving counts in its own year only.
    pub async fn add_saving(
        &self,
        actor: &Actor,
        plan: PlanId,
        entry: &SavingEntry,
    ) -> Result<FinancialYear> {
        let facts = self.programme_facts(actor, plan).await?;
        let mut problems = Vec::new();
        let mut found = Found::default();
        let project = read_project(&facts, entry.project, &mut problems, &mut found);
        let year = read_year(&entry.year, "year", &mut problems);
        let kind = read_word(
            &entry.kind,
            "kind",
            "Choose whether the saving is cashable or non-cashable",
            SavingKind::parse,
            &mut problems,
        );
        let recurrence = read_word(
            &entry.recurrence,
            "recurrence",
            "Choose whether the saving is one-off or recurring",
            Recurrence::parse,
            &mut problems,
        );
        let stage = read_word(
            &entry.stage,
            "stage",
            "Choose whether the saving is planned or realised",
            SavingStage::parse,
            &mut problems,
        );
        let amount = read_amount(&entry.amount, "amount", "the saving", false, &mut problems);
        let until = match optional(&entry.until) {
            None => Some(None),
            Some(_) if recurrence == Some(Recurrence::OneOff) => {
                problems.push(field(
                    "until",
                    "A one-off saving counts in its own year only: leave the last year blank",
                ));
                None
            }
            Some(text) => match FinancialYear::parse(&text) {
                Ok(until) => Some(Some(until)),
                Err(error) => {
                    problems.push(field("until", format!("The last year: {error}")));
                    None
                }
            },
        };
        // The two years name a span, written either way round (as a plan's changes read
        // `from` and `to`): the earlier is the first year the saving counts in.
        let (year, until) = match (year, until) {
            (Some(first), Some(Some(last))) if last < first => (Some(last), Some(Some(first))),
            other => other,
        };
        let (
            Some(project),
            Some(year),
            Some(kind),
            Some(recurrence),
            Some(stage),
            Some(Some(amount)),
            Some(until),
            true,
        ) = (
            project,
            year,
            kind,
            recurrence,
            stage,
            amount,
            until,
            problems.is_empty(),
        )
        else {
            return Err(found.refusal(problems));
        };
        let what = format!(
            "{} {} {} saving for {}: {}",
            stage.as_str(),
            recurrence.as_str(),
            kind.as_str(),
            year_label(year),
            format_pence(amount)
        );
        let saving = Saving {
            project,
            org: None,
            kind,
            recurrence,
            stage,
            year,
            until,
            amount,
        };
        let changes = ProgrammeChanges {
            savings: vec![(project.map(ItemRef::Existing), saving)],
            ..ProgrammeChanges::default()
        };
        self.record_programme(actor, plan, changes, &what).await?;
        Ok(year)
    }

    /// Withdraws a funding line in force (kept, marked withdrawn). Answers its year; a line
    /// withdrawn already is answered the same, as it is, with nothing written again.
    pub async fn withdraw_funding_line(
        &self,
        actor: &Actor,
        plan: PlanId,
        line: i64,
    ) -> Result<FinancialYear> {
        let facts = self.programme_facts(actor, plan).await?;
        let Some(at) = facts.record.funding_ids.iter().position(|id| *id == line) else {
            // Withdrawn already: it stays as it is, and nothing is written (or audited) again.
            return self
                .store()
                .withdrawn_funding_year(plan, line)
                .await?
                .ok_or(AppError::NotFound);
        };
        let withdrawn = &facts.record.funding[at];
        let what = format!(
            "funding from {} for {} withdrawn",
            withdrawn.source,
            year_label(withdrawn.year)
        );
        let year = withdrawn.year;
        let changes = ProgrammeChanges {
            withdraw_funding: vec![line],
            ..ProgrammeChanges::default()
        };
        self.record_programme(actor, plan, changes, &what).await?;
        Ok(year)
    }

    /// Withdraws a saving in force. Answers its year; a saving withdrawn already is answered
    /// the same, with nothing written again.
    pub async fn withdraw_saving(
        &self,
        actor: &Actor,
        plan: PlanId,
        saving: i64,
    ) -> Result<FinancialYear> {
        let facts = self.programme_facts(actor, plan).await?;
        let Some(at) = facts.record.saving_ids.iter().position(|id| *id == saving) else {
            // Withdrawn already: it stays as it is, and nothing is written (or audited) again.
            return self
                .store()
                .withdrawn_saving_year(plan, saving)
                .await?
                .ok_or(AppError::NotFound);
        };
        let withdrawn = &facts.record.savings[at];
        let what = format!(
            "{} saving for {} withdrawn",
            format_pence(withdrawn.amount),
            year_label(withdrawn.year)
        );
        let year = withdrawn.year;
        let changes = ProgrammeChanges {
            withdraw_savings: vec![saving],
            ..ProgrammeChanges::default()
        };
        self.record_programme(actor, plan, changes, &what).await?;
        Ok(year)
    }
}

fn field(name: &str, message: impl Into<String>) -> FieldError {
    (name.to_string(), message.into())
}

/// Which of an entry's refusals depend on what is stored rather than on what was typed: a
/// field naming a participant or project the programme lacks, or the year's facts refusing
/// the change. Every refusal stays in one list, in the form's order, for the page to show.
#[derive(Debug, Default)]
struct Found {
    /// Fields naming something that is not there.
    not_there: Vec<String>,
    /// Fields the year's facts as they stand refuse.
    by_state: Vec<String>,
}

impl Found {
    fn not_there(
        &mut self,
        problems: &mut Vec<FieldError>,
        name: &str,
        message: impl Into<String>,
    ) {
        self.not_there.push(name.to_string());
        problems.push(field(name, message));
    }

    fn refused_by_state(
        &mut self,
        problems: &mut Vec<FieldError>,
        name: &str,
        message: impl Into<String>,
    ) {
        self.by_state.push(name.to_string());
        problems.push(field(name, message));
    }

    /// The refusal: `Invalid` while anything typed is wrong in itself (every refusal named);
    /// otherwise `Unknown` where a field names something not there, else `State`.
    fn refusal(&self, problems: Vec<FieldError>) -> AppError {
        let among = |names: &[String]| problems.iter().all(|(name, _)| names.contains(name));
        let stored = [self.not_there.as_slice(), self.by_state.as_slice()].concat();
        if problems.is_empty() || !among(&stored) {
            AppError::Invalid(problems)
        } else if self.not_there.is_empty() {
            AppError::State(problems)
        } else {
            AppError::Unknown(
                problems
                    .into_iter()
                    .filter(|(name, _)| self.not_there.contains(name))
                    .collect(),
            )
        }
    }
}

fn read_year(text: &str, name: &str, problems: &mut Vec<FieldError>) -> Option<FinancialYear> {
    if text.trim().is_empty() {
        problems.push(field(name, "Enter the financial year, like 2024/25"));
        return None;
    }
    match FinancialYear::parse(text) {
        Ok(year) => Some(year),
        Err(_) => {
            problems.push(field(
                name,
                format!(
                    "Enter the financial year like 2024/25 (\u{201c}{}\u{201d} is not one)",
                    text.trim()
                ),
            ));
            None
        }
    }
}

/// A basis kind by its own spelling ("police-grant") or as people write it ("Police grant").
fn basis_kind_word(text: &str) -> Option<BasisKind> {
    BasisKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == text.trim())
        .or_else(|| BasisKind::parse(&text.replace(['-', '_'], " ")))
}

fn read_basis_kind(text: &str, name: &str, problems: &mut Vec<FieldError>) -> Option<BasisKind> {
    let kind = basis_kind_word(text);
    if kind.is_none() {
        problems.push(field(
            name,
            "Choose the basis: police grant, net revenue expenditure or a fixed percentage",
        ));
    }
    kind
}

/// A basis figure: pence for money, hundredths of a percent for a fixed percentage.
fn read_basis_value(kind: BasisKind, text: &str, problems: &mut Vec<FieldError>) -> Option<i64> {
    if kind == BasisKind::FixedPercentage {
        let value = read_percent(text);
        if value.is_none() {
            problems.push(field(
                "figure",
                "Enter the percentage as a number more than 0 and at most 100, like 22.5%",
            ));
        }
        return value;
    }
    let what = format!("the {}", kind.label().to_lowercase());
    match read_amount(text, "figure", &what, false, problems).flatten() {
        Some(0) => {
            problems.push(field("figure", format!("Enter {what} as more than £0")));
            None
        }
        other => other,
    }
}

/// "22.5%", "22.50", "7": hundredths of a percent, more than 0 and at most 100%, as a fixed
/// percentage basis and an external share are read (the API's document states the same).
pub fn read_percent(text: &str) -> Option<i64> {
    let number = text.trim().trim_end_matches('%').trim();
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 3
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let value = whole * 100 + fraction;
    (value > 0 && value <= 10_000).then_some(value)
}

/// An amount of money as people write it. `Some(None)` is an amount not known, allowed only
/// where `unknown_allowed`; `None` is a mistake, recorded against `name`.
fn read_amount(
    text: &str,
    name: &str,
    what: &str,
    unknown_allowed: bool,
    problems: &mut Vec<FieldError>,
) -> Option<Option<i64>> {
    match parse_money(text) {
        MoneyCell::Known { pence, .. } if pence < 0 => {
            problems.push(field(name, format!("Enter {what} as £0 or more")));
            None
        }
        MoneyCell::Known { pence, .. } => Some(Some(pence)),
        MoneyCell::Unknown { .. } if unknown_allowed => Some(None),
        MoneyCell::Unknown { .. } => {
            problems.push(field(
                name,
                format!("Enter {what} as an amount: it cannot be left as not known"),
            ));
            None
        }
        MoneyCell::Blank if unknown_allowed => {
            problems.push(field(
                name,
                format!("Enter {what}, like £150k, or tbc where it is not known yet"),
            ));
            None
        }
        MoneyCell::Blank => {
            problems.push(field(name, format!("Enter {what}, like £1.2m or £150,000")));
            None
        }
        MoneyCell::Unreadable { reason, .. } => {
            problems.push(field(
                name,
                format!("Enter {what} as an amount, like £1.2m or £150,000 ({reason})"),
            ));
            None
        }
    }
}

fn read_line(text: &str, name: &str, what: &str, problems: &mut Vec<FieldError>) -> Option<String> {
    match required_line(text, MAX_LINE) {
        Ok(line) => Some(line),
        Err(problem) => {
            problems.push(field(name, problem.message(what)));
            None
        }
    }
}

fn read_word<T>(
    text: &str,
    name: &str,
    message: &str,
    parse: fn(&str) -> Option<T>,
    problems: &mut Vec<FieldError>,
) -> Option<T> {
    let value = parse(text);
    if value.is_none() {
        problems.push(field(name, message));
    }
    value
}

/// A project of the programme, or `Some(None)` for the programme as a whole.
fn read_project(
    facts: &ProgrammeFacts,
    project: Option<i64>,
    problems: &mut Vec<FieldError>,
    found: &mut Found,
) -> Option<Option<ItemId>> {
    match project {
        None => Some(None),
        Some(id) if facts.projects.iter().any(|(item, _)| item.0 == id) => Some(Some(ItemId(id))),
        Some(_) => {
            found.not_there(
                problems,
                "project",
                "Choose one of the programme's projects, or the programme as a whole",
            );
            None
        }
    }
}

/// Each participant's fixed amount, as typed: every one named must be a participant and its
/// amount known (£0 or more), each mistake by `amount_{organisation}`.
fn read_fixed_amounts(
    facts: &ProgrammeFacts,
    typed: &[(i64, String)],
    problems: &mut Vec<FieldError>,
    found: &mut Found,
) -> Option<Vec<(OrgId, i64)>> {
    let mut amounts: Vec<(OrgId, i64)> = Vec::new();
    let mut ok = true;
    for (organisation, text) in typed {
        let name = format!("amount_{organisation}");
        let Some(participant) = facts.participants.iter().find(|o| o.id.0 == *organisation) else {
            found.not_there(
                problems,
                &name,
                "Choose one of the programme's participants",
            );
            ok = false;
            continue;
        };
        if amounts.iter().any(|(org, _)| *org == participant.id) {
            problems.push(field(
                &name,
                format!("{}'s amount is given twice: give it once", participant.name),
            ));
            ok = false;
            continue;
        }
        let what = format!("{}'s amount (or £0)", participant.name);
        match read_amount(text, &name, &what, false, problems) {
            Some(Some(pence)) => amounts.push((participant.id, pence)),
            _ => ok = false,
        }
    }
    ok.then_some(amounts)
}

/// The external funder's part: none where both fields are blank.
fn read_external(
    entry: &CostEntry,
    problems: &mut Vec<FieldError>,
) -> Option<Option<ExternalShare>> {
    let funder = optional(&entry.external_funder);
    let share = optional(&entry.external_share);
    match (funder, share) {
        (None, None) => Some(None),
        (None, Some(_)) => {
            problems.push(field(
                "external_funder",
                "Enter who pays the external share, like Home Office",
            ));
            None
        }
        (Some(_), None) => {
            problems.push(field(
                "external_share",
                "Enter the external funder's share, like 75% or £300k",
            ));
            None
        }
        (Some(funder), Some(_)) if funder.chars().count() > MAX_LINE => {
            problems.push(field(
                "external_funder",
                format!("The funder's name must be {MAX_LINE} characters or fewer"),
            ));
            None
        }
        (Some(funder), Some(share)) if share.ends_with('%') => match read_percent(&share) {
            Some(hundredths) => Some(Some(ExternalShare {
                funder,
                part: ExternalPart::Percent(hundredths),
            })),
            None => {
                problems.push(field(
                    "external_share",
                    "Enter the external share as a percentage more than 0 and at most 100, like 75%",
                ));
                None
            }
        },
        (Some(funder), Some(share)) => {
            let pence = read_amount(
                &share,
                "external_share",
                "the external share",
                false,
                problems,
            )
            .flatten()?;
            // An amount above the cost pays all of it (the apportioning caps it there).
            Some(Some(ExternalShare {
                funder,
                part: ExternalPart::Amount(pence),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_read_in_hundredths() {
        assert_eq!(read_percent("22.5%"), Some(2250));
        assert_eq!(read_percent("7"), Some(700));
        assert_eq!(read_percent("100%"), Some(10_000));
        assert_eq!(read_percent("0"), None);
        assert_eq!(read_percent("100.01"), None);
        assert_eq!(read_percent("1.234"), None);
        assert_eq!(read_percent("abc"), None);
    }

    #[test]
    fn an_amount_not_known_stays_unknown_only_where_allowed() {
        let mut problems = Vec::new();
        assert_eq!(
            read_amount("tbc", "amount", "the amount", true, &mut problems),
            Some(None)
        );
        assert_eq!(
            read_amount("£2.4m", "amount", "the amount", true, &mut problems),
            Some(Some(240_000_000))
        );
        assert!(problems.is_empty());
        assert_eq!(
            read_amount("tbc", "total", "the cost", false, &mut problems),
            None
        );
        assert_eq!(problems[0].0, "total");
    }

    #[test]
    fn basis_kinds_are_read_by_their_spelling_and_as_written() {
        assert_eq!(
            basis_kind_word("net-revenue-expenditure"),
            Some(BasisKind::NetRevenueExpenditure)
        );
        assert_eq!(
            basis_kind_word("Police grant"),
            Some(BasisKind::PoliceGrant)
        );
        assert_eq!(
            basis_kind_word("fixed-percentage"),
            Some(BasisKind::FixedPercentage)
        );
        assert_eq!(basis_kind_word("equal"), None);
    }
}
