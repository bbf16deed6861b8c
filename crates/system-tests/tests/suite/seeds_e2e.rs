//! The five seeds through the real services, checked through the gateway.

use readout_proto::v1::{
    EntityType, EventStatus, GetEntityProfileRequest, GetRelationshipRequest, SearchEventsRequest,
    SearchQuotesRequest,
};

use crate::helpers::{all_entities, seed_texts, spawn_app};

#[tokio::test]
async fn seeds_processed_end_to_end_answer_through_the_gateway() {
    let mut app = spawn_app(2).await;
    let mut names = Vec::new();
    for (_, text) in seed_texts() {
        let (article, created) = app.submit(&text, "").await;
        assert!(created);
        names.push(article.name);
    }
    app.wait_processed(&names).await;

    // A quote by Han Zheng containing "all levels".
    let han = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            query: "levels".into(),
            speaker: "Han Zheng".into(),
            ..Default::default()
        })
        .await
        .expect("quote search")
        .into_inner();
    assert!(
        han.quotes
            .iter()
            .any(|q| q.text.contains("all levels") && q.speaker_display_name == "Han Zheng"),
        "no Han Zheng quote with 'all levels': {:?}",
        han.quotes
            .iter()
            .map(|q| (&q.text, &q.speaker_display_name))
            .collect::<Vec<_>>()
    );

    // An event with Kamala Harris and Xi Jinping.
    let events = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: "Kamala Harris".into(),
            counterpart: "Xi Jinping".into(),
            ..Default::default()
        })
        .await
        .expect("event search")
        .into_inner();
    assert!(!events.events.is_empty(), "no Harris–Xi event");
    for event in &events.events {
        let names: Vec<&str> = event
            .participants
            .iter()
            .map(|p| p.display_name.as_str())
            .collect();
        assert!(
            names.contains(&"Kamala Harris") && names.contains(&"Xi Jinping"),
            "{names:?}"
        );
        assert!(!event.sources.is_empty());
    }

    // Events told by several articles are one event with several sources.
    let biden_xi = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: "Joe Biden".into(),
            counterpart: "Xi Jinping".into(),
            filter: "type = CONSULT".into(),
            page_size: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    let describe = |events: &[readout_proto::v1::Event]| {
        events
            .iter()
            .map(|e| {
                (
                    e.mode,
                    e.status,
                    e.place_display_name.clone(),
                    e.date.clone().unwrap_or_default().value,
                    e.sources.len(),
                )
            })
            .collect::<Vec<_>>()
    };
    let bali: Vec<_> = biden_xi
        .iter()
        .filter(|e| {
            e.status == EventStatus::Occurred as i32
                && ["Nusa Dua", "Bali", "Indonesia"].contains(&e.place_display_name.as_str())
        })
        .collect();
    assert_eq!(bali.len(), 1, "one Bali meeting: {:?}", describe(&biden_xi));
    assert!(
        bali[0].sources.len() >= 3,
        "told by at least three articles: {:?}",
        describe(&biden_xi)
    );
    assert_eq!(bali[0].date.as_ref().unwrap().value, "2022-11-14");
    let san_francisco: Vec<_> = biden_xi
        .iter()
        .filter(|e| e.place_display_name == "San Francisco")
        .collect();
    assert!(!san_francisco.is_empty(), "{:?}", describe(&biden_xi));
    assert!(
        san_francisco
            .iter()
            .all(|e| e.status == EventStatus::Expected as i32),
        "{:?}",
        describe(&biden_xi)
    );
    let harris_xi = app
        .gateway
        .search_events(SearchEventsRequest {
            participant: "Kamala Harris".into(),
            counterpart: "Xi Jinping".into(),
            filter: "type = CONSULT AND date = \"2022-11-19\"".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(harris_xi.len(), 1, "{:?}", describe(&harris_xi));
    assert_eq!(harris_xi[0].place_display_name, "Bangkok");

    // Profiles count and rank counterparts; relationships join two actors or two countries.
    let xi_profile = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Xi Jinping".into(),
            recent_limit: 3,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        xi_profile.event_count >= 3 && xi_profile.quote_count >= 2,
        "{} events, {} quotes",
        xi_profile.event_count,
        xi_profile.quote_count
    );
    assert!(
        xi_profile
            .counterparts
            .iter()
            .take(3)
            .any(|c| c.display_name == "Joe Biden"),
        "{:?}",
        xi_profile.counterparts
    );
    let relationship = app
        .gateway
        .get_relationship(GetRelationshipRequest {
            first: "Xi Jinping".into(),
            second: "Joe Biden".into(),
            limit: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(relationship.events.len() >= 2);
    assert!(
        !relationship.first_on_second.is_empty(),
        "Xi spoke in articles about Biden"
    );
    let countries = app
        .gateway
        .get_relationship(GetRelationshipRequest {
            first: "United States".into(),
            second: "China".into(),
            limit: 50,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        countries.events.len() >= relationship.events.len(),
        "country relationships include their people's events"
    );
    let china = countries.second.unwrap();
    let chinese_quotes = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            filter: format!("speaker_affiliation = \"{}\"", china.name),
            page_size: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(chinese_quotes
        .quotes
        .iter()
        .any(|q| q.speaker_display_name == "Han Zheng"));
    assert!(chinese_quotes
        .quotes
        .iter()
        .all(|q| q.speaker_display_name != "Antony Blinken"));
    let status = app
        .gateway
        .get_relationship(GetRelationshipRequest {
            first: "Xi Jinping".into(),
            second: "Xi Jinping".into(),
            limit: 0,
        })
        .await
        .unwrap_err();
    assert!(status.message().starts_with("second:"), "{status:?}");

    // "autopilot" was said by Wang Wenbin.
    let autopilot = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            query: "autopilot".into(),
            ..Default::default()
        })
        .await
        .expect("quote search")
        .into_inner();
    assert_eq!(autopilot.quotes.len(), 1, "{:?}", autopilot.quotes);
    assert_eq!(autopilot.quotes[0].speaker_display_name, "Wang Wenbin");

    // Profiles resolve names; Wang Yi and Wang Wenbin are different people.
    let wang_yi = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Wang Yi".into(),
            recent_limit: 5,
        })
        .await
        .unwrap()
        .into_inner();
    let wang_wenbin = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Wang Wenbin".into(),
            recent_limit: 5,
        })
        .await
        .unwrap()
        .into_inner();
    let (yi, wenbin) = (wang_yi.entity.unwrap(), wang_wenbin.entity.unwrap());
    assert_eq!(yi.display_name, "Wang Yi");
    assert_eq!(wenbin.display_name, "Wang Wenbin");
    assert_ne!(yi.name, wenbin.name);
    let blinken = app
        .gateway
        .get_entity_profile(GetEntityProfileRequest {
            entity: "Blinken".into(),
            recent_limit: 5,
        })
        .await
        .unwrap()
        .into_inner();
    let entity = blinken.entity.unwrap();
    assert_eq!(entity.display_name, "Antony Blinken");
    assert!(!blinken.recent_events.is_empty() && !blinken.recent_quotes.is_empty());
    assert!(blinken.recent_events.len() <= 5);

    // One registry entity per person across the five articles; Wang Wenbin is not Wang Yi.
    let people = all_entities(&mut app, EntityType::Person).await;
    for name in [
        "Xi Jinping",
        "Joe Biden",
        "Antony Blinken",
        "Wang Yi",
        "Han Zheng",
        "Kamala Harris",
        "Wang Wenbin",
    ] {
        let matching: Vec<_> = people
            .iter()
            .filter(|e| e.display_name == name || e.aliases.iter().any(|a| a == name))
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{name}: {:?}",
            matching.iter().map(|e| &e.display_name).collect::<Vec<_>>()
        );
    }
    let xi = people
        .iter()
        .find(|e| e.display_name == "Xi Jinping")
        .unwrap();
    assert!(xi.aliases.iter().any(|a| a == "Xi"), "{:?}", xi.aliases);
    assert_eq!(xi.affiliation_display_name, "China");
    assert!(xi.roles.iter().any(|r| r.title == "President"));
    let han = people
        .iter()
        .find(|e| e.display_name == "Han Zheng")
        .unwrap();
    assert!(
        han.roles.iter().any(|r| r.title == "Vice President"),
        "{:?}",
        han.roles
    );
    assert!(
        people
            .iter()
            .filter(|e| e.display_name.starts_with("Prayu"))
            .count()
            == 1,
        "spelling variants merged"
    );

    // The same quote in two articles is one quote with two sources: resubmitting
    // a seed under another title changes nothing, a copy with a different
    // headline adds a source.
    let (_, text) = &seed_texts()[1];
    let copy = format!(
        "Another outlet's headline\n{}",
        text.split_once('\n').unwrap().1
    );
    let (article, created) = app.submit(&copy, "").await;
    assert!(created);
    app.wait_processed(&[article.name]).await;
    let again = app
        .gateway
        .search_quotes(SearchQuotesRequest {
            query: "autopilot".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.quotes.len(), 1);
    assert_eq!(again.quotes[0].sources.len(), 2);
    app.stop().await;
}
