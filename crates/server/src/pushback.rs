//! How long a refused caller should wait before it tries again.
//!
//! A server that sheds load answers RESOURCE_EXHAUSTED with the gRPC retry
//! pushback (`grpc-retry-pushback-ms`, gRFC A6): the milliseconds to wait
//! before the next attempt. gRPC clients with a retry policy honour it on
//! their own; Readout's clients (`readout load`, the services calling each
//! other, the overload bench) do too.
//!
//! A fixed client backoff cannot match the overload: 12,000 callers backing
//! off up to a second still arrive about 12,000 times a second, and refusing
//! them takes the cores the admitted calls need. The server knows better. Each
//! second it counts the calls it admitted and those it refused, and asks for a
//! wait of one second per refusal per admission of the last second (falling by
//! halves, capped at [`MAX_PUSHBACK`]). It rises at once, within the second:
//! each refusal also reads the counts of a sliding second (this window's and
//! the share of the last one it still covers), so a burst is told to wait
//! from its first hundred refusals on, not after a second of retries every
//! 20 ms that take the cores from the calls admitted meanwhile. With N callers and A admissions a second, the
//! refusals settle near √(N·A) a second instead of N: callers wait about as
//! long as their share of the capacity gives them anyway, and the server's
//! cores go to the admitted calls. Each answer is jittered (half to one and a
//! half times) so the callers refused together do not return together.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The trailer naming the wait, in milliseconds (gRFC A6).
pub const PUSHBACK_HEADER: &str = "grpc-retry-pushback-ms";

/// The least wait asked for, while refusals are rare.
pub const MIN_PUSHBACK: Duration = Duration::from_millis(20);

/// The longest wait asked for, however deep the overload.
pub const MAX_PUSHBACK: Duration = Duration::from_secs(15);

/// The period over which admissions and refusals are counted.
const WINDOW: Duration = Duration::from_secs(1);

/// The counts of the current window and the wait they led to.
struct Window {
    started: Instant,
    admitted: u64,
    refused: u64,
    /// The closed window's counts, for the sliding estimate.
    last_admitted: u64,
    last_refused: u64,
    /// The smoothed wait, before jitter.
    pushback: Duration,
    /// xorshift state for the jitter.
    jitter: u64,
}

/// One server's record of recent admissions and refusals.
pub struct Pushback {
    window: Mutex<Window>,
}

impl Pushback {
    /// A record starting at `now` with no load.
    pub fn new(now: Instant) -> Self {
        Pushback {
            window: Mutex::new(Window {
                started: now,
                admitted: 0,
                refused: 0,
                last_admitted: 0,
                last_refused: 0,
                pushback: Duration::ZERO,
                jitter: 0x9E37_79B9_7F4A_7C15,
            }),
        }
    }

    /// Counts a call admitted at `now`.
    pub fn admitted(&self, now: Instant) {
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        window.roll(now);
        window.admitted += 1;
    }

    /// Counts a call refused at `now`, and says how long its caller should wait.
    pub fn refused(&self, now: Instant) -> Duration {
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        window.roll(now);
        window.refused += 1;
        let base = window.pushback.max(window.sliding(now)).max(MIN_PUSHBACK);
        window.jitter ^= window.jitter << 13;
        window.jitter ^= window.jitter >> 7;
        window.jitter ^= window.jitter << 17;
        // Half to one and a half times the wait.
        let factor = 0.5 + (window.jitter % 1024) as f64 / 1024.0;
        base.mul_f64(factor)
    }
}

impl Window {
    /// Closes the window if it has ended: the next wait is the mean of the
    /// last one and what the closed window's counts ask for.
    fn roll(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.started);
        if elapsed < WINDOW {
            return;
        }
        // Up at once (an overload arrives in a burst), down by halves.
        let target = wait_for(self.admitted, self.refused);
        self.pushback = target.max((self.pushback + target) / 2);
        // The windows since then saw no call at all: each halves the wait.
        let idle = (elapsed.as_secs_f64() / WINDOW.as_secs_f64()) as u32 - 1;
        self.pushback /= 1 << idle.min(30);
        if self.pushback < MIN_PUSHBACK / 2 {
            self.pushback = Duration::ZERO;
        }
        // What the sliding estimate carries over: nothing after an idle spell.
        (self.last_admitted, self.last_refused) = if idle == 0 {
            (self.admitted, self.refused)
        } else {
            (0, 0)
        };
        self.started = now;
        self.admitted = 0;
        self.refused = 0;
    }

    /// The wait the last second's counts ask for at `now`: this window's and
    /// the share of the closed one that a second back from `now` still covers.
    /// Nothing until the second holds [`SLIDING_EVIDENCE`] refusals, so a few
    /// refusals at the start of a window do not decide it alone.
    fn sliding(&self, now: Instant) -> Duration {
        let covered =
            now.saturating_duration_since(self.started).as_secs_f64() / WINDOW.as_secs_f64();
        let share = (1.0 - covered).clamp(0.0, 1.0);
        let refused = self.refused as f64 + self.last_refused as f64 * share;
        if refused < SLIDING_EVIDENCE as f64 {
            return Duration::ZERO;
        }
        let admitted = self.admitted as f64 + self.last_admitted as f64 * share;
        wait_for_ratio(refused / admitted.max(1.0))
    }
}

/// The refusals within a second before the sliding estimate counts.
const SLIDING_EVIDENCE: u64 = 100;

/// The wait a window with these counts asks for: one window per refusal per
/// admission, capped.
fn wait_for(admitted: u64, refused: u64) -> Duration {
    if refused == 0 {
        return Duration::ZERO;
    }
    wait_for_ratio(refused as f64 / admitted.max(1) as f64)
}

/// One window per refusal per admission, capped.
fn wait_for_ratio(ratio: f64) -> Duration {
    WINDOW.mul_f64(ratio.min(MAX_PUSHBACK.as_secs_f64() / WINDOW.as_secs_f64()))
}

/// The wait a refused call's status asks for, if it names one.
pub fn requested(status: &tonic::Status) -> Option<Duration> {
    let value = status.metadata().get(PUSHBACK_HEADER)?.to_str().ok()?;
    let millis: u64 = value.trim().parse().ok()?;
    Some(Duration::from_millis(millis).min(MAX_PUSHBACK * 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one window of `admitted` admissions and `refused` refusals and
    /// returns the waits the refusals were told.
    fn second(pushback: &Pushback, start: Instant, admitted: u64, refused: u64) -> Vec<Duration> {
        for k in 0..admitted {
            pushback.admitted(start + Duration::from_micros(k));
        }
        (0..refused)
            .map(|k| pushback.refused(start + Duration::from_micros(admitted + k)))
            .collect()
    }

    #[test]
    fn without_overload_the_wait_is_the_least() {
        let t = Instant::now();
        let pushback = Pushback::new(t);
        let waits = second(&pushback, t, 400, 2);
        let waits2 = second(&pushback, t + WINDOW, 400, 2);
        for wait in waits.iter().chain(&waits2) {
            assert!(
                *wait >= MIN_PUSHBACK / 2 && *wait <= MIN_PUSHBACK * 3 / 2,
                "{wait:?}"
            );
        }
    }

    #[test]
    fn the_wait_grows_with_refusals_per_admission_and_is_capped() {
        let t = Instant::now();
        let pushback = Pushback::new(t);
        second(&pushback, t, 300, 3000);
        // Ten refusals per admission ask for ten seconds, at once.
        let waits = second(&pushback, t + WINDOW, 300, 1000);
        let mean = waits.iter().sum::<Duration>() / waits.len() as u32;
        assert!(
            mean > Duration::from_millis(9000) && mean < Duration::from_millis(11000),
            "{mean:?}"
        );
        // No admissions at all: the cap.
        let mut at = t + WINDOW * 2;
        for _ in 0..10 {
            second(&pushback, at, 0, 100);
            at += WINDOW;
        }
        let waits = second(&pushback, at, 0, 100);
        assert!(waits.iter().all(|w| *w <= MAX_PUSHBACK * 3 / 2));
        assert!(waits.iter().any(|w| *w > MAX_PUSHBACK));
    }

    #[test]
    fn the_wait_is_jittered_and_falls_when_the_load_does() {
        let t = Instant::now();
        let pushback = Pushback::new(t);
        second(&pushback, t, 100, 1000);
        let waits = second(&pushback, t + WINDOW, 100, 100);
        let (least, most) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
        assert!(*most > *least * 2, "{least:?} {most:?}");
        // A quiet spell: back to the least wait.
        let waits = second(&pushback, t + WINDOW * 12, 100, 1);
        assert!(waits[0] <= MIN_PUSHBACK * 3 / 2, "{waits:?}");
    }

    #[test]
    fn a_burst_is_told_to_wait_within_its_first_second() {
        let t = Instant::now();
        let pushback = Pushback::new(t);
        // 12,000 callers at once against 8 slots: the first refusals get the
        // least wait, those after the first hundred the burst's own ratio.
        let waits = second(&pushback, t, 8, 12_000);
        assert!(waits[..99].iter().all(|w| *w <= MIN_PUSHBACK * 3 / 2));
        let late = &waits[1_000..];
        let mean = late.iter().sum::<Duration>() / late.len() as u32;
        assert!(mean > Duration::from_secs(10), "{mean:?}");
        // The next second sees few refusals per admission: the wait falls
        // only by halves from the burst's.
        let waits = second(&pushback, t + WINDOW, 300, 150);
        assert!(waits.iter().all(|w| *w >= Duration::from_secs(3)));
    }

    #[test]
    fn a_status_names_its_wait() {
        let mut status = tonic::Status::resource_exhausted("busy");
        assert_eq!(requested(&status), None);
        status
            .metadata_mut()
            .insert(PUSHBACK_HEADER, "1500".parse().unwrap());
        assert_eq!(requested(&status), Some(Duration::from_millis(1500)));
        status
            .metadata_mut()
            .insert(PUSHBACK_HEADER, "-3".parse().unwrap());
        assert_eq!(requested(&status), None);
    }
}
