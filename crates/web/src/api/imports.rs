//! Imports through the API, in the page's two steps: upload a file and get a preview (what it
//! would create or change, what each column was read as, and every finding by row and column)
//! with a token, correct the sheets or columns and preview again as often as needed, then
//! confirm the token to store it in one transaction. Nothing is stored before the
//! confirmation, which stores what the last preview showed.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema,
    SchemaFormat, Type,
};
use waymark_app::imports::{
    Corrections, ImportChoices, ImportResult, Previewed, SheetChoice, UnreadableUpload, Upload,
    UploadPreview,
};
use waymark_core::PlanId;
use waymark_io::Finding;
use waymark_io::header::Field;

use crate::api::ApiError;
use crate::api::extract::{ApiJson, ApiPath, OptionalApiJson};
use crate::auth::Viewer;
use crate::error::{AppError, ErrorJson};
use crate::security::{MAX_MULTIPART_BYTES, upload_too_large};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/imports",
            post(preview).layer(DefaultBodyLimit::max(MAX_MULTIPART_BYTES)),
        )
        .route("/api/imports/{token}/confirm", post(confirm))
        .route("/api/imports/{token}/corrections", post(correct))
}

/// The form of `POST /api/imports`, as multipart/form-data; its schema is
/// [`upload_form_schema`], which states every value the form's reader takes.
#[allow(dead_code)] // Read field by field from the multipart body; the schema describes it.
pub(crate) struct UploadForm;

impl utoipa::PartialSchema for UploadForm {
    fn schema() -> RefOr<Schema> {
        upload_form_schema().into()
    }
}

impl utoipa::ToSchema for UploadForm {}

/// A correction of a previewed upload; the preview is worked out again with it. Its schema is
/// [`corrections_schema`].
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct CorrectionsJson {
    /// Import only this sheet of a workbook of several plans; absent for all of them.
    #[serde(default)]
    sheet: Option<String>,
    /// Import each sheet of items as a new plan of its own (not with `sheet`).
    #[serde(default)]
    each_sheet: bool,
    /// The header's row, as the sheet numbers it; absent for the row Waymark finds. A new
    /// header row clears the column corrections made for the old one.
    #[serde(default)]
    header_row: Option<usize>,
    /// Header as written → the field to read its column as, over the corrections made before.
    #[serde(default)]
    columns: BTreeMap<String, String>,
    /// For an indicator table: an objective as the file writes it → the reference or text of
    /// the plan's objective it is, or "new" for a new objective, over what matching found.
    #[serde(default)]
    objectives: BTreeMap<String, String>,
}

impl utoipa::PartialSchema for CorrectionsJson {
    fn schema() -> RefOr<Schema> {
        corrections_schema().into()
    }
}

impl utoipa::ToSchema for CorrectionsJson {}

/// One column of a table's header as the preview read it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ColumnJson {
    /// The sheet, in a workbook of several.
    table: Option<String>,
    /// The header's row, as the sheet numbers it.
    row: usize,
    header: String,
    /// The field its cells are read as: reference, text, owner, …, own (kept as the items'
    /// own field) or ignore.
    #[schema(value_type = String)]
    field: &'static str,
}

/// One sheet of a workbook imported as a plan of its own.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SheetResultJson {
    sheet: String,
    #[schema(no_recursion)]
    result: ImportResultJson,
}

/// An upload read and kept for confirmation.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PreviewJson {
    /// Confirms the import at `POST /api/imports/{token}/confirm`; only its uploader can.
    token: String,
    /// False where the file cannot be read (it is no spreadsheet or document Waymark reads,
    /// or Waymark cannot make it out, as it is or with the corrections): `result` has kind
    /// `unreadable` and its findings say why; corrections may still make it readable, and
    /// confirming it is refused (409).
    readable: bool,
    file_name: String,
    /// The plan imported into; null for a new plan.
    target_plan: Option<i64>,
    /// The plan's title, or the new plan's.
    target_title: String,
    /// What storing it would do (`dry_run` is true).
    result: ImportResultJson,
    /// A workbook's sheets of items, by name; empty for a file of one table.
    sheets: Vec<String>,
    /// The one sheet chosen, if one was.
    sheet: Option<String>,
    /// Whether each sheet is imported as a plan of its own.
    each_sheet: bool,
    /// The header row given in a correction; null for the one Waymark found.
    header_row: Option<usize>,
    /// What each column of each table read was taken to hold.
    columns: Vec<ColumnJson>,
}

/// What an import did, or (in a preview) would do.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ImportResultJson {
    /// items for a tracker, indicators for an indicator table, programme for a programme
    /// register, sheets for each sheet as a plan of its own; in a preview, unreadable for a
    /// file that cannot be read (its findings say why).
    #[schema(value_type = String, example = "items")]
    kind: &'static str,
    /// The plan stored into; null in the preview of a new plan.
    plan: Option<i64>,
    plan_title: String,
    dry_run: bool,
    /// For a tracker: what it holds and what it changes.
    items: Option<ItemCountsJson>,
    /// For an indicator table: what it creates and records.
    indicators: Option<IndicatorCountsJson>,
    /// For a programme register: projects by area and status, funding by year, savings and
    /// the team's cost shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    programme: Option<serde_json::Value>,
    /// Every problem found, by row and column (for `sheets`, every sheet's).
    findings: Vec<FindingJson>,
    /// For kind `sheets`, each sheet imported as a plan of its own, with what it does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sheets: Vec<SheetResultJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ItemCountsJson {
    items: usize,
    /// Dated update entries in the file.
    updates: usize,
    added: usize,
    changed: usize,
    unchanged: usize,
    updates_added: usize,
    /// Items of the plan the file no longer has; they are kept (and closed when asked).
    missing: usize,
    /// How many of those the import closed (or, in a preview, would close).
    closed: usize,
    /// On a re-import: the items the file adds.
    additions: Vec<AddedJson>,
    /// On a re-import: the items whose fields the file changes, and which fields.
    changes: Vec<ChangedJson>,
    /// The plan's items the file no longer has.
    missing_items: Vec<MissingJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AddedJson {
    /// The row of the file, as the spreadsheet numbers it.
    row: Option<usize>,
    reference: Option<String>,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChangedJson {
    item: i64,
    row: Option<usize>,
    reference: Option<String>,
    text: String,
    fields: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MissingJson {
    item: i64,
    reference: Option<String>,
    text: String,
    /// Already complete: closing it changes nothing.
    complete: bool,
}

/// What the confirmation may choose; the body may be left out.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct ConfirmJson {
    /// On a re-import, close the plan's open items that the file no longer has (they stay in
    /// the plan with their history). False when absent.
    #[serde(default)]
    close_missing: bool,
    /// For an indicator table: which way is better for each indicator the preview lists in
    /// `directions_missing`, by its title: `higher` or `lower`. An indicator table with one
    /// unanswered is refused (409), naming each and its row; a title that names no indicator
    /// awaiting an answer is a 404 naming `directions`.
    #[serde(default)]
    #[schema(schema_with = directions_schema)]
    directions: BTreeMap<String, String>,
}

impl ConfirmJson {
    /// The choices the body makes; a direction that is not `higher` or `lower`, or a blank
    /// title, is refused as its schema refuses it, naming `directions`.
    pub(crate) fn choices(&self) -> Result<ImportChoices, AppError> {
        use waymark_core::indicator::Direction;
        let directions = self
            .directions
            .iter()
            .map(|(title, word)| {
                if is_blank(title) {
                    return Err(AppError::invalid(
                        "directions",
                        "Name each indicator by its title: a title cannot be blank",
                    ));
                }
                let direction = match word.as_str() {
                    "higher" => Direction::HigherIsBetter,
                    "lower" => Direction::LowerIsBetter,
                    _ => {
                        return Err(AppError::invalid(
                            "directions",
                            format!(
                                "\"{word}\" is not a direction for \"{title}\": give higher or lower"
                            ),
                        ));
                    }
                };
                Ok((title.clone(), direction))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(ImportChoices {
            close_missing: self.close_missing,
            directions,
            ..ImportChoices::default()
        })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct IndicatorCountsJson {
    indicators_created: usize,
    indicators_matched: usize,
    measurements_added: usize,
    objectives_created: usize,
    /// Each objective the file names that was found among the plan's items, and how.
    objectives_matched: Vec<ObjectiveMatchedJson>,
    /// The objectives the file names that the plan has not, added as new items.
    objectives_new: Vec<String>,
    /// Each indicator read, as it would be stored: its direction and year-to-date rule.
    indicators: Vec<IndicatorReadJson>,
    /// The indicators the import would create whose table does not say which way is better:
    /// the confirmation must answer each in `directions`.
    directions_missing: Vec<DirectionMissingJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct IndicatorReadJson {
    title: String,
    /// The file's first row for it.
    row: usize,
    /// "higher is better" or "lower is better"; null where nobody has said.
    direction: Option<&'static str>,
    /// How its year to date is worked out: "sum of periods", "mean of periods" or "the
    /// period's figure".
    year_to_date: &'static str,
    /// True where the table stated the rule (its notes, or a year-to-date column); false where
    /// it is the rule by measure type and unit.
    year_to_date_stated: bool,
    /// True where the plan has it already (by title), whose settings are kept.
    matched: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DirectionMissingJson {
    indicator: String,
    row: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ObjectiveMatchedJson {
    /// As the file writes it.
    written: String,
    /// The plan's item it was taken to be.
    item: i64,
    item_text: String,
    /// text, reference, meaning, or chosen (by a correction).
    by: &'static str,
    /// For a match by meaning: the content words in common, and of how many.
    shared_words: Option<usize>,
    of_words: Option<usize>,
}

impl ObjectiveMatchedJson {
    fn new(matched: &waymark_io::indicators::ObjectiveMatched) -> ObjectiveMatchedJson {
        use waymark_io::objective_match::MatchedBy;
        let (by, shared_words, of_words) = match matched.by {
            MatchedBy::Text => ("text", None, None),
            MatchedBy::Reference => ("reference", None, None),
            MatchedBy::Meaning { shared, of } => ("meaning", Some(shared), Some(of)),
            MatchedBy::Chosen => ("chosen", None, None),
        };
        ObjectiveMatchedJson {
            written: matched.written.clone(),
            item: matched.item,
            item_text: matched.item_text.clone(),
            by,
            shared_words,
            of_words,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FindingJson {
    /// The row (or a document's paragraph) from 1; 0 for the whole file.
    row: usize,
    /// The column's header as written; empty for a whole row.
    column: String,
    /// missing_due_date, unknown_rag, shifted_cells, …
    #[schema(value_type = String)]
    kind: &'static str,
    message: String,
    /// The sheet or table, in a file with several.
    table: Option<String>,
}

impl ImportResultJson {
    pub(crate) fn new(result: &ImportResult) -> ImportResultJson {
        let findings = |list: &[Finding]| {
            list.iter()
                .map(|f| FindingJson {
                    row: f.row,
                    column: f.column.clone(),
                    kind: f.kind.name(),
                    message: f.message.clone(),
                    table: f.table.clone(),
                })
                .collect()
        };
        match result {
            ImportResult::Items { outcome } => ImportResultJson {
                kind: "items",
                plan: outcome.plan,
                plan_title: outcome.plan_title.clone(),
                dry_run: outcome.dry_run,
                items: Some(ItemCountsJson {
                    items: outcome.summary.items,
                    updates: outcome.summary.updates,
                    added: outcome.summary.added,
                    changed: outcome.summary.changed,
                    unchanged: outcome.summary.unchanged,
                    updates_added: outcome.summary.updates_added,
                    missing: outcome.summary.missing,
                    closed: outcome.summary.closed,
                    additions: outcome
                        .summary
                        .additions
                        .iter()
                        .map(|a| AddedJson {
                            row: a.row,
                            reference: a.reference.clone(),
                            text: a.text.clone(),
                        })
                        .collect(),
                    changes: outcome
                        .summary
                        .changes
                        .iter()
                        .map(|c| ChangedJson {
                            item: c.item,
                            row: c.row,
                            reference: c.reference.clone(),
                            text: c.text.clone(),
                            fields: c.fields.clone(),
                        })
                        .collect(),
                    missing_items: outcome
                        .summary
                        .missing_items
                        .iter()
                        .map(|m| MissingJson {
                            item: m.item,
                            reference: m.reference.clone(),
                            text: m.text.clone(),
                            complete: m.complete,
                        })
                        .collect(),
                }),
                indicators: None,
                programme: None,
                findings: findings(&outcome.findings),
                sheets: Vec::new(),
            },
            ImportResult::Programme {
                plan,
                plan_title,
                outcome,
            } => ImportResultJson {
                kind: "programme",
                plan: *plan,
                plan_title: plan_title.clone(),
                dry_run: outcome.dry_run,
                items: None,
                indicators: None,
                programme: serde_json::to_value(outcome).ok().map(|mut value| {
                    if let Some(object) = value.as_object_mut() {
                        object.remove("findings");
                    }
                    value
                }),
                findings: findings(&outcome.findings),
                sheets: Vec::new(),
            },
            ImportResult::Indicators {
                plan,
                plan_title,
                outcome,
            } => ImportResultJson {
                kind: "indicators",
                plan: *plan,
                plan_title: plan_title.clone(),
                dry_run: outcome.dry_run,
                items: None,
                indicators: Some(IndicatorCountsJson {
                    indicators_created: outcome.indicators_created,
                    indicators_matched: outcome.indicators_matched,
                    measurements_added: outcome.measurements_added,
                    objectives_created: outcome.objectives_created,
                    objectives_matched: outcome
                        .objectives_matched
                        .iter()
                        .map(ObjectiveMatchedJson::new)
                        .collect(),
                    objectives_new: outcome.objectives_new.clone(),
                    indicators: outcome
                        .indicators
                        .iter()
                        .map(|read| IndicatorReadJson {
                            title: read.title.clone(),
                            row: read.row,
                            direction: read.direction,
                            year_to_date: read.year_to_date,
                            year_to_date_stated: read.year_to_date_stated,
                            matched: read.matched,
                        })
                        .collect(),
                    directions_missing: outcome
                        .directions_missing
                        .iter()
                        .map(|title| DirectionMissingJson {
                            indicator: title.clone(),
                            row: outcome
                                .indicators
                                .iter()
                                .find(|read| read.title == *title && read.direction.is_none())
                                .map_or(0, |read| read.row),
                        })
                        .collect(),
                }),
                programme: None,
                findings: findings(&outcome.findings),
                sheets: Vec::new(),
            },
            ImportResult::Sheets { sheets } => ImportResultJson {
                kind: "sheets",
                plan: result.plan().map(|p| p.0),
                plan_title: result.plan_title(),
                dry_run: sheets.iter().all(|(_, r)| is_dry_run(r)),
                items: None,
                indicators: None,
                programme: None,
                findings: findings(&result.findings()),
                sheets: sheets
                    .iter()
                    .map(|(sheet, result)| SheetResultJson {
                        sheet: sheet.clone(),
                        result: ImportResultJson::new(result),
                    })
                    .collect(),
            },
        }
    }
}

impl PreviewJson {
    fn of(previewed: &Previewed) -> PreviewJson {
        match previewed {
            Previewed::Read(preview) => PreviewJson::new(preview),
            Previewed::Unreadable(unreadable) => PreviewJson::unreadable(unreadable),
        }
    }

    /// The preview of a file that cannot be read: nothing it would do, and why.
    fn unreadable(upload: &UnreadableUpload) -> PreviewJson {
        let plan = upload.upload.plan.map(|p| p.0);
        PreviewJson {
            token: upload.token.clone(),
            readable: false,
            file_name: upload.upload.file_name.clone(),
            target_plan: plan,
            target_title: upload.target_title.clone(),
            result: ImportResultJson {
                kind: "unreadable",
                plan,
                plan_title: upload.target_title.clone(),
                dry_run: true,
                items: None,
                indicators: None,
                programme: None,
                findings: upload
                    .problems
                    .iter()
                    .map(|(_, message)| FindingJson {
                        row: 0,
                        column: String::new(),
                        kind: "unreadable_file",
                        message: message.clone(),
                        table: None,
                    })
                    .collect(),
                sheets: Vec::new(),
            },
            sheets: Vec::new(),
            sheet: match &upload.corrections.sheets {
                SheetChoice::One(name) => Some(name.clone()),
                _ => None,
            },
            each_sheet: upload.corrections.sheets == SheetChoice::EachAsPlan,
            header_row: upload.corrections.header_row,
            columns: Vec::new(),
        }
    }

    fn new(preview: &UploadPreview) -> PreviewJson {
        PreviewJson {
            token: preview.token.clone(),
            readable: true,
            file_name: preview.upload.file_name.clone(),
            target_plan: preview.upload.plan.map(|p| p.0),
            target_title: preview.target_title.clone(),
            result: ImportResultJson::new(&preview.result),
            sheets: preview.plan_sheets.clone(),
            sheet: match &preview.corrections.sheets {
                SheetChoice::One(name) => Some(name.clone()),
                _ => None,
            },
            each_sheet: preview.corrections.sheets == SheetChoice::EachAsPlan,
            header_row: preview.corrections.header_row,
            columns: preview
                .columns
                .iter()
                .map(|c| ColumnJson {
                    table: c.table.clone(),
                    row: c.row,
                    header: c.header.clone(),
                    field: c.field.name(),
                })
                .collect(),
        }
    }
}

fn is_dry_run(result: &ImportResult) -> bool {
    match result {
        ImportResult::Items { outcome } => outcome.dry_run,
        ImportResult::Indicators { outcome, .. } => outcome.dry_run,
        ImportResult::Programme { outcome, .. } => outcome.dry_run,
        ImportResult::Sheets { sheets } => sheets.iter().all(|(_, r)| is_dry_run(r)),
    }
}

/// The sheets asked for: one by name (empty is none), each as a plan, or (neither) all as one
/// plan. Both is a mistake the schemas state, named.
fn sheet_choice(sheet: Option<String>, each_sheet: bool) -> Result<SheetChoice, AppError> {
    match (sheet.filter(|s| !s.is_empty()), each_sheet) {
        (Some(_), true) => Err(AppError::invalid(
            "sheet",
            "Give either a sheet to import or each_sheet, not both",
        )),
        (Some(name), false) => Ok(SheetChoice::One(name)),
        (None, true) => Ok(SheetChoice::EachAsPlan),
        (None, false) => Ok(SheetChoice::Together),
    }
}

/// A column's field as the API names it (one of [`field_names`], exactly), or a 422 naming
/// the column.
fn field_named(header: &str, name: &str, form_field: &str) -> Result<Field, AppError> {
    field_names()
        .contains(&name)
        .then(|| Field::parse(name))
        .flatten()
        .ok_or_else(|| {
            AppError::invalid(
                form_field,
                format!(
                    "\"{name}\" is not something column \"{header}\" can hold: choose one of {}",
                    waymark_io::mapping::FIELD_NAMES
                ),
            )
        })
}

/// The names of the fields a column can be read as, as the API writes them.
fn field_names() -> Vec<&'static str> {
    waymark_io::mapping::FIELD_NAMES.split(", ").collect()
}

/// The largest plan id a form's `target` gives: fifteen digits (exact as a JSON number).
const MAX_PLAN_ID: i64 = 999_999_999_999_999;

/// The furthest row a header can be given at: seven digits (a spreadsheet has 1,048,576 rows;
/// a header row beyond the file's is a correction that leaves it unreadable, not a mistake of
/// form).
const MAX_HEADER_ROW: usize = 9_999_999;

/// A header row as given: from 1 to [`MAX_HEADER_ROW`], or a 422 naming `header_row`.
fn header_row_of(row: usize) -> Result<usize, AppError> {
    if (1..=MAX_HEADER_ROW).contains(&row) {
        Ok(row)
    } else {
        Err(AppError::invalid(
            "header_row",
            "Give the header's row as a number from 1, as the sheet numbers its rows",
        ))
    }
}

/// True for text of nothing but spaces (as Rust and the schemas' [`NOT_BLANK`] count them).
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// Reads the multipart form into an upload, each field as [`upload_form_schema`] states it;
/// a form that cannot be read is a 422 naming `file`, a value the schema refuses a 422 naming
/// its field.
async fn read_upload(request: Request) -> Result<Upload, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(upload_too_large(""))
        } else {
            AppError::invalid("file", format!("The upload could not be read: {e}"))
        }
    };
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| {
        AppError::invalid(
            "file",
            format!("Send the file as multipart/form-data: {}", e.body_text()),
        )
    })?;
    let mut upload = Upload::default();
    let (mut sheet, mut each_sheet) = (None, false);
    let mut corrections = Corrections::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "file" => {
                upload.file_name = field.file_name().unwrap_or_default().to_string();
                upload.content = field.bytes().await.map_err(bad)?.to_vec();
            }
            "target" => {
                let target = field.text().await.map_err(bad)?;
                upload.target = match target.as_str() {
                    "" | "new" => None,
                    id => Some(PlanId(
                        id.bytes()
                            .all(|b| b.is_ascii_digit())
                            .then(|| id.parse().ok())
                            .flatten()
                            .filter(|_| id.len() <= 15)
                            .ok_or_else(|| {
                                AppError::invalid(
                                    "target",
                                    "Give the id of a plan, or nothing (or \"new\") for a new one",
                                )
                            })?,
                    )),
                };
            }
            "title" => {
                upload.new_title = Some(field.text().await.map_err(bad)?.trim().to_string())
                    .filter(|t| !t.is_empty());
            }
            "kind" => {
                upload.new_kind = Some(field.text().await.map_err(bad)?.trim().to_string())
                    .filter(|k| !k.is_empty());
            }
            "sheet" => sheet = Some(field.text().await.map_err(bad)?),
            "header_row" => {
                let given = field.text().await.map_err(bad)?;
                corrections.header_row = match given.as_str() {
                    "" => None,
                    row => Some(header_row_of(
                        row.bytes()
                            .all(|b| b.is_ascii_digit())
                            .then(|| row.parse().ok())
                            .flatten()
                            .unwrap_or(0),
                    )?),
                };
            }
            "each_sheet" => {
                each_sheet = match field.text().await.map_err(bad)?.as_str() {
                    "true" => true,
                    "false" | "" => false,
                    _ => {
                        return Err(AppError::invalid(
                            "each_sheet",
                            "Give each_sheet as true or false",
                        ));
                    }
                };
            }
            "map" => {
                let given = field.text().await.map_err(bad)?;
                let (header, name) = given.rsplit_once('=').ok_or_else(|| {
                    AppError::invalid(
                        "map",
                        format!("\"{given}\" does not map a column: write it as \"Header=field\""),
                    )
                })?;
                corrections = corrections.with_column(header, field_named(header, name, "map")?);
            }
            other => {
                return Err(AppError::invalid(
                    other,
                    "The form has no such field: give file, target, title, kind, sheet, \
                     each_sheet, header_row and map",
                ));
            }
        }
    }
    // Each sheet as a plan of its own says which sheets and where they go, so `sheet` and
    // `target` are not read beside it (as the form's schema says; a rule between the parts
    // of a form with a file is one schemathesis cannot check).
    corrections.sheets = if each_sheet {
        upload.target = None;
        SheetChoice::EachAsPlan
    } else {
        sheet_choice(sheet, false)?
    };
    upload.corrections = corrections;
    Ok(upload)
}

/// An application error from reading or confirming a kept upload, as the API answers it:
/// a file that cannot be read is the upload's state, which refuses its confirmation (409,
/// naming `file`); the indicators' directions are named `directions`, as the body names them.
fn refused(error: waymark_app::AppError) -> ApiError {
    use waymark_app::AppError as UseCase;
    let named = |fields: Vec<(String, String)>| {
        fields
            .into_iter()
            .map(|(field, message)| match field.as_str() {
                "direction" => ("directions".to_string(), message),
                _ => (field, message),
            })
            .collect()
    };
    if let Some(problems) = waymark_app::imports::file_problems(&error) {
        return AppError::StateConflict(
            problems
                .into_iter()
                .map(|(field, message)| {
                    (
                        field,
                        format!("The upload's file cannot be imported: {message}"),
                    )
                })
                .collect(),
        )
        .into();
    }
    match error {
        UseCase::State(fields) => UseCase::State(named(fields)).into(),
        UseCase::Unknown(fields) => UseCase::Unknown(named(fields)).into(),
        other => other.into(),
    }
}

/// Uploads a file and previews what importing it would do: nothing is stored until the
/// preview's token is confirmed. Importing into a plan needs to manage it; a new plan, the
/// right to create plans.
#[utoipa::path(post, path = "/api/imports", tag = "imports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, body = PreviewJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may not import into that plan, or create plans; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No such target plan, or not one you may see; or a `sheet` the file has no sheet of items by", body = ErrorJson),
        (status = 409, description = "The target plan is archived, or (for a programme register) not a collaboration programme; or `each_sheet` for a file with no sheet of items to import as a plan", body = ErrorJson),
        (status = 413, description = "The upload is over 64 MB", body = ErrorJson),
        (status = 422, description = "A form the schema refuses: no file (or an empty one), a form that is not multipart, or a field's value the schema does not allow, named in `fields`. A file that cannot be read is not refused: it is previewed with `readable` false. A file marked SECRET is refused, and not kept: Waymark must not hold SECRET material", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Result<Json<PreviewJson>, ApiError> {
    let upload = read_upload(request).await?;
    let previewed = state
        .app
        .preview_upload_as_found(&viewer.actor, upload)
        .await?;
    Ok(Json(PreviewJson::of(&previewed)))
}

/// Corrects a previewed upload (the sheets to import, what columns hold) and previews it again:
/// the columns named are read as given, over the corrections made before; the sheets are as
/// this asks. Nothing is stored but the corrections, which the confirmation then uses.
#[utoipa::path(post, path = "/api/imports/{token}/corrections", tag = "imports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("token" = String, Path, description = "The preview's token")),
    request_body(content = CorrectionsJson),
    responses(
        (status = 200, description = "The preview with the corrections", body = PreviewJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "A cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No preview of yours has that token; or a `sheet` the file has no sheet of items by, or in `objectives` an objective the file does not name or one the plan does not have, named in `fields`", body = ErrorJson),
        (status = 409, description = "The upload as it is refuses the correction: `each_sheet` for an upload into an existing plan, or of a file with no sheet of items to import as a plan; or its plan is archived", body = ErrorJson),
        (status = 422, description = "A body the schema refuses, checked before the token: a value of the wrong form, named in `fields`. Corrections that leave the file unreadable are not refused: the preview has `readable` false", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn correct(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(token): ApiPath<String>,
    ApiJson(body): ApiJson<CorrectionsJson>,
) -> Result<Json<PreviewJson>, ApiError> {
    let sheets = sheet_choice(body.sheet, body.each_sheet)?;
    let header_row = body.header_row.map(header_row_of).transpose()?;
    let columns = body
        .columns
        .iter()
        .map(|(header, name)| Ok((header.clone(), field_named(header, name, "columns")?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    let objectives = body
        .objectives
        .iter()
        .map(|(written, chosen)| {
            if is_blank(written) || is_blank(chosen) {
                return Err(AppError::invalid(
                    "objectives",
                    format!(
                        "Give each objective as the file writes it, and the reference or text \
                         of the plan's objective it is, or \"new\": \"{written}\" is given \
                         as \"{chosen}\""
                    ),
                ));
            }
            Ok((
                written.clone(),
                waymark_io::objective_match::ObjectiveChoice::parse(chosen),
            ))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let previewed = state
        .app
        .correct_upload_columns_as_found(
            &viewer.actor,
            &token,
            sheets,
            header_row,
            columns,
            objectives,
        )
        .await
        .map_err(refused)?;
    Ok(Json(PreviewJson::of(&previewed)))
}

/// Imports a previewed upload as its last preview read it, in one transaction (one a sheet
/// where each sheet is a plan of its own, kind `sheets`); the token is then spent.
#[utoipa::path(post, path = "/api/imports/{token}/confirm", tag = "imports",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("token" = String, Path, description = "The preview's token")),
    request_body(content = ConfirmJson, description = "Optional: what to do with the plan's items the file no longer has, and which way is better for each indicator the preview lists in `directions_missing`"),
    responses(
        (status = 200, description = "Stored: `plan` is the plan imported into", body = ImportResultJson),
        (status = 401, response = crate::api::openapi::NotSignedIn),
        (status = 403, description = "You may no longer import there; or a cookie session sent no X-CSRF-Token", body = ErrorJson),
        (status = 404, description = "No preview of yours has that token (or it was confirmed already); or a title in `directions` names no indicator of the file that leaves its direction unstated, named `directions`", body = ErrorJson),
        (status = 409, description = "The upload as it is refuses it: its file cannot be read (the preview said `readable` false), named `file`; an indicator whose table does not say which way is better has no answer in `directions` (each is named with its row), named `directions`; or the plan is archived", body = ErrorJson),
        (status = 422, description = "A body the schema refuses, checked before the token: a direction that is not higher or lower, or a blank title, named `directions`", body = ErrorJson),
        (status = 500, response = crate::api::openapi::ServerError)))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(token): ApiPath<String>,
    OptionalApiJson(body): OptionalApiJson<ConfirmJson>,
) -> Result<Json<ImportResultJson>, ApiError> {
    let choices = body.choices()?;
    let result = state
        .app
        .confirm_upload(&viewer.actor, &token, choices)
        .await
        .map_err(refused)?;
    Ok(Json(ImportResultJson::new(&result)))
}

/// A character that is not a space as Rust counts them (`char::is_whitespace`, spelt out so
/// that every regular expression engine reads it alike): a value matching it is not blank.
const NOT_BLANK: &str =
    "[^\\t\\n\\x0b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A string with at least one character that is not a space.
fn not_blank() -> ObjectBuilder {
    string().min_length(Some(1)).pattern(Some(NOT_BLANK))
}

/// One of `values`, exactly.
fn one_of_words(values: &[&str]) -> ObjectBuilder {
    string().enum_values(Some(values.iter().copied()))
}

/// A header row: from 1 to [`MAX_HEADER_ROW`].
fn header_row_number() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(MAX_HEADER_ROW as f64))
}

/// A form field of free text, of no `type`: every part of a form is text, so a number or
/// `true` given for it is its text, as good as any other.
fn any_text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
}

/// The schema of `POST /api/imports`'s multipart form: each field's values as `read_upload`
/// takes them; every field but `file` may be left out. A part is text whatever it spells, so
/// a field that takes a number (`target`, `header_row`) also takes the number's text, and one
/// that takes any text has no `type`.
pub(crate) fn upload_form_schema() -> ObjectBuilder {
    let field_pattern = format!("^[\\s\\S]*=({})$", field_names().join("|"));
    let map_part = || {
        string().pattern(Some(field_pattern.clone())).description(Some(
            "\"Header=field\": read the column so headed as the field, over what its header says",
        ))
    };
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .property(
            "file",
            string()
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                .min_length(Some(1))
                .description(Some(
                    "The file: .xlsx, .xls, .ods, .csv, .tsv, .txt or .docx, up to 64 MB. One \
                     Waymark cannot read is previewed with `readable` false, saying why; one \
                     marked SECRET is refused (422) and not kept.",
                )),
        )
        .required("file")
        .property(
            "target",
            OneOfBuilder::new()
                .item(string().pattern(Some("^(new|[0-9]{1,15})?$")))
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0))
                        .maximum(Some(MAX_PLAN_ID as f64)),
                )
                .description(Some(
                    "The id of the plan to import into; empty or \"new\" for a new plan",
                )),
        )
        .property(
            "title",
            any_text().description(Some("A new plan's title; the file's when absent or blank")),
        )
        .property(
            "kind",
            any_text().description(Some(
                "A new plan's kind: improvement, strategic, delivery, collaboration, policing \
                 (another word is a kind of its own); delivery when absent or blank",
            )),
        )
        .property(
            "sheet",
            any_text().description(Some(
                "Of a workbook of several plans, import only this sheet (its cover and key still \
                 apply); empty for all of them. A name the file has no sheet of items by is a 404.",
            )),
        )
        .property(
            "each_sheet",
            any_text()
                .enum_values(Some([
                    serde_json::json!("true"),
                    serde_json::json!("false"),
                    serde_json::json!(""),
                    serde_json::json!(true),
                    serde_json::json!(false),
                ]))
                .description(Some(
                    "true to import each sheet of items as a new plan of its own, named by the \
                     sheet: `sheet` and `target` are then not read",
                )),
        )
        .property(
            "header_row",
            OneOfBuilder::new()
                .item(header_row_number())
                .item(string().pattern(Some("^([1-9][0-9]{0,6})?$")))
                .description(Some(
                    "The header's row, as the sheet numbers it, where Waymark would take \
                     another; empty for the one Waymark finds",
                )),
        )
        .property(
            "map",
            OneOfBuilder::new()
                .item(ArrayBuilder::new().items(map_part()))
                .item(map_part())
                .description(Some(format!(
                    "\"Header=field\" (repeat the part for several columns). Fields: {}",
                    waymark_io::mapping::FIELD_NAMES
                ))),
        )
}

/// The schema of [`CorrectionsJson`].
pub(crate) fn corrections_schema() -> ObjectBuilder {
    let schema = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .property(
            "sheet",
            OneOfBuilder::new()
                .item(string())
                .item(ObjectBuilder::new().schema_type(Type::Null))
                .description(Some(
                    "Import only this sheet of a workbook of several plans; null, empty or \
                     absent for all of them. A name the file has no sheet of items by is a 404.",
                )),
        )
        .property(
            "each_sheet",
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .description(Some(
                    "Import each sheet of items as a new plan of its own (not with `sheet`); \
                     an upload into an existing plan refuses it (409)",
                )),
        )
        .property(
            "header_row",
            OneOfBuilder::new()
                .item(header_row_number())
                .item(ObjectBuilder::new().schema_type(Type::Null))
                .description(Some(
                    "The header's row, as the sheet numbers it; null or absent for the row \
                     Waymark finds. A new header row clears the column corrections made for the \
                     old one.",
                )),
        )
        .property(
            "columns",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(one_of_words(&field_names())))
                .description(Some(
                    "Header as written → the field to read its column as, over the corrections \
                     made before",
                ))
                .examples([serde_json::json!({"Lead": "strategic_lead", "Notes": "ignore"})]),
        )
        .property(
            "objectives",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property_names(Some(not_blank()))
                .additional_properties(Some(not_blank()))
                .description(Some(
                    "For an indicator table: an objective as the file writes it → the reference \
                     or text of the plan's objective it is, or \"new\" for a new objective, over \
                     what matching found. An objective the file does not name, or one the plan \
                     does not have, is a 404.",
                ))
                .examples([
                    serde_json::json!({"Roads policing": "3", "Reduce crime and ASB": "new"}),
                ]),
        );
    crate::api::schema_rules::with_keywords(
        schema,
        serde_json::json!({"anyOf": [
            {"properties": {"each_sheet": {"enum": [false]}}},
            {"properties": {"sheet": {"enum": [null, ""]}}}
        ]}),
    )
}

/// The schema of a confirmation's `directions`: a title that is not blank → higher or lower.
fn directions_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(not_blank()))
        .additional_properties(Some(one_of_words(&["higher", "lower"])))
        .examples([serde_json::json!({"Repeat victims": "lower"})])
}
