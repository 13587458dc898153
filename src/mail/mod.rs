//! E-mail to invitees: messages in the invitee's language, and the outbox worker that sends
//! them through SMTP with retries.

mod message;
mod worker;

pub use message::{MessageParts, compose, render};
pub use worker::{MailSettings, spawn_worker};
