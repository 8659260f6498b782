//! Waymark's application layer: every use case is one function here that takes the [`Actor`]
//! asking, checks what they may do against `waymark_core::access`, and only then reads or
//! writes. Pages, the JSON API and the CLI read their input, call one of these, and render
//! the answer; they cannot reach the store, so no write path goes around this crate.
//!
//! Reads come back narrowed by the one visibility rule (organisation, share, role and marking
//! ceiling) in [`access`], so every list, count, search, export and report shows a person only
//! what they may see. Writes are checked, made as one change set (or one store call) in one
//! transaction, and recorded in the audit trail in that same transaction.

pub mod access;
pub mod actor;
mod actor_cache;
pub mod api_reads;
pub mod api_writes;
pub mod attention;
pub mod audit;
pub mod building;
pub mod cleanup;
pub mod commentary;
pub mod comments;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod imports;
pub mod indicators;
pub mod item_list;
pub mod items;
mod memo;
pub mod narrative;
pub mod organisations;
pub mod password;
pub mod people;
pub mod plans;
pub mod programme;
pub mod programme_edit;
pub mod programme_import;
pub mod programme_report;
pub mod reads;
pub mod reports;
pub mod restore;
pub mod sessions;
pub mod settings;
pub mod text;
pub mod throttle;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use waymark_store::Store;

pub use access::{PlanRead, VisiblePlan};
pub use actor::{Actor, Via, Who};
pub use error::{AppError, Conflict, FieldError, Result};

/// The read types the edges render. They are values; the store that makes them stays here.
pub mod model {
    pub use waymark_store::{
        ApiToken, AuditEvent, AuditFilter, Backend, ClosureDecision, ClosureRequest, ClosureRule,
        Comment, CommentaryRequest, Evidence, EvidenceKind, EvidenceWithdrawal, FieldChange,
        FieldKind, GlossaryChange, GlossaryTermVersion, ItemHistory, ItemState, MAX_EVIDENCE_BYTES,
        MAX_GLOSSARY_MEANING, MAX_GLOSSARY_TERM, MAX_NARRATIVE, MeasurementEntry, Mention,
        Mentioned, NarrativeSubject, NarrativeVersion, PendingUpload, PlanChanges, PlanView,
        PostHolding, ProgrammeChanges, ProgrammeRecord, PublishedReport, PublishedReportId, RagMix,
        RagMove, ReportSettingsFields, ReportSettingsVersion, SignOffBy, StoreError,
        StoredIndicator, StoredLogo, StoredShare, User, Withdrawal, changes_between,
        glossary_term_key, redact,
    };
}

/// Today's date and the instant now, injectable so that tests and demos can pin them.
#[derive(Clone)]
pub struct Clock {
    today: Arc<dyn Fn() -> NaiveDate + Send + Sync>,
    now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

impl Clock {
    /// The server's local calendar date.
    pub fn system() -> Self {
        Clock {
            today: Arc::new(|| chrono::Local::now().date_naive()),
            now: Arc::new(Utc::now),
        }
    }

    /// Always the same day (the instant is the system's).
    pub fn fixed(day: NaiveDate) -> Self {
        Clock {
            today: Arc::new(move || day),
            now: Arc::new(Utc::now),
        }
    }

    /// This clock, with the instant `now` tells: for tests of sessions' expiry and the
    /// sign-in throttle, which move time on without waiting.
    pub fn with_now(self, now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Clock {
            today: self.today,
            now: Arc::new(now),
        }
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    /// The instant now, which sessions and the sign-in throttle are judged by.
    pub fn now(&self) -> DateTime<Utc> {
        (self.now)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock(today = {})", self.today())
    }
}

/// The application: the store behind every use case, and the clock that says what today is.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    clock: Clock,
    narrowed: Arc<access::NarrowedViews>,
    memos: Arc<memo::ViewMemos>,
    actors: Arc<actor_cache::ActorCache>,
    sessions: sessions::SessionRules,
}

impl App {
    pub fn new(store: Store, clock: Clock) -> App {
        App {
            store,
            clock,
            narrowed: Arc::default(),
            memos: Arc::default(),
            actors: Arc::default(),
            sessions: sessions::SessionRules::default(),
        }
    }

    /// This application with other session rules (idle and absolute expiry).
    pub fn with_session_rules(mut self, rules: sessions::SessionRules) -> App {
        self.sessions = rules;
        self
    }

    /// The rules sessions are held to.
    pub fn session_rules(&self) -> sessions::SessionRules {
        self.sessions
    }

    /// Opens the database at `url` (`sqlite://PATH` or `postgres://…`), migrating it.
    pub async fn connect(url: &str, clock: Clock) -> Result<App> {
        Ok(App::new(Store::connect(url).await?, clock))
    }

    /// Opens the embedded SQLite database in a file.
    pub async fn open_sqlite_file(path: &std::path::Path, clock: Clock) -> Result<App> {
        Ok(App::new(Store::open_sqlite_file(path).await?, clock))
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn backend(&self) -> waymark_store::Backend {
        self.store.backend()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// `make`'s answer for `view` (with `detail`, what else it depends on), worked out once
    /// per view: pages keep their counts over a whole plan here. A view never changes once
    /// made, so neither does the answer.
    pub fn derived<T: std::any::Any + Send + Sync>(
        &self,
        view: &Arc<model::PlanView>,
        detail: &str,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        self.memos.get_or_make(view, detail, make)
    }

    /// Waits for in-flight queries and closes the database.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Work a server does once it starts: write the derived indexes a stop left unwritten,
    /// then keep today's views warm. Runs until dropped.
    pub async fn keep_views_warm(&self) {
        match self.store.catch_up_all_indexes().await {
            Ok(0) => {}
            Ok(plans) => tracing::info!(plans, "index backlog caught up"),
            Err(error) => tracing::warn!(%error, "catching up the index backlog failed"),
        }
        let mut warmed_for = None;
        loop {
            let today = self.today();
            if warmed_for != Some(today) {
                let started = std::time::Instant::now();
                match self.store.warm_views(today).await {
                    Ok(views) => tracing::info!(
                        views,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "view cache warmed"
                    ),
                    Err(error) => tracing::warn!(%error, "warming the view cache failed"),
                }
                warmed_for = Some(today);
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    }

    /// Copies the SQLite database to a new file while the service keeps running: the
    /// operator's job, refused to anyone else.
    pub async fn backup_to(&self, actor: &Actor, path: &std::path::Path) -> Result<()> {
        if !actor.is_operator() {
            return Err(AppError::Forbidden);
        }
        self.store.backup_to(path).await?;
        Ok(())
    }
}
