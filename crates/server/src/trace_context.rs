//! W3C trace context across the gRPC hops: servers continue the caller's trace
//! from the `traceparent` header, clients add it to their requests, and the
//! ingest service stores it with an article so the asynchronous processing of
//! that article continues the submitter's trace. Without an exporter installed
//! every function here is a cheap no-op.

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The W3C header carrying the trace id and parent span id.
pub const TRACEPARENT: &str = "traceparent";

struct HeaderExtractor<'a>(&'a tonic::codegen::http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|key| key.as_str()).collect()
    }
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

struct SingleHeader<'a>(&'a str);

impl Extractor for SingleHeader<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        (key == TRACEPARENT && !self.0.is_empty()).then_some(self.0)
    }
    fn keys(&self) -> Vec<&str> {
        vec![TRACEPARENT]
    }
}

struct Capture(Option<String>);

impl Injector for Capture {
    fn set(&mut self, key: &str, value: String) {
        if key == TRACEPARENT {
            self.0 = Some(value);
        }
    }
}

/// Makes `span` a child of the trace context in the request headers, if any.
pub fn continue_from_headers(span: &Span, headers: &tonic::codegen::http::HeaderMap) {
    let context = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    if context.span().span_context().is_valid() {
        let _ = span.set_parent(context);
    }
}

/// Makes `span` a child of a stored `traceparent` value; ignores empty or malformed values.
pub fn continue_from_traceparent(span: &Span, traceparent: &str) {
    let context = TraceContextPropagator::new().extract(&SingleHeader(traceparent));
    if context.span().span_context().is_valid() {
        let _ = span.set_parent(context);
    }
}

/// Links `span` to the trace of a stored `traceparent` value (work done for
/// several traces at once, such as a batch of articles, links all but the
/// one it continues); ignores empty or malformed values.
pub fn link_traceparent(span: &Span, traceparent: &str) {
    let context = TraceContextPropagator::new().extract(&SingleHeader(traceparent));
    let linked = context.span().span_context().clone();
    if linked.is_valid() {
        span.add_link(linked);
    }
}

/// Adds the current span's trace context to an outgoing request's metadata.
pub fn inject_current(metadata: &mut MetadataMap) {
    let context = Span::current().context();
    if context.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(&context, &mut MetadataInjector(metadata));
    }
}

/// The current span's `traceparent`, or empty when spans are not exported.
pub fn current_traceparent() -> String {
    let context = Span::current().context();
    if !context.span().span_context().is_valid() {
        return String::new();
    }
    let mut capture = Capture(None);
    TraceContextPropagator::new().inject_context(&context, &mut capture);
    capture.0.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_an_exporter_nothing_is_injected_or_stored() {
        let span = tracing::info_span!("test");
        let _entered = span.enter();
        let mut metadata = MetadataMap::new();
        inject_current(&mut metadata);
        assert!(metadata.get(TRACEPARENT).is_none());
        assert_eq!(current_traceparent(), "");
        continue_from_traceparent(&span, "not a traceparent");
    }

    #[test]
    fn traceparent_values_parse_as_w3c() {
        let context = TraceContextPropagator::new().extract(&SingleHeader(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ));
        let span = context.span();
        let span_context = span.span_context();
        assert!(span_context.is_valid());
        assert_eq!(
            span_context.trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        let bad = TraceContextPropagator::new().extract(&SingleHeader("00-zz-yy-01"));
        assert!(!bad.span().span_context().is_valid());
    }
}
