//! The decode-and-validation fuzzer (`examples/fuzz_requests.rs` runs it at
//! length, the suite briefly): every request type of the API is decoded from
//! random and mutated bytes, and what decodes goes through the services' pure
//! validation (article fields, AIP-160 filters, page tokens, resource names,
//! page sizes). A failure is a panic, a status other than INVALID_ARGUMENT for
//! a bad input, or an input that takes longer than a second (a hang).
//! Deterministic: the same seed gives the same inputs.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use prost::Message;
use readout_proto::v1;
use tonic::{Code, Status};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces filters, names and tokens are made of, so generated inputs reach past
/// the first character check.
const PIECES: &[&str] = &[
    "type",
    "mode",
    "status",
    "participant",
    "source",
    "target",
    "place",
    "country",
    "article",
    "date",
    "speaker",
    " = ",
    " != ",
    " >= ",
    " <= ",
    " < ",
    " > ",
    " AND ",
    " OR ",
    "\"",
    "\\",
    "(",
    ")",
    "CONSULT",
    "EVENT_TYPE_AGREE",
    "meet",
    "occurred",
    "entities/",
    "articles/",
    "2022-11-14",
    "-0001-01-01",
    "99999-99-99",
    "Xi Jinping",
    "\0",
    "\u{1b}[31m",
    "é",
    "日本",
    "NOT ",
    "-",
    "*",
    ":",
    "9e9",
    "00000000-0000-0000-0000-000000000000",
    " ",
];

fn text(rng: &mut Rng) -> String {
    let mut out = String::new();
    for _ in 0..rng.below(12) {
        if rng.below(8) == 0 {
            out.push(char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('x'));
        } else {
            out.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    out
}

/// Bytes to decode: random, or a valid encoding of a random message mutated.
fn bytes(rng: &mut Rng) -> Vec<u8> {
    let mut out = match rng.below(3) {
        0 => (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
        1 => v1::ListEventsRequest {
            filter: text(rng),
            page_size: rng.next() as i32,
            page_token: text(rng),
        }
        .encode_to_vec(),
        _ => v1::SubmitArticleRequest {
            article: Some(v1::ArticleInput {
                text: text(rng),
                title: text(rng),
                source_url: text(rng),
                published_date: text(rng),
            }),
            request_id: text(rng),
        }
        .encode_to_vec(),
    };
    for _ in 0..rng.below(4) {
        if !out.is_empty() {
            let at = rng.below(out.len());
            out[at] = rng.next() as u8;
        }
    }
    out
}

/// A status a bad input may get.
fn acceptable(status: &Status) -> Result<(), String> {
    match status.code() {
        Code::InvalidArgument => {
            let field = status.message().split(':').next().unwrap_or("");
            if field.is_empty() || field.contains(' ') && !field.starts_with("filter") {
                return Err(format!(
                    "INVALID_ARGUMENT not naming a field first: {status:?}"
                ));
            }
            Ok(())
        }
        code => Err(format!("{code:?} for a client's input: {status:?}")),
    }
}

fn check<T>(result: Result<T, Status>) -> Result<(), String> {
    match result {
        Ok(_) => Ok(()),
        Err(status) => acceptable(&status),
    }
}

/// Decodes `input` as every request type and validates what decodes.
fn exercise(input: &[u8], rng: &mut Rng) -> Result<(), String> {
    if let Ok(request) = v1::SubmitArticleRequest::decode(input) {
        check(readout_ingest::validate::article(
            request.article,
            &request.request_id,
            1024 * 1024,
        ))?;
    }
    if let Ok(request) = v1::ListEventsRequest::decode(input) {
        check(readout_query::convert::event_filter(&request.filter))?;
        check(readout_server::request::page_size(
            request.page_size,
            20,
            100,
        ))?;
        check(readout_server::request::decode_cursor_token(
            &request.page_token,
            &request.filter,
        ))?;
    }
    if let Ok(request) = v1::ListQuotesRequest::decode(input) {
        check(readout_query::convert::quote_filter(
            &request.query,
            &request.filter,
        ))?;
        check(readout_server::request::decode_page_token(
            &request.page_token,
            &request.filter,
        ))?;
    }
    if let Ok(request) = v1::GetArticleRequest::decode(input) {
        check(readout_server::request::parse_resource_name(
            "name",
            "articles",
            &request.name,
        ))?;
    }
    // The other request types must decode or fail cleanly.
    let _ = v1::ResolveEntitiesRequest::decode(input);
    let _ = v1::AnnotateTextRequest::decode(input);
    let _ = v1::BatchAnnotateTextsRequest::decode(input);
    let _ = v1::GetEntityRequest::decode(input);
    let _ = v1::SearchEntitiesRequest::decode(input);
    let _ = v1::ListEntitiesRequest::decode(input);
    let _ = v1::MergeEntitiesRequest::decode(input);
    let _ = v1::AddEntityAliasRequest::decode(input);
    let _ = v1::SplitEntityAliasRequest::decode(input);
    let _ = v1::WatchRequest::decode(input);
    let _ = v1::WatchResultsRequest::decode(input);
    let _ = v1::GetEntityProfileRequest::decode(input);
    let _ = v1::GetRelationshipRequest::decode(input);
    let _ = v1::SearchEventsRequest::decode(input);
    let _ = v1::SearchQuotesRequest::decode(input);
    let _ = v1::SubmitArticlesRequest::decode(input);
    let _ = v1::GetEntityStatsRequest::decode(input);
    // Filters and names straight from the generator, past any decoding.
    let filter = text(rng);
    check(readout_query::convert::event_filter(&filter))?;
    check(readout_query::convert::quote_filter(&text(rng), &filter))?;
    check(readout_server::request::decode_cursor_token(&filter, ""))?;
    check(readout_server::request::parse_resource_name(
        "entity", "entities", &filter,
    ))?;
    Ok(())
}

/// Runs `inputs` inputs from `seed`: how long the slowest took, or the first failure.
pub fn fuzz(inputs: u64, seed: u64) -> Result<Duration, String> {
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for index in 0..inputs {
        let input = bytes(&mut rng);
        let began = Instant::now();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| exercise(&input, &mut rng)));
        let took = began.elapsed();
        slowest = slowest.max(took);
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(problem)) => return Err(format!("input {index} ({input:?}): {problem}")),
            Err(_) => return Err(format!("input {index} ({input:?}) panicked")),
        }
        if took > Duration::from_secs(1) {
            return Err(format!("input {index} ({input:?}) took {took:?}"));
        }
    }
    eprintln!(
        "fuzz_requests: {inputs} inputs (seed {seed}) in {:.1} s, slowest {:.2} ms: no panic, no status but INVALID_ARGUMENT, no hang",
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1000.0
    );
    Ok(slowest)
}
