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
}

impl ArticleRecord {
    /// The processing state.
    pub fn state(&self) -> ArticleState {
        ArticleState::parse(&self.state_text)
    }
}

const COLUMNS: &str = "id, content_sha256, title, body, source_url, published_date, state, attempt_count, last_error, created_at, processed_at, trace_parent";

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
    let hash = content_hash(&article.body);
    if let Some(request_id) = &article.request_id {
        let existing = sqlx::query_as::<_, ArticleRecord>(&format!(
            "SELECT {COLUMNS} FROM articles WHERE request_id = $1"
        ))
        .bind(request_id)
        .fetch_optional(pool)
        .await?;
        if let Some(existing) = existing {
            return Ok((existing, false));
        }
    }
    let inserted = sqlx::query_as::<_, ArticleRecord>(&format!(
        "INSERT INTO articles (id, content_sha256, request_id, title, body, source_url, published_date, trace_parent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(&hash)
    .bind(&article.request_id)
    .bind(&article.title)
    .bind(&article.body)
    .bind(&article.source_url)
    .bind(article.published_date)
    .bind(&article.trace_parent)
    .fetch_optional(pool)
    .await?;
    if let Some(inserted) = inserted {
        return Ok((inserted, true));
    }
    // A conflict: the same content, or a request id stored concurrently.
    let existing = sqlx::query_as::<_, ArticleRecord>(&format!(
        "SELECT {COLUMNS} FROM articles WHERE content_sha256 = $1 OR ($2::text IS NOT NULL AND request_id = $2) LIMIT 1"
    ))
    .bind(&hash)
    .bind(&article.request_id)
    .fetch_optional(pool)
    .await?;
    existing
        .map(|record| (record, false))
        .ok_or_else(|| StoreError::Conflict("article vanished during insert".into()))
}

/// Gets one article.
pub async fn get(pool: &PgPool, id: Uuid) -> Result<ArticleRecord, StoreError> {
    sqlx::query_as::<_, ArticleRecord>(&format!("SELECT {COLUMNS} FROM articles WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("articles/{id}")))
}

/// Claims the oldest claimable article for `worker`: a pending one, or one whose
/// worker's lease expired (it crashed). The claim is committed, so a crash of this
/// worker only delays the article until the lease runs out.
// Debug level: idle workers poll, and every poll would otherwise be a trace.
#[tracing::instrument(level = "debug", skip(pool))]
pub async fn claim_next(
    pool: &PgPool,
    worker: &str,
    lease_secs: i64,
) -> Result<Option<ArticleRecord>, StoreError> {
    // A lost claim only leaves the article pending: no need to wait for the disk.
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    let claimed = sqlx::query_as::<_, ArticleRecord>(&format!(
        "UPDATE articles SET state = 'processing', lease_owner = $1,
                lease_expires_at = now() + make_interval(secs => $2::double precision),
                attempt_count = attempt_count + 1
         WHERE id = (
             SELECT id FROM articles
             WHERE state = 'pending' OR (state = 'processing' AND lease_expires_at < now())
             ORDER BY created_at
             FOR UPDATE SKIP LOCKED
             LIMIT 1)
         RETURNING {COLUMNS}"
    ))
    .bind(worker)
    .bind(lease_secs as f64)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// Marks an article done inside the transaction that stores its results. Fails
/// with a conflict when the worker no longer holds the lease.
pub async fn mark_done(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
    worker: &str,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE articles SET state = 'done', processed_at = now(), lease_owner = NULL, lease_expires_at = NULL, last_error = ''
         WHERE id = $1 AND state = 'processing' AND lease_owner = $2",
    )
    .bind(id)
    .bind(worker)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("lease on articles/{id} lost")));
    }
    // Delivered to listeners when (and only if) the transaction commits.
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(PROCESSED_CHANNEL)
        .bind(id.to_string())
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

/// Records a failed attempt: back to pending for a retry, or failed for good
/// once `max_attempts` are used up.
pub async fn mark_attempt_failed(
    pool: &PgPool,
    id: Uuid,
    worker: &str,
    error: &str,
    max_attempts: i32,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE articles SET state = CASE WHEN attempt_count >= $4 THEN 'failed' ELSE 'pending' END,
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
