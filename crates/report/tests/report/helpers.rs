//! The store fixture: seed 004's Part 2 (seven strategic objectives, their delivery plan actions
//! with RAG, Orange meaning Amber, and narrative updates) kept in Waymark over two quarters, plus
//! two indicators, in a fresh SQLite file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use waymark_core::indicator::{
    Calendar, Direction, Figure, Indicator, IndicatorId, MeasureType, Measurement, Period, Unit,
    Wording,
};
use waymark_core::{FlexDate, ItemFields, ItemId, Marking, Organisation, Plan, PlanKind, Rag};
use waymark_core::{PlanId, UpdateCycle};
use waymark_report::{Report, ReportRequest, ReportSettings};
use waymark_store::{
    ChangeSet, ItemRef, NewIndicator, NewItem, NewMeasurement, NewPlan, NewUpdate, NewVersion,
    Scope, Store,
};

const SEED_004_PART_2: &str = include_str!("fixtures/seed004_part2.tsv");

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

pub struct Fixture {
    pub store: Store,
    pub org: Organisation,
    pub plan: Plan,
    /// Item ids by reference ("1", "1.1").
    pub items: HashMap<String, ItemId>,
    pub fields: HashMap<String, ItemFields>,
    _dir: tempfile::TempDir,
}

/// When the second quarter's updates were entered.
pub fn q2_entered() -> DateTime<Utc> {
    at(2008, 10, 10)
}

/// Seed 004's delivery plan, kept in Waymark since April 2008:
/// - entered 5 July 2008: every objective and action (due 31 March 2009, Green), and a Q1
///   update on a few actions dated 30 June 2008;
/// - entered 10 October 2008: the RAG of seed 004's Q2 report and its narrative, dated 30
///   September 2008; action 4.3 complete on 15 September; action 1.4 due 31 August 2008 (so
///   overdue by the end of the quarter); action 4.6 marked OFFICIAL-SENSITIVE.
pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite_file(&dir.path().join("waymark.db"))
        .await
        .unwrap();
    let org = store
        .create_organisation("TVP", "Thames Valley Police")
        .await
        .unwrap();
    let plan = store
        .create_plan(&NewPlan {
            org: org.id,
            kind: PlanKind::Delivery,
            title: "Annual Delivery Plan".into(),
            period: Some("2008-09".into()),
            level_names: PlanKind::Delivery.default_levels(),
            owner_posts: vec!["Deputy Chief Constable".into()],
            source: None,
            update_cycle: UpdateCycle::Quarterly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await
        .unwrap();

    struct Row {
        kind: String,
        reference: String,
        text: String,
        rag: Option<Rag>,
        narrative: String,
    }
    let rows: Vec<Row> = SEED_004_PART_2
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            Row {
                kind: cells[0].into(),
                reference: cells[1].into(),
                text: cells[2].into(),
                // The seed writes "Orange" for Amber.
                rag: Rag::parse(cells.get(3).copied().unwrap_or("")).unwrap(),
                narrative: cells.get(4).copied().unwrap_or("").into(),
            }
        })
        .collect();

    let mut first = ChangeSet::new(org.id, plan.id);
    first.entered_at = Some(at(2008, 7, 5));
    let mut fields = HashMap::new();
    let mut objective_index = 0;
    let mut position = 0;
    for row in &rows {
        if row.kind == "objective" {
            position = 0;
            objective_index = first.new_items.len();
            let item = ItemFields {
                position: objective_index as i64,
                reference: Some(row.reference.clone()),
                text: row.text.clone(),
                ..ItemFields::default()
            };
            fields.insert(row.reference.clone(), item.clone());
            first.new_items.push(NewItem {
                parent: None,
                fields: item,
                effective: day(2008, 4, 1),
            });
        } else {
            position += 1;
            let item = ItemFields {
                position,
                reference: Some(row.reference.clone()),
                text: row.text.clone(),
                owners: vec!["Head of Local Policing".into()],
                strategic_lead: Some("ACC Operations".into()),
                due: Some(FlexDate::exact(day(2009, 3, 31))),
                rag: Some(Rag::Green),
                ..ItemFields::default()
            };
            fields.insert(row.reference.clone(), item.clone());
            first.new_items.push(NewItem {
                parent: Some(ItemRef::New(objective_index)),
                fields: item,
                effective: day(2008, 4, 1),
            });
            if row.reference.ends_with(".1") {
                first.updates.push(NewUpdate {
                    item: ItemRef::New(first.new_items.len() - 1),
                    as_of: day(2008, 6, 30),
                    author_person: None,
                    author_post: Some("Head of Local Policing".into()),
                    text: format!("Q1: work on action {} has started.", row.reference),
                    proposed_rag: Some(Rag::Green),
                    supersedes: None,
                });
            }
        }
    }
    let applied = store.apply_changes(&first).await.unwrap();
    let items: HashMap<String, ItemId> = rows
        .iter()
        .zip(&applied.item_ids)
        .map(|(row, id)| (row.reference.clone(), *id))
        .collect();

    let mut second = ChangeSet::new(org.id, plan.id);
    second.entered_at = Some(q2_entered());
    for row in rows.iter().filter(|row| row.kind == "action") {
        let id = items[&row.reference];
        let parent = items[row.reference.split('.').next().unwrap()];
        let mut item = fields[&row.reference].clone();
        item.rag = row.rag;
        if row.reference == "4.3" {
            item.complete = true;
            item.completed_on = Some(day(2008, 9, 15));
        }
        if row.reference == "1.4" {
            item.due = Some(FlexDate::exact(day(2008, 8, 31)));
        }
        if row.reference == "4.6" {
            item.marking = Some(waymark_core::Classification::new(
                Marking::OfficialSensitive,
            ));
        }
        fields.insert(row.reference.clone(), item.clone());
        second.versions.push(NewVersion {
            item: id,
            parent: Some(ItemRef::Existing(parent)),
            fields: item,
            effective: day(2008, 9, 30),
            reason: Some("Q2 report".into()),
        });
        second.updates.push(NewUpdate {
            item: ItemRef::Existing(id),
            as_of: day(2008, 9, 30),
            author_person: None,
            author_post: Some("Head of Local Policing".into()),
            text: row.narrative.clone(),
            proposed_rag: row.rag,
            supersedes: None,
        });
    }
    store.apply_changes(&second).await.unwrap();

    add_indicators(&store, &org, &plan, items["1"], items["4"]).await;

    Fixture {
        store,
        org,
        plan,
        items,
        fields,
        _dir: dir,
    }
}

/// Seed 004's special constables (objective 1) and confiscation orders (objective 4).
async fn add_indicators(
    store: &Store,
    org: &Organisation,
    plan: &Plan,
    objective_1: ItemId,
    objective_4: ItemId,
) {
    let mut constables = Indicator::new(
        IndicatorId(0),
        "Increase the number of special constables by March 2009",
        Wording::new("the number of special constables"),
        Unit::Count,
        Direction::HigherIsBetter,
        MeasureType::Level,
        Calendar::Quarterly,
    );
    constables.objective = Some(objective_1);
    constables.annual_target = Some(Figure::whole(300));
    constables.baseline = Some(Figure::whole(246));
    constables.minimum = Some(Figure::whole(273));
    constables.stretch = Some(Figure::whole(300));
    let mut confiscation = Indicator::new(
        IndicatorId(0),
        "The minimum value of confiscation orders",
        Wording::new("the value of confiscation orders"),
        Unit::Money,
        Direction::HigherIsBetter,
        MeasureType::Cumulative,
        Calendar::Quarterly,
    );
    confiscation.objective = Some(objective_4);
    confiscation.annual_target = Some(Figure::from_pence(300_000_000));

    let mut ids = Vec::new();
    for (position, indicator) in [constables, confiscation].into_iter().enumerate() {
        let stored = store
            .create_indicator(&NewIndicator {
                org: org.id,
                plan: plan.id,
                indicator,
                owner_post: Some("Head of Performance".into()),
                position: position as i64,
            })
            .await
            .unwrap();
        ids.push(stored.indicator.id);
    }
    let year = waymark_core::indicator::FinancialYear::starting(2008).unwrap();
    let q1 = Period::quarter(year, 1).unwrap();
    let q2 = Period::quarter(year, 2).unwrap();
    let entries = [
        (
            ids[0],
            Measurement::new(q1, Figure::whole(248)),
            at(2008, 7, 5),
        ),
        (
            ids[0],
            Measurement::new(q2, Figure::whole(280)).with_last_year(Figure::whole(265)),
            q2_entered(),
        ),
        (
            ids[1],
            Measurement::new(q1, Figure::from_pence(90_000_000)),
            at(2008, 7, 5),
        ),
        (
            ids[1],
            Measurement::new(q2, Figure::from_pence(210_974_700)),
            q2_entered(),
        ),
    ];
    for (indicator, measurement, entered) in entries {
        store
            .record_measurement(
                Scope::All,
                &NewMeasurement {
                    indicator,
                    measurement,
                    entered_by: "Performance team".into(),
                    entered_at: Some(entered),
                    reason: None,
                },
            )
            .await
            .unwrap();
    }
}

impl Fixture {
    pub fn request_q2(&self) -> ReportRequest {
        ReportRequest::for_period(
            self.plan.id,
            Period::parse("Q2 2008-09").unwrap(),
            day(2008, 10, 20),
        )
    }

    pub async fn report(&self, request: ReportRequest) -> Report {
        let source = StoreSource(&self.store);
        waymark_report::build_from_source(&source, request, &settings())
            .await
            .unwrap()
    }

    pub fn plan_id(&self) -> PlanId {
        self.plan.id
    }
}

pub fn settings() -> ReportSettings {
    let mut settings = ReportSettings {
        author: Some("Head of Performance and Planning".into()),
        ..ReportSettings::default()
    };
    settings
        .glossary
        .insert("TVP".into(), "Thames Valley Police".into());
    settings
}

/// The text of a PDF, one string per page, from poppler's `pdftotext`; `None` where it is not
/// installed (the check is skipped with the reason printed, or fails under CI).
pub fn pdf_pages(pdf: &[u8], name: &str) -> Option<Vec<String>> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("waymark-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let output = match Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) if output.status.success() => output,
        Ok(output) => panic!(
            "pdftotext could not read {name}.pdf: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(_) => {
            waymark_testing::missing("the program `pdftotext`", "apt-get install poppler-utils");
            return None;
        }
    };
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// A PDF's page size in points, from `pdfinfo`; `None` where it is not installed (as
/// `pdf_pages`).
pub fn pdf_page_size(pdf: &[u8], name: &str) -> Option<(f64, f64)> {
    let path = temp_file(name, "pdf", pdf);
    let output = match Command::new("pdfinfo").arg(&path).output() {
        Ok(output) => output,
        Err(_) => {
            waymark_testing::missing("the program `pdfinfo`", "apt-get install poppler-utils");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.starts_with("Page size:"))?;
    let mut numbers = line
        .split_whitespace()
        .filter_map(|word| word.parse::<f64>().ok());
    Some((numbers.next()?, numbers.next()?))
}

pub fn temp_file(name: &str, extension: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("waymark-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.{extension}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// One part of a zip package (DOCX, XLSX) as text.
pub fn zip_part(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut file = archive.by_name(part).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text).unwrap();
    text
}

pub fn zip_names(bytes: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    archive.file_names().map(str::to_string).collect()
}

/// The report's reads straight from the store, unfiltered: the application layer's source
/// narrows them to what a person may see; these tests are about the report itself.
pub struct StoreSource<'a>(pub &'a waymark_store::Store);

impl waymark_report::ReportSource for StoreSource<'_> {
    async fn plan_as_at(
        &self,
        plan: PlanId,
        as_at: chrono::NaiveDate,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<waymark_store::PlanView, waymark_report::ReportError> {
        Ok(self.0.plan_as_at(Scope::All, plan, as_at, known_at).await?)
    }

    async fn rag_changes(
        &self,
        item: waymark_core::ItemId,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Vec<waymark_core::RagChange>, waymark_report::ReportError> {
        let history = self.0.item_history(Scope::All, item).await?;
        Ok(waymark_report::rag_changes_known(
            history.versions,
            known_at,
        ))
    }

    async fn indicators(
        &self,
        plan: PlanId,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<
        (
            Vec<waymark_store::StoredIndicator>,
            waymark_store::MeasurementsByIndicator,
        ),
        waymark_report::ReportError,
    > {
        Ok((
            self.0.indicators(Scope::All, plan).await?,
            self.0.plan_measurements(Scope::All, plan, known_at).await?,
        ))
    }

    async fn narratives(
        &self,
        plan: PlanId,
        period: Period,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Vec<waymark_store::NarrativeVersion>, waymark_report::ReportError> {
        Ok(self
            .0
            .narratives(Scope::All, plan, &period.to_string(), known_at)
            .await?)
    }

    async fn organisation_name(
        &self,
        org: waymark_core::OrgId,
    ) -> Result<String, waymark_report::ReportError> {
        Ok(self.0.organisation(org).await?.name)
    }
}
