//! What idle watchers cost: ingest and lookup throughput with no watcher, with
//! `WATCHERS` (2,000) identical idle watch streams (all following one entity
//! the articles never involve), and with as many distinct ones (each following
//! a different such entity), opened on the query service.
//! Each phase ingests `WATCH_ARTICLES` (400) new generated articles through the
//! gateway (timed from submission until all are processed) and runs 16
//! GetEntityProfile callers for 5 s.
//!
//!     cargo bench -p readout-system-tests --bench watchers

use std::time::{Duration, Instant};

use readout::corpus::{article, Rng, World};
use readout::suite::{Suite, SuiteAddresses};
use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::query_service_client::QueryServiceClient;
use readout_proto::v1::{
    ArticleInput, GetEntityProfileRequest, SubmitArticlesRequest, WatchResultsRequest,
};

/// Articles per second from submission until every one is processed.
async fn ingest_rate(
    ingest: &mut IngestServiceClient<tonic::transport::Channel>,
    world: &World,
    rng: &mut Rng,
    first: usize,
    count: usize,
) -> f64 {
    let started = Instant::now();
    let requests: Vec<SubmitArticlesRequest> = (first..first + count)
        .map(|index| {
            let (text, published) = article(world, rng, index);
            SubmitArticlesRequest {
                article: Some(ArticleInput {
                    text,
                    published_date: published,
                    ..Default::default()
                }),
                request_id: format!("watchers-{index}"),
            }
        })
        .collect();
    let names: Vec<String> = ingest
        .submit_articles(tokio_stream::iter(requests))
        .await
        .expect("submit")
        .into_inner()
        .results
        .into_iter()
        .map(|result| result.article)
        .collect();
    readout_system_tests::wait::until_processed(ingest, &names, Duration::from_millis(20)).await;
    count as f64 / started.elapsed().as_secs_f64()
}

/// Answered GetEntityProfile calls per second, 16 callers for 5 s.
async fn lookup_rate(channel: &tonic::transport::Channel, entity: &str) -> f64 {
    let until = Instant::now() + Duration::from_secs(5);
    let callers: Vec<_> = (0..16)
        .map(|_| {
            let mut client = GatewayServiceClient::new(channel.clone());
            let entity = entity.to_owned();
            tokio::spawn(async move {
                let mut answered = 0u64;
                while Instant::now() < until {
                    if client
                        .get_entity_profile(GetEntityProfileRequest {
                            entity: entity.clone(),
                            ..Default::default()
                        })
                        .await
                        .is_ok()
                    {
                        answered += 1;
                    }
                }
                answered
            })
        })
        .collect();
    let mut answered = 0;
    for caller in callers {
        answered += caller.await.expect("caller");
    }
    answered as f64 / 5.0
}

/// Opens `count` watch streams on the query service; `distinct` gives each its own filter.
async fn open_watchers(
    query: &QueryServiceClient<tonic::transport::Channel>,
    count: usize,
    distinct: bool,
) -> Vec<tonic::Streaming<readout_proto::v1::WatchResultsResponse>> {
    let mut streams = Vec::with_capacity(count);
    let shared = uuid::Uuid::new_v4();
    for _ in 0..count {
        let followed = if distinct {
            uuid::Uuid::new_v4()
        } else {
            shared
        };
        let event_filter = format!("participant = \"entities/{followed}\"");
        streams.push(
            query
                .clone()
                .watch_results(WatchResultsRequest {
                    event_filter,
                    // Events only: a watch of both with no quote filter would
                    // receive every quote, which is not idle.
                    target: readout_proto::v1::WatchTarget::Events as i32,
                    ..Default::default()
                })
                .await
                .expect("watch")
                .into_inner(),
        );
    }
    streams
}

fn main() {
    let watchers: usize = std::env::var("WATCHERS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(2_000);
    let per_phase: usize = std::env::var("WATCH_ARTICLES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(400);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (_url, pool) = readout_store::testing::fresh_database()
            .await
            .expect("database");
        let suite = Suite::start(pool, &SuiteAddresses::ephemeral(), 2)
            .await
            .expect("suite");
        let gateway = tonic::transport::Endpoint::from_shared(format!("http://{}", suite.gateway))
            .expect("endpoint")
            .connect()
            .await
            .expect("gateway");
        let query = QueryServiceClient::new(
            tonic::transport::Endpoint::from_shared(format!("http://{}", suite.query))
                .expect("endpoint")
                .connect()
                .await
                .expect("query"),
        );
        let mut ingest =
            IngestServiceClient::new(gateway.clone()).max_encoding_message_size(64 * 1024 * 1024);
        let mut rng = Rng::new(3);
        let world = World::new(&mut rng, 400, 200);
        // Warm up: some data for the lookups, and the caches.
        ingest_rate(&mut ingest, &world, &mut rng, 0, per_phase).await;
        let person =
            readout_proto::v1::entity_service_client::EntityServiceClient::new(gateway.clone())
                .list_entities(readout_proto::v1::ListEntitiesRequest {
                    r#type: readout_proto::v1::EntityType::Person as i32,
                    page_size: 1,
                    ..Default::default()
                })
                .await
                .expect("list people")
                .into_inner()
                .entities
                .into_iter()
                .next()
                .expect("a person")
                .display_name;
        println!(
            "{:<34} {:>12} {:>14}",
            "watch streams open", "articles/s", "lookups/s"
        );
        let mut next = per_phase;
        for (label, count, distinct) in [
            ("none".to_owned(), 0, false),
            (format!("{watchers} identical"), watchers, false),
            (format!("{watchers} distinct"), watchers, true),
            // Again without, to see how much the store's growth alone slows ingest.
            ("none (again)".to_owned(), 0, false),
        ] {
            let streams = open_watchers(&query, count, distinct).await;
            let articles = ingest_rate(&mut ingest, &world, &mut rng, next, per_phase).await;
            next += per_phase;
            let lookups = lookup_rate(&gateway, &person).await;
            println!("{label:<34} {articles:>12.0} {lookups:>14.0}");
            drop(streams);
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        suite.shutdown().await.expect("shutdown");
    });
}
