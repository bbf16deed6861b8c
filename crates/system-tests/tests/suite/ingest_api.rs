//! The ingest API: validation, idempotency, durability across a crash.

use readout_proto::v1::{
    ArticleInput, ArticleState, GetArticleRequest, SubmitArticleRequest, SubmitArticlesRequest,
};
use readout_store::articles;
use tonic::Code;

use crate::helpers::{fresh_pool, spawn_app, spawn_app_on};

fn request(text: &str, date: &str) -> SubmitArticleRequest {
    SubmitArticleRequest {
        article: Some(ArticleInput {
            text: text.into(),
            title: String::new(),
            source_url: String::new(),
            published_date: date.into(),
        }),
        request_id: String::new(),
    }
}

#[tokio::test]
async fn bad_input_is_invalid_argument_naming_the_field() {
    let mut app = spawn_app(1).await;
    let cases: Vec<(SubmitArticleRequest, &str)> = vec![
        (
            SubmitArticleRequest {
                article: None,
                request_id: String::new(),
            },
            "article:",
        ),
        (request("", ""), "article.text:"),
        (request("   \n\t ", ""), "article.text:"),
        (request(&"x".repeat(1024 * 1024 + 1), ""), "article.text:"),
        (
            request("Some text", "19/11/2022"),
            "article.published_date:",
        ),
        (
            request("Some text", "2022-02-30"),
            "article.published_date:",
        ),
        (request("nul\0byte", ""), "article.text:"),
        (
            SubmitArticleRequest {
                request_id: "r".repeat(200),
                ..request("Some text", "")
            },
            "request_id:",
        ),
    ];
    for (bad, field) in cases {
        let status = app
            .ingest
            .submit_article(bad)
            .await
            .expect_err("must be refused");
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(
            status.message().starts_with(field),
            "{field} not named in {:?}",
            status.message()
        );
    }
    let status = app
        .ingest
        .get_article(GetArticleRequest {
            name: "articles/not-a-uuid".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("name:"));
    let status = app
        .ingest
        .get_article(GetArticleRequest {
            name: format!("articles/{}", uuid::Uuid::new_v4()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // Binary junk, unbalanced quotes and control characters are processed, not refused.
    let junk = "Headline \u{201c}unbalanced\n\u{7}\u{1b}[31m \"\" \u{201d}\u{201d} said said said\n\u{fffd}\u{fffd}";
    let (article, _) = app.submit(junk, "").await;
    app.wait_processed(&[article.name]).await;

    // A stream with one bad article reports it and stores the rest.
    let stream = tokio_stream::iter(vec![
        SubmitArticlesRequest {
            article: request("Stream one. Biden met Xi in Bali.", "").article,
            request_id: String::new(),
        },
        SubmitArticlesRequest {
            article: request("", "").article,
            request_id: String::new(),
        },
        SubmitArticlesRequest {
            article: request("Stream three.", "2023-01-01").article,
            request_id: String::new(),
        },
    ]);
    let response = app
        .ingest
        .submit_articles(stream)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.results.len(), 3);
    assert_eq!(response.created_count, 2);
    assert!(response.results[1].error.starts_with("article.text:"));
    assert!(!response.results[0].article.is_empty() && !response.results[2].article.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_same_content_or_request_id_is_the_same_article() {
    let mut app = spawn_app(0).await;
    let (first, created) = app.submit("Headline\nBody of the article.", "").await;
    assert!(created);
    let (second, created) = app.submit("Headline\nBody of the article.", "").await;
    assert!(!created);
    assert_eq!(first.name, second.name);

    let mut with_id = request("Text one", "");
    with_id.request_id = "client-42".into();
    let one = app
        .ingest
        .submit_article(with_id.clone())
        .await
        .unwrap()
        .into_inner();
    with_id.article.as_mut().unwrap().text = "Text one, edited on retry".into();
    let two = app
        .ingest
        .submit_article(with_id)
        .await
        .unwrap()
        .into_inner();
    assert!(one.created && !two.created);
    assert_eq!(one.article.unwrap().name, two.article.unwrap().name);
    app.stop().await;
}

#[tokio::test]
async fn an_acknowledged_article_survives_a_crash_before_processing() {
    let pool = fresh_pool().await;
    // No workers: the article is acknowledged and stays pending.
    let mut app = spawn_app_on(pool.clone(), 0).await;
    let (article, _) = app
        .submit(
            "Headline\nPresident Joe Biden met Chinese President Xi Jinping in Bali.",
            "2022-11-14",
        )
        .await;
    assert_eq!(
        ArticleState::try_from(article.state).unwrap(),
        ArticleState::Pending
    );
    app.stop().await;
    drop(app);

    // A worker that claimed it and died holds a lease that expires.
    let id = uuid::Uuid::parse_str(article.name.trim_start_matches("articles/")).unwrap();
    let claimed = articles::claim_next(&pool, "worker-that-dies", 1)
        .await
        .unwrap()
        .expect("claimable");
    assert_eq!(claimed.id, id);
    assert!(
        articles::claim_next(&pool, "other", 60)
            .await
            .unwrap()
            .is_none(),
        "a live lease is exclusive"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    // A new suite on the same database finishes the work.
    let mut app = spawn_app_on(pool.clone(), 1).await;
    app.wait_processed(std::slice::from_ref(&article.name))
        .await;
    let stored = articles::get(&pool, id).await.unwrap();
    assert_eq!(stored.attempt_count, 2);
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM event_sources WHERE article_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(events >= 1, "the Biden–Xi meeting is stored");
    app.stop().await;
}
