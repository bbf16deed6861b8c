//! Entity service configuration (flags and `READOUT_*` environment variables).

use readout_server::{CommonArgs, Secret};

/// Configuration of the entity service.
#[derive(Clone, Debug, clap::Args)]
pub struct EntityConfig {
    /// Address to listen on.
    #[arg(
        long = "listen",
        env = "READOUT_ENTITY_LISTEN",
        default_value = "0.0.0.0:20053"
    )]
    pub listen: String,
    /// PostgreSQL URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Largest text AnnotateText accepts, in bytes.
    #[arg(long, env = "READOUT_MAX_TEXT_BYTES", default_value_t = 1024 * 1024)]
    pub max_text_bytes: usize,
    /// Shared server flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

impl EntityConfig {
    /// Defaults for tests and the local suite.
    pub fn local(listen: &str) -> Self {
        EntityConfig {
            listen: listen.into(),
            database_url: None,
            max_text_bytes: 1024 * 1024,
            common: CommonArgs::default(),
        }
    }
}
