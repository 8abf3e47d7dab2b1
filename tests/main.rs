//! The one integration test binary (ripgrep style): one module per area.

mod util;
mod tmux;

mod cli;
mod sync;
mod tui;
mod inbox;
mod faults;
mod security;
mod fuzz;
mod load;
