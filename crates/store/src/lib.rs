//! Persistence for Waymark: migrations, the append-only history of items and updates, and
//! "as at" reads, on SQLite (the embedded default) and PostgreSQL (several servers sharing one
//! database) behind one `Store` that callers use without knowing which.
//!
//! The store owns SQL and nothing else: it knows no HTTP, HTML or file formats. It uses
//! `sqlx::Any` so that one set of portable queries serves both backends; each backend has its own
//! migrations folder, chosen by the URL's scheme. Rows become domain values in `rows`.

mod audit;
mod backlog;
mod batch;
mod cache;
mod changes;
mod commentary;
mod comments;
mod diff;
mod error;
mod evidence;
mod glossary;
mod history_rows;
mod import;
mod indicators;
mod narrative;
mod owners;
mod people;
mod plan_edit;
mod programme;
mod read;
mod report_settings;
mod reports;
mod rows;
mod search;
mod sharing;
mod throttle;
mod uploads;
mod write;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor, Row};
use waymark_core::{
    Classification, OrgId, Organisation, OrganisationKind, Plan, PlanId, PlanKind, UpdateCycle,
};

pub use audit::{AuditEvent, AuditFilter, NewAuditEvent};
pub use changes::{Applied, ChangeSet, ItemRef, NewItem, NewUpdate, NewVersion, WriteWatch};
pub use commentary::{CommentaryRequest, NewCommentaryRequest};
pub use comments::{Comment, Mention, Mentioned, NewComment};
pub use diff::{FieldChange, FieldKind, PlanChanges, RagMove, changes_between};
pub use error::{Result, StoreError};
pub use evidence::{
    ClosureDecision, ClosureRequest, ClosureRule, Evidence, EvidenceKind, EvidenceWithdrawal,
    MAX_EVIDENCE_BYTES, NewClosureDecision, NewEvidence, SignOffBy,
};
pub use glossary::{
    GlossaryChange, GlossaryTermVersion, MAX_MEANING as MAX_GLOSSARY_MEANING,
    MAX_TERM as MAX_GLOSSARY_TERM, glossary_term_key,
};
pub use indicators::{
    IndicatorImportSet, IndicatorRef, MeasurementEntry, MeasurementId, MeasurementsByIndicator,
    NewIndicator, NewMeasurement, StoredIndicator,
};
pub use narrative::{MAX_NARRATIVE, NarrativeSubject, NarrativeVersion, NewNarrative};
pub use owners::OwnedItems;
pub use people::{NewPerson, PostChange, PostHolding, PostRef, Session, User};
pub use programme::{ProgrammeChanges, ProgrammeRecord, ProgrammeSet};
pub use read::{ItemHistory, ItemState, PlanView, RagMix};
pub use report_settings::{
    NewReportSettings, ReportSettingsFields, ReportSettingsVersion, StoredLogo,
};
pub use reports::{
    NewPublishedReport, PublishedFile, PublishedReport, PublishedReportId, Withdrawal,
};
pub use sharing::{ApiToken, NewShare, StoredShare, TokenHolder};
pub use throttle::SignInFailures;
pub use uploads::{ImportSource, PendingUpload, SavedMapping};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whose rows a read may see. Every read and write names a scope, so that roles and partner
/// access can later narrow it without changing callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The operator at the command line: every organisation.
    All,
    /// A signed-in user: their own organisation only.
    Org(OrgId),
}

impl Scope {
    pub fn allows(self, org: OrgId) -> bool {
        match self {
            Scope::All => true,
            Scope::Org(own) => own == org,
        }
    }

    /// `Ok` where the scope may see `org`'s rows; otherwise the organisation is not found, so
    /// that a caller learns nothing about another organisation.
    pub(crate) fn require(self, org: OrgId) -> Result<()> {
        if self.allows(org) {
            Ok(())
        } else {
            Err(StoreError::NotFound {
                what: "organisation",
                id: org.0,
            })
        }
    }
}

/// A plan to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlan {
    pub org: OrgId,
    pub kind: PlanKind,
    pub title: String,
    pub period: Option<String>,
    pub level_names: Vec<String>,
    pub owner_posts: Vec<String>,
    pub source: Option<String>,
    pub update_cycle: UpdateCycle,
    pub marking: Classification,
}

/// Every SQLite connection's settings. WAL lets pages read while an import writes; FULL
/// makes every acknowledged commit survive power loss; foreign keys are off by default in
/// SQLite. Reads map the file (up to 1 GiB) instead of copying each page through a system
/// call, and each connection keeps up to 16 MiB of pages.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
     PRAGMA mmap_size = 0; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;";

/// The database behind Waymark.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    views: cache::ViewCache,
    mixes: cache::MixCache,
    /// On SQLite, the one task that writes change sets (group commit, see `writer`).
    writer: Option<writer::Writer>,
}

impl Store {
    /// Opens (creating where needed) the database at `url` — `sqlite://PATH` or
    /// `postgres://...` — and applies any pending migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let joiner = if url.contains('?') { '&' } else { '?' };
                format!("{url}{joiner}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(|source| StoreError::Connect {
            url: redact(&url),
            source,
        })?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(30))
            // A SQLite connection is a file on this machine and cannot drop; pinging it before
            // each read is a needless round trip to its thread. A PostgreSQL connection can.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(|source| StoreError::Connect {
                url: redact(&url),
                source,
            })?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let mut store = Store {
            pool,
            backend,
            views: cache::ViewCache::default(),
            mixes: cache::MixCache::default(),
            writer: None,
        };
        if backend == Backend::Sqlite {
            // The writer has a connection of its own, outside the pool that readers use.
            let mut conn = options
                .connect()
                .await
                .map_err(|source| StoreError::Connect {
                    url: redact(&url),
                    source,
                })?;
            conn.execute(SQLITE_PRAGMAS).await?;
            conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
            let mut checkpointer =
                options
                    .connect()
                    .await
                    .map_err(|source| StoreError::Connect {
                        url: redact(&url),
                        source,
                    })?;
            checkpointer.execute(SQLITE_PRAGMAS).await?;
            store.writer = Some(writer::Writer::start(store.clone(), conn, checkpointer));
        }
        Ok(store)
    }

    /// Opens the embedded SQLite database in a file.
    pub async fn open_sqlite_file(path: &Path) -> Result<Store> {
        Store::connect(&format!("sqlite://{}", path.display())).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Waits for in-flight queries and closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Creates an organisation. Its code is unique.
    pub async fn create_organisation(&self, code: &str, name: &str) -> Result<Organisation> {
        self.create_organisation_of_kind(code, name, OrganisationKind::Force)
            .await
    }

    /// Creates an organisation of a kind (a force, a PCC's office, a partner). Its code is
    /// unique, ignoring case.
    pub async fn create_organisation_of_kind(
        &self,
        code: &str,
        name: &str,
        kind: OrganisationKind,
    ) -> Result<Organisation> {
        let code = code.trim().to_string();
        if self.organisation_by_code(&code).await?.is_some() {
            return Err(StoreError::StateRefused(format!(
                "an organisation with the code {code} already exists"
            )));
        }
        let now = rows::instant_text(chrono::Utc::now());
        let row = sqlx::query(
            "INSERT INTO organisations (code, name, kind, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(code.clone())
        .bind(name.trim().to_string())
        .bind(kind.as_str().to_string())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(Organisation {
            id: OrgId(row.try_get("id")?),
            code,
            name: name.trim().to_string(),
            grant_share_ppm: None,
            kind,
        })
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        let rows = sqlx::query(
            "SELECT id, code, name, grant_share_ppm, kind FROM organisations ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Organisation {
                    id: OrgId(row.try_get("id")?),
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    grant_share_ppm: row.try_get("grant_share_ppm")?,
                    kind: OrganisationKind::parse(&row.try_get::<String, _>("kind")?)
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    pub async fn organisation(&self, id: OrgId) -> Result<Organisation> {
        self.organisations()
            .await?
            .into_iter()
            .find(|org| org.id == id)
            .ok_or(StoreError::NotFound {
                what: "organisation",
                id: id.0,
            })
    }

    pub async fn organisation_by_code(&self, code: &str) -> Result<Option<Organisation>> {
        Ok(self
            .organisations()
            .await?
            .into_iter()
            .find(|org| org.code.eq_ignore_ascii_case(code.trim())))
    }

    /// Creates a plan with no items.
    pub async fn create_plan(&self, plan: &NewPlan) -> Result<Plan> {
        let mut tx = self.begin_write().await?;
        let created =
            plan_edit::insert_plan(&mut tx, plan, &rows::instant_text(chrono::Utc::now())).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// The plans a scope may see, oldest first.
    pub async fn plans(&self, scope: Scope) -> Result<Vec<Plan>> {
        let rows = match scope {
            Scope::All => sqlx::query(PLAN_COLUMNS_ALL).fetch_all(&self.pool).await?,
            Scope::Org(org) => {
                sqlx::query(PLAN_COLUMNS_ORG)
                    .bind(org.0)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(plan_from_row).collect()
    }

    /// One plan, if the scope may see it.
    pub async fn plan(&self, scope: Scope, id: PlanId) -> Result<Plan> {
        let row = sqlx::query(PLAN_BY_ID)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        match row.map(|row| plan_from_row(&row)).transpose()? {
            Some(plan) if scope.allows(plan.org) => Ok(plan),
            _ => Err(StoreError::NotFound {
                what: "plan",
                id: id.0,
            }),
        }
    }
}

const PLAN_COLUMNS_ALL: &str = "SELECT id, org_id, kind, title, period, level_names, owner_posts, \
                                source, update_cycle, marking, archived_at FROM plans ORDER BY id";
const PLAN_COLUMNS_ORG: &str = "SELECT id, org_id, kind, title, period, level_names, owner_posts, \
                                source, update_cycle, marking, archived_at FROM plans \
                                WHERE org_id = $1 ORDER BY id";
const PLAN_BY_ID: &str = "SELECT id, org_id, kind, title, period, level_names, owner_posts, \
                          source, update_cycle, marking, archived_at FROM plans WHERE id = $1";

pub(crate) fn plan_from_row(row: &sqlx::any::AnyRow) -> Result<Plan> {
    Ok(Plan {
        id: PlanId(row.try_get("id")?),
        org: OrgId(row.try_get("org_id")?),
        kind: rows::parse_kind(&row.try_get::<String, _>("kind")?),
        title: row.try_get("title")?,
        period: row.try_get("period")?,
        level_names: rows::parse_strings(&row.try_get::<String, _>("level_names")?)?,
        owner_posts: rows::parse_strings(&row.try_get::<String, _>("owner_posts")?)?,
        source: row.try_get("source")?,
        update_cycle: rows::parse_cycle(&row.try_get::<String, _>("update_cycle")?)?,
        marking: rows::parse_classification(&row.try_get::<String, _>("marking")?)?,
        archived: row.try_get::<Option<String>, _>("archived_at")?.is_some(),
    })
}

/// Hides a password in a database URL before it reaches a message or a log.
pub fn redact(url: &str) -> String {
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

impl Store {
    /// Writes a consistent copy of the SQLite database to `path` while the service keeps
    /// running (SQLite's `VACUUM INTO`). PostgreSQL is backed up with its own tools.
    pub async fn backup_to(&self, path: &Path) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                if path.exists() {
                    return Err(StoreError::Invalid(format!(
                        "{} already exists; choose a new file name",
                        path.display()
                    )));
                }
                sqlx::query("VACUUM INTO $1")
                    .bind(path.display().to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            Backend::Postgres => Err(StoreError::Invalid(
                "this database is PostgreSQL: back it up with pg_dump".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://waymark:secret@127.0.0.1/db"),
            "postgres://waymark:***@127.0.0.1/db"
        );
        assert_eq!(redact("sqlite:///tmp/w.db"), "sqlite:///tmp/w.db");
    }
}
