//! The report model: plain values with every date, figure and RAG already in words, so each
//! renderer only lays them out. It serialises to the JSON that the typst templates read and
//! that a published report stores, so it also deserialises: a published report is re-rendered
//! from its stored JSON and reads the same for ever.

use serde::{Deserialize, Serialize};
use waymark_core::Rag;

use crate::chart::TrendChart;

/// Bumped when a field changes meaning, so stored JSON of an older shape can be recognised.
pub const MODEL_VERSION: u32 = 1;

/// A whole report: every section of every layout. Layouts choose which sections to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub model_version: u32,
    pub cover: Cover,
    /// The cover paper's words (the end-of-year progress paper).
    pub paper: CoverPaper,
    pub summary: ExecutiveSummary,
    /// The performance summary table, grouped by the objective each indicator serves.
    pub performance: Vec<PerformanceGroup>,
    /// Part 1 and Part 2: per objective, its indicators and its actions.
    pub objectives: Vec<ObjectiveSection>,
    /// Indicators with minimum and stretch targets (APACS local priorities).
    pub local_priorities: Vec<LocalPriority>,
    pub since_last: SinceLastReport,
    /// Every item in plan order, as the improvement-plan tracker lists them.
    pub tracker: Vec<TrackerRow>,
    /// Aims, their objectives and progress bullets, for the strategic plan progress paper.
    pub progress: Vec<ProgressAim>,
    pub glossary: Glossary,
    /// How updates were chosen: "latest" or "period".
    pub updates_shown: UpdatesShown,
    /// The items marked above the body's marking, in an appendix marked apart, so that the
    /// body can go to a wider audience without them. `None`: every item is in the body.
    #[serde(default)]
    pub appendix: Option<SensitiveAppendix>,
    /// The RAG legend of the indicator tables, from the rules applied (empty in reports
    /// published before it was built from them, which print the default rule).
    #[serde(default)]
    pub legend: Vec<crate::legend::LegendLine>,
}

/// The items of a report kept out of its body because they are marked above it: printed on
/// pages of their own, under their own marking at the top and bottom of each page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitiveAppendix {
    /// The appendix's marking: "OFFICIAL-SENSITIVE".
    pub marking: String,
    /// The body's marking, which the appendix's pages say they are kept apart from.
    pub body_marking: String,
    /// The sensitive items in plan order, as the tracker lists items.
    pub rows: Vec<TrackerRow>,
}

/// What the cover and every page header say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    pub organisation: String,
    pub logo: Option<Logo>,
    /// The plans reported on, by title.
    pub plans: Vec<String>,
    /// The plans' own periods where set ("2008-09").
    pub plan_periods: Vec<String>,
    /// "Q2 2008-09", or "As at 8 January 2015".
    pub period_label: String,
    /// The heading of the column of indicator figures: the period ("Q2 2008-09"), or "Latest
    /// figure" for a report as at a day, whose indicators each show their last period ended.
    pub figures_label: String,
    /// "8 January 2015".
    pub as_at: String,
    pub as_at_iso: String,
    /// Set when the report is frozen at an instant (published): "8 January 2015 at 14:05 UTC".
    pub known_at: Option<String>,
    pub author: Option<String>,
    /// The highest protective marking any item carries, such as "OFFICIAL-SENSITIVE".
    pub marking: Option<String>,
    /// The day the report was produced.
    pub generated_on: String,
    /// The names of the plan's levels, top first: "Strategic objective", "Delivery plan action".
    pub level_names: Vec<String>,
}

/// An organisation's logo. Held as base64 so the model stays plain JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    /// "image/png" or "image/svg+xml".
    pub media_type: String,
    pub base64: String,
}

/// The words of a cover paper, which an organisation sets without touching code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CoverPaper {
    /// The meeting the paper goes to: "Police and Crime Panel, 12 June 2026".
    pub meeting: Option<String>,
    /// Defaults to the plan's title and "progress at year end".
    pub title: Option<String>,
    pub purpose: Option<String>,
    pub background: Option<String>,
    pub recommendations: Vec<String>,
    /// True for "For: Decision", false for "For: Information".
    pub for_decision: bool,
    pub sponsor: Option<String>,
    pub author: Option<String>,
}

impl CoverPaper {
    /// "For: Decision" or "For: Information".
    pub fn for_label(&self) -> &'static str {
        if self.for_decision {
            "For: Decision"
        } else {
            "For: Information"
        }
    }
}

/// Which updates each action shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdatesShown {
    /// The latest update as at the report date (seed 004's one narrative per action).
    #[default]
    Latest,
    /// Every update dated in the reporting period, oldest first.
    Period,
}

/// A RAG status ready to print: always the word, and a key the templates colour by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagView {
    /// "Red", "Amber", "Green", "Blue", or the reason there is none ("Not assessed").
    pub word: String,
    /// "red", "amber", "green", "blue" or "none".
    pub key: String,
}

impl RagView {
    pub fn of(rag: Option<Rag>) -> RagView {
        match rag {
            Some(rag) => RagView {
                word: rag.word().to_string(),
                key: rag.word().to_ascii_lowercase(),
            },
            None => RagView::none("Not assessed"),
        }
    }

    /// No RAG, with the reason in words: "Not assessed", "Not yet available", "No target".
    pub fn none(word: &str) -> RagView {
        RagView {
            word: word.to_string(),
            key: "none".to_string(),
        }
    }

    /// Fill and text colours, shared by the renderers so every format colours alike. GOV.UK
    /// palette; dark text on amber and grey, white on the others, all above 4.5:1 contrast.
    pub fn colours(&self) -> (&'static str, &'static str) {
        rag_colours(&self.key)
    }
}

/// (fill, text) for a RAG key, as CSS hex colours.
pub fn rag_colours(key: &str) -> (&'static str, &'static str) {
    match key {
        "red" => ("#d4351c", "#ffffff"),
        "amber" => ("#f47738", "#0b0c0c"),
        "green" => ("#00703c", "#ffffff"),
        "blue" => ("#1d70b8", "#ffffff"),
        _ => ("#dddddd", "#0b0c0c"),
    }
}

/// The executive summary: what the indicators say and how the actions stand.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ExecutiveSummary {
    /// One sentence per indicator, in plan order.
    pub sentences: Vec<String>,
    pub actions: RagCounts,
    /// Actions complete as at the report date.
    pub completed: usize,
    /// Actions past their due date and not complete.
    pub overdue: usize,
    /// Actions completed since the last report.
    pub completed_since_last: usize,
    /// The summary the performance team wrote for the period, printed in place of the
    /// generated sentences, which are then left out. `None`: the sentences are printed, marked
    /// as generated from the data.
    #[serde(default)]
    pub written: Option<WrittenText>,
}

/// Text a person wrote for the report's period, with who and when, so a reader can tell it
/// from what Waymark generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenText {
    /// Paragraphs, split on blank lines.
    pub paragraphs: Vec<String>,
    pub by: Option<String>,
    /// "8 October 2008".
    pub on: String,
}

impl WrittenText {
    /// Written text from what was saved: paragraphs split on blank lines, each line break
    /// inside a paragraph kept as a space.
    pub fn new(body: &str, by: Option<String>, on: String) -> WrittenText {
        let paragraphs = body
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        WrittenText { paragraphs, by, on }
    }

    /// "Written by Pat Performance on 8 October 2008".
    pub fn credit(&self) -> String {
        match &self.by {
            Some(by) => format!("Written by {by} on {}", self.on),
            None => format!("Written on {}", self.on),
        }
    }
}

/// Actions (items with no children) by the RAG they show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RagCounts {
    pub red: usize,
    pub amber: usize,
    pub green: usize,
    pub blue: usize,
    pub not_assessed: usize,
    pub total: usize,
}

impl RagCounts {
    pub fn add(&mut self, rag: Option<Rag>) {
        match rag {
            Some(Rag::Red) => self.red += 1,
            Some(Rag::Amber) => self.amber += 1,
            Some(Rag::Green) => self.green += 1,
            Some(Rag::Blue) => self.blue += 1,
            None => self.not_assessed += 1,
        }
        self.total += 1;
    }

    /// (RAG, count) pairs in the order reports list them, for tables.
    pub fn rows(&self) -> Vec<(RagView, usize)> {
        vec![
            (RagView::of(Some(Rag::Red)), self.red),
            (RagView::of(Some(Rag::Amber)), self.amber),
            (RagView::of(Some(Rag::Green)), self.green),
            (RagView::of(Some(Rag::Blue)), self.blue),
            (RagView::of(None), self.not_assessed),
        ]
    }
}

/// One indicator as a report prints it. This is also the builder's input for indicators: fill
/// it from `waymark_core::indicator::evaluate` with [`IndicatorRow::from_evaluation`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    /// The objective item the indicator serves; `None` puts it under "Other indicators".
    pub objective: Option<i64>,
    pub title: String,
    /// The annual target, unit-formatted: "80%", "£3,000,000", "N/A" with no target.
    pub target: String,
    /// The period's figure: "80.1%", or "Not yet available".
    pub actual: String,
    /// The same period last year, where known.
    pub last_year: Option<String>,
    pub rag: RagView,
    /// The sentence from the data: "Overall satisfaction … has reached 80.1%, achieving …".
    pub sentence: String,
    pub baseline: Option<String>,
    pub minimum: Option<String>,
    pub stretch: Option<String>,
    pub forecast: Option<String>,
    /// The RAG of the previous period, for "since the last report".
    pub previous_rag: Option<RagView>,
    /// The period the figure is for: "Q2 2008-09".
    pub period: String,
    /// The last day of that period, ISO, used to date an indicator's RAG change.
    pub period_end_iso: String,
    /// The year's figures as a trend chart, when there is anything to draw. Absent from reports
    /// published before charts were added, which therefore still read as they did.
    #[serde(default)]
    pub chart: Option<TrendChart>,
    /// The indicator's id, which its commentary is written against; absent from reports
    /// published before commentary was added.
    #[serde(default)]
    pub indicator: Option<i64>,
    /// The owner's commentary for the period, printed under the generated sentence.
    #[serde(default)]
    pub commentary: Option<WrittenText>,
    /// The target the RAG was judged against when it differs from the annual target (a
    /// cumulative target profiled to the period: "£1,500,000" of "£3,000,000").
    #[serde(default)]
    pub period_target: Option<String>,
    /// The RAG rule applied, in the words of the legend.
    #[serde(default)]
    pub rule: Option<String>,
    /// The figures as numbers, for spreadsheets to hold as numbers.
    #[serde(default)]
    pub figures: Option<RowFigures>,
}

/// An indicator row's figures as numbers in the unit people read (pounds, not pence; 80.1 for
/// 80.1%), with the unit, so a spreadsheet writes numeric cells formatted to match the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowFigures {
    /// "percent", "count", "money", "days" or "rate".
    pub unit: String,
    pub annual_target: Option<f64>,
    pub period_target: Option<f64>,
    pub actual: Option<f64>,
    pub last_year: Option<f64>,
    pub forecast: Option<f64>,
}

/// One objective's rows of the performance summary table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceGroup {
    pub objective: String,
    pub rows: Vec<IndicatorRow>,
}

/// One objective (a top-level item): its indicators (Part 1) and its actions (Part 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveSection {
    /// 1, 2, 3 … in plan order, as seed 004 numbers its objectives.
    pub number: usize,
    pub reference: Option<String>,
    pub title: String,
    pub rag: RagView,
    pub indicators: Vec<IndicatorRow>,
    pub actions: Vec<ActionRow>,
    /// The objective's item id (none for a flat plan's one section).
    #[serde(default)]
    pub item: Option<i64>,
    /// The owner's commentary on the objective for the period.
    #[serde(default)]
    pub commentary: Option<WrittenText>,
}

/// One action (any item below an objective) with its updates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRow {
    /// The reference as users write it, else "1.3" from its position.
    pub reference: String,
    pub title: String,
    pub description: Option<String>,
    /// 1 for an objective's own actions, 2 for theirs, and so on.
    pub depth: usize,
    pub lead: Option<String>,
    /// Owner posts joined with " / ".
    pub owners: Option<String>,
    pub due: Option<String>,
    /// The due date used for sorting and overdue checks (ISO), for spreadsheets' date cells.
    #[serde(default)]
    pub due_iso: Option<String>,
    pub complete: bool,
    pub completed_on: Option<String>,
    pub rag: RagView,
    /// Data-quality flags in words: "Overdue", "No due date".
    pub flags: Vec<String>,
    /// The latest update, or every update in the period; see [`Report::updates_shown`].
    pub updates: Vec<UpdateEntry>,
    pub marking: Option<String>,
    /// True for an objective with actions of its own below it, whose progress is theirs.
    #[serde(default)]
    pub has_actions: bool,
}

/// A dated progress update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateEntry {
    /// "8 January 2015".
    pub date: String,
    pub date_iso: String,
    /// "Contact Handling Manager (J. Smith)".
    pub author: Option<String>,
    pub text: String,
    pub rag: Option<RagView>,
}

/// An indicator with minimum and stretch targets: seed 004's APACS local priorities table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalPriority {
    pub priority: String,
    pub indicator: String,
    pub baseline: String,
    pub minimum: String,
    pub stretch: String,
    pub performance: String,
    pub rag: RagView,
}

/// What changed between the last report and this one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SinceLastReport {
    /// The day of the last report: changes after it and on or before the report date count.
    pub since: String,
    pub since_iso: String,
    /// Newest first.
    pub changes: Vec<ChangeEntry>,
}

/// One change since the last report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub date: String,
    pub date_iso: String,
    pub kind: ChangeKind,
    /// "RAG changed", "Completed", "Newly overdue", "Indicator RAG changed", "Added".
    pub kind_label: String,
    pub reference: Option<String>,
    pub title: String,
    pub from: Option<RagView>,
    pub to: Option<RagView>,
    /// A sentence for readers: "Amber to Red", "Was due 31 March 2015".
    pub detail: String,
}

/// The kinds of change the "since the last report" section lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    RagChanged,
    Completed,
    NewlyOverdue,
    IndicatorRagChanged,
    Added,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::RagChanged => "RAG changed",
            ChangeKind::Completed => "Completed",
            ChangeKind::NewlyOverdue => "Newly overdue",
            ChangeKind::IndicatorRagChanged => "Indicator RAG changed",
            ChangeKind::Added => "Added",
        }
    }
}

/// One row of the improvement-plan tracker (seed 000's columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackerRow {
    pub reference: String,
    /// The item's text: the area for improvement or the action.
    pub area: String,
    pub depth: usize,
    /// True for a recommendation or objective with actions below it: a group row.
    pub has_children: bool,
    pub lead: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    /// The due date used for sorting and overdue checks (ISO), for spreadsheets' date cells.
    #[serde(default)]
    pub due_iso: Option<String>,
    /// The first update: the initial response.
    pub initial_response: Option<UpdateEntry>,
    /// The latest update, when it is not also the initial response.
    pub latest_update: Option<UpdateEntry>,
    /// The date of the latest update.
    pub date_of_update: Option<String>,
    /// "Yes" or "No".
    pub complete: String,
    pub rag: RagView,
    pub flags: Vec<String>,
    /// The evidence kept on the item, within the reader's ceiling, oldest first.
    #[serde(default)]
    pub evidence: Vec<EvidenceLine>,
    /// The closure's sign-off: "Signed off by … on …", "Closure proposed, awaiting sign-off",
    /// or a refusal; `None` where no closure was proposed.
    #[serde(default)]
    pub sign_off: Option<String>,
}

/// One piece of evidence as a report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceLine {
    pub title: String,
    /// "File" or "Link".
    pub kind: String,
    /// "6 December 2026".
    pub date: String,
}

impl TrackerRow {
    /// The evidence in one line each: "Audit report (File, 6 December 2026)".
    pub fn evidence_lines(&self) -> Vec<String> {
        self.evidence
            .iter()
            .map(|e| format!("{} ({}, {})", e.title, e.kind, e.date))
            .collect()
    }
}

/// A strategic aim in the progress paper's appendix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressAim {
    pub reference: Option<String>,
    pub title: String,
    pub rag: RagView,
    pub objectives: Vec<ProgressObjective>,
}

/// An objective under an aim, with its progress as bullets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressObjective {
    pub reference: Option<String>,
    pub title: String,
    pub rag: RagView,
    pub bullets: Vec<String>,
}

/// The acronyms the report uses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Glossary {
    /// Used and defined, alphabetical.
    pub entries: Vec<GlossaryEntry>,
    /// Used but defined nowhere: for the report's editor to add to the organisation glossary.
    pub undefined: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaryEntry {
    pub term: String,
    pub meaning: String,
}
