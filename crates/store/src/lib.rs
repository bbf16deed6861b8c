//! The PostgreSQL store shared by the Readout services.
//!
//! Each module owns a group of tables and the queries over them:
//! [`access`] (the gateway's API keys and the curation records), [`articles`] (the durable processing queue), [`entities`] (the registry,
//! written only by the entity service), [`results`] (mentions, quotes and events
//! written by the ingest worker in one transaction), and [`reads`] (the filtered,
//! paginated reads of the query service). [`local_cluster`] runs a private
//! PostgreSQL for local use and tests; [`testing`] gives each test a fresh database.
//!
//! Queries are runtime-checked (`sqlx::query`), not `query!` macros: builds need
//! no database and no committed `.sqlx/` cache, and every query runs in the test
//! suite against a real PostgreSQL.

pub mod access;
pub mod articles;
pub mod entities;
pub mod error;
pub mod kinds;
#[cfg(feature = "local-cluster")]
pub mod local_cluster;
pub mod reads;
pub mod results;
#[cfg(feature = "local-cluster")]
pub mod testing;

use std::time::Duration;

use backon::{ConstantBuilder, ExponentialBuilder, Retryable};
pub use error::StoreError;
use sqlx::postgres::PgPoolOptions;
pub use sqlx::PgPool;

/// The embedded migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects a pool to `url`, retrying (backing off from 100 ms to 2 s, with
/// jitter) for up to `wait` while the server starts.
pub async fn connect(
    url: &str,
    max_connections: u32,
    wait: Duration,
) -> Result<PgPool, StoreError> {
    let options = PgPoolOptions::new()
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
        });
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(2))
        .with_jitter()
        .with_total_delay(Some(wait))
        .without_max_times();
    (|| options.clone().connect(url))
        .retry(backoff)
        .notify(|error, _| tracing::warn!(%error, "database not reachable yet, retrying"))
        .await
        .map_err(StoreError::Database)
}

/// Applies pending migrations (sqlx takes an advisory lock, so concurrent callers are safe).
pub async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// Completes once every embedded migration has been applied by someone else
/// (the migration Job); checks every two seconds for up to an hour.
pub async fn wait_for_migrations(pool: &PgPool) -> Result<(), StoreError> {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied = || async {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await
                .unwrap_or(None);
        match applied {
            Some(version) if version >= latest => Ok(()),
            behind => Err(behind),
        }
    };
    // The Job may take a while (a large backfill); an hour of checks.
    let every_two_seconds = ConstantBuilder::default()
        .with_delay(Duration::from_secs(2))
        .with_max_times(1800);
    applied
        .retry(every_two_seconds)
        .notify(|applied, _| tracing::info!(latest, ?applied, "waiting for migrations"))
        .await
        .map_err(|applied| {
            StoreError::NotFound(format!("migration {latest} (the database has {applied:?})"))
        })
}

/// What a readiness probe saw: whether the database answered, how long taking
/// a connection from the pool took, and the pool's connections.
#[derive(Clone, Copy, Debug)]
pub struct PoolProbe {
    /// The database answered a trivial query within two seconds.
    pub ready: bool,
    /// Time to take a connection from the pool (`None` when none came).
    pub wait: Option<Duration>,
    /// Open connections.
    pub size: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

/// Probes the database through the pool: the readiness check of every service
/// that stores or reads, and the source of its pool metrics.
pub async fn probe(pool: &PgPool) -> PoolProbe {
    let started = std::time::Instant::now();
    let mut wait = None;
    let answered = tokio::time::timeout(Duration::from_secs(2), async {
        let mut connection = pool.acquire().await?;
        wait = Some(started.elapsed());
        sqlx::query("SELECT 1").execute(&mut *connection).await
    })
    .await;
    let ready = match answered {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "database not ready");
            false
        }
        Err(_) => {
            tracing::warn!("database did not answer within 2 s");
            false
        }
    };
    PoolProbe {
        ready,
        // A probe that got no connection within its two seconds waited that long.
        wait: wait.or_else(|| (!ready).then(|| started.elapsed())),
        size: pool.size(),
        idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        max: pool.options().get_max_connections(),
    }
}
