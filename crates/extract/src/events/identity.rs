//! The one rule for "are these two tellings the same event?", used by the
//! in-article merge here and by the store's cross-article deduplication.
//!
//! Two tellings are one event only when their type, mode, status, actors,
//! place and date are all compatible:
//! * the same PLOVER type; CONSULT modes agree (a visit stays a visit; a
//!   meeting may be called a summit); unknown modes agree with any;
//! * occurred agrees only with occurred; planned and expected agree;
//! * one actor set inside the other, sharing at least two actors, or both the
//!   same single actor;
//! * places equal or one unknown, or one a country the other lies in
//!   (two different cities never agree, even in one country);
//! * dates equal or one refining the other ("2023-10" and "2023-10-26");
//!   without a date, a telling is placed in time by when it was reported: an
//!   undated telling agrees with a dated one only if reported within a month
//!   after that date, and two undated tellings only if reported within a week
//!   of each other (tellings that cannot be placed in time at all stay apart,
//!   unless they agree on a place).
//!
//! When tellings merge, [`takes_date`] says whether the merged event takes
//! the newcomer's date: only a more precise one, and never a relative date
//! ("next month") resolved against another anchor than the kept date's.

/// One telling of an event, as the in-article merge and the store see it.
/// `Id` is whatever names entities: an index into the article's entities, or
/// the store's entity id.
#[derive(Clone, Copy, Debug)]
pub struct Telling<'a, Id> {
    /// PLOVER type name ("AGREE").
    pub event_type: &'a str,
    /// Mode, "" when none.
    pub mode: &'a str,
    /// "occurred", "planned" or "expected".
    pub status: &'a str,
    /// Every actor: sources, targets and other participants.
    pub actors: &'a [Id],
    /// Place.
    pub place: Option<Id>,
    /// The country the place lies in (the place itself for a country), if known.
    pub place_country: Option<Id>,
    /// Resolved date: "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" when unknown.
    pub date: &'a str,
    /// For a date resolved from a relative expression ("on Monday", "next
    /// month"): the anchor it was resolved against ("YYYY-MM-DD"); `None` for
    /// an absolute date or no date.
    pub anchor: Option<&'a str>,
    /// When the telling was reported: its article's publication date, else the
    /// anchor the article's text gives ("YYYY-MM-DD"); `None` when unknown.
    /// Tellings with equal `reported` are placed at one time whenever their
    /// dates agree (the in-article merge passes one value for the article).
    pub reported: Option<&'a str>,
}

/// Modes agree: equal, unknown on one side, or meeting and summit.
pub fn modes_compatible(a: &str, b: &str) -> bool {
    a.is_empty()
        || b.is_empty()
        || a == b
        || matches!((a, b), ("meet", "summit") | ("summit", "meet"))
}

/// Dates agree: equal, one refines the other, or one unknown.
pub fn dates_compatible(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a.starts_with(b) || b.starts_with(a)
}

/// Statuses agree: occurred only with occurred; planned and expected both tell of a future event.
pub fn statuses_compatible(a: &str, b: &str) -> bool {
    a == b || (a != "occurred" && b != "occurred")
}

/// Actors agree: one set inside the other, sharing two actors, or the same single actor.
pub fn actors_compatible<Id: PartialEq>(a: &[Id], b: &[Id]) -> bool {
    let a_in_b = a.iter().all(|x| b.contains(x));
    let b_in_a = b.iter().all(|x| a.contains(x));
    let shared = a.iter().filter(|x| b.contains(x)).count();
    (a_in_b || b_in_a) && (shared >= 2 || (a_in_b && b_in_a && shared >= 1))
}

/// Places agree: equal, one unknown, one is the country the other lies in,
/// or one cannot be located (a resort, a venue: nothing says they differ).
/// Two located places conflict unless one contains the other.
pub fn places_compatible<Id: PartialEq + Copy>(a: &Telling<'_, Id>, b: &Telling<'_, Id>) -> bool {
    match (a.place, b.place) {
        (Some(x), Some(y)) if x != y => {
            if a.place_country.is_none() || b.place_country.is_none() {
                return true;
            }
            let a_is_country = a.place_country == Some(x);
            let b_is_country = b.place_country == Some(y);
            (a_is_country && b.place_country == Some(x))
                || (b_is_country && a.place_country == Some(y))
        }
        _ => true,
    }
}

/// Days since 0000-03-01 of a "YYYY-MM-DD" (or the first day of "YYYY-MM", "YYYY").
fn day_number(value: &str) -> Option<i64> {
    let mut parts = value.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i64 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1)
}

/// Can the tellings be placed at one time? Dates refine each other; an
/// undated telling is placed by when it was reported.
pub fn times_compatible<Id>(a: &Telling<'_, Id>, b: &Telling<'_, Id>, same_place: bool) -> bool {
    if !dates_compatible(a.date, b.date) {
        return false;
    }
    // Told in one report (one article, or articles of one day).
    if a.reported.is_some() && a.reported == b.reported {
        return true;
    }
    let reported_after = |dated: &Telling<'_, Id>, undated: &Telling<'_, Id>| {
        match (
            day_number(dated.date),
            undated.reported.and_then(day_number),
        ) {
            // Told as past within a month after it happened (a month's date
            // counts from its first day), or told ahead of a future event.
            // A later retelling that names the place ("the meeting last year
            // in Indonesia") is placed by it.
            (Some(when), Some(reported)) => {
                let span = match dated.date.len() {
                    10 => 0,
                    7 => 30,
                    _ => 365,
                };
                same_place
                    || if undated.status == "occurred" {
                        reported >= when - 1 && reported <= when + span + 31
                    } else {
                        reported <= when + span + 1
                    }
            }
            _ => same_place,
        }
    };
    match (a.date.is_empty(), b.date.is_empty()) {
        (false, false) => true,
        (false, true) => reported_after(a, b),
        (true, false) => reported_after(b, a),
        (true, true) => match (
            a.reported.and_then(day_number),
            b.reported.and_then(day_number),
        ) {
            (Some(x), Some(y)) => (x - y).abs() <= 7,
            _ => same_place,
        },
    }
}

/// The same real-world event?
pub fn compatible<Id: PartialEq + Copy>(a: &Telling<'_, Id>, b: &Telling<'_, Id>) -> bool {
    // Both tellings name a place, and the places agree.
    let same_place = a.place.is_some() && b.place.is_some() && places_compatible(a, b);
    a.event_type == b.event_type
        && (a.event_type != "CONSULT" || modes_compatible(a.mode, b.mode))
        && statuses_compatible(a.status, b.status)
        && actors_compatible(a.actors, b.actors)
        && places_compatible(a, b)
        && times_compatible(a, b, same_place)
}

/// Whether an event kept as `kept` takes the date of `telling` when they
/// merge: the telling's date is more precise, and if it is relative, it was
/// resolved against the same anchor as the kept date (or the kept event has a
/// date of its own resolved against that anchor). A telling's relative date
/// never reaches an event first told against another anchor or none.
pub fn takes_date<Id>(kept: &Telling<'_, Id>, telling: &Telling<'_, Id>) -> bool {
    if telling.date.len() <= kept.date.len() {
        return false;
    }
    match telling.anchor {
        None => true,
        Some(anchor) => kept.anchor == Some(anchor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn telling<'a>(
        actors: &'a [u32],
        place: Option<u32>,
        country: Option<u32>,
        date: &'a str,
    ) -> Telling<'a, u32> {
        Telling {
            event_type: "AGREE",
            mode: "",
            status: "occurred",
            actors,
            place,
            place_country: country,
            date,
            anchor: None,
            reported: Some("2023-10-30"),
        }
    }

    #[test]
    fn agreements_months_apart_stay_apart() {
        let parties = [1, 2];
        // Beijing (10, in China 20) in June; Washington (11, in the US 21) in October.
        let june = telling(&parties, Some(10), Some(20), "2023-06-19");
        let october = telling(&parties, Some(11), Some(21), "2023-10-27");
        assert!(!compatible(&june, &october));
        let june_undated_place = telling(&parties, None, None, "2023-06");
        assert!(!compatible(&june_undated_place, &october));
        // The same agreement told again, with a sharper date: one event.
        let again = telling(&parties, Some(20), Some(20), "2023-06");
        assert!(compatible(&june, &again));
    }

    #[test]
    fn different_cities_of_one_country_conflict_but_the_country_does_not() {
        let parties = [1, 2];
        let a = telling(&parties, Some(10), Some(20), "");
        let b = telling(&parties, Some(12), Some(20), "");
        let country = telling(&parties, Some(20), Some(20), "");
        assert!(!compatible(&a, &b));
        assert!(compatible(&a, &country));
        assert!(compatible(&country, &b));
    }

    #[test]
    fn undated_tellings_are_placed_by_when_they_were_reported() {
        let parties = [1, 2];
        // June (Beijing, no year in the text: unresolved, report date unknown) and
        // October (reported 2023-10-27), neither with a place: apart.
        let june = Telling {
            reported: None,
            ..telling(&parties, None, None, "")
        };
        let october = Telling {
            reported: Some("2023-10-27"),
            ..telling(&parties, None, None, "")
        };
        assert!(!compatible(&june, &october));
        // Two undated tellings reported the same week: one event.
        let retold = Telling {
            reported: Some("2023-10-29"),
            ..telling(&parties, None, None, "")
        };
        assert!(compatible(&october, &retold));
        // An undated telling reported long after a dated event: apart.
        let dated = telling(&parties, None, None, "2023-06-19");
        assert!(!compatible(&dated, &october));
        assert!(compatible(
            &telling(&parties, None, None, "2023-10-26"),
            &october
        ));
    }

    #[test]
    fn relative_dates_need_the_same_anchor() {
        let parties = [1, 2];
        let kept = telling(&parties, None, None, "");
        let next_month = Telling {
            date: "2023-11",
            anchor: Some("2023-10-27"),
            ..telling(&parties, None, None, "")
        };
        assert!(!takes_date(&kept, &next_month));
        let absolute = telling(&parties, None, None, "2023-11-15");
        assert!(takes_date(&kept, &absolute));
        let same_anchor = Telling {
            date: "2023-10",
            anchor: Some("2023-10-27"),
            ..telling(&parties, None, None, "2023")
        };
        let kept_anchored = Telling {
            anchor: Some("2023-10-27"),
            ..telling(&parties, None, None, "2023")
        };
        assert!(takes_date(&kept_anchored, &same_anchor));
    }
}
