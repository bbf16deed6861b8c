//! Lookups through the gateway under rising load: the suite on a fresh store
//! holding the seeds, then for each level N of requests in flight (1, 64,
//! 1,024, 12,000 by default; `OVERLOAD_LEVELS=1,64` to choose) N callers call
//! GetEntityProfile back to back for `OVERLOAD_SECS` (10) seconds over eight
//! connections. Prints per level the answered calls per second, how many were
//! shed (RESOURCE_EXHAUSTED), any other error, and the latency of the answered
//! (admitted) calls.
//!
//!     cargo bench -p readout-system-tests --bench overload

use std::time::{Duration, Instant};

use readout::suite::{Suite, SuiteAddresses};
use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::GetEntityProfileRequest;
use tonic::Code;

/// What one level's callers saw.
#[derive(Default)]
struct Tally {
    ok: Vec<Duration>,
    shed: usize,
    other: Vec<String>,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

async fn seed(gateway: std::net::SocketAddr) {
    use readout_proto::v1::ingest_service_client::IngestServiceClient;
    use readout_proto::v1::{ArticleInput, SubmitArticleRequest};
    let mut ingest = IngestServiceClient::connect(format!("http://{gateway}"))
        .await
        .expect("gateway");
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(seeds).expect("seeds") {
        let path = entry.expect("seed").path();
        if path.extension().is_some_and(|ext| ext == "txt") {
            let text = std::fs::read_to_string(&path).expect("seed text");
            let article = ingest
                .submit_article(SubmitArticleRequest {
                    article: Some(ArticleInput {
                        text,
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await
                .expect("submit")
                .into_inner()
                .article
                .expect("article");
            names.push(article.name);
        }
    }
    readout_system_tests::wait::until_processed(&mut ingest, &names, Duration::from_millis(100))
        .await;
}

async fn run_level(channels: &[tonic::transport::Channel], level: usize, secs: u64) -> Tally {
    let until = Instant::now() + Duration::from_secs(secs);
    let callers: Vec<_> = (0..level)
        .map(|index| {
            let mut client = GatewayServiceClient::new(channels[index % channels.len()].clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < until {
                    let started = Instant::now();
                    let answer = client
                        .get_entity_profile(GetEntityProfileRequest {
                            entity: "Xi Jinping".into(),
                            ..Default::default()
                        })
                        .await;
                    match answer {
                        Ok(_) => tally.ok.push(started.elapsed()),
                        Err(status) if status.code() == Code::ResourceExhausted => {
                            tally.shed += 1;
                            // A shed caller backs off a little, as clients are told to.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        Err(status) => {
                            tally
                                .other
                                .push(format!("{:?}: {}", status.code(), status.message()))
                        }
                    }
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for caller in callers {
        let tally = caller.await.expect("caller");
        total.ok.extend(tally.ok);
        total.shed += tally.shed;
        total.other.extend(tally.other);
    }
    total
}

fn main() {
    let levels: Vec<usize> = std::env::var("OVERLOAD_LEVELS")
        .unwrap_or_else(|_| "1,64,1024,12000".into())
        .split(',')
        .filter_map(|level| level.trim().parse().ok())
        .collect();
    let secs: u64 = std::env::var("OVERLOAD_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (_url, pool) = readout_store::testing::fresh_database()
            .await
            .expect("database");
        let suite = Suite::start(pool, &SuiteAddresses::ephemeral(), 2)
            .await
            .expect("suite");
        seed(suite.gateway).await;
        let mut channels = Vec::new();
        for _ in 0..8 {
            channels.push(
                tonic::transport::Endpoint::from_shared(format!("http://{}", suite.gateway))
                    .expect("endpoint")
                    .connect()
                    .await
                    .expect("connect"),
            );
        }
        println!("GetEntityProfile through the gateway, {secs} s per level, seeded store");
        println!(
            "{:>8} {:>10} {:>10} {:>8} {:>9} {:>9} {:>9}",
            "in flight", "answered/s", "shed", "errors", "p50 ms", "p99 ms", "max ms"
        );
        for level in levels {
            let mut tally = run_level(&channels, level, secs).await;
            tally.ok.sort();
            println!(
                "{:>8} {:>10.0} {:>10} {:>8} {:>9.1} {:>9.1} {:>9.1}",
                level,
                tally.ok.len() as f64 / secs as f64,
                tally.shed,
                tally.other.len(),
                percentile(&tally.ok, 0.5),
                percentile(&tally.ok, 0.99),
                percentile(&tally.ok, 1.0),
            );
            if let Some(first) = tally.other.first() {
                println!("         first error: {first}");
            }
            // Let the queues drain between levels.
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        suite.shutdown().await.expect("shutdown");
    });
}
