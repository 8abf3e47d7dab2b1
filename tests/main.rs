//! The one integration test binary (ripgrep style): one module per area.

mod tmux;
mod util;

mod cli;
mod compare;
mod derived;
mod durability;
mod english;
mod exec;
mod faults;
mod fixcheck;
mod forms;
mod fuzz;
mod house;
mod inbox;
mod load;
mod lookup;
mod maintenance;
mod outbox;
mod pg;
mod privacy;
mod reports;
mod rules;
mod security;
mod server;
mod sync;
mod tui;
mod ui14;
