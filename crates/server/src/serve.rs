//! Serving a set of tonic services with the standard plumbing: health
//! (`grpc.health.v1`), reflection (v1 and v1alpha), request layers and graceful
//! shutdown. Startup takes a bound listener and a shutdown future, so tests bind
//! port 0 and production binds the configured port through the same path.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::transport::server::Router;
use tonic::transport::Server;
use tonic_health::server::HealthReporter;
use tonic_health::ServingStatus;

use crate::config::CommonArgs;

/// Errors of starting or running a server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listen address could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The reflection descriptors are malformed (a build problem).
    #[error("cannot build reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed.
    #[error("transport error: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// Start-up work before serving failed.
    #[error("start-up failed: {0}")]
    Startup(String),
}

/// The health-check name that reports liveness: SERVING from start-up until
/// shutdown whatever the dependencies do (Kubernetes' liveness probe), while
/// each service's own name (and the empty name) reports readiness.
pub const LIVENESS: &str = "liveness";

/// How often readiness is checked.
const READINESS_PERIOD: Duration = Duration::from_secs(1);

/// Checks, for each served service, whether it can do its work now: its
/// database answers, the downstreams it cannot work without are SERVING.
pub type ReadinessCheck = std::sync::Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Vec<(&'static str, bool)>> + Send>>
        + Send
        + Sync,
>;

/// A readiness check that reports every one of `names` ready exactly when
/// `check` says so (a service whose only dependency is its database).
pub fn all_ready_when<F, Fut>(names: &[&'static str], check: F) -> ReadinessCheck
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let names: Vec<&'static str> = names.to_vec();
    let check = std::sync::Arc::new(check);
    std::sync::Arc::new(move || {
        let (names, check) = (names.clone(), check.clone());
        Box::pin(async move {
            let ready = check().await;
            names.into_iter().map(|name| (name, ready)).collect()
        })
    })
}

/// Binds a TCP listener (`127.0.0.1:0` for an ephemeral port).
pub async fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

/// The layers every server puts around its routes (outermost first: metrics,
/// admission, client faults, the gate).
pub type Layers = tower::layer::util::Stack<
    crate::gate::GateLayer,
    tower::layer::util::Stack<
        crate::client_faults::ClientFaultsLayer,
        tower::layer::util::Stack<
            crate::admission::AdmissionLayer,
            tower::layer::util::Stack<crate::metrics::MetricsLayer, tower::layer::util::Identity>,
        >,
    >,
>;

/// The services every Readout server carries besides its own, and the handle
/// that flips health.
pub struct Plumbing {
    /// Flips the health status of the served services.
    pub health: HealthReporter,
    router: Router<Layers>,
    metrics_listen: Option<String>,
}

impl Plumbing {
    /// Builds a server with the shared layers, health (NOT_SERVING until
    /// [`Plumbing::serve`] is told the dependencies answer) and reflection.
    ///
    /// Reflection advertises exactly `served` (the server's own gRPC services)
    /// plus health and reflection, so `grpcurl list` shows what this port answers.
    pub async fn new(common: &CommonArgs, served: &[&'static str]) -> Result<Self, ServeError> {
        Self::gated(common, served, None).await
    }

    /// As [`Plumbing::new`], with `gate` deciding each call before its handler
    /// (after admission, so its own lookups count against the limits).
    pub async fn gated(
        common: &CommonArgs,
        served: &[&'static str],
        gate: Option<std::sync::Arc<dyn crate::gate::Gate>>,
    ) -> Result<Self, ServeError> {
        let (health, health_service) = tonic_health::server::health_reporter();
        health
            .set_service_status("", ServingStatus::NotServing)
            .await;
        for name in served {
            health
                .set_service_status(*name, ServingStatus::NotServing)
                .await;
        }
        health
            .set_service_status(LIVENESS, ServingStatus::Serving)
            .await;
        let advertised: Vec<&str> = served
            .iter()
            .copied()
            .chain([
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
            ])
            .collect();
        let mut v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(readout_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(
                tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
            );
        let mut v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(readout_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET);
        for name in &advertised {
            v1 = v1.with_service_name(*name);
            v1alpha = v1alpha.with_service_name(*name);
        }
        let reflection_v1 = v1.build_v1()?;
        let reflection_v1alpha = v1alpha.build_v1alpha()?;
        // The layers, outermost first:
        // - trace_fn: one span per request, named by the gRPC path, so every log line
        //   of a handler carries the method; it continues the caller's W3C trace context;
        // - timeout: a server-side deadline even when the client sets none, so no
        //   request holds resources forever (the client's grpc-timeout wins when shorter);
        // - HTTP/2 max concurrent streams per connection: bounds the calls one
        //   connection can open at once (beyond admission's shared bound);
        // - max connection age: HTTP/2 connections are long-lived, so without it new
        //   replicas behind a Kubernetes Service would never receive traffic.
        // - metrics (outermost): every request counted and timed by method and status;
        // - admission: at most `max_in_flight` calls at once, a bounded queue with a
        //   bounded wait, the rest refused at once (RESOURCE_EXHAUSTED);
        // - client faults: the codec's statuses for malformed and oversize
        //   requests as INVALID_ARGUMENT and RESOURCE_EXHAUSTED;
        // - the gate (the gateway's authentication and authorisation), if any.
        let mut builder = Server::builder();
        if let Some(tls) = crate::tls::server_config(common)? {
            builder = builder.tls_config(tls)?;
        }
        let router = builder
            .layer(crate::metrics::MetricsLayer)
            .layer(crate::admission::AdmissionLayer::new(common.admission()))
            .layer(crate::client_faults::layer())
            .layer(crate::gate::GateLayer::new(gate))
            .trace_fn(|request| {
                let path = request.uri().path();
                let span = tracing::info_span!(
                    "grpc",
                    otel.name = %path.trim_start_matches('/'),
                    otel.kind = "server",
                    rpc.system = "grpc",
                    path = %path,
                );
                crate::trace_context::continue_from_headers(&span, request.headers());
                span
            })
            .timeout(common.request_timeout())
            // At most this many calls open per connection, as HTTP/2 settles it:
            // a client holds its excess streams on its own side (h2 queues them)
            // rather than the server refusing them one by one without pushback.
            .max_concurrent_streams(common.max_concurrent_requests.min(u32::MAX as usize) as u32)
            .max_connection_age(Duration::from_secs(common.max_connection_age_secs))
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha);
        Ok(Plumbing {
            health,
            router,
            metrics_listen: common
                .metrics_listen
                .clone()
                .filter(|addr| !addr.is_empty()),
        })
    }

    /// Adds the service's own gRPC services.
    pub fn router(self, add: impl FnOnce(Router<Layers>) -> Router<Layers>) -> Self {
        Plumbing {
            health: self.health,
            router: add(self.router),
            metrics_listen: self.metrics_listen,
        }
    }

    /// Serves on `listener` until `shutdown` completes, then reports NOT_SERVING and
    /// drains in-flight requests. Readiness follows `readiness`, checked every
    /// second: each service is SERVING while its check passes and NOT_SERVING
    /// while it fails (its database or a downstream it needs is unavailable),
    /// and the whole server (the empty name) while all pass. [`LIVENESS`] stays
    /// SERVING until shutdown.
    pub async fn serve(
        self,
        listener: TcpListener,
        service_names: &[&'static str],
        readiness: ReadinessCheck,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let local_addr: Option<SocketAddr> = listener.local_addr().ok();
        // Health for probes that cannot speak TLS, beside the metrics.
        let health = crate::metrics::HealthStatuses::default();
        crate::metrics::set_health(&health, LIVENESS, true);
        if let Some(addr) = &self.metrics_listen {
            let metrics_listener = bind(addr).await?;
            tracing::info!(%addr, "serving prometheus metrics and /healthz");
            tokio::spawn(crate::metrics::serve_metrics(
                metrics_listener,
                Some(health.clone()),
            ));
        }
        let reporter = self.health.clone();
        let probe_health = health.clone();
        let stopped_health = health.clone();
        let readiness = tokio::spawn(async move {
            let mut last: Option<Vec<(&'static str, bool)>> = None;
            loop {
                let statuses = readiness().await;
                if last.as_ref() != Some(&statuses) {
                    for (name, ready) in &statuses {
                        reporter
                            .set_service_status(*name, serving_status(*ready))
                            .await;
                    }
                    let all = statuses.iter().all(|(_, ready)| *ready);
                    reporter.set_service_status("", serving_status(all)).await;
                    for (name, ready) in &statuses {
                        crate::metrics::set_health(&probe_health, name, *ready);
                    }
                    crate::metrics::set_health(&probe_health, "", all);
                    let not_ready: Vec<&str> = statuses
                        .iter()
                        .filter(|(_, ready)| !ready)
                        .map(|(name, _)| *name)
                        .collect();
                    if not_ready.is_empty() {
                        tracing::info!(services = ?statuses.iter().map(|(n, _)| *n).collect::<Vec<_>>(), "serving");
                    } else {
                        tracing::warn!(services = ?not_ready, "not serving: a dependency is unavailable");
                    }
                    last = Some(statuses);
                }
                tokio::time::sleep(READINESS_PERIOD).await;
            }
        });
        let reporter = self.health.clone();
        let names: Vec<&'static str> = service_names.to_vec();
        let signal = async move {
            shutdown.await;
            readiness.abort();
            for name in &names {
                reporter
                    .set_service_status(*name, ServingStatus::NotServing)
                    .await;
            }
            reporter
                .set_service_status("", ServingStatus::NotServing)
                .await;
            reporter
                .set_service_status(LIVENESS, ServingStatus::NotServing)
                .await;
            crate::metrics::set_health(&stopped_health, "", false);
            crate::metrics::set_health(&stopped_health, LIVENESS, false);
            tracing::info!("draining in-flight requests");
        };
        tracing::info!(addr = ?local_addr, "listening");
        self.router
            .serve_with_incoming_shutdown(
                // Accepted connections get TCP_NODELAY: small gRPC messages must not
                // wait for Nagle's algorithm and delayed ACKs (about 40 ms a call).
                tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
                signal,
            )
            .await?;
        tracing::info!(addr = ?local_addr, "stopped");
        Ok(())
    }
}

fn serving_status(ready: bool) -> ServingStatus {
    if ready {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    }
}
