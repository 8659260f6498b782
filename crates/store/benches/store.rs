//! Store benchmark: a bulk import (100,000 items with 500,000 updates, applied as ten change sets
//! of 10,000 items and 50,000 updates) and "as at" reads of a 2,000-item plan (5 updates and 3
//! versions per item), on SQLite (a temporary file) and on PostgreSQL (a scratch schema in
//! `WAYMARK_TEST_DATABASE_URL`, skipped when that is unset).
//!
//! `cargo bench -p waymark-store --bench store` (or `cargo xtask bench`) runs it in release and
//! prints two tables. Started without `--bench`, as `cargo test --benches` does, it runs the same
//! code at a hundredth of the size, as a smoke test.

use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use sqlx::Executor;
use waymark_core::{FlexDate, ItemFields, OrgId, PlanId, PlanKind, Rag, Tag, UpdateCycle};
use waymark_store::{ChangeSet, ItemRef, NewItem, NewPlan, NewUpdate, NewVersion, Scope, Store};

type BenchResult<T> = Result<T, Box<dyn Error>>;

const DATABASE_URL_VARIABLE: &str = "WAYMARK_TEST_DATABASE_URL";

/// How much work to do: the full benchmark, or a smoke test of the same code.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    bulk_change_sets: usize,
    bulk_items_per_set: usize,
    /// Items per top-level item in the bulk plan (the parent included).
    bulk_family: usize,
    updates_per_item: usize,
    read_items: usize,
    read_family: usize,
    /// Versions per item in the read plan, the first included.
    read_versions: usize,
    reads: usize,
    bulk_plan_reads: usize,
}

const FULL: Sizes = Sizes {
    bulk_change_sets: 10,
    bulk_items_per_set: 10_000,
    bulk_family: 100,
    updates_per_item: 5,
    read_items: 2_000,
    read_family: 10,
    read_versions: 3,
    reads: 20,
    bulk_plan_reads: 3,
};

const SMOKE: Sizes = Sizes {
    bulk_change_sets: 2,
    bulk_items_per_set: 500,
    bulk_family: 50,
    updates_per_item: 5,
    read_items: 20,
    read_family: 10,
    read_versions: 3,
    reads: 3,
    bulk_plan_reads: 1,
};

/// What one backend measured.
struct Figures {
    backend: &'static str,
    /// Wall time of each `apply_changes` call of the bulk import.
    bulk_sets: Vec<Duration>,
    rows_per_set: usize,
    /// As-at reads of the 2,000-item plan alone in the database, then beside the bulk plan.
    reads_alone: Vec<Duration>,
    reads_beside_bulk: Vec<Duration>,
    /// As-at reads of the whole bulk plan.
    bulk_plan_reads: Vec<Duration>,
    bulk_plan_items: usize,
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    // cargo bench passes --bench; cargo test runs bench targets without it.
    let full = std::env::args().any(|arg| arg == "--bench");
    let sizes = if full { FULL } else { SMOKE };
    println!(
        "store benchmark ({}): bulk {} change sets x {} items x {} updates; read plan {} items x {} versions x {} updates, {} reads",
        if full { "full" } else { "smoke test" },
        sizes.bulk_change_sets,
        sizes.bulk_items_per_set,
        sizes.updates_per_item,
        sizes.read_items,
        sizes.read_versions,
        sizes.updates_per_item,
        sizes.reads,
    );

    let mut all = Vec::new();
    let sqlite_path = temp_sqlite_path();
    let store = Store::open_sqlite_file(&sqlite_path).await?;
    let sqlite = measure("sqlite", &store, sizes).await;
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let mut path = sqlite_path.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
    all.push(sqlite?);

    match std::env::var(DATABASE_URL_VARIABLE) {
        Ok(url) if !url.is_empty() => {
            let (store, schema) = scratch_postgres(&url).await?;
            let postgres = measure("postgres", &store, sizes).await;
            store.close().await;
            drop_schema(&url, &schema).await?;
            all.push(postgres?);
        }
        _ => println!("{DATABASE_URL_VARIABLE} is not set: PostgreSQL skipped"),
    }

    print_tables(&all, sizes);
    Ok(())
}

async fn measure(backend: &'static str, store: &Store, sizes: Sizes) -> BenchResult<Figures> {
    let org = store
        .create_organisation("BENCH", "Benchmark Constabulary")
        .await?
        .id;
    let read_plan = create_plan(store, org, "Read plan").await?;
    load_read_plan(store, org, read_plan, sizes).await?;
    let as_at = day(2015, 3, 31)?;
    let reads_alone = time_reads(store, read_plan, as_at, sizes.reads, sizes.read_items).await?;
    println!(
        "{backend}: read plan median {:.1} ms",
        millis(percentile(&reads_alone, 50))
    );

    let bulk_plan = create_plan(store, org, "Bulk plan").await?;
    let mut bulk_sets = Vec::new();
    let mut rows_per_set = 0;
    for set in 0..sizes.bulk_change_sets {
        let changes = bulk_change_set(org, bulk_plan, set, sizes)?;
        rows_per_set = 2 * changes.new_items.len() + changes.updates.len();
        let started = Instant::now();
        store.apply_changes(&changes).await?;
        let elapsed = started.elapsed();
        println!(
            "{backend}: bulk change set {}/{} in {:.2} s",
            set + 1,
            sizes.bulk_change_sets,
            elapsed.as_secs_f64()
        );
        bulk_sets.push(elapsed);
    }

    let reads_beside_bulk =
        time_reads(store, read_plan, as_at, sizes.reads, sizes.read_items).await?;
    let bulk_items = sizes.bulk_change_sets * sizes.bulk_items_per_set;
    let bulk_plan_reads =
        time_reads(store, bulk_plan, as_at, sizes.bulk_plan_reads, bulk_items).await?;
    Ok(Figures {
        backend,
        bulk_sets,
        rows_per_set,
        reads_alone,
        reads_beside_bulk,
        bulk_plan_reads,
        bulk_plan_items: bulk_items,
    })
}

/// Times `count` as-at reads after one untimed warm-up read, checking each sees every item.
async fn time_reads(
    store: &Store,
    plan: PlanId,
    as_at: NaiveDate,
    count: usize,
    expected_items: usize,
) -> BenchResult<Vec<Duration>> {
    store.plan_as_at(Scope::All, plan, as_at, None).await?;
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        let view = store.plan_as_at(Scope::All, plan, as_at, None).await?;
        times.push(started.elapsed());
        if view.items.len() != expected_items {
            return Err(format!(
                "plan {} as at {as_at} has {} items, expected {expected_items}",
                plan.0,
                view.items.len()
            )
            .into());
        }
    }
    Ok(times)
}

async fn create_plan(store: &Store, org: OrgId, title: &str) -> BenchResult<PlanId> {
    let plan = store
        .create_plan(&NewPlan {
            org,
            kind: PlanKind::Strategic,
            title: title.to_string(),
            period: Some("2014-15".into()),
            level_names: PlanKind::Strategic.default_levels(),
            owner_posts: vec!["Plan Owner: Deputy Chief Constable".into()],
            source: None,
            update_cycle: UpdateCycle::Monthly,
            marking: waymark_core::Classification::OFFICIAL,
        })
        .await?;
    Ok(plan.id)
}

/// The read plan: items created on 1 April 2014 with their updates, then a new version of every
/// item each quarter (a changed RAG and due date), each quarter its own change set.
async fn load_read_plan(store: &Store, org: OrgId, plan: PlanId, sizes: Sizes) -> BenchResult<()> {
    let created = day(2014, 4, 1)?;
    let mut changes = ChangeSet::new(org, plan);
    add_items(
        &mut changes,
        0,
        sizes.read_items,
        sizes.read_family,
        created,
        sizes,
    )?;
    let applied = store.apply_changes(&changes).await?;

    for quarter in 1..sizes.read_versions {
        let effective = created
            .checked_add_days(Days::new(91 * quarter as u64))
            .ok_or("date out of range")?;
        let mut versions = ChangeSet::new(org, plan);
        for (index, (item, new_item)) in applied.item_ids.iter().zip(&changes.new_items).enumerate()
        {
            // The new version keeps the item where it was, now by its stored id.
            let parent = new_item.parent.and_then(|parent| match parent {
                ItemRef::New(i) => applied.item_ids.get(i).copied().map(ItemRef::Existing),
                existing => Some(existing),
            });
            let mut fields = new_item.fields.clone();
            fields.rag = Some(Rag::ALL[(index + quarter) % 3]);
            fields.due = fields.due.map(|due| {
                FlexDate::exact(due.date.checked_add_days(Days::new(30)).unwrap_or(due.date))
            });
            versions.versions.push(NewVersion {
                item: *item,
                parent,
                fields,
                effective,
                reason: Some(format!("Quarter {quarter} review")),
            });
        }
        store.apply_changes(&versions).await?;
    }
    Ok(())
}

/// One change set of the bulk import: its share of the items, each with its updates.
fn bulk_change_set(org: OrgId, plan: PlanId, set: usize, sizes: Sizes) -> BenchResult<ChangeSet> {
    let mut changes = ChangeSet::new(org, plan);
    changes.author = Some("Benchmark import".into());
    let first = set * sizes.bulk_items_per_set;
    add_items(
        &mut changes,
        first,
        sizes.bulk_items_per_set,
        sizes.bulk_family,
        day(2014, 4, 1)?,
        sizes,
    )?;
    Ok(changes)
}

/// Adds `count` items numbered from `first`: every `family`-th item is a top-level objective and
/// the rest are its actions. Each item gets `updates_per_item` monthly updates.
fn add_items(
    changes: &mut ChangeSet,
    first: usize,
    count: usize,
    family: usize,
    created: NaiveDate,
    sizes: Sizes,
) -> BenchResult<()> {
    let mut parent_index = 0;
    for offset in 0..count {
        let number = first + offset;
        let is_parent = offset % family == 0;
        if is_parent {
            parent_index = changes.new_items.len();
        }
        let due = created
            .checked_add_days(Days::new(60 + (number % 300) as u64))
            .ok_or("date out of range")?;
        let index = changes.new_items.len();
        changes.new_items.push(NewItem {
            parent: (!is_parent).then_some(ItemRef::New(parent_index)),
            fields: ItemFields {
                position: (offset % family) as i64,
                reference: Some(format!("{}.{}", number / family + 1, offset % family)),
                text: format!(
                    "Action {number}: review the recording of crime reports received by the \
                     contact centre and correct any that do not meet the national standard"
                ),
                description: Some(
                    "Audit a sample each month and report the findings to the board.".into(),
                ),
                strategic_lead: Some("Detective Chief Superintendent".into()),
                owners: vec![format!("Head of Crime Team {}", number % 40)],
                due: Some(FlexDate::exact(due)),
                rag: Some(Rag::ALL[number % 3]),
                tags: vec![Tag {
                    taxonomy: "Area".into(),
                    value: format!("Area {}", number % 12),
                }],
                ..ItemFields::default()
            },
            effective: created,
        });
        for month in 0..sizes.updates_per_item {
            let as_of = created
                .checked_add_days(Days::new(30 * (month as u64 + 1)))
                .ok_or("date out of range")?;
            changes.updates.push(NewUpdate {
                item: ItemRef::New(index),
                as_of,
                author_person: Some("J. Smith".into()),
                author_post: Some("Crime Registrar".into()),
                text: format!(
                    "Update {month} on action {number}: the monthly audit sampled 120 reports; \
                     11 were reclassified and the team has been briefed on the findings."
                ),
                proposed_rag: Some(Rag::ALL[(number + month) % 3]),
                supersedes: None,
            });
        }
    }
    Ok(())
}

fn print_tables(all: &[Figures], sizes: Sizes) {
    let items = sizes.bulk_change_sets * sizes.bulk_items_per_set;
    println!(
        "\nBulk insert: {items} items, {} updates, as {} change sets of {} items and {} updates \
         (rows = items + versions + updates)",
        items * sizes.updates_per_item,
        sizes.bulk_change_sets,
        sizes.bulk_items_per_set,
        sizes.bulk_items_per_set * sizes.updates_per_item
    );
    println!(
        "| backend | total s | per change set median s | slowest s | rows/s |\n|---|---|---|---|---|"
    );
    for figures in all {
        let total: Duration = figures.bulk_sets.iter().sum();
        let rows = figures.rows_per_set * figures.bulk_sets.len();
        println!(
            "| {} | {:.1} | {:.2} | {:.2} | {:.0} |",
            figures.backend,
            total.as_secs_f64(),
            percentile(&figures.bulk_sets, 50).as_secs_f64(),
            percentile(&figures.bulk_sets, 100).as_secs_f64(),
            rows as f64 / total.as_secs_f64().max(f64::EPSILON)
        );
    }

    println!(
        "\nAs-at read (plan_as_at, Scope::All): {} items, {} versions and {} updates each; \
         {} timed reads after one warm-up",
        sizes.read_items, sizes.read_versions, sizes.updates_per_item, sizes.reads
    );
    println!("| backend | database holds | median ms | p95 ms |\n|---|---|---|---|");
    for figures in all {
        for (holds, times) in [
            ("this plan only", &figures.reads_alone),
            ("this plan and the bulk plan", &figures.reads_beside_bulk),
        ] {
            println!(
                "| {} | {holds} | {:.1} | {:.1} |",
                figures.backend,
                millis(percentile(times, 50)),
                millis(percentile(times, 95))
            );
        }
    }
    println!("\nAs-at read of the whole bulk plan:\n| backend | items | median s |\n|---|---|---|");
    for figures in all {
        println!(
            "| {} | {} | {:.2} |",
            figures.backend,
            figures.bulk_plan_items,
            percentile(&figures.bulk_plan_reads, 50).as_secs_f64()
        );
    }
}

/// Nearest-rank percentile: the smallest time at or above `percent` of the samples.
fn percentile(times: &[Duration], percent: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

fn day(year: i32, month: u32, day: u32) -> BenchResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| "no such day".into())
}

fn temp_sqlite_path() -> PathBuf {
    std::env::temp_dir().join(format!("waymark-bench-{}.db", std::process::id()))
}

/// A store in a new schema of the configured PostgreSQL database, so the benchmark neither sees
/// nor leaves rows of the tests.
async fn scratch_postgres(url: &str) -> BenchResult<(Store, String)> {
    let schema = format!("bench_{}", std::process::id());
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(url).await?;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        )))
        .await?;
    admin.close().await;
    let joiner = if url.contains('?') { '&' } else { '?' };
    let store =
        Store::connect(&format!("{url}{joiner}options=-c%20search_path%3D{schema}")).await?;
    Ok((store, schema))
}

async fn drop_schema(url: &str, schema: &str) -> BenchResult<()> {
    let admin = sqlx::AnyPool::connect(url).await?;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .await?;
    admin.close().await;
    Ok(())
}
