//! The one integration test binary (ripgrep style): one module per area.

mod tmux;
mod util;

mod cli;
mod durability;
mod exec;
mod faults;
mod fuzz;
mod inbox;
mod load;
mod outbox;
mod privacy;
mod security;
mod sync;
mod tui;
