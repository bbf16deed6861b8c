//! The database for the local suite: `DATABASE_URL` when set, else a private
//! durable cluster in the data directory with a `readout` database.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use backon::Retryable;
use readout_store::local_cluster::{Durability, LocalCluster};
use sqlx::{Connection, PgConnection};

/// The database to use and, when private, the cluster serving it.
pub struct LocalDatabase {
    /// Connection URL (with the private cluster's password: not to be shown).
    pub url: String,
    /// What to show of it.
    pub display: String,
    /// The private cluster, if one was started.
    pub cluster: Option<LocalCluster>,
}

/// Uses `database_url`, or starts the private cluster in `data_dir` and makes
/// sure its `readout` database exists.
pub async fn prepare(database_url: Option<String>, data_dir: &Path) -> Result<LocalDatabase> {
    if let Some(url) = database_url.filter(|u| !u.is_empty()) {
        return Ok(LocalDatabase {
            display: "DATABASE_URL".into(),
            url,
            cluster: None,
        });
    }
    let dir = data_dir.join("pg");
    let cluster = tokio::task::spawn_blocking(move || {
        LocalCluster::ensure_running(&dir, Durability::Durable)
    })
    .await?
    .context("starting the private PostgreSQL cluster")?;
    let mut admin = connect_with_retry(&cluster.url("postgres")).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'readout')")
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        sqlx::query("CREATE DATABASE readout")
            .execute(&mut admin)
            .await?;
    }
    admin.close().await?;
    Ok(LocalDatabase {
        url: cluster.url("readout"),
        display: cluster.display_url("readout"),
        cluster: Some(cluster),
    })
}

async fn connect_with_retry(url: &str) -> Result<PgConnection> {
    (|| PgConnection::connect(url))
        .retry(readout_server::retry::starting(Duration::from_secs(10)))
        .notify(|error, _| tracing::debug!(%error, "waiting for the private cluster"))
        .await
        .context("connecting to the private cluster")
}
