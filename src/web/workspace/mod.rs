//! The analysts' and operators' workspace: sign-in, dashboard, publication, paper entry,
//! and the bearer-token API for scripts (`api`).

pub mod api;
pub mod dashboard;
pub mod pages;
pub mod paper;
pub mod publish;
pub mod session;
