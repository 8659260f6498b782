//! Importing a spreadsheet or Word document: upload, a preview of everything the file would
//! create with its findings counted by kind (the first rows of each listed, all of them a CSV
//! download away), what each column was read as (to correct, and the sheets of a workbook of
//! several plans to choose among, previewing again), and only then, on confirmation, one
//! transaction (one for each sheet imported as a plan of its own). The same application-layer
//! use cases back `waymark import`, so the page and the CLI choose the same pipeline (a plan of
//! items, or indicators) and store the same things.
//!
//! Reading an upload is the application layer's (`waymark_app::imports::parse_bytes`): off the
//! async workers, within `waymark_io::ReadLimits`, at most two at once and for at most 30
//! seconds, so a hostile file is refused with the form and a message and cannot hold the
//! server. The upload's name is cut to its last component and is never used as a path.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use waymark_app::imports::{
    Corrections, ImportChoices, ImportResult, Parsed, SheetChoice, Upload, UploadPreview,
};
use waymark_core::PlanId;
use waymark_core::indicator::Direction;
use waymark_io::findings::findings_csv;
use waymark_io::header::Field;
use waymark_io::objective_match::ObjectiveChoice;
use waymark_io::{Finding, FindingKind, Format};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use crate::security::{MAX_MULTIPART_BYTES, upload_too_large};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports/new", get(new_import))
        .route(
            "/imports/preview",
            post(preview).layer(DefaultBodyLimit::max(MAX_MULTIPART_BYTES)),
        )
        .route("/imports/{token}/confirm", post(confirm))
        .route("/imports/{token}/jobs", post(start_job))
        .route("/imports/{token}/preview", post(correct))
        .route(
            "/imports/{token}/without-saved-choices",
            post(without_saved_choices),
        )
        .route("/imports/{token}/findings.csv", get(findings_download))
        .route("/imports/{token}/mapping.toml", get(mapping_download))
}

#[derive(Template)]
#[template(path = "import_new.html")]
struct NewImportPage {
    chrome: Chrome,
    plans: Vec<(i64, String)>,
    errors: Vec<(String, String)>,
}

struct FindingRow {
    /// The sheet or table, in a file of several; blank otherwise.
    table: String,
    /// Blank for a finding about the whole file.
    row: String,
    column: String,
    kind: String,
    message: String,
}

/// One kind of finding: how many there are, and the first few listed.
struct FindingKindCount {
    kind: &'static str,
    count: usize,
}

/// How many findings of each kind the page lists; the download has them all.
const LISTED_PER_KIND: usize = 10;

struct ItemRow {
    /// The file's row the item was read from, as findings name it; blank for headings made
    /// into parents.
    row: String,
    /// The sheet, in a workbook of several sheets of items.
    sheet: String,
    depth: usize,
    reference: String,
    text: String,
    owners: String,
    due: String,
    rag: String,
    updates: usize,
}

/// A programme register's preview: how many projects, and on a re-import what it changes.
struct ProgrammeSummaryRow {
    projects: usize,
    funding_added: usize,
    funding_replaced: usize,
    savings_added: usize,
    savings_replaced: usize,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    /// A correction the file could not take, for the error summary.
    errors: Vec<(String, String)>,
    token: String,
    file_name: String,
    target: String,
    items: usize,
    updates: usize,
    added: usize,
    changed: usize,
    unchanged: usize,
    updates_added: usize,
    reimport: bool,
    /// A re-import's items added, changed and no longer in the file: the first
    /// `LISTED_CHANGES` of each, with each list's total.
    additions: Vec<ChangeRow>,
    changes: Vec<ChangeRow>,
    missing: Vec<ChangeRow>,
    missing_total: usize,
    /// Of those, the open ones a confirmation may close.
    missing_open: usize,
    listed_changes: usize,
    /// Every finding, counted.
    findings_total: usize,
    kinds: Vec<FindingKindCount>,
    /// The first `LISTED_PER_KIND` of each kind, kind by kind.
    findings: Vec<FindingRow>,
    listed_per_kind: usize,
    rows: Vec<ItemRow>,
    /// For an indicator table: what the import would store, and each indicator read.
    indicators: Option<IndicatorSummary>,
    /// A programme register: its projects, and on a re-import into its programme what it
    /// changes.
    programme: Option<ProgrammeSummaryRow>,
    /// The file has several sheets or tables: findings and items name theirs.
    several_sheets: bool,
    /// A workbook's sheets of items to choose among (none for one), and the choice made.
    sheets: Vec<SheetOption>,
    plan_sheet_count: usize,
    /// Each sheet imported as a plan of its own: what each would create.
    sheet_plans: Vec<SheetPlanRow>,
    /// What each column was read as, for the person to correct.
    columns: Vec<ColumnRow>,
    /// The header row the person gave ("" for the one Waymark finds), and the rows read.
    header_row: String,
    header_rows_read: String,
    fields: Vec<(&'static str, &'static str)>,
    /// An indicator table's objectives can be chosen among the plan's.
    has_objective_choice: bool,
    /// The choices remembered for the file's source were applied: the day of the import
    /// they were saved from ("3 December"), who confirmed it, and its file.
    saved_from: Option<(String, String, String)>,
    /// A file this large is stored in the background, its progress on a page of its own
    /// (`import_jobs`), rather than while the confirmation's request waits.
    in_background: bool,
}

/// Rows from which a confirmation runs as a background job: a few seconds' work and more.
pub const BACKGROUND_FROM_ROWS: usize = 5_000;

/// One choice of the sheets to import.
struct SheetOption {
    value: String,
    label: String,
    selected: bool,
}

/// One sheet of a workbook imported as a plan of its own.
struct SheetPlanRow {
    sheet: String,
    title: String,
    items: usize,
    updates: usize,
}

/// One column of the file's headers and the field it was read as.
struct ColumnRow {
    header: String,
    /// The sheets whose header has it, in a workbook of several.
    sheets: String,
    /// The header row, as the sheet numbers it.
    row: usize,
    field: &'static str,
}

/// One item of a re-import's lists of additions, changes and items no longer in the file.
struct ChangeRow {
    row: String,
    reference: String,
    text: String,
    /// The fields a change makes, or "Already complete" for an item no longer in the file.
    detail: String,
}

/// How many of each re-import list the page shows; the JSON API has them all.
const LISTED_CHANGES: usize = 100;

struct IndicatorSummary {
    created: usize,
    matched: usize,
    measurements: usize,
    objectives: usize,
    read: Vec<IndicatorRow>,
    /// The indicators the import would create whose table does not say which way is better,
    /// for the person to answer in the confirmation form: none is stored on a guess.
    directions_missing: Vec<DirectionQuestion>,
    /// Each objective the file names, what it was taken to be, and how.
    objective_rows: Vec<ObjectiveRow>,
    /// The plan's objectives to choose among (id, text); empty for a new plan, whose
    /// objectives are all new.
    objective_options: Vec<(String, String)>,
}

/// One objective the file names, in the preview's table of objectives.
struct ObjectiveRow {
    written: String,
    /// The plan's item it is taken to be, or "A new objective".
    taken: String,
    how: String,
    /// The select's value for it: the item's id, or "new".
    chosen: String,
}

/// One indicator of the file, as the import would store it.
struct IndicatorRow {
    title: String,
    /// The periods with figures, or "" for none yet.
    periods: String,
    /// "Higher is better", "Lower is better", or "Not stated" (asked in the form).
    direction: String,
    /// How its year to date is worked out, and whence the rule ("mean of periods (from the
    /// table)").
    year_to_date: String,
}

/// An indicator whose direction the confirmation form asks for.
struct DirectionQuestion {
    title: String,
    row: usize,
}

/// The preview's table of objectives: what each the file names was taken to be.
fn objective_rows(outcome: &waymark_io::indicators::IndicatorOutcome) -> Vec<ObjectiveRow> {
    use waymark_io::objective_match::MatchedBy;
    let matched = outcome.objectives_matched.iter().map(|m| {
        let how = match m.by {
            MatchedBy::Text => "Same words".to_string(),
            MatchedBy::Reference => "Same reference".to_string(),
            MatchedBy::Meaning { shared, of } => format!("By meaning: {shared} of {of} words"),
            MatchedBy::Chosen => "As you chose".to_string(),
        };
        ObjectiveRow {
            written: m.written.clone(),
            taken: m.item_text.clone(),
            how,
            chosen: m.item.to_string(),
        }
    });
    let new = outcome.objectives_new.iter().map(|written| ObjectiveRow {
        written: written.clone(),
        taken: "A new objective".to_string(),
        how: "Not in the plan".to_string(),
        chosen: "new".to_string(),
    });
    matched.chain(new).collect()
}

async fn new_import(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    render(&new_page(&state, &viewer, Vec::new()).await?)
}

async fn new_page(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<(String, String)>,
) -> Result<NewImportPage, AppError> {
    // Only plans the person manages can be imported into.
    let plans = state
        .app
        .visible_plans(&viewer.actor)
        .await?
        .into_iter()
        .filter(|v| v.access.may_manage() && !v.plan.archived)
        .map(|v| (v.plan.id.0, v.plan.title))
        .collect();
    Ok(NewImportPage {
        chrome: Chrome::for_viewer(viewer, "import"),
        plans,
        errors,
    })
}

/// What the upload form sent.
#[derive(Default)]
struct UploadForm {
    file_name: String,
    content: Vec<u8>,
    target: String,
    title: String,
    kind: String,
}

async fn read_form(mut multipart: Multipart) -> Result<UploadForm, AppError> {
    let mut form = UploadForm::default();
    // Past the route's body limit the reader stops with 413: say so, naming the file.
    let bad = |file: &str, e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(upload_too_large(file))
        } else {
            AppError::invalid("file", format!("The upload could not be read: {e}"))
        }
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(&form.file_name, e))?
    {
        match field.name().unwrap_or_default() {
            "file" => {
                form.file_name = waymark_io::upload_name(field.file_name().unwrap_or_default());
                form.content = field
                    .bytes()
                    .await
                    .map_err(|e| bad(&form.file_name, e))?
                    .to_vec();
            }
            "target" => form.target = field.text().await.map_err(|e| bad("", e))?,
            "title" => form.title = field.text().await.map_err(|e| bad("", e))?,
            "kind" => form.kind = field.text().await.map_err(|e| bad("", e))?,
            _ => {}
        }
    }
    Ok(form)
}

async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let form = match read_form(multipart).await {
        Ok(form) => form,
        Err(AppError::Invalid(errors)) => return invalid(&state, &viewer, errors).await,
        Err(other) => return Err(other),
    };
    let mut errors = Vec::new();
    if form.content.is_empty() {
        errors.push(("file".to_string(), "Choose a file to import".to_string()));
    } else if Format::from_file_name(&form.file_name).is_none() {
        errors.push((
            "file".to_string(),
            "The file must be a spreadsheet (.xlsx, .xls, .ods, .csv, .tsv or .txt) or a Word document (.docx)".to_string(),
        ));
    }
    let target = match form.target.as_str() {
        "" | "new" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(PlanId(id)),
            Err(_) => {
                errors.push(("target".into(), "Choose a plan".into()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return invalid(&state, &viewer, errors).await;
    }
    let upload = Upload {
        file_name: form.file_name,
        content: form.content,
        target,
        new_title: Some(form.title.trim().to_string()).filter(|t| !t.is_empty()),
        new_kind: Some(form.kind.trim().to_string()).filter(|k| !k.is_empty()),
        corrections: Corrections::default(),
    };
    let previewed = match state.app.preview_upload(&viewer.actor, upload).await {
        Ok(previewed) => previewed,
        Err(error) => match AppError::from(error) {
            AppError::Invalid(errors) => return invalid(&state, &viewer, errors).await,
            other => return Err(other),
        },
    };
    Ok(render(&preview_page(
        &viewer,
        previewed,
        Vec::new(),
        state.app.today(),
    ))?
    .into_response())
}

/// The preview's corrections: the sheets to import (`sheet`: `together`, `each`, or
/// `sheet:NAME`), for each column `N` listed, its header (`header_N`), the field it was
/// shown as (`shown_N`) and the one chosen (`field_N`), and for each objective of an
/// indicator table what it is. Only what the person changed are corrections; those made
/// before are kept.
async fn correct(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let value = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let sheets = match value("sheet").unwrap_or("together") {
        "each" => SheetChoice::EachAsPlan,
        other => match other.strip_prefix("sheet:") {
            Some(name) => SheetChoice::One(name.to_string()),
            None => SheetChoice::Together,
        },
    };
    let mut changed: Vec<(String, Field)> = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    let header_row = match value("header_row").map(str::trim) {
        None | Some("") => None,
        Some(given) => match given.parse::<usize>() {
            Ok(row) if row > 0 => Some(row),
            _ => {
                errors.push((
                    "header_row".into(),
                    "Give the header's row as a number, as the sheet numbers its rows, or                      leave it blank for the row Waymark finds"
                        .into(),
                ));
                None
            }
        },
    };
    for (key, header) in &form {
        let Some(n) = key.strip_prefix("header_") else {
            continue;
        };
        let (Some(shown), Some(chosen)) =
            (value(&format!("shown_{n}")), value(&format!("field_{n}")))
        else {
            continue;
        };
        if shown == chosen {
            continue;
        }
        match Field::parse(chosen) {
            Some(field) => changed.push((header.clone(), field)),
            None => errors.push((
                format!("field_{n}"),
                format!("Choose what the column \"{header}\" holds from the list"),
            )),
        }
    }
    // Each objective `N` of an indicator table: as written (`objective_written_N`), the
    // choice shown (`objective_shown_N`) and the one made (`objective_N`: an item's id, or
    // `new`). Only those changed are corrections.
    let mut objectives: Vec<(String, ObjectiveChoice)> = Vec::new();
    for (key, written) in &form {
        let Some(n) = key.strip_prefix("objective_written_") else {
            continue;
        };
        let (Some(shown), Some(chosen)) = (
            value(&format!("objective_shown_{n}")),
            value(&format!("objective_{n}")),
        ) else {
            continue;
        };
        if shown == chosen {
            continue;
        }
        match chosen {
            "new" => objectives.push((written.clone(), ObjectiveChoice::New)),
            id => match id.parse::<i64>() {
                Ok(id) => objectives.push((written.clone(), ObjectiveChoice::Item(id))),
                Err(_) => errors.push((
                    format!("objective_{n}"),
                    format!("Choose which of the plan's objectives \"{written}\" is from the list"),
                )),
            },
        }
    }
    if errors.is_empty() {
        match state
            .app
            .correct_upload_columns(
                &viewer.actor,
                &token,
                sheets,
                header_row,
                changed,
                objectives,
            )
            .await
        {
            Ok(previewed) => {
                return Ok(render(&preview_page(
                    &viewer,
                    previewed,
                    Vec::new(),
                    state.app.today(),
                ))?
                .into_response());
            }
            Err(error) => match AppError::from(error) {
                // A file the corrections leave unreadable (no text column, say) is about how
                // it is read: the message links to that part of the page.
                AppError::Invalid(refused) => {
                    errors = refused
                        .into_iter()
                        .map(|(field, message)| {
                            let field = if field == "file" {
                                "reading".into()
                            } else {
                                field
                            };
                            (field, message)
                        })
                        .collect();
                }
                other => return Err(other),
            },
        }
    }
    // The file could not take the correction: the preview as it was, with why.
    let previewed = state.app.upload_preview(&viewer.actor, &token).await?;
    let mut response =
        render(&preview_page(&viewer, previewed, errors, state.app.today()))?.into_response();
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The preview read again without the choices remembered for the file's source: as the
/// file is, with no corrections.
async fn without_saved_choices(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let previewed = state
        .app
        .preview_without_saved_choices(&viewer.actor, &token)
        .await?;
    Ok(render(&preview_page(
        &viewer,
        previewed,
        Vec::new(),
        state.app.today(),
    ))?
    .into_response())
}

/// The confirmation: `close_missing` ("yes" to close the plan's items the file no longer
/// has) and, for each indicator `N` whose table does not say which way is better, its title
/// (`direction_title_N`) and the answer (`direction_N`: `higher` or `lower`, blank for none).
/// An indicator left unanswered is refused with the preview, naming it and its row.
async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (choices, mut errors) = choices_of_form(&form);
    if errors.is_empty() {
        match state
            .app
            .confirm_upload(&viewer.actor, &token, choices)
            .await
        {
            Ok(result) => return confirmed(&result),
            Err(error) => match AppError::from(error) {
                // An indicator still without a direction, say: the preview again, with why.
                AppError::Invalid(refused) => errors = refused,
                other => return Err(other),
            },
        }
    }
    preview_refused(&state, &viewer, &token, errors).await
}

/// Confirms a previewed upload as a job in the background (a large file: the preview's form
/// posts here) and sends the person to the job's page, which shows its progress.
async fn start_job(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (choices, errors) = choices_of_form(&form);
    if !errors.is_empty() {
        return preview_refused(&state, &viewer, &token, errors).await;
    }
    let job = state
        .app
        .start_import_job(&viewer.actor, &token, choices)
        .await?;
    Ok(Redirect::to(&format!("/import-jobs/{}", job.id)).into_response())
}

/// The preview again, with what the confirmation refused (422).
async fn preview_refused(
    state: &AppState,
    viewer: &Viewer,
    token: &str,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let previewed = state.app.upload_preview(&viewer.actor, token).await?;
    let mut response =
        render(&preview_page(viewer, previewed, errors, state.app.today()))?.into_response();
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// What the confirmation form chose (closing what the file no longer has, the directions
/// answered), and each answer that is not one.
fn choices_of_form(form: &[(String, String)]) -> (ImportChoices, Vec<(String, String)>) {
    let value = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let mut directions = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    for (key, title) in form {
        let Some(n) = key.strip_prefix("direction_title_") else {
            continue;
        };
        match value(&format!("direction_{n}")).map(str::trim) {
            None | Some("") => {}
            Some(word) => match direction_answer(word) {
                Some(direction) => directions.push((title.clone(), direction)),
                None => errors.push((
                    format!("direction_{n}"),
                    format!("Choose whether higher or lower is better for \"{title}\""),
                )),
            },
        }
    }
    let choices = ImportChoices {
        close_missing: value("close_missing") == Some("yes"),
        directions,
        ..ImportChoices::default()
    };
    (choices, errors)
}

/// The answer a confirmation form's select gives for an indicator's direction.
fn direction_answer(word: &str) -> Option<Direction> {
    match word {
        "higher" => Some(Direction::HigherIsBetter),
        "lower" => Some(Direction::LowerIsBetter),
        _ => None,
    }
}

/// "Mean of periods" for "mean of periods".
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where a stored import sends the person: the plan's indicators, items or programme.
fn confirmed(result: &ImportResult) -> Result<Response, AppError> {
    let plan = result
        .plan()
        .ok_or_else(|| AppError::Internal("import stored no plan".into()))?;
    let anchor = match result {
        ImportResult::Indicators { .. } => format!("/plans/{}/indicators?imported=1", plan.0),
        ImportResult::Items { .. } => format!("/plans/{}?imported=1", plan.0),
        ImportResult::Programme { .. } => format!("/plans/{}/programme?imported=1", plan.0),
        // Several plans: the home page lists them all.
        ImportResult::Sheets { .. } => "/".to_string(),
    };
    Ok(Redirect::to(&anchor).into_response())
}

/// Every finding of a pending upload as CSV, worked out again by a dry run: the page lists
/// only the first few of each kind. Only the person who uploaded the file may download it, as
/// only they may confirm it.
async fn findings_download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let findings = state.app.upload_findings(&viewer.actor, &token).await?;
    let csv = tokio::task::spawn_blocking(move || findings_csv(&findings))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"import-findings.csv\""),
    );
    Ok(response)
}

/// What the person corrected in a pending upload's preview as a mapping file, for
/// `waymark import --mapping`; only its uploader may download it.
async fn mapping_download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let text = state.app.upload_mapping_file(&viewer.actor, &token).await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/toml; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"import-mapping.toml\""),
    );
    Ok(response)
}

fn preview_page(
    viewer: &Viewer,
    previewed: UploadPreview,
    errors: Vec<(String, String)>,
    today: chrono::NaiveDate,
) -> PreviewPage {
    let reimport = previewed.upload.plan.is_some();
    let findings = previewed.result.findings();
    let summary = match &previewed.result {
        ImportResult::Items { outcome } => Some(outcome.summary.clone()),
        _ => None,
    };
    let several_sheets = previewed.sheet_count > 1;
    let sheet_plans = match &previewed.result {
        ImportResult::Sheets { sheets } => sheets
            .iter()
            .map(|(sheet, result)| {
                let (items, updates) = match result {
                    ImportResult::Items { outcome } => {
                        (outcome.summary.items, outcome.summary.updates)
                    }
                    _ => (0, 0),
                };
                SheetPlanRow {
                    sheet: sheet.clone(),
                    title: result.plan_title(),
                    items,
                    updates,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let rows = previewed
        .parsed
        .iter()
        .filter_map(|parsed| match parsed {
            Parsed::Items(preview) => Some(preview.items.iter()),
            Parsed::Indicators(_) | Parsed::Programme(_) => None,
        })
        .flatten()
        .take(500)
        .map(|item| ItemRow {
            row: item
                .row
                .filter(|_| !item.derived)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            sheet: item
                .table
                .clone()
                .filter(|_| previewed.plan_sheets.len() > 1)
                .unwrap_or_default(),
            depth: item.depth.min(4),
            reference: item.reference.clone().unwrap_or_default(),
            text: item.text.clone(),
            owners: item.owners.join(", "),
            due: item
                .due
                .as_ref()
                .map(|d| d.to_flex().to_string())
                .unwrap_or_default(),
            rag: item
                .rag
                .map(|r| format!("{r:?}"))
                .unwrap_or_else(|| "Not assessed".to_string()),
            updates: item.updates.len(),
        })
        .collect();
    let indicators = match (previewed.parsed.first(), &previewed.result) {
        (Some(Parsed::Indicators(import)), ImportResult::Indicators { outcome, .. }) => {
            Some(IndicatorSummary {
                created: outcome.indicators_created,
                matched: outcome.indicators_matched,
                measurements: outcome.measurements_added,
                objectives: outcome.objectives_created,
                objective_rows: objective_rows(outcome),
                objective_options: previewed
                    .objective_options
                    .iter()
                    .map(|(id, text)| (id.to_string(), text.clone()))
                    .collect(),
                read: import
                    .indicators
                    .iter()
                    .zip(&outcome.indicators)
                    .map(|(i, read)| IndicatorRow {
                        title: i.title.clone(),
                        periods: i
                            .measurements
                            .iter()
                            .map(|m| m.period.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        direction: match read.direction {
                            Some(direction) => sentence_case(direction),
                            None => "Not stated: answer below".to_string(),
                        },
                        year_to_date: format!(
                            "{} ({})",
                            sentence_case(read.year_to_date),
                            match (read.matched, read.year_to_date_stated) {
                                (true, _) => "as the plan's indicator has it",
                                (false, true) => "from the table",
                                (false, false) => "by its unit",
                            }
                        ),
                    })
                    .collect(),
                directions_missing: outcome
                    .directions_missing
                    .iter()
                    .map(|title| DirectionQuestion {
                        title: title.clone(),
                        row: outcome
                            .indicators
                            .iter()
                            .find(|read| read.title == *title && read.direction.is_none())
                            .map_or(0, |read| read.row),
                    })
                    .collect(),
            })
        }
        _ => None,
    };
    let has_objective_choice = indicators
        .as_ref()
        .is_some_and(|s| !s.objective_rows.is_empty() && !s.objective_options.is_empty());
    let sheets = sheet_options(&previewed, reimport);
    let columns = column_rows(&previewed);
    let mut rows_read: Vec<usize> = previewed.columns.iter().map(|c| c.row).collect();
    rows_read.sort_unstable();
    rows_read.dedup();
    let header_rows_read = rows_read
        .iter()
        .map(|row| row.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let summary = summary.unwrap_or_default();
    let row_of = |row: Option<usize>| row.map(|r| r.to_string()).unwrap_or_default();
    let additions = summary
        .additions
        .iter()
        .take(LISTED_CHANGES)
        .map(|a| ChangeRow {
            row: row_of(a.row),
            reference: a.reference.clone().unwrap_or_default(),
            text: a.text.clone(),
            detail: String::new(),
        })
        .collect();
    let changes = summary
        .changes
        .iter()
        .take(LISTED_CHANGES)
        .map(|c| ChangeRow {
            row: row_of(c.row),
            reference: c.reference.clone().unwrap_or_default(),
            text: c.text.clone(),
            detail: c
                .fields
                .iter()
                .map(|f| crate::pages::item::history::field_in_words(f).unwrap_or(f))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let missing = summary
        .missing_items
        .iter()
        .take(LISTED_CHANGES)
        .map(|m| ChangeRow {
            row: String::new(),
            reference: m.reference.clone().unwrap_or_default(),
            text: m.text.clone(),
            detail: if m.complete {
                "Already complete".to_string()
            } else {
                "Open".to_string()
            },
        })
        .collect();
    let mut missing_open = summary.missing_items.iter().filter(|m| !m.complete).count();
    let (mut added, mut changed, mut unchanged) =
        (summary.added, summary.changed, summary.unchanged);
    let (mut changes, mut missing, mut missing_total) =
        (changes, missing, summary.missing_items.len());
    let programme = match &previewed.result {
        ImportResult::Programme { outcome, .. } => {
            if let Some(again) = &outcome.reimport {
                (added, changed, unchanged) = (
                    again.projects_added,
                    again.projects_changed,
                    again.projects_unchanged,
                );
                changes = again
                    .changes
                    .iter()
                    .take(LISTED_CHANGES)
                    .map(|change| ChangeRow {
                        row: String::new(),
                        reference: String::new(),
                        text: change.clone(),
                        detail: String::new(),
                    })
                    .collect();
                missing = again
                    .projects_missing
                    .iter()
                    .take(LISTED_CHANGES)
                    .map(|name| ChangeRow {
                        row: String::new(),
                        reference: String::new(),
                        text: name.clone(),
                        detail: "Kept, as it is".to_string(),
                    })
                    .collect();
                missing_total = again.projects_missing.len();
                missing_open = 0;
            }
            Some(ProgrammeSummaryRow {
                projects: outcome.projects,
                funding_added: outcome.reimport.as_ref().map_or(0, |a| a.funding_added),
                funding_replaced: outcome.reimport.as_ref().map_or(0, |a| a.funding_replaced),
                savings_added: outcome.reimport.as_ref().map_or(0, |a| a.savings_added),
                savings_replaced: outcome.reimport.as_ref().map_or(0, |a| a.savings_replaced),
            })
        }
        _ => None,
    };
    // Findings kind by kind (in the order of the kinds), each kind's in the file's order.
    let mut by_kind: std::collections::BTreeMap<FindingKind, Vec<&Finding>> =
        std::collections::BTreeMap::new();
    for finding in &findings {
        by_kind.entry(finding.kind).or_default().push(finding);
    }
    let kinds = by_kind
        .iter()
        .map(|(kind, of_kind)| FindingKindCount {
            kind: kind.label(),
            count: of_kind.len(),
        })
        .collect();
    let listed = by_kind
        .values()
        .flat_map(|of_kind| of_kind.iter().take(LISTED_PER_KIND))
        .map(|f| FindingRow {
            table: f.table.clone().unwrap_or_default(),
            row: if f.row == 0 {
                String::new()
            } else {
                f.row.to_string()
            },
            column: f.column.clone(),
            kind: f.kind.label().to_string(),
            message: f.message.clone(),
        })
        .collect();
    PreviewPage {
        chrome: Chrome::for_viewer(viewer, "import"),
        errors,
        token: previewed.token,
        file_name: previewed.upload.file_name.clone(),
        target: previewed.target_title.clone(),
        in_background: summary.items + summary.updates >= BACKGROUND_FROM_ROWS,
        items: summary.items,
        updates: summary.updates,
        added,
        changed,
        unchanged,
        updates_added: summary.updates_added,
        reimport,
        additions,
        changes,
        missing,
        missing_total,
        missing_open,
        programme,
        listed_changes: LISTED_CHANGES,
        findings_total: findings.len(),
        kinds,
        findings: listed,
        listed_per_kind: LISTED_PER_KIND,
        rows,
        indicators,
        several_sheets,
        plan_sheet_count: previewed.plan_sheets.len(),
        sheets,
        sheet_plans,
        columns,
        header_row: previewed
            .corrections
            .header_row
            .map(|row| row.to_string())
            .unwrap_or_default(),
        header_rows_read,
        fields: Field::ALL.iter().map(|f| (f.name(), f.label())).collect(),
        has_objective_choice,
        saved_from: previewed.corrections.saved_from.as_ref().map(|saved| {
            let day = if saved.saved_on.format("%Y").to_string() == today.format("%Y").to_string() {
                saved.saved_on.format("%-d %B").to_string()
            } else {
                saved.saved_on.format("%-d %B %Y").to_string()
            };
            (day, saved.saved_by.clone(), saved.file_name.clone())
        }),
    }
}

/// The choices of sheets a workbook of several sheets of items offers: all as one plan, one
/// of them, or (for new plans) each as a plan of its own.
fn sheet_options(previewed: &UploadPreview, reimport: bool) -> Vec<SheetOption> {
    if previewed.plan_sheets.len() < 2 {
        return Vec::new();
    }
    let chosen = &previewed.corrections.sheets;
    let mut options = vec![SheetOption {
        value: "together".into(),
        label: "All sheets, as one plan".into(),
        selected: *chosen == SheetChoice::Together,
    }];
    options.extend(previewed.plan_sheets.iter().map(|sheet| SheetOption {
        value: format!("sheet:{sheet}"),
        label: format!("Only the sheet \u{201c}{sheet}\u{201d}"),
        selected: matches!(chosen, SheetChoice::One(name) if name.trim().eq_ignore_ascii_case(sheet.trim())),
    }));
    if !reimport {
        options.push(SheetOption {
            value: "each".into(),
            label: "Each sheet as a plan of its own".into(),
            selected: *chosen == SheetChoice::EachAsPlan,
        });
    }
    options
}

/// Each header the file's tables have, once, with the field it was read as and the sheets
/// that have it.
fn column_rows(previewed: &UploadPreview) -> Vec<ColumnRow> {
    let mut rows: Vec<ColumnRow> = Vec::new();
    for column in &previewed.columns {
        let sheet = column.table.clone().unwrap_or_default();
        let same = rows.iter_mut().find(|row| {
            waymark_io::header::normalise_header(&row.header)
                == waymark_io::header::normalise_header(&column.header)
        });
        match same {
            Some(row) => {
                if !sheet.is_empty() && !row.sheets.split(", ").any(|s| s == sheet) {
                    row.sheets = if row.sheets.is_empty() {
                        sheet
                    } else {
                        format!("{}, {sheet}", row.sheets)
                    };
                }
            }
            None => rows.push(ColumnRow {
                header: column.header.clone(),
                sheets: sheet,
                row: column.row,
                field: column.field.name(),
            }),
        }
    }
    rows
}

async fn invalid(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let mut response = render(&new_page(state, viewer, errors).await?)?.into_response();
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}
