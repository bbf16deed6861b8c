//! The entity service: recognises people, organisations and places in text,
//! resolves them to canonical registry entities, and answers lookups. It is the
//! only writer of the entity tables.

pub mod annotate;
pub mod config;
pub mod convert;
pub mod error;
pub mod handler;

use std::future::Future;

use readout_proto::v1::entity_resolver_service_server::EntityResolverServiceServer;
use readout_proto::v1::entity_service_server::EntityServiceServer;
use readout_server::serve::ServeError;
use readout_server::Plumbing;
use readout_store::PgPool;
use tokio::net::TcpListener;

pub use config::EntityConfig;

/// Serves the entity service on `listener` until `shutdown` completes.
pub async fn serve(
    config: &EntityConfig,
    pool: PgPool,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    // Event, quote and mention counts are appended as deltas: fold them every second.
    let (stop_folding, fold_stop) = tokio::sync::watch::channel(false);
    let fold = tokio::spawn(readout_store::entities::fold_counts_until(
        pool.clone(),
        std::time::Duration::from_secs(1),
        fold_stop,
    ));
    // The extractor's model and word lists load once, before serving.
    tokio::task::spawn_blocking(readout_extract::warm_up)
        .await
        .map_err(|error| ServeError::Startup(error.to_string()))?;
    let handler = handler::EntityHandler::new(pool.clone(), config.max_text_bytes);
    let services = [
        readout_proto::service_names::ENTITY,
        readout_proto::service_names::ENTITY_RESOLVER,
    ];
    let plumbing = Plumbing::new(&config.common, &services)
        .await?
        .router(|router| {
            router
                .add_service(
                    EntityServiceServer::new(handler.clone())
                        // One text of the limit, or a batch of up to 1 MiB of text.
                        .max_decoding_message_size(
                            config.max_text_bytes.max(1024 * 1024) + 64 * 1024,
                        ),
                )
                .add_service(
                    // A batch of 100 articles' found entities.
                    EntityResolverServiceServer::new(handler)
                        .max_decoding_message_size(16 * 1024 * 1024),
                )
        });
    // Ready while the database answers.
    let readiness = readout_server::serve::all_ready_when(&services, move || {
        let pool = pool.clone();
        async move {
            let probe = readout_store::probe(&pool).await;
            readout_server::metrics::observe_db_pool(
                "entity", probe.size, probe.idle, probe.max, probe.wait,
            );
            probe.ready
        }
    });
    let served = plumbing
        .serve(listener, &services, readiness, shutdown)
        .await;
    let _ = stop_folding.send(true);
    let _ = fold.await;
    served
}
