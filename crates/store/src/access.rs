//! Who may call Readout and what curators did: the gateway's API keys (kept
//! as SHA-256 digests) and the curation records (migration 0015).

use chrono::{DateTime, Utc};
use sqlx::{Executor, PgPool, Postgres};

use crate::StoreError;

/// An API key as stored (never the key itself).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKey {
    /// The public part of the key.
    pub id: String,
    /// The operator's name for it.
    pub name: String,
    /// SHA-256 of the whole key.
    pub token_sha256: Vec<u8>,
    /// Scopes it grants.
    pub scopes: Vec<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Stores a new key; a key named `name` must not exist yet.
pub async fn create_key(
    pool: &PgPool,
    id: &str,
    name: &str,
    token_sha256: &[u8],
    scopes: &[String],
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO api_keys (id, name, token_sha256, scopes) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(token_sha256)
    .bind(scopes)
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Precondition(format!(
            "a key named {name:?} already exists; revoke it or choose another name"
        )));
    }
    Ok(())
}

/// The key with public part `id`, revoked or not.
pub async fn find_key(pool: &PgPool, id: &str) -> Result<Option<ApiKey>, StoreError> {
    Ok(sqlx::query_as("SELECT * FROM api_keys WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// Every key, newest first.
pub async fn list_keys(pool: &PgPool) -> Result<Vec<ApiKey>, StoreError> {
    Ok(
        sqlx::query_as("SELECT * FROM api_keys ORDER BY created_at DESC, name")
            .fetch_all(pool)
            .await?,
    )
}

/// Revokes the key named `name`; false when no unrevoked key has that name.
pub async fn revoke_key(pool: &PgPool, name: &str) -> Result<bool, StoreError> {
    let revoked = sqlx::query(
        "UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL",
    )
    .bind(name)
    .execute(pool)
    .await?;
    Ok(revoked.rows_affected() > 0)
}

/// One curation call as recorded.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CurationRecord {
    /// Its sequence number.
    pub id: i64,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// Who made it.
    pub principal: String,
    /// The method called.
    pub method: String,
    /// The request's fields.
    pub request: serde_json::Value,
    /// OK, or the status code it failed with.
    pub outcome: String,
}

/// A curation call to record.
#[derive(Clone, Copy, Debug)]
pub struct Curation<'a> {
    /// Who makes it.
    pub principal: &'a str,
    /// The method called.
    pub method: &'a str,
    /// The request's fields.
    pub request: &'a serde_json::Value,
}

/// Records a curation call with its outcome (in the caller's transaction when
/// `executor` is one).
pub async fn record_curation<'e>(
    executor: impl Executor<'e, Database = Postgres>,
    curation: &Curation<'_>,
    outcome: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO curation_records (principal, method, request, outcome) VALUES ($1, $2, $3, $4)",
    )
    .bind(curation.principal)
    .bind(curation.method)
    .bind(curation.request)
    .bind(outcome)
    .execute(executor)
    .await?;
    Ok(())
}

/// Curation records newest first, `limit` of them after the record `before`
/// (its id) when given.
pub async fn list_curation_records(
    pool: &PgPool,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<CurationRecord>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT * FROM curation_records WHERE $2::bigint IS NULL OR id < $2
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .bind(before)
    .fetch_all(pool)
    .await?)
}
