//! citizen-survey: anonymous citizen surveys for Suita City's digital policy.
//!
//! Folders follow the path of a request: `web` (routes, pages) → `domain` (answers parsed
//! once) → `db` (storage) and `stats` + `export` (scores and CSV). `definitions` reads the
//! survey files; `startup` wires it together; `cli` is the binary's commands.

pub mod cli;
pub mod clock;
pub mod db;
pub mod definitions;
pub mod domain;
pub mod evaluation;
pub mod export;
pub mod i18n;
pub mod invite;
pub mod language;
pub mod mail;
pub mod paper;
pub mod postal;
pub mod publish;
pub mod report;
pub mod sample;
pub mod settings;
pub mod startup;
pub mod stats;
pub mod text;
pub mod web;
pub mod weights;
