//! Restoring a SQLite backup over the database, and the lock by which a running server says it
//! is using that database.
//!
//! A server holds a shared advisory lock (`flock`) on `waymark.db.lock` beside the database
//! for as long as it serves; several servers may hold it at once. `waymark restore` takes the
//! lock exclusively, so it is refused while any server runs (unless `--force`), and no server
//! can start while a restore is under way. The operating system drops the lock when the
//! process ends however it ends (a crash or `kill -9` included), so a stale lock never
//! blocks a restore, unlike a pid file; and unlike SQLite's own locks, which a server takes
//! only while it reads or writes, this one is held while the server idles too.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use waymark_store::Store;

use crate::actor::Actor;
use crate::error::{AppError, Result};

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Held by a running server for as long as it serves; dropping it lets the lock go.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

fn open_lock(db: &Path) -> Result<File> {
    let path = lock_path(db);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            AppError::Internal(format!("cannot open the lock file {}: {e}", path.display()))
        })
}

/// Takes the server's shared lock on the database at `db`; refused while a restore holds it.
pub fn hold_server_lock(db: &Path) -> Result<ServerLock> {
    let file = open_lock(db)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(ServerLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(AppError::invalid(
            "database",
            format!(
                "{} is being restored (waymark restore holds {}); start the server when it \
                 has finished",
                db.display(),
                lock_path(db).display()
            ),
        )),
        Err(TryLockError::Error(e)) => Err(AppError::Internal(format!(
            "cannot lock {}: {e}",
            lock_path(db).display()
        ))),
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// A server was using the database and `force` was given: it must be restarted, since it
    /// keeps the old database open until then and what it writes meanwhile is lost.
    pub server_was_running: bool,
}

/// Replaces the SQLite database at `db` with the backup at `backup` (one `waymark backup`
/// wrote): the operator's job. Refused while a server holds the lock, unless `force`. The
/// backup is copied beside the database, opened there (which migrates a backup of an older
/// Waymark and proves it is a database), closed, and renamed over the database, so the
/// database is at every moment the old one or the new one whole; the backup is not changed.
pub async fn restore_sqlite_file(
    actor: &Actor,
    backup: &Path,
    db: &Path,
    force: bool,
) -> Result<Restored> {
    if !actor.is_operator() {
        return Err(AppError::Forbidden);
    }
    let header = std::fs::read(backup)
        .map(|bytes| bytes.starts_with(SQLITE_HEADER))
        .map_err(|e| AppError::invalid("file", format!("cannot read {}: {e}", backup.display())))?;
    if !header {
        return Err(AppError::invalid(
            "file",
            format!(
                "{} is not a SQLite database (a waymark backup)",
                backup.display()
            ),
        ));
    }
    let lock = open_lock(db)?;
    let server_was_running = match lock.try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) if force => true,
        Err(TryLockError::WouldBlock) => {
            return Err(AppError::invalid(
                "database",
                format!(
                    "a Waymark server is running on {} (it holds {}): stop it first, or pass \
                     --force to replace the database anyway and then restart the server",
                    db.display(),
                    lock_path(db).display()
                ),
            ));
        }
        Err(TryLockError::Error(e)) => {
            return Err(AppError::Internal(format!(
                "cannot lock {}: {e}",
                lock_path(db).display()
            )));
        }
    };
    let mut staged = db.as_os_str().to_os_string();
    staged.push(".restoring");
    let staged = PathBuf::from(staged);
    let side = |path: &Path, suffix: &str| {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    for stale in [staged.clone(), side(&staged, "-wal"), side(&staged, "-shm")] {
        let _ = std::fs::remove_file(stale);
    }
    std::fs::copy(backup, &staged).map_err(|e| {
        AppError::Internal(format!(
            "cannot copy {} beside the database: {e}",
            backup.display()
        ))
    })?;
    let store = Store::open_sqlite_file(&staged).await?;
    store.close().await;
    if side(&staged, "-wal")
        .metadata()
        .is_ok_and(|wal| wal.len() > 0)
    {
        return Err(AppError::Internal(format!(
            "{} did not close cleanly; the database was not replaced",
            staged.display()
        )));
    }
    for old in [
        side(&staged, "-wal"),
        side(&staged, "-shm"),
        side(db, "-wal"),
        side(db, "-shm"),
    ] {
        if let Err(e) = std::fs::remove_file(&old)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(AppError::Internal(format!(
                "cannot remove {}: {e}",
                old.display()
            )));
        }
    }
    std::fs::rename(&staged, db).map_err(|e| {
        AppError::Internal(format!("cannot move the restored database into place: {e}"))
    })?;
    tracing::info!(backup = %backup.display(), db = %db.display(), "restored");
    drop(lock);
    Ok(Restored { server_was_running })
}
