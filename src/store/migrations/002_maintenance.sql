-- Data maintenance (see model::edit).

-- A 关键信息变更 or 台账变更 request carries the edit under review (JSON).
ALTER TABLE approvals ADD COLUMN change TEXT;

-- The outbox also holds edits: `edit` is the intent (JSON; NULL for a decision, whose
-- approval_id and decision columns are then 0), `outcome` the server's detailed answer
-- (new version, created id, conflicting fields, refused fields, review request).
ALTER TABLE outbox ADD COLUMN edit TEXT;
ALTER TABLE outbox ADD COLUMN outcome TEXT;

-- Pending edits are shown over the cached rows: the row as the server last sent it is
-- kept here (NULL: the server has no such row) while an edit of it waits, and the
-- table holds the row with the pending edits replayed over it (store::pending).
CREATE TABLE pending_base (
    tbl INTEGER NOT NULL,
    id  INTEGER NOT NULL,
    row TEXT,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;
