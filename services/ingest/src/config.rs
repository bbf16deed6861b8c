//! Ingest service configuration (flags and `READOUT_*` environment variables).

use readout_server::{CommonArgs, Secret};

/// Configuration of the ingest service.
#[derive(Clone, Debug, clap::Args)]
pub struct IngestConfig {
    /// Address to listen on.
    #[arg(
        long = "listen",
        env = "READOUT_INGEST_LISTEN",
        default_value = "0.0.0.0:20052"
    )]
    pub listen: String,
    /// PostgreSQL URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// The entity service's URL.
    #[arg(
        long,
        env = "READOUT_ENTITY_URL",
        default_value = "http://127.0.0.1:20053"
    )]
    pub entity_url: String,
    /// Processing workers in this process.
    #[arg(long, env = "READOUT_INGEST_WORKERS", default_value_t = 2)]
    pub workers: usize,
    /// Seconds a claimed article stays leased to its worker without a
    /// heartbeat; a live worker renews its leases every third of this, so a
    /// crashed worker's articles are claimed again within about this long.
    #[arg(long, env = "READOUT_LEASE_SECS", default_value_t = 10, value_parser = clap::value_parser!(i64).range(3..))]
    pub lease_secs: i64,
    /// Most articles a worker claims and stores together: a batch is annotated
    /// in one entity-service call and stored in one transaction (a few
    /// statements per table, whatever its size). Under light load batches are
    /// small, so this adds no latency.
    #[arg(long, env = "READOUT_INGEST_BATCH", default_value_t = 32, value_parser = clap::value_parser!(i64).range(1..=100))]
    pub batch_size: i64,
    /// Failures caused by the article itself before it is marked failed
    /// (outages of the database or the entity service do not count: the
    /// article waits, pending, until they end).
    #[arg(long, env = "READOUT_MAX_ATTEMPTS", default_value_t = 5)]
    pub max_attempts: i32,
    /// Largest accepted article text, in bytes.
    #[arg(long, env = "READOUT_MAX_ARTICLE_BYTES", default_value_t = 1024 * 1024)]
    pub max_article_bytes: usize,
    /// Milliseconds an idle worker waits before polling again (it is also woken on submit).
    #[arg(long, env = "READOUT_POLL_MS", default_value_t = 1000)]
    pub poll_ms: u64,
    /// Shared server flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

impl IngestConfig {
    /// Defaults for tests and the local suite.
    pub fn local(listen: &str, entity_url: &str) -> Self {
        IngestConfig {
            listen: listen.into(),
            database_url: None,
            entity_url: entity_url.into(),
            workers: 2,
            lease_secs: 10,
            batch_size: 32,
            max_attempts: 5,
            max_article_bytes: 1024 * 1024,
            poll_ms: 1000,
            common: CommonArgs::default(),
        }
    }

    /// A prefix naming this process's workers in leases (host and pid).
    pub fn worker_prefix(&self) -> String {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
        format!("{host}-{}", std::process::id())
    }
}
