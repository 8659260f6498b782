//! Running commands for xtask: cargo with the test environment, apt-get (updated at most once
//! per run), root checks, and the failure type every step returns.

use std::env;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Context;

/// Why a step stopped the run.
#[derive(Debug)]
pub struct Failure {
    pub step: String,
    pub message: String,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            step: String::new(),
            message: message.into(),
        }
    }

    pub fn in_step(mut self, step: &str) -> Self {
        if self.step.is_empty() {
            self.step = step.to_string();
        }
        self
    }
}

/// Runs cargo (the one that started xtask) in the workspace root with the test environment.
pub fn cargo(context: &Context, args: &[&str]) -> Result<(), Failure> {
    let program = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(&context.root)
        .envs(context.test_env.iter().map(|(k, v)| (k, v)));
    run(&mut command, &format!("cargo {}", args.join(" ")))
}

/// Runs a command with inherited output and no stdin; a non-zero exit is a failure that names
/// the command.
pub fn run(command: &mut Command, what: &str) -> Result<(), Failure> {
    println!("$ {what}");
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|e| Failure::new(format!("could not start `{what}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(format!("`{what}` exited with {status}")))
    }
}

/// Runs a command and returns its stdout, or its stderr as the failure.
pub fn output(command: &mut Command, what: &str) -> Result<String, Failure> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Failure::new(format!("could not start `{what}`: {e}")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Failure::new(format!(
            "`{what}` exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// True when `program` is an executable file somewhere on PATH.
pub fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Debian's apt-get, updated at most once per run.
#[derive(Default)]
pub struct Apt {
    updated: bool,
}

impl Apt {
    /// Why packages cannot be installed here, if they cannot.
    pub fn unavailable(&self) -> Option<&'static str> {
        if !on_path("apt-get") {
            Some("apt-get is not available (not a Debian machine)")
        } else if !is_root() {
            Some("installing packages needs root")
        } else {
            None
        }
    }

    pub fn install(&mut self, packages: &[&str]) -> Result<(), Failure> {
        if let Some(reason) = self.unavailable() {
            return Err(Failure::new(format!(
                "cannot install {}: {reason}",
                packages.join(" ")
            )));
        }
        if !self.updated {
            run(apt_get().arg("update"), "apt-get update")?;
            self.updated = true;
        }
        run(
            apt_get().args(["install", "-y"]).args(packages),
            &format!("apt-get install -y {}", packages.join(" ")),
        )
    }
}

fn apt_get() -> Command {
    let mut command = Command::new("apt-get");
    command.env("DEBIAN_FRONTEND", "noninteractive");
    command
}

/// A command run as the `postgres` user (the server refuses to run as root), from `/` so that
/// the user never lacks access to the current directory.
pub fn as_postgres<S: AsRef<OsStr>>(program: &str, args: &[S]) -> Command {
    let mut command = Command::new("runuser");
    command
        .args(["-u", "postgres", "--", program])
        .args(args)
        .current_dir(Path::new("/"));
    command
}
