//! Slowing down guessers, in memory only: nothing here is stored, logged or shared between
//! instances, and a client is known only by a keyed hash of its address whose key is
//! random per process (the map's keys say nothing about addresses, even to this process
//! after a restart). Each instance counts on its own; what must hold across instances (the
//! per-account wait on sign-in) is in the database.
//!
//! One [`Limiter`] per kind of attempt: each client has a token bucket of `burst` attempts
//! refilled at `per_minute`, and optionally all clients together have a larger one, so
//! that guessing spread over many addresses is slowed too. A client is its address as
//! [`client_address`] gives it: behind a trusted proxy the address the proxy saw, and an
//! IPv6 address by its /64 (one home or one phone has a whole /64 to hop through).
//!
//! Access codes count only failures (a well-formed code that is not issued) and have no
//! overall bucket: a resident who types their code right is never slowed by anybody else's
//! failures, only by their own address's (docs/anonymity.md gives the guessing odds that
//! remain, with several instances). Sign-in counts every attempt, per client and overall:
//! an overall flood slows sign-in, never the residents' pages (see
//! `web::workspace::session`).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

/// A bucket's size and refill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub burst: f64,
    pub per_minute: f64,
}

impl Rate {
    fn per_second(self) -> f64 {
        self.per_minute / 60.0
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(rate: Rate, now: Instant) -> Self {
        Bucket {
            tokens: rate.burst,
            at: now,
        }
    }

    fn refill(&mut self, rate: Rate, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_second()).min(rate.burst);
        self.at = now;
    }

    fn spend(&mut self) {
        self.tokens = (self.tokens - 1.0).max(0.0);
    }

    /// How long until it holds one attempt again.
    fn wait(&self, rate: Rate) -> Duration {
        Duration::from_secs_f64(((1.0 - self.tokens).max(0.0) / rate.per_second()).ceil())
    }
}

/// The overall sign-in budget, in clients' worth: with the default 10 a minute per client,
/// 60 attempts at once and 60 a minute in all (a city has a handful of analysts).
pub const SIGN_IN_OVERALL_FACTOR: f64 = 6.0;

/// Most clients remembered at once; beyond this, those whose bucket has refilled are
/// forgotten (they would start full anyway).
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug)]
pub struct Limiter {
    client: Rate,
    global: Option<Rate>,
    hasher: std::collections::hash_map::RandomState,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    global: Option<Bucket>,
    clients: HashMap<u64, Bucket>,
}

impl Limiter {
    pub fn new(client: Rate, global: Option<Rate>) -> Self {
        let now = Instant::now();
        Limiter {
            client,
            global,
            hasher: std::collections::hash_map::RandomState::new(),
            state: Mutex::new(State {
                global: global.map(|g| Bucket::full(g, now)),
                clients: HashMap::new(),
            }),
        }
    }

    /// Access codes: 10 failures at once and 1 a minute per client, nothing overall (an
    /// overall bucket let 61 addresses keep every resident out).
    pub fn access_codes() -> Self {
        Limiter::new(
            Rate {
                burst: 10.0,
                per_minute: 1.0,
            },
            None,
        )
    }

    /// Sign-in: `per_minute` attempts at once and a minute per client, and
    /// [`SIGN_IN_OVERALL_FACTOR`] times that for all clients together.
    pub fn sign_in(per_minute: u32) -> Self {
        let n = f64::from(per_minute.max(1));
        Limiter::new(
            Rate {
                burst: n,
                per_minute: n,
            },
            Some(Rate {
                burst: n * SIGN_IN_OVERALL_FACTOR,
                per_minute: n * SIGN_IN_OVERALL_FACTOR,
            }),
        )
    }

    /// Whether the client may try now (it has an attempt left, and so has everyone);
    /// takes nothing.
    pub fn allows(&self, client: Option<IpAddr>) -> bool {
        self.check(client, Instant::now()).is_ok()
    }

    /// Counts one attempt (for access codes: one failure).
    pub fn spend(&self, client: Option<IpAddr>) {
        self.spend_at(client, Instant::now())
    }

    /// Takes one attempt if the client may try; `Err(wait)` when it may not.
    pub fn take(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        self.check(client, now)?;
        self.spend_at(client, now);
        Ok(())
    }

    fn check(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let key = self.hasher.hash_one(client);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        if let (Some(rate), Some(global)) = (self.global, state.global.as_mut()) {
            global.refill(rate, now);
            if global.tokens < 1.0 {
                wait = global.wait(rate);
            }
        }
        if let Some(mine) = state.clients.get_mut(&key) {
            mine.refill(self.client, now);
            if mine.tokens < 1.0 {
                wait = wait.max(mine.wait(self.client));
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    fn spend_at(&self, client: Option<IpAddr>, now: Instant) {
        let key = self.hasher.hash_one(client);
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let state = &mut *guard;
        if let (Some(rate), Some(global)) = (self.global, state.global.as_mut()) {
            global.refill(rate, now);
            global.spend();
        }
        let rate = self.client;
        if state.clients.len() >= MAX_CLIENTS && !state.clients.contains_key(&key) {
            state.clients.retain(|_, b| {
                b.refill(rate, now);
                b.tokens < rate.burst
            });
        }
        let mine = state
            .clients
            .entry(key)
            .or_insert_with(|| Bucket::full(rate, now));
        mine.refill(rate, now);
        mine.spend();
    }
}

/// The client as the limiters know it: the TCP peer, or behind a trusted reverse proxy the
/// last entry of `X-Forwarded-For` (the one the proxy appended; earlier entries are the
/// client's to forge); an IPv6 address by its /64 prefix, an IPv4-mapped one as IPv4.
pub fn client_address(req: &HttpRequest, trust_proxy: bool) -> Option<IpAddr> {
    let forwarded = trust_proxy
        .then(|| {
            req.headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .last()
                .and_then(|last| last.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .map(client_of)
}

/// An address as one client: IPv6 by its /64, IPv4-mapped IPv6 as the IPv4 address.
pub fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(bits))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limiter {
        Limiter::new(
            Rate {
                burst: 3.0,
                per_minute: 1.0,
            },
            Some(Rate {
                burst: 5.0,
                per_minute: 60.0,
            }),
        )
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_client_is_slowed_after_its_burst_and_recovers() {
        let t = small();
        let a = ip("192.0.2.1");
        let now = Instant::now();
        for _ in 0..3 {
            assert!(t.check(a, now).is_ok());
            t.spend_at(a, now);
        }
        assert_eq!(t.check(a, now), Err(Duration::from_secs(60)));
        // Another client is not affected by the first one's failures.
        assert!(t.check(ip("192.0.2.2"), now).is_ok());
        assert!(t.check(a, now + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn guessing_spread_over_many_clients_is_slowed_too() {
        let t = small();
        let now = Instant::now();
        for i in 0..5u8 {
            t.spend_at(Some(IpAddr::from([198, 51, 100, i])), now);
        }
        assert_eq!(t.check(ip("203.0.113.9"), now), Err(Duration::from_secs(1)));
        assert!(
            t.check(ip("203.0.113.9"), now + Duration::from_secs(2))
                .is_ok()
        );
    }

    #[test]
    fn sign_in_counts_every_attempt_and_says_how_long_to_wait() {
        let limiter = Limiter::sign_in(3);
        let (a, b) = (ip("192.0.2.1"), ip("192.0.2.2"));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take(a, t0).is_ok());
        }
        assert_eq!(limiter.take(a, t0), Err(Duration::from_secs(20)));
        assert!(limiter.take(b, t0).is_ok());
        // One attempt comes back every 20 s.
        assert!(limiter.take(a, t0 + Duration::from_secs(20)).is_ok());
        assert!(limiter.take(a, t0 + Duration::from_secs(21)).is_err());
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64_and_a_mapped_one_its_ipv4() {
        let a = client_of("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = client_of("2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap());
        let other = client_of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        assert_ne!(a, other);
        assert_eq!(
            client_of("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_of("192.0.2.7".parse().unwrap()),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn codes_have_no_overall_bucket_and_sign_in_has_one() {
        let codes = Limiter::access_codes();
        let now = Instant::now();
        for i in 0..2_000u32 {
            codes.spend_at(Some(IpAddr::from(i.to_be_bytes())), now);
        }
        assert!(
            codes.check(ip("203.0.113.9"), now).is_ok(),
            "a fresh client is never slowed"
        );
        let sign_in = Limiter::sign_in(10);
        for i in 0..60u32 {
            assert!(
                sign_in
                    .take(Some(IpAddr::from(i.to_be_bytes())), now)
                    .is_ok()
            );
        }
        assert_eq!(
            sign_in.take(ip("203.0.113.9"), now),
            Err(Duration::from_secs(1))
        );
    }
}
