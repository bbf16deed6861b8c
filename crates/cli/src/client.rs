//! Connecting the command line's clients (`readout load`, `readout eval
//! --services`) to a running suite: over TLS verified against a given CA for
//! an `https://` target, with a bearer token when the gateway asks for
//! credentials.

use std::path::Path;

use anyhow::{bail, Context, Result};
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

/// A channel to `target`, over TLS verified against `ca` for an `https://` target.
pub async fn connect(target: &str, ca: Option<&Path>) -> Result<Channel> {
    let mut endpoint = Endpoint::from_shared(target.to_owned())
        .with_context(|| format!("{target} is not a URL"))?;
    if target.starts_with("https://") {
        let Some(ca) = ca else {
            bail!("{target} is https: give --ca with the CA that signs its certificate");
        };
        let pem = std::fs::read(ca).with_context(|| format!("reading {}", ca.display()))?;
        endpoint = endpoint
            .tls_config(ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)))?;
    }
    endpoint
        .connect()
        .await
        .with_context(|| format!("connecting to {target}"))
}

/// An interceptor that sends `token` (if any) as `authorization: Bearer <token>`.
pub fn bearer(
    token: Option<&readout_server::Secret>,
) -> Result<impl FnMut(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> + Clone> {
    let authorization: Option<MetadataValue<Ascii>> = token
        .map(|token| format!("Bearer {}", token.expose()).parse())
        .transpose()
        .context("the token must be printable ASCII")?;
    Ok(move |mut request: tonic::Request<()>| {
        if let Some(value) = &authorization {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    })
}
