//! `readout eval --services URL`: the seeds (or any gold set) through a running
//! suite. Each article is submitted (idempotently: an article already stored is
//! found again), its full record read back once processed, rendered in the gold
//! schema and scored like `readout extract`'s output.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::score::Tally;
use anyhow::{bail, Context, Result};
use readout_extract::gold::GoldDoc;
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{
    ArticleInput, ArticleState, ArticleView, GetArticleRequest, SubmitArticleRequest,
};

use crate::record_gold::record_to_gold;

/// The stored record of each gold article, rendered in the gold schema: the
/// article `articles_dir/<name>.txt` of each `gold_dir/<name>.json`, submitted
/// to the suite at `url` (a gateway or an ingest service; `ca` verifies an
/// `https://` one, `token` is sent as a bearer token).
pub async fn services_output(
    gold_dir: &Path,
    articles_dir: &Path,
    url: &str,
    ca: Option<&Path>,
    token: Option<&readout_server::Secret>,
) -> Result<Vec<(GoldDoc, GoldDoc)>> {
    let channel = crate::client::connect(url, ca).await?;
    let mut client = IngestServiceClient::with_interceptor(channel, crate::client::bearer(token)?)
        .max_decoding_message_size(64 * 1024 * 1024);
    let mut pairs = Vec::new();
    for gold_path in crate::extract_cmd::gold_files(gold_dir)? {
        let gold = crate::extract_cmd::read_gold(&gold_path)?;
        let stem = gold_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text_path = articles_dir.join(format!("{stem}.txt"));
        let bytes = std::fs::read(&text_path)
            .with_context(|| format!("reading {}", text_path.display()))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let article = client
            .submit_article(SubmitArticleRequest {
                article: Some(ArticleInput {
                    text,
                    ..ArticleInput::default()
                }),
                request_id: String::new(),
            })
            .await
            .with_context(|| format!("submitting {}", text_path.display()))?
            .into_inner()
            .article
            .context("no article in the response")?;
        let started = Instant::now();
        let predicted = loop {
            let response = client
                .get_article(GetArticleRequest {
                    name: article.name.clone(),
                    view: ArticleView::Full as i32,
                })
                .await?
                .into_inner();
            let stored = response.article.context("no article in the response")?;
            match ArticleState::try_from(stored.state) {
                Ok(ArticleState::Done) => {
                    let record = response.record.unwrap_or_default();
                    let name = gold.doc.clone();
                    break record_to_gold(&stored, &record, &name);
                }
                Ok(ArticleState::Failed) => {
                    bail!("{} failed: {}", article.name, stored.last_error)
                }
                _ if started.elapsed() > Duration::from_secs(120) => {
                    bail!("{} not processed after 120 s", article.name)
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        pairs.push((gold, predicted));
    }
    Ok(pairs)
}

/// Scores the services' stored output against the gold files.
pub fn score(pairs: &[(GoldDoc, GoldDoc)]) -> Tally {
    let mut tally = Tally::default();
    for (gold, predicted) in pairs {
        tally.add(gold, predicted);
    }
    tally
}
