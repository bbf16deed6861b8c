//! Watch: a live stream of new events and quotes through the gateway, as
//! articles are processed.

use std::time::Duration;

use readout_proto::v1::{EventType, WatchRequest, WatchResponse, WatchTarget};
use tonic::{Code, Streaming};

use crate::helpers::spawn_app;

const MEETING: &str =
    "Wang Yi meets Blinken\n\nMUNICH, Feb 18 (Reuters) - Chinese Foreign Minister Wang Yi \
    met U.S. Secretary of State Antony Blinken in Munich on Saturday, the State Department said.";
const QUOTE_ONLY: &str =
    "\"Climate cooperation must continue,\" Special Envoy John Kerry said on Tuesday.";
const OTHER_QUOTE: &str =
    "\"Trade talks will resume,\" Commerce Secretary Gina Raimondo told reporters on Monday.";

async fn next(stream: &mut Streaming<WatchResponse>) -> WatchResponse {
    tokio::time::timeout(Duration::from_secs(30), stream.message())
        .await
        .expect("a watch message within 30 s")
        .expect("stream healthy")
        .expect("stream open")
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_streams_matching_events_and_quotes_as_articles_are_processed() {
    let mut app = spawn_app(1).await;
    let mut meetings = app
        .gateway
        .watch(WatchRequest {
            entity: String::new(),
            event_filter: "type = CONSULT".into(),
            quote_query: String::new(),
            quote_filter: String::new(),
            target: WatchTarget::Events as i32,
        })
        .await
        .expect("watch events")
        .into_inner();
    let mut climate = app
        .gateway
        .watch(WatchRequest {
            entity: String::new(),
            event_filter: String::new(),
            quote_query: "climate".into(),
            quote_filter: String::new(),
            target: WatchTarget::Quotes as i32,
        })
        .await
        .expect("watch quotes")
        .into_inner();

    // Articles that match neither watch come first: nothing is delivered for them.
    let (unrelated, _) = app.submit(OTHER_QUOTE, "2023-03-06").await;
    app.wait_processed(std::slice::from_ref(&unrelated.name))
        .await;
    let (quote_article, _) = app.submit(QUOTE_ONLY, "2023-03-07").await;
    let (meeting_article, _) = app.submit(MEETING, "2023-02-18").await;

    let message = next(&mut meetings).await;
    assert_eq!(
        message.article, meeting_article.name,
        "first event message: {message:?}"
    );
    assert!(message.quotes.is_empty());
    assert!(!message.events.is_empty());
    for event in &message.events {
        assert_eq!(event.r#type, EventType::Consult as i32);
        assert!(event
            .sources
            .iter()
            .any(|source| source.article == meeting_article.name));
    }
    let participants: Vec<&str> = message.events[0]
        .participants
        .iter()
        .map(|p| p.display_name.as_str())
        .collect();
    assert!(
        participants.contains(&"Wang Yi") && participants.contains(&"Antony Blinken"),
        "{participants:?}"
    );

    let message = next(&mut climate).await;
    assert_eq!(
        message.article, quote_article.name,
        "first quote message: {message:?}"
    );
    assert!(message.events.is_empty());
    assert_eq!(message.quotes.len(), 1);
    assert!(message.quotes[0].text.contains("Climate cooperation"));

    // Following an entity by name: its quotes arrive.
    let mut kerry = app
        .gateway
        .watch(WatchRequest {
            entity: "John Kerry".into(),
            event_filter: String::new(),
            quote_query: String::new(),
            quote_filter: String::new(),
            target: WatchTarget::Unspecified as i32,
        })
        .await
        .expect("watch an entity")
        .into_inner();
    // An article about someone else reaches no watch that follows Kerry (the
    // query service hands it only to watches indexed under its entities).
    let (raimondo, _) = app
        .submit(
            "\"Exports will grow,\" Commerce Secretary Gina Raimondo said on Friday.",
            "2023-07-14",
        )
        .await;
    app.wait_processed(std::slice::from_ref(&raimondo.name))
        .await;
    let (second, _) = app
        .submit(
            "\"We need every country at the table,\" John Kerry said in Beijing on Wednesday.",
            "2023-07-19",
        )
        .await;
    let message = next(&mut kerry).await;
    assert_eq!(message.article, second.name);
    assert_eq!(message.quotes.len(), 1, "{message:?}");
    assert_eq!(message.quotes[0].speaker_display_name, "John Kerry");
    // Shutting down ends open watches with UNAVAILABLE instead of hanging the drain.
    app.stop().await;
    let ended = tokio::time::timeout(Duration::from_secs(10), meetings.message())
        .await
        .expect("the stream ends on shutdown");
    match ended {
        Err(status) => assert_eq!(status.code(), Code::Unavailable, "{status:?}"),
        Ok(None) => {}
        Ok(Some(message)) => panic!("unexpected message after shutdown: {message:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_rejects_bad_requests_by_field() {
    let mut app = spawn_app(0).await;
    let watch = |request: WatchRequest| {
        let mut gateway = app.gateway.clone();
        async move { gateway.watch(request).await.map(|_| ()).unwrap_err() }
    };
    let base = WatchRequest {
        entity: String::new(),
        event_filter: String::new(),
        quote_query: String::new(),
        quote_filter: String::new(),
        target: 0,
    };
    let status = watch(WatchRequest {
        event_filter: "colour = red".into(),
        ..base.clone()
    })
    .await;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("event_filter:"), "{status:?}");
    let status = watch(WatchRequest {
        quote_filter: "partial = maybe".into(),
        ..base.clone()
    })
    .await;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("quote_filter:"), "{status:?}");
    let status = watch(WatchRequest {
        target: 7,
        ..base.clone()
    })
    .await;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("target:"), "{status:?}");
    let status = watch(WatchRequest {
        entity: "Nobody Atall".into(),
        ..base.clone()
    })
    .await;
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_client_may_hold_a_bounded_number_of_watches() {
    let mut app = spawn_app(1).await;
    let limit = readout_server::CommonArgs::default().max_watches_per_client;
    let mut open = Vec::new();
    for _ in 0..limit {
        open.push(
            app.gateway
                .watch(WatchRequest::default())
                .await
                .expect("a watch within the limit")
                .into_inner(),
        );
    }
    let refused = app
        .gateway
        .watch(WatchRequest::default())
        .await
        .expect_err("one watch too many");
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    // Closing one frees its place (once the gateway sees the stream end).
    open.pop();
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(stream) = app.gateway.watch(WatchRequest::default()).await {
            reopened = Some(stream);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed watch's place is not freed");
    drop(open);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn identical_watches_share_one_evaluation_and_each_gets_every_match() {
    let mut app = spawn_app(1).await;
    let request = WatchRequest {
        event_filter: "type = CONSULT".into(),
        target: WatchTarget::Events as i32,
        ..Default::default()
    };
    let mut watchers = Vec::new();
    for _ in 0..5 {
        watchers.push(
            app.gateway
                .watch(request.clone())
                .await
                .expect("watch")
                .into_inner(),
        );
    }
    // One of them leaves before anything happens; the rest are unaffected.
    drop(watchers.pop());
    let (meeting, _) = app.submit(MEETING, "2023-02-18").await;
    for watcher in &mut watchers {
        let message = next(watcher).await;
        assert_eq!(message.article, meeting.name);
        assert!(!message.events.is_empty());
    }
    app.stop().await;
}

/// The gateway carries every client's Watch to the query service over one
/// connection, so that connection must hold more streams than a public client
/// connection may (256): with the public bound, the 257th watch failed with a
/// transport error.
#[tokio::test(flavor = "multi_thread")]
async fn one_connection_to_the_query_service_carries_hundreds_of_watches() {
    use readout_proto::v1::query_service_client::QueryServiceClient;
    use readout_proto::v1::WatchResultsRequest;
    let mut app = spawn_app(1).await;
    let query_address = app.suite.as_ref().expect("suite").query;
    let query = QueryServiceClient::new(crate::helpers::tls_channel(query_address, true));
    let public_bound = readout_server::CommonArgs::default().max_concurrent_requests;
    let mut open = Vec::new();
    for _ in 0..public_bound + 44 {
        let watch = tokio::time::timeout(
            Duration::from_secs(10),
            query.clone().watch_results(WatchResultsRequest {
                event_filter: "type = CONSULT".into(),
                target: WatchTarget::Events as i32,
                ..Default::default()
            }),
        )
        .await
        .expect("a watch opens within 10 s")
        .expect("a watch opens");
        open.push(watch.into_inner());
    }
    // Every stream is live: a meeting reaches the last one opened.
    let (meeting, _) = app.submit(MEETING, "2023-02-18").await;
    let last = open.last_mut().expect("watches");
    let message = tokio::time::timeout(Duration::from_secs(30), last.message())
        .await
        .expect("a watch message within 30 s")
        .expect("stream healthy")
        .expect("stream open");
    assert_eq!(message.article, meeting.name);
    drop(open);
    app.stop().await;
}
