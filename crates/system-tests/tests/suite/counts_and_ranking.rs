//! Store-level checks of two bounded lookups at a size where their second
//! stage runs: ranked quote search beyond the recent window, and exact entity
//! counts from folded deltas across a merge.

use readout_store::entities::{fold_counts, merge};
use readout_store::reads::{entity_stats, list_quotes, Page, QuoteFilter, RANKED_WINDOW};
use uuid::Uuid;

async fn person(pool: &readout_store::PgPool, name: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key) VALUES ($1, $2, 'PERSON', lower($2))",
    )
    .bind(id)
    .bind(name)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// `count` quotes by `speaker`, dated from `first_day` on, with `words`.
async fn quotes(
    pool: &readout_store::PgPool,
    speaker: Uuid,
    words: &str,
    count: i32,
    first_day: &str,
) {
    sqlx::query(
        "INSERT INTO quotes (id, text_key, text, speaker_id, partial, confidence, quote_date)
         SELECT gen_random_uuid(), $1 || ' ' || n, $1 || ' number ' || n, $2, false, 0.9, $4::date + n
         FROM generate_series(1, $3) n",
    )
    .bind(words)
    .bind(speaker)
    .bind(count)
    .bind(first_day)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn ranked_search_finds_matches_older_than_the_recent_window() {
    let (_url, pool) = readout_store::testing::fresh_database().await.unwrap();
    let speaker = person(&pool, "Ada Speaker").await;
    // 30 old quotes on a rare subject, then more recent quotes on others than the window holds.
    quotes(&pool, speaker, "zebra crossing safety", 30, "2001-01-01").await;
    quotes(
        &pool,
        speaker,
        "harbour budget",
        RANKED_WINDOW as i32 + 500,
        "2005-01-01",
    )
    .await;
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    for filter in [
        QuoteFilter {
            text_query: Some("zebra".into()),
            ..Default::default()
        },
        QuoteFilter {
            text_query: Some("zebra".into()),
            speaker: Some(speaker),
            ..Default::default()
        },
    ] {
        let mut seen = Vec::new();
        let mut page = Page::first(7);
        loop {
            let listed = list_quotes(&pool, &filter, page.clone()).await.unwrap();
            assert!(listed.items.iter().all(|q| q.text.starts_with("zebra")));
            seen.extend(listed.items.iter().map(|q| q.id));
            match listed.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        let distinct: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!(seen.len(), 30, "every old match, once: {filter:?}");
        assert_eq!(distinct.len(), 30);
    }
    // A frequent subject is answered from the window, newest candidates first.
    let frequent = list_quotes(
        &pool,
        &QuoteFilter {
            text_query: Some("harbour".into()),
            ..Default::default()
        },
        Page::first(100),
    )
    .await
    .unwrap();
    assert_eq!(frequent.items.len(), 100);
}

/// Every candidate of a ranked search, over all its pages.
async fn all_ranked(pool: &readout_store::PgPool, filter: &QuoteFilter) -> Vec<Uuid> {
    let mut seen = Vec::new();
    let mut page = Page::first(30);
    loop {
        let listed = list_quotes(pool, filter, page.clone()).await.unwrap();
        seen.extend(listed.items.iter().map(|q| q.id));
        match listed.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    seen.sort();
    seen
}

#[tokio::test]
async fn month_probes_find_the_newest_matches_for_every_filter_shape() {
    let (_url, pool) = readout_store::testing::fresh_database().await.unwrap();
    let country = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO entities (id, display_name, entity_type, canonical_key) VALUES ($1, 'Freedonia', 'GPE', 'freedonia')",
    )
    .bind(country)
    .execute(&pool)
    .await
    .unwrap();
    let speaker = person(&pool, "Ada Speaker").await;
    sqlx::query("UPDATE entities SET affiliation_id = $1 WHERE id = $2")
        .bind(country)
        .bind(speaker)
        .execute(&pool)
        .await
        .unwrap();
    let other = person(&pool, "Bo Other").await;
    // 150 old matches over five months, 60 of another speaker's among them, and
    // more recent quotes on other subjects than the window holds.
    quotes(&pool, speaker, "zebra crossing safety", 150, "2001-01-01").await;
    quotes(&pool, other, "zebra crossing lights", 60, "2001-02-10").await;
    quotes(
        &pool,
        speaker,
        "harbour budget",
        RANKED_WINDOW as i32 + 300,
        "2005-01-01",
    )
    .await;
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    let newest = |condition: &'static str| {
        let pool = pool.clone();
        async move {
            let mut ids: Vec<Uuid> = sqlx::query_scalar(&format!(
                "SELECT id FROM quotes q WHERE q.search @@ to_tsquery('english', 'zebra') {condition}
                 ORDER BY sort_date DESC, first_seen DESC, id DESC LIMIT 100"
            ))
            .bind(speaker)
            .bind(country)
            .fetch_all(&pool)
            .await
            .unwrap();
            ids.sort();
            ids
        }
    };
    let zebra = |text: &str| QuoteFilter {
        text_query: Some(text.into()),
        ..Default::default()
    };
    let everyone = newest("AND $1 = $1 AND $2 = $2").await;
    let by_speaker = newest("AND q.speaker_id = $1 AND $2 = $2").await;
    let by_country = newest("AND q.speaker_country_id = $2 AND $1 = $1").await;
    assert_eq!(everyone.len(), 100);
    assert_ne!(
        everyone, by_speaker,
        "the other speaker's quotes are among the newest"
    );
    assert_eq!(all_ranked(&pool, &zebra("zebra")).await, everyone);
    assert_eq!(
        all_ranked(&pool, &zebra("\"zebra crossing\"")).await,
        everyone,
        "a phrase"
    );
    assert!(all_ranked(&pool, &zebra("zebra -crossing"))
        .await
        .is_empty());
    assert_eq!(
        all_ranked(
            &pool,
            &QuoteFilter {
                speaker: Some(speaker),
                ..zebra("zebra")
            }
        )
        .await,
        by_speaker
    );
    assert_eq!(
        all_ranked(
            &pool,
            &QuoteFilter {
                speaker_affiliation: Some(country),
                ..zebra("zebra")
            }
        )
        .await,
        by_country
    );
    // A date range inside the old months.
    let until = chrono::NaiveDate::from_ymd_opt(2001, 3, 15).unwrap();
    let in_range = all_ranked(
        &pool,
        &QuoteFilter {
            date_to: Some(until),
            ..zebra("zebra")
        },
    )
    .await;
    let expected: Vec<Uuid> = {
        let mut ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM quotes WHERE search @@ to_tsquery('english', 'zebra') AND sort_date <= $1
             ORDER BY sort_date DESC, first_seen DESC, id DESC LIMIT 100",
        )
        .bind(until)
        .fetch_all(&pool)
        .await
        .unwrap();
        ids.sort();
        ids
    };
    assert_eq!(in_range, expected);
}

#[tokio::test]
async fn entity_counts_are_exact_before_and_after_folding_and_merging() {
    let (_url, pool) = readout_store::testing::fresh_database().await.unwrap();
    let (a, b, c) = (
        person(&pool, "Ann One").await,
        person(&pool, "Ann Uno").await,
        person(&pool, "Cy Two").await,
    );
    // Three events of a with c, two of b with c, one with all three.
    for participants in [
        vec![a, c],
        vec![a, c],
        vec![a, c],
        vec![b, c],
        vec![b, c],
        vec![a, b, c],
    ] {
        let event = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO events (id, event_type, status, confidence, participant_key) VALUES ($1, 'CONSULT', 'occurred', 0.9, '')",
        )
        .bind(event)
        .execute(&pool)
        .await
        .unwrap();
        for (position, entity) in participants.iter().enumerate() {
            sqlx::query("INSERT INTO event_participants (event_id, entity_id, position) VALUES ($1, $2, $3)")
                .bind(event)
                .bind(entity)
                .bind(position as i32)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    quotes(&pool, a, "first speaker", 4, "2020-01-01").await;
    quotes(&pool, b, "second speaker", 2, "2020-01-01").await;
    let counts = |stats: readout_store::reads::EntityStats| (stats.event_count, stats.quote_count);
    assert_eq!(
        counts(entity_stats(&pool, a, 5).await.unwrap()),
        (4, 4),
        "pending deltas count"
    );
    assert!(fold_counts(&pool).await.unwrap() > 0);
    assert_eq!(
        counts(entity_stats(&pool, a, 5).await.unwrap()),
        (4, 4),
        "folded"
    );
    assert_eq!(counts(entity_stats(&pool, c, 5).await.unwrap()), (6, 0));
    let stats = entity_stats(&pool, c, 5).await.unwrap();
    assert_eq!(stats.counterparts[0].0.id, a);
    assert_eq!(stats.counterparts[0].1, 4);
    // Merging b into a: the shared event counts once.
    let fields = serde_json::json!({"entity": a.to_string(), "source": b.to_string()});
    let curation = readout_store::access::Curation {
        principal: "test",
        method: "MergeEntities",
        request: &fields,
    };
    merge(&pool, a, b, &curation).await.unwrap();
    assert_eq!(
        counts(entity_stats(&pool, a, 5).await.unwrap()),
        (6, 6),
        "merged, pending"
    );
    fold_counts(&pool).await.unwrap();
    assert_eq!(
        counts(entity_stats(&pool, a, 5).await.unwrap()),
        (6, 6),
        "merged, folded"
    );
    let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM entity_count_deltas")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(pending, 0);
}
