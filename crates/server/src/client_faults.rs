//! Statuses for what the client sent wrong before a handler ever ran. tonic's
//! codec answers a request that is not valid protobuf (or has invalid UTF-8 in
//! a string field) with INTERNAL, and one larger than the server accepts with
//! OUT_OF_RANGE; Readout documents INVALID_ARGUMENT and RESOURCE_EXHAUSTED for
//! these (no INTERNAL for anything a client can cause), so this layer rewrites
//! exactly those two codec statuses and passes everything else through.

use tonic::body::Body;
use tonic::codegen::http;
use tonic::Status;

/// The layer: a response map (tower's `MapResponseLayer`) with [`rewrite_response`].
pub type ClientFaultsLayer =
    tower::util::MapResponseLayer<fn(http::Response<Body>) -> http::Response<Body>>;

/// The layer every server carries.
pub fn layer() -> ClientFaultsLayer {
    tower::util::MapResponseLayer::new(rewrite_response)
}

/// A response with the codec's status replaced by the documented one; others as they are.
pub fn rewrite_response(response: http::Response<Body>) -> http::Response<Body> {
    // Codec errors come back trailers-only: the status is in the headers.
    match Status::from_header_map(response.headers())
        .as_ref()
        .and_then(rewrite)
    {
        Some(status) => status.into_http(),
        None => response,
    }
}

/// The status a codec status stands for, if it is one of the two.
fn rewrite(status: &Status) -> Option<Status> {
    let message = status.message();
    match status.code() {
        tonic::Code::Internal if message.starts_with("failed to decode Protobuf message") => Some(
            crate::status::invalid_argument("request", format!("not a valid message ({message})")),
        ),
        tonic::Code::Internal if message.starts_with("Unexpected EOF decoding stream") => Some(
            crate::status::invalid_argument("request", "the stream ended inside a message"),
        ),
        tonic::Code::OutOfRange if message.contains("decoded message length too large") => {
            Some(Status::resource_exhausted(format!(
                "request: larger than this server accepts ({message})"
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_statuses_become_the_documented_ones() {
        let decode = Status::internal("failed to decode Protobuf message: invalid wire type");
        let rewritten = rewrite(&decode).unwrap();
        assert_eq!(rewritten.code(), tonic::Code::InvalidArgument);
        assert!(rewritten.message().starts_with("request: "));
        let large = Status::out_of_range(
            "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
        );
        assert_eq!(
            rewrite(&large).unwrap().code(),
            tonic::Code::ResourceExhausted
        );
        // A handler's own INTERNAL or OUT_OF_RANGE passes through.
        assert!(rewrite(&Status::internal("reading from the store")).is_none());
        assert!(rewrite(&Status::out_of_range("page_size")).is_none());
    }
}
