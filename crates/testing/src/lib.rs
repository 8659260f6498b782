//! What the test suites share (a dev-dependency only). A test that needs something outside
//! the workspace (a program such as `pdftotext` or LibreOffice, the shared seeds, a PostgreSQL
//! database) asks here when it is missing: on a developer's machine the test is skipped with
//! the reason printed, but under `CI=true` it fails, naming what is missing, so that CI can
//! never pass by skipping. `cargo xtask test` installs everything the tests need.

use std::process::{Command, Stdio};

/// True when running under CI (`CI=true` or `CI=1`), as `cargo xtask test` and `.ci/run` set.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// Reports a missing prerequisite: under CI the test fails here, naming `what` and how to get
/// it; elsewhere this prints why the check is skipped and returns, and the test returns too.
pub fn missing(what: &str, how_to_get_it: &str) {
    if in_ci() {
        panic!(
            "missing test prerequisite: {what} ({how_to_get_it}); under CI=true a test may not \
             be skipped"
        );
    }
    eprintln!("skipped: {what} is missing ({how_to_get_it})");
}

/// True when `program` runs (with `args`, such as `--version`); otherwise reports it missing
/// (failing under CI) and returns false. `package` names the Debian package that provides it.
pub fn have_program(program: &str, args: &[&str], package: &str) -> bool {
    let runs = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !runs {
        missing(
            &format!("the program `{program}`"),
            &format!("apt-get install {package}, or run `cargo xtask test`"),
        );
    }
    runs
}

/// The value of environment variable `name`, or `None` after reporting it missing.
pub fn env_var(name: &str, what: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            missing(
                &format!("{what} ({name} is not set)"),
                "`cargo xtask test` provides it",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_runs_is_there() {
        assert!(have_program("true", &[], "coreutils"));
    }
}
