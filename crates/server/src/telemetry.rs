//! One place that sets up logging for every binary.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the global tracing subscriber. `RUST_LOG`, when set, overrides `filter`.
/// Calling it twice is harmless (the second call does nothing).
pub fn init(format: LogFormat, filter: &str) {
    let env_filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_target(true);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// Logging for tests: silent unless `TEST_LOG` is set.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init(LogFormat::Pretty, "info,sqlx=warn");
    }
}
