//! Entity recognition and in-document resolution.
//!
//! 1. Every sentence's runs of capitalised words are cut against the lexicon
//!    (countries, demonyms, places, organisations, titles) by longest match.
//! 2. What remains is typed by its shape: organisation and gathering head words,
//!    acronyms, and two-to-four-word names as people.
//! 3. Titles and nationality words right before a name become the person's role
//!    and affiliation ("Chinese Vice President Han Zheng").
//! 4. Single words ("Han", "Xi", "Wang") resolve to the nearest person whose name
//!    contains them, so two people sharing a surname stay apart; spelling variants
//!    of one name merge.
//! 5. Lower-case national institutions ("China's foreign ministry") are organisations.

use std::collections::{HashMap, HashSet};

use crate::gender::{title_gender, GIVEN_NAMES};
use crate::lexicon::{EntityKind, Known, EVENT_HEADS, GENERIC_ORG_WORDS, LEXICON, ORG_HEADS};
use crate::ner;
use crate::quotes;
use crate::text::{BlockKind, Document, Span};
use crate::tokens::{tokenize, Token, TokenKind};

/// An entity of one document.
#[derive(Clone, Debug)]
pub struct DocEntity {
    /// Canonical name.
    pub name: String,
    /// Type.
    pub kind: EntityKind,
    /// Titles seen attached, expanded, in order of first sight.
    pub roles: Vec<String>,
    /// Canonical name of the affiliated country, if the text gives one.
    pub affiliation: Option<String>,
}

/// One mention of a document entity.
#[derive(Clone, Copy, Debug)]
pub struct DocMention {
    /// The bare name.
    pub span: Span,
    /// The name with attached titles and nationality words, if longer.
    pub full_span: Span,
    /// Index into [`DocEntities::entities`].
    pub entity: usize,
    /// Index of the sentence it is in.
    pub sentence: usize,
}

/// The entities of a document and their mentions (sorted by position).
#[derive(Clone, Debug, Default)]
pub struct DocEntities {
    /// Entities, in order of first mention.
    pub entities: Vec<DocEntity>,
    /// Mentions sorted by start.
    pub mentions: Vec<DocMention>,
}

impl DocEntities {
    /// Mentions whose bare span lies inside `span`.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = &DocMention> {
        let first = self.mentions.partition_point(|m| m.span.start < span.start);
        self.mentions[first..]
            .iter()
            .take_while(move |m| m.span.end <= span.end)
    }

    /// The last mention of a person that ends before `position`.
    pub fn last_person_before(&self, position: usize) -> Option<&DocMention> {
        let end = self.mentions.partition_point(|m| m.span.start < position);
        self.mentions[..end]
            .iter()
            .rev()
            .find(|m| self.entities[m.entity].kind == EntityKind::Person && m.span.end <= position)
    }
}

/// What a raw recognition found before resolution.
#[derive(Clone, Debug)]
enum Raw {
    /// A fully named entity.
    Named { name: String, kind: EntityKind },
    /// A single capitalised word to resolve against people named elsewhere.
    Single { word: String, titled: bool },
}

#[derive(Clone, Debug)]
struct RawMention {
    raw: Raw,
    span: Span,
    full_span: Span,
    sentence: usize,
    role: Option<String>,
    affiliation: Option<String>,
}

impl RawMention {
    /// An organisation named by exactly `span`, with no title attached.
    fn organization(
        name: String,
        span: Span,
        sentence: usize,
        affiliation: Option<String>,
    ) -> RawMention {
        RawMention {
            raw: Raw::Named {
                name,
                kind: EntityKind::Org,
            },
            span,
            full_span: span,
            sentence,
            role: None,
            affiliation,
        }
    }
}

/// A word written as names are ("I've" is a pronoun's contraction, no name).
fn is_capitalised(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && word.chars().any(char::is_alphabetic)
        && !crate::ner::first_person_contraction(word)
}

fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && word.chars().count() <= 7
}

fn is_name_word(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_uppercase()
        && word
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '\u{2019}' || c == '.')
        && word.chars().skip(1).any(char::is_lowercase)
}

/// A Roman numeral from II to XXXIX ("Henry VIII", "Charles III"); "I" only
/// where `lone_i` allows it (it is also the pronoun).
fn is_regnal_number(word: &str, lone_i: bool) -> bool {
    if word == "I" {
        return lone_i;
    }
    let rest = word.trim_start_matches('X');
    let tens = word.len() - rest.len();
    tens <= 3
        && (word.len() > tens || tens > 0)
        && matches!(
            rest,
            "" | "I" | "II" | "III" | "IV" | "V" | "VI" | "VII" | "VIII" | "IX"
        )
        && word != "X"
}

/// Words that end companies' names besides the tagger's head words (legal
/// forms and trades: "Virgin Records", "Siemens AG", "Paramount Pictures").
const COMPANY_HEADS: &[&str] = &[
    "AG",
    "GmbH",
    "SA",
    "S.A.",
    "NV",
    "N.V.",
    "SpA",
    "Pty",
    "LLP",
    "LP",
    "Records",
    "Studios",
    "Pictures",
    "Films",
    "Publishing",
    "Publishers",
    "Technologies",
    "Ventures",
    "Telecom",
    "Airline",
    "Bancorp",
    "Brewing",
    "Foods",
    "Stores",
];

/// True for a word that ends an organisation's name.
fn is_org_head(word: &str) -> bool {
    ner::is_org_word(word) || COMPANY_HEADS.contains(&word)
}

/// Abbreviations that start football and sports clubs' names ("FC Basel").
const CLUB_PREFIXES: &[&str] = &[
    "FC", "AFC", "AC", "SC", "CF", "CD", "SV", "FK", "SK", "NK", "VfB", "VfL", "TSG", "RC", "SD",
    "UD", "GD", "KV", "KRC", "BSC", "HNK", "PFC", "MFK",
];

/// Head words of administrative areas and harbours: a name ending in one is a place.
const ADMINISTRATIVE_HEADS: &[&str] = &[
    "County",
    "District",
    "Province",
    "Oblast",
    "Parish",
    "Prefecture",
    "Governorate",
    "Municipality",
    "Township",
    "Borough",
    "Canton",
    "Harbor",
    "Harbour",
    "Krai",
    "Raion",
];

/// Legal forms that follow a company's name after a comma ("Acme, Inc.").
fn is_legal_form(word: &str) -> bool {
    matches!(
        word,
        "Inc" | "LLC" | "LLP" | "Ltd" | "Corp" | "PLC" | "plc" | "GmbH" | "AG"
    )
}

/// Head words of facilities: a name ending in one is a place.
const FACILITY_HEADS: &[&str] = &[
    "Airport",
    "Airfield",
    "Aerodrome",
    "Stadium",
    "Bridge",
    "Tunnel",
    "Dam",
];

/// Head words of streets and squares.
const STREET_HEADS: &[&str] = &["Street", "Avenue", "Road", "Square", "Boulevard", "Lane"];

/// Head words of military units, named with their number ("7th Fleet").
const MILITARY_UNITS: &[&str] = &[
    "Division",
    "Corps",
    "Brigade",
    "Regiment",
    "Battalion",
    "Squadron",
    "Fleet",
    "Army",
    "Infantry",
    "Wing",
    "Cavalry",
    "Artillery",
    "Flotilla",
    "Airborne",
    "Marines",
];

/// A unit's number: "82nd", "101st", "3d", "65", or a Roman numeral ("IV").
fn is_unit_number(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let has_digits = digits.len() < word.len();
    has_digits && matches!(digits, "" | "st" | "nd" | "rd" | "th" | "d")
        || is_regnal_number(word, true)
}

/// Epithets that follow a person's name after "the" ("Pliny the Elder").
const EPITHETS: &[&str] = &["Elder", "Younger", "Great"];

/// Titles of monarchs and popes, before a name with a regnal number.
const REGNAL_TITLES: &[&str] = &[
    "King", "Queen", "Pope", "Emperor", "Empress", "Pharaoh", "Tsar", "Czar", "Tsarina", "Sultan",
    "Prince", "Princess", "Duke", "Duchess", "Shah", "Kaiser", "Saint", "St.",
];

/// How far a person's name ending before `to` reaches with what follows it:
/// a regnal number ("Henry VIII", "Amyntas I of Macedon"), a generational
/// suffix ("Jr", "Sr") or an epithet ("Lucas Cranach the Elder").
fn person_suffix(text: &str, tokens: &[Token], words: &[&str], from: usize, to: usize) -> usize {
    let Some(&next) = words.get(to) else {
        return to;
    };
    if !adjacent(text, tokens[to - 1], tokens[to]) || tokens[to].kind != TokenKind::Word {
        return to;
    }
    // A lone "I" is a number only after a monarch's title ("king Amyntas I"), or
    // before punctuation, the end, "of" or a name.
    let regnal_title = |k: usize| {
        REGNAL_TITLES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(words[k]))
    };
    let lone_i = from > 0 && regnal_title(from - 1)
        || regnal_title(from)
        || match words.get(to + 1) {
            None => true,
            Some(&after) => {
                tokens[to + 1].kind != TokenKind::Word || after == "of" || is_capitalised(after)
            }
        };
    if is_regnal_number(next, lone_i) || matches!(next, "Jr" | "Sr" | "Jr." | "Sr.") {
        return to + 1;
    }
    if next == "the"
        && words.get(to + 1).is_some_and(|w| EPITHETS.contains(w))
        && adjacent(text, tokens[to], tokens[to + 1])
    {
        return to + 2;
    }
    to
}

/// Head words of geographic features: a capitalised run ending in one is a LOC.
const LOC_HEADS: &[&str] = &[
    "Sea",
    "Ocean",
    "Strait",
    "Straits",
    "Shoal",
    "Reef",
    "Island",
    "Islands",
    "Bay",
    "Gulf",
    "River",
    "Mountains",
    "Peninsula",
    "Canal",
    "Desert",
    "Lake",
    "Valley",
    "Coast",
    "Archipelago",
    "Channel",
];

/// Plural words that end the names of places after a place name ("Shaker
/// Heights", "Niagara Falls"): no team's nickname.
const PLURAL_PLACE_WORDS: &[&str] = &[
    "Heights",
    "Hills",
    "Falls",
    "Springs",
    "Gardens",
    "Territories",
    "Lakes",
    "Plains",
    "Woods",
    "Downs",
    "Sands",
    "Keys",
    "Highlands",
    "Lowlands",
];

/// Heads of programme, treaty and plan names, which are not annotated entities.
const NON_ENTITY_HEADS: &[&str] = &[
    "Initiative",
    "Corridor",
    "Programme",
    "Program",
    "Plan",
    "Act",
    "Accord",
    "Treaty",
    "Strategy",
    "Agreement",
    "Doctrine",
];

/// Last words of names of events and prizes, which are no entities.
const NON_ENTITY_LAST_WORDS: &[&str] = &[
    "War",
    "Revolution",
    "Crisis",
    "Trophy",
    "Prize",
    "Award",
    "Awards",
    "Medal",
    "Cup",
    "Championship",
    "Championships",
];

const CONNECTORS: &[&str] = &[
    "of", "de", "da", "del", "van", "von", "bin", "al", "for", "the", "der", "den", "la", "le",
    "di", "du", "dos", "das", "ibn",
];

/// True for a word that alone names nothing: an abbreviation of a common noun
/// ("GDP", "SUV", "KO"), a lone regnal number ("III"), or a name joined to a
/// lower-case word ("Trump-critic").
fn names_nothing_alone(word: &str) -> bool {
    LEXICON.is_common_acronym(word) || is_regnal_number(word, false) || is_modifier_compound(word)
}

/// True for a word joining a name to a lower-case word, a modifier and no name
/// ("Trump-critic", "Indiana-born", "ISIS-sympathetic"; "Jong-un" keeps its
/// short syllable).
fn is_modifier_compound(word: &str) -> bool {
    word.rsplit_once('-')
        .is_some_and(|(_, tail)| tail.len() >= 3 && tail.chars().all(char::is_lowercase))
}

/// True for a capitalised plural that can be a sports team's nickname after a
/// place ("Canucks", "Braves", "Eagles"): no place word, no people or
/// political camp ("Palestinians", "Democrats", "Socialists"), no known name.
fn is_team_nickname(word: &str) -> bool {
    is_name_word(word)
        && word.chars().count() >= 4
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !["ans", "ists", "ats", "ites", "is", "us"]
            .iter()
            .any(|end| word.ends_with(end))
        && !LOC_HEADS.contains(&word)
        && !PLURAL_PLACE_WORDS.contains(&word)
        && known_place(word).is_none()
        && !ner::is_government_place(word)
        && LEXICON.lookup(word).is_none()
        && LEXICON.lookup(&word[..word.len() - 1]).is_none()
}

/// Particles inside personal names ("Ursula von der Leyen", "Ludwig van Beethoven").
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "del", "van", "von", "der", "den", "la", "le", "di", "du", "dos", "das", "bin",
    "ibn", "al",
];

/// Lower-case nouns that, right before a name, are its role (beyond the title list).
const ROLE_NOUNS: &[&str] = &[
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "leader",
    "leaders",
    "president",
    "minister",
    "secretary",
    "ambassador",
    "envoy",
    "diplomat",
    "adviser",
    "advisor",
    "chairman",
    "executive",
    "premier",
    "counterpart",
];

/// Lower-case institution heads after a nationality ("Chinese foreign ministry").
const INSTITUTION_HEADS: &[&str] = &[
    "foreign ministry",
    "defense ministry",
    "defence ministry",
    "commerce ministry",
    "trade ministry",
    "finance ministry",
    "ministry of foreign affairs",
    "embassy",
    "government",
    "military",
    "navy",
    "army",
    "state media",
    "permanent mission",
    "coast guard",
    "parliament",
    "cabinet",
    "central bank",
];

/// Recognises and resolves the entities of a document: the trained tagger
/// ([`crate::ner`]) finds and types the names; the lexicon supplies titles,
/// nationality and canonical place names around them; gathering names and
/// lower-case national institutions come from rules; document-level
/// consistency and resolution follow.
pub fn recognize(document: &Document<'_>) -> DocEntities {
    let text = document.text;
    let tokens: Vec<Vec<Token>> = document
        .sentences
        .iter()
        .map(|sentence| tokenize(text, sentence.span))
        .collect();
    let words: Vec<Vec<&str>> = tokens
        .iter()
        .map(|sentence| sentence.iter().map(|t| t.text(text)).collect())
        .collect();
    let labels = ner::tag_document(&words);
    let mut raws: Vec<RawMention> = Vec::new();
    for (sentence_index, sentence) in document.sentences.iter().enumerate() {
        let block = &document.blocks[sentence.block];
        let tokens = &tokens[sentence_index];
        let words = &words[sentence_index];
        let title_case =
            block.title_case && block.kind != BlockKind::Body || block.kind == BlockKind::Headline;
        let mut found: Vec<RawMention> = Vec::new();
        let mut spans = ner::spans(&labels[sentence_index]);
        regnal_names(text, tokens, words, &mut spans);
        who_names(tokens, words, &mut spans);
        role_before_name(words, &mut spans);
        let mut covered = 0;
        for &(mut from, mut to, mut kind) in &spans {
            if from < covered {
                continue;
            }
            // "Henry VIII", "Pliny the Elder", "John Smith Jr.": what follows a
            // person's name and belongs to it.
            if kind == 0 {
                to = person_suffix(text, tokens, words, from, to);
                covered = to;
            }
            // "Marvel Consultants, Inc.", "Holland & Hart, LLP": a legal form after
            // a comma belongs to the name before it, an organisation.
            if kind != 0
                && to + 1 < words.len()
                && words[to] == ","
                && is_legal_form(words[to + 1])
                && matches!(
                    &text[tokens[to - 1].span.end..tokens[to].span.start],
                    "" | " "
                )
                && adjacent(text, tokens[to], tokens[to + 1])
            {
                to += 2;
                kind = ORG_TYPE;
                covered = to;
            }
            // A legal form alone after a comma ends the capitalised words before
            // the comma, the organisation's name ("Marvel Consultants, Inc." where
            // the tagger took only "Inc"); alone it names nothing.
            if to - from == 1 && is_legal_form(words[from]) {
                if from < 2 || words[from - 1] != "," {
                    continue;
                }
                let mut start = from - 1;
                while start > covered
                    && tokens[start - 1].kind == TokenKind::Word
                    && (is_capitalised(words[start - 1]) || words[start - 1] == "&")
                {
                    start -= 1;
                }
                if start == from - 1 || words[start] == "&" {
                    continue;
                }
                from = start;
                kind = ORG_TYPE;
            }
            // "Johns Hopkins University": a capitalised organisation head word
            // right after the span belongs to it.
            if to < words.len()
                && is_org_head(words[to])
                && adjacent(text, tokens[to - 1], tokens[to])
                && !spans.iter().any(|&(next, _, _)| next == to)
            {
                to += 1;
                kind = ORG_TYPE;
            }
            // "the Vancouver Canucks": a capitalised plural right after a known
            // place the tagger took alone, after "the" and before no other
            // capitalised word, is a team's nickname (the rule below
            // makes the whole an organisation); plurals of peoples and of
            // political camps ("Gaza Palestinians", "Texas Democrats") are not.
            if kind == LOC_TYPE
                && from > 0
                && matches!(words[from - 1], "the" | "The")
                && to < words.len()
                && tokens[to].kind == TokenKind::Word
                && is_team_nickname(words[to])
                && words.get(to + 1).is_none_or(|next| !is_name_word(next))
                && adjacent(text, tokens[to - 1], tokens[to])
                && !ner::is_title_case(words)
                && !spans.iter().any(|&(next, _, _)| next == to)
                && {
                    let place = words[from..to].join(" ");
                    known_place(&place).is_some() || ner::is_government_place(&place)
                }
            {
                to += 1;
            }
            // "joined The Beatles": a capitalised "The" inside a sentence is part
            // of the name that follows it.
            if kind != 0
                && from >= 2
                && words[from - 1] == "The"
                && tokens[from - 2].kind == TokenKind::Word
                && !ner::is_title_case(words)
                && adjacent(text, tokens[from - 1], tokens[from])
            {
                from -= 1;
            }
            // A name of two words or more ending in an organisation head word is
            // an organisation ("Ford Motors", "Cleveland Orchestra"), unless a
            // noun of a person's role before a given name and a surname says it
            // is a person ("actor Tyrone Power").
            let person_by_role = to - from == 2
                && from > 0
                && ner::is_given_name(words[from])
                && is_person_role_noun(words[from - 1]);
            if to - from >= 2 && is_org_head(words[to - 1]) {
                kind = if person_by_role { 0 } else { ORG_TYPE };
            }
            // A name of the organisation gazetteer is an organisation.
            if ner::is_org_name(&words[from..to].join(" ")) {
                kind = ORG_TYPE;
            }
            // "Montreal Victorias", "West Coast Eagles": a place followed by
            // capitalised words that are no place name (a team's nickname).
            if kind == LOC_TYPE && to - from >= 2 {
                let prefix = (from + 1..to).rev().find(|&k| {
                    let phrase = words[from..k].join(" ");
                    ner::is_government_place(&phrase) || known_place(&phrase).is_some()
                });
                if let Some(k) = prefix {
                    let last = words[to - 1];
                    let rest_is_name = words[k..to].iter().all(|w| is_name_word(w))
                        && !LOC_HEADS.contains(&last)
                        && !PLURAL_PLACE_WORDS.contains(&last)
                        && !ner::is_government_place(&words[k..to].join(" "));
                    if rest_is_name && last.ends_with('s') {
                        kind = ORG_TYPE;
                    }
                }
            }
            // "82nd Airborne Division", "IV Corps": the number of a military unit
            // is part of its name.
            if kind == ORG_TYPE
                && from > 0
                && MILITARY_UNITS.contains(&words[to - 1])
                && tokens[from - 1].kind == TokenKind::Word
                && is_unit_number(words[from - 1])
                && adjacent(text, tokens[from - 1], tokens[from])
            {
                from -= 1;
            }
            // "St. Louis", "Saint Helena", "the church of St. Michael": a saint's name
            // is a place (a city, a church), the "St." included; an organisation
            // named after one keeps its type and its "St." ("St. Louis Cardinals").
            {
                let saint = |k: usize| matches!(words[k], "St" | "Saint" | "Ste");
                let dotted = |k: usize| {
                    k + 2 <= from
                        && matches!(words[k], "St" | "Ste")
                        && words[k + 1] == "."
                        && tokens[k].span.end == tokens[k + 1].span.start
                        && adjacent(text, tokens[k + 1], tokens[k + 2])
                };
                let place = if kind == ORG_TYPE { ORG_TYPE } else { LOC_TYPE };
                if from >= 2 && dotted(from - 2) {
                    from -= 2;
                    kind = place;
                } else if from >= 1
                    && saint(from - 1)
                    && words[from - 1] != "St"
                    && adjacent(text, tokens[from - 1], tokens[from])
                    && (from == 1 || tokens[from - 2].kind == TokenKind::Word)
                {
                    from -= 1;
                    kind = place;
                } else if to - from >= 2 && saint(from) {
                    kind = place;
                }
            }
            // "Sony Australia", "Google India": a known organisation's name before a
            // country is its branch there, an organisation.
            if kind != ORG_TYPE
                && to - from >= 2
                && is_country(words[to - 1])
                && (ner::is_org_name(&words[from..to - 1].join(" "))
                    || LEXICON
                        .lookup(&words[from..to - 1].join(" "))
                        .is_some_and(|m| m.iter().any(|k| matches!(k, Known::Org { .. }))))
            {
                kind = ORG_TYPE;
            }
            // "FC Basel", "AC Milan": a club's prefix makes an organisation.
            if to - from >= 2 && CLUB_PREFIXES.contains(&words[from]) {
                kind = ORG_TYPE;
            }
            // "Odessa Oblast", "Pearl Harbor", "Wall Street": a "person" ending in a
            // place's head word is a place ("Michael Bay": a given name before a
            // word that is also a surname keeps the person).
            if kind == 0 && to - from >= 2 {
                let last = words[to - 1];
                if ADMINISTRATIVE_HEADS.contains(&last)
                    || (LOC_HEADS.contains(&last) || STREET_HEADS.contains(&last))
                        && !ner::is_given_name(words[from])
                {
                    kind = LOC_TYPE;
                }
            }
            // "Dulles International Airport", "Wembley Stadium": a facility's name
            // is a place (the tagger's silver teachers have no such type).
            if to - from >= 2 && FACILITY_HEADS.contains(&words[to - 1]) {
                kind = LOC_TYPE;
            }
            // "State of Texas", "State of Israel": a state named with its place is
            // that place.
            if to - from >= 3 && words[from] == "State" && words[from + 1] == "of" {
                let place = words[from + 2..to].join(" ");
                if known_place(&place).is_some() || ner::is_government_place(&place) {
                    kind = LOC_TYPE;
                }
            }
            // "Museum of Flight CEO", "Microsoft President", "United Farmers of
            // Ontario MPP": a title after an organisation's name is the role of
            // someone in it, not part of the name ("Office of the President" keeps it).
            if kind == ORG_TYPE
                && to - from >= 2
                && matches!(
                    words[to - 1],
                    "CEO"
                        | "Chairman"
                        | "Chairwoman"
                        | "Chair"
                        | "President"
                        | "Director"
                        | "Spokesman"
                        | "Spokeswoman"
                        | "Spokesperson"
                        | "Administrator"
                        | "Chief"
                        | "Founder"
                        | "Executive"
                        | "MP"
                        | "MPP"
                        | "MLA"
                        | "MEP"
                        | "MSP"
                        | "MNA"
                )
                && !matches!(words[to - 2], "the" | "of" | "The")
            {
                to -= 1;
            }
            // "Huawei HQ": the headquarters of a name make it an organisation.
            if to - from >= 2 && matches!(words[to - 1], "HQ" | "Headquarters") {
                to -= 1;
                kind = ORG_TYPE;
            }
            // "the Bangkok Asia-Pacific Economic Cooperation forum": a place
            // before a known organisation's name is a place of its own.
            if to - from >= 2 && known_place(words[from]).is_some() {
                let rest = Span::new(tokens[from + 1].span.start, tokens[to - 1].span.end);
                if LEXICON.lookup(rest.of(text)).is_some_and(|meanings| {
                    meanings
                        .iter()
                        .any(|known| matches!(known, Known::Org { .. }))
                }) {
                    emit_model_span(
                        text,
                        tokens,
                        words,
                        from,
                        from + 1,
                        LOC_TYPE,
                        sentence_index,
                        &mut found,
                    );
                    from += 1;
                    kind = ORG_TYPE;
                }
            }
            emit_model_span(
                text,
                tokens,
                words,
                from,
                to,
                kind,
                sentence_index,
                &mut found,
            );
        }
        // The rules keep what they know for certain: phrases of the lexicon
        // (countries, places, organisations), names ending in a place,
        // organisation or gathering head ("Second Thomas Shoal", "G20 Summit"),
        // and lower-case national institutions ("China's foreign ministry").
        // Where they overlap the tagger's spans, the certain rule wins; elsewhere
        // the tagger decides, and the rules add what it left out (except people,
        // which only the tagger or resolution names).
        let mut rules: Vec<RawMention> = Vec::new();
        scan_sentence(text, tokens, sentence_index, title_case, &mut rules);
        let scanned = rules.len();
        scan_institutions(text, tokens, sentence_index, &mut rules);
        scan_groups(text, tokens, sentence_index, &mut rules);
        let certain: Vec<bool> = rules
            .iter()
            .enumerate()
            .map(|(i, rule)| i >= scanned || rule_is_certain(rule))
            .collect();
        // A certain rule inside a longer span of the tagger yields to it
        // ("Bank of England" over "England").
        let certain: Vec<bool> = rules
            .iter()
            .zip(certain)
            .map(|(rule, sure)| {
                sure && !found
                    .iter()
                    .any(|raw| raw.span.contains(rule.span) && raw.span != rule.span)
            })
            .collect();
        found.retain(|raw| {
            !rules
                .iter()
                .zip(&certain)
                .any(|(rule, &sure)| sure && overlaps(rule.span, raw.span))
        });
        let rules: Vec<RawMention> = rules
            .into_iter()
            .zip(certain)
            .filter(|(rule, sure)| {
                *sure
                    || !found.iter().any(|raw| overlaps(rule.span, raw.span))
                        && match &rule.raw {
                            Raw::Single { .. } => true,
                            // An acronym the tagger left out ("broadcaster CCTV").
                            Raw::Named { name, kind } => {
                                *kind == EntityKind::Org
                                    && is_acronym(name)
                                    && name.chars().filter(|c| c.is_alphabetic()).count() >= 3
                                    && !LEXICON.is_common_word(name)
                                    && !shouted(text, tokens, rule.span)
                            }
                        }
            })
            .map(|(rule, _)| rule)
            .collect();
        raws.extend(found);
        raws.extend(rules);
    }
    raws.retain(|raw| !in_handle(text, raw.span));
    raws.sort_by_key(|raw| raw.span.start);
    let mut raws = split_hyphenated(text, raws);
    platforms(text, &mut raws);
    document_consistency(&mut raws);
    drop_the_singles(text, &mut raws);
    let headline = document
        .sentences
        .iter()
        .position(|sentence| document.blocks[sentence.block].kind == BlockKind::Headline);
    resolve(text, raws, headline)
}

/// "Isner, who produced...", "Cuaron, whose film...": capitalised words right
/// before ", who" or ", whose" are a person's name, when the tagger left them out
/// or typed them as an organisation or a place that no list knows (not a plural
/// or a collective: "the Liberal Democrats, who", "the Eastern Shoshone Tribe").
fn who_names(tokens: &[Token], words: &[&str], spans: &mut Vec<(usize, usize, usize)>) {
    let mut changed = false;
    for k in 1..words.len().saturating_sub(1) {
        if words[k] != "," {
            continue;
        }
        if !matches!(words[k + 1], "who" | "whose") {
            role_apposition(words, k, spans);
            continue;
        }
        let mut start = k;
        while start > 0
            && tokens[start - 1].kind == TokenKind::Word
            && is_name_word(words[start - 1])
        {
            start -= 1;
        }
        if start == k
            || k - start > 3
            || words[k - 1].ends_with('s')
            || matches!(
                words[k - 1],
                "Tribe" | "Nation" | "People" | "Family" | "Band" | "Crew" | "Squad"
            )
        {
            continue;
        }
        let name = words[start..k].join(" ");
        let unknown = known_place(&name).is_none()
            && !ner::is_government_place(&name)
            && !ner::is_org_name(&name)
            && LEXICON.lookup(&name).is_none()
            && !words[start..k]
                .iter()
                .any(|w| is_org_head(w) || LEXICON.is_title_word(w));
        if !unknown {
            continue;
        }
        match spans
            .iter()
            .position(|&(from, to, _)| from < k && start < to)
        {
            None => {
                spans.push((start, k, 0));
                changed = true;
            }
            Some(i) if spans[i].0 == start && spans[i].1 == k && spans[i].2 != 0 => {
                spans[i].2 = 0;
            }
            Some(_) => {}
        }
    }
    if changed {
        spans.sort_unstable();
    }
}

/// "said Carmel Martin, executive vice president for policy": a name the tagger
/// typed as an organisation or a place, ending right before a comma and a role
/// (a title of the lexicon within the next words), whose first word is a given
/// name and which no list knows as a place or organisation, is a person.
fn role_apposition(words: &[&str], comma: usize, spans: &mut [(usize, usize, usize)]) {
    let Some(span) = spans
        .iter_mut()
        .find(|&&mut (_, to, kind)| to == comma && kind != 0)
    else {
        return;
    };
    let (from, to) = (span.0, span.1);
    let name = words[from..to].join(" ");
    let role_follows = (comma + 1..(comma + 4).min(words.len())).any(|start| {
        (1..=3).any(|len| {
            start + len <= words.len()
                && words[start].chars().next().is_some_and(char::is_lowercase)
                && LEXICON
                    .lowercase_titles
                    .contains(&words[start..start + len].join(" "))
        })
    });
    if role_follows
        && to - from >= 2
        && ner::is_given_name(words[from])
        && known_place(&name).is_none()
        && !ner::is_government_place(&name)
        && !ner::is_org_name(&name)
        && LEXICON.lookup(&name).is_none()
        && !words[from..to].iter().any(|w| is_org_head(w))
    {
        span.2 = 0;
    }
}

/// Lower-case nouns of a kind of organisation that, right before a name, say
/// what it is ("the band Deadsy", "the airline Ryanair"); nouns that also stand
/// before people ("manufacturer", "operator", "publisher") are not among them.
const ORG_KIND_NOUNS: &[&str] = &[
    "band",
    "company",
    "firm",
    "label",
    "newspaper",
    "magazine",
    "airline",
    "broadcaster",
    "retailer",
    "studio",
    "agency",
    "charity",
    "carmaker",
    "automaker",
    "bank",
    "insurer",
    "lender",
    "startup",
    "start-up",
    "conglomerate",
    "outlet",
    "tabloid",
];

/// Nouns of kinship: right before a name, even a one-word one, it is a person's
/// ("their daughter Stanisława").
const KIN_NOUNS: &[&str] = &[
    "daughter",
    "son",
    "wife",
    "husband",
    "father",
    "mother",
    "brother",
    "sister",
    "cousin",
    "grandson",
    "granddaughter",
    "nephew",
    "niece",
    "uncle",
    "aunt",
    "widow",
    "fiancée",
    "fiancé",
];

/// True for a lower-case noun of a person's role ("writer", "spokesman",
/// "president").
fn is_person_role_noun(word: &str) -> bool {
    quotes::is_person_noun(word)
        || ROLE_NOUNS.contains(&word)
        || LEXICON.lowercase_titles.contains(word)
}

/// The noun right before a name says what the tagger's span is: after a noun
/// of a person's role ("the writer Günter de Bruyn", "spokesman Corrado
/// Passera") a name of two to four words which no list knows as a place or
/// organisation and which holds no organisation head word is a person (one word
/// after such a noun is often a party or a place, "veteran GOP consultant", but
/// not after a noun of kinship); after a noun of a kind of organisation ("the
/// band Deadsy", "the agency GCHQ") a name no list knows as a place is an
/// organisation.
fn role_before_name(words: &[&str], spans: &mut [(usize, usize, usize)]) {
    for span in spans.iter_mut() {
        let (from, to, kind) = *span;
        if from == 0 || to - from > 4 {
            continue;
        }
        let noun = words[from - 1];
        if !noun.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        let name = words[from..to].join(" ");
        let known_place = known_place(&name).is_some() || ner::is_government_place(&name);
        if kind != ORG_TYPE && ORG_KIND_NOUNS.contains(&noun) && !known_place {
            span.2 = ORG_TYPE;
            continue;
        }
        let person_noun = is_person_role_noun(noun);
        if kind != 0
            && person_noun
            && (to - from >= 2 || KIN_NOUNS.contains(&noun))
            && !is_acronym(words[from])
            && !known_place
            && !ner::is_org_name(&name)
            && LEXICON.lookup(&name).is_none()
            && !words[from..to].iter().any(|w| is_org_head(w))
        {
            span.2 = 0;
        }
    }
}

/// Adds the people the tagger left out who are named with a regnal number
/// ("Queen Elizabeth II", "Pope Leo XIV"): a capitalised word before a number
/// from II up, outside every span, that is a given name or follows a
/// monarch's or pope's title.
fn regnal_names(
    text: &str,
    tokens: &[Token],
    words: &[&str],
    spans: &mut Vec<(usize, usize, usize)>,
) {
    let mut added = false;
    for k in 1..words.len() {
        if !is_regnal_number(words[k], false)
            || tokens[k - 1].kind != TokenKind::Word
            || !is_name_word(words[k - 1])
            || !adjacent(text, tokens[k - 1], tokens[k])
            || spans.iter().any(|&(from, to, _)| from <= k && k - 1 < to)
        {
            continue;
        }
        let titled = k >= 2 && REGNAL_TITLES.contains(&words[k - 2]);
        if titled || ner::is_given_name(words[k - 1]) && !LEXICON.is_common_word(words[k - 1]) {
            spans.push((k - 1, k, 0));
            added = true;
        }
    }
    if added {
        spans.sort_unstable();
    }
}

/// Nouns after a person's name that make it a modifier ("the Bush administration").
const FOLLOWING_NOUNS: &[&str] = &[
    "sisters",
    "brothers",
    "siblings",
    "twins",
    "children",
    "household",
    "clan",
    "dynasty",
    "administration",
    "government",
    "campaign",
    "family",
    "era",
    "presidency",
    "years",
    "team",
    "camp",
    "trial",
    "case",
    "affair",
    "estate",
    "foundation",
    "doctrine",
    "cabinet",
    "regime",
];

/// A single word the tagger calls a person that the article only ever names as
/// "the <word>" heading its phrase ("the Saracens", "the Clyde") is a group, a
/// river or a team, not a person: left out. "the Bush administration" (the word
/// before a noun of a person's), families ("the Obamas") and words of a person's
/// full name stay.
fn drop_the_singles(text: &str, raws: &mut Vec<RawMention>) {
    let mut person_words: HashSet<&str> = HashSet::new();
    for raw in raws.iter() {
        if let Raw::Named {
            name,
            kind: EntityKind::Person,
        } = &raw.raw
        {
            person_words.extend(name.split(' '));
        }
    }
    let after_the = |span: Span| {
        let before = text[..span.start].trim_end();
        before.len() < span.start
            && [" the", " The"].iter().any(|the| before.ends_with(the))
            && !text[span.end..]
                .trim_start()
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .is_some_and(|next| FOLLOWING_NOUNS.contains(&next))
    };
    let mut verdict: HashMap<&str, bool> = HashMap::new();
    for raw in raws.iter() {
        if let Raw::Single { word, .. } = &raw.raw {
            // "the Gateses", "the Obamas": a family is people.
            let singular = word
                .strip_suffix("es")
                .filter(|stem| stem.ends_with('s'))
                .or_else(|| word.strip_suffix('s'));
            if person_words.contains(word.as_str())
                || singular
                    .is_some_and(|stem| person_words.contains(stem) || ner::is_known_name(stem))
            {
                continue;
            }
            let entry = verdict.entry(word.as_str()).or_insert(true);
            *entry = *entry && after_the(raw.span);
        }
    }
    let dropped: HashSet<String> = verdict
        .into_iter()
        .filter(|&(_, drop)| drop)
        .map(|(word, _)| word.to_owned())
        .collect();
    if !dropped.is_empty() {
        raws.retain(|raw| !matches!(&raw.raw, Raw::Single { word, .. } if dropped.contains(word)));
    }
}

/// True for a span inside a handle or an identifier ("@Aaj_Urdu", "news_desk"):
/// an underscore or an "@" joins it to the text around it.
fn in_handle(text: &str, span: Span) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    matches!(before, Some('_' | '@')) || after == Some('_')
}

/// A name joining names with hyphens ("Biden-Xi summit", "India-Central
/// Asia-Europe corridor") names each of them: it is split when every part is a
/// known place or a word of a person named elsewhere in the article, and the
/// compound is no known name itself ("Guinea-Bissau", "Asia-Pacific").
fn split_hyphenated(text: &str, raws: Vec<RawMention>) -> Vec<RawMention> {
    let mut person_words: HashSet<&str> = HashSet::new();
    for raw in &raws {
        match &raw.raw {
            Raw::Named { name, kind } if *kind == EntityKind::Person && !name.contains('-') => {
                person_words.extend(name.split(' '));
            }
            Raw::Single { word, .. } if !word.contains('-') => {
                person_words.insert(word.as_str());
            }
            _ => {}
        }
    }
    let place = |part: &str| -> Option<EntityKind> {
        LEXICON.lookup(part)?.iter().find_map(|known| match known {
            Known::Place { kind, .. } => Some(*kind),
            Known::Org { .. } => Some(EntityKind::Org),
            _ => None,
        })
    };
    let mut out: Vec<RawMention> = Vec::with_capacity(raws.len());
    let mut added = false;
    let mut i = 0;
    while i < raws.len() {
        let raw = &raws[i];
        // Names the tokens cut at spaces join again ("India-Central" and
        // "Asia-Europe" in "India-Central Asia-Europe").
        let mut j = i + 1;
        if raw.span.of(text).contains('-') {
            while j < raws.len()
                && raws[j].sentence == raw.sentence
                && raws[j].span.start == raws[j - 1].span.end + 1
                && &text[raws[j - 1].span.end..raws[j].span.start] == " "
                && raws[j].span.of(text).contains('-')
            {
                j += 1;
            }
        }
        let group = &raws[i..j];
        let whole = Span::new(raw.span.start, raws[j - 1].span.end);
        let surface = whole.of(text);
        let splittable = !group.iter().any(
            |raw| matches!(&raw.raw, Raw::Named { kind, .. } if *kind == EntityKind::EventName),
        ) && surface.contains('-')
            && LEXICON.lookup(surface).is_none();
        let mut parts: Vec<(Span, Raw)> = Vec::new();
        if splittable {
            let mut offset = whole.start;
            for part in surface.split('-') {
                let span = Span::new(offset, offset + part.len());
                offset += part.len() + 1;
                if !is_name_word(part.split(' ').next().unwrap_or("")) {
                    parts.clear();
                    break;
                }
                if let Some(kind) = place(part) {
                    parts.push((
                        span,
                        Raw::Named {
                            name: part.to_owned(),
                            kind,
                        },
                    ));
                } else if !part.contains(' ') && person_words.contains(part) {
                    parts.push((
                        span,
                        Raw::Single {
                            word: part.to_owned(),
                            titled: false,
                        },
                    ));
                } else {
                    parts.clear();
                    break;
                }
            }
        }
        i = j;
        if parts.len() < 2 {
            out.extend(group.iter().cloned());
            continue;
        }
        added = true;
        for (span, part) in parts {
            out.push(RawMention {
                raw: part,
                span,
                full_span: span,
                sentence: raw.sentence,
                role: None,
                affiliation: None,
            });
        }
    }
    if added {
        out.sort_by_key(|raw| raw.span.start);
    }
    out
}

/// True when a word next to `span` is written in capitals too: the words are
/// shouted ("HIGHLY RECOMMEND", "LOST AND FOUND"), not an acronym.
fn shouted(text: &str, tokens: &[Token], span: Span) -> bool {
    let capitals = |token: &Token| {
        let word = token.text(text);
        token.kind == TokenKind::Word
            && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && word.chars().all(char::is_uppercase)
    };
    let Some(at) = tokens.iter().position(|t| t.span.start == span.start) else {
        return false;
    };
    let last = tokens[at..]
        .iter()
        .position(|t| t.span.end >= span.end)
        .map_or(at, |n| at + n);
    at.checked_sub(1)
        .and_then(|i| tokens.get(i))
        .is_some_and(capitals)
        || tokens.get(last + 1).is_some_and(capitals)
}

/// The tagger's index of organisations in [`ner::TYPES`].
const ORG_TYPE: usize = 1;
/// The tagger's index of places in [`ner::TYPES`].
const LOC_TYPE: usize = 2;

/// The kind of a known place.
fn known_place(name: &str) -> Option<EntityKind> {
    LEXICON.lookup(name)?.iter().find_map(|known| match known {
        Known::Place { kind, .. } => Some(*kind),
        _ => None,
    })
}

/// Number words that name a group of countries ("Group of Seven").
const GROUP_NUMBERS: &[&str] = &[
    "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
    "Fifteen", "Twenty",
];

/// "Group of 7", "Group of Seven", "Group of 77": a group named by its number
/// of members is an organisation.
fn scan_groups(text: &str, tokens: &[Token], sentence: usize, raws: &mut Vec<RawMention>) {
    for (i, window) in tokens.windows(3).enumerate() {
        let [group, of, number] = window else {
            continue;
        };
        let number_text = number.text(text);
        if group.text(text) != "Group"
            || of.text(text) != "of"
            || !(number_text.chars().all(|c| c.is_ascii_digit())
                || GROUP_NUMBERS.contains(&number_text))
            || i > 0
                && tokens[i - 1].kind == TokenKind::Word
                && is_name_word(tokens[i - 1].text(text))
        {
            continue;
        }
        let span = Span::new(group.span.start, number.span.end);
        let name = LEXICON
            .lookup(span.of(text))
            .and_then(|meanings| {
                meanings.iter().find_map(|known| match known {
                    Known::Org { canonical } => Some(canonical.clone()),
                    _ => None,
                })
            })
            .unwrap_or_else(|| span.of(text).to_owned());
        raws.push(RawMention::organization(name, span, sentence, None));
    }
}

/// Nouns of what is published on a platform ("a Twitter post").
const PLATFORM_NOUNS: &[&str] = &[
    "post",
    "posts",
    "account",
    "accounts",
    "page",
    "feed",
    "video",
    "videos",
    "channel",
    "livestream",
    "app",
];

/// A one-word "person" reached via ("via WhatsApp"), followed by a handle
/// ("on Twitter @name"), or whose posts, account or channel are meant ("in a
/// Twitter post", "on YouTube channel") is a platform: an organisation. Not when a person named elsewhere in
/// the article has that word in their name.
///
/// Likewise a one-word "person" before a role and a name ("Huawei executive
/// Meng Wanzhou") is the organisation the person works for, unless the word is
/// a person's elsewhere (a titled mention, a full name).
fn platforms(text: &str, raws: &mut [RawMention]) {
    let person_words: HashSet<String> = raws
        .iter()
        .filter_map(|raw| match &raw.raw {
            Raw::Named { name, kind } if *kind == EntityKind::Person && name.contains(' ') => {
                Some(name.split(' ').map(str::to_owned).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    let mut titled: HashMap<String, usize> = HashMap::new();
    for raw in raws.iter() {
        if let Raw::Single { word, titled: true } = &raw.raw {
            *titled.entry(word.clone()).or_default() += 1;
        }
    }
    for raw in raws.iter_mut() {
        let word = match &raw.raw {
            Raw::Named { name, kind } if *kind == EntityKind::Person => name,
            Raw::Single { word, .. } => word,
            _ => continue,
        };
        if word.contains(' ') || person_words.contains(word.as_str()) {
            continue;
        }
        let before = text[..raw.full_span.start].split_whitespace().next_back();
        let after = text[raw.span.end..].split_whitespace().next();
        // "pressure on Xi" is a person: "on" alone is no evidence.
        let platform = before == Some("via")
            || text[raw.span.end..].starts_with(' ')
                && after.is_some_and(|next| {
                    next.strip_prefix('@').is_some_and(|handle| {
                        handle.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                })
            || matches!(
                before,
                Some("on" | "a" | "an" | "the" | "his" | "her" | "its" | "their")
            ) && after.is_some_and(|next| {
                PLATFORM_NOUNS.contains(&next.trim_end_matches(|c: char| !c.is_alphabetic()))
            });
        let mut rest = text[raw.span.end..].split_whitespace();
        // Adjectives of places and parties stay out ("Victorian leader",
        // "Republican leader", "Democratic senator").
        let adjective = ["an", "ese", "ish", "ic"]
            .iter()
            .any(|ending| word.ends_with(ending))
            || LEXICON.lookup(word).is_some_and(|meanings| {
                meanings
                    .iter()
                    .any(|known| matches!(known, Known::Demonym { .. }))
            });
        let employer = raw.role.is_none()
            && !adjective
            && titled.get(word.as_str()).copied().unwrap_or(0)
                <= usize::from(matches!(raw.raw, Raw::Single { titled: true, .. }))
            && rest.next().is_some_and(|role| {
                ROLE_NOUNS.contains(&role) || LEXICON.lowercase_titles.contains(role)
            })
            && rest.next().is_some_and(is_name_word);
        if platform || employer {
            raw.raw = Raw::Named {
                name: word.clone(),
                kind: EntityKind::Org,
            };
        }
    }
}

/// A rule mention the rules are sure of: a lexicon phrase, or a name of two
/// words or more ending in a place, organisation or gathering head word.
fn rule_is_certain(raw: &RawMention) -> bool {
    let Raw::Named { name, kind } = &raw.raw else {
        return false;
    };
    if *kind == EntityKind::Person {
        return false;
    }
    let last = name.rsplit(' ').next().unwrap_or("");
    LEXICON.lookup(name).is_some()
        || name.contains(' ')
            && (LOC_HEADS.contains(&last)
                || ORG_HEADS.contains(&last)
                || EVENT_HEADS.contains(&last))
        || *kind == EntityKind::EventName
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// One string, one type within a document (the majority of the tagger's
/// choices); a single word that is part of a person's full name elsewhere in
/// the document is that person ("Weston" after "Chris Weston").
fn document_consistency(raws: &mut [RawMention]) {
    let mut votes: HashMap<String, HashMap<EntityKind, usize>> = HashMap::new();
    let mut person_words: HashSet<String> = HashSet::new();
    for raw in raws.iter() {
        match &raw.raw {
            Raw::Named { name, kind } if *kind != EntityKind::EventName => {
                let kind = if *kind == EntityKind::Gpe {
                    EntityKind::Loc
                } else {
                    *kind
                };
                *votes
                    .entry(name.clone())
                    .or_default()
                    .entry(kind)
                    .or_default() += 1;
                if kind == EntityKind::Person {
                    person_words.extend(name.split(' ').map(str::to_owned));
                }
            }
            Raw::Single { word, .. } => {
                *votes
                    .entry(word.clone())
                    .or_default()
                    .entry(EntityKind::Person)
                    .or_default() += 1;
            }
            _ => {}
        }
    }
    let majority = |name: &str| -> Option<EntityKind> {
        let counts = votes.get(name)?;
        let best = counts
            .iter()
            .max_by_key(|(kind, count)| (**count, std::cmp::Reverse(**kind)))?;
        Some(*best.0)
    };
    for raw in raws.iter_mut() {
        let Raw::Named { name, kind } = &raw.raw else {
            continue;
        };
        if *kind == EntityKind::EventName {
            continue;
        }
        let known_place_or_org = LEXICON.lookup(name).is_some_and(|m| {
            m.iter()
                .any(|k| matches!(k, Known::Place { .. } | Known::Org { .. }))
        });
        if !name.contains(' ')
            && *kind != EntityKind::Person
            && person_words.contains(name)
            && !known_place_or_org
        {
            raw.raw = Raw::Single {
                word: name.clone(),
                titled: true,
            };
            continue;
        }
        let Some(best) = majority(name) else {
            continue;
        };
        let current = if *kind == EntityKind::Gpe {
            EntityKind::Loc
        } else {
            *kind
        };
        if best != current && !known_place_or_org {
            if best == EntityKind::Person && !name.contains(' ') {
                raw.raw = Raw::Single {
                    word: name.clone(),
                    titled: true,
                };
            } else {
                raw.raw = Raw::Named {
                    name: name.clone(),
                    kind: best,
                };
            }
        }
    }
}

/// Turns one span found by the tagger into a raw mention, with the titles and
/// nationality words written before it as role and affiliation.
#[allow(clippy::too_many_arguments)]
fn emit_model_span(
    text: &str,
    tokens: &[Token],
    words: &[&str],
    from: usize,
    to: usize,
    kind: usize,
    sentence: usize,
    raws: &mut Vec<RawMention>,
) {
    let (mut from, mut to) = (from, to);
    // Trailing punctuation and connectors are not part of a name ("Census Bureau -- and").
    while to > from
        && (tokens[to - 1].kind != TokenKind::Word
            || words[to - 1].chars().next().is_some_and(char::is_lowercase))
    {
        to -= 1;
    }
    // "joined The Beatles": a capitalised "The" after a word of the sentence
    // (not in a headline) stays in the name.
    let keep_the = |from: usize| {
        kind != 0
            && to - from >= 2
            && from >= 1
            && tokens[from - 1].kind == TokenKind::Word
            && !ner::is_title_case(words)
    };
    while from < to
        && (tokens[from].kind != TokenKind::Word
            || matches!(words[from], "the" | "THE")
            || words[from] == "The" && !keep_the(from))
    {
        from += 1;
    }
    // "Using Alvarez", "Scotsman James Watt": a first word that is no known name,
    // with the form of a verb or a noun of people, before a known name is not
    // part of the name.
    if kind == 0
        && to - from >= 2
        && ["ing", "man", "woman"]
            .iter()
            .any(|end| words[from].len() > end.len() + 2 && words[from].ends_with(end))
        && !ner::is_known_name(words[from])
        && ner::is_known_name(words[from + 1])
    {
        from += 1;
    }
    // Titles and nationality words the tagger took into a person's name.
    if kind == 0 {
        while to - from > 1
            && (LEXICON.is_title_word(words[from])
                || LEXICON.lookup(words[from]).is_some_and(|m| {
                    m.iter()
                        .any(|k| matches!(k, Known::Title { .. } | Known::Demonym { .. }))
                }))
        {
            from += 1;
        }
    }
    // "Sen. Bernie Sanders": an abbreviated title and its dot open no name,
    // and alone ("Sen" before its dot) it is none, nor is any abbreviation
    // the tagger took for a person ("state Del. Jane Roe").
    while kind == 0 && to - from > 2 && abbreviated_title(tokens, words, from).is_some() {
        from += 2;
    }
    let abbreviation = |k: usize| {
        words.get(k + 1) == Some(&".")
            && tokens[k].span.end == tokens[k + 1].span.start
            && crate::text::is_abbreviation(words[k])
    };
    if to - from == 1
        && (abbreviated_title(tokens, words, from).is_some() || kind == 0 && abbreviation(from))
    {
        return;
    }
    if to <= from {
        return;
    }
    // One word that names nothing alone; an abbreviation the tagger took for a
    // place may be a state's ("Tulsa, OK").
    if to - from == 1
        && names_nothing_alone(words[from])
        && !(kind == LOC_TYPE && LEXICON.is_common_acronym(words[from]))
    {
        return;
    }
    // A bracket inside a span ends one name ("Real Estate Council of Ontario
    // (RECO": the acronym is a name of its own).
    if let Some(cut) = (from + 1..to).find(|&k| matches!(words[k], "(" | ")" | "[" | "]")) {
        emit_model_span(text, tokens, words, from, cut, kind, sentence, raws);
        emit_model_span(text, tokens, words, cut + 1, to, kind, sentence, raws);
        return;
    }
    // Treaties, programmes and plans are not entities ("Treaty of Nanking" is one too).
    if words[from..to].iter().any(|w| NON_ENTITY_HEADS.contains(w)) {
        return;
    }
    // Nor are wars, battles, operations, crises and prizes ("Second Battle of
    // Bull Run", "Operation Market Garden", "Suez Crisis", "Davis Cup").
    if to - from >= 2
        && (NON_ENTITY_LAST_WORDS.contains(&words[to - 1])
            || matches!(words[from], "Battle" | "Siege") && words[from + 1] == "of"
            || words[from] == "Operation" && is_capitalised(words[from + 1])
            || from + 2 < to
                && matches!(words[from + 1], "Battle" | "Siege")
                && words[from + 2] == "of")
    {
        return;
    }
    // A person's name holds no lower-case words but particles ("von der"):
    // "Han reiterated Xi" is two names.
    if kind == 0 {
        if let Some(cut) = (from + 1..to).find(|&k| {
            words[k].chars().next().is_some_and(char::is_lowercase)
                && !NAME_PARTICLES.contains(&words[k])
                && !(words[k] == "the" && k + 2 == to && EPITHETS.contains(&words[k + 1]))
        }) {
            emit_model_span(text, tokens, words, from, cut, kind, sentence, raws);
            emit_model_span(text, tokens, words, cut + 1, to, kind, sentence, raws);
            return;
        }
    }
    // "the" right after a capitalised word starts another name ("announced on
    // Twitter the Federal Aviation Administration"); after a connector it is
    // inside one ("Bank of the West").
    if let Some(cut) = (from + 1..to).find(|&k| {
        words[k] == "the"
            && is_capitalised(words[k - 1])
            && !(kind == 0 && k + 2 == to && EPITHETS.contains(&words[k + 1]))
    }) {
        emit_model_span(text, tokens, words, from, cut, kind, sentence, raws);
        emit_model_span(text, tokens, words, cut + 1, to, kind, sentence, raws);
        return;
    }
    // An affiliation the tagger ran into the name after it is a name of its own:
    // "President of Ukraine Volodymyr Zelenskyy", "NPR Hamza bin Laden", "Kamloops
    // RCMP Constable Gary Gray" (the title between them becomes the person's role).
    if let Some((cut, prefix_kind)) = affiliation_before_person(words, from, to, kind) {
        if let Some(prefix_kind) = prefix_kind {
            emit_model_span(text, tokens, words, from, cut, prefix_kind, sentence, raws);
        }
        emit_model_span(text, tokens, words, cut, to, 0, sentence, raws);
        return;
    }
    // A title that starts inside the span and runs past its end cuts it ("US
    // National Security" in "US National Security Adviser Jake Sullivan";
    // "Treasury" in "Treasury Secretary Janet Yellen" is no name at all).
    for start in from..to {
        for end in to + 1..=(to + 3).min(words.len()) {
            let phrase = words[start..end].join(" ");
            if LEXICON
                .lookup(&phrase)
                .is_some_and(|m| m.iter().any(|k| matches!(k, Known::Title { .. })))
            {
                emit_model_span(text, tokens, words, from, start, kind, sentence, raws);
                return;
            }
        }
    }
    // Words that end a title are not a name ("Secretary of State").
    for start in from.saturating_sub(3)..from {
        let phrase = words[start..to].join(" ");
        if LEXICON
            .lookup(&phrase)
            .is_some_and(|m| m.iter().any(|k| matches!(k, Known::Title { .. })))
        {
            return;
        }
    }
    // The capitalised words right before the name: titles, demonyms, countries.
    // ("U.S. Secretary of State": connectors between capitalised words count.)
    let mut run_start = from;
    loop {
        if run_start > 0
            && tokens[run_start - 1].kind == TokenKind::Word
            && is_capitalised(words[run_start - 1])
            && adjacent(text, tokens[run_start - 1], tokens[run_start])
        {
            run_start -= 1;
        } else if run_start > 1
            && run_start < from
            && CONNECTORS.contains(&words[run_start - 1])
            && tokens[run_start - 2].kind == TokenKind::Word
            && is_capitalised(words[run_start - 2])
            && adjacent(text, tokens[run_start - 2], tokens[run_start - 1])
            && adjacent(text, tokens[run_start - 1], tokens[run_start])
        {
            run_start -= 2;
        } else {
            break;
        }
    }
    let mut role: Option<String> = None;
    let mut affiliation: Option<String> = None;
    let mut full_from = from;
    if run_start < from && kind != 2 {
        let pieces = cut_run(
            words,
            run_start,
            from,
            sentence_start_word(tokens, text, run_start),
        );
        for piece in pieces.iter().rev() {
            let Piece::Known {
                known,
                from: p_from,
                to: p_to,
            } = piece
            else {
                break;
            };
            if *p_to != full_from {
                break;
            }
            match known {
                Known::Title { expanded } if kind == 0 => {
                    if role.is_none() && !expanded.is_empty() {
                        role = Some(expanded.clone());
                    }
                }
                Known::Demonym { country } => {
                    if affiliation.is_none() && !country.is_empty() {
                        affiliation = Some(country.clone());
                    }
                }
                Known::Place {
                    canonical,
                    is_country: true,
                    ..
                } if kind == 0 => {
                    if affiliation.is_none() {
                        affiliation = Some(canonical.clone());
                    }
                }
                _ => break,
            }
            full_from = *p_from;
        }
    }
    // "Gen. Mark Milley": an abbreviated title before the name is the role.
    if kind == 0 && role.is_none() && full_from >= 2 {
        if let Some(expanded) = abbreviated_title(tokens, words, full_from - 2) {
            if !expanded.is_empty() {
                role = Some(expanded);
            }
            full_from -= 2;
        }
    }
    if kind == 0 && role.is_none() && full_from > 0 && tokens[full_from - 1].kind == TokenKind::Word
    {
        let word = words[full_from - 1].to_lowercase();
        if ROLE_NOUNS.contains(&word.as_str()) || LEXICON.lowercase_titles.contains(&word) {
            role = Some(match word.strip_suffix('s') {
                Some(singular) if ROLE_NOUNS.contains(&singular) => singular.to_owned(),
                _ => word,
            });
        }
    }
    if affiliation.is_none() && kind != 2 {
        affiliation = possessive_country(text, tokens, full_from);
    }
    let mut span = Span::new(tokens[from].span.start, tokens[to - 1].span.end);
    let name_words = &words[from..to];
    let mut name = name_words.join(" ");
    // "St. Louis": a dot the tokens split off stays on its word.
    if name_words.contains(&".") || name_words.contains(&",") {
        name = span
            .of(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    // "Jr." keeps its dot (the tokens leave it out); alone it is no name.
    if matches!(words[to - 1], "Jr" | "Sr") {
        if to - from == 1 {
            return;
        }
        if text[span.end..].starts_with('.') {
            span.end += 1;
            name.push('.');
        }
    }
    // "Enron Corp.", "Apple Inc.": an abbreviated legal form keeps its dot too.
    if to - from >= 2
        && matches!(
            words[to - 1],
            "Inc" | "Corp" | "Co" | "Ltd" | "Bros" | "Mfg"
        )
        && text[span.end..].starts_with('.')
    {
        span.end += 1;
        name.push('.');
    }
    let full_span = Span::new(tokens[full_from].span.start, span.end);
    let meanings = LEXICON.lookup(&name).or_else(|| {
        let shouted = name.chars().filter(|c| c.is_alphabetic()).count() > 3
            && !name.chars().any(char::is_lowercase);
        if shouted {
            LEXICON.lookup(&titlecase_words(&name))
        } else {
            None
        }
    });
    // A nationality word alone is not an entity; hyphenated country pairs are two places.
    if let Some(meanings) = meanings {
        if meanings
            .iter()
            .all(|k| matches!(k, Known::Demonym { .. } | Known::Title { .. }))
        {
            return;
        }
    }
    if name_words.len() == 1 && name.contains('-') {
        let parts: Vec<&str> = name.split('-').collect();
        if parts.len() == 2 && parts.iter().all(|part| is_country(part)) {
            emit_unknown(
                tokens, words, from, to, from, sentence, false, None, None, raws,
            );
            return;
        }
    }
    // "in Nusa Dua": a name right after "in" (not a possessive) is a place; after
    // "at", "near" or "around" ("at Karnak") a single word that is no known given
    // name or surname ("a swipe at Smith", "aimed at Bin Laden" stay people).
    let kind = if kind == 0
        && full_from == from
        && from > 0
        && (words[from - 1] == "in"
            || matches!(words[from - 1], "at" | "near" | "around")
                && to - from == 1
                && !ner::is_known_name(words[from]))
        && tokens
            .get(to)
            .is_none_or(|t| t.kind != TokenKind::Possessive)
    {
        2
    } else {
        kind
    };
    let raw = match kind {
        0 if name_words.len() == 1 => Raw::Single {
            word: name,
            titled: true,
        },
        0 => Raw::Named {
            name,
            kind: EntityKind::Person,
        },
        1 => {
            let canonical = meanings.and_then(|m| {
                m.iter().find_map(|k| match k {
                    Known::Org { canonical } => Some(canonical.clone()),
                    _ => None,
                })
            });
            Raw::Named {
                name: canonical.unwrap_or(name),
                kind: EntityKind::Org,
            }
        }
        _ => {
            let place = meanings.and_then(|m| {
                m.iter().find_map(|k| match k {
                    Known::Place {
                        canonical, kind, ..
                    } => Some((canonical.clone(), *kind)),
                    _ => None,
                })
            });
            match place {
                Some((canonical, kind)) => Raw::Named {
                    name: canonical,
                    kind,
                },
                None => {
                    let kind = if ner::is_government_place(&name) {
                        EntityKind::Gpe
                    } else {
                        EntityKind::Loc
                    };
                    Raw::Named { name, kind }
                }
            }
        }
    };
    let (role, affiliation) = match kind {
        0 => (role, affiliation),
        1 => (None, affiliation),
        _ => (None, None),
    };
    raws.push(RawMention {
        raw,
        span,
        full_span,
        sentence,
        role,
        affiliation,
    });
}

/// The expansion of an abbreviated title at word `k`, its dot the next token
/// ("Sen" "." is "Senator"; "Dr" "." is a title with no role: empty).
fn abbreviated_title(tokens: &[Token], words: &[&str], k: usize) -> Option<String> {
    if words.get(k + 1) != Some(&".") || tokens[k].span.end != tokens[k + 1].span.start {
        return None;
    }
    LEXICON
        .lookup(&format!("{}.", words[k]))?
        .iter()
        .find_map(|known| match known {
            Known::Title { expanded } => Some(expanded.clone()),
            _ => None,
        })
}

/// What the words `from..to` name when they stand before a person's name: a
/// place or an organisation (the tagger's kind), or `None` for neither.
fn affiliation_kind(words: &[&str], from: usize, to: usize) -> Option<usize> {
    let phrase = words[from..to].join(" ");
    if known_place(&phrase).is_some() {
        return Some(LOC_TYPE);
    }
    let last = words[to - 1];
    let known_org = LEXICON
        .lookup(&phrase)
        .is_some_and(|m| m.iter().any(|k| matches!(k, Known::Org { .. })));
    (known_org
        || ner::is_org_name(&phrase)
        || is_org_head(last)
        || is_acronym(last)
            && last.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && known_place(last).is_none()
            && !LEXICON.is_title_word(last))
    .then_some(ORG_TYPE)
}

/// Where a tagger span `from..to` that runs an affiliation into a person's
/// name splits, and the affiliation's kind (`None`: no name, leave it out):
/// - a known place or organisation, an acronym of three letters or more (two
///   are mostly titles: "MP"), or a name ending in an organisation's head word,
///   or titles alone, right before a full name starting with a known given name
///   that is no place ("Ukraine Volodymyr Zelenskyy", "NPR Hamza bin Laden"; not
///   "AA Orlando Rays"); not a single word that is itself a given name ("Georgia
///   Mae Smith");
/// - in a person's span, a title word inside it before a name ("Kamloops RCMP
///   Constable Gary Gray", "Technical Officer Chris Wright"), when what comes
///   before it is an affiliation or no name at all.
fn affiliation_before_person(
    words: &[&str],
    from: usize,
    to: usize,
    kind: usize,
) -> Option<(usize, Option<usize>)> {
    if kind == LOC_TYPE {
        // A place's name holds titles and given names ("General Santos City").
        return None;
    }
    let name_word = |w: &str| is_name_word(w) || NAME_PARTICLES.contains(&w);
    for cut in from + 1..to {
        let rest = &words[cut..to];
        let full_name = rest.len() >= 2
            && ner::is_given_name(words[cut])
            && is_name_word(words[cut])
            && known_place(words[cut]).is_none()
            && rest.iter().all(|w| name_word(w) && !is_org_head(w))
            && LEXICON.lookup(&rest.join(" ")).is_none()
            && !(cut - from == 1 && ner::is_given_name(words[from]));
        if full_name {
            if words[from..cut].iter().all(|w| LEXICON.is_title_word(w)) {
                return Some((cut, None));
            }
            if let Some(prefix) = affiliation_kind(words, from, cut) {
                return Some((cut, Some(prefix)));
            }
        }
        let titled = kind == 0
            && LEXICON.is_title_word(words[cut])
            && rest.len() >= 2
            && is_name_word(rest[1])
            && !LEXICON.is_title_word(rest[1]);
        if titled {
            match affiliation_kind(words, from, cut) {
                Some(prefix) => return Some((cut, Some(prefix))),
                None if words[from..cut].iter().all(|w| !ner::is_known_name(w)) => {
                    return Some((cut, None))
                }
                None => {}
            }
        }
    }
    None
}

/// Finds "<nationality> <institution>" and "<Country>'s <institution>" in lower case.
fn scan_institutions(text: &str, tokens: &[Token], sentence: usize, raws: &mut Vec<RawMention>) {
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != TokenKind::Word {
            continue;
        }
        let word = token.text(text);
        // "the Biden administration": a leader's government is an organisation.
        if is_name_word(word)
            && !LEXICON.is_common_word(word)
            && tokens.get(i + 1).is_some_and(|next| {
                next.kind == TokenKind::Word && next.text(text) == "administration"
            })
        {
            let span = Span::new(token.span.start, tokens[i + 1].span.end);
            raws.push(RawMention::organization(
                format!("{word} administration"),
                span,
                sentence,
                None,
            ));
            continue;
        }
        let Some(meanings) = LEXICON.lookup(word) else {
            continue;
        };
        let country = meanings.iter().find_map(|known| match known {
            Known::Demonym { country } if !country.is_empty() => Some(country.clone()),
            Known::Place {
                is_country: true,
                canonical,
                ..
            } => Some(canonical.clone()),
            _ => None,
        });
        let Some(country) = country else { continue };
        let mut next = i + 1;
        if tokens
            .get(next)
            .is_some_and(|t| t.kind == TokenKind::Possessive)
        {
            next += 1;
        }
        for head in INSTITUTION_HEADS {
            let matches = head.split(' ').enumerate().all(|(k, head_word)| {
                tokens.get(next + k).is_some_and(|t| {
                    t.kind == TokenKind::Word && t.text(text).eq_ignore_ascii_case(head_word)
                })
            });
            if matches {
                let last = tokens[next + head.split(' ').count() - 1];
                let span = Span::new(token.span.start, last.span.end);
                let name = format!("{} {}", country, titlecase(head));
                raws.push(RawMention::organization(
                    name,
                    span,
                    sentence,
                    Some(country.clone()),
                ));
                break;
            }
        }
    }
}

/// "NEW DELHI" → "New Delhi".
fn titlecase_words(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(|word| {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

fn titlecase(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(|word| {
            if word == "of" {
                return word.to_owned();
            }
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A piece of a capitalised run after cutting it against the lexicon.
#[derive(Clone, Debug)]
enum Piece {
    Known {
        known: Known,
        from: usize,
        to: usize,
    },
    Unknown {
        from: usize,
        to: usize,
    },
}

fn scan_sentence(
    text: &str,
    tokens: &[Token],
    sentence: usize,
    title_case: bool,
    raws: &mut Vec<RawMention>,
) {
    let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != TokenKind::Word || !is_capitalised(words[i]) {
            i += 1;
            continue;
        }
        // A run of capitalised words joined by single spaces and connectors.
        let start = i;
        let mut end = i + 1;
        loop {
            if end < tokens.len()
                && tokens[end].kind == TokenKind::Word
                && is_capitalised(words[end])
                && adjacent(text, tokens[end - 1], tokens[end])
            {
                end += 1;
                continue;
            }
            // A plural possessive inside a name: "Economic Leaders' Meeting",
            // "Workers' Party" (only when the name goes on to a gathering or
            // organisation head, and not after a place: "China's President").
            if end + 1 < tokens.len()
                && tokens[end].kind == TokenKind::Possessive
                && words[end].chars().count() == 1
                && is_capitalised(words[end + 1])
                && tokens[end + 1].kind == TokenKind::Word
                && !is_country(words[end - 1])
            {
                let mut last = end + 1;
                while last + 1 < tokens.len()
                    && tokens[last + 1].kind == TokenKind::Word
                    && is_capitalised(words[last + 1])
                    && adjacent(text, tokens[last], tokens[last + 1])
                {
                    last += 1;
                }
                if EVENT_HEADS.contains(&words[last]) || ORG_HEADS.contains(&words[last]) {
                    end = last + 1;
                    continue;
                }
            }
            if end + 1 < tokens.len()
                && CONNECTORS.contains(&words[end])
                && is_capitalised(words[end + 1])
                && tokens[end + 1].kind == TokenKind::Word
                && adjacent(text, tokens[end - 1], tokens[end])
                && adjacent(text, tokens[end], tokens[end + 1])
            {
                end += 2;
                continue;
            }
            // Two particles in a row: "von der Leyen", "de la Cruz".
            if end + 2 < tokens.len()
                && NAME_PARTICLES.contains(&words[end])
                && NAME_PARTICLES.contains(&words[end + 1])
                && is_capitalised(words[end + 2])
                && tokens[end + 2].kind == TokenKind::Word
                && adjacent(text, tokens[end - 1], tokens[end])
                && adjacent(text, tokens[end + 1], tokens[end + 2])
            {
                end += 3;
                continue;
            }
            break;
        }
        let role_before = (start > 0 && tokens[start - 1].kind == TokenKind::Word)
            .then(|| words[start - 1].to_lowercase())
            .filter(|word| {
                ROLE_NOUNS.contains(&word.as_str()) || LEXICON.lowercase_titles.contains(word)
            })
            .map(|word| match word.strip_suffix('s') {
                Some(singular) if ROLE_NOUNS.contains(&singular) => singular.to_owned(),
                _ => word,
            });
        let possessive_country_before = possessive_country(text, tokens, start);
        let pieces = cut_run(&words, start, end, sentence_start_word(tokens, text, start));
        emit_pieces(
            tokens,
            &words,
            &pieces,
            sentence,
            title_case,
            role_before,
            possessive_country_before,
            raws,
        );
        i = end;
    }
}

fn sentence_start_word(tokens: &[Token], text: &str, index: usize) -> bool {
    index == 0
        || tokens[..index].iter().all(|t| {
            t.kind == TokenKind::Punct
                && matches!(
                    t.text(text),
                    "\"" | "\u{201c}" | "\u{2018}" | "'" | "(" | "-" | "\u{2014}"
                )
        })
}

fn adjacent(text: &str, a: Token, b: Token) -> bool {
    let gap = &text[a.span.end..b.span.start];
    gap == " "
}

/// A country named right before `start` with a possessive: "China’s President".
fn possessive_country(text: &str, tokens: &[Token], start: usize) -> Option<String> {
    if start < 2 || tokens[start - 1].kind != TokenKind::Possessive {
        return None;
    }
    let word = tokens[start - 2].text(text);
    LEXICON.lookup(word)?.iter().find_map(|known| match known {
        Known::Place {
            is_country: true,
            canonical,
            ..
        } => Some(canonical.clone()),
        _ => None,
    })
}

fn cut_run(words: &[&str], start: usize, end: usize, at_sentence_start: bool) -> Vec<Piece> {
    // "Second Thomas Shoal", "Taiwan Strait": a geographic head makes the whole
    // run one place, common words included.
    if end - start >= 2
        && LOC_HEADS.contains(&words[end - 1])
        && LEXICON.lookup(&words[start..end].join(" ")).is_none()
    {
        return vec![Piece::Unknown {
            from: start,
            to: end,
        }];
    }
    let mut pieces = Vec::new();
    let mut i = start;
    let mut unknown_from: Option<usize> = None;
    while i < end {
        let mut matched: Option<(Known, usize)> = None;
        let longest = LEXICON.max_words.min(end - i);
        for length in (1..=longest).rev() {
            let phrase = words[i..i + length].join(" ");
            // Datelines and headlines in capitals: "NEW DELHI" is New Delhi.
            let shouted = phrase.chars().filter(|c| c.is_alphabetic()).count() > 3
                && !phrase.chars().any(char::is_lowercase);
            let meanings = LEXICON.lookup(&phrase).or_else(|| {
                if shouted {
                    LEXICON.lookup(&titlecase_words(&phrase))
                } else {
                    None
                }
            });
            if let Some(meanings) = meanings {
                // Prefer a place or organisation over a demonym for the same phrase ("US").
                let known = meanings
                    .iter()
                    .find(|k| matches!(k, Known::Place { .. } | Known::Org { .. }))
                    .or_else(|| meanings.first())
                    .cloned();
                if let Some(known) = known {
                    matched = Some((known, length));
                    break;
                }
            }
        }
        // Hyphenated country pairs: "US-China".
        if matched.is_none() && words[i].contains('-') {
            let parts: Vec<&str> = words[i].split('-').collect();
            if parts.len() == 2 && parts.iter().all(|part| is_country(part)) {
                if let Some(from) = unknown_from.take() {
                    pieces.push(Piece::Unknown { from, to: i });
                }
                pieces.push(Piece::Unknown { from: i, to: i + 1 });
                i += 1;
                continue;
            }
        }
        match matched {
            Some((known, length)) => {
                if let Some(from) = unknown_from.take() {
                    pieces.push(Piece::Unknown { from, to: i });
                }
                pieces.push(Piece::Known {
                    known,
                    from: i,
                    to: i + length,
                });
                i += length;
            }
            None => {
                let is_first_common =
                    i == start && at_sentence_start && LEXICON.is_common_word(words[i]);
                let is_common_titlecase = LEXICON.is_common_word(words[i]) && !is_acronym(words[i]);
                if is_first_common || is_common_titlecase {
                    if let Some(from) = unknown_from.take() {
                        pieces.push(Piece::Unknown { from, to: i });
                    }
                } else if CONNECTORS.contains(&words[i]) && unknown_from.is_none() {
                    // A connector never starts a name.
                } else if unknown_from.is_none() {
                    unknown_from = Some(i);
                }
                i += 1;
            }
        }
    }
    if let Some(from) = unknown_from {
        pieces.push(Piece::Unknown { from, to: end });
    }
    pieces
}

fn is_country(word: &str) -> bool {
    LEXICON.lookup(word).is_some_and(|meanings| {
        meanings.iter().any(|k| {
            matches!(
                k,
                Known::Place {
                    is_country: true,
                    ..
                }
            )
        })
    })
}

#[allow(clippy::too_many_arguments)]
fn emit_pieces(
    tokens: &[Token],
    words: &[&str],
    pieces: &[Piece],
    sentence: usize,
    title_case: bool,
    role_before: Option<String>,
    possessive_country_before: Option<String>,
    raws: &mut Vec<RawMention>,
) {
    let mut role = role_before;
    let mut affiliation = possessive_country_before;
    let mut prefix_start: Option<usize> = None;
    let span_of =
        |from: usize, to: usize| Span::new(tokens[from].span.start, tokens[to - 1].span.end);
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Known {
                known: Known::Title { expanded },
                from,
                ..
            } => {
                if !expanded.is_empty() {
                    role = Some(expanded.clone());
                }
                prefix_start.get_or_insert(*from);
            }
            Piece::Known {
                known: Known::Demonym { country },
                from,
                ..
            } => {
                if !country.is_empty() {
                    affiliation = Some(country.clone());
                }
                prefix_start.get_or_insert(*from);
            }
            Piece::Known {
                known:
                    Known::Place {
                        canonical,
                        kind,
                        is_country,
                        ..
                    },
                from,
                to,
            } => {
                // A country right before a title is also the affiliation ("U.S. Vice President").
                let next_is_title = matches!(
                    pieces.get(index + 1),
                    Some(Piece::Known {
                        known: Known::Title { .. },
                        ..
                    })
                );
                let span = span_of(*from, *to);
                raws.push(RawMention {
                    raw: Raw::Named {
                        name: canonical.clone(),
                        kind: *kind,
                    },
                    span,
                    full_span: span,
                    sentence,
                    role: None,
                    affiliation: None,
                });
                if *is_country && next_is_title {
                    affiliation = Some(canonical.clone());
                    prefix_start.get_or_insert(*from);
                } else {
                    role = None;
                    affiliation = None;
                    prefix_start = None;
                }
            }
            Piece::Known {
                known: Known::Org { canonical },
                from,
                to,
            } => {
                // "G20 Summit": an organisation name followed by a gathering head is the gathering.
                let next_unknown_is_event = match pieces.get(index + 1) {
                    Some(Piece::Unknown {
                        from: next_from, ..
                    }) => EVENT_HEADS.contains(&words[*next_from]) && *next_from == *to,
                    _ => false,
                };
                if !next_unknown_is_event {
                    let span = span_of(*from, *to);
                    raws.push(RawMention::organization(
                        canonical.clone(),
                        span,
                        sentence,
                        affiliation.take(),
                    ));
                }
                role = None;
                prefix_start = None;
            }
            Piece::Unknown { from, to } => {
                let full_from = prefix_start.take().unwrap_or(*from);
                let previous_org_event = match index.checked_sub(1).and_then(|p| pieces.get(p)) {
                    Some(Piece::Known {
                        known: Known::Org { .. },
                        from: org_from,
                        to: org_to,
                    }) if org_to == from && EVENT_HEADS.contains(&words[*from]) => Some(*org_from),
                    _ => None,
                };
                let from_eff = previous_org_event.unwrap_or(*from);
                emit_unknown(
                    tokens,
                    words,
                    from_eff,
                    *to,
                    full_from.min(from_eff),
                    sentence,
                    title_case,
                    role.take(),
                    affiliation.take(),
                    raws,
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_unknown(
    tokens: &[Token],
    words: &[&str],
    from: usize,
    to: usize,
    full_from: usize,
    sentence: usize,
    title_case: bool,
    role: Option<String>,
    affiliation: Option<String>,
    raws: &mut Vec<RawMention>,
) {
    // Trailing connectors are not part of a name.
    let mut to = to;
    while to > from && CONNECTORS.contains(&words[to - 1]) {
        to -= 1;
    }
    if to <= from {
        return;
    }
    let span = Span::new(tokens[from].span.start, tokens[to - 1].span.end);
    let full_span = Span::new(tokens[full_from].span.start, span.end);
    let name_words = &words[from..to];
    let last = name_words[name_words.len() - 1];
    let name = name_words.join(" ");
    let push = |raws: &mut Vec<RawMention>,
                raw: Raw,
                role: Option<String>,
                affiliation: Option<String>| {
        raws.push(RawMention {
            raw,
            span,
            full_span,
            sentence,
            role,
            affiliation,
        });
    };
    // Hyphenated country pairs ("US-China") are two place mentions.
    if name_words.len() == 1 && last.contains('-') {
        let parts: Vec<&str> = last.split('-').collect();
        if parts.len() == 2 && parts.iter().all(|part| is_country(part)) {
            let mut offset = span.start;
            for part in parts {
                let part_span = Span::new(offset, offset + part.len());
                offset += part.len() + 1;
                if let Some(Known::Place {
                    canonical, kind, ..
                }) = LEXICON.lookup(part).and_then(|m| m.first()).cloned()
                {
                    raws.push(RawMention {
                        raw: Raw::Named {
                            name: canonical,
                            kind,
                        },
                        span: part_span,
                        full_span: part_span,
                        sentence,
                        role: None,
                        affiliation: None,
                    });
                }
            }
            return;
        }
    }
    if name_words.len() >= 2 && LOC_HEADS.contains(&last) {
        push(
            raws,
            Raw::Named {
                name,
                kind: EntityKind::Loc,
            },
            None,
            None,
        );
        return;
    }
    // Programmes, treaties and plans are not entities ("Belt and Road Initiative").
    if NON_ENTITY_HEADS.contains(&last) {
        return;
    }
    if name_words.len() >= 2 && EVENT_HEADS.contains(&last) {
        push(
            raws,
            Raw::Named {
                name,
                kind: EntityKind::EventName,
            },
            None,
            None,
        );
        return;
    }
    // "European Commission", "Chinese Communist Party": a nationality word right
    // before a specific organisation name belongs to it.
    let generic_org = name_words.iter().all(|w| GENERIC_ORG_WORDS.contains(w));
    if ORG_HEADS.contains(&last) && full_from < from && role.is_none() && !generic_org {
        let with_adjective = words[full_from..to].join(" ");
        let span = Span::new(tokens[full_from].span.start, span.end);
        raws.push(RawMention {
            raw: Raw::Named {
                name: with_adjective,
                kind: EntityKind::Org,
            },
            span,
            full_span: span,
            sentence,
            role: None,
            affiliation,
        });
        return;
    }
    if ORG_HEADS.contains(&last) && (name_words.len() != 1) {
        let generic = name_words.iter().all(|w| GENERIC_ORG_WORDS.contains(w));
        let name = match (&affiliation, generic) {
            (Some(country), true) => format!("{country} {name}"),
            _ => name,
        };
        push(
            raws,
            Raw::Named {
                name,
                kind: EntityKind::Org,
            },
            None,
            affiliation,
        );
        return;
    }
    if name_words.len() == 1 {
        if names_nothing_alone(last) {
            return;
        }
        if is_acronym(last) && !title_case || is_acronym(last) && last.chars().count() >= 3 {
            push(
                raws,
                Raw::Named {
                    name,
                    kind: EntityKind::Org,
                },
                None,
                affiliation,
            );
            return;
        }
        let titled = role.is_some();
        push(raws, Raw::Single { word: name, titled }, role, affiliation);
        return;
    }
    // Title words left over from a broken title ("of State Antony Blinken" after a
    // line break) are not part of the name.
    let mut skip = 0;
    while name_words.len() - skip > 2 && LEXICON.is_title_word(name_words[skip]) {
        skip += 1;
    }
    if skip > 0 {
        let from = from + skip;
        emit_unknown(
            tokens,
            words,
            from,
            to,
            full_from,
            sentence,
            title_case,
            role,
            affiliation,
            raws,
        );
        return;
    }
    let has_place_part = name_words.iter().any(|w| {
        w.contains('-')
            && w.split('-').any(|part| {
                LEXICON
                    .lookup(part)
                    .is_some_and(|m| m.iter().any(|k| matches!(k, Known::Place { .. })))
            })
    });
    let person_like = !has_place_part
        && name_words.len() <= 5
        && is_name_word(name_words[0])
        && is_name_word(name_words[name_words.len() - 1])
        && name_words
            .iter()
            .all(|w| is_name_word(w) || NAME_PARTICLES.contains(&w.to_lowercase().as_str()));
    // "in Nusa Dua": an unknown name after "in" is a place, not a person.
    if person_like && full_from > 0 && words[full_from - 1] == "in" && full_from == from {
        push(
            raws,
            Raw::Named {
                name,
                kind: EntityKind::Gpe,
            },
            None,
            None,
        );
        return;
    }
    if person_like && !title_case {
        push(
            raws,
            Raw::Named {
                name,
                kind: EntityKind::Person,
            },
            role,
            affiliation,
        );
        return;
    }
    if name_words.iter().any(|w| is_acronym(w)) && !title_case {
        push(
            raws,
            Raw::Named {
                name,
                kind: EntityKind::Org,
            },
            None,
            affiliation,
        );
        return;
    }
    // Headline-style or unclassifiable runs: each word may still name a known person.
    for index in from..to {
        if is_name_word(words[index]) && !LEXICON.is_common_word(words[index]) {
            let word_span = tokens[index].span;
            raws.push(RawMention {
                raw: Raw::Single {
                    word: words[index].to_owned(),
                    titled: false,
                },
                span: word_span,
                full_span: if index == from { full_span } else { word_span },
                sentence,
                role: if index == from { role.clone() } else { None },
                affiliation: if index == from {
                    affiliation.clone()
                } else {
                    None
                },
            });
        }
    }
}

/// True when `short` (two words or more) ends `long` word for word, ignoring case.
fn word_suffix(long: &str, short: &str) -> bool {
    // Lowercasing neither adds nor removes spaces: a one-word `short` is out
    // before any copy is made.
    if !short.contains(' ') {
        return false;
    }
    let (long, short) = (long.to_lowercase(), short.to_lowercase());
    short.contains(' ')
        && long.len() > short.len()
        && long.ends_with(&short)
        && long[..long.len() - short.len()].ends_with(' ')
}

/// The characters of [`squash`], one by one.
fn squashed_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// A normalised form for comparing spellings: lowercase letters only.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance over chars, bounded use on short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// True when two person names are spelling variants of one name: the same
/// letters once spaces and hyphens are dropped (Kim Jong Un / Kim Jong-un), or
/// the same number of words, each pair sharing its first letter, differing by at
/// most two letters in all (Prayuth Chan-ocha / Prayut Chan-o-cha).
pub fn spelling_variants(a: &str, b: &str) -> bool {
    if !a.contains(' ') && !b.contains(' ') {
        return false;
    }
    // `squash(a) == squash(b)`, compared without building either.
    if squashed_chars(a).eq(squashed_chars(b)) {
        return true;
    }
    // As many words, with the same initials.
    let (mut a_words, mut b_words) = (a.split(' '), b.split(' '));
    loop {
        match (a_words.next(), b_words.next()) {
            (None, None) => break,
            (Some(x), Some(y)) if x.chars().next() == y.chars().next() => {}
            _ => return false,
        }
    }
    let (sa, sb) = (squash(a), squash(b));
    sa.len() >= 8 && edit_distance(&sa, &sb) <= 2
}

/// `headline`: the index of the headline's sentence, if the document has one.
fn resolve(text: &str, raws: Vec<RawMention>, headline: Option<usize>) -> DocEntities {
    let mut result = DocEntities::default();
    let mut index_of: HashMap<(EntityKind, String), usize> = HashMap::new();
    let mut add_entity = |result: &mut DocEntities, name: &str, kind: EntityKind| -> usize {
        // Spelling variants of a known person join it, and so does a shorter
        // form that ends the same name ("Von der Leyen" for "Ursula von der
        // Leyen"); the longer form becomes the canonical name.
        if kind == EntityKind::Person {
            if let Some(existing) = result.entities.iter().position(|e| {
                e.kind == kind
                    && (e.name == name
                        || spelling_variants(&e.name, name)
                        || word_suffix(&e.name, name)
                        || word_suffix(name, &e.name))
            }) {
                if word_suffix(name, &result.entities[existing].name) {
                    result.entities[existing].name = name.to_owned();
                }
                return existing;
            }
        }
        *index_of.entry((kind, name.to_owned())).or_insert_with(|| {
            result.entities.push(DocEntity {
                name: name.to_owned(),
                kind,
                roles: Vec::new(),
                affiliation: None,
            });
            result.entities.len() - 1
        })
    };
    // Pass 1: named entities, in order.
    let mut resolved: Vec<Option<usize>> = vec![None; raws.len()];
    for (position, raw) in raws.iter().enumerate() {
        if let Raw::Named { name, kind } = &raw.raw {
            resolved[position] = Some(add_entity(&mut result, name, *kind));
        }
    }
    // Pass 2: single words resolve to the nearest person containing them, or to a
    // known acronym regardless of case ("Apec" for APEC), or become a person
    // when titled ("President Xi" with no full name anywhere).
    // Per entity, whether it is a person whose name holds the current word
    // (answered once per word, not once per mention).
    let mut holds_word: Vec<Option<bool>> = Vec::new();
    // Per entity, the squashed name of an organisation (organisations keep
    // their names; only a person's canonical name changes).
    let mut squashed_orgs: Vec<Option<String>> = Vec::new();
    // Mentions whose title tells a gender ("Mr. Obama", "Mrs. Clinton") resolve
    // first; a surname's untitled mentions then follow the one person its titled
    // mentions chose ("President Obama" with "Mr. Obama" beside Michelle Obama).
    let title_of = |raw: &RawMention| {
        text[raw.full_span.start..raw.span.start]
            .split_whitespace()
            .find_map(title_gender)
    };
    let mut titled_choice: HashMap<&str, Option<usize>> = HashMap::new();
    // The person a surname first stood for alone ("Trump" for Donald Trump):
    // news keeps a bare surname for that person and names a relative in full
    // ("Trump's niece Mary Trump released a book. The book alleges that Trump
    // paid ..."), so a later bare surname stays with it. A person the headline
    // names in full is that person from the start ("President Donald Trump
    // tests positive ... Ivanka Trump tested negative. Trump posted").
    let mut established: HashMap<String, usize> = HashMap::new();
    if let Some(headline) = headline {
        let mut in_headline: HashMap<String, Option<usize>> = HashMap::new();
        for (raw, &r) in raws.iter().zip(&resolved) {
            let Some(entity) = r.filter(|_| raw.sentence == headline) else {
                continue;
            };
            if result.entities[entity].kind != EntityKind::Person
                || matches!(raw.raw, Raw::Single { .. })
            {
                continue;
            }
            let name = &result.entities[entity].name;
            let Some((_, surname)) = name.rsplit_once(' ') else {
                continue;
            };
            in_headline
                .entry(surname.to_owned())
                .and_modify(|choice| {
                    if *choice != Some(entity) {
                        *choice = None;
                    }
                })
                .or_insert(Some(entity));
        }
        for (surname, choice) in in_headline {
            if let Some(entity) = choice {
                established.insert(surname, entity);
            }
        }
    }
    for gendered in [true, false] {
        for (position, raw) in raws.iter().enumerate() {
            let Raw::Single { word, titled } = &raw.raw else {
                continue;
            };
            let title = title_of(raw);
            if title.is_some() != gendered {
                continue;
            }
            if let Some(&Some(entity)) = titled_choice.get(word.as_str()).filter(|_| !gendered) {
                resolved[position] = Some(entity);
                continue;
            }
            if let Some(&entity) = established.get(word.as_str()).filter(|_| !gendered) {
                resolved[position] = Some(entity);
                continue;
            }
            holds_word.clear();
            holds_word.resize(result.entities.len(), None);
            // "Mr. Obama" is not Michelle Obama: a title's gender against the given name's.
            let mut best: Option<(usize, usize)> = None; // (distance, entity)
            for (other_position, other) in resolved.iter().enumerate() {
                let Some(entity) = *other else {
                    continue;
                };
                let holds = *holds_word[entity].get_or_insert_with(|| {
                    result.entities[entity].kind == EntityKind::Person
                        && result.entities[entity]
                            .name
                            .split(' ')
                            .any(|part| part == word || part.split('-').any(|p| p == word))
                });
                if !holds {
                    continue;
                }
                if let Some(title) = title {
                    let name = &result.entities[entity].name;
                    let given = name
                        .split(' ')
                        .next()
                        .filter(|&first| first != word && name.contains(' '));
                    if given
                        .and_then(|first| GIVEN_NAMES.get(first))
                        .is_some_and(|&g| g != title)
                    {
                        continue;
                    }
                }
                // Prefer earlier mentions (distance), then later ones (penalised).
                let distance = if other_position < position {
                    position - other_position
                } else {
                    (other_position - position) * 4
                };
                if best.is_none_or(|(d, _)| distance < d) {
                    best = Some((distance, entity));
                }
            }
            if let Some((_, entity)) = best {
                resolved[position] = Some(entity);
                if !gendered {
                    established.entry(word.clone()).or_insert(entity);
                }
                if gendered {
                    titled_choice
                        .entry(word.as_str())
                        .and_modify(|choice| {
                            if *choice != Some(entity) {
                                *choice = None;
                            }
                        })
                        .or_insert(Some(entity));
                }
                continue;
            }
            let upper = word.to_uppercase();
            let squashed_word = squash(word);
            squashed_orgs.resize(result.entities.len(), None);
            if let Some(entity) =
                result
                    .entities
                    .iter()
                    .zip(&mut squashed_orgs)
                    .position(|(e, squashed)| {
                        e.kind == EntityKind::Org
                            && (e.name == upper
                                || *squashed.get_or_insert_with(|| squash(&e.name))
                                    == squashed_word)
                    })
            {
                resolved[position] = Some(entity);
                continue;
            }
            let followed_by_speech = followed_by_cue(text, raw.span.end);
            if *titled || followed_by_speech {
                let entity = add_entity(&mut result, word, EntityKind::Person);
                resolved[position] = Some(entity);
                if gendered {
                    titled_choice.entry(word.as_str()).or_insert(Some(entity));
                }
            }
        }
    }
    // Roles and affiliations attach to the resolved entities; mentions are collected.
    for (position, raw) in raws.iter().enumerate() {
        let Some(entity) = resolved[position] else {
            continue;
        };
        let entity_record = &mut result.entities[entity];
        if let Some(role) = &raw.role {
            if entity_record.kind == EntityKind::Person && !entity_record.roles.contains(role) {
                entity_record.roles.push(role.clone());
            }
        }
        if entity_record.affiliation.is_none() {
            if let Some(country) = &raw.affiliation {
                if matches!(entity_record.kind, EntityKind::Person | EntityKind::Org) {
                    entity_record.affiliation = Some(country.clone());
                }
            }
        }
        result.mentions.push(DocMention {
            span: raw.span,
            full_span: raw.full_span,
            entity,
            sentence: raw.sentence,
        });
    }
    result.mentions.sort_by_key(|m| (m.span.start, m.span.end));
    result.mentions.dedup_by_key(|m| (m.span.start, m.span.end));
    result
}

fn followed_by_cue(text: &str, position: usize) -> bool {
    let rest = text[position..].trim_start();
    [
        "said",
        "says",
        "told",
        "added",
        "stated",
        "noted",
        "wrote",
        "reiterated",
        "asked",
        "explained",
    ]
    .iter()
    .any(|cue| rest.starts_with(cue) && !rest[cue.len()..].starts_with(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    fn names(text: &str) -> Vec<(String, &'static str)> {
        let document = segment(text);
        let entities = recognize(&document);
        entities
            .entities
            .iter()
            .map(|e| (e.name.clone(), e.kind.as_str()))
            .collect()
    }

    #[test]
    fn titles_and_nationality_are_stripped() {
        let text = "Headline\nChinese Vice President Han Zheng met U.S. Secretary of State Antony Blinken in New York. Han said it was good.";
        let document = segment(text);
        let entities = recognize(&document);
        let han = entities
            .entities
            .iter()
            .find(|e| e.name == "Han Zheng")
            .expect("Han Zheng");
        assert_eq!(han.roles, vec!["Vice President".to_owned()]);
        assert_eq!(han.affiliation.as_deref(), Some("China"));
        let han_index = entities
            .entities
            .iter()
            .position(|e| e.name == "Han Zheng")
            .unwrap();
        assert_eq!(
            entities
                .mentions
                .iter()
                .filter(|m| m.entity == han_index)
                .count(),
            2
        );
        assert!(entities
            .entities
            .iter()
            .any(|e| e.name == "Antony Blinken" && e.kind == EntityKind::Person));
        assert!(entities
            .entities
            .iter()
            .any(|e| e.name == "New York" && e.kind == EntityKind::Gpe));
    }

    #[test]
    fn a_bare_surname_stays_with_the_person_it_first_named() {
        // The headline's person keeps the surname when a relative is named in full.
        let text = "President Donald Trump tests positive\nPresident Donald Trump said he \
                    was tested. His daughter Ivanka Trump tested negative. Trump posted a \
                    message on Friday.";
        let document = segment(text);
        let entities = recognize(&document);
        let last = entities.mentions.last().unwrap();
        assert_eq!(entities.entities[last.entity].name, "Donald Trump");
        // Established by its first bare use: a relative named later does not take it.
        let text = "Campaign news\nJoe Biden spoke in Ohio. Biden said jobs come first. His \
                    son Hunter Biden was in the crowd. The book says Biden knew.";
        let document = segment(text);
        let entities = recognize(&document);
        let last = entities.mentions.last().unwrap();
        assert_eq!(entities.entities[last.entity].name, "Joe Biden");
    }

    #[test]
    fn two_people_sharing_a_surname_stay_apart() {
        let text = "Headline\nForeign Minister Wang Yi spoke. Later, spokesperson Wang Wenbin briefed reporters. Wang said no.";
        let document = segment(text);
        let entities = recognize(&document);
        let last = entities.mentions.last().unwrap();
        assert_eq!(entities.entities[last.entity].name, "Wang Wenbin");
        assert!(names(text).iter().any(|(n, _)| n == "Wang Yi"));
    }

    #[test]
    fn a_name_before_a_role_is_a_person() {
        let found = names(
            "Headline\n\"The plan is unfair,\" said Carmel Martin, executive vice president \
             for policy at the center.",
        );
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "Carmel Martin" && *k == "PERSON"),
            "{found:?}"
        );
    }

    #[test]
    fn the_noun_before_a_name_says_what_it_is() {
        let words = [
            "knew",
            "the",
            "writer",
            "Günter",
            "de",
            "Bruyn",
            "and",
            "the",
            "veteran",
            "GOP",
            "consultant",
            "near",
            "the",
            "writer",
            "Stanford",
            "University",
        ];
        // Spans as the tagger may give them: all typed as organisations (kind 1).
        let mut spans = vec![(3, 6, 1), (9, 10, 1), (14, 16, 1)];
        role_before_name(&words, &mut spans);
        assert_eq!(spans[0].2, 0, "a person after \"writer\"");
        assert_eq!(spans[1].2, 1, "one word after a role noun stays");
        assert_eq!(spans[2].2, 1, "an organisation's head word keeps it");
        let words = [
            "the", "band", "Deadsy", "toured", "with", "the", "band", "Paris",
        ];
        let mut spans = vec![(2, 3, 0), (7, 8, 2)];
        role_before_name(&words, &mut spans);
        assert_eq!(spans[0].2, ORG_TYPE, "a band, not a person");
        assert_eq!(spans[1].2, LOC_TYPE, "a known place stays");
        // A role noun before a given name and a surname outweighs a head word.
        let found = names("Headline\nHe played the piano for actor Tyrone Power in the film.");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "Tyrone Power" && *k == "PERSON"),
            "{found:?}"
        );
    }

    #[test]
    fn abbreviations_of_common_nouns_name_nothing() {
        assert!(LEXICON.is_common_acronym("G.D.P."));
        assert!(LEXICON.is_common_acronym("SUVs"));
        assert!(!LEXICON.is_common_acronym("NATO"));
        let found = names(
            "Headline\nThe G.D.P. grew as SUV sales rose, and Ali won by KO in round III \
             before NATO officials.",
        );
        for word in ["G.D.P.", "SUV", "KO", "III"] {
            assert!(!found.iter().any(|(n, _)| n == word), "{word}: {found:?}");
        }
        assert!(found
            .iter()
            .any(|(n, _)| n.contains("NATO") || n.contains("North Atlantic")));
        let found = names("Headline\nHe was elected as a Labour MP, and the MPP left.");
        assert!(!found.iter().any(|(n, _)| n.contains("MP")), "{found:?}");
        let found = names("Headline\nThe Obama-era rule stays, a Trump-critic said.");
        assert!(!found.iter().any(|(n, _)| n.contains('-')), "{found:?}");
        assert!(is_modifier_compound("Indiana-born"));
        assert!(!is_modifier_compound("Jong-un"));
        assert!(!is_modifier_compound("al-Assad"));
    }

    #[test]
    fn a_plural_after_a_city_can_be_a_team() {
        assert!(is_team_nickname("Canucks"));
        assert!(is_team_nickname("Braves"));
        for word in [
            "Palestinians",
            "Democrats",
            "Socialists",
            "Crisis",
            "Heights",
            "Congress",
        ] {
            assert!(!is_team_nickname(word), "{word}");
        }
        let found = names("Headline\nHe went on to coach the Vancouver Canucks for years.");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "Vancouver Canucks" && *k == "ORG"),
            "{found:?}"
        );
    }

    #[test]
    fn a_gendered_title_keeps_spouses_apart() {
        let text =
            "Headline\nPresident Obama spoke in Ohio. The campaign will use Mr. Obama and the \
                    first lady, Michelle Obama, in Florida. Mr. Obama won there. Barack Obama \
                    Day is on Nov. 1.";
        let document = segment(text);
        let entities = recognize(&document);
        let entity_of = |at: &str| {
            let start = text.find(at).unwrap();
            let mention = entities
                .mentions
                .iter()
                .find(|m| m.span.start <= start && start < m.span.end)
                .unwrap();
            entities.entities[mention.entity].name.clone()
        };
        assert_eq!(entity_of("Obama spoke"), "Barack Obama");
        assert_eq!(entity_of("Obama and the"), "Barack Obama");
        assert_eq!(entity_of("Michelle"), "Michelle Obama");
        assert_eq!(entity_of("Obama won"), "Barack Obama");
    }

    #[test]
    fn patterns_around_the_tagger() {
        let found = names(
            "Headline\nPresident Joe Biden met Xi Jinping. Both expect a Biden-Xi summit. \
             He will join a Group of 7 dinner. Harris wrote in a Twitter post that it went well. \
             Charges against Huawei executive Meng Wanzhou stand.",
        );
        let has = |name: &str, kind: &str| found.iter().any(|(n, k)| n == name && *k == kind);
        assert!(!found.iter().any(|(n, _)| n == "Biden-Xi"), "{found:?}");
        assert!(has("Group of Seven", "ORG"), "{found:?}");
        assert!(has("Twitter", "ORG"), "{found:?}");
        assert!(has("Huawei", "ORG"), "{found:?}");
        assert!(has("Meng Wanzhou", "PERSON"), "{found:?}");
    }

    #[test]
    fn an_affiliation_run_into_a_name_is_cut_off() {
        let cut =
            |words: &[&str], kind: usize| affiliation_before_person(words, 0, words.len(), kind);
        assert_eq!(
            cut(&["NPR", "Hamza", "bin", "Laden"], 0),
            Some((1, Some(ORG_TYPE)))
        );
        assert_eq!(
            cut(&["House", "Nancy", "Pelosi"], ORG_TYPE),
            Some((1, Some(ORG_TYPE)))
        );
        assert_eq!(
            cut(&["Nigeria", "Peter", "Obi"], ORG_TYPE),
            Some((1, Some(LOC_TYPE)))
        );
        // A given name that is also a place, a place's own name, a given name
        // before another, and two-letter acronyms (mostly titles) stay whole.
        assert_eq!(cut(&["AA", "Orlando", "Rays"], ORG_TYPE), None);
        assert_eq!(cut(&["General", "Santos", "City"], LOC_TYPE), None);
        assert_eq!(cut(&["Georgia", "Mae", "Smith"], 0), None);
        assert_eq!(cut(&["MP", "Tanya", "Davies"], 0), None);
        assert_eq!(cut(&["Mary", "Ann", "Evans"], 0), None);
    }

    #[test]
    fn legal_forms_facilities_and_titles_after_organisations() {
        let found = names(
            "Headline\nShares of Enron Corp. fell on Monday after the firm hired Marvel \
             Consultants, Inc. to advise it. The plane crashed near Henderson Executive Airport \
             in Nevada. Museum of Flight CEO Matt Hayes spoke to reporters.",
        );
        let has = |name: &str, kind: &str| found.iter().any(|(n, k)| n == name && *k == kind);
        assert!(has("Enron Corp.", "ORG"), "{found:?}");
        assert!(has("Marvel Consultants, Inc.", "ORG"), "{found:?}");
        assert!(!found.iter().any(|(n, _)| n == "Inc"), "{found:?}");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "Henderson Executive Airport" && *k != "ORG"),
            "{found:?}"
        );
        assert!(!found.iter().any(|(n, _)| n.ends_with("CEO")), "{found:?}");
    }

    #[test]
    fn abbreviated_titles_are_roles_not_names() {
        let text = "Headline\nSen. Bernie Sanders spoke on Tuesday. Gen. Mark Milley agreed, \
                    and Sen. Sanders left. His niece, state Del. Jane Roe, stayed.";
        let entities = recognize(&segment(text));
        let person = |name: &str| entities.entities.iter().find(|e| e.name == name);
        assert!(
            entities
                .entities
                .iter()
                .all(|e| e.name != "Sen" && e.name != "Del"),
            "{:?}",
            entities.entities
        );
        let sanders = person("Bernie Sanders").expect("Bernie Sanders");
        assert_eq!(sanders.kind, EntityKind::Person);
        assert!(
            sanders.roles.iter().any(|r| r == "Senator"),
            "{:?}",
            sanders.roles
        );
        let milley = person("Mark Milley").expect("Mark Milley");
        assert!(
            milley.roles.iter().any(|r| r == "General"),
            "{:?}",
            milley.roles
        );
    }

    #[test]
    fn what_follows_a_name_belongs_to_it() {
        let found = names(
            "Headline\nThe death of Queen Elizabeth II shocked Britain, said John C. Scheidt Jr. \
             on Monday. Lucas Cranach the Elder painted for Henry VIII.",
        );
        let has = |name: &str| found.iter().any(|(n, k)| n == name && *k == "PERSON");
        assert!(has("Elizabeth II"), "{found:?}");
        assert!(has("John C. Scheidt Jr."), "{found:?}");
        assert!(has("Lucas Cranach the Elder"), "{found:?}");
        assert!(has("Henry VIII"), "{found:?}");
        assert!(!found.iter().any(|(n, _)| n == "Elder"), "{found:?}");
        let found = names(
            "Headline\nThe raids of the Saracens ended. Officials in the Bush administration \
             agreed.",
        );
        assert!(!found.iter().any(|(n, _)| n == "Saracens"), "{found:?}");
        let found = names("Headline\nDinner with the Kennedys ended early, and the Saracens left.");
        assert!(
            found.iter().any(|(n, k)| n == "Kennedys" && *k == "PERSON"),
            "{found:?}"
        );
        let found = names(
            "Headline\nThe Second Battle of Bull Run followed Operation Market Garden and the \
             Suez Crisis.",
        );
        assert!(found.is_empty(), "{found:?}");
        let found = names(
            "Headline\nThe temple at Karnak stood. Senator Jones took a swipe at Jones's rival \
             and at Smith.",
        );
        assert!(
            found.iter().any(|(n, k)| n == "Karnak" && *k != "PERSON"),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|(n, k)| n == "Smith" && *k != "PERSON"),
            "{found:?}"
        );
        let found =
            names("Headline\nIsner, who produced some of his best tennis, also paid tribute.");
        assert!(
            found.iter().any(|(n, k)| n == "Isner" && *k == "PERSON"),
            "{found:?}"
        );
        let found = names("Headline\nThe engine was built by Scotsman James Watt.");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "James Watt" && *k == "PERSON"),
            "{found:?}"
        );
        let found = names("Headline\nThe team flew from St. Louis to St. Paul on Monday.");
        assert!(
            found.iter().any(|(n, k)| n == "St. Paul" && *k != "PERSON"),
            "{found:?}"
        );
        assert!(!found.iter().any(|(n, _)| n == "Paul"), "{found:?}");
        let found = names("Headline\nHe pitched for the St. Louis Cardinals for a decade.");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "St. Louis Cardinals" && *k == "ORG"),
            "{found:?}"
        );
        let found = names("Headline\nShelling hit Odessa Oblast, and Michael Bay filmed it.");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "Odessa Oblast" && *k != "PERSON"),
            "{found:?}"
        );
        let found = names("Headline\nThe 82nd Airborne Division and IV Corps moved.");
        assert!(
            found
                .iter()
                .any(|(n, k)| n == "82nd Airborne Division" && *k == "ORG"),
            "{found:?}"
        );
    }

    #[test]
    fn shouting_is_no_acronym() {
        let found = names("Headline\nThe staff were friendly. HIGHLY RECOMMEND this place.");
        assert!(
            !found.iter().any(|(n, _)| n == "HIGHLY" || n == "RECOMMEND"),
            "{found:?}"
        );
    }

    #[test]
    fn spelling_variants_merge() {
        assert!(spelling_variants("Prayuth Chan-ocha", "Prayut Chan-o-cha"));
        assert!(!spelling_variants("Wang Yi", "Wang Wenbin"));
        assert!(spelling_variants("Kim Jong Un", "Kim Jong-un"));
        assert!(!spelling_variants("Tayyip Erdogan", "Recep Tayyip Erdogan"));
    }
}
