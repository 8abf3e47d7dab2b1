//! Fault hooks for the fault tests (tests/faults.rs, tests/outbox.rs), which drive the
//! real binary into a full cache or SIGKILL it inside an open transaction. They are read
//! from the process environment because the tests run the binary, not this library, so
//! `#[cfg(test)]` cannot reach them; they are compiled in only with the `test-hooks`
//! feature, which the package's dev-dependency on itself turns on for every build
//! `cargo test` makes (the binary under test included) and which `cargo build` and
//! `cargo install` leave off: there, every hook is a no-op and no variable is read.

/// `BIANZHI_TEST_MAX_PAGES=N`: the cache cannot grow past N pages, so writes fail
/// with SQLITE_FULL exactly as on a full disk.
pub const MAX_PAGES: &str = "BIANZHI_TEST_MAX_PAGES";
/// `BIANZHI_TEST_PAUSE=<point>`: at that point (`apply`: a pulled page written but
/// not committed; `outbox`: a decision inserted but not committed; `push`: a batch
/// answered, the next not sent) print `BIANZHI_TEST_PAUSE <point>` on stderr and sleep
/// until killed.
pub const PAUSE: &str = "BIANZHI_TEST_PAUSE";

/// Stops at `point` when `BIANZHI_TEST_PAUSE` names it.
#[cfg(feature = "test-hooks")]
pub fn pause(point: &str) {
    if std::env::var(PAUSE).is_ok_and(|p| p == point) {
        eprintln!("{PAUSE} {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Without the hooks: nothing.
#[cfg(not(feature = "test-hooks"))]
pub fn pause(_point: &str) {}

/// The page limit `BIANZHI_TEST_MAX_PAGES` sets, if any.
#[cfg(feature = "test-hooks")]
pub fn max_pages() -> Option<u64> {
    std::env::var(MAX_PAGES).ok()?.parse().ok()
}

/// Without the hooks: no limit.
#[cfg(not(feature = "test-hooks"))]
pub fn max_pages() -> Option<u64> {
    None
}
