//! bianzhi: a keyboard-driven terminal client for real-name staffing administration
//! (机构编制实名制), with its local cache, its sync protocol and a reference server.

pub mod model;
pub mod generate;
pub mod search;
pub mod store;
pub mod sync;
pub mod server;
pub mod config;
pub mod cli;
pub mod report;
pub mod tui;
