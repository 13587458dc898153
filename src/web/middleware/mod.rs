//! What wraps every request: HTTP method and body rules, the in-memory limiter, and the
//! storage-health recorder.

pub mod http_rules;
pub mod limiter;
pub mod storage;
