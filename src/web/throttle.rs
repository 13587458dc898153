//! Slowing down guessers, in memory only: nothing here is stored, logged or shared between
//! instances, and a client is known only by a keyed hash of its address that changes with
//! every start of the process.
//!
//! Each client has a bucket of `burst` failures refilled at `per_minute`; all clients
//! together have a larger one, so that guessing spread over many addresses is slowed too.
//! Only failures (a well-formed code that is not issued) take from the buckets: a resident
//! who types their code right is never slowed.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(capacity: f64, now: Instant) -> Self {
        Bucket {
            tokens: capacity,
            at: now,
        }
    }

    fn refill(&mut self, capacity: f64, per_second: f64, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * per_second).min(capacity);
        self.at = now;
    }
}

/// Limits on failed attempts: per client and for all clients together.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub client_burst: f64,
    pub client_per_minute: f64,
    pub global_burst: f64,
    pub global_per_minute: f64,
}

impl Limits {
    /// For access codes: 10 failures at once and 1 a minute per client; 600 at once and
    /// 60 a minute for everyone.
    pub const ACCESS_CODES: Limits = Limits {
        client_burst: 10.0,
        client_per_minute: 1.0,
        global_burst: 600.0,
        global_per_minute: 60.0,
    };
}

/// Most clients remembered at once; beyond this, those with a full bucket are forgotten.
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug)]
pub struct Throttle {
    limits: Limits,
    /// Random per process: the map's keys say nothing about addresses after a restart.
    hasher: std::collections::hash_map::RandomState,
    state: Mutex<(Bucket, HashMap<u64, Bucket>)>,
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Throttle {
            limits,
            hasher: std::collections::hash_map::RandomState::new(),
            state: Mutex::new((
                Bucket::full(limits.global_burst, Instant::now()),
                HashMap::new(),
            )),
        }
    }

    fn key(&self, client: Option<IpAddr>) -> u64 {
        self.hasher.hash_one(client)
    }

    /// Whether the client may try now (it has a failure left, and so has everyone).
    pub fn allows(&self, client: Option<IpAddr>) -> bool {
        self.allows_at(client, Instant::now())
    }

    /// Counts one failed attempt.
    pub fn failed(&self, client: Option<IpAddr>) {
        self.failed_at(client, Instant::now())
    }

    fn allows_at(&self, client: Option<IpAddr>, now: Instant) -> bool {
        let l = self.limits;
        let key = self.key(client);
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (global, clients) = &mut *guard;
        global.refill(l.global_burst, l.global_per_minute / 60.0, now);
        let mine = clients.get_mut(&key).map(|b| {
            b.refill(l.client_burst, l.client_per_minute / 60.0, now);
            b.tokens
        });
        global.tokens >= 1.0 && mine.is_none_or(|t| t >= 1.0)
    }

    fn failed_at(&self, client: Option<IpAddr>, now: Instant) {
        let l = self.limits;
        let key = self.key(client);
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (global, clients) = &mut *guard;
        global.refill(l.global_burst, l.global_per_minute / 60.0, now);
        global.tokens = (global.tokens - 1.0).max(0.0);
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&key) {
            clients.retain(|_, b| {
                b.refill(l.client_burst, l.client_per_minute / 60.0, now);
                b.tokens < l.client_burst
            });
        }
        let b = clients
            .entry(key)
            .or_insert_with(|| Bucket::full(l.client_burst, now));
        b.refill(l.client_burst, l.client_per_minute / 60.0, now);
        b.tokens = (b.tokens - 1.0).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const SMALL: Limits = Limits {
        client_burst: 3.0,
        client_per_minute: 1.0,
        global_burst: 5.0,
        global_per_minute: 60.0,
    };

    #[test]
    fn a_client_is_slowed_after_its_burst_and_recovers() {
        let t = Throttle::new(SMALL);
        let a = Some("192.0.2.1".parse().unwrap());
        let now = Instant::now();
        for _ in 0..3 {
            assert!(t.allows_at(a, now));
            t.failed_at(a, now);
        }
        assert!(!t.allows_at(a, now));
        // Another client is not affected by the first one's failures.
        assert!(t.allows_at(Some("192.0.2.2".parse().unwrap()), now));
        assert!(t.allows_at(a, now + Duration::from_secs(61)));
    }

    #[test]
    fn guessing_spread_over_many_clients_is_slowed_too() {
        let t = Throttle::new(SMALL);
        let now = Instant::now();
        for i in 0..5u8 {
            t.failed_at(Some(IpAddr::from([198, 51, 100, i])), now);
        }
        assert!(!t.allows_at(Some("203.0.113.9".parse().unwrap()), now));
        assert!(t.allows_at(
            Some("203.0.113.9".parse().unwrap()),
            now + Duration::from_secs(2)
        ));
    }
}
