//! One place that sets up logging and tracing for every binary: log lines to
//! stdout, and, when an OTLP endpoint is configured, OpenTelemetry spans
//! exported over OTLP/gRPC in batches.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// Why telemetry could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The OTLP exporter could not be built (for example a malformed endpoint).
    #[error("OTLP exporter for {endpoint}: {source}")]
    Exporter {
        /// The configured endpoint.
        endpoint: String,
        /// The exporter's error.
        source: opentelemetry_otlp::ExporterBuildError,
    },
}

/// Keeps the span exporter alive; [`Telemetry::shutdown`] flushes what is buffered.
#[must_use = "dropping the guard without shutdown can lose the last spans"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are exported.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Exports every finished span now (blocking; call from a blocking thread in async code).
    pub fn flush(&self) {
        if let Some(provider) = &self.provider {
            if let Err(error) = provider.force_flush() {
                tracing::warn!(%error, "flushing spans failed");
            }
        }
    }

    /// Flushes and stops the exporter.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            if let Err(error) = provider.shutdown_with_timeout(Duration::from_secs(5)) {
                eprintln!("span exporter shutdown: {error}");
            }
        }
    }
}

/// What to set up.
#[derive(Clone, Debug)]
pub struct TelemetryConfig<'a> {
    /// Log line format.
    pub format: LogFormat,
    /// Default filter (`RUST_LOG`, when set, wins).
    pub filter: &'a str,
    /// OTLP/gRPC collector endpoint (e.g. `http://otel-collector:4317`); no export when `None` or empty.
    pub otlp_endpoint: Option<&'a str>,
    /// `service.name` of exported spans unless `OTEL_SERVICE_NAME` is set.
    pub service_name: &'a str,
}

/// Installs the global tracing subscriber (log lines, plus span export when an
/// OTLP endpoint is configured). Calling it twice is harmless: the second call
/// installs nothing and returns a guard that exports nothing. Must run inside a
/// Tokio runtime when exporting (the gRPC exporter needs one).
pub fn init(config: TelemetryConfig<'_>) -> Result<Telemetry, TelemetryError> {
    let env_filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(config.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt_layer = match config.format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_target(true)
            .with_filter(env_filter)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .compact()
            // Colour codes only for a terminal: piped or collected logs stay plain.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_target(true)
            .with_filter(env_filter)
            .boxed(),
    };
    let provider = match config.otlp_endpoint.filter(|e| !e.trim().is_empty()) {
        Some(endpoint) => Some(provider(endpoint.trim(), config.service_name)?),
        None => None,
    };
    // Spans are exported at info level whatever the log filter says, so quiet
    // logs do not cut traces; the transport crates' internals are left out.
    let otel_layer = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("readout"))
            .with_filter(
                Targets::new()
                    .with_default(LevelFilter::INFO)
                    .with_target("sqlx", LevelFilter::WARN)
                    .with_target("h2", LevelFilter::WARN)
                    .with_target("hyper", LevelFilter::WARN)
                    .with_target("tower", LevelFilter::WARN),
            )
    });
    let installed = tracing_subscriber::registry()
        .with(fmt_layer)
        .with(otel_layer)
        .try_init()
        .is_ok();
    if installed {
        if let Some(endpoint) = config.otlp_endpoint.filter(|_| provider.is_some()) {
            tracing::info!(endpoint, "exporting traces over OTLP/gRPC");
        }
        Ok(Telemetry { provider })
    } else {
        if let Some(provider) = provider {
            let _ = provider.shutdown();
        }
        Ok(Telemetry { provider: None })
    }
}

fn provider(endpoint: &str, service_name: &str) -> Result<SdkTracerProvider, TelemetryError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .with_timeout(Duration::from_secs(5))
        .build()
        .map_err(|source| TelemetryError::Exporter {
            endpoint: endpoint.to_owned(),
            source,
        })?;
    let service_name = std::env::var("OTEL_SERVICE_NAME")
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| service_name.to_owned());
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service_name).build())
        .build())
}

/// Logging for tests: silent unless `TEST_LOG` is set.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = init(TelemetryConfig {
            format: LogFormat::Pretty,
            filter: "info,sqlx=warn",
            otlp_endpoint: None,
            service_name: "readout-test",
        });
    }
}
