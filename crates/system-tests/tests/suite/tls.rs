//! TLS on every hop: the suite the tests start serves TLS everywhere (every
//! test goes through it), the internal services require client certificates
//! signed by the suite's CA, and a server without a certificate refuses to
//! start unless plaintext was chosen.

use readout_proto::v1::gateway_service_client::GatewayServiceClient;
use readout_proto::v1::query_service_client::QueryServiceClient;
use readout_proto::v1::{GetEntityProfileRequest, GetEntityStatsRequest};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::helpers::{spawn_app, tls_channel};

#[tokio::test(flavor = "multi_thread")]
async fn the_suite_speaks_tls_and_its_internal_services_want_client_certificates() {
    let mut app = spawn_app(1).await;
    let (article, _) = app
        .submit(
            "Finance Minister Ana Lima met Trade Minister Rui Costa in Lisbon on Monday.",
            "2024-05-06",
        )
        .await;
    // Processed: ingest reached the entity service over mutual TLS.
    app.wait_processed(std::slice::from_ref(&article.name))
        .await;
    // The profile: the gateway reached the entity and query services over mutual TLS.
    let profile = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Ana Lima".into(),
            ..Default::default()
        })
        .await
        .expect("profile over TLS")
        .into_inner();
    let entity = profile.entity.expect("an entity");
    assert_eq!(entity.display_name, "Ana Lima");
    let suite = app.suite.as_ref().unwrap();

    // A plaintext client gets no answer from the TLS gateway (the client sees the
    // connection fail; its status depends on where the handshake broke).
    let plaintext = tonic::transport::Endpoint::from_shared(format!("http://{}", suite.gateway))
        .unwrap()
        .connect_lazy();
    let refused = GatewayServiceClient::new(plaintext)
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Ana Lima".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    // The connection fails; the client's status depends on where the handshake
    // broke (UNAVAILABLE, UNKNOWN, INTERNAL or CANCELLED): no answer is what matters.
    assert_ne!(refused.code(), tonic::Code::NotFound, "{refused:?}");

    // An internal service refuses a client without a certificate of the suite's CA...
    let request = || GetEntityStatsRequest {
        entity: entity.name.clone(),
        ..Default::default()
    };
    let anonymous = QueryServiceClient::new(tls_channel(suite.query, false))
        .get_entity_stats(request())
        .await
        .unwrap_err();
    assert_ne!(anonymous.code(), tonic::Code::NotFound, "{anonymous:?}");
    // ...and answers one with it.
    QueryServiceClient::new(tls_channel(suite.query, true))
        .get_entity_stats(request())
        .await
        .expect("stats with a client certificate");
    let mut health = HealthClient::new(tls_channel(suite.entity, true));
    health
        .check(HealthCheckRequest::default())
        .await
        .expect("entity health over mutual TLS");
    app.stop().await;
}

#[tokio::test]
async fn a_server_without_a_certificate_needs_plaintext_chosen() {
    let mut config = readout_query::QueryConfig::local("127.0.0.1:0");
    config.common.plaintext = false;
    let refused = readout_server::tls::server_config(&config.common).unwrap_err();
    assert!(
        refused.to_string().contains("READOUT_PLAINTEXT"),
        "{refused}"
    );
    config.common.plaintext = true;
    assert!(readout_server::tls::server_config(&config.common)
        .unwrap()
        .is_none());
}
