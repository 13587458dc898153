//! What wraps every request: HTTP method and body rules, the in-memory limiter, and the
//! storage-health recorder, the workspace's error pages for browsers.

pub mod http_rules;
pub mod limiter;
pub mod storage;
pub mod workspace_pages;
