//! The one storage interface between the HTTP layer and a database (issue 18): what the
//! server asks of its data in the domain's words — who a token belongs to, a page of a
//! jurisdiction's changes after a cursor, the rows of a snapshot, the answer to pushed
//! decisions, seeding, operators. Two implementations: [`super::sqlite::SqliteBackend`]
//! (the store's SQLite file, the default) and [`super::pg::PgBackend`] (PostgreSQL).
//!
//! The cursor stays a `u64` on the wire, opaque to the client: on SQLite it is the
//! global version of the newest row sent; on PostgreSQL it packs the position of a row
//! in commit-safe order (see `pg.rs`). The client only sends back what it was given and
//! compares nothing; `epoch` says which database (and, on PostgreSQL, which cluster) a
//! cursor belongs to.

use super::Result;
use super::db::{Change, FeedIds, Operator};
use super::operators::{OperatorChange, OperatorRow};
use crate::model::{Dataset, OrgId, edit::Role};
use crate::sync::proto::{Answer, PushAction};
use crate::sync::wire::{Columns, to_columns};
use chrono::NaiveDate;

/// A server database, whichever engine holds it. Every method may block: the HTTP layer
/// calls it from the blocking pool.
pub trait Backend: Send + Sync {
    /// `sqlite` or `postgres`, for the log.
    fn engine(&self) -> &'static str;

    /// The operator a bearer token belongs to, and whether it is disabled (read afresh
    /// on every call: disabling an operator holds from its next request).
    fn lookup_token(&self, token: &str) -> Result<Option<(Operator, bool)>>;

    /// A unit's name (whoami), if the unit exists.
    fn unit_name(&self, org: OrgId) -> Result<Option<String>>;

    /// One consistent moment of the data to read a page or a snapshot in.
    fn read(&self) -> Result<Box<dyn Moment + '_>>;

    /// Answers pushed decisions and edits, applying the accepted ones, each once.
    fn push(&self, op: &Operator, actions: &[PushAction], today: NaiveDate) -> Result<Vec<Answer>>;

    /// No units yet: a fresh database waiting to be seeded.
    fn is_empty(&self) -> Result<bool>;

    /// Replaces all data with a dataset; existing cursors become meaningless (new epoch).
    fn seed(&self, data: &Dataset) -> Result<()>;

    /// [`Backend::seed`] with data handed over in parts (a province, city by city),
    /// each part's units under its own or an earlier part's. PostgreSQL writes part by
    /// part; SQLite gathers them first.
    fn seed_parts(&self, parts: &mut dyn Iterator<Item = Dataset>) -> Result<()> {
        let mut all = Dataset::default();
        for p in parts {
            all.orgs.extend(p.orgs);
            all.ledger.extend(p.ledger);
            all.posts.extend(p.posts);
            all.persons.extend(p.persons);
            all.events.extend(p.events);
            all.approvals.extend(p.approvals);
        }
        self.seed(&all)
    }

    /// Writes rows and deletions as one transaction, versioning what they touch.
    fn write(&self, change: &Change) -> Result<()>;

    /// Creates an operator over the subtree of `scope_root`; returns the new token.
    fn add_operator(&self, name: &str, scope_root: OrgId, role: Role) -> Result<String>;

    /// Every operator, by id, with the name of its jurisdiction's root unit.
    fn operators(&self) -> Result<Vec<OperatorRow>>;

    /// Disables, enables, changes the role or the token of operator `id`.
    fn change_operator(&self, id: i64, change: OperatorChange) -> Result<()>;

    /// Every unit's id, name and short name, by id (naming a jurisdiction).
    fn unit_names(&self) -> Result<Vec<(OrgId, String, Option<String>)>>;

    /// One batch of a living server's simulation (`serve --simulate`, see
    /// `simulate.rs`): `n` random changes planned on what this database holds and
    /// written as one change.
    fn simulate(
        &self,
        rng: &mut rand_chacha::ChaCha8Rng,
        today: NaiveDate,
        n: usize,
        move_chance: f64,
    ) -> Result<super::simulate::Summary>;
}

/// What one operator may see between two cursors: rows, tombstones, the new cursor.
pub use super::db::Feed;

/// One read transaction: everything read through it is one moment of the data.
pub trait Moment {
    /// The database's identity: a cursor of another epoch means nothing here.
    fn epoch(&mut self) -> Result<String>;

    /// The newest position a page may reach now (a client that has everything holds
    /// it); pages are cached under it.
    fn seq(&mut self) -> Result<u64>;

    /// Cursors below this can no longer be served by deltas.
    fn horizon(&mut self) -> Result<u64>;

    /// The ids of a jurisdiction's page after `cursor`, at most `limit` rows and
    /// tombstones, newest version of each row.
    fn feed_ids(&mut self, root: OrgId, cursor: u64, limit: usize) -> Result<FeedIds>;

    /// The rows of these ids, table by table (slots in `store::rows::TABLES` order).
    fn rows(&mut self, want: &[Vec<i64>; 6]) -> Result<Dataset>;
}

impl dyn Moment + '_ {
    /// A page of the changes feed: [`Moment::feed_ids`] and their rows.
    pub fn feed(&mut self, root: OrgId, cursor: u64, limit: usize) -> Result<Feed> {
        let mut ids = self.feed_ids(root, cursor, limit)?;
        let data = self.rows(&ids.want)?;
        Ok(Feed {
            data,
            deleted: std::mem::take(&mut ids.deleted),
            cursor: ids.cursor,
            more: ids.more,
            too_old: ids.too_old,
            examined: ids.examined,
        })
    }

    /// The rows of one table of a page, column by column (snapshots: one table in
    /// memory at a time).
    pub fn columns_of(&mut self, slot: usize, ids: &[i64]) -> Result<Columns> {
        let mut want: [Vec<i64>; 6] = Default::default();
        want[slot] = ids.to_vec();
        let d = self.rows(&want)?;
        Ok(match slot {
            0 => to_columns(&d.orgs),
            1 => to_columns(&d.ledger),
            2 => to_columns(&d.posts),
            3 => to_columns(&d.persons),
            4 => to_columns(&d.events),
            _ => to_columns(&d.approvals),
        })
    }

    /// Everything one operator may see, with the cursor it is current to.
    pub fn scoped(&mut self, root: OrgId) -> Result<(Dataset, u64)> {
        let f = self.feed(root, 0, usize::MAX)?;
        Ok((f.data, f.cursor))
    }
}

/// Where a server's data lives: a `postgres://` (or `postgresql://`) URL, else a path to
/// an SQLite file.
pub fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Opens the database `db` names (see [`is_postgres`]), creating or migrating its
/// tables.
pub fn open(db: &str) -> Result<std::sync::Arc<dyn Backend>> {
    Ok(if is_postgres(db) {
        std::sync::Arc::new(super::pg::PgBackend::connect(db)?)
    } else {
        std::sync::Arc::new(super::sqlite::SqliteBackend::open(std::path::Path::new(
            db,
        ))?)
    })
}
