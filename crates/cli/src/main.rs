//! `readout`: the operator's command line.
//!
//! - `readout up` runs the whole suite locally (a private PostgreSQL unless
//!   `DATABASE_URL` is set, migrations, the four services, optionally the seeds);
//! - `readout extract` / `readout eval` run and score the extractor on files;
//! - `readout migrate` applies database migrations (the Kubernetes Job);
//! - `readout keys` creates, lists and revokes the gateway's API keys.

mod keys;
mod load;
mod up;

use readout::extract_cmd;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "readout",
    version,
    about = "Readout: who met whom, and who said what, from the news"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole suite locally: database, migrations, the four services.
    Up(up::UpArgs),
    /// Generate synthetic articles and stream them into a running suite, reporting the sustained rate.
    Load(load::LoadArgs),
    /// Extract entities, quotes and events from article files into DIR/<stem>.json (gold schema).
    Extract {
        /// Output directory.
        #[arg(long)]
        out_dir: PathBuf,
        /// Publication date of the articles, YYYY-MM-DD (anchors relative dates).
        #[arg(long)]
        published: Option<String>,
        /// Article text files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Score extraction against gold annotations (the metrics of shared/gold/score.py).
    Eval {
        /// Gold annotation directory.
        #[arg(long, default_value = "seeds/gold")]
        gold: PathBuf,
        /// Directory of the articles named like the gold files (.txt).
        #[arg(long, default_value = "seeds")]
        articles: PathBuf,
        /// Score these predictions instead of extracting afresh.
        #[arg(long)]
        pred: Option<PathBuf>,
        /// Score what a running suite stores instead: submit each article to
        /// this gateway (or ingest service) URL, read its full record back once
        /// processed, and score that.
        #[arg(long, conflicts_with = "pred")]
        services: Option<String>,
        /// With --services: the CA (PEM) that signs an https:// suite's certificate.
        #[arg(long, env = "READOUT_CA", requires = "services")]
        ca: Option<PathBuf>,
        /// With --services: API key or JWT (`read` and `ingest` scopes).
        #[arg(
            long,
            env = "READOUT_TOKEN",
            hide_env_values = true,
            requires = "services"
        )]
        token: Option<readout_server::Secret>,
        /// List missed quotes and wrong speakers.
        #[arg(long)]
        verbose: bool,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Create, list and revoke the gateway's API keys.
    Keys(keys::KeysArgs),
    /// Apply database migrations to DATABASE_URL and exit (the Kubernetes Job).
    Migrate {
        /// The database to migrate.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
        /// Apply nothing: wait until another process (the migration Job) has
        /// applied every migration this binary knows (for init containers).
        #[arg(long)]
        wait: bool,
        /// Give up waiting after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout_secs: u64,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract {
            out_dir,
            published,
            files,
        } => {
            let published = extract_cmd::parse_published(published.as_deref())?;
            extract_cmd::run_extract(&out_dir, &files, published)
        }
        Command::Eval {
            gold,
            articles,
            pred,
            services,
            ca,
            token,
            verbose,
            json,
        } => {
            let tally = match services {
                Some(url) => {
                    let runtime = tokio::runtime::Runtime::new()?;
                    let pairs = runtime.block_on(readout::services_eval::services_output(
                        &gold,
                        &articles,
                        &url,
                        ca.as_deref(),
                        token.as_ref(),
                    ))?;
                    readout::services_eval::score(&pairs)
                }
                None => extract_cmd::evaluate(&gold, &articles, pred.as_deref())?,
            };
            if json {
                println!("{}", serde_json::to_string(&tally.scores())?);
                return Ok(());
            }
            if verbose {
                for (doc, words) in &tally.missed_quotes {
                    println!("missed quote: ({doc:?}, {words:?})");
                }
                for (doc, words, gold, predicted) in &tally.wrong_speakers {
                    println!("wrong speaker: ({doc:?}, {words:?}, {gold:?}, {predicted:?})");
                }
            }
            print!("{}", tally.report());
            Ok(())
        }
        Command::Migrate {
            database_url,
            wait,
            timeout_secs,
        } => {
            let _ = readout_server::telemetry::init(readout_server::telemetry::TelemetryConfig {
                format: readout_server::LogFormat::Json,
                filter: "info",
                otlp_endpoint: None,
                service_name: "readout-migrate",
            });
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let deadline = std::time::Duration::from_secs(timeout_secs);
                let pool = readout_store::connect(&database_url, 2, deadline).await?;
                if wait {
                    tokio::time::timeout(deadline, readout_store::wait_for_migrations(&pool))
                        .await
                        .map_err(|_| {
                            anyhow::anyhow!("migrations not applied after {timeout_secs} s")
                        })??;
                    tracing::info!("schema is up to date");
                } else {
                    readout_store::migrate(&pool).await?;
                    tracing::info!("migrations applied");
                }
                Ok(())
            })
        }
        Command::Up(args) => up::run(args),
        Command::Load(args) => load::run(args),
        Command::Keys(args) => keys::run(args),
    }
}
