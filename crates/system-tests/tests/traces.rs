//! Distributed tracing end to end: the services export spans over OTLP/gRPC to
//! a collector (here a real OTLP TraceService server in the test), and the W3C
//! trace context a client sends is carried through every hop, so one ingested
//! article is one trace: gateway → ingest (accept) → ingest worker (process,
//! continued from the trace context stored with the article) → entity service
//! (annotate, resolve in the store) → store (results).
//!
//! Its own test binary: the tracing subscriber is process-global.

#[allow(dead_code)]
#[path = "suite/helpers.rs"]
mod helpers;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use readout_proto::v1::{ArticleInput, SubmitArticleRequest};
use tokio_stream::wrappers::TcpListenerStream;

/// A received span: service name, span name, ids.
#[derive(Clone, Debug)]
struct Received {
    service: String,
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
}

#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<Received>>>,
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.spans.lock().unwrap();
        for resource_spans in request.into_inner().resource_spans {
            let service = resource_spans
                .resource
                .iter()
                .flat_map(|resource| &resource.attributes)
                .find(|attribute| attribute.key == "service.name")
                .and_then(|attribute| attribute.value.as_ref()?.value.as_ref())
                .map(|value| match value {
                    Value::StringValue(name) => name.clone(),
                    other => format!("{other:?}"),
                })
                .unwrap_or_default();
            for scope in resource_spans.scope_spans {
                for span in scope.spans {
                    spans.push(Received {
                        service: service.clone(),
                        name: span.name,
                        trace_id: hex(&span.trace_id),
                        span_id: hex(&span.span_id),
                        parent_span_id: hex(&span.parent_span_id),
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN_ID: &str = "00f067aa0ba902b7";

#[tokio::test(flavor = "multi_thread")]
async fn one_ingested_article_is_one_trace_across_every_grpc_hop() {
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector_addr = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let endpoint = format!("http://{collector_addr}");
    let telemetry = readout_server::telemetry::init(readout_server::telemetry::TelemetryConfig {
        format: readout_server::LogFormat::Pretty,
        filter: "warn",
        otlp_endpoint: Some(&endpoint),
        service_name: "readout-suite-test",
    })
    .expect("telemetry");
    assert!(telemetry.exporting());
    let telemetry = Arc::new(telemetry);

    let mut app = helpers::spawn_app(1).await;
    let mut request = tonic::Request::new(SubmitArticleRequest {
        article: Some(ArticleInput {
            text: "Foreign Minister Wang Yi met Secretary of State Antony Blinken in Munich on Friday. \
                   \"We had a candid exchange,\" Blinken told reporters."
                .into(),
            title: String::new(),
            source_url: String::new(),
            published_date: "2023-02-18".into(),
        }),
        request_id: String::new(),
    });
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{TRACE_ID}-{CLIENT_SPAN_ID}-01")
            .parse()
            .unwrap(),
    );
    let article = app
        .ingest
        .submit_article(request)
        .await
        .expect("submit")
        .into_inner()
        .article
        .unwrap();
    app.wait_processed(std::slice::from_ref(&article.name))
        .await;

    // Every span the trace must hold, by name.
    let expected = [
        "readout.v1.IngestService/SubmitArticle",
        "submit_article",
        "insert_or_get",
        "process_articles",
        "readout.v1.EntityResolverService/ResolveEntities",
        "resolve_entities",
        "resolve_all",
        "write_results",
    ];
    let started = Instant::now();
    let trace = loop {
        let flusher = telemetry.clone();
        tokio::task::spawn_blocking(move || flusher.flush())
            .await
            .unwrap();
        let trace: Vec<Received> = collector
            .spans
            .lock()
            .unwrap()
            .iter()
            .filter(|span| span.trace_id == TRACE_ID)
            .cloned()
            .collect();
        let names: HashSet<&str> = trace.iter().map(|span| span.name.as_str()).collect();
        if expected.iter().all(|name| names.contains(name)) {
            break trace;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "trace incomplete after 30 s; spans of the trace: {names:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    app.stop().await;

    // The gateway's server span and the ingest service's both carry the method name.
    let submit_spans = trace
        .iter()
        .filter(|span| span.name == "readout.v1.IngestService/SubmitArticle")
        .count();
    assert!(
        submit_spans >= 2,
        "gateway and ingest server spans: {submit_spans}"
    );
    // One tree: the root continues the client's span, every other span's parent is in the trace.
    let ids: HashSet<&str> = trace.iter().map(|span| span.span_id.as_str()).collect();
    let by_id: HashMap<&str, &Received> = trace
        .iter()
        .map(|span| (span.span_id.as_str(), span))
        .collect();
    for span in &trace {
        assert!(
            span.parent_span_id == CLIENT_SPAN_ID || ids.contains(span.parent_span_id.as_str()),
            "span {} has a parent outside the trace: {span:?}",
            span.name
        );
        assert_eq!(span.service, "readout-suite-test");
    }
    let roots: Vec<&Received> = trace
        .iter()
        .filter(|span| span.parent_span_id == CLIENT_SPAN_ID)
        .collect();
    assert_eq!(
        roots.len(),
        1,
        "one root under the client's span: {roots:?}"
    );
    // The entity service's server span descends from the worker's processing span.
    let annotate = trace
        .iter()
        .find(|span| span.name == "readout.v1.EntityResolverService/ResolveEntities")
        .unwrap();
    let mut ancestor = by_id.get(annotate.parent_span_id.as_str()).copied();
    let mut chain = Vec::new();
    while let Some(span) = ancestor {
        chain.push(span.name.as_str());
        ancestor = by_id.get(span.parent_span_id.as_str()).copied();
    }
    assert!(
        chain.contains(&"process_articles") && chain.contains(&"submit_article"),
        "ResolveEntities's ancestors: {chain:?}"
    );
    if let Ok(telemetry) = Arc::try_unwrap(telemetry) {
        tokio::task::spawn_blocking(move || telemetry.shutdown())
            .await
            .unwrap();
    }
}
