//! Gateway lookups: errors are meaningful statuses.

use readout_proto::v1::{GetEntityProfileRequest, SearchEventsRequest, SearchQuotesRequest};
use tonic::Code;

use crate::helpers::spawn_app;

#[tokio::test]
async fn lookup_errors_name_the_problem() {
    let mut app = spawn_app(1).await;
    let status = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Nobody Atall".into(),
            recent_limit: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    let status = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "entities/nope".into(),
            recent_limit: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("entity:"), "{status:?}");
    let status = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: String::new(),
            recent_limit: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);

    let status = app
        .gateway
        .search_events(SearchEventsRequest {
            filter: "colour = red".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("filter:"), "{status:?}");
    let status = app
        .gateway
        .search_events(SearchEventsRequest {
            filter: "type = PICNIC".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(status.message().starts_with("filter:"));
    let status = app
        .gateway
        .search_events(SearchEventsRequest {
            filter: "date >= 2022-13-45".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(status.message().starts_with("filter:"));
    let status = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            page_token: "bogus".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("page_token:"));
    let status = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(status.message().starts_with("page_size:"));

    // Pagination walks every event exactly once.
    for text in [
        "Headline\nJoe Biden met Xi Jinping in Bali on November 14, 2022.",
        "Headline\nKamala Harris met Xi Jinping in Bangkok on November 19, 2022.",
        "Headline\nAntony Blinken met Wang Yi in Washington on October 27, 2023.",
    ] {
        let (article, _) = app.submit(text, "").await;
        app.wait_processed(&[article.name]).await;
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = app
            .gateway
            .search_events(SearchEventsRequest {
                filter: "type = CONSULT".into(),
                page_size: 1,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        seen.extend(page.events.into_iter().map(|e| e.name));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3);
    let dated = app
        .gateway
        .search_events(SearchEventsRequest {
            filter: "date >= \"2023-01-01\"".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(dated.events.len(), 1);
    assert_eq!(dated.events[0].date.as_ref().unwrap().value, "2023-10-27");
    app.stop().await;
}

#[tokio::test]
async fn a_downstream_outage_is_unavailable() {
    let mut app = spawn_app(0).await;
    // Stop everything but keep a gateway client pointed at a dead port set.
    let gateway = app.suite.as_ref().unwrap().gateway;
    app.stop().await;
    let config = readout_gateway::GatewayConfig::local(
        "127.0.0.1:0",
        "http://127.0.0.1:1",
        "http://127.0.0.1:1",
        "http://127.0.0.1:1",
    );
    let listener = readout_server::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, receiver) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        readout_gateway::serve(&config, None, listener, async move {
            let _ = receiver.await;
        })
        .await
    });
    let _ = gateway;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect_lazy();
    let mut client = readout_proto::v1::gateway_service_client::GatewayServiceClient::new(channel);
    let mut status = None;
    for _ in 0..50 {
        match client.search_quotes(SearchQuotesRequest::default()).await {
            Err(error) if error.message().contains("query service") => {
                status = Some(error);
                break;
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    let status = status.expect("an error naming the query service");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// The HTTP status of GET `path` on `port`.
async fn http_status(port: u16, path: &str) -> u16 {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let request = tonic::codegen::http::Request::get(format!("http://127.0.0.1:{port}{path}"))
        .body(http_body_util::Empty::new())
        .unwrap();
    client.request(request).await.expect(path).status().as_u16()
}

/// Scrapes `/metrics` over HTTP with `accept`, returning the content type and body.
async fn scrape(port: u16, accept: &str) -> (String, String) {
    use http_body_util::BodyExt;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let request = tonic::codegen::http::Request::get(format!("http://127.0.0.1:{port}/metrics"))
        .header("accept", accept)
        .body(http_body_util::Empty::new())
        .unwrap();
    let response = client.request(request).await.expect("scrape /metrics");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (content_type, String::from_utf8(body.to_vec()).unwrap())
}

/// The label sets of a family's samples.
fn label_sets<T: Clone, V: openmetrics_parser::RenderableMetricValue + Clone>(
    exposition: &openmetrics_parser::MetricsExposition<T, V>,
    family: &str,
) -> Vec<std::collections::HashMap<String, String>> {
    let family = exposition
        .families
        .get(family)
        .unwrap_or_else(|| panic!("no family {family}"));
    family
        .iter_samples()
        .map(|sample| {
            let labels = sample.get_labelset().unwrap();
            labels
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_serve_prometheus_metrics() {
    let pool = crate::helpers::fresh_pool().await;
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = readout_query::QueryConfig::local("127.0.0.1:0");
    config.common.metrics_listen = Some(format!("127.0.0.1:{metrics_port}"));
    let listener = readout_server::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        readout_query::serve(&config, pool, listener, async move {
            let _ = stopped.await;
        })
        .await
    });
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect_lazy();
    let mut client = readout_proto::v1::query_service_client::QueryServiceClient::new(channel);
    client
        .list_events(readout_proto::v1::ListEventsRequest::default())
        .await
        .expect("list events");
    let _ = client
        .list_events(readout_proto::v1::ListEventsRequest {
            filter: "bogus = 1".into(),
            ..Default::default()
        })
        .await;
    // Health for probes that cannot speak TLS, on the metrics port.
    assert_eq!(http_status(metrics_port, "/healthz/live").await, 200);
    let mut ready = 0;
    for _ in 0..50 {
        ready = http_status(metrics_port, "/healthz/ready").await;
        if ready == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200, "/healthz/ready");
    // The pool metrics come from the readiness probe, which runs every second.
    let mut text = String::new();
    for _ in 0..50 {
        let (content_type, body) = scrape(metrics_port, "*/*").await;
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        text = body;
        if text.contains("db_client_connection_pool_name=\"query\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let exposition = openmetrics_parser::prometheus::parse_prometheus(&text)
        .unwrap_or_else(|error| panic!("invalid exposition ({error:?}):\n{text}"));
    let calls = label_sets(&exposition, "rpc_server_call_duration_seconds");
    for code in ["0", "3"] {
        assert!(
            calls.iter().any(
                |labels| labels.get("rpc_system").map(String::as_str) == Some("grpc")
                    && labels.get("rpc_service").map(String::as_str)
                        == Some("readout.v1.QueryService")
                    && labels.get("rpc_method").map(String::as_str) == Some("ListEvents")
                    && labels.get("rpc_grpc_status_code").map(String::as_str) == Some(code)
            ),
            "no ListEvents call with status {code}: {calls:?}"
        );
    }
    let pool_connections = label_sets(&exposition, "db_client_connection_count");
    assert!(
        pool_connections.iter().any(|labels| {
            labels
                .get("db_client_connection_pool_name")
                .map(String::as_str)
                == Some("query")
                && labels.get("db_client_connection_state").map(String::as_str) == Some("idle")
        }),
        "{pool_connections:?}"
    );
    for family in [
        "db_client_connection_max",
        "db_client_connection_wait_time_seconds",
        "readout_query_watch_subscribers",
    ] {
        assert!(
            exposition.families.contains_key(family),
            "no {family}:\n{text}"
        );
    }
    // What Prometheus itself asks for: OpenMetrics.
    let (content_type, open) = scrape(
        metrics_port,
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
    )
    .await;
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let exposition = openmetrics_parser::openmetrics::parse_openmetrics(&open)
        .unwrap_or_else(|error| panic!("invalid OpenMetrics ({error:?}):\n{open}"));
    assert!(exposition
        .families
        .contains_key("rpc_server_call_duration_seconds"));
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// Pages through a search with `page_size`, returning every item's name in order.
async fn all_pages<F, Fut>(mut fetch: F) -> Vec<String>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = (Vec<String>, String)>,
{
    let mut names = Vec::new();
    let mut token = String::new();
    for _ in 0..1000 {
        let (page, next) = fetch(token).await;
        names.extend(page);
        if next.is_empty() {
            return names;
        }
        token = next;
    }
    panic!("pagination does not end");
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_continue_where_the_last_one_ended() {
    let mut app = crate::helpers::spawn_app(2).await;
    let mut names = Vec::new();
    for (file, text) in crate::helpers::seed_texts() {
        let date = if file.starts_with("001") {
            "2022-11-19"
        } else {
            ""
        };
        let (article, _) = app.submit(&text, date).await;
        names.push(article.name);
    }
    app.wait_processed(&names).await;
    let events = |size: i32, filter: &'static str| {
        let gateway = app.gateway.clone();
        move |token: String| {
            let mut gateway = gateway.clone();
            async move {
                let page = gateway
                    .search_events(SearchEventsRequest {
                        participant: String::new(),
                        counterpart: String::new(),
                        filter: filter.into(),
                        page_size: size,
                        page_token: token,
                        ..Default::default()
                    })
                    .await
                    .expect("search events")
                    .into_inner();
                (
                    page.events.into_iter().map(|e| e.name).collect::<Vec<_>>(),
                    page.next_page_token,
                )
            }
        }
    };
    let whole = all_pages(events(100, "")).await;
    assert!(whole.len() >= 5, "{whole:?}");
    assert_eq!(all_pages(events(2, "")).await, whole, "2 at a time");
    assert_eq!(all_pages(events(1, "")).await, whole, "1 at a time");
    let consult = all_pages(events(100, "type = CONSULT")).await;
    assert_eq!(all_pages(events(3, "type = CONSULT")).await, consult);

    let quotes = |size: i32, query: &'static str| {
        let gateway = app.gateway.clone();
        move |token: String| {
            let mut gateway = gateway.clone();
            async move {
                let page = gateway
                    .search_quotes(SearchQuotesRequest {
                        query: query.into(),
                        speaker: String::new(),
                        filter: String::new(),
                        page_size: size,
                        page_token: token,
                    })
                    .await
                    .expect("search quotes")
                    .into_inner();
                (
                    page.quotes.into_iter().map(|q| q.name).collect::<Vec<_>>(),
                    page.next_page_token,
                )
            }
        }
    };
    let whole = all_pages(quotes(100, "")).await;
    assert!(whole.len() >= 40, "{}", whole.len());
    assert_eq!(
        all_pages(quotes(7, "")).await,
        whole,
        "newest first, 7 at a time"
    );
    let ranked = all_pages(quotes(100, "China")).await;
    assert!(ranked.len() >= 5, "{ranked:?}");
    assert_eq!(
        all_pages(quotes(2, "China")).await,
        ranked,
        "ranked, 2 at a time"
    );

    // A token from another filter is refused, naming the field.
    let first = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: String::new(),
            counterpart: String::new(),
            filter: String::new(),
            page_size: 1,
            page_token: String::new(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let status = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: String::new(),
            counterpart: String::new(),
            filter: "type = CONSULT".into(),
            page_size: 1,
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("page_token:"), "{status:?}");
    app.stop().await;
}
