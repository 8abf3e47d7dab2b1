//! The one integration test binary (ripgrep style): one module per area.

mod tmux;
mod util;

mod bulk;
mod cli;
mod compare;
mod compare_screen;
mod derived;
mod derived19;
mod durability;
mod english;
mod exec;
mod faults;
mod fixcheck;
mod forecast;
mod forms;
mod forms2;
mod fuzz;
mod house;
mod inbox;
mod load;
mod lookup;
mod maintenance;
mod outbox;
mod pg;
mod privacy;
mod report2;
mod reports;
mod rules;
mod security;
mod server;
mod sync;
mod tui;
mod ui14;
