//! Editing a programme's facts through the API, as its manager (a plan manager of the lead
//! organisation) does on the edit page: `GET /api/plans/{id}/programme/facts` reads them with
//! the ids a withdrawal names; each write calls the same `App` operation as the page's form
//! and answers the facts for the year it wrote, with the programme for that year re-computed
//! (each participant's share in pence and the apportionment statement).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::Serialize;
use waymark_app::programme_edit::{
    BasisEntry, CostEntry, FundingEntry, ProgrammeFacts, SavingEntry,
};
use waymark_core::PlanId;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{ExternalPart, year_label};

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::programme::{YearQuery, year_asked};
use crate::auth::Viewer;
use crate::error::ErrorJson;
use crate::state::AppState;
use crate::views_programme::ProgrammeJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans/{id}/programme/facts", get(programme_facts))
        .route("/api/plans/{id}/programme/bases", post(set_basis))
        .route("/api/plans/{id}/programme/cost", post(set_cost))
        .route("/api/plans/{id}/programme/funding", post(add_funding))
        .route(
            "/api/plans/{id}/programme/funding/withdraw",
            post(withdraw_funding),
        )
        .route("/api/plans/{id}/programme/savings", post(add_saving))
        .route(
            "/api/plans/{id}/programme/savings/withdraw",
            post(withdraw_saving),
        )
}

/// A participant, by the id a basis names.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FactsParticipantJson {
    id: i64,
    code: String,
    name: String,
}

/// A project, by the item id a funding line or saving names.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FactsProjectJson {
    item: i64,
    name: String,
}

/// A participant's basis figure for the year.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FactsBasisJson {
    /// The participant's organisation id.
    organisation: i64,
    /// police-grant, net-revenue-expenditure or fixed-percentage.
    kind: String,
    /// Pence, or hundredths of a percent for a fixed percentage.
    value: i64,
    source: String,
    /// ISO date the figure was stated.
    as_of: Option<String>,
    illustrative: bool,
}

/// The programme's own cost for the year, as entered.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FactsCostJson {
    label: String,
    total_pence: i64,
    /// proportional:police-grant, proportional:net-revenue-expenditure,
    /// proportional:fixed-percentage, equal or fixed.
    method: String,
    /// Who pays first, before the participants share the rest.
    external_funder: Option<String>,
    /// The external funder's part as hundredths of a percent (7500 is 75%), where a percentage.
    external_percent_hundredths: Option<i64>,
    /// The external funder's part in pence, where an amount.
    external_amount_pence: Option<i64>,
}

/// A funding line in force.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FundingLineJson {
    /// What `POST …/funding/withdraw` names.
    id: i64,
    /// The project's item id; `null` for the programme as a whole.
    project: Option<i64>,
    source: String,
    year: String,
    /// `null` where the amount is not known yet: never counted as zero.
    amount_pence: Option<i64>,
    /// How a not-known amount was written ("tbc").
    written: Option<String>,
    /// one-off or recurring.
    recurrence: String,
    /// secured or expected.
    certainty: String,
}

/// A saving in force.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SavingLineJson {
    /// What `POST …/savings/withdraw` names.
    id: i64,
    project: Option<i64>,
    /// cashable or non-cashable.
    kind: String,
    /// one-off (counts in its own year only) or recurring (every year from `year`, to `until`).
    recurrence: String,
    /// planned or realised.
    stage: String,
    year: String,
    until: Option<String>,
    /// Pence a year.
    amount_pence: i64,
    /// Whether it counts in the year asked for.
    counts_in_year: bool,
}

/// A programme's facts for a year as its manager edits them, and the programme for the year
/// as they make it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ProgrammeFactsJson {
    plan: i64,
    year: String,
    participants: Vec<FactsParticipantJson>,
    projects: Vec<FactsProjectJson>,
    /// The year's basis figures.
    bases: Vec<FactsBasisJson>,
    /// The year's own cost, where one is entered.
    cost: Option<FactsCostJson>,
    /// Every funding line in force, of every year.
    funding: Vec<FundingLineJson>,
    /// Every saving in force, of every year.
    savings: Vec<SavingLineJson>,
    /// The programme for the year: each participant's share of the cost in pence, the
    /// apportionment statement, funding and savings.
    programme: ProgrammeJson,
}

/// A participant's basis for a year. Money is written as people write it ("£98.4m").
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct BasisInJson {
    /// The participant's organisation id (see `participants` of the facts): one that is not
    /// a participant is a 404 naming `organisation`.
    #[serde(default)]
    #[schema(required = true)]
    organisation: i64,
    /// "2024/25".
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::financial_year)]
    year: String,
    /// police-grant, net-revenue-expenditure or fixed-percentage.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::basis_kind)]
    kind: String,
    /// An amount more than £0 for grant or expenditure ("£98.4m"); a percentage more than 0
    /// and at most 100 for a fixed percentage ("22.5%").
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::basis_figure)]
    figure: String,
    /// The day the figure was stated ("2024-04-01"); may be blank.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::day_or_blank)]
    as_of: String,
    /// Where the figure comes from.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::programme_line)]
    source: String,
}

/// The programme's own cost for a year and how it is shared.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct CostInJson {
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::financial_year)]
    year: String,
    /// Blank keeps the year's name ("Programme team" for a new year); a year keeps the name
    /// it was first given (another is a 409 naming `label`).
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::line_or_blank)]
    label: String,
    /// "£1.2m".
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::programme_money)]
    total: String,
    /// police-grant, net-revenue-expenditure, fixed-percentage (in proportion to that basis;
    /// also as the facts write them, "proportional:police-grant"), equal, or fixed-amounts
    /// (see `amounts`).
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::share_method)]
    method: String,
    /// A funder outside the participants who pays first ("Home Office"); blank with no
    /// share.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::line_or_blank)]
    external_funder: String,
    /// Its part: "75%" or an amount ("£300k"; one above the cost pays all of it); blank with
    /// no funder.
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::external_share)]
    external_share: String,
    /// With `method` `fixed-amounts`: each participant's amount, which must add up to the
    /// cost less any external part (refused by `amounts` where they do not, and by
    /// `amount_{organisation}` where one cannot be read; a 404 by `amount_{organisation}` for
    /// an organisation that is not a participant). A participant not named pays nothing; none
    /// named keeps the amounts already agreed for the year (a 409 naming `method` where there
    /// are none, or `total` where they add up to another cost).
    #[serde(default)]
    amounts: Vec<AmountInJson>,
}

/// A participant's fixed amount of a cost.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AmountInJson {
    /// The participant's organisation id (see `participants` of the facts).
    #[serde(default)]
    organisation: i64,
    /// As people write money: "£150k", "£1,350,000".
    #[serde(default)]
    amount: String,
}

/// A funding line to add.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct FundingInJson {
    /// A project's item id; absent or `null` for the programme as a whole. One that is not a
    /// project of the programme is a 404 naming `project`.
    #[serde(default)]
    project: Option<i64>,
    /// Who the funding comes from.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::programme_line)]
    source: String,
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::financial_year)]
    year: String,
    /// As people write money; "tbc" or "xxx" where it is not known yet (kept not known).
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::funding_amount)]
    amount: String,
    /// one-off or recurring.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::recurrence)]
    recurrence: String,
    /// secured or expected.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::certainty)]
    certainty: String,
}

/// A saving to add.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct SavingInJson {
    /// A project's item id; absent or `null` for the programme as a whole. One that is not a
    /// project of the programme is a 404 naming `project`.
    #[serde(default)]
    project: Option<i64>,
    /// The year it first counts in.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::financial_year)]
    year: String,
    /// cashable or non-cashable.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::saving_kind)]
    kind: String,
    /// one-off or recurring.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::recurrence)]
    recurrence: String,
    /// planned or realised.
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::saving_stage)]
    stage: String,
    /// A year, as people write money ("£250k").
    #[serde(default)]
    #[schema(required = true, schema_with = crate::api::openapi::programme_money)]
    amount: String,
    /// A recurring saving's last year (the two may be given either way round: the earlier is
    /// the first); blank for every year from `year`
    /// (and for a one-off saving, which counts in its own year only).
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::financial_year_or_blank)]
    until: String,
}

/// A line to withdraw: it is kept, marked withdrawn, and no longer counted.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct WithdrawInJson {
    /// The line's id (see `funding` or `savings` of the facts).
    line: i64,
}

/// The facts for `year` and the programme they make.
async fn facts_json(
    state: &AppState,
    viewer: &Viewer,
    plan: PlanId,
    year: FinancialYear,
) -> Result<ProgrammeFactsJson, ApiError> {
    let facts = state.app.programme_facts(&viewer.actor, plan).await?;
    let summary = state
        .app
        .programme_summary(&viewer.actor, plan, year)
        .await?;
    Ok(facts_for_year(&facts, year, ProgrammeJson::new(&summary)))
}

fn facts_for_year(
    facts: &ProgrammeFacts,
    year: FinancialYear,
    programme: ProgrammeJson,
) -> ProgrammeFactsJson {
    let record = &facts.record;
    let cost = record
        .costs
        .iter()
        .find(|c| c.project.is_none() && c.year == year)
        .map(|c| {
            let external = c.external.as_ref();
            FactsCostJson {
                label: c.label.clone(),
                total_pence: c.total,
                method: c.method.as_str(),
                external_funder: external.map(|e| e.funder.clone()),
                external_percent_hundredths: external.and_then(|e| match e.part {
                    ExternalPart::Percent(h) => Some(h),
                    ExternalPart::Amount(_) => None,
                }),
                external_amount_pence: external.and_then(|e| match e.part {
                    ExternalPart::Amount(p) => Some(p),
                    ExternalPart::Percent(_) => None,
                }),
            }
        });
    ProgrammeFactsJson {
        plan: facts.plan.plan.id.0,
        year: year_label(year),
        participants: facts
            .participants
            .iter()
            .map(|o| FactsParticipantJson {
                id: o.id.0,
                code: o.code.clone(),
                name: o.name.clone(),
            })
            .collect(),
        projects: facts
            .projects
            .iter()
            .map(|(item, name)| FactsProjectJson {
                item: item.0,
                name: name.clone(),
            })
            .collect(),
        bases: record
            .bases
            .iter()
            .filter(|b| b.year == year)
            .map(|b| FactsBasisJson {
                organisation: b.org.0,
                kind: b.kind.as_str().to_string(),
                value: b.value,
                source: b.source.clone(),
                as_of: b.as_of.map(|d| d.to_string()),
                illustrative: b.illustrative,
            })
            .collect(),
        cost,
        funding: record
            .funding
            .iter()
            .zip(&record.funding_ids)
            .map(|(line, id)| FundingLineJson {
                id: *id,
                project: line.project.map(|p| p.0),
                source: line.source.clone(),
                year: year_label(line.year),
                amount_pence: line.amount,
                written: line.written.clone(),
                recurrence: line.recurrence.as_str().to_string(),
                certainty: line.certainty.as_str().to_string(),
            })
            .collect(),
        savings: record
            .savings
            .iter()
            .zip(&record.saving_ids)
            .map(|(saving, id)| SavingLineJson {
                id: *id,
                project: saving.project.map(|p| p.0),
                kind: saving.kind.as_str().to_string(),
                recurrence: saving.recurrence.as_str().to_string(),
                stage: saving.stage.as_str().to_string(),
                year: year_label(saving.year),
                until: saving.until.map(year_label),
                amount_pence: saving.amount,
                counts_in_year: saving.counts_in(year),
            })
            .collect(),
        programme,
    }
}

/// A programme's facts for a year, with the ids a withdrawal names: for its manager.
#[utoipa::path(get, path = "/api/plans/{id}/programme/facts", tag = "plans",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), YearQuery),
    responses((status = 200, body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may read the programme but not manage it: only a plan manager of its lead organisation does", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see", body = ErrorJson),
        (status = 409, description = "The plan is archived", body = ErrorJson),
        (status = 422, description = "The year is not a financial year", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn programme_facts(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> Result<Json<ProgrammeFactsJson>, ApiError> {
    let year = year_asked(query.year(), state.today())?;
    Ok(Json(facts_json(&state, &viewer, PlanId(id), year).await?))
}

/// The answer to a write: the facts for the year written, with `status`.
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    plan: PlanId,
    year: FinancialYear,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let json = facts_json(state, viewer, plan, year).await?;
    Ok((status, Json(json)).into_response())
}

/// Sets a participant's basis for a year (replacing the year's figure of the same kind); the
/// cost is shared again by it.
#[utoipa::path(post, path = "/api/plans/{id}/programme/bases", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = BasisInJson,
    responses(
        (status = 200, description = "The facts for the basis's year, and the programme re-computed", body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only a plan manager of the lead organisation edits the programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or `organisation` is not one of its participants", body = ErrorJson),
        (status = 422, description = "A field refused, each named (`organisation`, `year`, `kind`, `figure`, `as_of`, `source`)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn set_basis(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BasisInJson>,
) -> Result<Response, ApiError> {
    let entry = BasisEntry {
        organisation: body.organisation,
        year: body.year,
        kind: body.kind,
        figure: body.figure,
        as_of: body.as_of,
        source: body.source,
    };
    let year = state
        .app
        .set_programme_basis(&viewer.actor, PlanId(id), &entry)
        .await?;
    answer(&state, &viewer, PlanId(id), year, StatusCode::OK).await
}

/// Sets the programme's own cost for a year and how it is shared among the participants
/// (after an external funder's part, where there is one).
#[utoipa::path(post, path = "/api/plans/{id}/programme/cost", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = CostInJson,
    responses(
        (status = 200, description = "The facts for the cost's year, and the programme re-computed", body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only a plan manager of the lead organisation edits the programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or an `amount_{organisation}` names an organisation that is not one of its participants", body = ErrorJson),
        (status = 409, description = "The plan is archived; or the year's cost is called otherwise (`label`), or `fixed-amounts` names no amounts and none are agreed for the year (`method`) or they add up to another cost (`total`)", body = ErrorJson),
        (status = 422, description = "A field refused, each named (`year`, `label`, `total`, `method`, `external_funder`, `external_share`, `amounts`, `amount_{organisation}`)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn set_cost(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CostInJson>,
) -> Result<Response, ApiError> {
    let entry = CostEntry {
        year: body.year,
        label: body.label,
        total: body.total,
        method: body.method,
        external_funder: body.external_funder,
        external_share: body.external_share,
        amounts: body
            .amounts
            .into_iter()
            .map(|a| (a.organisation, a.amount))
            .collect(),
    };
    let year = state
        .app
        .set_programme_cost(&viewer.actor, PlanId(id), &entry)
        .await?;
    answer(&state, &viewer, PlanId(id), year, StatusCode::OK).await
}

/// Adds a funding line; an amount written as not known ("tbc") stays not known.
#[utoipa::path(post, path = "/api/plans/{id}/programme/funding", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = FundingInJson,
    responses(
        (status = 201, description = "The facts for the line's year, the new line among `funding`", body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only a plan manager of the lead organisation edits the programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or `project` is not one of its projects", body = ErrorJson),
        (status = 422, description = "A field refused, each named (`project`, `source`, `year`, `amount`, `recurrence`, `certainty`)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_funding(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FundingInJson>,
) -> Result<Response, ApiError> {
    let entry = FundingEntry {
        project: body.project,
        source: body.source,
        year: body.year,
        amount: body.amount,
        recurrence: body.recurrence,
        certainty: body.certainty,
    };
    let year = state
        .app
        .add_funding_line(&viewer.actor, PlanId(id), &entry)
        .await?;
    answer(&state, &viewer, PlanId(id), year, StatusCode::CREATED).await
}

/// Adds a saving: a one-off saving counts in its own year only, a recurring one every year
/// from its first (to its last, where one is given).
#[utoipa::path(post, path = "/api/plans/{id}/programme/savings", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = SavingInJson,
    responses(
        (status = 201, description = "The facts for the saving's first year, the new saving among `savings`", body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only a plan manager of the lead organisation edits the programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or `project` is not one of its projects", body = ErrorJson),
        (status = 422, description = "A field refused, each named (`project`, `year`, `kind`, `recurrence`, `stage`, `amount`, `until`)", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn add_saving(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SavingInJson>,
) -> Result<Response, ApiError> {
    let entry = SavingEntry {
        project: body.project,
        year: body.year,
        kind: body.kind,
        recurrence: body.recurrence,
        stage: body.stage,
        amount: body.amount,
        until: body.until,
    };
    let year = state
        .app
        .add_saving(&viewer.actor, PlanId(id), &entry)
        .await?;
    answer(&state, &viewer, PlanId(id), year, StatusCode::CREATED).await
}

/// Withdraws a funding line in force: kept in the history, no longer counted. Withdrawing a
/// line withdrawn already answers the same, and changes nothing.
#[utoipa::path(post, path = "/api/plans/{id}/programme/funding/withdraw", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = WithdrawInJson,
    responses(
        (status = 200, description = "The facts for the line's year", body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only a plan manager of the lead organisation edits the programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or no funding line of it with that id", body = ErrorJson),
        (status = 422, description = "The body names no line", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn withdraw_funding(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WithdrawInJson>,
) -> Result<Response, ApiError> {
    let year = state
        .app
        .withdraw_funding_line(&viewer.actor, PlanId(id), body.line)
        .await?;
    answer(&state, &viewer, PlanId(id), year, StatusCode::OK).await
}

/// Withdraws a saving in force: kept in the history, no longer counted. Withdrawing a saving
/// withdrawn already answers the same, and changes nothing.
#[utoipa::path(post, path = "/api/plans/{id}/programme/savings/withdraw", tag = "plans",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Plan id", minimum = 1)),
    request_body = WithdrawInJson,
    responses(
        (status = 200, description = "The facts for the saving's first year", body = ProgrammeFactsJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "Only a plan manager of the lead organisation edits the programme; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such plan, or not one you may see; or no saving of it with that id", body = ErrorJson),
        (status = 422, description = "The body names no line", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn withdraw_saving(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WithdrawInJson>,
) -> Result<Response, ApiError> {
    let year = state
        .app
        .withdraw_saving(&viewer.actor, PlanId(id), body.line)
        .await?;
    answer(&state, &viewer, PlanId(id), year, StatusCode::OK).await
}
