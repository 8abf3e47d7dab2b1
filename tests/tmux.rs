//! The real binary in a real terminal: a tmux server of its own (`-S`, its socket in a temporary directory) runs one command
//! in an 80x24 window; tests send keys and read the pane as a person would. The server
//! is killed when the value is dropped.

use std::process::Command;
use std::time::{Duration, Instant};

/// How long a screen may take to show what a test waits for (a debug build on a busy
/// machine, a sync against the test server).
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Tmux {
    /// The server's socket, in a directory of its own removed with it: nothing is left
    /// in the user's tmux directory.
    socket: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Runs `cmd` (a shell command line) in a new 80x24 window; the pane stays after
    /// the program exits so a test can see that it did.
    pub fn start(cmd: &str) -> Tmux {
        let dir = tempfile::Builder::new()
            .prefix("bianzhi-tmux-")
            .tempdir()
            .unwrap();
        let t = Tmux {
            socket: dir.path().join("socket"),
            _dir: dir,
        };
        t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "t",
            cmd,
        ]);
        t.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-u")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Keys in tmux's names (`Enter`, `Down`, `BSpace`, `C-u`).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "t", k]);
        }
    }

    /// Literal text, as an input method would deliver it.
    pub fn text(&self, s: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", s]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// Waits until the screen shows what `pred` looks for, and is still; panics with the
    /// screen if not.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            // A capture can land while a frame is still being written: take the screen
            // only once two captures a moment apart agree.
            if pred(&s) {
                std::thread::sleep(Duration::from_millis(40));
                if self.screen() == s {
                    return s;
                }
                continue;
            }
            if start.elapsed() > PATIENCE {
                panic!("waited for {what}; the screen shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&self, needle: &str) -> String {
        self.wait_for(needle, |s| s.contains(needle))
    }

    /// Whether the program in the pane has exited.
    pub fn dead(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_dead}"])
            .trim()
            == "1"
    }

    /// Waits for the program to exit; panics with the screen if it does not.
    pub fn wait_exit(&self, after: &str) {
        let start = Instant::now();
        while !self.dead() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{after} did not quit: {}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
