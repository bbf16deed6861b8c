//! Registry curation over gRPC: merge, add alias, split alias; every change is
//! visible at once to the query service and the gateway.

use readout_proto::v1::{
    AddEntityAliasRequest, EntityType, GetEntityProfileRequest, MergeEntitiesRequest,
    SearchEntitiesRequest, SearchEventsRequest, SearchQuotesRequest, SplitEntityAliasRequest,
};
use tonic::Code;

use crate::helpers::curation;
use crate::helpers::{all_entities, spawn_app};

#[tokio::test]
async fn merge_add_alias_and_split_repoint_everything() {
    let mut app = spawn_app(1).await;
    // Two spellings the extractor does not take for one person (different word counts).
    let first = "Headline\nTurkish President Recep Tayyip Erdogan met Russian President Vladimir Putin in Sochi on September 4, 2023.\n\u{201c}We agree on much,\u{201d} Erdogan said.";
    let second = "Headline\nPresident Tayyip Erdogan met Chinese President Xi Jinping in Samarkand on September 15, 2022.\n\u{201c}The talks were useful,\u{201d} Erdogan said.";
    for text in [first, second] {
        let (article, _) = app.submit(text, "").await;
        app.wait_processed(&[article.name]).await;
    }
    let people = all_entities(&mut app, EntityType::Person).await;
    let kim = people
        .iter()
        .find(|e| e.display_name == "Recep Tayyip Erdogan")
        .expect("Recep Tayyip Erdogan")
        .clone();
    let kim_hyphen = people
        .iter()
        .find(|e| e.display_name == "Tayyip Erdogan")
        .expect("Tayyip Erdogan")
        .clone();

    let merged = app
        .entities
        .merge_entities(curation(MergeEntitiesRequest {
            entity: kim.name.clone(),
            source: kim_hyphen.name.clone(),
        }))
        .await
        .expect("merge")
        .into_inner()
        .entity
        .unwrap();
    assert!(merged.aliases.iter().any(|a| a == "Tayyip Erdogan"));
    assert_eq!(
        merged.mention_count,
        kim.mention_count + kim_hyphen.mention_count
    );
    let profile = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: kim.name.clone(),
            recent_limit: 10,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        profile.recent_quotes.len(),
        2,
        "both quotes now point at the merged entity"
    );
    assert_eq!(profile.recent_events.len(), 2);
    let status = app
        .entities
        .get_entity(readout_proto::v1::GetEntityRequest {
            name: kim_hyphen.name.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .entities
        .merge_entities(curation(MergeEntitiesRequest {
            entity: kim.name.clone(),
            source: kim.name.clone(),
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);

    // A later article spelling it the merged-away way resolves to the merged entity.
    let third = "Headline\nTayyip Erdogan met Ukrainian President Volodymyr Zelensky in Istanbul on July 8, 2023.";
    let (article, _) = app.submit(third, "").await;
    app.wait_processed(&[article.name]).await;
    let people = all_entities(&mut app, EntityType::Person).await;
    assert_eq!(
        people
            .iter()
            .filter(|e| e.display_name.ends_with("Erdogan"))
            .count(),
        1
    );
    let events = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: kim.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(events.events.len(), 3);

    // An alias makes a nickname searchable.
    let with_alias = app
        .entities
        .add_entity_alias(curation(AddEntityAliasRequest {
            entity: kim.name.clone(),
            alias: "Turkish leader".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .entity
        .unwrap();
    assert!(with_alias.aliases.iter().any(|a| a == "Turkish leader"));
    let found = app
        .entities
        .search_entities(SearchEntitiesRequest {
            query: "turkish leader".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        found.entities.first().map(|e| e.name.clone()),
        Some(kim.name.clone())
    );

    // Splitting the wrongly merged spelling off moves its quote attribution back.
    let split = app
        .entities
        .split_entity_alias(curation(SplitEntityAliasRequest {
            entity: kim.name.clone(),
            alias: "Tayyip Erdogan".into(),
            display_name: String::new(),
        }))
        .await
        .unwrap()
        .into_inner();
    let new_entity = split.new_entity.unwrap();
    assert_eq!(new_entity.display_name, "Tayyip Erdogan");
    assert!(!split
        .entity
        .unwrap()
        .aliases
        .iter()
        .any(|a| a == "Tayyip Erdogan"));
    let quotes = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            speaker: new_entity.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        quotes.quotes.is_empty(),
        "quotes attributed through \"Erdogan\" stay with the entity they were merged into"
    );
    let status = app
        .entities
        .split_entity_alias(curation(SplitEntityAliasRequest {
            entity: kim.name.clone(),
            alias: "No Such Alias".into(),
            display_name: String::new(),
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    app.stop().await;
}

#[tokio::test]
async fn entity_search_is_typo_tolerant_and_ranked() {
    let mut app = spawn_app(1).await;
    let text = "Headline\nSecretary of State Antony Blinken met Foreign Minister Wang Yi. Blinken and Wang talked. Later Blinken spoke to Anthony Albanese.";
    let (article, _) = app.submit(text, "").await;
    app.wait_processed(&[article.name]).await;
    for query in ["Blinken", "blinkn", "Antony Blinkin", "ANTONY BLINKEN"] {
        let found = app
            .entities
            .search_entities(SearchEntitiesRequest {
                query: query.into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            found.entities.first().map(|e| e.display_name.as_str()),
            Some("Antony Blinken"),
            "query {query:?}"
        );
    }
    let status = app
        .entities
        .search_entities(SearchEntitiesRequest {
            query: "  ".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("query:"));
    app.stop().await;
}
