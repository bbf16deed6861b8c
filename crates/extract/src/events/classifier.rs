//! A document-level event-type classifier backing the trigger patterns: a
//! multinomial logistic regression over the headline's words and the PLOVER
//! types of the lexicon triggers read in the headline, the lead sentence and
//! the body (with their negation, modality and content-of marks).
//! It does not make events; it tells which type of event the article is mostly
//! about, so the main event can be ranked first (see `FoundEvent::confidence`).
//!
//! The weights (`data/event_classifier.tsv`) are trained by
//! `scripts/build-event-data` on the building part of the NGEC synthetic
//! stories (MIT, Halterman 2023), never on the held-out part.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::lexicon::{lexicon, read, Found};
use super::EventType;
use crate::text::{BlockKind, Document};
use crate::tokens::tokenize;

const WEIGHTS: &str = include_str!("../../data/event_classifier.tsv");
const K: usize = 16;
/// Letters of a headline word's stem feature.
const STEM: usize = 4;
/// Percentage of headline words dropped at each training step.
const HEAD_DROPOUT: u64 = 50;

/// A document's features: words and trigger types of headline and body.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Features {
    /// Distinct headline words.
    pub head_words: Vec<String>,
    /// Trigger-type features ("h@ACCUSE", "b@THREATEN>to").
    pub triggers: Vec<String>,
}

/// Lower-case letter words of three or more letters.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_ascii_lowercase)
}

/// A cluster is typed when at least this many of its one-word triggers ...
const CLUSTER_MIN: usize = 3;
/// ... make at least this share of them (chosen on the grouped CV: shares 0.5
/// to 0.6 and minimums 3 to 5 are even, the 200-cluster level is worse).
const CLUSTER_SHARE: f32 = 0.6;

/// The PLOVER type that dominates a word's fine cluster among the lexicon's
/// one-word triggers, if one does ("firefights" → ASSAULT, its cluster
/// holding "ambushes", "duels" and "sieges"). Clusters are topical rather
/// than synonym sets, so this is a classifier feature, never an event.
fn cluster_type(word: &str) -> Option<EventType> {
    static TYPES: OnceLock<HashMap<u16, EventType>> = OnceLock::new();
    let types = TYPES.get_or_init(|| {
        // The one-word triggers of one type only, counted by fine cluster.
        let mut forms: HashMap<&str, Vec<EventType>> = HashMap::new();
        for (w, e) in lexicon().single_words() {
            forms.entry(w).or_default().push(e.event_type);
        }
        let mut counts: HashMap<u16, [usize; K]> = HashMap::new();
        for (w, ts) in forms {
            let c = crate::ner::clusters_of(w)[0];
            if c == u16::MAX || ts.iter().any(|t| *t != ts[0]) {
                continue;
            }
            counts.entry(c).or_insert([0; K])[ts[0].index()] += 1;
        }
        counts
            .into_iter()
            .filter_map(|(c, n)| {
                let total: usize = n.iter().sum();
                let (k, &top) = n.iter().enumerate().max_by_key(|(_, v)| **v)?;
                (top >= CLUSTER_MIN && top as f32 >= CLUSTER_SHARE * total as f32)
                    .then(|| (c, EventType::ALL[k]))
            })
            .collect()
    });
    types.get(&crate::ner::clusters_of(word)[0]).copied()
}

/// Which part of the article a sentence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The headline.
    Head,
    /// The first body sentence.
    Lead,
    /// Any other body or caption sentence.
    Body,
}

/// Collects a document's features sentence by sentence, from the triggers
/// the extractor reads anyway (so classifying costs no second reading).
#[derive(Debug, Default)]
pub struct FeatureBuilder {
    features: Features,
    /// Trigger features seen, as bits of (kind, mark, type): no strings are
    /// made until the end.
    seen: [u64; 11],
    head_first: bool,
    head_first_verb: bool,
}

/// Trigger-feature kinds, in bit order: where the trigger was and what it was
/// ("hd": a headline trigger after a determiner or possessive, a noun naming
/// an act, "the attack", "Kenya's sanctions"; "hy": a headline trigger
/// followed by "by", a passive verb or an act with its agent, "shops smashed
/// by protesters"; "hx": a headline word outside the lexicon whose word
/// cluster one type's triggers dominate, "firefights" → ASSAULT, so unseen
/// wording lands near trained triggers).
const KINDS: [&str; 11] = [
    "h", "l", "b", "hc", "lc", "bc", "h1", "hv1", "hd", "hy", "hx",
];
/// Words before a headline trigger that make it a noun.
const DETERMINERS: &[&str] = &["a", "an", "the", "its", "their", "his", "her", "new"];
/// Words that open a background clause in a headline ("arrested after
/// attack", "talks amid protests"): triggers after them get their own feature.
pub(crate) const BACKGROUND: &[&str] = &[
    "after",
    "following",
    "amid",
    "amidst",
    "despite",
    "over",
    "as",
    "before",
];
const MARKS: [&str; 4] = ["", ">not", ">modal", ">after"];

impl FeatureBuilder {
    /// Adds the headline's words.
    pub fn headline(&mut self, text: &str) {
        // Words and their first four letters ("protest", "protesters" → "~prot";
        // four, not five, chosen on the grouped CV: a little better at four
        // training shuffles; both together are worse).
        for w in words(text) {
            let stem = format!("~{}", &w[..w.len().min(STEM)]);
            self.features.head_words.push(w);
            self.features.head_words.push(stem);
        }
    }

    fn mark(&mut self, kind: usize, mark: usize, event_type: EventType) {
        let bit = (kind * 4 + mark) * 16 + event_type.index();
        self.seen[bit / 64] |= 1 << (bit % 64);
    }

    /// Adds the triggers read in one sentence of `part` (a lead sentence
    /// counts as body too).
    pub fn sentence(&mut self, part: Part, found: &[Found], lower: &[String]) {
        if part == Part::Lead {
            self.sentence(Part::Body, found, lower);
        }
        // Where a headline's background clause begins, if it has one.
        let background = if part == Part::Head {
            lower
                .iter()
                .position(|w| BACKGROUND.contains(&w.as_str()))
                .unwrap_or(usize::MAX)
        } else {
            usize::MAX
        };
        let kind = match part {
            Part::Head => 0,
            Part::Lead => 1,
            Part::Body => 2,
        };
        if part == Part::Head {
            // Headline words no trigger covers, typed by their word cluster.
            for (i, w) in lower.iter().enumerate() {
                if found.iter().any(|f| f.first <= i && i < f.end)
                    || !lexicon().starting_with(w).is_empty()
                {
                    continue;
                }
                if let Some(t) = cluster_type(w) {
                    self.mark(10, 0, t);
                }
            }
        }
        for found in found {
            let t = found.event_type;
            if found.content_of.is_some() {
                self.mark(kind + 3, 0, t);
            } else if found.light {
                continue;
            } else if found.negated {
                self.mark(kind, 1, t);
            } else if found.hypothetical {
                self.mark(kind, 2, t);
            } else if found.first > background {
                self.mark(kind, 3, t);
            } else {
                if part == Part::Head && !self.head_first {
                    self.mark(6, 0, t);
                    self.head_first = true;
                }
                if part == Part::Head && !found.noun && !self.head_first_verb {
                    self.mark(7, 0, t);
                    self.head_first_verb = true;
                }
                if part == Part::Head {
                    let before = found.first.checked_sub(1).map(|i| lower[i].as_str());
                    if before.is_some_and(|w| DETERMINERS.contains(&w) || w.ends_with("'s")) {
                        self.mark(8, 0, t);
                    }
                    if lower.get(found.end).is_some_and(|w| w == "by") {
                        self.mark(9, 0, t);
                    }
                }
                self.mark(kind, 0, t);
            }
        }
    }

    /// The features.
    pub fn finish(mut self) -> Features {
        self.features.head_words.sort();
        self.features.head_words.dedup();
        for bit in 0..704 {
            if self.seen[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            let (slot, t) = (bit / 16, bit % 16);
            let (kind, mark) = (slot / 4, slot % 4);
            {
                self.features.triggers.push(format!(
                    "{}@{}{}",
                    KINDS[kind],
                    EventType::ALL[t].as_str(),
                    MARKS[mark]
                ));
            }
        }
        self.features
    }
}

/// Features of a segmented document: its headline's words and the triggers
/// of its sentences, read as the extractor reads them.
pub fn features(document: &Document<'_>) -> Features {
    let mut builder = FeatureBuilder::default();
    let mut lead_seen = false;
    for sentence in &document.sentences {
        let kind = document.blocks[sentence.block].kind;
        if matches!(kind, BlockKind::Boilerplate | BlockKind::Heading) {
            continue;
        }
        let lower = lower_tokens(document.text, sentence.span);
        let found = read(&lower);
        let part = if kind == BlockKind::Headline {
            builder.headline(sentence.span.of(document.text));
            Part::Head
        } else if kind != BlockKind::Caption && !lead_seen {
            lead_seen = true;
            Part::Lead
        } else {
            Part::Body
        };
        builder.sentence(part, &found, &lower);
    }
    builder.finish()
}

/// The lower-case tokens of a span, as the extractor reads sentences.
pub fn lower_tokens(text: &str, span: crate::text::Span) -> Vec<String> {
    tokenize(text, span)
        .iter()
        .map(|t| t.text(text).to_lowercase())
        .collect()
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Passes over the examples.
    pub epochs: usize,
    /// Features seen in fewer documents are left out.
    pub min_count: usize,
    /// L2 weight decay per step (times the learning rate).
    pub l2: f32,
    /// Percentage of word features dropped at each training step.
    pub dropout: u64,
    /// Whether trigger slots also get weights shared by all types.
    pub shared: bool,
    /// Whether trigger-type features get weights of their own per type.
    pub trigger_table: bool,
    /// Seed of the training shuffle (the weights vary a little with it).
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            epochs: 12,
            min_count: 3,
            l2: 3e-3,
            dropout: HEAD_DROPOUT,
            shared: true,
            trigger_table: true,
            seed: 16,
        }
    }
}

/// A trained model.
#[derive(Debug, Default, Clone)]
pub struct Model {
    bias: [f32; K],
    head: HashMap<String, [f32; K]>,
    triggers: HashMap<String, [f32; K]>,
    /// Weights shared by all types: a trigger feature "h@ACCUSE" adds the
    /// weight of its slot ("h") to ACCUSE's score, whatever the type, so what
    /// one type's stories teach about where the main event is told carries
    /// to types with few training templates.
    shared: HashMap<String, f32>,
}

/// The slot ("h", "b>not", "hv1") and type of a trigger-type feature.
fn slot_of(key: &str) -> Option<(String, usize)> {
    let (kind, rest) = key.split_once('@')?;
    let cut = rest.find('>').unwrap_or(rest.len());
    let t = EventType::parse(&rest[..cut])?;
    Some((format!("{kind}{}", &rest[cut..]), t.index()))
}

impl Model {
    /// Probabilities of the sixteen types (in [`EventType::ALL`] order).
    pub fn probabilities(&self, features: &Features) -> [f32; K] {
        let mut scores = self.bias;
        let mut add = |table: &HashMap<String, [f32; K]>, keys: &[String]| {
            for key in keys {
                if let Some(w) = table.get(key) {
                    for k in 0..K {
                        scores[k] += w[k];
                    }
                }
            }
        };
        add(&self.head, &features.head_words);
        add(&self.triggers, &features.triggers);
        if !self.shared.is_empty() {
            for key in &features.triggers {
                // The slot's weight, without building its name ("h" + ">not").
                let Some((kind, rest)) = key.split_once('@') else {
                    continue;
                };
                let cut = rest.find('>').unwrap_or(rest.len());
                let (name, mark) = rest.split_at(cut);
                let Some(t) = EventType::parse(name) else {
                    continue;
                };
                let weight = self.shared.iter().find(|(slot, _)| {
                    slot.len() == kind.len() + mark.len()
                        && slot.starts_with(kind)
                        && slot.ends_with(mark)
                });
                if let Some((_, w)) = weight {
                    scores[t.index()] += w;
                }
            }
        }
        softmax(scores)
    }

    /// Parses the weights file.
    pub fn parse(text: &str) -> Model {
        let mut model = Model::default();
        for line in text.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(kind), Some(key), Some(values)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let mut w = [0f32; K];
            for (k, v) in values.split(' ').take(K).enumerate() {
                w[k] = v.parse().unwrap_or(0.0);
            }
            match kind {
                "bias" => model.bias = w,
                "shared" => {
                    model.shared.insert(key.to_owned(), w[0]);
                }
                "head" => {
                    model.head.insert(key.to_owned(), w);
                }
                _ => {
                    model.triggers.insert(key.to_owned(), w);
                }
            }
        }
        model
    }

    /// Renders the weights file, leaving out features whose weights are all small.
    pub fn render(&self, header: &str) -> String {
        let mut out = String::from(header);
        let row = |w: &[f32; K]| {
            w.iter()
                .map(|v| format!("{v:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        out.push_str(&format!("bias\t-\t{}\n", row(&self.bias)));
        let mut slots: Vec<(&String, &f32)> = self.shared.iter().collect();
        slots.sort_by(|a, b| a.0.cmp(b.0));
        for (slot, w) in slots {
            out.push_str(&format!("shared\t{slot}\t{w:.2}\n"));
        }
        for (kind, table) in [("head", &self.head), ("trigger", &self.triggers)] {
            let mut keys: Vec<&String> = table
                .iter()
                .filter(|(_, w)| w.iter().any(|v| v.abs() >= 0.05))
                .map(|(k, _)| k)
                .collect();
            keys.sort();
            for key in keys {
                out.push_str(&format!("{kind}\t{key}\t{}\n", row(&table[key])));
            }
        }
        out
    }

    /// Trains by stochastic gradient descent on (features, type) pairs, with
    /// classes weighted towards balance and features seen in fewer than
    /// `settings.min_count` documents left out.
    pub fn train(examples: &[(Features, EventType)], settings: &Settings) -> Model {
        let (epochs, min_count) = (settings.epochs, settings.min_count);
        let mut counts: HashMap<(u8, &str), usize> = HashMap::new();
        for (f, _) in examples {
            for w in &f.head_words {
                *counts.entry((0, w)).or_default() += 1;
            }
            for w in &f.triggers {
                *counts.entry((2, w)).or_default() += 1;
            }
        }
        let mut class_count = [0usize; K];
        for (_, t) in examples {
            class_count[t.index()] += 1;
        }
        let class_weight: Vec<f32> = class_count
            .iter()
            .map(|&c| ((examples.len() as f32) / (K as f32 * c.max(1) as f32)).sqrt())
            .collect();
        let mut model = Model::default();
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut seed = settings.seed.max(1);
        let l2 = settings.l2;
        for epoch in 0..epochs {
            // A fixed shuffle per epoch (xorshift), for reproducible weights.
            for i in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            let rate = 0.2 / (1.0 + epoch as f32 * 0.5);
            for &index in &order {
                let (features, label) = &examples[index];
                let keep = |part: u8, w: &String| {
                    counts.get(&(part, w.as_str())).copied().unwrap_or(0) >= min_count
                };
                // Half the headline's words are dropped at each step, so that
                // the trigger features, which generalise to unseen headlines,
                // carry weight instead of the words memorising them.
                let head: Vec<&String> = features
                    .head_words
                    .iter()
                    .filter(|w| keep(0, w))
                    .filter(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        seed % 100 >= settings.dropout
                    })
                    .collect();
                let mut triggers: Vec<&String> =
                    features.triggers.iter().filter(|w| keep(2, w)).collect();
                let slots: Vec<(String, usize)> = if settings.shared {
                    triggers.iter().filter_map(|k| slot_of(k)).collect()
                } else {
                    Vec::new()
                };
                if !settings.trigger_table {
                    triggers.retain(|k| slot_of(k).is_none());
                }
                let mut scores = model.bias;
                for (table, keys) in [(&model.head, &head), (&model.triggers, &triggers)] {
                    for key in keys.iter() {
                        if let Some(w) = table.get(*key) {
                            for k in 0..K {
                                scores[k] += w[k];
                            }
                        }
                    }
                }
                for (slot, t) in &slots {
                    scores[*t] += model.shared.get(slot).copied().unwrap_or(0.0);
                }
                let mut gradient = softmax(scores);
                gradient[label.index()] -= 1.0;
                let step = rate * class_weight[label.index()];
                for (b, g) in model.bias.iter_mut().zip(&gradient) {
                    *b -= step * g;
                }
                for (slot, t) in slots {
                    let w = model.shared.entry(slot).or_insert(0.0);
                    *w -= step * gradient[t] + rate * l2 * *w;
                }
                for (table, keys) in [(&mut model.head, &head), (&mut model.triggers, &triggers)] {
                    for key in keys.iter() {
                        let w = table.entry((*key).clone()).or_insert([0.0; K]);
                        for k in 0..K {
                            w[k] -= step * gradient[k] + rate * l2 * w[k];
                        }
                    }
                }
            }
        }
        model
    }
}

fn softmax(mut scores: [f32; K]) -> [f32; K] {
    let max = scores.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for s in &mut scores {
        *s = (*s - max).exp();
        sum += *s;
    }
    for s in &mut scores {
        *s /= sum;
    }
    scores
}

static MODEL: OnceLock<Model> = OnceLock::new();

/// The model in use: the shipped one unless [`use_model`] installed another.
pub fn model() -> &'static Model {
    MODEL.get_or_init(|| Model::parse(WEIGHTS))
}

/// Installs other weights in place of the shipped ones, before the first
/// extraction (for cross-validating the whole extractor with each fold's
/// model, `scripts/score-ngec cv`). Returns false when a model is already in use.
pub fn use_model(model: Model) -> bool {
    MODEL.set(model).is_ok()
}

/// The probability of each PLOVER type being what the article is about, by the
/// shipped classifier (in [`EventType::ALL`] order).
pub fn type_probabilities(document: &Document<'_>) -> [f32; K] {
    model().probabilities(&features(document))
}

/// The probabilities for features already collected.
pub fn probabilities_of(features: &Features) -> [f32; K] {
    model().probabilities(features)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_features(headline: &str) -> Vec<String> {
        let lower: Vec<String> = headline.split(' ').map(str::to_owned).collect();
        let mut builder = FeatureBuilder::default();
        builder.headline(headline);
        builder.sentence(Part::Head, &read(&lower), &lower);
        builder.finish().triggers
    }

    #[test]
    fn headline_words_outside_the_lexicon_are_typed_by_their_cluster() {
        // Neither is a trigger; their clusters hold "skirmishes" and "bombard".
        for word in ["firefights", "bombardment"] {
            assert!(lexicon().starting_with(word).is_empty(), "{word}");
            assert_eq!(cluster_type(word), Some(EventType::Assault), "{word}");
        }
        let f = head_features("rebels and troops in firefights near border");
        assert!(f.contains(&"hx@ASSAULT".to_owned()), "{f:?}");
        assert_eq!(cluster_type("the"), None);
    }

    #[test]
    fn headline_triggers_after_a_determiner_or_before_by_get_their_own_slots() {
        let noun = head_features("the attack on nairobi leaves ten dead");
        assert!(noun.contains(&"hd@ASSAULT".to_owned()), "{noun:?}");
        let verb = head_features("kenya condemns attack");
        assert!(!verb.iter().any(|f| f.starts_with("hd@")), "{verb:?}");
        let passive = head_features("shops attacked by police");
        assert!(passive.contains(&"hy@ASSAULT".to_owned()), "{passive:?}");
    }
}
