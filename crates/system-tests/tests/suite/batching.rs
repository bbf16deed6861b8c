//! Batched ingest: a worker claims several articles, extracts them, has their
//! entities resolved in one ResolveEntities call and stores them in one
//! transaction; SubmitArticles
//! stores a stream in chunks. The results must be what one-by-one processing
//! gives: one quote and one event however many articles of the batch carry
//! them.

use readout_proto::v1::{
    AnnotateTextRequest, ArticleInput, BatchAnnotateTextsRequest, EntityView, SearchEventsRequest,
    SearchQuotesRequest, SubmitArticlesRequest,
};
use readout_store::articles::{self, NewArticle};
use tonic::Code;

use crate::helpers::{fresh_pool, spawn_app_on};

fn streamed(text: &str, date: &str, request_id: &str) -> SubmitArticlesRequest {
    SubmitArticlesRequest {
        article: Some(ArticleInput {
            text: text.into(),
            title: String::new(),
            source_url: String::new(),
            published_date: date.into(),
        }),
        request_id: request_id.into(),
    }
}

const FIRST: &str = "Blinken meets Wang in Beijing\n\
    U.S. Secretary of State Antony Blinken met Chinese Foreign Minister Wang Yi in Beijing in June 2023.\n\
    \u{201c}We want to keep the lines of communication open,\u{201d} Blinken said.\n";
const SECOND: &str = "Talks in Beijing\n\
    Antony Blinken met Wang Yi in Beijing on June 18, 2023, officials said.\n\
    \u{201c}We want to keep the lines of communication open,\u{201d} Blinken told reporters.\n";
const THIRD: &str = "Tokyo summit\n\
    Japanese Prime Minister Fumio Kishida met Indian Prime Minister Narendra Modi in Tokyo on May 20, 2023.\n";

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_stores_one_quote_and_one_event_with_every_source() {
    let pool = fresh_pool().await;
    // No workers yet: the stream's articles wait, to be claimed as one batch.
    let mut app = spawn_app_on(pool.clone(), 0).await;
    let stream = tokio_stream::iter(vec![
        streamed(FIRST, "2023-06-19", "first"),
        streamed(SECOND, "2023-06-19", ""),
        streamed(FIRST, "2023-06-19", ""),
        streamed(THIRD, "2023-05-21", "third"),
        streamed("A retry of the third, edited.", "", "third"),
    ]);
    let response = app
        .ingest
        .submit_articles(stream)
        .await
        .unwrap()
        .into_inner();
    let results = &response.results;
    assert_eq!(results.len(), 5);
    assert_eq!(response.created_count, 3);
    assert!(results.iter().all(|r| r.error.is_empty()), "{results:?}");
    assert_eq!(
        results.iter().map(|r| r.index).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(results[0].created && results[1].created && results[3].created);
    assert!(!results[2].created, "same content is the same article");
    assert_eq!(results[2].article, results[0].article);
    assert!(!results[4].created, "same request id is the same article");
    assert_eq!(results[4].article, results[3].article);
    app.stop().await;

    let mut app = spawn_app_on(pool.clone(), 1).await;
    let names: Vec<String> = [0, 1, 3]
        .iter()
        .map(|&i| results[i].article.clone())
        .collect();
    app.wait_processed(&names).await;

    let quotes = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            query: "lines of communication".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .quotes;
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    let mut sources: Vec<&str> = quotes[0]
        .sources
        .iter()
        .map(|s| s.article.as_str())
        .collect();
    sources.sort();
    let mut expected = vec![names[0].as_str(), names[1].as_str()];
    expected.sort();
    assert_eq!(sources, expected);
    assert_eq!(quotes[0].speaker_display_name, "Antony Blinken");

    let events = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: "Antony Blinken".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].sources.len(), 2, "{events:?}");
    assert_eq!(
        events[0].date.as_ref().map(|d| d.value.as_str()),
        Some("2023-06-18"),
        "the more precise telling sharpens the date"
    );
    let events = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: "Narendra Modi".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].sources.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_annotation_equals_single_annotations_writes_nothing_and_names_bad_requests() {
    let pool = fresh_pool().await;
    let mut app = spawn_app_on(pool.clone(), 1).await;
    let request = |text: &str, view: EntityView| AnnotateTextRequest {
        text: text.into(),
        article: String::new(),
        seen_date: "2023-06-19".into(),
        view: view as i32,
    };
    let registry = |pool: sqlx::PgPool| async move {
        // Entities, aliases, roles and mentions counted (folded or pending).
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM entity_aliases),
                    (SELECT count(*) FROM entity_roles),
                    (SELECT COALESCE(sum(mention_count), 0)::bigint FROM entities)
                    + (SELECT COALESCE(sum(mentions), 0)::bigint FROM entity_count_deltas)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        counts
    };
    // Annotating names the registry does not hold finds them and writes nothing.
    let before = registry(pool.clone()).await;
    let unknown = app
        .entities
        .annotate_text(request(THIRD, EntityView::Full))
        .await
        .unwrap()
        .into_inner();
    let kishida = unknown
        .entities
        .iter()
        .filter_map(|e| e.entity.as_ref())
        .find(|e| e.display_name == "Fumio Kishida")
        .expect("Kishida recognised");
    assert!(kishida.name.is_empty(), "not in the registry: {kishida:?}");
    assert_eq!(registry(pool.clone()).await, before, "annotation wrote");
    // Once ingested, the same names resolve to their registry entities.
    let (first, _) = app.submit(FIRST, "2023-06-19").await;
    let (third, _) = app.submit(THIRD, "2023-05-21").await;
    app.wait_processed(&[first.name, third.name]).await;
    let after_ingest = registry(pool.clone()).await;
    let batch = app
        .entities
        .batch_annotate_texts(BatchAnnotateTextsRequest {
            requests: vec![
                request(FIRST, EntityView::Basic),
                request(THIRD, EntityView::Full),
            ],
        })
        .await
        .unwrap()
        .into_inner()
        .responses;
    assert_eq!(batch.len(), 2);
    for (text, response) in [FIRST, THIRD].iter().zip(&batch) {
        let single = app
            .entities
            .annotate_text(request(text, EntityView::Unspecified))
            .await
            .unwrap()
            .into_inner();
        let names = |entities: &[readout_proto::v1::AnnotatedEntity]| {
            entities
                .iter()
                .map(|e| e.entity.as_ref().unwrap().name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&response.entities), names(&single.entities));
        assert!(!single.entities.is_empty());
        assert!(
            names(&single.entities)
                .iter()
                .all(|name| name.starts_with("entities/")),
            "every name of an ingested text is in the registry: {single:?}"
        );
    }
    assert_eq!(
        registry(pool.clone()).await,
        after_ingest,
        "annotation wrote"
    );
    // The basic view leaves out aliases and role sightings; the full view keeps them.
    let blinken = |entities: &[readout_proto::v1::AnnotatedEntity]| {
        entities
            .iter()
            .filter_map(|e| e.entity.clone())
            .find(|e| e.display_name.contains("Blinken") || e.display_name.contains("Kishida"))
            .expect("a person")
    };
    let basic = blinken(&batch[0].entities);
    assert!(
        basic.roles.is_empty() && basic.aliases.is_empty(),
        "{basic:?}"
    );
    let full = blinken(&batch[1].entities);
    assert!(!full.roles.is_empty(), "{full:?}");

    let cases = [
        (vec![], "requests:"),
        (
            vec![
                request(FIRST, EntityView::Basic),
                request("  ", EntityView::Basic),
            ],
            "requests[1].text:",
        ),
        (
            vec![AnnotateTextRequest {
                seen_date: "June".into(),
                ..request(FIRST, EntityView::Basic)
            }],
            "requests[0].seen_date:",
        ),
        (
            vec![AnnotateTextRequest {
                article: "articles/nope".into(),
                ..request(FIRST, EntityView::Basic)
            }],
            "requests[0].article:",
        ),
        (
            (0..101)
                .map(|_| request("Text.", EntityView::Basic))
                .collect(),
            "requests:",
        ),
    ];
    for (requests, field) in cases {
        let status = app
            .entities
            .batch_annotate_texts(BatchAnnotateTextsRequest { requests })
            .await
            .expect_err("must be refused");
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(status.message().starts_with(field), "{field}: {status:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn batches_are_claimed_oldest_first_and_never_twice() {
    let pool = fresh_pool().await;
    let batch: Vec<NewArticle> = (0..5)
        .map(|index| NewArticle {
            body: format!("article {index}"),
            title: String::new(),
            source_url: String::new(),
            published_date: None,
            request_id: None,
            trace_parent: String::new(),
        })
        .collect();
    let stored = articles::insert_or_get_many(&pool, &batch).await.unwrap();
    assert!(stored.iter().all(|(_, created)| *created));
    let first = articles::claim_batch(&pool, "a", 60, 3).await.unwrap();
    let second = articles::claim_batch(&pool, "b", 60, 3).await.unwrap();
    let third = articles::claim_batch(&pool, "c", 60, 3).await.unwrap();
    assert_eq!((first.len(), second.len(), third.len()), (3, 2, 0));
    let mut claimed: Vec<_> = first.iter().chain(&second).map(|a| a.id).collect();
    claimed.sort();
    claimed.dedup();
    assert_eq!(claimed.len(), 5);
    // Marking done checks every lease in the batch.
    let mut tx = pool.begin().await.unwrap();
    let ids: Vec<_> = first.iter().map(|a| a.id).collect();
    let error = articles::mark_done_many(&mut tx, &[ids[0], second[0].id], "a")
        .await
        .expect_err("b holds the second article");
    assert!(error.to_string().contains("1 of 2"), "{error}");
    drop(tx);
    let mut tx = pool.begin().await.unwrap();
    articles::mark_done_many(&mut tx, &ids, "a").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(articles::pending_count(&pool).await.unwrap(), 2);
}
