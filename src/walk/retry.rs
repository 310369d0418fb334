//! When and how long to wait before trying a request again (doc/api.md "Errors and limits").

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use tokio::time::Instant;

/// The longest `Retry-After` civimg sits through; a server asking for more gets an error instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// How many times to retry, and the backoff between tries.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first try (`--retries`).
    pub retries: u32,
    /// First backoff step; doubled each time up to `max_backoff`.
    pub base: Duration,
    /// Ceiling of the exponential backoff.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// ~1 s doubling to 30 s, as doc/api.md recommends for 429s without `Retry-After`.
    pub fn new(retries: u32) -> Self {
        RetryPolicy {
            retries,
            base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }

    /// The wait before retry number `attempt` (0-based): the server's `Retry-After` when given,
    /// never less; otherwise exponential backoff with jitter in [step/2, step].
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let step = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// How one try ended, short of success.
pub enum Retry<E> {
    /// Worth another try: after the server's wait (`Retry-After`) when it gave one, else after
    /// the policy's backoff.
    Again(E, Option<Duration>),
    /// No other try can fare better.
    Stop(E),
}

/// What a retry loop's user says at its two turns (the API client, a file transfer).
pub trait Retrying<E> {
    /// The error to end with when the wait before the next try would be `delay`, longer than
    /// [`MAX_RETRY_AFTER`].
    fn too_long(&self, err: E, delay: Duration) -> E;

    /// Called before waiting `delay` for retry number `attempt` (from 1) after `err`.
    fn retrying(&self, err: &E, delay: Duration, attempt: u32);
}

/// The one retry skeleton: try, classify, wait (the server's `Retry-After` or the backoff),
/// try again, until a try succeeds, fails for good, the retries are spent (the last error is
/// returned) or the server asks for too long a wait.
pub async fn with_retries<T, E, F, Fut>(
    policy: RetryPolicy,
    turns: &impl Retrying<E>,
    mut once: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Retry<E>>>,
{
    let mut attempt = 0;
    loop {
        let (err, wait) = match once().await {
            Ok(done) => return Ok(done),
            Err(Retry::Stop(err)) => return Err(err),
            Err(Retry::Again(err, wait)) => (err, wait),
        };
        if attempt >= policy.retries {
            return Err(err);
        }
        let delay = policy.delay(attempt, wait);
        if delay > MAX_RETRY_AFTER {
            return Err(turns.too_long(err, delay));
        }
        attempt += 1;
        turns.retrying(&err, delay, attempt);
        tokio::time::sleep(delay).await;
    }
}

/// Below this, a gap left over from a throttle is dropped: the server is fine again.
const MIN_GAP: Duration = Duration::from_millis(50);

/// Spaces API requests. Never closer than the floor (`--api-interval`); after a 429 or 503 at
/// least as far apart as the server asked (or the backoff chose), then the gap halves with each
/// success until it is gone. A server that never complains is never waited on (doc/api.md: "tools
/// pace themselves", "Rate limits tightened in 2025").
#[derive(Debug, Default)]
pub struct Pacer {
    floor: Duration,
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    gap: Duration,
    last: Option<Instant>,
}

impl Pacer {
    /// A pacer that keeps at least `floor` between two requests.
    pub fn new(floor: Duration) -> Self {
        Pacer {
            floor,
            state: Mutex::default(),
        }
    }

    /// Waits until the next request may go out; the request counts as sent from then on.
    pub async fn wait(&self) {
        let (at, now) = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let gap = st.gap.max(self.floor);
            let at = st.last.map_or(now, |last| (last + gap).max(now));
            st.last = Some(at);
            (at, now)
        };
        // The timer's resolution is a millisecond: a request that may go now goes now.
        if at > now {
            tokio::time::sleep_until(at).await;
        }
    }

    /// The server asked for `wait` between requests (a 429 or 503): keep at least that much.
    pub fn throttled(&self, wait: Duration) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.gap = st.gap.max(wait);
    }

    /// A request succeeded: halve the gap a throttle left.
    pub fn succeeded(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.gap /= 2;
        if st.gap < MIN_GAP {
            st.gap = Duration::ZERO;
        }
    }

    /// The gap now in force, floor included (for tests and `-v`).
    pub fn gap(&self) -> Duration {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.gap.max(self.floor)
    }
}

/// Statuses that mean "try again later" (doc/api.md: 429, 503 with `Retry-After`, CDN 502/504,
/// and Cloudflare's own 520-524 pages, "The official reference").
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504 | 520..=524)
}

/// What Cloudflare means by one of its own statuses (reference errors.md; 524 is its timeout),
/// for messages: its HTML page is never shown.
pub fn cloudflare_name(status: u16) -> Option<&'static str> {
    Some(match status {
        520 => "Cloudflare: the origin answered with an unknown error",
        521 => "Cloudflare: the origin is down",
        522 => "Cloudflare: connecting to the origin timed out",
        523 => "Cloudflare: the origin is unreachable",
        524 => "Cloudflare: the origin took longer than 30 s to answer",
        _ => return None,
    })
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 allows both); a date in the past
/// means "now". Anything unreadable is "no advice", and backoff applies.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A short human form of a wait: `2s`, `1.5s`, `250ms`.
pub fn human_wait(d: Duration) -> String {
    if d >= Duration::from_secs(10) || d.subsec_millis() == 0 {
        format!("{}s", d.as_secs_f64().round())
    } else if d >= Duration::from_secs(1) {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_wins_and_is_never_shortened() {
        let p = RetryPolicy::new(5);
        assert_eq!(
            p.delay(4, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        h.insert(RETRY_AFTER, httpdate::fmt_http_date(later).parse().unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(
            wait > Duration::from_secs(110) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn pacing_keeps_what_the_server_asked_then_relaxes() {
        let p = Pacer::new(Duration::from_millis(100));
        assert_eq!(p.gap(), Duration::from_millis(100));
        p.throttled(Duration::from_secs(2));
        assert_eq!(p.gap(), Duration::from_secs(2));
        p.succeeded();
        assert_eq!(p.gap(), Duration::from_secs(1));
        for _ in 0..10 {
            p.succeeded();
        }
        assert_eq!(p.gap(), Duration::from_millis(100), "back to the floor");
    }

    #[tokio::test(start_paused = true)]
    async fn pacing_spaces_requests_only_when_asked() {
        let p = Pacer::new(Duration::ZERO);
        let t0 = Instant::now();
        p.wait().await;
        p.wait().await;
        assert_eq!(
            t0.elapsed(),
            Duration::ZERO,
            "a fine server is never waited on"
        );
        p.throttled(Duration::from_secs(1));
        p.wait().await;
        assert!(t0.elapsed() >= Duration::from_secs(1));
    }

    /// Counts the turns of a retry loop.
    #[derive(Default)]
    struct Turns(std::sync::Mutex<Vec<(String, Duration, u32)>>);

    impl Retrying<String> for Turns {
        fn too_long(&self, err: String, delay: Duration) -> String {
            format!("{err}; asks {}s", delay.as_secs())
        }

        fn retrying(&self, err: &String, delay: Duration, attempt: u32) {
            self.0.lock().unwrap().push((err.clone(), delay, attempt));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_retry_loop_waits_as_asked_and_gives_up_with_the_last_error() {
        let turns = Turns::default();
        let mut tries = 0;
        let got: Result<(), String> = with_retries(RetryPolicy::new(2), &turns, || {
            tries += 1;
            let n = tries;
            async move {
                Err(Retry::Again(
                    format!("try {n}"),
                    Some(Duration::from_secs(3)),
                ))
            }
        })
        .await;
        assert_eq!(got, Err("try 3".to_string()));
        let seen = turns.0.lock().unwrap().clone();
        let three = Duration::from_secs(3);
        assert_eq!(
            seen,
            vec![
                ("try 1".to_string(), three, 1),
                ("try 2".to_string(), three, 2)
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_retry_loop_stops_at_once_on_a_final_error_or_too_long_a_wait() {
        let turns = Turns::default();
        let stop: Result<u8, String> = with_retries(RetryPolicy::new(5), &turns, || async {
            Err(Retry::Stop("gone".to_string()))
        })
        .await;
        assert_eq!(stop, Err("gone".to_string()));
        let long = MAX_RETRY_AFTER + Duration::from_secs(1);
        let wait: Result<u8, String> = with_retries(RetryPolicy::new(5), &turns, || async move {
            Err(Retry::Again("busy".to_string(), Some(long)))
        })
        .await;
        assert_eq!(wait, Err("busy; asks 601s".to_string()));
        assert!(turns.0.lock().unwrap().is_empty());
        let mut tries = 0;
        let later: Result<u8, String> = with_retries(RetryPolicy::new(5), &turns, || {
            tries += 1;
            let n = tries;
            async move {
                match n {
                    1 => Err(Retry::Again("once".to_string(), None)),
                    _ => Ok(7),
                }
            }
        })
        .await;
        assert_eq!(later, Ok(7));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps_at_30s() {
        let p = RetryPolicy::new(5);
        for attempt in 0..10 {
            let d = p.delay(attempt, None);
            let step = Duration::from_secs(1 << attempt.min(5)).min(Duration::from_secs(30));
            assert!(d >= step / 2 && d <= step, "attempt {attempt}: {d:?}");
        }
    }
}
