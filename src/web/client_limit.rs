//! A per-client limit on sign-in attempts, held in memory only: a token bucket per client,
//! keyed by a salted hash of the client's address (the salt is random per process and never
//! leaves it), so neither the database nor the logs nor even this map hold an address.
//! Each instance counts on its own; the per-account wait in the database is what holds
//! across instances.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

/// Buckets kept at most; beyond it, buckets that have refilled are forgotten first.
const MAX_CLIENTS: usize = 50_000;

#[derive(Clone)]
pub struct ClientLimiter {
    per_minute: u32,
    salt: [u8; 32],
    buckets: Arc<Mutex<HashMap<u64, Bucket>>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl std::fmt::Debug for ClientLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientLimiter")
            .field("per_minute", &self.per_minute)
            .finish_non_exhaustive()
    }
}

impl ClientLimiter {
    pub fn new(per_minute: u32) -> Self {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).expect("the operating system's random source failed");
        ClientLimiter {
            per_minute: per_minute.max(1),
            salt,
            buckets: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn key(&self, client: IpAddr) -> u64 {
        let digest = Sha256::new()
            .chain_update(self.salt)
            .chain_update(client.to_string())
            .finalize();
        u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
    }

    /// Takes one attempt from the client's bucket; `Err(wait)` when it is empty.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let key = self.key(client);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            let full_after = Duration::from_secs(60);
            buckets.retain(|_, b| now.saturating_duration_since(b.at) < full_after);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                ((1.0 - bucket.tokens) / per_second).ceil(),
            ))
        }
    }
}

/// The client's address: the TCP peer, or behind a trusted reverse proxy the last entry of
/// `X-Forwarded-For` (the one the proxy appended; earlier entries are the client's to forge).
pub fn client_address(req: &HttpRequest, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(last) = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
        && let Ok(ip) = last.trim().parse()
    {
        return Some(ip);
    }
    req.peer_addr().map(|a| a.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_attempts_per_minute_and_others_are_not_affected() {
        let limiter = ClientLimiter::new(3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
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
}
