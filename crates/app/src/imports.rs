//! Imports: a tracker or an indicator table, read as it is, previewed, and stored in one
//! transaction with its audit record. The web's upload, preview and confirmation and
//! `waymark import` share these, so the page and the CLI choose the same pipeline (a plan of
//! items, or indicators) and store the same things. Creating a plan by import needs the right
//! to create plans; importing into a plan needs to manage it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use waymark_core::indicator::Direction;
use waymark_core::{Marking, OrgId, PlanId, PlanKind};
use waymark_io::header::Field;
use waymark_io::indicators::{IndicatorImport, IndicatorOutcome};
use waymark_io::objective_match::ObjectiveChoice;
use waymark_io::preview::ColumnRead;
use waymark_io::{
    Format, ImportOutcome, ImportPreview, Mapping, NewPlanSpec, PreviewOptions, Workbook,
};
use waymark_store::{PendingUpload, Scope, WriteWatch};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, FieldError, Result};

/// Where an import goes.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportTarget {
    /// Into an existing plan, matching its items.
    Existing(PlanId),
    /// A new plan: in the actor's organisation (the operator names one), titled and of a kind
    /// as asked, else as the file says.
    New {
        org: Option<OrgId>,
        title: Option<String>,
        kind: Option<PlanKind>,
    },
}

/// What the person chose about an import beyond its file and target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportChoices {
    /// Told of the rows stored as the import's transaction goes, and able to stop it before
    /// it commits: a background import's progress and cancellation (`import_jobs`).
    pub watch: Option<WriteWatch>,
    /// On a re-import, close the plan's open items that the file no longer has (they stay in
    /// the plan, with their history).
    pub close_missing: bool,
    /// Which way is better for an indicator table's indicators that do not say, by title: the
    /// person's answers to the `direction_missing` findings. An indicator table with one
    /// unanswered is refused, naming each and its row; nothing is guessed.
    pub directions: Vec<(String, Direction)>,
}

/// What the person corrected in an upload's preview: which sheets to import and what columns
/// hold. Kept with the upload, so the confirmation stores what the last preview showed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrections {
    #[serde(default)]
    pub sheets: SheetChoice,
    /// The header's row, as the sheet numbers it, where Waymark took another.
    #[serde(default)]
    pub header_row: Option<usize>,
    /// Header as written → field name (`Field::name`), over what the headers say.
    #[serde(default)]
    pub columns: Vec<(String, String)>,
    /// An indicator table's objective as the file writes it → the plan's objective it is (or
    /// a new one), over what matching by text, reference and meaning finds.
    #[serde(default)]
    pub objectives: Vec<(String, ObjectiveChoice)>,
    /// Where these choices came from the ones remembered for the file's source: whose
    /// import, and when. Not itself a choice: it is left out of what is remembered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_from: Option<SavedFrom>,
}

/// The import whose choices a preview applied because they were remembered for the file's
/// source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFrom {
    /// The day that import was confirmed.
    pub saved_on: NaiveDate,
    /// Who confirmed it.
    pub saved_by: String,
    /// The file it read.
    pub file_name: String,
}

/// Which sheets of a workbook of several plans to import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum SheetChoice {
    /// Every sheet of items, as one plan: how a workbook is read unless told otherwise.
    #[default]
    Together,
    /// One sheet of items (a cover's facts and a key's letters still apply).
    One(String),
    /// Each sheet of items as a new plan of its own, named by the sheet.
    EachAsPlan,
}

impl Corrections {
    /// The mapping a preview reads the file with: the columns corrected, the rest detected.
    /// A field name that is not one is refused, naming the column.
    pub fn mapping(&self) -> Result<Mapping> {
        let mut mapping = Mapping::default();
        mapping.header_row = self.header_row;
        for (header, field) in &self.columns {
            let field = Field::parse(field).ok_or_else(|| {
                AppError::invalid(
                    "columns",
                    format!(
                        "\"{field}\" is not something column \"{header}\" can hold: choose one of {}",
                        waymark_io::mapping::FIELD_NAMES
                    ),
                )
            })?;
            mapping = mapping.with_column(header, field);
        }
        mapping.objectives.clone_from(&self.objectives);
        Ok(mapping)
    }

    /// The corrections with the objective `written` taken to be `choice`, replacing what they
    /// said of it.
    pub fn with_objective(mut self, written: &str, choice: ObjectiveChoice) -> Corrections {
        let key = written.trim().to_lowercase();
        self.objectives
            .retain(|(given, _)| given.trim().to_lowercase() != key);
        self.objectives.push((written.trim().to_string(), choice));
        self
    }

    /// The corrections with `header` read as `field`, replacing what they said of it.
    pub fn with_column(mut self, header: &str, field: Field) -> Corrections {
        let normal = waymark_io::header::normalise_header(header);
        self.columns
            .retain(|(given, _)| waymark_io::header::normalise_header(given) != normal);
        self.columns
            .push((header.trim().to_string(), field.name().to_string()));
        self
    }

    fn is_empty(&self) -> bool {
        *self == Corrections::default()
    }

    /// The choices alone, without where they came from: what is remembered for a source.
    fn choices(&self) -> Corrections {
        Corrections {
            saved_from: None,
            ..self.clone()
        }
    }
}

/// A file read and parsed into one of the two things Waymark imports.
#[derive(Debug, Clone)]
pub enum Parsed {
    Items(Box<ImportPreview>),
    Indicators(IndicatorImport),
    /// A collaboration programme's register (`io::programme`).
    Programme(Box<waymark_io::programme::ProgrammeImport>),
}

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportResult {
    Items {
        #[serde(flatten)]
        outcome: ImportOutcome,
    },
    Indicators {
        /// The plan written to; `None` on a dry run that would create one.
        plan: Option<i64>,
        plan_title: String,
        #[serde(flatten)]
        outcome: IndicatorOutcome,
    },
    /// A programme register, as a new collaboration plan.
    Programme {
        /// The plan written to; `None` on a dry run.
        plan: Option<i64>,
        plan_title: String,
        #[serde(flatten)]
        outcome: crate::programme_import::ProgrammeOutcome,
    },
    /// Each sheet of a workbook imported as a plan of its own: by sheet, in the workbook's
    /// order.
    Sheets { sheets: Vec<(String, ImportResult)> },
}

impl ImportResult {
    /// The plan stored into, once stored (a workbook's first sheet's).
    pub fn plan(&self) -> Option<PlanId> {
        match self {
            ImportResult::Items { outcome } => outcome.plan.map(PlanId),
            ImportResult::Indicators { plan, .. } => plan.map(PlanId),
            ImportResult::Programme { plan, .. } => plan.map(PlanId),
            ImportResult::Sheets { sheets } => sheets.iter().find_map(|(_, r)| r.plan()),
        }
    }

    /// The plan's title, or the new plan's (a workbook's sheets' titles, joined).
    pub fn plan_title(&self) -> String {
        match self {
            ImportResult::Items { outcome } => outcome.plan_title.clone(),
            ImportResult::Indicators { plan_title, .. } => plan_title.clone(),
            ImportResult::Programme { plan_title, .. } => plan_title.clone(),
            ImportResult::Sheets { sheets } => sheets
                .iter()
                .map(|(_, r)| r.plan_title())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Every finding, each naming its sheet where the file has several.
    pub fn findings(&self) -> Vec<waymark_io::Finding> {
        match self {
            ImportResult::Items { outcome } => outcome.findings.clone(),
            ImportResult::Indicators { outcome, .. } => outcome.findings.clone(),
            ImportResult::Programme { outcome, .. } => outcome.findings.clone(),
            ImportResult::Sheets { sheets } => {
                sheets.iter().flat_map(|(_, r)| r.findings()).collect()
            }
        }
    }
}

/// A file uploaded in the browser or through the API.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub file_name: String,
    pub content: Vec<u8>,
    pub target: Option<PlanId>,
    pub new_title: Option<String>,
    pub new_kind: Option<String>,
    pub corrections: Corrections,
}

/// An upload previewed and kept for confirmation.
#[derive(Debug, Clone)]
pub struct UploadPreview {
    /// The confirmation's secret: only its hash is stored.
    pub token: String,
    pub upload: PendingUpload,
    /// The file as read: one part, or one a sheet when each sheet is a plan of its own (in
    /// the order of `ImportResult::Sheets`).
    pub parsed: Vec<Parsed>,
    pub result: ImportResult,
    pub target_title: String,
    /// The workbook's sheets of items, by name, for the person to choose among; empty for a
    /// file of one table.
    pub plan_sheets: Vec<String>,
    /// How many sheets or tables the file has, covers and keys included.
    pub sheet_count: usize,
    /// What each column of each table read was taken to hold.
    pub columns: Vec<ColumnRead>,
    pub corrections: Corrections,
    /// For an indicator table imported into a plan: the plan's objectives (its top-level
    /// items, and any deeper item an objective was matched to) by id and text, for the
    /// the person to choose among.
    pub objective_options: Vec<(i64, String)>,
    /// What identifies the file's source (`io::fingerprint`, hashed), under which the choices
    /// confirmed with it are remembered.
    pub fingerprint: String,
}

/// What the API's preview of an upload found: the file read (what importing it would do),
/// or a file that cannot be read, kept with why.
#[derive(Debug, Clone)]
pub enum Previewed {
    Read(Box<UploadPreview>),
    Unreadable(Box<UnreadableUpload>),
}

/// An upload kept although its file cannot be read, as it is or with its corrections: its
/// preview reports why, and its confirmation is refused (the file is the same file).
#[derive(Debug, Clone)]
pub struct UnreadableUpload {
    /// The confirmation's secret, as for a preview: corrections may still make it readable.
    pub token: String,
    pub upload: PendingUpload,
    pub target_title: String,
    pub corrections: Corrections,
    /// Why it cannot be read: ("file", message) for each problem.
    pub problems: Vec<FieldError>,
}

/// The problems of an error that is the file's (it cannot be read or made out), by field;
/// `None` for any other error. A file marked SECRET is not one: it is refused, never kept.
pub fn file_problems(error: &AppError) -> Option<Vec<FieldError>> {
    match error {
        AppError::File(problem) => Some(vec![("file".to_string(), problem.to_string())]),
        AppError::Invalid(fields)
            if !fields.is_empty()
                && fields
                    .iter()
                    .all(|(field, message)| field == "file" && message != SECRET_REFUSAL) =>
        {
            Some(fields.clone())
        }
        _ => None,
    }
}

/// A file read, within the limits, and parsed as the person chose.
#[derive(Debug, Clone)]
pub struct ParsedUpload {
    /// One part, or (each sheet a plan of its own) one a sheet, by its name.
    pub parts: Vec<(Option<String>, Parsed)>,
    /// The workbook's sheets of items.
    pub plan_sheets: Vec<String>,
    pub sheet_count: usize,
    /// What identifies the file's source: a hash of `io::fingerprint::source_fingerprint`.
    pub fingerprint: String,
}

/// A hash of the file's sheet names and header rows, never of its content.
fn source_fingerprint(workbook: &Workbook) -> String {
    use sha2::{Digest, Sha256};
    let text = waymark_io::fingerprint::source_fingerprint(workbook);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Told `(rows checked, rows in all)` as a file's rows are read into items: a background
/// import's progress (the CLI's progress bar is fed by the same `build_preview_with_progress`).
pub type RowsProgress = std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>;

/// How long reading and parsing an upload may take, its wait for a turn included.
pub const PARSE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Uploads read at once: each may use a core and a few hundred megabytes within the read
/// limits, and the machine serves pages meanwhile.
const PARSES_AT_ONCE: usize = 2;

static PARSES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PARSES_AT_ONCE);

/// Reads a file's bytes into a workbook and parses it on a blocking thread, within
/// `waymark_io::ReadLimits`, at most two at a time and within [`PARSE_TIME_LIMIT`]. A file the
/// readers refuse, or one not read in time, is a problem with the file (a message on the
/// form). The turn is held until the blocking work ends, even after a timeout, so a file that
/// outlasts its time still counts against the uploads read at once.
pub async fn parse_bytes(
    file_name: &str,
    content: Vec<u8>,
    options: PreviewOptions,
) -> Result<Parsed> {
    parse_bytes_within(file_name, content, options, PARSE_TIME_LIMIT).await
}

/// [`parse_bytes`] with a time limit of its own, for tests.
pub async fn parse_bytes_within(
    file_name: &str,
    content: Vec<u8>,
    options: PreviewOptions,
    limit: std::time::Duration,
) -> Result<Parsed> {
    read_within(file_name, content, limit, move |workbook| {
        parse_workbook(workbook, &options)
    })
    .await
}

/// Reads an upload as [`parse_bytes`] does and parses the sheets the person chose: one, all
/// as one plan, or each as a plan of its own. A sheet that is not one of items is refused
/// with the names of those there are.
pub async fn parse_upload(
    file_name: &str,
    content: Vec<u8>,
    options: PreviewOptions,
    sheets: SheetChoice,
) -> Result<ParsedUpload> {
    parse_upload_watched(file_name, content, options, sheets, None, PARSE_TIME_LIMIT).await
}

/// [`parse_upload`], telling `progress` of the rows read into items, within `limit`.
pub async fn parse_upload_watched(
    file_name: &str,
    content: Vec<u8>,
    options: PreviewOptions,
    sheets: SheetChoice,
    progress: Option<RowsProgress>,
    limit: std::time::Duration,
) -> Result<ParsedUpload> {
    let shown = waymark_io::upload_name(file_name);
    read_within(file_name, content, limit, move |mut workbook| {
        let mut told = |done: usize, total: usize| {
            if let Some(progress) = &progress {
                progress(done, total);
            }
        };
        let mut parse_workbook = |workbook: Workbook, options: &PreviewOptions| {
            parse_workbook_with_progress(workbook, options, &mut told)
        };
        let plan_sheets = workbook.plan_sheets(&options.mapping);
        let sheet_count = workbook.tables.len();
        let fingerprint = source_fingerprint(&workbook);
        let parts = match sheets {
            SheetChoice::Together => vec![(None, parse_workbook(workbook, &options)?)],
            SheetChoice::One(name) => {
                workbook
                    .keep_sheet(&name, &options.mapping)
                    .map_err(|message| AppError::unknown("sheet", message))?;
                let sheet = plan_sheets
                    .iter()
                    .find(|s| s.trim().eq_ignore_ascii_case(name.trim()))
                    .cloned();
                vec![(sheet, parse_workbook(workbook, &options)?)]
            }
            SheetChoice::EachAsPlan => {
                let split = workbook.split_sheets(&options.mapping);
                if split.is_empty() {
                    // The file as it is (no sheet of items) refuses being read sheet by sheet.
                    return Err(AppError::state(
                        "sheet",
                        format!("{shown} has no sheet with a header row Waymark recognises"),
                    ));
                }
                split
                    .into_iter()
                    .map(|(sheet, book)| Ok((Some(sheet), parse_workbook(book, &options)?)))
                    .collect::<Result<Vec<_>>>()?
            }
        };
        Ok(ParsedUpload {
            parts,
            plan_sheets,
            sheet_count,
            fingerprint,
        })
    })
    .await
}

/// Reads a file's bytes into a workbook on a blocking thread and hands it to `parse` there,
/// within `waymark_io::ReadLimits`, at most two at a time and within `limit`.
async fn read_within<T: Send + 'static>(
    file_name: &str,
    content: Vec<u8>,
    limit: std::time::Duration,
    parse: impl FnOnce(Workbook) -> Result<T> + Send + 'static,
) -> Result<T> {
    let format = Format::from_file_name(file_name).ok_or_else(|| {
        AppError::invalid(
            "file",
            "The file must be a spreadsheet (.xlsx, .xls, .ods, .csv, .tsv or .txt) or a Word \
             document (.docx)",
        )
    })?;
    let name = waymark_io::upload_name(file_name);
    let work = async {
        let turn = PARSES
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok::<_, AppError>(
            tokio::task::spawn_blocking(move || {
                let _turn = turn;
                let workbook = waymark_io::read_bytes(&name, format, &content)?;
                drop(content);
                parse(workbook)
            })
            .await?,
        )
    };
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(parsed)) => parsed,
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

/// Parses a workbook: indicator tables become indicators, anything else a plan of items. The
/// workbook's rows are freed as they become items, so a large file is not in memory twice.
pub fn parse_workbook(workbook: Workbook, options: &PreviewOptions) -> Result<Parsed> {
    parse_workbook_with_progress(workbook, options, &mut |_, _| {})
}

/// [`parse_workbook`], calling `progress(rows_done, rows_total)` as a tracker's rows become
/// items.
pub fn parse_workbook_with_progress(
    workbook: Workbook,
    options: &PreviewOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Parsed> {
    if waymark_io::programme::is_programme_workbook(&workbook) {
        return Ok(Parsed::Programme(Box::new(
            waymark_io::programme::parse_programme_workbook(
                &workbook,
                waymark_core::indicator::FinancialYear::containing(options.as_at).ok(),
            ),
        )));
    }
    if waymark_io::indicators::is_indicator_workbook(&workbook) {
        let mut import =
            waymark_io::indicators::parse_indicator_workbook_as_at(&workbook, options.as_at);
        import
            .objective_choices
            .clone_from(&options.mapping.objectives);
        return Ok(Parsed::Indicators(import));
    }
    Ok(Parsed::Items(Box::new(
        waymark_io::build_preview_with_progress(workbook, options, progress)?,
    )))
}

impl App {
    /// The options a preview of a file for `target` is built with: the target plan's level
    /// names (to read a "Level" column), and `as_at` for undated rows.
    pub async fn preview_options(
        &self,
        actor: &Actor,
        target: &ImportTarget,
        as_at: Option<NaiveDate>,
    ) -> Result<PreviewOptions> {
        let mut options = PreviewOptions::new(as_at.unwrap_or_else(|| self.today()));
        if let ImportTarget::Existing(plan) = target {
            options.level_names = self.managed_plan(actor, *plan).await?.plan.level_names;
        }
        Ok(options)
    }

    /// Stores a parsed file (or, on a dry run, works out what storing it would do): one
    /// transaction with its audit record. `file_name` names the import in the plan's history.
    pub async fn import_parsed(
        &self,
        actor: &Actor,
        file_name: &str,
        parsed: &Parsed,
        target: &ImportTarget,
        dry_run: bool,
        choices: ImportChoices,
    ) -> Result<ImportResult> {
        let author = format!("Import of {file_name} by {}", actor.name());
        match (parsed, target) {
            (Parsed::Items(preview), ImportTarget::Existing(plan)) => {
                let visible = self.managed_plan(actor, *plan).await?;
                // Every item the plan has, archived ones aside, as it stands.
                let view = self
                    .store()
                    .plan_as_at(
                        visible.scope(),
                        *plan,
                        waymark_io::apply::end_of_time(),
                        None,
                    )
                    .await?;
                // Where closing needs sign-off, even a dry run plans the versions, so that
                // what it holds open is said as it would be stored.
                let held = self.held_levels(&visible.plan).await?;
                let count_only = dry_run && held.is_empty();
                let mut planned =
                    waymark_io::plan_reimport(&view, preview, Some(author), count_only);
                if choices.close_missing {
                    waymark_io::close_missing(
                        &mut planned,
                        &view.items,
                        self.today(),
                        file_name,
                        count_only,
                    );
                }
                waymark_io::closure_hold::hold_closures(&mut planned, &view.items, &held);
                if !dry_run && !planned.changes.is_empty() {
                    let mut audit = actor.audit("import.items");
                    audit.subject = Some(file_name.to_string());
                    audit.detail = Some(serde_json::json!({
                        "file": file_name, "added": planned.summary.added,
                        "changed": planned.summary.changed,
                        "updates_added": planned.summary.updates_added,
                        "closed": planned.summary.closed,
                    }));
                    planned.changes.audit = Some(audit);
                    planned.changes.watch = choices.watch.clone();
                    self.store().apply_changes(&planned.changes).await?;
                }
                Ok(ImportResult::Items {
                    outcome: ImportOutcome {
                        plan: Some(plan.0),
                        plan_title: visible.plan.title,
                        dry_run,
                        summary: planned.summary,
                        findings: planned.findings,
                    },
                })
            }
            (Parsed::Items(preview), ImportTarget::New { org, title, kind }) => {
                refuse_secret(preview.metadata.marking.as_deref())?;
                let org = self
                    .organisation_to_import_into(actor, *org, dry_run)
                    .await?;
                if !actor.subject.may_create_plans(org) {
                    return Err(AppError::Forbidden);
                }
                let existing = self.store().plans(Scope::Org(org)).await?;
                let spec = NewPlanSpec {
                    org,
                    title: title.clone(),
                    kind: kind.clone(),
                };
                let planned = waymark_io::plan_new_plan_import(
                    &spec,
                    preview,
                    Some(author),
                    &existing,
                    dry_run,
                );
                self.store_new_plan_import(actor, file_name, planned, dry_run, choices.watch)
                    .await
            }
            (Parsed::Indicators(import), target) if choices.directions.is_empty() => {
                self.import_indicators(actor, file_name, import, target, dry_run)
                    .await
            }
            (Parsed::Indicators(import), target) => {
                let mut answered = import.clone();
                answer_directions(&mut answered, &choices.directions)?;
                self.import_indicators(actor, file_name, &answered, target, dry_run)
                    .await
            }
            (Parsed::Programme(import), ImportTarget::Existing(plan)) => {
                let (plan, plan_title, outcome) = self
                    .import_programme(actor, file_name, import, None, Some(*plan), None, dry_run)
                    .await?;
                Ok(ImportResult::Programme {
                    plan: plan.map(|p| p.id.0),
                    plan_title,
                    outcome,
                })
            }
            (Parsed::Programme(import), ImportTarget::New { org, title, .. }) => {
                let (plan, plan_title, outcome) = self
                    .import_programme(actor, file_name, import, *org, None, title.clone(), dry_run)
                    .await?;
                Ok(ImportResult::Programme {
                    plan: plan.map(|p| p.id.0),
                    plan_title,
                    outcome,
                })
            }
        }
    }

    /// As [`App::import_parsed`] (never a dry run), for a caller done with the parsed file: a
    /// new plan's items move into its change set rather than being copied, so a large file is
    /// in memory once while it is written.
    pub async fn import_parsed_owned(
        &self,
        actor: &Actor,
        file_name: &str,
        parsed: Parsed,
        target: &ImportTarget,
        choices: ImportChoices,
    ) -> Result<ImportResult> {
        let (Parsed::Items(preview), ImportTarget::New { org, title, kind }) = (&parsed, target)
        else {
            return self
                .import_parsed(actor, file_name, &parsed, target, false, choices)
                .await;
        };
        refuse_secret(preview.metadata.marking.as_deref())?;
        let org = self.organisation_to_import_into(actor, *org, false).await?;
        if !actor.subject.may_create_plans(org) {
            return Err(AppError::Forbidden);
        }
        let existing = self.store().plans(Scope::Org(org)).await?;
        let spec = NewPlanSpec {
            org,
            title: title.clone(),
            kind: kind.clone(),
        };
        let Parsed::Items(preview) = parsed else {
            return Err(AppError::Internal("the parsed file changed kind".into()));
        };
        let author = format!("Import of {file_name} by {}", actor.name());
        let planned =
            waymark_io::plan_new_plan_import_owned(&spec, *preview, Some(author), &existing);
        self.store_new_plan_import(actor, file_name, planned, false, choices.watch)
            .await
    }

    /// Creates a planned new plan with its items and audit record in one transaction, unless a
    /// dry run, and says what it did.
    async fn store_new_plan_import(
        &self,
        actor: &Actor,
        file_name: &str,
        mut planned: waymark_io::NewPlanImport,
        dry_run: bool,
        watch: Option<WriteWatch>,
    ) -> Result<ImportResult> {
        let plan = if dry_run {
            None
        } else {
            let mut audit = actor.audit("import.new_plan");
            audit.org = Some(planned.plan.org);
            audit.subject = Some(planned.plan.title.clone());
            audit.detail = Some(serde_json::json!({
                "file": file_name, "items": planned.summary.added,
                "updates": planned.summary.updates_added,
                "marking": planned.plan.marking.label(),
            }));
            planned.changes.audit = Some(audit);
            planned.changes.watch = watch;
            let (plan, _) = self
                .store()
                .create_plan_with_changes(&planned.plan, &planned.changes)
                .await?;
            Some(plan.id.0)
        };
        Ok(ImportResult::Items {
            outcome: ImportOutcome {
                plan,
                plan_title: planned.plan.title,
                dry_run,
                summary: planned.summary,
                findings: planned.findings,
            },
        })
    }

    async fn import_indicators(
        &self,
        actor: &Actor,
        file_name: &str,
        import: &IndicatorImport,
        target: &ImportTarget,
        dry_run: bool,
    ) -> Result<ImportResult> {
        let entered_by = format!("Import of {file_name} by {}", actor.name());
        let today = self.today();
        let (view, existing, in_force, new_plan) = match target {
            ImportTarget::Existing(plan) => {
                let visible = self.managed_plan(actor, *plan).await?;
                let view = self
                    .store()
                    .plan_as_at(
                        visible.scope(),
                        *plan,
                        waymark_io::apply::end_of_time(),
                        None,
                    )
                    .await?;
                let existing = self.store().indicators(visible.scope(), *plan).await?;
                let in_force = self
                    .store()
                    .plan_measurements(visible.scope(), *plan, None)
                    .await?;
                (view, existing, in_force, None)
            }
            ImportTarget::New { org, title, kind } => {
                // A person with only an indicator table creates the plan with it: a delivery
                // plan of objectives, named as asked or after the file.
                let org = self
                    .organisation_to_import_into(actor, *org, dry_run)
                    .await?;
                if !actor.subject.may_create_plans(org) {
                    return Err(AppError::Forbidden);
                }
                let kind = kind.clone().unwrap_or(PlanKind::Delivery);
                let new_plan = waymark_store::NewPlan {
                    org,
                    title: title
                        .clone()
                        .unwrap_or_else(|| waymark_io::apply::file_title(file_name)),
                    period: None,
                    level_names: vec!["Objective".into(), "Action".into()],
                    owner_posts: Vec::new(),
                    source: None,
                    update_cycle: waymark_core::UpdateCycle::Quarterly,
                    marking: waymark_core::Classification::OFFICIAL,
                    kind,
                };
                let empty = waymark_store::PlanView::new(
                    waymark_core::Plan {
                        id: PlanId(0),
                        org,
                        kind: new_plan.kind.clone(),
                        title: new_plan.title.clone(),
                        period: None,
                        level_names: new_plan.level_names.clone(),
                        owner_posts: Vec::new(),
                        source: None,
                        update_cycle: new_plan.update_cycle,
                        marking: new_plan.marking,
                        archived: false,
                    },
                    today,
                    None,
                    Vec::new(),
                );
                (empty, Vec::new(), Default::default(), Some(new_plan))
            }
        };
        let problems = waymark_io::indicators::objective_choice_problems(import, &view);
        if !problems.is_empty() {
            // Each names an objective the file or the plan does not have.
            return Err(AppError::Unknown(
                problems
                    .into_iter()
                    .map(|problem| ("objectives".to_string(), problem))
                    .collect(),
            ));
        }
        let (mut set, outcome) = waymark_io::indicators::plan_indicator_import(
            &view,
            &existing,
            &in_force,
            import,
            &entered_by,
            today,
            dry_run,
        );
        let plan_title = view.plan.title.clone();
        if !dry_run && !outcome.directions_missing.is_empty() {
            return Err(directions_missing_refusal(&outcome));
        }
        if dry_run {
            return Ok(ImportResult::Indicators {
                plan: new_plan.is_none().then_some(view.plan.id.0),
                plan_title,
                outcome,
            });
        }
        let mut audit = actor.audit("import.indicators");
        audit.subject = Some(file_name.to_string());
        audit.detail = Some(serde_json::json!({
            "file": file_name, "indicators_created": outcome.indicators_created,
            "measurements": outcome.measurements_added,
            "objectives_created": outcome.objectives_created,
            "new_plan": new_plan.is_some(),
        }));
        set.audit = Some(audit);
        set.new_plan = new_plan;
        let (plan, _) = self.store().import_indicators(&set).await?;
        Ok(ImportResult::Indicators {
            plan: Some(plan.id.0),
            plan_title: plan.title,
            outcome,
        })
    }

    /// The organisation a new plan is imported into. The operator's dry run on a data folder
    /// with no organisation yet plans against one that is never written: a dry run stores
    /// nothing, not even an organisation.
    async fn organisation_to_import_into(
        &self,
        actor: &Actor,
        org: Option<OrgId>,
        dry_run: bool,
    ) -> Result<OrgId> {
        match self.organisation_for(actor, org).await {
            Ok(org) => Ok(org),
            Err(_)
                if dry_run
                    && actor.is_operator()
                    && self.store().organisations().await?.is_empty() =>
            {
                Ok(OrgId(0))
            }
            Err(error) => Err(error),
        }
    }

    /// Reads an upload, works out what importing it would do (with the person's corrections,
    /// if the upload brought any), and keeps it for confirmation.
    pub async fn preview_upload(&self, actor: &Actor, upload: Upload) -> Result<UploadPreview> {
        let user = actor.user().ok_or(AppError::Forbidden)?.clone();
        if upload.content.is_empty() {
            return Err(AppError::invalid("file", "Choose a file to import"));
        }
        let target = target_of(&upload);
        // Refuse early, before reading the file, where the person may not import there.
        match &target {
            ImportTarget::Existing(plan) => {
                self.managed_plan(actor, *plan).await?;
            }
            ImportTarget::New { .. } => {
                if !actor.may_create_plans() {
                    return Err(AppError::Forbidden);
                }
            }
        }
        let token = crate::sessions::new_token()?;
        let pending = PendingUpload {
            org: user.org,
            user: user.id,
            file_name: upload.file_name.clone(),
            content: upload.content,
            plan: upload.target,
            new_title: upload.new_title.clone(),
            new_kind: upload.new_kind.clone(),
            corrections: corrections_text(&upload.corrections)?,
        };
        let asked_for = upload.corrections.clone();
        let kept = asked_for.is_empty().then(|| pending.clone());
        let first = self
            .preview_pending(actor, token.clone(), pending, upload.corrections)
            .await;
        // A file read as it is, with no choices, is looked up by its source: the choices
        // remembered for it are applied as if the person had made them. A file that cannot be
        // read as it is (its headers are not where Waymark looks) is the case they help most.
        let remembered = match (&kept, &first) {
            (None, _) => None,
            (Some(_), Ok(previewed)) => {
                self.remembered_choices(user.org, upload.target, &previewed.fingerprint)
                    .await?
            }
            (Some(pending), Err(AppError::Invalid(_))) => {
                match self.fingerprint_of(pending).await {
                    Ok(fingerprint) => {
                        self.remembered_choices(user.org, upload.target, &fingerprint)
                            .await?
                    }
                    Err(_) => None,
                }
            }
            (Some(_), Err(_)) => None,
        };
        let previewed = match (remembered, kept) {
            (Some(remembered), Some(mut pending)) => {
                pending.corrections = corrections_text(&remembered)?;
                match (
                    self.preview_pending(actor, token, pending, remembered)
                        .await,
                    first,
                ) {
                    (Ok(with_them), _) => with_them,
                    // A file they no longer fit (a sheet it lacks) is read without them.
                    (
                        Err(AppError::Invalid(_) | AppError::Unknown(_) | AppError::State(_)),
                        first,
                    ) => first?,
                    (Err(other), _) => return Err(other),
                }
            }
            _ => first?,
        };
        self.store()
            .save_upload(
                &crate::sessions::token_hash(&previewed.token),
                &previewed.upload,
            )
            .await?;
        Ok(previewed)
    }

    /// The choices remembered for a source, marked with whose import they came from; `None`
    /// where there are none, or they cannot be read (they were written by another version,
    /// say), which only means the file is read as it is.
    async fn remembered_choices(
        &self,
        org: OrgId,
        plan: Option<PlanId>,
        fingerprint: &str,
    ) -> Result<Option<Corrections>> {
        let source = waymark_store::ImportSource {
            org,
            plan,
            fingerprint: fingerprint.to_string(),
        };
        let Some(saved) = self.store().import_mapping(&source).await? else {
            return Ok(None);
        };
        match serde_json::from_str::<Corrections>(&saved.corrections) {
            Ok(corrections) if corrections.mapping().is_ok() => Ok(Some(Corrections {
                saved_from: Some(SavedFrom {
                    saved_on: saved.saved_at.date_naive(),
                    saved_by: saved.saved_by_name,
                    file_name: saved.file_name,
                }),
                ..corrections
            })),
            Ok(_) | Err(_) => {
                tracing::warn!(
                    org = org.0,
                    "the choices remembered for an import's source cannot be read"
                );
                Ok(None)
            }
        }
    }

    /// What identifies an upload's source, read from the file alone.
    async fn fingerprint_of(&self, upload: &PendingUpload) -> Result<String> {
        read_within(
            &upload.file_name,
            upload.content.clone(),
            PARSE_TIME_LIMIT,
            |workbook| Ok(source_fingerprint(&workbook)),
        )
        .await
    }

    /// Reads an upload again without the choices remembered for its source (or any other
    /// correction), as the file is.
    pub async fn preview_without_saved_choices(
        &self,
        actor: &Actor,
        token: &str,
    ) -> Result<UploadPreview> {
        self.correct_upload(actor, token, Corrections::default())
            .await
    }

    /// Previews an upload again with the person's corrections (the sheet to import, what
    /// columns hold) in place of those it had, and keeps them for its confirmation.
    pub async fn correct_upload(
        &self,
        actor: &Actor,
        token: &str,
        corrections: Corrections,
    ) -> Result<UploadPreview> {
        let mut upload = self.pending_upload(actor, token).await?;
        let user = actor.user().ok_or(AppError::NotFound)?;
        upload.corrections = corrections_text(&corrections)?;
        // Worked out before it is kept: a correction the file cannot take (a sheet it does
        // not have) is refused and the upload keeps the ones it had.
        let previewed = self
            .preview_pending(actor, token.to_string(), upload, corrections)
            .await?;
        let kept = self
            .store()
            .correct_upload(
                &crate::sessions::token_hash(token),
                user.id,
                previewed.upload.corrections.as_deref(),
            )
            .await?;
        if !kept {
            return Err(AppError::NotFound);
        }
        Ok(previewed)
    }

    /// As [`App::correct_upload`], choosing the sheets and the header row (`None`: the one
    /// Waymark finds) and changing the fields of `columns` over the corrections the upload
    /// already has.
    pub async fn correct_upload_columns(
        &self,
        actor: &Actor,
        token: &str,
        sheets: SheetChoice,
        header_row: Option<usize>,
        columns: Vec<(String, Field)>,
        objectives: Vec<(String, ObjectiveChoice)>,
    ) -> Result<UploadPreview> {
        let corrections = self
            .corrections_with(actor, token, sheets, header_row, columns, objectives)
            .await?;
        self.correct_upload(actor, token, corrections).await
    }

    /// An upload's corrections with the sheets, the header row and the columns and
    /// objectives named changed as [`App::correct_upload_columns`] says.
    async fn corrections_with(
        &self,
        actor: &Actor,
        token: &str,
        sheets: SheetChoice,
        header_row: Option<usize>,
        columns: Vec<(String, Field)>,
        objectives: Vec<(String, ObjectiveChoice)>,
    ) -> Result<Corrections> {
        let upload = self.pending_upload(actor, token).await?;
        let mut corrections = stored_corrections(&upload)?;
        corrections.sheets = sheets;
        if corrections.header_row != header_row {
            // The columns of another row are other columns: what was said of the old ones no
            // longer applies.
            corrections.columns.clear();
        }
        corrections.header_row = header_row;
        for (header, field) in columns {
            corrections = corrections.with_column(&header, field);
        }
        for (written, choice) in objectives {
            corrections = corrections.with_objective(&written, choice);
        }
        Ok(corrections)
    }

    /// As [`App::preview_upload`], except that a file that cannot be read (not a spreadsheet
    /// or document Waymark reads, or one it cannot make out) is kept all the same and
    /// answered as [`Previewed::Unreadable`], with why: the API's preview is a report of what
    /// the upload holds, and its confirmation is refused by what it found. An empty file is
    /// still refused, as no upload at all.
    pub async fn preview_upload_as_found(
        &self,
        actor: &Actor,
        upload: Upload,
    ) -> Result<Previewed> {
        if upload.content.is_empty() {
            return Err(AppError::invalid("file", "Choose a file to import"));
        }
        let asked = Upload {
            content: Vec::new(),
            ..upload.clone()
        };
        let content = upload.content.clone();
        let problems = match self.preview_upload(actor, upload).await {
            Ok(previewed) => return Ok(Previewed::Read(Box::new(previewed))),
            Err(error) => match file_problems(&error) {
                Some(problems) => problems,
                None => return Err(error),
            },
        };
        let user = actor.user().ok_or(AppError::Forbidden)?;
        let target_title = self.target_title(actor, &asked).await?;
        let token = crate::sessions::new_token()?;
        let pending = PendingUpload {
            org: user.org,
            user: user.id,
            file_name: asked.file_name.clone(),
            content,
            plan: asked.target,
            new_title: asked.new_title.clone(),
            new_kind: asked.new_kind.clone(),
            corrections: corrections_text(&asked.corrections)?,
        };
        self.store()
            .save_upload(&crate::sessions::token_hash(&token), &pending)
            .await?;
        Ok(Previewed::Unreadable(Box::new(UnreadableUpload {
            token,
            upload: pending,
            target_title,
            corrections: asked.corrections,
            problems,
        })))
    }

    /// As [`App::correct_upload_columns`], except that corrections that leave the file
    /// unreadable (or a file no correction makes readable) are kept and answered as
    /// [`Previewed::Unreadable`], as [`App::preview_upload_as_found`] answers its upload.
    pub async fn correct_upload_columns_as_found(
        &self,
        actor: &Actor,
        token: &str,
        sheets: SheetChoice,
        header_row: Option<usize>,
        columns: Vec<(String, Field)>,
        objectives: Vec<(String, ObjectiveChoice)>,
    ) -> Result<Previewed> {
        let corrections = self
            .corrections_with(actor, token, sheets, header_row, columns, objectives)
            .await?;
        let problems = match self.correct_upload(actor, token, corrections.clone()).await {
            Ok(previewed) => return Ok(Previewed::Read(Box::new(previewed))),
            Err(error) => match file_problems(&error) {
                Some(problems) => problems,
                None => return Err(error),
            },
        };
        let mut upload = self.pending_upload(actor, token).await?;
        let user = actor.user().ok_or(AppError::NotFound)?;
        upload.corrections = corrections_text(&corrections)?;
        let kept = self
            .store()
            .correct_upload(
                &crate::sessions::token_hash(token),
                user.id,
                upload.corrections.as_deref(),
            )
            .await?;
        if !kept {
            return Err(AppError::NotFound);
        }
        let asked = Upload {
            file_name: upload.file_name.clone(),
            content: Vec::new(),
            target: upload.plan,
            new_title: upload.new_title.clone(),
            new_kind: upload.new_kind.clone(),
            corrections: corrections.clone(),
        };
        Ok(Previewed::Unreadable(Box::new(UnreadableUpload {
            token: token.to_string(),
            target_title: self.target_title(actor, &asked).await?,
            upload,
            corrections,
            problems,
        })))
    }

    /// The title of the plan an upload goes into, or of the new plan it would make.
    async fn target_title(&self, actor: &Actor, upload: &Upload) -> Result<String> {
        Ok(match upload.target {
            Some(plan) => self.managed_plan(actor, plan).await?.plan.title.clone(),
            None => upload
                .new_title
                .clone()
                .unwrap_or_else(|| waymark_io::apply::file_title(&upload.file_name)),
        })
    }

    /// What importing an upload would do, read with `corrections`.
    async fn preview_pending(
        &self,
        actor: &Actor,
        token: String,
        upload: PendingUpload,
        corrections: Corrections,
    ) -> Result<UploadPreview> {
        let target = pending_target(&upload);
        let read = self.parse_pending(actor, &upload, &corrections).await?;
        let result = self
            .import_parts(
                actor,
                &upload.file_name,
                &read.parts,
                &target,
                &corrections.sheets,
                ImportChoices::default(),
            )
            .await?;
        let columns = read
            .parts
            .iter()
            .filter_map(|(_, parsed)| match parsed {
                Parsed::Items(preview) => Some(preview.columns.iter().cloned()),
                Parsed::Indicators(_) | Parsed::Programme(_) => None,
            })
            .flatten()
            .collect();
        let objective_options = self.objective_options(actor, &target, &result).await?;
        Ok(UploadPreview {
            token,
            target_title: result.plan_title(),
            upload,
            parsed: read.parts.into_iter().map(|(_, parsed)| parsed).collect(),
            result,
            plan_sheets: read.plan_sheets,
            sheet_count: read.sheet_count,
            columns,
            corrections,
            objective_options,
            fingerprint: read.fingerprint,
        })
    }

    /// The objectives of the plan an indicator table is imported into, for the preview's
    /// choice of what each objective of the file is: none for anything else.
    async fn objective_options(
        &self,
        actor: &Actor,
        target: &ImportTarget,
        result: &ImportResult,
    ) -> Result<Vec<(i64, String)>> {
        let (ImportTarget::Existing(plan), ImportResult::Indicators { outcome, .. }) =
            (target, result)
        else {
            return Ok(Vec::new());
        };
        let view = self.plan_items(actor, *plan).await?;
        let matched: Vec<i64> = outcome.objectives_matched.iter().map(|m| m.item).collect();
        Ok(view
            .items
            .iter()
            .filter(|item| item.depth == 0 || matched.contains(&item.id.0))
            .map(|item| (item.id.0, item.fields.text.clone()))
            .collect())
    }

    /// Every item of a plan the actor manages, archived ones aside, as it stands.
    async fn plan_items(&self, actor: &Actor, plan: PlanId) -> Result<waymark_store::PlanView> {
        let visible = self.managed_plan(actor, plan).await?;
        Ok(self
            .store()
            .plan_as_at(
                visible.scope(),
                plan,
                waymark_io::apply::end_of_time(),
                None,
            )
            .await?)
    }

    /// Reads a pending upload as its corrections say.
    async fn parse_pending(
        &self,
        actor: &Actor,
        upload: &PendingUpload,
        corrections: &Corrections,
    ) -> Result<ParsedUpload> {
        self.parse_pending_watched(actor, upload, corrections, None, PARSE_TIME_LIMIT)
            .await
    }

    /// [`App::parse_pending`], telling `progress` of the rows read, within `limit`.
    async fn parse_pending_watched(
        &self,
        actor: &Actor,
        upload: &PendingUpload,
        corrections: &Corrections,
        progress: Option<RowsProgress>,
        limit: std::time::Duration,
    ) -> Result<ParsedUpload> {
        let target = pending_target(upload);
        if corrections.sheets == SheetChoice::EachAsPlan
            && let ImportTarget::Existing(_) = target
        {
            return Err(AppError::state(
                "sheet",
                "Each sheet becomes a plan of its own only in an import as new plans: choose                  one sheet to import into an existing plan",
            ));
        }
        let mut options = self.preview_options(actor, &target, None).await?;
        options.mapping = corrections.mapping()?;
        parse_upload_watched(
            &upload.file_name,
            upload.content.clone(),
            options,
            corrections.sheets.clone(),
            progress,
            limit,
        )
        .await
    }

    /// A dry run of the parts of a file: one, or each sheet as a new plan of its own.
    async fn import_parts(
        &self,
        actor: &Actor,
        file_name: &str,
        parts: &[(Option<String>, Parsed)],
        target: &ImportTarget,
        sheets: &SheetChoice,
        choices: ImportChoices,
    ) -> Result<ImportResult> {
        if *sheets != SheetChoice::EachAsPlan {
            let [(_, parsed)] = parts else {
                return Err(AppError::Internal(
                    "a file read as one plan had parts".into(),
                ));
            };
            return self
                .import_parsed(actor, file_name, parsed, target, true, choices)
                .await;
        }
        let mut results = Vec::with_capacity(parts.len());
        for (sheet, parsed) in parts {
            let sheet = sheet.clone().unwrap_or_default();
            let result = self
                .import_parsed(
                    actor,
                    file_name,
                    parsed,
                    &sheet_target(target, &sheet),
                    true,
                    choices.clone(),
                )
                .await?;
            results.push((sheet, result));
        }
        Ok(ImportResult::Sheets { sheets: results })
    }

    /// An upload the actor previewed, for showing its preview again.
    pub async fn pending_upload(&self, actor: &Actor, token: &str) -> Result<PendingUpload> {
        let user = actor.user().ok_or(AppError::NotFound)?;
        self.store()
            .pending_upload(&crate::sessions::token_hash(token), user.id)
            .await?
            .filter(|upload| upload.org == user.org)
            .ok_or(AppError::NotFound)
    }

    /// A pending upload's preview as its uploader last saw it, corrections and all.
    pub async fn upload_preview(&self, actor: &Actor, token: &str) -> Result<UploadPreview> {
        let upload = self.pending_upload(actor, token).await?;
        let corrections = stored_corrections(&upload)?;
        self.preview_pending(actor, token.to_string(), upload, corrections)
            .await
    }

    /// The corrections of an upload the actor previewed as a mapping file for `waymark import
    /// --mapping`: the header row, the one sheet chosen, and each column corrected.
    pub async fn upload_mapping_file(&self, actor: &Actor, token: &str) -> Result<String> {
        let upload = self.pending_upload(actor, token).await?;
        let corrections = stored_corrections(&upload)?;
        let columns = corrections
            .columns
            .iter()
            .map(|(header, field)| {
                Field::parse(field)
                    .map(|field| (header.clone(), field))
                    .ok_or_else(|| AppError::Internal(format!("a stored field {field}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let sheet = match &corrections.sheets {
            SheetChoice::One(name) => Some(name.as_str()),
            _ => None,
        };
        let mut note = format!(
            "What was corrected in the import preview of {}: use it with\n\
             waymark import FILE --mapping THIS.toml",
            upload.file_name
        );
        if corrections.sheets == SheetChoice::EachAsPlan {
            note.push_str(" --all-sheets");
        }
        let objectives = self
            .objectives_as_named(actor, &upload, &corrections)
            .await?;
        waymark_io::mapping::mapping_file_text(
            &note,
            corrections.header_row,
            sheet,
            &columns,
            &objectives,
        )
        .map_err(AppError::Internal)
    }

    /// The objectives chosen for an upload as a mapping file writes them: each by the plan's
    /// objective's reference (its text where it has none), or "new".
    async fn objectives_as_named(
        &self,
        actor: &Actor,
        upload: &PendingUpload,
        corrections: &Corrections,
    ) -> Result<Vec<(String, String)>> {
        let needs_plan = corrections
            .objectives
            .iter()
            .any(|(_, choice)| matches!(choice, ObjectiveChoice::Item(_)));
        let view = match (needs_plan, upload.plan) {
            (true, Some(plan)) => Some(self.plan_items(actor, plan).await?),
            _ => None,
        };
        let mut named = Vec::with_capacity(corrections.objectives.len());
        for (written, choice) in &corrections.objectives {
            let name = match choice {
                ObjectiveChoice::New => "new".to_string(),
                ObjectiveChoice::Named(name) => name.clone(),
                ObjectiveChoice::Item(id) => {
                    let item = view
                        .as_ref()
                        .and_then(|view| view.items.iter().find(|item| item.id.0 == *id))
                        .ok_or_else(|| {
                            AppError::invalid(
                                "objectives",
                                format!(
                                    "The objective chosen for \"{written}\" is no longer in the plan"
                                ),
                            )
                        })?;
                    item.fields
                        .reference
                        .clone()
                        .filter(|reference| !reference.trim().is_empty())
                        .unwrap_or_else(|| item.fields.text.clone())
                }
            };
            named.push((written.clone(), name));
        }
        Ok(named)
    }

    /// Every finding of an upload the actor previewed, worked out again by a dry run with the
    /// corrections of its last preview: the preview lists only the first few of each kind.
    /// Only the person who uploaded the file gets them, as only they may confirm it.
    pub async fn upload_findings(
        &self,
        actor: &Actor,
        token: &str,
    ) -> Result<Vec<waymark_io::Finding>> {
        Ok(self.upload_preview(actor, token).await?.result.findings())
    }

    /// Imports an upload the actor previewed, read as its last preview read it; the upload is
    /// then forgotten. Each sheet imported as a plan of its own is stored in a transaction of
    /// its own, one after another.
    pub async fn confirm_upload(
        &self,
        actor: &Actor,
        token: &str,
        choices: ImportChoices,
    ) -> Result<ImportResult> {
        self.confirm_upload_watched(actor, token, choices, None)
            .await
    }

    /// [`App::confirm_upload`], telling a background import's `job` what it is doing and
    /// stopping where the job was cancelled: after the file is read, before each part is
    /// stored, between the batches of rows and before the commit (`import_jobs`).
    pub(crate) async fn confirm_upload_watched(
        &self,
        actor: &Actor,
        token: &str,
        mut choices: ImportChoices,
        job: Option<&crate::import_jobs::JobHandle>,
    ) -> Result<ImportResult> {
        let upload = self.pending_upload(actor, token).await?;
        let corrections = stored_corrections(&upload)?;
        let target = pending_target(&upload);
        let (progress, limit) = match job {
            // A background import has no page waiting on it: the time limit that keeps an
            // upload's request from holding the server does not apply, only the read limits.
            Some(job) => (
                Some(job.rows_progress()),
                crate::import_jobs::READ_TIME_LIMIT,
            ),
            None => (None, PARSE_TIME_LIMIT),
        };
        let read = self
            .parse_pending_watched(actor, &upload, &corrections, progress, limit)
            .await?;
        if let Some(job) = job {
            job.go_on()?;
            choices.watch = Some(job.write_watch());
        }
        let each_as_plan = corrections.sheets == SheetChoice::EachAsPlan;
        if each_as_plan {
            // Each sheet's plan is stored in a transaction of its own: every one is worked
            // out first, so one the person may not import (or that would be refused) stops
            // them all before any is stored.
            self.import_parts(
                actor,
                &upload.file_name,
                &read.parts,
                &target,
                &corrections.sheets,
                choices.clone(),
            )
            .await?;
        }
        let mut results = Vec::with_capacity(read.parts.len());
        let fingerprint = read.fingerprint;
        for (sheet, parsed) in read.parts {
            let sheet = sheet.unwrap_or_default();
            let target = if each_as_plan {
                sheet_target(&target, &sheet)
            } else {
                target.clone()
            };
            if let Some(job) = job {
                job.go_on()?;
            }
            let result = self
                .import_parsed_owned(actor, &upload.file_name, parsed, &target, choices.clone())
                .await?;
            if let (ImportTarget::New { .. }, Some(plan)) = (&target, result.plan()) {
                self.index_in_background(plan);
            }
            // A sheet stored as a plan of its own has committed: from here the job can no
            // longer store nothing, so it is no longer cancelled.
            if let Some(job) = job {
                job.committed();
            }
            results.push((sheet, result));
        }
        self.store()
            .delete_upload(&crate::sessions::token_hash(token))
            .await?;
        self.remember_choices(actor, &upload, &corrections, &fingerprint)
            .await;
        match (each_as_plan, results.len()) {
            (false, 1) => results
                .pop()
                .map(|(_, result)| result)
                .ok_or_else(|| AppError::Internal("the import stored nothing".into())),
            (false, _) => Err(AppError::Internal(
                "a file read as one plan had parts".into(),
            )),
            (true, _) => Ok(ImportResult::Sheets { sheets: results }),
        }
    }

    /// Remembers the choices an import was confirmed with for its source, so the next
    /// upload of the same tracker is read the same way. The import has committed by now: a
    /// failure here is logged, and costs only the choices being asked for again.
    async fn remember_choices(
        &self,
        actor: &Actor,
        upload: &PendingUpload,
        corrections: &Corrections,
        fingerprint: &str,
    ) {
        let choices = corrections.choices();
        if choices.is_empty() {
            return;
        }
        let Some(user) = actor.user() else {
            return;
        };
        let saved = match serde_json::to_string(&choices) {
            Ok(text) => {
                self.store()
                    .save_import_mapping(
                        &waymark_store::ImportSource {
                            org: upload.org,
                            plan: upload.plan,
                            fingerprint: fingerprint.to_string(),
                        },
                        &text,
                        &upload.file_name,
                        user.id,
                        self.clock.now(),
                    )
                    .await
            }
            Err(error) => {
                tracing::warn!(%error, "the choices of an import could not be written");
                return;
            }
        };
        if let Err(error) = saved {
            tracing::warn!(%error, "the choices of an import could not be remembered");
        }
    }

    /// Writes a new plan's search documents and owner index after its import committed, in
    /// the background: the person sees the plan at once, and a read that needs them first
    /// catches up itself.
    pub fn index_in_background(&self, plan: PlanId) {
        let store = self.store().clone();
        tokio::spawn(async move {
            if let Err(error) = store.catch_up_indexes(plan).await {
                tracing::warn!(%error, plan = plan.0, "indexing an imported plan failed");
            }
        });
    }

    /// Writes a new plan's search documents and owner index now: the command line does, before
    /// it exits, so the next reader need not.
    pub async fn finish_indexing(&self, plan: PlanId) -> Result<()> {
        self.store().catch_up_indexes(plan).await?;
        Ok(())
    }
}

fn pending_target(upload: &PendingUpload) -> ImportTarget {
    target_of(&Upload {
        file_name: upload.file_name.clone(),
        content: Vec::new(),
        target: upload.plan,
        new_title: upload.new_title.clone(),
        new_kind: upload.new_kind.clone(),
        corrections: Corrections::default(),
    })
}

/// A sheet's own new plan: titled by the sheet, after the title asked for where there is one
/// ("Force plans: Custody"), as `waymark import --all-sheets` names them.
fn sheet_target(target: &ImportTarget, sheet: &str) -> ImportTarget {
    match target {
        ImportTarget::New { org, title, kind } => ImportTarget::New {
            org: *org,
            title: Some(match title {
                Some(title) => format!("{title}: {sheet}"),
                None => sheet.to_string(),
            }),
            kind: kind.clone(),
        },
        existing => existing.clone(),
    }
}

/// The corrections as the upload keeps them: JSON, or nothing for none.
fn corrections_text(corrections: &Corrections) -> Result<Option<String>> {
    if corrections.is_empty() {
        return Ok(None);
    }
    // Checked before it is kept, so a stored correction always reads back.
    corrections.mapping()?;
    serde_json::to_string(corrections)
        .map(Some)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The corrections an upload keeps.
fn stored_corrections(upload: &PendingUpload) -> Result<Corrections> {
    match &upload.corrections {
        None => Ok(Corrections::default()),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            AppError::Internal(format!(
                "the corrections kept with the upload of {} cannot be read: {e}",
                upload.file_name
            ))
        }),
    }
}

fn target_of(upload: &Upload) -> ImportTarget {
    match upload.target {
        Some(plan) => ImportTarget::Existing(plan),
        None => ImportTarget::New {
            org: None,
            title: upload.new_title.clone(),
            kind: upload.new_kind.as_deref().map(PlanKind::parse),
        },
    }
}

/// Gives the indicators of an indicator table that do not say which way is better the
/// directions the person answered. An answer naming no such indicator is refused, naming it:
/// a misspelt title would otherwise leave the indicator unanswered, and an answer never
/// overrides what the table states.
pub fn answer_directions(
    import: &mut IndicatorImport,
    answers: &[(String, Direction)],
) -> Result<()> {
    let unknown = waymark_io::indicators::answer_directions(import, answers);
    if unknown.is_empty() {
        return Ok(());
    }
    let missing = waymark_io::indicators::directions_missing(import);
    let quoted = |titles: &[String]| {
        titles
            .iter()
            .map(|t| format!("\"{}\"", t.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lacking = if missing.is_empty() {
        "every indicator of the file states which way is better".to_string()
    } else {
        format!("those that do not say are {}", quoted(&missing))
    };
    Err(AppError::unknown(
        "direction",
        format!(
            "No indicator of the file that leaves its direction unstated is called {}: {lacking}",
            quoted(&unknown)
        ),
    ))
}

/// The refusal of an indicator table with indicators whose direction nobody has stated, each
/// named with its row: storing them on a guess would judge them the wrong way round.
fn directions_missing_refusal(outcome: &IndicatorOutcome) -> AppError {
    let named = outcome
        .directions_missing
        .iter()
        .map(|title| {
            match outcome
                .indicators
                .iter()
                .find(|read| read.title == *title && read.direction.is_none())
            {
                Some(read) => format!("\"{title}\" (row {})", read.row),
                None => format!("\"{title}\""),
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    AppError::state(
        "direction",
        format!(
            "The file does not say which way is better for {named}: say whether higher or \
             lower is better for each, then import again. Nothing was imported."
        ),
    )
}

/// The refusal of a file marked SECRET.
const SECRET_REFUSAL: &str = "The file is marked SECRET. Waymark must not hold SECRET material: \
                              it is not an accredited system, so nothing was imported";

/// A file that says it is SECRET is not imported: Waymark is not accredited for it.
fn refuse_secret(stated: Option<&str>) -> Result<()> {
    let secret = stated
        .and_then(waymark_core::Classification::parse)
        .is_some_and(|c| c.marking == Marking::Secret);
    if secret {
        return Err(AppError::invalid("file", SECRET_REFUSAL));
    }
    Ok(())
}
