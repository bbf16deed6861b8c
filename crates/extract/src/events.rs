//! Events: who met, visited, called, agreed with, accused, sanctioned whom, or
//! tested weapons; typed with PLOVER, with participants, place, date and status.
//!
//! Each body or caption sentence is read clause-wise: a trigger word fixes the
//! type (and CONSULT mode), the people, organisations and countries named around
//! it are the participants (places after "in"/"at" are the place, not actors),
//! the sentence's date expression is resolved against the article's anchor, and
//! modal words set the status. Mentions of one event within the article (a body
//! sentence and a caption) merge, the caption often lending date and place.

use crate::dates::{find_dates, resolve, FoundDate, Precision, Ymd};
use crate::entities::DocEntities;
use crate::lexicon::{EntityKind, Known, LEXICON};
use crate::text::{BlockKind, Document, Span};
use crate::tokens::tokenize;
use std::cell::RefCell;

use grammar::{direct, Actor, Direction};

pub mod classifier;
mod grammar;
pub mod identity;
#[doc(hidden)]
pub mod lexicon;

pub use classifier::type_probabilities;

/// The sixteen PLOVER event types (PLOVER manual, draft 0.8, chapter 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// Agree to, offer, promise or commit to cooperate; future cooperation.
    Agree,
    /// Meetings, visits, calls, summits, negotiations.
    Consult,
    /// Diplomatic support: praise, endorse, recognise, sign.
    Support,
    /// Verbal concessions: pardons, apologies, easing restrictions, declared ceasefires.
    Concede,
    /// Material cooperation: economic, military, judicial, intelligence.
    Cooperate,
    /// Material aid: money, arms, humanitarian aid, asylum.
    Aid,
    /// Material concessions: withdrawals, releases, disarming, resignations.
    Retreat,
    /// Requests, demands, appeals, calls for.
    Request,
    /// Condemnations, accusations, complaints, investigations, lawsuits.
    Accuse,
    /// Rejections and refusals.
    Reject,
    /// Threats and coercive warnings.
    Threaten,
    /// Demonstrations, strikes, riots, boycotts.
    Protest,
    /// Reduced relations: sanctions, tariffs, export controls, expulsions, convictions.
    Sanction,
    /// Military or police moves short of force: weapons tests, deployments.
    Mobilize,
    /// Repression short of violence: arrests, bans, curfews, censorship.
    Coerce,
    /// Violence: attacks, killings, bombings, abductions.
    Assault,
}

impl EventType {
    /// Every type, in PLOVER's order.
    pub const ALL: [EventType; 16] = [
        EventType::Agree,
        EventType::Consult,
        EventType::Support,
        EventType::Concede,
        EventType::Cooperate,
        EventType::Aid,
        EventType::Retreat,
        EventType::Request,
        EventType::Accuse,
        EventType::Reject,
        EventType::Threaten,
        EventType::Protest,
        EventType::Sanction,
        EventType::Mobilize,
        EventType::Coerce,
        EventType::Assault,
    ];

    /// Upper-case PLOVER name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Agree => "AGREE",
            EventType::Consult => "CONSULT",
            EventType::Support => "SUPPORT",
            EventType::Concede => "CONCEDE",
            EventType::Cooperate => "COOPERATE",
            EventType::Aid => "AID",
            EventType::Retreat => "RETREAT",
            EventType::Request => "REQUEST",
            EventType::Accuse => "ACCUSE",
            EventType::Reject => "REJECT",
            EventType::Threaten => "THREATEN",
            EventType::Protest => "PROTEST",
            EventType::Sanction => "SANCTION",
            EventType::Mobilize => "MOBILIZE",
            EventType::Coerce => "COERCE",
            EventType::Assault => "ASSAULT",
        }
    }

    /// The type of an upper- or lower-case PLOVER name.
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Position in [`EventType::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Whether an event happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It happened.
    Occurred,
    /// Scheduled or agreed.
    Planned,
    /// Anticipated.
    Expected,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Occurred => "occurred",
            Status::Planned => "planned",
            Status::Expected => "expected",
        }
    }
}

/// An event found in the article.
#[derive(Clone, Debug)]
pub struct FoundEvent {
    /// Type.
    pub event_type: EventType,
    /// CONSULT mode: meet, visit, host, phone, summit.
    pub mode: Option<&'static str>,
    /// Participant entities, initiator first where known: the sources, the
    /// targets, then any other actor named with the event.
    pub participants: Vec<usize>,
    /// Who acts (PLOVER's actor): the grammatical subject of an active verb,
    /// the "by" phrase of a passive one, the possessor of an act noun. Peers
    /// of a meeting or agreement between equals are all sources.
    pub source: Vec<usize>,
    /// Whom the act is aimed at (PLOVER's recipient); empty when the text
    /// names none or the actors are peers.
    pub target: Vec<usize>,
    /// Place entity.
    pub place: Option<usize>,
    /// Resolved date value (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) or empty.
    pub date: String,
    /// Precision of `date`.
    pub precision: Option<Precision>,
    /// The date words.
    pub date_span: Option<Span>,
    /// For a date resolved from a relative expression ("on Monday", "next
    /// month"): the anchor it was resolved against. `None` for an absolute date.
    pub date_anchor: Option<Ymd>,
    /// The trigger words.
    pub trigger: Option<Span>,
    /// Status.
    pub status: Status,
    /// The evidence sentence.
    pub evidence: Span,
    /// Confidence.
    pub confidence: f32,
}

struct Trigger {
    words: &'static [&'static str],
    event_type: EventType,
    mode: Option<&'static str>,
}

const TRIGGERS: &[Trigger] = &[
    Trigger {
        words: &["sanctions", "on"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["tariffs", "on"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["sanctions", "against"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["fired", "an"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["launched", "an"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["test-fires"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["test-launched"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["travel", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["travels", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["traveled", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["travelled", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["traveling", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["travelling", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["flew", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["arrives", "in"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["arrive", "in"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["arriving", "in"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["test-fired"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["fired", "a"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["launched", "a"],
        event_type: EventType::Mobilize,
        mode: None,
    },
    Trigger {
        words: &["condemned"],
        event_type: EventType::Accuse,
        mode: None,
    },
    Trigger {
        words: &["condemns"],
        event_type: EventType::Accuse,
        mode: None,
    },
    Trigger {
        words: &["slammed"],
        event_type: EventType::Accuse,
        mode: None,
    },
    Trigger {
        words: &["accused"],
        event_type: EventType::Accuse,
        mode: None,
    },
    Trigger {
        words: &["denounced"],
        event_type: EventType::Accuse,
        mode: None,
    },
    Trigger {
        words: &["raised", "concerns"],
        event_type: EventType::Accuse,
        mode: None,
    },
    Trigger {
        words: &["sanctioned"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["imposed", "sanctions"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["imposed", "tariffs"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["kept", "tariffs"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["export", "controls", "on"],
        event_type: EventType::Sanction,
        mode: None,
    },
    Trigger {
        words: &["agreed"],
        event_type: EventType::Agree,
        mode: None,
    },
    Trigger {
        words: &["agree"],
        event_type: EventType::Agree,
        mode: None,
    },
    Trigger {
        words: &["committed", "to"],
        event_type: EventType::Agree,
        mode: None,
    },
    Trigger {
        words: &["signed"],
        event_type: EventType::Agree,
        mode: None,
    },
    Trigger {
        words: &["laid", "out"],
        event_type: EventType::Agree,
        mode: None,
    },
    Trigger {
        words: &["summit"],
        event_type: EventType::Consult,
        mode: Some("summit"),
    },
    Trigger {
        words: &["call"],
        event_type: EventType::Consult,
        mode: Some("phone"),
    },
    Trigger {
        words: &["phone", "call"],
        event_type: EventType::Consult,
        mode: Some("phone"),
    },
    Trigger {
        words: &["phoned"],
        event_type: EventType::Consult,
        mode: Some("phone"),
    },
    Trigger {
        words: &["spoke", "by", "phone"],
        event_type: EventType::Consult,
        mode: Some("phone"),
    },
    Trigger {
        words: &["visit"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["visits"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["visited"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["visiting"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["arrived", "in"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["trip", "to"],
        event_type: EventType::Consult,
        mode: Some("visit"),
    },
    Trigger {
        words: &["hosted"],
        event_type: EventType::Consult,
        mode: Some("host"),
    },
    Trigger {
        words: &["hosts"],
        event_type: EventType::Consult,
        mode: Some("host"),
    },
    Trigger {
        words: &["met"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["meet"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["meets"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["meeting"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["meetings"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["talks"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["greeted"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["shake", "hands"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["brief", "exchange"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["working", "dinner"],
        event_type: EventType::Consult,
        mode: Some("meet"),
    },
    Trigger {
        words: &["working", "breakfast"],
        event_type: EventType::Consult,
        mode: Some("host"),
    },
];

const EXPECTED_MARKERS: &[&str] = &[
    "expectation",
    "expects",
    "expect",
    "expected",
    "anticipated",
    "potential",
    "possible",
    "likely",
    "would",
    "could",
    "hopes",
    "hoped",
];
const PLANNED_MARKERS: &[&str] = &[
    "will",
    "scheduled",
    "planned",
    "plans",
    "plan",
    "intends",
    "intended",
    "set",
    "upcoming",
    "toward",
    "towards",
];

fn is_country_entity(entities: &DocEntities, entity: usize) -> bool {
    let record = &entities.entities[entity];
    record.kind == EntityKind::Gpe
        && LEXICON.lookup(&record.name).is_some_and(|meanings| {
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

fn country_of_place(entities: &DocEntities, entity: usize) -> Option<String> {
    LEXICON
        .lookup(&entities.entities[entity].name)?
        .iter()
        .find_map(|k| match k {
            Known::Place {
                country: Some(country),
                is_country: false,
                ..
            } => Some(country.clone()),
            _ => None,
        })
}

/// The article's anchor date: the publication date, else the latest full date
/// (with year) that the article states in its text or captions. A line that is
/// nothing but a date (a site's current-date widget) is no anchor.
pub fn anchor_date(document: &Document<'_>, published: Option<Ymd>) -> Option<Ymd> {
    if published.is_some() {
        return published;
    }
    let text = document.text;
    document
        .blocks
        .iter()
        .filter(|block| !matches!(block.kind, BlockKind::Boilerplate | BlockKind::Headline))
        .flat_map(|block| {
            let found = find_dates(text, block.span);
            let block_words = block.span.of(text).split_whitespace().count();
            found.into_iter().filter(move |date| {
                let date_words = date.span.of(text).split_whitespace().count();
                block_words > date_words + 3
            })
        })
        .filter_map(|found| match found.mention {
            crate::dates::DateMention::Absolute(date) if date.day > 0 => Some(date),
            _ => None,
        })
        .max()
}

/// Verbs that make "sanctions on ..." an act.
const SANCTION_VERBS: &[&str] = &[
    "imposed",
    "imposes",
    "impose",
    "slapped",
    "placed",
    "levied",
    "announced",
    "introduced",
    "extended",
    "expanded",
    "approved",
    "adopted",
    "kept",
    "tightened",
];

/// Words before a trigger that make it hypothetical, not an event: "ready to
/// hold talks", "whether they would meet".
const HYPOTHETICAL: &[&str] = &[
    "prepared", "ready", "willing", "wants", "want", "seeks", "seek", "whether", "if", "unless",
    "hopes", "hope",
];

/// A sentence read for events: its tokens and the mentions in it.
struct SentenceView<'d> {
    lower: Vec<String>,
    tokens: Vec<crate::tokens::Token>,
    mentions: Vec<crate::entities::DocMention>,
    entities: &'d DocEntities,
    text: &'d str,
    /// Countries named only through a capital standing for its government
    /// ("Beijing accused Washington"), to be added to the entities.
    extra_countries: &'d RefCell<Vec<String>>,
}

impl SentenceView<'_> {
    fn kind(&self, mention: &crate::entities::DocMention) -> EntityKind {
        self.entities.entities[mention.entity].kind
    }

    /// "The meeting came hours after ...": a sentence opening on a definite
    /// event noun refers back to an event already told.
    fn refers_back(&self, i: usize) -> bool {
        i == 1
            && self.lower[0] == "the"
            && matches!(
                self.lower[i].as_str(),
                "meeting"
                    | "meetings"
                    | "talks"
                    | "summit"
                    | "visit"
                    | "call"
                    | "trip"
                    | "agreement"
            )
    }

    /// True when `offset` lies inside quotation marks of the sentence: quoted
    /// speech tells of events the writer's own sentences state.
    fn inside_quote(&self, offset: usize) -> bool {
        let start = self.tokens.first().map_or(offset, |t| t.span.start);
        let before = &self.text[start..offset];
        let opened = before.matches('\u{201c}').count();
        let closed = before.matches('\u{201d}').count();
        opened > closed || before.matches('"').count() % 2 == 1
    }

    /// True when `offset` lies in a dateline opening the paragraph: capitals
    /// ("JEDDAH, Saudi Arabia —", "NEW DELHI, Feb 28 (Reuters) -") up to the dash.
    fn in_dateline(&self, offset: usize) -> bool {
        let Some(first) = self.tokens.first() else {
            return false;
        };
        let first_word = first.text(self.text);
        let shouted = first_word.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !first_word.chars().any(char::is_lowercase);
        if !shouted {
            return false;
        }
        let head =
            &self.text[first.span.start..self.tokens.last().map_or(first.span.end, |t| t.span.end)];
        let dash = head
            .find(" \u{2014}")
            .or_else(|| head.find(" - "))
            .or_else(|| head.find(" \u{2013}"));
        match dash {
            Some(position) if position < 80 => offset < first.span.start + position,
            _ => false,
        }
    }

    /// How many tokens lie between token `i` and a byte offset.
    fn token_distance(&self, i: usize, offset: usize) -> usize {
        let other = self.tokens.partition_point(|t| t.span.start < offset);
        other.abs_diff(i)
    }

    /// The byte offset `n` tokens after token `i` (or the sentence end).
    fn offset_after(&self, i: usize, n: usize) -> usize {
        self.tokens
            .get(i + n)
            .or(self.tokens.last())
            .map_or(0, |t| t.span.end)
    }

    /// True when the trigger noun at `i` names a multilateral gathering ("the
    /// APEC meeting", "the G20 summit", "(APEC) summit"), not a meeting between actors.
    fn names_a_gathering(&self, i: usize) -> bool {
        if !matches!(
            self.lower[i].as_str(),
            "meeting" | "meetings" | "summit" | "talks"
        ) {
            return false;
        }
        let mut k = i;
        while k > 0 && self.tokens[k - 1].kind == crate::tokens::TokenKind::Punct {
            k -= 1;
        }
        if k == 0 {
            return false;
        }
        let before = self.tokens[k - 1].span;
        let between = self
            .lower
            .get(i + 1)
            .is_some_and(|w| matches!(w.as_str(), "between" | "with"));
        !between
            && self.mentions.iter().any(|m| {
                m.span.end == before.end
                    && matches!(self.kind(m), EntityKind::Org | EntityKind::EventName)
            })
    }

    /// The document's entity for a nationality word after token `i` ("Chinese goods").
    fn demonym_country_after(&self, i: usize) -> Option<usize> {
        self.tokens[i + 1..].iter().find_map(|token| {
            let country = LEXICON
                .lookup(token.text(self.text))?
                .iter()
                .find_map(|known| match known {
                    Known::Demonym { country } if !country.is_empty() => Some(country.clone()),
                    _ => None,
                })?;
            self.entities
                .entities
                .iter()
                .position(|e| e.name == country)
        })
    }

    /// People named after "by" following token `i` ("visits ... by Blinken, Yellen and Raimondo").
    fn people_after_by(&self, i: usize) -> Option<Vec<usize>> {
        let by = (i + 1..self.tokens.len()).find(|&k| self.lower[k] == "by")?;
        if by - i > 14 {
            return None;
        }
        let from = self.tokens[by].span.end;
        let mut people = Vec::new();
        for mention in self.mentions.iter().filter(|m| m.span.start >= from) {
            // The list ends at the first word that is neither a name, a title nor a joiner.
            let gap = self.text[from..mention.full_span.start].to_lowercase();
            let joined = gap
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| {
                    matches!(w, "and" | "including" | "by")
                        || LEXICON.is_title_word(&capitalise(w))
                        || w.chars().all(|c| c.is_uppercase())
                });
            if self.kind(mention) != EntityKind::Person
                || (!people.is_empty() && !joined && gap.len() > 60)
            {
                break;
            }
            // "a senior Biden administration official": a name inside a noun phrase.
            let next_word = self.text[mention.span.end..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            if next_word.chars().next().is_some_and(char::is_lowercase)
                && !matches!(next_word, "and" | "said" | "met")
            {
                continue;
            }
            if !people.contains(&mention.entity) {
                people.push(mention.entity);
            }
        }
        Some(people)
    }

    fn word_before(&self, mention: &crate::entities::DocMention) -> String {
        self.text[..mention.full_span.start]
            .split_whitespace()
            .next_back()
            .unwrap_or("")
            .to_lowercase()
    }

    /// A country written as a modifier: inside a person's title ("U.S. Vice
    /// President"), in a hyphenated pair ("U.S.-China ties"), or possessive.
    fn is_modifier(&self, mention: &crate::entities::DocMention) -> bool {
        let inside_person = self.mentions.iter().any(|other| {
            other.entity != mention.entity
                && self.kind(other) == EntityKind::Person
                && other.full_span.start <= mention.span.start
                && mention.span.end <= other.span.start
        });
        let hyphenated = self.text[mention.span.end..].starts_with('-')
            || self.text[..mention.span.start].ends_with('-');
        inside_person || hyphenated
    }

    fn is_possessive(&self, mention: &crate::entities::DocMention) -> bool {
        let rest = &self.text[mention.span.end..];
        rest.starts_with("\u{2019}s")
            || rest.starts_with("'s")
            || rest.starts_with('\u{2019}')
            || rest.starts_with('\'')
    }
}

/// True when a possessive mark follows `offset` ("Biden’s").
pub fn is_possessive_at(text: &str, offset: usize) -> bool {
    let rest = &text[offset..];
    rest.starts_with('\u{2019}') || rest.starts_with('\'')
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Extracts the events of a document. Countries that act only through their
/// capital ("Beijing accused Washington") are added to `entities` (without
/// mentions) so that events can name them.
pub fn extract(
    document: &Document<'_>,
    entities: &mut DocEntities,
    published: Option<Ymd>,
) -> Vec<FoundEvent> {
    let extra_countries = RefCell::new(Vec::new());
    let events = extract_events(document, entities, published, &extra_countries);
    for country in extra_countries.into_inner() {
        entities.entities.push(crate::entities::DocEntity {
            name: country,
            kind: EntityKind::Gpe,
            roles: Vec::new(),
            affiliation: None,
        });
    }
    events
}

fn extract_events(
    document: &Document<'_>,
    entities: &DocEntities,
    published: Option<Ymd>,
    extra_countries: &RefCell<Vec<String>>,
) -> Vec<FoundEvent> {
    let text = document.text;
    let anchor = anchor_date(document, published);
    let mut body_events: Vec<FoundEvent> = Vec::new();
    let mut caption_events: Vec<FoundEvent> = Vec::new();
    let mut headline_events: Vec<FoundEvent> = Vec::new();
    let mut first_body_sentence = None;
    let mut features = classifier::FeatureBuilder::default();
    for (sentence_index, sentence) in document.sentences.iter().enumerate() {
        let block = &document.blocks[sentence.block];
        if matches!(block.kind, BlockKind::Boilerplate | BlockKind::Heading) {
            continue;
        }
        let headline = block.kind == BlockKind::Headline;
        let mut part = classifier::Part::Body;
        if !headline && block.kind != BlockKind::Caption && first_body_sentence.is_none() {
            first_body_sentence = Some(sentence.span);
            part = classifier::Part::Lead;
        }
        let tokens = tokenize(text, sentence.span);
        let view = SentenceView {
            lower: tokens.iter().map(|t| t.text(text).to_lowercase()).collect(),
            mentions: entities.mentions_in(sentence.span).copied().collect(),
            tokens,
            entities,
            text,
            extra_countries,
        };
        let reads = lexicon::read(&view.lower);
        if headline {
            features.headline(sentence.span.of(text));
            part = classifier::Part::Head;
        }
        features.sentence(part, &reads, &view.lower);
        let previous_subject = sentence_index
            .checked_sub(1)
            .and_then(|index| {
                entities
                    .mentions_in(document.sentences[index].span)
                    .filter(|m| entities.entities[m.entity].kind == EntityKind::Person)
                    .min_by_key(|m| is_possessive_at(text, m.span.end))
            })
            .map(|m| m.entity);
        if headline {
            // A headline names the article's main event in few words: the
            // lexicon reads it; it is kept only where the body does not tell it.
            let mut found = Vec::new();
            let mut seen = Vec::new();
            lexicon_events(
                &view,
                &lexicon::read_headline(&view.lower),
                sentence.span,
                &[],
                &mut seen,
                None,
                (&String::new(), None, None, None),
                true,
                true,
                &mut found,
            );
            headline_events.extend(found);
            continue;
        }
        let found = sentence_events(
            &view,
            &reads,
            sentence.span,
            previous_subject,
            anchor,
            block.kind == BlockKind::Caption,
        );
        if block.kind == BlockKind::Caption {
            caption_events.extend(found);
        } else {
            body_events.extend(found);
        }
    }
    // Body sentences state events; captions lend them date and place.
    body_events.extend(caption_events);
    let mut events = merge_within_article(body_events);
    // The classifier says what the article is mostly about; the headline and
    // the lead sentence name its main event.
    let probabilities = classifier::probabilities_of(&features.finish());
    for event in &mut events {
        let lead = first_body_sentence == Some(event.evidence);
        event.confidence = rank(
            event.confidence,
            probabilities[event.event_type.index()],
            lead,
        );
    }
    for mut event in headline_events {
        let p = probabilities[event.event_type.index()];
        let told = events.iter_mut().find(|e| e.event_type == event.event_type);
        match told {
            Some(body) => body.confidence = (body.confidence + 0.1).min(0.95),
            None => {
                event.confidence = rank(0.35, p, true);
                events.push(event);
            }
        }
    }
    // The classifier reads the whole article; a type it is nearly sure of
    // that no trigger read as an event (an act named in words the lexicon
    // lacks) is told by the article's best-ranked telling, retyped.
    let best = (0..probabilities.len())
        .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
        .unwrap_or(0);
    let best_type = EventType::ALL[best];
    if probabilities[best] >= SURE_TYPE && !events.iter().any(|e| e.event_type == best_type) {
        let top = events
            .iter()
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence));
        if let Some(top) = top {
            let mut event = top.clone();
            event.event_type = best_type;
            event.mode = None;
            event.trigger = None;
            event.confidence = rank(0.35, probabilities[best], true);
            events.push(event);
        }
    }
    events
}

/// The classifier probability above which a type no trigger read becomes an
/// event (chosen on the grouped cross-validation: 0.7 → 0.895, 0.8 → 0.896,
/// 0.9 and 0.95 → 0.897).
const SURE_TYPE: f32 = 0.9;

/// An event's confidence from its trigger's (`base`), the classifier's
/// probability of its type for the article, and whether it leads the article.
fn rank(base: f32, probability: f32, lead: bool) -> f32 {
    (base * 0.25 + probability * 0.7 + if lead { 0.05 } else { 0.0 }).min(0.95)
}

fn sentence_events(
    view: &SentenceView<'_>,
    reads: &[lexicon::Found],
    sentence: Span,
    previous_subject: Option<usize>,
    anchor: Option<Ymd>,
    caption: bool,
) -> Vec<FoundEvent> {
    let mut events = Vec::new();
    let mut seen_types: Vec<(EventType, Option<&'static str>)> = Vec::new();
    // A dateline's date says when the story was filed (it anchors the
    // article), not when this sentence's event happened.
    let date_found: Option<FoundDate> = find_dates(view.text, sentence)
        .into_iter()
        .find(|d| !view.in_dateline(d.span.start));
    let (date, precision) = match date_found {
        Some(found) => {
            let resolved = resolve(found.mention, anchor);
            (resolved.value, resolved.precision)
        }
        None => (String::new(), None),
    };
    // A relative date keeps the anchor it was resolved against.
    let date_anchor = match date_found {
        Some(found) if !date.is_empty() => match found.mention {
            crate::dates::DateMention::Absolute(_) | crate::dates::DateMention::Year { .. } => None,
            _ => anchor,
        },
        _ => None,
    };
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for i in 0..view.tokens.len() {
        for trigger in TRIGGERS {
            let length = trigger.words.len();
            if i + length > view.tokens.len()
                || !trigger
                    .words
                    .iter()
                    .enumerate()
                    .all(|(k, w)| view.lower[i + k] == *w)
            {
                continue;
            }
            let key = (
                trigger.event_type,
                if trigger.mode == Some("visit") {
                    Some("visit")
                } else {
                    None
                },
            );
            if seen_types.contains(&key) {
                continue;
            }
            // "the U.S., which hosts the group's meetings in 2023": hosting a
            // gathering, not a guest.
            if trigger.mode == Some("host")
                && view.lower[i + length..(i + length + 5).min(view.lower.len())]
                    .iter()
                    .any(|w| {
                        matches!(
                            w.as_str(),
                            "meeting"
                                | "meetings"
                                | "summit"
                                | "conference"
                                | "talks"
                                | "forum"
                                | "games"
                        )
                    })
            {
                // Nor is the gathering hosted a meeting of the sentence's actors.
                seen_types.push((EventType::Consult, None));
                continue;
            }
            let window_start = i.saturating_sub(4);
            if view.lower[window_start..i]
                .iter()
                .any(|w| HYPOTHETICAL.contains(&w.as_str()))
            {
                continue;
            }
            // "did not agree", "would consider sanctions", and the content of a
            // threat, request, refusal or accusation ("threatened to impose
            // sanctions") are no events of their own.
            let read = reads.iter().find(|f| f.first <= i && i < f.end);
            if read.is_some_and(|f| {
                f.negated
                    || f.content_of.is_some_and(|c| {
                        matches!(
                            reads[c].event_type,
                            EventType::Threaten
                                | EventType::Request
                                | EventType::Reject
                                | EventType::Accuse
                        )
                    })
            }) || view.lower[i.saturating_sub(3)..i].iter().any(|w| {
                matches!(w.as_str(), "not" | "n't" | "never") || lexicon::contracted_negation(w)
            }) || view.lower[i.saturating_sub(5)..i].iter().any(|w| {
                matches!(
                    w.as_str(),
                    "consider"
                        | "considers"
                        | "considering"
                        | "mulling"
                        | "weighing"
                        | "might"
                        | "could"
                )
            }) {
                continue;
            }
            if view.names_a_gathering(i)
                || view.refers_back(i)
                || view.inside_quote(view.tokens[i].span.start)
            {
                continue;
            }
            // "sanctions on X" is a sanction only as the object of an act ("imposed
            // new sanctions on"), not in talk about tariffs.
            if matches!(view.lower[i].as_str(), "sanctions" | "tariffs")
                && !view.lower[i.saturating_sub(3)..i]
                    .iter()
                    .any(|w| SANCTION_VERBS.contains(&w.as_str()))
            {
                continue;
            }
            seen_types.push(key);
            let trigger_offset = view.tokens[i].span.start;
            let mut participants: Vec<usize> = Vec::new();
            let mut place: Option<usize> = None;
            let mut destinations: Vec<usize> = Vec::new();
            for mention in &view.mentions {
                let kind = view.kind(mention);
                // A weapons test has one actor: who fired, named before the verb.
                if trigger.event_type == EventType::Mobilize && mention.span.start > trigger_offset
                {
                    continue;
                }
                // "JEDDAH, Saudi Arabia —": a dateline says where the story was filed.
                if view.in_dateline(mention.span.start) {
                    continue;
                }
                // "(Reuters)" in a dateline, asides in brackets: not actors.
                if view.text[..mention.span.start].ends_with('(')
                    && view.text[mention.span.end..].starts_with(')')
                {
                    continue;
                }
                let word_before = view.word_before(mention);
                let locative = matches!(word_before.as_str(), "in" | "at" | "near" | "from")
                    || trigger.mode == Some("visit") && word_before == "to";
                let is_country = is_country_entity(view.entities, mention.entity);
                if matches!(kind, EntityKind::Gpe | EntityKind::Loc) && view.is_modifier(mention) {
                    continue;
                }
                // Destinations follow the trigger closely ("visit South Korea and Japan").
                let near_after = mention.span.start > trigger_offset
                    && mention.span.start <= view.offset_after(i, 8);
                match kind {
                    EntityKind::Person => participants.push(mention.entity),
                    EntityKind::Gpe | EntityKind::Loc if locative => {
                        // The place of this event is near its trigger; the most specific wins.
                        // (A caption shows one scene: its place is the scene's.)
                        let near = caption || view.token_distance(i, mention.span.start) <= 12;
                        let more_specific = place
                            .is_none_or(|p| is_country_entity(view.entities, p) && !is_country);
                        if near && more_specific {
                            place = Some(mention.entity);
                        }
                        if near_after && trigger.mode == Some("visit") {
                            destinations.push(mention.entity);
                        }
                    }
                    EntityKind::Gpe if is_country && !view.is_modifier(mention) => {
                        let possessive = view.is_possessive(mention);
                        let actor_position = !possessive
                            || matches!(
                                trigger.event_type,
                                EventType::Accuse | EventType::Sanction | EventType::Mobilize
                            );
                        if trigger.mode == Some("visit") && near_after {
                            destinations.push(mention.entity);
                        } else if trigger.mode == Some("visit")
                            && mention.span.start > trigger_offset
                        {
                            // A country further on is no destination and no visitor.
                        } else if actor_position {
                            participants.push(mention.entity);
                        }
                    }
                    EntityKind::Org
                        if trigger.mode == Some("host")
                            || trigger.event_type == EventType::Agree =>
                    {
                        participants.push(mention.entity)
                    }
                    // "Beijing accused Washington": a city standing for its government.
                    EntityKind::Gpe
                        if !is_country
                            && !locative
                            && word_before != "to"
                            && matches!(
                                trigger.event_type,
                                EventType::Accuse | EventType::Sanction | EventType::Mobilize
                            ) =>
                    {
                        participants.extend(actor_entity(view, mention));
                    }
                    // "condemned the European Union's digital taxes": an organisation after the trigger is the target.
                    // The organisation that sanctions or accuses, or its target.
                    EntityKind::Org
                        if matches!(
                            trigger.event_type,
                            EventType::Accuse | EventType::Sanction
                        ) =>
                    {
                        participants.push(mention.entity)
                    }
                    _ => {}
                }
            }
            // "kept tariffs on ... Chinese goods": a nationality after the trigger names the target.
            if matches!(trigger.event_type, EventType::Sanction | EventType::Accuse) {
                if let Some(country) = view.demonym_country_after(i) {
                    participants.push(country);
                }
            }
            // A sentence opening with a pronoun continues the previous sentence's subject.
            if view.lower.first().is_some_and(|w| w == "he" || w == "she") {
                if let Some(subject) = previous_subject {
                    participants.insert(0, subject);
                }
            }
            let mut unique = Vec::new();
            for participant in participants {
                if !unique.contains(&participant) {
                    unique.push(participant);
                }
            }
            let participants = unique;
            let base = FoundEvent {
                event_type: trigger.event_type,
                mode: trigger.mode,
                participants: participants.clone(),
                place,
                date: date.clone(),
                precision,
                date_span: date_found.map(|found| found.span),
                date_anchor,
                status: status_near(&view.lower, i),
                evidence: sentence,
                confidence: if caption { 0.5 } else { 0.6 },
                source: Vec::new(),
                target: Vec::new(),
                trigger: Some(Span {
                    start: view.tokens[i].span.start,
                    end: view.tokens[i + length - 1].span.end,
                }),
            };
            covered.push((i, i + length));
            if trigger.mode == Some("visit") {
                // One visit per destination country; the visitor is a person named
                // before the trigger (or the first one named).
                // "visits to Beijing ... by Blinken, Yellen and Raimondo": each one named after "by".
                let by_visitors = match view.people_after_by(i) {
                    // "visits ... by the US commerce secretary": unnamed visitors.
                    Some(people) if people.is_empty() => continue,
                    Some(people) => people,
                    None => Vec::new(),
                };
                let visitors: Vec<usize> = if by_visitors.is_empty() {
                    participants
                        .iter()
                        .copied()
                        .filter(|&p| view.entities.entities[p].kind == EntityKind::Person)
                        .take(1)
                        .collect()
                } else {
                    by_visitors
                };
                if visitors.is_empty() {
                    continue;
                }
                let mut countries: Vec<usize> = Vec::new();
                for destination in destinations {
                    let country = if is_country_entity(view.entities, destination) {
                        Some(destination)
                    } else {
                        country_of_place(view.entities, destination).and_then(|name| {
                            view.entities.entities.iter().position(|e| e.name == name)
                        })
                    };
                    if let Some(country) = country.filter(|c| !countries.contains(c)) {
                        countries.push(country);
                    }
                }
                for &visitor in &visitors {
                    for &country in &countries {
                        let place = place
                            .filter(|p| !is_country_entity(view.entities, *p) || *p == country);
                        events.push(FoundEvent {
                            participants: vec![visitor, country],
                            source: vec![visitor],
                            target: vec![country],
                            place: place.or(Some(country)),
                            ..base.clone()
                        });
                    }
                }
                continue;
            }
            let minimum = match trigger.event_type {
                EventType::Consult | EventType::Agree => 2,
                // A sanction or accusation whose target the text does not name has one participant.
                _ => 1,
            };
            if base.participants.len() >= minimum {
                let mut event = base;
                orient(view, &mut event, i, length, previous_subject);
                events.push(event);
            }
        }
    }
    lexicon_events(
        view,
        reads,
        sentence,
        &covered,
        &mut seen_types,
        previous_subject,
        (&date, precision, date_found.map(|f| f.span), date_anchor),
        caption,
        false,
        &mut events,
    );
    // A date ahead of the anchor ("next month") dates no event that has occurred.
    for event in &mut events {
        if event.status == Status::Occurred {
            if let (Some(anchor), Some(start)) = (anchor, date_start(&event.date)) {
                if start > anchor {
                    event.date.clear();
                    event.precision = None;
                    event.date_span = None;
                    event.date_anchor = None;
                }
            }
        }
    }
    events
}

/// The first day of a date value.
fn date_start(value: &str) -> Option<Ymd> {
    match value.len() {
        10 => Ymd::parse(value),
        7 => Ymd::parse(&format!("{value}-01")),
        4 => Ymd::parse(&format!("{value}-01-01")),
        _ => None,
    }
}

/// The token index of the first token starting at or after `offset`.
fn token_at(view: &SentenceView<'_>, offset: usize) -> usize {
    view.tokens.partition_point(|t| t.span.start < offset)
}

/// Sets an event's source and target from the grammar of its sentence, and
/// orders its participants sources first, then targets, then the others.
fn orient(
    view: &SentenceView<'_>,
    event: &mut FoundEvent,
    trigger: usize,
    length: usize,
    previous_subject: Option<usize>,
) {
    let mut actors: Vec<Actor> = Vec::new();
    for mention in &view.mentions {
        // "US Secretary of State Antony Blinken": a country inside a title acts through the person.
        if matches!(view.kind(mention), EntityKind::Gpe | EntityKind::Loc)
            && view.is_modifier(mention)
        {
            continue;
        }
        let entity = if event.participants.contains(&mention.entity) {
            mention.entity
        } else {
            match actor_entity(view, mention) {
                Some(country) if event.participants.contains(&country) => country,
                _ => continue,
            }
        };
        if actors.iter().any(|a| a.entity == entity) {
            continue;
        }
        let first = token_at(view, mention.full_span.start);
        let end = token_at(view, mention.span.end);
        actors.push(Actor {
            entity,
            first,
            end: end.max(first + 1),
        });
    }
    let noun = lexicon::lexicon()
        .starting_with(&view.lower[trigger])
        .iter()
        .any(|e| e.noun)
        || view.lower[trigger].ends_with("s") && event.event_type == EventType::Sanction;
    let Direction { source, target } = direct(
        &view.lower,
        &actors,
        grammar::Trigger {
            first: trigger,
            end: trigger + length,
            noun,
            mode: event.mode,
        },
    );
    let mut source = source;
    let mut target = target;
    // Participants the grammar did not place: a pronoun's antecedent acts, a
    // nationality after the trigger ("Chinese goods") is aimed at.
    for &p in &event.participants {
        if source.contains(&p) || target.contains(&p) {
            continue;
        }
        let named_here = actors.iter().any(|a| a.entity == p);
        if !named_here && Some(p) == previous_subject && source.is_empty() {
            source.push(p);
        } else if !named_here && target.is_empty() {
            target.push(p);
        }
    }
    if source.is_empty() && target.is_empty() {
        // No grammar to go by: the first named acts, as before.
        source.extend(event.participants.first());
        target.extend(event.participants.iter().skip(1));
    }
    // The host of a hosted visit is named first (it initiates), though PLOVER
    // makes the guest the actor.
    let mut participants: Vec<usize> = if event.mode == Some("host") {
        target.iter().chain(&source).copied().collect()
    } else {
        source.iter().chain(&target).copied().collect()
    };
    for &p in &event.participants {
        if !participants.contains(&p) {
            participants.push(p);
        }
    }
    event.participants = participants;
    event.source = source;
    event.target = target;
}

/// The entity acting for a mention in an actor position: a person, an
/// organisation, a country, or the country of a city standing for its
/// government ("Beijing accused Washington").
fn actor_entity(view: &SentenceView<'_>, mention: &crate::entities::DocMention) -> Option<usize> {
    let kind = view.kind(mention);
    if view.in_dateline(mention.span.start)
        || view.text[..mention.span.start].ends_with('(')
        || view.inside_quote(mention.span.start)
    {
        return None;
    }
    match kind {
        EntityKind::Person | EntityKind::Org => Some(mention.entity),
        EntityKind::Gpe => {
            if view.is_modifier(mention) {
                return None;
            }
            let word_before = view.word_before(mention);
            if matches!(
                word_before.as_str(),
                "in" | "at"
                    | "near"
                    | "from"
                    | "into"
                    | "across"
                    | "outside"
                    | "inside"
                    | "of"
                    | "around"
            ) {
                return None;
            }
            if is_country_entity(view.entities, mention.entity) {
                return Some(mention.entity);
            }
            // A city acts for its government only as a subject ("Beijing
            // accused", "Beijing's") or an object ("accused Washington"), not
            // inside a noun phrase ("the Paris climate accord").
            let next = view.text[mention.span.end..].trim_start();
            let next_word = next
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
                .next()
                .unwrap_or("");
            let subject = next.starts_with('\'')
                || next.starts_with('\u{2019}')
                || next.starts_with(',')
                || next_word == "and"
                || next_word.chars().next().is_some_and(char::is_lowercase)
                    && (next_word.ends_with("ed") || next_word.ends_with('s'));
            let object = matches!(
                word_before.as_str(),
                "by" | "against" | "on" | "with" | "and" | "accused" | "condemned"
            ) || word_before.ends_with("ed");
            if !subject && !object {
                return None;
            }
            let country = country_of_place(view.entities, mention.entity)?;
            if let Some(index) = view
                .entities
                .entities
                .iter()
                .position(|e| e.name == country)
            {
                return Some(index);
            }
            let mut extra = view.extra_countries.borrow_mut();
            let position = extra.iter().position(|c| *c == country).unwrap_or_else(|| {
                extra.push(country);
                extra.len() - 1
            });
            Some(view.entities.entities.len() + position)
        }
        _ => None,
    }
}

/// Events stated by the trigger lexicon (every PLOVER type), beside the
/// hand-written triggers above: one per type and sentence, at triggers the
/// hand-written ones did not take, unless negated, hypothetical, quoted, or
/// the complement of another act ("threatened to impose sanctions" is a
/// threat, "urged them to meet" a request).
#[allow(clippy::too_many_arguments)]
fn lexicon_events(
    view: &SentenceView<'_>,
    reads: &[lexicon::Found],
    sentence: Span,
    covered: &[(usize, usize)],
    seen_types: &mut Vec<(EventType, Option<&'static str>)>,
    previous_subject: Option<usize>,
    (date, precision, date_span, date_anchor): (
        &String,
        Option<Precision>,
        Option<Span>,
        Option<Ymd>,
    ),
    caption: bool,
    headline: bool,
    events: &mut Vec<FoundEvent>,
) {
    let mut actors_cache: Option<Vec<Actor>> = None;
    for &found in reads {
        let trigger = found.first;
        let length = found.end - found.first;
        let entry = found;
        // The hand-written triggers above and the hand-written lexicon own the
        // five types the seeds annotate in body text; petrarch2's verbs add to
        // them only in headlines.
        let owned = matches!(
            entry.event_type,
            EventType::Consult
                | EventType::Agree
                | EventType::Accuse
                | EventType::Mobilize
                | EventType::Sanction
        );
        if owned && !headline && !entry.hand {
            continue;
        }
        let owned_in_body = owned && !headline;
        // An act noun of those five types counts in body text only with its
        // source marked: a possessor ("Uganda's accusations") or a "by" phrase.
        if owned_in_body
            && entry.noun
            && !(view.lower[trigger.saturating_sub(3)..trigger]
                .iter()
                .any(|w| w == "'s" || w == "\u{2019}s")
                || view.lower[found.end..(found.end + 3).min(view.lower.len())]
                    .iter()
                    .any(|w| w == "by"))
        {
            continue;
        }
        let key = (entry.event_type, None);
        if seen_types.contains(&key) || events.iter().any(|e| e.event_type == entry.event_type) {
            continue;
        }
        // Hand-written triggers above took these words.
        if covered.iter().any(|&(a, b)| trigger < b && found.end > a) {
            continue;
        }
        // A capitalised trigger inside a name ("Strike Force", "Aid Agency") is no act.
        let first_char = view.tokens[trigger].text(view.text).chars().next();
        if !headline && trigger > 0 && first_char.is_some_and(char::is_uppercase) {
            continue;
        }
        if found.light
            || found.content_of.is_some()
            || found.negated
            || found.hypothetical
            || view.lower[trigger.saturating_sub(4)..trigger]
                .iter()
                .any(|w| HYPOTHETICAL.contains(&w.as_str()))
            || view.inside_quote(view.tokens[trigger].span.start)
            || view.refers_back(trigger)
            || view.names_a_gathering(trigger)
        {
            continue;
        }
        let actors = actors_cache.get_or_insert_with(|| {
            let mut actors: Vec<Actor> = Vec::new();
            for mention in &view.mentions {
                let Some(entity) = actor_entity(view, mention) else {
                    continue;
                };
                let first = token_at(view, mention.full_span.start);
                let end = token_at(view, mention.span.end).max(first + 1);
                actors.push(Actor { entity, first, end });
            }
            actors
        });
        let Direction { mut source, target } = direct(
            &view.lower,
            actors,
            grammar::Trigger {
                first: trigger,
                end: trigger + length,
                noun: entry.noun,
                mode: entry.mode,
            },
        );
        if source.is_empty() && view.lower.first().is_some_and(|w| w == "he" || w == "she") {
            source.extend(previous_subject);
        }
        // A body sentence's event has a named actor; a headline's may not.
        // Beside the hand-written triggers, the lexicon adds the five seed
        // types only as complete directed acts ("Y's accusations against X").
        // petrarch2's verbs, broad on their own ("aim", "engage", "include"),
        // count in body text only as complete directed acts too.
        if source.is_empty() && target.is_empty() && !headline
            || (owned_in_body || !headline && !entry.hand)
                && (source.is_empty() || target.is_empty())
        {
            continue;
        }
        // PLOVER 3.5: a release frees people held: captives or prisoners, or
        // a person named as the verb's object or passive subject ("released
        // Paul Whelan", "Whelan was released"); "released a statement
        // addressing X", "free trade", "released from the hospital" are none.
        if entry.mode == Some("release") {
            let end = trigger + length;
            let passive = view.lower[trigger.saturating_sub(2)..trigger]
                .iter()
                .any(|w| matches!(w.as_str(), "was" | "were" | "been" | "be" | "being"));
            let person_freed = view.mentions.iter().any(|m| {
                view.kind(m) == EntityKind::Person
                    && target.contains(&m.entity)
                    && (token_at(view, m.full_span.start) == end || passive)
            });
            let frees = lexicon::frees_the_held(&view.lower, trigger, end)
                || person_freed && lexicon::from_detention(&view.lower, end) != Some(false);
            if !frees {
                continue;
            }
        }
        seen_types.push(key);
        let mut participants: Vec<usize> = source.iter().chain(&target).copied().collect();
        participants.dedup();
        let mut place = None;
        for mention in &view.mentions {
            let word_before = view.word_before(mention);
            if matches!(view.kind(mention), EntityKind::Gpe | EntityKind::Loc)
                && matches!(word_before.as_str(), "in" | "at" | "near")
                && view.token_distance(trigger, mention.span.start) <= 12
                && !view.in_dateline(mention.span.start)
            {
                place = Some(mention.entity);
                break;
            }
        }
        events.push(FoundEvent {
            event_type: entry.event_type,
            mode: entry.mode,
            participants,
            source,
            target,
            place,
            date: date.clone(),
            precision,
            date_span,
            date_anchor,
            status: status_near(&view.lower, trigger),
            evidence: sentence,
            confidence: if caption { 0.4 } else { 0.5 },
            trigger: Some(Span {
                start: view.tokens[trigger].span.start,
                end: view.tokens[trigger + length - 1].span.end,
            }),
        });
    }
}

fn status_near(lower: &[String], trigger: usize) -> Status {
    let window = &lower[trigger.saturating_sub(6)..(trigger + 1).min(lower.len())];
    if window
        .iter()
        .any(|w| EXPECTED_MARKERS.contains(&w.as_str()))
    {
        return Status::Expected;
    }
    let after = &lower[trigger..(trigger + 8).min(lower.len())];
    let future_relative = after
        .windows(2)
        .chain(window.windows(2))
        .any(|w| w[0] == "next" && matches!(w[1].as_str(), "week" | "month" | "year"));
    // "agreed to meet", "scheduled to meet": an infinitive is not yet an event.
    let infinitive = trigger > 0 && lower[trigger - 1] == "to";
    if future_relative || infinitive || window.iter().any(|w| PLANNED_MARKERS.contains(&w.as_str()))
    {
        return Status::Planned;
    }
    Status::Occurred
}

#[cfg(test)]
fn status_of(lower: &[String]) -> Status {
    status_near(lower, lower.len().saturating_sub(1))
}

/// An event as the identity rule sees it (entity indices name actors and places).
fn telling<'a>(event: &'a FoundEvent, anchor: &'a str) -> identity::Telling<'a, usize> {
    // Within one article both tellings were reported together.
    identity::Telling {
        event_type: event.event_type.as_str(),
        mode: event.mode.unwrap_or(""),
        status: event.status.as_str(),
        actors: &event.participants,
        place: event.place,
        // Within one article a place is its own country only when it is one;
        // cities are compared by identity.
        place_country: None,
        date: &event.date,
        anchor: event.date_anchor.is_some().then_some(anchor),
        reported: Some("this article"),
    }
}

/// Merges mentions of one event within an article, by [`identity::compatible`].
fn merge_within_article(events: Vec<FoundEvent>) -> Vec<FoundEvent> {
    let mut merged: Vec<FoundEvent> = Vec::new();
    for event in events {
        let anchor = event.date_anchor.map(Ymd::format).unwrap_or_default();
        let existing = merged.iter_mut().find(|other| {
            let other_anchor = other.date_anchor.map(Ymd::format).unwrap_or_default();
            identity::compatible(&telling(other, &other_anchor), &telling(&event, &anchor))
                // A visit is not merged into a meeting.
                && (other.mode == Some("visit")) == (event.mode == Some("visit"))
        });
        match existing {
            Some(other) => {
                let other_anchor = other.date_anchor.map(Ymd::format).unwrap_or_default();
                if identity::takes_date(&telling(other, &other_anchor), &telling(&event, &anchor)) {
                    other.date = event.date.clone();
                    other.precision = event.precision;
                    other.date_span = event.date_span;
                    other.date_anchor = event.date_anchor;
                }
                if other.place.is_none() {
                    other.place = event.place;
                }
                // Of planned and expected, the more cautious claim stands.
                if event.status == Status::Expected {
                    other.status = Status::Expected;
                }
                other.confidence = (other.confidence + 0.1).min(0.95);
            }
            None => merged.push(event),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::recognize;
    use crate::text::segment;

    #[test]
    fn meeting_with_place_and_caption_date() {
        let text = "Headline\nPresident Joe Biden met with Chinese President Xi Jinping in Bali last week.\nJoe Biden (R) and Xi Jinping (L) shake hands in Bali on November 14, 2022. JOHN DOE/AFP VIA GETTY IMAGES\n";
        let document = segment(text);
        let mut entities = recognize(&document);
        let events = extract(&document, &mut entities, None);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].event_type, EventType::Consult);
        assert_eq!(events[0].date, "2022-11-14");
        assert_eq!(events[0].participants.len(), 2);
        assert_eq!(entities.entities[events[0].place.unwrap()].name, "Bali");
    }

    #[test]
    fn datelines_tariff_talk_and_back_references_make_no_actors_or_events() {
        let text = "Headline\nJEDDAH, Saudi Arabia \u{2014} Crown Prince Mohammed bin Salman hosted President Volodymyr Zelenskiy in Jeddah.\nThe meeting came after talks.\nOfficials raised concerns about tariffs on Indian steel.\nThe European Union imposed new sanctions on Russian banks.\n";
        let document = segment(text);
        let mut entities = recognize(&document);
        let events = extract(&document, &mut entities, None);
        let names = |event: &FoundEvent| {
            event
                .participants
                .iter()
                .map(|&p| entities.entities[p].name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            names(&events[0]),
            vec!["Mohammed bin Salman", "Volodymyr Zelenskiy"]
        );
        assert_eq!(events[0].mode, Some("host"));
        assert_eq!(events[1].event_type, EventType::Sanction);
        assert_eq!(names(&events[1]), vec!["European Union"]);
    }

    #[test]
    fn status_from_modal_words() {
        let lower = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            status_of(&lower("he will also visit japan")),
            Status::Planned
        );
        assert_eq!(status_of(&lower("an expected summit")), Status::Expected);
        assert_eq!(status_of(&lower("they met on monday")), Status::Occurred);
    }
}
