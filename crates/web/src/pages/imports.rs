//! Importing a spreadsheet or Word document: upload, a preview of everything the file would
//! create with its findings listed by row, and only then, on confirmation, one transaction.
//! The same `waymark_io` functions back `waymark import`, so the page and the CLI agree.
//!
//! Reading an upload is CPU work off the async workers, within `waymark_io::ReadLimits`, at
//! most two at once and for at most 30 seconds (`parse_upload`): a hostile file is refused
//! with the form and a message, and cannot hold the server.

use std::time::Duration;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tokio::sync::Semaphore;
use waymark_core::{PlanId, PlanKind};
use waymark_io::{
    Format, ImportOutcome, ImportPreview, NewPlanSpec, PreviewOptions, build_preview,
    import_into_new_plan, import_into_plan, read_bytes, upload_name,
};
use waymark_store::PendingUpload;

use crate::auth::{Viewer, new_token, token_hash};
use crate::error::AppError;
use crate::pages::{Chrome, render};
use crate::security::MAX_MULTIPART_BYTES;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports/new", get(new_import))
        .route(
            "/imports/preview",
            post(preview).layer(DefaultBodyLimit::max(MAX_MULTIPART_BYTES)),
        )
        .route("/imports/{token}/confirm", post(confirm))
}

#[derive(Template)]
#[template(path = "import_new.html")]
struct NewImportPage {
    chrome: Chrome,
    plans: Vec<(i64, String)>,
    errors: Vec<(String, String)>,
}

struct FindingRow {
    /// Blank for a finding about the whole file.
    row: String,
    column: String,
    kind: String,
    message: String,
}

struct ItemRow {
    /// The file's row the item was read from, as findings name it; blank for headings made
    /// into parents.
    row: String,
    depth: usize,
    reference: String,
    text: String,
    owners: String,
    due: String,
    rag: String,
    updates: usize,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    chrome: Chrome,
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
    findings: Vec<FindingRow>,
    rows: Vec<ItemRow>,
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
    let plans = state
        .store
        .plans(viewer.scope())
        .await?
        .into_iter()
        .map(|p| (p.id.0, p.title))
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
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid("file", format!("The upload could not be read: {e}"))
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "file" => {
                // Only a label: its last component, never a path.
                form.file_name = upload_name(field.file_name().unwrap_or_default());
                form.content = field.bytes().await.map_err(bad)?.to_vec();
            }
            "target" => form.target = field.text().await.map_err(bad)?,
            "title" => form.title = field.text().await.map_err(bad)?,
            "kind" => form.kind = field.text().await.map_err(bad)?,
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
    let plan = match form.target.as_str() {
        "" | "new" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(state.store.plan(viewer.scope(), PlanId(id)).await?.id),
            Err(_) => {
                errors.push(("target".into(), "Choose a plan".into()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return invalid(&state, &viewer, errors).await;
    }
    let upload = PendingUpload {
        org: viewer.user.org,
        user: viewer.user.id,
        file_name: form.file_name,
        content: form.content,
        plan,
        new_title: Some(form.title.trim().to_string()).filter(|t| !t.is_empty()),
        new_kind: Some(form.kind.trim().to_string()).filter(|k| !k.is_empty()),
    };
    let outcome = match run_import(&state, &viewer, &upload, true).await {
        Ok(outcome) => outcome,
        Err(AppError::Invalid(errors)) => return invalid(&state, &viewer, errors).await,
        Err(other) => return Err(other),
    };
    let token = new_token()?;
    state
        .store
        .save_upload(&token_hash(&token), &upload)
        .await?;
    Ok(render(&preview_page(&state, &viewer, token, &upload, outcome).await?)?.into_response())
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(rename = "csrf")]
    _csrf: Option<String>,
}

async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(_form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let hash = token_hash(&token);
    let upload = state
        .store
        .pending_upload(&hash, viewer.user.id)
        .await?
        .filter(|u| u.org == viewer.user.org)
        .ok_or(AppError::NotFound)?;
    let outcome = run_import(&state, &viewer, &upload, false).await?;
    state.store.delete_upload(&hash).await?;
    let plan = outcome
        .plan
        .ok_or_else(|| AppError::Internal("import stored no plan".into()))?;
    Ok(Redirect::to(&format!("/plans/{plan}?imported=1")).into_response())
}

/// Reads the file and imports it (or, on a dry run, works out what importing would do).
async fn run_import(
    state: &AppState,
    viewer: &Viewer,
    upload: &PendingUpload,
    dry_run: bool,
) -> Result<ImportOutcome, AppError> {
    let format = Format::from_file_name(&upload.file_name)
        .ok_or_else(|| AppError::invalid("file", "That kind of file cannot be imported"))?;
    let today = state.clock.today();
    let file_name = upload.file_name.clone();
    let content = upload.content.clone();
    let mut options = PreviewOptions::new(today);
    if let Some(plan) = upload.plan {
        options.level_names = state.store.plan(viewer.scope(), plan).await?.level_names;
    }
    let preview = parse_upload(file_name, format, content, options, PARSE_TIME_LIMIT).await?;
    let author = Some(format!(
        "Import of {} by {}",
        upload.file_name, viewer.user.name
    ));
    let outcome = match upload.plan {
        Some(plan) => import_into_plan(&state.store, plan, &preview, author, dry_run).await,
        None => {
            let spec = NewPlanSpec {
                org: viewer.user.org,
                title: upload.new_title.clone(),
                kind: upload.new_kind.as_deref().map(PlanKind::parse),
            };
            let outcome =
                import_into_new_plan(&state.store, &spec, &preview, author, dry_run).await;
            // The new plan's search documents and owner index are written after its commit, in the
            // background: the person sees the plan at once, and a read that needs them first
            // catches up itself.
            if let Ok(ImportOutcome {
                plan: Some(plan), ..
            }) = &outcome
            {
                let store = state.store.clone();
                let plan = PlanId(*plan);
                tokio::spawn(async move {
                    if let Err(error) = store.catch_up_indexes(plan).await {
                        tracing::warn!(%error, plan = plan.0, "indexing an imported plan failed");
                    }
                });
            }
            outcome
        }
    };
    outcome.map_err(|e| AppError::invalid("file", e.to_string()))
}

async fn preview_page(
    state: &AppState,
    viewer: &Viewer,
    token: String,
    upload: &PendingUpload,
    outcome: ImportOutcome,
) -> Result<PreviewPage, AppError> {
    let format = Format::from_file_name(&upload.file_name).ok_or(AppError::NotFound)?;
    let file_name = upload.file_name.clone();
    let content = upload.content.clone();
    let options = PreviewOptions::new(state.clock.today());
    let preview = parse_upload(file_name, format, content, options, PARSE_TIME_LIMIT).await?;
    let rows = preview
        .items
        .iter()
        .take(500)
        .map(|item| ItemRow {
            row: item
                .row
                .filter(|_| !item.derived)
                .map(|r| r.to_string())
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
    Ok(PreviewPage {
        chrome: Chrome::for_viewer(viewer, "import"),
        token,
        file_name: upload.file_name.clone(),
        target: outcome.plan_title.clone(),
        items: outcome.summary.items,
        updates: outcome.summary.updates,
        added: outcome.summary.added,
        changed: outcome.summary.changed,
        unchanged: outcome.summary.unchanged,
        updates_added: outcome.summary.updates_added,
        reimport: upload.plan.is_some(),
        findings: outcome
            .findings
            .iter()
            .map(|f| FindingRow {
                row: if f.row == 0 {
                    String::new()
                } else {
                    f.row.to_string()
                },
                column: f.column.clone(),
                kind: finding_label(f.kind.name()),
                message: f.message.clone(),
            })
            .collect(),
        rows,
    })
}

/// Uploads read at once. Each takes a core and, for the largest trackers, a few hundred MB.
const PARSES_AT_ONCE: usize = 2;

/// How long reading and previewing an upload may take, its wait for a turn included.
const PARSE_TIME_LIMIT: Duration = Duration::from_secs(30);

static PARSES: Semaphore = Semaphore::const_new(PARSES_AT_ONCE);

/// Reads an upload and works out its preview on a blocking thread, at most `PARSES_AT_ONCE` at
/// a time and within `limit`. A file the readers refuse, or one not read in time, is a message
/// on the form. The turn is held until the blocking work ends, even after a timeout, so a
/// file that outlasts its time still counts against the uploads read at once.
async fn parse_upload(
    file_name: String,
    format: Format,
    content: Vec<u8>,
    options: PreviewOptions,
    limit: Duration,
) -> Result<ImportPreview, AppError> {
    let work = async {
        let turn = PARSES
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            read_bytes(&file_name, format, &content).and_then(|w| build_preview(&w, &options))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
    };
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(Ok(preview))) => Ok(preview),
        Ok(Ok(Err(refused))) => Err(AppError::invalid("file", refused.to_string())),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(AppError::invalid(
            "file",
            format!(
                "Waymark could not read this file within {} seconds, so it stopped. Try again \
                 in a minute, or split the file into smaller ones.",
                limit.as_secs()
            ),
        )),
    }
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

/// The words shown for a kind of finding.
fn finding_label(name: &str) -> String {
    match name {
        "unknown_rag" => "Unknown RAG status".to_string(),
        "shifted_cells" => "Cells shifted by one".to_string(),
        "update_date_before_entry" => "Date of update earlier than an entry".to_string(),
        "duplicate_update_text" => "Same update on several rows".to_string(),
        "plan_exists" => "A plan of this name exists".to_string(),
        other => sentence_case(other),
    }
}

/// "missing_due_date" becomes "Missing due date".
fn sentence_case(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn options() -> PreviewOptions {
        PreviewOptions::new(NaiveDate::from_ymd_opt(2015, 2, 1).unwrap())
    }

    fn message(error: AppError) -> String {
        match error {
            AppError::Invalid(fields) => fields[0].1.clone(),
            other => panic!("not a message on the form: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_refused_upload_is_a_message_naming_the_limit() {
        let csv = format!("Action,Owner\n\"{}\",x\n", "a".repeat(40_000));
        let error = parse_upload(
            "tracker.csv".into(),
            Format::Csv,
            csv.into_bytes(),
            options(),
            PARSE_TIME_LIMIT,
        )
        .await
        .unwrap_err();
        assert!(message(error).starts_with("tracker.csv: the file, row 2, has a cell longer than"),);
    }

    #[tokio::test]
    async fn an_upload_that_waits_past_its_time_is_a_message() {
        // Every turn taken, as by two slow uploads: the third gives up at its time limit.
        let held = PARSES.acquire_many(PARSES_AT_ONCE as u32).await.unwrap();
        let error = parse_upload(
            "tracker.csv".into(),
            Format::Csv,
            b"Action,Owner\nA,B\n".to_vec(),
            options(),
            Duration::from_millis(50),
        )
        .await
        .unwrap_err();
        drop(held);
        assert!(message(error).starts_with("Waymark could not read this file within"));
        let preview = parse_upload(
            "tracker.csv".into(),
            Format::Csv,
            b"Action,Owner\nA,B\n".to_vec(),
            options(),
            PARSE_TIME_LIMIT,
        )
        .await
        .unwrap();
        assert_eq!(preview.items.len(), 1);
    }
}
