//! Processing workers: claim an article under a lease, annotate it through the
//! entity service, extract, and store everything in one transaction.

use std::sync::Arc;
use std::time::Duration;

use readout_extract::Ymd;
use readout_proto::v1::entity_service_client::EntityServiceClient;
use readout_proto::v1::{AnnotateTextRequest, BatchAnnotateTextsRequest, EntityView};
use readout_server::request::resource_name;
use readout_store::articles::{self, ArticleRecord};
use readout_store::{results, PgPool};
use tokio::sync::{watch, Notify};
use tonic::transport::{Channel, Endpoint};
use tracing::Instrument;

use crate::config::IngestConfig;
use crate::pipeline;

/// A lazily connected client of the entity service.
pub fn entity_client(url: &str) -> Result<EntityServiceClient<Channel>, tonic::transport::Error> {
    let channel = Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .connect_lazy();
    Ok(EntityServiceClient::new(channel).max_decoding_message_size(16 * 1024 * 1024))
}

/// Why processing one article failed.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The entity service refused or failed.
    #[error("entity service: {0}")]
    Entity(#[from] tonic::Status),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] readout_store::StoreError),
    /// The extraction task panicked (a bug; the article is retried, then failed).
    #[error("extraction task failed: {0}")]
    Extraction(String),
}

/// One processing worker.
pub struct Worker {
    name: String,
    pool: PgPool,
    entity: EntityServiceClient<Channel>,
    config: IngestConfig,
    wake: Arc<Notify>,
}

impl Worker {
    /// A worker named `name` (its lease owner id).
    pub fn new(
        name: String,
        pool: PgPool,
        entity: EntityServiceClient<Channel>,
        config: IngestConfig,
        wake: Arc<Notify>,
    ) -> Self {
        Worker {
            name,
            pool,
            entity,
            config,
            wake,
        }
    }

    /// Claims and processes articles until `stop` turns true; finishes the batch in hand first.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, "worker started");
        loop {
            if *stop.borrow() {
                break;
            }
            let claimed = articles::claim_batch(
                &self.pool,
                &self.name,
                self.config.lease_secs,
                self.config.batch_size,
            )
            .await;
            match claimed {
                Ok(batch) if !batch.is_empty() => self.process_batch(batch).await,
                Ok(_) => {
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(Duration::from_millis(self.config.poll_ms)) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(worker = %self.name, %error, "cannot claim articles; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
        }
        tracing::info!(worker = %self.name, "worker stopped");
    }

    /// Processes a batch together; when that fails, each article alone, so one
    /// bad article only fails itself.
    async fn process_batch(&mut self, batch: Vec<ArticleRecord>) {
        let started = std::time::Instant::now();
        match self.process_traced(&batch).await {
            Ok(counts) => {
                for (article, counts) in batch.iter().zip(counts) {
                    self.record_success(article, counts, started);
                }
            }
            Err(error) if batch.len() > 1 => {
                tracing::warn!(%error, articles = batch.len(), "batch failed; processing its articles one by one");
                for article in batch {
                    let started = std::time::Instant::now();
                    match self.process_traced(std::slice::from_ref(&article)).await {
                        Ok(counts) => self.record_success(&article, counts[0], started),
                        Err(error) => self.record_failure(&article, error).await,
                    }
                }
            }
            Err(error) => self.record_failure(&batch[0], error).await,
        }
    }

    /// [`Worker::process`] in a span that continues the oldest article's trace
    /// (its submitter's) and links the traces of the others.
    async fn process_traced(
        &mut self,
        batch: &[ArticleRecord],
    ) -> Result<Vec<(usize, usize)>, ProcessError> {
        let span = tracing::info_span!(
            "process_articles",
            worker = %self.name,
            articles = batch.len(),
            first = %batch[0].id,
            attempt = batch[0].attempt_count
        );
        readout_server::trace_context::continue_from_traceparent(&span, &batch[0].trace_parent);
        for article in &batch[1..] {
            readout_server::trace_context::link_traceparent(&span, &article.trace_parent);
        }
        self.process(batch).instrument(span).await
    }

    fn record_success(
        &self,
        article: &ArticleRecord,
        counts: (usize, usize),
        started: std::time::Instant,
    ) {
        let lag = (chrono::Utc::now() - article.created_at).num_milliseconds() as f64 / 1000.0;
        readout_server::metrics::add_counter(
            "readout_ingest_articles_processed_total",
            "Articles processed.",
            1.0,
        );
        readout_server::metrics::add_counter(
            "readout_ingest_words_processed_total",
            "Words of processed articles (extraction throughput).",
            article.body.split_whitespace().count() as f64,
        );
        readout_server::metrics::set_gauge(
            "readout_ingest_processing_lag_seconds",
            "Seconds from acceptance to stored results, last processed article.",
            lag,
        );
        tracing::debug!(
            article = %article.id,
            quotes = counts.0,
            events = counts.1,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "article processed"
        );
    }

    async fn record_failure(&self, article: &ArticleRecord, error: ProcessError) {
        tracing::warn!(article = %article.id, %error, "article processing failed");
        readout_server::metrics::add_counter(
            "readout_ingest_attempts_failed_total",
            "Failed processing attempts.",
            1.0,
        );
        let message = error.to_string();
        if let Err(store_error) = articles::mark_attempt_failed(
            &self.pool,
            article.id,
            &self.name,
            &message,
            self.config.max_attempts,
        )
        .await
        {
            // The lease expires and another worker retries; nothing is lost.
            tracing::error!(error = %store_error, "cannot record the failed attempt");
        }
    }

    /// Annotates the batch through the entity service, extracts, and stores
    /// every article's results in one transaction; returns each article's
    /// quote and event counts.
    async fn process(
        &mut self,
        batch: &[ArticleRecord],
    ) -> Result<Vec<(usize, usize)>, ProcessError> {
        let annotate_started = std::time::Instant::now();
        let mut annotations = Vec::with_capacity(batch.len());
        for chunk in annotation_chunks(batch) {
            let requests = chunk
                .iter()
                .map(|article| {
                    let seen_date = article
                        .published_date
                        .unwrap_or_else(|| article.created_at.date_naive());
                    AnnotateTextRequest {
                        text: article.body.clone(),
                        article: resource_name("articles", article.id),
                        seen_date: seen_date.format("%Y-%m-%d").to_string(),
                        view: EntityView::Basic as i32,
                    }
                })
                .collect();
            let mut request = tonic::Request::new(BatchAnnotateTextsRequest { requests });
            request.set_timeout(Duration::from_secs(30 + chunk.len() as u64));
            readout_server::trace_context::inject_current(request.metadata_mut());
            let responses = self
                .entity
                .batch_annotate_texts(request)
                .await?
                .into_inner()
                .responses;
            if responses.len() != chunk.len() {
                return Err(ProcessError::Entity(tonic::Status::internal(format!(
                    "{} annotations for {} texts",
                    responses.len(),
                    chunk.len()
                ))));
            }
            annotations.extend(responses);
        }
        let annotate_ms = annotate_started.elapsed().as_millis() as u64;
        let inputs: Vec<(String, Option<Ymd>)> = batch
            .iter()
            .map(|article| {
                let published = article
                    .published_date
                    .and_then(|d| Ymd::parse(&d.format("%Y-%m-%d").to_string()));
                (article.body.clone(), published)
            })
            .collect();
        let extracted = tokio::task::spawn_blocking(move || {
            inputs
                .iter()
                .zip(&annotations)
                .map(|((body, published), annotation)| {
                    pipeline::extract(body, *published, annotation)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|error| ProcessError::Extraction(error.to_string()))?;
        let store_started = std::time::Instant::now();
        let results: Vec<results::ArticleResults> = batch
            .iter()
            .zip(&extracted)
            .map(|(article, extracted)| results::ArticleResults {
                article_id: article.id,
                published_date: article.published_date,
                replace: article.attempt_count > 1,
                mentions: &extracted.mentions,
                quotes: &extracted.quotes,
                events: &extracted.events,
            })
            .collect();
        let ids: Vec<uuid::Uuid> = batch.iter().map(|article| article.id).collect();
        // One transaction for every result and the state changes; retried when
        // the database reports a deadlock with a concurrent worker.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let stored: Result<(), readout_store::StoreError> = async {
                let mut tx = self.pool.begin().await?;
                // Results are derived from the durable articles: if a crash loses this
                // commit, the leases expire and the articles are processed again.
                sqlx::query("SET LOCAL synchronous_commit = off")
                    .execute(&mut *tx)
                    .await?;
                results::write_results(&mut tx, &results).await?;
                articles::mark_done_many(&mut tx, &ids, &self.name).await?;
                tx.commit().await?;
                Ok(())
            }
            .await;
            match stored {
                Err(error) if attempt < 5 && readout_store::entities::is_retryable(&error) => {
                    tracing::info!(%error, attempt, "retrying the results transaction");
                    tokio::time::sleep(Duration::from_millis(10 * attempt)).await;
                }
                other => break other?,
            }
        }
        tracing::debug!(
            annotate_ms,
            store_ms = store_started.elapsed().as_millis() as u64,
            articles = batch.len(),
            "batch timings"
        );
        Ok(extracted
            .iter()
            .map(|e| (e.quotes.len(), e.events.len()))
            .collect())
    }
}

/// Most text bytes sent in one annotation call: the entity service accepts a
/// message of this much text (or one text of its own limit) at least.
const ANNOTATION_CHUNK_BYTES: usize = 1024 * 1024;

/// The batch split into annotation calls: at most the entity service's text
/// count per call and about [`ANNOTATION_CHUNK_BYTES`] of text (an article
/// larger than that goes alone).
fn annotation_chunks(batch: &[ArticleRecord]) -> Vec<&[ArticleRecord]> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, article) in batch.iter().enumerate() {
        let full = index - start >= MAX_TEXTS_PER_CALL
            || (index > start && bytes + article.body.len() > ANNOTATION_CHUNK_BYTES);
        if full {
            chunks.push(&batch[start..index]);
            start = index;
            bytes = 0;
        }
        bytes += article.body.len();
    }
    if start < batch.len() {
        chunks.push(&batch[start..]);
    }
    chunks
}

/// The entity service's limit on texts per BatchAnnotateTexts call.
const MAX_TEXTS_PER_CALL: usize = 100;
