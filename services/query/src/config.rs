//! Query service configuration (flags and `READOUT_*` environment variables).

use readout_server::{CommonArgs, Secret};

/// Configuration of the query service.
#[derive(Clone, Debug, clap::Args)]
pub struct QueryConfig {
    /// Address to listen on.
    #[arg(
        long = "listen",
        env = "READOUT_QUERY_LISTEN",
        default_value = "0.0.0.0:20054"
    )]
    pub listen: String,
    /// PostgreSQL URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Shared server flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

impl QueryConfig {
    /// Defaults for tests and the local suite.
    pub fn local(listen: &str) -> Self {
        QueryConfig {
            listen: listen.into(),
            database_url: None,
            common: CommonArgs::default(),
        }
    }
}
