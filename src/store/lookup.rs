//! Feeding the lookup index: pinyin keys are computed when data arrives (sync, import)
//! and kept in `search_keys`, so building the index at start-up only reads them.

use super::Result;
use super::rows::{ORG_SUBJECT, PERSON_SUBJECT};
use crate::model::PersonStatus;
use crate::search::{Entry, EntryKind, IndexBuilder, NameKeys, SearchIndex, name_keys, unit_keys};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::sync::Arc;

/// Computes keys for every unit and active person whose name has no current keys, and
/// drops keys of rows that are gone.
pub fn refresh_search_keys(conn: &Connection) -> Result<()> {
    conn.execute(
        "DELETE FROM search_keys WHERE (kind = ? AND id NOT IN (SELECT id FROM orgs)) \
         OR (kind = ? AND id NOT IN (SELECT id FROM persons))",
        [ORG_SUBJECT, PERSON_SUBJECT],
    )?;
    // A chunk of names at a time, in id order: a first sync's or an import's are a
    // city's 200,000, and held all at once they were 14 MB of the refresh.
    let mut ins = conn
        .prepare("INSERT OR REPLACE INTO search_keys (kind, id, name, keys) VALUES (?, ?, ?, ?)")?;
    for (kind, table) in [(ORG_SUBJECT, "orgs"), (PERSON_SUBJECT, "persons")] {
        let mut st = conn.prepare(&format!(
            "SELECT t.id, t.name FROM {table} t LEFT JOIN search_keys k ON k.kind = {kind} AND k.id = t.id \
             WHERE (k.name IS NULL OR k.name <> t.name) AND t.id > ? ORDER BY t.id LIMIT {KEYS_CHUNK}"
        ))?;
        let mut after = i64::MIN;
        loop {
            let missing: Vec<(i64, String)> = st
                .query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let Some(&(last, _)) = missing.last() else {
                break;
            };
            for (id, name) in missing {
                let keys = if kind == ORG_SUBJECT {
                    unit_keys(&name)
                } else {
                    name_keys(&name)
                };
                ins.execute(params![kind, id, name, keys.encode()])?;
            }
            after = last;
        }
    }
    Ok(())
}

/// Names whose keys [`refresh_search_keys`] computes at a time.
const KEYS_CHUNK: usize = 4096;

/// [`refresh_search_keys`] for the given units and persons only (a partial refresh):
/// keys computed where the name has none or changed, dropped where the row is gone.
pub fn refresh_search_keys_of(conn: &Connection, orgs: &[i64], persons: &[i64]) -> Result<()> {
    for (kind, table, ids) in [
        (ORG_SUBJECT, "orgs", orgs),
        (PERSON_SUBJECT, "persons", persons),
    ] {
        let mut name_of = conn.prepare_cached(&format!("SELECT name FROM {table} WHERE id = ?"))?;
        let mut stored =
            conn.prepare_cached("SELECT name FROM search_keys WHERE kind = ? AND id = ?")?;
        for &id in ids {
            let name: Option<String> = name_of.query_row([id], |r| r.get(0)).optional()?;
            let had: Option<String> = stored
                .query_row(params![kind, id], |r| r.get(0))
                .optional()?;
            match name {
                None if had.is_some() => {
                    conn.prepare_cached("DELETE FROM search_keys WHERE kind = ? AND id = ?")?
                        .execute(params![kind, id])?;
                }
                Some(name) if had.as_ref() != Some(&name) => {
                    let keys = if kind == ORG_SUBJECT {
                        unit_keys(&name)
                    } else {
                        name_keys(&name)
                    };
                    conn.prepare_cached(
                        "INSERT OR REPLACE INTO search_keys (kind, id, name, keys) VALUES (?, ?, ?, ?)",
                    )?
                    .execute(params![kind, id, name, keys.encode()])?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Every unit and every person on the books, with their unit path and precomputed keys;
/// levels, posts' staffing types in `lang`.
pub fn search_entries(conn: &Connection, lang: crate::model::Lang) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    each_search_entry(conn, lang, |e| out.push(e))?;
    Ok(out)
}

/// [`search_entries`] handed to `out` one at a time, in the same order, none kept.
fn each_search_entry(
    conn: &Connection,
    lang: crate::model::Lang,
    mut out: impl FnMut(Entry),
) -> Result<()> {
    // Path text of every unit, from the derived tree (short names where they exist).
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut levels: HashMap<i64, Arc<str>> = HashMap::new();
    {
        let mut st = conn.prepare("SELECT id, COALESCE(short_name, name), level FROM orgs")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })?;
        for row in rows {
            let (id, name, level) = row?;
            names.insert(id, name);
            if let Some(l) = level.and_then(crate::model::Level::from_code) {
                levels.insert(id, l.label(lang).into());
            }
        }
    }
    let mut paths: HashMap<i64, Arc<str>> = HashMap::new();
    {
        let mut st = conn.prepare("SELECT org_id, path FROM org_tree")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, path) = row?;
            let text: Vec<&str> = path
                .split('/')
                .filter_map(|p| p.parse::<i64>().ok())
                .filter_map(|a| names.get(&a).map(String::as_str))
                .collect();
            paths.insert(id, text.join(" › ").into());
        }
    }
    let keys_of = |kind: i64, name: &str, stored: Option<String>| -> NameKeys {
        stored
            .and_then(|s| NameKeys::decode(&s))
            .unwrap_or_else(|| {
                if kind == ORG_SUBJECT {
                    unit_keys(name)
                } else {
                    name_keys(name)
                }
            })
    };
    let mut st = conn.prepare(&format!(
        "SELECT o.id, o.name, o.parent_id, k.keys, o.short_name FROM orgs o \
         LEFT JOIN search_keys k ON k.kind = {ORG_SUBJECT} AND k.id = o.id \
         WHERE o.abolished = 0 ORDER BY o.id"
    ))?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, name, parent, keys, short) = row?;
        let unit = parent
            .and_then(|p| paths.get(&p).cloned())
            .unwrap_or_else(|| Arc::from(""));
        let keys = keys_of(ORG_SUBJECT, &name, keys);
        out(Entry {
            kind: EntryKind::Org,
            id,
            unit,
            detail: levels.get(&id).cloned().unwrap_or_else(|| Arc::from("")),
            keys,
            // The names people say (short name, abbreviations): their keys are
            // computed when the index is built.
            aliases: crate::search::unit_aliases(&name, short.as_deref()),
            parent,
            name,
        });
    }
    // Those on the books and those about to enter (拟入编) can be looked up.
    let mut details: std::collections::HashSet<Arc<str>> = std::collections::HashSet::new();
    let mut st = conn.prepare(&format!(
        "SELECT p.id, p.name, p.org_id, p.post, p.staffing_type, k.keys FROM persons p \
         LEFT JOIN search_keys k ON k.kind = {PERSON_SUBJECT} AND k.id = p.id \
         WHERE p.status IN ({}, {}) ORDER BY p.id",
        PersonStatus::Active.code(),
        PersonStatus::Pending.code()
    ))?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    for row in rows {
        let (id, name, org, post, staffing, keys) = row?;
        let staffing = staffing
            .and_then(crate::model::StaffingType::from_code)
            .map_or(
                match lang {
                    crate::model::Lang::Zh => "编外",
                    crate::model::Lang::En => "no quota",
                },
                |t| t.label(lang),
            );
        let detail = match post {
            Some(p) if !p.is_empty() => format!("{p}{}{staffing}", crate::search::DETAIL_SEP),
            _ => staffing.to_string(),
        };
        // One text for all who share it.
        let detail = match details.get(detail.as_str()) {
            Some(d) => d.clone(),
            None => {
                let d: Arc<str> = detail.into();
                details.insert(d.clone());
                d
            }
        };
        let keys = keys_of(PERSON_SUBJECT, &name, keys);
        out(Entry {
            kind: EntryKind::Person,
            id,
            unit: paths.get(&org).cloned().unwrap_or_else(|| Arc::from("")),
            detail,
            keys,
            aliases: Vec::new(),
            parent: Some(org),
            name,
        });
    }
    Ok(())
}

/// Format version of the stored index, as `search_index.format` records it.
const INDEX_FORMAT: i64 = 1;

fn lang_code(lang: crate::model::Lang) -> i64 {
    match lang {
        crate::model::Lang::Zh => 0,
        crate::model::Lang::En => 1,
    }
}

/// The lookup index: the one the cache keeps if it is current (no unit or person
/// changed since it was built, same format), otherwise built from the rows and kept for
/// the next reader (if this connection may write; a reader that may not still gets its
/// index).
pub fn search_index(conn: &Connection, lang: crate::model::Lang) -> Result<SearchIndex> {
    // Read in place from SQLite's buffer: the kept index is tens of megabytes on a
    // city, and a copy of it would cost a process as much as reading it.
    let stored: Option<SearchIndex> = conn
        .query_row(
            "SELECT bytes FROM search_index WHERE lang = ? AND format = ?",
            params![lang_code(lang), INDEX_FORMAT],
            |r| {
                Ok(r.get_ref(0)?
                    .as_blob()
                    .ok()
                    .and_then(SearchIndex::from_bytes))
            },
        )
        .optional()?
        .flatten();
    if let Some(index) = stored {
        return Ok(index);
    }
    let index = build_index(conn, lang)?;
    if let Err(e) = keep(conn, lang, index.encoded_len(), |w| index.write_to(w)) {
        tracing::debug!("lookup index not kept: {e}");
    }
    Ok(index)
}

/// Keeps a current lookup index in the cache for `lang` (after a sync, so the interface
/// and `bianzhi search` find it ready): builds and keeps one only if none is kept.
/// Unlike [`search_index`] it never reads a kept one back (on a city that is its 37 MB
/// of bytes and the index made of them, only to be dropped).
pub fn ensure_search_index(conn: &Connection, lang: crate::model::Lang) -> Result<()> {
    let kept: bool = conn
        .query_row(
            "SELECT substr(bytes, 1, ?) = ? FROM search_index WHERE lang = ? AND format = ?",
            params![
                crate::search::INDEX_MAGIC.len() as i64,
                &crate::search::INDEX_MAGIC[..],
                lang_code(lang),
                INDEX_FORMAT
            ],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false);
    if kept {
        return Ok(());
    }
    store_search_index(conn, lang)
}

/// Builds the lookup index and keeps it in the cache (after a sync or an import, so the
/// interface and `bianzhi search` find it ready).
pub fn store_search_index(conn: &Connection, lang: crate::model::Lang) -> Result<()> {
    // Only its bytes are needed: the entries are written as bytes as they are read,
    // never held as values (the peak of a city's first sync, issue 19 item 3).
    let (units, persons) = entries_about(conn)?;
    let mut b = IndexBuilder::for_keeping(units);
    each_search_entry(conn, lang, reserving(&mut b, persons))?;
    let bytes = b.finish_bytes();
    keep(conn, lang, bytes.encoded_len(), |w| bytes.write_to(w))
}

/// How many entries to expect: the units, and the persons on the books or about to
/// enter.
fn entries_about(conn: &Connection) -> Result<(usize, usize)> {
    let (units, persons): (i64, i64) = conn.query_row(
        &format!(
            "SELECT (SELECT count(*) FROM orgs WHERE abolished = 0), \
             (SELECT count(*) FROM persons WHERE status IN ({}, {}))",
            PersonStatus::Active.code(),
            PersonStatus::Pending.code()
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let n = |c: i64| usize::try_from(c).unwrap_or(0);
    Ok((n(units), n(persons)))
}

/// Pushes entries into `b`, making room for the `persons` once the first person comes
/// (the units come first, each with its aliases: their slots are not known before).
fn reserving(b: &mut IndexBuilder, persons: usize) -> impl FnMut(Entry) + '_ {
    let mut reserved = false;
    move |e| {
        if e.kind == EntryKind::Person && !reserved {
            b.reserve_names(persons);
            reserved = true;
        }
        b.push(e)
    }
}

/// The index of [`search_entries`], built as the rows are read: the entries and their
/// readings are never all held beside the index (a city's are some 200,000).
pub fn build_index(conn: &Connection, lang: crate::model::Lang) -> Result<SearchIndex> {
    let (units, persons) = entries_about(conn)?;
    let mut b = IndexBuilder::with_capacity(units);
    each_search_entry(conn, lang, reserving(&mut b, persons))?;
    Ok(b.finish())
}

/// Keeps the index in the cache. Its bytes (tens of megabytes on a city) are written
/// into the row's blob as they are made, with SQLite's incremental blob I/O, so
/// neither they nor a copy SQLite would take of a bound value are held whole.
fn keep(
    conn: &Connection,
    lang: crate::model::Lang,
    len: usize,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    conn.execute_batch("SAVEPOINT keep_search_index")?;
    let written = (|| -> Result<()> {
        conn.execute(
            "INSERT OR REPLACE INTO search_index (lang, format, bytes) VALUES (?, ?, zeroblob(?))",
            params![lang_code(lang), INDEX_FORMAT, len as i64],
        )?;
        let mut blob = conn.blob_open(
            rusqlite::MAIN_DB,
            c"search_index",
            c"bytes",
            lang_code(lang),
            false,
        )?;
        write(&mut std::io::BufWriter::with_capacity(1 << 16, &mut blob))?;
        Ok(())
    })();
    match written {
        Ok(()) => conn.execute_batch("RELEASE keep_search_index")?,
        Err(e) => {
            conn.execute_batch("ROLLBACK TO keep_search_index; RELEASE keep_search_index")?;
            return Err(e);
        }
    }
    Ok(())
}
