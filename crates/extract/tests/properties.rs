//! Property tests: the extractor never panics on arbitrary text, and every span
//! it returns lies inside the text on char boundaries.

use proptest::prelude::*;
use readout_extract::{analyze, Span};

fn assert_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} not on char boundaries"
    );
}

fn check(text: &str) {
    let analysis = analyze(text, None);
    for mention in &analysis.entities.mentions {
        assert_span(text, mention.span);
        assert_span(text, mention.full_span);
        assert!(mention.entity < analysis.entities.entities.len());
    }
    for quote in &analysis.quotes {
        assert_span(text, quote.span);
        quote
            .speaker_span
            .into_iter()
            .chain(quote.cue_span)
            .for_each(|span| assert_span(text, span));
        if let Some(speaker) = quote.speaker {
            assert!(speaker < analysis.entities.entities.len());
        }
    }
    for event in &analysis.events {
        assert_span(text, event.evidence);
        event
            .date_span
            .into_iter()
            .for_each(|span| assert_span(text, span));
        assert!(event
            .participants
            .iter()
            .all(|&p| p < analysis.entities.entities.len()));
    }
    let gold = readout_extract::gold::to_gold(&analysis, "doc", None);
    serde_json::to_string(&gold).expect("serialisable");
}

/// Pieces that stress the quote and entity logic: marks, apostrophes, names,
/// cues, control characters, multi-byte text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{201c}".to_owned()),
        Just("\u{201d}".to_owned()),
        Just("\"".to_owned()),
        Just("\u{2018}".to_owned()),
        Just("\u{2019}".to_owned()),
        Just("'s ".to_owned()),
        Just(" said ".to_owned()),
        Just(", he added. ".to_owned()),
        Just("President Xi Jinping ".to_owned()),
        Just("U.S.\u{2019} ".to_owned()),
        Just("Chinese Vice President Han Zheng ".to_owned()),
        Just(" met with ".to_owned()),
        Just(" on Monday, Nov. 19, 2022. ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("<p>".to_owned()),
        Just("\u{0}\u{7}\u{1b}".to_owned()),
        Just("\u{fffd}\u{200b}\u{feff}".to_owned()),
        Just("Xi\u{0301} Ji\u{0308}nping ".to_owned()),
        "[a-zA-Z .,:;!?-]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, .. ProptestConfig::default() })]

    #[test]
    fn never_panics_and_spans_stay_inside(pieces in prop::collection::vec(piece(), 0..60)) {
        check(&pieces.concat());
    }

    #[test]
    fn arbitrary_unicode_is_handled(text in any::<String>()) {
        check(&text);
    }
}

#[test]
fn huge_paragraphs_and_unbalanced_marks() {
    let paragraph = "\u{201c}word ".repeat(20_000);
    check(&paragraph);
    let mixed = format!(
        "Headline\n{}\n{}",
        "He said \"a ".repeat(5_000),
        "\u{201d}".repeat(1000)
    );
    check(&mixed);
    check("");
    check("\n\n\n");
    check("\u{201c}");
}
