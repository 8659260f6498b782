//! Import throughput: a generated 100,000-row CSV read, previewed and written into a fresh
//! SQLite database as one new plan (committed and readable; the search and owner indexes,
//! written after the commit, are timed apart). Run with `cargo bench -p waymark-io --bench import`; the
//! figure goes in BENCHMARKS.md. (`harness = false`: a plain program that prints its timings.)

use std::fmt::Write as _;
use std::time::Instant;

use chrono::NaiveDate;
use waymark_core::PlanId;
use waymark_io::apply::{NewPlanSpec, new_plan_from};
use waymark_io::plan_changes;
use waymark_io::{PreviewOptions, build_preview, read_file};
use waymark_store::Store;

const ROWS: usize = 100_000;

fn main() {
    let rows = std::env::var("WAYMARK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ROWS);
    let dir = std::env::temp_dir().join(format!("waymark-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    let csv_path = dir.join("tracker.csv");
    std::fs::write(&csv_path, tracker_csv(rows)).unwrap_or_else(|e| panic!("write csv: {e}"));

    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("runtime: {e}"));
    let as_at = NaiveDate::from_ymd_opt(2015, 2, 1).unwrap_or_default();

    let started = Instant::now();
    let cpu_started = process_cpu();
    let workbook = read_file(&csv_path).unwrap_or_else(|e| panic!("{e}"));
    let read = started.elapsed();
    let preview =
        build_preview(&workbook, &PreviewOptions::new(as_at)).unwrap_or_else(|e| panic!("{e}"));
    let parsed = started.elapsed();
    let parsed_cpu = process_cpu().saturating_sub(cpu_started);
    assert_eq!(preview.items.len(), rows);

    let db = dir.join("bench.db");
    let (written, stored) = runtime.block_on(async {
        let store = Store::open_sqlite_file(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let org = store
            .create_organisation("BEN", "Bench force")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let spec = NewPlanSpec {
            org: org.id,
            title: Some("Bench".into()),
            kind: None,
        };
        let write_started = Instant::now();
        let write_cpu = process_cpu();
        // The same two steps as `import_into_new_plan`, timed apart: planning the change set
        // (io) and writing it in one transaction (store).
        let planned = plan_changes(&[], &preview, org.id, PlanId(0), None);
        let planning = write_started.elapsed();
        let plan = new_plan_from(&spec, &preview);
        let (created, applied) = store
            .create_plan_with_changes(&plan, &planned.changes)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let written = write_started.elapsed();
        let applied_plan = created.id;
        let written_cpu = process_cpu().saturating_sub(write_cpu);
        println!(
            "  of which planning the change set: {:.2} s; the store's transaction: {:.2} s",
            planning.as_secs_f64(),
            (written - planning).as_secs_f64()
        );
        println!(
            "  CPU time (all threads): read + preview {:.2} s; planning + store {:.2} s",
            parsed_cpu.as_secs_f64(),
            written_cpu.as_secs_f64()
        );
        // The plan's search documents and owner index follow the commit in a transaction of their own (the
        // server does this in the background; a search that comes first waits for it).
        let indexing = Instant::now();
        let caught_up = store
            .catch_up_indexes(applied_plan)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(caught_up);
        println!(
            "  then the search and owner indexes, after the commit: {:.2} s",
            indexing.elapsed().as_secs_f64()
        );
        let outcome_added = applied.item_ids.len();
        store.close().await;
        (written, outcome_added)
    });
    assert_eq!(stored, rows);
    let total = parsed + written;
    let per_second = |d: std::time::Duration| rows as f64 / d.as_secs_f64();
    println!("rows: {rows} (each with one dated update)");
    println!("  of which reading the CSV: {:.2} s", read.as_secs_f64());
    println!(
        "read + preview: {:.2} s ({:.0} rows/s)",
        parsed.as_secs_f64(),
        per_second(parsed)
    );
    println!(
        "write to SQLite: {:.2} s ({:.0} rows/s)",
        written.as_secs_f64(),
        per_second(written)
    );
    println!(
        "total: {:.2} s ({:.0} rows/s)",
        total.as_secs_f64(),
        per_second(total)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// CPU time of the whole process (all threads) so far, which moves less than wall time when
/// other work shares the cores. Zero where `/proc` is missing.
fn process_cpu() -> std::time::Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return std::time::Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime
    // are fields 14 and 15, in clock ticks of 1/100 s.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    std::time::Duration::from_millis(ticks * 10)
}

/// A plain tracker: reference, action, owner, due date, a dated update, date of update, RAG.
fn tracker_csv(rows: usize) -> String {
    let mut csv = String::with_capacity(rows * 160);
    csv.push_str("Ref,Action,Owner,Due Date,Latest Update,Date of Update,RAG\n");
    let rags = ["Green", "Amber", "Red", "Green"];
    for n in 0..rows {
        let day = n % 28 + 1;
        let _ = writeln!(
            csv,
            "{}.{},Deliver action number {n} of the plan,Head of Unit {},31/03/2016,{day} Jan 2015 - Progress note {n} for this action,{day:02}/01/2015,{}",
            n / 100 + 1,
            n % 100 + 1,
            n % 50,
            rags[n % 4],
        );
    }
    csv
}
