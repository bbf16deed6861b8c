//! A gate at a server's edge: before a call reaches its handler, a [`Gate`]
//! (the gateway's authentication and authorisation) may refuse it with a
//! status, or let it through with its headers adjusted (the caller's
//! credentials replaced by the principal they name). Servers without a gate
//! let every call through.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::codegen::http;
use tonic::Status;

/// Decides, per call, from its path and headers.
pub trait Gate: Send + Sync + 'static {
    /// Lets the call to `path` through (possibly rewriting `headers`) or refuses it.
    fn admit<'a>(
        &'a self,
        path: &'a str,
        headers: &'a mut http::HeaderMap,
    ) -> Pin<Box<dyn Future<Output = Result<(), Status>> + Send + 'a>>;
}

/// The layer (no gate: every call passes).
#[derive(Clone, Default)]
pub struct GateLayer {
    gate: Option<Arc<dyn Gate>>,
}

impl GateLayer {
    /// A layer applying `gate`, or none.
    pub fn new(gate: Option<Arc<dyn Gate>>) -> Self {
        GateLayer { gate }
    }
}

impl<S> tower::Layer<S> for GateLayer {
    type Service = GateService<S>;
    fn layer(&self, inner: S) -> GateService<S> {
        GateService {
            inner,
            gate: self.gate.clone(),
        }
    }
}

/// The service of [`GateLayer`].
#[derive(Clone)]
pub struct GateService<S> {
    inner: S,
    gate: Option<Arc<dyn Gate>>,
}

impl<S, B> tower::Service<http::Request<B>> for GateService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let Some(gate) = self.gate.clone() else {
            return Box::pin(inner.call(request));
        };
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let path = parts.uri.path().to_owned();
            if let Err(status) = gate.admit(&path, &mut parts.headers).await {
                return Ok(status.into_http());
            }
            inner.call(http::Request::from_parts(parts, body)).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    struct OnlyHealth;

    impl Gate for OnlyHealth {
        fn admit<'a>(
            &'a self,
            path: &'a str,
            headers: &'a mut http::HeaderMap,
        ) -> Pin<Box<dyn Future<Output = Result<(), Status>> + Send + 'a>> {
            Box::pin(async move {
                headers.insert("x-seen", http::HeaderValue::from_static("yes"));
                if path.starts_with("/grpc.health.v1.Health/") {
                    Ok(())
                } else {
                    Err(Status::unauthenticated("no"))
                }
            })
        }
    }

    #[tokio::test]
    async fn the_gate_refuses_or_passes_with_its_headers() {
        let echo = tower::service_fn(|request: http::Request<()>| async move {
            let seen = request.headers().contains_key("x-seen");
            let mut response = http::Response::new(tonic::body::Body::default());
            if seen {
                response
                    .headers_mut()
                    .insert("x-seen", http::HeaderValue::from_static("yes"));
            }
            Ok::<_, std::convert::Infallible>(response)
        });
        let service = tower::Layer::layer(&GateLayer::new(Some(Arc::new(OnlyHealth))), echo);
        let call = |path: &str| http::Request::builder().uri(path).body(()).unwrap();
        let passed = service
            .clone()
            .oneshot(call("/grpc.health.v1.Health/Check"))
            .await
            .unwrap();
        assert!(passed.headers().contains_key("x-seen"));
        let refused = service.oneshot(call("/readout.v1.X/Y")).await.unwrap();
        assert_eq!(refused.headers()["grpc-status"], "16");
    }
}
