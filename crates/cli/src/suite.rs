//! Starting the four services together in one process: what `readout up` runs
//! and what the end-to-end tests start. Each service gets its own listener and
//! talks to the others over gRPC, exactly as separate processes would.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use readout_entity::EntityConfig;
use readout_gateway::GatewayConfig;
use readout_ingest::IngestConfig;
use readout_query::QueryConfig;
use readout_store::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Where each service listens.
#[derive(Clone, Debug)]
pub struct SuiteAddresses {
    /// Gateway (public API).
    pub gateway: String,
    /// Ingest.
    pub ingest: String,
    /// Entity.
    pub entity: String,
    /// Query.
    pub query: String,
}

impl SuiteAddresses {
    /// Every service on an ephemeral loopback port.
    pub fn ephemeral() -> Self {
        let any = "127.0.0.1:0".to_owned();
        SuiteAddresses {
            gateway: any.clone(),
            ingest: any.clone(),
            entity: any.clone(),
            query: any,
        }
    }
}

/// A running suite.
pub struct Suite {
    /// Bound gateway address.
    pub gateway: SocketAddr,
    /// Bound ingest address.
    pub ingest: SocketAddr,
    /// Bound entity address.
    pub entity: SocketAddr,
    /// Bound query address.
    pub query: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<(
        &'static str,
        JoinHandle<Result<(), readout_server::serve::ServeError>>,
    )>,
}

/// Completes once `receiver` turns true (or its sender is gone): a shutdown signal.
pub async fn stopped(mut receiver: watch::Receiver<bool>) {
    while !*receiver.borrow() {
        if receiver.changed().await.is_err() {
            break;
        }
    }
}

/// TLS for every hop of the suite: each service presents `cert` (valid for the
/// addresses it listens on), verifies the others against `ca`, and with
/// `mutual` the internal services require client certificates signed by `ca`.
#[derive(Clone, Debug)]
pub struct SuiteTls {
    /// Certificate chain (PEM) every service presents.
    pub cert: std::path::PathBuf,
    /// Its private key (PEM).
    pub key: std::path::PathBuf,
    /// The CA (PEM) that signed it.
    pub ca: std::path::PathBuf,
    /// Internal services require client certificates (mutual TLS).
    pub mutual: bool,
}

impl SuiteTls {
    fn apply(&self, common: &mut readout_server::CommonArgs, internal: bool) {
        common.tls_cert = Some(self.cert.clone());
        common.tls_key = Some(self.key.clone());
        common.tls_ca = Some(self.ca.clone());
        common.tls_client_ca = (internal && self.mutual).then(|| self.ca.clone());
        common.plaintext = false;
    }
}

impl Suite {
    /// Starts the four services against `pool` (migrated) with `workers` ingest
    /// workers, in plaintext (loopback use).
    pub async fn start(pool: PgPool, addresses: &SuiteAddresses, workers: usize) -> Result<Suite> {
        Suite::start_with_tls(pool, addresses, workers, None).await
    }

    /// As [`Suite::start`], over TLS on every hop when `tls` is given.
    pub async fn start_with_tls(
        pool: PgPool,
        addresses: &SuiteAddresses,
        workers: usize,
        tls: Option<&SuiteTls>,
    ) -> Result<Suite> {
        let entity_listener = readout_server::bind(&addresses.entity).await?;
        let query_listener = readout_server::bind(&addresses.query).await?;
        let ingest_listener = readout_server::bind(&addresses.ingest).await?;
        let gateway_listener = readout_server::bind(&addresses.gateway).await?;
        let entity = entity_listener.local_addr()?;
        let query = query_listener.local_addr()?;
        let ingest = ingest_listener.local_addr()?;
        let gateway = gateway_listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = |addr: SocketAddr| format!("{scheme}://{addr}");
        let (stop, receiver) = watch::channel(false);

        let mut entity_config = EntityConfig::local(&entity.to_string());
        let mut query_config = QueryConfig::local(&query.to_string());
        let mut ingest_config = IngestConfig::local(&ingest.to_string(), &url(entity));
        ingest_config.workers = workers;
        ingest_config.poll_ms = 200;
        // Reading and ingesting are open on the local suite; curation needs an
        // API key from its store (`readout keys create --scopes curate`).
        let mut gateway_config = GatewayConfig::local(
            &gateway.to_string(),
            &url(ingest),
            &url(entity),
            &url(query),
        );
        if let Some(tls) = tls {
            tls.apply(&mut entity_config.common, true);
            tls.apply(&mut query_config.common, true);
            tls.apply(&mut ingest_config.common, true);
            tls.apply(&mut gateway_config.common, false);
        }

        let mut tasks = Vec::new();
        let (p, r) = (pool.clone(), receiver.clone());
        tasks.push((
            "entity",
            tokio::spawn(async move {
                readout_entity::serve(&entity_config, p, entity_listener, stopped(r)).await
            }),
        ));
        let (p, r) = (pool.clone(), receiver.clone());
        tasks.push((
            "query",
            tokio::spawn(async move {
                readout_query::serve(&query_config, p, query_listener, stopped(r)).await
            }),
        ));
        let (p, r) = (pool.clone(), receiver.clone());
        tasks.push((
            "ingest",
            tokio::spawn(async move {
                readout_ingest::serve(&ingest_config, p, ingest_listener, stopped(r)).await
            }),
        ));
        let (p, r) = (pool.clone(), receiver.clone());
        tasks.push((
            "gateway",
            tokio::spawn(async move {
                readout_gateway::serve(&gateway_config, Some(p), gateway_listener, stopped(r)).await
            }),
        ));
        Ok(Suite {
            gateway,
            ingest,
            entity,
            query,
            stop,
            tasks,
        })
    }

    /// Signals every service to stop, drains them and waits for them.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(true);
        for (name, task) in self.tasks {
            task.await
                .with_context(|| format!("{name} task panicked"))?
                .with_context(|| format!("{name} service failed"))?;
        }
        Ok(())
    }
}
