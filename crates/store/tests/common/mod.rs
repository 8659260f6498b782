//! The stores each store test runs on: a fresh SQLite file always, and a fresh PostgreSQL
//! schema when `WAYMARK_TEST_DATABASE_URL` is set (the README test command sets it). Shared by
//! the test binaries with `#[path]`.

use chrono::Utc;
use waymark_store::Store;

/// A fresh store on each backend available, named by backend; `name` tells the test binaries'
/// files and schemas apart.
pub async fn stores(name: &str) -> Vec<(String, Store)> {
    let mut stores = Vec::new();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "waymark-{name}-{}-{}.db",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    stores.push((
        "sqlite".to_string(),
        Store::open_sqlite_file(&path).await.unwrap(),
    ));
    // Without PostgreSQL the tests run on SQLite alone, with the reason printed; under CI that
    // fails instead.
    if let Some(url) = waymark_testing::env_var("WAYMARK_TEST_DATABASE_URL", "PostgreSQL") {
        stores.push(("postgres".to_string(), fresh_postgres(&url, name).await));
    }
    stores
}

/// Each test gets its own PostgreSQL schema so tests can run in parallel on one database.
async fn fresh_postgres(url: &str, name: &str) -> Store {
    use sqlx::Executor;
    let schema = format!(
        "{name}{}_{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(url).await.unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .await
        .unwrap();
    admin.close().await;
    let joiner = if url.contains('?') { '&' } else { '?' };
    Store::connect(&format!("{url}{joiner}options=-c%20search_path%3D{schema}"))
        .await
        .unwrap()
}
