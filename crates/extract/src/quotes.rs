//! Direct quotes: quote-mark pairing, attribution and speaker resolution.
//!
//! Quote marks: curly and straight double quotes. Single quotes are headline and
//! heading style and are not quotes of a speaker. A mark opened and not closed in
//! its paragraph runs to the paragraph end (multi-paragraph quotes repeat the
//! opening mark). Apostrophes are never quote marks.
//!
//! Attribution, in order: a cue and speaker after the quote (`," Han said`,
//! `," said spokesperson Wang Wenbin`); a cue before the quote in its sentence
//! (`Harris said: "`, `Xi said the relationship had "…"`); a cue at the end of the
//! sentence after its last quote; otherwise a quote that opens its sentence
//! continues the previous speaker. Pronouns resolve to the subject of the nearest
//! earlier sentence that names a person; anonymous sources ("one of the senior
//! officials") stay unattributed with their words kept.

use crate::entities::DocEntities;
use crate::lexicon::EntityKind;
use crate::text::{BlockKind, Document, Span};
use crate::tokens::{tokenize, Token, TokenKind};

/// A quote found in the article.
#[derive(Clone, Debug)]
pub struct FoundQuote {
    /// The words inside the marks.
    pub span: Span,
    /// The speaking entity (document index), if resolved.
    pub speaker: Option<usize>,
    /// The words naming the speaker.
    pub speaker_span: Option<Span>,
    /// The attribution cue.
    pub cue_span: Option<Span>,
    /// Embedded in the writer's sentence.
    pub partial: bool,
    /// Confidence in the attribution.
    pub confidence: f32,
}

#[derive(Clone, Copy, Debug)]
struct MarkedQuote {
    /// Inside the marks.
    inner: Span,
    /// Including the marks.
    outer: Span,
    block: usize,
    /// Opened and not closed in its paragraph (a quote running over paragraphs).
    unclosed: bool,
}

fn is_opening_context(previous: Option<char>) -> bool {
    previous.is_none_or(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '(' | '[' | '\u{2014}' | '\u{2013}' | '-' | ':' | ',' | '>'
            )
    })
}

/// Finds the double-quoted spans of each content block.
fn find_marked(document: &Document<'_>) -> Vec<MarkedQuote> {
    let text = document.text;
    let mut quotes = Vec::new();
    for (block_index, block) in document.blocks.iter().enumerate() {
        if block.kind == BlockKind::Boilerplate {
            continue;
        }
        let content = block.span.of(text);
        let mut open: Option<(usize, usize)> = None; // (byte offset of the mark, its length)
        let mut previous: Option<char> = None;
        let chars: Vec<(usize, char)> = content.char_indices().collect();
        for (index, &(offset, c)) in chars.iter().enumerate() {
            let next = chars.get(index + 1).map(|&(_, n)| n);
            match c {
                '\u{201c}' => open = Some((offset, c.len_utf8())),
                '\u{201d}' => {
                    if let Some((start, open_len)) = open.take() {
                        push_quote(
                            &mut quotes,
                            block.span.start,
                            start,
                            open_len,
                            offset,
                            c,
                            block_index,
                        );
                    }
                }
                '"' => match open {
                    Some((start, open_len))
                        if !previous.is_some_and(char::is_whitespace)
                            || next
                                .is_none_or(|n| n.is_whitespace() || n.is_ascii_punctuation()) =>
                    {
                        open = None;
                        push_quote(
                            &mut quotes,
                            block.span.start,
                            start,
                            open_len,
                            offset,
                            c,
                            block_index,
                        );
                    }
                    Some(_) => open = Some((offset, 1)),
                    None if is_opening_context(previous)
                        && next.is_some_and(|n| !n.is_whitespace()) =>
                    {
                        open = Some((offset, 1))
                    }
                    None => {}
                },
                _ => {}
            }
            previous = Some(c);
        }
        // Unclosed at the paragraph end: the quote runs to the end of the paragraph.
        if let Some((start, mark_len)) = open {
            let inner_start = block.span.start + start + mark_len;
            let inner = Span::new(inner_start, block.span.end);
            if inner.of(text).split_whitespace().count() >= 3 {
                quotes.push(MarkedQuote {
                    inner,
                    outer: Span::new(block.span.start + start, block.span.end),
                    block: block_index,
                    unclosed: true,
                });
            }
        }
    }
    quotes
}

fn push_quote(
    quotes: &mut Vec<MarkedQuote>,
    base: usize,
    open: usize,
    open_len: usize,
    close: usize,
    close_mark: char,
    block: usize,
) {
    let inner = Span::new(base + open + open_len, base + close);
    let outer = Span::new(base + open, base + close + close_mark.len_utf8());
    if inner.start <= inner.end {
        quotes.push(MarkedQuote {
            inner,
            outer,
            block,
            unclosed: false,
        });
    }
}

/// Cue phrases, longest first; each is a sequence of lower-case words.
const CUES: &[&str] = &[
    "was quoted as saying",
    "called it",
    "calling it",
    "called",
    "is quoted as saying",
    "were quoted as saying",
    "according to",
    "described as",
    "describing",
    "asked for",
    "called for",
    "said",
    "says",
    "say",
    "told",
    "tells",
    "telling",
    "wrote",
    "writes",
    "added",
    "adds",
    "adding",
    "noted",
    "notes",
    "stated",
    "states",
    "reiterated",
    "declared",
    "expressed",
    "asked",
    "urged",
    "warned",
    "insisted",
    "argued",
    "explained",
    "continued",
    "saying",
    "condemned",
    "stressed",
    "emphasized",
    "emphasised",
    "announced",
    "acknowledged",
    "admitted",
    "replied",
    "responded",
    "posted",
    "tweeted",
    "remarked",
    "commented",
    "claimed",
    "cautioned",
    "recalled",
    "observed",
    "concluded",
    "pledged",
    "vowed",
    "promised",
    "predicted",
    "suggested",
    "underscored",
    "affirmed",
    "calling",
    "confirmed",
    "reported",
];

const AUXILIARIES: &[&str] = &["has", "have", "had"];

/// Prepositions that end the head of a speaker phrase ("of" stays: "one of the officials").
const PREPOSITIONS: &[&str] = &[
    "for",
    "with",
    "in",
    "on",
    "at",
    "by",
    "from",
    "during",
    "after",
    "following",
    "about",
    "over",
    "since",
    "to",
    "into",
    "against",
    "before",
    "under",
    "between",
    "among",
];

/// Words that open a new clause: a speaker phrase never reaches back past them.
const CLAUSE_OPENERS: &[&str] = &[
    "that", "which", "who", "whom", "while", "when", "but", "because", "although", "though",
    "where", "whether", "if", "whereas", "so",
];

const PRONOUNS: &[&str] = &["he", "she", "He", "She"];

/// Nouns for sources that stay anonymous when no name is given.
const ANONYMOUS_HEADS: &[&str] = &[
    "official",
    "officials",
    "source",
    "sources",
    "analyst",
    "analysts",
    "expert",
    "experts",
    "diplomat",
    "diplomats",
    "people",
    "person",
    "observers",
    "critics",
    "residents",
    "witnesses",
    "they",
    "They",
];

/// Nouns for documents an organisation speaks through.
const DOCUMENT_HEADS: &[&str] = &[
    "statement",
    "statements",
    "readout",
    "readouts",
    "report",
    "release",
    "communique",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "ministry",
];

/// Words that end a speaker phrase.
const PHRASE_BREAKS: &[&str] = &[
    "that", "which", "who", "while", "when", "but", "because", "during", "in", "on", "at", "after",
    "before", "as", "if", "and", "to", "for", "with", "without", "since", "although", "though",
    "where", "whether", "by", "from",
];

#[derive(Clone, Copy, Debug)]
struct Cue {
    /// Token index of the first cue word (including an auxiliary).
    first: usize,
    /// Token index one past the last cue word.
    last: usize,
}

fn find_cues(text: &str, tokens: &[Token]) -> Vec<Cue> {
    // Cues are matched case-sensitively: "States" in "United States" is no cue.
    let lower: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
    let mut cues = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut matched = None;
        for cue in CUES {
            let words: Vec<&str> = cue.split(' ').collect();
            if i + words.len() <= tokens.len()
                && words
                    .iter()
                    .enumerate()
                    .all(|(k, w)| lower[i + k] == *w && tokens[i + k].kind == TokenKind::Word)
            {
                matched = Some(words.len());
                break;
            }
        }
        if let Some(length) = matched {
            let first = if i > 0 && AUXILIARIES.contains(&lower[i - 1]) {
                i - 1
            } else {
                i
            };
            cues.push(Cue {
                first,
                last: i + length,
            });
            i += length;
        } else {
            i += 1;
        }
    }
    cues
}

/// A speaker phrase's resolution.
struct Speaker {
    entity: Option<usize>,
    span: Span,
    confidence: f32,
}

fn is_pronoun(word: &str) -> bool {
    PRONOUNS.contains(&word)
}

/// Resolves the speaker phrase `tokens[from..to]` of the sentence `sentence`.
fn resolve_phrase(
    text: &str,
    tokens: &[Token],
    from: usize,
    to: usize,
    sentence: usize,
    entities: &DocEntities,
    document: &Document<'_>,
) -> Option<Speaker> {
    // Trim punctuation at both ends.
    let mut from = from;
    let mut to = to;
    while from < to && tokens[from].kind != TokenKind::Word {
        from += 1;
    }
    while to > from && tokens[to - 1].kind != TokenKind::Word {
        to -= 1;
    }
    if from >= to {
        return None;
    }
    let span = Span::new(tokens[from].span.start, tokens[to - 1].span.end);
    // The head of the phrase is the last word before its first preposition:
    // "The foreign ministry readouts for Wang's meetings with Blinken" → "readouts".
    let head_end = (from + 1..to)
        .find(|&k| {
            tokens[k].kind == TokenKind::Word && PREPOSITIONS.contains(&tokens[k].text(text))
        })
        .unwrap_or(to);
    let head_span = Span::new(span.start, tokens[head_end - 1].span.end);
    let head = tokens[head_end - 1].text(text);
    let kind_of = |m: &&crate::entities::DocMention| entities.entities[m.entity].kind;
    if DOCUMENT_HEADS.contains(&head.to_lowercase().as_str()) && head_end < to {
        // "a readout by spokesman Matthew Miller": the author after "by".
        let by = (head_end..to).find(|&k| tokens[k].text(text) == "by");
        if let Some(by) = by {
            let author = Span::new(tokens[by].span.start, span.end);
            if let Some(person) = entities
                .mentions_in(author)
                .filter(|m| kind_of(m) == EntityKind::Person)
                .last()
            {
                return Some(Speaker {
                    entity: Some(person.entity),
                    span,
                    confidence: 0.8,
                });
            }
        }
    }
    let mentions: Vec<_> = entities.mentions_in(head_span).collect();
    let (span, to) = (head_span, head_end);
    if let Some(person) = mentions
        .iter()
        .rev()
        .find(|m| kind_of(m) == EntityKind::Person)
    {
        return Some(Speaker {
            entity: Some(person.entity),
            span,
            confidence: 0.9,
        });
    }
    if to - from == 1 && is_pronoun(head) {
        let entity = resolve_pronoun(span.start, sentence, entities, document);
        return Some(Speaker {
            entity,
            span,
            confidence: if entity.is_some() { 0.75 } else { 0.3 },
        });
    }
    if ANONYMOUS_HEADS.contains(&head) {
        return Some(Speaker {
            entity: None,
            span,
            confidence: 0.7,
        });
    }
    if let Some(org) = mentions
        .iter()
        .rev()
        .find(|m| kind_of(m) == EntityKind::Org)
    {
        if org.span.end == span.end
            || DOCUMENT_HEADS.contains(&head.to_lowercase().as_str())
            || head.chars().next().is_some_and(char::is_uppercase)
        {
            return Some(Speaker {
                entity: Some(org.entity),
                span,
                confidence: 0.8,
            });
        }
    }
    if let Some(place) = mentions
        .iter()
        .rev()
        .find(|m| matches!(kind_of(m), EntityKind::Gpe))
    {
        if place.span.end == span.end {
            return Some(Speaker {
                entity: Some(place.entity),
                span,
                confidence: 0.6,
            });
        }
    }
    // "the foreign ministry readouts": the document's one national ministry.
    let lower = span.of(text).to_lowercase();
    if lower.contains("ministry") {
        let ministries: Vec<usize> = (0..entities.entities.len())
            .filter(|&e| {
                entities.entities[e].kind == EntityKind::Org
                    && entities.entities[e]
                        .name
                        .to_lowercase()
                        .contains("ministry")
            })
            .collect();
        if ministries.len() == 1 {
            return Some(Speaker {
                entity: Some(ministries[0]),
                span,
                confidence: 0.6,
            });
        }
    }
    Some(Speaker {
        entity: None,
        span,
        confidence: 0.5,
    })
}

/// The person a pronoun at `position` refers to: the first person named in the
/// nearest sentence (this one before the pronoun, then up to three earlier).
fn resolve_pronoun(
    position: usize,
    sentence: usize,
    entities: &DocEntities,
    document: &Document<'_>,
) -> Option<usize> {
    let current = document.sentences[sentence].span;
    if let Some(m) = entities
        .mentions_in(Span::new(current.start, position))
        .find(|m| entities.entities[m.entity].kind == EntityKind::Person)
    {
        return Some(m.entity);
    }
    for back in 1..=3 {
        let Some(index) = sentence.checked_sub(back) else {
            break;
        };
        let earlier = &document.sentences[index];
        if matches!(
            document.blocks[earlier.block].kind,
            BlockKind::Caption | BlockKind::Heading
        ) {
            continue;
        }
        if let Some(m) = entities
            .mentions_in(earlier.span)
            .find(|m| entities.entities[m.entity].kind == EntityKind::Person)
        {
            return Some(m.entity);
        }
    }
    None
}

fn sentence_of(document: &Document<'_>, position: usize) -> usize {
    document
        .sentences
        .partition_point(|s| s.span.end <= position)
        .min(document.sentences.len().saturating_sub(1))
}

/// Extracts the quotes of a document.
pub fn extract(document: &Document<'_>, entities: &DocEntities) -> Vec<FoundQuote> {
    let text = document.text;
    let marked = find_marked(document);
    let mut found: Vec<FoundQuote> = Vec::new();
    let mut previous: Option<(usize, FoundQuote)> = None; // (block, quote)
                                                          // Paragraphs of one multi-paragraph quote waiting for the attribution that
                                                          // comes after its last paragraph: indices into `found`.
    let mut chain: Vec<usize> = Vec::new();
    for (index, quote) in marked.iter().enumerate() {
        if document.sentences.is_empty() {
            break;
        }
        let sentence_index = sentence_of(document, quote.outer.start);
        let sentence = document.sentences[sentence_index].span;
        // A quote may run over several sentences: what follows it is read in the
        // sentence of its closing mark.
        let close_index =
            sentence_of(document, quote.outer.end.saturating_sub(1)).max(sentence_index);
        let close_sentence = document.sentences[close_index].span;
        let inner = trim_span(text, quote.inner);
        if inner.start >= inner.end {
            continue;
        }
        let before = Span::new(sentence.start.min(quote.outer.start), quote.outer.start);
        // Quotes sharing the closing sentence share an attribution at its end.
        let last_in_sentence = marked[index..]
            .iter()
            .take_while(|q| {
                q.outer.start < close_sentence.end.max(quote.outer.end) && q.block == quote.block
            })
            .last()
            .map_or(quote.outer.end, |q| q.outer.end);
        let after_end = close_sentence.end.max(last_in_sentence);
        let before_text = before.of(text).trim();
        let opens_sentence =
            before_text.is_empty() || before_text.chars().all(|c| !c.is_alphanumeric());
        let before_tokens = tokenize(text, before);
        let before_cues = find_cues(text, &before_tokens);
        let ends_with_colon = before_text.ends_with(':');

        let mut attribution: Option<(Speaker, Span)> = None; // (speaker, cue span)
                                                             // 1. Right after the quote.
        let direct_after = Span::new(quote.outer.end.min(after_end), after_end);
        if let Some(found_after) =
            attribution_after(text, direct_after, close_index, entities, document)
        {
            attribution = Some(found_after);
        }
        // 2. Before the quote, in its sentence.
        if attribution.is_none() && !opens_sentence && !before_cues.is_empty() {
            let last = before_cues.len() - 1;
            let cue = before_cues[last];
            let cue_span = Span::new(
                before_tokens[cue.first].span.start,
                before_tokens[cue.last - 1].span.end,
            );
            let speaker = resolve_cue(
                text,
                &before_tokens,
                &before_cues,
                last,
                sentence_index,
                entities,
                document,
            );
            if let Some(speaker) = speaker {
                attribution = Some((speaker, cue_span));
            }
        }
        // 3. At the end of the sentence, after its last quote.
        if attribution.is_none() && last_in_sentence > quote.outer.end {
            let tail = Span::new(last_in_sentence.min(after_end), after_end);
            attribution = attribution_after(text, tail, close_index, entities, document);
        }
        let words = inner.of(text).split_whitespace().count();
        let partial = !(opens_sentence
            || ends_with_colon
            || before_text.ends_with(',') && !before_cues.is_empty());
        let attributed = attribution.is_some();
        let quote_record = match attribution {
            Some((speaker, cue_span)) => FoundQuote {
                span: inner,
                speaker: speaker.entity,
                speaker_span: Some(speaker.span),
                cue_span: Some(cue_span),
                partial,
                confidence: speaker.confidence,
            },
            None => {
                // 4. A quote opening its sentence continues the previous speaker.
                let continues = opens_sentence
                    && previous.as_ref().is_some_and(|(block, _)| {
                        quote.block >= *block && quote.block - *block <= 2
                    });
                if continues {
                    let (_, last) = previous.as_ref().expect("checked above");
                    FoundQuote {
                        span: inner,
                        partial,
                        confidence: last.confidence * 0.8,
                        ..last.clone()
                    }
                } else if words <= 1 {
                    // A scare quote: a single unattributed term.
                    continue;
                } else {
                    FoundQuote {
                        span: inner,
                        speaker: None,
                        speaker_span: None,
                        cue_span: None,
                        partial,
                        confidence: 0.3,
                    }
                }
            }
        };
        if attributed && opens_sentence && !chain.is_empty() {
            for &earlier in &chain {
                let span = found[earlier].span;
                found[earlier] = FoundQuote {
                    span,
                    partial: found[earlier].partial,
                    ..quote_record.clone()
                };
            }
        }
        if quote.unclosed && !attributed {
            chain.push(found.len());
        } else {
            chain.clear();
        }
        previous = Some((quote.block, quote_record.clone()));
        found.push(quote_record);
    }
    found
}

fn trim_span(text: &str, span: Span) -> Span {
    let content = span.of(text);
    let trimmed_start = content.len() - content.trim_start().len();
    let trimmed = content.trim();
    Span::new(
        span.start + trimmed_start,
        span.start + trimmed_start + trimmed.len(),
    )
}

/// The speaker of the `index`-th cue of a sentence part: the phrase before it;
/// when there is none, the phrase after an inverting cue ("said Harris"), the
/// previous cue's speaker ("Kirby said, adding: ..."), or the sentence's subject.
fn resolve_cue(
    text: &str,
    tokens: &[Token],
    cues: &[Cue],
    index: usize,
    sentence: usize,
    entities: &DocEntities,
    document: &Document<'_>,
) -> Option<Speaker> {
    let cue = cues[index];
    let cue_text = Span::new(tokens[cue.first].span.start, tokens[cue.last - 1].span.end).of(text);
    if cue_text.ends_with("according to") {
        let end = phrase_end(text, tokens, cue.last);
        return resolve_phrase(text, tokens, cue.last, end, sentence, entities, document);
    }
    let start = phrase_start(text, tokens, cue.first);
    // "..., and asked for": a bare conjunction is no subject.
    let has_subject = tokens[start..cue.first].iter().any(|t| {
        t.kind == TokenKind::Word
            && !matches!(
                t.text(text),
                "and" | "but" | "or" | "then" | "also" | "later"
            )
    });
    if has_subject {
        return resolve_phrase(text, tokens, start, cue.first, sentence, entities, document);
    }
    if speaker_follows(text, tokens, cue) {
        let end = phrase_end(text, tokens, cue.last);
        return resolve_phrase(text, tokens, cue.last, end, sentence, entities, document);
    }
    if index > 0 {
        return resolve_cue(text, tokens, cues, index - 1, sentence, entities, document);
    }
    sentence_subject(tokens, cue.first, entities)
}

/// Cues after which the speaker may follow ("said Harris", "added one of the officials").
const INVERTING_CUES: &[&str] = &[
    "said",
    "says",
    "added",
    "adds",
    "wrote",
    "writes",
    "noted",
    "stated",
    "continued",
    "explained",
    "asked",
];

/// True when the speaker follows the cue: an inverting cue followed, before any
/// punctuation and within six words, by a capitalised name or a source noun.
fn speaker_follows(text: &str, tokens: &[Token], cue: Cue) -> bool {
    let cue_word = tokens[cue.last - 1].text(text);
    if !INVERTING_CUES.contains(&cue_word) {
        return false;
    }
    let mut words = tokens[cue.last..]
        .iter()
        .take_while(|t| t.kind == TokenKind::Word)
        .take(6)
        .map(|t| t.text(text));
    let Some(first) = words.next() else {
        return false;
    };
    if matches!(
        first,
        "that" | "it" | "this" | "he" | "she" | "they" | "we" | "I"
    ) {
        return false;
    }
    std::iter::once(first).chain(words).any(|word| {
        word.chars().next().is_some_and(char::is_uppercase)
            || ANONYMOUS_HEADS.contains(&word)
            || DOCUMENT_HEADS.contains(&word)
    })
}

/// The subject of the clause before `cue`: the first person (or organisation)
/// named before it in the sentence ("Harris pitched ..., telling ...: \"...\"").
fn sentence_subject(tokens: &[Token], cue: usize, entities: &DocEntities) -> Option<Speaker> {
    if cue == 0 {
        return None;
    }
    let span = Span::new(tokens[0].span.start, tokens[cue - 1].span.end);
    let mention = entities
        .mentions_in(span)
        .find(|m| entities.entities[m.entity].kind == EntityKind::Person)
        .or_else(|| {
            entities
                .mentions_in(span)
                .find(|m| entities.entities[m.entity].kind == EntityKind::Org)
        })?;
    Some(Speaker {
        entity: Some(mention.entity),
        span: mention.span,
        confidence: 0.6,
    })
}

/// Where a speaker phrase ending before `cue` starts: after the nearest
/// punctuation or clause opener.
fn phrase_start(text: &str, tokens: &[Token], cue: usize) -> usize {
    let mut start = cue;
    while start > 0 {
        let token = tokens[start - 1];
        let word = token.text(text);
        let is_break_punct = token.kind == TokenKind::Punct
            && matches!(
                word,
                "," | ";"
                    | ":"
                    | "\u{201c}"
                    | "\u{201d}"
                    | "\""
                    | "("
                    | ")"
                    | "\u{2014}"
                    | "."
                    | "?"
                    | "!"
            );
        if is_break_punct
            || (token.kind == TokenKind::Word && CLAUSE_OPENERS.contains(&word))
            || cue - start >= 20
        {
            break;
        }
        start -= 1;
    }
    start
}

/// Where a speaker phrase starting at `from` (after the cue) ends.
fn phrase_end(text: &str, tokens: &[Token], from: usize) -> usize {
    let mut end = from;
    while end < tokens.len() {
        let token = tokens[end];
        let word = token.text(text);
        if token.kind == TokenKind::Punct && word != "-" && word != "\u{2019}" {
            break;
        }
        if token.kind == TokenKind::Word && end > from && PHRASE_BREAKS.contains(&word) {
            break;
        }
        end += 1;
        if end - from > 12 {
            break;
        }
    }
    end
}

/// An attribution right after a quote: `, Han said`, `, said spokesperson Wang
/// Wenbin during a briefing`, `he added`. The cue must come within a short phrase.
fn attribution_after(
    text: &str,
    after: Span,
    sentence: usize,
    entities: &DocEntities,
    document: &Document<'_>,
) -> Option<(Speaker, Span)> {
    if after.start >= after.end {
        return None;
    }
    let tokens = tokenize(text, after);
    let mut first = 0;
    while first < tokens.len()
        && tokens[first].kind == TokenKind::Punct
        && matches!(
            tokens[first].text(text),
            "," | "\u{2014}" | "-" | "\u{201d}" | "\""
        )
    {
        first += 1;
    }
    // The attribution must start the clause: no other words before it than the phrase.
    let cues = find_cues(text, &tokens[first..]);
    let cue = cues.first()?;
    let (cue_first, cue_last) = (cue.first + first, cue.last + first);
    if tokens[first..cue_first].iter().any(|t| {
        t.kind == TokenKind::Punct && !matches!(t.text(text), "-" | "\u{2019}" | "'" | ".")
    }) {
        return None;
    }
    if cue_first - first > 10 {
        return None;
    }
    let cue_span = Span::new(tokens[cue_first].span.start, tokens[cue_last - 1].span.end);
    let speaker = if cue_first == first {
        // Cue first: the speaker follows ("said Oriana Skylar Mastro, a ... expert").
        let end = phrase_end(text, &tokens, cue_last);
        resolve_phrase(text, &tokens, cue_last, end, sentence, entities, document)?
    } else {
        resolve_phrase(
            text, &tokens, first, cue_first, sentence, entities, document,
        )?
    };
    Some((speaker, cue_span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::recognize;
    use crate::text::segment;

    fn run(text: &str) -> Vec<(String, Option<String>, bool)> {
        let document = segment(text);
        let entities = recognize(&document);
        extract(&document, &entities)
            .into_iter()
            .map(|q| {
                (
                    q.span.of(text).to_owned(),
                    q.speaker.map(|e| entities.entities[e].name.clone()),
                    q.partial,
                )
            })
            .collect()
    }

    #[test]
    fn after_before_and_pronoun_attribution() {
        let text = "Headline\nVice President Kamala Harris spoke in Bangkok.\n\u{201c}We condemn these actions,\u{201d} she said.\nChinese Vice President Han Zheng stated that Beijing is ready at \u{201c}all levels.\u{201d}\n\u{201c}At the same time, we cannot be on autopilot,\u{201d} said ministry spokesperson Wang Wenbin during a briefing.\n";
        let quotes = run(text);
        assert_eq!(
            quotes[0],
            (
                "We condemn these actions,".into(),
                Some("Kamala Harris".into()),
                false
            )
        );
        assert_eq!(
            quotes[1],
            ("all levels.".into(), Some("Han Zheng".into()), true)
        );
        assert_eq!(quotes[2].1.as_deref(), Some("Wang Wenbin"));
        assert!(!quotes[2].2);
    }

    #[test]
    fn anonymous_sources_stay_unattributed() {
        let text = "Headline\nMeeting planned.\n\u{201c}We are making preparations for such a meeting,\u{201d} one of the senior administration officials said.\n";
        let quotes = run(text);
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].1, None);
    }

    #[test]
    fn a_quote_over_paragraphs_takes_the_attribution_at_its_end() {
        let text = "Headline\nSenator Jane Doe spoke first.\nPresident John Roe answered.\n\u{201c}We will not give up on the talks, not now.\n\u{201c}And we will meet again next year,\u{201d} Roe said.\n";
        let quotes = run(text);
        assert_eq!(quotes.len(), 2);
        assert_eq!(quotes[0].1.as_deref(), Some("John Roe"));
        assert_eq!(quotes[1].1.as_deref(), Some("John Roe"));
    }

    #[test]
    fn apostrophes_and_unbalanced_marks_do_not_break() {
        let text = "Headline\nThe U.S.\u{2019} view and Harris\u{2019} meeting. He said \u{201c}never closed\n";
        let quotes = run(text);
        assert!(quotes.len() <= 1);
    }
}
