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
    /// From the hand-written list (PLOVER's definitions), not petrarch2.
    pub hand: bool,
}

/// A fast hasher for short words (FxHash's multiply-rotate).
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type WordMap<V> = HashMap<&'static str, V, std::hash::BuildHasherDefault<WordHasher>>;

/// The lexicon, keyed by first word.
pub struct TriggerLexicon {
    by_first: WordMap<Vec<Entry>>,
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
        let mut by_first: WordMap<Vec<Entry>> = WordMap::default();
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
                hand: matches!(class, Some("noun") | Some("verb")),
            };
            by_first.entry(first).or_default().push(entry);
        }
        for entries in by_first.values_mut() {
            entries.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
        }
        TriggerLexicon { by_first }
    })
}

/// Verbs that only carry an event noun after them ("imposed sanctions").
const LIGHT_VERBS: &[&str] = &[
    "imposed",
    "imposes",
    "impose",
    "imposing",
    "launched",
    "launches",
    "launch",
    "staged",
    "stages",
    "stage",
    "held",
    "holds",
    "hold",
    "holding",
    "carried",
    "conducted",
    "conducts",
    "made",
    "makes",
    "issued",
    "issues",
    "announced",
    "announces",
    "announce",
    "declared",
    "declares",
    "declare",
    "began",
    "begins",
    "started",
    "mounted",
    "waged",
    "took",
    "gave",
    "offered",
    "offers",
    "reached",
    "reaches",
    "slapped",
    "levied",
    "extended",
    "expanded",
    "tightened",
    "lifted",
    "called",
    "faces",
    "faced",
    "face",
    "report",
    "reports",
    "reported",
    "provide",
    "provides",
    "provided",
    "providing",
    "send",
    "sends",
    "sent",
    "deliver",
    "delivers",
    "delivered",
    "begin",
    "start",
    "starts",
    "carry",
    "carries",
    "carrying",
];
/// Words before a trigger that make it future: announced, not yet done.
const FUTURE: &[&str] = &[
    "will", "shall", "plans", "plan", "planned", "intends", "set", "'ll",
];
/// Words before a conflictual trigger that make it a possibility held out: a threat.
const POSSIBILITY: &[&str] = &["possibility", "potential", "possible", "prospect", "risk"];
/// Modals just before a conflictual trigger that make it a threat.
const THREAT_MODALS: &[&str] = &["could", "might", "may", "would"];
/// Words in the three tokens before a trigger that negate it.
const NEGATIONS: &[&str] = &["not", "n't", "never", "no", "without", "nor", "neither"];
/// Modal words before a trigger that make it hypothetical.
const MODALS: &[&str] = &[
    "would",
    "could",
    "might",
    "may",
    "should",
    "consider",
    "considers",
    "considering",
    "mulling",
    "weighing",
    "if",
    "whether",
    "unless",
];

/// A trigger read in a sentence.
#[derive(Clone, Copy, Debug)]
pub struct Found {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// Type, after the control rules (an agreement to retreat is a concession).
    pub event_type: EventType,
    /// Mode.
    pub mode: Option<&'static str>,
    /// A noun trigger.
    pub noun: bool,
    /// From the hand-written list.
    pub hand: bool,
    /// Negated ("did not agree").
    pub negated: bool,
    /// Hypothetical ("would consider sanctions", "if they attack").
    pub hypothetical: bool,
    /// The content of another trigger, not an event of its own: the
    /// complement of a control verb ("threatened to impose sanctions",
    /// "urged talks") or the noun after a light verb's own trigger.
    pub content_of: Option<usize>,
    /// A light verb whose noun names the event ("imposed sanctions").
    pub light: bool,
}

/// Types whose verbs take another act as their content: an agreement, a
/// threat, a request or a refusal to do something is that act, not the
/// thing itself.
fn controls(t: EventType) -> bool {
    matches!(
        t,
        EventType::Agree
            | EventType::Threaten
            | EventType::Request
            | EventType::Reject
            | EventType::Accuse
            | EventType::Concede
            | EventType::Retreat
    )
}

/// Reads the triggers of a sentence's lower-case tokens.
pub fn read(lower: &[String]) -> Vec<Found> {
    let lexicon = lexicon();
    let mut found: Vec<Found> = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let entry = lexicon.starting_with(&lower[i]).iter().find(|e| {
            e.rest
                .iter()
                .enumerate()
                .all(|(k, w)| lower.get(i + 1 + k).is_some_and(|x| x == w))
        });
        let Some(entry) = entry else {
            i += 1;
            continue;
        };
        let end = i + 1 + entry.rest.len();
        let before = &lower[i.saturating_sub(3)..i];
        let mut event_type = entry.event_type;
        let mut content_of = None;
        let future = before.iter().any(|w| FUTURE.contains(&w.as_str()))
            || before.last().is_some_and(|w| w == "to");
        let conflictual = matches!(
            event_type,
            EventType::Coerce
                | EventType::Assault
                | EventType::Sanction
                | EventType::Protest
                | EventType::Mobilize
        );
        // PLOVER 3.13: expelling diplomats or observers reduces relations;
        // expelling anyone else is a deportation (3.15).
        if entry.mode == Some("expel") {
            let object = &lower[end..(end + 4).min(lower.len())];
            let official = object.iter().any(|w| {
                [
                    "diplomat",
                    "ambassador",
                    "envoy",
                    "observer",
                    "inspector",
                    "peacekeeper",
                    "monitor",
                ]
                .iter()
                .any(|stem| w.starts_with(stem))
            });
            if !official {
                event_type = EventType::Coerce;
            }
        }
        // PLOVER 3.4 and 3.7: a declared ceasefire is a concession, an
        // implemented one a retreat.
        if entry.mode == Some("ceasefire")
            && lower[i.saturating_sub(3)..i].iter().any(|w| {
                w.starts_with("declar") || w.starts_with("announc") || w.starts_with("propos")
            })
        {
            event_type = EventType::Concede;
        }
        // PLOVER 3.3 and 3.5: cooperation is material (COOPERATE) unless it is
        // diplomatic or political, which is SUPPORT.
        if event_type == EventType::Cooperate
            && lower[i.saturating_sub(3)..(end + 3).min(lower.len())]
                .iter()
                .any(|w| {
                    matches!(
                        w.as_str(),
                        "diplomatic" | "political" | "climate" | "relations" | "ties" | "dialogue"
                    )
                })
            && !lower[i.saturating_sub(3)..(end + 3).min(lower.len())]
                .iter()
                .any(|w| {
                    matches!(
                        w.as_str(),
                        "economic"
                            | "military"
                            | "trade"
                            | "intelligence"
                            | "security"
                            | "judicial"
                    )
                })
        {
            event_type = EventType::Support;
        }
        // PLOVER 3.4 and 3.1: an announced retreat is a concession; announced
        // cooperation is an agreement (to meet, support, cooperate, aid).
        if future {
            event_type = match event_type {
                EventType::Retreat => EventType::Concede,
                EventType::Support | EventType::Cooperate | EventType::Aid => EventType::Agree,
                other => other,
            };
        }
        // "to detain journalists if they publish", "the possibility of
        // restrictions": a conflictual act held out on a condition is a threat.
        if conflictual
            && (future && lower[end..].iter().any(|w| w == "if" || w == "unless")
                || lower[i.saturating_sub(3)..i]
                    .iter()
                    .any(|w| POSSIBILITY.contains(&w.as_str())))
        {
            event_type = EventType::Threaten;
        }
        // "could suspend relations", "would retaliate": a conflictual act an
        // actor says it may take is a threat (PLOVER 3.11), not a hypothesis.
        let held_out = conflictual
            && event_type != EventType::Threaten
            && before
                .iter()
                .rev()
                .take(2)
                .any(|w| THREAT_MODALS.contains(&w.as_str()))
            && !before.iter().any(|w| NEGATIONS.contains(&w.as_str()))
            && !lower[i.saturating_sub(6)..i].iter().any(|w| {
                matches!(w.as_str(), "if" | "unless" | "whether") || w.starts_with("consider")
            });
        if held_out {
            event_type = EventType::Threaten;
        }
        // "accusations of torture", "release of prisoners", "suspension of attacks":
        // the second act is the first's content.
        let of_content = i >= 2 && lower[i - 1] == "of"
            || i >= 3 && lower[i - 2] == "of" && !lower[i - 1].ends_with("ly");
        if of_content {
            if let Some(index) = found
                .iter()
                .rposition(|c| c.noun && c.end + 2 >= i && c.end < i)
            {
                content_of = Some(index);
            }
        }
        // "agreed to withdraw", "threatened to impose sanctions", "urged talks", "asked for release".
        if let Some(index) = found
            .iter()
            .rposition(|c| !c.noun && controls(c.event_type) && c.end <= i && i - c.end <= 3)
        {
            let to = before.last().is_some_and(|w| w == "to" || w == "for");
            if to || entry.noun {
                content_of = Some(index);
                let controller = found[index].event_type;
                // An agreement or promise to retreat or concede is a concession
                // (PLOVER 3.4); a promise of harm is a threat (3.11); quitting
                // talks reduces relations (3.13, CAMEO 164).
                found[index].event_type = match (controller, event_type) {
                    (EventType::Agree, EventType::Retreat | EventType::Concede) => {
                        EventType::Concede
                    }
                    (
                        EventType::Agree,
                        EventType::Assault
                        | EventType::Coerce
                        | EventType::Sanction
                        | EventType::Mobilize,
                    ) => EventType::Threaten,
                    (EventType::Retreat, EventType::Consult) if entry.noun => EventType::Sanction,
                    // Agreeing to demands is acceding to them (CAMEO 083).
                    (EventType::Agree, EventType::Request) if entry.noun => EventType::Concede,
                    (other, _) => other,
                };
            }
        }
        // "imposed sanctions": the light verb before carries the noun.
        if entry.noun {
            if let Some(previous) = found.last_mut() {
                if previous.end <= i
                    && i - previous.end <= 2
                    && LIGHT_VERBS.contains(&lower[previous.first].as_str())
                {
                    previous.light = true;
                }
            }
        }
        found.push(Found {
            first: i,
            end,
            event_type,
            mode: entry.mode,
            noun: entry.noun,
            hand: entry.hand,
            negated: before.iter().any(|w| NEGATIONS.contains(&w.as_str())),
            hypothetical: !held_out
                && lower[i.saturating_sub(6)..i]
                    .iter()
                    .any(|w| MODALS.contains(&w.as_str())),
            content_of,
            light: false,
        });
        i = end;
    }
    found
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

    #[test]
    fn a_conflictual_act_an_actor_may_take_is_a_threat() {
        let lower = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let found = read(&lower("kenya could sever ties with uganda"));
        assert_eq!(found[0].event_type, EventType::Threaten);
        assert!(!found[0].hypothetical);
        let found = read(&lower("kenya would consider sanctions"));
        assert_ne!(found[0].event_type, EventType::Threaten);
        let found = read(&lower("kenya could not sever ties"));
        assert_ne!(found[0].event_type, EventType::Threaten);
    }
}
