//! Waiting for submitted articles to be processed, for the benchmarks.

use std::time::Duration;

use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{ArticleState, GetArticleRequest};

/// Polls each of `names` every `every` until it is done or failed (articles are
/// claimed oldest first, so checking them in order finds the tail quickly).
pub async fn until_processed(
    ingest: &mut IngestServiceClient<tonic::transport::Channel>,
    names: &[String],
    every: Duration,
) {
    for name in names {
        loop {
            let state = ingest
                .get_article(GetArticleRequest {
                    name: name.clone(),
                    ..Default::default()
                })
                .await
                .expect("get article")
                .into_inner()
                .article
                .expect("article")
                .state;
            if state == ArticleState::Done as i32 || state == ArticleState::Failed as i32 {
                break;
            }
            tokio::time::sleep(every).await;
        }
    }
}
