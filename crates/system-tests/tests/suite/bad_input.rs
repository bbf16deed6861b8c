//! The bad-input matrix: what a client can send wrong, through the real
//! gateway, and the documented status each gets (never INTERNAL).

use bytes::{Buf, BufMut};
use readout_proto::v1::{
    AnnotateTextRequest, ArticleInput, EntityType, GetEntityProfileRequest, MergeEntitiesRequest,
    SearchEventsRequest, SearchQuotesRequest, SplitEntityAliasRequest, SubmitArticleRequest,
};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::{Code, Status};

use crate::helpers::{all_entities, curation, spawn_app};

/// A codec that sends and receives raw bytes, to put malformed messages on the wire.
#[derive(Clone, Copy, Default)]
struct Raw;

impl Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Raw;
    type Decoder = Raw;
    fn encoder(&mut self) -> Raw {
        Raw
    }
    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

/// Asserts `status` has `code` and, for INVALID_ARGUMENT, names `field` first.
fn expect(case: &str, status: Status, code: Code, field: &str) {
    assert_eq!(status.code(), code, "{case}: {status:?}");
    if code == Code::InvalidArgument {
        assert!(
            status.message().starts_with(&format!("{field}:")),
            "{case}: the message should start with {field}: {status:?}"
        );
    }
}

fn article(text: &str, published_date: &str, source_url: &str) -> SubmitArticleRequest {
    SubmitArticleRequest {
        article: Some(ArticleInput {
            text: text.into(),
            published_date: published_date.into(),
            source_url: source_url.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_input_gets_its_documented_status() {
    let mut app = spawn_app(1).await;
    let address = app.suite.as_ref().unwrap().gateway;
    let channel = crate::helpers::tls_channel(address, false);

    // Bytes that are not the message the method takes.
    for (case, bytes) in [
        ("malformed protobuf", vec![0xff, 0xff, 0xff, 0xff]),
        (
            "invalid UTF-8 in a string field",
            vec![0x0a, 0x02, 0xc3, 0x28],
        ),
    ] {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await.unwrap();
        let path = tonic::codegen::http::uri::PathAndQuery::from_static(
            "/readout.v1.GatewayService/GetEntityProfile",
        );
        let status = grpc
            .unary(tonic::Request::new(bytes), path, Raw)
            .await
            .unwrap_err();
        expect(case, status, Code::InvalidArgument, "request");
    }

    // NUL characters in what lookups send to the store.
    let nul = |value: &str| format!("{value}\0");
    let status = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: nul("Xi"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    expect("NUL in entity", status, Code::InvalidArgument, "entity");
    let status = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            query: nul("trade"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    expect("NUL in query", status, Code::InvalidArgument, "query");
    let status = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            speaker: nul("Biden"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    expect("NUL in speaker", status, Code::InvalidArgument, "speaker");
    let status = app
        .gateway
        .search_events(SearchEventsRequest {
            filter: nul("type = CONSULT"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    expect("NUL in filter", status, Code::InvalidArgument, "filter");
    let status = app
        .entities
        .add_entity_alias(curation(readout_proto::v1::AddEntityAliasRequest {
            entity: format!("entities/{}", uuid::Uuid::new_v4()),
            alias: nul("Joe"),
        }))
        .await
        .unwrap_err();
    expect("NUL in alias", status, Code::InvalidArgument, "alias");

    // Article fields.
    let status = app
        .ingest
        .submit_article(article("Text.", "-0001-01-01", ""))
        .await
        .unwrap_err();
    expect(
        "a year before 1",
        status,
        Code::InvalidArgument,
        "article.published_date",
    );
    let status = app
        .ingest
        .submit_article(article("Text.", "", "https://example.org/\0"))
        .await
        .unwrap_err();
    expect(
        "NUL in source_url",
        status,
        Code::InvalidArgument,
        "article.source_url",
    );
    let status = app
        .ingest
        .submit_article(article(&"word ".repeat(600_000), "", ""))
        .await
        .unwrap_err();
    expect(
        "a message over the limit",
        status,
        Code::ResourceExhausted,
        "",
    );

    // Unknown enum values.
    let status = app
        .entities
        .annotate_text(AnnotateTextRequest {
            text: "Joe Biden met Xi Jinping.".into(),
            view: 99,
            ..Default::default()
        })
        .await
        .unwrap_err();
    expect("view 99", status, Code::InvalidArgument, "view");

    // Curation that cannot apply.
    let (article, _) = app
        .submit(
            "WASHINGTON — President Joe Biden met Chinese President Xi Jinping in Bali on Monday, the White House said.",
            "2022-11-14",
        )
        .await;
    app.wait_processed(&[article.name]).await;
    let people = all_entities(&mut app, EntityType::Person).await;
    let countries = all_entities(&mut app, EntityType::Gpe).await;
    let (person, country) = (&people[0], &countries[0]);
    let status = app
        .entities
        .merge_entities(curation(MergeEntitiesRequest {
            entity: country.name.clone(),
            source: person.name.clone(),
        }))
        .await
        .unwrap_err();
    expect(
        "merge a person into a country",
        status,
        Code::FailedPrecondition,
        "",
    );
    let status = app
        .entities
        .split_entity_alias(curation(SplitEntityAliasRequest {
            entity: person.name.clone(),
            alias: person.display_name.clone(),
            display_name: String::new(),
        }))
        .await
        .unwrap_err();
    expect(
        "split off an entity's own name",
        status,
        Code::FailedPrecondition,
        "",
    );
    app.stop().await;
}
