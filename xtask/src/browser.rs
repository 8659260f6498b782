//! Browser tests in `e2e/` (Playwright driving Debian's Chromium), run only once that folder has
//! a `package.json`: install Chromium and the npm packages when missing, then run `npm test`
//! with `WAYMARK_BIN` pointing at the debug build of the `waymark` binary.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Context;
use crate::system::{Failure, cargo, output, run};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The e2e folder, when it holds an npm project.
pub fn e2e_dir(root: &Path) -> Option<PathBuf> {
    let dir = root.join("e2e");
    dir.join("package.json").is_file().then_some(dir)
}

pub fn ensure_prerequisites(context: &mut Context, e2e: &Path) -> Result<(), Failure> {
    if Path::new(CHROMIUM).is_file() {
        println!("{CHROMIUM} is installed");
    } else {
        context.apt.install(&["chromium", "chromium-driver"])?;
    }
    if e2e.join("node_modules").is_dir() {
        println!("e2e/node_modules exists: npm packages not reinstalled");
        return Ok(());
    }
    let locked = ["package-lock.json", "npm-shrinkwrap.json"]
        .iter()
        .any(|lockfile| e2e.join(lockfile).is_file());
    let subcommand = if locked { "ci" } else { "install" };
    run(
        Command::new("npm").arg(subcommand).current_dir(e2e),
        &format!("npm {subcommand} (in e2e/)"),
    )
}

/// Builds the debug `waymark` binary (the browser tests and the API fuzzing start it).
pub fn built_binary(context: &Context) -> Result<PathBuf, Failure> {
    cargo(
        context,
        &["build", "--package", "waymark", "--bin", "waymark"],
    )?;
    let binary = target_dir(context).join("debug").join("waymark");
    if !binary.is_file() {
        return Err(Failure::new(format!(
            "the waymark binary is not at {}",
            binary.display()
        )));
    }
    Ok(binary)
}

/// Builds the binary the browser tests start, then runs them.
pub fn run_e2e(context: &mut Context, e2e: &Path) -> Result<(), Failure> {
    let binary = built_binary(context)?;
    run(
        Command::new("npm")
            .arg("test")
            .current_dir(e2e)
            .envs(context.test_env.iter().map(|(k, v)| (k, v)))
            .env("WAYMARK_BIN", &binary),
        &format!("WAYMARK_BIN={} npm test (in e2e/)", binary.display()),
    )
}

/// Cargo's target directory, wherever configuration puts it.
fn target_dir(context: &Context) -> PathBuf {
    let program = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let metadata = output(
        Command::new(program)
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .current_dir(&context.root),
        "cargo metadata",
    );
    // Dependency-free, so the one field is read by hand; paths with JSON escapes fall back.
    let key = "\"target_directory\":\"";
    metadata
        .ok()
        .and_then(|json| {
            let start = json.find(key)? + key.len();
            let value = &json[start..start + json[start..].find('"')?];
            (!value.contains('\\')).then(|| PathBuf::from(value))
        })
        .unwrap_or_else(|| context.root.join("target"))
}
