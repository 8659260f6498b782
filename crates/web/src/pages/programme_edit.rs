//! Editing a programme's facts for a year, for its manager: the participants' bases, the
//! programme's own cost and how it is shared, funding lines and savings (added, or withdrawn).
//! Each form posts to its own route, which calls one `App` operation and returns to the page;
//! a refusal shows the page again with every mistake by its field.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_app::programme_edit::{
    BasisEntry, CostEntry, FundingEntry, ProgrammeFacts, SavingEntry,
};
use waymark_core::PlanId;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{ExternalPart, ShareMethod, format_pence, year_label};

use crate::api::year_asked;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, encode_query, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/programme/edit", get(show))
        .route("/plans/{id}/programme/edit/basis", post(save_basis))
        .route("/plans/{id}/programme/edit/cost", post(save_cost))
        .route("/plans/{id}/programme/edit/funding", post(add_funding))
        .route("/plans/{id}/programme/edit/savings", post(add_saving))
        .route(
            "/plans/{id}/programme/edit/funding/withdraw",
            post(withdraw_funding),
        )
        .route(
            "/plans/{id}/programme/edit/savings/withdraw",
            post(withdraw_saving),
        )
}

#[derive(Deserialize, Default, Clone)]
struct BasisForm {
    #[serde(default)]
    basis_organisation: String,
    #[serde(default)]
    basis_year: String,
    #[serde(default)]
    basis_kind: String,
    #[serde(default)]
    basis_figure: String,
    #[serde(default)]
    basis_as_of: String,
    #[serde(default)]
    basis_source: String,
}

#[derive(Default, Clone)]
struct CostForm {
    cost_year: String,
    cost_label: String,
    cost_total: String,
    cost_method: String,
    cost_external_funder: String,
    cost_external_share: String,
    /// Each participant's fixed amount as typed, by organisation id: the fields
    /// `cost_amount_{id}`.
    cost_amounts: Vec<(i64, String)>,
}

impl CostForm {
    /// The form as posted: its named fields, and one `cost_amount_{id}` per participant.
    fn from_pairs(pairs: Vec<(String, String)>) -> CostForm {
        let mut form = CostForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "cost_year" => form.cost_year = value,
                "cost_label" => form.cost_label = value,
                "cost_total" => form.cost_total = value,
                "cost_method" => form.cost_method = value,
                "cost_external_funder" => form.cost_external_funder = value,
                "cost_external_share" => form.cost_external_share = value,
                other => {
                    // An id that is not a number names no participant: 0, which the
                    // application refuses by the field.
                    if let Some(id) = other.strip_prefix("cost_amount_") {
                        form.cost_amounts
                            .push((id.trim().parse().unwrap_or(0), value));
                    }
                }
            }
        }
        form
    }

    /// The amount typed for a participant, or "".
    fn amount_of(&self, org: i64) -> String {
        self.cost_amounts
            .iter()
            .find(|(id, _)| *id == org)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    }
}

/// A participant's fixed amount field on the cost form.
struct AmountRow {
    /// The field's name and id: `cost_amount_{organisation id}`.
    id: String,
    name: String,
    value: String,
}

#[derive(Deserialize, Default, Clone)]
struct FundingForm {
    #[serde(default)]
    funding_project: String,
    #[serde(default)]
    funding_source: String,
    #[serde(default)]
    funding_year: String,
    #[serde(default)]
    funding_amount: String,
    #[serde(default)]
    funding_recurrence: String,
    #[serde(default)]
    funding_certainty: String,
}

#[derive(Deserialize, Default, Clone)]
struct SavingForm {
    #[serde(default)]
    saving_project: String,
    #[serde(default)]
    saving_year: String,
    #[serde(default)]
    saving_kind: String,
    #[serde(default)]
    saving_recurrence: String,
    #[serde(default)]
    saving_stage: String,
    #[serde(default)]
    saving_amount: String,
    #[serde(default)]
    saving_until: String,
}

#[derive(Deserialize)]
struct EditQuery {
    year: Option<String>,
    done: Option<String>,
}

/// A withdraw button: the line's id, and the year shown, for the page to return to.
#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    year: String,
}

impl WithdrawForm {
    /// The line named; one that is not a number names no line, and is not found.
    fn line(&self) -> i64 {
        self.line.trim().parse().unwrap_or(0)
    }
}

/// One option of a select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct BasisRow {
    name: String,
    kind: String,
    figure: String,
    source: String,
}

struct FundingRow {
    id: i64,
    project: String,
    source: String,
    amount: String,
    recurrence: &'static str,
    certainty: &'static str,
}

struct SavingRow {
    id: i64,
    project: String,
    kind: &'static str,
    recurrence: &'static str,
    stage: &'static str,
    amount: String,
    years: String,
}

#[derive(Template)]
#[template(path = "programme_edit.html")]
struct EditPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    year: String,
    year_query: String,
    errors: Vec<(String, String)>,
    done: String,
    bases: Vec<BasisRow>,
    basis: BasisForm,
    organisations: Vec<Choice>,
    basis_kinds: Vec<Choice>,
    cost: CostForm,
    methods: Vec<Choice>,
    /// Each participant's fixed amount, for a cost shared by fixed amounts.
    amounts: Vec<AmountRow>,
    funding: FundingForm,
    funding_projects: Vec<Choice>,
    funding_recurrences: Vec<Choice>,
    certainties: Vec<Choice>,
    funding_lines: Vec<FundingRow>,
    saving: SavingForm,
    saving_projects: Vec<Choice>,
    saving_kinds: Vec<Choice>,
    saving_recurrences: Vec<Choice>,
    stages: Vec<Choice>,
    savings: Vec<SavingRow>,
}

impl EditPage {
    /// The message for a field id ("basis_figure"), or "" where it is fine.
    fn error_for(&self, id: &str) -> String {
        self.errors
            .iter()
            .find(|(field, _)| field == id)
            .map(|(_, message)| message.clone())
            .unwrap_or_default()
    }
}

const BASIS_KINDS: [(&str, &str); 3] = [
    ("police-grant", "Police grant"),
    ("net-revenue-expenditure", "Net revenue expenditure"),
    ("fixed-percentage", "Fixed percentage"),
];
const METHODS: [(&str, &str); 4] = [
    ("police-grant", "In proportion to police grant"),
    (
        "net-revenue-expenditure",
        "In proportion to net revenue expenditure",
    ),
    ("fixed-percentage", "By fixed percentages"),
    ("equal", "In equal shares"),
];
/// Fixed amounts, one per participant, entered below the choice (or, where none is entered,
/// the amounts already agreed for the year).
const FIXED_AMOUNTS: (&str, &str) = (
    "fixed-amounts",
    "By fixed amounts for each participant (below)",
);
const RECURRENCES: [(&str, &str); 2] = [("one-off", "One-off"), ("recurring", "Recurring")];
const CERTAINTIES: [(&str, &str); 2] = [("secured", "Secured"), ("expected", "Expected")];
const SAVING_KINDS: [(&str, &str); 2] =
    [("cashable", "Cashable"), ("non-cashable", "Non-cashable")];
const STAGES: [(&str, &str); 2] = [("planned", "Planned"), ("realised", "Realised")];

fn choices(options: &[(&str, &str)], current: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).to_string(),
            label: (*label).to_string(),
            selected: *value == current,
        })
        .collect()
}

fn project_choices(facts: &ProgrammeFacts, current: &str) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: "The programme as a whole".to_string(),
        selected: current.is_empty(),
    })
    .chain(facts.projects.iter().map(|(id, name)| Choice {
        value: id.0.to_string(),
        label: name.clone(),
        selected: id.0.to_string() == current,
    }))
    .collect()
}

/// What a form posts for a project: blank for the programme, else an item id (anything else
/// names no project, and the application says so by the field).
fn project_of(text: &str) -> Option<i64> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(0))
}

/// The forms a page starts with: what is in force for the year.
struct Forms {
    basis: BasisForm,
    cost: CostForm,
    funding: FundingForm,
    saving: SavingForm,
}

impl Forms {
    fn for_year(facts: &ProgrammeFacts, year: FinancialYear) -> Forms {
        let label = year_label(year);
        let cost = facts
            .record
            .costs
            .iter()
            .find(|c| c.project.is_none() && c.year == year);
        let (funder, share) = match cost.and_then(|c| c.external.as_ref()) {
            Some(external) => (
                external.funder.clone(),
                match external.part {
                    ExternalPart::Percent(h) => format!("{}.{:02}%", h / 100, h % 100),
                    ExternalPart::Amount(p) => format_pence(p),
                },
            ),
            None => (String::new(), String::new()),
        };
        Forms {
            basis: BasisForm {
                basis_year: label.clone(),
                basis_kind: "police-grant".into(),
                ..BasisForm::default()
            },
            cost: CostForm {
                cost_year: label.clone(),
                cost_label: cost.map(|c| c.label.clone()).unwrap_or_default(),
                cost_total: cost.map(|c| format_pence(c.total)).unwrap_or_default(),
                cost_method: match cost.map(|c| &c.method) {
                    Some(ShareMethod::Proportional(kind)) => kind.as_str().to_string(),
                    Some(ShareMethod::Equal) => "equal".into(),
                    Some(ShareMethod::Fixed(_)) => FIXED_AMOUNTS.0.into(),
                    _ => "police-grant".into(),
                },
                cost_external_funder: funder,
                cost_external_share: share,
                cost_amounts: match cost.map(|c| &c.method) {
                    Some(ShareMethod::Fixed(amounts)) => amounts
                        .iter()
                        .map(|(org, pence)| (org.0, format_pence(*pence)))
                        .collect(),
                    _ => Vec::new(),
                },
            },
            funding: FundingForm {
                funding_year: label.clone(),
                funding_recurrence: "one-off".into(),
                funding_certainty: "secured".into(),
                ..FundingForm::default()
            },
            saving: SavingForm {
                saving_year: label,
                saving_kind: "cashable".into(),
                saving_recurrence: "recurring".into(),
                saving_stage: "planned".into(),
                ..SavingForm::default()
            },
        }
    }
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<EditQuery>,
) -> Result<Response, AppError> {
    let year = year_asked(query.year.as_deref(), state.today())?;
    let facts = state.app.programme_facts(&viewer.actor, PlanId(id)).await?;
    let forms = Forms::for_year(&facts, year);
    let mut page = edit_page(&viewer, &facts, year, forms, Vec::new());
    page.done = match query.done.as_deref() {
        Some("basis") => "The basis is saved.",
        Some("cost") => "The cost is saved.",
        Some("funding") => "The funding line is added.",
        Some("saving") => "The saving is added.",
        Some("withdrawn") => "The line is withdrawn.",
        _ => "",
    }
    .to_string();
    Ok(render(&page)?.into_response())
}

async fn save_basis(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<BasisForm>,
) -> Result<Response, AppError> {
    let entry = BasisEntry {
        organisation: form.basis_organisation.trim().parse().unwrap_or(0),
        year: form.basis_year.clone(),
        kind: form.basis_kind.clone(),
        figure: form.basis_figure.clone(),
        as_of: form.basis_as_of.clone(),
        source: form.basis_source.clone(),
    };
    let result = state
        .app
        .set_programme_basis(&viewer.actor, PlanId(id), &entry)
        .await;
    answer(
        &state,
        &viewer,
        id,
        result,
        "basis",
        &form.basis_year,
        |forms| {
            forms.basis = form.clone();
        },
    )
    .await
}

async fn save_cost(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = CostForm::from_pairs(pairs);
    let entry = CostEntry {
        year: form.cost_year.clone(),
        label: form.cost_label.clone(),
        total: form.cost_total.clone(),
        method: form.cost_method.clone(),
        external_funder: form.cost_external_funder.clone(),
        external_share: form.cost_external_share.clone(),
        // Only a cost shared by fixed amounts reads them; blank ones are for the others.
        amounts: if form.cost_method == FIXED_AMOUNTS.0 {
            form.cost_amounts.clone()
        } else {
            Vec::new()
        },
    };
    let result = state
        .app
        .set_programme_cost(&viewer.actor, PlanId(id), &entry)
        .await;
    answer(
        &state,
        &viewer,
        id,
        result,
        "cost",
        &form.cost_year,
        |forms| {
            forms.cost = form.clone();
        },
    )
    .await
}

async fn add_funding(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<FundingForm>,
) -> Result<Response, AppError> {
    let entry = FundingEntry {
        project: project_of(&form.funding_project),
        source: form.funding_source.clone(),
        year: form.funding_year.clone(),
        amount: form.funding_amount.clone(),
        recurrence: form.funding_recurrence.clone(),
        certainty: form.funding_certainty.clone(),
    };
    let result = state
        .app
        .add_funding_line(&viewer.actor, PlanId(id), &entry)
        .await;
    answer(
        &state,
        &viewer,
        id,
        result,
        "funding",
        &form.funding_year,
        |forms| {
            forms.funding = form.clone();
        },
    )
    .await
}

async fn add_saving(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<SavingForm>,
) -> Result<Response, AppError> {
    let entry = SavingEntry {
        project: project_of(&form.saving_project),
        year: form.saving_year.clone(),
        kind: form.saving_kind.clone(),
        recurrence: form.saving_recurrence.clone(),
        stage: form.saving_stage.clone(),
        amount: form.saving_amount.clone(),
        until: form.saving_until.clone(),
    };
    let result = state
        .app
        .add_saving(&viewer.actor, PlanId(id), &entry)
        .await;
    answer(
        &state,
        &viewer,
        id,
        result,
        "saving",
        &form.saving_year,
        |forms| {
            forms.saving = form.clone();
        },
    )
    .await
}

async fn withdraw_funding(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let result = state
        .app
        .withdraw_funding_line(&viewer.actor, PlanId(id), form.line())
        .await;
    answer(&state, &viewer, id, result, "withdrawn", &form.year, |_| {}).await
}

async fn withdraw_saving(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let result = state
        .app
        .withdraw_saving(&viewer.actor, PlanId(id), form.line())
        .await;
    answer(&state, &viewer, id, result, "withdrawn", &form.year, |_| {}).await
}

/// Back to the page for the year written, or the page again with the form as typed and
/// every mistake by its field (`prefix_field`, the ids the error summary links to).
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    result: waymark_app::Result<FinancialYear>,
    done: &str,
    typed_year: &str,
    keep_typed: impl FnOnce(&mut Forms),
) -> Result<Response, AppError> {
    match result {
        Ok(year) => Ok(Redirect::to(&format!(
            "/plans/{id}/programme/edit?year={}&done={done}",
            encode_query(&year_label(year))
        ))
        .into_response()),
        Err(waymark_app::AppError::Invalid(problems)) => {
            let year =
                FinancialYear::parse(typed_year).or_else(|_| year_asked(None, state.today()))?;
            let facts = state.app.programme_facts(&viewer.actor, PlanId(id)).await?;
            let mut forms = Forms::for_year(&facts, year);
            keep_typed(&mut forms);
            let prefix = if done == "withdrawn" { "form" } else { done };
            let errors = problems
                .into_iter()
                .map(|(field, message)| {
                    let id = if field.is_empty() || field == "form" {
                        "form".to_string()
                    } else {
                        format!("{prefix}_{field}")
                    };
                    (id, message)
                })
                .collect();
            let page = edit_page(viewer, &facts, year, forms, errors);
            let mut response = render(&page)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

fn edit_page(
    viewer: &Viewer,
    facts: &ProgrammeFacts,
    year: FinancialYear,
    forms: Forms,
    errors: Vec<(String, String)>,
) -> EditPage {
    let record = &facts.record;
    let name_of = |org: waymark_core::OrgId| {
        facts
            .participants
            .iter()
            .find(|o| o.id == org)
            .map_or_else(|| format!("Organisation {}", org.0), |o| o.name.clone())
    };
    let mut bases: Vec<BasisRow> = record
        .bases
        .iter()
        .filter(|b| b.year == year)
        .map(|b| BasisRow {
            name: name_of(b.org),
            kind: b.kind.label().to_string(),
            figure: b.kind.format_value(b.value),
            source: {
                let mut words = b.source.clone();
                if let Some(day) = b.as_of {
                    words.push_str(&format!(", as at {}", day.format("%-d %B %Y")));
                }
                if b.illustrative {
                    words.push_str(" (illustrative)");
                }
                words
            },
        })
        .collect();
    bases.sort_by(|a, b| (&a.name, &a.kind).cmp(&(&b.name, &b.kind)));
    let funding_lines = record
        .funding
        .iter()
        .zip(&record.funding_ids)
        .filter(|(line, _)| line.year == year)
        .map(|(line, id)| FundingRow {
            id: *id,
            project: facts.project_name(line.project),
            source: line.source.clone(),
            amount: match line.amount {
                Some(pence) => format_pence(pence),
                None => format!(
                    "Not known ({})",
                    line.written.as_deref().unwrap_or("not stated")
                ),
            },
            recurrence: line.recurrence.as_str(),
            certainty: line.certainty.as_str(),
        })
        .collect();
    let savings = record
        .savings
        .iter()
        .zip(&record.saving_ids)
        .filter(|(saving, _)| saving.counts_in(year))
        .map(|(saving, id)| SavingRow {
            id: *id,
            project: facts.project_name(saving.project),
            kind: saving.kind.as_str(),
            recurrence: saving.recurrence.as_str(),
            stage: saving.stage.as_str(),
            amount: format_pence(saving.amount),
            years: match (saving.recurrence, saving.until) {
                (waymark_core::programme::Recurrence::OneOff, _) => year_label(saving.year),
                (_, Some(until)) => format!("{} to {}", year_label(saving.year), year_label(until)),
                (_, None) => format!("From {}", year_label(saving.year)),
            },
        })
        .collect();
    let organisations = facts
        .participants
        .iter()
        .map(|o| Choice {
            value: o.id.0.to_string(),
            label: o.name.clone(),
            selected: o.id.0.to_string() == forms.basis.basis_organisation,
        })
        .collect();
    EditPage {
        chrome: Chrome::for_viewer(viewer, "plans").marked(facts.plan.plan.marking),
        plan_id: facts.plan.plan.id.0,
        plan_title: facts.plan.plan.title.clone(),
        year: year_label(year),
        year_query: encode_query(&year_label(year)),
        errors,
        done: String::new(),
        bases,
        organisations,
        basis_kinds: choices(&BASIS_KINDS, &forms.basis.basis_kind),
        methods: {
            let mut methods = METHODS.to_vec();
            methods.push(FIXED_AMOUNTS);
            choices(&methods, &forms.cost.cost_method)
        },
        amounts: facts
            .participants
            .iter()
            .map(|o| AmountRow {
                id: format!("cost_amount_{}", o.id.0),
                name: o.name.clone(),
                value: forms.cost.amount_of(o.id.0),
            })
            .collect(),
        funding_projects: project_choices(facts, &forms.funding.funding_project),
        funding_recurrences: choices(&RECURRENCES, &forms.funding.funding_recurrence),
        certainties: choices(&CERTAINTIES, &forms.funding.funding_certainty),
        funding_lines,
        saving_projects: project_choices(facts, &forms.saving.saving_project),
        saving_kinds: choices(&SAVING_KINDS, &forms.saving.saving_kind),
        saving_recurrences: choices(&RECURRENCES, &forms.saving.saving_recurrence),
        stages: choices(&STAGES, &forms.saving.saving_stage),
        savings,
        basis: forms.basis,
        cost: forms.cost,
        funding: forms.funding,
        saving: forms.saving,
    }
}
