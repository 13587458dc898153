//! The analysts' and operators' workspace: sign-in, dashboard, publication, paper entry,
//! and the bearer-token API for scripts (`api`).

pub mod api;
pub mod comments;
pub mod dashboard;
pub mod evaluation;
pub mod pages;
pub mod paper;
pub mod publish;
pub mod report;
pub mod session;
pub mod texts;
