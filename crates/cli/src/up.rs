//! `readout up`: the whole suite on this machine in one command.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use backon::Retryable;
use readout::local_db;
use readout::suite::{Suite, SuiteAddresses};
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{ArticleInput, ArticleState, GetArticleRequest, SubmitArticleRequest};
use readout_server::LogFormat;

/// Flags of `readout up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// PostgreSQL URL; without it a private cluster runs in `<data-dir>/pg`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Directory for the private cluster's data.
    #[arg(long, env = "READOUT_DATA_DIR", default_value = ".data")]
    data_dir: PathBuf,
    /// Gateway (public API) address.
    #[arg(long, default_value = "127.0.0.1:20051")]
    gateway: String,
    /// Ingest service address.
    #[arg(long, default_value = "127.0.0.1:20052")]
    ingest: String,
    /// Entity service address.
    #[arg(long, default_value = "127.0.0.1:20053")]
    entity: String,
    /// Query service address.
    #[arg(long, default_value = "127.0.0.1:20054")]
    query: String,
    /// Ingest worker count.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Serve the Prometheus metrics of all four services at `/metrics` on this
    /// address (one process, one registry); off when empty.
    #[arg(long, env = "READOUT_METRICS_LISTEN")]
    metrics_listen: Option<String>,
    /// Submit the articles of `--seed-dir` through the gateway once the suite is up.
    #[arg(long)]
    seed: bool,
    /// Directory of `.txt` articles for `--seed`.
    #[arg(long, default_value = "seeds")]
    seed_dir: PathBuf,
    /// Exit after seeding instead of serving until Ctrl-C (for smoke tests).
    #[arg(long)]
    exit_after_seed: bool,
    /// Keep the private cluster running after exit.
    #[arg(long)]
    keep_db: bool,
    /// Log format.
    #[arg(long, env = "READOUT_LOG_FORMAT", value_enum, default_value = "pretty")]
    log_format: LogFormat,
    /// OpenTelemetry collector for traces over OTLP/gRPC (e.g. http://localhost:4317); off when empty.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    otlp_endpoint: Option<String>,
}

/// Runs the suite until Ctrl-C / SIGTERM.
pub fn run(args: UpArgs) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let telemetry = runtime.block_on(async {
        readout_server::telemetry::init(readout_server::telemetry::TelemetryConfig {
            format: args.log_format,
            filter: "info,sqlx=warn,h2=warn,tower=warn",
            otlp_endpoint: args.otlp_endpoint.as_deref(),
            service_name: "readout",
        })
    })?;
    let result = runtime.block_on(run_async(args));
    telemetry.shutdown();
    result
}

async fn run_async(args: UpArgs) -> Result<()> {
    let database = local_db::prepare(args.database_url.clone(), &args.data_dir).await?;
    let pool = readout_store::connect(&database.url, 30, Duration::from_secs(60))
        .await
        .context("connecting to the database")?;
    readout_store::migrate(&pool)
        .await
        .context("applying migrations")?;
    let addresses = SuiteAddresses {
        gateway: args.gateway.clone(),
        ingest: args.ingest.clone(),
        entity: args.entity.clone(),
        query: args.query.clone(),
    };
    let suite = Suite::start(pool, &addresses, args.workers).await?;
    let gateway = suite.gateway;
    println!();
    println!("Readout is up. Gateway (public API): {gateway}");
    println!(
        "  ingest {}  entity {}  query {}",
        suite.ingest, suite.entity, suite.query
    );
    if database.cluster.is_some() {
        println!("  private PostgreSQL: {}", database.display);
    }
    if let Some(addr) = args
        .metrics_listen
        .as_deref()
        .filter(|addr| !addr.is_empty())
    {
        let listener = readout_server::bind(addr).await?;
        println!(
            "  Prometheus metrics: http://{}/metrics",
            listener.local_addr()?
        );
        tokio::spawn(readout_server::metrics::serve_metrics(listener, None));
    }
    if args.seed {
        seed(&format!("http://{gateway}"), &args.seed_dir).await?;
    }
    println!();
    println!("Try (grpcurl speaks to the gateway through reflection):");
    println!("  grpcurl -plaintext {gateway} list");
    println!("  grpcurl -plaintext {gateway} describe readout.v1.GatewayService");
    println!("  grpcurl -plaintext -d '{{\"entity\": \"Xi Jinping\"}}' {gateway} readout.v1.GatewayService/GetEntityProfile");
    println!("  grpcurl -plaintext -d '{{\"query\": \"autopilot\"}}' {gateway} readout.v1.GatewayService/SearchQuotes");
    println!("  grpcurl -plaintext -d '{{\"participant\": \"Kamala Harris\", \"filter\": \"type = CONSULT\"}}' {gateway} readout.v1.GatewayService/SearchEvents");
    println!("  grpcurl -plaintext -d '{{\"article\": {{\"text\": \"...\"}}}}' {gateway} readout.v1.IngestService/SubmitArticle");
    println!("  grpcurl -plaintext {gateway} grpc.health.v1.Health/Check");
    println!();
    println!("Reading and ingesting are open to anyone on this address; curation needs a key:");
    println!(
        "  key=$(readout keys create --data-dir {} --name me --scopes read,curate)",
        args.data_dir.display()
    );
    println!("  grpcurl -plaintext -H \"authorization: Bearer $key\" {gateway} readout.v1.EntityService/ListCurationRecords");
    if !args.exit_after_seed {
        println!();
        println!("Serving until Ctrl-C.");
        readout_server::shutdown_signal().await;
    }
    suite.shutdown().await?;
    if let Some(cluster) = database.cluster {
        if !args.keep_db {
            cluster.stop().context("stopping the private cluster")?;
        }
    }
    Ok(())
}

async fn seed(gateway_url: &str, dir: &std::path::Path) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no .txt articles in {}", dir.display());
    }
    let mut client = connect(gateway_url).await?;
    let mut names = Vec::new();
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file)?).into_owned();
        let request = SubmitArticleRequest {
            article: Some(ArticleInput {
                text,
                title: String::new(),
                source_url: format!("file://{}", file.display()),
                published_date: String::new(),
            }),
            request_id: String::new(),
        };
        let response = client
            .submit_article(request)
            .await
            .with_context(|| format!("submitting {}", file.display()))?
            .into_inner();
        let article = response.article.context("no article in the response")?;
        println!(
            "  submitted {} as {} ({})",
            file.display(),
            article.name,
            if response.created {
                "new"
            } else {
                "already stored"
            }
        );
        names.push(article.name);
    }
    let started = Instant::now();
    for name in names {
        loop {
            let article = client
                .get_article(GetArticleRequest {
                    name: name.clone(),
                    ..Default::default()
                })
                .await?
                .into_inner()
                .article
                .context("no article")?;
            match ArticleState::try_from(article.state).unwrap_or(ArticleState::Unspecified) {
                ArticleState::Done => break,
                ArticleState::Failed => bail!("{name} failed: {}", article.last_error),
                _ if started.elapsed() > Duration::from_secs(120) => {
                    bail!("{name} not processed after 120 s")
                }
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }
    println!(
        "  {} articles processed in {:.1} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn connect(url: &str) -> Result<IngestServiceClient<tonic::transport::Channel>> {
    (|| IngestServiceClient::connect(url.to_owned()))
        .retry(readout_server::retry::starting(Duration::from_secs(30)))
        .await
        .context("connecting to the gateway")
}
