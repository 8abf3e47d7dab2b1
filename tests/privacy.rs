//! Personal data in every output, and the command line as a Unix tool: the real binary
//! on a cache imported from `testdata/small.snap`.
//!
//! - No output but an explicit, audited reveal shows an ID number or a whole birth date
//!   (a masked ID number beside a full birth date is a full ID number).
//! - XLSX exports are 0600, whole or absent, and keep codes as text with every digit.
//! - A reader that stops reading (`| head -1`) ends every command quietly, status 0.

use crate::cli::{Cache, snapshot};
use bianzhi::model::Dataset;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// The dataset behind `testdata/small.snap`: what a leak would show.
fn dataset() -> Dataset {
    bianzhi::sync::wire::Snapshot::read(&snapshot())
        .unwrap()
        .data
        .decode()
        .unwrap()
}

/// What must not be shown: every ID number, and every birth date that is not also some
/// other date of the data (a date of entry shown on its own is no leak; a date that
/// occurs only as a birth date is).
struct Secrets {
    ids: HashSet<String>,
    births: HashSet<String>,
    /// Codes that may look like an ID number but are public (credit codes).
    public_codes: HashSet<String>,
}

impl Secrets {
    fn of(d: &Dataset) -> Secrets {
        let mut other_dates: HashSet<String> = HashSet::new();
        let mut add = |x: Option<chrono::NaiveDate>| {
            if let Some(x) = x {
                other_dates.insert(x.to_string());
            }
        };
        for p in &d.persons {
            add(p.work_start);
            add(p.entry_date);
            add(p.exit_date);
        }
        for o in &d.orgs {
            add(o.founding_date);
        }
        for e in &d.events {
            add(Some(e.date));
        }
        for l in &d.ledger {
            add(Some(l.date));
        }
        for l in &d.posts {
            add(Some(l.date));
        }
        for a in &d.approvals {
            add(Some(a.submitted_on));
            add(a.decided_on);
        }
        Secrets {
            ids: d
                .persons
                .iter()
                .filter(|p| p.id_number.len() >= 15)
                .map(|p| p.id_number.clone())
                .collect(),
            births: d
                .persons
                .iter()
                .filter_map(|p| p.birth_date.map(|b| b.to_string()))
                .filter(|b| !other_dates.contains(b))
                .collect(),
            public_codes: d
                .orgs
                .iter()
                .filter_map(|o| o.credit_code.clone())
                .collect(),
        }
    }

    /// Every ID number (any run of 17 digits and a digit or X that is not a credit
    /// code) and every secret birth date in `text`.
    fn leaks(&self, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let start = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'X' || b[i] == b'x') {
                    i += 1;
                }
                let run = &text[start..i];
                // A unified credit code holds letters: its digits alone are no ID number.
                if run.len() >= 17 && !self.public_codes.iter().any(|c| c.contains(run)) {
                    found.push(format!("ID-like number {run}"));
                }
            } else {
                i += 1;
            }
        }
        for id in &self.ids {
            if text.contains(id.as_str()) {
                found.push(format!("ID number {id}"));
            }
        }
        for d in &self.births {
            if text.contains(d.as_str()) {
                found.push(format!("birth date {d}"));
            }
        }
        found
    }
}

fn command(cache: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bianzhi"));
    c.arg("--cache")
        .arg(cache)
        .args(args)
        .env("BIANZHI_TODAY", "2026-11-23")
        .env("BIANZHI_CONFIG", cache.with_extension("toml"))
        .env("BIANZHI_LOG_DIR", cache.parent().unwrap().join("log"))
        .stdin(Stdio::null());
    c
}

fn stdout_of(cache: &Path, args: &[&str]) -> String {
    let out = command(cache, args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The first sheet of a workbook as lines of tab-separated text.
fn xlsx_text(path: &Path) -> String {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn audits(cache: &Path, action: &str) -> i64 {
    bianzhi::store::Store::open(cache)
        .unwrap()
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = ?",
            [action],
            |r| r.get(0),
        )
        .unwrap()
}

/// Every command's JSON and table, and every export in both formats: no ID number and
/// no whole birth date of anyone in the data; only the audited reveal shows them.
#[test]
fn no_output_shows_an_id_number_or_a_birth_date_unless_revealed() {
    let data = dataset();
    let secrets = Secrets::of(&data);
    assert!(secrets.ids.len() > 500 && secrets.births.len() > 300);
    let c = Cache::imported();
    // A person on the books with a whole ID number and a birth date only a birth date.
    let p = data
        .persons
        .iter()
        .find(|p| {
            p.status == bianzhi::model::PersonStatus::Active
                && secrets.ids.contains(&p.id_number)
                && p.birth_date
                    .is_some_and(|b| secrets.births.contains(&b.to_string()))
        })
        .unwrap();
    let (pid, oid, name) = (p.id.to_string(), p.org_id.to_string(), p.name.as_str());
    let root = data
        .orgs
        .iter()
        .find(|o| o.parent_id.is_none())
        .unwrap()
        .id
        .to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["person", &pid, "--json"],
        vec!["person", &pid],
        vec!["search", name, "--json"],
        vec!["search", name],
        vec!["warnings", "--json"],
        vec!["warnings"],
        vec![
            "warnings",
            "--kind",
            "retirement",
            "--within",
            "120",
            "--json",
        ],
        vec!["warnings", "--kind", "overage", "--json"],
        vec!["warnings", "--kind", "data", "--json"],
        vec!["warnings", "--kind", "data"],
        vec!["org", &oid, "--json"],
        vec!["org", &oid],
        vec!["org", &root, "--json"],
        vec!["history", &pid, "--person", "--json"],
        vec!["history", &pid, "--person"],
        vec!["history", &oid, "--org", "--json"],
        vec!["history", &oid, "--org"],
        vec!["inbox", "--json"],
        vec!["inbox"],
        vec!["overview", "--json"],
        vec!["overview"],
        vec!["status", "--json"],
    ];
    let mut scanned = 0;
    let mut leaks = Vec::new();
    for args in &commands {
        let text = stdout_of(&c.path, args);
        scanned += text.len();
        for l in secrets.leaks(&text) {
            leaks.push(format!("{args:?}: {l}"));
        }
    }
    let dir = c.path.parent().unwrap();
    for what in ["persons", "warnings", "quota", "inbox"] {
        for format in ["csv", "xlsx"] {
            let file = dir.join(format!("{what}.{format}"));
            stdout_of(
                &c.path,
                &[
                    "export",
                    what,
                    "--format",
                    format,
                    "--out",
                    file.to_str().unwrap(),
                ],
            );
            let text = if format == "csv" {
                std::fs::read_to_string(&file).unwrap()
            } else {
                xlsx_text(&file)
            };
            scanned += text.len();
            for l in secrets.leaks(&text) {
                leaks.push(format!("export {what} {format}: {l}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks: {:#?}",
        leaks.len(),
        &leaks[..leaks.len().min(20)]
    );
    println!(
        "privacy: {} commands and 8 exports, {scanned} B, searched for {} ID numbers and {} birth dates",
        commands.len(),
        secrets.ids.len(),
        secrets.births.len()
    );

    // The masked forms are there: the year of birth, the ends of the ID number.
    let masked = stdout_of(&c.path, &["person", &pid, "--json"]);
    let birth = p.birth_date.unwrap();
    let masked: serde_json::Value = serde_json::from_str(&masked).unwrap();
    assert_eq!(
        masked["birth_date"].as_str().unwrap(),
        format!("{}-**-**", chrono::Datelike::year(&birth))
    );
    assert_eq!(
        masked["id_number"].as_str().unwrap(),
        bianzhi::model::mask_id(&p.id_number)
    );

    // A reveal shows both in full, and each reveal is in the audit log.
    assert_eq!(audits(&c.path, "reveal"), 0);
    let revealed = stdout_of(&c.path, &["person", &pid, "--json", "--reveal-id"]);
    assert!(revealed.contains(&p.id_number) && revealed.contains(&birth.to_string()));
    let table = stdout_of(&c.path, &["person", &pid, "--reveal-id"]);
    assert!(table.contains(&p.id_number) && table.contains(&birth.to_string()));
    let warnings = stdout_of(&c.path, &["warnings", "--json", "--reveal-id"]);
    assert!(!secrets.leaks(&warnings).is_empty());
    assert_eq!(audits(&c.path, "reveal"), 3);
    let file = dir.join("revealed.csv");
    let path = file.to_str().unwrap();
    stdout_of(
        &c.path,
        &["export", "persons", "--out", path, "--reveal-id"],
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.contains(&p.id_number) && csv.contains(&birth.to_string()));
}

/// An XLSX export of revealed ID numbers: mode 0600 (also over an existing readable
/// file), no temp file left beside it, and every ID number a text cell with all its
/// digits (as a number, `990121198101064939` would read back `990121198101065000`).
#[test]
fn xlsx_exports_are_private_and_keep_every_digit_of_an_id_number() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    use std::os::unix::fs::PermissionsExt;
    let data = dataset();
    let c = Cache::imported();
    let dir = c.path.parent().unwrap().join("exports");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("persons.xlsx");
    std::fs::write(&file, b"an older export").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    stdout_of(
        &c.path,
        &[
            "export",
            "persons",
            "--format",
            "xlsx",
            "--reveal-id",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("persons.xlsx")]);

    let by_id: std::collections::HashMap<i64, &str> = data
        .persons
        .iter()
        .map(|p| (p.id, p.id_number.as_str()))
        .collect();
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = header.iter().position(|h| h == "身份证号").unwrap();
    let mut checked = 0;
    for row in rows {
        // 编号 is a figure column: still a number.
        let id = match &row[0] {
            Data::Float(f) => *f as i64,
            other => panic!("编号 {other:?}"),
        };
        match &row[col] {
            Data::String(s) => assert_eq!(s, by_id[&id], "person {id}"),
            Data::Empty => assert!(by_id[&id].is_empty()),
            other => panic!("ID number of person {id} is not text: {other:?}"),
        }
        if by_id[&id].len() == 18 {
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}

/// What a failure message needs of a stderr: its first two lines (a panic's place and
/// message, without the backtrace).
fn first_lines(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .take(2)
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Every command with its reader gone: before it wrote anything, and after one line.
/// Each ends with status 0 and says nothing (no panic, no error).
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let c = Cache::imported();
    let commands: Vec<Vec<&str>> = vec![
        vec!["warnings", "--json"],
        vec!["warnings"],
        vec!["search", "z", "--limit", "200"],
        vec!["search", "z", "--json"],
        vec!["org", "1"],
        vec!["org", "1", "--json"],
        vec!["person", "1"],
        vec!["person", "1", "--json"],
        vec!["history", "1", "--org"],
        vec!["history", "1", "--org", "--json"],
        vec!["overview"],
        vec!["overview", "--json"],
        vec!["inbox"],
        vec!["inbox", "--json"],
        vec!["status"],
        vec!["outbox"],
        vec!["outbox", "--json"],
        vec!["keymap", "--print"],
    ];
    let mut failures = Vec::new();
    for args in &commands {
        // The reader gone before the command starts: its first write meets a closed pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = command(&c.path, args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = first_lines(&out.stderr);
        if out.status.code() != Some(0) || !stderr.is_empty() {
            failures.push(format!("{args:?} closed: {:?} {stderr}", out.status));
        }
        // `| head -1`: one line read, then the reader goes.
        let mut child = command(&c.path, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = first_lines(&out.stderr);
        if first.is_empty() || out.status.code() != Some(0) || !stderr.is_empty() {
            failures.push(format!(
                "{args:?} head -1: {:?} {first:?} {stderr}",
                out.status
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // A command that writes a file still writes it whole before it prints.
    let file = c.path.with_file_name("w.csv");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = command(
        &c.path,
        &["export", "warnings", "--out", file.to_str().unwrap()],
    )
    .stdout(writer)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.lines().count() > 10);
}
