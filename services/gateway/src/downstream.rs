//! Clients of the downstream services, deadline forwarding, and the mapping of
//! their errors to the gateway's statuses.

use std::time::Duration;

use readout_proto::v1::entity_service_client::EntityServiceClient;
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::query_service_client::QueryServiceClient;
use readout_server::serve::ServeError;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::config::GatewayConfig;

/// The downstream clients (cheap to clone: channels are shared).
#[derive(Clone)]
pub struct Clients {
    /// Ingest.
    pub ingest: IngestServiceClient<Channel>,
    /// Entity.
    pub entity: EntityServiceClient<Channel>,
    /// Query.
    pub query: QueryServiceClient<Channel>,
    channels: Vec<(&'static str, Channel)>,
}

fn channel(url: &str, config: &GatewayConfig) -> Result<Channel, ServeError> {
    readout_server::tls::channel(url, &config.common, Duration::from_secs(3))
}

const MAX_MESSAGE: usize = 16 * 1024 * 1024;

impl Clients {
    /// Clients that connect on first use (and reconnect after failures).
    pub fn connect_lazy(config: &GatewayConfig) -> Result<Self, ServeError> {
        let ingest = channel(&config.ingest_url, config)?;
        let entity = channel(&config.entity_url, config)?;
        let query = channel(&config.query_url, config)?;
        Ok(Clients {
            ingest: IngestServiceClient::new(ingest.clone())
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(MAX_MESSAGE),
            entity: EntityServiceClient::new(entity.clone()).max_decoding_message_size(MAX_MESSAGE),
            query: QueryServiceClient::new(query.clone()).max_decoding_message_size(MAX_MESSAGE),
            channels: vec![
                (readout_proto::service_names::INGEST, ingest),
                (readout_proto::service_names::ENTITY, entity),
                (readout_proto::service_names::QUERY, query),
            ],
        })
    }

    /// Whether the downstream `service` answers its health check with SERVING
    /// within two seconds.
    async fn serving(&self, service: &'static str) -> bool {
        let Some((_, channel)) = self.channels.iter().find(|(name, _)| *name == service) else {
            return false;
        };
        let mut health = HealthClient::new(channel.clone());
        let answer = tokio::time::timeout(
            Duration::from_secs(2),
            health.check(HealthCheckRequest {
                service: service.to_owned(),
            }),
        )
        .await;
        match answer {
            Ok(Ok(response)) => response.get_ref().status == 1,
            Ok(Err(status)) => {
                tracing::debug!(service, error = %status.message(), "downstream not reachable");
                false
            }
            Err(_) => false,
        }
    }

    /// The gateway's readiness: GatewayService needs the entity and query
    /// services; the forwarded IngestService and EntityService need theirs.
    pub async fn readiness(&self) -> Vec<(&'static str, bool)> {
        use readout_proto::service_names::{ENTITY, GATEWAY, INGEST, QUERY};
        let (ingest, entity, query) = tokio::join!(
            self.serving(INGEST),
            self.serving(ENTITY),
            self.serving(QUERY)
        );
        vec![
            (GATEWAY, entity && query),
            (INGEST, ingest),
            (ENTITY, entity),
        ]
    }
}

/// A downstream request carrying the caller's deadline (or a default one).
pub fn request<T>(message: T, deadline: Option<Duration>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(deadline.unwrap_or(Duration::from_secs(10)));
    readout_server::trace_context::inject_current(request.metadata_mut());
    request
}

/// Messages of a client-side status that mean the connection was lost.
const CONNECTION_LOST: &[&str] = &[
    "transport error",
    "connect",
    "connection",
    "broken pipe",
    "h2 protocol error",
    "error reading a body",
];

fn lost_connection(status: &Status) -> bool {
    CONNECTION_LOST
        .iter()
        .any(|sign| status.message().contains(sign))
}

fn unavailable(service: &str, status: &Status) -> Status {
    Status::unavailable(format!(
        "{service} service unavailable: {}",
        status.message()
    ))
}

/// Maps a downstream failure to the gateway's status: client errors pass
/// through, an unreachable service is UNAVAILABLE naming it, and nothing becomes
/// a bare INTERNAL.
pub fn map_error(service: &'static str) -> impl Fn(Status) -> Status {
    move |status| match status.code() {
        // The gateway could not take a downstream's answer (too large): not the
        // caller's fault.
        Code::OutOfRange
            if status
                .message()
                .contains("decoded message length too large") =>
        {
            Status::internal(format!(
                "{service} service answered too much: {}",
                status.message()
            ))
        }
        Code::InvalidArgument
        | Code::NotFound
        | Code::AlreadyExists
        | Code::FailedPrecondition
        | Code::OutOfRange
        | Code::PermissionDenied
        | Code::Unauthenticated
        | Code::ResourceExhausted
        | Code::Cancelled => status,
        Code::DeadlineExceeded => {
            Status::deadline_exceeded(format!("{service} service: {}", status.message()))
        }
        Code::Unavailable => unavailable(service, &status),
        // A downstream that died mid-call (its connection reset, the HTTP/2
        // stream broken) surfaces in the client as UNKNOWN or INTERNAL with a
        // transport message: the request was fine, the service is gone.
        Code::Unknown | Code::Internal if lost_connection(&status) => unavailable(service, &status),
        _ => {
            tracing::error!(service, code = ?status.code(), message = status.message(), "downstream error");
            Status::internal(format!("{service} service failed: {}", status.message()))
        }
    }
}
