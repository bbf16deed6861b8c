//! Gateway lookups on a store of a million articles, measured from gRPC
//! clients through the gateway.
//!
//! Fills (once; later runs reuse it) a database `readout_lookup_<N>` on the
//! test cluster (or `DATABASE_URL`'s server) with N articles' worth of results
//! (`fill.sql`: skewed prominence, events retold by several articles, quotes
//! with a news vocabulary), starts the gateway, entity and query services on
//! ephemeral ports, and runs each lookup from `READOUT_BENCH_CONCURRENCY`
//! concurrent clients (default 4) for `READOUT_BENCH_SECONDS` (default 20)
//! seconds: entity profile by name, relationship timeline between two people
//! who meet, quote search (words; words + speakers' country + year; speaker +
//! words), event search (participant + type; country + date range;
//! participant + counterpart). Prints p50/p90/p99/max latency and throughput
//! per lookup, then EXPLAIN ANALYZE of the statements behind them.
//!
//! Run with `cargo bench -p readout-system-tests --bench lookup_scale`
//! (`READOUT_BENCH_ARTICLES`, default 1,000,000). The store is read into
//! PostgreSQL's buffers first, so give the server `shared_buffers` of at least
//! the store's size (6 GB for a million articles), as a production database
//! server of that size would have; the run prints the setting.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use readout::corpus::Rng;
use readout::suite::{Suite, SuiteAddresses};
use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::{
    GetEntityProfileRequest, GetRelationshipRequest, SearchEventsRequest, SearchQuotesRequest,
};
use readout_store::reads::{
    explain_entity_stats, explain_events, explain_quotes, EventFilter, Page, QuoteFilter,
};
use readout_store::PgPool;
use sqlx::{Connection, PgConnection};
use tonic::transport::Channel;
use uuid::Uuid;

const PEOPLE: usize = 20_000;
const COUNTRIES: usize = 190;
const PLACES: usize = 2_000;
const SYLLABLES: &[&str] = &[
    "ba", "chen", "da", "fen", "go", "han", "ji", "ka", "lin", "mo", "na", "pe", "qi", "ro", "sa",
    "ta", "vu", "wen", "xi", "yo", "zu", "lo", "mar", "kel", "dor", "ri", "sun", "tor", "vel",
    "al",
];

fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut text = String::new();
    for _ in 0..syllables {
        text.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
    }
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `count` distinct names made by `make` (which must be able to make that many).
fn distinct(count: usize, rng: &mut Rng, make: impl Fn(&mut Rng) -> String) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(count);
    while names.len() < count {
        let name = make(rng);
        if seen.insert(name.to_lowercase()) {
            names.push(name);
        }
    }
    names
}

/// The same skew as `fill.sql`: ordinal `floor(n * u^power)`.
fn skewed(rng: &mut Rng, n: usize, power: f64) -> usize {
    let u = (rng.next_u64() % 1_000_000) as f64 / 1_000_000.0;
    ((n as f64) * u.powf(power)) as usize
}

struct World {
    people: Vec<String>,
    countries: Vec<String>,
    /// Ids of the countries by ordinal (`md5('country-N')`, as the fill derives them).
    country_ids: Vec<Uuid>,
}

async fn database(articles: usize) -> (String, bool) {
    let base = readout_store::testing::server_base_url().expect("database server");
    let name = format!("readout_lookup_{articles}");
    let mut admin = PgConnection::connect(&format!("{base}/postgres"))
        .await
        .expect("admin connection");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("pg_database");
    let url = format!("{base}/{name}");
    if exists {
        let mut connection = PgConnection::connect(&url).await.expect("bench database");
        let complete: Option<bool> = sqlx::query_scalar("SELECT complete FROM bench_fill")
            .fetch_optional(&mut connection)
            .await
            .ok()
            .flatten();
        if complete == Some(true) {
            return (url, false);
        }
        connection.close().await.ok();
        sqlx::query(&format!("DROP DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("drop incomplete database");
    }
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    (url, true)
}

fn world() -> World {
    let mut rng = Rng::new(7);
    let people = distinct(PEOPLE, &mut rng, |rng| {
        let given = word(rng, 2);
        let syllables = 2 + rng.below(2);
        format!("{given} {}", word(rng, syllables))
    });
    let countries = distinct(COUNTRIES, &mut rng, |rng| format!("{}ia", word(rng, 2)));
    World {
        people,
        countries,
        country_ids: Vec::new(),
    }
}

async fn fill(pool: &PgPool, world: &World, articles: usize) {
    let mut rng = Rng::new(11);
    let places = distinct(PLACES, &mut rng, |rng| {
        let syllables = 2 + rng.below(2);
        format!("Port {}", word(rng, syllables))
    });
    let affiliations: Vec<i32> = (0..PEOPLE)
        .map(|_| skewed(&mut rng, COUNTRIES, 2.0) as i32)
        .collect();
    let step = |what: &str, started: Instant| {
        println!(
            "lookup_scale: filled {what} in {:.0} s",
            started.elapsed().as_secs_f64()
        )
    };
    let started = Instant::now();
    sqlx::query("CREATE TABLE bench_fill (complete boolean NOT NULL)")
        .execute(pool)
        .await
        .expect("bench_fill");
    sqlx::query(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key)
         SELECT md5('country-' || (o - 1))::uuid, name, 'GPE', lower(name)
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, o)",
    )
    .bind(&world.countries)
    .execute(pool)
    .await
    .expect("countries");
    sqlx::query(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key, affiliation_id)
         SELECT md5('place-' || (o - 1))::uuid, name, 'GPE', lower(name), md5('country-' || ((o - 1) % $2))::uuid
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, o)",
    )
    .bind(&places)
    .bind(COUNTRIES as i32)
    .execute(pool)
    .await
    .expect("places");
    sqlx::query(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key, affiliation_id)
         SELECT md5('person-' || (o - 1))::uuid, name, 'PERSON', lower(name), md5('country-' || country)::uuid
         FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS t(name, country, o)",
    )
    .bind(&world.people)
    .bind(&affiliations)
    .execute(pool)
    .await
    .expect("people");
    sqlx::query(
        "INSERT INTO entity_aliases (entity_id, alias, alias_key)
         SELECT id, display_name, canonical_key FROM entities
         UNION ALL
         SELECT id, split_part(display_name, ' ', 2), lower(split_part(display_name, ' ', 2))
         FROM entities WHERE entity_type = 'PERSON'
         ON CONFLICT DO NOTHING",
    )
    .execute(pool)
    .await
    .expect("aliases");
    step("entities and aliases", started);
    let script = include_str!("fill.sql")
        .replace("{articles}", &articles.to_string())
        .replace("{events}", &(articles * 7 / 10).to_string())
        .replace("{quotes}", &(articles * 3).to_string())
        .replace("{people}", &PEOPLE.to_string())
        .replace("{countries}", &COUNTRIES.to_string())
        .replace("{places}", &PLACES.to_string());
    let mut connection = pool.acquire().await.expect("connection");
    for statement in script.split(";\n").map(str::trim).filter(|s| {
        s.lines()
            .any(|line| !line.trim().is_empty() && !line.trim_start().starts_with("--"))
    }) {
        let started = Instant::now();
        sqlx::raw_sql(statement)
            .execute(&mut *connection)
            .await
            .unwrap_or_else(|error| panic!("{error}\n{statement}"));
        let first = statement
            .lines()
            .find(|line| !line.trim_start().starts_with("--"))
            .unwrap_or_default();
        step(first.trim(), started);
    }
    drop(connection);
    let started = Instant::now();
    sqlx::raw_sql("VACUUM (ANALYZE)")
        .execute(pool)
        .await
        .expect("vacuum");
    step("VACUUM ANALYZE", started);
    sqlx::query("INSERT INTO bench_fill VALUES (true)")
        .execute(pool)
        .await
        .expect("mark complete");
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Lookup {
    Profile,
    Relationship,
    QuotesByWords,
    QuotesByCountryWordsYear,
    QuotesBySpeakerWords,
    EventsByParticipantType,
    EventsByCountryDates,
    EventsByPair,
}

const LOOKUPS: &[(Lookup, &str)] = &[
    (Lookup::Profile, "GetEntityProfile (name)"),
    (Lookup::Relationship, "GetRelationship (two people)"),
    (Lookup::QuotesByWords, "SearchQuotes (words)"),
    (
        Lookup::QuotesByCountryWordsYear,
        "SearchQuotes (country+words+year)",
    ),
    (Lookup::QuotesBySpeakerWords, "SearchQuotes (speaker+words)"),
    (
        Lookup::EventsByParticipantType,
        "SearchEvents (participant+type)",
    ),
    (Lookup::EventsByCountryDates, "SearchEvents (country+dates)"),
    (
        Lookup::EventsByPair,
        "SearchEvents (participant+counterpart)",
    ),
];

const WORDS: &[&str] = &[
    "taiwan",
    "trade",
    "climate",
    "security",
    "sanctions",
    "tariffs",
    "nuclear",
    "ceasefire",
    "\"mutual respect\"",
    "supply chips",
    "election",
    "refugees",
    "pressure -military",
];

/// Pairs of people who met, sampled from the store.
async fn pairs(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT a.display_name, b.display_name
         FROM (SELECT entity_a, entity_b FROM event_pairs TABLESAMPLE SYSTEM (1) LIMIT 2000) p
         JOIN entities a ON a.id = p.entity_a JOIN entities b ON b.id = p.entity_b",
    )
    .fetch_all(pool)
    .await
    .expect("pairs")
}

async fn call(
    client: &mut GatewayServiceClient<Channel>,
    lookup: Lookup,
    world: &World,
    pairs: &[(String, String)],
    rng: &mut Rng,
) -> Result<(), tonic::Status> {
    let person = |rng: &mut Rng| world.people[skewed(rng, PEOPLE, 3.0)].clone();
    let country = |rng: &mut Rng| {
        let ordinal = skewed(rng, COUNTRIES, 2.0);
        // The fill derives ids from ordinals; the API takes resource names.
        format!("entities/{}", world.country_ids[ordinal])
    };
    let word = |rng: &mut Rng| WORDS[rng.below(WORDS.len())].to_owned();
    match lookup {
        Lookup::Profile => {
            client
                .get_entity_profile(GetEntityProfileRequest {
                    entity: person(rng),
                    recent_limit: 10,
                })
                .await?;
        }
        Lookup::Relationship => {
            let (first, second) = pairs[rng.below(pairs.len())].clone();
            client
                .get_relationship(GetRelationshipRequest {
                    first,
                    second,
                    limit: 20,
                })
                .await?;
        }
        Lookup::QuotesByWords | Lookup::QuotesByCountryWordsYear | Lookup::QuotesBySpeakerWords => {
            let (speaker, filter) = match lookup {
                Lookup::QuotesByWords => (String::new(), String::new()),
                Lookup::QuotesByCountryWordsYear => {
                    let year = 2015 + rng.below(10);
                    (
                        String::new(),
                        format!(
                            "speaker_affiliation = \"{}\" AND date >= \"{year}-01-01\" AND date <= \"{year}-12-31\"",
                            country(rng)
                        ),
                    )
                }
                _ => (person(rng), String::new()),
            };
            client
                .search_quotes(SearchQuotesRequest {
                    query: word(rng),
                    speaker,
                    filter,
                    page_size: 20,
                    page_token: String::new(),
                })
                .await?;
        }
        Lookup::EventsByParticipantType => {
            client
                .search_events(SearchEventsRequest {
                    participant: person(rng),
                    counterpart: String::new(),
                    filter: "type = CONSULT".into(),
                    page_size: 20,
                    page_token: String::new(),
                    source: String::new(),
                    target: String::new(),
                })
                .await?;
        }
        Lookup::EventsByCountryDates => {
            let year = 2015 + rng.below(10);
            client
                .search_events(SearchEventsRequest {
                    participant: String::new(),
                    counterpart: String::new(),
                    filter: format!(
                        "country = \"{}\" AND date >= \"{year}-01-01\" AND date <= \"{year}-06-30\"",
                        country(rng)
                    ),
                    page_size: 20,
                    page_token: String::new(),
                    source: String::new(),
                    target: String::new(),
                })
                .await?;
        }
        Lookup::EventsByPair => {
            let (first, second) = pairs[rng.below(pairs.len())].clone();
            client
                .search_events(SearchEventsRequest {
                    participant: first,
                    counterpart: second,
                    filter: String::new(),
                    page_size: 20,
                    page_token: String::new(),
                    source: String::new(),
                    target: String::new(),
                })
                .await?;
        }
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() {
    let articles: usize = std::env::var("READOUT_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let concurrencies: Vec<usize> = std::env::var("READOUT_BENCH_CONCURRENCY")
        .unwrap_or_else(|_| "1,4".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let concurrency = concurrencies.iter().copied().max().unwrap_or(1);
    let seconds: u64 = std::env::var("READOUT_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let mut world = world();
        let (url, fresh) = database(articles).await;
        let pool = readout_store::connect(&url, 40, Duration::from_secs(60))
            .await
            .expect("pool");
        readout_store::migrate(&pool).await.expect("migrate");
        if fresh {
            println!("lookup_scale: filling {articles} articles (once; later runs reuse the database)");
            fill(&pool, &world, articles).await;
        }
        // Statistics and visibility maps current (migrations may have rewritten
        // tables since the fill), and the store read into memory once: the
        // numbers are a warm server's, as in production.
        let started = Instant::now();
        sqlx::raw_sql("VACUUM (ANALYZE)")
            .execute(&pool)
            .await
            .expect("vacuum");
        sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            .execute(&pool)
            .await
            .expect("pg_prewarm");
        // Into PostgreSQL's own buffers (the OS page cache here may hold less
        // than the store); run with shared_buffers at least the store's size.
        let shared_buffers: String = sqlx::query_scalar("SHOW shared_buffers")
            .fetch_one(&pool)
            .await
            .expect("shared_buffers");
        println!("lookup_scale: shared_buffers = {shared_buffers}");
        let warmed: i64 = sqlx::query_scalar(
            "SELECT COALESCE(sum(pg_prewarm(c.oid, 'buffer')), 0)::bigint FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')",
        )
        .fetch_one(&pool)
        .await
        .expect("prewarm");
        println!(
            "lookup_scale: vacuumed, analysed and read {} MB into memory in {:.0} s",
            warmed * 8 / 1024,
            started.elapsed().as_secs_f64()
        );
        world.country_ids = sqlx::query_scalar(
            "SELECT md5('country-' || o)::uuid FROM generate_series(0, $1 - 1) o ORDER BY o",
        )
        .bind(COUNTRIES as i32)
        .fetch_all(&pool)
        .await
        .expect("country ids");
        let world = Arc::new(world);
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events),
                    (SELECT count(*) FROM quotes), (SELECT count(*) FROM mentions)",
        )
        .fetch_one(&pool)
        .await
        .expect("counts");
        let size: String = sqlx::query_scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
            .fetch_one(&pool)
            .await
            .expect("size");
        println!(
            "lookup_scale: store holds {} articles, {} events, {} quotes, {} mentions ({size})",
            counts.0, counts.1, counts.2, counts.3
        );
        let pairs = Arc::new(pairs(&pool).await);
        let suite = Suite::start(pool.clone(), &SuiteAddresses::ephemeral(), 0)
            .await
            .expect("suite");
        let endpoint = format!("http://{}", suite.gateway);
        let mut clients = Vec::new();
        for _ in 0..concurrency {
            let channel = tonic::transport::Endpoint::from_shared(endpoint.clone())
                .unwrap()
                .tcp_nodelay(true)
                .connect()
                .await
                .expect("connect");
            clients.push(GatewayServiceClient::new(channel));
        }
        // Warm up: caches and connection pools.
        for (lookup, _) in LOOKUPS {
            let mut rng = Rng::new(3);
            for _ in 0..50 {
                let _ = call(&mut clients[0], *lookup, &world, &pairs, &mut rng).await;
            }
        }
        for &concurrency in &concurrencies {
        println!(
            "lookup_scale: {concurrency} concurrent clients, {seconds} s per lookup, through the gateway over gRPC"
        );
        println!(
            "lookup_scale: {:<40} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
            "lookup", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "errors"
        );
        for (lookup, label) in LOOKUPS {
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for (index, client) in clients.iter().take(concurrency).enumerate() {
                let mut client = client.clone();
                let world = world.clone();
                let pairs = pairs.clone();
                let lookup = *lookup;
                tasks.push(tokio::spawn(async move {
                    let mut rng = Rng::new(1000 + index as u64);
                    let mut latencies = Vec::new();
                    let mut errors = Vec::new();
                    while Instant::now() < deadline {
                        let started = Instant::now();
                        let result = call(&mut client, lookup, &world, &pairs, &mut rng).await;
                        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                        if let Err(status) = result {
                            if status.code() != tonic::Code::NotFound {
                                errors.push(status);
                            }
                        }
                    }
                    (latencies, errors)
                }));
            }
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            for task in tasks {
                let (mut l, mut e) = task.await.expect("client task");
                latencies.append(&mut l);
                errors.append(&mut e);
            }
            latencies.sort_by(|a, b| a.total_cmp(b));
            println!(
                "lookup_scale: {:<40} {:>8.2} {:>8.2} {:>8.2} {:>8.1} {:>8.0} {:>7}",
                label,
                percentile(&latencies, 50.0),
                percentile(&latencies, 90.0),
                percentile(&latencies, 99.0),
                latencies.last().copied().unwrap_or(f64::NAN),
                latencies.len() as f64 / seconds as f64,
                errors.len()
            );
            if let Some(first) = errors.first() {
                println!("lookup_scale:   first error: {first:?}");
            }
        }
        }
        suite.shutdown().await.expect("shutdown");
        print_plans(&pool, &world).await;
    });
}

async fn entity_id(pool: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM entities WHERE display_name = $1 LIMIT 1")
        .bind(name)
        .fetch_one(pool)
        .await
        .expect("entity")
}

async fn print_plans(pool: &PgPool, world: &World) {
    let top = entity_id(pool, &world.people[0]).await;
    let other: Uuid = sqlx::query_scalar(
        "SELECT CASE WHEN entity_a = $1 THEN entity_b ELSE entity_a END FROM event_pairs
         WHERE entity_a = $1 OR entity_b = $1 LIMIT 1",
    )
    .bind(top)
    .fetch_one(pool)
    .await
    .expect("counterpart");
    let china = world.country_ids[0];
    let year = chrono::NaiveDate::from_ymd_opt(2023, 1, 1);
    let year_end = chrono::NaiveDate::from_ymd_opt(2023, 12, 31);
    let show = |what: &str, plan: Vec<String>| {
        println!("lookup_scale: plan of {what}:");
        for line in plan {
            println!("    {line}");
        }
    };
    let event_cases = [
        (
            "events of the most prominent person, CONSULT",
            EventFilter {
                participants: vec![top],
                event_type: Some(readout_store::kinds::EventType::Consult),
                ..Default::default()
            },
        ),
        (
            "relationship timeline (two people)",
            EventFilter {
                participants: vec![top, other],
                ..Default::default()
            },
        ),
        (
            "events of the most prominent country in 2023",
            EventFilter {
                countries: vec![china],
                date_from: year,
                date_to: year_end,
                ..Default::default()
            },
        ),
    ];
    for (what, filter) in &event_cases {
        let plan = explain_events(pool, filter, Page::first(20), true).await;
        show(what, plan.expect("explain"));
    }
    let quote_cases = [
        (
            "quotes by the most prominent country's people on \"taiwan\" in 2023",
            QuoteFilter {
                text_query: Some("taiwan".into()),
                speaker_affiliation: Some(china),
                date_from: year,
                date_to: year_end,
                ..Default::default()
            },
        ),
        (
            "quotes of one person in articles about another (relationship)",
            QuoteFilter {
                speaker: Some(top),
                about: Some(other),
                ..Default::default()
            },
        ),
    ];
    for (what, filter) in &quote_cases {
        let plan = explain_quotes(pool, filter, Page::first(20), true).await;
        show(what, plan.expect("explain"));
    }
    show(
        "profile counts and counterparts of the most prominent person",
        explain_entity_stats(pool, top, true)
            .await
            .expect("explain"),
    );
}
