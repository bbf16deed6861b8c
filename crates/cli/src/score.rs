//! Scoring extraction output against gold annotations: the same metrics, by the
//! same rules, as `shared/gold/score.py` (quote P/R/F1 and speaker accuracy,
//! typed entity F1 and person recall, event F1 and date accuracy). Predicted
//! entity ids are matched to gold entities by name and mentions, never by id.

use std::collections::{HashMap, HashSet};

use readout_extract::gold::{GoldDoc, GoldEntity};

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "we", "i", "you",
];
const TITLE_WORDS: &[&str] = &[
    "president",
    "vice",
    "secretary",
    "minister",
    "prime",
    "foreign",
    "state",
    "of",
    "the",
    "u.s.",
    "us",
    "chinese",
    "china's",
    "mr",
    "mr.",
    "mrs",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "leader",
    "spokesperson",
    "spokesman",
    "adviser",
    "advisor",
    "national",
    "security",
    "senator",
    "sen.",
    "rep.",
    "governor",
    "gov.",
    "general",
    "gen.",
    "chancellor",
    "premier",
];

fn norm(text: &str) -> String {
    let lowered: String = text
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c.is_whitespace() || matches!(c, '\'' | '.' | '-')
            {
                c
            } else {
                ' '
            }
        })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn word_tokens(text: &str) -> Vec<String> {
    norm(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn name_core(text: &str) -> String {
    let normalised = norm(text);
    let mut words: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
    while let Some(first) = words.first() {
        if TITLE_WORDS.contains(&first.trim_matches(['.', ','])) {
            words.remove(0);
        } else {
            break;
        }
    }
    words.join(" ")
}

fn entity_names(entity: &GoldEntity) -> HashSet<String> {
    let mut names = HashSet::new();
    names.insert(name_core(&entity.name));
    for mention in &entity.mentions {
        let core = name_core(mention);
        if !core.is_empty() && !PRONOUNS.contains(&core.as_str()) {
            names.insert(core);
        }
    }
    names.remove("");
    names
}

fn type_ok(predicted: &str, gold: &str) -> bool {
    let (p, g) = (predicted.to_uppercase(), gold.to_uppercase());
    p == g || (matches!(p.as_str(), "GPE" | "LOC") && matches!(g.as_str(), "GPE" | "LOC"))
}

fn match_entity<'g>(
    names: &HashSet<String>,
    gold: &'g [GoldEntity],
    want_type: Option<&str>,
) -> Option<&'g str> {
    let mut best: Option<&str> = None;
    let mut best_score = 0;
    for entity in gold {
        if let Some(want) = want_type {
            if !type_ok(want, &entity.entity_type) {
                continue;
            }
        }
        let gold_names = entity_names(entity);
        let score = if names.intersection(&gold_names).next().is_some() {
            3
        } else {
            let last = |set: &HashSet<String>| -> HashSet<String> {
                set.iter()
                    .filter_map(|n| n.split(' ').next_back().map(str::to_owned))
                    .collect()
            };
            if last(names)
                .intersection(&last(&gold_names))
                .next()
                .is_some()
            {
                1
            } else {
                0
            }
        };
        if score > best_score {
            best = Some(&entity.id);
            best_score = score;
        }
    }
    best
}

fn quote_match(predicted: &str, gold: &str) -> f64 {
    let p: HashSet<String> = word_tokens(predicted).into_iter().collect();
    let g: HashSet<String> = word_tokens(gold).into_iter().collect();
    if p.is_empty() || g.is_empty() {
        return 0.0;
    }
    let shared = p.intersection(&g).count() as f64;
    if shared / p.len() as f64 >= 0.5 {
        shared / g.len() as f64
    } else {
        0.0
    }
}

/// The event types the gold set annotates (`seeds/gold` README, "Scope"):
/// meetings, accusations, weapons tests, agreements and sanctions.
pub const GOLD_EVENT_SCOPE: &[&str] = &["CONSULT", "AGREE", "ACCUSE", "MOBILIZE", "SANCTION"];

/// Counts accumulated over documents.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    ent_tp: usize,
    ent_pred: usize,
    ent_gold: usize,
    per_gold: usize,
    per_found: usize,
    q_tp: usize,
    q_pred: usize,
    q_gold: usize,
    spk_total: usize,
    spk_ok: usize,
    ev_tp: usize,
    ev_pred: usize,
    ev_gold: usize,
    date_total: usize,
    date_ok: usize,
    /// Gold quotes that no prediction matched: (doc, first words).
    pub missed_quotes: Vec<(String, String)>,
    /// Matched quotes with the wrong speaker: (doc, words, gold speaker, predicted name).
    pub wrong_speakers: Vec<(String, String, Option<String>, Option<String>)>,
}

/// The metrics of a scoring run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Quote precision.
    pub quote_p: f64,
    /// Quote recall.
    pub quote_r: f64,
    /// Quote F1.
    pub quote_f1: f64,
    /// Speaker accuracy on matched quotes.
    pub speaker_acc: f64,
    /// Correct speakers over all gold quotes.
    pub quote_speaker_e2e: f64,
    /// Entity precision.
    pub entity_p: f64,
    /// Entity recall.
    pub entity_r: f64,
    /// Entity F1.
    pub entity_f1: f64,
    /// Share of gold people found.
    pub person_recall: f64,
    /// Event precision.
    pub event_p: f64,
    /// Event recall.
    pub event_r: f64,
    /// Event F1.
    pub event_f1: f64,
    /// Date accuracy on matched dated events.
    pub date_acc: f64,
}

fn prf(tp: usize, predicted: usize, gold: usize) -> (f64, f64, f64) {
    let p = if predicted > 0 {
        tp as f64 / predicted as f64
    } else if gold == 0 {
        1.0
    } else {
        0.0
    };
    let r = if gold > 0 {
        tp as f64 / gold as f64
    } else {
        1.0
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b > 0 {
        a as f64 / b as f64
    } else {
        0.0
    }
}

impl Tally {
    /// Scores one document into the tally.
    pub fn add(&mut self, gold: &GoldDoc, predicted: &GoldDoc) {
        let scored = ["PERSON", "ORG", "GPE", "LOC"];
        let gold_scored: Vec<GoldEntity> = gold
            .entities
            .iter()
            .filter(|e| scored.contains(&e.entity_type.to_uppercase().as_str()))
            .cloned()
            .collect();
        let predicted_scored: Vec<&GoldEntity> = predicted
            .entities
            .iter()
            .filter(|e| scored.contains(&e.entity_type.to_uppercase().as_str()))
            .collect();
        let by_id: HashMap<&str, &GoldEntity> = predicted
            .entities
            .iter()
            .map(|e| (e.id.as_str(), e))
            .collect();
        let mut matched_gold: HashSet<String> = HashSet::new();
        for entity in &predicted_scored {
            if let Some(id) = match_entity(
                &entity_names(entity),
                &gold_scored,
                Some(&entity.entity_type),
            ) {
                if matched_gold.insert(id.to_owned()) {
                    self.ent_tp += 1;
                }
            }
        }
        self.ent_pred += predicted_scored.len();
        self.ent_gold += gold_scored.len();
        for entity in &gold.entities {
            if entity.entity_type == "PERSON" {
                self.per_gold += 1;
                if matched_gold.contains(&entity.id) {
                    self.per_found += 1;
                }
            }
        }

        let mut used: HashSet<usize> = HashSet::new();
        for gold_quote in &gold.quotes {
            let mut best = 0.0;
            let mut best_index = None;
            for (index, quote) in predicted.quotes.iter().enumerate() {
                if used.contains(&index) {
                    continue;
                }
                let score = quote_match(&quote.text, &gold_quote.text);
                if score > best {
                    best = score;
                    best_index = Some(index);
                }
            }
            let Some(index) = best_index.filter(|_| best >= 0.5) else {
                self.missed_quotes
                    .push((gold.doc.clone(), gold_quote.text.chars().take(60).collect()));
                continue;
            };
            used.insert(index);
            self.q_tp += 1;
            self.spk_total += 1;
            let speaker = predicted.quotes[index]
                .speaker
                .as_deref()
                .and_then(|id| by_id.get(id).copied());
            let ok = match (&gold_quote.speaker, speaker) {
                (None, speaker) => speaker.is_none(),
                (Some(_), None) => false,
                (Some(gold_speaker), Some(entity)) => {
                    match_entity(&entity_names(entity), &gold.entities, None)
                        == Some(gold_speaker.as_str())
                }
            };
            if ok {
                self.spk_ok += 1;
            } else {
                self.wrong_speakers.push((
                    gold.doc.clone(),
                    gold_quote.text.chars().take(50).collect(),
                    gold_quote.speaker.clone(),
                    speaker.map(|e| e.name.clone()),
                ));
            }
        }
        self.q_pred += predicted.quotes.len();
        self.q_gold += gold.quotes.len();

        // The seeds' gold annotates five PLOVER types (its README, "Scope"):
        // events of the other types are outside what it judges, not errors.
        let in_scope = |event: &&readout_extract::gold::GoldEvent| {
            GOLD_EVENT_SCOPE.contains(&event.event_type.to_uppercase().as_str())
        };
        let predicted_events: Vec<&readout_extract::gold::GoldEvent> =
            predicted.events.iter().filter(in_scope).collect();
        let mut used: HashSet<usize> = HashSet::new();
        for gold_event in &gold.events {
            let gold_parts: HashSet<&str> =
                gold_event.participants.iter().map(String::as_str).collect();
            let mut best: i64 = -1;
            let mut best_index = None;
            for (index, event) in predicted_events.iter().enumerate() {
                if used.contains(&index)
                    || event.event_type.to_uppercase() != gold_event.event_type.to_uppercase()
                {
                    continue;
                }
                let mut parts: HashSet<&str> = HashSet::new();
                for participant in &event.participants {
                    let names = match by_id.get(participant.as_str()) {
                        Some(entity) => entity_names(entity),
                        None => [name_core(participant)].into_iter().collect(),
                    };
                    if let Some(id) = match_entity(&names, &gold.entities, None) {
                        parts.insert(id);
                    }
                }
                let overlap = parts.intersection(&gold_parts).count() as i64;
                let need = gold_parts.len().min(2) as i64;
                if overlap >= need && overlap > best {
                    best = overlap;
                    best_index = Some(index);
                }
            }
            let Some(index) = best_index else { continue };
            used.insert(index);
            self.ev_tp += 1;
            if let Some(gold_date) = &gold_event.date {
                self.date_total += 1;
                let predicted_date = predicted_events[index].date.clone().unwrap_or_default();
                if !predicted_date.is_empty()
                    && (predicted_date.starts_with(gold_date.as_str())
                        || gold_date.starts_with(predicted_date.as_str())
                            && predicted_date.len() >= 7)
                {
                    self.date_ok += 1;
                }
            }
        }
        self.ev_pred += predicted_events.len();
        self.ev_gold += gold.events.len();
    }

    /// The metrics.
    pub fn scores(&self) -> Scores {
        let (quote_p, quote_r, quote_f1) = prf(self.q_tp, self.q_pred, self.q_gold);
        let (entity_p, entity_r, entity_f1) = prf(self.ent_tp, self.ent_pred, self.ent_gold);
        let (event_p, event_r, event_f1) = prf(self.ev_tp, self.ev_pred, self.ev_gold);
        Scores {
            quote_p,
            quote_r,
            quote_f1,
            speaker_acc: ratio(self.spk_ok, self.spk_total),
            quote_speaker_e2e: ratio(self.spk_ok, self.q_gold),
            entity_p,
            entity_r,
            entity_f1,
            person_recall: ratio(self.per_found, self.per_gold),
            event_p,
            event_r,
            event_f1,
            date_acc: ratio(self.date_ok, self.date_total),
        }
    }

    /// The report, line for line as score.py prints it.
    pub fn report(&self) -> String {
        let s = self.scores();
        format!(
            "quotes   P {:.3} R {:.3} F1 {:.3}  ({}/{} gold, {} predicted)\n\
             speaker  accuracy on matched {:.3}  end-to-end {:.3}\n\
             entities P {:.3} R {:.3} F1 {:.3}  person recall {:.3}\n\
             events   P {:.3} R {:.3} F1 {:.3}  date accuracy {:.3}\n\
             summary quote_f1={:.3} speaker_e2e={:.3} entity_f1={:.3} event_f1={:.3}\n",
            s.quote_p,
            s.quote_r,
            s.quote_f1,
            self.q_tp,
            self.q_gold,
            self.q_pred,
            s.speaker_acc,
            s.quote_speaker_e2e,
            s.entity_p,
            s.entity_r,
            s.entity_f1,
            s.person_recall,
            s.event_p,
            s.event_r,
            s.event_f1,
            s.date_acc,
            s.quote_f1,
            s.quote_speaker_e2e,
            s.entity_f1,
            s.event_f1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_matches_the_python_scorer() {
        assert_eq!(name_core("Chinese President Xi Jinping"), "xi jinping");
        assert_eq!(name_core("China\u{2019}s President Xi"), "xi");
        assert_eq!(
            word_tokens("U.S.-China ties, \u{201c}good\u{201d}"),
            vec!["u", "s", "china", "ties", "good"]
        );
        assert!((quote_match("all levels.", "all levels") - 1.0).abs() < 1e-9);
    }
}
