//! Processing workers: claim an article under a lease, annotate it through the
//! entity service, extract, and store everything in one transaction.

use std::sync::Arc;
use std::time::Duration;

use readout_extract::Ymd;
use readout_proto::v1::entity_service_client::EntityServiceClient;
use readout_proto::v1::AnnotateTextRequest;
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

    /// Claims and processes articles until `stop` turns true; finishes the article in hand first.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, "worker started");
        loop {
            if *stop.borrow() {
                break;
            }
            let claimed =
                articles::claim_next(&self.pool, &self.name, self.config.lease_secs).await;
            match claimed {
                Ok(Some(article)) => {
                    // The processing span continues the submitter's trace.
                    let span = tracing::info_span!(
                        "process_article",
                        worker = %self.name,
                        article = %article.id,
                        attempt = article.attempt_count
                    );
                    readout_server::trace_context::continue_from_traceparent(
                        &span,
                        &article.trace_parent,
                    );
                    self.process_and_record(article).instrument(span).await
                }
                Ok(None) => {
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

    async fn process_and_record(&mut self, article: ArticleRecord) {
        let started = std::time::Instant::now();
        match self.process(&article).await {
            Ok(counts) => {
                let lag =
                    (chrono::Utc::now() - article.created_at).num_milliseconds() as f64 / 1000.0;
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
                tracing::info!(
                    quotes = counts.0,
                    events = counts.1,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "article processed"
                );
            }
            Err(error) => {
                tracing::warn!(%error, "article processing failed");
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
        }
    }

    async fn process(&mut self, article: &ArticleRecord) -> Result<(usize, usize), ProcessError> {
        let seen_date = article
            .published_date
            .unwrap_or_else(|| article.created_at.date_naive());
        let mut request = tonic::Request::new(AnnotateTextRequest {
            text: article.body.clone(),
            article: resource_name("articles", article.id),
            seen_date: seen_date.format("%Y-%m-%d").to_string(),
        });
        request.set_timeout(Duration::from_secs(30));
        readout_server::trace_context::inject_current(request.metadata_mut());
        let annotate_started = std::time::Instant::now();
        let annotation = self.entity.annotate_text(request).await?.into_inner();
        let annotate_ms = annotate_started.elapsed().as_millis() as u64;
        let store_started = std::time::Instant::now();
        let body = article.body.clone();
        let published = article
            .published_date
            .and_then(|d| Ymd::parse(&d.format("%Y-%m-%d").to_string()));
        let extracted =
            tokio::task::spawn_blocking(move || pipeline::extract(&body, published, &annotation))
                .await
                .map_err(|error| ProcessError::Extraction(error.to_string()))?;
        // One transaction for every result and the state change; retried when
        // the database reports a deadlock with a concurrent worker.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let stored: Result<(), readout_store::StoreError> = async {
                let mut tx = self.pool.begin().await?;
                // Results are derived from the durable article: if a crash loses this
                // commit, the article's lease expires and it is processed again.
                sqlx::query("SET LOCAL synchronous_commit = off")
                    .execute(&mut *tx)
                    .await?;
                results::write_article_results(
                    &mut tx,
                    article.id,
                    article.published_date,
                    &extracted.mentions,
                    &extracted.quotes,
                    &extracted.events,
                )
                .await?;
                articles::mark_done(&mut tx, article.id, &self.name).await?;
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
            "article timings"
        );
        Ok((extracted.quotes.len(), extracted.events.len()))
    }
}
