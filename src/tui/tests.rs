//! Screen snapshots and update tests.
