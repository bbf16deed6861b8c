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

use super::EventType;
use crate::text::{BlockKind, Document};

const WEIGHTS: &str = include_str!("../../data/event_classifier.tsv");
const K: usize = 16;

/// Which part of the article a feature comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Part {
    Head,
    Lead,
    Body,
}

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

fn add_triggers(text: &str, part: Part, out: &mut Vec<String>) {
    let lower: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let prefix = match part {
        Part::Head => "h",
        Part::Lead => "l",
        Part::Body => "b",
    };
    let mut first = true;
    let mut first_verb = true;
    for found in super::lexicon::read(&lower) {
        let name = found.event_type.as_str();
        let feature = if found.content_of.is_some() {
            format!("{prefix}c@{name}")
        } else if found.light {
            continue;
        } else if found.negated {
            format!("{prefix}@{name}>not")
        } else if found.hypothetical {
            format!("{prefix}@{name}>modal")
        } else {
            if first && part == Part::Head {
                out.push(format!("h1@{name}"));
            }
            if first_verb && !found.noun && part == Part::Head {
                out.push(format!("hv1@{name}"));
                first_verb = false;
            }
            first = false;
            format!("{prefix}@{name}")
        };
        if !out.contains(&feature) {
            out.push(feature);
        }
    }
}

/// Features of a headline and a body text.
pub fn features_of(headline: &str, body: &str) -> Features {
    // Words and their first five letters ("protest", "protesters" → "~prote").
    let mut head_words: Vec<String> = words(headline)
        .flat_map(|w| {
            let stem = format!("~{}", &w[..w.len().min(5)]);
            [w, stem]
        })
        .collect();
    head_words.sort();
    head_words.dedup();
    let mut triggers = Vec::new();
    add_triggers(headline, Part::Head, &mut triggers);
    add_triggers(body, Part::Body, &mut triggers);
    // The lead sentence tells the main event again.
    let lead_end = body.find(". ").map_or(body.len(), |i| i + 1);
    add_triggers(&body[..lead_end], Part::Lead, &mut triggers);
    Features {
        head_words,
        triggers,
    }
}

/// Features of a segmented document: its headline and its content blocks.
pub fn features(document: &Document<'_>) -> Features {
    let mut headline = String::new();
    let mut body = String::new();
    for block in &document.blocks {
        let text = block.span.of(document.text);
        match block.kind {
            BlockKind::Headline => headline.push_str(text),
            BlockKind::Boilerplate => {}
            _ => {
                body.push_str(text);
                body.push('\n');
            }
        }
    }
    features_of(&headline, &body)
}

/// A trained model.
#[derive(Debug, Default, Clone)]
pub struct Model {
    bias: [f32; K],
    head: HashMap<String, [f32; K]>,
    triggers: HashMap<String, [f32; K]>,
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
    /// `min_count` documents left out.
    pub fn train(examples: &[(Features, EventType)], epochs: usize, min_count: usize) -> Model {
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
        let mut seed = 16u64;
        let l2 = 1e-4f32;
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
                let head: Vec<&String> =
                    features.head_words.iter().filter(|w| keep(0, w)).collect();
                let triggers: Vec<&String> =
                    features.triggers.iter().filter(|w| keep(2, w)).collect();
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
                let mut gradient = softmax(scores);
                gradient[label.index()] -= 1.0;
                let step = rate * class_weight[label.index()];
                for (b, g) in model.bias.iter_mut().zip(&gradient) {
                    *b -= step * g;
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

/// The shipped model.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(WEIGHTS))
}

/// The probability of each PLOVER type being what the article is about, by the
/// shipped classifier (in [`EventType::ALL`] order).
pub fn type_probabilities(document: &Document<'_>) -> [f32; K] {
    model().probabilities(&features(document))
}
