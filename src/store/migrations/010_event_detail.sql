-- A history event's detail as a typed value (model::history::Detail, JSON), worded by
-- the interface and the command line in the operator's language. Events recorded
-- before keep their `summary` sentence, shown as it was written.
-- The table is made again rather than altered, as in migration 008, so that the
-- migration also runs on a cache whose version says less than its tables hold.
CREATE TABLE events_typed (
    id           INTEGER PRIMARY KEY,
    subject_kind INTEGER NOT NULL, -- 1 unit, 2 person
    subject_id   INTEGER NOT NULL,
    kind         INTEGER NOT NULL,
    date         TEXT NOT NULL,
    doc_no       TEXT,
    summary      TEXT NOT NULL,
    operator     TEXT NOT NULL,
    from_org     INTEGER,
    to_org       INTEGER,
    detail       TEXT
);
INSERT INTO events_typed (id, subject_kind, subject_id, kind, date, doc_no, summary, operator, from_org, to_org)
    SELECT id, subject_kind, subject_id, kind, date, doc_no, summary, operator, from_org, to_org
    FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_typed RENAME TO events;
CREATE INDEX events_subject ON events(subject_kind, subject_id, date);
