//! Outages are no fault of the articles': with the entity service gone for a
//! few seconds in the middle of an ingest, every article is processed in the
//! end (none fails, none is lost) and the store holds exactly what a run
//! without the outage stores. The workers back off and retry meanwhile.

use std::time::Duration;

use readout::corpus::{article, Rng, World};
use readout_entity::EntityConfig;
use readout_ingest::IngestConfig;
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{ArticleInput, SubmitArticlesRequest};
use sqlx::PgPool;
use tokio::sync::watch;

use readout::suite::stopped;

use crate::helpers::{fresh_pool, wait_processed_by};

/// A service task with its own stop switch.
struct Running {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the entity service on `addr`; returns it and the address it bound.
async fn start_entity(pool: PgPool, addr: &str) -> (Running, String) {
    let listener = readout_server::bind(addr).await.expect("entity port");
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, receiver) = watch::channel(false);
    let config = EntityConfig::local(&addr);
    let task = tokio::spawn(async move {
        readout_entity::serve(&config, pool, listener, stopped(receiver))
            .await
            .expect("entity service");
    });
    (Running { stop, task }, addr)
}

async fn start_ingest(pool: PgPool, entity_url: &str) -> (Running, String) {
    let listener = readout_server::bind("127.0.0.1:0")
        .await
        .expect("ingest port");
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, receiver) = watch::channel(false);
    let mut config = IngestConfig::local(&addr, entity_url);
    config.batch_size = 8;
    config.poll_ms = 100;
    let task = tokio::spawn(async move {
        readout_ingest::serve(&config, pool, listener, stopped(receiver))
            .await
            .expect("ingest service");
    });
    (Running { stop, task }, format!("http://{addr}"))
}

/// The stored row counts (quotes, quote sources, events, event sources,
/// mentions) and how many entities' mention counts differ from their rows.
async fn stored_counts(pool: &PgPool) -> (Vec<i64>, i64) {
    let mut counts = Vec::new();
    for table in [
        "quotes",
        "quote_sources",
        "events",
        "event_sources",
        "mentions",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        counts.push(count);
    }
    let wrong_counts: i64 = sqlx::query_scalar(
        "WITH pending AS (SELECT entity_id, sum(mentions) AS m FROM entity_count_deltas GROUP BY entity_id)
         SELECT count(*) FROM entities e LEFT JOIN pending p ON p.entity_id = e.id
         WHERE e.mention_count + COALESCE(p.m, 0) <> (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (counts, wrong_counts)
}

/// A run after a fault stored what the clean run stored: every quote, quote
/// source, event telling and mention exactly, and mention counts equal to their
/// rows. How tellings cluster into events depends on the order they arrive in
/// and on ties between equally good stored candidates (a known limit, in
/// ARCHITECTURE.md): two runs agree to within five events in a hundred.
fn assert_same_rows(clean: (&[i64], i64), faulted: (&[i64], i64)) {
    let ((clean, clean_wrong), (faulted, faulted_wrong)) = (clean, faulted);
    assert!(clean.iter().all(|count| *count > 0), "{clean:?}");
    let exact = |counts: &[i64]| [counts[0], counts[1], counts[3], counts[4]];
    assert_eq!(
        exact(faulted),
        exact(clean),
        "quotes, quote sources, event sources, mentions"
    );
    let (clean_events, faulted_events) = (clean[2], faulted[2]);
    assert!(
        (clean_events - faulted_events).abs() * 20 <= clean_events,
        "events: {clean_events} clean, {faulted_events} after the fault"
    );
    assert_eq!(
        (clean_wrong, faulted_wrong),
        (0, 0),
        "entities whose mention counts differ from their rows"
    );
}

/// The generated articles every run ingests.
fn corpus(articles: usize) -> Vec<SubmitArticlesRequest> {
    let mut rng = Rng::new(7);
    let world = World::new(&mut rng, 40, 30);
    (0..articles)
        .map(|index| {
            let (text, published) = article(&world, &mut rng, index);
            SubmitArticlesRequest {
                article: Some(ArticleInput {
                    text,
                    title: String::new(),
                    source_url: String::new(),
                    published_date: published,
                }),
                request_id: format!("outage-{index}"),
            }
        })
        .collect()
}

/// Ingests the corpus; with `outage`, stops the entity service right after
/// submission and starts it again on the same port `outage` later. Returns the
/// stored row counts (quotes, quote sources, events, event sources, mentions)
/// and how many entities' counts differ from their rows.
async fn ingest(outage: Option<Duration>, articles: usize) -> (Vec<i64>, i64) {
    ingest_on(
        fresh_pool().await,
        outage.map(Outage::EntityService),
        articles,
    )
    .await
}

/// What goes away in the middle of an ingest, and for how long.
enum Outage {
    /// The entity service stops and starts again on its port.
    EntityService(Duration),
    /// The PostgreSQL server stops (fast shutdown: sessions cut) and starts again.
    Database(readout_store::local_cluster::LocalCluster, Duration),
}

async fn ingest_on(pool: PgPool, outage: Option<Outage>, articles: usize) -> (Vec<i64>, i64) {
    let (entity, entity_addr) = start_entity(pool.clone(), "127.0.0.1:0").await;
    let (ingest, ingest_url) = start_ingest(pool.clone(), &format!("http://{entity_addr}")).await;
    let mut client = IngestServiceClient::connect(ingest_url)
        .await
        .expect("ingest");
    let names: Vec<String> = client
        .submit_articles(tokio_stream::iter(corpus(articles)))
        .await
        .expect("submit")
        .into_inner()
        .results
        .into_iter()
        .map(|result| result.article)
        .collect();
    let had_outage = outage.is_some();
    if had_outage {
        // The outage must find work in flight, however fast or slow the
        // machine: wait until a worker holds articles under its lease.
        let started = std::time::Instant::now();
        loop {
            let claimed: i64 =
                sqlx::query_scalar("SELECT count(*) FROM articles WHERE state = 'processing'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            if claimed > 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no worker claimed an article within a minute"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    // Articles no worker has taken up yet when the outage starts: the workers
    // must come through it to claim them.
    let unclaimed: i64 = if had_outage {
        sqlx::query_scalar("SELECT count(*) FROM articles WHERE state = 'pending'")
            .fetch_one(&pool)
            .await
            .unwrap()
    } else {
        0
    };
    let entity = match outage {
        Some(Outage::EntityService(pause)) => {
            entity.stop().await;
            tokio::time::sleep(pause).await;
            start_entity(pool.clone(), &entity_addr).await.0
        }
        Some(Outage::Database(cluster, pause)) => {
            let stopped = cluster.clone();
            tokio::task::spawn_blocking(move || stopped.stop())
                .await
                .unwrap()
                .expect("PostgreSQL stops");
            tokio::time::sleep(pause).await;
            tokio::task::spawn_blocking(move || cluster.start())
                .await
                .unwrap()
                .expect("PostgreSQL starts again");
            entity
        }
        None => entity,
    };
    wait_processed_by(&mut client, &names, Duration::from_secs(90)).await;
    ingest.stop().await;
    entity.stop().await;
    // The outage began with articles under a worker's lease and more still
    // unclaimed, so the workers had to come through it. Whether a batch in
    // flight also touched the store or the entity service while it was down
    // (and was released and taken up again, attempt_count 2) depends on the
    // machine's speed: on a loaded machine a batch can straddle the outage
    // without touching either, so it is not required.
    if had_outage {
        assert!(
            unclaimed > 0,
            "the outage began after every article was claimed: the test proves nothing"
        );
    }
    stored_counts(&pool).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_entity_service_outage_fails_nothing_and_stores_what_a_clean_run_stores() {
    let (clean, clean_wrong) = ingest(None, 120).await;
    let (outage, outage_wrong) = ingest(Some(Duration::from_secs(3)), 120).await;
    assert_same_rows((&clean, clean_wrong), (&outage, outage_wrong));
}

/// The health status the server at `url` reports for `service`.
async fn health_of(address: std::net::SocketAddr, service: &str) -> i32 {
    let channel = crate::helpers::tls_channel(address, false);
    tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest {
            service: service.into(),
        })
        .await
        .map(|response| response.into_inner().status)
        .unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread")]
async fn readiness_follows_the_database_and_liveness_does_not() {
    const SERVING: i32 = 1;
    const NOT_SERVING: i32 = 2;
    let pool = fresh_pool().await;
    let mut app = crate::helpers::spawn_app_on(pool.clone(), 1).await;
    let gateway = app.suite.as_ref().unwrap().gateway;
    assert_eq!(
        health_of(gateway, "readout.v1.GatewayService").await,
        SERVING
    );
    // The database goes away (every service's pool is this one).
    pool.close().await;
    let started = std::time::Instant::now();
    while health_of(gateway, "readout.v1.GatewayService").await != NOT_SERVING {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the gateway still reports SERVING with its downstreams' database gone"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(health_of(gateway, "").await, NOT_SERVING);
    assert_eq!(
        health_of(gateway, "liveness").await,
        SERVING,
        "liveness ignores dependencies"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_restart_fails_nothing_and_stores_what_a_clean_run_stores() {
    // A cluster of its own: restarting the shared test cluster would cut every
    // other test's connections.
    let (_dir, cluster, _cleanup) = crate::helpers::own_cluster("readout-restart").await;
    let pool = readout_store::connect(&cluster.url("postgres"), 20, Duration::from_secs(30))
        .await
        .expect("connect");
    readout_store::migrate(&pool).await.expect("migrate");
    // More articles than the entity-service case: the restart must land while
    // the workers are still busy.
    let (clean, clean_wrong) = ingest(None, 600).await;
    let (restarted, restarted_wrong) = ingest_on(
        pool.clone(),
        Some(Outage::Database(cluster.clone(), Duration::from_secs(2))),
        600,
    )
    .await;
    pool.close().await;
    let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
    assert_same_rows((&clean, clean_wrong), (&restarted, restarted_wrong));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crashed_worker_s_articles_are_done_within_seconds_and_counted_once() {
    readout_server::telemetry::init_for_tests();
    let (url, pool) = readout_store::testing::fresh_database()
        .await
        .expect("fresh test database");
    let (entity, entity_addr) = start_entity(pool.clone(), "127.0.0.1:0").await;
    let entity_url = format!("http://{entity_addr}");
    // The first ingest service runs on a runtime of its own, so it can die the
    // way a killed process does: every task stops where it is, nothing is
    // released, its connections drop (their transactions roll back).
    let crashing = {
        let (url, entity_url) = (url.clone(), entity_url.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let (started, ready) = std::sync::mpsc::channel();
            runtime.spawn(async move {
                let pool = readout_store::connect(&url, 10, Duration::from_secs(10))
                    .await
                    .expect("connect");
                let (_ingest, ingest_url) = start_ingest(pool, &entity_url).await;
                started.send(ingest_url).unwrap();
                std::future::pending::<()>().await;
            });
            let ingest_url = ready.recv().unwrap();
            (runtime, ingest_url)
        })
        .join()
        .unwrap()
    };
    let (runtime, ingest_url) = crashing;
    let mut client = IngestServiceClient::connect(ingest_url)
        .await
        .expect("ingest");
    let names: Vec<String> = client
        .submit_articles(tokio_stream::iter(corpus(600)))
        .await
        .expect("submit")
        .into_inner()
        .results
        .into_iter()
        .map(|result| result.article)
        .collect();
    // Killed in the middle of the work.
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::spawn_blocking(move || runtime.shutdown_background())
        .await
        .unwrap();
    let stranded: i64 =
        sqlx::query_scalar("SELECT count(*) FROM articles WHERE state = 'processing'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let crashed_at = std::time::Instant::now();
    let (survivor, ingest_url) = start_ingest(pool.clone(), &entity_url).await;
    let mut client = IngestServiceClient::connect(ingest_url)
        .await
        .expect("ingest");
    wait_processed_by(&mut client, &names, Duration::from_secs(60)).await;
    survivor.stop().await;
    entity.stop().await;
    assert!(
        stranded > 0,
        "the crash left no article in hand: the test proves nothing"
    );
    // Leases of 10 s, not a minute: the stranded articles waited seconds.
    assert!(
        crashed_at.elapsed() < Duration::from_secs(40),
        "{stranded} stranded articles took {:?}",
        crashed_at.elapsed()
    );
    let (clean, clean_wrong) = ingest(None, 600).await;
    let (crashed, crashed_wrong) = stored_counts(&pool).await;
    assert_same_rows((&clean, clean_wrong), (&crashed, crashed_wrong));
}
