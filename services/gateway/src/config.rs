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
    /// PostgreSQL URL of the store holding the API keys (`readout keys create`);
    /// without it the gateway accepts no API keys.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<readout_server::Secret>,
    /// Issuer (`iss`) of the JWTs the gateway accepts; with `--jwks-file`.
    #[arg(long, env = "READOUT_JWT_ISSUER", requires = "jwks_file")]
    pub jwt_issuer: Option<String>,
    /// Audience (`aud`) the JWTs must name.
    #[arg(long, env = "READOUT_JWT_AUDIENCE", default_value = "readout")]
    pub jwt_audience: String,
    /// The issuer's public keys, a JWKS document (JSON) in a file (a mounted
    /// Secret or ConfigMap); read at start-up.
    #[arg(long, env = "READOUT_JWKS_FILE", requires = "jwt_issuer")]
    pub jwks_file: Option<std::path::PathBuf>,
    /// Scopes every caller holds without credentials (`read`, or `read,ingest`
    /// for a local trial); none by default: every call needs credentials.
    #[arg(long, env = "READOUT_ANONYMOUS_SCOPES", default_value = "")]
    pub anonymous_scopes: readout_auth::Scopes,
    /// Largest request accepted for forwarding (articles), in bytes.
    #[arg(long, env = "READOUT_MAX_MESSAGE_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Shared server flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

impl GatewayConfig {
    /// Defaults for tests and the local suite (API keys from the suite's own
    /// store, passed to [`crate::serve`]).
    pub fn local(listen: &str, ingest_url: &str, entity_url: &str, query_url: &str) -> Self {
        GatewayConfig {
            listen: listen.into(),
            ingest_url: ingest_url.into(),
            entity_url: entity_url.into(),
            query_url: query_url.into(),
            database_url: None,
            jwt_issuer: None,
            jwt_audience: "readout".into(),
            jwks_file: None,
            // The local suite (`readout up`, the tests) is open for reading and
            // ingesting on the loopback address; curation needs a key.
            anonymous_scopes: "read,ingest".parse().expect("scopes"),
            max_message_bytes: 2 * 1024 * 1024,
            common: CommonArgs::default(),
        }
    }
}
