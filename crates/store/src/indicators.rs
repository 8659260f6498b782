//! Performance indicators and their measurements: creating indicators, appending measurements,
//! and reading the measurements in force as known at any instant (the second clock), so that a
//! published report reads the same for ever.
//!
//! Measurements are history, like updates: rows are only ever appended. The row in force for an
//! (indicator, period) is the latest entered one (by entry time, then id); a correction is a new
//! row whose `supersedes` names the row it replaces, and the old row stays readable in
//! [`Store::measurement_history`]. The indicator rules themselves (targets, RAG, forecasts) are
//! `waymark_core::indicator`'s; this module only stores and fetches.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use waymark_core::indicator::{
    Actual, Calendar, Counted, Direction, Figure, Indicator, IndicatorId, MeasureType, Measurement,
    Period, Profile, Tolerance, ToleranceMode, Unit, Wording, YearToDateRule,
};
use waymark_core::{ItemId, OrgId, PlanId, PostId};

use crate::changes::{Applied, ChangeSet, ItemRef};
use crate::error::{Result, StoreError};
use crate::rows::{instant_text, parse_instant};
use crate::{Backend, Scope, Store};

/// A measurement's identity in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MeasurementId(pub i64);

/// An indicator to create. `indicator.id` and `indicator.owner` are ignored: the store gives the
/// id, and the owner is named by `owner_post` as items name theirs.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub org: OrgId,
    pub plan: PlanId,
    pub indicator: Indicator,
    /// The post answerable for it: "Head of Contact Management".
    pub owner_post: Option<String>,
    /// Order within the plan.
    pub position: i64,
}

/// An indicator as stored: the core model plus where it belongs.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIndicator {
    /// `indicator.owner` is the post of that title in the organisation, where one exists.
    pub indicator: Indicator,
    pub org: OrgId,
    pub plan: PlanId,
    pub owner_post: Option<String>,
    pub position: i64,
}

/// A measurement to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    pub indicator: IndicatorId,
    /// Its period must be one of the indicator's calendar (a month for a monthly indicator).
    pub measurement: Measurement,
    /// Who entered it, as shown in the history ("Priya Shah").
    pub entered_by: String,
    /// Entry time; `None` means now. Set only by imports, the demo and tests.
    pub entered_at: Option<DateTime<Utc>>,
    /// Why a figure already recorded for the period is replaced.
    pub reason: Option<String>,
}

/// The measurements in force of a plan's indicators, by indicator, in period order.
pub type MeasurementsByIndicator = HashMap<IndicatorId, Vec<Measurement>>;

/// An indicator named by id, or by its place among an import's new indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorRef {
    Existing(IndicatorId),
    New(usize),
}

/// Everything an indicator import stores, applied in one transaction by
/// [`Store::import_indicators`].
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorImportSet {
    /// A plan to create for the import, in the same transaction; `None` imports into the plan
    /// `changes` names.
    pub new_plan: Option<crate::NewPlan>,
    /// New objectives as new items (and nothing else); its org and plan name the plan (the
    /// plan is ignored where `new_plan` is set).
    pub changes: ChangeSet,
    /// Indicators to create, each serving an existing item, a new one, or none.
    pub indicators: Vec<(NewIndicator, Option<ItemRef>)>,
    pub measurements: Vec<(IndicatorRef, Measurement)>,
    pub entered_by: String,
    pub audit: Option<crate::audit::NewAuditEvent>,
}

/// One stored measurement with who entered it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementEntry {
    pub id: MeasurementId,
    pub indicator: IndicatorId,
    pub measurement: Measurement,
    pub entered_at: DateTime<Utc>,
    pub entered_by: String,
    /// The entry this one corrects.
    pub supersedes: Option<MeasurementId>,
    /// Why it replaced the entry before, where someone said.
    pub reason: Option<String>,
}

/// Rows per INSERT: eleven columns, well inside both backends' bound-parameter limits.
const BATCH_ROWS: usize = 500;

/// Stands for "no limit" on the second clock: sorts after every stored instant.
const END_OF_TIME: &str = "9999-12-31T23:59:59.999999Z";

const INDICATOR_COLUMNS: &str = "i.id, i.org_id, i.plan_id, i.objective_item_id, i.owner_post, \
    p.id AS owner_post_id, i.title, i.subject, i.subject_plural, i.counted_singular, \
    i.counted_plural, i.counted_predicate, i.unit, i.direction, i.measure, i.calendar, \
    i.annual_target, i.baseline, i.minimum, i.stretch, i.profile, i.tolerance_mode, \
    i.tolerance_amount, i.year_to_date, i.position";

/// Resolves the owner's post title to the organisation's post of that title, if any.
const INDICATOR_FROM: &str =
    "FROM indicators i LEFT JOIN posts p ON p.org_id = i.org_id AND p.title = i.owner_post";

const MEASUREMENT_COLUMNS: &str = "m.id, m.indicator_id, m.period, m.actual, m.not_yet_available, \
    m.same_period_last_year, m.entered_at, m.entered_by, m.supersedes_id, m.reason";

impl Store {
    /// Creates an indicator in a plan of `new.org`, optionally serving one of the plan's items.
    pub async fn create_indicator(&self, new: &NewIndicator) -> Result<StoredIndicator> {
        let plan = self.plan(Scope::Org(new.org), new.plan).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_indicator_on(&mut tx, &plan, new).await?;
        tx.commit().await?;
        self.indicator(Scope::Org(new.org), id).await
    }

    /// Stores an indicator import in one transaction: the objectives it creates (a change set
    /// of new items), the indicators it creates (serving existing or new items), and the
    /// measurements it appends (to existing or new indicators), with its audit record. All of
    /// it is stored, or none.
    pub async fn import_indicators(
        &self,
        import: &IndicatorImportSet,
    ) -> Result<(waymark_core::Plan, Applied)> {
        let existing = match &import.new_plan {
            Some(_) => None,
            None => Some(
                self.plan(Scope::Org(import.changes.org), import.changes.plan)
                    .await?,
            ),
        };
        // Calendars of the indicators measured, to check each measurement's period.
        let mut calendars: HashMap<IndicatorId, (OrgId, Calendar)> = HashMap::new();
        for (target, _) in &import.measurements {
            if let IndicatorRef::Existing(id) = target
                && !calendars.contains_key(id)
            {
                let stored = self.indicator(Scope::Org(import.changes.org), *id).await?;
                calendars.insert(*id, (stored.org, stored.indicator.calendar));
            }
        }
        let entered_at = instant_text(import.changes.entered_at.unwrap_or_else(Utc::now));
        let mut tx = self.begin_write().await?;
        let plan = match (&import.new_plan, existing) {
            (_, Some(plan)) => plan,
            (Some(new_plan), None) => {
                crate::plan_edit::insert_plan(&mut tx, new_plan, &entered_at).await?
            }
            (None, None) => {
                return Err(StoreError::Invalid(
                    "an indicator import names no plan".into(),
                ));
            }
        };
        let mut changes = import.changes.clone();
        changes.org = plan.org;
        changes.plan = plan.id;
        let applied = if changes.is_empty() {
            Applied::default()
        } else {
            self.write_changes(
                &mut tx,
                &plan,
                &changes,
                &entered_at,
                crate::write::DerivedIndexes::Now,
            )
            .await?
        };
        let mut created: Vec<IndicatorId> = Vec::with_capacity(import.indicators.len());
        for (new, objective) in &import.indicators {
            let mut new = new.clone();
            new.org = plan.org;
            new.plan = plan.id;
            new.indicator.objective = match objective {
                Some(ItemRef::Existing(id)) => Some(*id),
                Some(ItemRef::New(index)) => {
                    Some(*applied.item_ids.get(*index).ok_or_else(|| {
                        StoreError::Invalid(format!("indicator import refers to new item {index}"))
                    })?)
                }
                None => None,
            };
            let id = insert_indicator_on(&mut tx, &plan, &new).await?;
            calendars.insert(id, (plan.org, new.indicator.calendar));
            created.push(id);
        }
        let news = import
            .measurements
            .iter()
            .map(|(target, measurement)| {
                let indicator = match target {
                    IndicatorRef::Existing(id) => *id,
                    IndicatorRef::New(index) => *created.get(*index).ok_or_else(|| {
                        StoreError::Invalid(format!("measurement refers to new indicator {index}"))
                    })?,
                };
                Ok(NewMeasurement {
                    indicator,
                    measurement: *measurement,
                    entered_by: import.entered_by.clone(),
                    entered_at: None,
                    reason: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        for new in &news {
            if let Some((_, calendar)) = calendars.get(&new.indicator) {
                check_period(*calendar, new.measurement.period)?;
            }
        }
        self.write_measurements_on(&mut tx, &calendars, &news)
            .await?;
        if let Some(audit) = &import.audit {
            let mut audit = audit.clone();
            audit.plan = Some(plan.id);
            audit.org = Some(plan.org);
            crate::audit::record_audit_on(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok((plan, applied))
    }

    /// A plan's indicators in plan order, if the scope may see the plan.
    pub async fn indicators(&self, scope: Scope, plan: PlanId) -> Result<Vec<StoredIndicator>> {
        let plan = self.plan(scope, plan).await?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INDICATOR_COLUMNS} {INDICATOR_FROM} \
             WHERE i.plan_id = $1 AND i.org_id = $2 ORDER BY i.position, i.id"
        )))
        .bind(plan.id.0)
        .bind(plan.org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(indicator_from_row).collect()
    }

    /// One indicator, if the scope may see it.
    pub async fn indicator(&self, scope: Scope, id: IndicatorId) -> Result<StoredIndicator> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INDICATOR_COLUMNS} {INDICATOR_FROM} WHERE i.id = $1"
        )))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        match row.map(|row| indicator_from_row(&row)).transpose()? {
            Some(stored) if scope.allows(stored.org) => Ok(stored),
            _ => Err(StoreError::NotFound {
                what: "indicator",
                id: id.0,
            }),
        }
    }

    /// Appends one measurement; see [`Store::record_measurements`].
    pub async fn record_measurement(
        &self,
        scope: Scope,
        new: &NewMeasurement,
    ) -> Result<MeasurementId> {
        let ids = self
            .record_measurements(scope, std::slice::from_ref(new))
            .await?;
        ids.into_iter()
            .next()
            .ok_or_else(|| StoreError::Invalid("the measurement was not stored".into()))
    }

    /// Appends measurements in one transaction: all are stored, or none. Each supersedes the
    /// entry in force for its indicator and period at its entry time, if there is one, so the
    /// history says what every correction replaced. Returns the new ids in order.
    pub async fn record_measurements(
        &self,
        scope: Scope,
        news: &[NewMeasurement],
    ) -> Result<Vec<MeasurementId>> {
        self.record_measurements_audited(scope, news, None).await
    }

    /// [`Store::record_measurements`] with the audit record written in the same transaction.
    pub async fn record_measurements_audited(
        &self,
        scope: Scope,
        news: &[NewMeasurement],
        audit: Option<&crate::audit::NewAuditEvent>,
    ) -> Result<Vec<MeasurementId>> {
        if news.is_empty() {
            return Ok(Vec::new());
        }
        // Each indicator once: its organisation (which every row carries) and its calendar.
        let mut owners: HashMap<IndicatorId, (OrgId, Calendar)> = HashMap::new();
        for new in news {
            let (_, calendar) = match owners.get(&new.indicator) {
                Some(known) => *known,
                None => {
                    let stored = self.indicator(scope, new.indicator).await?;
                    let known = (stored.org, stored.indicator.calendar);
                    owners.insert(new.indicator, known);
                    known
                }
            };
            check_period(calendar, new.measurement.period)?;
        }

        let mut tx = self.begin_write().await?;
        let ids = self.write_measurements_on(&mut tx, &owners, news).await?;
        if let Some(audit) = audit {
            crate::audit::record_audit_on(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The measurements of one indicator in force as known at `known_at` (`None` = now), one per
    /// period, in period order.
    pub async fn measurements(
        &self,
        scope: Scope,
        indicator: IndicatorId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<Measurement>> {
        let stored = self.indicator(scope, indicator).await?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM measurements m \
             WHERE m.indicator_id = $1 AND m.org_id = $2 AND m.entered_at <= $3"
        )))
        .bind(indicator.0)
        .bind(stored.org.0)
        .bind(known_text(known_at))
        .fetch_all(self.pool())
        .await?;
        let entries = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(in_force(entries))
    }

    /// The measurements in force of every indicator of a plan, as known at `known_at`, in one
    /// read: what a plan's indicator table needs. Indicators with none are absent.
    pub async fn plan_measurements(
        &self,
        scope: Scope,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<HashMap<IndicatorId, Vec<Measurement>>> {
        let plan = self.plan(scope, plan).await?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM measurements m \
             JOIN indicators i ON i.id = m.indicator_id \
             WHERE i.plan_id = $1 AND m.org_id = $2 AND m.entered_at <= $3"
        )))
        .bind(plan.id.0)
        .bind(plan.org.0)
        .bind(known_text(known_at))
        .fetch_all(self.pool())
        .await?;
        let mut by_indicator: HashMap<IndicatorId, Vec<MeasurementEntry>> = HashMap::new();
        for row in &rows {
            let entry = entry_from_row(row)?;
            by_indicator.entry(entry.indicator).or_default().push(entry);
        }
        Ok(by_indicator
            .into_iter()
            .map(|(id, entries)| (id, in_force(entries)))
            .collect())
    }

    /// Every measurement ever entered for an indicator, superseded ones included, in entry
    /// order, with who entered each and when.
    pub async fn measurement_history(
        &self,
        scope: Scope,
        indicator: IndicatorId,
    ) -> Result<Vec<MeasurementEntry>> {
        let stored = self.indicator(scope, indicator).await?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM measurements m \
             WHERE m.indicator_id = $1 AND m.org_id = $2 ORDER BY m.entered_at, m.id"
        )))
        .bind(indicator.0)
        .bind(stored.org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Reserves `count` measurement ids inside the transaction, so a batch can say which of its
    /// own rows a later row supersedes. Mirrors `write.rs`'s allocation for items and updates,
    /// which is private to that module.
    async fn allocate_measurement_ids(
        &self,
        tx: &mut Transaction<'static, Any>,
        count: usize,
    ) -> Result<Vec<i64>> {
        let count = i64::try_from(count)
            .map_err(|_| StoreError::Invalid("too many measurements in one batch".into()))?;
        match self.backend() {
            Backend::Sqlite => {
                let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS top FROM measurements")
                    .fetch_one(&mut **tx)
                    .await?;
                let top: i64 = row.try_get("top")?;
                Ok((1..=count).map(|n| top + n).collect())
            }
            Backend::Postgres => {
                let rows = sqlx::query(
                    "SELECT nextval('measurements_id_seq') AS id \
                     FROM generate_series(1, $1) ORDER BY 1",
                )
                .bind(count)
                .fetch_all(&mut **tx)
                .await?;
                rows.iter()
                    .map(|row| row.try_get::<i64, _>("id").map_err(StoreError::from))
                    .collect()
            }
        }
    }
}

/// Inserts an indicator of `plan` inside the caller's transaction.
async fn insert_indicator_on(
    tx: &mut Transaction<'static, Any>,
    plan: &waymark_core::Plan,
    new: &NewIndicator,
) -> Result<IndicatorId> {
    let indicator = &new.indicator;
    if let Some(objective) = indicator.objective {
        let found = sqlx::query("SELECT id FROM items WHERE id = $1 AND plan_id = $2")
            .bind(objective.0)
            .bind(plan.id.0)
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound {
                what: "objective item",
                id: objective.0,
            });
        }
    }
    let wording = &indicator.wording;
    let counted = wording.counted.as_ref();
    let row = sqlx::query(
        "INSERT INTO indicators (org_id, plan_id, objective_item_id, owner_post, title, \
             subject, subject_plural, counted_singular, counted_plural, counted_predicate, unit, \
             direction, measure, calendar, annual_target, baseline, minimum, stretch, profile, \
             tolerance_mode, tolerance_amount, year_to_date, position, created_at) VALUES ($1, \
             $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, $23, $24) RETURNING id",
    )
    .bind(plan.org.0)
    .bind(plan.id.0)
    .bind(indicator.objective.map(|item| item.0))
    .bind(new.owner_post.clone())
    .bind(indicator.title.clone())
    .bind(wording.subject.clone())
    .bind(i64::from(wording.plural))
    .bind(counted.map(|c| c.singular.clone()))
    .bind(counted.map(|c| c.plural.clone()))
    .bind(counted.map(|c| c.predicate.clone()))
    .bind(indicator.unit.as_str().to_string())
    .bind(indicator.direction.as_str().to_string())
    .bind(indicator.measure.as_str().to_string())
    .bind(indicator.calendar.as_str().to_string())
    .bind(indicator.annual_target.map(Figure::hundredths))
    .bind(indicator.baseline.map(Figure::hundredths))
    .bind(indicator.minimum.map(Figure::hundredths))
    .bind(indicator.stretch.map(Figure::hundredths))
    .bind(profile_json(&indicator.profile))
    .bind(tolerance_mode_text(indicator.tolerance.mode).to_string())
    .bind(indicator.tolerance.amount.hundredths())
    .bind(indicator.year_to_date.map(|rule| rule.word().to_string()))
    .bind(new.position)
    .bind(instant_text(Utc::now()))
    .fetch_one(&mut **tx)
    .await?;
    Ok(IndicatorId(row.try_get("id")?))
}

impl Store {
    /// Appends measurements inside the caller's transaction; `owners` gives each indicator's
    /// organisation (which every row carries). Returns the new ids in order.
    async fn write_measurements_on(
        &self,
        tx: &mut Transaction<'static, Any>,
        owners: &HashMap<IndicatorId, (OrgId, Calendar)>,
        news: &[NewMeasurement],
    ) -> Result<Vec<MeasurementId>> {
        if news.is_empty() {
            return Ok(Vec::new());
        }
        let now = Utc::now();
        // What is already stored for these indicators, to find what each new row supersedes.
        let mut existing: HashMap<(IndicatorId, String), Vec<(String, i64)>> = HashMap::new();
        for indicator in owners.keys() {
            let rows = sqlx::query(
                "SELECT id, period, entered_at FROM measurements WHERE indicator_id = $1",
            )
            .bind(indicator.0)
            .fetch_all(&mut **tx)
            .await?;
            for row in &rows {
                existing
                    .entry((*indicator, row.try_get("period")?))
                    .or_default()
                    .push((row.try_get("entered_at")?, row.try_get("id")?));
            }
        }

        let ids = self.allocate_measurement_ids(tx, news.len()).await?;
        let mut rows = Vec::with_capacity(news.len());
        for (new, id) in news.iter().zip(&ids) {
            let entered_at = instant_text(new.entered_at.unwrap_or(now));
            let period = new.measurement.period.to_string();
            let earlier = existing.entry((new.indicator, period.clone())).or_default();
            // In force at this row's entry time: the latest (entered_at, id) not after it. New
            // ids are higher than every stored one, so a tie on time goes to the new row.
            let supersedes = earlier
                .iter()
                .filter(|(at, _)| *at <= entered_at)
                .max()
                .map(|(_, id)| *id);
            earlier.push((entered_at.clone(), *id));
            let (org, _) = owners
                .get(&new.indicator)
                .copied()
                .ok_or(StoreError::NotFound {
                    what: "indicator",
                    id: new.indicator.0,
                })?;
            rows.push(MeasurementRow {
                id: *id,
                org,
                new,
                period,
                entered_at,
                supersedes,
            });
        }
        for chunk in rows.chunks(BATCH_ROWS) {
            let mut sql = String::from(
                "INSERT INTO measurements (id, org_id, indicator_id, period, actual, \
                 not_yet_available, same_period_last_year, entered_at, entered_by, supersedes_id, \
                 reason) VALUES ",
            );
            crate::rows::push_placeholders(&mut sql, self.backend(), chunk.len(), 11);
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                let measurement = &row.new.measurement;
                query = query
                    .bind(row.id)
                    .bind(row.org.0)
                    .bind(row.new.indicator.0)
                    .bind(row.period.clone())
                    .bind(measurement.actual.figure().map(Figure::hundredths))
                    .bind(i64::from(measurement.actual == Actual::NotYetAvailable))
                    .bind(measurement.same_period_last_year.map(Figure::hundredths))
                    .bind(row.entered_at.clone())
                    .bind(row.new.entered_by.clone())
                    .bind(row.supersedes)
                    .bind(row.new.reason.clone());
            }
            query.execute(&mut **tx).await?;
        }
        Ok(ids.into_iter().map(MeasurementId).collect())
    }
}

struct MeasurementRow<'a> {
    id: i64,
    org: OrgId,
    new: &'a NewMeasurement,
    period: String,
    entered_at: String,
    supersedes: Option<i64>,
}

/// The latest entered entry per period (by entry time, then id), in period order.
fn in_force(entries: Vec<MeasurementEntry>) -> Vec<Measurement> {
    let mut latest: BTreeMap<Period, MeasurementEntry> = BTreeMap::new();
    for entry in entries {
        let period = entry.measurement.period;
        let newer = latest
            .get(&period)
            .is_none_or(|held| (entry.entered_at, entry.id) > (held.entered_at, held.id));
        if newer {
            latest.insert(period, entry);
        }
    }
    latest
        .into_values()
        .map(|entry| entry.measurement)
        .collect()
}

/// Refuses a period that is not one of the calendar's: mixing months into a quarterly
/// indicator would muddle its forecast and its comparison with the previous period.
fn check_period(calendar: Calendar, period: Period) -> Result<()> {
    if period.kind() == calendar.kind() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{period} is not a period of a {calendar} indicator"
        )))
    }
}

fn known_text(known_at: Option<DateTime<Utc>>) -> String {
    known_at
        .map(instant_text)
        .unwrap_or_else(|| END_OF_TIME.into())
}

fn indicator_from_row(row: &AnyRow) -> Result<StoredIndicator> {
    let corrupt =
        |what: &str, text: &str| StoreError::Corrupt(format!("indicator {what} {text:?}"));
    let word = |column: &str| row.try_get::<String, _>(column);
    let unit_text = word("unit")?;
    let direction_text = word("direction")?;
    let measure_text = word("measure")?;
    let calendar_text = word("calendar")?;
    let mode_text = word("tolerance_mode")?;
    let counted = match (
        row.try_get::<Option<String>, _>("counted_singular")?,
        row.try_get::<Option<String>, _>("counted_plural")?,
        row.try_get::<Option<String>, _>("counted_predicate")?,
    ) {
        (Some(singular), Some(plural), Some(predicate)) => Some(Counted {
            singular,
            plural,
            predicate,
        }),
        _ => None,
    };
    let figure = |column: &str| -> Result<Option<Figure>> {
        Ok(row
            .try_get::<Option<i64>, _>(column)?
            .map(Figure::from_hundredths))
    };
    let indicator = Indicator {
        id: IndicatorId(row.try_get("id")?),
        title: row.try_get("title")?,
        wording: Wording {
            subject: row.try_get("subject")?,
            plural: row.try_get::<i64, _>("subject_plural")? != 0,
            counted,
        },
        objective: row
            .try_get::<Option<i64>, _>("objective_item_id")?
            .map(ItemId),
        owner: row.try_get::<Option<i64>, _>("owner_post_id")?.map(PostId),
        unit: Unit::parse(&unit_text).ok_or_else(|| corrupt("unit", &unit_text))?,
        direction: Direction::parse(&direction_text)
            .ok_or_else(|| corrupt("direction", &direction_text))?,
        measure: MeasureType::parse(&measure_text)
            .ok_or_else(|| corrupt("measure", &measure_text))?,
        calendar: Calendar::parse(&calendar_text)
            .ok_or_else(|| corrupt("calendar", &calendar_text))?,
        annual_target: figure("annual_target")?,
        baseline: figure("baseline")?,
        minimum: figure("minimum")?,
        stretch: figure("stretch")?,
        profile: parse_profile(row.try_get("profile")?)?,
        tolerance: Tolerance {
            mode: parse_tolerance_mode(&mode_text)
                .ok_or_else(|| corrupt("tolerance mode", &mode_text))?,
            amount: Figure::from_hundredths(row.try_get("tolerance_amount")?),
        },
        year_to_date: match row.try_get::<Option<String>, _>("year_to_date")? {
            Some(word) => Some(
                YearToDateRule::parse(&word).ok_or_else(|| corrupt("year-to-date rule", &word))?,
            ),
            None => None,
        },
    };
    Ok(StoredIndicator {
        indicator,
        org: OrgId(row.try_get("org_id")?),
        plan: PlanId(row.try_get("plan_id")?),
        owner_post: row.try_get("owner_post")?,
        position: row.try_get("position")?,
    })
}

fn entry_from_row(row: &AnyRow) -> Result<MeasurementEntry> {
    let period_text: String = row.try_get("period")?;
    let period = Period::parse(&period_text)
        .map_err(|_| StoreError::Corrupt(format!("measurement period {period_text:?}")))?;
    let actual = match (
        row.try_get::<i64, _>("not_yet_available")?,
        row.try_get::<Option<i64>, _>("actual")?,
    ) {
        (0, Some(hundredths)) => Actual::Measured(Figure::from_hundredths(hundredths)),
        (0, None) => {
            return Err(StoreError::Corrupt(format!(
                "measurement for {period_text} has no figure"
            )));
        }
        _ => Actual::NotYetAvailable,
    };
    Ok(MeasurementEntry {
        id: MeasurementId(row.try_get("id")?),
        indicator: IndicatorId(row.try_get("indicator_id")?),
        measurement: Measurement {
            period,
            actual,
            same_period_last_year: row
                .try_get::<Option<i64>, _>("same_period_last_year")?
                .map(Figure::from_hundredths),
        },
        entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
        entered_by: row.try_get("entered_by")?,
        supersedes: row
            .try_get::<Option<i64>, _>("supersedes_id")?
            .map(MeasurementId),
        reason: row.try_get("reason")?,
    })
}

/// `None` for the default linear profile; else the cumulative percentages in hundredths.
fn profile_json(profile: &Profile) -> Option<String> {
    match profile {
        Profile::Linear => None,
        Profile::Cumulative(points) => {
            let hundredths: Vec<i64> = points.iter().map(|p| p.hundredths()).collect();
            Some(serde_json::to_string(&hundredths).unwrap_or_else(|_| "[]".into()))
        }
    }
}

fn parse_profile(text: Option<String>) -> Result<Profile> {
    match text {
        None => Ok(Profile::Linear),
        Some(text) => {
            let hundredths: Vec<i64> = serde_json::from_str(&text)
                .map_err(|_| StoreError::Corrupt(format!("indicator profile {text:?}")))?;
            Ok(Profile::Cumulative(
                hundredths
                    .into_iter()
                    .map(Figure::from_hundredths)
                    .collect(),
            ))
        }
    }
}

fn tolerance_mode_text(mode: ToleranceMode) -> &'static str {
    match mode {
        ToleranceMode::Relative => "relative",
        ToleranceMode::Absolute => "absolute",
    }
}

fn parse_tolerance_mode(text: &str) -> Option<ToleranceMode> {
    match text {
        "relative" => Some(ToleranceMode::Relative),
        "absolute" => Some(ToleranceMode::Absolute),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    fn entry(id: i64, period: &str, actual: i64, at: &str) -> MeasurementEntry {
        MeasurementEntry {
            id: MeasurementId(id),
            indicator: IndicatorId(1),
            measurement: Measurement::new(
                Period::parse(period).unwrap(),
                Figure::from_hundredths(actual),
            ),
            entered_at: parse_instant(at).unwrap(),
            entered_by: "Analyst".into(),
            supersedes: None,
            reason: None,
        }
    }

    #[test]
    fn the_latest_entry_per_period_is_in_force_and_ties_go_to_the_higher_id() {
        let same_time = "2008-10-10T09:00:00.000000Z";
        let in_force = in_force(vec![
            entry(3, "Q2 2008-09", 8010, same_time),
            entry(1, "Q1 2008-09", 7910, "2008-07-10T09:00:00.000000Z"),
            entry(2, "Q2 2008-09", 8000, same_time),
            entry(4, "Q1 2008-09", 7900, "2008-07-09T09:00:00.000000Z"),
        ]);
        let figures: Vec<_> = in_force
            .iter()
            .map(|m| (m.period.to_string(), m.actual))
            .collect();
        assert_eq!(
            figures,
            vec![
                (
                    "Q1 2008-09".to_string(),
                    Actual::Measured(Figure::from_hundredths(7910))
                ),
                (
                    "Q2 2008-09".to_string(),
                    Actual::Measured(Figure::from_hundredths(8010))
                ),
            ]
        );
    }

    #[test]
    fn every_period_kind_round_trips_through_its_stored_text() {
        for text in [
            "Q2 2008-09",
            "September 2008",
            "March 2009",
            "P6 2008-09",
            "2008-09",
        ] {
            let period = Period::parse(text).unwrap();
            assert_eq!(Period::parse(&period.to_string()).unwrap(), period);
            assert_eq!(period.to_string(), text);
        }
    }

    #[test]
    fn profiles_round_trip() {
        let profile = Profile::Cumulative(vec![Figure::whole(20), Figure::whole(100)]);
        assert_eq!(parse_profile(profile_json(&profile)).unwrap(), profile);
        assert_eq!(
            parse_profile(profile_json(&Profile::Linear)).unwrap(),
            Profile::Linear
        );
    }
}
