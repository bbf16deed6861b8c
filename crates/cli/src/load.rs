//! `readout load`: the bulk loader. Generates N synthetic articles (see
//! [`readout::corpus`]) and streams them to the ingest API of a running suite,
//! showing progress (an indicatif bar on a terminal, a summary line per
//! phase otherwise), then waits until they are processed and reports the
//! sustained end-to-end rate (submit, extract, store).

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use backon::Retryable;
use indicatif::{ProgressBar, ProgressStyle};
use readout::corpus::{article, Rng, World};
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{ArticleInput, ArticleState, GetArticleRequest, SubmitArticlesRequest};

/// Flags of `readout load`.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// The gateway (or ingest service) address.
    #[arg(long, default_value = "http://127.0.0.1:20051")]
    target: String,
    /// How many articles to generate and submit.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    /// Articles per SubmitArticles stream.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Seed of the generator (the same seed gives the same articles).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// CA (PEM) that signs the certificate of a gateway speaking TLS (an
    /// `https://` target).
    #[arg(long, env = "READOUT_CA")]
    ca: Option<std::path::PathBuf>,
    /// API key or JWT for a gateway that asks for credentials (`ingest` and
    /// `read` scopes), sent as `authorization: Bearer <token>`.
    #[arg(long, env = "READOUT_TOKEN", hide_env_values = true)]
    token: Option<readout_server::Secret>,
}

/// A progress bar with rate and ETA on a terminal (stderr); hidden when the
/// output is not a terminal, where each phase prints one summary line instead.
fn progress_bar(label: &'static str, total: usize) -> ProgressBar {
    let style =
        ProgressStyle::with_template("{prefix:>9} [{bar:40}] {pos}/{len} ({per_sec}, ETA {eta})")
            .expect("a valid template")
            .progress_chars("#>-");
    ProgressBar::new(total as u64)
        .with_style(style)
        .with_prefix(label)
}

/// Ends a phase: clears its bar and prints its summary line.
fn finish_phase(bar: &ProgressBar, label: &str, count: usize, started: Instant) {
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{label}: {count} articles in {secs:.1} s ({:.0}/s)",
        count as f64 / secs.max(1e-9)
    );
}

/// Runs the loader.
pub fn run(args: LoadArgs) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let channel = readout::client::connect(&args.target, args.ca.as_deref()).await?;
        let mut client = IngestServiceClient::with_interceptor(
            channel,
            readout::client::bearer(args.token.as_ref())?,
        )
        .max_encoding_message_size(64 * 1024 * 1024);
        let mut rng = Rng::new(args.seed);
        let world = World::new(&mut rng, (args.articles / 5).max(100), (args.articles / 2).max(50));
        let started = Instant::now();
        let mut names = Vec::with_capacity(args.articles);
        let mut submitted = 0;
        let bar = progress_bar("submitted", args.articles);
        while submitted < args.articles {
            let count = args.batch.min(args.articles - submitted);
            let batch: Vec<SubmitArticlesRequest> = (submitted..submitted + count)
                .map(|index| {
                    let (text, published) = article(&world, &mut rng, index);
                    SubmitArticlesRequest {
                        article: Some(ArticleInput { text, title: String::new(), source_url: String::new(), published_date: published }),
                        request_id: format!("load-{}-{index}", args.seed),
                    }
                })
                .collect();
            let response = client.submit_articles(tokio_stream::iter(batch)).await.context("submitting a batch")?.into_inner();
            for result in response.results {
                if !result.error.is_empty() {
                    bail!("article {} refused: {}", submitted + result.index as usize, result.error);
                }
                names.push(result.article);
            }
            submitted += count;
            bar.set_position(submitted as u64);
        }
        finish_phase(&bar, "submitted", names.len(), started);
        let submit_secs = started.elapsed().as_secs_f64();
        // Wait for processing: articles are claimed oldest first, so checking them
        // in order, skipping ahead once one is done, finds the tail quickly.
        let mut done = 0;
        let mut failed: Vec<(String, String)> = Vec::new();
        let bar = progress_bar("processed", names.len());
        while done < names.len() {
            // The suite may be briefly unavailable (a restart, a database
            // failover): the articles are accepted, so wait it out.
            let request = GetArticleRequest { name: names[done].clone(), ..Default::default() };
            let article = (|| {
                let (mut client, request) = (client.clone(), request.clone());
                async move { client.get_article(request).await }
            })
                .retry(readout_server::retry::outage().with_total_delay(Some(Duration::from_secs(300))))
                .when(|status| {
                    matches!(status.code(), tonic::Code::Unavailable | tonic::Code::ResourceExhausted)
                })
                // A refusal under load names its wait (gRFC A6 pushback): take it.
                .adjust(|status, delay| {
                    delay.map(|delay| readout_server::pushback::requested(status).unwrap_or(delay))
                })
                .notify(|status, _| bar.suspend(|| eprintln!("load: waiting for the suite: {}", status.message())))
                .await?
                .into_inner()
                .article
                .context("no article")?;
            match ArticleState::try_from(article.state).unwrap_or(ArticleState::Unspecified) {
                state @ (ArticleState::Done | ArticleState::Failed) => {
                    if state == ArticleState::Failed {
                        failed.push((article.name, article.last_error));
                    }
                    done += 1;
                    bar.set_position(done as u64);
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        finish_phase(&bar, "processed", names.len(), started);
        let total_secs = started.elapsed().as_secs_f64();
        println!(
            "load: {} articles submitted in {:.1} s ({:.0}/s), processed end to end in {:.1} s ({:.0} articles/s sustained)",
            names.len(),
            submit_secs,
            names.len() as f64 / submit_secs,
            total_secs,
            names.len() as f64 / total_secs
        );
        if !failed.is_empty() {
            for (name, error) in failed.iter().take(10) {
                eprintln!("load: {name} failed: {error}");
            }
            bail!("{} of {} articles failed (resubmitting an article retries it)", failed.len(), names.len());
        }
        Ok(())
    })
}
