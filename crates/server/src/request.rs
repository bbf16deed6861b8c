//! Request parsing helpers shared by the services: resource names, page sizes
//! and opaque page tokens, dates. Each error names the offending field.

use std::time::Duration;

use tonic::Status;

use crate::status::invalid_argument;

/// Parses a resource name `{collection}/{uuid}` into its id.
pub fn parse_resource_name(
    field: &str,
    collection: &str,
    name: &str,
) -> Result<uuid::Uuid, Status> {
    let Some(id) = name
        .strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return Err(invalid_argument(
            field,
            format!("expected `{collection}/{{id}}`, got {name:?}"),
        ));
    };
    uuid::Uuid::parse_str(id)
        .map_err(|_| invalid_argument(field, format!("`{id}` is not a valid id")))
}

/// The resource name of an id.
pub fn resource_name(collection: &str, id: uuid::Uuid) -> String {
    format!("{collection}/{id}")
}

/// Validates `page_size`: 0 means `default`, more than `max` is clamped, negative is an error.
pub fn page_size(value: i32, default: i64, max: i64) -> Result<i64, Status> {
    match value {
        v if v < 0 => Err(invalid_argument("page_size", "must not be negative")),
        0 => Ok(default),
        v => Ok(i64::from(v).min(max)),
    }
}

fn fingerprint(context: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in context.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Encodes an offset into an opaque page token bound to the request's `context`
/// (its filter), so a token replayed with another filter is refused.
pub fn encode_page_token(offset: i64, context: &str) -> String {
    format!("{offset:x}-{:08x}", fingerprint(context))
}

/// Decodes a page token made by [`encode_page_token`]; empty means offset 0.
pub fn decode_page_token(token: &str, context: &str) -> Result<i64, Status> {
    if token.is_empty() {
        return Ok(0);
    }
    let invalid = || {
        invalid_argument(
            "page_token",
            "not a token from a previous response with the same filter",
        )
    };
    let (offset, check) = token.split_once('-').ok_or_else(invalid)?;
    let offset = i64::from_str_radix(offset, 16).map_err(|_| invalid())?;
    let check = u32::from_str_radix(check, 16).map_err(|_| invalid())?;
    if check != fingerprint(context) || offset < 0 {
        return Err(invalid());
    }
    Ok(offset)
}

/// The next page token: set when the page came back full.
pub fn next_page_token(offset: i64, limit: i64, returned: usize, context: &str) -> String {
    if (returned as i64) < limit {
        String::new()
    } else {
        encode_page_token(offset + limit, context)
    }
}

/// Encodes a list position (the store's cursor text) into an opaque page token
/// bound to the request's `context`, so a token replayed with another filter is refused.
pub fn encode_cursor_token(position: &str, context: &str) -> String {
    let hex: String = position.bytes().map(|byte| format!("{byte:02x}")).collect();
    format!("{hex}-{:08x}", fingerprint(context))
}

/// Decodes a page token made by [`encode_cursor_token`]; empty means the first page.
pub fn decode_cursor_token(token: &str, context: &str) -> Result<Option<String>, Status> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        invalid_argument(
            "page_token",
            "not a token from a previous response with the same filter",
        )
    };
    let (hex, check) = token.rsplit_once('-').ok_or_else(invalid)?;
    let check = u32::from_str_radix(check, 16).map_err(|_| invalid())?;
    if check != fingerprint(context) || hex.len() % 2 != 0 || hex.len() > 512 {
        return Err(invalid());
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect();
    let position = bytes
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    Ok(Some(position))
}

/// Parses a `grpc-timeout` header value ("100m", "5S") into a duration.
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (amount, unit) = value.split_at(value.len().checked_sub(1)?);
    let amount: u64 = amount.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// The caller's remaining deadline, from the request's `grpc-timeout` metadata.
pub fn caller_deadline<T>(request: &tonic::Request<T>) -> Option<Duration> {
    request
        .metadata()
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_grpc_timeout)
}

/// The metadata key naming who a call is made for: set by the gateway from
/// the caller's credentials (any value a client sends is replaced there), read
/// by the entity service for its curation records.
pub const PRINCIPAL_HEADER: &str = "x-readout-principal";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_tokens_round_trip_and_bind_to_filter() {
        let token = encode_cursor_token("k:2024-01-02:123:abc", "type = CONSULT");
        assert_eq!(
            decode_cursor_token(&token, "type = CONSULT")
                .unwrap()
                .as_deref(),
            Some("k:2024-01-02:123:abc")
        );
        assert!(decode_cursor_token(&token, "type = AGREE").is_err());
        assert!(decode_cursor_token("zz-00000000", "").is_err());
        assert!(decode_cursor_token("ff-811c9dc5", "").is_err(), "not UTF-8");
        assert_eq!(decode_cursor_token("", "x").unwrap(), None);
    }

    #[test]
    fn page_tokens_round_trip_and_bind_to_filter() {
        let token = encode_page_token(40, "type = CONSULT");
        assert_eq!(decode_page_token(&token, "type = CONSULT").unwrap(), 40);
        assert_eq!(
            decode_page_token(&token, "type = AGREE")
                .unwrap_err()
                .code(),
            tonic::Code::InvalidArgument
        );
        assert_eq!(
            decode_page_token("garbage", "").unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
        assert_eq!(decode_page_token("", "x").unwrap(), 0);
    }

    #[test]
    fn resource_names() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(
            parse_resource_name("name", "entities", &resource_name("entities", id)).unwrap(),
            id
        );
        let error = parse_resource_name("name", "entities", "articles/x").unwrap_err();
        assert!(error.message().starts_with("name:"));
    }

    #[test]
    fn grpc_timeouts() {
        assert_eq!(parse_grpc_timeout("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_grpc_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_grpc_timeout("x"), None);
    }
}
