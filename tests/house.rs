//! House rules. Layers point one way, and the fault hooks are in the test build only.
//!
//! The layer check reads every file under `src/` and fails on a path that points
//! from a module to one it must not know (`crate::cli` in `src/tui`, `crate::sync` in
//! `src/store`, …), whether in a `use` line or written inline, in code or in its tests.
//!
//! The layers, as docs/ARCHITECTURE.md draws them (a module names only modules below
//! its own, and of those only the ones [`allowed`] lists):
//!
//! ```text
//!   main.rs → cli
//!   tui                      server (sync, store, model only)
//!   report       sync
//!   store
//!   search       generate    config
//!   model
//! ```
//!
//! Test code anywhere but in `model` may use `generate` for its fixtures.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The modules of ours each module may name, besides itself and `model`.
fn allowed(from: &str) -> &'static [&'static str] {
    match from {
        "model" => &[],
        "generate" | "search" | "config" => &[],
        // The cache stores the lookup keys the index reads (`store::lookup`).
        "store" => &["search"],
        "sync" => &["store"],
        "report" => &["store", "search"],
        // Roster comparison reads files and matches them; unit short forms from search.
        "compare" => &["search"],
        "server" => &["store", "sync"],
        // The comparison screen runs the roster comparison.
        "tui" => &["store", "sync", "search", "report", "config", "compare"],
        // The edge: subcommands start the interface, the server and the generator.
        "cli" => &[
            "store", "sync", "search", "report", "config", "tui", "server", "generate", "compare",
        ],
        // The crate root and the binary name every module.
        _ => &[
            "cli", "compare", "config", "generate", "model", "report", "search", "server", "store",
            "sync", "tui",
        ],
    }
}

/// Known violations being removed by others, each with who removes it. A new violation
/// fails the check; so does an entry here that no longer matches (delete it then).
const KNOWN: &[(&str, &str, &str)] = &[];

/// Outside crates a module must not depend on: the pure layers stay free of the command
/// line, the database, the runtime and the terminal.
fn forbidden_crates(from: &str) -> &'static [&'static str] {
    match from {
        "model" | "generate" | "search" | "compare" => &[
            "clap",
            "rusqlite",
            "tokio",
            "ratatui",
            "crossterm",
            "axum",
            "reqwest",
        ],
        _ => &[],
    }
}

const OURS: &[&str] = &[
    "cli", "compare", "config", "generate", "model", "report", "search", "server", "store", "sync",
    "tui",
];

/// One path from a file of `from` to module `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    file: String,
    line: usize,
    from: String,
    to: String,
    test_code: bool,
    text: String,
}

/// The module path of a file under `src/`: `src/tui/screens/drill.rs` → tui, screens,
/// drill; `src/tui/mod.rs` → tui; `src/lib.rs` → (the root).
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The line without its comment and with string and char literals emptied, so words in
/// messages and docs are not taken for paths. `in_str` carries a string across lines.
fn code_of(line: &str, in_str: &mut bool) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if *in_str {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    *in_str = false;
                    out.push('"');
                }
                _ => {}
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => break,
            '"' => {
                *in_str = true;
                out.push('"');
            }
            // A char literal ('"', '{'); a lifetime ('a) has no closing quote nearby.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if let Some(end) = rest.find('\'').filter(|&e| e > 0) {
                    for _ in 0..=end {
                        chars.next();
                    }
                    out.push_str("' '");
                } else {
                    out.push('\'');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Paths in `code` that start with the name of one of `crates` (`clap::ValueEnum`).
fn crate_paths(code: &str, crates: &[&str]) -> Vec<String> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    for krate in crates {
        let pat = format!("{krate}::");
        for (i, _) in code.match_indices(&pat) {
            let starts = i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':');
            if starts {
                found.push(krate.to_string());
            }
        }
    }
    found
}

/// The first segments of every path in `code` that starts at the crate root or climbs
/// out with `super`: `crate::sync::outbox` → sync; `crate::{store, sync::proto}` →
/// store, sync; `super::super::cli` from tui/screens/x.rs → cli.
fn targets(code: &str, module: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let ident_start =
        |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        if ident_start(i) && rest.starts_with("crate::") {
            found.extend(first_segments(&rest["crate::".len()..]));
            i += "crate::".len();
        } else if ident_start(i) && rest.starts_with("super::") {
            let mut depth = 0;
            let mut r = rest;
            while let Some(t) = r.strip_prefix("super::") {
                depth += 1;
                r = t;
            }
            // Climbed to the crate root: what follows names a top module (short of
            // it, the path stays inside this file's own top module).
            if depth >= module.len() {
                found.extend(first_segments(r));
            }
            i += rest.len() - r.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

/// `sync::proto` → sync; `{store::{self, Store}, sync}` → store, sync.
fn first_segments(s: &str) -> Vec<String> {
    if let Some(group) = s.strip_prefix('{') {
        let mut depth = 0;
        let mut items = vec![String::new()];
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(String::new());
                    continue;
                }
                _ => {}
            }
            items.last_mut().unwrap().push(c);
        }
        items.iter().filter_map(|it| ident(it.trim())).collect()
    } else {
        ident(s).into_iter().collect()
    }
}

fn ident(s: &str) -> Option<String> {
    let id: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Every reference from one file to another top module of ours.
fn references(rel: &Path, text: &str) -> Vec<Reference> {
    let module = module_path(rel);
    let from = module.first().cloned().unwrap_or_default();
    let file_name = rel.file_name().unwrap().to_string_lossy();
    let test_file = file_name == "tests.rs" || file_name.ends_with("_tests.rs");
    let mut in_str = false;
    // Brace depth at which a `#[cfg(test)]` item began, while inside it.
    let mut depth = 0i64;
    let mut cfg_test_pending = false;
    let mut test_from: Option<i64> = None;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = code_of(line, &mut in_str);
        let trimmed = code.trim();
        // The attribute's line and the item it gates; a braced item to its end.
        let mut test_line = false;
        if trimmed.starts_with("#[cfg(test)]") {
            cfg_test_pending = true;
            test_line = true;
        } else if cfg_test_pending && !trimmed.is_empty() && !trimmed.starts_with("#[") {
            cfg_test_pending = false;
            test_line = true;
            if test_from.is_none() && code.contains('{') {
                test_from = Some(depth);
            }
        }
        let test_code = test_file || test_from.is_some() || test_line;
        let external = crate_paths(&code, forbidden_crates(&from));
        for to in targets(&code, &module).into_iter().chain(external) {
            if (OURS.contains(&to.as_str()) || forbidden_crates(&from).contains(&to.as_str()))
                && to != from
            {
                out.push(Reference {
                    file: format!("src/{}", rel.display()),
                    line: n + 1,
                    from: from.clone(),
                    to,
                    test_code,
                    text: line.trim().to_string(),
                });
            }
        }
        for c in code.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if test_from == Some(depth) {
                        test_from = None;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn violates(r: &Reference) -> bool {
    if forbidden_crates(&r.from).contains(&r.to.as_str()) {
        return true;
    }
    if r.from.is_empty() || r.to == "model" {
        return false;
    }
    if r.test_code && r.to == "generate" && r.from != "model" {
        return false;
    }
    !allowed(&r.from).contains(&r.to.as_str())
}

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

fn all_references() -> Vec<Reference> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "src/ not found: {}", src.display());
    files
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            references(p.strip_prefix(&src).unwrap(), &text)
        })
        .collect()
}

#[test]
fn no_module_names_one_above_it_or_beside_it_that_it_must_not_know() {
    let refs = all_references();
    assert!(
        refs.iter().any(|r| r.from == "sync" && r.to == "store"),
        "the scan found no sync → store path: it reads nothing"
    );
    let mut new = Vec::new();
    let mut matched = BTreeSet::new();
    for r in refs.iter().filter(|r| violates(r)) {
        match KNOWN
            .iter()
            .position(|(file, to, _)| *file == r.file && *to == r.to)
        {
            Some(k) => {
                matched.insert(k);
            }
            None => new.push(format!(
                "{}:{}: `{}` names `{}`: {}",
                r.file, r.line, r.from, r.to, r.text
            )),
        }
    }
    let stale: Vec<_> = KNOWN
        .iter()
        .enumerate()
        .filter(|(k, _)| !matched.contains(k))
        .map(|(_, (file, to, why))| format!("{file} → {to} ({why})"))
        .collect();
    assert!(
        new.is_empty(),
        "imports that point the wrong way (see the layers in docs/ARCHITECTURE.md and \
         tests/house.rs):\n{}",
        new.join("\n")
    );
    assert!(
        stale.is_empty(),
        "these known violations are gone: delete them from KNOWN in tests/house.rs:\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_check_sees_a_path_pointing_up_however_it_is_written() {
    let scan = |file: &str, text: &str| -> Vec<(String, bool)> {
        references(Path::new(file), text)
            .into_iter()
            .filter(violates)
            .map(|r| (r.to, r.test_code))
            .collect()
    };
    let up = |to: &str| vec![(to.to_string(), false)];
    assert_eq!(
        scan("store/inbox.rs", "use crate::sync::outbox::State;"),
        up("sync")
    );
    assert_eq!(
        scan(
            "store/inbox.rs",
            "use crate::{model::Dataset, sync::{proto, wire}};"
        ),
        up("sync")
    );
    assert_eq!(
        scan("tui/mod.rs", "    let c = crate::cli::Ctx::default();"),
        up("cli")
    );
    assert_eq!(
        scan("tui/screens/drill.rs", "use super::super::super::cli::Ctx;"),
        up("cli")
    );
    assert_eq!(
        scan("generate/mod.rs", "#[derive(Debug, clap::ValueEnum)]"),
        up("clap")
    );
    assert_eq!(
        scan("model/mod.rs", "impl rusqlite::ToSql for X {}"),
        up("rusqlite")
    );
    assert_eq!(
        scan(
            "store/x.rs",
            "#[cfg(test)]\nuse crate::generate::Scale;\nuse crate::tui::X;"
        ),
        up("tui"),
        "a gated `use` is test code, the next line is not"
    );
    assert_eq!(
        scan("model/quota.rs", "use crate::generate::Scale;"),
        up("generate")
    );
    assert_eq!(
        scan(
            "store/stats.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::cli::query;\n}\n"
        ),
        vec![("cli".to_string(), true)]
    );
    // Fixtures in test code, words in strings and comments, and paths within a module
    // are not references up.
    assert!(
        scan(
            "store/stats.rs",
            "#[cfg(test)]\nmod tests {\n    use crate::generate::Scale;\n}\nfn g() {}"
        )
        .is_empty()
    );
    assert!(scan("store/stats.rs", "let s = \"crate::cli::x\"; // crate::tui").is_empty());
    assert!(scan("tui/screens/drill.rs", "use super::super::keymap::Key;").is_empty());
    assert!(scan("sync/client.rs", "use crate::store::{self, Store};").is_empty());
    // After a test module, code is checked as code again.
    assert_eq!(
        scan(
            "store/stats.rs",
            "#[cfg(test)]\nmod tests {\n    fn a() { let b = '{'; }\n}\nuse crate::generate::Scale;"
        ),
        up("generate")
    );
}

/// The fault tests stop the real binary with `BIANZHI_TEST_PAUSE`: the binary `cargo test`
/// builds must carry the hooks (a plain `cargo build` must not: see
/// src/store/fault_hook.rs and the figure in docs/RELIABILITY.md).
#[test]
fn the_binary_under_test_has_the_fault_hooks() {
    // The hook in force in the binary: a cache that may not grow imports nothing.
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("small.snap");
    bianzhi::sync::wire::Snapshot::new(crate::util::small(), 0, None)
        .write(&snap)
        .unwrap();
    let out = std::process::Command::new(crate::util::bin())
        .arg("import")
        .arg(&snap)
        .env("BIANZHI_CACHE", dir.path().join("cache.db"))
        .env("BIANZHI_CONFIG", dir.path().join("none.toml"))
        .env("BIANZHI_LOG_DIR", dir.path().join("log"))
        .env(bianzhi::store::fault_hook::MAX_PAGES, "8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("磁盘已满"),
        "BIANZHI_TEST_MAX_PAGES had no effect on the binary under test: {stderr}"
    );
}

// Every rule once (the preview = the server): tests/rules.rs.
