//! `spawn_app`: the four real services on ephemeral ports over a fresh
//! database, every hop over TLS (mutual TLS between the services), and gRPC
//! clients of the gateway that verify it against the tests' CA.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use readout::suite::{Suite, SuiteAddresses, SuiteTls};
use readout_proto::v1::entity_service_client::EntityServiceClient;
use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{
    Article, ArticleInput, ArticleState, GetArticleRequest, SubmitArticleRequest,
};
use readout_store::PgPool;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// A running suite for one test.
pub struct TestApp {
    /// The suite (shut down with [`TestApp::stop`]).
    pub suite: Option<Suite>,
    /// Gateway lookups.
    pub gateway: GatewayServiceClient<Channel>,
    /// Ingest through the gateway.
    pub ingest: IngestServiceClient<Channel>,
    /// The entity registry through the gateway.
    pub entities: EntityServiceClient<Channel>,
}

/// An API key with every scope that the test suites' gateways accept (made in
/// each suite's store by [`spawn_app_on`]; a well-formed key, fixed so tests
/// can use it without asking).
pub const CURATOR_KEY: &str =
    "rk_0000000000c0_00000000000000000000000000000000000000000000000000000000000000c0";

/// A curation request carrying the test suites' curator key.
pub fn curation<T>(message: T) -> tonic::Request<T> {
    with_key(message, CURATOR_KEY)
}

/// A request carrying `key` as its bearer token.
pub fn with_key<T>(message: T, key: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

/// Stores an API key `token` (well formed) named `name` with `scopes`.
pub async fn store_key(pool: &PgPool, name: &str, token: &str, scopes: &[&str]) {
    let id = readout_auth::api_key::key_id(token).expect("a well-formed key");
    let scopes: Vec<String> = scopes.iter().map(|scope| scope.to_string()).collect();
    match readout_store::access::create_key(
        pool,
        id,
        name,
        &readout_auth::api_key::digest(token),
        &scopes,
    )
    .await
    {
        Ok(()) | Err(readout_store::StoreError::Precondition(_)) => {}
        Err(error) => panic!("storing key {name}: {error}"),
    }
}

/// A fresh, migrated database.
pub async fn fresh_pool() -> PgPool {
    readout_server::telemetry::init_for_tests();
    let (_url, pool) = readout_store::testing::fresh_database()
        .await
        .expect("fresh test database");
    pool
}

/// The tests' CA and the certificate every suite presents (for 127.0.0.1 and
/// localhost), written once per test process.
pub struct TestTls {
    /// The files, as the suite takes them.
    pub suite: SuiteTls,
    /// The CA (PEM).
    pub ca_pem: String,
    /// The certificate and key (PEM): the identity of a client inside the suite.
    pub identity: (String, String),
}

/// A new CA, and a certificate for `names` signed by it with its key (PEM).
pub fn certificates(names: &[&str]) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "readout test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    let cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

/// See [`TestTls`].
pub fn test_tls() -> &'static TestTls {
    static TLS: std::sync::OnceLock<TestTls> = std::sync::OnceLock::new();
    TLS.get_or_init(|| {
        let (ca, cert, key) = certificates(&["127.0.0.1", "localhost"]);
        // Under the build's own scratch directory (`cargo clean` removes it):
        // a static is never dropped, so the files outlive the test process.
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("readout-tls-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, pem: &str| {
            let path = dir.join(name);
            std::fs::write(&path, pem).unwrap();
            path
        };
        TestTls {
            suite: SuiteTls {
                cert: write("cert.pem", &cert),
                key: write("key.pem", &key),
                ca: write("ca.pem", &ca),
                mutual: true,
            },
            ca_pem: ca,
            identity: (cert, key),
        }
    })
}

/// A lazily connecting TLS channel to a service of a test suite at `address`,
/// verified against the tests' CA; `identity` presents the suite's certificate
/// (what the internal services require).
pub fn tls_channel(address: std::net::SocketAddr, identity: bool) -> Channel {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let tls = test_tls();
    let mut config = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(&tls.ca_pem));
    if identity {
        config = config.identity(Identity::from_pem(&tls.identity.0, &tls.identity.1));
    }
    tonic::transport::Endpoint::from_shared(format!("https://{address}"))
        .unwrap()
        .tls_config(config)
        .unwrap()
        .connect_lazy()
}

/// Starts the suite on a fresh database with `workers` ingest workers.
pub async fn spawn_app(workers: usize) -> TestApp {
    spawn_app_on(fresh_pool().await, workers).await
}

/// Starts the suite on `pool` (e.g. again after a simulated crash).
pub async fn spawn_app_on(pool: PgPool, workers: usize) -> TestApp {
    store_key(
        &pool,
        "tests-curator",
        CURATOR_KEY,
        &["read", "ingest", "curate"],
    )
    .await;
    let suite = Suite::start_with_tls(
        pool,
        &SuiteAddresses::ephemeral(),
        workers,
        Some(&test_tls().suite),
    )
    .await
    .expect("suite starts");
    let channel = tls_channel(suite.gateway, false);
    wait_serving(channel.clone()).await;
    TestApp {
        suite: Some(suite),
        gateway: GatewayServiceClient::new(channel.clone()),
        entities: EntityServiceClient::new(channel.clone()),
        ingest: IngestServiceClient::new(channel),
    }
}

async fn wait_serving(channel: Channel) {
    let mut health = HealthClient::new(channel);
    let started = Instant::now();
    loop {
        let answer = health
            .check(HealthCheckRequest {
                service: "readout.v1.GatewayService".into(),
            })
            .await;
        if answer.is_ok_and(|r| r.get_ref().status == 1) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "gateway not SERVING after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl TestApp {
    /// Stops the services (graceful shutdown).
    pub async fn stop(&mut self) {
        if let Some(suite) = self.suite.take() {
            suite.shutdown().await.expect("clean shutdown");
        }
    }

    /// Submits an article text through the gateway.
    pub async fn submit(&mut self, text: &str, published_date: &str) -> (Article, bool) {
        let request = SubmitArticleRequest {
            article: Some(ArticleInput {
                text: text.into(),
                title: String::new(),
                source_url: String::new(),
                published_date: published_date.into(),
            }),
            request_id: String::new(),
        };
        let response = self
            .ingest
            .submit_article(request)
            .await
            .expect("submit")
            .into_inner();
        (response.article.expect("article"), response.created)
    }

    /// Waits until every named article is processed (panics on failure or after 60 s).
    pub async fn wait_processed(&mut self, names: &[String]) {
        wait_processed_by(&mut self.ingest, names, Duration::from_secs(60)).await;
    }
}

/// Waits until every named article is processed through `ingest` (panics on
/// a failed article or after `limit`).
pub async fn wait_processed_by(
    ingest: &mut IngestServiceClient<Channel>,
    names: &[String],
    limit: Duration,
) {
    let started = Instant::now();
    for name in names {
        loop {
            let article = ingest
                .get_article(GetArticleRequest {
                    name: name.clone(),
                    ..Default::default()
                })
                .await
                .expect("get")
                .into_inner()
                .article
                .unwrap();
            match ArticleState::try_from(article.state).unwrap() {
                ArticleState::Done => break,
                ArticleState::Failed => panic!("{name} failed: {}", article.last_error),
                _ => {
                    assert!(
                        started.elapsed() < limit,
                        "{name} not processed after {limit:?}"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

/// The repository's `seeds/` directory.
pub fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

/// The seed articles' texts, in file order.
pub fn seed_texts() -> Vec<(String, String)> {
    texts_in(&seeds_dir())
}

/// The `.txt` files of a directory as (file name, text), in file order.
pub fn texts_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect()
}

/// Every entity of a type, through the gateway's EntityService (all pages).
pub async fn all_entities(
    app: &mut TestApp,
    entity_type: readout_proto::v1::EntityType,
) -> Vec<readout_proto::v1::Entity> {
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let page = app
            .entities
            .list_entities(readout_proto::v1::ListEntitiesRequest {
                r#type: entity_type as i32,
                affiliation: String::new(),
                page_size: 100,
                page_token: token,
            })
            .await
            .expect("list entities")
            .into_inner();
        all.extend(page.entities);
        if page.next_page_token.is_empty() {
            return all;
        }
        token = page.next_page_token;
    }
}

/// Stops a test's own cluster and removes its directory when dropped, also
/// when the test fails part way (a panic would otherwise leave the server
/// running).
pub struct OwnClusterCleanup {
    dir: PathBuf,
    cluster: readout_store::local_cluster::LocalCluster,
}

impl Drop for OwnClusterCleanup {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A private cluster of a test's own in a new temporary directory (for tests
/// that restart or probe the server, which the shared test cluster must not see),
/// and the guard that stops and removes it when the test ends.
pub async fn own_cluster(
    prefix: &str,
) -> (
    PathBuf,
    readout_store::local_cluster::LocalCluster,
    OwnClusterCleanup,
) {
    use readout_store::local_cluster::{Durability, LocalCluster};
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
    let cluster = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            LocalCluster::ensure_running(&dir, Durability::Throwaway)
        })
        .await
        .unwrap()
        .expect("private cluster")
    };
    let cleanup = OwnClusterCleanup {
        dir: dir.clone(),
        cluster: cluster.clone(),
    };
    (dir, cluster, cleanup)
}
