//! Test support: a fresh, migrated database per test on a real PostgreSQL.
//!
//! With `DATABASE_URL` set, databases are created on that server (the URL's
//! user needs CREATEDB). Otherwise a private throwaway cluster is started in
//! `<workspace>/.data/test-pg` and left running for the next test process.
//! Each test database is a copy of a template migrated once per set of
//! migrations, which is much faster than migrating every database.

use std::path::PathBuf;
use std::time::Duration;

use sqlx::{Connection, PgConnection, PgPool};

use crate::local_cluster::{Durability, LocalCluster};
use crate::{StoreError, MIGRATOR};

/// Where the test cluster lives: `<workspace>/.data/test-pg`.
pub fn test_cluster_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.data/test-pg")
}

/// The server URL to create test databases on (a database name is appended).
pub fn server_base_url() -> Result<String, StoreError> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let base = match url.rfind('/') {
            Some(slash)
                if url[..slash].contains("://") && slash > url.find("://").unwrap_or(0) + 2 =>
            {
                url[..slash].to_owned()
            }
            _ => url,
        };
        return Ok(base);
    }
    let cluster = LocalCluster::ensure_running(&test_cluster_dir(), Durability::Throwaway)
        .map_err(|error| StoreError::Conflict(format!("cannot start the test cluster: {error}")))?;
    let url = cluster.url("postgres");
    Ok(url.trim_end_matches("/postgres").to_owned())
}

fn migrations_fingerprint() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for migration in MIGRATOR.iter() {
        for byte in migration
            .checksum
            .iter()
            .chain(migration.version.to_le_bytes().iter())
        {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A fresh database for one test, migrated; returns its URL and a pool on it.
pub async fn fresh_database() -> Result<(String, PgPool), StoreError> {
    let base = server_base_url()?;
    let template = format!("readout_tpl_{}", migrations_fingerprint());
    let mut admin = PgConnection::connect(&format!("{base}/postgres")).await?;
    // Serialise template creation across test processes with an advisory lock.
    sqlx::query("SELECT pg_advisory_lock(727274)")
        .execute(&mut admin)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        let building = format!("{template}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut admin)
            .await?;
        {
            let pool =
                crate::connect(&format!("{base}/{building}"), 2, Duration::from_secs(5)).await?;
            crate::migrate(&pool).await?;
            pool.close().await;
        }
        sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .execute(&mut admin)
            .await?;
    }
    let name = format!("readout_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut admin)
        .await?;
    sqlx::query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let url = format!("{base}/{name}");
    let pool = crate::connect(&url, 10, Duration::from_secs(5)).await?;
    Ok((url, pool))
}
