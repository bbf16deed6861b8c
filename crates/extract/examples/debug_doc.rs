//! Prints the segmentation, mentions and quotes of one article (a debugging aid):
//! `cargo run -p readout-extract --example debug_doc -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: debug_doc FILE");
    let text = std::fs::read_to_string(path).expect("readable file");
    let analysis = readout_extract::analyze(&text, None);
    for (index, sentence) in analysis.document.sentences.iter().enumerate() {
        let block = &analysis.document.blocks[sentence.block];
        println!(
            "[{index}] {:?} {:?} {:?}",
            block.kind,
            sentence.span,
            sentence.span.of(&text)
        );
        for mention in analysis.entities.mentions_in(sentence.span) {
            let entity = &analysis.entities.entities[mention.entity];
            println!(
                "      {:?} -> {} ({})",
                mention.span.of(&text),
                entity.name,
                entity.kind.as_str()
            );
        }
    }
    if std::env::var_os("DEBUG_MENTIONS").is_some() {
        for mention in &analysis.entities.mentions {
            println!(
                "M {:?} {:?} -> {}",
                mention.span,
                mention.span.of(&text),
                analysis.entities.entities[mention.entity].name
            );
        }
    }
    for quote in &analysis.quotes {
        println!(
            "Q {:?} | speaker {:?} | text {:?} | cue {:?} | partial {}",
            quote.span.of(&text).chars().take(50).collect::<String>(),
            quote
                .speaker
                .map(|e| analysis.entities.entities[e].name.clone()),
            quote.speaker_span.map(|s| s.of(&text)),
            quote.cue_span.map(|s| s.of(&text)),
            quote.partial
        );
    }
}
