//! Importing a spreadsheet or Word document: upload, a preview of everything the file would
//! create with its findings counted by kind (the first rows of each listed, all of them a CSV
//! download away), and only then, on confirmation, one transaction. The same `waymark_io`
//! functions back `waymark import`, so the page and the CLI agree.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use waymark_core::{PlanId, PlanKind};
use waymark_io::findings::findings_csv;
use waymark_io::{
    Finding, FindingKind, Format, ImportOutcome, ImportPreview, NewPlanSpec, PreviewOptions,
    build_preview_owned, import_into_new_plan, import_into_new_plan_owned, import_into_plan,
    read_bytes,
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
        .route("/imports/{token}/findings.csv", get(findings_download))
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
    /// Every finding, counted.
    findings_total: usize,
    kinds: Vec<FindingKindCount>,
    /// The first `LISTED_PER_KIND` of each kind, kind by kind.
    findings: Vec<FindingRow>,
    listed_per_kind: usize,
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
                form.file_name = field.file_name().unwrap_or_default().to_string();
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
    let (preview, outcome) = match dry_run(&state, &viewer, &upload).await {
        Ok(read) => read,
        Err(AppError::Invalid(errors)) => return invalid(&state, &viewer, errors).await,
        Err(other) => return Err(other),
    };
    let token = new_token()?;
    state
        .store
        .save_upload(&token_hash(&token), &upload)
        .await?;
    Ok(render(&preview_page(&viewer, token, &upload, &preview, &outcome))?.into_response())
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
    let (hash, upload) = pending_upload(&state, &viewer, &token).await?;
    let outcome = store_import(&state, &viewer, &upload).await?;
    state.store.delete_upload(&hash).await?;
    let plan = outcome
        .plan
        .ok_or_else(|| AppError::Internal("import stored no plan".into()))?;
    Ok(Redirect::to(&format!("/plans/{plan}?imported=1")).into_response())
}

/// Every finding of a pending upload as CSV, worked out again by a dry run: the page lists
/// only the first few of each kind. Only the person who uploaded the file may download it, as
/// only they may confirm it.
async fn findings_download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (_, upload) = pending_upload(&state, &viewer, &token).await?;
    let (_, outcome) = dry_run(&state, &viewer, &upload).await?;
    let csv = tokio::task::spawn_blocking(move || findings_csv(&outcome.findings))
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

/// The pending upload a token names, with the token's hash: only the person who uploaded it,
/// in their organisation, gets it; anyone else is told it does not exist.
async fn pending_upload(
    state: &AppState,
    viewer: &Viewer,
    token: &str,
) -> Result<(String, PendingUpload), AppError> {
    let hash = token_hash(token);
    let upload = state
        .store
        .pending_upload(&hash, viewer.user.id)
        .await?
        .filter(|u| u.org == viewer.user.org)
        .ok_or(AppError::NotFound)?;
    Ok((hash, upload))
}

/// Reads the file and works out what importing it would do, storing nothing.
async fn dry_run(
    state: &AppState,
    viewer: &Viewer,
    upload: &PendingUpload,
) -> Result<(ImportPreview, ImportOutcome), AppError> {
    let preview = read_upload(state, viewer, upload).await?;
    let author = author_of(viewer, upload);
    let outcome = match upload.plan {
        Some(plan) => import_into_plan(&state.store, plan, &preview, author, true).await,
        None => {
            let spec = new_plan_spec(viewer, upload);
            import_into_new_plan(&state.store, &spec, &preview, author, true).await
        }
    };
    let outcome = outcome.map_err(|e| AppError::invalid("file", e.to_string()))?;
    Ok((preview, outcome))
}

/// Reads the file and imports it in one transaction.
async fn store_import(
    state: &AppState,
    viewer: &Viewer,
    upload: &PendingUpload,
) -> Result<ImportOutcome, AppError> {
    let preview = read_upload(state, viewer, upload).await?;
    let author = author_of(viewer, upload);
    let outcome = match upload.plan {
        Some(plan) => import_into_plan(&state.store, plan, &preview, author, false).await,
        None => {
            // The preview's items move into the new plan's change set rather than being copied.
            let spec = new_plan_spec(viewer, upload);
            let outcome = import_into_new_plan_owned(&state.store, &spec, preview, author).await;
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

/// The upload's file read into a preview, off the async workers.
async fn read_upload(
    state: &AppState,
    viewer: &Viewer,
    upload: &PendingUpload,
) -> Result<ImportPreview, AppError> {
    let format = Format::from_file_name(&upload.file_name)
        .ok_or_else(|| AppError::invalid("file", "That kind of file cannot be imported"))?;
    let today = state.clock.today();
    let file_name = upload.file_name.clone();
    let content = upload.content.clone();
    let mut options = PreviewOptions::new(today);
    if let Some(plan) = upload.plan {
        options.level_names = state.store.plan(viewer.scope(), plan).await?.level_names;
    }
    // Parsing a large workbook is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        let workbook = read_bytes(&file_name, format, &content)?;
        build_preview_owned(workbook, &options)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::invalid("file", e.to_string()))
}

fn author_of(viewer: &Viewer, upload: &PendingUpload) -> Option<String> {
    Some(format!(
        "Import of {} by {}",
        upload.file_name, viewer.user.name
    ))
}

fn new_plan_spec(viewer: &Viewer, upload: &PendingUpload) -> NewPlanSpec {
    NewPlanSpec {
        org: viewer.user.org,
        title: upload.new_title.clone(),
        kind: upload.new_kind.as_deref().map(PlanKind::parse),
    }
}

/// The preview page, from the preview and dry run the upload has just had (the file is read
/// once).
fn preview_page(
    viewer: &Viewer,
    token: String,
    upload: &PendingUpload,
    preview: &ImportPreview,
    outcome: &ImportOutcome,
) -> PreviewPage {
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
    // Findings kind by kind (in the order of the kinds), each kind's in the file's order.
    let mut by_kind: std::collections::BTreeMap<FindingKind, Vec<&Finding>> =
        std::collections::BTreeMap::new();
    for finding in &outcome.findings {
        by_kind.entry(finding.kind).or_default().push(finding);
    }
    let kinds = by_kind
        .iter()
        .map(|(kind, of_kind)| FindingKindCount {
            kind: kind.label(),
            count: of_kind.len(),
        })
        .collect();
    let findings = by_kind
        .values()
        .flat_map(|of_kind| of_kind.iter().take(LISTED_PER_KIND))
        .map(|f| FindingRow {
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
        findings_total: outcome.findings.len(),
        kinds,
        findings,
        listed_per_kind: LISTED_PER_KIND,
        rows,
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
