//! Who may call the gateway: the matrix of credentials against scopes through
//! a real gateway (API keys from the store, JWTs of a configured issuer, no
//! anonymous access), the curation records, and the local suite's anonymous
//! reading and ingesting with curation closed to anonymous callers.

use readout_auth::jwt::test_issuer::TestIssuer;
use readout_proto::v1::entity_service_client::EntityServiceClient;
use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::ingest_service_client::IngestServiceClient;
use readout_proto::v1::{
    AddEntityAliasRequest, ArticleInput, EntityType, GetEntityProfileRequest,
    ListCurationRecordsRequest, ListEntitiesRequest, MergeEntitiesRequest, SearchQuotesRequest,
    SplitEntityAliasRequest, SubmitArticleRequest,
};
use tonic::transport::Channel;
use tonic::Code;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::helpers::{fresh_pool, spawn_app, spawn_app_on, store_key, with_key};

const READER: &str =
    "rk_00000000000a_000000000000000000000000000000000000000000000000000000000000000a";
const INGESTER: &str =
    "rk_00000000000b_000000000000000000000000000000000000000000000000000000000000000b";
const REVOKED: &str =
    "rk_00000000000d_000000000000000000000000000000000000000000000000000000000000000d";
const UNKNOWN: &str =
    "rk_00000000000e_000000000000000000000000000000000000000000000000000000000000000e";
const ISSUER: &str = "https://id.example";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn code<T: std::fmt::Debug>(result: Result<T, tonic::Status>) -> (Code, String) {
    match result {
        Ok(_) => (Code::Ok, String::new()),
        Err(status) => (status.code(), status.message().to_owned()),
    }
}

fn profile() -> GetEntityProfileRequest {
    GetEntityProfileRequest {
        entity: "Ana Lima".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_credential_gets_exactly_its_scopes_through_the_gateway() {
    let pool = fresh_pool().await;
    let mut app = spawn_app_on(pool.clone(), 1).await;
    // Two people to merge, through the open local gateway.
    let (article, _) = app
        .submit(
            "Finance Minister Ana Lima met Trade Minister Rui Costa in Lisbon on Monday.",
            "2024-05-06",
        )
        .await;
    app.wait_processed(std::slice::from_ref(&article.name))
        .await;

    store_key(&pool, "reader", READER, &["read"]).await;
    store_key(&pool, "ingester", INGESTER, &["ingest"]).await;
    store_key(&pool, "revoked", REVOKED, &["read", "curate"]).await;
    assert!(readout_store::access::revoke_key(&pool, "revoked")
        .await
        .unwrap());

    // A gateway as production runs it: keys and JWTs, nobody anonymous.
    let issuer = TestIssuer::new();
    let jwks = std::env::temp_dir().join(format!("readout-jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&jwks, &issuer.jwks).unwrap();
    let suite = app.suite.as_ref().unwrap();
    let mut config = readout_gateway::GatewayConfig::local(
        "127.0.0.1:0",
        &format!("https://{}", suite.ingest),
        &format!("https://{}", suite.entity),
        &format!("https://{}", suite.query),
    );
    let tls = &crate::helpers::test_tls().suite;
    config.common.tls_cert = Some(tls.cert.clone());
    config.common.tls_key = Some(tls.key.clone());
    config.common.tls_ca = Some(tls.ca.clone());
    config.common.plaintext = false;
    config.anonymous_scopes = readout_auth::Scopes::NONE;
    config.jwt_issuer = Some(ISSUER.into());
    config.jwks_file = Some(jwks.clone());
    let listener = readout_server::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let keys = pool.clone();
    let server = tokio::spawn(async move {
        readout_gateway::serve(&config, Some(keys), listener, async move {
            let _ = stopped.await;
        })
        .await
    });
    let channel: Channel = crate::helpers::tls_channel(address, false);
    let mut gateway = GatewayServiceClient::new(channel.clone());
    let mut entities = EntityServiceClient::new(channel.clone());
    let mut ingest = IngestServiceClient::new(channel.clone());
    let mut health = HealthClient::new(channel.clone());
    // Health checks need no credentials (probes), and tell when it is up.
    let mut up = false;
    for _ in 0..100 {
        if health
            .check(HealthCheckRequest::default())
            .await
            .is_ok_and(|r| r.into_inner().status == 1)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the gateway serves");

    let token = |sub: &str, scope: &str, exp: u64| {
        issuer.token(&serde_json::json!({
            "iss": ISSUER, "aud": "readout", "sub": sub, "exp": exp, "scope": scope,
        }))
    };
    let curator = token("ana", "openid readout:curate read", now() + 600);
    let expired = token("ana", "read curate", now() - 600);

    // No token.
    let (got, message) = code(gateway.get_entity_profile(profile()).await);
    assert_eq!(got, Code::Unauthenticated, "{message}");
    // Wrong tokens: an unknown key, a revoked key, garbage, another scheme.
    for bad in [UNKNOWN, REVOKED, "guessed"] {
        let (got, message) = code(gateway.get_entity_profile(with_key(profile(), bad)).await);
        assert_eq!(got, Code::Unauthenticated, "{bad}: {message}");
    }
    let mut basic = tonic::Request::new(profile());
    basic.metadata_mut().insert(
        "authorization",
        "Basic YWxhZGRpbjpzZXNhbWU=".parse().unwrap(),
    );
    assert_eq!(
        code(gateway.get_entity_profile(basic).await).0,
        Code::Unauthenticated
    );
    // An expired JWT.
    let (got, message) = code(
        gateway
            .get_entity_profile(with_key(profile(), &expired))
            .await,
    );
    assert_eq!(got, Code::Unauthenticated, "{message}");
    assert!(message.contains("expired"), "{message}");
    // A JWT of another issuer's key.
    let stranger = TestIssuer::new().token(&serde_json::json!({
        "iss": ISSUER, "aud": "readout", "sub": "eve", "exp": now() + 600, "scope": "read curate",
    }));
    assert_eq!(
        code(
            gateway
                .get_entity_profile(with_key(profile(), &stranger))
                .await
        )
        .0,
        Code::Unauthenticated
    );
    // A read key: reads, but neither curates nor ingests.
    assert_eq!(
        code(
            gateway
                .get_entity_profile(with_key(profile(), READER))
                .await
        )
        .0,
        Code::Ok
    );
    let people = entities
        .list_entities(with_key(
            ListEntitiesRequest {
                r#type: EntityType::Person as i32,
                ..Default::default()
            },
            READER,
        ))
        .await
        .unwrap()
        .into_inner()
        .entities;
    let name_of = |display: &str| {
        people
            .iter()
            .find(|entity| entity.display_name == display)
            .unwrap_or_else(|| panic!("{display} in {people:?}"))
            .name
            .clone()
    };
    let (lima, costa) = (name_of("Ana Lima"), name_of("Rui Costa"));
    let merge = || MergeEntitiesRequest {
        entity: lima.clone(),
        source: costa.clone(),
    };
    let (got, message) = code(entities.merge_entities(with_key(merge(), READER)).await);
    assert_eq!(got, Code::PermissionDenied, "{message}");
    assert!(message.contains("curate"), "{message}");
    let submit = || SubmitArticleRequest {
        article: Some(ArticleInput {
            text: "Ana Lima said the budget would pass.".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        code(ingest.submit_article(with_key(submit(), READER)).await).0,
        Code::PermissionDenied
    );
    // An ingest key: submits, but does not read.
    assert_eq!(
        code(ingest.submit_article(with_key(submit(), INGESTER)).await).0,
        Code::Ok
    );
    let (got, message) = code(
        gateway
            .search_quotes(with_key(
                SearchQuotesRequest {
                    query: "budget".into(),
                    ..Default::default()
                },
                INGESTER,
            ))
            .await,
    );
    assert_eq!(got, Code::PermissionDenied, "{message}");
    // The curation records are the curators' to read.
    assert_eq!(
        code(
            entities
                .list_curation_records(with_key(ListCurationRecordsRequest::default(), READER))
                .await
        )
        .0,
        Code::PermissionDenied
    );
    // A curator's JWT merges (a forged principal header is ignored), and a
    // failed curation call is recorded too.
    let mut forged = with_key(merge(), &curator);
    forged.metadata_mut().insert(
        "x-readout-principal",
        "api-key:someone-else".parse().unwrap(),
    );
    let merged = entities.merge_entities(forged).await.unwrap().into_inner();
    assert_eq!(merged.entity.unwrap().name, lima);
    let (got, _) = code(
        entities
            .add_entity_alias(with_key(
                AddEntityAliasRequest {
                    entity: costa.clone(),
                    alias: "R. Costa".into(),
                },
                &curator,
            ))
            .await,
    );
    assert_eq!(got, Code::NotFound, "the merged-away entity is gone");
    let records = entities
        .list_curation_records(with_key(ListCurationRecordsRequest::default(), &curator))
        .await
        .unwrap()
        .into_inner()
        .curation_records;
    let summary: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| (r.principal.as_str(), r.method.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("jwt:https://id.example#ana", "AddEntityAlias", "NOT_FOUND"),
            ("jwt:https://id.example#ana", "MergeEntities", "OK"),
        ]
    );
    let request: serde_json::Value = serde_json::from_str(&records[1].request_json).unwrap();
    assert_eq!(request["source"], costa.as_str());
    assert!(records[1].name.starts_with("curationRecords/"));
    // Internal services are not reachable through the gateway.
    let mut resolver =
        readout_proto::v1::entity_resolver_service_client::EntityResolverServiceClient::new(
            channel.clone(),
        );
    let (got, _) = code(
        resolver
            .resolve_entities(with_key(
                readout_proto::v1::ResolveEntitiesRequest::default(),
                &curator,
            ))
            .await,
    );
    assert_eq!(got, Code::Unimplemented);

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let _ = std::fs::remove_file(jwks);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_callers_of_the_local_suite_read_and_ingest_but_never_curate() {
    let mut app = spawn_app(0).await;
    let entity = format!("entities/{}", uuid::Uuid::new_v4());
    let merge = app
        .entities
        .merge_entities(MergeEntitiesRequest {
            entity: entity.clone(),
            source: format!("entities/{}", uuid::Uuid::new_v4()),
        })
        .await;
    assert_eq!(code(merge).0, Code::Unauthenticated);
    let split = app
        .entities
        .split_entity_alias(SplitEntityAliasRequest {
            entity: entity.clone(),
            alias: "Biden".into(),
            display_name: String::new(),
        })
        .await;
    assert_eq!(code(split).0, Code::Unauthenticated);
    let alias = app
        .entities
        .add_entity_alias(AddEntityAliasRequest {
            entity,
            alias: "fake".into(),
        })
        .await;
    assert_eq!(code(alias).0, Code::Unauthenticated);
    assert_eq!(
        code(app.gateway.get_entity_profile(profile()).await).0,
        Code::NotFound
    );
    app.stop().await;
}
