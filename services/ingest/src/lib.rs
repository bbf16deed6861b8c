//! The ingest service: accepts articles (durably, idempotently) and processes
//! them asynchronously with a pool of workers that claim pending articles under a
//! lease, run the extractor on them, have the entity service resolve their
//! entities against the registry, and store every result in one transaction.

pub mod config;
pub mod convert;
pub mod handler;
pub mod metrics;
pub mod pipeline;
pub mod record;
pub mod validate;
pub mod worker;

use std::future::Future;
use std::sync::Arc;

use readout_proto::v1::ingest_service_server::IngestServiceServer;
use readout_server::serve::ServeError;
use readout_server::Plumbing;
use readout_store::PgPool;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

pub use config::IngestConfig;

/// Serves the ingest service and runs its workers until `shutdown` completes.
/// Workers finish the article in hand before the function returns.
pub async fn serve(
    config: &IngestConfig,
    pool: PgPool,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    // The extractor's model and word lists load once, before serving.
    tokio::task::spawn_blocking(readout_extract::warm_up)
        .await
        .map_err(|error| ServeError::Startup(error.to_string()))?;
    metrics::register();
    let wake = Arc::new(Notify::new());
    let (stop_sender, stop_receiver) = watch::channel(false);
    let entity_client = worker::entity_client(&config.entity_url, &config.common)?;
    let mut workers = Vec::new();
    for index in 0..config.workers {
        let worker = worker::Worker::new(
            format!("{}-{}", config.worker_prefix(), index),
            pool.clone(),
            entity_client.clone(),
            config.clone(),
            wake.clone(),
        );
        workers.push(tokio::spawn(worker.run(stop_receiver.clone())));
    }
    // The queue depth, for metrics, every five seconds.
    let (depth_pool, mut depth_stop) = (pool.clone(), stop_receiver.clone());
    let depth = tokio::spawn(async move {
        loop {
            if let Ok(pending) = readout_store::articles::pending_count(&depth_pool).await {
                metrics::QUEUE_DEPTH.set(pending as f64);
            }
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
                _ = depth_stop.changed() => break,
            }
        }
    });
    // Entity mention, event and quote counts: fold the deltas processing appends, every second.
    let fold = tokio::spawn(readout_store::entities::fold_counts_until(
        pool.clone(),
        std::time::Duration::from_secs(1),
        stop_receiver.clone(),
    ));
    let handler = handler::IngestHandler::new(pool.clone(), config.max_article_bytes, wake);
    let plumbing = Plumbing::new(&config.common, &[readout_proto::service_names::INGEST])
        .await?
        .router(|router| {
            router.add_service(
                IngestServiceServer::new(handler)
                    .max_decoding_message_size(config.max_article_bytes + 64 * 1024),
            )
        });
    // Ready while the database answers.
    let readiness =
        readout_server::serve::all_ready_when(&[readout_proto::service_names::INGEST], move || {
            let pool = pool.clone();
            async move {
                let probe = readout_store::probe(&pool).await;
                readout_server::metrics::observe_db_pool(
                    "ingest", probe.size, probe.idle, probe.max, probe.wait,
                );
                probe.ready
            }
        });
    let served = plumbing
        .serve(
            listener,
            &[readout_proto::service_names::INGEST],
            readiness,
            shutdown,
        )
        .await;
    let _ = stop_sender.send(true);
    let _ = depth.await;
    let _ = fold.await;
    for worker in workers {
        let _ = worker.await;
    }
    served
}
