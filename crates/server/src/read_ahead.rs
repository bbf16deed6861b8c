//! Reading a unary call's request before admission counts it.
//!
//! A gRPC call reaches the server's layers as soon as its headers arrive; its
//! message follows in DATA frames, as fast as the client sends them. A call
//! admitted on its headers holds a slot while its client is still sending, so
//! a slow or stalled client (or one starved of CPU, as a load generator on the
//! server's own cores is in a burst) keeps a slot from a call that is ready.
//! For methods whose client sends one message, admission first reads the
//! request, up to [`READ_AHEAD_BYTES`], and only then takes a slot; the
//! handler reads the same frames again. Client-streaming methods (a
//! SubmitArticles stream) and paths no descriptor names are passed on as they
//! are: their bodies need not end before an answer.
//!
//! Which methods take one message is read from the descriptors the server
//! serves (Readout's own, health and reflection), so a new streaming method
//! needs no list kept by hand.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use http_body::{Body as _, Frame};
use prost::Message;
use tonic::codegen::Bytes;

/// Bytes of a request read before the call is admitted; a longer request is
/// admitted once this much has arrived, and the rest streams on.
pub const READ_AHEAD_BYTES: usize = 64 * 1024;

/// The paths (`/package.Service/Method`) of methods whose client sends a
/// single message, from every descriptor set the servers serve.
static SINGLE_MESSAGE: LazyLock<HashSet<String>> = LazyLock::new(|| {
    single_message_paths(&[
        readout_proto::FILE_DESCRIPTOR_SET,
        tonic_health::pb::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
    ])
});

/// The paths of the methods, in the encoded descriptor `sets`, whose client
/// sends a single message (not client-streaming).
pub fn single_message_paths(sets: &[&[u8]]) -> HashSet<String> {
    let mut paths = HashSet::new();
    for set in sets {
        // The sets are compiled into the binary; one that does not decode
        // leaves its methods streaming as they are (no read-ahead).
        let Ok(set) = prost_types::FileDescriptorSet::decode(*set) else {
            continue;
        };
        for file in set.file {
            let package = file.package.unwrap_or_default();
            for service in file.service {
                let service_name = service.name.unwrap_or_default();
                let qualified = match package.is_empty() {
                    true => service_name,
                    false => format!("{package}.{service_name}"),
                };
                for method in service.method {
                    if !method.client_streaming.unwrap_or(false) {
                        paths.insert(format!("/{qualified}/{}", method.name.unwrap_or_default()));
                    }
                }
            }
        }
    }
    paths
}

/// Whether the method at `path` takes a single request message.
pub fn is_single_message(path: &str) -> bool {
    SINGLE_MESSAGE.contains(path)
}

/// A request body partly or wholly read: the frames already received, then
/// whatever of the body is left.
pub struct ReadAhead {
    frames: VecDeque<Frame<Bytes>>,
    error: Option<tonic::Status>,
    rest: Option<tonic::body::Body>,
}

/// Reads `body` until it ends or `limit` bytes have arrived.
pub async fn read(mut body: tonic::body::Body, limit: usize) -> ReadAhead {
    let mut frames = VecDeque::new();
    let mut size = 0;
    let (error, rest) = loop {
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => break (None, None),
            // The handler sees the same error where it would have.
            Some(Err(error)) => break (Some(error), None),
            Some(Ok(frame)) => {
                size += frame.data_ref().map_or(0, Bytes::len);
                frames.push_back(frame);
                if size >= limit {
                    break (None, Some(body));
                }
            }
        }
    };
    ReadAhead {
        frames,
        error,
        rest,
    }
}

impl http_body::Body for ReadAhead {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
        if let Some(frame) = self.frames.pop_front() {
            return Poll::Ready(Some(Ok(frame)));
        }
        if let Some(error) = self.error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        match &mut self.rest {
            Some(rest) => Pin::new(rest).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.frames.is_empty()
            && self.error.is_none()
            && self.rest.as_ref().is_none_or(|rest| rest.is_end_stream())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body yielding `chunks` one frame at a time, then (optionally) an error.
    struct Chunks(VecDeque<Result<Frame<Bytes>, tonic::Status>>);

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = tonic::Status;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
            Poll::Ready(self.0.pop_front())
        }
    }

    fn body(chunks: &[&'static [u8]], error: bool) -> tonic::body::Body {
        let mut frames: VecDeque<_> = chunks
            .iter()
            .map(|chunk| Ok(Frame::data(Bytes::from_static(chunk))))
            .collect();
        if error {
            frames.push_back(Err(tonic::Status::cancelled("client went away")));
        }
        tonic::body::Body::new(Chunks(frames))
    }

    async fn drain(mut body: ReadAhead) -> (Vec<u8>, Option<tonic::Code>) {
        let mut bytes = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            match frame {
                Ok(frame) => bytes.extend_from_slice(frame.data_ref().unwrap()),
                Err(status) => return (bytes, Some(status.code())),
            }
        }
        (bytes, None)
    }

    #[test]
    fn the_servers_streaming_methods_are_told_apart() {
        assert!(is_single_message(
            "/readout.v1.GatewayService/GetEntityProfile"
        ));
        assert!(is_single_message("/readout.v1.GatewayService/Watch"));
        assert!(is_single_message("/grpc.health.v1.Health/Check"));
        assert!(!is_single_message(
            "/readout.v1.IngestService/SubmitArticles"
        ));
        assert!(!is_single_message(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_single_message(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_single_message("/readout.v1.NoSuchService/Nothing"));
    }

    #[tokio::test]
    async fn a_whole_request_is_read_and_replayed() {
        let read = read(body(&[b"abc", b"def"], false), 1024).await;
        assert!(read.rest.is_none());
        assert!(!http_body::Body::is_end_stream(&read));
        assert_eq!(drain(read).await, (b"abcdef".to_vec(), None));
    }

    #[tokio::test]
    async fn a_long_request_is_read_up_to_the_limit_and_streams_on() {
        let read = read(body(&[b"abc", b"def", b"ghi"], false), 4).await;
        assert_eq!(read.frames.len(), 2);
        assert!(read.rest.is_some());
        assert_eq!(drain(read).await, (b"abcdefghi".to_vec(), None));
    }

    #[tokio::test]
    async fn a_broken_request_keeps_its_error_in_place() {
        let read = read(body(&[b"abc"], true), 1024).await;
        assert_eq!(
            drain(read).await,
            (b"abc".to_vec(), Some(tonic::Code::Cancelled))
        );
    }
}
