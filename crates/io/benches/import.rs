//! Import throughput, in three cases, each in a process of its own so that its peak memory is
//! its own:
//!
//! - `plain`: a generated 100,000-row CSV read, previewed and written into a fresh SQLite
//!   database as one new plan (committed and readable; the search and owner indexes, written
//!   after the commit, are timed apart);
//! - `pasted`: 200,000 actions (Action, Owner, Due, RAG, Latest update) with the same
//!   96-character update on every row, the file that once made findings grow with the square
//!   of the rows;
//! - `pasted-by-ten`: the same with each update on ten consecutive rows (20,000 texts).
//!
//! A pasted case runs as `waymark import` does (read, preview, planning and storing, and
//! for a real import the indexes' catch-up), once as a dry run and once as a real import into
//! a fresh SQLite file, each in a process of its own, and prints the time, the peak resident
//! memory (`VmHWM`) after each step and the findings' JSON size. Run with
//! `cargo bench -p waymark-io --bench import`; the figures go in BENCHMARKS.md.
//! `WAYMARK_BENCH_CASES=pasted,pasted-by-ten` picks cases and `WAYMARK_BENCH_ROWS=20000` sets
//! the rows of every case, for a quicker run. (`harness = false`: a plain program that prints
//! its timings.)

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use waymark_core::PlanId;
use waymark_io::apply::{NewPlanSpec, new_plan_from};
use waymark_io::{
    PreviewOptions, build_preview, build_preview_owned, plan_changes, plan_new_plan_import,
    plan_new_plan_import_owned, read_file,
};
use waymark_store::Store;

const PLAIN_ROWS: usize = 100_000;
const PASTED_ROWS: usize = 200_000;
const CASES: [&str; 3] = ["plain", "pasted", "pasted-by-ten"];
/// Set in the child process that runs one case.
const CASE_VARIABLE: &str = "WAYMARK_BENCH_CASE";

fn main() {
    if let Ok(case) = std::env::var(CASE_VARIABLE) {
        run_case(&case);
        return;
    }
    let chosen = std::env::var("WAYMARK_BENCH_CASES").unwrap_or_else(|_| CASES.join(","));
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current exe: {e}"));
    println!("load average before: {}", load_average());
    for case in chosen.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        assert!(
            CASES.contains(&case),
            "unknown case {case}; the cases are {CASES:?}"
        );
        println!();
        let status = std::process::Command::new(&exe)
            .args(std::env::args_os().skip(1))
            .env(CASE_VARIABLE, case)
            .status()
            .unwrap_or_else(|e| panic!("running case {case}: {e}"));
        assert!(status.success(), "case {case} failed: {status}");
    }
    println!("\nload average after: {}", load_average());
}

fn run_case(case: &str) {
    let rows_wanted = std::env::var("WAYMARK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok());
    let dir = std::env::temp_dir().join(format!("waymark-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    let pasted_rows = rows_wanted.unwrap_or(PASTED_ROWS);
    match case {
        "plain" => plain(&dir, rows_wanted.unwrap_or(PLAIN_ROWS)),
        "pasted" => pasted(&dir, pasted_rows, usize::MAX),
        "pasted-by-ten" => pasted(&dir, pasted_rows, 10),
        "pasted:dry-run" | "pasted-by-ten:dry-run" => pasted_run(&dir, pasted_rows, true),
        "pasted:import" | "pasted-by-ten:import" => pasted_run(&dir, pasted_rows, false),
        other => panic!("unknown case {other}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The plain tracker: read, preview, plan and store, with the CPU time of each part.
fn plain(dir: &Path, rows: usize) {
    println!("plain: {rows} rows, each with one dated update");
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
    let per_second = |d: Duration| rows as f64 / d.as_secs_f64();
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
    println!("peak memory (VmHWM): {}", peak_memory());
}

/// A tracker whose updates are each pasted onto `shared_by` consecutive rows, imported as the
/// command line imports it (read, preview, plan, and for a real import the store's transaction and
/// the indexes' catch-up before the process ends): a dry run, then a real import into a fresh
/// SQLite file, each in a process of its own so that each peak memory is its own.
fn pasted(dir: &Path, rows: usize, shared_by: usize) {
    let name = if shared_by >= rows {
        println!("pasted: {rows} rows, one update on every row");
        "pasted"
    } else {
        println!(
            "pasted-by-ten: {rows} rows, {} updates each on {shared_by} rows",
            rows.div_ceil(shared_by)
        );
        "pasted-by-ten"
    };
    let csv_path = dir.join("pasted.csv");
    let csv = pasted_csv(rows, shared_by);
    println!("  file: {:.1} MB", csv.len() as f64 / 1e6);
    std::fs::write(&csv_path, csv).unwrap_or_else(|e| panic!("write csv: {e}"));
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current exe: {e}"));
    for mode in ["dry-run", "import"] {
        let status = std::process::Command::new(&exe)
            .args(std::env::args_os().skip(1))
            .env(CASE_VARIABLE, format!("{name}:{mode}"))
            .env(FILE_VARIABLE, &csv_path)
            .env("WAYMARK_BENCH_ROWS", rows.to_string())
            .status()
            .unwrap_or_else(|e| panic!("running {name} {mode}: {e}"));
        assert!(status.success(), "{name} {mode} failed: {status}");
    }
}

/// The file a pasted case's dry run or import reads, set by the process that wrote it.
const FILE_VARIABLE: &str = "WAYMARK_BENCH_FILE";

/// One dry run or import of a pasted case's file, timed, with the peak memory after each step.
fn pasted_run(dir: &Path, rows: usize, dry_run: bool) {
    let csv_path = std::env::var_os(FILE_VARIABLE)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| panic!("{FILE_VARIABLE} is not set"));
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("runtime: {e}"));
    let as_at = NaiveDate::from_ymd_opt(2015, 2, 1).unwrap_or_default();
    let (store, org) = runtime.block_on(async {
        let store = Store::open_sqlite_file(&dir.join("pasted.db"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let org = store
            .create_organisation("BEN", "Bench force")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (store, org.id)
    });
    let mut peaks = vec![("start", peak_memory())];
    let started = Instant::now();
    let cpu_started = process_cpu();
    let workbook = read_file(&csv_path).unwrap_or_else(|e| panic!("{e}"));
    let read = started.elapsed();
    peaks.push(("read", peak_memory()));
    // As the command line does: the workbook is handed over and freed as it is read.
    let preview = build_preview_owned(workbook, &PreviewOptions::new(as_at))
        .unwrap_or_else(|e| panic!("{e}"));
    let previewed = started.elapsed();
    peaks.push(("preview", peak_memory()));
    assert_eq!(preview.items.len(), rows);
    let spec = NewPlanSpec {
        org,
        title: Some("Pasted".into()),
        kind: None,
    };
    // As the command line does: a dry run borrows the preview and counts, an import hands the
    // preview over and stores the plan in one transaction.
    let (plan, findings) = if dry_run {
        let planned = plan_new_plan_import(&spec, &preview, None, &[], true);
        assert_eq!(planned.summary.added, rows);
        (None, planned.findings)
    } else {
        let planned = plan_new_plan_import_owned(&spec, preview, None, &[]);
        let (plan, _) = runtime
            .block_on(store.create_plan_with_changes(&planned.plan, &planned.changes))
            .unwrap_or_else(|e| panic!("{e}"));
        (Some(plan.id), planned.findings)
    };
    let imported = started.elapsed();
    peaks.push((if dry_run { "planning" } else { "store" }, peak_memory()));
    if let Some(plan) = plan {
        let caught_up = runtime
            .block_on(store.catch_up_indexes(plan))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(caught_up);
        peaks.push(("indexes", peak_memory()));
    }
    let total = started.elapsed();
    let cpu = process_cpu().saturating_sub(cpu_started);
    runtime.block_on(store.close());
    if dry_run {
        println!(
            "  dry run: {:.2} s (read {:.2} s, preview {:.2} s, planning {:.2} s; CPU {:.2} s), peak memory {}",
            total.as_secs_f64(),
            read.as_secs_f64(),
            (previewed - read).as_secs_f64(),
            (imported - previewed).as_secs_f64(),
            cpu.as_secs_f64(),
            peak_memory()
        );
    } else {
        println!(
            "  import: committed after {:.2} s (read {:.2} s, preview {:.2} s, planning and the \
             store's transaction {:.2} s), then the search and owner indexes {:.2} s: {:.2} s in \
             all (CPU {:.2} s), peak memory {}",
            imported.as_secs_f64(),
            read.as_secs_f64(),
            (previewed - read).as_secs_f64(),
            (imported - previewed).as_secs_f64(),
            (total - imported).as_secs_f64(),
            total.as_secs_f64(),
            cpu.as_secs_f64(),
            peak_memory()
        );
    }
    let peaks: Vec<String> = peaks
        .iter()
        .map(|(step, peak)| format!("{step} {peak}"))
        .collect();
    println!("    peak memory after each step: {}", peaks.join(", "));
    if dry_run {
        let findings = &findings;
        let compact = serde_json::to_vec(findings).map_or(0, |json| json.len());
        let pretty = serde_json::to_vec_pretty(findings).map_or(0, |json| json.len());
        println!(
            "    findings: {} ({} about pasted updates); JSON {:.2} MB, {:.2} MB indented by serde_json",
            findings.len(),
            findings
                .iter()
                .filter(|f| f.kind == waymark_io::FindingKind::DuplicateUpdateText)
                .count(),
            compact as f64 / 1e6,
            pretty as f64 / 1e6
        );
    }
}

/// CPU time of the whole process (all threads) so far, which moves less than wall time when
/// other work shares the cores. Zero where `/proc` is missing.
fn process_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime
    // are fields 14 and 15, in clock ticks of 1/100 s.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// The process's peak resident memory so far ("123 MB"), from `/proc/self/status`.
fn peak_memory() -> String {
    status_megabytes("VmHWM:")
}

fn status_megabytes(field: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or_else(
            || "unknown".to_string(),
            |kb| format!("{:.0} MB", kb as f64 * 1024.0 / 1e6),
        )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_string())
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

/// A new user's tracker: action, owner, due, RAG and a latest update of 96 characters, each
/// update on `shared_by` consecutive rows. About 200 bytes a row, so 200,000 rows are 40 MB.
fn pasted_csv(rows: usize, shared_by: usize) -> String {
    let mut csv = String::with_capacity(rows * 210);
    csv.push_str("Action,Owner,Due,RAG,Latest update\n");
    let rags = ["Green", "Amber", "Red", "Green"];
    for n in 0..rows {
        let group = n / shared_by;
        let _ = writeln!(
            csv,
            "\"Deliver improvement action {n} agreed with the inspectorate, reporting to the board\",\
             Head of Neighbourhood Policing {},31/03/2016,{},\"No further update this period: joint work with local partners continues as planned, ref: {group:06}.\"",
            n % 50,
            rags[n % 4],
        );
    }
    csv
}
