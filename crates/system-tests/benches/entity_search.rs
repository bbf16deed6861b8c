//! Entity name search latency with 100,000 entities in the registry, on a real
//! PostgreSQL (the private test cluster, or `DATABASE_URL`).
//! Run with `cargo bench -p readout-system-tests --bench entity_search`; prints median and p99.

use std::time::Instant;

use readout_store::entities::{name_key, search};

/// Onsets, vowels and codas combined into syllables: about 4,000 distinct
/// syllables, so generated names are as varied as a real registry's.
const ONSETS: &[&str] = &[
    "", "b", "br", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kh", "l", "m", "n", "p", "qu",
    "r", "s", "sh", "st", "t", "tr", "v", "w", "x", "y", "z", "zh",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "ai", "ao", "ei", "ia", "ie", "ou", "ua",
];
const CODAS: &[&str] = &["", "", "n", "ng", "r", "s", "l", "m", "k", "t", "nd"];

/// A deterministic pseudo-random generator (no dependency, repeatable runs).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }

    fn word(&mut self) -> String {
        let parts = 1 + self.next() % 3;
        let mut word = String::new();
        for _ in 0..parts {
            word.push_str(ONSETS[self.next() % ONSETS.len()]);
            word.push_str(VOWELS[self.next() % VOWELS.len()]);
            word.push_str(CODAS[self.next() % CODAS.len()]);
        }
        if word.len() < 3 {
            word.push_str("an");
        }
        word[..1].make_ascii_uppercase();
        word
    }
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (_url, pool) = readout_store::testing::fresh_database().await.expect("database");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let total = 100_000;
        let mut names = Vec::with_capacity(total);
        while names.len() < total {
            let name = format!("{} {}", rng.word(), rng.word());
            names.push(name);
        }
        names.sort();
        names.dedup();
        let started = Instant::now();
        for chunk in names.chunks(10_000) {
            let ids: Vec<uuid::Uuid> = chunk.iter().map(|_| uuid::Uuid::new_v4()).collect();
            let keys: Vec<String> = chunk.iter().map(|n| name_key(n)).collect();
            let surnames: Vec<String> = chunk.iter().map(|n| n.split(' ').next_back().unwrap().to_owned()).collect();
            let counts: Vec<i64> = chunk.iter().map(|_| (rng.next() % 500) as i64).collect();
            sqlx::query(
                "INSERT INTO entities (id, display_name, entity_type, canonical_key, mention_count)
                 SELECT id, name, 'PERSON', key, count FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[]) AS t(id, name, key, count)",
            )
            .bind(&ids)
            .bind(chunk)
            .bind(&keys)
            .bind(&counts)
            .execute(&pool)
            .await
            .expect("insert entities");
            sqlx::query(
                "INSERT INTO entity_aliases (entity_id, alias, alias_key)
                 SELECT id, name, key FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, name, key)
                 UNION ALL
                 SELECT id, surname, lower(surname) FROM unnest($1::uuid[], $4::text[]) AS s(id, surname)
                 ON CONFLICT DO NOTHING",
            )
            .bind(&ids)
            .bind(chunk)
            .bind(&keys)
            .bind(&surnames)
            .execute(&pool)
            .await
            .expect("insert aliases");
        }
        sqlx::query("ANALYZE").execute(&pool).await.expect("analyze");
        println!("entity_search: loaded {} entities ({} aliases) in {:.1} s", names.len(), names.len() * 2, started.elapsed().as_secs_f64());

        let mut round_trips = Vec::new();
        for _ in 0..200 {
            let started = Instant::now();
            let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(&pool).await.expect("select 1");
            std::hint::black_box(one);
            round_trips.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        round_trips.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!("entity_search: a bare SELECT 1 round trip: median {:.2} ms", round_trips[100]);
        let mut samples = Vec::new();
        let mut by_kind: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..1000 {
            let name = &names[rng.next() % names.len()];
            // A third exact, a third surname only, a third with a typo.
            let query = match round % 3 {
                0 => name.clone(),
                1 => name.split(' ').next_back().unwrap().to_owned(),
                _ => {
                    let mut typo = name.clone();
                    typo.remove(1 + rng.next() % (name.len() - 2));
                    typo
                }
            };
            let started = Instant::now();
            let found = search(&pool, &query, None, 10, 0).await.expect("search");
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            samples.push(elapsed);
            by_kind[round % 3].push(elapsed);
            std::hint::black_box(found);
        }
        samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for (kind, values) in ["exact name", "surname", "name with a typo"].iter().zip(by_kind.iter_mut()) {
            values.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!("entity_search:   {kind}: median {:.2} ms, p99 {:.2} ms", values[values.len() / 2], values[values.len() * 99 / 100]);
        }
        println!(
            "entity_search: 1000 searches (exact, surname, typo) over {} entities: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
            names.len(),
            samples[500],
            samples[900],
            samples[990]
        );
    });
}
