//! Gateway configuration (flags and `READOUT_*` environment variables).

use readout_server::CommonArgs;

/// Configuration of the gateway.
#[derive(Clone, Debug, clap::Args)]
pub struct GatewayConfig {
    /// Address to listen on.
    #[arg(
        long = "listen",
        env = "READOUT_GATEWAY_LISTEN",
        default_value = "0.0.0.0:20051"
    )]
    pub listen: String,
    /// The ingest service's URL.
    #[arg(
        long,
        env = "READOUT_INGEST_URL",
        default_value = "http://127.0.0.1:20052"
    )]
    pub ingest_url: String,
    /// The entity service's URL.
    #[arg(
        long,
        env = "READOUT_ENTITY_URL",
        default_value = "http://127.0.0.1:20053"
    )]
    pub entity_url: String,
    /// The query service's URL.
    #[arg(
        long,
        env = "READOUT_QUERY_URL",
        default_value = "http://127.0.0.1:20054"
    )]
    pub query_url: String,
    /// The bearer token that allows curation (merge, alias, split) through the
    /// gateway; curation is refused there without one.
    #[arg(long, env = "READOUT_CURATION_TOKEN", hide_env_values = true)]
    pub curation_token: Option<readout_server::Secret>,
    /// Largest request accepted for forwarding (articles), in bytes.
    #[arg(long, env = "READOUT_MAX_MESSAGE_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Shared server flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

impl GatewayConfig {
    /// Defaults for tests and the local suite.
    pub fn local(listen: &str, ingest_url: &str, entity_url: &str, query_url: &str) -> Self {
        GatewayConfig {
            listen: listen.into(),
            ingest_url: ingest_url.into(),
            entity_url: entity_url.into(),
            query_url: query_url.into(),
            curation_token: None,
            max_message_bytes: 2 * 1024 * 1024,
            common: CommonArgs::default(),
        }
    }
}
