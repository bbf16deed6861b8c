//! The statistical named-entity tagger: a linear-chain model over BILOU labels for
//! PERSON, ORG and LOC, trained as an averaged structured perceptron (Collins 2002)
//! and decoded with Viterbi under BILOU constraints.
//!
//! Features (Ratinov & Roth 2009): the word and its lowercase form, a ±2 window,
//! word shape, prefixes and suffixes, shape and word bigrams, gazetteers from
//! general sources (GeoNames places, census given names and surnames, the
//! lexicon's titles, demonyms, countries and organisation heads), whether the
//! sentence is written in title case, document-level evidence (whether the
//! word also appears in lower case, or capitalised inside a sentence, elsewhere
//! in the same document), word clusters at three levels (`data/ner/clusters.txt`,
//! from word vectors; the role Brown clusters play in Ratinov & Roth), and
//! organisations (`data/ner/gaz-orgs.txt`): head words ("Motors", "Orchestra") for the
//! word, the next two and the end of its capitalised run, and known names.
//!
//! The weights ship in `data/ner/model.bin` (embedded with `include_bytes!`, parsed
//! once); `cargo run --release -p readout-extract --example train_ner` retrains
//! them from the shipped data in `data/ner/`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, OnceLock};

use crate::lexicon::{Known, EVENT_HEADS, LEXICON, ORG_HEADS};

/// Entity types the tagger knows, in label order.
pub const TYPES: [&str; 3] = ["PER", "ORG", "LOC"];
/// Number of labels: O and B/I/L/U for each type.
pub const N_LABELS: usize = 1 + 4 * TYPES.len();
const START: usize = N_LABELS;

/// The BILOU part of a label: 0 B, 1 I, 2 L, 3 U; `None` for O.
fn part(label: usize) -> Option<(usize, usize)> {
    (label > 0).then(|| ((label - 1) / 4, (label - 1) % 4))
}

/// The label for a type and BILOU part.
pub fn label(kind: usize, bilou: usize) -> usize {
    1 + 4 * kind + bilou
}

/// True when `current` may follow `previous` (or the sentence start).
fn allowed(previous: usize, current: usize) -> bool {
    let open = if previous == START {
        None
    } else {
        part(previous).filter(|&(_, p)| p <= 1).map(|(t, _)| t)
    };
    match (open, part(current)) {
        (Some(t), Some((u, p))) => t == u && (p == 1 || p == 2),
        (Some(_), None) => false,
        (None, Some((_, p))) => p == 0 || p == 3,
        (None, None) => true,
    }
}

fn can_end(label: usize) -> bool {
    part(label).is_none_or(|(_, p)| p >= 2)
}

/// Entity spans `(from, to, type)` of a label sequence (token indices, `to` exclusive).
pub fn spans(labels: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &l) in labels.iter().enumerate() {
        match part(l as usize) {
            Some((t, 0)) => open = Some((i, t)),
            Some((t, 1)) => {
                if open.is_none_or(|(_, o)| o != t) {
                    open = Some((i, t));
                }
            }
            Some((t, 2)) => {
                let from = open.filter(|&(_, o)| o == t).map_or(i, |(f, _)| f);
                out.push((from, i + 1, t));
                open = None;
            }
            Some((t, _)) => {
                out.push((i, i + 1, t));
                open = None;
            }
            None => open = None,
        }
    }
    out
}

/// BIO tags ("B-PER", "I-ORG", "O") to BILOU labels.
pub fn bio_to_labels(tags: &[&str]) -> Vec<u8> {
    let kind = |tag: &str| TYPES.iter().position(|t| tag.get(2..) == Some(*t));
    let mut out = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        let Some(t) = kind(tag) else {
            out.push(0);
            continue;
        };
        let begins = tag.starts_with("B-") || i == 0 || kind(tags[i - 1]) != Some(t);
        let continues = tags
            .get(i + 1)
            .is_some_and(|next| next.starts_with("I-") && kind(next) == Some(t));
        let bilou = match (begins, continues) {
            (true, true) => 0,
            (false, true) => 1,
            (false, false) => 2,
            (true, false) => 3,
        };
        out.push(label(t, bilou) as u8);
    }
    out
}

// ---------------------------------------------------------------- gazetteers

/// FNV-1a for short string keys (faster than SipHash; the data are fixed lists).
#[derive(Default)]
struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        self.0 = h;
    }
}

type FastSet = HashSet<String, BuildHasherDefault<FnvHasher>>;

struct Gazetteers {
    first: FastSet,
    last: FastSet,
    /// Lowercase place name → 0 country, 1 region, 2 city.
    places: HashMap<String, u8, BuildHasherDefault<FnvHasher>>,
    max_place_words: usize,
}

fn gazetteer_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

static GAZETTEERS: LazyLock<Gazetteers> = LazyLock::new(|| {
    let first = gazetteer_lines(include_str!("../data/ner/gaz-first.txt"))
        .map(str::to_owned)
        .collect();
    let last = gazetteer_lines(include_str!("../data/ner/gaz-last.txt"))
        .map(str::to_owned)
        .collect();
    let mut places: HashMap<String, u8, BuildHasherDefault<FnvHasher>> = HashMap::default();
    let mut max_place_words = 1;
    for line in gazetteer_lines(include_str!("../data/ner/gaz-places.txt")) {
        let Some((kind, name)) = line.split_once('\t') else {
            continue;
        };
        let code = match kind {
            "country" => 0,
            "region" => 1,
            _ => 2,
        };
        let key = name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        max_place_words = max_place_words.max(key.split(' ').count());
        places.entry(key).or_insert(code);
    }
    Gazetteers {
        first,
        last,
        places,
        max_place_words: max_place_words.min(4),
    }
});

/// Word clusters (`data/ner/clusters.txt`): a word's lowercase form → its row,
/// and per row its clusters at three levels (40, 200 and 1,000 clusters).
struct Clusters {
    rows: HashMap<u64, u16, BuildHasherDefault<KeyHasher>>,
    levels: Vec<[u16; 3]>,
}

/// The clusters of a word: the 1,000-, 200- and 40-cluster levels.
pub(crate) const NO_CLUSTER: [u16; 3] = [u16::MAX; 3];

fn word_key(lower: &str) -> u64 {
    let mut h = FnvHasher::default();
    h.write(lower.as_bytes());
    h.finish()
}

static CLUSTERS: LazyLock<Clusters> = LazyLock::new(|| {
    let text = include_str!("../data/ner/clusters.txt");
    let mut rows = HashMap::with_capacity_and_hasher(310_000, Default::default());
    let mut levels = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let row = levels.len() as u16;
        let Some((codes, words)) = line.split_once('\t') else {
            levels.push([u16::MAX; 3]);
            continue;
        };
        let mut c = codes.split(' ').map(|x| x.parse().unwrap_or(u16::MAX));
        let (top, mid, fine) = (c.next(), c.next(), c.next());
        levels.push([
            fine.unwrap_or(u16::MAX),
            mid.unwrap_or(u16::MAX),
            top.unwrap_or(u16::MAX),
        ]);
        for w in words.split(' ') {
            rows.insert(word_key(w), row);
        }
    }
    Clusters { rows, levels }
});

/// The clusters of a lowercase word ([`NO_CLUSTER`] when it has none): the
/// 1,000-, 200- and 40-cluster levels.
pub(crate) fn clusters_of(lower: &str) -> [u16; 3] {
    let c = &*CLUSTERS;
    c.rows
        .get(&word_key(lower))
        .map_or(NO_CLUSTER, |&row| c.levels[row as usize])
}

/// Organisation head words and names (`data/ner/gaz-orgs.txt` and
/// `data/ner/gaz-orgs-phoenix.txt`, lowercase).
struct Orgs {
    /// Words that end an organisation's name ("university", "motors").
    words: FastSet,
    /// Names of organisations and sports teams.
    names: FastSet,
    /// The first words of those names.
    first_words: FastSet,
    max_name_words: usize,
}

static ORGS: LazyLock<Orgs> = LazyLock::new(|| {
    let mut words: FastSet = ORG_HEADS.iter().map(|w| w.to_lowercase()).collect();
    let mut names = FastSet::default();
    let mut first_words = FastSet::default();
    let mut max_name_words = 1;
    for line in gazetteer_lines(include_str!("../data/ner/gaz-orgs.txt")) {
        match line.split_once('\t') {
            Some(("word", word)) => {
                words.insert(word.to_owned());
            }
            Some(("name", name)) => {
                max_name_words = max_name_words.max(name.split(' ').count());
                names.insert(name.to_owned());
                first_words.insert(name.split(' ').next().unwrap_or(name).to_owned());
            }
            _ => {}
        }
    }
    Orgs {
        words,
        names,
        first_words,
        max_name_words: max_name_words.min(5),
    }
});

/// True for a word that ends organisations' names ("University", "Motors"),
/// capitalised (`data/ner/gaz-orgs.txt` and the lexicon's organisation heads).
pub fn is_org_word(word: &str) -> bool {
    is_capitalised(word) && ORGS.words.contains(&word.to_lowercase())
}

/// True for the name of an organisation or sports team in `data/ner/gaz-orgs.txt`.
pub fn is_org_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    ORGS.names.contains(&lower) || PHOENIX_ORGS.contains(&lower)
}

/// Names of organisations from `data/ner/gaz-orgs-phoenix.txt` (lowercase).
static PHOENIX_ORGS: LazyLock<FastSet> = LazyLock::new(|| {
    gazetteer_lines(include_str!("../data/ner/gaz-orgs-phoenix.txt"))
        .map(str::to_owned)
        .collect()
});

/// True for a given name of the name gazetteer (`data/ner/gaz-first.txt`).
pub fn is_given_name(word: &str) -> bool {
    GAZETTEERS.first.contains(&word.to_lowercase())
}

/// True for a word of the name gazetteers (given names and surnames).
pub fn is_known_name(word: &str) -> bool {
    let lower = word.to_lowercase();
    GAZETTEERS.first.contains(&lower) || GAZETTEERS.last.contains(&lower)
}

/// True for a country, region or city in the place gazetteer (a GPE).
pub fn is_government_place(name: &str) -> bool {
    GAZETTEERS.places.contains_key(&name.to_lowercase())
}

// ------------------------------------------------------------------ features

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new(template: u8) -> Self {
        Fnv(FNV_OFFSET).byte(template)
    }
    fn byte(self, b: u8) -> Self {
        Fnv((self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME))
    }
    fn str(self, s: &str) -> Self {
        let mut h = self;
        for &b in s.as_bytes() {
            h = h.byte(b);
        }
        h.byte(0xff)
    }
    fn key(self) -> u32 {
        (self.0 ^ (self.0 >> 32)) as u32
    }
}

/// A word shape, held inline (at most 16 bytes; longer shapes are cut).
#[derive(Clone, Copy, Default)]
struct Shape {
    bytes: [u8; 16],
    len: u8,
}

impl Shape {
    fn push(&mut self, c: char) {
        let mut buffer = [0u8; 4];
        let encoded = c.encode_utf8(&mut buffer).as_bytes();
        let at = self.len as usize;
        if at + encoded.len() <= self.bytes.len() {
            self.bytes[at..at + encoded.len()].copy_from_slice(encoded);
            self.len += encoded.len() as u8;
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

/// Word shape with runs collapsed: "Xx", "X.X.", "dd" → "d", "Xx-Xx".
fn shape(word: &str, out: &mut Shape) {
    let mut last = '\0';
    let mut count = 0;
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if s == last {
            count += 1;
            if count >= 2 {
                continue;
            }
        } else {
            count = 0;
        }
        out.push(s);
        last = s;
    }
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// True for a sentence written in title case or capitals (a headline).
pub fn is_title_case(words: &[&str]) -> bool {
    let (mut alphabetic, mut capitalised) = (0usize, 0usize);
    for w in words {
        if let Some(first) = w.chars().next().filter(|c| c.is_alphabetic()) {
            alphabetic += 1;
            capitalised += usize::from(first.is_uppercase());
        }
    }
    alphabetic >= 4 && capitalised * 10 >= alphabetic * 8
}

/// What the document as a whole says about word forms.
struct DocContext<'a> {
    /// Words seen written in lower case.
    lower: HashSet<&'a str, BuildHasherDefault<FnvHasher>>,
    /// Lowercase forms seen capitalised inside a sentence (not first, not in a headline).
    capitalised_inside: FastSet,
    /// Per sentence, whether it is written in title case ([`is_title_case`]).
    title_case: Vec<bool>,
}

impl<'a> DocContext<'a> {
    fn new(sentences: &[Vec<&'a str>]) -> Self {
        let mut lower = HashSet::default();
        let mut capitalised_inside = FastSet::default();
        let mut title_cases = Vec::with_capacity(sentences.len());
        for words in sentences {
            let title_case = is_title_case(words);
            title_cases.push(title_case);
            for (i, w) in words.iter().enumerate() {
                if w.chars().next().is_some_and(char::is_lowercase) {
                    lower.insert(*w);
                } else if i > 0 && !title_case && is_capitalised(w) {
                    capitalised_inside.insert(w.to_lowercase());
                }
            }
        }
        DocContext {
            lower,
            capitalised_inside,
            title_case: title_cases,
        }
    }
}

/// The lexicon's organisation heads (16) and gathering heads (32), as lexicon bits.
static HEADS: LazyLock<HashMap<&'static str, u8, BuildHasherDefault<FnvHasher>>> =
    LazyLock::new(|| {
        let mut heads = HashMap::default();
        for &word in ORG_HEADS {
            *heads.entry(word).or_insert(0) |= 16;
        }
        for &word in EVENT_HEADS {
            *heads.entry(word).or_insert(0) |= 32;
        }
        heads
    });

/// Lexicon facts about one word: bits for title word, demonym, country or place,
/// known organisation, organisation head, gathering head, common word.
/// `lower` is the word's lowercase form (`str::to_lowercase` for a capitalised word).
fn lexicon_bits(word: &str, lower: &str) -> u8 {
    let capitalised = is_capitalised(word);
    let mut bits = 0u8;
    if capitalised && LEXICON.is_title_word(word) || LEXICON.lowercase_titles.contains(word) {
        bits |= 1;
    }
    if let Some(meanings) = LEXICON.lookup(word) {
        for m in meanings {
            bits |= match m {
                Known::Demonym { .. } => 2,
                Known::Place { .. } => 4,
                Known::Org { .. } => 8,
                Known::Title { .. } => 1,
            };
        }
    }
    // The head word lists hold capitalised words only.
    if capitalised {
        if let Some(&head) = HEADS.get(word) {
            bits |= head;
        }
        // `LEXICON.is_common_word(word)`, with the lowercase form at hand.
        if LEXICON.common_words.contains(lower) {
            bits |= 64;
        }
    }
    bits
}

/// Per-token facts computed once per sentence.
struct TokenInfo<'a> {
    lower: Cow<'a, str>,
    shape: Shape,
    gaz: u8,
    lex: u8,
    place: u8,
    cluster: [u16; 3],
    /// An organisation head word (capitalised or not).
    org_word: bool,
    /// BILOU position (1 + part) in the longest organisation-name match; 0 outside.
    org_name: u8,
}

/// The facts of a word form that do not depend on its neighbours: computed
/// once per document for each form ([`WordCache`]).
#[derive(Clone, Copy)]
struct WordFacts {
    shape: Shape,
    gaz: u8,
    lex: u8,
    cluster: [u16; 3],
    org_word: bool,
}

/// Per document: word form → its [`WordFacts`] (articles repeat their words).
type WordCache<'a> = crate::lexicon::FastHashMap<&'a str, WordFacts>;

/// The facts of word `w`, whose lowercase form is `lower`.
fn word_facts(w: &str, lower: &str) -> WordFacts {
    let gaz = &*GAZETTEERS;
    let mut s = Shape::default();
    shape(w, &mut s);
    let mut g = 0u8;
    if is_capitalised(w) {
        if gaz.first.contains(lower) {
            g |= 1;
        }
        if gaz.last.contains(lower) {
            g |= 2;
        }
    }
    WordFacts {
        shape: s,
        gaz: g,
        lex: lexicon_bits(w, lower),
        cluster: clusters_of(lower),
        org_word: is_capitalised(w) && ORGS.words.contains(lower),
    }
}

/// `skip_closed`: facts beyond the lowercase form are left out for closed words
/// whose neighbours are closed too (no feature reads them; see [`closed`]).
fn sentence_info<'a>(
    words: &[&'a str],
    skip_closed: bool,
    cache: &mut WordCache<'a>,
) -> Vec<TokenInfo<'a>> {
    let gaz = &*GAZETTEERS;
    let open: Vec<bool> = words.iter().map(|w| !skip_closed || !closed(w)).collect();
    let mut infos: Vec<TokenInfo> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let lower = if w.chars().any(char::is_uppercase) {
            Cow::Owned(w.to_lowercase())
        } else {
            Cow::Borrowed(*w)
        };
        let read = open[i] || i > 0 && open[i - 1] || open.get(i + 1).copied().unwrap_or(false);
        if !read {
            infos.push(TokenInfo {
                cluster: NO_CLUSTER,
                lower,
                shape: Shape::default(),
                gaz: 0,
                lex: 0,
                place: 0,
                org_word: false,
                org_name: 0,
            });
            continue;
        }
        let facts = *cache.entry(w).or_insert_with(|| word_facts(w, &lower));
        infos.push(TokenInfo {
            cluster: facts.cluster,
            lower,
            shape: facts.shape,
            gaz: facts.gaz,
            lex: facts.lex,
            place: 0,
            org_word: facts.org_word,
            org_name: 0,
        });
    }
    // Longest gazetteer place matches starting at capitalised words.
    let mut i = 0;
    while i < words.len() {
        if !is_capitalised(words[i]) {
            i += 1;
            continue;
        }
        let mut matched = None;
        let mut key = String::new();
        for n in 1..=gaz.max_place_words.min(words.len() - i) {
            if n > 1 {
                key.push(' ');
            }
            key.push_str(&infos[i + n - 1].lower);
            if let Some(&code) = gaz.places.get(&key) {
                if is_capitalised(words[i + n - 1]) {
                    matched = Some((n, code));
                }
            }
        }
        if let Some((n, code)) = matched {
            for k in 0..n {
                let bilou = match (k == 0, k + 1 == n) {
                    (true, true) => 3,
                    (true, false) => 0,
                    (false, false) => 1,
                    (false, true) => 2,
                };
                infos[i + k].place = 1 + code * 4 + bilou;
            }
            i += n;
        } else {
            i += 1;
        }
    }
    // Longest organisation-name matches starting and ending at capitalised words.
    let orgs = &*ORGS;
    let mut key = String::new();
    let mut i = 0;
    while i < words.len() {
        if !is_capitalised(words[i]) || !orgs.first_words.contains(infos[i].lower.as_ref()) {
            i += 1;
            continue;
        }
        let mut matched = 0;
        key.clear();
        for n in 1..=orgs.max_name_words.min(words.len() - i) {
            if n > 1 {
                key.push(' ');
            }
            key.push_str(&infos[i + n - 1].lower);
            if is_capitalised(words[i + n - 1]) && orgs.names.contains(key.as_str()) {
                matched = n;
            }
        }
        if matched == 0 {
            i += 1;
            continue;
        }
        for k in 0..matched {
            infos[i + k].org_name = 1 + match (k == 0, k + 1 == matched) {
                (true, true) => 3,
                (true, false) => 0,
                (false, false) => 1,
                (false, true) => 2,
            };
        }
        i += matched;
    }
    infos
}

/// Feature keys of every token of a sentence.
/// Lower-case words that may stand inside a name ("Bank of England", "von der Leyen").
#[cfg(test)]
const NAME_INNER: &[&str] = &[
    "of", "and", "the", "for", "on", "de", "la", "le", "du", "des", "del", "della", "der", "den",
    "von", "van", "da", "di", "dos", "das", "al", "el", "bin", "ibn", "y", "at", "in", "upon",
];

/// True for a word that is outside every name in edited text: it starts with a
/// lower-case letter and may not stand inside a name.
fn closed(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase) && !is_name_inner(word)
        || first_person_contraction(word)
}

/// "I've", "I'm", "I'd", "I'll" (straight or curly apostrophe): the tokens keep a
/// contraction whole, the training data split it ("I" "'ve"), so the tagger never
/// saw one; capitalised, it looked like an unknown name.
pub(crate) fn first_person_contraction(word: &str) -> bool {
    let Some(rest) = word
        .strip_prefix("I'")
        .or_else(|| word.strip_prefix("I\u{2019}"))
    else {
        return false;
    };
    matches!(rest, "ve" | "m" | "d" | "ll")
}

/// A lower-case word that may stand inside a name ("Bank of England", "von der
/// Leyen"): one `match` rather than a scan of a list (the test module keeps the
/// list, `NAME_INNER`, and checks that the two agree).
fn is_name_inner(word: &str) -> bool {
    matches!(
        word,
        "of" | "and"
            | "the"
            | "for"
            | "on"
            | "de"
            | "la"
            | "le"
            | "du"
            | "des"
            | "del"
            | "della"
            | "der"
            | "den"
            | "von"
            | "van"
            | "da"
            | "di"
            | "dos"
            | "das"
            | "al"
            | "el"
            | "bin"
            | "ibn"
            | "y"
            | "at"
            | "in"
            | "upon"
    )
}

/// `skip_closed`: leave the features of closed words empty (they take the label O);
/// the run-time tagger does so for edited text, training does not.
fn sentence_features<'a>(
    words: &[&'a str],
    title_case: bool,
    doc: &DocContext,
    skip_closed: bool,
    cache: &mut WordCache<'a>,
) -> SentenceFeatures {
    let infos = sentence_info(words, skip_closed, cache);
    // Each token's shape as text, once (read by several templates).
    let shapes: Vec<&str> = infos.iter().map(|t| t.shape.as_str()).collect();
    let n = words.len();
    let lower_at = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            &infos[i as usize].lower
        }
    };
    let shape_at = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            shapes[i as usize]
        }
    };
    let mut f: Vec<u32> = Vec::with_capacity(n * 44);
    let mut ends: Vec<u32> = Vec::with_capacity(n);
    for i in 0..n {
        let ii = i as isize;
        let info = &infos[i];
        let word = words[i];
        if skip_closed && closed(word) {
            ends.push(f.len() as u32);
            continue;
        }
        f.push(Fnv::new(0).key());
        f.push(Fnv::new(1).str(word).key());
        f.push(Fnv::new(2).str(&info.lower).key());
        f.push(Fnv::new(3).str(lower_at(ii - 1)).key());
        f.push(Fnv::new(4).str(lower_at(ii + 1)).key());
        f.push(Fnv::new(5).str(lower_at(ii - 2)).key());
        f.push(Fnv::new(6).str(lower_at(ii + 2)).key());
        f.push(Fnv::new(7).str(shapes[i]).key());
        f.push(Fnv::new(8).str(shape_at(ii - 1)).key());
        f.push(Fnv::new(9).str(shape_at(ii + 1)).key());
        f.push(Fnv::new(10).str(shape_at(ii - 1)).str(shapes[i]).key());
        f.push(Fnv::new(11).str(shapes[i]).str(shape_at(ii + 1)).key());
        f.push(Fnv::new(12).str(lower_at(ii - 1)).str(shapes[i]).key());
        f.push(Fnv::new(13).str(shapes[i]).str(lower_at(ii + 1)).key());
        let lower: &str = &info.lower;
        let mut prefix_ends = lower
            .char_indices()
            .map(|(at, _)| at)
            .skip(1)
            .chain([lower.len()]);
        let mut suffix_starts = lower.char_indices().rev().map(|(at, _)| at);
        for k in 1..=4u8 {
            let (Some(end), Some(start)) = (prefix_ends.next(), suffix_starts.next()) else {
                break;
            };
            f.push(Fnv::new(14).byte(k).str(&lower[..end]).key());
            f.push(Fnv::new(15).byte(k).str(&lower[start..]).key());
        }
        f.push(Fnv::new(16).byte(info.gaz).byte(info.place).key());
        f.push(Fnv::new(17).byte(info.lex).key());
        f.push(Fnv::new(18).byte(info.gaz).str(shapes[i]).key());
        let prev = i.checked_sub(1).map(|p| &infos[p]);
        let next = infos.get(i + 1);
        f.push(
            Fnv::new(19)
                .byte(prev.map_or(255, |p| p.gaz))
                .byte(prev.map_or(255, |p| p.lex))
                .key(),
        );
        f.push(
            Fnv::new(20)
                .byte(next.map_or(255, |p| p.gaz))
                .byte(next.map_or(255, |p| p.lex))
                .key(),
        );
        f.push(
            Fnv::new(21)
                .byte(prev.map_or(255, |p| p.place))
                .byte(info.place)
                .byte(next.map_or(255, |p| p.place))
                .key(),
        );
        f.push(
            Fnv::new(22)
                .byte(u8::from(i == 0))
                .byte(u8::from(title_case))
                .str(shapes[i])
                .key(),
        );
        if is_capitalised(word) {
            let lower_elsewhere = doc.lower.contains(info.lower.as_ref());
            let capitalised_inside = doc.capitalised_inside.contains(info.lower.as_ref());
            f.push(
                Fnv::new(23)
                    .byte(u8::from(lower_elsewhere))
                    .byte(u8::from(capitalised_inside))
                    .byte(u8::from(i == 0 || title_case))
                    .key(),
            );
        }
        if title_case {
            f.push(Fnv::new(24).str(&info.lower).key());
        }
        cluster_features(&mut f, &infos, &shapes, i);
        {
            // Organisation head words: this word, and the next two with their capitalisation.
            let org_at = |k: usize| -> u8 {
                infos.get(k).map_or(2, |t| {
                    u8::from(t.org_word) | (u8::from(shapes[k].starts_with('X')) << 1)
                })
            };
            f.push(Fnv::new(31).byte(u8::from(info.org_word)).key());
            f.push(Fnv::new(32).byte(org_at(i + 1)).key());
            f.push(Fnv::new(33).byte(org_at(i + 1)).byte(org_at(i + 2)).key());
        }
        {
            // The longest organisation-name match this word is in.
            f.push(Fnv::new(34).byte(info.org_name).key());
            f.push(
                Fnv::new(35)
                    .byte(prev.map_or(255, |p| p.org_name))
                    .byte(info.org_name)
                    .byte(next.map_or(255, |p| p.org_name))
                    .key(),
            );
        }
        if is_capitalised(word) {
            // The capitalised run this word is in (connectors between capitals
            // included): does it end in an organisation head word, and how far away?
            let mut end = i;
            while end + 1 < n
                && (is_capitalised(words[end + 1])
                    || is_name_inner(words[end + 1])
                        && words.get(end + 2).is_some_and(|w| is_capitalised(w)))
            {
                end += 1;
            }
            let head = infos[end].org_word;
            let distance = (end - i).min(3) as u8;
            f.push(Fnv::new(36).byte(u8::from(head)).byte(distance).key());
        }
        ends.push(f.len() as u32);
    }
    SentenceFeatures { keys: f, ends }
}

fn u16_key(template: u8, a: u16, b: u16) -> u32 {
    Fnv::new(template)
        .byte(a as u8)
        .byte((a >> 8) as u8)
        .byte(b as u8)
        .byte((b >> 8) as u8)
        .key()
}

/// Word-cluster features (templates 26-30): the word's clusters at every level, with its
/// capitalisation, and the neighbours' middle-level clusters.
fn cluster_features(f: &mut Vec<u32>, infos: &[TokenInfo], shapes: &[&str], i: usize) {
    let c = infos[i].cluster;
    let cap = u16::from(shapes[i].starts_with('X'));
    for (level, &id) in c.iter().enumerate() {
        f.push(u16_key(26 + level as u8, id, cap));
    }
    let prev = i.checked_sub(1).map_or(NO_CLUSTER, |p| infos[p].cluster);
    let next = infos.get(i + 1).map_or(NO_CLUSTER, |n| n.cluster);
    f.push(u16_key(29, prev[1], c[1]));
    f.push(u16_key(30, c[1], next[1]));
}

/// The feature keys of a sentence's tokens, in one buffer.
pub struct SentenceFeatures {
    keys: Vec<u32>,
    ends: Vec<u32>,
}

impl SentenceFeatures {
    /// The keys of token `i`; empty for a closed word.
    pub fn token(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.keys[start..self.ends[i] as usize]
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for an empty sentence.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Feature keys of every token of a document (sentences of words).
/// `skip_closed`: see [`sentence_features`].
pub fn document_features(sentences: &[Vec<&str>], skip_closed: bool) -> Vec<SentenceFeatures> {
    let doc = DocContext::new(sentences);
    let mut cache = WordCache::default();
    sentences
        .iter()
        .zip(&doc.title_case)
        .map(|(words, &title_case)| {
            sentence_features(words, title_case, &doc, skip_closed, &mut cache)
        })
        .collect()
}

// --------------------------------------------------------------------- model

/// Keys are already hashes: pass them through.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type KeyMap = HashMap<u32, u32, BuildHasherDefault<KeyHasher>>;

/// The run-time model: per feature, its 16-bit weights for every label, held in
/// the hash table's slot (one memory access per feature); label transitions.
pub struct Model {
    rows: HashMap<u32, [i16; N_LABELS], BuildHasherDefault<KeyHasher>>,
    scale: f32,
    transitions: Vec<f32>,
}

/// A model as training leaves it: full-precision weights.
pub struct TrainedModel {
    index: KeyMap,
    weights: Vec<f32>,
    transitions: Vec<f32>,
}

const MAGIC: &[u8; 8] = b"RDNER001";

impl Model {
    fn emissions(&self, features: &SentenceFeatures) -> Vec<[f32; N_LABELS]> {
        (0..features.len())
            .map(|i| {
                let f = features.token(i);
                if f.is_empty() {
                    // A closed word: O only.
                    let mut scores = [f32::NEG_INFINITY; N_LABELS];
                    scores[0] = 0.0;
                    return scores;
                }
                let mut sums = [0i32; N_LABELS];
                for key in f {
                    if let Some(row) = self.rows.get(key) {
                        for (s, &x) in sums.iter_mut().zip(row) {
                            *s += i32::from(x);
                        }
                    }
                }
                sums.map(|s| s as f32 * self.scale)
            })
            .collect()
    }

    /// Best label sequence of a sentence under BILOU constraints.
    pub fn decode(&self, features: &SentenceFeatures) -> Vec<u8> {
        viterbi(&self.emissions(features), &self.transitions)
    }

    /// Parses the binary model format.
    pub fn from_bytes(bytes: &[u8]) -> Option<Model> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<&[u8]> {
            let slice = bytes.get(at..at + n)?;
            at += n;
            Some(slice)
        };
        if take(8)? != MAGIC {
            return None;
        }
        let u32_of = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let labels = u32_of(take(4)?) as usize;
        if labels != N_LABELS {
            return None;
        }
        let scale = f32::from_le_bytes(take(4)?.try_into().ok()?);
        let mut transitions = vec![0f32; (N_LABELS + 1) * N_LABELS];
        for t in transitions.iter_mut() {
            *t = f32::from_le_bytes(take(4)?.try_into().ok()?);
        }
        let count = u32_of(take(4)?) as usize;
        let mut rows = HashMap::with_capacity_and_hasher(count, Default::default());
        for _ in 0..count {
            let key = u32_of(take(4)?);
            let mask = u16::from_le_bytes(take(2)?.try_into().ok()?);
            let mut row = [0i16; N_LABELS];
            for (l, w) in row.iter_mut().enumerate() {
                if mask & (1 << l) != 0 {
                    *w = i16::from_le_bytes(take(2)?.try_into().ok()?);
                }
            }
            rows.insert(key, row);
        }
        Some(Model {
            rows,
            scale,
            transitions,
        })
    }

    /// Number of features with weights.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True for a model without features.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl TrainedModel {
    /// Serialises the model: weights quantised to 16 bits, near-zero weights dropped.
    pub fn to_bytes(&self, prune: f32) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut rows: Vec<(u32, u32)> = self.index.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        let mut body = Vec::new();
        let mut count = 0u32;
        for (key, row) in rows {
            let w = &self.weights[row as usize * N_LABELS..][..N_LABELS];
            let mut mask = 0u16;
            for (l, x) in w.iter().enumerate() {
                if x.abs() >= prune && (x / scale).round() != 0.0 {
                    mask |= 1 << l;
                }
            }
            if mask == 0 {
                continue;
            }
            count += 1;
            body.extend_from_slice(&key.to_le_bytes());
            body.extend_from_slice(&mask.to_le_bytes());
            for (l, x) in w.iter().enumerate() {
                if mask & (1 << l) != 0 {
                    body.extend_from_slice(&((x / scale).round() as i16).to_le_bytes());
                }
            }
        }
        let mut out = Vec::with_capacity(body.len() + 1024);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(N_LABELS as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for t in &self.transitions {
            out.extend_from_slice(&t.to_le_bytes());
        }
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&body);
        out
    }
}

/// Which label may follow which (the previous label, or the sentence start).
static ALLOWED_AFTER: LazyLock<[[bool; N_LABELS]; N_LABELS + 1]> = LazyLock::new(|| {
    let mut table = [[false; N_LABELS]; N_LABELS + 1];
    for (p, row) in table.iter_mut().enumerate() {
        for (l, cell) in row.iter_mut().enumerate() {
            *cell = allowed(p, l);
        }
    }
    table
});

/// Per label, the labels that may precede it (not the sentence start), in
/// ascending order, and how many there are: Viterbi visits only those.
static ALLOWED_BEFORE: LazyLock<[([u8; N_LABELS], usize); N_LABELS]> = LazyLock::new(|| {
    let mut table = [([0u8; N_LABELS], 0usize); N_LABELS];
    for (l, (list, count)) in table.iter_mut().enumerate() {
        for p in 0..N_LABELS {
            if allowed(p, l) {
                list[*count] = p as u8;
                *count += 1;
            }
        }
    }
    table
});

fn viterbi(emissions: &[[f32; N_LABELS]], transitions: &[f32]) -> Vec<u8> {
    let n = emissions.len();
    if n == 0 {
        return Vec::new();
    }
    const NEG: f32 = f32::NEG_INFINITY;
    let allowed_after = &*ALLOWED_AFTER;
    // Per label, its allowed predecessors in ascending order (the same maximum,
    // and the same first label among equals, as scanning every label) with the
    // transition from each, gathered once per sentence.
    let mut columns = [([0u8; N_LABELS], [0f32; N_LABELS], 0usize); N_LABELS];
    for (l, (labels, scores, count)) in columns.iter_mut().enumerate() {
        let (list, allowed) = &ALLOWED_BEFORE[l];
        *count = *allowed;
        for (k, &p) in list[..*allowed].iter().enumerate() {
            labels[k] = p;
            scores[k] = transitions[p as usize * N_LABELS + l];
        }
    }
    // Only the previous position's scores are needed on the way forward.
    let mut previous = [NEG; N_LABELS];
    let mut back = vec![[0u8; N_LABELS]; n];
    for l in 0..N_LABELS {
        if allowed_after[START][l] {
            previous[l] = emissions[0][l] + transitions[START * N_LABELS + l];
        }
    }
    for i in 1..n {
        let mut current = [NEG; N_LABELS];
        for (l, (labels, scores, count)) in columns.iter().enumerate() {
            let emission = emissions[i][l];
            if emission == NEG {
                continue;
            }
            let mut best = NEG;
            let mut arg = 0u8;
            for (&p, &transition) in labels[..*count].iter().zip(&scores[..*count]) {
                // An unreachable predecessor (NEG) needs no test: NEG plus a
                // finite transition stays NEG, which never beats `best`.
                let s = previous[p as usize] + transition;
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            if best > NEG {
                current[l] = best + emission;
                back[i][l] = arg;
            }
        }
        previous = current;
    }
    let mut last = 0usize;
    let mut best = NEG;
    for (l, &s) in previous.iter().enumerate() {
        if can_end(l) && s > best {
            best = s;
            last = l;
        }
    }
    let mut labels = vec![0u8; n];
    labels[n - 1] = last as u8;
    for i in (1..n).rev() {
        labels[i - 1] = back[i][labels[i] as usize];
    }
    labels
}

static MODEL: OnceLock<Model> = OnceLock::new();

/// The model in use: the shipped one unless [`use_model`] installed another.
fn model() -> &'static Model {
    MODEL.get_or_init(|| {
        Model::from_bytes(include_bytes!("../data/ner/model.bin"))
            .expect("the shipped NER model parses")
    })
}

/// Installs another model in place of the shipped one, before the first
/// extraction (for measuring models of other training orders with the whole
/// extractor, `extract_dir` with `NER_MODEL=FILE`). Returns false when a model
/// is already in use.
pub fn use_model(model: Model) -> bool {
    MODEL.set(model).is_ok()
}

/// Parses the shipped model, gazetteers and word lists now rather than on the
/// first article (services call this at start-up).
pub fn warm_up() {
    LazyLock::force(&LEXICON);
    model();
    LazyLock::force(&GAZETTEERS);
    LazyLock::force(&CLUSTERS);
}

/// Tags a document (sentences of words) with the shipped models: BILOU labels per token.
pub fn tag_document(sentences: &[Vec<&str>]) -> Vec<Vec<u8>> {
    tag_with(model(), sentences)
}

/// Tags a document with a given model.
pub fn tag_with(model: &Model, sentences: &[Vec<&str>]) -> Vec<Vec<u8>> {
    document_features(sentences, true)
        .iter()
        .map(|f| model.decode(f))
        .collect()
}

// ------------------------------------------------------------------ training

/// One training document: sentences of words with BILOU labels.
pub struct TrainingDoc {
    /// Sentences of words.
    pub words: Vec<Vec<String>>,
    /// Their labels.
    pub labels: Vec<Vec<u8>>,
}

/// Trains an averaged structured perceptron for `epochs` passes; the order of
/// sentences is shuffled with a fixed seed, so training is reproducible.
pub fn train(
    docs: &[TrainingDoc],
    epochs: usize,
    progress: impl FnMut(usize, f64),
) -> TrainedModel {
    train_with(docs, epochs, DEFAULT_SEED, progress)
}

/// The shuffle seed of the shipped model's training order.
pub const DEFAULT_SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// `train` with another shuffle seed (experiments measure over several orders).
pub fn train_with(
    docs: &[TrainingDoc],
    epochs: usize,
    seed: u64,
    mut progress: impl FnMut(usize, f64),
) -> TrainedModel {
    // Features are fixed per token: compute them once.
    let mut sentences: Vec<(SentenceFeatures, &[u8])> = Vec::new();
    for doc in docs {
        let words: Vec<Vec<&str>> = doc
            .words
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        for (features, labels) in document_features(&words, false)
            .into_iter()
            .zip(&doc.labels)
        {
            if !features.is_empty() {
                sentences.push((features, labels));
            }
        }
    }
    let mut index = KeyMap::default();
    let mut weights: Vec<f32> = Vec::new();
    let mut totals: Vec<f32> = Vec::new();
    let mut transitions = vec![0f32; (N_LABELS + 1) * N_LABELS];
    let mut transition_totals = vec![0f32; (N_LABELS + 1) * N_LABELS];
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut seed = seed;
    let mut clock = 1f32;
    for epoch in 0..epochs {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let mut errors = 0usize;
        let mut tokens = 0usize;
        for &s in &order {
            let (features, gold) = &sentences[s];
            let emissions: Vec<[f32; N_LABELS]> = (0..features.len())
                .map(|i| {
                    let f = features.token(i);
                    let mut scores = [0f32; N_LABELS];
                    for key in f {
                        if let Some(&row) = index.get(key) {
                            for (l, sc) in scores.iter_mut().enumerate() {
                                *sc += weights[row as usize * N_LABELS + l];
                            }
                        }
                    }
                    scores
                })
                .collect();
            let predicted = viterbi(&emissions, &transitions);
            tokens += gold.len();
            if predicted.as_slice() != *gold {
                for i in 0..gold.len() {
                    let (g, p) = (gold[i] as usize, predicted[i] as usize);
                    if g != p {
                        errors += 1;
                        for key in features.token(i) {
                            let next = index.len() as u32;
                            let row = *index.entry(*key).or_insert(next) as usize;
                            if row == weights.len() / N_LABELS {
                                weights.extend([0f32; N_LABELS]);
                                totals.extend([0f32; N_LABELS]);
                            }
                            weights[row * N_LABELS + g] += 1.0;
                            totals[row * N_LABELS + g] += clock;
                            weights[row * N_LABELS + p] -= 1.0;
                            totals[row * N_LABELS + p] -= clock;
                        }
                    }
                    let gp = if i == 0 { START } else { gold[i - 1] as usize };
                    let pp = if i == 0 {
                        START
                    } else {
                        predicted[i - 1] as usize
                    };
                    if (gp, g) != (pp, p) {
                        transitions[gp * N_LABELS + g] += 1.0;
                        transition_totals[gp * N_LABELS + g] += clock;
                        transitions[pp * N_LABELS + p] -= 1.0;
                        transition_totals[pp * N_LABELS + p] -= clock;
                    }
                }
            }
            clock += 1.0;
        }
        progress(epoch, errors as f64 / tokens.max(1) as f64);
    }
    // Averaging: w_avg = w - totals / clock.
    for (w, t) in weights.iter_mut().zip(&totals) {
        *w -= t / clock;
    }
    for (w, t) in transitions.iter_mut().zip(&transition_totals) {
        *w -= t / clock;
    }
    TrainedModel {
        index,
        weights,
        transitions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_inner_match_is_the_list() {
        for word in NAME_INNER {
            assert!(is_name_inner(word), "{word}");
        }
        assert_eq!(NAME_INNER.len(), 28);
        for word in ["", "o", "ofs", "The", "upon ", "vonn", "ib"] {
            assert!(!is_name_inner(word), "{word}");
        }
    }

    #[test]
    fn first_person_contractions_are_no_names() {
        for word in ["I've", "I\u{2019}m", "I'd", "I'll"] {
            assert!(closed(word), "{word}");
        }
        for word in ["I", "Iowa", "I'Anson", "Ive"] {
            assert!(!closed(word), "{word}");
        }
    }

    #[test]
    fn bilou_round_trip() {
        let labels = bio_to_labels(&["B-PER", "I-PER", "O", "B-LOC", "B-ORG", "I-ORG", "I-ORG"]);
        assert_eq!(spans(&labels), vec![(0, 2, 0), (3, 4, 2), (4, 7, 1)]);
    }

    #[test]
    fn phoenix_organisation_names_leave_people_out() {
        assert!(is_org_name("Greenpeace"));
        assert!(is_org_name("Lockheed Martin"));
        assert!(is_org_name("Asian Development Bank"));
        assert!(is_org_name("Teradyne"), "legal form dropped");
        // One-word names that are also people's names, and office holders.
        assert!(!is_org_name("Harris"));
        assert!(!is_org_name("Kofi Annan"));
        assert!(!is_org_name("Secretary-General Kofi Annan"));
    }

    #[test]
    fn organisation_gazetteer() {
        assert!(is_org_word("Orchestra"));
        assert!(is_org_word("University"));
        assert!(!is_org_word("orchestra"), "capitalised words only");
        assert!(!is_org_word("Paris"));
        assert!(is_org_name("Aston Villa"));
        let words = ["fans", "of", "Aston", "Villa", "cheered"];
        let infos = sentence_info(&words, false, &mut WordCache::default());
        let codes: Vec<u8> = infos.iter().map(|t| t.org_name).collect();
        assert_eq!(codes, vec![0, 0, 1, 3, 0]);
    }

    #[test]
    fn the_shipped_model_tags_a_name() {
        let words = vec![vec![
            "Yesterday",
            "Angela",
            "Merkel",
            "visited",
            "Paris",
            ".",
        ]];
        let labels = tag_document(&words);
        let found = spans(&labels[0]);
        assert!(found.contains(&(1, 3, 0)), "{found:?}");
        assert!(found.contains(&(4, 5, 2)), "{found:?}");
    }
}
