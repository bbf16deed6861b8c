//! Query plans: every lookup can be answered from an index. With sequential
//! scans priced out, a plan that still reads a whole table has no index to
//! use; each filter shape must also start from the index made for it. (The
//! lookup benchmark prints the plans chosen on a million-article store.)

use readout_store::reads::{
    explain_entity_stats, explain_events, explain_quotes, EventFilter, Page, QuoteFilter,
};
use uuid::Uuid;

fn assert_indexed(what: &str, plan: &[String], expected_index: &str) {
    let text = plan.join("\n");
    assert!(
        !text.contains("Seq Scan"),
        "{what} reads a whole table:\n{text}"
    );
    assert!(
        text.contains(expected_index),
        "{what} does not start from {expected_index}:\n{text}"
    );
}

#[tokio::test]
async fn every_lookup_shape_uses_its_index() {
    readout_server::telemetry::init_for_tests();
    let (url, _pool) = readout_store::testing::fresh_database().await.unwrap();
    // One connection, so the session setting applies to every EXPLAIN.
    let pool = readout_store::connect(&url, 1, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    sqlx::query("SET enable_seqscan = off")
        .execute(&pool)
        .await
        .unwrap();
    let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let date = chrono::NaiveDate::from_ymd_opt(2023, 1, 1);
    let page = || Page::first(20);
    let event_cases = [
        ("all events", EventFilter::default(), "events_order"),
        (
            "events of a type",
            EventFilter {
                event_type: Some(readout_store::kinds::EventType::Consult),
                ..Default::default()
            },
            "events_type_order",
        ),
        (
            "events of a participant since a date",
            EventFilter {
                participants: vec![a],
                event_type: Some(readout_store::kinds::EventType::Consult),
                date_from: date,
                ..Default::default()
            },
            "event_participants_order",
        ),
        (
            "events of two participants (relationship)",
            EventFilter {
                participants: vec![a, b],
                ..Default::default()
            },
            "event_pairs_order",
        ),
        (
            "events of two countries (relationship)",
            EventFilter {
                countries: vec![a, c],
                ..Default::default()
            },
            "event_countries_order",
        ),
        (
            "events at a place",
            EventFilter {
                place: Some(c),
                ..Default::default()
            },
            "events_place_order",
        ),
        (
            "events of an article (watch)",
            EventFilter {
                article: Some(c),
                ..Default::default()
            },
            "event_sources_article",
        ),
    ];
    for (what, filter, index) in &event_cases {
        let plan = explain_events(&pool, filter, page(), false).await.unwrap();
        assert_indexed(what, &plan, index);
    }
    let quote_cases = [
        ("all quotes", QuoteFilter::default(), "quotes_order"),
        (
            "quotes of a speaker",
            QuoteFilter {
                speaker: Some(a),
                ..Default::default()
            },
            "quotes_speaker_order",
        ),
        (
            "quotes by a country's people on a subject in a year",
            QuoteFilter {
                speaker_affiliation: Some(a),
                text_query: Some("taiwan".into()),
                date_from: date,
                ..Default::default()
            },
            "quotes_country_order",
        ),
        (
            "quotes by words",
            QuoteFilter {
                text_query: Some("climate finance".into()),
                ..Default::default()
            },
            "quotes_",
        ),
        (
            "quotes of a speaker in articles about another entity (relationship)",
            QuoteFilter {
                speaker: Some(a),
                about: Some(b),
                ..Default::default()
            },
            "quotes_speaker_order",
        ),
        (
            "quotes of an article (watch)",
            QuoteFilter {
                article: Some(c),
                ..Default::default()
            },
            "quote_sources_article",
        ),
    ];
    for (what, filter, index) in &quote_cases {
        let plan = explain_quotes(&pool, filter, page(), false).await.unwrap();
        assert_indexed(what, &plan, index);
    }
    // Past the recent window a text search probes months through the
    // month-scoped GIN index (with the speaker or country in it), never by
    // walking an order index and filtering every row by its words.
    let text_cases = [
        QuoteFilter {
            text_query: Some("supply chips".into()),
            ..Default::default()
        },
        QuoteFilter {
            text_query: Some("\"mutual respect\"".into()),
            speaker: Some(a),
            ..Default::default()
        },
        QuoteFilter {
            text_query: Some("taiwan -military".into()),
            speaker_affiliation: Some(a),
            date_from: date,
            date_to: date,
            ..Default::default()
        },
    ];
    for filter in &text_cases {
        let plan = explain_quotes(&pool, filter, page(), false).await.unwrap();
        assert_indexed(
            &format!("month probes of {filter:?}"),
            &plan,
            "Bitmap Index Scan on quotes_month_search",
        );
    }
    let plan = explain_entity_stats(&pool, a, false).await.unwrap();
    assert_indexed(
        "entity profile counts and counterparts",
        &plan,
        "event_participants_order",
    );
}
