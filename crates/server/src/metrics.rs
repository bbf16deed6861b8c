//! Prometheus metrics, kept by the Prometheus project's `prometheus-client`
//! crate and served over HTTP (axum) at `/metrics` on `READOUT_METRICS_LISTEN`
//! when configured.
//!
//! What every server records here: each gRPC call's duration by service, method
//! and status code (a tower layer; names and labels after the OpenTelemetry RPC
//! semantic conventions), and its database pool's connections and acquire wait
//! ([`observe_db_pool`], fed by the readiness probe). Services register their
//! own metrics with [`counter`] and [`gauge`] (ingest throughput and queue, the
//! Watch subscriber count).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::{LazyLock, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use prometheus_client::encoding::EncodeLabelSet;
pub use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
pub use prometheus_client::registry::Unit;
use tokio::net::TcpListener;
use tonic::codegen::http;

/// A gauge holding a float (seconds, ratios).
pub type FloatGauge = Gauge<f64, AtomicU64>;

/// Latency buckets in seconds, 1 ms to 30 s (the server's default ceiling).
const SECONDS_BUCKETS: [f64; 16] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0, 15.0, 30.0,
];

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(Registry::default()));

fn seconds_histogram() -> Histogram {
    Histogram::new(SECONDS_BUCKETS)
}

/// The labels of a gRPC call (OpenTelemetry `rpc.*` attributes).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RpcLabels {
    rpc_system: &'static str,
    rpc_service: String,
    rpc_method: String,
    rpc_grpc_status_code: i32,
}

/// The labels of a database pool's connection count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolStateLabels {
    db_client_connection_pool_name: &'static str,
    db_client_connection_state: &'static str,
}

/// The label naming a database pool.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    db_client_connection_pool_name: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

struct ServerMetrics {
    rpc_duration: HistogramFamily<RpcLabels>,
    admitted_duration: HistogramFamily<RpcLabels>,
    pool_connections: Family<PoolStateLabels, Gauge>,
    pool_max: Family<PoolLabels, Gauge>,
    pool_wait: HistogramFamily<PoolLabels>,
}

static SERVER: LazyLock<ServerMetrics> = LazyLock::new(|| {
    let metrics = ServerMetrics {
        rpc_duration: Family::new_with_constructor(seconds_histogram),
        admitted_duration: Family::new_with_constructor(seconds_histogram),
        pool_connections: Family::default(),
        pool_max: Family::default(),
        pool_wait: Family::new_with_constructor(seconds_histogram),
    };
    let mut registry = lock_registry();
    // Histograms carry their unit in the name only: strict OpenMetrics parsers
    // refuse a UNIT line on them.
    registry.register(
        "rpc_server_call_duration_seconds",
        "Duration of gRPC calls served, by service, method and status code",
        metrics.rpc_duration.clone(),
    );
    registry.register(
        "rpc_server_admitted_duration_seconds",
        "Duration of the gRPC calls load shedding admitted, from their complete request \
         (its one message received; a client stream's headers) to their answer, by service, \
         method and status code",
        metrics.admitted_duration.clone(),
    );
    registry.register(
        "db_client_connection_count",
        "Database connections of the pool by state (idle, used)",
        metrics.pool_connections.clone(),
    );
    registry.register(
        "db_client_connection_max",
        "The most connections the pool opens",
        metrics.pool_max.clone(),
    );
    registry.register(
        "db_client_connection_wait_time_seconds",
        "Time to take a connection from the pool, sampled by the readiness probe every second",
        metrics.pool_wait.clone(),
    );
    metrics
});

fn lock_registry() -> std::sync::MutexGuard<'static, Registry> {
    // A panic while registering leaves the registry usable.
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A counter registered as `{name}_total`; call once per metric (keep it in a
/// `LazyLock` static) and clone it where it counts.
pub fn counter(name: &str, help: &str) -> Counter {
    let counter = Counter::default();
    lock_registry().register(name, help, counter.clone());
    counter
}

/// A float gauge registered as `name`, or `{name}_{unit}` with a unit.
pub fn gauge(name: &str, help: &str, unit: Option<Unit>) -> FloatGauge {
    let gauge = FloatGauge::default();
    match unit {
        Some(unit) => lock_registry().register_with_unit(name, help, unit, gauge.clone()),
        None => lock_registry().register(name, help, gauge.clone()),
    }
    gauge
}

/// Records what the readiness probe saw of a database pool: its open and idle
/// connections, its maximum, and how long taking a connection took (`None`
/// when the database did not answer).
pub fn observe_db_pool(pool: &'static str, size: u32, idle: u32, max: u32, wait: Option<Duration>) {
    let server = &*SERVER;
    let state = |state| PoolStateLabels {
        db_client_connection_pool_name: pool,
        db_client_connection_state: state,
    };
    server
        .pool_connections
        .get_or_create(&state("idle"))
        .set(i64::from(idle));
    server
        .pool_connections
        .get_or_create(&state("used"))
        .set(i64::from(size.saturating_sub(idle)));
    let labels = PoolLabels {
        db_client_connection_pool_name: pool,
    };
    server.pool_max.get_or_create(&labels).set(i64::from(max));
    if let Some(wait) = wait {
        server
            .pool_wait
            .get_or_create(&labels)
            .observe(wait.as_secs_f64());
    }
}

/// The labels of a call to `path` answered with `code`.
fn rpc_labels(path: &str, code: i32) -> RpcLabels {
    // A gRPC path is `/package.Service/Method`; a path the server does not serve
    // (UNIMPLEMENTED) is `_OTHER`, as OpenTelemetry says, so clients cannot
    // create a series per made-up path.
    let (service, method) = match code {
        12 => ("_OTHER", "_OTHER"),
        _ => path
            .trim_start_matches('/')
            .split_once('/')
            .unwrap_or((path, "")),
    };
    RpcLabels {
        rpc_system: "grpc",
        rpc_service: service.to_owned(),
        rpc_method: method.to_owned(),
        rpc_grpc_status_code: code,
    }
}

/// The status of an answer: errors of unary calls travel in the response
/// headers (trailers-only); a status in trailers after a body counts as OK.
fn status_code<B>(response: &http::Response<B>) -> i32 {
    response
        .headers()
        .get("grpc-status")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

fn record_call(path: &str, code: i32, elapsed: Duration) {
    SERVER
        .rpc_duration
        .get_or_create(&rpc_labels(path, code))
        .observe(elapsed.as_secs_f64());
}

/// Records an admitted call's `elapsed` time, from its complete request to its
/// answer (see `admission`).
pub fn record_admitted<B>(path: &str, response: &http::Response<B>, elapsed: Duration) {
    SERVER
        .admitted_duration
        .get_or_create(&rpc_labels(path, status_code(response)))
        .observe(elapsed.as_secs_f64());
}

/// The `Content-Type` of OpenMetrics text.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Every registered metric, as OpenMetrics (what Prometheus asks for first) or
/// as the Prometheus text format 0.0.4 (curl, older scrapers).
pub fn render(openmetrics: bool) -> String {
    LazyLock::force(&SERVER);
    let registry = lock_registry();
    let mut out = String::new();
    // Writing to a String cannot fail; an encoder error would be a bug in a
    // metric's labels, and a partial page is still the best answer.
    let _ = if openmetrics {
        prometheus_client::encoding::text::encode(&mut out, &registry)
    } else {
        prometheus_client::encoding::prometheus_text::encode(&mut out, &registry)
    };
    out
}

/// Serves `GET /metrics` on `listener` until the process ends.
pub async fn serve_metrics(listener: TcpListener, health: Option<HealthStatuses>) {
    use axum::http::header::{ACCEPT, CONTENT_TYPE};
    async fn scrape(headers: axum::http::HeaderMap) -> impl axum::response::IntoResponse {
        let openmetrics = headers
            .get(ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("application/openmetrics-text"));
        let content_type = match openmetrics {
            true => OPENMETRICS,
            false => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        };
        ([(CONTENT_TYPE, content_type)], render(openmetrics))
    }
    let mut app = axum::Router::new().route("/metrics", axum::routing::get(scrape));
    if let Some(health) = health {
        let live = health.clone();
        app = app
            .route(
                "/healthz/live",
                axum::routing::get(move || {
                    let answer = health_answer(&live, crate::serve::LIVENESS);
                    async move { answer }
                }),
            )
            .route(
                "/healthz/ready",
                axum::routing::get(move || {
                    let answer = health_answer(&health, "");
                    async move { answer }
                }),
            );
    }
    if let Err(error) = axum::serve(listener, app).await {
        tracing::error!(%error, "the metrics server stopped");
    }
}

/// A server's health statuses (name → serving), as its gRPC health service
/// reports them: served on the metrics port for probes that cannot speak TLS
/// (Kubernetes' gRPC probes cannot).
pub type HealthStatuses = std::sync::Arc<Mutex<std::collections::HashMap<String, bool>>>;

/// Records that `name` (a service, `""` for the whole server, or
/// [`crate::serve::LIVENESS`]) is serving or not.
pub fn set_health(statuses: &HealthStatuses, name: &str, serving: bool) {
    statuses
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(name.to_owned(), serving);
}

/// `200 SERVING` or `503 NOT_SERVING` for `name`.
fn health_answer(statuses: &HealthStatuses, name: &str) -> (axum::http::StatusCode, &'static str) {
    let serving = statuses
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(name)
        .copied()
        .unwrap_or(false);
    if serving {
        (axum::http::StatusCode::OK, "SERVING\n")
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "NOT_SERVING\n")
    }
}

/// The tower layer that records every request.
#[derive(Clone, Copy, Debug, Default)]
pub struct MetricsLayer;

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        MetricsService { inner }
    }
}

/// The service [`MetricsLayer`] wraps around the routes.
#[derive(Clone, Debug)]
pub struct MetricsService<S> {
    inner: S,
}

impl<S, B, ResBody> tower::Service<http::Request<B>> for MetricsService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let result = future.await;
            // A transport error is UNKNOWN (2), as the client sees it.
            let code = match &result {
                Ok(response) => status_code(response),
                Err(_) => 2,
            };
            record_call(&path, code, started.elapsed());
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_both_text_formats() {
        record_call(
            "/readout.v1.TestService/Method",
            3,
            Duration::from_millis(3),
        );
        let processed = counter("readout_test_processed", "A test counter");
        processed.inc_by(5);
        gauge("readout_test_lag", "A test gauge", Some(Unit::Seconds)).set(2.5);
        observe_db_pool("test", 4, 1, 10, Some(Duration::from_millis(2)));
        let text = render(false);
        let call = "rpc_server_call_duration_seconds_bucket{rpc_system=\"grpc\",rpc_service=\"readout.v1.TestService\",rpc_method=\"Method\",rpc_grpc_status_code=\"3\",le=\"0.005\"} 1";
        assert!(text.contains(call), "{text}");
        assert!(text.contains("readout_test_processed_total 5"), "{text}");
        assert!(text.contains("readout_test_lag_seconds 2.5"), "{text}");
        assert!(text.contains("db_client_connection_count{db_client_connection_pool_name=\"test\",db_client_connection_state=\"used\"} 3"), "{text}");
        let open = render(true);
        assert!(open.ends_with("# EOF\n"), "{open}");
    }
}
