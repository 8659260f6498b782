//! PostgreSQL for the store tests: install Debian's server when nothing answers on
//! 127.0.0.1:5432, start (or create) its cluster, make the `waymark` role and the `waymark_test`
//! database, and hand `WAYMARK_TEST_DATABASE_URL` to the tests. Without root or apt the tests
//! run on SQLite only, after a loud warning; in CI that is a failure instead.

use std::env;
use std::fs;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::Context;
use crate::system::{Failure, as_postgres, is_root, on_path, output, run};

pub const URL_VARIABLE: &str = "WAYMARK_TEST_DATABASE_URL";
const URL: &str = "postgres://waymark:waymark@127.0.0.1:5432/waymark_test";
const ROLE: &str = "waymark";
const PASSWORD: &str = "waymark";
const DATABASE: &str = "waymark_test";
const PORT: u16 = 5432;

/// Makes PostgreSQL available to the tests, or explains loudly why it is not.
pub fn ensure(context: &mut Context) -> Result<(), Failure> {
    if let Some(url) = env::var(URL_VARIABLE).ok().filter(|url| !url.is_empty()) {
        println!(
            "{URL_VARIABLE} is already set ({}): using it as it is",
            redact(&url)
        );
        return Ok(());
    }
    match provide(context) {
        Ok(()) => {
            println!("PostgreSQL is ready: {URL_VARIABLE}={}", redact(URL));
            context
                .test_env
                .push((URL_VARIABLE.to_string(), URL.to_string()));
            Ok(())
        }
        Err(failure) if context.ci => Err(Failure::new(format!(
            "CI needs PostgreSQL for the store tests: {}",
            failure.message
        ))),
        Err(failure) => {
            let rule = "!".repeat(100);
            eprintln!("\n{rule}");
            eprintln!(
                "!! WARNING: PostgreSQL is not available: {}",
                failure.message
            );
            eprintln!("!! The store tests will run on SQLite ONLY; PostgreSQL is NOT tested.");
            eprintln!(
                "!! Run `cargo xtask test` as root on Debian to install it, or set {URL_VARIABLE}."
            );
            eprintln!("{rule}\n");
            context.warnings.push(format!(
                "PostgreSQL was not tested ({}); the store tests ran on SQLite only",
                failure.message
            ));
            Ok(())
        }
    }
}

fn provide(context: &mut Context) -> Result<(), Failure> {
    if !answers() {
        println!("nothing answers on 127.0.0.1:{PORT}: starting PostgreSQL");
        if !is_root() {
            return Err(Failure::new(format!(
                "nothing answers on 127.0.0.1:{PORT} and starting PostgreSQL needs root"
            )));
        }
        if !installed() {
            context.apt.install(&["postgresql"])?;
        }
        start_cluster()?;
        wait_until_answering(Duration::from_secs(60))?;
    }
    if is_root() {
        create_role_and_database()?;
    } else {
        println!("not root: assuming role {ROLE} and database {DATABASE} exist");
    }
    check_login()
}

/// True when something accepts a TCP connection on the PostgreSQL port.
fn answers() -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], PORT));
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
}

fn wait_until_answering(limit: Duration) -> Result<(), Failure> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if answers() {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(250));
    }
    Err(Failure::new(format!(
        "PostgreSQL was started but nothing answered on 127.0.0.1:{PORT} within {} s",
        limit.as_secs()
    )))
}

/// The installed server versions, newest first.
fn installed_versions() -> Vec<String> {
    let mut versions: Vec<(u32, String)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().join("bin/postgres").is_file())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            Some((name.parse().ok()?, name))
        })
        .collect();
    versions.sort_by_key(|(number, _)| std::cmp::Reverse(*number));
    versions.into_iter().map(|(_, name)| name).collect()
}

fn installed() -> bool {
    !installed_versions().is_empty() && on_path("pg_ctlcluster")
}

/// Starts the cluster on our port, creating `<newest version>/main` when there is none. The
/// Debian package usually creates and starts a cluster itself, but not where no init system
/// runs (containers, CI).
fn start_cluster() -> Result<(), Failure> {
    let listing = output(
        Command::new("pg_lsclusters").arg("--no-header"),
        "pg_lsclusters --no-header",
    )?;
    // Columns: version, name, port, status, owner, data directory, log file.
    let clusters: Vec<Vec<&str>> = listing
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|columns| columns.len() >= 4)
        .collect();
    let port = PORT.to_string();
    let (version, name, status) = match clusters.iter().find(|columns| columns[2] == port) {
        Some(columns) => (
            columns[0].to_string(),
            columns[1].to_string(),
            columns[3].to_string(),
        ),
        None => {
            let version = installed_versions().into_iter().next().ok_or_else(|| {
                Failure::new("PostgreSQL is installed but no server version was found")
            })?;
            run(
                Command::new("pg_createcluster").args([
                    version.as_str(),
                    "main",
                    "--port",
                    port.as_str(),
                    "--locale",
                    "C.UTF-8",
                ]),
                &format!("pg_createcluster {version} main --port {port} --locale C.UTF-8"),
            )?;
            (version, "main".to_string(), "down".to_string())
        }
    };
    if status == "online" {
        return Ok(());
    }
    // pg_ctlcluster, run as root, starts the server as the cluster's owner.
    run(
        Command::new("pg_ctlcluster").args([version.as_str(), name.as_str(), "start"]),
        &format!("pg_ctlcluster {version} {name} start"),
    )
}

/// Creates the role and the database when missing, as the `postgres` superuser over the local
/// socket. Existing ones are left as they are.
fn create_role_and_database() -> Result<(), Failure> {
    let role_exists =
        psql_as_postgres(&format!("SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'"))?;
    if role_exists.trim().is_empty() {
        psql_as_postgres(&format!(
            "CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'"
        ))?;
        println!("created role {ROLE}");
    }
    let database_exists = psql_as_postgres(&format!(
        "SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"
    ))?;
    if database_exists.trim().is_empty() {
        // UTF-8 whatever the cluster's default, which depends on the locale it was made in.
        psql_as_postgres(&format!(
            "CREATE DATABASE {DATABASE} OWNER {ROLE} TEMPLATE template0 ENCODING 'UTF8' \
             LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        ))?;
        println!("created database {DATABASE}");
    }
    Ok(())
}

fn psql_as_postgres(sql: &str) -> Result<String, Failure> {
    let port = PORT.to_string();
    let args = [
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-p",
        port.as_str(),
        "-d",
        "postgres",
        "-tAc",
        sql,
    ];
    output(&mut as_postgres("psql", &args), &format!("psql -c {sql:?}"))
}

/// Logs in as the tests will, over TCP with the password, when psql is here to try it.
fn check_login() -> Result<(), Failure> {
    if !on_path("psql") {
        return Ok(());
    }
    output(
        Command::new("psql")
            .args(["-X", "-tAc", "SELECT 1", URL])
            .env("PGCONNECT_TIMEOUT", "10")
            .current_dir(Path::new("/")),
        &format!("psql {} -c 'SELECT 1'", redact(URL)),
    )
    .map(|_| ())
}

/// Hides the password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
