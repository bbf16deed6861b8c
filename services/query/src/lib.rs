//! The query service: filtered, paginated reads of the stored events and
//! quotes, with PostgreSQL full-text search over quotes.

pub mod config;
pub mod convert;
pub mod feed;
pub mod filter;
pub mod handler;
pub mod watch_groups;

use std::future::Future;

use readout_proto::v1::query_service_server::QueryServiceServer;
use readout_server::serve::ServeError;
use readout_server::Plumbing;
use readout_store::PgPool;
use tokio::net::TcpListener;

pub use config::QueryConfig;

/// Serves the query service on `listener` until `shutdown` completes.
pub async fn serve(
    config: &QueryConfig,
    pool: PgPool,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let (shutdown, draining) = readout_server::shutdown::Draining::after(shutdown);
    let feed = feed::ProcessedFeed::start(pool.clone(), draining.clone());
    let handler =
        handler::QueryHandler::new(pool.clone(), feed, draining, config.common.watch_limits());
    // The gateway carries every client's Watch to this service over one
    // connection, so the streams a connection may hold (HTTP/2's
    // SETTINGS_MAX_CONCURRENT_STREAMS) must cover the watches this service
    // admits besides its admitted and queued calls: beyond the bound the
    // caller's client fails the next stream with a transport error instead of
    // waiting (with the public default of 256, the 257th watch failed).
    let mut common = config.common.clone();
    common.max_concurrent_requests = common
        .max_concurrent_requests
        .max(common.max_watches + common.max_in_flight + common.max_queued);
    let plumbing = Plumbing::new(&common, &[readout_proto::service_names::QUERY])
        .await?
        .router(|router| router.add_service(QueryServiceServer::new(handler)));
    // Ready while the database answers.
    let readiness =
        readout_server::serve::all_ready_when(&[readout_proto::service_names::QUERY], move || {
            let pool = pool.clone();
            async move {
                let probe = readout_store::probe(&pool).await;
                readout_server::metrics::observe_db_pool(
                    "query", probe.size, probe.idle, probe.max, probe.wait,
                );
                probe.ready
            }
        });
    plumbing
        .serve(
            listener,
            &[readout_proto::service_names::QUERY],
            readiness,
            shutdown,
        )
        .await
}
