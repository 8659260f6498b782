//! Building the report model from store data. Loading is async and gathers what the report
//! needs ([`load_inputs`]); building is pure ([`build_report`]), so layouts and rules are tested
//! without a database.
//!
//! Both clocks pass straight through to the store: `as_at` chooses the versions, updates and
//! RAG in force on that day, and `known_at` (when set) hides everything entered after that
//! instant, which is what makes a published report read the same for ever.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use waymark_core::date::format_long;
use waymark_core::indicator::{
    Evaluation, Indicator, MeasureType, Period, Role, format_figure, format_signed,
};
use waymark_core::{Flag, ItemId, OrgId, PlanId, Rag, RagChange, Update, rag_history};
use waymark_store::{
    ClosureDecision, ClosureRequest, Evidence, GlossaryTermVersion, ItemState,
    MeasurementsByIndicator, NarrativeSubject, NarrativeVersion, PlanView, ReportSettingsFields,
    StoredIndicator,
};

use crate::ReportError;
use crate::glossary::{DefinedTerm, glossary_for, organisation_glossary};
use crate::indicators::indicator_rows;
use crate::model::{
    ActionRow, ChangeEntry, ChangeKind, Cover, CoverPaper, EvidenceLine, ExecutiveSummary,
    IndicatorRow, LocalPriority, Logo, MODEL_VERSION, ObjectiveSection, PerformanceGroup,
    ProgressAim, ProgressObjective, RagCounts, RagView, Report, RowFigures, SensitiveAppendix,
    SinceLastReport, TrackerRow, UpdateEntry, UpdatesShown, WrittenText,
};

/// What to report on, and as at when.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    /// One plan, or several reported together (a strategic plan and its delivery plan).
    pub plans: Vec<PlanId>,
    /// The report shows each plan as it stood at the end of this day.
    pub as_at: NaiveDate,
    /// The second clock: when set, nothing entered after this instant is shown. Published
    /// reports are built with the instant they were published.
    pub known_at: Option<DateTime<Utc>>,
    /// The reporting period ("Q2 2008-09"), when the report is for one.
    pub period: Option<Period>,
    /// The day of the last report; changes after it count as "since the last report". Defaults
    /// to the day before the period starts, or three months before `as_at`.
    pub since: Option<NaiveDate>,
    /// The day the report is produced, injected so that output is reproducible.
    pub today: NaiveDate,
}

impl ReportRequest {
    /// A report of one plan as at the end of `period`.
    pub fn for_period(plan: PlanId, period: Period, today: NaiveDate) -> ReportRequest {
        ReportRequest {
            plans: vec![plan],
            as_at: period.end_date(),
            known_at: None,
            period: Some(period),
            since: None,
            today,
        }
    }

    /// A report of one plan as at the end of `as_at`.
    pub fn as_at(plan: PlanId, as_at: NaiveDate, today: NaiveDate) -> ReportRequest {
        ReportRequest {
            plans: vec![plan],
            as_at,
            known_at: None,
            period: None,
            since: None,
            today,
        }
    }

    /// The day of the last report: see [`ReportRequest::since`].
    pub fn since_day(&self) -> NaiveDate {
        self.since.unwrap_or_else(|| match self.period {
            Some(period) => period
                .start_date()
                .checked_sub_days(Days::new(1))
                .unwrap_or(self.as_at),
            None => self
                .as_at
                .checked_sub_months(Months::new(3))
                .unwrap_or(self.as_at),
        })
    }

    /// The first day whose updates count as "in the period".
    pub fn period_start(&self) -> NaiveDate {
        match self.period {
            Some(period) => period.start_date(),
            None => self
                .since_day()
                .checked_add_days(Days::new(1))
                .unwrap_or(self.as_at),
        }
    }

    /// "Q2 2008-09", or "As at 8 January 2015".
    pub fn period_label(&self) -> String {
        match self.period {
            Some(period) => period.to_string(),
            None => format!("As at {}", format_long(self.as_at)),
        }
    }
}

/// What an organisation sets about its reports without touching code. Reads from JSON or TOML;
/// unknown keys are refused so that a misspelt setting is noticed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportSettings {
    /// The name on the cover; defaults to the organisation's name in Waymark.
    pub organisation_name: Option<String>,
    /// A PNG or SVG logo for the cover; see [`ReportSettings::set_logo`].
    pub logo: Option<Logo>,
    /// Who the report is from: "Head of Performance and Planning".
    pub author: Option<String>,
    /// The cover paper's words (purpose, background, recommendations, decision or information).
    pub paper: CoverPaper,
    /// The organisation's own acronyms, term → meaning; they win over the starter list.
    pub glossary: BTreeMap<String, String>,
    /// Starter-list terms the organisation removed from its glossary.
    pub glossary_removed: BTreeSet<String>,
    /// The latest update per action, or every update in the period.
    pub updates: UpdatesShown,
}

impl ReportSettings {
    /// The settings an organisation saved in Waymark (its newest version, if any), with its
    /// glossary as edited in Waymark; the defaults where it has saved none. A stored logo that
    /// is not PNG or SVG is left off.
    pub fn from_saved(
        fields: Option<&ReportSettingsFields>,
        glossary: &[GlossaryTermVersion],
    ) -> ReportSettings {
        let mut settings = fields.map(ReportSettings::from_stored).unwrap_or_default();
        settings.add_glossary(glossary);
        settings
    }

    /// Adds the organisation's glossary, as edited in Waymark, under the terms already set:
    /// a settings file's terms win, the organisation's stored terms and removals come next,
    /// then the starter list.
    pub fn add_glossary(&mut self, terms: &[GlossaryTermVersion]) {
        let set: BTreeSet<String> = self.glossary.keys().map(|t| t.to_uppercase()).collect();
        for stored in terms {
            if set.contains(&stored.term.to_uppercase()) {
                continue;
            }
            match &stored.meaning {
                Some(meaning) => {
                    self.glossary.insert(stored.term.clone(), meaning.clone());
                }
                None => {
                    self.glossary_removed.insert(stored.term.clone());
                }
            }
        }
    }

    /// The organisation's glossary as these settings have it: the starter list without the
    /// removed terms, with the organisation's own over it.
    pub fn glossary_definitions(&self) -> Vec<DefinedTerm> {
        organisation_glossary(
            self.glossary_removed
                .iter()
                .map(|term| (term.as_str(), None))
                .chain(
                    self.glossary
                        .iter()
                        .map(|(term, meaning)| (term.as_str(), Some(meaning.as_str()))),
                ),
        )
    }

    /// Report settings from the words and logo an organisation stored.
    pub fn from_stored(fields: &ReportSettingsFields) -> ReportSettings {
        ReportSettings {
            organisation_name: fields.organisation_name.clone(),
            logo: fields
                .logo
                .as_ref()
                .and_then(|logo| Logo::from_bytes(&logo.bytes).ok()),
            author: fields.author.clone(),
            paper: CoverPaper {
                meeting: fields.meeting.clone(),
                title: fields.paper_title.clone(),
                purpose: fields.purpose.clone(),
                background: fields.background.clone(),
                recommendations: fields.recommendations.clone(),
                for_decision: fields.for_decision,
                sponsor: fields.sponsor.clone(),
                author: fields.paper_author.clone(),
            },
            glossary: BTreeMap::new(),
            glossary_removed: BTreeSet::new(),
            updates: UpdatesShown::default(),
        }
    }

    /// Sets the logo from the bytes of a PNG or SVG file.
    pub fn set_logo(&mut self, bytes: &[u8]) -> Result<(), ReportError> {
        self.logo = Some(Logo::from_bytes(bytes)?);
        Ok(())
    }
}

impl Logo {
    /// A logo from the bytes of a PNG or SVG file; other formats are refused, and so is a file
    /// that cannot be drawn, since every PDF with the logo would then fail to typeset. The
    /// message says why, in words for the person who chose the file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Logo, ReportError> {
        use base64::Engine as _;
        let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            resvg::tiny_skia::Pixmap::decode_png(bytes).map_err(|_| {
                ReportError::Invalid("The logo is not a PNG image that can be read".into())
            })?;
            "image/png"
        } else if looks_like_svg(bytes) {
            check_svg_logo(bytes)?;
            "image/svg+xml"
        } else {
            return Err(ReportError::Invalid(
                "The logo must be a PNG or SVG file".into(),
            ));
        };
        Ok(Logo {
            media_type: media_type.to_string(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    }

    /// The image's bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, ReportError> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&self.base64)
            .map_err(|_| ReportError::Invalid("the stored logo is not valid base64".into()))
    }

    /// "png" or "svg".
    pub fn extension(&self) -> &'static str {
        if self.media_type == "image/svg+xml" {
            "svg"
        } else {
            "png"
        }
    }
}

/// An SVG logo must parse, and must not link to other files or web addresses: the PDF
/// renderer refuses linked images, and a report should not fetch anything to draw its cover.
fn check_svg_logo(bytes: &[u8]) -> Result<(), ReportError> {
    use resvg::usvg;
    let linked = std::sync::atomic::AtomicBool::new(false);
    let options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| {
                linked.store(true, std::sync::atomic::Ordering::Relaxed);
                None
            }),
        },
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(bytes, &options).map_err(|e| {
        ReportError::Invalid(format!(
            "The logo is not an SVG image that can be read ({e})"
        ))
    })?;
    if linked.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ReportError::Invalid(
            "The logo must not link to other files or web addresses; embed its images".into(),
        ));
    }
    Ok(())
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// Everything a report is built from, gathered from the store by [`load_inputs`].
#[derive(Debug, Clone)]
pub struct ReportInputs {
    pub request: ReportRequest,
    /// The organisation's name in Waymark.
    pub organisation: String,
    /// Each plan as at the report date.
    pub views: Vec<PlanView>,
    /// Each plan as at the day of the last report, for "since the last report".
    pub previous: Vec<PlanView>,
    /// For items whose RAG changed since the last report: their RAG changes known by
    /// `known_at`, oldest first.
    pub rag_changes: HashMap<ItemId, Vec<RagChange>>,
    pub indicators: Vec<IndicatorRow>,
    /// What people wrote for the report's period (its summary, commentary on indicators and
    /// objectives), oldest first, as known at `known_at`; empty for a report as at a day.
    pub narratives: Vec<NarrativeVersion>,
    /// The evidence on the plans' items the reader may see, not withdrawn as known at
    /// `known_at`, oldest first.
    pub evidence: Vec<Evidence>,
    /// The proposals to close the plans' items, as known at `known_at`, oldest first.
    pub closures: Vec<ClosureRequest>,
}

/// Where a report's data comes from: the application layer, which answers each read with only
/// what the person asking may see, or (in tests) the store itself. Reading is all a report
/// does; it never writes.
pub trait ReportSource: Sync {
    /// A plan as it stood at the end of `as_at`, as known at `known_at`.
    fn plan_as_at(
        &self,
        plan: PlanId,
        as_at: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<PlanView, ReportError>> + Send;

    /// An item's RAG changes, oldest first, as known at `known_at`.
    fn rag_changes(
        &self,
        item: ItemId,
        known_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<Vec<RagChange>, ReportError>> + Send;

    /// A plan's indicators and their measurements in force as known at `known_at`.
    fn indicators(
        &self,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(Vec<StoredIndicator>, MeasurementsByIndicator), ReportError>> + Send;

    /// Everything written for a plan's reporting period, oldest first, as known at
    /// `known_at`. A source that keeps no writing has none.
    fn narratives(
        &self,
        plan: PlanId,
        period: Period,
        known_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<Vec<NarrativeVersion>, ReportError>> + Send {
        let _ = (plan, period, known_at);
        async { Ok(Vec::new()) }
    }

    /// A plan's evidence the reader may see (within their ceiling, not withdrawn) and its
    /// closure proposals, as known at `known_at`. A source that keeps none has none.
    fn closure_records(
        &self,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(Vec<Evidence>, Vec<ClosureRequest>), ReportError>> + Send
    {
        let _ = (plan, known_at);
        async { Ok((Vec::new(), Vec::new())) }
    }

    /// An organisation's name.
    fn organisation_name(
        &self,
        org: OrgId,
    ) -> impl Future<Output = Result<String, ReportError>> + Send;
}

/// The RAG changes of an item's versions known by `known_at`: `rag_history` over every version
/// would show changes entered after it.
pub fn rag_changes_known(
    versions: Vec<waymark_core::ItemVersion>,
    known_at: Option<DateTime<Utc>>,
) -> Vec<RagChange> {
    let known: Vec<_> = versions
        .into_iter()
        .filter(|v| known_at.is_none_or(|limit| v.meta.entered_at <= limit))
        .collect();
    rag_history(&known)
}

/// Reads what a report needs: each plan as at the report date and as at the last report, the
/// RAG history of items whose RAG changed in between, and the evaluated indicators, all as
/// known at `request.known_at`.
pub async fn load_inputs(
    source: &impl ReportSource,
    request: ReportRequest,
) -> Result<ReportInputs, ReportError> {
    if request.plans.is_empty() {
        return Err(ReportError::Invalid(
            "a report needs at least one plan".into(),
        ));
    }
    let since = request.since_day();
    let mut views = Vec::new();
    let mut previous = Vec::new();
    for plan in &request.plans {
        views.push(
            source
                .plan_as_at(*plan, request.as_at, request.known_at)
                .await?,
        );
        previous.push(source.plan_as_at(*plan, since, request.known_at).await?);
    }
    let mut rag_changes = HashMap::new();
    for (view, before) in views.iter().zip(&previous) {
        for item in &view.items {
            let was = before.item(item.id).map(|old| old.fields.shown_rag());
            if was.is_some_and(|was| was != item.fields.shown_rag()) {
                rag_changes.insert(
                    item.id,
                    source.rag_changes(item.id, request.known_at).await?,
                );
            }
        }
    }
    let mut indicators = Vec::new();
    for plan in &request.plans {
        let (stored, measurements) = source.indicators(*plan, request.known_at).await?;
        indicators.extend(indicator_rows(stored, measurements, &request));
    }
    let organisation = match views.first() {
        Some(view) => source.organisation_name(view.plan.org).await?,
        None => String::new(),
    };
    let mut narratives = Vec::new();
    if let Some(period) = request.period {
        for plan in &request.plans {
            narratives.extend(source.narratives(*plan, period, request.known_at).await?);
        }
    }
    let mut evidence = Vec::new();
    let mut closures = Vec::new();
    for plan in &request.plans {
        let (kept, proposals) = source.closure_records(*plan, request.known_at).await?;
        evidence.extend(kept);
        closures.extend(proposals);
    }
    Ok(ReportInputs {
        request,
        organisation,
        views,
        previous,
        rag_changes,
        indicators,
        narratives,
        evidence,
        closures,
    })
}

/// Puts the items of `full` that `body` leaves out (being marked above it) into `body`'s
/// appendix: the OFFICIAL body and the OFFICIAL-SENSITIVE appendix of one report, from the
/// same data. `body` is the report built from a view narrowed to its marking; `full` the same
/// report with everything the reader may see.
pub fn with_sensitive_appendix(mut body: Report, full: &Report) -> Report {
    let in_body: BTreeSet<(&str, &str)> = body
        .tracker
        .iter()
        .map(|row| (row.reference.as_str(), row.area.as_str()))
        .collect();
    let rows: Vec<TrackerRow> = full
        .tracker
        .iter()
        .filter(|row| !in_body.contains(&(row.reference.as_str(), row.area.as_str())))
        .cloned()
        .collect();
    if !rows.is_empty() {
        body.appendix = Some(SensitiveAppendix {
            marking: full.cover.marking.clone().unwrap_or_default(),
            body_marking: body.cover.marking.clone().unwrap_or_default(),
            rows,
        });
    }
    body
}

/// Loads and builds in one call.
pub async fn build_from_source(
    source: &impl ReportSource,
    request: ReportRequest,
    settings: &ReportSettings,
) -> Result<Report, ReportError> {
    let inputs = load_inputs(source, request).await?;
    Ok(build_report(&inputs, settings))
}

impl IndicatorRow {
    /// The row for one evaluated indicator. `previous` is the evaluation of the period before,
    /// whose RAG "since the last report" compares with.
    pub fn from_evaluation(
        indicator: &Indicator,
        evaluation: &Evaluation,
        previous: Option<&Evaluation>,
    ) -> IndicatorRow {
        let unit = indicator.unit;
        // A change on last year reads with its sign: "-5%", "+0.1%".
        let figure = |value, role| match indicator.measure {
            MeasureType::Change => format_signed(value, unit, role),
            MeasureType::Level | MeasureType::Cumulative => format_figure(value, unit, role),
        };
        let rag_of = |evaluation: &Evaluation| match (evaluation.rag, evaluation.state) {
            (Some(rag), _) => RagView::of(Some(rag)),
            (None, Some(state)) => RagView::none(state.label()),
            (None, None) => RagView::none("Not assessed"),
        };
        IndicatorRow {
            objective: indicator.objective.map(|id| id.0),
            title: indicator.title.clone(),
            target: evaluation
                .annual_target
                .map(|t| figure(t, Role::Target))
                .unwrap_or_else(|| "No target".into()),
            actual: evaluation
                .actual
                .map(|a| figure(a, Role::Measured))
                .unwrap_or_else(|| "Not yet available".into()),
            last_year: evaluation
                .same_period_last_year
                .map(|f| figure(f, Role::Measured)),
            rag: rag_of(evaluation),
            sentence: evaluation.sentence.clone(),
            baseline: indicator.baseline.map(|f| figure(f, Role::Target)),
            minimum: indicator.minimum.map(|f| figure(f, Role::Target)),
            stretch: indicator.stretch.map(|f| figure(f, Role::Target)),
            forecast: evaluation.forecast.map(|f| figure(f, Role::Forecast)),
            previous_rag: previous.map(rag_of),
            period: evaluation.period.to_string(),
            period_end_iso: evaluation.period.end_date().to_string(),
            chart: None,
            indicator: Some(indicator.id.0),
            commentary: None,
            period_target: evaluation
                .target_for_period
                .filter(|target| Some(*target) != evaluation.annual_target)
                .map(|t| figure(t, Role::Target)),
            rule: evaluation
                .annual_target
                .is_some()
                .then(|| crate::legend::rule_words(indicator)),
            figures: Some(RowFigures {
                unit: unit_key(unit).to_string(),
                annual_target: evaluation.annual_target.map(as_number),
                period_target: evaluation.target_for_period.map(as_number),
                actual: evaluation.actual.map(as_number),
                last_year: evaluation.same_period_last_year.map(as_number),
                forecast: evaluation.forecast.map(as_number),
            }),
        }
    }
}

/// A figure as the number people read: hundredths to units (pence to pounds).
fn as_number(figure: waymark_core::indicator::Figure) -> f64 {
    figure.hundredths() as f64 / 100.0
}

fn unit_key(unit: waymark_core::indicator::Unit) -> &'static str {
    use waymark_core::indicator::Unit;
    match unit {
        Unit::Percent => "percent",
        Unit::Count => "count",
        Unit::Money => "money",
        Unit::Days => "days",
        Unit::Rate => "rate",
    }
}

/// Builds the report model from what [`load_inputs`] gathered.
pub fn build_report(inputs: &ReportInputs, settings: &ReportSettings) -> Report {
    let request = &inputs.request;
    let since = request.since_day();
    let period_start = request.period_start();

    let mut references: HashMap<ItemId, String> = HashMap::new();
    let mut objectives: Vec<ObjectiveSection> = Vec::new();
    let mut section_of: HashMap<ItemId, usize> = HashMap::new();
    let mut progress: Vec<ProgressAim> = Vec::new();
    let mut tracker: Vec<TrackerRow> = Vec::new();
    let mut counts = RagCounts::default();
    let mut completed = 0;
    let mut overdue = 0;
    let mut marking = waymark_core::Classification::OFFICIAL;

    for view in &inputs.views {
        let effective = item_markings(view);
        marking = effective
            .values()
            .fold(marking.max(view.plan.marking), |a, b| a.max(*b));
        let shown = |item: &ItemState| -> Vec<UpdateEntry> {
            shown_updates(item, settings.updates, period_start, request.as_at)
        };
        // What each parent's actions add up to, the rule the plan page shows them by.
        let rollups: HashMap<ItemId, Rag> = {
            let depths: Vec<usize> = view.items.iter().map(|i| i.depth).collect();
            let rags: Vec<Option<Rag>> = view.items.iter().map(|i| i.fields.shown_rag()).collect();
            view.items
                .iter()
                .zip(waymark_core::rollup_tree(&depths, &rags))
                .filter_map(|(item, rollup)| Some((item.id, rollup?.rag()?)))
                .collect()
        };
        for group in sections(view) {
            let number = objectives.len() + 1;
            let (reference, title, rag) = match group.head {
                Some(head) => (
                    head.fields.reference.clone(),
                    head.fields.text.clone(),
                    RagView::of(head.fields.shown_rag()),
                ),
                None => (None, view.plan.title.clone(), RagView::of(None)),
            };
            if let Some(head) = group.head {
                references.insert(
                    head.id,
                    reference.clone().unwrap_or_else(|| number.to_string()),
                );
                section_of.insert(head.id, objectives.len());
            }
            let mut counters: Vec<usize> = Vec::new();
            let mut actions = Vec::new();
            for (item, depth) in &group.members {
                counters.truncate(*depth);
                while counters.len() < *depth {
                    counters.push(0);
                }
                if let Some(last) = counters.last_mut() {
                    *last += 1;
                }
                let generated = std::iter::once(number.to_string())
                    .chain(counters.iter().map(|n| n.to_string()))
                    .collect::<Vec<_>>()
                    .join(".");
                let reference = item.fields.reference.clone().unwrap_or(generated);
                references.insert(item.id, reference.clone());
                section_of.insert(item.id, objectives.len());
                let mut row = action_row(item, *depth, reference, shown(item));
                // A parent with no RAG of its own shows its actions', said to be theirs.
                if !item.children.is_empty() {
                    row.has_actions = true;
                    if row.rag.key == "none"
                        && let Some(rolled) = rollups.get(&item.id)
                    {
                        row.rag = RagView {
                            word: format!("{} (from its actions)", rolled.word()),
                            key: rolled.word().to_ascii_lowercase(),
                        };
                    }
                }
                // An item marked above its plan says so on its own row.
                row.marking = effective
                    .get(&item.id)
                    .filter(|m| m.marking > view.plan.marking.marking)
                    .map(|m| m.label());
                actions.push(row);
            }
            // An objective without a RAG of its own takes its actions', as the pages show it,
            // said in words so nobody reads it as the owner's own assessment.
            let rag = match group.head {
                Some(_) if rag.key == "none" => {
                    let leaves = group
                        .members
                        .iter()
                        .filter(|(item, _)| item.children.is_empty())
                        .map(|(item, _)| item.fields.shown_rag());
                    match waymark_core::RagRollup::from_actions(leaves).rag() {
                        Some(rolled) => RagView {
                            word: format!("{} (from its actions)", rolled.word()),
                            key: rolled.word().to_ascii_lowercase(),
                        },
                        None => rag,
                    }
                }
                _ => rag,
            };
            objectives.push(ObjectiveSection {
                number,
                reference,
                title,
                rag,
                indicators: Vec::new(),
                actions,
                item: group.head.map(|head| head.id.0),
                commentary: None,
            });
            progress.push(progress_aim(view, &group, &references, &shown));
        }
        for item in &view.items {
            if item.children.is_empty() {
                counts.add(item.fields.shown_rag());
                if item.fields.complete {
                    completed += 1;
                }
                if item.flags.contains(&Flag::Overdue) {
                    overdue += 1;
                }
            }
            let mut row = tracker_row(item, &references);
            add_closure(&mut row, item.id, inputs);
            if row.has_children
                && row.rag.key == "none"
                && let Some(rolled) = rollups.get(&item.id)
            {
                row.rag = RagView {
                    word: format!("{} (from its actions)", rolled.word()),
                    key: rolled.word().to_ascii_lowercase(),
                };
            }
            tracker.push(row);
        }
    }

    // Indicators join their objective's section, or the section that contains it. A four-week
    // figure under a quarter or month (P6 under Q2) says its own period, so a column headed
    // with the quarter does not pass it off as the quarter's; a quarter's last month ends on
    // the quarter's day and needs no such note.
    let four_week_under_other = |row: &IndicatorRow| {
        request
            .period
            .is_some_and(|asked| asked.kind() != waymark_core::indicator::PeriodKind::FourWeek)
            && waymark_core::indicator::Period::parse(&row.period)
                .is_ok_and(|own| own.kind() == waymark_core::indicator::PeriodKind::FourWeek)
    };
    let labelled: Vec<IndicatorRow> = inputs
        .indicators
        .iter()
        .map(|row| {
            let mut row = row.clone();
            if four_week_under_other(&row) && row.actual != "Not yet available" {
                let own = row.period.split_whitespace().next().unwrap_or_default();
                row.actual = format!("{} ({own})", row.actual);
            }
            row
        })
        .collect();
    let mut other_indicators = Vec::new();
    for row in &labelled {
        match row
            .objective
            .and_then(|id| section_of.get(&ItemId(id)))
            .and_then(|index| objectives.get_mut(*index))
        {
            Some(section) => section.indicators.push(row.clone()),
            None => other_indicators.push(row.clone()),
        }
    }
    let mut performance: Vec<PerformanceGroup> = objectives
        .iter()
        .filter(|section| !section.indicators.is_empty())
        .map(|section| PerformanceGroup {
            objective: section.title.clone(),
            rows: section.indicators.clone(),
        })
        .collect();
    if !other_indicators.is_empty() {
        performance.push(PerformanceGroup {
            objective: "Other indicators".into(),
            rows: other_indicators,
        });
    }
    let local_priorities = performance
        .iter()
        .flat_map(|group| group.rows.iter().map(move |row| (group, row)))
        .filter_map(|(group, row)| {
            Some(LocalPriority {
                priority: group.objective.clone(),
                indicator: row.title.clone(),
                baseline: row.baseline.clone().unwrap_or_else(|| "N/A".into()),
                minimum: row.minimum.clone()?,
                stretch: row.stretch.clone()?,
                performance: row.actual.clone(),
                rag: row.rag.clone(),
            })
        })
        .collect();

    let changes = changes_since(inputs, since, &references);
    let completed_since_last = changes
        .iter()
        .filter(|change| change.kind == ChangeKind::Completed)
        .count();

    let plans: Vec<String> = inputs.views.iter().map(|v| v.plan.title.clone()).collect();
    let mut paper = settings.paper.clone();
    if paper.title.is_none() {
        paper.title = Some(format!("{}: progress report", plans.join(" and ")));
    }
    if paper.author.is_none() {
        paper.author = settings.author.clone();
    }
    let cover = Cover {
        organisation: settings
            .organisation_name
            .clone()
            .unwrap_or_else(|| inputs.organisation.clone()),
        logo: settings.logo.clone(),
        plan_periods: inputs
            .views
            .iter()
            .filter_map(|v| v.plan.period.clone())
            .collect(),
        plans,
        period_label: request.period_label(),
        figures_label: match request.period {
            Some(period) => period.to_string(),
            None => "Latest figure".to_string(),
        },
        as_at: format_long(request.as_at),
        as_at_iso: request.as_at.to_string(),
        known_at: request.known_at.map(|at| {
            format!(
                "{} at {} UTC",
                format_long(at.date_naive()),
                at.format("%H:%M")
            )
        }),
        author: settings.author.clone(),
        marking: Some(marking.label()),
        generated_on: format_long(request.today),
        level_names: inputs
            .views
            .first()
            .map(|v| v.plan.level_names.clone())
            .unwrap_or_default(),
    };

    let mut report = Report {
        model_version: MODEL_VERSION,
        cover,
        paper,
        summary: ExecutiveSummary {
            sentences: inputs
                .indicators
                .iter()
                .map(|row| row.sentence.clone())
                .filter(|s| !s.is_empty())
                .collect(),
            actions: counts,
            completed,
            overdue,
            completed_since_last,
            written: None,
        },
        performance,
        objectives,
        local_priorities,
        since_last: SinceLastReport {
            since: format_long(since),
            since_iso: since.to_string(),
            changes,
        },
        tracker,
        progress,
        glossary: Default::default(),
        updates_shown: settings.updates,
        appendix: None,
        legend: crate::legend::legend(
            inputs
                .indicators
                .iter()
                .filter_map(|row| Some((row.title.as_str(), row.rule.as_deref()?))),
        ),
    };
    apply_narratives(&mut report, &inputs.narratives);
    report.glossary = glossary_for(
        report_texts(&report).iter().map(String::as_str),
        &settings.glossary_definitions(),
    );
    report
}

/// Puts what people wrote in force (the newest version of each subject) into the report: the
/// written summary, and each indicator's and objective's commentary. A version that cleared
/// the text leaves the generated text in place.
fn apply_narratives(report: &mut Report, versions: &[NarrativeVersion]) {
    let mut in_force: HashMap<NarrativeSubject, &NarrativeVersion> = HashMap::new();
    for version in versions {
        in_force.insert(version.subject, version);
    }
    let written = |subject: NarrativeSubject| -> Option<WrittenText> {
        let version = in_force.get(&subject)?;
        let body = version.body.as_deref()?;
        let text = WrittenText::new(
            body,
            version.entered_by.clone(),
            format_long(version.entered_at.date_naive()),
        );
        (!text.paragraphs.is_empty()).then_some(text)
    };
    report.summary.written = written(NarrativeSubject::Summary);
    let indicator_commentary = |row: &mut IndicatorRow| {
        row.commentary = row.indicator.and_then(|id| {
            written(NarrativeSubject::Indicator(
                waymark_core::indicator::IndicatorId(id),
            ))
        });
    };
    for section in &mut report.objectives {
        section.commentary = section
            .item
            .and_then(|id| written(NarrativeSubject::Objective(ItemId(id))));
        section.indicators.iter_mut().for_each(indicator_commentary);
    }
    for group in &mut report.performance {
        group.rows.iter_mut().for_each(indicator_commentary);
    }
}

/// The items of one section: its head (the objective; none for a flat plan) and its members
/// with their depth below the head.
struct Section<'a> {
    head: Option<&'a ItemState>,
    members: Vec<(&'a ItemState, usize)>,
}

/// Splits a plan into sections: each top-level item with everything below it. A flat plan (no
/// top-level item has children, like most improvement trackers) is one section of all items.
fn sections(view: &PlanView) -> Vec<Section<'_>> {
    let flat = view
        .items
        .iter()
        .filter(|item| item.depth == 0)
        .all(|item| item.children.is_empty());
    if flat {
        return vec![Section {
            head: None,
            members: view
                .items
                .iter()
                .map(|item| (item, item.depth + 1))
                .collect(),
        }];
    }
    let mut sections: Vec<Section<'_>> = Vec::new();
    for item in &view.items {
        if item.depth == 0 {
            sections.push(Section {
                head: Some(item),
                members: Vec::new(),
            });
        } else if let Some(section) = sections.last_mut() {
            section.members.push((item, item.depth));
        }
    }
    sections
}

fn shown_updates(
    item: &ItemState,
    shown: UpdatesShown,
    period_start: NaiveDate,
    as_at: NaiveDate,
) -> Vec<UpdateEntry> {
    match shown {
        UpdatesShown::Latest => item.latest_update.iter().map(update_entry).collect(),
        UpdatesShown::Period => {
            let mut in_period: Vec<&Update> = item
                .updates
                .iter()
                .filter(|u| u.as_of >= period_start && u.as_of <= as_at)
                .collect();
            in_period.sort_by_key(|u| (u.as_of, u.entered_at, u.id));
            in_period.into_iter().map(update_entry).collect()
        }
    }
}

fn update_entry(update: &Update) -> UpdateEntry {
    UpdateEntry {
        date: format_long(update.as_of),
        date_iso: update.as_of.to_string(),
        author: update.author(),
        text: update.text.clone(),
        rag: update.proposed_rag.map(|rag| RagView::of(Some(rag))),
    }
}

fn owners(item: &ItemState) -> Option<String> {
    (!item.fields.owners.is_empty()).then(|| item.fields.owners.join(" / "))
}

fn action_row(
    item: &ItemState,
    depth: usize,
    reference: String,
    updates: Vec<UpdateEntry>,
) -> ActionRow {
    let fields = &item.fields;
    ActionRow {
        reference,
        title: fields.text.clone(),
        description: fields.description.clone(),
        depth,
        lead: fields.strategic_lead.clone(),
        owners: owners(item),
        due: fields.due_as_written(),
        due_iso: fields.due.as_ref().map(|due| due.date.to_string()),
        complete: fields.complete,
        completed_on: fields.completed_on.map(format_long),
        rag: RagView::of(fields.shown_rag()),
        flags: item.flags.iter().map(|f| f.label().to_string()).collect(),
        updates,
        marking: fields.marking.map(|m| m.label()),
        has_actions: false,
    }
}

/// Each item's effective marking: the most sensitive of its plan's, its parents' and its own.
fn item_markings(view: &PlanView) -> HashMap<ItemId, waymark_core::Classification> {
    let markings = waymark_core::effective_markings(
        view.plan.marking,
        view.items.iter().map(|i| (i.depth, i.fields.marking)),
    );
    view.items.iter().map(|i| i.id).zip(markings).collect()
}

/// The item's evidence and the state of its latest closure proposal, on its tracker row.
fn add_closure(row: &mut TrackerRow, item: ItemId, inputs: &ReportInputs) {
    row.evidence = inputs
        .evidence
        .iter()
        .filter(|e| e.item == item && e.withdrawn.is_none())
        .map(|e| EvidenceLine {
            title: e.title.clone(),
            kind: e.kind.label().to_string(),
            date: format_long(e.added_at.date_naive()),
        })
        .collect();
    row.sign_off = inputs
        .closures
        .iter()
        .rev()
        .find(|c| c.item == item)
        .map(closure_words);
}

/// "Signed off by Priya Shah (Plan manager) on 6 December 2026".
pub fn closure_words(request: &ClosureRequest) -> String {
    let by = |who: &Option<String>, capacity: &Option<String>| match (who, capacity) {
        (Some(who), Some(capacity)) => format!(" by {who} ({capacity})"),
        (Some(who), None) => format!(" by {who}"),
        _ => String::new(),
    };
    let on = request
        .decided_at
        .map(|at| format!(" on {}", format_long(at.date_naive())))
        .unwrap_or_default();
    match request.decision {
        None => "Closure proposed, awaiting sign-off".to_string(),
        Some(ClosureDecision::SignedOff) => format!(
            "Signed off{}{on}",
            by(&request.decided_by, &request.decided_as)
        ),
        Some(ClosureDecision::Refused) => format!(
            "Closure refused{}{on}: {}",
            by(&request.decided_by, &request.decided_as),
            request.reason.clone().unwrap_or_default()
        ),
    }
}

fn tracker_row(item: &ItemState, references: &HashMap<ItemId, String>) -> TrackerRow {
    let fields = &item.fields;
    let first = item
        .updates
        .iter()
        .min_by_key(|u| (u.as_of, u.entered_at, u.id));
    let latest = item.latest_update.as_ref();
    let latest_if_new = latest.filter(|latest| first.is_none_or(|first| first.id != latest.id));
    TrackerRow {
        reference: references.get(&item.id).cloned().unwrap_or_default(),
        area: fields.text.clone(),
        depth: item.depth,
        has_children: !item.children.is_empty(),
        lead: fields.strategic_lead.clone(),
        owner: owners(item),
        due: fields.due_as_written(),
        due_iso: fields.due.as_ref().map(|due| due.date.to_string()),
        initial_response: first.map(update_entry),
        latest_update: latest_if_new.map(update_entry),
        date_of_update: latest.map(|u| format_long(u.as_of)),
        complete: if fields.complete { "Yes" } else { "No" }.to_string(),
        rag: RagView::of(fields.shown_rag()),
        flags: item.flags.iter().map(|f| f.label().to_string()).collect(),
        evidence: Vec::new(),
        sign_off: None,
    }
}

/// An aim with its objectives (the items one level below it) and, as bullets, the objective's
/// own updates followed by its actions' updates.
fn progress_aim(
    view: &PlanView,
    section: &Section<'_>,
    references: &HashMap<ItemId, String>,
    shown: &dyn Fn(&ItemState) -> Vec<UpdateEntry>,
) -> ProgressAim {
    let (reference, title, rag) = match section.head {
        Some(head) => (
            references.get(&head.id).cloned(),
            head.fields.text.clone(),
            RagView::of(head.fields.shown_rag()),
        ),
        None => (None, view.plan.title.clone(), RagView::of(None)),
    };
    let mut objectives: Vec<ProgressObjective> = Vec::new();
    // The RAG of each objective's actions, for objectives that carry no RAG of their own.
    let mut action_rags: Vec<Vec<Option<Rag>>> = Vec::new();
    for (item, depth) in &section.members {
        if *depth == 1 {
            objectives.push(ProgressObjective {
                reference: references.get(&item.id).cloned(),
                title: item.fields.text.clone(),
                rag: RagView::of(item.fields.shown_rag()),
                bullets: shown(item).into_iter().map(|u| u.text).collect(),
            });
            action_rags.push(Vec::new());
        } else if let Some(objective) = objectives.last_mut() {
            for update in shown(item) {
                objective
                    .bullets
                    .push(format!("{}: {}", item.fields.text, update.text));
            }
            if item.children.is_empty()
                && let Some(rags) = action_rags.last_mut()
            {
                rags.push(item.fields.shown_rag());
            }
        }
    }
    for (objective, rags) in objectives.iter_mut().zip(&action_rags) {
        if objective.rag.key == "none"
            && let Some(rolled) = rolled_up(rags)
        {
            // Said in words, so nobody reads it as the owner's own assessment.
            objective.rag = RagView {
                word: format!("{} (from its actions)", rolled.word()),
                key: rolled.word().to_ascii_lowercase(),
            };
        }
    }
    ProgressAim {
        reference,
        title,
        rag,
        objectives,
    }
}

/// The RAG an objective without its own takes from its actions: Blue when all are complete,
/// otherwise the worst of those not complete; none when no action is assessed. Worst rather than
/// most common, because a board wants to see the Red.
fn rolled_up(rags: &[Option<Rag>]) -> Option<Rag> {
    let assessed: Vec<Rag> = rags.iter().flatten().copied().collect();
    if assessed.is_empty() {
        return None;
    }
    assessed
        .iter()
        .copied()
        .filter(|rag| *rag != Rag::Blue)
        .min_by_key(|rag| rag.severity())
        .or(Some(Rag::Blue))
}

/// What changed after `since` and on or before the report date: RAG changes, completions,
/// actions newly overdue, items added and indicators whose RAG changed. Newest first.
fn changes_since(
    inputs: &ReportInputs,
    since: NaiveDate,
    references: &HashMap<ItemId, String>,
) -> Vec<ChangeEntry> {
    let as_at = inputs.request.as_at;
    let mut changes = Vec::new();
    for (view, before) in inputs.views.iter().zip(&inputs.previous) {
        for item in &view.items {
            let change = ItemChange { item, references };
            let now_rag = item.fields.shown_rag();
            let Some(old) = before.item(item.id) else {
                if item.exists_from > since {
                    changes.push(change.entry(
                        item.exists_from,
                        ChangeKind::Added,
                        None,
                        format!("Added on {}", format_long(item.exists_from)),
                    ));
                }
                if item.flags.contains(&Flag::Overdue) {
                    changes.push(change.newly_overdue());
                }
                continue;
            };
            let was = RagView::of(old.fields.shown_rag());
            if item.fields.complete && !old.fields.complete {
                let day = item.fields.completed_on.unwrap_or(item.changed_on);
                let day = if day > since && day <= as_at {
                    day
                } else {
                    item.changed_on
                };
                changes.push(change.entry(
                    day,
                    ChangeKind::Completed,
                    Some(was),
                    format!("Completed on {}", format_long(day)),
                ));
            } else if old.fields.shown_rag() != now_rag {
                // The day of the last RAG change in the window, from the item's history.
                let when = inputs
                    .rag_changes
                    .get(&item.id)
                    .and_then(|history| {
                        history
                            .iter()
                            .rev()
                            .find(|c| c.effective > since && c.effective <= as_at)
                    })
                    .map(|c| c.effective)
                    .unwrap_or(item.changed_on);
                let detail = format!("{} to {}", was.word, RagView::of(now_rag).word);
                changes.push(change.entry(when, ChangeKind::RagChanged, Some(was), detail));
            }
            if item.flags.contains(&Flag::Overdue) && !old.flags.contains(&Flag::Overdue) {
                changes.push(change.newly_overdue());
            }
        }
    }
    for row in &inputs.indicators {
        let Some(previous) = &row.previous_rag else {
            continue;
        };
        if previous.key == "none" || row.rag.key == "none" || previous.key == row.rag.key {
            continue;
        }
        let date = row.period_end_iso.parse::<NaiveDate>().unwrap_or(as_at);
        changes.push(ChangeEntry {
            date: format_long(date),
            date_iso: date.to_string(),
            kind: ChangeKind::IndicatorRagChanged,
            kind_label: ChangeKind::IndicatorRagChanged.label().to_string(),
            reference: None,
            title: row.title.clone(),
            from: Some(previous.clone()),
            to: Some(row.rag.clone()),
            detail: format!("{} to {} ({})", previous.word, row.rag.word, row.period),
        });
    }
    changes.sort_by(|a, b| {
        b.date_iso
            .cmp(&a.date_iso)
            .then(a.kind.cmp(&b.kind))
            .then(a.reference.cmp(&b.reference))
    });
    changes
}

/// A change to one item, for [`changes_since`].
struct ItemChange<'a> {
    item: &'a ItemState,
    references: &'a HashMap<ItemId, String>,
}

impl ItemChange<'_> {
    fn entry(
        &self,
        date: NaiveDate,
        kind: ChangeKind,
        from: Option<RagView>,
        detail: String,
    ) -> ChangeEntry {
        ChangeEntry {
            date: format_long(date),
            date_iso: date.to_string(),
            kind,
            kind_label: kind.label().to_string(),
            reference: self.references.get(&self.item.id).cloned(),
            title: self.item.fields.text.clone(),
            from,
            to: Some(RagView::of(self.item.fields.shown_rag())),
            detail,
        }
    }

    fn newly_overdue(&self) -> ChangeEntry {
        // An action becomes overdue the day after it was due.
        let (day, detail) = match &self.item.fields.due {
            Some(due) => (
                due.date.checked_add_days(Days::new(1)).unwrap_or(due.date),
                format!("Was due {due}"),
            ),
            None => (self.item.changed_on, "Past its due date".to_string()),
        };
        self.entry(day, ChangeKind::NewlyOverdue, None, detail)
    }
}

/// Every piece of text a reader sees, for the glossary.
fn report_texts(report: &Report) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    texts.extend(report.cover.plans.iter().cloned());
    texts.extend(report.cover.author.iter().cloned());
    let paper = &report.paper;
    for text in [
        &paper.title,
        &paper.purpose,
        &paper.background,
        &paper.sponsor,
        &paper.meeting,
    ]
    .into_iter()
    .flatten()
    {
        texts.push(text.clone());
    }
    texts.extend(paper.recommendations.iter().cloned());
    texts.extend(report.summary.sentences.iter().cloned());
    if let Some(written) = &report.summary.written {
        texts.extend(written.paragraphs.iter().cloned());
    }
    for section in &report.objectives {
        texts.push(section.title.clone());
        for written in section.commentary.iter().chain(
            section
                .indicators
                .iter()
                .filter_map(|row| row.commentary.as_ref()),
        ) {
            texts.extend(written.paragraphs.iter().cloned());
        }
        for row in &section.indicators {
            texts.push(row.title.clone());
        }
        for action in &section.actions {
            texts.push(action.title.clone());
            texts.extend(action.description.iter().cloned());
            texts.extend(action.lead.iter().cloned());
            texts.extend(action.owners.iter().cloned());
            for update in &action.updates {
                texts.push(update.text.clone());
                texts.extend(update.author.iter().cloned());
            }
        }
    }
    for group in &report.performance {
        for row in &group.rows {
            texts.push(row.title.clone());
            texts.push(row.sentence.clone());
        }
    }
    for row in &report.tracker {
        for update in row.initial_response.iter().chain(&row.latest_update) {
            texts.push(update.text.clone());
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_period_report_counts_changes_since_the_previous_period() {
        let period = Period::parse("Q2 2008-09").unwrap();
        let request = ReportRequest::for_period(PlanId(1), period, day(2008, 10, 20));
        assert_eq!(request.as_at, day(2008, 9, 30));
        assert_eq!(request.since_day(), day(2008, 6, 30));
        assert_eq!(request.period_start(), day(2008, 7, 1));
        assert_eq!(request.period_label(), "Q2 2008-09");
    }

    #[test]
    fn an_as_at_report_looks_back_three_months_by_default() {
        let request = ReportRequest::as_at(PlanId(1), day(2015, 1, 8), day(2015, 1, 9));
        assert_eq!(request.since_day(), day(2014, 10, 8));
        assert_eq!(request.period_label(), "As at 8 January 2015");
    }

    #[test]
    fn an_objective_without_a_rag_takes_the_worst_of_its_open_actions() {
        use Rag::{Amber, Blue, Green, Red};
        assert_eq!(rolled_up(&[Some(Green), Some(Red), Some(Blue)]), Some(Red));
        assert_eq!(rolled_up(&[Some(Green), None, Some(Amber)]), Some(Amber));
        assert_eq!(rolled_up(&[Some(Blue), Some(Blue)]), Some(Blue));
        assert_eq!(rolled_up(&[None, None]), None);
    }

    /// A 1 × 1 PNG.
    const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\x9c\x63\x90\x2d\xd8\xf1\x1f\x00\x04\x38\x02\x45\xc4\x1d\x2b\xc2\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

    #[test]
    fn logos_must_be_png_or_svg() {
        let logo = Logo::from_bytes(PNG).unwrap();
        assert_eq!(logo.media_type, "image/png");
        assert_eq!(logo.bytes().unwrap(), PNG);
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;
        assert_eq!(Logo::from_bytes(svg).unwrap().extension(), "svg");
        assert!(Logo::from_bytes(b"GIF89a").is_err());
    }

    #[test]
    fn a_logo_that_cannot_be_drawn_is_refused_with_the_reason() {
        let message = |bytes: &[u8]| Logo::from_bytes(bytes).unwrap_err().to_string();
        assert_eq!(
            message(b"\x89PNG\r\n\x1a\nrest"),
            "The logo is not a PNG image that can be read"
        );
        assert!(
            message(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect")
                .starts_with("The logo is not an SVG image that can be read")
        );
        let linked = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="https://example.com/crest.png" width="10" height="10"/></svg>"#;
        assert!(message(linked).starts_with("The logo must not link to other files"));
    }

    #[test]
    fn stored_settings_become_report_settings() {
        let stored = ReportSettingsFields {
            organisation_name: Some("Northshire Police".into()),
            author: Some("Head of Performance".into()),
            paper_title: Some("Delivery plan: year end".into()),
            recommendations: vec!["Note the progress".into()],
            for_decision: true,
            sponsor: Some("Deputy Chief Constable".into()),
            logo: Some(waymark_store::StoredLogo {
                media_type: "image/png".into(),
                bytes: PNG.to_vec(),
            }),
            ..ReportSettingsFields::default()
        };
        let settings = ReportSettings::from_stored(&stored);
        assert_eq!(
            settings.organisation_name.as_deref(),
            Some("Northshire Police")
        );
        assert_eq!(
            settings.paper.title.as_deref(),
            Some("Delivery plan: year end")
        );
        assert_eq!(settings.paper.for_label(), "For: Decision");
        assert_eq!(
            settings.paper.sponsor.as_deref(),
            Some("Deputy Chief Constable")
        );
        assert_eq!(settings.logo.unwrap().media_type, "image/png");
        let gif = ReportSettingsFields {
            logo: Some(waymark_store::StoredLogo {
                media_type: "image/gif".into(),
                bytes: b"GIF89a".to_vec(),
            }),
            ..ReportSettingsFields::default()
        };
        assert_eq!(ReportSettings::from_stored(&gif).logo, None);
    }

    #[test]
    fn settings_read_from_json_and_refuse_unknown_keys() {
        let settings: ReportSettings = serde_json::from_str(
            r#"{"organisation_name": "Northshire Police", "paper": {"for_decision": true,
                "recommendations": ["Note the progress"]}, "glossary": {"NSP": "Northshire Police"}}"#,
        )
        .unwrap();
        assert_eq!(settings.paper.for_label(), "For: Decision");
        assert!(serde_json::from_str::<ReportSettings>(r#"{"colour": "red"}"#).is_err());
    }
}
