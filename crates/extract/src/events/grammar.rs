//! Who acts on whom: the source and target of an event from the grammar of
//! its sentence. The subject acts on the object ("Beijing accused Washington");
//! the passive voice and "by" phrases swap them ("Washington was accused by
//! Beijing"); a possessor names the source of an act named by a noun
//! ("Beijing's accusations against Washington"); meetings and agreements
//! between coordinated actors ("X and Y met", "talks between X and Y") have
//! peers, all listed as sources.

/// An actor named in the sentence: its entity and the token span naming it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Entity index.
    pub entity: usize,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
}

/// The trigger: where it is and what it is.
#[derive(Clone, Copy, Debug)]
pub struct Trigger {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// A noun ("accusations", "talks") rather than a verb.
    pub noun: bool,
    /// Mode.
    pub mode: Option<&'static str>,
}

/// The direction found: sources and targets (entity indices, in text order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Direction {
    /// Who acts.
    pub source: Vec<usize>,
    /// Whom the act is aimed at.
    pub target: Vec<usize>,
}

const BE: &[&str] = &[
    "was", "were", "been", "being", "is", "are", "be", "got", "get", "gets",
];
const JOINERS: &[&str] = &["and", ",", "&", "as", "well", "both"];
/// Past participles of event verbs that do not end in "-ed" or "-en" ("was
/// shot", "were hit").
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "shot",
    "hit",
    "struck",
    "caught",
    "fought",
    "held",
    "hurt",
    "led",
    "lost",
    "met",
    "sought",
    "sent",
    "set",
    "cut",
    "slain",
    "stuck",
    "bound",
    "won",
    "told",
    "kept",
    "put",
    "thrown",
    "overthrown",
    "withdrawn",
    "shown",
    "blown",
    "torn",
    "sworn",
    "beat",
];
/// Prepositions of place: an actor right after one (or after one and "the")
/// is where the act happens, neither who acts nor whom it is aimed at ("shot
/// in Kabul", "near the White House, rioters burned ...").
const LOCATIVES: &[&str] = &["in", "near", "outside", "inside", "across", "throughout"];

/// True for a verb form that can be a passive participle.
fn participle(word: &str) -> bool {
    word.ends_with("ed") || word.ends_with("en") || IRREGULAR_PARTICIPLES.contains(&word)
}

/// True when the actor starting at token `first` stands after a preposition of place.
fn after_locative(lower: &[String], first: usize) -> bool {
    let before = |back: usize| first.checked_sub(back).map(|k| lower[k].as_str());
    before(1).is_some_and(|w| LOCATIVES.contains(&w))
        || before(1) == Some("the") && before(2).is_some_and(|w| LOCATIVES.contains(&w))
}
/// True for a social platform named as the medium of an act ("posted on
/// Twitter", "via a YouTube video", "my Instagram"): the medium neither acts
/// nor is acted on.
fn medium(lower: &[String], first: usize) -> bool {
    crate::text::is_social_platform(&lower[first])
        && lower[first.saturating_sub(3)..first].iter().any(|w| {
            matches!(
                w.as_str(),
                "on" | "via"
                    | "through"
                    | "using"
                    | "my"
                    | "his"
                    | "her"
                    | "their"
                    | "your"
                    | "our"
                    | "its"
            )
        })
}
/// Words that may stand between an actor and the verb it is the subject of
/// ("X has formally accused", "X on Monday condemned").
const SUBJECT_GAP_MAX: usize = 8;
const OBJECT_GAP_MAX: usize = 10;

fn coordinated_before(lower: &[String], actors: &[Actor], nearest: usize) -> Vec<usize> {
    let mut group = vec![nearest];
    let mut current = actors[nearest];
    for (index, actor) in actors.iter().enumerate().take(nearest).rev() {
        if actor.end > current.first {
            continue;
        }
        let gap = &lower[actor.end..current.first];
        if !gap.is_empty() && gap.iter().all(|w| JOINERS.contains(&w.as_str())) {
            group.push(index);
            current = *actor;
        } else {
            break;
        }
    }
    group.reverse();
    group
}

fn coordinated_after(lower: &[String], actors: &[Actor], first: usize) -> Vec<usize> {
    let mut group = vec![first];
    let mut current = actors[first];
    for (index, actor) in actors.iter().enumerate().skip(first + 1) {
        if actor.first < current.end {
            continue;
        }
        let gap = &lower[current.end..actor.first];
        if !gap.is_empty() && gap.iter().all(|w| JOINERS.contains(&w.as_str())) {
            group.push(index);
            current = *actor;
        } else {
            break;
        }
    }
    group
}

/// True when the token range holds no clause break (";", a quote, "but", "while").
fn same_clause(lower: &[String], from: usize, to: usize) -> bool {
    lower[from.min(to)..to.max(from)].iter().all(|w| {
        !matches!(
            w.as_str(),
            ";" | "but"
                | "while"
                | "whereas"
                | "after"
                | "before"
                | "since"
                | "because"
                | "\u{201c}"
                | "\u{201d}"
                | "\""
        )
    })
}

/// Verbs of giving whose indirect object receives the act named after it
/// ("granted X a pardon", "gave X support").
const GIVING_VERBS: &[&str] = &[
    "granted", "grants", "grant", "gave", "gives", "give", "giving", "offered", "offers", "offer",
    "handed", "hands", "awarded", "awards", "promised", "promises", "sent", "sends", "extended",
    "extends", "denied", "denies", "refused", "owed",
];

/// Source and target of the event at `trigger` among the sentence's `actors`
/// (sorted by position). `lower` holds the sentence's tokens in lower case.
pub fn direct(lower: &[String], actors: &[Actor], trigger: Trigger) -> Direction {
    let entities = |indices: &[usize]| -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &i in indices {
            if !out.contains(&actors[i].entity) {
                out.push(actors[i].entity);
            }
        }
        out
    };
    // The nearest actor before the trigger in its clause, with those coordinated with it.
    let before = actors
        .iter()
        .rposition(|a| {
            a.end <= trigger.first && !after_locative(lower, a.first) && !medium(lower, a.first)
        })
        .filter(|&i| {
            trigger.first - actors[i].end <= SUBJECT_GAP_MAX
                && same_clause(lower, actors[i].end, trigger.first)
        });
    // "by X" after the trigger: the agent.
    let by = (trigger.end..lower.len().min(trigger.end + 8))
        .find(|&k| lower[k] == "by")
        .and_then(|k| actors.iter().position(|a| a.first > k && a.first <= k + 4));
    let after = |skip_by: bool| {
        actors
            .iter()
            .position(|a| {
                a.first >= trigger.end
                    && a.first - trigger.end <= OBJECT_GAP_MAX
                    && same_clause(lower, trigger.end, a.first)
                    && !after_locative(lower, a.first)
                    && !medium(lower, a.first)
            })
            .filter(|&i| !(skip_by && by == Some(i)))
    };
    let passive = !trigger.noun
        && (1..=2).any(|back| {
            trigger
                .first
                .checked_sub(back)
                .is_some_and(|k| BE.contains(&lower[k].as_str()))
        })
        && participle(&lower[trigger.first])
        || !trigger.noun
            && trigger
                .first
                .checked_sub(1)
                .is_some_and(|k| BE.contains(&lower[k].as_str()))
            && by.is_some();
    // "talks between X and Y", "the summit in San Francisco between X and Y".
    let peers_word = lower[trigger.end..lower.len().min(trigger.end + 5)]
        .iter()
        .any(|w| matches!(w.as_str(), "between" | "among" | "amongst"));
    // "Trump granted Stanton a pardon", "gave Kenya aid": the actor right
    // after a verb of giving receives the act named after it, and the actor
    // before the verb (if any) gives it: `Some(giver)` for a receiver.
    let receiver = |s: usize| -> Option<Option<usize>> {
        let verb = actors[s].first.checked_sub(1)?;
        if !GIVING_VERBS.contains(&lower[verb].as_str()) {
            return None;
        }
        Some(actors[..s].iter().rposition(|a| {
            a.end <= verb && verb - a.end <= SUBJECT_GAP_MAX && same_clause(lower, a.end, verb)
        }))
    };
    // (source, target) of an act given by `giver` to the receiver `s`.
    let given = |s: usize, giver: Option<usize>| {
        let source = giver.map_or_else(Vec::new, |g| {
            entities(&coordinated_before(lower, actors, g))
        });
        (source, entities(&coordinated_before(lower, actors, s)))
    };
    let mut direction = Direction::default();
    if passive {
        // "X was accused by Y": Y acts on X.
        if let Some(b) = by {
            direction.source = entities(&coordinated_after(lower, actors, b));
        }
        if let Some(s) = before {
            direction.target = entities(&coordinated_before(lower, actors, s));
        }
    } else if trigger.noun {
        // "Y's accusations against X", "accusations by Y against X", "X launched attacks on Y".
        let possessor = before.filter(|&i| {
            let gap = &lower[actors[i].end.min(trigger.first)..trigger.first];
            gap.first()
                .is_some_and(|w| w == "'s" || w == "\u{2019}s" || w == "'" || w == "\u{2019}")
                && gap.len() <= 3
        });
        if let Some(p) = possessor {
            direction.source = entities(&coordinated_before(lower, actors, p));
        } else if let Some(b) = by {
            direction.source = entities(&coordinated_after(lower, actors, b));
        } else if let Some(s) = before {
            // "Saudi facilities were hit by drone strikes": an act noun that
            // is a passive verb's agent acts on the clause's subject.
            let agent = lower[trigger.first.saturating_sub(3)..trigger.first]
                .iter()
                .any(|w| w == "by");
            if agent {
                direction.target = entities(&coordinated_before(lower, actors, s));
            } else if let Some(giver) = receiver(s) {
                (direction.source, direction.target) = given(s, giver);
            } else {
                direction.source = entities(&coordinated_before(lower, actors, s));
            }
        }
        if peers_word {
            if let Some(a) = after(false) {
                direction.source = entities(&coordinated_after(lower, actors, a));
            }
        } else if let Some(a) = after(true).filter(|_| direction.target.is_empty()) {
            direction.target = entities(&coordinated_after(lower, actors, a));
        }
    } else {
        if let Some(s) = before {
            if let Some(giver) = receiver(s).filter(|_| actors[s].end < trigger.first) {
                (direction.source, direction.target) = given(s, giver);
            } else {
                direction.source = entities(&coordinated_before(lower, actors, s));
            }
        }
        if let Some(a) = after(true).filter(|_| direction.target.is_empty()) {
            direction.target = entities(&coordinated_after(lower, actors, a));
        }
        if let Some(b) = by {
            if direction.source.is_empty() {
                direction.source = entities(&coordinated_after(lower, actors, b));
            }
        }
    }
    if peers_word && direction.source.is_empty() {
        direction.source = std::mem::take(&mut direction.target);
    }
    direction.target.retain(|t| !direction.source.contains(t));
    // A visit's host receives the visitor; PLOVER makes the visitor the actor
    // of a hosted visit too.
    if trigger.mode == Some("host") {
        std::mem::swap(&mut direction.source, &mut direction.target);
    }
    direction
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        sentence: &str,
        names: &[&str],
        trigger: &str,
        noun: bool,
    ) -> (Vec<String>, Vec<String>) {
        let lower: Vec<String> = sentence
            .replace("'s", " 's")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut actors = Vec::new();
        for (entity, name) in names.iter().enumerate() {
            let words: Vec<String> = name.split(' ').map(str::to_lowercase).collect();
            let first = (0..lower.len())
                .find(|&i| lower[i..].starts_with(&words))
                .expect("name in sentence");
            actors.push(Actor {
                entity,
                first,
                end: first + words.len(),
            });
        }
        actors.sort_by_key(|a| a.first);
        let first = lower.iter().position(|w| w == trigger).expect("trigger");
        let direction = direct(
            &lower,
            &actors,
            Trigger {
                first,
                end: first + 1,
                noun,
                mode: None,
            },
        );
        let name = |e: &usize| names[*e].to_owned();
        (
            direction.source.iter().map(name).collect(),
            direction.target.iter().map(name).collect(),
        )
    }

    #[test]
    fn active_passive_and_possessive() {
        let names = ["Beijing", "Washington"];
        assert_eq!(
            run(
                "Beijing accused Washington of meddling",
                &names,
                "accused",
                false
            ),
            (vec!["Beijing".into()], vec!["Washington".into()])
        );
        assert_eq!(
            run(
                "Washington was accused by Beijing of meddling",
                &names,
                "accused",
                false
            ),
            (vec!["Beijing".into()], vec!["Washington".into()])
        );
        assert_eq!(
            run(
                "Beijing's accusations against Washington grew",
                &names,
                "accusations",
                true
            ),
            (vec!["Beijing".into()], vec!["Washington".into()])
        );
    }

    #[test]
    fn an_act_noun_agent_of_a_passive_acts_on_the_subject() {
        // "hit by drone strikes": the strikes' target is the subject.
        assert_eq!(
            run(
                "Kenya was hit by drone strikes on Friday",
                &["Kenya"],
                "strikes",
                true
            ),
            (vec![], vec!["Kenya".into()])
        );
        // Without "by", the actor before an act noun is its source.
        assert_eq!(
            run(
                "Kenya launched drone strikes on Friday",
                &["Kenya"],
                "strikes",
                true
            ),
            (vec!["Kenya".into()], vec![])
        );
    }

    #[test]
    fn the_receiver_of_a_verb_of_giving_is_the_target() {
        let both = (vec!["Uganda".into()], vec!["Kenya".into()]);
        assert_eq!(
            run(
                "Uganda granted Kenya a full pardon",
                &["Uganda", "Kenya"],
                "pardon",
                false
            ),
            both
        );
        assert_eq!(
            run(
                "Uganda gave Kenya military aid",
                &["Uganda", "Kenya"],
                "aid",
                true
            ),
            both
        );
    }

    #[test]
    fn a_platform_is_the_medium_not_an_actor() {
        assert_eq!(
            run(
                "Pompeo posted a message on Twitter blaming Iran for the attacks",
                &["Pompeo", "Twitter", "Iran"],
                "blaming",
                false
            ),
            (vec!["Pompeo".into()], vec!["Iran".into()])
        );
    }

    #[test]
    fn irregular_passives_and_places() {
        // "shot" is a passive participle too; a place after "in" is no target.
        assert_eq!(
            run(
                "Ratana was shot in Croydon on Friday",
                &["Ratana", "Croydon"],
                "shot",
                false
            ),
            (vec![], vec!["Ratana".into()])
        );
        assert_eq!(
            run(
                "Ratana shot at the Kabul police",
                &["Ratana", "Kabul"],
                "shot",
                false
            ),
            (vec!["Ratana".into()], vec!["Kabul".into()])
        );
        assert_eq!(
            run(
                "Ratana attacked the convoy in the Kabul region",
                &["Ratana", "Kabul"],
                "attacked",
                false
            ),
            (vec!["Ratana".into()], vec![])
        );
    }

    #[test]
    fn coordinated_subjects_are_peers() {
        let names = ["Kenya", "Uganda"];
        assert_eq!(
            run("Kenya and Uganda met on Monday", &names, "met", false),
            (vec!["Kenya".into(), "Uganda".into()], vec![])
        );
        assert_eq!(
            run(
                "talks between Kenya and Uganda ended",
                &names,
                "talks",
                true
            ),
            (vec!["Kenya".into(), "Uganda".into()], vec![])
        );
    }
}
