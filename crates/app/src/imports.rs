//! Imports: a tracker or an indicator table, read as it is, previewed, and stored in one
//! transaction with its audit record. The web's upload, preview and confirmation and
//! `waymark import` share these, so the page and the CLI choose the same pipeline (a plan of
//! items, or indicators) and store the same things. Creating a plan by import needs the right
//! to create plans; importing into a plan needs to manage it.

use chrono::NaiveDate;
use serde::Serialize;
use waymark_core::{Marking, OrgId, PlanId, PlanKind};
use waymark_io::indicators::{IndicatorImport, IndicatorOutcome};
use waymark_io::{Format, ImportOutcome, ImportPreview, NewPlanSpec, PreviewOptions, Workbook};
use waymark_store::{PendingUpload, Scope};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportChoices {
    /// On a re-import, close the plan's open items that the file no longer has (they stay in
    /// the plan, with their history).
    pub close_missing: bool,
}

/// A file read and parsed into one of the two things Waymark imports.
#[derive(Debug, Clone)]
pub enum Parsed {
    Items(Box<ImportPreview>),
    Indicators(IndicatorImport),
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
}

impl ImportResult {
    /// The plan stored into, once stored.
    pub fn plan(&self) -> Option<PlanId> {
        match self {
            ImportResult::Items { outcome } => outcome.plan.map(PlanId),
            ImportResult::Indicators { plan, .. } => plan.map(PlanId),
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
}

/// An upload previewed and kept for confirmation.
#[derive(Debug, Clone)]
pub struct UploadPreview {
    /// The confirmation's secret: only its hash is stored.
    pub token: String,
    pub upload: PendingUpload,
    pub parsed: Parsed,
    pub result: ImportResult,
    pub target_title: String,
}

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
                parse_workbook(workbook, &options)
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
    if waymark_io::indicators::is_indicator_workbook(&workbook) {
        return Ok(Parsed::Indicators(
            waymark_io::indicators::parse_indicator_workbook(&workbook),
        ));
    }
    Ok(Parsed::Items(Box::new(waymark_io::build_preview_owned(
        workbook, options,
    )?)))
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
                let mut planned = waymark_io::plan_reimport(&view, preview, Some(author), dry_run);
                if choices.close_missing {
                    waymark_io::close_missing(
                        &mut planned,
                        &view.items,
                        self.today(),
                        file_name,
                        dry_run,
                    );
                }
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
                self.store_new_plan_import(actor, file_name, planned, dry_run)
                    .await
            }
            (Parsed::Indicators(import), target) => {
                self.import_indicators(actor, file_name, import, target, dry_run)
                    .await
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
        self.store_new_plan_import(actor, file_name, planned, false)
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

    /// Reads an upload, works out what importing it would do, and keeps it for confirmation.
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
        let options = self.preview_options(actor, &target, None).await?;
        let parsed = parse_bytes(&upload.file_name, upload.content.clone(), options).await?;
        let result = self
            .import_parsed(
                actor,
                &upload.file_name,
                &parsed,
                &target,
                true,
                ImportChoices::default(),
            )
            .await?;
        let token = crate::sessions::new_token()?;
        let pending = PendingUpload {
            org: user.org,
            user: user.id,
            file_name: upload.file_name.clone(),
            content: upload.content,
            plan: upload.target,
            new_title: upload.new_title.clone(),
            new_kind: upload.new_kind.clone(),
        };
        self.store()
            .save_upload(&crate::sessions::token_hash(&token), &pending)
            .await?;
        let target_title = match &result {
            ImportResult::Items { outcome } => outcome.plan_title.clone(),
            ImportResult::Indicators { plan_title, .. } => plan_title.clone(),
        };
        Ok(UploadPreview {
            token,
            upload: pending,
            parsed,
            result,
            target_title,
        })
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

    /// Every finding of an upload the actor previewed, worked out again by a dry run: the
    /// preview lists only the first few of each kind. Only the person who uploaded the file
    /// gets them, as only they may confirm it.
    pub async fn upload_findings(
        &self,
        actor: &Actor,
        token: &str,
    ) -> Result<Vec<waymark_io::Finding>> {
        let upload = self.pending_upload(actor, token).await?;
        let target = pending_target(&upload);
        let options = self.preview_options(actor, &target, None).await?;
        let parsed = parse_bytes(&upload.file_name, upload.content, options).await?;
        let result = self
            .import_parsed(
                actor,
                &upload.file_name,
                &parsed,
                &target,
                true,
                ImportChoices::default(),
            )
            .await?;
        Ok(match result {
            ImportResult::Items { outcome } => outcome.findings,
            ImportResult::Indicators { outcome, .. } => outcome.findings,
        })
    }

    /// Imports an upload the actor previewed; the upload is then forgotten.
    pub async fn confirm_upload(
        &self,
        actor: &Actor,
        token: &str,
        choices: ImportChoices,
    ) -> Result<ImportResult> {
        let upload = self.pending_upload(actor, token).await?;
        let target = pending_target(&upload);
        let options = self.preview_options(actor, &target, None).await?;
        let parsed = parse_bytes(&upload.file_name, upload.content, options).await?;
        let result = self
            .import_parsed_owned(actor, &upload.file_name, parsed, &target, choices)
            .await?;
        self.store()
            .delete_upload(&crate::sessions::token_hash(token))
            .await?;
        if let (ImportTarget::New { .. }, Some(plan)) = (&target, result.plan()) {
            self.index_in_background(plan);
        }
        Ok(result)
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
    })
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

/// A file that says it is SECRET is not imported: Waymark is not accredited for it.
fn refuse_secret(stated: Option<&str>) -> Result<()> {
    let secret = stated
        .and_then(waymark_core::Classification::parse)
        .is_some_and(|c| c.marking == Marking::Secret);
    if secret {
        return Err(AppError::invalid(
            "file",
            "The file is marked SECRET. Waymark must not hold SECRET material: it is not an \
             accredited system, so nothing was imported",
        ));
    }
    Ok(())
}
