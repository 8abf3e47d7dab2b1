//! The sync protocol: wire types and encoding (shared with the server), the client,
//! and applying pulled pages to the cache.

pub mod wire;
