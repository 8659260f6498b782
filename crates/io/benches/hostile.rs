//! Hostile uploads (`waymark_io::hostile::cases`) timed and measured one by one: how long each
//! takes to be refused (or read), and the peak memory it costs above what the process held
//! before (the file's own bytes): Linux's high-water mark, `VmHWM`, reset through
//! `/proc/self/clear_refs` just before the read. Each case runs in a process of its own, with
//! glibc told to hand large blocks back at once, so one case's freed memory never hides the
//! next one's. A 200,000-row tracker that must import is measured the same way. Run with
//! `cargo bench -p waymark-io --bench hostile`; the figures go in BENCHMARKS.md.

use std::process::Command;
use std::time::Instant;

use waymark_io::hostile::cases;
use waymark_io::{Format, ReadLimits, read_bytes_with};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|a| a == "--case") {
        let index: usize = args
            .get(position + 1)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("--case needs a number"));
        return run_case(index, args.get(position + 2).map(String::as_str));
    }
    let tracker = std::env::temp_dir().join(format!("waymark-hostile-{}.xlsx", std::process::id()));
    std::fs::write(&tracker, tracker_xlsx(200_000)).unwrap_or_else(|e| panic!("{e}"));
    let me = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    println!("| case | file | outcome | time | peak memory above the file's bytes |");
    println!("|---|---|---|---|---|");
    for index in 0..=cases().len() {
        let status = Command::new(&me)
            .args(["--case", &index.to_string()])
            .arg(&tracker)
            .env("MALLOC_MMAP_THRESHOLD_", "131072")
            .env("MALLOC_TRIM_THRESHOLD_", "131072")
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success(), "case {index} failed: {status}");
    }
    let _ = std::fs::remove_file(&tracker);
}

/// Case 0 is the tracker at `tracker`; case N the Nth hostile file.
fn run_case(index: usize, tracker: Option<&str>) {
    if index == 0 {
        let path = tracker.unwrap_or_else(|| panic!("no tracker path"));
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
        return measure(
            "200,000-row, 13-column tracker (must import)",
            "tracker.xlsx",
            Format::Xlsx,
            &bytes,
            &ReadLimits::default(),
        );
    }
    let mut all = cases();
    let case = all.swap_remove(index - 1);
    drop(all);
    measure(
        case.name,
        &case.file,
        case.format,
        &case.bytes,
        &case.limits,
    );
}

fn measure(name: &str, file: &str, format: Format, bytes: &[u8], limits: &ReadLimits) {
    if let Err(error) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("cannot reset the peak memory figure: {error}");
    }
    let before = status_kb("VmRSS:");
    let started = Instant::now();
    let result = read_bytes_with(file, format, bytes, limits);
    let elapsed = started.elapsed();
    let peak = status_kb("VmHWM:");
    let outcome = match &result {
        Ok(workbook) => format!(
            "read: {} rows",
            workbook.tables.iter().map(|t| t.rows.len()).sum::<usize>()
        ),
        Err(error) => {
            let message = error.to_string();
            let short: String = message.chars().take(90).collect();
            format!(
                "refused: {short}{}",
                if short.len() < message.len() {
                    "…"
                } else {
                    ""
                }
            )
        }
    };
    drop(result);
    println!(
        "| {name} | {:.1} MB | {outcome} | {:.0} ms | {:.1} MB |",
        bytes.len() as f64 / 1_048_576.0,
        elapsed.as_secs_f64() * 1000.0,
        peak.saturating_sub(before) as f64 / 1024.0
    );
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A tracker shaped like Waymark's own export: 13 filled columns, most text unique per row.
fn tracker_xlsx(rows: u32) -> Vec<u8> {
    fn fail<T>(error: rust_xlsxwriter::XlsxError) -> T {
        panic!("{error}")
    }
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let headers = [
        "Level",
        "Ref",
        "Item",
        "Detail",
        "Strategic lead",
        "Owner",
        "Start date",
        "Due date",
        "Complete",
        "Completed on",
        "RAG",
        "Latest update",
        "Date of update",
        "Update history",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet
            .write_string(0, column as u16, *header)
            .unwrap_or_else(fail);
    }
    for row in 1..=rows {
        let update = format!(
            "8 January 2015 from Supt Operations - progress on item {row} is steady and the board \
             has been told"
        );
        let cells = [
            "Action".to_string(),
            format!("{}.{}", row / 100, row % 100),
            format!("Deliver the improvement {row} across the force area"),
            String::new(),
            "ACC Operations".into(),
            format!("Supt {}", row % 50),
            "2015-01-01".into(),
            "31 March 2016".into(),
            "No".into(),
            String::new(),
            "Amber".into(),
            update.clone(),
            "2015-01-08".into(),
            format!("{update}\n\n1 December 2014 - started {row}"),
        ];
        for (column, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet
                    .write_string(row, column as u16, text)
                    .unwrap_or_else(fail);
            }
        }
    }
    workbook.save_to_buffer().unwrap_or_else(fail)
}
