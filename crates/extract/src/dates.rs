//! Date expressions and their normalisation against an anchor date.
//!
//! Absolute dates ("Nov. 19, 2022", "November 14, 2022", "October 27, 2023")
//! resolve on their own. Relative ones ("on Monday", "last week", "next month",
//! "last year", "in February") resolve against an anchor: the publication date
//! when given, else the latest full date the article itself states (a dateline or
//! a caption). Without an anchor they stay unresolved, with their words kept.

use crate::text::Span;

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ymd {
    /// Year.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
    /// Day 1..=31.
    pub day: u32,
}

impl Ymd {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Ymd> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let date = Ymd { year, month, day };
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(date)
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Ymd {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Ymd { year, month, day }
    }

    /// Day of week, 0 = Monday .. 6 = Sunday.
    pub fn weekday(self) -> u32 {
        ((self.to_days() + 3).rem_euclid(7)) as u32
    }

    /// `YYYY-MM-DD`.
    pub fn format(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// How precise a resolved date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// A day.
    Day,
    /// A month.
    Month,
    /// A year.
    Year,
}

/// A resolved (or unresolved) date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedDate {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; empty when unresolved.
    pub value: String,
    /// Precision of `value`, `None` when unresolved.
    pub precision: Option<Precision>,
}

/// What a date expression says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateMention {
    /// A full date with year.
    Absolute(Ymd),
    /// Month and day, no year.
    MonthDay { month: u32, day: u32 },
    /// A month name alone ("in February").
    Month { month: u32 },
    /// A weekday ("on Monday"), with -1 for "last Monday", +1 for "next Monday", 0 for plain.
    Weekday { weekday: u32, direction: i32 },
    /// Last / this / next week.
    Week { offset: i32 },
    /// Last / this / next month.
    RelativeMonth { offset: i32 },
    /// Last / this / next year.
    RelativeYear { offset: i32 },
    /// Yesterday / today / tomorrow.
    RelativeDay { offset: i32 },
    /// A bare year ("in 2018").
    Year { year: i32 },
}

/// A date expression found in the text.
#[derive(Clone, Copy, Debug)]
pub struct FoundDate {
    /// The words, including a leading "on"/"in"/"last" when present.
    pub span: Span,
    /// What they say.
    pub mention: DateMention,
}

const MONTHS: &[(&str, u32)] = &[
    ("January", 1),
    ("February", 2),
    ("March", 3),
    ("April", 4),
    ("May", 5),
    ("June", 6),
    ("July", 7),
    ("August", 8),
    ("September", 9),
    ("October", 10),
    ("November", 11),
    ("December", 12),
    ("Jan", 1),
    ("Feb", 2),
    ("Mar", 3),
    ("Apr", 4),
    ("Jun", 6),
    ("Jul", 7),
    ("Aug", 8),
    ("Sep", 9),
    ("Sept", 9),
    ("Oct", 10),
    ("Nov", 11),
    ("Dec", 12),
];

/// The names of the months, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The names of the days of the week, Monday first.
pub const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// False for a word that can start no date expression: the first byte of every
/// month and weekday name (capitalised), of every relative word ("last",
/// "previous", "past", "this", "next", "coming", "yesterday", "today",
/// "tomorrow", in any case) and of a year (an ASCII digit) is one of these.
fn may_start_date(word: &str) -> bool {
    word.bytes().next().is_some_and(|b| {
        b.is_ascii_digit()
            || matches!(
                b,
                b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D' | b'T' | b'W'
            )
            || matches!(
                b.to_ascii_lowercase(),
                b'l' | b'p' | b't' | b'n' | b'c' | b'y'
            )
    })
}

fn month_of(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, m)| *m)
}

struct Words<'a> {
    items: Vec<(usize, usize, &'a str)>,
}

fn words(text: &str, span: Span) -> Words<'_> {
    let content = &text[span.start..span.end];
    let mut items = Vec::with_capacity(content.len() / 4);
    let mut start: Option<usize> = None;
    for (offset, c) in content
        .char_indices()
        .chain(std::iter::once((content.len(), ' ')))
    {
        if crate::tokens::is_alphanumeric(c) {
            start.get_or_insert(offset);
        } else if let Some(s) = start.take() {
            items.push((span.start + s, span.start + offset, &content[s..offset]));
        }
    }
    Words { items }
}

/// Finds the date expressions of `span`.
pub fn find_dates(text: &str, span: Span) -> Vec<FoundDate> {
    let words = words(text, span).items;
    let mut found = Vec::new();
    let mut i = 0;
    // Word `k` is one of `options` (lowercase ASCII), in any case: what
    // comparing its ASCII-lowercased copy with them says, without the copy.
    let lower_is = |k: usize, options: &[&str]| {
        words
            .get(k)
            .is_some_and(|w| options.iter().any(|o| w.2.eq_ignore_ascii_case(o)))
    };
    while i < words.len() {
        let (start, end, word) = words[i];
        if !may_start_date(word) {
            i += 1;
            continue;
        }
        let preposition_start = || {
            (i > 0 && lower_is(i - 1, &["on", "in", "since", "by", "until", "from"]))
                .then(|| words[i - 1].0)
        };
        if let Some(month) = month_of(word) {
            // "Nov. 19, 2022", "November 14, 2022", "Nov 15", "October 27"
            let day = words
                .get(i + 1)
                .and_then(|w| w.2.parse::<u32>().ok())
                .filter(|d| (1..=31).contains(d));
            if let Some(day) = day {
                let year = words
                    .get(i + 2)
                    .and_then(|w| w.2.parse::<i32>().ok())
                    .filter(|y| (1900..=2100).contains(y));
                match year {
                    Some(year) if day <= days_in_month(year, month) => {
                        found.push(FoundDate {
                            span: Span::new(start, words[i + 2].1),
                            mention: DateMention::Absolute(Ymd { year, month, day }),
                        });
                        i += 3;
                    }
                    _ => {
                        found.push(FoundDate {
                            span: Span::new(start, words[i + 1].1),
                            mention: DateMention::MonthDay { month, day },
                        });
                        i += 2;
                    }
                }
                continue;
            }
            // "May" is also a verb: require a preposition before a bare month.
            let preposition_start = preposition_start();
            if preposition_start.is_some() && (word.len() > 3 || word == "May") {
                let year = words
                    .get(i + 1)
                    .and_then(|w| w.2.parse::<i32>().ok())
                    .filter(|y| (1900..=2100).contains(y));
                if let Some(year) = year {
                    found.push(FoundDate {
                        span: Span::new(preposition_start.unwrap_or(start), words[i + 1].1),
                        mention: DateMention::Absolute(Ymd {
                            year,
                            month,
                            day: 0,
                        }),
                    });
                    i += 2;
                    continue;
                }
                found.push(FoundDate {
                    span: Span::new(preposition_start.unwrap_or(start), end),
                    mention: DateMention::Month { month },
                });
            }
            i += 1;
            continue;
        }
        if let Some(weekday) = WEEKDAYS.iter().position(|d| *d == word) {
            let (span_start, direction) = if i > 0 && lower_is(i - 1, &["last"]) {
                (words[i - 1].0, -1)
            } else if i > 0 && lower_is(i - 1, &["next"]) {
                (words[i - 1].0, 1)
            } else if i > 0 && lower_is(i - 1, &["this"]) {
                (words[i - 1].0, 0)
            } else {
                (preposition_start().unwrap_or(start), 0)
            };
            let mut span_end = end;
            if lower_is(i + 1, &["morning", "afternoon", "evening", "night"]) {
                span_end = words[i + 1].1;
            }
            found.push(FoundDate {
                span: Span::new(span_start, span_end),
                mention: DateMention::Weekday {
                    weekday: weekday as u32,
                    direction,
                },
            });
            i += 1;
            continue;
        }
        let is = |options: &[&str]| options.iter().any(|o| word.eq_ignore_ascii_case(o));
        let offset = if is(&["last", "previous", "past"]) {
            Some(-1)
        } else if is(&["this"]) {
            Some(0)
        } else if is(&["next", "coming"]) {
            Some(1)
        } else {
            None
        };
        if let Some(offset) = offset {
            let mention = if lower_is(i + 1, &["week", "weekend"]) {
                Some(DateMention::Week { offset })
            } else if lower_is(i + 1, &["month"]) {
                Some(DateMention::RelativeMonth { offset })
            } else if lower_is(i + 1, &["year"]) {
                Some(DateMention::RelativeYear { offset })
            } else {
                None
            };
            if let Some(mention) = mention {
                let span_start =
                    if i > 0 && lower_is(i - 1, &["over", "during", "earlier", "later"]) {
                        words[i - 1].0
                    } else {
                        start
                    };
                let span_start =
                    if i > 1 && lower_is(i - 1, &["the"]) && lower_is(i - 2, &["over", "during"]) {
                        words[i - 2].0
                    } else {
                        span_start
                    };
                found.push(FoundDate {
                    span: Span::new(span_start, words[i + 1].1),
                    mention,
                });
                i += 2;
                continue;
            }
        }
        let relative_day = if is(&["yesterday"]) {
            Some(-1)
        } else if is(&["today"]) {
            Some(0)
        } else if is(&["tomorrow"]) {
            Some(1)
        } else {
            None
        };
        if let Some(offset) = relative_day {
            found.push(FoundDate {
                span: Span::new(start, end),
                mention: DateMention::RelativeDay { offset },
            });
            i += 1;
            continue;
        }
        if let Some(year) = word
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
        {
            let preposition_start = preposition_start();
            if preposition_start.is_some() && word.len() == 4 {
                found.push(FoundDate {
                    span: Span::new(preposition_start.unwrap_or(start), end),
                    mention: DateMention::Year { year },
                });
            }
        }
        i += 1;
    }
    found
}

/// Resolves a date mention against an anchor ("today" for the article).
pub fn resolve(mention: DateMention, anchor: Option<Ymd>) -> ResolvedDate {
    let unresolved = ResolvedDate {
        value: String::new(),
        precision: None,
    };
    let day = |date: Ymd| ResolvedDate {
        value: date.format(),
        precision: Some(Precision::Day),
    };
    let month = |year: i32, month: u32| ResolvedDate {
        value: format!("{year:04}-{month:02}"),
        precision: Some(Precision::Month),
    };
    let year_only = |year: i32| ResolvedDate {
        value: format!("{year:04}"),
        precision: Some(Precision::Year),
    };
    match mention {
        DateMention::Absolute(date) if date.day == 0 => month(date.year, date.month),
        DateMention::Absolute(date) => day(date),
        DateMention::Year { year } => year_only(year),
        _ => {
            let Some(anchor) = anchor else {
                return unresolved;
            };
            match mention {
                DateMention::MonthDay { month: m, day: d } => {
                    // The nearest such day to the anchor (news tells of the recent past and near future).
                    let candidates = [anchor.year - 1, anchor.year, anchor.year + 1]
                        .map(|year| Ymd {
                            year,
                            month: m,
                            day: d,
                        })
                        .into_iter()
                        .filter(|date| date.day <= days_in_month(date.year, date.month));
                    candidates
                        .min_by_key(|date| (date.to_days() - anchor.to_days()).abs())
                        .map_or(unresolved, day)
                }
                DateMention::Month { month: m } => {
                    // News tells mostly of the past: the latest such month not after the anchor.
                    let year = if m <= anchor.month {
                        anchor.year
                    } else {
                        anchor.year - 1
                    };
                    month(year, m)
                }
                DateMention::Weekday { weekday, direction } => {
                    let anchor_weekday = anchor.weekday() as i64;
                    let target = i64::from(weekday);
                    let delta = match direction {
                        1 => {
                            (target - anchor_weekday).rem_euclid(7).max(1)
                                + if target == anchor_weekday { 6 } else { 0 }
                        }
                        // Plain weekday in news: the most recent such day, the anchor day included.
                        _ => {
                            -((anchor_weekday - target).rem_euclid(7))
                                - if direction == -1 && target == anchor_weekday {
                                    7
                                } else {
                                    0
                                }
                        }
                    };
                    day(Ymd::from_days(anchor.to_days() + delta))
                }
                DateMention::Week { .. } => unresolved,
                DateMention::RelativeMonth { offset } => {
                    let index = anchor.year * 12 + anchor.month as i32 - 1 + offset;
                    month(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32)
                }
                DateMention::RelativeYear { offset } => year_only(anchor.year + offset),
                DateMention::RelativeDay { offset } => {
                    day(Ymd::from_days(anchor.to_days() + i64::from(offset)))
                }
                DateMention::Absolute(_) | DateMention::Year { .. } => unresolved,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(year: i32, month: u32, day: u32) -> Ymd {
        Ymd { year, month, day }
    }

    #[test]
    fn every_date_word_may_start_a_date() {
        let words = MONTHS
            .iter()
            .map(|(name, _)| *name)
            .chain(WEEKDAYS.iter().copied())
            .chain(MONTH_NAMES)
            .chain(["1900", "2100", "0", "9"]);
        for word in words {
            assert!(may_start_date(word), "{word}");
        }
        for word in [
            "last",
            "previous",
            "past",
            "this",
            "next",
            "coming",
            "yesterday",
            "today",
            "tomorrow",
        ] {
            assert!(may_start_date(word), "{word}");
            assert!(may_start_date(&word.to_uppercase()), "{word}");
            let mut title = word.to_owned();
            title[..1].make_ascii_uppercase();
            assert!(may_start_date(&title), "{word}");
        }
        assert!(!may_start_date("said"));
        assert!(!may_start_date(""));
    }

    #[test]
    fn calendar_round_trips() {
        let date = ymd(2023, 10, 27);
        assert_eq!(Ymd::from_days(date.to_days()), date);
        assert_eq!(date.weekday(), 4, "2023-10-27 is a Friday");
        assert_eq!(Ymd::parse("2022-11-19"), Some(ymd(2022, 11, 19)));
        assert_eq!(Ymd::parse("2022-02-30"), None);
    }

    #[test]
    fn finds_and_resolves_dates() {
        let text = "On Thursday, they met; on Nov. 19, 2022 and next month, and in February.";
        let found = find_dates(text, Span::new(0, text.len()));
        let words: Vec<&str> = found.iter().map(|f| f.span.of(text)).collect();
        assert_eq!(
            words,
            vec!["On Thursday", "Nov. 19, 2022", "next month", "in February"]
        );
        let anchor = Some(ymd(2023, 10, 27));
        assert_eq!(resolve(found[0].mention, anchor).value, "2023-10-26");
        assert_eq!(resolve(found[1].mention, None).value, "2022-11-19");
        assert_eq!(resolve(found[2].mention, anchor).value, "2023-11");
        assert_eq!(resolve(found[3].mention, anchor).value, "2023-02");
        assert_eq!(resolve(found[0].mention, None).value, "");
    }
}
