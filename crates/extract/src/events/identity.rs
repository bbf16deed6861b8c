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
//! * dates equal or one refining the other ("2023-10" and "2023-10-26"), or one
//!   unknown.
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

/// Places agree: equal, one unknown, or one is the country the other lies in.
pub fn places_compatible<Id: PartialEq + Copy>(a: &Telling<'_, Id>, b: &Telling<'_, Id>) -> bool {
    match (a.place, b.place) {
        (Some(x), Some(y)) if x != y => {
            let a_is_country = a.place_country == Some(x);
            let b_is_country = b.place_country == Some(y);
            (a_is_country && b.place_country == Some(x))
                || (b_is_country && a.place_country == Some(y))
        }
        _ => true,
    }
}

/// The same real-world event?
pub fn compatible<Id: PartialEq + Copy>(a: &Telling<'_, Id>, b: &Telling<'_, Id>) -> bool {
    a.event_type == b.event_type
        && (a.event_type != "CONSULT" || modes_compatible(a.mode, b.mode))
        && statuses_compatible(a.status, b.status)
        && actors_compatible(a.actors, b.actors)
        && places_compatible(a, b)
        && dates_compatible(a.date, b.date)
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
