//! Event deduplication cost as the store grows: ingests generated articles
//! (READOUT_BENCH_ARTICLES, default 100,000) through the same code the services
//! run (extraction, registry resolution, one results transaction)
//! on a real PostgreSQL, and prints the per-article cost of storing results
//! (event matching included) for each slice of 10,000 articles.
//! Run with `cargo bench -p readout-system-tests --bench event_dedup`.

use std::time::{Duration, Instant};

use readout::corpus::{article, Rng, World};
use readout_store::articles::{insert_or_get, NewArticle};
use readout_store::entities::resolve;
use readout_store::results::write_article_results;

fn main() {
    let total: usize = std::env::var("READOUT_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (_url, pool) = readout_store::testing::fresh_database().await.expect("database");
        let mut rng = Rng::new(42);
        let world = World::new(&mut rng, 20_000, total / 2);
        println!("event_dedup: {total} articles retelling {} underlying events among {} people", world.events.len(), world.people.len());
        println!("event_dedup: {:>9} {:>13} {:>22} {:>22}", "articles", "stored events", "results write ms/art", "whole article ms/art");
        let slice = (total / 10).max(1);
        let (mut write_time, mut whole_time) = (Duration::ZERO, Duration::ZERO);
        for index in 0..total {
            let started = Instant::now();
            let (text, published) = article(&world, &mut rng, index);
            let (record, _) = insert_or_get(
                &pool,
                &NewArticle {
                    body: text.clone(),
                    title: String::new(),
                    source_url: String::new(),
                    published_date: chrono::NaiveDate::parse_from_str(&published, "%Y-%m-%d").ok(),
                    request_id: None,
                    trace_parent: String::new(),
                },
            )
            .await
            .expect("article");
            let analysed = readout_ingest::pipeline::analyse(&text, readout_extract::Ymd::parse(&published));
            let mut tx = pool.begin().await.expect("tx");
            let mut ids = Vec::new();
            for entry in &analysed.entities {
                let candidate = readout_entity::annotate::candidate(
                    &entry.name,
                    entry.kind,
                    entry.aliases.clone(),
                    entry.roles.clone(),
                    entry.affiliation.clone(),
                );
                ids.push(resolve(&mut tx, &candidate, Some(record.id), record.published_date, None).await.expect("resolve"));
            }
            tx.commit().await.expect("commit");
            let results = analysed.rows(&ids);
            let write_started = Instant::now();
            let mut tx = pool.begin().await.expect("tx");
            write_article_results(&mut tx, record.id, record.published_date, &results.mentions, &results.quotes, &results.events)
                .await
                .expect("results");
            tx.commit().await.expect("commit");
            write_time += write_started.elapsed();
            whole_time += started.elapsed();
            if (index + 1) % slice == 0 {
                let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&pool).await.expect("count");
                println!(
                    "event_dedup: {:>9} {:>13} {:>22.2} {:>22.2}",
                    index + 1,
                    events,
                    write_time.as_secs_f64() * 1000.0 / slice as f64,
                    whole_time.as_secs_f64() * 1000.0 / slice as f64
                );
                write_time = Duration::ZERO;
                whole_time = Duration::ZERO;
            }
        }
        let sources: i64 = sqlx::query_scalar("SELECT count(*) FROM event_sources").fetch_one(&pool).await.expect("count");
        let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&pool).await.expect("count");
        println!("event_dedup: {sources} event mentions stored as {events} events ({:.2} sources per event)", sources as f64 / events.max(1) as f64);
    });
}
