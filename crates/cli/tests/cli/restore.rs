//! `waymark backup` then `waymark restore`: every table comes back row for row; a restore is
//! refused while a server runs on the database, unless --force, and works once it stops.

use std::path::{Path, PathBuf};

use crate::helpers::{fresh_data_dir, start, succeed, waymark};

/// Every table's rows, each as the text of its quoted columns, in rowid order.
async fn tables(db: &Path) -> Vec<(String, Vec<String>)> {
    use sqlx::Row;
    let url = format!("sqlite://{}?mode=ro", db.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let names: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    let mut out = vec![];
    for table in names {
        let columns: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("quote(\"{}\")", r.get::<String, _>(0)))
        .collect();
        let rows: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM \"{table}\" ORDER BY 1",
            columns.join(" || ',' || ")
        )))
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
        out.push((table, rows));
    }
    pool.close().await;
    out
}

/// A change: a new organisation named `name`.
fn add_organisation(dir: &PathBuf, code: &str, name: &str) {
    succeed(waymark(dir).args(["org", "add", "--code", code, "--name", name]));
}

#[tokio::test]
async fn backup_then_restore_brings_back_every_table_and_a_running_server_needs_force() {
    let dir = fresh_data_dir("restore");
    // Demo data fills most tables: plans, items, updates, indicators, shares, reports, people.
    let server = start(&dir, "demo");
    let backup = dir.join("backup.db");
    succeed(waymark(&dir).args(["backup", "--out"]).arg(&backup));
    add_organisation(&dir, "AFT1", "after.backup");

    let refused = waymark(&dir).arg("restore").arg(&backup).output().unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("a Waymark server is running"), "{said}");
    assert!(said.contains("--force"), "{said}");

    let forced = succeed(waymark(&dir).arg("restore").arg(&backup).arg("--force"));
    assert!(String::from_utf8_lossy(&forced.stdout).contains("restart it now"));
    drop(server);

    // Stopped: a change made since is undone by a plain restore.
    add_organisation(&dir, "AFT2", "after.forced");
    let db = dir.join("waymark.db");
    let restored = succeed(waymark(&dir).arg("restore").arg(&backup));
    assert!(String::from_utf8_lossy(&restored.stdout).starts_with("Restored "));
    let (want, got) = (tables(&backup).await, tables(&db).await);
    assert!(want.len() > 20, "{} tables", want.len());
    assert!(want.iter().any(|(t, rows)| t == "items" && rows.len() > 10));
    for ((table, rows), (got_table, got_rows)) in want.iter().zip(&got) {
        assert_eq!(table, got_table);
        assert_eq!(rows, got_rows, "table {table}");
    }
    assert_eq!(want.len(), got.len());
    let organisations = &got.iter().find(|(t, _)| t == "organisations").unwrap().1;
    assert!(!organisations.iter().any(|row| row.contains("after.")));

    // Not a database: refused, and the database is untouched.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let refused = waymark(&dir).arg("restore").arg(&junk).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a SQLite database"));
    assert_eq!(tables(&db).await, got);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_names_its_cookie_and_session_settings_in_help() {
    let dir = fresh_data_dir("serve_help");
    let help = succeed(waymark(&dir).args(["serve", "--help"]));
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--secure-cookies",
        "--insecure-cookies",
        "--session-idle-minutes",
        "--session-hours",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
    let restore = succeed(waymark(&dir).args(["restore", "--help"]));
    assert!(String::from_utf8_lossy(&restore.stdout).contains("--force"));
}
