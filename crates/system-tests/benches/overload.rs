//! Lookups through the gateway under rising load: the suite on a fresh store
//! holding the seeds, then for each level N of requests in flight (1, 64,
//! 1,024, 12,000 by default; `OVERLOAD_LEVELS=1,64` to choose) N callers call
//! GetEntityProfile back to back for `OVERLOAD_SECS` (10) seconds over eight
//! connections, waiting as long as a refusal's pushback asks when shed (as
//! clients are told to). Prints per level the answered calls per second, how many were
//! shed (RESOURCE_EXHAUSTED), any other error, and the latency of the answered
//! (admitted) calls.
//!
//!     cargo bench -p readout-system-tests --bench overload
//!
//! By default the suite runs in the bench's own process, so at thousands of
//! callers the callers' tasks share the servers' runtime and cores and most of
//! the latency is theirs. `OVERLOAD_GATEWAY=127.0.0.1:20051` loads a suite
//! running elsewhere instead (`readout up`, release), and the callers can run at
//! a lower priority (`nice -n 19`) to stand in for a separate load machine:
//!
//!     readout up --data-dir /tmp/overload --metrics-listen 127.0.0.1:9464 &
//!     OVERLOAD_GATEWAY=127.0.0.1:20051 OVERLOAD_METRICS=127.0.0.1:9464 \
//!         nice -n 19 cargo bench -p readout-system-tests --bench overload
//!
//! With `OVERLOAD_METRICS` (the suite's Prometheus address) it also prints the
//! answered calls' latency as the gateway measured it, before and after each
//! level, from two histograms (status OK): `rpc_server_call_duration_seconds`,
//! from the call's headers to its answer, and `rpc_server_admitted_duration_seconds`,
//! from its whole request (its message received) to its answer; for each the
//! share answered within 100 ms and the p99 interpolated within its bucket. The
//! second is the server's latency without the callers' own delays: a caller
//! process starved of the cores sends its headers and then its message late
//! (measured in a burst of 12,000: 90-110 ms between a slow call's admission and
//! its handler, all of it waiting for the message), which the first includes.

use std::time::{Duration, Instant};

use readout::suite::{Suite, SuiteAddresses};
use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::GetEntityProfileRequest;
use tonic::Code;

/// The gateway's histogram of a call's time from its headers to its answer.
const CALL: &str = "rpc_server_call_duration_seconds";
/// The gateway's histogram of an admitted call's time from its whole request
/// (its message received) to its answer: the server's own latency, without the
/// time a caller took to send its message.
const ADMITTED: &str = "rpc_server_admitted_duration_seconds";
const HISTOGRAMS: [&str; 2] = [CALL, ADMITTED];

/// What one level's callers saw.
#[derive(Default)]
struct Tally {
    ok: Vec<Duration>,
    shed: usize,
    other: Vec<String>,
}

/// The gateway's histogram `name` of answered GetEntityProfile calls: (upper
/// bound in seconds, calls at most that long), from the Prometheus text at `metrics`.
async fn answered_histogram(metrics: &str, name: &str) -> Vec<(f64, u64)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(metrics)
        .await
        .expect("metrics address");
    stream
        .write_all(format!("GET /metrics HTTP/1.0\r\nHost: {metrics}\r\n\r\n").as_bytes())
        .await
        .expect("metrics request");
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .await
        .expect("metrics response");
    let series = format!("{name}_bucket{{rpc_system=\"grpc\",rpc_service=\"readout.v1.GatewayService\",rpc_method=\"GetEntityProfile\",rpc_grpc_status_code=\"0\",le=\"");
    text.lines()
        .filter_map(|line| line.strip_prefix(series.as_str()))
        .filter_map(|rest| {
            let (bound, count) = rest.split_once("\"} ")?;
            let bound = if bound == "+Inf" {
                f64::INFINITY
            } else {
                bound.parse().ok()?
            };
            Some((bound, count.trim().parse().ok()?))
        })
        .collect()
}

/// From two scrapes: the share of calls answered within 100 ms and the p99 in
/// milliseconds, interpolated linearly inside its bucket.
fn server_latency(before: &[(f64, u64)], after: &[(f64, u64)]) -> (f64, f64) {
    let counts: Vec<(f64, u64)> = after
        .iter()
        .map(|&(bound, count)| {
            let earlier = before
                .iter()
                .find(|(b, _)| *b == bound)
                .map_or(0, |(_, c)| *c);
            (bound, count - earlier)
        })
        .collect();
    let total = counts.last().map_or(0, |(_, count)| *count) as f64;
    if total == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let within = counts
        .iter()
        .find(|(bound, _)| (*bound - 0.1).abs() < 1e-9)
        .map_or(0, |(_, count)| *count) as f64;
    let target = 0.99 * total;
    let mut previous = (0.0, 0.0);
    for &(bound, count) in &counts {
        let count = count as f64;
        if count >= target {
            if bound.is_infinite() {
                return (within / total, f64::INFINITY);
            }
            let share = (target - previous.1) / (count - previous.1).max(1.0);
            return (
                within / total,
                1000.0 * (previous.0 + share * (bound - previous.0)),
            );
        }
        previous = (bound, count);
    }
    (within / total, f64::NAN)
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
                // Shed callers wait as the README tells clients to: as long as the
                // refusal's pushback asks (gRFC A6; the server jitters it), or without
                // one exponentially from 20 ms to 1 s with jitter, starting again
                // after an answer.
                let mut backoff = Duration::from_millis(20);
                let mut jitter = (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                while Instant::now() < until {
                    let started = Instant::now();
                    let answer = client
                        .get_entity_profile(GetEntityProfileRequest {
                            entity: "Xi Jinping".into(),
                            ..Default::default()
                        })
                        .await;
                    match answer {
                        Ok(_) => {
                            tally.ok.push(started.elapsed());
                            backoff = Duration::from_millis(20);
                        }
                        Err(status) if status.code() == Code::ResourceExhausted => {
                            tally.shed += 1;
                            if let Some(wait) = readout_server::pushback::requested(&status) {
                                let left = until.saturating_duration_since(Instant::now());
                                tokio::time::sleep(wait.min(left)).await;
                                continue;
                            }
                            jitter ^= jitter << 13;
                            jitter ^= jitter >> 7;
                            jitter ^= jitter << 17;
                            // Half to one and a half times the backoff.
                            let factor = 0.5 + (jitter % 1000) as f64 / 1000.0;
                            tokio::time::sleep(backoff.mul_f64(factor)).await;
                            backoff = (backoff * 2).min(Duration::from_secs(1));
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
        let external: Option<std::net::SocketAddr> = std::env::var("OVERLOAD_GATEWAY")
            .ok()
            .map(|addr| addr.parse().expect("OVERLOAD_GATEWAY is host:port"));
        let suite = match external {
            Some(_) => None,
            None => {
                let (_url, pool) = readout_store::testing::fresh_database()
                    .await
                    .expect("database");
                Some(
                    Suite::start(pool, &SuiteAddresses::ephemeral(), 2)
                        .await
                        .expect("suite"),
                )
            }
        };
        let gateway = external.unwrap_or_else(|| suite.as_ref().expect("suite").gateway);
        seed(gateway).await;
        let mut channels = Vec::new();
        for _ in 0..8 {
            channels.push(
                tonic::transport::Endpoint::from_shared(format!("http://{gateway}"))
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
        let metrics = std::env::var("OVERLOAD_METRICS").ok();
        for level in levels {
            let mut before = Vec::new();
            if let Some(metrics) = &metrics {
                for name in HISTOGRAMS {
                    before.push(answered_histogram(metrics, name).await);
                }
            }
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
            if let Some(metrics) = &metrics {
                for (name, before) in HISTOGRAMS.iter().zip(&before) {
                    let after = answered_histogram(metrics, name).await;
                    let (within, p99) = server_latency(before, &after);
                    let what = match *name {
                        ADMITTED => "admitted, from their request received",
                        _ => "from their headers",
                    };
                    println!(
                        "         as the gateway measured them ({what}): {:.2}% within 100 ms, p99 {:.1} ms",
                        100.0 * within,
                        p99
                    );
                }
            }
            if let Some(first) = tally.other.first() {
                println!("         first error: {first}");
            }
            // Let the queues drain between levels.
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        if let Some(suite) = suite {
            suite.shutdown().await.expect("shutdown");
        }
    });
}
