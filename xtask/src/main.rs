//! `cargo xtask`: project chores beyond cargo. `cargo xtask test` is the README's test command
//! (and what `.ci/run` calls): it provides what the tests need on a fresh Debian machine
//! (PostgreSQL, LibreOffice Writer and Calc, poppler-utils; Chromium and npm packages once
//! `e2e/` exists), then runs fmt, clippy, the workspace tests, the browser tests and
//! schemathesis against the API (`api_fuzz`), stopping at the first failure.
//! Under CI=true a test whose prerequisite is missing fails rather than skips
//! (`waymark-testing`). `cargo xtask bench` runs the benchmarks.
//!
//! Dependency-free on purpose: it compiles in seconds, before anything else is built.

mod api_fuzz;
mod browser;
mod office;
mod postgres;
mod system;

use std::env;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use system::{Apt, Failure, cargo};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test    provide PostgreSQL, LibreOffice (Writer, Calc) and poppler-utils (and the
          browser-test prerequisites once e2e/ exists), then run cargo fmt --check,
          cargo clippy -D warnings, cargo test, the e2e tests and schemathesis against
          the API (installed with pip when missing)
  fuzz-api  the test command's last step alone: schemathesis (every check, an
          administrator's token) against `waymark demo`
  bench   provide PostgreSQL, then run the benchmark binaries in release mode; arguments
          after `bench` replace the default selection (`--workspace --bench '*'`), for example
          `cargo xtask bench -p waymark-store --bench store`

environment:
  WAYMARK_TEST_DATABASE_URL  PostgreSQL for the store tests; when set, nothing is installed
  CI=true                    a missing PostgreSQL, LibreOffice or poppler is an error rather
                             than a warning, and so is a test that cannot find what it needs";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => run_test(),
        Some("bench") => run_bench(&args[1..]),
        Some("fuzz-api") => run_fuzz_api(),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            if let Some(command) = other {
                eprintln!("xtask: unknown command {command:?}\n");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// What every step may use: where the workspace is, apt (updated at most once), and the
/// environment to hand to the test processes.
pub struct Context {
    pub root: PathBuf,
    pub apt: Apt,
    pub test_env: Vec<(String, String)>,
    pub ci: bool,
    /// Warnings to repeat under the summary, where they are not lost in cargo's output.
    pub warnings: Vec<String>,
}

impl Context {
    fn new() -> Self {
        Context {
            root: workspace_root(),
            apt: Apt::default(),
            test_env: Vec::new(),
            ci: env::var("CI").is_ok_and(|value| value == "true" || value == "1"),
            warnings: Vec::new(),
        }
    }
}

fn run_test() -> ExitCode {
    let mut context = Context::new();
    let mut steps = Steps::default();
    let e2e = browser::e2e_dir(&context.root);
    let outcome = (|| -> Result<(), Failure> {
        steps.run("postgres", &mut context, postgres::ensure)?;
        if let Some(e2e) = &e2e {
            steps.run("browser prerequisites", &mut context, |c| {
                browser::ensure_prerequisites(c, e2e)
            })?;
        }
        steps.run("LibreOffice and poppler", &mut context, office::ensure)?;
        steps.run("cargo fmt --check", &mut context, |c| {
            cargo(c, &["fmt", "--all", "--", "--check"])
        })?;
        steps.run("cargo clippy", &mut context, |c| {
            cargo(
                c,
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            )
        })?;
        // Plain `cargo test` rather than nextest: test binaries share expensive set-up (fonts,
        // migrated databases) that one process per test would repeat.
        steps.run("cargo test", &mut context, |c| {
            cargo(c, &["test", "--workspace"])
        })?;
        if let Some(e2e) = &e2e {
            steps.run("e2e tests", &mut context, |c| browser::run_e2e(c, e2e))?;
        }
        steps.run("API fuzzing (schemathesis)", &mut context, fuzz_api)?;
        Ok(())
    })();
    steps.finish(&context, outcome)
}

/// The test command's last step alone: schemathesis against `waymark demo`.
fn run_fuzz_api() -> ExitCode {
    let mut context = Context::new();
    let mut steps = Steps::default();
    let outcome = steps.run("API fuzzing (schemathesis)", &mut context, fuzz_api);
    steps.finish(&context, outcome)
}

fn fuzz_api(context: &mut Context) -> Result<(), Failure> {
    let Some(schemathesis) = api_fuzz::ensure(context)? else {
        return Ok(());
    };
    let waymark = browser::built_binary(context)?;
    api_fuzz::run_fuzz(context, &schemathesis, &waymark)
}

fn run_bench(selection: &[String]) -> ExitCode {
    let mut context = Context::new();
    let mut steps = Steps::default();
    let outcome = (|| -> Result<(), Failure> {
        steps.run("postgres", &mut context, postgres::ensure)?;
        // `--bench '*'` picks every `[[bench]]` target in the workspace and nothing else, so
        // crates without benchmarks are not built in release.
        let mut args = vec!["bench"];
        if selection.is_empty() {
            args.extend(["--workspace", "--bench", "*"]);
        } else {
            args.extend(selection.iter().map(String::as_str));
        }
        steps.run("cargo bench", &mut context, |c| cargo(c, &args))?;
        Ok(())
    })();
    steps.finish(&context, outcome)
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The steps run so far, with their wall times, for the summary table.
#[derive(Default)]
struct Steps {
    done: Vec<(String, Duration, bool)>,
}

impl Steps {
    fn run(
        &mut self,
        name: &str,
        context: &mut Context,
        step: impl FnOnce(&mut Context) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step(context);
        let elapsed = started.elapsed();
        let ok = result.is_ok();
        println!(
            "<== {name}: {} in {:.1} s",
            if ok { "ok" } else { "FAILED" },
            elapsed.as_secs_f64()
        );
        self.done.push((name.to_string(), elapsed, ok));
        result.map_err(|failure| failure.in_step(name))
    }

    /// Prints the summary table and the failure, if any, and gives the exit code.
    fn finish(&self, context: &Context, outcome: Result<(), Failure>) -> ExitCode {
        let width = self
            .done
            .iter()
            .map(|(name, _, _)| name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        println!("\n{:<width$}  {:>8}  result", "step", "seconds");
        let mut total = Duration::ZERO;
        for (name, elapsed, ok) in &self.done {
            total += *elapsed;
            let result = if *ok { "ok" } else { "FAILED" };
            println!("{name:<width$}  {:>8.1}  {result}", elapsed.as_secs_f64());
        }
        println!("{:<width$}  {:>8.1}", "total", total.as_secs_f64());
        for warning in &context.warnings {
            eprintln!("\nxtask: WARNING: {warning}");
        }
        match outcome {
            Ok(()) => {
                println!("\nxtask: all steps passed");
                ExitCode::SUCCESS
            }
            Err(failure) => {
                eprintln!(
                    "\nxtask: FAILED at step \"{}\": {}",
                    failure.step, failure.message
                );
                ExitCode::FAILURE
            }
        }
    }
}
