//! `--lang en` and `--ascii` on every command: the real binary on a cache imported from
//! `testdata/small.snap`, and the errors an operator commonly meets. Whatever the
//! output holds besides the data's own values (names, document numbers, summaries) must
//! be English, and under `--ascii` it holds no mark outside ASCII.

use crate::cli::{Cache, bianzhi, snapshot};
use crate::util::{ServeProcess, bin, cache_data};
use std::path::Path;
use std::process::{Command, Output};

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// Every text value of the cache's data, longest first (so a unit's full name goes
/// before the short name inside it).
fn data_values(cache: &Path) -> Vec<String> {
    let d = cache_data(cache);
    let mut v: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if s.chars().any(is_cjk) {
            v.push(s.to_string());
        }
    };
    for o in &d.orgs {
        add(&o.name);
        o.short_name.as_deref().map(&mut add);
        o.founding_doc.as_deref().map(&mut add);
        o.domain_name.as_deref().map(&mut add);
    }
    for p in &d.persons {
        add(&p.name);
        for s in [&p.entry_doc, &p.post, &p.rank, &p.school, &p.major] {
            s.as_deref().map(&mut add);
        }
    }
    for e in &d.events {
        add(&e.summary);
        // A typed event's names and notes are data; its sentence is the interface's.
        for v in e.detail.iter().flat_map(|d| d.data_values()) {
            add(v);
        }
        e.doc_no.as_deref().map(&mut add);
    }
    for l in &d.ledger {
        add(&l.summary);
        add(&l.doc_no);
    }
    for p in &d.posts {
        add(&p.summary);
        add(&p.doc_no);
    }
    for a in &d.approvals {
        add(&a.summary);
        add(&a.submitted_by);
        a.doc_no.as_deref().map(&mut add);
        a.new_name.as_deref().map(&mut add);
    }
    v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    v.dedup();
    v
}

/// The lines of `text` that still hold Chinese once the data values are taken out. A
/// value cut to fit (`…业服务中心`, `示例县教…`) counts when a value ends or begins with
/// what is left of it.
fn chinese_lines(text: &str, data: &[String]) -> Vec<String> {
    text.lines()
        .filter(|line| {
            // A run cut by `…` first, whole, while the line is still as printed (a
            // shorter value taken out first could leave a piece no value ends with).
            let chars: Vec<char> = line.chars().collect();
            let mut kept = String::new();
            let mut i = 0;
            while i < chars.len() {
                if !is_cjk(chars[i]) {
                    kept.push(chars[i]);
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && is_cjk(chars[i]) {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect();
                let cut_left = start > 0 && chars[start - 1] == '…';
                let cut_right = chars.get(i) == Some(&'…');
                let fits = (cut_left && data.iter().any(|v| v.ends_with(&run)))
                    || (cut_right && data.iter().any(|v| v.starts_with(&run)));
                if !fits {
                    kept.push_str(&run);
                }
            }
            let mut rest = kept;
            for value in data {
                if rest.chars().any(is_cjk) && rest.contains(value.as_str()) {
                    rest = rest.replace(value.as_str(), "");
                }
            }
            rest.chars().any(is_cjk)
        })
        .map(str::to_string)
        .collect()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `bianzhi --lang en ARGS` on the cache and checks that it says everything in
/// English; returns what it printed.
fn english(cache: &Cache, data: &[String], args: &[&str], ok: bool) -> String {
    let mut all = vec!["--lang", "en"];
    all.extend_from_slice(args);
    let out = bianzhi(&cache.path, &all);
    let t = text(&out);
    assert_eq!(out.status.success(), ok, "{args:?}: {t}");
    assert!(!t.trim().is_empty(), "{args:?} printed nothing");
    let bad = chinese_lines(&t, data);
    assert!(
        bad.is_empty(),
        "{args:?} is not in English:\n{}",
        bad.join("\n")
    );
    t
}

/// A workbook's sheets as text: each sheet's name, then its rows, cells joined by tabs.
fn xlsx_text(path: &Path) -> String {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&name);
        out.push('\n');
        for row in book.worksheet_range(&name).unwrap().rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

/// The jurisdiction's root and a person due to retire, as ids on the command line.
fn root_and_person(cache: &Cache) -> (String, String) {
    let root = cache.json(&["overview", "--json"])["root"]["id"]
        .as_i64()
        .unwrap();
    let person = cache.json(&["warnings", "--kind", "retirement", "--json"])[0]["person"]["id"]
        .as_i64()
        .unwrap();
    (root.to_string(), person.to_string())
}

/// The first pending request's id, from the inbox's JSON.
fn open_request(cache: &Cache) -> i64 {
    cache.json(&["inbox", "--json"])[0]["request"]["id"]
        .as_i64()
        .expect("an open request")
}

#[test]
fn every_command_speaks_english() {
    let cache = Cache::imported();
    let data = data_values(&cache.path);
    let dir = cache.path.parent().unwrap();
    let out_file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (root, person) = root_and_person(&cache);
    let posts_unit = cache.json(&["warnings", "--kind", "over-posts", "--json"])[0]["org_id"]
        .as_i64()
        .unwrap()
        .to_string();

    let overview = english(&cache, &data, &["overview"], true);
    assert!(
        overview.contains("Staffing type") && overview.contains("Usable"),
        "{overview}"
    );
    let warnings = english(&cache, &data, &["warnings"], true);
    assert!(warnings.contains("in all"), "{warnings}");
    let found = english(&cache, &data, &["search", "zw"], true);
    assert!(
        found.contains("Kind") && found.contains("Person"),
        "{found}"
    );
    let nothing = english(&cache, &data, &["search", "qqqqqq"], true);
    assert!(nothing.contains("no person or unit"), "{nothing}");
    for kind in [
        "over-quota",
        "full",
        "over-posts",
        "retirement",
        "overage",
        "data",
    ] {
        english(&cache, &data, &["warnings", "--kind", kind], true);
    }
    english(&cache, &data, &["org", &root], true);
    let org = english(&cache, &data, &["org", &posts_unit], true);
    assert!(org.contains("Leadership posts"), "{org}");
    english(&cache, &data, &["person", &person], true);
    english(&cache, &data, &["history", "--org", &root], true);
    english(&cache, &data, &["history", "--person", &person], true);
    // A history of every kind of event the data holds, each worded in English.
    let mut kinds = std::collections::HashSet::new();
    for e in &cache_data(&cache.path).events {
        if !kinds.insert(e.kind) {
            continue;
        }
        let (flag, id) = match e.subject {
            bianzhi::model::Subject::Org(id) => ("--org", id),
            bianzhi::model::Subject::Person(id) => ("--person", id),
        };
        let out = english(&cache, &data, &["history", flag, &id.to_string()], true);
        assert!(out.contains(e.kind.en()), "{:?} not in:\n{out}", e.kind);
    }
    assert!(
        kinds.len() >= 10,
        "the data holds few kinds of event: {kinds:?}"
    );
    english(&cache, &data, &["inbox"], true);
    english(&cache, &data, &["status"], true);
    english(&cache, &data, &["outbox"], true);
    english(&cache, &data, &["keymap", "--print"], true);

    // A decision, the outbox with it, its withdrawal, and the refusals around it.
    let id = open_request(&cache).to_string();
    let decided = english(
        &cache,
        &data,
        &["decide", &id, "approve", "--comment", "ok"],
        true,
    );
    assert!(decided.contains("queued"), "{decided}");
    english(
        &cache,
        &data,
        &["decide", &id, "approve", "--comment", "ok"],
        false,
    );
    let outbox = english(&cache, &data, &["outbox"], true);
    assert!(outbox.contains("1 queued"), "{outbox}");
    english(&cache, &data, &["outbox", "withdraw", &id], true);
    english(&cache, &data, &["outbox", "withdraw", &id], false);
    english(
        &cache,
        &data,
        &["decide", &id, "maybe", "--comment", "ok"],
        false,
    );
    english(
        &cache,
        &data,
        &["--read-only", "decide", &id, "approve", "--comment", "ok"],
        false,
    );

    // Files, CSV and XLSX: their headers, titles, states and vocabulary words are
    // English too.
    for (what, header, word) in [
        ("quota", "Usable", "Approved"),
        ("persons", "Post type", "management"),
        ("overview", "Count", "units over quota"),
        ("warnings", "Details", "statutory retirement age"),
        ("inbox", "Submitted by", "Summary"),
    ] {
        for format in ["csv", "xlsx"] {
            let file = out_file(&format!("{what}.{format}"));
            english(
                &cache,
                &data,
                &["export", what, "--format", format, "--out", &file],
                true,
            );
            let written = match format {
                "csv" => std::fs::read_to_string(&file).unwrap(),
                _ => xlsx_text(Path::new(&file)),
            };
            assert!(
                written.contains(header) && written.contains(word),
                "{what}.{format}: {written}"
            );
            let bad = chinese_lines(&written, &data);
            assert!(
                bad.is_empty(),
                "export {what} as {format} is not in English:\n{}",
                bad.join("\n")
            );
        }
    }
    english(
        &cache,
        &data,
        &["export", "nothing", "--out", &out_file("n.csv")],
        false,
    );
    english(
        &cache,
        &data,
        &["gen", "--scale", "small", "--out", &out_file("s.snap")],
        true,
    );
    english(
        &cache,
        &data,
        &["import", snapshot().to_str().unwrap()],
        true,
    );
    english(&cache, &data, &["repair"], true);

    // Mistakes in the arguments.
    english(&cache, &data, &["warnings", "--kind", "nonsense"], false);
    english(
        &cache,
        &data,
        &["history", "--org", &root, "--since", "someday"],
        false,
    );
    english(&cache, &data, &["org", "no-such-unit"], false);
    english(&cache, &data, &["person", "99999999"], false);
    english(&cache, &data, &["sync"], false);
}

#[test]
fn edits_are_refused_in_english_naming_the_field() {
    let cache = Cache::imported();
    let data = data_values(&cache.path);
    let (root, person) = root_and_person(&cache);
    let cases: [(&[&str], &str); 5] = [
        (
            &["person", "edit", &person, "--set", "id_number=12345"],
            "ID number: an ID number has 18 characters, this one 5",
        ),
        (
            &["person", "edit", &person, "--set", "birth_date=1990-02-30"],
            "birth date: 1990-02-30 is not a real date",
        ),
        (
            &[
                "person",
                "exit",
                &person,
                "--kind",
                "retirement",
                "--date",
                "2099-01-01",
                "--doc",
                "D1",
            ],
            "date: 2099-01-01 is after today",
        ),
        (
            &[
                "ledger",
                "add",
                "--org",
                &root,
                "--type",
                "administrative",
                "--delta",
                "0",
                "--date",
                "2024-01-01",
                "--doc",
                "D2",
                "--summary",
                "none",
            ],
            "amount: the amount cannot be 0",
        ),
        (
            &["person", "transfer", &person, "--to", &root],
            "document number: this change needs the approving document's number",
        ),
    ];
    for (args, says) in cases {
        let t = english(&cache, &data, args, false);
        assert!(t.contains(says), "{args:?}: {t}");
    }
    // Nothing was queued by any of them.
    let outbox = cache.json(&["outbox", "--json"]);
    assert_eq!(outbox.as_array().map(Vec::len), Some(0), "{outbox}");
}

#[test]
fn the_common_errors_are_said_in_english() {
    let cache = Cache::imported();
    let data = data_values(&cache.path);
    let dir = cache.path.parent().unwrap();
    let run = |path: &Path, args: &[&str]| {
        let mut all = vec!["--lang", "en"];
        all.extend_from_slice(args);
        let out = bianzhi(path, &all);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {t}");
        let bad = chinese_lines(&t, &data);
        assert!(
            bad.is_empty(),
            "{args:?} on {}:\n{}",
            path.display(),
            bad.join("\n")
        );
        t
    };

    // Missing cache.
    let t = run(&dir.join("none.db"), &["overview"]);
    assert!(t.contains("does not exist"), "{t}");
    // Not our file: text, and another program's SQLite database (private, as a cache
    // must be, so that the permission check does not answer first).
    use std::os::unix::fs::PermissionsExt;
    let private = |p: &Path| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600)).unwrap();
    };
    let text_file = dir.join("notes.txt");
    std::fs::write(
        &text_file,
        "not a database at all, just some words\n".repeat(200),
    )
    .unwrap();
    private(&text_file);
    let t = run(&text_file, &["overview"]);
    assert!(t.contains("not a bianzhi cache"), "{t}");
    let foreign = dir.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    private(&foreign);
    let t = run(&foreign, &["overview"]);
    assert!(t.contains("another program's"), "{t}");
    // Permissions: a cache that others can read.
    std::fs::set_permissions(&cache.path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let t = run(&cache.path, &["overview"]);
    assert!(t.contains("chmod 600"), "{t}");
    private(&cache.path);
    // Damaged: a cache whose pages are overwritten past the header.
    let damaged = dir.join("damaged.db");
    std::fs::copy(&cache.path, &damaged).unwrap();
    private(&damaged);
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&damaged)
            .unwrap();
        let len = f.metadata().unwrap().len();
        for at in (4096..len).step_by(8192) {
            f.seek(SeekFrom::Start(at)).unwrap();
            f.write_all(&[0xA5; 4096]).unwrap();
        }
    }
    let t = run(&damaged, &["warnings"]);
    assert!(t.contains("bianzhi repair") || t.contains("damaged"), "{t}");

    // The server: unreachable, a token refused, a malformed token.
    let t = run(
        &cache.path,
        &["sync", "--server", "http://127.0.0.1:1", "--token", "abc"],
    );
    assert!(t.contains("cannot reach the server"), "{t}");
    let t = run(
        &cache.path,
        &["sync", "--server", "http://127.0.0.1:1", "--token", "a b"],
    );
    assert!(t.contains("malformed"), "{t}");
    let db = dir.join("server.db");
    let server = ServeProcess::start(
        &db,
        "127.0.0.1:0",
        &["--generate", "small", "--lang", "en"],
        &[],
    );
    let t = run(
        &cache.path,
        &["sync", "--server", &server.url, "--token", "wrong-token"],
    );
    assert!(t.contains("does not accept the token"), "{t}");

    // The operators of the reference server.
    let op = |args: &[&str], ok: bool| {
        let out = Command::new(bin())
            .args(["--lang", "en", "operator"])
            .args(args)
            .arg("--db")
            .arg(&db)
            .env("BIANZHI_LOG_DIR", dir.join("log"))
            .env("BIANZHI_CONFIG", dir.join("none.toml"))
            .output()
            .unwrap();
        let t = text(&out);
        assert_eq!(out.status.success(), ok, "{args:?}: {t}");
        let mut bad = chinese_lines(&t, &data);
        // The server's generated world is not the snapshot's: its names are data too.
        bad.retain(|l| !l.contains("(unit "));
        assert!(bad.is_empty(), "operator {args:?}:\n{}", bad.join("\n"));
        t
    };
    op(&["add", "clerk", "--scope", "1"], true);
    op(&["list"], true);
    op(&["disable", "clerk"], true);
    op(&["enable", "clerk"], true);
    let rotated = op(&["rotate", "clerk"], true);
    let token = rotated
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap()
        .trim()
        .to_string();

    // A sync that works, and the status after it.
    let fresh = dir.join("fresh.db");
    let out = bianzhi(
        &fresh,
        &[
            "--lang",
            "en",
            "sync",
            "--server",
            &server.url,
            "--token",
            &token,
        ],
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("Sync done"), "{t}");
    assert!(chinese_lines(&t, &data).is_empty(), "{t}");
    // The server said what it did in English too (its stderr, written before its
    // first answer).
    let said = std::fs::read_to_string(&server.stderr).unwrap();
    assert!(
        said.contains("Server started") && !said.chars().any(is_cjk),
        "{said}"
    );
    let out = bianzhi(&fresh, &["--lang", "en", "status"]);
    let t = text(&out);
    assert!(t.contains("Last sync:") && !t.chars().any(is_cjk), "{t}");
}

#[test]
fn ascii_leaves_no_mark_outside_ascii() {
    let cache = Cache::imported();
    let data = data_values(&cache.path);
    let root = cache.json(&["overview", "--json"])["root"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let id = open_request(&cache).to_string();
    for args in [
        vec!["overview"],
        vec!["org", &root],
        vec!["inbox"],
        vec!["warnings"],
        vec!["decide", &id, "approve", "--comment", "ok"],
        vec!["outbox"],
    ] {
        let mut all = vec!["--lang", "en", "--ascii"];
        all.extend_from_slice(&args);
        let out = bianzhi(&cache.path, &all);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        let t = String::from_utf8_lossy(&out.stdout).into_owned();
        for line in t.lines() {
            let mut rest = line.to_string();
            for value in &data {
                rest = rest.replace(value.as_str(), "");
            }
            assert!(rest.is_ascii(), "{args:?}: a mark outside ASCII in\n{line}");
        }
    }
}

#[test]
fn a_refused_decision_is_said_in_english_typed_or_as_an_older_server_said_it() {
    use bianzhi::model::approval::Warning;
    use bianzhi::model::edit::Outcome;
    use bianzhi::model::refusal::DecisionRefusal;
    use bianzhi::store::{Store, outbox};
    let cache = Cache::imported();
    let data = data_values(&cache.path);
    // Two decisions queued, then answered: one refused typed (as the server sends it
    // now), one in words only (as an older server did).
    let ids: Vec<i64> = cache.json(&["inbox", "--json"]).as_array().unwrap()[..2]
        .iter()
        .map(|i| i["request"]["id"].as_i64().unwrap())
        .collect();
    for id in &ids {
        english(
            &cache,
            &data,
            &["decide", &id.to_string(), "reject", "--comment", "no"],
            true,
        );
    }
    let store = Store::open(&cache.path).unwrap();
    let entries = outbox::entries(store.conn()).unwrap();
    let typed = Outcome {
        refusal: Some(DecisionRefusal::Blocked {
            warnings: vec![Warning::Frozen, Warning::OnBooksOutside],
        }),
        ..Outcome::default()
    };
    let zh = typed.say_refusal(bianzhi::model::Lang::Zh).unwrap();
    let old = "决定未生效";
    outbox::record_answers(
        store.conn(),
        [
            outbox::Answer {
                client_id: &entries[0].client_id,
                accepted: false,
                reason: Some(&zh),
                outcome: Some(&typed),
            },
            outbox::Answer {
                client_id: &entries[1].client_id,
                accepted: false,
                reason: Some(old),
                outcome: None,
            },
        ],
    )
    .unwrap();
    drop(store);
    // The older words are data as far as English goes: shown as they were said.
    let mut data = data;
    data.push(old.to_string());
    let out = english(&cache, &data, &["outbox"], true);
    // The table wraps a long reason within its column: read it as one run of words.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("cannot approve: the unit") && words.contains("outside your"),
        "{out}"
    );
    assert!(
        out.contains(old),
        "the older server's words, as they were: {out}"
    );
    let inbox = english(&cache, &data, &["inbox"], true);
    assert!(inbox.contains("refused by the server"), "{inbox}");
    // In Chinese, the typed reason reads as the server's words did.
    let zh_out = text(&bianzhi(&cache.path, &["outbox"]));
    assert!(zh_out.contains("无法同意：该单位此类编制满"), "{zh_out}");
}
