//! The API against its own document: schemathesis (from PyPI) runs every check (`-c all`),
//! each with its own defaults, against `waymark demo` with an administrator's API token, so the
//! writes are fuzzed too. Its one setting (a request timeout for a debug build's PDFs) is in
//! `schemathesis.toml` at the repository's root. The run is bounded (examples per operation, a
//! fixed seed) so it takes a minute or two and fails the same way twice. Nothing is left out:
//! the token the run holds cannot revoke itself (409).

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::Context;
use crate::system::{Failure, output, run};

/// The version the settings were written for.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// The demo's administrator, whose token the run uses.
const DEMO_ADMIN: &str = "priya.shah@northshire.example";
const EXAMPLES_PER_OPERATION: &str = "20";
const SEED: &str = "1";

/// schemathesis's command, installed with pip for the machine's python3 when missing. Outside
/// CI a machine without pip (or without the registry) skips the step with a warning.
pub fn ensure(context: &mut Context) -> Result<Option<PathBuf>, Failure> {
    let found = scripts_dir().and_then(|dir| {
        let program = dir.join("schemathesis");
        if program.is_file() {
            println!("{} is installed", program.display());
            return Ok(program);
        }
        run(
            Command::new("python3").args(["-m", "pip", "install", "--quiet", SCHEMATHESIS]),
            &format!("python3 -m pip install {SCHEMATHESIS}"),
        )?;
        if program.is_file() {
            Ok(program)
        } else {
            Err(Failure::new(format!(
                "pip installed {SCHEMATHESIS} but {} is not there",
                program.display()
            )))
        }
    });
    match found {
        Ok(program) => Ok(Some(program)),
        Err(failure) if !context.ci => {
            context.warnings.push(format!(
                "the API was not fuzzed: {} (CI=true makes this a failure)",
                failure.message
            ));
            Ok(None)
        }
        Err(failure) => Err(failure),
    }
}

/// Where pip puts python3's commands.
fn scripts_dir() -> Result<PathBuf, Failure> {
    let dir = output(
        Command::new("python3").args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ]),
        "python3 (to find where pip puts commands)",
    )?;
    Ok(PathBuf::from(dir.trim()))
}

/// Starts the demo on a free port in a scratch folder, makes the token, runs schemathesis.
pub fn run_fuzz(context: &Context, schemathesis: &Path, waymark: &Path) -> Result<(), Failure> {
    let scratch = std::env::temp_dir().join(format!("waymark-api-fuzz-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch)
        .map_err(|e| Failure::new(format!("cannot make {}: {e}", scratch.display())))?;
    let data = scratch.join("data");
    let port = free_port()?;
    let log = fs::File::create(scratch.join("server.log"))
        .map_err(|e| Failure::new(format!("cannot write the server's log: {e}")))?;
    let log_err = log
        .try_clone()
        .map_err(|e| Failure::new(format!("cannot write the server's log: {e}")))?;
    let server = Command::new(waymark)
        .arg("demo")
        .arg("--data-dir")
        .arg(&data)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| Failure::new(format!("could not start {}: {e}", waymark.display())))?;
    let mut server = Stopped(server);
    let result = (|| {
        wait_for(port, Duration::from_secs(180))?;
        let made = output(
            Command::new(waymark).arg("--data-dir").arg(&data).args([
                "token",
                "create",
                "--email",
                DEMO_ADMIN,
                "--name",
                "schemathesis",
            ]),
            "waymark token create",
        )?;
        let token = made
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| line.starts_with("wmk_"))
            .ok_or_else(|| Failure::new("`waymark token create` printed no token"))?
            .to_string();
        let settings = context.root.join("schemathesis.toml");
        let base = format!("http://127.0.0.1:{port}");
        // The line printed for the command leaves the token out.
        run(
            Command::new(schemathesis)
                .arg("--config-file")
                .arg(&settings)
                .args(["run", &format!("{base}/api/openapi.json"), "-c", "all"])
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--max-examples", EXAMPLES_PER_OPERATION, "--seed", SEED])
                .args(["--no-color", "--workers", "1"])
                .current_dir(&scratch),
            &format!(
                "schemathesis run {base}/api/openapi.json -c all (settings {}, seed {SEED}, \
                 {EXAMPLES_PER_OPERATION} examples an operation, an administrator's token)",
                settings.display()
            ),
        )
    })();
    server.stop();
    if result.is_ok() {
        let _ = fs::remove_dir_all(&scratch);
    } else {
        println!(
            "the server's log is in {}",
            scratch.join("server.log").display()
        );
    }
    result
}

/// A port nobody listens on now.
fn free_port() -> Result<u16, Failure> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| Failure::new(format!("no free port on 127.0.0.1: {e}")))
}

fn wait_for(port: u16, most: Duration) -> Result<(), Failure> {
    let start = Instant::now();
    while start.elapsed() < most {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        sleep(Duration::from_millis(200));
    }
    Err(Failure::new(format!(
        "waymark demo did not listen on 127.0.0.1:{port} within {} s",
        most.as_secs()
    )))
}

/// The demo server, stopped when the run ends however it ends.
struct Stopped(Child);

impl Stopped {
    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        self.stop();
    }
}
