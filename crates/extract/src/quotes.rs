//! Direct quotes: quote-mark pairing, attribution and speaker resolution.
//!
//! Quote marks: curly and straight double quotes. Single quotes are headline and
//! heading style and are not quotes of a speaker. A mark opened and not closed in
//! its paragraph runs to the paragraph end (multi-paragraph quotes repeat the
//! opening mark). Apostrophes are never quote marks. A single quoted word is a
//! marked term, not a quote.
//!
//! Attribution runs ordered sieves, most precise first (after Stanford CoreNLP's
//! quote attribution): quote → speaker phrase, then phrase → entity.
//!
//! Quote → phrase, in order: a transcript label (`PENCE: ...`) for every quote of
//! its paragraph; a cue right after the quote (`," Han said`, `," said Rep. Jane
//! Doe (D-Ore.), who ...`, `― Jane Doe`); the main clause's cue before the quote
//! (`Harris said: "`, `Xi dismissed it as "…"`, skipping relative, subordinate and
//! participle clauses); an attribution at the end of the sentence; the sentence
//! that introduces a quote (`Doe said:`) or the short one after it (`"...?" Doe
//! asked`); the possessor of a reporting noun (`Doe's claim that "..."`); the
//! subject of the writer's sentence around a partial quote; the person the
//! sentence or paragraph before is about; the previous quote's speaker.
//! Cues come from the reporting-verb lexicon of `cues.rs`.
//!
//! Phrase → entity: the phrase's head (past titles, party tags, appositives and
//! prepositional phrases) is a recognised person or organisation, a name word of
//! one, a pronoun (the nearest person of its gender named outside quotes, the
//! speaker of the last quote first), or a description (`the Vermont senator`, `the
//! company`: the most-named recent entity of that kind and gender). Documents and
//! anonymous sources (`the report`, `one of the officials`) keep their words as
//! speaker text with no entity. [`propose_speakers`] adds the speakers recognition
//! missed as entities and resolved descriptions as mentions.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::cues::{CueForm, CUE_LEXICON};
use crate::entities::DocEntities;
use crate::gender::{title_gender, Gender, GIVEN_NAMES};
use crate::lexicon::{EntityKind, Known, LEXICON};
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
                                                     // Only quote marks act: jump from one to the next (`"` is the byte 0x22;
                                                     // U+201C and U+201D start with 0xE2, like other characters that the
                                                     // match below passes over). `previous` and `next` are the characters
                                                     // right before and after the mark.
        let bytes = content.as_bytes();
        let mut from = 0;
        while let Some(found) = bytes[from..].iter().position(|&b| b == b'"' || b == 0xE2) {
            let offset = from + found;
            let Some(c) = content[offset..].chars().next() else {
                break;
            };
            from = offset + c.len_utf8();
            let previous = content[..offset].chars().next_back();
            let next = content[from..].chars().next();
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

const AUXILIARIES: &[&str] = &["has", "have", "had"];

/// Words after which a base-form verb is a cue ("they say", "will tell").
const BASE_CUE_AFTER: &[&str] = &[
    "to", "will", "would", "can", "could", "should", "may", "might", "must", "did", "does", "do",
    "they", "we", "I", "you", "also", "often", "always", "never", "not", "just", "still", "n't",
    "often", "again",
];

/// Cue lemmas whose third-person form is also a plural noun ("remarks").
const NOUN_LEMMAS: &[&str] = &[
    "comment",
    "remark",
    "report",
    "claim",
    "call",
    "charge",
    "attack",
    "question",
    "answer",
    "reply",
    "post",
    "tweet",
    "quote",
    "note",
    "state",
    "promise",
    "pledge",
    "demand",
    "vow",
    "boast",
    "joke",
    "quip",
    "blast",
    "slam",
    "praise",
    "blame",
    "protest",
    "object",
    "counter",
    "estimate",
    "email",
    "rant",
    "point",
    "label",
    "brand",
    "term",
    "counter",
    "hint",
    "sigh",
    "groan",
    "shout",
    "complaint",
    "mention",
    "find",
    "rule",
    "challenge",
    "defend",
    "concern",
    "plead",
    "warn",
    "chant",
    "sneer",
    "whisper",
    "bark",
    "growl",
    "hiss",
    "howl",
    "roar",
    "wail",
    "moan",
    "gasp",
    "jeer",
    "cry",
];

/// Words before which a verb-like word is a noun or an adjective ("the claims",
/// "the alleged").
const NOUN_MARKERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those",
    "such", "any", "no", "every", "some", "many", "few", "one", "two", "so", "of", "whose", "new",
    "first", "last", "latest",
];

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
    "where", "whether", "if", "whereas", "so", "as", "how", "why", "what",
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

/// Words that end a speaker phrase after its cue.
const PHRASE_BREAKS: &[&str] = &[
    "that", "which", "who", "while", "when", "but", "because", "during", "in", "on", "at", "after",
    "before", "as", "if", "and", "to", "for", "with", "without", "since", "although", "though",
    "where", "whether", "by", "from",
];

/// Abbreviations whose period stays inside a name phrase ("Rep. Jane Doe (D-Ore.)").
const NAME_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Sens", "Rep", "Reps", "No", "Gov", "Gen", "Col", "Lt",
    "Sgt", "Capt", "Adm", "Maj", "Cmdr", "Cpl", "Pvt", "Rev", "Atty", "Supt", "Det", "Hon", "St",
    "Jr", "Sr", "Inc", "Corp", "Ltd", "Co", "Mt", "Ft", "Ala", "Ariz", "Ark", "Calif", "Colo",
    "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn",
    "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash",
    "Wis", "Wyo",
];

/// Words that may open a sentence before its subject ("But", "Meanwhile,").
const SENTENCE_ADVERBS: &[&str] = &[
    "But",
    "And",
    "So",
    "Yet",
    "Still",
    "Meanwhile",
    "Instead",
    "Now",
    "Then",
    "Also",
    "However",
    "Later",
    "Earlier",
    "Indeed",
    "Moreover",
    "Separately",
    "Nonetheless",
    "Nevertheless",
];

/// Words that open an introductory phrase ending in a comma ("In July, ...").
const INTRODUCTORY: &[&str] = &[
    "In",
    "At",
    "On",
    "After",
    "During",
    "Before",
    "When",
    "While",
    "As",
    "Although",
    "Though",
    "Since",
    "Because",
    "If",
    "Asked",
    "Speaking",
    "Following",
    "Writing",
    "Earlier",
    "Later",
    "Last",
    "This",
    "On",
    "From",
    "Under",
    "Over",
    "With",
    "Without",
    "Despite",
    "Amid",
    "Unlike",
    "Like",
    "For",
    "Even",
    "Once",
    "Until",
    "Responding",
    "Addressing",
    "Referring",
    "Talking",
];

/// Cue lemmas after which the speaker may follow ("said Harris", "added one of the officials").
const INVERTING_LEMMAS: &[&str] = &[
    "say",
    "remember",
    "add",
    "write",
    "note",
    "state",
    "continue",
    "explain",
    "ask",
    "reply",
    "respond",
    "declare",
    "conclude",
    "insist",
    "warn",
    "recall",
    "remark",
    "observe",
    "argue",
    "quip",
    "joke",
    "tweet",
    "answer",
    "retort",
    "counter",
    "acknowledge",
    "admit",
    "concede",
    "comment",
    "caution",
    "suggest",
    "boast",
    "complain",
    "predict",
    "exclaim",
    "shout",
    "muse",
    "report",
    "announce",
    "post",
    "recount",
    "confirm",
    "stress",
    "emphasize",
    "emphasise",
    "tell",
    "beam",
    "read",
    "cry",
    "bark",
    "roar",
    "agree",
    "opine",
    "assert",
    "contend",
    "claim",
    "maintain",
    "proclaim",
    "wonder",
    "inquire",
    "query",
    "sigh",
    "groan",
    "mutter",
    "murmur",
    "whisper",
    "yell",
    "scream",
    "snap",
    "scoff",
    "chant",
    "sing",
    "urge",
    "plead",
    "promise",
    "vow",
    "mock",
    "taunt",
    "tease",
    "gush",
    "marvel",
    "crow",
    "fume",
    "grumble",
    "lament",
    "intone",
    "interject",
];

/// Words that open an adverbial phrase before the clause ("In other words,
/// explained Doe"), not a subject.
const OPENING_WORDS: &[&str] = &[
    "in",
    "because",
    "as",
    "after",
    "before",
    "when",
    "while",
    "with",
    "for",
    "at",
    "on",
    "unlike",
    "like",
    "despite",
    "since",
    "although",
    "though",
    "if",
    "once",
    "by",
    "during",
    "given",
    "still",
    "yet",
    "instead",
    "meanwhile",
    "however",
    "indeed",
    "finally",
    "again",
    "asked",
    "speaking",
    "writing",
];

/// Nouns that name a person's role, for descriptions ("the senator").
const PERSON_NOUNS: &[&str] = &[
    "writer",
    "novelist",
    "poet",
    "journalist",
    "reporter",
    "artist",
    "painter",
    "composer",
    "musician",
    "player",
    "coach",
    "scientist",
    "researcher",
    "historian",
    "activist",
    "politician",
    "member",
    "comedian",
    "humorist",
    "guitarist",
    "drummer",
    "bassist",
    "vocalist",
    "pianist",
    "filmmaker",
    "playwright",
    "photographer",
    "designer",
    "entrepreneur",
    "investor",
    "athlete",
    "footballer",
    "boxer",
    "golfer",
    "pitcher",
    "quarterback",
    "striker",
    "goalkeeper",
    "senator",
    "congressman",
    "congresswoman",
    "lawmaker",
    "governor",
    "mayor",
    "president",
    "candidate",
    "nominee",
    "businessman",
    "businesswoman",
    "billionaire",
    "mogul",
    "minister",
    "chancellor",
    "secretary",
    "leader",
    "speaker",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "chief",
    "executive",
    "founder",
    "host",
    "anchor",
    "commentator",
    "columnist",
    "author",
    "actor",
    "actress",
    "singer",
    "star",
    "judge",
    "attorney",
    "lawyer",
    "prosecutor",
    "general",
    "officer",
    "commissioner",
    "ambassador",
    "envoy",
    "premier",
    "king",
    "queen",
    "prince",
    "pope",
    "hopeful",
    "contender",
    "rival",
    "incumbent",
    "veteran",
    "professor",
    "economist",
    "aide",
    "adviser",
    "advisor",
    "strategist",
    "pollster",
    "manager",
    "man",
    "woman",
    "father",
    "mother",
    "son",
    "daughter",
    "wife",
    "husband",
    "friend",
    "brother",
    "sister",
    "cousin",
    "neighbor",
    "neighbour",
    "colleague",
];

/// True for a lower-case noun of a person's role ("senator", "writer").
pub(crate) fn is_person_noun(word: &str) -> bool {
    PERSON_NOUNS.contains(&word)
}

/// Nouns that name an organisation, for descriptions ("the company").
const ORG_NOUNS: &[&str] = &[
    "company",
    "firm",
    "group",
    "campaign",
    "agency",
    "department",
    "ministry",
    "government",
    "administration",
    "committee",
    "organization",
    "organisation",
    "bank",
    "newspaper",
    "network",
    "party",
    "union",
    "council",
    "court",
    "board",
    "bureau",
    "office",
    "team",
    "club",
    "university",
    "paper",
    "magazine",
];

#[derive(Clone, Copy, Debug)]
struct Cue {
    /// Token index of the first cue word (including an auxiliary).
    first: usize,
    /// Token index one past the last cue word.
    last: usize,
    /// The lemma ("say").
    lemma: &'static str,
    /// The form matched.
    form: CueForm,
}

fn word_at<'t>(text: &'t str, tokens: &[Token], index: usize) -> Option<&'t str> {
    tokens
        .get(index)
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text))
}

/// True when the text also writes `word` in lower case (a common word).
fn written_lower(text: &str, word: &str) -> bool {
    let lower = word.to_lowercase();
    text.match_indices(lower.as_str()).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + lower.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Finds the reporting cues of a token run with the lexicon of `cues.rs`.
fn find_cues(text: &str, tokens: &[Token]) -> Vec<Cue> {
    find_cues_in(text, tokens, true)
}

/// Finds cues; `strict` rejects a noun-like third-person form ("reports")
/// unless a name or pronoun precedes it. Right after a quote the first words
/// are the attribution, and "the document states" is a cue.
fn find_cues_in(text: &str, tokens: &[Token], strict: bool) -> Vec<Cue> {
    let lexicon = &*CUE_LEXICON;
    let mut cues = Vec::new();
    let mut i = 0;
    let mut lower = String::new();
    while i < tokens.len() {
        let token = tokens[i];
        if token.kind != TokenKind::Word {
            i += 1;
            continue;
        }
        let word = token.text(text);
        // Cues are lower case ("States" in "United States" is no cue), but a
        // fixed phrase may open a sentence ("According to").
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        if word.chars().skip(1).any(char::is_uppercase) {
            i += 1;
            continue;
        }
        lower.clear();
        if word.is_ascii() {
            // The same lowercase form, without per-character case mapping.
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        let previous = if i > 0 && tokens[i - 1].kind == TokenKind::Word {
            Some(tokens[i - 1].text(text))
        } else if i > 0 && tokens[i - 1].kind == TokenKind::Possessive {
            Some("'s")
        } else {
            None
        };
        let mut matched = None;
        // A capitalised past verb right after a comma is a cue written with a
        // capital by mistake ("Murphy, the adviser, Tweeted").
        let after_comma = i > 0 && tokens[i - 1].text(text) == ",";
        for entry in lexicon.get(&lower) {
            if capitalised
                && entry.form != CueForm::Phrase
                && !(after_comma && entry.form == CueForm::Past)
            {
                continue;
            }
            let rest_ok = entry.rest.iter().enumerate().all(|(k, w)| {
                word_at(text, tokens, i + 1 + k).is_some_and(|t| t.eq_ignore_ascii_case(w))
            });
            if !rest_ok {
                continue;
            }
            let fits = match entry.form {
                // "they say", "will tell", "the Saudis state", "lobbyists describe".
                CueForm::Base => previous.is_some_and(|p| {
                    BASE_CUE_AFTER.contains(&p)
                        || (i >= 2
                            && p.len() > 3
                            && p.ends_with('s')
                            && !p.ends_with("ss")
                            && tokens[i - 2].kind == TokenKind::Word
                            && !matches!(tokens[i - 2].text(text), "of" | "to" | "in" | "for"))
                }),
                // "comments", "reports": nouns too; a verb after a name or pronoun.
                CueForm::ThirdPerson if strict && NOUN_LEMMAS.contains(&entry.lemma) => previous
                    .is_some_and(|p| {
                        // A name, not a sentence-initial noun ("Cost estimates").
                        (is_capitalised(p) && (i >= 2 || !written_lower(text, p)))
                            || matches!(p, "he" | "she" | "it" | "who" | "which" | "also" | "then")
                            || p.ends_with("ly")
                            // "the document states"
                            || (i >= 2
                                && matches!(
                                    tokens[i - 2].text(text),
                                    "the" | "The" | "a" | "A" | "this" | "This" | "its" | "Its"
                                ))
                    }),
                CueForm::ThirdPerson | CueForm::Past => !previous.is_some_and(|p| {
                    p == "'s" || NOUN_MARKERS.contains(&p.to_lowercase().as_str())
                }),
                CueForm::Participle => !previous.is_some_and(|p| NOUN_MARKERS.contains(&p)),
                CueForm::Phrase => true,
            };
            if fits {
                matched = Some(entry);
                break;
            }
        }
        if let Some(entry) = matched {
            // "is telling", "was insisting": a progressive is a finite verb.
            let progressive = entry.form == CueForm::Participle
                && previous.is_some_and(|p| matches!(p, "is" | "are" | "was" | "were"));
            let first =
                if i > 0 && (progressive || previous.is_some_and(|p| AUXILIARIES.contains(&p))) {
                    i - 1
                } else {
                    i
                };
            let last = i + 1 + entry.rest.len();
            cues.push(Cue {
                first,
                last,
                lemma: entry.lemma,
                form: if progressive {
                    CueForm::Past
                } else {
                    entry.form
                },
            });
            i = last;
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

/// What attribution reads: the text, its segmentation, entities and a name index.
struct Context<'a> {
    text: &'a str,
    document: &'a Document<'a>,
    entities: &'a DocEntities,
    /// Lower-case name word → entities whose name or mentions hold it.
    names: HashMap<String, Vec<usize>>,
    /// The gender of each person entity, when its name or title tells it.
    genders: Vec<Option<Gender>>,
    /// The quotes of the document (with their marks), in order: a name inside
    /// one is no antecedent of the writer's pronoun.
    quoted: Vec<Span>,
    /// The quotes attributed so far to a person: (start of the quote, speaker).
    speakers: RefCell<Vec<(usize, usize)>>,
}

/// Genders the text tells: a person alone in a sentence (outside quotes) whose
/// sentence, or the next one naming nobody, says "he" or "his" and never "she"
/// or "her" is male (and the other way round).
fn infer_genders(
    document: &Document<'_>,
    entities: &DocEntities,
    quoted: &[Span],
    genders: &mut [Option<Gender>],
) {
    let text = document.text;
    let outside = |span: Span| {
        let k = quoted.partition_point(|q| q.end <= span.start);
        quoted.get(k).is_none_or(|q| q.start > span.start)
    };
    let people = |span: Span| -> Vec<usize> {
        let mut found: Vec<usize> = entities
            .mentions_in(span)
            .filter(|m| entities.entities[m.entity].kind == EntityKind::Person && outside(m.span))
            .map(|m| m.entity)
            .collect();
        found.dedup();
        found
    };
    let mut votes: HashMap<usize, (u32, u32)> = HashMap::new();
    for (index, sentence) in document.sentences.iter().enumerate() {
        let here = people(sentence.span);
        let [person] = here.as_slice() else {
            continue;
        };
        if genders[*person].is_some() {
            continue;
        }
        let mut spans = vec![sentence.span];
        if let Some(next) = document.sentences.get(index + 1) {
            if next.block == sentence.block && people(next.span).is_empty() {
                spans.push(next.span);
            }
        }
        let vote = votes.entry(*person).or_default();
        for span in spans {
            for token in tokenize(text, span) {
                if token.kind == TokenKind::Word && outside(token.span) {
                    match pronoun_gender(token.text(text)) {
                        Some(Gender::Male) => vote.0 += 1,
                        Some(Gender::Female) => vote.1 += 1,
                        None => {}
                    }
                }
            }
        }
    }
    for (person, (male, female)) in votes {
        if male > 0 && female == 0 {
            genders[person] = Some(Gender::Male);
        } else if female > 0 && male == 0 {
            genders[person] = Some(Gender::Female);
        }
    }
}

/// The gender of a pronoun.
fn pronoun_gender(word: &str) -> Option<Gender> {
    match word {
        "he" | "He" | "his" | "His" | "him" => Some(Gender::Male),
        "she" | "She" | "her" | "Her" => Some(Gender::Female),
        _ => None,
    }
}

fn normalise_word(word: &str) -> String {
    if word.is_ascii() {
        // No right single quotation mark, and ASCII case mapping is the same.
        return word.to_ascii_lowercase();
    }
    word.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'a> Context<'a> {
    fn new(document: &'a Document<'a>, entities: &'a DocEntities, marked: &[MarkedQuote]) -> Self {
        let text = document.text;
        let mut names: HashMap<String, Vec<usize>> = HashMap::new();
        let mut add = |word: &str, entity: usize| {
            let word = word
                .strip_suffix("'s")
                .or_else(|| word.strip_suffix("\u{2019}s"))
                .unwrap_or(word)
                .trim_end_matches(['\'', '\u{2019}'])
                .trim_matches('.');
            if word.len() < 2 || !word.chars().next().is_some_and(char::is_uppercase) {
                return;
            }
            if LEXICON.is_title_word(word) {
                return;
            }
            let list = names.entry(normalise_word(word)).or_default();
            if !list.contains(&entity) {
                list.push(entity);
            }
        };
        for (index, entity) in entities.entities.iter().enumerate() {
            for word in entity.name.split_whitespace() {
                add(word, index);
            }
        }
        // "Ana Lucia Prince" … "Prince says": a surname that is also a title word.
        let mut surnames: Vec<(String, usize)> = Vec::new();
        for (index, entity) in entities.entities.iter().enumerate() {
            let words: Vec<&str> = entity.name.split_whitespace().collect();
            if let [first, .., last] = words.as_slice() {
                if entity.kind == EntityKind::Person
                    && !LEXICON.is_title_word(first)
                    && LEXICON.is_title_word(last)
                    && last.len() > 2
                    && is_capitalised(last)
                {
                    surnames.push((normalise_word(last), index));
                }
            }
        }
        for mention in &entities.mentions {
            let phrase = mention.span.of(text);
            // Not the descriptions resolved to an entity ("the Vermont senator").
            if phrase.starts_with("the ") || phrase.starts_with("The ") {
                continue;
            }
            for word in phrase.split_whitespace() {
                add(word, mention.entity);
            }
        }
        let mut genders: Vec<Option<Gender>> = entities
            .entities
            .iter()
            .map(|entity| {
                if entity.kind != EntityKind::Person {
                    return None;
                }
                entity
                    .roles
                    .iter()
                    .flat_map(|r| r.split_whitespace())
                    .find_map(title_gender)
                    .or_else(|| {
                        entity
                            .name
                            .split_whitespace()
                            .find(|w| !LEXICON.is_title_word(w))
                            .and_then(|w| GIVEN_NAMES.get(w).copied())
                    })
            })
            .collect();
        // "Mrs. Doe", "Congresswoman Doe": the words before a mention.
        for mention in &entities.mentions {
            if genders[mention.entity].is_none()
                && entities.entities[mention.entity].kind == EntityKind::Person
            {
                let mut from = mention.full_span.start.saturating_sub(16);
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                let before = &text[from..mention.span.start];
                genders[mention.entity] = before
                    .split_whitespace()
                    .last()
                    .and_then(title_gender)
                    .or_else(|| {
                        mention
                            .full_span
                            .of(text)
                            .split_whitespace()
                            .find_map(title_gender)
                    });
            }
        }
        for (word, index) in surnames {
            let list = names.entry(word).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
        let quoted: Vec<Span> = marked.iter().map(|q| q.outer).collect();
        infer_genders(document, entities, &quoted, &mut genders);
        Context {
            text,
            document,
            entities,
            names,
            genders,
            quoted,
            speakers: RefCell::new(Vec::new()),
        }
    }

    fn kind(&self, entity: usize) -> EntityKind {
        self.entities.entities[entity].kind
    }

    /// The entity a name word denotes: a person or organisation of the document
    /// whose name holds it, the one mentioned last before `position` first.
    fn entity_named(&self, word: &str, position: usize) -> Option<usize> {
        let candidates = self.names.get(&normalise_word(word))?;
        let usable: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&e| matches!(self.kind(e), EntityKind::Person | EntityKind::Org))
            .collect();
        match usable.len() {
            0 => None,
            1 => Some(usable[0]),
            _ => {
                let last_before = |e: usize| {
                    self.entities
                        .mentions
                        .iter()
                        .filter(|m| m.entity == e && m.span.start < position)
                        .map(|m| m.span.start)
                        .max()
                };
                usable
                    .iter()
                    .copied()
                    .max_by_key(|&e| (self.kind(e) == EntityKind::Person, last_before(e)))
            }
        }
    }
}

fn is_pronoun(word: &str) -> bool {
    PRONOUNS.contains(&word)
}

/// A capitalised word, as names are ("I've" is a pronoun's contraction, no name).
fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && !crate::ner::first_person_contraction(word)
}

/// True when token `k` is the period of a name abbreviation ("Rep.", "Calif.").
fn abbreviation_dot(text: &str, tokens: &[Token], k: usize) -> bool {
    k > 0
        && tokens[k].text(text) == "."
        && tokens[k - 1].kind == TokenKind::Word
        && tokens[k - 1].span.end == tokens[k].span.start
        && {
            let word = tokens[k - 1].text(text);
            // "R-Ky.", "D-N.Y.": a party tag ends in a state abbreviation.
            let last = word.rsplit('-').next().unwrap_or(word);
            NAME_ABBREVIATIONS.contains(&word)
                || NAME_ABBREVIATIONS.contains(&last)
                || (word.len() <= 6 && word.contains('.'))
                || (word.len() == 1 && word.chars().all(char::is_uppercase))
        }
}

/// Lower-case words of a title before a name ("presidential nominee Jane Doe").
const SUBJECT_MODIFIERS: &[&str] = &[
    "former",
    "presidential",
    "vice",
    "senior",
    "top",
    "deputy",
    "assistant",
    "national",
    "political",
    "conservative",
    "liberal",
    "progressive",
    "retired",
    "late",
    "longtime",
    "then",
    "state",
    "federal",
    "chief",
    "front-runner",
    "frontrunner",
    "party",
    "campaign",
    "press",
    "foreign",
    "defense",
    "defence",
    "majority",
    "minority",
    "house",
    "senate",
    "white",
    "democratic",
    "republican",
    "independent",
    "acting",
    "outgoing",
    "incoming",
    "new",
    "u.s.",
    "gop",
];

/// Abbreviated months and relative days that, capitalised, name no speaker.
const OTHER_DATE_WORDS: &[&str] = &[
    "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Today", "Tonight",
];

/// Days and months: "said Saturday" names no speaker.
fn is_date_word(word: &str) -> bool {
    crate::dates::WEEKDAYS.contains(&word)
        || crate::dates::MONTH_NAMES.contains(&word)
        || OTHER_DATE_WORDS.contains(&word)
}

/// Capitalised words that open a clause rather than name anyone.
const FUNCTION_OPENERS: &[&str] = &[
    "But",
    "And",
    "Recently",
    "Then",
    "Later",
    "Earlier",
    "Still",
    "Yet",
    "So",
    "When",
    "While",
    "If",
    "Now",
    "Also",
    "Meanwhile",
    "However",
    "Instead",
    "Previously",
    "Separately",
];

/// Determiners and quantifiers that open a description ("a spokesman", "one of").
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "one", "some", "many", "several", "his", "her", "their", "its", "our",
    "another", "two", "three", "most", "all", "both", "each", "other", "others", "few", "this",
    "these", "those",
];

/// True when a phrase can name a source: a capitalised word, a pronoun, a
/// determiner or a source noun; "and", "arrived" or "that was" cannot.
fn plausible_source(text: &str, tokens: &[Token]) -> bool {
    let first = tokens
        .iter()
        .find(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text));
    if first.is_some_and(|w| PREPOSITIONS.contains(&w)) {
        return false;
    }
    tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .any(|t| {
            let word = t.text(text);
            let lower = word.to_lowercase();
            (is_capitalised(word) && !FUNCTION_OPENERS.contains(&word) && !is_date_word(word))
                || is_pronoun(word)
                || DETERMINERS.contains(&lower.as_str())
                || ANONYMOUS_HEADS.contains(&word)
                || DOCUMENT_HEADS.contains(&lower.as_str())
                || PERSON_NOUNS.contains(&lower.as_str())
                || ORG_NOUNS.contains(&lower.as_str())
                || word.chars().all(|c| c.is_ascii_digit())
        })
}

/// Resolves the speaker phrase `tokens[from..to]` of the sentence `sentence`.
fn resolve_phrase(
    ctx: &Context<'_>,
    tokens: &[Token],
    from: usize,
    to: usize,
    sentence: usize,
) -> Option<Speaker> {
    let text = ctx.text;
    let entities = ctx.entities;
    // Trim punctuation at both ends.
    let mut from = from;
    let mut to = to;
    while from < to && tokens[from].kind != TokenKind::Word {
        from += 1;
    }
    while to > from
        && tokens[to - 1].kind != TokenKind::Word
        && !abbreviation_dot(text, tokens, to - 1)
    {
        to -= 1;
    }
    if from >= to {
        return None;
    }
    if !plausible_source(text, &tokens[from..to]) {
        return None;
    }
    // "but he also", "Recently she": a pronoun among function words.
    let words: Vec<usize> = (from..to)
        .filter(|&k| tokens[k].kind == TokenKind::Word)
        .collect();
    let pronouns: Vec<usize> = words
        .iter()
        .copied()
        .filter(|&k| is_pronoun(tokens[k].text(text)))
        .collect();
    if pronouns.len() == 1
        && words.len() > 1
        && words.iter().all(|&k| {
            let word = tokens[k].text(text);
            k == pronouns[0] || !is_capitalised(word) || FUNCTION_OPENERS.contains(&word)
        })
        && entities
            .mentions_in(Span::new(tokens[from].span.start, tokens[to - 1].span.end))
            .next()
            .is_none()
    {
        let pronoun = tokens[pronouns[0]].span;
        let entity = resolve_pronoun(ctx, pronoun, sentence);
        return Some(Speaker {
            entity,
            span: pronoun,
            confidence: if entity.is_some() { 0.7 } else { 0.3 },
        });
    }
    let span = Span::new(tokens[from].span.start, tokens[to - 1].span.end);
    // "Saturday at the state convention Sen. Jane Doe (D-Ore.)": a time or an
    // adverb opens the sentence; the person named right before the cue speaks.
    let opener = tokens[from].text(text);
    if is_date_word(opener)
        || SENTENCE_ADVERBS.contains(&opener)
        || FUNCTION_OPENERS.contains(&opener)
    {
        let paren = (from..to)
            .rev()
            .take(8)
            .find(|&k| tokens[k].text(text) == "(");
        let last = paren.unwrap_or(to);
        if last > from {
            let end = tokens[last - 1].span.end;
            if let Some(person) = entities
                .mentions_in(span)
                .filter(|m| entities.entities[m.entity].kind == EntityKind::Person)
                .last()
                .filter(|m| m.span.end == end && m.span.start > span.start)
            {
                let start = if person.full_span.start >= span.start {
                    person.full_span.start
                } else {
                    person.span.start
                };
                return Some(Speaker {
                    entity: Some(person.entity),
                    span: Span::new(start, person.span.end),
                    confidence: 0.8,
                });
            }
        }
    }
    // The head of the phrase ends at its first preposition, comma or parenthesis:
    // "The foreign ministry readouts for Wang's meetings with Blinken" → "readouts",
    // "Jane Doe, head of the caucus" → "Jane Doe".
    let head_end = (from + 1..to)
        .find(|&k| {
            let word = tokens[k].text(text);
            (tokens[k].kind == TokenKind::Word && PREPOSITIONS.contains(&word))
                || (tokens[k].kind == TokenKind::Punct
                    && matches!(word, "," | "(" | "\u{2014}" | "\u{2015}"))
        })
        .unwrap_or(to);
    // "Jane Doe of New York": after a name, "of" opens where she is from (not
    // in "Secretary of State" or a recognised "Bank of America").
    let head_end = (from + 1..head_end)
        .find(|&k| {
            let before = tokens[k - 1].text(text);
            tokens[k].text(text) == "of"
                && is_capitalised(before)
                && !LEXICON.is_title_word(before)
                && !entities
                    .mentions
                    .iter()
                    .any(|m| m.span.start < tokens[k].span.start && m.span.end > tokens[k].span.end)
        })
        .unwrap_or(head_end);
    let mut head_last = head_end - 1;
    while head_last > from && tokens[head_last].kind != TokenKind::Word {
        head_last -= 1;
    }
    // "Tom A. Vance Jr. (D-Ore.)": the period of an abbreviation ends the name.
    let head_end_at = if head_last + 1 < to && abbreviation_dot(text, tokens, head_last + 1) {
        tokens[head_last + 1].span.end
    } else {
        tokens[head_last].span.end
    };
    let head_span = Span::new(span.start, head_end_at);
    let head = tokens[head_last].text(text);
    let head_lower = head.to_lowercase();
    let kind_of = |m: &&crate::entities::DocMention| entities.entities[m.entity].kind;
    if DOCUMENT_HEADS.contains(&head_lower.as_str()) && head_end < to {
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
    let (span, to) = (head_span, head_last + 1);
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
        let entity = resolve_pronoun(ctx, span, sentence);
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
            || DOCUMENT_HEADS.contains(&head_lower.as_str())
            || is_capitalised(head)
        {
            return Some(Speaker {
                entity: Some(org.entity),
                span,
                confidence: 0.8,
            });
        }
    }
    // A name recognition missed in this place ("Reid", "O'Neill"): its capitalised
    // words, last first, looked up among the names of the document.
    let name_words: Vec<&str> = (from..to)
        .rev()
        .filter(|&k| tokens[k].kind == TokenKind::Word)
        .map(|k| tokens[k].text(text))
        .filter(|w| is_capitalised(w) && (!LEXICON.is_title_word(w) || to - from == 1))
        .filter(|w| !matches!(*w, "The" | "A" | "An" | "In" | "But" | "And"))
        .collect();
    for word in &name_words {
        if let Some(entity) = ctx.entity_named(word, span.start) {
            return Some(Speaker {
                entity: Some(entity),
                span,
                confidence: 0.7,
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
    // A description ("the senator", "the company"): the entity of that kind
    // the text last named, when the description has no name of its own.
    let first_word = tokens[from].text(text);
    // (Its capitalised words name no one here: "the Vermont senator".)
    if matches!(first_word, "the" | "The") && head_lower == head {
        let want = if PERSON_NOUNS.contains(&head_lower.as_str()) {
            Some(EntityKind::Person)
        } else if ORG_NOUNS.contains(&head_lower.as_str()) {
            Some(EntityKind::Org)
        } else {
            None
        };
        if let Some(want) = want {
            let entity = last_entity_before(ctx, span.start, sentence, want, span.of(text));
            return Some(Speaker {
                entity,
                span,
                confidence: 0.55,
            });
        }
    }
    Some(Speaker {
        entity: None,
        span,
        confidence: 0.5,
    })
}

/// The entity of `kind` a description refers to: one whose roles name the
/// description's head noun, else the last of that kind named in the three
/// sentences before.
fn last_entity_before(
    ctx: &Context<'_>,
    position: usize,
    sentence: usize,
    kind: EntityKind,
    description: &str,
) -> Option<usize> {
    let entities = ctx.entities;
    let end = entities
        .mentions
        .partition_point(|m| m.span.start < position);
    let earlier = &entities.mentions[..end];
    let words: Vec<String> = description
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    let head = words.last().map_or("", String::as_str);
    // "the former first lady": a woman.
    let gender = words.iter().find_map(|w| title_gender(w));
    let agrees = |e: usize| match (gender, ctx.genders.get(e).copied().flatten()) {
        (Some(want), Some(have)) => want == have,
        _ => true,
    };
    let of_kind = |m: &&crate::entities::DocMention| {
        entities.entities[m.entity].kind == kind && agrees(m.entity)
    };
    if let Some(m) = earlier.iter().rev().filter(of_kind).find(|m| {
        entities.entities[m.entity]
            .roles
            .iter()
            .any(|r| r.to_lowercase().split_whitespace().any(|w| w == head))
    }) {
        return Some(m.entity);
    }
    // Among those named in the last three sentences, the one the article names
    // most so far (its protagonist), the nearest on a tie.
    let first_sentence = sentence.saturating_sub(3);
    let mut best: Option<(usize, usize)> = None; // (count, entity)
    for m in earlier.iter().rev().filter(of_kind) {
        if m.sentence < first_sentence {
            break;
        }
        let count = earlier.iter().filter(|o| o.entity == m.entity).count();
        if best.is_none_or(|(c, _)| count > c) {
            best = Some((count, m.entity));
        }
    }
    best.map(|(_, entity)| entity)
}

/// The person a pronoun at `position` refers to: the first person named in the
/// nearest sentence (this one before the pronoun, then up to three earlier).
fn resolve_pronoun(ctx: &Context<'_>, pronoun: Span, sentence: usize) -> Option<usize> {
    let entities = ctx.entities;
    let document = ctx.document;
    let position = pronoun.start;
    let gender = pronoun_gender(pronoun.of(ctx.text));
    let quoted = |span: Span| {
        let k = ctx.quoted.partition_point(|q| q.end <= span.start);
        ctx.quoted.get(k).is_some_and(|q| q.start <= span.start)
    };
    // People named outside quotes, this sentence before the pronoun first, then
    // up to four sentences back, each sentence from its start (its subject).
    let mut candidates: Vec<usize> = Vec::new();
    let current = document.sentences[sentence].span;
    let mut spans = vec![Span::new(current.start, position)];
    // Sentences that open inside a quote do not count towards the four.
    let mut counted = 0;
    for back in 1..=12 {
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
        spans.push(earlier.span);
        if !quoted(Span::new(earlier.span.start, earlier.span.start)) {
            counted += 1;
            if counted == 4 {
                break;
            }
        }
    }
    // The speaker of the last quote before, when no person is named outside
    // quotes since: "\"...,\" Doe said. \"...,\" he added."
    let speakers = ctx.speakers.borrow();
    if let Some(&(at, speaker)) = speakers.iter().rev().find(|(at, _)| *at < position) {
        // Another person named since (the speaker's own name may follow the quote).
        let last_named = entities
            .mentions
            .iter()
            .take_while(|m| m.span.start < position)
            .filter(|m| {
                entities.entities[m.entity].kind == EntityKind::Person
                    && m.entity != speaker
                    && !quoted(m.span)
                    && m.span.start >= document.sentences[sentence.saturating_sub(4)].span.start
            })
            .map(|m| m.span.start)
            .last();
        let recent = at >= document.sentences[sentence.saturating_sub(3)].span.start;
        let fits = match (gender, ctx.genders[speaker]) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        };
        if recent && fits && last_named.is_none_or(|named| named < at) {
            return Some(speaker);
        }
    }
    drop(speakers);
    for (k, span) in spans.into_iter().enumerate() {
        // An earlier sentence whose subject is a pronoun of the same gender
        // continues the same person: its other names are no antecedents.
        if k > 0 {
            let first = tokenize(ctx.text, span).into_iter().find(|t| {
                t.kind == TokenKind::Word && !SENTENCE_ADVERBS.contains(&t.text(ctx.text))
            });
            let same = first.is_some_and(|t| {
                let word = t.text(ctx.text);
                matches!(word, "He" | "She") && pronoun_gender(word) == gender
            });
            if same {
                continue;
            }
        }
        // In each sentence, a person who speaks in it ("..., Doe said") first,
        // then the others in order (the subject first).
        let people: Vec<&crate::entities::DocMention> = entities
            .mentions_in(span)
            .filter(|m| entities.entities[m.entity].kind == EntityKind::Person)
            .filter(|m| !quoted(m.span))
            .collect();
        type Mentions<'m> = Vec<&'m crate::entities::DocMention>;
        // The subject of an earlier sentence ("Doe dismissed concerns that ...
        // Roe ...") of unknown gender goes before the others there.
        let subject_first = k > 0
            && people.first().is_some_and(|m| {
                ctx.genders[m.entity].is_none()
                    && tokenize(ctx.text, Span::new(span.start, m.full_span.start))
                        .iter()
                        .filter(|t| t.kind == TokenKind::Word)
                        .all(|t| is_capitalised(t.text(ctx.text)))
            });
        if subject_first {
            if let Some(m) = people.first() {
                if gender.is_some() && candidates.iter().all(|&e| ctx.genders[e] != gender) {
                    return Some(m.entity);
                }
            }
        }
        let (speaking, others): (Mentions<'_>, Mentions<'_>) = people
            .into_iter()
            .partition(|m| k > 0 && next_to_cue(ctx.text, m.span, span));
        candidates.extend(speaking.iter().chain(others.iter()).map(|m| m.entity));
    }
    // The nearest person whose name or title shows the pronoun's gender; else
    // the nearest of unknown gender.
    let agrees = |e: &usize| gender.is_some() && ctx.genders[*e] == gender;
    let unknown = |e: &usize| gender.is_none() || ctx.genders[*e].is_none();
    candidates
        .iter()
        .copied()
        .find(agrees)
        .or_else(|| candidates.iter().copied().find(unknown))
}

/// True when a name is the subject or inverted subject of a reporting verb
/// right next to it: "Doe said", "Doe has said", "said Doe".
fn next_to_cue(text: &str, name: Span, sentence: Span) -> bool {
    let is_cue = |word: &str| {
        CUE_LEXICON
            .get(word)
            .iter()
            .any(|e| matches!(e.form, CueForm::Past | CueForm::ThirdPerson) && e.rest.is_empty())
    };
    let after = tokenize(text, Span::new(name.end.min(sentence.end), sentence.end));
    let mut words = after
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text));
    let next = words.next();
    let next_is_cue = next.is_some_and(|w| {
        is_cue(w) || (matches!(w, "has" | "had" | "also") && words.next().is_some_and(is_cue))
    });
    let before = tokenize(text, Span::new(sentence.start, name.start));
    let previous_is_cue = before
        .iter()
        .rev()
        .find(|t| t.kind == TokenKind::Word)
        .is_some_and(|t| is_cue(t.text(text)));
    next_is_cue || previous_is_cue
}

fn sentence_of(document: &Document<'_>, position: usize) -> usize {
    document
        .sentences
        .partition_point(|s| s.span.end <= position)
        .min(document.sentences.len().saturating_sub(1))
}

/// A transcript's speaker label opening a paragraph ("PENCE: ...", "MR. DOE: ...").
fn speaker_label(ctx: &Context<'_>, block: Span) -> Option<(Speaker, Span)> {
    let content = block.of(ctx.text);
    let skip = content.len()
        - content
            .trim_start_matches(['"', '\u{201c}', ' ', '\u{a0}'])
            .len();
    let rest = &content[skip..];
    let colon = rest.find(':')?;
    let label = &rest[..colon];
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 4
        || !label.chars().any(char::is_alphabetic)
        || label
            .chars()
            .any(|c| c.is_lowercase() || c.is_ascii_digit())
    {
        return None;
    }
    let start = block.start + skip;
    let span = Span::new(start, start + colon);
    let entity = words
        .iter()
        .rev()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.len() > 1)
        .find_map(|w| {
            let mut title = String::new();
            for (k, c) in w.chars().enumerate() {
                if k == 0 {
                    title.push(c);
                } else {
                    title.extend(c.to_lowercase());
                }
            }
            ctx.entity_named(&title, start)
        });
    Some((
        Speaker {
            entity,
            span,
            confidence: 0.8,
        },
        Span::new(start + colon, start + colon + 1),
    ))
}

/// True when a cue goes on to report other words ("Doe said he would ..."):
/// then its sentence is no attribution of the quote before it.
fn reports_more(text: &str, cue: Span, sentence: Span) -> bool {
    let rest = Span::new(cue.end.min(sentence.end), sentence.end);
    let tokens = tokenize(text, rest);
    // "asked the moderator", "told reporters": an addressee, then nothing more.
    let addressee = matches!(
        cue.of(text).rsplit(' ').next().unwrap_or(""),
        "asked" | "told" | "asks" | "tells" | "pressed" | "answered"
    );
    tokens
        .iter()
        .find(|t| t.kind == TokenKind::Word)
        .is_some_and(|t| {
            let word = t.text(text);
            matches!(
                word,
                "that" | "he" | "she" | "it" | "they" | "we" | "I" | "there"
            ) || (!addressee && matches!(word, "the" | "a" | "an" | "his" | "her" | "their"))
        })
}

/// Nouns for what someone said: "Doe's claim", "her remarks".
const CLAIM_NOUNS: &[&str] = &[
    "claim",
    "claims",
    "assertion",
    "statement",
    "statements",
    "remark",
    "remarks",
    "comment",
    "comments",
    "description",
    "promise",
    "pledge",
    "warning",
    "call",
    "charge",
    "accusation",
    "suggestion",
    "insistence",
    "argument",
    "tweet",
    "tweets",
    "words",
    "speech",
    "response",
    "reply",
    "criticism",
    "boast",
    "admission",
    "vow",
    "demand",
    "plea",
    "question",
    "answer",
    "message",
    "letter",
    "missive",
    "post",
    "declaration",
    "announcement",
    "contention",
    "allegation",
    "prediction",
    "slogan",
    "mantra",
    "motto",
    "line",
    "quip",
    "joke",
    "retort",
];

/// The person whose words a possessive names right before the quote: "Doe's
/// claim that there were \"...\"", "Doe's earlier missive: \"...\"".
fn possessor_of_claim(
    ctx: &Context<'_>,
    tokens: &[Token],
    sentence: usize,
) -> Option<(Speaker, Span)> {
    let text = ctx.text;
    let earliest = tokens.len().saturating_sub(14);
    for k in (earliest..tokens.len()).rev() {
        if tokens[k].kind != TokenKind::Word || !CLAIM_NOUNS.contains(&tokens[k].text(text)) {
            continue;
        }
        // Up to one adjective between: "Doe's earlier missive".
        let mut p = k;
        if p > 0
            && tokens[p - 1].kind == TokenKind::Word
            && !is_capitalised(tokens[p - 1].text(text))
        {
            p -= 1;
        }
        if p < 2 || tokens[p - 1].kind != TokenKind::Possessive {
            continue;
        }
        let name_end = p - 1;
        let mut name_start = name_end;
        while name_start > 0
            && tokens[name_start - 1].kind == TokenKind::Word
            && is_capitalised(tokens[name_start - 1].text(text))
        {
            name_start -= 1;
        }
        if name_start == name_end {
            return None;
        }
        let speaker = resolve_phrase(ctx, tokens, name_start, name_end, sentence)?;
        speaker.entity?;
        return Some((speaker, tokens[k].span));
    }
    None
}

/// The speaker a whole sentence attributes: its main cue's subject.
fn sentence_attribution(ctx: &Context<'_>, sentence: usize) -> Option<(Speaker, Span)> {
    let span = ctx.document.sentences[sentence].span;
    let tokens = tokenize(ctx.text, span);
    let cues = find_cues(ctx.text, &tokens);
    if cues.is_empty() {
        // "Doe released the following statement:": its subject.
        let speaker = clause_subject(ctx, &tokens, tokens.len(), sentence)?;
        let colon = tokens.last()?.span;
        return Some((speaker, colon));
    }
    let index = main_cue(ctx.text, &tokens, &cues);
    let cue = cues[index];
    let speaker = resolve_cue(ctx, &tokens, &cues, index, sentence)?;
    speaker.entity?;
    let cue_span = Span::new(tokens[cue.first].span.start, tokens[cue.last - 1].span.end);
    Some((speaker, cue_span))
}

/// The subject of the sentence part `tokens[..end]`: the name, pronoun or
/// description that opens its main clause ("In July, Doe dismissed ... as a
/// \"...\"" → Doe).
fn clause_subject(
    ctx: &Context<'_>,
    tokens: &[Token],
    end: usize,
    sentence: usize,
) -> Option<Speaker> {
    let text = ctx.text;
    let mut start = 0;
    while start < end
        && (tokens[start].kind != TokenKind::Word
            || SENTENCE_ADVERBS.contains(&tokens[start].text(text)))
    {
        start += 1;
    }
    if start >= end {
        return None;
    }
    // A dateline: "WASHINGTON (AP) - Jane Doe said ...".
    if let Some(dash) = (start..end.min(start + 8)).find(|&k| {
        tokens[k].kind == TokenKind::Punct
            && matches!(tokens[k].text(text), "-" | "\u{2013}" | "\u{2014}")
    }) {
        let dateline = tokens[start..dash]
            .iter()
            .all(|t| t.kind != TokenKind::Word || is_capitalised(t.text(text)));
        if dateline && dash + 1 < end {
            start = dash + 1;
        }
    }
    let first = tokens[start].text(text);
    let opens_phrase = INTRODUCTORY.contains(&first)
        || (first.ends_with("ing") && is_capitalised(first))
        || first.ends_with("ly") && is_capitalised(first);
    if opens_phrase {
        let comma = (start..end).find(|&k| tokens[k].text(text) == ",")?;
        start = comma + 1;
        // "Speaking in Salem, New Hampshire, Doe ...": a place after the comma
        // completes the one before it ("City, State") and the phrase goes on.
        if let Some(next) = (start..end).find(|&k| tokens[k].text(text) == ",") {
            let segment = Span::new(tokens[start].span.start, tokens[next - 1].span.end);
            let place = next > start
                && ctx.entities.mentions_in(segment).any(|m| {
                    m.span == segment
                        && matches!(ctx.kind(m.entity), EntityKind::Gpe | EntityKind::Loc)
                });
            if place {
                start = next + 1;
            }
        }
    }
    // The subject phrase: to the first lower-case word that is no determiner or
    // name particle, after at least one word.
    let mut stop = start;
    while stop < end {
        let token = tokens[stop];
        let word = token.text(text);
        let inside = match token.kind {
            TokenKind::Word => {
                is_capitalised(word)
                    || matches!(word, "the" | "of" | "de" | "van" | "von" | "bin")
                    || SUBJECT_MODIFIERS.contains(&word)
                    || PERSON_NOUNS.contains(&word)
                    || word.chars().all(|c| c.is_ascii_digit())
            }
            TokenKind::Possessive => true,
            TokenKind::Punct => abbreviation_dot(text, tokens, stop) || word == "-",
        };
        if !inside {
            break;
        }
        stop += 1;
    }
    // Lower-case words after a determiner, up to the verb: "The company said",
    // "Her economic plan promises", "The 60-second ad ends".
    if stop > start
        && matches!(
            tokens[stop - 1].text(text),
            "The" | "the" | "Her" | "His" | "Its" | "Their" | "This" | "A" | "An"
        )
    {
        let mut extra = 0;
        while stop < end && extra < 3 && tokens[stop].kind == TokenKind::Word {
            let word = tokens[stop].text(text);
            let verb = !CUE_LEXICON.get(word).is_empty()
                || matches!(
                    word,
                    "is" | "was"
                        | "are"
                        | "were"
                        | "has"
                        | "had"
                        | "have"
                        | "will"
                        | "would"
                        | "can"
                        | "could"
                        | "did"
                        | "does"
                        | "may"
                        | "might"
                );
            if verb || is_capitalised(word) {
                break;
            }
            stop += 1;
            extra += 1;
        }
    }
    if stop == start {
        return None;
    }
    let speaker = resolve_phrase(ctx, tokens, start, stop, sentence)?;
    // A named subject, or a description that opens with a determiner ("The ad
    // targets a \"...\"").
    let description = matches!(
        tokens[start].text(text),
        "The" | "the" | "A" | "An" | "This" | "That" | "These" | "Those" | "Its" | "His" | "Her"
    );
    if speaker.entity.is_some() || description {
        Some(Speaker {
            confidence: speaker.confidence * 0.7,
            ..speaker
        })
    } else {
        None
    }
}

/// Extracts the quotes of a document.
pub fn extract(document: &Document<'_>, entities: &DocEntities) -> Vec<FoundQuote> {
    let marked = find_marked(document);
    if marked.is_empty() || document.sentences.is_empty() {
        return Vec::new();
    }
    let ctx = Context::new(document, entities, &marked);
    let mut quotes = extract_in(&ctx, &marked);
    for quote in &mut quotes {
        let trimmed = quote
            .speaker_span
            .and_then(|span| source_phrase(document.text, span));
        if trimmed.is_some() || quote.speaker.is_none() {
            quote.speaker_span = trimmed;
        }
    }
    quotes
}

/// Words that end a source phrase where they start: auxiliaries and modals,
/// adverbs and reflexives between a subject and its verb ("The president had
/// previously called it", "It also urged", "The study itself outlined").
const SOURCE_PHRASE_BREAKS: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "must",
    "should",
    "shall",
    "do",
    "does",
    "did",
    "not",
    "never",
    "also",
    "later",
    "then",
    "again",
    "still",
    "once",
    "now",
    "already",
    "too",
    "even",
    "just",
    "only",
    "itself",
    "himself",
    "herself",
    "themselves",
];

/// Lower-case words ending in "-ly" that are nouns or adjectives, not adverbs.
const LY_NOUNS: &[&str] = &[
    "family",
    "ally",
    "assembly",
    "supply",
    "elderly",
    "early",
    "rally",
    "anomaly",
    "monopoly",
    "bully",
    "belly",
    "jelly",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "lily",
];

/// The words of `span` that name a source, as a reader should see them: the
/// phrase up to the first word that is past its subject (an auxiliary, an
/// adverb, a reporting verb, a past form after its noun: "The case revolved
/// around"), without
/// opening conjunctions and subordinators and closing connectors; `None` when
/// nothing naming anyone is left ("had", "and", "The").
fn source_phrase(text: &str, span: Span) -> Option<Span> {
    let tokens = tokenize(text, span);
    let word = |k: usize| tokens[k].text(text);
    let lower = |k: usize| {
        tokens[k].kind == TokenKind::Word && word(k).chars().next().is_some_and(char::is_lowercase)
    };
    // Conjunctions and subordinators before the subject ("While those surveyed").
    let mut start = 0;
    while start < tokens.len()
        && (tokens[start].kind != TokenKind::Word || {
            let first = word(start).to_lowercase();
            matches!(
                first.as_str(),
                "and" | "or" | "then" | "now" | "also" | "still"
            ) || first != "that" && CLAUSE_OPENERS.contains(&first.as_str())
        })
    {
        start += 1;
    }
    let mut end = start;
    while end < tokens.len() {
        let w = word(end);
        if lower(end) {
            let adverb = w.len() > 4 && w.ends_with("ly") && !LY_NOUNS.contains(&w);
            let past_after_noun = w.len() > 4
                && w.ends_with("ed")
                && !matches!(w, "named" | "called")
                && end > start
                && lower(end - 1)
                && !DETERMINERS.contains(&word(end - 1))
                && !PREPOSITIONS.contains(&word(end - 1))
                && !matches!(word(end - 1), "and" | "or");
            let cue = end > start
                && (w.ends_with("ed") || matches!(w, "said" | "told" | "wrote"))
                && !CUE_LEXICON.get(w).is_empty();
            if SOURCE_PHRASE_BREAKS.contains(&w) || adverb || past_after_noun || cue {
                break;
            }
        }
        end += 1;
    }
    while end > start
        && (tokens[end - 1].kind == TokenKind::Punct && !abbreviation_dot(text, &tokens, end - 1)
            || matches!(
                word(end - 1),
                "and" | "or" | "but" | "of" | "the" | "a" | "an"
            ))
    {
        end -= 1;
    }
    // Articles and demonstratives alone name nobody ("The", "That"); a
    // quantifier does ("most", "another").
    let names_someone = (start..end).any(|k| {
        tokens[k].kind == TokenKind::Word
            && !matches!(
                word(k).to_lowercase().as_str(),
                "the" | "a" | "an" | "that" | "this" | "there" | "here"
            )
    });
    names_someone.then(|| Span::new(tokens[start].span.start, tokens[end - 1].span.end))
}

/// The quotes of the marked spans, attributed in `ctx`.
fn extract_in(ctx: &Context<'_>, marked: &[MarkedQuote]) -> Vec<FoundQuote> {
    let document = ctx.document;
    let entities = ctx.entities;
    let text = document.text;
    let mut found: Vec<FoundQuote> = Vec::new();
    let mut previous: Option<(usize, FoundQuote)> = None; // (block, quote)
                                                          // Paragraphs of one multi-paragraph quote waiting for the attribution that
                                                          // comes after its last paragraph: indices into `found`.
    let mut chain: Vec<usize> = Vec::new();
    for (index, quote) in marked.iter().enumerate() {
        let sentence_index = sentence_of(document, quote.outer.start);
        let sentence = document.sentences[sentence_index].span;
        // A quote may run over several sentences: what follows it is read in the
        // sentence of its closing mark.
        let close_index =
            sentence_of(document, quote.outer.end.saturating_sub(1)).max(sentence_index);
        let close_sentence = document.sentences[close_index].span;
        let inner = trim_span(text, quote.inner);
        // A single quoted word is a term the writer marks ("so-called"), a title
        // or a one-word reply: no statement to attribute.
        if inner.start >= inner.end || inner.of(text).split_whitespace().count() <= 1 {
            continue;
        }
        let block_span = document.blocks[quote.block].span;
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
        let opens_block = text[block_span.start..quote.outer.start]
            .trim()
            .chars()
            .all(|c| !c.is_alphanumeric());

        // 0. A transcript's speaker label. Every quote of a labelled paragraph
        // is the labelled speaker's (a title quoted inside the answer too); a
        // label that names nobody known only attributes the quote it opens.
        let mut attribution: Option<(Speaker, Span)> = speaker_label(ctx, block_span)
            .filter(|(speaker, _)| opens_block || speaker.entity.is_some());
        // 1. Right after the quote.
        let direct_after = Span::new(quote.outer.end.min(after_end), after_end);
        // A quote inside the writer's sentence is attributed after it only when
        // punctuation sets the attribution off ("… is \"unfair,\" Doe said"):
        // "Doe said he was \"firmly behind\" the levy, which he argued …" goes on
        // with the writer's words.
        let set_off = opens_sentence
            || inner
                .of(text)
                .trim_end_matches(['\'', '\u{2019}', ' '])
                .ends_with([',', '?', '!', '-', '\u{2014}', '\u{2013}', '\u{2026}'])
            || direct_after
                .of(text)
                .trim_start()
                .starts_with([',', '-', '\u{2014}', '\u{2013}', '\u{2015}', '(']);
        if attribution.is_none() && set_off {
            attribution = attribution_after(ctx, direct_after, close_index);
        }
        // 2. Before the quote, in its sentence.
        if attribution.is_none() && !opens_sentence && !before_cues.is_empty() {
            // The main clause's cue first, then the one nearest the quote.
            let main = main_cue(text, &before_tokens, &before_cues);
            let last = before_cues.len() - 1;
            for (attempt, index) in [main, last].into_iter().enumerate() {
                // The nearest cue only when the main one found no one: not when
                // it found a name recognition missed ("Sims say ... until Doe said").
                if attempt == 1
                    && (index == main
                        || attribution.as_ref().is_some_and(|(s, _)| {
                            s.entity.is_some() || name_in_phrase(text, s.span).is_some()
                        }))
                {
                    break;
                }
                let cue = before_cues[index];
                let cue_span = Span::new(
                    before_tokens[cue.first].span.start,
                    before_tokens[cue.last - 1].span.end,
                );
                let speaker = resolve_cue(ctx, &before_tokens, &before_cues, index, sentence_index);
                if let Some(speaker) = speaker {
                    if attribution.is_none() || speaker.entity.is_some() {
                        attribution = Some((speaker, cue_span));
                    }
                }
            }
        }
        // 3. At the end of the sentence, after its last quote.
        if attribution.is_none() && last_in_sentence > quote.outer.end {
            let tail = Span::new(last_in_sentence.min(after_end), after_end);
            attribution = attribution_after(ctx, tail, close_index);
        }
        // 3b. At the end of the sentence, after its last comma: "...\" that Doe
        // can win, said Jane Roe."
        if attribution.is_none() {
            let tail = Span::new(last_in_sentence.min(after_end), after_end);
            let tail_tokens = tokenize(text, tail);
            let commas = tail_tokens
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, t)| t.text(text) == ",")
                .map(|(k, _)| k)
                .take(3);
            for comma in commas {
                let rest = Span::new(tail_tokens[comma].span.start, tail.end);
                attribution = attribution_after(ctx, rest, close_index);
                if attribution.is_some() {
                    break;
                }
            }
        }
        let after_is_empty = direct_after.of(text).chars().all(|c| !c.is_alphanumeric());
        // 3c. A quote opening its paragraph after a sentence that introduces it
        // ("Doe said:").
        if attribution.is_none() && opens_sentence && sentence_index > 0 {
            let previous_sentence = &document.sentences[sentence_index - 1];
            let introduces = previous_sentence.span.of(text).trim_end().ends_with(':')
                && quote.block - previous_sentence.block <= 1;
            if introduces {
                attribution = sentence_attribution(ctx, sentence_index - 1);
            }
        }
        // 3d. A whole quoted sentence followed by its attribution: "\"...?\" Doe
        // asked reporters."
        let same_block_speaker = previous
            .as_ref()
            .is_some_and(|(block, q)| *block == quote.block && q.speaker.is_some());
        if attribution.is_none() && opens_sentence && after_is_empty && !same_block_speaker {
            if let Some(next) = document.sentences.get(close_index + 1) {
                if next.block == quote.block
                    && marked[index + 1..]
                        .first()
                        .is_none_or(|q| q.outer.start >= next.span.start + 2)
                {
                    attribution = attribution_after(ctx, next.span, close_index + 1)
                        .filter(|(_, cue)| !reports_more(text, *cue, next.span));
                }
            }
        }
        // 3e. A possessor of a reporting noun: "Doe's claim that \"...\"".
        if attribution.is_none() && !opens_sentence {
            attribution = possessor_of_claim(ctx, &before_tokens, sentence_index);
        }
        // 4. The subject of the writer's sentence around a partial quote.
        if attribution.is_none() && !opens_sentence {
            if let Some(speaker) =
                clause_subject(ctx, &before_tokens, before_tokens.len(), sentence_index)
            {
                attribution = Some((speaker, Span::new(quote.outer.start, quote.outer.start)));
            }
        }
        // 4b. A quoted sentence after the writer's sentence about a person, in
        // the same paragraph, with no quote of its own: "Doe touted her record.
        // \"We need ...\""
        if attribution.is_none() && opens_sentence && sentence_index > 0 {
            let previous_sentence = &document.sentences[sentence_index - 1];
            let unquoted = !ctx.quoted.iter().any(|q| {
                q.start < previous_sentence.span.end && q.end > previous_sentence.span.start
            });
            // Or the paragraph before one that opens with the quote.
            let paragraph_before = previous_sentence.block + 1 == quote.block && opens_block;
            if (previous_sentence.block == quote.block || paragraph_before) && unquoted {
                let tokens = tokenize(text, previous_sentence.span);
                attribution = clause_subject(ctx, &tokens, tokens.len(), sentence_index - 1)
                    .filter(|s| s.entity.is_some_and(|e| ctx.kind(e) == EntityKind::Person))
                    .map(|s| (s, Span::new(quote.outer.start, quote.outer.start)));
            }
        }
        // 4c. "\"...,\" said Doe, adding that \"...\"": a participle continuing
        // the attributed clause gives its quote the same speaker.
        if attribution.is_none() {
            if let Some((_, last)) = previous.as_ref().filter(|(_, last)| {
                last.speaker_span.is_some()
                    && last.span.start >= sentence.start
                    && last.span.end <= quote.outer.start
            }) {
                let between = Span::new(last.span.end, quote.outer.start).of(text);
                let clause = between.rsplit(',').next().unwrap_or("");
                let words: Vec<&str> = clause
                    .split(|c: char| !c.is_alphabetic())
                    .filter(|w| !w.is_empty())
                    .collect();
                let words = match words.split_last() {
                    Some((&"that", rest)) => rest,
                    _ => &words[..],
                };
                let continuing = between.contains(',')
                    && words.len() <= 3
                    && words.last().is_some_and(|w| {
                        matches!(
                            *w,
                            "adding" | "saying" | "noting" | "arguing" | "explaining" | "insisting"
                        )
                    });
                if continuing {
                    if let Some(span) = last.speaker_span {
                        attribution = Some((
                            Speaker {
                                entity: last.speaker,
                                span,
                                confidence: last.confidence * 0.9,
                            },
                            Span::new(quote.outer.start, quote.outer.start),
                        ));
                    }
                }
            }
        }
        let partial = !(opens_sentence
            || ends_with_colon
            || before_text.ends_with(',') && !before_cues.is_empty());
        let attributed = attribution.is_some();
        let quote_record = match attribution {
            Some((speaker, cue_span)) => FoundQuote {
                span: inner,
                speaker: speaker.entity,
                speaker_span: Some(speaker.span),
                cue_span: (cue_span.start < cue_span.end).then_some(cue_span),
                partial,
                confidence: speaker.confidence,
            },
            None => {
                // 5. A quote opening its sentence continues the previous speaker.
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
        if let Some(speaker) = quote_record.speaker {
            if entities.entities[speaker].kind == EntityKind::Person {
                ctx.speakers.borrow_mut().push((quote.outer.start, speaker));
            }
        }
        previous = Some((quote.block, quote_record.clone()));
        found.push(quote_record);
    }
    found
}

/// Completes the entities with the speakers recognition missed: a quote's
/// speaker phrase that holds a name no entity covers ("said Rep. Jane Q. Doe
/// (D-Ore.)", "The Daily Planet reported") becomes a person (after a title or
/// with two or more name words) or an organisation ("The ..."), with a mention.
/// For the local pipeline ([`crate::analyze`]); a service that takes entities
/// from elsewhere may call it before [`extract`].
pub fn propose_speakers(document: &Document<'_>, entities: &mut DocEntities) {
    let text = document.text;
    let marked = find_marked(document);
    if marked.is_empty() || document.sentences.is_empty() {
        return;
    }
    let mut quotes;
    // Speakers of reported speech without quote marks too ("..., said Jane Doe,
    // director of the project."): later pronouns may refer to them.
    {
        let ctx = Context::new(document, entities, &marked);
        quotes = extract_in(&ctx, &marked);
        for (index, sentence) in document.sentences.iter().enumerate() {
            if document.blocks[sentence.block].kind == BlockKind::Boilerplate {
                continue;
            }
            let tokens = tokenize(text, sentence.span);
            let cues = find_cues(text, &tokens);
            if cues.is_empty() {
                continue;
            }
            let main = main_cue(text, &tokens, &cues);
            if let Some(speaker) = resolve_cue(&ctx, &tokens, &cues, main, index) {
                if speaker.entity.is_none() {
                    quotes.push(FoundQuote {
                        span: sentence.span,
                        speaker: None,
                        speaker_span: Some(speaker.span),
                        cue_span: None,
                        partial: true,
                        confidence: 0.0,
                    });
                }
            }
        }
    }
    let mut added = false;
    for quote in quotes {
        // A description resolved to its entity ("the Vermont senator") is a
        // mention of it.
        if let (Some(entity), Some(span)) = (quote.speaker, quote.speaker_span) {
            let phrase = span.of(text);
            let description = phrase.starts_with("the ") || phrase.starts_with("The ");
            let named_inside = entities.mentions_in(span).any(|m| {
                matches!(
                    entities.entities[m.entity].kind,
                    EntityKind::Person | EntityKind::Org
                )
            });
            if description && !named_inside {
                entities.mentions.push(crate::entities::DocMention {
                    span,
                    full_span: span,
                    entity,
                    sentence: sentence_of(document, span.start),
                });
                added = true;
            }
            // "Republican party boss John Roe": the name ending the phrase is
            // the speaker, not the organisation recognised in its description.
            if let Some((name_span, full_span)) = trailing_name(text, span) {
                if entities.mentions_in(name_span).next().is_none() {
                    add_person(document, entities, name_span, full_span);
                    added = true;
                }
            }
            continue;
        }
        let (None, Some(span)) = (quote.speaker, quote.speaker_span) else {
            continue;
        };
        let Some((name_span, full_span, kind)) = name_in_phrase(text, span).or_else(|| {
            trailing_name(text, span).map(|(name, full)| (name, full, EntityKind::Person))
        }) else {
            continue;
        };
        // A name already recognised, unless only a place inside an
        // organisation's name was ("The New York Times").
        let inside: Vec<_> = entities.mentions_in(full_span).collect();
        let covered = inside.iter().any(|m| {
            entities.entities[m.entity].kind != EntityKind::Gpe
                || kind != EntityKind::Org
                || m.full_span.start <= name_span.start && m.full_span.end >= name_span.end
        });
        if covered || (!inside.is_empty() && kind != EntityKind::Org) {
            // "Soviet dissident Jane Doe": a recognised word describes the
            // name that ends the phrase.
            if let Some((name_span, full_span)) = trailing_name(text, span) {
                if entities.mentions_in(name_span).next().is_none() {
                    add_person(document, entities, name_span, full_span);
                    added = true;
                }
            }
            continue;
        }
        let name = name_span.of(text).replace('\u{a0}', " ");
        // One word that is the surname of the one person of the article named
        // so is that person ("Cuban said" after "Mark Cuban").
        let mut bearers = entities.entities.iter().enumerate().filter(|(_, e)| {
            kind == EntityKind::Person
                && !name.contains(' ')
                && e.kind == EntityKind::Person
                && e.name
                    .rsplit_once(' ')
                    .is_some_and(|(_, last)| last == name)
        });
        let bearer = match (bearers.next(), bearers.next()) {
            (Some((index, _)), None) => Some(index),
            _ => None,
        };
        // A demonym no person of the article bears names no one ("Democratic").
        let demonym_only = LEXICON
            .lookup(&name)
            .is_some_and(|k| k.iter().all(|k| matches!(k, Known::Demonym { .. })));
        if bearer.is_none() && demonym_only {
            continue;
        }
        let entity = match bearer.or_else(|| {
            entities
                .entities
                .iter()
                .position(|e| e.name == name && e.kind == kind)
        }) {
            Some(index) => index,
            None => {
                entities.entities.push(crate::entities::DocEntity {
                    name,
                    kind,
                    roles: Vec::new(),
                    affiliation: None,
                });
                entities.entities.len() - 1
            }
        };
        entities.mentions.push(crate::entities::DocMention {
            span: name_span,
            full_span,
            entity,
            sentence: sentence_of(document, name_span.start),
        });
        added = true;
    }
    if added {
        entities
            .mentions
            .sort_by_key(|m| (m.span.start, m.span.end));
    }
}

/// The name a speaker phrase holds: `(name, name with its title, kind)`.
fn name_in_phrase(text: &str, phrase: Span) -> Option<(Span, Span, EntityKind)> {
    let tokens = tokenize(text, phrase);
    // The first run of capitalised words, initials and name abbreviations.
    let is_name_token = |k: usize| {
        let token = tokens[k];
        let word = token.text(text);
        match token.kind {
            TokenKind::Word => {
                is_capitalised(word) || matches!(word, "de" | "van" | "von" | "bin" | "al")
            }
            TokenKind::Punct => abbreviation_dot(text, &tokens, k) || word == "-",
            TokenKind::Possessive => false,
        }
    };
    // "But Sen. Jane Doe": a clause opener is no part of the name.
    let skip = usize::from(
        tokens
            .first()
            .is_some_and(|t| FUNCTION_OPENERS.contains(&t.text(text))),
    );
    let start =
        (skip..tokens.len()).find(|&k| tokens[k].kind == TokenKind::Word && is_name_token(k))?;
    let mut end = start;
    while end < tokens.len() && is_name_token(end) {
        end += 1;
    }
    while end > start && tokens[end - 1].kind != TokenKind::Word {
        end -= 1;
    }
    // Titles before the name: "Rep.", "Senate Majority Leader", "Gov.".
    let mut name_start = start;
    let mut titled = false;
    while name_start < end {
        let word = tokens[name_start].text(text);
        let title = LEXICON.is_title_word(word) || NAME_ABBREVIATIONS.contains(&word);
        if !title {
            break;
        }
        titled = true;
        name_start += 1;
        if name_start < end && abbreviation_dot(text, &tokens, name_start) {
            name_start += 1;
            // "Mr. King", "Dr. Bishop": after an honorific the last word is
            // a surname even when it is also a title.
            let honorific = matches!(word, "Mr" | "Mrs" | "Ms" | "Dr");
            if honorific && name_start + 1 == end {
                break;
            }
        }
    }
    if name_start >= end {
        return None;
    }
    let first_word = tokens[name_start].text(text);
    let words: Vec<&str> = (name_start..end)
        .filter(|&k| tokens[k].kind == TokenKind::Word)
        .map(|k| tokens[k].text(text))
        .collect();
    if words.iter().any(|w| {
        FUNCTION_OPENERS.contains(w) || matches!(*w, "I" | "He" | "She" | "They" | "It" | "We")
    }) {
        return None;
    }
    let full = Span::new(tokens[start].span.start, tokens[end - 1].span.end);
    let name = Span::new(tokens[name_start].span.start, tokens[end - 1].span.end);
    if matches!(first_word, "The") {
        // "The Daily Planet" as the whole phrase; not "The Israel-Hamas war" nor
        // "The VP".
        let whole = end == tokens.len();
        let titled_word = words.iter().skip(1).any(|w| LEXICON.is_title_word(w));
        return (words.len() >= 2 && start == skip && whole && !titled_word).then_some((
            name,
            full,
            EntityKind::Org,
        ));
    }
    if matches!(first_word, "A" | "An") {
        return None;
    }
    // "the Times reported": a publication.
    let after_the = start == 1 && matches!(tokens[0].text(text), "the");
    // The name must open the phrase ("said Jane Doe, a lawyer").
    if start != skip && !after_the {
        return None;
    }
    let word_count = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
    if words.len() == 1 && !titled {
        // One word alone as the whole phrase: "Doe said", "the Times reported";
        // not "Others", "Another", "Early" nor a place or a demonym.
        let word = words[0];
        let lower = word.to_lowercase();
        let known = LEXICON.lookup(word);
        let plain = word_count == 1 + usize::from(after_the)
            && word.len() > 2
            && !DETERMINERS.contains(&lower.as_str())
            && !matches!(
                lower.as_str(),
                "others" | "many" | "some" | "early" | "late"
            )
            && !is_date_word(word)
            && !LEXICON.is_common_word(word)
            && !(known.is_none() && plural_of_people(word))
            && !known.is_some_and(|k| k.iter().any(|k| matches!(k, Known::Place { .. })))
            && word.chars().skip(1).any(char::is_lowercase);
        // A word the lexicon knows only as a demonym is a surname here ("Cuban
        // said" after "Mark Cuban"), not an organisation.
        let org = after_the
            || known.is_some_and(|k| !k.iter().all(|k| matches!(k, Known::Demonym { .. })));
        return plain.then_some((
            name,
            full,
            if org {
                EntityKind::Org
            } else {
                EntityKind::Person
            },
        ));
    }
    if after_the {
        return None;
    }
    let person_like = words.len() >= 2 && words.len() <= 5 || titled;
    person_like.then_some((name, full, EntityKind::Person))
}

/// Adds a person named at `name_span` (an entity of that name if there is one).
fn add_person(
    document: &Document<'_>,
    entities: &mut DocEntities,
    name_span: Span,
    full_span: Span,
) {
    let name = name_span.of(document.text).replace('\u{a0}', " ");
    let entity = match entities
        .entities
        .iter()
        .position(|e| e.name == name && e.kind == EntityKind::Person)
    {
        Some(index) => index,
        None => {
            entities.entities.push(crate::entities::DocEntity {
                name,
                kind: EntityKind::Person,
                roles: Vec::new(),
                affiliation: None,
            });
            entities.entities.len() - 1
        }
    };
    entities.mentions.push(crate::entities::DocMention {
        span: name_span,
        full_span,
        entity,
        sentence: sentence_of(document, name_span.start),
    });
}

/// A name ending a speaker phrase after a lowercase description of its bearer:
/// "columnist Jane Doe", "party boss John Roe" → `(name, description and name)`.
/// Not after a determiner ("a New Hampshire Republican" describes, it names no
/// one), a preposition or a conjunction, and not titles alone ("Vice President").
fn trailing_name(text: &str, phrase: Span) -> Option<(Span, Span)> {
    let tokens = tokenize(text, phrase);
    let mut end = tokens.len();
    while end > 0 && tokens[end - 1].kind != TokenKind::Word {
        end -= 1;
    }
    let is_name_token = |k: usize| {
        let word = tokens[k].text(text);
        match tokens[k].kind {
            TokenKind::Word => is_capitalised(word),
            TokenKind::Punct => abbreviation_dot(text, &tokens, k) || word == "-",
            TokenKind::Possessive => false,
        }
    };
    let mut start = end;
    while start > 0 && is_name_token(start - 1) {
        start -= 1;
    }
    while start < end && tokens[start].kind != TokenKind::Word {
        start += 1;
    }
    // Titles open the run: "director Jane Doe" is fine, "Vice President" alone is not.
    while start < end && {
        let word = tokens[start].text(text);
        LEXICON.is_title_word(word) || NAME_ABBREVIATIONS.contains(&word)
    } {
        start += 1;
        while start < end && tokens[start].kind != TokenKind::Word {
            start += 1;
        }
    }
    let words: Vec<&str> = (start..end)
        .filter(|&k| tokens[k].kind == TokenKind::Word)
        .map(|k| tokens[k].text(text))
        .collect();
    if !(2..=4).contains(&words.len())
        || words.iter().any(|w| {
            FUNCTION_OPENERS.contains(w)
                || LEXICON.is_title_word(w)
                || matches!(*w, "I" | "He" | "She" | "They" | "It" | "We" | "The")
        })
    {
        return None;
    }
    // The word before: a lowercase description noun.
    let before = start.checked_sub(1)?;
    let word = tokens[before].text(text);
    if tokens[before].kind != TokenKind::Word
        || is_capitalised(word)
        || !word.chars().all(|c| c.is_alphabetic() || c == '-')
        || DETERMINERS.contains(&word)
        || PREPOSITIONS.contains(&word)
        || matches!(
            word,
            "of" | "and" | "or" | "but" | "as" | "than" | "like" | "said" | "says"
        )
    {
        return None;
    }
    let name = Span::new(tokens[start].span.start, tokens[end - 1].span.end);
    let full = Span::new(tokens[0].span.start, name.end);
    Some((name, full))
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

/// The cue of the main clause: the first cue that does not sit in a relative
/// clause ("Doe, who says ..., tweeted that \"...\"" → "tweeted"); the reported
/// speech of the main clause holds the later ones.
fn main_cue(text: &str, tokens: &[Token], cues: &[Cue]) -> usize {
    // Only the clause of the quote: "China has condemned ..., and while Doe has
    // declared ... \"...\"" → "declared".
    let boundary = (1..tokens.len())
        .rev()
        .find(|&k| {
            let word = tokens[k].text(text);
            matches!(
                word,
                "while"
                    | "whereas"
                    | "but"
                    | "although"
                    | "though"
                    | "because"
                    | "when"
                    | "\u{2014}"
                    | "\u{2015}"
                    | "\u{2013}"
                    | ";"
            ) || (word == "and"
                && (tokens[k - 1].text(text) == ","
                    || tokens.get(k + 1).is_some_and(|t| {
                        t.kind == TokenKind::Word && is_capitalised(t.text(text))
                    })))
        })
        .unwrap_or(0);
    // An introductory clause ("As Doe spoke, the crowd chanted \"...\"", "After
    // Doe asked ..., Roe replied \"...\"") holds no cue of a quote after it; nor does
    // an opening prepositional phrase ("In a Facebook message posted Friday, Cruz
    // said \"...\"": "posted" is no cue), which ends at its comma.
    let opens_with_subordinate = tokens
        .iter()
        .find(|t| t.kind == TokenKind::Word)
        .is_some_and(|t| {
            matches!(
                t.text(text),
                "As" | "When"
                    | "While"
                    | "After"
                    | "Before"
                    | "If"
                    | "Although"
                    | "Though"
                    | "Because"
                    | "Since"
                    | "Once"
                    | "Until"
                    | "Unless"
                    | "Asked"
                    | "Pressed"
                    | "In"
                    | "On"
                    | "At"
                    | "During"
                    | "Through"
                    | "Via"
                    | "Throughout"
                    | "Amid"
            )
        });
    // "Continuing to explain his view, Doe rejected …": an opening participle
    // phrase (a name such as "Manning" is followed by its verb, not "to" or "at").
    let opens_with_participle = tokens
        .iter()
        .position(|t| t.kind == TokenKind::Word)
        .is_some_and(|k| {
            let word = tokens[k].text(text);
            // ("According to X, ..." is the cue phrase of a source, not an opening.)
            word.ends_with("ing")
                && word != "According"
                && is_capitalised(word)
                && tokens.get(k + 1).is_some_and(|t| {
                    matches!(
                        t.text(text),
                        "to" | "at" | "in" | "on" | "about" | "with" | "from" | "after" | "before"
                    )
                })
        });
    let opens_with_subordinate = opens_with_subordinate || opens_with_participle;
    let boundary = if opens_with_subordinate {
        let comma = tokens.iter().position(|t| t.text(text) == ",");
        boundary.max(comma.unwrap_or(0))
    } else {
        boundary
    };
    // A cue right before the quote ("Doe interjected: \"...\"") is its cue.
    if let Some(last) = cues.last() {
        let adjacent = tokens[last.last..]
            .iter()
            .all(|t| t.kind == TokenKind::Punct && matches!(t.text(text), ":" | ","));
        if adjacent && last.last < tokens.len() && last.form != CueForm::Participle {
            return cues.len() - 1;
        }
    }
    let first_in_clause = cues
        .iter()
        .position(|cue| cue.first >= boundary)
        .unwrap_or(0);
    let in_main_clause = |cue: &Cue| {
        let start = simple_start(text, tokens, cue.first);
        !(start > 0
            && matches!(
                tokens[start - 1].text(text),
                "who" | "which" | "whom" | "whose" | "that" | "how" | "why" | "what" | "whether"
            ))
    };
    // A finite verb heads the clause; a participle ("..., saying") hangs off it.
    let finite = cues
        .iter()
        .enumerate()
        .skip(first_in_clause)
        .find(|(_, cue)| cue.form != CueForm::Participle && in_main_clause(cue))
        .map(|(k, _)| k);
    finite
        .or_else(|| {
            cues.iter()
                .enumerate()
                .skip(first_in_clause)
                .find(|(_, cue)| in_main_clause(cue))
                .map(|(k, _)| k)
        })
        .unwrap_or(cues.len() - 1)
}

/// The speaker of the `index`-th cue of a sentence part: the phrase before it;
/// when there is none, the phrase after an inverting cue ("said Harris"), the
/// previous cue's speaker ("Kirby said, adding: ..."), or the sentence's subject.
fn resolve_cue(
    ctx: &Context<'_>,
    tokens: &[Token],
    cues: &[Cue],
    index: usize,
    sentence: usize,
) -> Option<Speaker> {
    let text = ctx.text;
    let cue = cues[index];
    if cue.form == CueForm::Phrase && cue.lemma == "according" {
        let end = phrase_end(text, tokens, cue.last);
        return resolve_phrase(ctx, tokens, cue.last, end, sentence);
    }
    // "Doe was asked by moderator Jane Roe whether ...": the agent speaks.
    let passive = cue.form == CueForm::Past
        && cue.first > 0
        && matches!(
            tokens[cue.first - 1].text(text),
            "was" | "were" | "is" | "are" | "been" | "be" | "being"
        );
    if passive {
        if let Some(by) =
            (cue.last..tokens.len().min(cue.last + 3)).find(|&k| tokens[k].text(text) == "by")
        {
            let end = phrase_end(text, tokens, by + 1);
            if let Some(speaker) = resolve_phrase(ctx, tokens, by + 1, end, sentence) {
                return Some(speaker);
            }
        }
        return None;
    }
    let (start, end) = phrase_start(text, tokens, cue.first);
    // "..., and asked for": a bare conjunction is no subject.
    let has_subject = tokens[start..end].iter().any(|t| {
        t.kind == TokenKind::Word
            && !matches!(
                t.text(text),
                "and" | "but" | "or" | "then" | "also" | "later"
            )
    });
    // A participle takes the subject right before it only in "with Doe telling".
    let (start, has_subject) = if cue.form == CueForm::Participle {
        // "..., Trump calling it \"...\"": a name right before is its subject.
        let named = cue.first > 0
            && tokens[cue.first - 1].kind == TokenKind::Word
            && ctx.entities.mentions.iter().any(|m| {
                m.span.end == tokens[cue.first - 1].span.end
                    && matches!(ctx.kind(m.entity), EntityKind::Person | EntityKind::Org)
            });
        let with = start < end && matches!(tokens[start].text(text), "with" | "With");
        (start + usize::from(with), has_subject && (with || named))
    } else {
        (start, has_subject)
    };
    // "In other words, explained Doe: \"...\"" and "The point, says Doe, is
    // that \"...\"": after an opening phrase (or around a parenthetical) an
    // inverted cue names its speaker after it.
    if has_subject
        && cue.first > 0
        && tokens[cue.first - 1].text(text) == ","
        && cue.lemma != "tell"
        && speaker_follows(text, tokens, cue)
        && tokens
            .get(cue.last)
            .is_some_and(|t| is_capitalised(t.text(text)))
    {
        let after = phrase_end(text, tokens, cue.last);
        let parenthetical = tokens.get(after).is_some_and(|t| t.text(text) == ",");
        let opening = OPENING_WORDS.contains(&tokens[0].text(text).to_lowercase().as_str())
            && !ctx
                .entities
                .mentions_in(Span::new(
                    tokens[0].span.start,
                    tokens[cue.first - 1].span.end,
                ))
                .any(|m| ctx.kind(m.entity) == EntityKind::Person);
        if after < tokens.len()
            && tokens[after].kind == TokenKind::Punct
            && (parenthetical || opening)
        {
            if let Some(speaker) = resolve_phrase(ctx, tokens, cue.last, after, sentence)
                .filter(|s| s.entity.is_some())
            {
                return Some(speaker);
            }
        }
    }
    if has_subject {
        if let Some(speaker) = resolve_phrase(ctx, tokens, start, end, sentence) {
            // "Doe, during a stop in Dayton, Ohio, said": a place set off by
            // commas before the cue completes another place; the clause's
            // subject speaks.
            let place = speaker
                .entity
                .is_some_and(|e| matches!(ctx.kind(e), EntityKind::Gpe | EntityKind::Loc));
            if place && start > 0 && tokens[start - 1].text(text) == "," {
                if let Some(subject) = clause_subject(ctx, tokens, start - 1, sentence)
                    .filter(|s| s.entity.is_some_and(|e| ctx.kind(e) == EntityKind::Person))
                {
                    return Some(subject);
                }
            }
            if speaker.entity.is_none() && end == cue.first {
                // "The vote comes days after Doe told …", "a reporter
                // asked a question and Doe said …": the phrase names no one
                // and a person named right before the verb is its subject.
                if let Some(person) = person_before_cue(ctx, tokens, start, cue.first) {
                    return Some(person);
                }
            }
            return Some(speaker);
        }
    }
    if speaker_follows(text, tokens, cue) {
        // "said Doe: \"...\"", not "insists Doe is mounting a \"...\"".
        let end = phrase_end(text, tokens, cue.last);
        let only_names = tokens[cue.last..end].iter().all(|t| {
            let word = t.text(text);
            t.kind != TokenKind::Word
                || is_capitalised(word)
                || DETERMINERS.contains(&word)
                || matches!(word, "of" | "for")
                || ANONYMOUS_HEADS.contains(&word)
                || PERSON_NOUNS.contains(&word)
        });
        let closed = end < tokens.len() && tokens[end].kind == TokenKind::Punct;
        if closed || (end == tokens.len() && only_names) {
            return resolve_phrase(ctx, tokens, cue.last, end, sentence);
        }
    }
    if index > 0 {
        return resolve_cue(ctx, tokens, cues, index - 1, sentence);
    }
    clause_subject(ctx, tokens, cue.first, sentence)
        .or_else(|| sentence_subject(tokens, cue.first, ctx.entities))
}

/// A person whose name ends right before the cue at `cue` (an adverb such as
/// "later" may sit between), inside the phrase `from..cue`, and is not the
/// object of a preposition or a possessive ("a letter from Doe said").
fn person_before_cue(
    ctx: &Context<'_>,
    tokens: &[Token],
    from: usize,
    cue: usize,
) -> Option<Speaker> {
    let text = ctx.text;
    let mut last = cue.checked_sub(1)?;
    if last > from
        && matches!(
            tokens[last].text(text),
            "later" | "also" | "then" | "once" | "previously" | "again" | "has" | "had"
        )
    {
        last -= 1;
    }
    if last < from || tokens[last].kind != TokenKind::Word {
        return None;
    }
    let end = tokens[last].span.end;
    let phrase = Span::new(tokens[from].span.start, end);
    let mention = ctx
        .entities
        .mentions_in(phrase)
        .filter(|m| m.span.end == end && ctx.kind(m.entity) == EntityKind::Person)
        .last()?;
    let start = if mention.full_span.start >= phrase.start && mention.full_span.end <= end {
        mention.full_span.start
    } else {
        mention.span.start
    };
    let first = tokens[from..=last]
        .iter()
        .position(|t| t.span.start >= start)
        .map(|k| k + from)?;
    if first > 0 {
        let before = tokens[first - 1].text(text);
        // ("after", "before" and "since" open a clause here: "days after Doe told".)
        if PREPOSITIONS.contains(&before) && !matches!(before, "after" | "before" | "since")
            || matches!(before, "of" | "'s" | "\u{2019}s" | "as" | "than" | "like")
        {
            return None;
        }
    }
    Some(Speaker {
        entity: Some(mention.entity),
        span: Span::new(start, end),
        confidence: 0.7,
    })
}

/// True when the speaker follows the cue: an inverting cue followed, before any
/// punctuation and within six words, by a capitalised name or a source noun.
fn speaker_follows(text: &str, tokens: &[Token], cue: Cue) -> bool {
    if !INVERTING_LEMMAS.contains(&cue.lemma)
        || !matches!(cue.form, CueForm::Past | CueForm::ThirdPerson)
    {
        return false;
    }
    // ("said 9/11 widow Jane Doe": a slash or hyphen inside a modifier.)
    let mut words = tokens[cue.last..]
        .iter()
        .take_while(|t| t.kind == TokenKind::Word || matches!(t.text(text), "/" | "-"))
        .filter(|t| t.kind == TokenKind::Word)
        .take(6)
        .map(|t| t.text(text));
    let Some(first) = words.next() else {
        return false;
    };
    if matches!(
        first,
        "that" | "it" | "this" | "he" | "she" | "they" | "we" | "I" | "him" | "her" | "them"
    ) {
        return false;
    }
    if is_date_word(first) {
        return false;
    }
    if DETERMINERS.contains(&first) {
        // "said one official", "wrote the authors"; not "emphasized the threat".
        return matches!(
            cue.lemma,
            "say"
                | "add"
                | "write"
                | "ask"
                | "continue"
                | "explain"
                | "reply"
                | "respond"
                | "answer"
                | "tweet"
                | "read"
                | "declare"
                | "conclude"
                | "quip"
                | "joke"
                | "insist"
                | "warn"
                | "note"
                | "argue"
                | "state"
                | "report"
                | "post"
                | "recall"
        );
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

/// Where a phrase ending before `end` starts: after the nearest punctuation or
/// clause opener, stepping over name abbreviations and parenthesised tags.
fn simple_start(text: &str, tokens: &[Token], end: usize) -> usize {
    let mut start = end;
    while start > 0 {
        let token = tokens[start - 1];
        let word = token.text(text);
        if token.kind == TokenKind::Punct && word == ")" {
            // "(D-Ore.)": step over a short parenthesis.
            let open = (start.saturating_sub(10)..start - 1)
                .rev()
                .find(|&k| tokens[k].text(text) == "(");
            if let Some(open) = open {
                start = open;
                continue;
            }
        }
        if abbreviation_dot(text, tokens, start - 1) {
            start -= 1;
            continue;
        }
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
                    | "\u{2015}"
                    | "\u{2013}"
                    | "-"
                    | "."
                    | "?"
                    | "!"
            );
        if is_break_punct
            || (token.kind == TokenKind::Word && CLAUSE_OPENERS.contains(&word))
            || end - start >= 20
        {
            break;
        }
        start -= 1;
    }
    start
}

/// True for a phrase set off by commas that describes the name before it:
/// "a lawyer", "25", "R-Ore.", "himself a candidate".
fn looks_appositive(text: &str, tokens: &[Token], from: usize, to: usize) -> bool {
    let Some(first) = tokens[from..to].iter().find(|t| t.kind == TokenKind::Word) else {
        return false;
    };
    let word = first.text(text);
    let party_tag = ["R-", "D-", "I-"].iter().any(|tag| {
        word.strip_prefix(tag)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase()))
    });
    // "Sacramento": a place set off by commas describes what comes before it.
    let span = Span::new(tokens[from].span.start, tokens[to - 1].span.end);
    let place = LEXICON
        .lookup(span.of(text))
        .is_some_and(|known| known.iter().any(|k| matches!(k, Known::Place { .. })));
    party_tag
        || place
        || word
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
}

/// True for `tokens[from..to]` made of two to four capitalised words (a name
/// as written: "Jane Q. Doe").
fn name_segment(text: &str, tokens: &[Token], from: usize, to: usize) -> bool {
    let words: Vec<&str> = tokens[from..to]
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text))
        .collect();
    (1..=4).contains(&words.len())
        && tokens[from..to].iter().enumerate().all(|(i, t)| {
            t.kind == TokenKind::Word && is_capitalised(t.text(text))
                || abbreviation_dot(text, tokens, from + i)
                || t.text(text) == "-"
        })
        && words.iter().all(|w| {
            !FUNCTION_OPENERS.contains(w)
                && !is_date_word(w)
                && !LEXICON.is_title_word(w)
                && !matches!(
                    *w,
                    "The" | "A" | "An" | "I" | "He" | "She" | "It" | "They" | "We"
                )
        })
}

/// True for a description of a person ending in its noun: "New Jersey's
/// sitting governor", "his wife".
fn person_description(text: &str, tokens: &[Token], from: usize, to: usize) -> bool {
    let last = tokens[from..to]
        .iter()
        .rev()
        .find(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text));
    last.is_some_and(|w| PERSON_NOUNS.contains(&w))
}

/// The speaker phrase ending before `cue`: `(start, end)`. Appositives between
/// the name and the cue are stepped over: "Jane Doe, a lawyer, said" → "Jane Doe".
fn phrase_start(text: &str, tokens: &[Token], cue: usize) -> (usize, usize) {
    let start = simple_start(text, tokens, cue);
    let has_word = |from: usize, to: usize| {
        tokens[from..to].iter().any(|t| {
            t.kind == TokenKind::Word
                && !matches!(
                    t.text(text),
                    "and" | "but" | "or" | "then" | "also" | "later"
                )
        })
    };
    if has_word(start, cue) {
        return (start, cue);
    }
    // "a tweet from Jane Doe who wrote": the name before the relative pronoun.
    if start > 0 && start == cue && matches!(tokens[start - 1].text(text), "who" | "which") {
        let name_start = simple_start(text, tokens, start - 1);
        if has_word(name_start, start - 1) {
            return (name_start, start - 1);
        }
    }
    // Nothing but a comma before the cue: "Doe, a lawyer, said", "Doe, 25, said"
    // (not "..., and asked": a coordinated verb shares the earlier subject).
    if start != cue {
        return (start, cue);
    }
    let mut end = start;
    for _ in 0..4 {
        if end == 0 || tokens[end - 1].text(text) != "," {
            break;
        }
        let comma = end - 1;
        let segment_start = simple_start(text, tokens, comma);
        if segment_start == comma {
            break;
        }
        // "Doe, who leads the group, said", "Doe, a lawyer who ..., said",
        // "Doe, later alleging that ..., said": the clause describes Doe.
        // The relative pronoun may sit inside the segment: "Doe, who identifies
        // as a Democrat, said" (the segment ends at "as").
        let segment_from = (0..comma)
            .rev()
            .find(|&k| {
                tokens[k].text(text) == ","
                    || tokens[k].kind == TokenKind::Punct
                        && matches!(
                            tokens[k].text(text),
                            ";" | ":" | "\u{201c}" | "\u{201d}" | "\""
                        )
            })
            .map_or(0, |k| k + 1);
        let opener = (segment_from..comma)
            .find(|&k| matches!(tokens[k].text(text), "who" | "whose" | "which" | "that"));
        if let Some(opener) = opener {
            let head_start = simple_start(text, tokens, opener);
            if head_start == opener {
                end = opener;
                continue;
            }
            if !looks_appositive(text, tokens, head_start, opener) {
                return (head_start, opener);
            }
            end = head_start;
            continue;
        }
        if !looks_appositive(text, tokens, segment_start, comma) {
            // "Doe, New Jersey's sitting governor, said": the name before
            // the description.
            if person_description(text, tokens, segment_start, comma)
                && segment_start > 1
                && tokens[segment_start - 1].text(text) == ","
            {
                let name_start = simple_start(text, tokens, segment_start - 1);
                if name_start < segment_start - 1
                    && name_segment(text, tokens, name_start, segment_start - 1)
                {
                    return (name_start, segment_start - 1);
                }
            }
            return (segment_start, comma);
        }
        end = segment_start;
    }
    (start, cue)
}

/// Where a speaker phrase starting at `from` (after the cue) ends.
fn phrase_end(text: &str, tokens: &[Token], from: usize) -> usize {
    let mut end = from;
    while end < tokens.len() {
        let token = tokens[end];
        let word = token.text(text);
        if token.kind == TokenKind::Punct && word == "(" {
            // "(D-Ore.)": step over a short parenthesis.
            if let Some(close) =
                (end + 1..tokens.len().min(end + 10)).find(|&k| tokens[k].text(text) == ")")
            {
                end = close + 1;
                continue;
            }
        }
        // "9/11 widow": a slash between digits stays inside the phrase.
        let digit_slash = word == "/"
            && end > 0
            && tokens[end - 1]
                .text(text)
                .ends_with(|c: char| c.is_ascii_digit())
            && tokens
                .get(end + 1)
                .is_some_and(|t| t.text(text).starts_with(|c: char| c.is_ascii_digit()));
        if token.kind == TokenKind::Punct
            && word != "-"
            && word != "\u{2019}"
            && !digit_slash
            && !abbreviation_dot(text, tokens, end)
        {
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
/// Wenbin during a briefing`, `he added`, `― Jane Doe`. The cue must come within a
/// short phrase.
fn attribution_after(ctx: &Context<'_>, after: Span, sentence: usize) -> Option<(Speaker, Span)> {
    let text = ctx.text;
    if after.start >= after.end {
        return None;
    }
    let tokens = tokenize(text, after);
    let mut first = 0;
    let mut dash = false;
    while first < tokens.len()
        && tokens[first].kind == TokenKind::Punct
        && matches!(
            tokens[first].text(text),
            "," | "\u{2014}" | "\u{2015}" | "\u{2013}" | "-" | "\u{201d}" | "\""
        )
    {
        dash |= matches!(
            tokens[first].text(text),
            "\u{2014}" | "\u{2015}" | "\u{2013}" | "-"
        );
        first += 1;
    }
    // The attribution must start the clause: no other words before it than the phrase.
    let cues = find_cues_in(text, &tokens[first..], false);
    let Some(cue) = cues.first() else {
        // "― Jane Doe": a signature after a dash.
        if dash {
            let end = phrase_end(text, &tokens, first);
            let rest_is_empty = tokens[end..].iter().all(|t| t.kind != TokenKind::Word);
            let name_like = tokens[first..end]
                .iter()
                .any(|t| t.kind == TokenKind::Word && is_capitalised(t.text(text)));
            if end > first && rest_is_empty && name_like {
                let speaker = resolve_phrase(ctx, &tokens, first, end, sentence)?;
                let dash_span = tokens[first - 1].span;
                return Some((speaker, dash_span));
            }
        }
        return None;
    };
    let (cue_first, cue_last) = (cue.first + first, cue.last + first);
    let has_comma = tokens[first..cue_first].iter().any(|t| t.text(text) == ",");
    if cue_first - first > if has_comma { 30 } else { 12 } {
        return None;
    }
    // "\"...,\" while Doe noted ...": another clause, not this quote's attribution.
    if (first..cue_first).any(|k| {
        let word = tokens[k].text(text);
        word != "as"
            && CLAUSE_OPENERS.contains(&word)
            && (k == first || tokens[k - 1].text(text) != ",")
    }) {
        return None;
    }
    // "- voters who watched the debate said ...": a new clause, not an attribution.
    if !has_comma
        && tokens[first..cue_first]
            .iter()
            .any(|t| matches!(t.text(text), "who" | "that" | "which"))
    {
        return None;
    }
    // Punctuation before the cue only inside the phrase: "Doe, 25, said".
    let mut subject_end = cue_first;
    if tokens[first..cue_first].iter().any(|t| {
        t.kind == TokenKind::Punct
            && !matches!(t.text(text), "-" | "\u{2019}" | "'" | "." | "(" | ")")
    }) {
        // "Doe, 25, said", "Jane Doe, the group's director, said": the name is
        // the first segment, the others describe it.
        let comma = (first..cue_first).find(|&k| {
            tokens[k].kind == TokenKind::Punct
                && !matches!(tokens[k].text(text), "-" | "\u{2019}" | "'" | "(" | ")")
                && !abbreviation_dot(text, &tokens, k)
        });
        let comma = comma?;
        if tokens[comma].text(text) != ","
            || (comma..cue_first).any(|k| {
                tokens[k].kind == TokenKind::Punct
                    && matches!(tokens[k].text(text), "." | ";" | ":" | "?" | "!")
                    && !abbreviation_dot(text, &tokens, k)
            })
        {
            return None;
        }
        // "...\" they need to win, group spokesman Jane Doe said": a clause
        // naming no one ends at a comma and the person before the cue speaks.
        let last_comma = (comma..cue_first)
            .rev()
            .find(|&k| tokens[k].text(text) == ",")
            .unwrap_or(comma);
        let before_cue = tokens[cue_first - 1].span.end;
        let named = |from: usize, to: usize| {
            to > from
                && ctx
                    .entities
                    .mentions_in(Span::new(tokens[from].span.start, tokens[to - 1].span.end))
                    .any(|m| {
                        matches!(
                            ctx.entities.entities[m.entity].kind,
                            EntityKind::Person | EntityKind::Org
                        )
                    })
        };
        if last_comma + 1 < cue_first
            && !named(first, comma)
            && (first..comma).any(|k| {
                tokens[k].kind == TokenKind::Word
                    && (is_pronoun(tokens[k].text(text))
                        || matches!(tokens[k].text(text), "they" | "it" | "we" | "you"))
            })
            && ctx
                .entities
                .mentions_in(Span::new(tokens[last_comma + 1].span.start, before_cue))
                .any(|m| {
                    m.span.end == before_cue
                        && ctx.entities.entities[m.entity].kind == EntityKind::Person
                })
        {
            let speaker = resolve_phrase(ctx, &tokens, last_comma + 1, cue_first, sentence)?;
            let cue_span = Span::new(tokens[cue_first].span.start, tokens[cue_last - 1].span.end);
            return Some((speaker, cue_span));
        }
        subject_end = comma;
        // "his wife, Jane Doe, wrote": the name after the description.
        let next = (comma + 1..cue_first)
            .find(|&k| tokens[k].text(text) == ",")
            .unwrap_or(cue_first);
        // (Capitalised words only after a determiner: "the likely Green
        // Party nominee, Jane Doe, tweeted"; "Jane Doe, a lawyer" is the name first.)
        if person_description(text, &tokens, first, comma)
            && (matches!(
                tokens[first].text(text),
                "the" | "his" | "her" | "their" | "its"
            ) || !tokens[first..comma]
                .iter()
                .any(|t| t.kind == TokenKind::Word && is_capitalised(t.text(text))))
            && next > comma + 1
            && name_segment(text, &tokens, comma + 1, next)
        {
            let speaker = resolve_phrase(ctx, &tokens, comma + 1, next, sentence)?;
            let cue_span = Span::new(tokens[cue_first].span.start, tokens[cue_last - 1].span.end);
            return Some((speaker, cue_span));
        }
    }
    let cue_span = Span::new(tokens[cue_first].span.start, tokens[cue_last - 1].span.end);
    let according = cue.form == CueForm::Phrase && cue.lemma == "according";
    if cue_first == first && !according && !speaker_follows(text, &tokens[first..], *cue) {
        return None;
    }
    let speaker = if cue_first == first {
        // Cue first: the speaker follows ("said Oriana Skylar Mastro, a ... expert").
        let end = phrase_end(text, &tokens, cue_last);
        resolve_phrase(ctx, &tokens, cue_last, end, sentence)?
    } else {
        resolve_phrase(ctx, &tokens, first, subject_end, sentence)?
    };
    Some((speaker, cue_span))
}

/// A plural noun of people or groups ("Critics", "Protesters", "Scientists",
/// "Authorities") by its ending, that no name list knows (not "Sanders"): no name
/// of a source.
fn plural_of_people(word: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ers", "ors", "ists", "ians", "ants", "ents", "ics", "ities", "ives", "ees",
    ];
    ENDINGS
        .iter()
        .any(|e| word.len() > e.len() + 2 && word.ends_with(e))
        && word.chars().skip(1).all(char::is_lowercase)
        && !crate::ner::is_known_name(word)
        && !word
            .strip_suffix('s')
            .is_some_and(crate::ner::is_known_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::recognize;
    use crate::text::segment;

    fn run(text: &str) -> Vec<(String, Option<String>, bool)> {
        let document = segment(text);
        let mut entities = recognize(&document);
        propose_speakers(&document, &mut entities);
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

    fn speaker_of(quotes: &[(String, Option<String>, bool)], words: &str) -> Option<String> {
        quotes
            .iter()
            .find(|(text, _, _)| text.contains(words))
            .unwrap_or_else(|| panic!("no quote with {words:?} in {quotes:?}"))
            .1
            .clone()
    }

    // The next three tests adapt sentences from Wikinews (CC BY 2.5,
    // https://en.wikinews.org): "US Representative Elijah Cummings dies at age
    // 68", "Sixteen states sue U.S. President Trump to stop declaration of
    // national emergency" and "Northern Arapaho tribe welcomes buffalo herd in
    // Wyoming".
    #[test]
    fn appositives_between_name_and_cue_are_stepped_over() {
        let text = "Headline\nPoliticians publicly mourned Cummings's death. Democrat Chuck Schumer, the Senate minority leader, told MSNBC Cummings \u{201c}was a great man,\u{201d} while Republican President Donald Trump noted his \u{201c}strength, passion and wisdom\u{201d} on Twitter.\n";
        let quotes = run(text);
        let schumer = speaker_of(&quotes, "great man");
        assert!(
            schumer
                .as_deref()
                .is_some_and(|s| s.ends_with("Chuck Schumer")),
            "{schumer:?}"
        );
        assert_eq!(
            speaker_of(&quotes, "passion").as_deref(),
            Some("Donald Trump")
        );
    }

    #[test]
    fn inverted_speakers_keep_titles_and_relative_clauses_apart() {
        let text = "Headline\n\"President Trump treats the rule of law with utter contempt,\" said California Attorney General Xavier Becerra. \"He knows there is no border crisis.\"\n\"There's no sense in having two private herds,\" said Devin Oldman, who helped manage the delivery of the buffalo.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "utter contempt").as_deref(),
            Some("Xavier Becerra")
        );
        assert_eq!(
            speaker_of(&quotes, "border crisis").as_deref(),
            Some("Xavier Becerra")
        );
        assert_eq!(
            speaker_of(&quotes, "private herds").as_deref(),
            Some("Devin Oldman")
        );
    }

    #[test]
    fn a_name_then_a_relative_clause_then_the_cue() {
        let text = "Headline\nMaria Lopez spoke on Monday.\n\u{201c}We will rebuild the bridge,\u{201d} Peter Hansen, who chairs the county board, told reporters.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "rebuild").as_deref(),
            Some("Peter Hansen")
        );
    }

    #[test]
    fn reporting_verbs_beyond_said_and_the_clause_subject() {
        let text = "Headline\nSenator Jane Doe dismissed the proposal as \u{201c}a waste of public money\u{201d} on Tuesday.\nIn July, Governor John Roe called the bill \u{201c}a disaster for farmers.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(speaker_of(&quotes, "waste").as_deref(), Some("Jane Doe"));
        assert_eq!(speaker_of(&quotes, "disaster").as_deref(), Some("John Roe"));
    }

    #[test]
    fn pronouns_take_the_person_of_their_gender_outside_quotes() {
        let text = "Headline\nMary Smith met Robert Jones in Paris on Friday.\n\u{201c}The talks went well,\u{201d} she said.\n\u{201c}I told Robert Jones we would return,\u{201d} Robert Jones said. \u{201c}We will,\u{201d} he added.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "talks went well").as_deref(),
            Some("Mary Smith")
        );
        assert_eq!(
            speaker_of(&quotes, "We will").as_deref(),
            Some("Robert Jones")
        );
    }

    #[test]
    fn a_quote_after_an_introducing_sentence_and_before_its_attribution() {
        let text = "Headline\nMayor Ann Lee released the following statement:\n\u{201c}Our city stands together tonight.\u{201d}\nReporters pressed Tom Green on the budget.\n\u{201c}Is there money left?\u{201d} Green asked reporters.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "stands together").as_deref(),
            Some("Ann Lee")
        );
        assert_eq!(
            speaker_of(&quotes, "money left").as_deref(),
            Some("Tom Green")
        );
    }

    #[test]
    fn transcript_labels_and_signatures() {
        let text = "Headline\nSam Park interviewed Governor Lisa Ray.\n\"PARK: Will you run again next year?\n\"RAY: I have not decided, and I will not decide soon.\nReaders wrote in.\n\u{201c}The new park is the best thing the town has done.\u{201d} \u{2015} Lisa Ray\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "run again").as_deref(),
            Some("Sam Park")
        );
        assert_eq!(
            speaker_of(&quotes, "not decided").as_deref(),
            Some("Lisa Ray")
        );
        assert_eq!(speaker_of(&quotes, "new park").as_deref(), Some("Lisa Ray"));
    }

    #[test]
    fn a_source_phrase_ends_with_its_subject() {
        let phrase = |text: &'static str| {
            source_phrase(text, Span::new(0, text.len())).map(move |s| s.of(text))
        };
        assert_eq!(
            phrase("The president had previously"),
            Some("The president")
        );
        assert_eq!(phrase("It also"), Some("It"));
        assert_eq!(phrase("The study itself outlined"), Some("The study"));
        assert_eq!(phrase("The case revolved around"), Some("The case"));
        assert_eq!(phrase("While those surveyed"), Some("those surveyed"));
        assert_eq!(phrase("and Trump later"), Some("Trump"));
        assert_eq!(phrase("Pierce said he was embarrassed"), Some("Pierce"));
        assert_eq!(
            phrase("A university student named Wong"),
            Some("A university student named Wong")
        );
        assert_eq!(phrase("most"), Some("most"));
        assert_eq!(phrase("had"), None);
        assert_eq!(phrase("The"), None);
        assert_eq!(phrase("That"), None);
        assert_eq!(phrase("and"), None);
    }

    #[test]
    fn documents_and_descriptions_are_kept_as_speaker_text() {
        let text = "Headline\nThe audit covered five years.\n\u{201c}Controls were weak in every office,\u{201d} the report said.\n";
        let document = segment(text);
        let entities = recognize(&document);
        let quotes = extract(&document, &entities);
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].speaker, None);
        assert_eq!(
            quotes[0].speaker_span.map(|s| s.of(text)),
            Some("the report")
        );
    }

    #[test]
    fn a_single_quoted_word_is_no_quote() {
        let text = "Headline\nThe minister called the plan \u{201c}reckless\u{201d} and left.\n";
        assert!(run(text).is_empty());
    }

    #[test]
    fn speakers_recognition_missed_become_entities() {
        let text = "Headline\nThe vote was close.\n\u{201c}We won by a hair,\u{201d} said Rep. Jane Q. Public (D-Ore.), who leads the caucus.\n";
        let document = segment(text);
        let mut entities = recognize(&document);
        propose_speakers(&document, &mut entities);
        let quotes = extract(&document, &entities);
        let speaker = quotes[0]
            .speaker
            .map(|e| entities.entities[e].name.as_str());
        assert!(
            speaker.is_some_and(|name| name.ends_with("Public")),
            "{speaker:?}"
        );
    }

    #[test]
    fn a_name_after_a_lowercase_description_is_the_speaker() {
        let text = "Headline\nThe budget passed.\n\u{201c}Nobody read the annex,\u{201d} wrote columnist Odile Varnach.\n\u{201c}It was a long night,\u{201d} said Harbour Party whip Teodor Malvik.\n\u{201c}We were told nothing,\u{201d} said a Harbour Party member.\n";
        let quotes = run(text);
        let varnach = speaker_of(&quotes, "Nobody read");
        assert!(
            varnach.as_deref().is_some_and(|n| n.ends_with("Varnach")),
            "{varnach:?}"
        );
        let malvik = speaker_of(&quotes, "long night");
        assert!(
            malvik.as_deref().is_some_and(|n| n.ends_with("Malvik")),
            "{malvik:?}"
        );
        let member = speaker_of(&quotes, "told nothing");
        assert!(
            !member.as_deref().is_some_and(|n| n.ends_with("Member")),
            "{member:?}"
        );
    }

    #[test]
    fn honorific_surnames_horizontal_bars_and_numbered_modifiers() {
        let text = "Headline\nThe rally was loud.\n\u{201c}It is all about turnout,\u{201d} Mr. Bishop added.\nWhen the mayor noted the deficit \u{2015} as was true for years \u{2015} Lena Vostrikova replied, \u{201c}That is the plan.\u{201d}\n\u{201c}The rationale does not hold,\u{201d} said 9/11 widow Maria Ostrova.\n";
        let quotes = run(text);
        let bishop = speaker_of(&quotes, "turnout");
        assert!(
            bishop.as_deref().is_some_and(|n| n.ends_with("Bishop")),
            "{bishop:?}"
        );
        let plan = speaker_of(&quotes, "the plan");
        assert!(
            plan.as_deref().is_some_and(|n| n.ends_with("Vostrikova")),
            "{plan:?}"
        );
        let widow = speaker_of(&quotes, "rationale");
        assert!(
            widow.as_deref().is_some_and(|n| n.ends_with("Ostrova")),
            "{widow:?}"
        );
    }

    #[test]
    fn a_name_beside_a_description_of_its_bearer_is_the_speaker() {
        let text = "Headline\nThe hearing ended.\n\u{201c}We need him at home,\u{201d} his wife, Ilinca Dobresti, wrote in a letter.\nTovar, Oregon\u{2019}s sitting governor, repeated that the plan was a \u{201c}work in progress.\u{201d}\n";
        let quotes = run(text);
        let wife = speaker_of(&quotes, "at home");
        assert!(
            wife.as_deref().is_some_and(|n| n.ends_with("Dobresti")),
            "{wife:?}"
        );
        let governor = speaker_of(&quotes, "work in progress");
        assert!(
            governor.as_deref().is_some_and(|n| n.ends_with("Tovar")),
            "{governor:?}"
        );
    }

    #[test]
    fn a_time_opening_the_sentence_is_no_speaker() {
        let text = "Headline\nThe convention met.\nSaturday at the state party convention Sen. Jane Q. Public (D-Ore.) said the plan was a \u{201c}proven failure\u{201d} in every county.\n";
        let quotes = run(text);
        let public = speaker_of(&quotes, "proven failure");
        assert!(
            public.as_deref().is_some_and(|n| n.ends_with("Public")),
            "{public:?}"
        );
    }

    #[test]
    fn a_person_right_before_the_cue_after_a_clause_naming_no_one() {
        let text = "Headline\nThe group met.\nHer backing will carry \u{201c}real weight\u{201d} and bring the \u{201c}volunteer muscle\u{201d} they need to win, group spokesman Tomas Rydell said.\n";
        let quotes = run(text);
        let rydell = speaker_of(&quotes, "real weight");
        assert!(
            rydell.as_deref().is_some_and(|n| n.ends_with("Rydell")),
            "{rydell:?}"
        );
    }

    #[test]
    fn a_participle_continues_the_attributed_clause() {
        let text = "Headline\nThe shift was slow.\n\u{201c}It is not new in Oregon,\u{201d} said Rep. Tobias Quell (D-Ore.) at the time, adding that \u{201c}we have been electing them for a long time.\u{201d} Analyst Mira Sonn agreed.\n";
        let quotes = run(text);
        let quell = speaker_of(&quotes, "electing them");
        assert!(
            quell.as_deref().is_some_and(|n| n.ends_with("Quell")),
            "{quell:?}"
        );
    }

    #[test]
    fn a_quoted_sentence_after_the_writer_names_its_speaker() {
        let text = "Headline\nSenator Alice Moreno toured the flooded valley on Sunday.\n\u{201c}We will rebuild every bridge in this county.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "rebuild every bridge").as_deref(),
            Some("Alice Moreno")
        );
    }

    #[test]
    fn the_possessor_of_a_claim_speaks() {
        let text = "Headline\nThe fact checkers looked at Governor Paul Weber's claim that the state had \u{201c}the lowest taxes in the region.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "lowest taxes").as_deref(),
            Some("Paul Weber")
        );
    }

    #[test]
    fn descriptions_resolve_to_the_person_they_describe() {
        let text = "Headline\nSenator Maria Olsen of Vermont met voters in Burlington.\n\u{201c}Health care is a right,\u{201d} the Vermont senator said.\n";
        let document = segment(text);
        let mut entities = recognize(&document);
        propose_speakers(&document, &mut entities);
        let quotes = extract(&document, &entities);
        let speaker = quotes[0].speaker.expect("resolved");
        assert_eq!(entities.entities[speaker].name, "Maria Olsen");
        // The description is now a mention of her.
        assert!(entities
            .mentions
            .iter()
            .any(|m| m.entity == speaker && m.span.of(text) == "the Vermont senator"));
    }

    #[test]
    fn a_capitalised_cue_after_a_comma_and_a_beaming_speaker() {
        let text = "Headline\nThe fund raised money all spring.\n\u{201c}Not our plan, but a fine one!\u{201d} Mara Quill, the head of the fund, Tweeted on Friday.\n\u{201c}This is wonderful!\u{201d} beamed Tomas Brenner of Leeds, who had waited all night.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "fine one").as_deref(),
            Some("Mara Quill")
        );
        assert_eq!(
            speaker_of(&quotes, "wonderful").as_deref(),
            Some("Tomas Brenner")
        );
    }

    #[test]
    fn an_inverted_cue_after_an_opening_phrase_or_inside_a_parenthetical() {
        let text = "Headline\nThe mayor Tom Ferris lost the vote.\nIn other words, explained Dana Morrow: \u{201c}the race is done.\u{201d}\nThe trouble with Ferris, says Carl Penn, a historian at the city library, is that he was \u{201c}too proud to listen.\u{201d}\nJo Hale, who sat on the board, told Ferris, \u{201c}You will lose.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "race is done").as_deref(),
            Some("Dana Morrow")
        );
        assert_eq!(
            speaker_of(&quotes, "too proud").as_deref(),
            Some("Carl Penn")
        );
        assert_eq!(
            speaker_of(&quotes, "You will lose").as_deref(),
            Some("Jo Hale")
        );
    }

    #[test]
    fn a_relation_then_the_name_before_the_cue() {
        let text = "Headline\nThe search went on for days.\n\u{201c}She is also a mother of three,\u{201d} another friend, Lena Varro told reporters.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "mother of three").as_deref(),
            Some("Lena Varro")
        );
    }

    #[test]
    fn a_partial_quote_is_attributed_after_it_only_when_set_off() {
        let text = "Headline\nSenator Jane Doe met voters.\nDoe said she was \u{201c}firmly behind\u{201d} the levy, which Governor John Roe argued would fund the ferry.\nThe levy is \u{201c}a tax on commuters,\u{201d} Roe said.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "firmly behind"),
            Some("Jane Doe".into())
        );
        assert_eq!(
            speaker_of(&quotes, "a tax on commuters"),
            Some("John Roe".into())
        );
    }

    #[test]
    fn a_person_right_before_the_cue_speaks_when_the_phrase_names_no_one() {
        let text = "Headline\nGovernor Jane Doe met John Roe on Friday.\nThe vote comes a week after Doe told a radio host she was \u{201c}still weighing the options\u{201d} on the ferry.\nA letter from Roe said the plan was \u{201c}far too costly\u{201d} for the state.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "still weighing"),
            Some("Jane Doe".into())
        );
        assert_eq!(speaker_of(&quotes, "far too costly"), None);
    }

    #[test]
    fn name_endings_abbreviations_and_title_word_surnames() {
        let text = "Headline\nThe harbour board met on Monday.\n\u{201c}The ferry must keep running through the winter,\u{201d} said Rep. Tom A. Vance Jr. (D-Ore.), a board member.\n\u{201c}Nobody asked the fishermen first,\u{201d} said Walter Earl Bishop Jr. in 1998.\nSailing coach Ana Lucia Prince met the board in March.\nPrince says the harbour \u{201c}needs a second pier before the summer.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "keep running"),
            Some("Tom A. Vance Jr.".into())
        );
        assert_eq!(
            speaker_of(&quotes, "Nobody asked"),
            Some("Walter Earl Bishop Jr.".into())
        );
        assert_eq!(
            speaker_of(&quotes, "second pier"),
            Some("Ana Lucia Prince".into())
        );
    }

    #[test]
    fn a_description_with_capitalised_words_before_the_name() {
        let text = "Headline\nPresident John Roe spoke in Ohio.\n\u{201c}Where is the budget the council promised?\u{201d} the likely Green Party mayoral nominee, Jane Doe, tweeted on Sunday.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "budget the council"),
            Some("Jane Doe".into())
        );
    }

    #[test]
    fn a_document_read_after_the_quote_is_its_source() {
        let text = "Headline\nCampaign manager John Roe wrote the first draft.\n\u{201c}The company regrets the delay and will refund every order,\u{201d} read the statement, which Roe sent at night.\n";
        let document = segment(text);
        let mut entities = recognize(&document);
        propose_speakers(&document, &mut entities);
        let quotes = extract(&document, &entities);
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].speaker, None);
        assert_eq!(
            quotes[0].speaker_span.map(|s| s.of(text)),
            Some("the statement")
        );
    }

    #[test]
    fn more_verbs_invert_before_their_speaker() {
        let text = "Headline\nCommuter Diana Roe answered first.\n\u{201c}The bridge should have been fixed years ago,\u{201d} agrees Jane Doe, 41, of Dayton.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "bridge should"),
            Some("Jane Doe".into())
        );
    }

    #[test]
    fn an_opening_phrase_with_city_and_state_before_the_subject() {
        let text = "Headline\nSenator Jane Doe toured the state.\nSpeaking at a diner in Dayton, Ohio, Doe went after the governor, calling him \u{201c}a man without a plan.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "without a plan"),
            Some("Jane Doe".into())
        );
    }

    #[test]
    fn a_place_set_off_before_the_cue_completes_another() {
        let text = "Headline\nSenator Jane Doe toured the state.\nDoe, during a stop in Dayton, Ohio, said she was \u{201c}ready to fix the bridges\u{201d} this year.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "fix the bridges"),
            Some("Jane Doe".into())
        );
    }

    #[test]
    fn an_opening_participle_phrase_holds_no_cue_of_the_quote() {
        let text = "Headline\nMayor Jane Doe spoke on Monday.\nContinuing to explain her plan, Doe rejected the council's budget, saying that it \u{201c}leaves the bridges to rot.\u{201d}\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "bridges to rot"),
            Some("Jane Doe".into())
        );
    }

    #[test]
    fn an_opening_prepositional_phrase_holds_no_cue_of_the_quote() {
        let text =
            "Headline\nSenator Jane Doe spoke on Monday.\nIn a Facebook message posted Friday, \
                    Doe said she had \"areas of significant disagreement\" with the governor.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "areas of significant disagreement"),
            Some("Jane Doe".into())
        );
    }

    #[test]
    fn a_surname_that_is_a_demonym_is_its_bearer() {
        let text = "Headline\n\"I am open to running,\" Mark Cuban said on Sunday.\n\
                    \"It is certainly more of a consideration than it was,\" Cuban said.\n\
                    \"We will see,\" Democratic said.\n";
        let quotes = run(text);
        assert_eq!(
            speaker_of(&quotes, "more of a consideration"),
            Some("Mark Cuban".into())
        );
        // A demonym no person bears names no one.
        assert_eq!(speaker_of(&quotes, "We will see"), None);
    }
}
