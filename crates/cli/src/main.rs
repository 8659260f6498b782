//! The `waymark` command: serve the web application, run the demo, administer organisations,
//! people, sharing and tokens, build plans, and read plans, items and flags as JSON. Every
//! command acts as the operator at the command line through the application layer
//! (`waymark_app`); the CLI holds no rules of its own and never reaches the store. Errors are
//! reported with what went wrong and a non-zero exit.

mod admin;
mod build_cmd;
mod export_cmd;
mod import_cmd;
mod indicators_cmd;
mod json_out;
mod programme_cmd;
mod report_cmd;

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use waymark_app::{Actor, App, Clock};
use waymark_core::PlanId;
use waymark_web::views::{CheckJson, ItemJson, PlanJson};
use waymark_web::{AppState, DemoAccount, DemoSignIn, ServeLimits};

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
    /// Create the demo organisations on first run, then serve them.
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
    /// Replace the SQLite database with a backup made by `waymark backup`. Refused while a
    /// server is running on the database (it holds DB.lock beside it) unless --force.
    Restore {
        /// The backup file to restore; it is not changed.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace the database even though a server is running on it; restart that server
        /// straight after, since until then it serves and writes the old database.
        #[arg(long)]
        force: bool,
    },
    /// Delete uploads previewed and never confirmed, and expired sessions (audited in counts).
    Clean {
        /// Delete unconfirmed uploads older than this many hours.
        #[arg(long, default_value_t = waymark_app::cleanup::UNCONFIRMED_UPLOAD_HOURS)]
        upload_hours: u64,
    },
    /// Manage people who sign in.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Manage organisations: forces, PCC offices, local authorities and other partners.
    #[command(subcommand)]
    Org(admin::OrgCommand),
    /// Share a plan with another organisation, up to a protective marking.
    Share(admin::ShareArgs),
    /// Personal API tokens for scripts.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// Create a plan, change it, or archive it.
    #[command(subcommand)]
    Plan(build_cmd::PlanCommand),
    /// Add, change, close, reopen or archive a plan's items.
    #[command(subcommand)]
    Item(build_cmd::ItemCommand),
    /// Import a plan from a spreadsheet or Word document, exactly as it is.
    Import(import_cmd::ImportArgs),
    /// Export a plan as XLSX, CSV or JSON.
    Export(export_cmd::ExportArgs),
    /// Produce a board report of a plan as PDF, HTML, DOCX or XLSX, and optionally publish it.
    Report(report_cmd::ReportArgs),
    /// Show a plan's performance indicators for a period: target, actual, RAG and forecast.
    Indicators(indicators_cmd::IndicatorsArgs),
    /// Show a collaboration programme for a year: participants and their shares of the cost,
    /// funding by year, savings against target, projects by area and status.
    Programme(programme_cmd::ProgrammeArgs),
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Delete uploads previewed and never confirmed after this many hours (checked hourly,
    /// with expired sessions).
    #[arg(long, default_value_t = waymark_app::cleanup::UNCONFIRMED_UPLOAD_HOURS)]
    upload_hours: u64,
    /// Close a connection that has not sent a request's headers within this many seconds
    /// (also the longest a kept-alive connection may wait for its next request).
    #[arg(long, value_name = "SECS", default_value_t = ServeLimits::DEFAULT_HEADER_READ_SECS,
        value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout: u64,
    /// Stop waiting for a request whose body has not arrived in full this many seconds after
    /// its headers, such as an upload that stalls: it is refused and its connection closed.
    #[arg(long, value_name = "SECS", default_value_t = ServeLimits::DEFAULT_REQUEST_SECS,
        value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Close a kept-alive connection that sends no new request for this many seconds after
    /// its last answer (at most --header-read-timeout).
    #[arg(long, value_name = "SECS", default_value_t = ServeLimits::DEFAULT_IDLE_SECS,
        value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Connections open at once; more wait to be accepted until one closes.
    #[arg(long, value_name = "N", default_value_t = ServeLimits::DEFAULT_MAX_CONNECTIONS,
        value_parser = parse_count)]
    max_connections: usize,
    /// Connections open at once from one client address; more are closed when accepted.
    /// Raise it when many people reach Waymark through one proxy.
    #[arg(long, value_name = "N", default_value_t = ServeLimits::DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
        value_parser = parse_count)]
    max_connections_per_address: usize,
    /// Give cookies the Secure attribute, so browsers send them only over HTTPS: the default
    /// of `waymark serve`, which should be behind TLS.
    #[arg(long, conflicts_with = "insecure_cookies")]
    secure_cookies: bool,
    /// Send cookies without the Secure attribute, for plain http (the default of `waymark
    /// demo`, which serves on loopback); never on a server reached over a network.
    #[arg(long)]
    insecure_cookies: bool,
    /// End a session unused for this many minutes (on the server).
    #[arg(long, value_name = "MINUTES", default_value_t = waymark_app::sessions::IDLE_MINUTES,
        value_parser = clap::value_parser!(i64).range(1..=24 * 60))]
    session_idle_minutes: i64,
    /// End a session this many hours after sign-in, however busy (on the server).
    #[arg(long, value_name = "HOURS", default_value_t = waymark_app::sessions::SESSION_HOURS,
        value_parser = clap::value_parser!(i64).range(1..=24 * 30))]
    session_hours: i64,
}

impl ServeArgs {
    /// The server's timeouts and connection bounds, refused where they contradict each other.
    fn limits(&self) -> Result<ServeLimits> {
        if self.idle_timeout > self.header_read_timeout {
            anyhow::bail!(
                "--idle-timeout ({}) must not be longer than --header-read-timeout ({}): the \
                 header-read timer also closes a connection waiting for its next request",
                self.idle_timeout,
                self.header_read_timeout
            );
        }
        Ok(ServeLimits {
            header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout),
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout),
            max_connections: self.max_connections,
            max_connections_per_address: self.max_connections_per_address,
        })
    }
}

/// A count of connections: at least 1.
fn parse_count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err(format!("{text:?} is not a whole number of at least 1")),
    }
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

/// mimalloc rather than glibc's allocator: a request allocates and frees many small values on
/// whichever worker thread runs it, where glibc spent a tenth of the server's time in its
/// locks and chunk merging (BENCHMARKS.md, "Writes on 7 December").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (15 in the v2 and v3 sources of libmimalloc-sys 0.1.49,
/// whose Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory freed is given back to the system at once rather than after 10 ms. An import frees
/// the rows it has read while it builds the plan; with the delay, the 200,000-row tracker of
/// BENCHMARKS.md peaked at 404 MB, without it at 275 MB, and the server's writes are as fast.
#[allow(unsafe_code)]
fn return_freed_memory_at_once() {
    // SAFETY: mi_option_set stores a number in mimalloc's table of options, which it reads
    // afresh each time it purges; it may be called at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

fn main() -> std::process::ExitCode {
    return_freed_memory_at_once();
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

/// A use case's error as the command line says it: the messages of what was entered wrong,
/// else the error and its causes.
pub fn failed(error: waymark_app::AppError) -> anyhow::Error {
    match error {
        waymark_app::AppError::Invalid(_)
        | waymark_app::AppError::State(_)
        | waymark_app::AppError::Unknown(_)
        | waymark_app::AppError::NotPermitted(_) => {
            anyhow::anyhow!("{}", error.messages())
        }
        other => anyhow::Error::new(other),
    }
}

async fn run(cli: Cli) -> Result<()> {
    let operator = Actor::operator();
    // Restoring replaces the database file, so it must not open (and create) it first.
    if let Command::Restore { file, force } = &cli.command {
        let db = database_file(&cli)?.context(
            "this database is PostgreSQL: restore it with pg_restore (or psql) from pg_dump's file",
        )?;
        let restored = waymark_app::restore::restore_sqlite_file(&operator, file, &db, *force)
            .await
            .map_err(failed)
            .with_context(|| format!("restoring {}", file.display()))?;
        println!("Restored {} to {}.", file.display(), db.display());
        if restored.server_was_running {
            println!(
                "A server is running on it: restart it now. Until it restarts it serves the \
                 old database, and what it writes there is lost."
            );
        }
        return Ok(());
    }
    // A server holds the database's lock while it serves, so `waymark restore` can tell.
    let _server_lock = match (&cli.command, database_file(&cli)?) {
        (Command::Serve(_) | Command::Demo(_), Some(db)) => {
            if let Some(dir) = db.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the data folder {}", dir.display()))?;
            }
            Some(waymark_app::restore::hold_server_lock(&db).map_err(failed)?)
        }
        _ => None,
    };
    let app = open_app(&cli).await?;
    let result = match cli.command {
        Command::Serve(args) => serve(app.clone(), &args, None).await,
        Command::Demo(args) => {
            let today = chrono::Local::now().date_naive();
            let created = app.ensure_demo(&operator, today).await.map_err(failed)?;
            serve(app.clone(), &args, Some(created)).await
        }
        Command::Plans(_) => {
            let plans = app.visible_plans(&operator).await.map_err(failed)?;
            print_json(
                &plans
                    .iter()
                    .map(|v| PlanJson::new(&v.plan))
                    .collect::<Vec<_>>(),
            )
        }
        Command::Items(args) => {
            let (plan, as_at) = plan_and_day(&args)?;
            let read = app
                .plan_view(&operator, plan, as_at)
                .await
                .map_err(failed)?;
            print_json(&ItemJson::all_marked(&read))
        }
        Command::Check(args) => {
            let (plan, as_at) = plan_and_day(&args)?;
            let read = app
                .plan_view(&operator, plan, as_at)
                .await
                .map_err(failed)?;
            print_json(
                &read
                    .view
                    .items
                    .iter()
                    .map(|i| CheckJson::new(i, as_at))
                    .collect::<Vec<_>>(),
            )
        }
        Command::Clean { upload_hours } => {
            let removed = app
                .clean_up(&operator, hours(upload_hours))
                .await
                .map_err(failed)?;
            println!("{removed}.");
            Ok(())
        }
        Command::Restore { .. } => Ok(()),
        Command::Backup { out } => {
            app.backup_to(&operator, &out)
                .await
                .map_err(failed)
                .with_context(|| format!("backing up to {}", out.display()))?;
            println!("Backed up to {}.", out.display());
            Ok(())
        }
        Command::User(command) => admin::user(&app, &operator, command).await,
        Command::Org(command) => admin::org(&app, &operator, command).await,
        Command::Share(args) => admin::share(&app, &operator, args).await,
        Command::Token(command) => admin::token(&app, &operator, command).await,
        Command::Plan(command) => build_cmd::plan(&app, &operator, command).await,
        Command::Item(command) => build_cmd::item(&app, &operator, command).await,
        Command::Import(args) => import_cmd::run(&app, &operator, args).await,
        Command::Export(args) => export_cmd::run(&app, &operator, args).await,
        Command::Report(args) => report_cmd::run(&app, &operator, args).await,
        Command::Indicators(args) => indicators_cmd::run(&app, &operator, args).await,
        Command::Programme(args) => programme_cmd::run(&app, &operator, args).await,
    };
    app.close().await;
    result
}

/// The SQLite file the database is, or `None` for PostgreSQL.
fn database_file(cli: &Cli) -> Result<Option<PathBuf>> {
    if let Some(url) = &cli.database_url {
        let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            return Ok(None);
        };
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") {
            return Ok(None);
        }
        return Ok(Some(PathBuf::from(path)));
    }
    let dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .map(|d| d.join("waymark"))
            .context("no data folder for this user; pass --data-dir")?,
    };
    Ok(Some(dir.join("waymark.db")))
}

/// The database named by --database-url, else the SQLite file in --data-dir (or the user's
/// data folder).
async fn open_app(cli: &Cli) -> Result<App> {
    if let Some(url) = &cli.database_url {
        return App::connect(url, Clock::system())
            .await
            .map_err(failed)
            .with_context(|| {
                format!(
                    "opening the database at {}",
                    waymark_app::model::redact(url)
                )
            });
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
    App::open_sqlite_file(&path, Clock::system())
        .await
        .map_err(failed)
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

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn hours(hours: u64) -> std::time::Duration {
    std::time::Duration::from_secs(hours.saturating_mul(3600))
}

async fn serve(
    app: App,
    args: &ServeArgs,
    demo: Option<waymark_app::demo::DemoSummary>,
) -> Result<()> {
    let limits = args.limits()?;
    // Secure outside the demo unless asked otherwise; the demo serves plain http on loopback.
    let secure_cookies = if demo.is_some() {
        args.secure_cookies
    } else {
        !args.insecure_cookies
    };
    let app = app.with_session_rules(waymark_app::sessions::SessionRules {
        idle: chrono::Duration::minutes(args.session_idle_minutes),
        absolute: chrono::Duration::hours(args.session_hours),
    });
    let bind = args.bind.as_str();
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
    let mut state = AppState::new(app);
    state.secure_cookies = secure_cookies;
    if !secure_cookies && demo.is_none() {
        tracing::warn!(
            "cookies are sent without Secure (--insecure-cookies): use only over plain http on a trusted network"
        );
    }
    state.demo = demo.map(|summary| {
        std::sync::Arc::new(DemoSignIn {
            password: summary.password.clone(),
            accounts: summary
                .accounts
                .iter()
                .map(|(email, name, role)| DemoAccount {
                    email: email.clone(),
                    name: name.clone(),
                    role: role.clone(),
                })
                .collect(),
        })
    });
    let cleaner = state.app.clone();
    let upload_age = hours(args.upload_hours);
    let cleaning = tokio::spawn(async move {
        cleaner
            .keep_clean(std::time::Duration::from_secs(3600), upload_age)
            .await
    });
    let served = waymark_web::serve_within(listener, state, limits, shutdown).await;
    cleaning.abort();
    served.context("the web server stopped with an error")?;
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
