//! TLS with rustls on every hop, from PEM files (Kubernetes mounts them from
//! Secrets; cert-manager renews them): a server presents `--tls-cert` /
//! `--tls-key` and, with `--tls-client-ca`, requires client certificates
//! signed by that CA (mutual TLS); a client of another service verifies it
//! against `--tls-ca` when its URL is `https://`, presenting its own
//! certificate as its identity. A server with no certificate serves plaintext
//! only when `--plaintext` says so.

use std::path::Path;
use std::time::Duration;

use tonic::transport::{
    Certificate, Channel, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig,
};

use crate::config::CommonArgs;
use crate::serve::ServeError;

fn read(path: &Path, what: &str) -> Result<Vec<u8>, ServeError> {
    std::fs::read(path).map_err(|error| {
        ServeError::Startup(format!("cannot read {what} {}: {error}", path.display()))
    })
}

fn identity(common: &CommonArgs) -> Result<Option<Identity>, ServeError> {
    match (&common.tls_cert, &common.tls_key) {
        (Some(cert), Some(key)) => Ok(Some(Identity::from_pem(
            read(cert, "the TLS certificate")?,
            read(key, "the TLS key")?,
        ))),
        _ => Ok(None),
    }
}

/// The server's TLS settings; `None` for plaintext, which must have been chosen.
pub fn server_config(common: &CommonArgs) -> Result<Option<ServerTlsConfig>, ServeError> {
    let Some(identity) = identity(common)? else {
        if common.plaintext {
            return Ok(None);
        }
        return Err(ServeError::Startup(
            "no TLS certificate: set READOUT_TLS_CERT and READOUT_TLS_KEY, or READOUT_PLAINTEXT=true \
             to serve without TLS (local use only)"
                .into(),
        ));
    };
    let mut config = ServerTlsConfig::new().identity(identity);
    if let Some(ca) = &common.tls_client_ca {
        config = config.client_ca_root(Certificate::from_pem(read(ca, "the client CA")?));
    }
    Ok(Some(config))
}

/// A lazily connecting channel to another service at `url`, over TLS when the
/// URL is `https://` (verified against `--tls-ca`, presenting this service's
/// certificate when it has one).
pub fn channel(
    url: &str,
    common: &CommonArgs,
    connect_timeout: Duration,
) -> Result<Channel, ServeError> {
    let mut endpoint = Endpoint::from_shared(url.to_owned())?
        .connect_timeout(connect_timeout)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30));
    if url.starts_with("https://") {
        let Some(ca) = &common.tls_ca else {
            return Err(ServeError::Startup(format!(
                "{url} is https: set READOUT_TLS_CA to the CA that signs its certificate"
            )));
        };
        let mut tls =
            ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read(ca, "the CA")?));
        if let Some(identity) = identity(common)? {
            tls = tls.identity(identity);
        }
        endpoint = endpoint.tls_config(tls)?;
    }
    Ok(endpoint.connect_lazy())
}
