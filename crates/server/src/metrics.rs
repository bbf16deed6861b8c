//! Prometheus metrics: request counts, errors and latency by gRPC method (a
//! tower layer on every server), plus gauges and counters services set (the
//! ingest queue depth, processing lag, extraction throughput), served as text on
//! `READOUT_METRICS_LISTEN` when configured.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{LazyLock, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tonic::codegen::http;

const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    requests: BTreeMap<(String, String), u64>,
    latency: BTreeMap<String, Histogram>,
    gauges: BTreeMap<&'static str, (&'static str, f64)>,
    counters: BTreeMap<&'static str, (&'static str, f64)>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(Registry::default()));

fn record(method: &str, code: &str, elapsed: Duration) {
    let Ok(mut registry) = REGISTRY.lock() else {
        return;
    };
    *registry
        .requests
        .entry((method.to_owned(), code.to_owned()))
        .or_default() += 1;
    let histogram = registry.latency.entry(method.to_owned()).or_default();
    if histogram.counts.is_empty() {
        histogram.counts = vec![0; BUCKETS.len()];
    }
    let seconds = elapsed.as_secs_f64();
    for (index, bound) in BUCKETS.iter().enumerate() {
        if seconds <= *bound {
            histogram.counts[index] += 1;
        }
    }
    histogram.sum += seconds;
    histogram.count += 1;
}

/// Sets a gauge (`name` must be a valid Prometheus metric name).
pub fn set_gauge(name: &'static str, help: &'static str, value: f64) {
    if let Ok(mut registry) = REGISTRY.lock() {
        registry.gauges.insert(name, (help, value));
    }
}

/// Adds to a counter.
pub fn add_counter(name: &'static str, help: &'static str, value: f64) {
    if let Ok(mut registry) = REGISTRY.lock() {
        let entry = registry.counters.entry(name).or_insert((help, 0.0));
        entry.1 += value;
    }
}

/// The metrics in the Prometheus text exposition format.
pub fn render() -> String {
    let Ok(registry) = REGISTRY.lock() else {
        return String::new();
    };
    let mut out = String::new();
    out.push_str("# HELP readout_grpc_requests_total gRPC requests by method and status code.\n");
    out.push_str("# TYPE readout_grpc_requests_total counter\n");
    for ((method, code), count) in &registry.requests {
        out.push_str(&format!(
            "readout_grpc_requests_total{{method=\"{method}\",code=\"{code}\"}} {count}\n"
        ));
    }
    out.push_str("# HELP readout_grpc_request_duration_seconds gRPC request latency by method.\n");
    out.push_str("# TYPE readout_grpc_request_duration_seconds histogram\n");
    for (method, histogram) in &registry.latency {
        for (bound, count) in BUCKETS.iter().zip(&histogram.counts) {
            out.push_str(&format!("readout_grpc_request_duration_seconds_bucket{{method=\"{method}\",le=\"{bound}\"}} {count}\n"));
        }
        out.push_str(&format!(
            "readout_grpc_request_duration_seconds_bucket{{method=\"{method}\",le=\"+Inf\"}} {}\n",
            histogram.count
        ));
        out.push_str(&format!(
            "readout_grpc_request_duration_seconds_sum{{method=\"{method}\"}} {}\n",
            histogram.sum
        ));
        out.push_str(&format!(
            "readout_grpc_request_duration_seconds_count{{method=\"{method}\"}} {}\n",
            histogram.count
        ));
    }
    for (name, (help, value)) in &registry.gauges {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    for (name, (help, value)) in &registry.counters {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
        ));
    }
    out
}

/// Serves `GET /metrics` (any path, in fact) on `listener` until the process ends.
pub async fn serve_metrics(listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let mut request = vec![0u8; 4096];
            let mut read = 0;
            // Read the request head (bounded), then answer and close.
            while read < request.len() {
                match tokio::time::timeout(
                    Duration::from_secs(5),
                    socket.read(&mut request[read..]),
                )
                .await
                {
                    Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
                    Ok(Ok(n)) => {
                        read += n;
                        if request[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                }
            }
            let body = render();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        });
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
        let method = request.uri().path().to_owned();
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let result = future.await;
            // Errors of unary calls travel in the response headers (trailers-only);
            // a status in trailers after a body counts as OK here.
            let code = match &result {
                Ok(response) => response
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("0")
                    .to_owned(),
                Err(_) => "transport".to_owned(),
            };
            record(&method, &code, started.elapsed());
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        record("/readout.v1.Test/Method", "0", Duration::from_millis(3));
        set_gauge("readout_test_gauge", "A test gauge.", 2.0);
        add_counter("readout_test_total", "A test counter.", 5.0);
        let text = render();
        assert!(
            text.contains(
                "readout_grpc_requests_total{method=\"/readout.v1.Test/Method\",code=\"0\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("readout_grpc_request_duration_seconds_bucket{method=\"/readout.v1.Test/Method\",le=\"0.005\"} 1"));
        assert!(text.contains("readout_test_gauge 2"));
        assert!(text.contains("readout_test_total 5"));
    }
}
