//! Store behaviour on a real PostgreSQL: migrations, claims, dedup.

use readout_store::articles::{self, NewArticle};

use crate::helpers::fresh_pool;

fn article(body: &str) -> NewArticle {
    NewArticle {
        body: body.into(),
        title: "t".into(),
        source_url: String::new(),
        published_date: None,
        request_id: None,
        trace_parent: String::new(),
    }
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_article() {
    let pool = fresh_pool().await;
    for index in 0..20 {
        articles::insert_or_get(&pool, &article(&format!("article {index}")))
            .await
            .unwrap();
    }
    let mut handles = Vec::new();
    for worker in 0..4 {
        let pool = pool.clone();
        handles.push(tokio::spawn(async move {
            let mut claimed = Vec::new();
            while let Some(record) = articles::claim_next(&pool, &format!("w{worker}"), 60)
                .await
                .unwrap()
            {
                claimed.push(record.id);
            }
            claimed
        }));
    }
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.unwrap());
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(count, 20);
    assert_eq!(all.len(), 20);
    assert_eq!(
        articles::pending_count(&pool).await.unwrap(),
        20,
        "claimed articles stay pending until done"
    );
}

#[tokio::test]
async fn failed_attempts_retry_then_fail() {
    let pool = fresh_pool().await;
    let (record, _) = articles::insert_or_get(&pool, &article("will fail"))
        .await
        .unwrap();
    for attempt in 1..=3 {
        let claimed = articles::claim_next(&pool, "w", 60)
            .await
            .unwrap()
            .expect("claimable again");
        assert_eq!(claimed.attempt_count, attempt);
        articles::mark_attempt_failed(&pool, record.id, "w", "boom", 3)
            .await
            .unwrap();
    }
    assert!(articles::claim_next(&pool, "w", 60)
        .await
        .unwrap()
        .is_none());
    let stored = articles::get(&pool, record.id).await.unwrap();
    assert_eq!(stored.state(), articles::ArticleState::Failed);
    assert_eq!(stored.last_error, "boom");
    // Submitting it again is the way to retry it: pending, failures forgotten.
    let (again, created) = articles::insert_or_get(&pool, &article("will fail"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, record.id);
    assert_eq!(again.state(), articles::ArticleState::Pending);
    let claimed = articles::claim_next(&pool, "w", 60)
        .await
        .unwrap()
        .expect("claimable");
    // An outage gives it back without counting against it.
    articles::release(&pool, &[claimed.id], "w", "entity service unavailable")
        .await
        .unwrap();
    for _ in 0..2 {
        articles::claim_next(&pool, "w", 60)
            .await
            .unwrap()
            .expect("claimable");
        articles::mark_attempt_failed(&pool, record.id, "w", "boom", 3)
            .await
            .unwrap();
    }
    let stored = articles::get(&pool, record.id).await.unwrap();
    assert_eq!(
        stored.state(),
        articles::ArticleState::Pending,
        "two failures of three"
    );
}

#[tokio::test]
async fn a_live_worker_renews_its_leases() {
    let pool = fresh_pool().await;
    let (record, _) = articles::insert_or_get(&pool, &article("leased"))
        .await
        .unwrap();
    articles::claim_next(&pool, "w", 1)
        .await
        .unwrap()
        .expect("claimed");
    assert_eq!(
        articles::renew_leases(&pool, &[record.id], "w", 60)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        articles::renew_leases(&pool, &[record.id], "other", 60)
            .await
            .unwrap(),
        0
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        articles::claim_next(&pool, "x", 60)
            .await
            .unwrap()
            .is_none(),
        "a renewed lease is not claimed after the first lease would have run out"
    );
}

#[tokio::test]
async fn variant_keys_computed_in_rust_match_the_stored_columns() {
    let pool = fresh_pool().await;
    for key in [
        "kim jong-un",
        "prayut chan-o-cha",
        "recep tayyip erdoğan",
        "xi",
    ] {
        let (initials, squashed): (String, String) = sqlx::query_as(
            "INSERT INTO entities (id, display_name, entity_type, canonical_key)
             VALUES (gen_random_uuid(), $1, 'PERSON', $1) RETURNING name_initials, name_squashed",
        )
        .bind(key)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            initials,
            readout_store::entities::name_initials(key),
            "{key}"
        );
        assert_eq!(
            squashed,
            readout_store::entities::name_squashed(key),
            "{key}"
        );
    }
}

#[tokio::test]
async fn store_connections_run_without_jit() {
    let pool = fresh_pool().await;
    let jit: String = sqlx::query_scalar("SELECT current_setting('jit')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(jit, "off");
}
