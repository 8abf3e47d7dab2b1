//! Standard output of the subcommands. Every line goes through [`write`] (the `out!`
//! and `outln!` macros), which returns an error instead of panicking like `println!`:
//! a reader that stops early (`bianzhi warnings --json | head -1`) ends the command
//! through the ordinary `?` path, so whatever is being written is cleaned up by its
//! drops, and `main` exits quietly with status 0 (see [`is_closed`]).
//!
//! Resetting SIGPIPE to its default would also end the command quietly, but by killing
//! it at the write, skipping the cleanup; hence this.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The reader of standard output went away. Not a failure of the command: `main`
/// ends with status 0 and prints nothing.
#[derive(Debug, thiserror::Error)]
#[error("标准输出已关闭（读取方已退出），输出到此为止。")]
pub struct StdoutClosed;

static ASCII: AtomicBool = AtomicBool::new(false);

/// `--ascii`: from now on every mark written to standard output is its ASCII stand-in
/// (set once by `main`, so that every command, and every table in it, obeys).
pub fn set_ascii(on: bool) {
    ASCII.store(on, Ordering::Relaxed);
}

/// Whether `--ascii` is in force.
pub fn ascii_on() -> bool {
    ASCII.load(Ordering::Relaxed)
}

/// The marks the command line prints and their ASCII stand-ins. Data values (names,
/// document numbers) hold none of these.
const MARKS: [(char, &str); 9] = [
    ('●', "!"),
    ('◐', "="),
    ('○', "o"),
    ('⚠', "!"),
    ('›', ">"),
    ('→', "->"),
    ('—', "-"),
    ('·', "-"),
    ('…', "..."),
];

/// `s` with every mark replaced by its ASCII stand-in.
pub fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match MARKS.iter().find(|(m, _)| *m == c) {
            Some((_, a)) => out.push_str(a),
            None => out.push(c),
        }
    }
    out
}

/// Writes to standard output; a closed pipe becomes [`StdoutClosed`].
pub fn write(args: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    if ASCII.load(Ordering::Relaxed) {
        stdout.write_all(ascii(&args.to_string()).as_bytes())
    } else {
        stdout.write_fmt(args)
    }
    .map_err(from_io)
}

/// Flushes standard output (`main` does, before deciding the exit status).
pub fn flush() -> anyhow::Result<()> {
    io::stdout().lock().flush().map_err(from_io)
}

/// An error of writing to standard output: a closed pipe is [`StdoutClosed`], anything
/// else (a full disk behind a redirection) stays an error with its cause.
pub fn from_io(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        StdoutClosed.into()
    } else {
        anyhow::Error::new(e).context("写入标准输出失败")
    }
}

/// The command ended because standard output was closed. Only [`StdoutClosed`] counts:
/// a broken pipe of a network connection (a sync) is a real failure.
pub fn is_closed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<StdoutClosed>())
}

/// `print!` that returns an error: `out!("{x}")?`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!($($arg)*))
    };
}

/// `println!` that returns an error: `outln!("{x}")?`.
macro_rules! outln {
    () => {
        $crate::cli::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_closed_stdout_counts_as_closed() {
        let closed = from_io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_closed(&closed.context("打印预警")));
        // A broken network connection is an error like any other.
        let network = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(!is_closed(&network));
        let full = from_io(io::Error::from(io::ErrorKind::StorageFull));
        assert!(!is_closed(&full));
    }
}
