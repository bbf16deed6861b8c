//! Events through the services: direction is stored and searchable (who acted,
//! whom it was aimed at), and two agreements of the same parties months apart
//! stay two events.

use readout_proto::v1::{EventType, ParticipantRole, SearchEventsRequest};

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread")]
async fn direction_is_stored_and_searchable_and_distant_agreements_stay_apart() {
    let mut app = spawn_app(1).await;
    let accusation = "China accuses Japan\n\
        China accused Japan of provoking tensions in the East China Sea on Tuesday, the foreign ministry said.\n";
    let june = "Talks in Beijing\n\
        The United States and China agreed in Beijing on June 19, 2023 to keep talking about trade.\n";
    let october = "Talks in Washington\n\
        The United States and China agreed in Washington on October 27, 2023 to resume military talks.\n";
    let mut names = Vec::new();
    for (text, date) in [
        (accusation, "2023-08-01"),
        (june, "2023-06-20"),
        (october, "2023-10-28"),
    ] {
        let (article, _) = app.submit(text, date).await;
        names.push(article.name);
    }
    app.wait_processed(&names).await;

    let search = |source: &str, target: &str, filter: &str| SearchEventsRequest {
        source: source.into(),
        target: target.into(),
        filter: filter.into(),
        page_size: 50,
        ..Default::default()
    };
    let by_china = app
        .gateway
        .search_events(search("China", "Japan", "type = ACCUSE"))
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(by_china.len(), 1, "{by_china:?}");
    let roles: Vec<(String, i32)> = by_china[0]
        .participants
        .iter()
        .map(|p| (p.display_name.clone(), p.role))
        .collect();
    assert!(
        roles.contains(&("China".into(), ParticipantRole::Source as i32)),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("Japan".into(), ParticipantRole::Target as i32)),
        "{roles:?}"
    );
    // The other direction finds nothing: Japan accused nobody.
    let by_japan = app
        .gateway
        .search_events(search("Japan", "China", "type = ACCUSE"))
        .await
        .unwrap()
        .into_inner()
        .events;
    assert!(by_japan.is_empty(), "{by_japan:?}");

    let agreements = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: "China".into(),
            counterpart: "United States".into(),
            filter: "type = AGREE".into(),
            page_size: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    let dates: Vec<String> = agreements
        .iter()
        .filter(|e| e.r#type == EventType::Agree as i32)
        .map(|e| e.date.clone().unwrap_or_default().value)
        .collect();
    assert_eq!(
        agreements.len(),
        2,
        "two agreements months apart: {dates:?}"
    );
    app.stop().await;
}
