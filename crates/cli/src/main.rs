//! The `waymark` command: serve the web application, run the demo, and read plans, items and
//! flags as JSON. Errors are reported with what went wrong and a non-zero exit.

mod demo;
mod demo_indicators;
mod export_cmd;
mod import_cmd;
mod indicators_cmd;
mod json_out;
mod report_cmd;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use waymark_core::PlanId;
use waymark_store::{Scope, Store};
use waymark_web::views::{CheckJson, ItemJson, PlanJson};
use waymark_web::{AppState, hash_password};

/// Waymark: plans, actions, updates and performance for police forces and their partners.
#[derive(Parser, Debug)]
#[command(name = "waymark", version, about)]
struct Cli {
    /// Folder for Waymark's data; the SQLite database lives inside.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A database URL (sqlite://PATH or postgres://...) that overrides --data-dir.
    #[arg(
        long,
        global = true,
        env = "WAYMARK_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application.
    Serve(ServeArgs),
    /// Create the demo organisation on first run, then serve it.
    Demo(ServeArgs),
    /// List plans.
    Plans(JsonArgs),
    /// List a plan's items as they stood on a day.
    Items(PlanArgs),
    /// List the data-quality flags of a plan's items on a day.
    Check(PlanArgs),
    /// Copy the database to a file while Waymark keeps running (SQLite).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Manage people who sign in.
    #[command(subcommand)]
    User(UserCommand),
    /// Import a plan from a spreadsheet or Word document, exactly as it is.
    Import(import_cmd::ImportArgs),
    /// Export a plan as XLSX, CSV or JSON.
    Export(export_cmd::ExportArgs),
    /// Produce a board report of a plan as PDF, HTML, DOCX or XLSX, and optionally publish it.
    Report(report_cmd::ReportArgs),
    /// Show a plan's performance indicators for a period: target, actual, RAG and forecast.
    Indicators(indicators_cmd::IndicatorsArgs),
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
}

#[derive(Args, Debug)]
struct JsonArgs {
    /// Print JSON (the only output format for now).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct PlanArgs {
    /// The plan's id, as listed by `waymark plans`.
    #[arg(long)]
    plan: i64,
    /// Show the plan as it stood at the end of this day (ISO, or as users write dates).
    #[arg(long, value_name = "DATE")]
    as_at: Option<String>,
    /// Print JSON (the only output format for now).
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a person who can sign in. The password is read from WAYMARK_PASSWORD or standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Can administer the organisation.
        #[arg(long)]
        admin: bool,
        /// The organisation's code; the first organisation when omitted.
        #[arg(long)]
        organisation: Option<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WAYMARK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(cli: Cli) -> Result<()> {
    let store = open_store(&cli).await?;
    let result = match cli.command {
        Command::Serve(args) => serve(store.clone(), &args.bind, None).await,
        Command::Demo(args) => {
            let today = chrono::Local::now().date_naive();
            let created = demo::ensure_demo(&store, today).await?;
            serve(store.clone(), &args.bind, Some(created)).await
        }
        Command::Plans(_) => {
            let plans = store.plans(Scope::All).await?;
            print_json(&plans.iter().map(PlanJson::new).collect::<Vec<_>>())
        }
        Command::Items(args) => {
            let (plan, as_at) = plan_and_day(&args)?;
            let view = store.plan_as_at(Scope::All, plan, as_at, None).await?;
            print_json(&ItemJson::all(&view))
        }
        Command::Check(args) => {
            let (plan, as_at) = plan_and_day(&args)?;
            let view = store.plan_as_at(Scope::All, plan, as_at, None).await?;
            print_json(
                &view
                    .items
                    .iter()
                    .map(|i| CheckJson::new(i, as_at))
                    .collect::<Vec<_>>(),
            )
        }
        Command::Backup { out } => {
            store
                .backup_to(&out)
                .await
                .with_context(|| format!("backing up to {}", out.display()))?;
            println!("Backed up to {}.", out.display());
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            admin,
            organisation,
        }) => add_user(&store, &email, &name, admin, organisation.as_deref()).await,
        Command::Import(args) => import_cmd::run(&store, args).await,
        Command::Export(args) => export_cmd::run(&store, args).await,
        Command::Report(args) => report_cmd::run(&store, args).await,
        Command::Indicators(args) => indicators_cmd::run(&store, args).await,
    };
    store.close().await;
    result
}

/// The store named by --database-url, else the SQLite file in --data-dir (or the user's data
/// folder).
async fn open_store(cli: &Cli) -> Result<Store> {
    if let Some(url) = &cli.database_url {
        return Store::connect(url)
            .await
            .with_context(|| format!("opening the database at {}", waymark_store::redact(url)));
    }
    let dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .map(|d| d.join("waymark"))
            .context("no data folder for this user; pass --data-dir")?,
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    let path = dir.join("waymark.db");
    Store::open_sqlite_file(&path)
        .await
        .with_context(|| format!("opening the database {}", path.display()))
}

fn plan_and_day(args: &PlanArgs) -> Result<(PlanId, NaiveDate)> {
    let as_at = match &args.as_at {
        None => chrono::Local::now().date_naive(),
        Some(text) => {
            let parsed = waymark_core::parse_date(text)
                .with_context(|| format!("--as-at {text:?} is not a date"))?;
            parsed.date
        }
    };
    Ok((PlanId(args.plan), as_at))
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn serve(store: Store, bind: &str, demo: Option<demo::DemoSummary>) -> Result<()> {
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr()?;
    let shutdown = shutdown_signal()?;
    println!("Waymark is running at http://{address}/");
    if let Some(summary) = &demo {
        summary.print();
    }
    println!("Press Ctrl+C to stop.");
    let mut state = AppState::new(store);
    state.demo = demo.map(|summary| std::sync::Arc::new(summary.sign_in()));
    waymark_web::serve(listener, state, shutdown)
        .await
        .context("the web server stopped with an error")?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Completes on Ctrl+C or SIGTERM, so the server finishes requests in flight and closes the
/// database cleanly. The handlers are installed before this returns, so a signal that arrives
/// as soon as the address is printed is not missed.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    Ok(async move {
        #[cfg(unix)]
        let terminate = terminate.recv();
        #[cfg(not(unix))]
        let terminate = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminate => {},
        }
        tracing::info!("shutting down");
    })
}

async fn add_user(
    store: &Store,
    email: &str,
    name: &str,
    admin: bool,
    organisation: Option<&str>,
) -> Result<()> {
    let org = match organisation {
        Some(code) => store
            .organisation_by_code(code)
            .await?
            .with_context(|| format!("no organisation has the code {code:?}"))?,
        None => match store.organisations().await?.into_iter().next() {
            Some(org) => org,
            None => {
                store
                    .create_organisation("ORG", "Default organisation")
                    .await?
            }
        },
    };
    let password = match std::env::var("WAYMARK_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("Password for {email} (then Enter):");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if password.chars().count() < 10 {
        bail!("the password must be at least 10 characters long");
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = store.create_user(org.id, email, name, &hash, admin).await?;
    println!(
        "Added {} <{}> to {}{}.",
        user.name,
        user.email,
        org.name,
        if admin { " as an administrator" } else { "" }
    );
    Ok(())
}
