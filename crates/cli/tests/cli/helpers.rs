//! Running the binary: a fresh data folder per test, and a server started on port 0 whose
//! address is read from what it prints.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

pub const DEMO_PASSWORD: &str = "waymark-demo-2026";

pub fn fresh_data_dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "waymark-cli-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn waymark(data_dir: &PathBuf) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("WAYMARK_DATABASE_URL")
        .env("WAYMARK_LOG", "warn");
    command
}

/// Runs a command to completion and parses its standard output as JSON.
pub fn json(data_dir: &PathBuf, args: &[&str]) -> serde_json::Value {
    let output = succeed(waymark(data_dir).args(args));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs a command to completion, failing the test with its standard error unless it succeeds.
pub fn succeed(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A running server and its address.
pub struct Server {
    pub child: Child,
    pub address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `waymark demo` (or `serve`) on port 0 and waits for the address it prints.
pub fn start(data_dir: &PathBuf, subcommand: &str) -> Server {
    let mut child = waymark(data_dir)
        .args([subcommand, "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server exited before printing its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Waymark is running at ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, address }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the form and returns the session's CSRF token for API writes.
pub async fn sign_in(client: &reqwest::Client, address: &str, email: &str) -> String {
    let page = client
        .get(format!("{address}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let csrf = page[start..].split('"').next().unwrap().to_string();
    let response = client
        .post(format!("{address}/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "sign-in failed");
    let session: serde_json::Value = client
        .get(format!("{address}/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["csrf_token"].as_str().unwrap().to_string()
}
