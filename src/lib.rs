//! bianzhi: a keyboard-driven terminal client for real-name staffing administration
//! (机构编制实名制), with its local cache, its sync protocol and a reference server.

pub mod cli;
pub mod compare;
pub mod config;
pub mod generate;
pub mod model;
pub mod report;
pub mod search;
pub mod server;
pub mod store;
pub mod sync;
pub mod tui;
