//! Configuration pieces common to every service, read once from flags and
//! `READOUT_*` environment variables.

use std::fmt;
use std::time::Duration;

/// The output format of logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A string that never prints: database URLs carry passwords.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// Flags every service takes.
#[derive(Clone, Debug, clap::Args)]
pub struct CommonArgs {
    /// Log format.
    #[arg(long, env = "READOUT_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
    /// Log filter, in `tracing_subscriber::EnvFilter` syntax.
    #[arg(long, env = "READOUT_LOG", default_value = "info")]
    pub log_filter: String,
    /// Per-request deadline the server enforces, in milliseconds.
    #[arg(long, env = "READOUT_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Maximum calls open at once on one client connection (the HTTP/2
    /// SETTINGS_MAX_CONCURRENT_STREAMS the server advertises; clients queue the rest).
    #[arg(long, env = "READOUT_MAX_CONCURRENT_REQUESTS", default_value_t = 256)]
    pub max_concurrent_requests: usize,
    /// Maximum connection age in seconds, so clients re-resolve and rebalance across replicas.
    #[arg(long, env = "READOUT_MAX_CONNECTION_AGE_SECS", default_value_t = 300)]
    pub max_connection_age_secs: u64,
    /// Calls a server serves at once (load shedding); health checks and
    /// Watch streams are not counted. Default: four per CPU core.
    #[arg(long, env = "READOUT_MAX_IN_FLIGHT", default_value_t = default_in_flight())]
    pub max_in_flight: usize,
    /// Calls that may wait for a slot beyond those; more are refused at once
    /// with RESOURCE_EXHAUSTED.
    #[arg(long, env = "READOUT_MAX_QUEUED", default_value_t = 256)]
    pub max_queued: usize,
    /// How long a call may wait for a slot before it is refused with
    /// RESOURCE_EXHAUSTED, in milliseconds.
    #[arg(long, env = "READOUT_MAX_QUEUE_WAIT_MS", default_value_t = 20)]
    pub max_queue_wait_ms: u64,
    /// Watch streams one server keeps open at once (the gateway and the query
    /// service); more are refused with RESOURCE_EXHAUSTED.
    #[arg(long, env = "READOUT_MAX_WATCHES", default_value_t = 10_000)]
    pub max_watches: usize,
    /// Watch streams one client address may hold open on the gateway.
    #[arg(long, env = "READOUT_MAX_WATCHES_PER_CLIENT", default_value_t = 100)]
    pub max_watches_per_client: usize,
    /// Address for Prometheus metrics over plain HTTP (e.g. 0.0.0.0:9090); off when empty.
    #[arg(long, env = "READOUT_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    /// This server's certificate chain (PEM), for TLS; with `--tls-key`.
    #[arg(long, env = "READOUT_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// This server's private key (PEM); with `--tls-cert`. Also the client
    /// identity this service presents to the services it calls over TLS.
    #[arg(long, env = "READOUT_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// Require clients to present a certificate signed by this CA (PEM): mutual TLS.
    #[arg(long, env = "READOUT_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<std::path::PathBuf>,
    /// The CA (PEM) that signs the certificates of the services this one calls
    /// at `https://` URLs.
    #[arg(long, env = "READOUT_TLS_CA")]
    pub tls_ca: Option<std::path::PathBuf>,
    /// Serve without TLS (local use only: anyone on the network path can read
    /// and alter calls). Without it a server refuses to start with no certificate.
    #[arg(long, env = "READOUT_PLAINTEXT")]
    pub plaintext: bool,
    /// OpenTelemetry collector for traces over OTLP/gRPC (e.g. http://otel-collector:4317); off when empty.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
}

/// Four calls in flight per CPU core: enough to keep the cores and the
/// database busy, few enough that an admitted call's latency stays low (on 2
/// cores, 8: admitted p99 56 ms at 64 callers, `benches/overload.rs`).
pub fn default_in_flight() -> usize {
    4 * std::thread::available_parallelism().map_or(2, usize::from)
}

impl CommonArgs {
    /// Telemetry settings for a binary named `service_name`.
    pub fn telemetry(&self, service_name: &'static str) -> crate::telemetry::TelemetryConfig<'_> {
        crate::telemetry::TelemetryConfig {
            format: self.log_format,
            filter: &self.log_filter,
            otlp_endpoint: self.otlp_endpoint.as_deref(),
            service_name,
        }
    }

    /// The load-shedding limits.
    pub fn admission(&self) -> crate::admission::AdmissionLimits {
        crate::admission::AdmissionLimits {
            max_in_flight: self.max_in_flight,
            max_queued: self.max_queued,
            max_wait: Duration::from_millis(self.max_queue_wait_ms),
        }
    }

    /// The Watch stream limits.
    pub fn watch_limits(&self) -> crate::watch_limits::WatchLimits {
        crate::watch_limits::WatchLimits::new(self.max_watches, self.max_watches_per_client)
    }

    /// The server-enforced request deadline.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

impl Default for CommonArgs {
    fn default() -> Self {
        CommonArgs {
            log_format: LogFormat::Pretty,
            log_filter: "info".into(),
            request_timeout_ms: 30_000,
            max_concurrent_requests: 256,
            max_connection_age_secs: 300,
            max_in_flight: default_in_flight(),
            max_queued: 256,
            max_queue_wait_ms: 20,
            max_watches: 10_000,
            max_watches_per_client: 100,
            metrics_listen: None,
            otlp_endpoint: None,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            tls_ca: None,
            // The defaults are the local suite's and the tests' (loopback).
            plaintext: true,
        }
    }
}
