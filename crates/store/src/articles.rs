//! The articles table: accepted articles and the durable processing queue.

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::StoreError;

/// The processing state of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleState {
    /// Waiting for a worker.
    Pending,
    /// Claimed by a worker under a lease.
    Processing,
    /// Results stored.
    Done,
    /// Gave up after the allowed attempts.
    Failed,
}

impl ArticleState {
    fn parse(text: &str) -> Self {
        match text {
            "processing" => ArticleState::Processing,
            "done" => ArticleState::Done,
            "failed" => ArticleState::Failed,
            _ => ArticleState::Pending,
        }
    }
}

/// A validated article to store.
#[derive(Clone, Debug)]
pub struct NewArticle {
    /// The full text.
    pub body: String,
    /// The headline.
    pub title: String,
    /// The source URL, or empty.
    pub source_url: String,
    /// The publication date, if known.
    pub published_date: Option<NaiveDate>,
    /// The client's idempotency key, if any.
    pub request_id: Option<String>,
    /// The submitting request's W3C `traceparent`, or empty.
    pub trace_parent: String,
}

/// A stored article.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ArticleRecord {
    /// Id.
    pub id: Uuid,
    /// Hex SHA-256 of the body.
    pub content_sha256: String,
    /// Headline.
    pub title: String,
    /// Full text.
    pub body: String,
    /// Source URL or empty.
    pub source_url: String,
    /// Publication date.
    pub published_date: Option<NaiveDate>,
    #[sqlx(rename = "state")]
    state_text: String,
    /// Processing attempts made.
    pub attempt_count: i32,
    /// Last processing error or empty.
    pub last_error: String,
    /// When accepted.
    pub created_at: DateTime<Utc>,
    /// When processed.
    pub processed_at: Option<DateTime<Utc>>,
    /// The submitting request's W3C `traceparent`, or empty.
    pub trace_parent: String,
    /// The client's idempotency key, if any.
    pub request_id: Option<String>,
}

impl ArticleRecord {
    /// The processing state.
    pub fn state(&self) -> ArticleState {
        ArticleState::parse(&self.state_text)
    }
}

const COLUMNS: &str = "id, content_sha256, title, body, source_url, published_date, state, attempt_count, last_error, created_at, processed_at, trace_parent, request_id";

/// Hex SHA-256 of an article body: the idempotency key of its content.
pub fn content_hash(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Stores an article unless the same content (or request id) is already stored;
/// returns the stored article and whether this call created it. The row is
/// committed before this returns.
#[tracing::instrument(skip_all, fields(bytes = article.body.len()))]
pub async fn insert_or_get(
    pool: &PgPool,
    article: &NewArticle,
) -> Result<(ArticleRecord, bool), StoreError> {
    insert_or_get_many(pool, std::slice::from_ref(article))
        .await?
        .pop()
        .ok_or_else(|| StoreError::Conflict("article vanished during insert".into()))
}

/// Stores several articles in one transaction (one commit, one wait for the
/// disk), each unless the same content or request id is already stored (or
/// earlier in `batch`); returns, in order, the stored article and whether this
/// call created it. Every row is committed before this returns.
#[tracing::instrument(skip_all, fields(articles = batch.len()))]
pub async fn insert_or_get_many(
    pool: &PgPool,
    batch: &[NewArticle],
) -> Result<Vec<(ArticleRecord, bool)>, StoreError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let hashes: Vec<String> = batch.iter().map(|a| content_hash(&a.body)).collect();
    let ids: Vec<Uuid> = batch.iter().map(|_| Uuid::new_v4()).collect();
    let request_ids: Vec<Option<&str>> = batch.iter().map(|a| a.request_id.as_deref()).collect();
    let titles: Vec<&str> = batch.iter().map(|a| a.title.as_str()).collect();
    let bodies: Vec<&str> = batch.iter().map(|a| a.body.as_str()).collect();
    let urls: Vec<&str> = batch.iter().map(|a| a.source_url.as_str()).collect();
    let dates: Vec<Option<NaiveDate>> = batch.iter().map(|a| a.published_date).collect();
    let traces: Vec<&str> = batch.iter().map(|a| a.trace_parent.as_str()).collect();
    let mut tx = pool.begin().await?;
    // Request ids seen before win over content (a retried submission).
    let known: Vec<ArticleRecord> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM articles WHERE request_id = ANY($1)"
    ))
    .bind(&request_ids)
    .fetch_all(&mut *tx)
    .await?;
    let inserted: Vec<ArticleRecord> = sqlx::query_as(&format!(
        "INSERT INTO articles (id, content_sha256, request_id, title, body, source_url, published_date, trace_parent)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[])
         ON CONFLICT DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(&ids)
    .bind(&hashes)
    .bind(&request_ids)
    .bind(&titles)
    .bind(&bodies)
    .bind(&urls)
    .bind(&dates)
    .bind(&traces)
    .fetch_all(&mut *tx)
    .await?;
    // The rest conflicted with a stored article (same content or request id).
    let existing: Vec<ArticleRecord> = if inserted.len() < batch.len() {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM articles WHERE content_sha256 = ANY($1) OR request_id = ANY($2)"
        ))
        .bind(&hashes)
        .bind(&request_ids)
        .fetch_all(&mut *tx)
        .await?
    } else {
        Vec::new()
    };
    // Submitting an article that failed for good again is the way to retry it:
    // it goes back to pending with its failures forgotten.
    let failed: Vec<Uuid> = known
        .iter()
        .chain(&existing)
        .filter(|record| record.state() == ArticleState::Failed)
        .map(|record| record.id)
        .collect();
    let retried: Vec<ArticleRecord> = if failed.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(&format!(
            "UPDATE articles SET state = 'pending', failures = 0
             WHERE id = ANY($1) AND state = 'failed' RETURNING {COLUMNS}"
        ))
        .bind(&failed)
        .fetch_all(&mut *tx)
        .await?
    };
    let refreshed = |record: &ArticleRecord| {
        retried
            .iter()
            .find(|r| r.id == record.id)
            .unwrap_or(record)
            .clone()
    };
    let known: Vec<ArticleRecord> = known.iter().map(refreshed).collect();
    let existing: Vec<ArticleRecord> = existing.iter().map(refreshed).collect();
    tx.commit().await?;
    batch
        .iter()
        .zip(ids.iter().zip(&hashes))
        .map(|(article, (id, hash))| {
            let same_request = |r: &&ArticleRecord| {
                article.request_id.is_some() && r.request_id == article.request_id
            };
            if let Some(record) = known.iter().find(same_request) {
                return Ok((record.clone(), false));
            }
            if let Some(record) = inserted.iter().find(|r| r.id == *id) {
                return Ok((record.clone(), true));
            }
            existing
                .iter()
                .find(|r| &r.content_sha256 == hash)
                .or_else(|| existing.iter().find(same_request))
                .map(|record| (record.clone(), false))
                .ok_or_else(|| StoreError::Conflict("article vanished during insert".into()))
        })
        .collect()
}

/// Gets one article.
pub async fn get(pool: &PgPool, id: Uuid) -> Result<ArticleRecord, StoreError> {
    sqlx::query_as::<_, ArticleRecord>(&format!("SELECT {COLUMNS} FROM articles WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("articles/{id}")))
}

/// Claims the oldest claimable article for `worker` (see [`claim_batch`]).
pub async fn claim_next(
    pool: &PgPool,
    worker: &str,
    lease_secs: i64,
) -> Result<Option<ArticleRecord>, StoreError> {
    Ok(claim_batch(pool, worker, lease_secs, 1).await?.pop())
}

/// Claims up to `limit` of the oldest claimable articles for `worker`, oldest
/// first: pending ones, or ones whose worker's lease expired (it crashed). The
/// claim is committed, so a crash of this worker only delays the articles
/// until the lease runs out.
// Debug level: idle workers poll, and every poll would otherwise be a trace.
#[tracing::instrument(level = "debug", skip(pool))]
pub async fn claim_batch(
    pool: &PgPool,
    worker: &str,
    lease_secs: i64,
    limit: i64,
) -> Result<Vec<ArticleRecord>, StoreError> {
    // A lost claim only leaves the articles pending: no need to wait for the disk.
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    let mut claimed = sqlx::query_as::<_, ArticleRecord>(&format!(
        "UPDATE articles SET state = 'processing', lease_owner = $1,
                lease_expires_at = now() + make_interval(secs => $2::double precision),
                attempt_count = attempt_count + 1
         WHERE id IN (
             SELECT id FROM articles
             WHERE state = 'pending' OR (state = 'processing' AND lease_expires_at < now())
             ORDER BY created_at
             FOR UPDATE SKIP LOCKED
             LIMIT $3)
         RETURNING {COLUMNS}"
    ))
    .bind(worker)
    .bind(lease_secs as f64)
    .bind(limit.max(1))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    claimed.sort_by_key(|article| (article.created_at, article.id));
    Ok(claimed)
}

/// Marks an article done inside the transaction that stores its results. Fails
/// with a conflict when the worker no longer holds the lease.
pub async fn mark_done(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
    worker: &str,
) -> Result<(), StoreError> {
    mark_done_many(tx, &[id], worker).await
}

/// Marks articles done inside the transaction that stores their results, and
/// announces each on [`PROCESSED_CHANNEL`] when (and only if) it commits.
/// Fails with a conflict when the worker no longer holds every lease.
pub async fn mark_done_many(
    tx: &mut Transaction<'_, Postgres>,
    ids: &[Uuid],
    worker: &str,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE articles SET state = 'done', processed_at = now(), lease_owner = NULL, lease_expires_at = NULL, last_error = ''
         WHERE id = ANY($1) AND state = 'processing' AND lease_owner = $2",
    )
    .bind(ids)
    .bind(worker)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != ids.len() as u64 {
        return Err(StoreError::Conflict(match ids {
            [id] => format!("lease on articles/{id} lost"),
            _ => format!(
                "leases on {} of {} articles lost",
                ids.len() as u64 - updated.rows_affected(),
                ids.len()
            ),
        }));
    }
    sqlx::query("SELECT pg_notify($1, id::text) FROM unnest($2::uuid[]) AS id")
        .bind(PROCESSED_CHANNEL)
        .bind(ids)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The notification channel on which every processed article's id is announced
/// when its results commit.
pub const PROCESSED_CHANNEL: &str = "readout_article_processed";

/// A listener of processed-article announcements ([`PROCESSED_CHANNEL`]).
pub async fn listen_processed(pool: &PgPool) -> Result<sqlx::postgres::PgListener, StoreError> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(PROCESSED_CHANNEL).await?;
    Ok(listener)
}

/// Records an attempt that failed because of the article itself: back to
/// pending for a retry, or failed once it has failed `max_attempts` times.
/// (An outage is no fault of the article's: see [`release`].)
pub async fn mark_attempt_failed(
    pool: &PgPool,
    id: Uuid,
    worker: &str,
    error: &str,
    max_attempts: i32,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE articles SET failures = failures + 1,
                state = CASE WHEN failures + 1 >= $4 THEN 'failed' ELSE 'pending' END,
                last_error = $3, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND lease_owner = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(error)
    .bind(max_attempts)
    .execute(pool)
    .await?;
    Ok(())
}

/// Gives claimed articles back, pending, without counting a failure against
/// them: the worker could not process them because a dependency (the database,
/// the entity service) is unavailable. `error` is kept as the last error.
pub async fn release(
    pool: &PgPool,
    ids: &[Uuid],
    worker: &str,
    error: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE articles SET state = 'pending', last_error = $3, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = ANY($1) AND state = 'processing' AND lease_owner = $2",
    )
    .bind(ids)
    .bind(worker)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(())
}

/// Extends the leases `worker` holds on `ids` to `lease_secs` from now (the
/// heartbeat of a live worker, so leases can be short and a crashed worker's
/// articles are claimed again within seconds). Returns how many it still held.
pub async fn renew_leases(
    pool: &PgPool,
    ids: &[Uuid],
    worker: &str,
    lease_secs: i64,
) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await?;
    // A lost renewal only shortens the lease: no need to wait for the disk.
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    let renewed = sqlx::query(
        "UPDATE articles SET lease_expires_at = now() + make_interval(secs => $3::double precision)
         WHERE id = ANY($1) AND state = 'processing' AND lease_owner = $2",
    )
    .bind(ids)
    .bind(worker)
    .bind(lease_secs as f64)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(renewed)
}

/// How many articles wait for processing.
pub async fn pending_count(pool: &PgPool) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar(
            "SELECT count(*) FROM articles WHERE state IN ('pending', 'processing')",
        )
        .fetch_one(pool)
        .await?,
    )
}
