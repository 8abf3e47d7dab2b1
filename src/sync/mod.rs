//! The sync protocol: wire types and encoding (shared with the server), the client,
//! and applying pulled pages to the cache.

pub mod apply;
pub mod client;
pub mod outbox;
pub mod proto;
pub mod wire;

pub use client::{Client, Progress, Report, Retry};
