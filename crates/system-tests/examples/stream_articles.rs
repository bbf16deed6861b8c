//! Streams one long SubmitArticles call to a gateway: `COUNT` copies of an
//! article of `BYTES` bytes (identical copies, so the ingest service stores one
//! and processing costs nothing; the gateway still forwards every byte). What
//! `scripts/fault-drill stream` runs to measure the gateway's memory.
//!
//!     stream_articles ADDRESS COUNT BYTES

use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{ArticleInput, SubmitArticlesRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, address, count, bytes] = args.as_slice() else {
        return Err("usage: stream_articles ADDRESS COUNT BYTES".into());
    };
    let (count, bytes): (usize, usize) = (count.parse()?, bytes.parse()?);
    let sentence = "The minister met the delegation in the capital on Tuesday. ";
    let text: String = sentence.repeat(bytes / sentence.len() + 1)[..bytes].to_owned();
    let mut client = IngestServiceClient::connect(format!("http://{address}"))
        .await?
        .max_encoding_message_size(bytes + 64 * 1024);
    let started = std::time::Instant::now();
    let messages = (0..count).map(move |index| SubmitArticlesRequest {
        article: Some(ArticleInput {
            text: text.clone(),
            ..Default::default()
        }),
        request_id: format!("stream-{index}"),
    });
    let response = client
        .submit_articles(tokio_stream::iter(messages))
        .await?
        .into_inner();
    let errors = response
        .results
        .iter()
        .filter(|r| !r.error.is_empty())
        .count();
    println!(
        "streamed {count} articles of {bytes} bytes ({:.2} GB) in {:.1} s: {} results, {} created, {errors} refused",
        (count * bytes) as f64 / 1e9,
        started.elapsed().as_secs_f64(),
        response.results.len(),
        response.created_count
    );
    Ok(())
}
