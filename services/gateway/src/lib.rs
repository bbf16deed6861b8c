//! The gateway: Readout's public API. It serves `readout.v1.GatewayService`
//! (aggregated lookups that fan out to the entity and query services) and
//! forwards `readout.v1.IngestService` and `readout.v1.EntityService` (registry
//! lookups and curation) to their services, so clients need one address.

pub mod auth;
pub mod config;
pub mod downstream;
pub mod entity_proxy;
pub mod handler;
pub mod ingest_proxy;

use std::future::Future;

use readout_proto::v1::entity_service_server::EntityServiceServer;
use readout_proto::v1::gateway_service_server::GatewayServiceServer;
use readout_proto::v1::ingest_service_server::IngestServiceServer;
use readout_server::serve::ServeError;
use readout_server::Plumbing;
use tokio::net::TcpListener;

pub use config::GatewayConfig;

/// Serves the gateway on `listener` until `shutdown` completes; API keys are
/// looked up in `keys` when given.
pub async fn serve(
    config: &GatewayConfig,
    keys: Option<readout_store::PgPool>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let jwt = match (&config.jwt_issuer, &config.jwks_file) {
        (Some(issuer), Some(file)) => {
            let jwks = std::fs::read_to_string(file).map_err(|error| {
                ServeError::Startup(format!(
                    "cannot read the JWKS file {}: {error}",
                    file.display()
                ))
            })?;
            Some(
                readout_auth::jwt::Verifier::new(issuer, &config.jwt_audience, &jwks)
                    .map_err(|error| ServeError::Startup(error.to_string()))?,
            )
        }
        _ => None,
    };
    if keys.is_none() && jwt.is_none() && config.anonymous_scopes == readout_auth::Scopes::NONE {
        return Err(ServeError::Startup(
            "no caller could be let in: configure API keys (DATABASE_URL), JWTs \
             (READOUT_JWT_ISSUER and READOUT_JWKS_FILE) or anonymous scopes \
             (READOUT_ANONYMOUS_SCOPES)"
                .into(),
        ));
    }
    tracing::info!(
        api_keys = keys.is_some(),
        jwt_issuer = config.jwt_issuer.as_deref().unwrap_or(""),
        anonymous_scopes = %config.anonymous_scopes,
        "authentication"
    );
    let gate: std::sync::Arc<dyn readout_server::gate::Gate> =
        std::sync::Arc::new(auth::Authenticator::new(keys, jwt, config.anonymous_scopes));
    let clients = downstream::Clients::connect_lazy(config)?;
    let (shutdown, draining) = readout_server::shutdown::Draining::after(shutdown);
    let gateway =
        handler::GatewayHandler::new(clients.clone(), draining, config.common.watch_limits());
    let ingest = ingest_proxy::IngestProxy::new(clients.clone());
    let entity = entity_proxy::EntityProxy::new(clients.clone());
    let max_message = config.max_message_bytes;
    let plumbing = Plumbing::gated(
        &config.common,
        &[
            readout_proto::service_names::GATEWAY,
            readout_proto::service_names::INGEST,
            readout_proto::service_names::ENTITY,
        ],
        Some(gate),
    )
    .await?
    .router(|router| {
        router
            .add_service(GatewayServiceServer::new(gateway))
            .add_service(EntityServiceServer::new(entity).max_decoding_message_size(max_message))
            .add_service(IngestServiceServer::new(ingest).max_decoding_message_size(max_message))
    });
    // Each forwarded service is ready while its downstream reports SERVING;
    // the lookups need the entity and query services.
    let readiness: readout_server::serve::ReadinessCheck = std::sync::Arc::new(move || {
        let clients = clients.clone();
        Box::pin(async move { clients.readiness().await })
    });
    plumbing
        .serve(
            listener,
            &[
                readout_proto::service_names::GATEWAY,
                readout_proto::service_names::INGEST,
                readout_proto::service_names::ENTITY,
            ],
            readiness,
            shutdown,
        )
        .await
}
