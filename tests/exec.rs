//! Issue 13: the interface never touches SQLite itself and does not reach into the
//! command line. Its effects go through `store::exec` (tested in src/store/exec.rs and
//! src/tui/exec_tests.rs); this checks the source for a way around it.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_interface_has_no_sqlite_connection_of_its_own_and_no_command_line_import() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 10, "the interface's files are found");
    let forbidden = [
        "rusqlite",
        "Connection::open",
        "Store::open(",
        "Store::create(",
        "store_or_create",
        "crate::cli",
    ];
    let mut found = Vec::new();
    for f in &files {
        // The executor's own tests in the interface open a cache file to run it on.
        let test_only = f.file_name().is_some_and(|n| n == "exec_tests.rs");
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            for word in forbidden {
                if line.contains(word) && !(test_only && word.starts_with("Store::")) {
                    found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
