//! The effect executor: every read and write the interface asks of the cache runs here,
//! never on the interface's task. Reader connections are opened once and reused by
//! reader threads; one writer thread owns the only connection that writes. A job of a
//! named kind has at most one running and one pending: a newer job replaces the
//! pending one (the newest wins), as in gitui's `asyncgit/src/asyncjob/mod.rs`. Jobs
//! are closures over a [`Store`]; their results go to a sink (the interface's action
//! channel).
//!
//! Without threads ([`Executor::inline`], the interface's `update` tests) a job runs at
//! once on the one store and its result is handed back to the caller.

use super::{Result, Store};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

/// Which connection a job needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// Any reader connection.
    Read,
    /// The one writer, in order of submission.
    Write,
}

/// Whether a job may be replaced by a newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Every job runs (children of a tree node, a decision, an export).
    Each,
    /// One running and one pending: a newer job of the same name replaces the pending
    /// one, whose result nobody waits for any more (a screen asked for twice, the
    /// status after each of several decisions).
    Latest(&'static str),
}

type Job<A> = Box<dyn FnOnce(&Store) -> A + Send>;

struct Task<A> {
    kind: Kind,
    lane: Lane,
    job: Job<A>,
}

/// Kinds with a job running; `Some` holds the one waiting behind it.
type Slots<A> = HashMap<(Lane, &'static str), Option<Job<A>>>;

struct Shared<A> {
    read: mpsc::Sender<Task<A>>,
    write: mpsc::Sender<Task<A>>,
    slots: Mutex<Slots<A>>,
    sink: Box<dyn Fn(A) + Send + Sync>,
}

pub struct Executor<A> {
    mode: Mode<A>,
}

enum Mode<A> {
    Inline(Store),
    Threads(Arc<Shared<A>>),
}

impl<A: Send + 'static> Executor<A> {
    /// Opens `readers` reader connections and one writer on the cache at `path`, each
    /// owned by its thread for the executor's life. Results go to `sink`. Every
    /// connection is opened here, so a cache that cannot be opened is reported before
    /// anything starts.
    /// With `create`, a missing cache is made (by the writer's connection, first).
    pub fn open(
        path: &Path,
        create: bool,
        readers: usize,
        sink: impl Fn(A) + Send + Sync + 'static,
    ) -> Result<Executor<A>> {
        let writer_store = if create {
            Store::create(path)?
        } else {
            Store::open(path)?
        };
        let reader_stores = (0..readers.max(1))
            .map(|_| Store::open(path))
            .collect::<Result<Vec<_>>>()?;
        let (read_tx, read_rx) = mpsc::channel::<Task<A>>();
        let (write_tx, write_rx) = mpsc::channel::<Task<A>>();
        let shared = Arc::new(Shared {
            read: read_tx,
            write: write_tx,
            slots: Mutex::new(HashMap::new()),
            sink: Box::new(sink),
        });
        let read_rx = Arc::new(Mutex::new(read_rx));
        for (i, store) in reader_stores.into_iter().enumerate() {
            let rx = Arc::clone(&read_rx);
            let weak = Arc::downgrade(&shared);
            std::thread::Builder::new()
                .name(format!("store-read-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting: one reader waits, the
                        // others run their jobs.
                        let task = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(task) = task else { return };
                        if !run(&weak, &store, task) {
                            return;
                        }
                    }
                })
                .map_err(super::Error::Io)?;
        }
        let weak = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("store-write".into())
            .spawn(move || {
                while let Ok(task) = write_rx.recv() {
                    if !run(&weak, &writer_store, task) {
                        return;
                    }
                }
            })
            .map_err(super::Error::Io)?;
        Ok(Executor {
            mode: Mode::Threads(shared),
        })
    }

    /// Runs every job at once on `store`, handing its result back from [`submit`].
    ///
    /// [`submit`]: Executor::submit
    pub fn inline(store: Store) -> Executor<A> {
        Executor {
            mode: Mode::Inline(store),
        }
    }

    /// Runs `job` on a connection of `lane`. Inline, its result is returned; on
    /// threads, it goes to the sink and `None` is returned.
    pub fn submit(
        &self,
        lane: Lane,
        kind: Kind,
        job: impl FnOnce(&Store) -> A + Send + 'static,
    ) -> Option<A> {
        let shared = match &self.mode {
            Mode::Inline(store) => return Some(job(store)),
            Mode::Threads(shared) => shared,
        };
        let job: Job<A> = Box::new(job);
        if let Kind::Latest(name) = kind {
            let mut slots = shared.slots.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(pending) = slots.get_mut(&(lane, name)) {
                // One is running: this one waits behind it, replacing any older waiter.
                *pending = Some(job);
                return None;
            }
            slots.insert((lane, name), None);
        }
        shared.send(Task { kind, lane, job });
        None
    }

    /// The same, to change it (tests play a sync).
    pub fn inline_store_mut(&mut self) -> Option<&mut Store> {
        match &mut self.mode {
            Mode::Inline(store) => Some(store),
            Mode::Threads(_) => None,
        }
    }

    /// The store an inline executor runs its jobs on (tests look at it directly).
    pub fn inline_store(&self) -> Option<&Store> {
        match &self.mode {
            Mode::Inline(store) => Some(store),
            Mode::Threads(_) => None,
        }
    }
}

impl<A> Shared<A> {
    fn send(&self, task: Task<A>) {
        let tx = match task.lane {
            Lane::Read => &self.read,
            Lane::Write => &self.write,
        };
        // The threads end only with the executor, which owns these senders.
        let _ = tx.send(task);
    }
}

/// Runs one task and starts the job waiting behind it. False when the executor is gone.
fn run<A>(shared: &std::sync::Weak<Shared<A>>, store: &Store, task: Task<A>) -> bool {
    let Task { kind, lane, job } = task;
    // A job that panics must not take its connection's thread (and every later job)
    // with it, nor leave its kind marked as running forever.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(store)));
    let Some(shared) = shared.upgrade() else {
        return false;
    };
    match result {
        Ok(a) => (shared.sink)(a),
        Err(_) => tracing::error!(?kind, "a store job panicked"),
    }
    if let Kind::Latest(name) = kind {
        let mut slots = shared.slots.lock().unwrap_or_else(|e| e.into_inner());
        match slots.get_mut(&(lane, name)).and_then(Option::take) {
            Some(next) => {
                drop(slots);
                shared.send(Task {
                    kind,
                    lane,
                    job: next,
                });
            }
            None => {
                slots.remove(&(lane, name));
            }
        }
    }
    true
}

/// The interface's "queue edit" job (on the writer): the edit is based on the cache's
/// cursor now, checked with the server's rules and queued as `bianzhi person edit` does.
/// Err holds the refusals, field by field; nothing is queued then.
pub fn queue_edit(
    store: &Store,
    mut intent: crate::model::edit::Intent,
    today: chrono::NaiveDate,
) -> Result<std::result::Result<super::outbox::Entry, Vec<crate::model::edit::FieldError>>> {
    intent.base = super::pending::cursor(store.conn())?;
    // A person entered here and not yet synced shows with a negative id: the edit
    // names them as the command line does.
    if let Some(crate::model::edit::Target::Id(id)) = intent.edit.person().cloned()
        && let Some(named) = super::pending::target(store.conn(), id)?
    {
        use crate::model::edit::Edit;
        match &mut intent.edit {
            Edit::PersonEdit { person, .. }
            | Edit::PersonExit { person, .. }
            | Edit::PersonTransfer { person, .. }
            | Edit::PersonRestore { person } => *person = named,
            _ => {}
        }
    }
    super::pending::queue(store.conn(), &intent, today)
}

/// The derived figures after a saved edit that changes them (see `pending::refresh_stale`).
pub fn refresh_stale(store: &Store) -> Result<bool> {
    super::pending::refresh_stale(store.conn())
}

/// Edits not yet answered by the server (待上传), for the status bar.
pub fn waiting_edits(store: &Store) -> Result<u64> {
    super::pending::waiting(store.conn())
}

/// The keys of a person's fields whose shown value waits to be sent (待上传).
pub fn pending_fields(store: &Store, id: crate::model::PersonId) -> Result<Vec<String>> {
    Ok(super::pending::person(store.conn(), id)?
        .map(|p| p.fields)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn cache() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        Store::create(&path).unwrap();
        (dir, path)
    }

    #[test]
    fn newest_pending_job_replaces_the_older_one() {
        let (_dir, path) = cache();
        let (tx, rx) = mpsc::channel::<u32>();
        let tx = Mutex::new(tx);
        let exec = Executor::open(&path, false, 2, move |a| {
            let _ = tx.lock().unwrap().send(a);
        })
        .unwrap();
        // The first job holds its kind until released; 2 and 3 queue behind it and 3
        // replaces 2.
        let (go_tx, go_rx) = mpsc::channel::<()>();
        exec.submit(Lane::Read, Kind::Latest("k"), move |_| {
            go_rx.recv().unwrap();
            1
        });
        exec.submit(Lane::Read, Kind::Latest("k"), |_| 2);
        exec.submit(Lane::Read, Kind::Latest("k"), |_| 3);
        go_tx.send(()).unwrap();
        let got: Vec<u32> = (0..2)
            .map(|_| rx.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect();
        assert_eq!(got, vec![1, 3]);
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
    }

    #[test]
    fn a_reader_answers_while_another_job_runs_and_a_panic_frees_its_kind() {
        let (_dir, path) = cache();
        let (tx, rx) = mpsc::channel::<u32>();
        let tx = Mutex::new(tx);
        let exec = Executor::open(&path, false, 2, move |a| {
            let _ = tx.lock().unwrap().send(a);
        })
        .unwrap();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        exec.submit(Lane::Read, Kind::Each, move |_| {
            go_rx.recv().unwrap();
            1
        });
        // The second reader answers while the first is busy.
        exec.submit(Lane::Read, Kind::Each, |s| {
            s.conn()
                .query_row("SELECT 2", [], |r| r.get::<_, u32>(0))
                .unwrap()
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 2);
        go_tx.send(()).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 1);
        let ran = Arc::new(AtomicUsize::new(0));
        exec.submit(Lane::Write, Kind::Latest("w"), |_| panic!("a job's bug"));
        let r = Arc::clone(&ran);
        exec.submit(Lane::Write, Kind::Latest("w"), move |_| {
            r.fetch_add(1, Ordering::SeqCst);
            4
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 4);
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn inline_hands_the_result_back() {
        let exec: Executor<i64> = Executor::inline(Store::open_in_memory().unwrap());
        let got = exec.submit(Lane::Write, Kind::Latest("x"), |s| {
            s.conn().query_row("SELECT 7", [], |r| r.get(0)).unwrap()
        });
        assert_eq!(got, Some(7));
    }
}
