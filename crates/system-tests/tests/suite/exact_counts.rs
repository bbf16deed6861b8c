//! Counts are exact by construction: an article's mentions, quotes and events
//! are counted in the transaction that stores its results, so a batch whose
//! store step fails after its entities were resolved, and that is processed
//! again, counts each article once.

use readout_proto::v1::{ArticleInput, SubmitArticlesRequest};
use sqlx::PgPool;

use crate::helpers::{fresh_pool, seed_texts, spawn_app_on};

/// Every stored entity's counts (folded plus pending) against the rows they count.
async fn count_mismatches(pool: &PgPool) -> Vec<(String, i64, i64, i64, i64, i64, i64)> {
    sqlx::query_as(
        "WITH pending AS (SELECT entity_id, sum(mentions)::bigint AS m, sum(events)::bigint AS ev,
                                 sum(quotes)::bigint AS q
                          FROM entity_count_deltas GROUP BY entity_id)
         SELECT e.display_name,
                e.mention_count + COALESCE(p.m, 0), (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id),
                e.event_count + COALESCE(p.ev, 0), (SELECT count(*) FROM event_participants ep WHERE ep.entity_id = e.id),
                e.quote_count + COALESCE(p.q, 0), (SELECT count(*) FROM quotes q WHERE q.speaker_id = e.id)
         FROM entities e LEFT JOIN pending p ON p.entity_id = e.id
         WHERE e.mention_count + COALESCE(p.m, 0) <> (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id)
            OR e.event_count + COALESCE(p.ev, 0) <> (SELECT count(*) FROM event_participants ep WHERE ep.entity_id = e.id)
            OR e.quote_count + COALESCE(p.q, 0) <> (SELECT count(*) FROM quotes q WHERE q.speaker_id = e.id)",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_store_step_retried_counts_every_article_once() {
    let pool = fresh_pool().await;
    // The store step fails twice (the whole batch, then its first article
    // alone) after the registry has resolved the batch's entities.
    sqlx::raw_sql(
        "-- A sequence, because its values survive the failed transaction's rollback.
         CREATE SEQUENCE test_store_attempts;
         CREATE FUNCTION test_fail_store() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF nextval('test_store_attempts') <= 2 THEN
                 RAISE EXCEPTION 'injected store failure';
             END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER test_fail_store BEFORE UPDATE OF state ON articles
             FOR EACH ROW WHEN (NEW.state = 'done') EXECUTE FUNCTION test_fail_store();",
    )
    .execute(&pool)
    .await
    .unwrap();
    // No workers while the stream is stored, so the articles form one batch.
    let mut app = spawn_app_on(pool.clone(), 0).await;
    let requests: Vec<SubmitArticlesRequest> = seed_texts()
        .into_iter()
        .map(|(_, text)| SubmitArticlesRequest {
            article: Some(ArticleInput {
                text,
                title: String::new(),
                source_url: String::new(),
                published_date: "2023-11-15".into(),
            }),
            request_id: String::new(),
        })
        .collect();
    let names: Vec<String> = app
        .ingest
        .submit_articles(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner()
        .results
        .into_iter()
        .map(|result| result.article)
        .collect();
    app.stop().await;
    let mut app = spawn_app_on(pool.clone(), 1).await;
    app.wait_processed(&names).await;
    app.stop().await;

    let store_attempts: i64 = sqlx::query_scalar("SELECT last_value FROM test_store_attempts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        store_attempts > 2,
        "both injected failures happened, then stores succeeded"
    );
    let retried: i64 = sqlx::query_scalar("SELECT count(*) FROM articles WHERE attempt_count > 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(retried >= 1, "an article was processed again");
    let mentions: i64 = sqlx::query_scalar("SELECT count(*) FROM mentions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(mentions > 100, "the seeds' mentions are stored: {mentions}");
    assert_eq!(
        count_mismatches(&pool).await,
        vec![],
        "counts equal the stored rows"
    );
    // Folding keeps them equal.
    readout_store::entities::fold_counts(&pool).await.unwrap();
    assert_eq!(
        count_mismatches(&pool).await,
        vec![],
        "folded counts equal the stored rows"
    );
}
