//! Load shedding: a tower layer that admits at most `max_in_flight` calls
//! into a server at once, lets at most `max_queued` more wait, each for at most
//! `max_wait`, and answers the rest at once with RESOURCE_EXHAUSTED (retryable:
//! the server is busy, the request was fine). So under overload the admitted
//! calls keep their latency and the excess fails fast instead of queueing for
//! tens of seconds. Each refusal names how long to wait before trying again
//! (`grpc-retry-pushback-ms`, see [`crate::pushback`]), longer the deeper the
//! overload, so refused callers stop costing the cores the admitted calls need.
//!
//! A call whose client sends one message is counted once that message has
//! arrived ([`crate::read_ahead`]): a client still sending holds no slot. The
//! admitted calls' latency, from that moment to the answer, is recorded as
//! `rpc_server_admitted_duration_seconds` ([`crate::metrics`]).
//!
//! Health checks and Watch streams are not counted: a busy server still
//! answers its probes, and watches have limits of their own. (A slot is held
//! until the response's headers are ready, so for a stream until it starts
//! answering, and for a client stream such as SubmitArticles until it is read.)

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tonic::codegen::http;

use crate::pushback::{Pushback, PUSHBACK_HEADER};
use crate::read_ahead;

/// The limits of one server.
#[derive(Clone, Copy, Debug)]
pub struct AdmissionLimits {
    /// Calls served at once.
    pub max_in_flight: usize,
    /// Calls waiting for a slot beyond those.
    pub max_queued: usize,
    /// How long a call waits for a slot before it is shed.
    pub max_wait: Duration,
}

struct Admission {
    limits: AdmissionLimits,
    slots: Arc<Semaphore>,
    queued: AtomicUsize,
    pushback: Pushback,
}

/// The layer; one per server, shared by its connections.
#[derive(Clone)]
pub struct AdmissionLayer {
    admission: Arc<Admission>,
}

impl AdmissionLayer {
    /// A layer enforcing `limits`.
    pub fn new(limits: AdmissionLimits) -> Self {
        AdmissionLayer {
            admission: Arc::new(Admission {
                limits,
                slots: Arc::new(Semaphore::new(limits.max_in_flight.max(1))),
                queued: AtomicUsize::new(0),
                pushback: Pushback::new(Instant::now()),
            }),
        }
    }
}

impl<S> tower::Layer<S> for AdmissionLayer {
    type Service = AdmissionService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        AdmissionService {
            inner,
            admission: self.admission.clone(),
        }
    }
}

/// The service [`AdmissionLayer`] wraps around the routes.
#[derive(Clone)]
pub struct AdmissionService<S> {
    inner: S,
    admission: Arc<Admission>,
}

/// Counts a queued call while it waits.
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Calls admission does not count: health checks, and the Watch streams, which
/// have limits of their own (`watch_limits`).
fn exempt(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/")
        || path == "/readout.v1.QueryService/WatchResults"
        || path == "/readout.v1.GatewayService/Watch"
}

/// The refusal: RESOURCE_EXHAUSTED, naming how long to wait.
fn shed(admission: &Admission, why: &str) -> http::Response<tonic::body::Body> {
    let wait = admission.pushback.refused(Instant::now());
    let mut status = tonic::Status::resource_exhausted(format!(
        "the server is at capacity ({why}); retry after {} ms",
        wait.as_millis()
    ));
    status
        .metadata_mut()
        .insert(PUSHBACK_HEADER, (wait.as_millis() as u64).into());
    status.into_http()
}

impl<S> tower::Service<http::Request<tonic::body::Body>> for AdmissionService<S>
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        // The ready service serves this call; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        if exempt(request.uri().path()) {
            return Box::pin(inner.call(request));
        }
        let admission = self.admission.clone();
        Box::pin(async move {
            // A call whose client sends one message is counted once it has
            // arrived: a client still sending holds no slot (`read_ahead`).
            let path = request.uri().path().to_owned();
            let request = if read_ahead::is_single_message(&path) {
                let (parts, body) = request.into_parts();
                let body = read_ahead::read(body, read_ahead::READ_AHEAD_BYTES).await;
                http::Request::from_parts(parts, tonic::body::Body::new(body))
            } else {
                request
            };
            let received = Instant::now();
            let slot = match admission.slots.clone().try_acquire_owned() {
                Ok(slot) => slot,
                Err(_) => {
                    let limits = admission.limits;
                    if admission.queued.fetch_add(1, Ordering::Relaxed) >= limits.max_queued {
                        admission.queued.fetch_sub(1, Ordering::Relaxed);
                        return Ok(shed(&admission, "too many calls waiting"));
                    }
                    let _queued = Queued(&admission.queued);
                    let waited = tokio::time::timeout(
                        limits.max_wait,
                        admission.slots.clone().acquire_owned(),
                    )
                    .await;
                    match waited {
                        Ok(Ok(slot)) => slot,
                        _ => return Ok(shed(&admission, "no slot freed in time")),
                    }
                }
            };
            admission.pushback.admitted(Instant::now());
            let response = inner.call(request).await;
            drop(slot);
            if let Ok(response) = &response {
                crate::metrics::record_admitted(&path, response, received.elapsed());
            }
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::{Service, ServiceExt};

    /// A route that takes `delay` to answer OK.
    fn slow(
        delay: Duration,
    ) -> impl Service<
        http::Request<tonic::body::Body>,
        Response = http::Response<tonic::body::Body>,
        Error = std::convert::Infallible,
        Future = impl Send,
    > + Clone
           + Send
           + 'static {
        tower::service_fn(
            move |_request: http::Request<tonic::body::Body>| async move {
                tokio::time::sleep(delay).await;
                Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::default()))
            },
        )
    }

    fn call_to(path: &str) -> http::Request<tonic::body::Body> {
        http::Request::builder()
            .uri(path)
            .body(tonic::body::Body::empty())
            .unwrap()
    }

    /// A request body whose client never finishes sending.
    struct Stalled;

    impl http_body::Body for Stalled {
        type Data = tonic::codegen::Bytes;
        type Error = tonic::Status;
        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            Poll::Pending
        }
    }

    fn code(response: &http::Response<tonic::body::Body>) -> &str {
        response
            .headers()
            .get("grpc-status")
            .map_or("0", |value| value.to_str().unwrap())
    }

    #[tokio::test]
    async fn admits_up_to_the_limit_queues_a_few_and_sheds_the_rest() {
        let layer = AdmissionLayer::new(AdmissionLimits {
            max_in_flight: 2,
            max_queued: 2,
            max_wait: Duration::from_secs(5),
        });
        let service = tower::Layer::layer(&layer, slow(Duration::from_millis(200)));
        let calls: Vec<_> = (0..6)
            .map(|_| {
                let service = service.clone();
                tokio::spawn(async move { service.oneshot(call_to("/readout.v1.X/Y")).await })
            })
            .collect();
        let mut codes = Vec::new();
        for call in calls {
            let response = call.await.unwrap().unwrap();
            // A refusal names how long to wait (the least wait: no load before).
            if code(&response) == "8" {
                let wait: u64 = response.headers()[PUSHBACK_HEADER]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((10..=30).contains(&wait), "{wait}");
            }
            codes.push(code(&response).to_owned());
        }
        codes.sort();
        // Two served at once, two after waiting, two shed (8 = RESOURCE_EXHAUSTED).
        assert_eq!(codes, ["0", "0", "0", "0", "8", "8"]);
        // Health is never shed.
        let busy: Vec<_> = (0..4)
            .map(|_| {
                let service = service.clone();
                tokio::spawn(async move { service.oneshot(call_to("/readout.v1.X/Y")).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let health = service
            .clone()
            .oneshot(call_to("/grpc.health.v1.Health/Check"))
            .await
            .unwrap();
        assert_eq!(code(&health), "0");
        for call in busy {
            call.await.unwrap().unwrap();
        }
    }

    #[tokio::test]
    async fn a_call_waits_no_longer_than_the_bound() {
        let layer = AdmissionLayer::new(AdmissionLimits {
            max_in_flight: 1,
            max_queued: 10,
            max_wait: Duration::from_millis(30),
        });
        let service = tower::Layer::layer(&layer, slow(Duration::from_millis(500)));
        let first = tokio::spawn(service.clone().oneshot(call_to("/readout.v1.X/Y")));
        tokio::time::sleep(Duration::from_millis(20)).await;
        let second = service.oneshot(call_to("/readout.v1.X/Y")).await.unwrap();
        assert_eq!(code(&second), "8");
        assert_eq!(code(&first.await.unwrap().unwrap()), "0");
    }

    #[tokio::test]
    async fn a_client_still_sending_its_message_holds_no_slot() {
        let layer = AdmissionLayer::new(AdmissionLimits {
            max_in_flight: 1,
            max_queued: 0,
            max_wait: Duration::from_millis(10),
        });
        let service = tower::Layer::layer(&layer, slow(Duration::from_millis(1)));
        let path = "/readout.v1.GatewayService/GetEntityProfile";
        let stalled = http::Request::builder()
            .uri(path)
            .body(tonic::body::Body::new(Stalled))
            .unwrap();
        let waiting = tokio::spawn(service.clone().oneshot(stalled));
        tokio::time::sleep(Duration::from_millis(20)).await;
        // The one slot is free: the stalled call has not been counted.
        for _ in 0..3 {
            let ready = service.clone().oneshot(call_to(path)).await.unwrap();
            assert_eq!(code(&ready), "0");
        }
        assert!(!waiting.is_finished());
        waiting.abort();
        // A client stream is counted on its headers, as before: its body need
        // not end before it is answered.
        let streaming = http::Request::builder()
            .uri("/readout.v1.IngestService/SubmitArticles")
            .body(tonic::body::Body::new(Stalled))
            .unwrap();
        let answer = service.oneshot(streaming).await.unwrap();
        assert_eq!(code(&answer), "0");
    }
}
