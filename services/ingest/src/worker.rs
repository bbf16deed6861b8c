//! Processing workers: claim articles under a lease, run the extractor on them
//! in process, have the entity service resolve what it found against the
//! registry, and store everything in one transaction.

use backon::Retryable;
use std::sync::Arc;
use std::time::Duration;

use readout_extract::Ymd;
use readout_proto::v1::entity_resolver_service_client::EntityResolverServiceClient;
use readout_proto::v1::{ArticleEntities, ResolveEntitiesRequest};
use readout_server::request::{parse_resource_name, resource_name};
use readout_store::articles::{self, ArticleRecord};
use readout_store::{results, PgPool};
use tokio::sync::{watch, Notify};
use tonic::transport::Channel;
use tracing::Instrument;

use crate::config::IngestConfig;
use crate::pipeline;

/// A lazily connected client of the entity service's internal resolver.
pub fn entity_client(
    url: &str,
    common: &readout_server::CommonArgs,
) -> Result<EntityResolverServiceClient<Channel>, readout_server::serve::ServeError> {
    let channel = readout_server::tls::channel(url, common, Duration::from_secs(5))?;
    Ok(EntityResolverServiceClient::new(channel).max_decoding_message_size(16 * 1024 * 1024))
}

/// Why processing articles failed.
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

impl ProcessError {
    /// True when a dependency failed (the database or the entity service is
    /// down, restarting, overloaded or too slow): no fault of the articles',
    /// which wait, pending, until it returns.
    pub fn is_outage(&self) -> bool {
        match self {
            ProcessError::Entity(status) => matches!(
                status.code(),
                tonic::Code::Unavailable
                    | tonic::Code::DeadlineExceeded
                    | tonic::Code::ResourceExhausted
                    | tonic::Code::Cancelled
                    | tonic::Code::Aborted
                    | tonic::Code::Unknown
            ),
            ProcessError::Store(error) => error.is_unavailable(),
            ProcessError::Extraction(_) => false,
        }
    }
}

/// The delays between tries while a dependency is down (the suite's outage policy).
fn outage_backoff() -> backon::ExponentialBackoff {
    use backon::BackoffBuilder;
    readout_server::retry::outage().build()
}

/// One processing worker.
pub struct Worker {
    name: String,
    pool: PgPool,
    entity: EntityResolverServiceClient<Channel>,
    config: IngestConfig,
    wake: Arc<Notify>,
    /// Set while a dependency is down: the delays before the next tries.
    outage: Option<backon::ExponentialBackoff>,
    /// The wait the entity service asked for when it last refused a call under
    /// load (its pushback), taken instead of the next backoff step.
    pushback: Option<Duration>,
}

impl Worker {
    /// A worker named `name` (its lease owner id).
    pub fn new(
        name: String,
        pool: PgPool,
        entity: EntityResolverServiceClient<Channel>,
        config: IngestConfig,
        wake: Arc<Notify>,
    ) -> Self {
        Worker {
            name,
            pool,
            entity,
            config,
            wake,
            outage: None,
            pushback: None,
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
                Ok(batch) if !batch.is_empty() => {
                    self.process_batch(batch).await;
                    let backoff = self.outage.as_mut().and_then(Iterator::next);
                    if let Some(delay) = backoff.map(|step| self.pushback.take().unwrap_or(step)) {
                        tokio::select! {
                            _ = tokio::time::sleep(delay) => {}
                            _ = stop.changed() => {}
                        }
                    }
                }
                Ok(_) => {
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(Duration::from_millis(self.config.poll_ms)) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(error) => {
                    let delay = self
                        .outage
                        .get_or_insert_with(outage_backoff)
                        .next()
                        .unwrap_or(Duration::from_secs(10));
                    tracing::warn!(worker = %self.name, %error, ?delay, "cannot claim articles; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
        }
        tracing::info!(worker = %self.name, "worker stopped");
    }

    /// Processes a batch together; when that fails because of an article,
    /// each article alone, so one bad article only fails itself. An outage
    /// gives the articles back, pending, and the worker backs off until the
    /// dependency returns. The leases are renewed while the batch is in hand.
    async fn process_batch(&mut self, batch: Vec<ArticleRecord>) {
        let heartbeat = self.heartbeat(&batch);
        let started = std::time::Instant::now();
        match self.process_traced(&batch).await {
            Ok(counts) => {
                self.outage = None;
                for (article, counts) in batch.iter().zip(counts) {
                    self.record_success(article, counts, started);
                }
            }
            Err(error) if error.is_outage() => self.record_outage(&batch, error).await,
            Err(error) if batch.len() > 1 => {
                tracing::warn!(%error, articles = batch.len(), "batch failed; processing its articles one by one");
                for (index, article) in batch.iter().enumerate() {
                    let started = std::time::Instant::now();
                    match self.process_traced(std::slice::from_ref(article)).await {
                        Ok(counts) => self.record_success(article, counts[0], started),
                        Err(error) if error.is_outage() => {
                            self.record_outage(&batch[index..], error).await;
                            break;
                        }
                        Err(error) => self.record_failure(article, error).await,
                    }
                }
            }
            Err(error) => self.record_failure(&batch[0], error).await,
        }
        heartbeat.abort();
    }

    /// Renews the leases on `batch` every third of the lease until aborted.
    fn heartbeat(&self, batch: &[ArticleRecord]) -> tokio::task::JoinHandle<()> {
        let ids: Vec<uuid::Uuid> = batch.iter().map(|article| article.id).collect();
        let (pool, name, lease_secs) =
            (self.pool.clone(), self.name.clone(), self.config.lease_secs);
        tokio::spawn(async move {
            let period = Duration::from_millis(lease_secs as u64 * 1000 / 3);
            loop {
                tokio::time::sleep(period).await;
                if let Err(error) = articles::renew_leases(&pool, &ids, &name, lease_secs).await {
                    tracing::warn!(worker = %name, %error, "cannot renew leases");
                }
            }
        })
    }

    /// Gives the articles back, pending, and starts (or continues) backing off.
    async fn record_outage(&mut self, articles: &[ArticleRecord], error: ProcessError) {
        tracing::warn!(worker = %self.name, %error, articles = articles.len(), "dependency unavailable; articles released, backing off");
        crate::metrics::OUTAGE_RELEASES.inc();
        self.outage.get_or_insert_with(outage_backoff);
        if let ProcessError::Entity(status) = &error {
            self.pushback = readout_server::pushback::requested(status);
        }
        let ids: Vec<uuid::Uuid> = articles.iter().map(|article| article.id).collect();
        if let Err(store_error) =
            articles::release(&self.pool, &ids, &self.name, &error.to_string()).await
        {
            // The leases run out within seconds and another try claims them.
            tracing::warn!(error = %store_error, "cannot release the articles");
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
        // Never negative, even when this host's clock and the database's disagree.
        let lag = (chrono::Utc::now() - article.created_at)
            .num_milliseconds()
            .max(0) as f64
            / 1000.0;
        crate::metrics::ARTICLES_PROCESSED.inc();
        crate::metrics::WORDS_PROCESSED.inc_by(article.body.split_whitespace().count() as u64);
        crate::metrics::PROCESSING_LAG.set(lag);
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
        crate::metrics::ATTEMPTS_FAILED.inc();
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

    /// Extracts every article of the batch, has the entity service resolve
    /// their entities, and stores every article's results in one transaction;
    /// returns each article's quote and event counts.
    async fn process(
        &mut self,
        batch: &[ArticleRecord],
    ) -> Result<Vec<(usize, usize)>, ProcessError> {
        let extract_started = std::time::Instant::now();
        let inputs: Vec<(String, Option<Ymd>)> = batch
            .iter()
            .map(|article| (article.body.clone(), published_of(article)))
            .collect();
        let analysed = tokio::task::spawn_blocking(move || {
            inputs
                .iter()
                .map(|(body, published)| pipeline::analyse(body, *published))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|error| ProcessError::Extraction(error.to_string()))?;
        let extract_ms = extract_started.elapsed().as_millis() as u64;
        let resolve_started = std::time::Instant::now();
        let mut ids: Vec<Vec<uuid::Uuid>> = Vec::with_capacity(batch.len());
        for (articles, analysed) in batch
            .chunks(MAX_ARTICLES_PER_CALL)
            .zip(analysed.chunks(MAX_ARTICLES_PER_CALL))
        {
            let request = ResolveEntitiesRequest {
                articles: articles
                    .iter()
                    .zip(analysed)
                    .map(|(article, analysed)| ArticleEntities {
                        article: resource_name("articles", article.id),
                        // Roles are dated by the day the article speaks from
                        // (its publication date, else its dateline's), never by
                        // the day it happened to be processed.
                        seen_date: analysed.anchor.map(Ymd::format).unwrap_or_default(),
                        entities: pipeline::found_entities(analysed),
                    })
                    .collect(),
            };
            let mut request = tonic::Request::new(request);
            request.set_timeout(Duration::from_secs(30 + articles.len() as u64));
            readout_server::trace_context::inject_current(request.metadata_mut());
            let resolved = self
                .entity
                .resolve_entities(request)
                .await?
                .into_inner()
                .articles;
            if resolved.len() != articles.len() {
                return Err(ProcessError::Entity(tonic::Status::internal(format!(
                    "{} resolutions for {} articles",
                    resolved.len(),
                    articles.len()
                ))));
            }
            for (resolved, analysed) in resolved.into_iter().zip(analysed) {
                if resolved.entities.len() != analysed.entities.len() {
                    return Err(ProcessError::Entity(tonic::Status::internal(format!(
                        "{} entity ids for {} entities",
                        resolved.entities.len(),
                        analysed.entities.len()
                    ))));
                }
                let article_ids = resolved
                    .entities
                    .iter()
                    .map(|name| parse_resource_name("entities", "entities", name))
                    .collect::<Result<Vec<_>, tonic::Status>>()?;
                ids.push(article_ids);
            }
        }
        let resolve_ms = resolve_started.elapsed().as_millis() as u64;
        let extracted: Vec<pipeline::ArticleResults> = analysed
            .iter()
            .zip(&ids)
            .map(|(analysed, ids)| analysed.rows(ids))
            .collect();
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
        self.store(&results, &ids).await?;
        tracing::debug!(
            extract_ms,
            resolve_ms,
            store_ms = store_started.elapsed().as_millis() as u64,
            articles = batch.len(),
            "batch timings"
        );
        Ok(extracted
            .iter()
            .map(|e| (e.quotes.len(), e.events.len()))
            .collect())
    }

    /// One transaction for every result and the state changes (the mentions
    /// it inserts are what counts them); retried when the database reports a
    /// deadlock with a concurrent worker.
    async fn store(
        &self,
        results: &[results::ArticleResults<'_>],
        ids: &[uuid::Uuid],
    ) -> Result<(), ProcessError> {
        let store = || async {
            let mut tx = self.pool.begin().await?;
            // Results are derived from the durable articles: if a crash loses this
            // commit, the leases expire and the articles are processed again.
            sqlx::query("SET LOCAL synchronous_commit = off")
                .execute(&mut *tx)
                .await?;
            results::write_results(&mut tx, results).await?;
            articles::mark_done_many(&mut tx, ids, &self.name).await?;
            tx.commit().await?;
            Ok::<(), readout_store::StoreError>(())
        };
        store
            .retry(readout_server::retry::conflict())
            .when(readout_store::entities::is_retryable)
            .notify(
                |error, delay| tracing::info!(%error, ?delay, "retrying the results transaction"),
            )
            .await?;
        Ok(())
    }
}

/// The article's publication date, as the extractor's anchor.
fn published_of(article: &ArticleRecord) -> Option<Ymd> {
    article
        .published_date
        .and_then(|d| Ymd::parse(&d.format("%Y-%m-%d").to_string()))
}

/// The entity service's limit on articles per ResolveEntities call.
const MAX_ARTICLES_PER_CALL: usize = 100;
