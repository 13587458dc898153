//! Black-box tests: each starts the real server on a random port with its own database and
//! talks HTTP to it.

mod analyst;
mod anonymity;
mod codes;
mod comments;
mod deploy;
mod disclosure;
mod evaluation;
mod exports;
mod faults;
mod full_disk;
mod fuzz;
mod helpers;
mod hostile_input;
mod instances;
mod invitations;
mod migrations;
mod opinions;
mod paper;
mod persistence;
mod r_exports;
mod report;
mod resident;
mod sampling;
mod slow_clients;
mod smtp;
mod startup;
mod text;
mod throttle;
mod validation;
mod workspace;
mod writer;
