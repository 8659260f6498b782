//! Times a long quarterly report: about 100 A4 pages of objectives, indicators with their trend
//! charts, actions and updates, built from the synthetic sample and rendered to PDF (the target
//! is under 2 s in release), and the same report as DOCX, XLSX and HTML for comparison.
//! `cargo bench -p waymark-report`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use waymark_report::sample::{SampleSize, sample_inputs, sample_settings};
use waymark_report::{
    Format, Layout, UpdatesShown, build_report, clear_typesetting_cache, pdf_page_count, render,
    warm_up,
};

const RUNS: u32 = 5;

fn main() {
    let size = SampleSize {
        objectives: 15,
        actions_per_objective: 24,
        updates_per_action: 3,
    };
    // Every update of the quarter, not only the latest, as a board that asks for the full
    // narrative gets.
    let mut settings = sample_settings();
    settings.updates = UpdatesShown::Period;
    let mut inputs = sample_inputs(size);
    // Two indicators with charts under every objective (seed 004 has seventeen across seven),
    // so that the charts' cost shows: the sample hangs its four off the first objective only.
    let charted: Vec<_> = inputs.indicators.iter().take(2).cloned().collect();
    for objective in 1..size.objectives {
        let id = 1 + objective * (size.actions_per_objective + 1);
        for row in &charted {
            let mut row = row.clone();
            row.objective = Some(id as i64);
            inputs.indicators.push(row);
        }
    }
    // WAYMARK_BENCH_NO_CHARTS=1 keeps the indicators but drops their charts, to measure what the
    // charts cost.
    if std::env::var_os("WAYMARK_BENCH_NO_CHARTS").is_some() {
        for row in &mut inputs.indicators {
            row.chart = None;
        }
    }
    let started = Instant::now();
    let report = build_report(&inputs, &settings);
    let built = started.elapsed();

    let started = Instant::now();
    warm_up();
    let fonts = started.elapsed();

    let pages = pdf_page_count(&report, Layout::Quarterly).unwrap();
    let actions: usize = report.objectives.iter().map(|s| s.actions.len()).sum();
    let charts = report
        .objectives
        .iter()
        .flat_map(|s| &s.indicators)
        .filter(|row| row.chart.is_some())
        .count();
    println!(
        "quarterly report: {} objectives, {charts} indicator charts, {actions} actions, {} \
         updates each in the quarter, {pages} A4 pages",
        size.objectives, size.updates_per_action
    );
    let tracker_pages = pdf_page_count(&report, Layout::Tracker).unwrap();
    println!("tracker layout of the same plan: {tracker_pages} landscape pages");
    println!("build the model: {}", ms(built));
    println!("parse the fonts (once per process): {}", ms(fonts));

    for (format, layout) in [
        (Format::Pdf, Layout::Quarterly),
        (Format::Pdf, Layout::Tracker),
        (Format::Docx, Layout::Quarterly),
        (Format::Xlsx, Layout::Quarterly),
        (Format::Html, Layout::Quarterly),
    ] {
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut bytes = 0;
        for _ in 0..RUNS {
            // Every run starts cold: a server renders different reports, not one again.
            clear_typesetting_cache();
            let cpu_before = process_cpu();
            let started = Instant::now();
            bytes = render(&report, layout, format).unwrap().len();
            times.push(started.elapsed());
            cpu.push(process_cpu().saturating_sub(cpu_before));
        }
        times.sort();
        cpu.sort();
        println!(
            "{format} {layout}: median {} (min {}, max {}), CPU median {} over {RUNS} runs, {} KiB",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1]),
            ms(cpu[cpu.len() / 2]),
            bytes / 1024
        );
    }
}

/// CPU time used by this process so far (all threads), from /proc on Linux; zero elsewhere.
/// On a shared two-core machine wall time swings with other work, CPU time much less.
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

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}
