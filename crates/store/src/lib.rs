//! The PostgreSQL store shared by the Readout services.
//!
//! Each module owns a group of tables and the queries over them:
//! [`articles`] (the durable processing queue), [`entities`] (the registry,
//! written only by the entity service), [`results`] (mentions, quotes and events
//! written by the ingest worker in one transaction), and [`reads`] (the filtered,
//! paginated reads of the query service). [`local_cluster`] runs a private
//! PostgreSQL for local use and tests; [`testing`] gives each test a fresh database.
//!
//! Queries are runtime-checked (`sqlx::query`), not `query!` macros: builds need
//! no database and no committed `.sqlx/` cache, and every query runs in the test
//! suite against a real PostgreSQL.

pub mod articles;
pub mod entities;
pub mod error;
#[cfg(feature = "local-cluster")]
pub mod local_cluster;
pub mod reads;
pub mod results;
#[cfg(feature = "local-cluster")]
pub mod testing;

use std::time::Duration;

pub use error::StoreError;
use sqlx::postgres::PgPoolOptions;
pub use sqlx::PgPool;

/// The embedded migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects a pool to `url`, retrying for up to `wait` while the server starts.
pub async fn connect(
    url: &str,
    max_connections: u32,
    wait: Duration,
) -> Result<PgPool, StoreError> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let attempt = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // Lookups are millisecond queries whose cost estimates can still be
            // large (a month-probe plan is priced for every month it might
            // visit): JIT compilation would add tens of milliseconds to each and
            // never pay off. A SET rather than a startup option, which
            // connection poolers such as PgBouncer refuse.
            .after_connect(|connection, _| {
                Box::pin(async move {
                    sqlx::query("SET jit = off").execute(connection).await?;
                    Ok(())
                })
            })
            .connect(url)
            .await;
        match attempt {
            Ok(pool) => return Ok(pool),
            Err(error) if tokio::time::Instant::now() < deadline => {
                tracing::warn!(%error, "database not reachable yet, retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(error) => return Err(StoreError::Database(error)),
        }
    }
}

/// Applies pending migrations (sqlx takes an advisory lock, so concurrent callers are safe).
pub async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// Completes once every embedded migration has been applied by someone else
/// (the migration Job); checks every two seconds.
pub async fn wait_for_migrations(pool: &PgPool) -> Result<(), StoreError> {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    loop {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await
                .unwrap_or(None);
        if applied.is_some_and(|version| version >= latest) {
            return Ok(());
        }
        tracing::info!(latest, applied = ?applied, "waiting for migrations");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// True when the database answers a trivial query within two seconds: the
/// readiness check of every service that stores or reads.
pub async fn is_ready(pool: &PgPool) -> bool {
    let answered = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query("SELECT 1").execute(pool),
    )
    .await;
    match answered {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "database not ready");
            false
        }
        Err(_) => {
            tracing::warn!("database did not answer within 2 s");
            false
        }
    }
}
