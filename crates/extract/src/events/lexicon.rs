//! The event trigger lexicon: word forms (one or more words) that can state an
//! event, each with its PLOVER type and mode. Built by `scripts/build-event-data`
//! from petrarch2's CAMEO verb dictionary mapped through CAMEO→PLOVER, plus a
//! hand-written list of nouns and corrections from the PLOVER manual (see
//! `data/event_triggers.hand.tsv`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::EventType;

const VERBS: &str = include_str!("../../data/event_verbs.tsv");

/// One trigger of the lexicon.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The words after the first (lower case).
    pub rest: Vec<&'static str>,
    /// PLOVER type.
    pub event_type: EventType,
    /// PLOVER mode, if the source gives one.
    pub mode: Option<&'static str>,
    /// A noun (an event named, "talks", "sanctions"), not a verb.
    pub noun: bool,
}

/// The lexicon, keyed by first word.
pub struct TriggerLexicon {
    by_first: HashMap<&'static str, Vec<Entry>>,
}

impl TriggerLexicon {
    /// Entries starting with `word` (lower case), longest first.
    pub fn starting_with(&self, word: &str) -> &[Entry] {
        self.by_first.get(word).map_or(&[], Vec::as_slice)
    }
}

/// The shipped lexicon.
pub fn lexicon() -> &'static TriggerLexicon {
    static LEXICON: OnceLock<TriggerLexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut by_first: HashMap<&'static str, Vec<Entry>> = HashMap::new();
        for line in VERBS.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(form), Some(kind), mode, class) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let Some(event_type) = EventType::parse(kind) else {
                continue;
            };
            let mut words = form.split(' ');
            let Some(first) = words.next() else { continue };
            let entry = Entry {
                rest: words.collect(),
                event_type,
                mode: mode.filter(|m| !m.is_empty()),
                noun: class == Some("noun"),
            };
            by_first.entry(first).or_default().push(entry);
        }
        for entries in by_first.values_mut() {
            entries.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
        }
        TriggerLexicon { by_first }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_knows_verbs_of_every_type() {
        let lexicon = lexicon();
        let type_of = |w: &str| lexicon.starting_with(w).last().map(|e| e.event_type);
        assert_eq!(type_of("accused"), Some(EventType::Accuse));
        assert_eq!(type_of("threatened"), Some(EventType::Threaten));
        assert_eq!(type_of("urged"), Some(EventType::Request));
        assert_eq!(type_of("rejected"), Some(EventType::Reject));
        assert_eq!(type_of("arrested"), Some(EventType::Coerce));
        assert_eq!(type_of("bombed"), Some(EventType::Assault));
    }
}
