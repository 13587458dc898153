//! Black-box tests: each starts the real server on a random port with its own database and
//! talks HTTP to it.

mod analyst;
mod deploy;
mod disclosure;
mod exports;
mod faults;
mod helpers;
mod instances;
mod invitations;
mod migrations;
mod persistence;
mod resident;
mod smtp;
mod startup;
mod validation;
mod workspace;
