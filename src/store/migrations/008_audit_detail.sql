-- An audit line's detail as a typed value (store::audit::AuditDetail, JSON) in `typed`,
-- worded by the interface and the command line in the operator's language. Lines
-- written before keep only their `detail` sentence, shown as it was written.
-- The table is made again rather than altered, so that the migration also runs on a
-- cache whose version says less than its tables hold (a column added twice fails).
CREATE TABLE audit_typed (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    rows   INTEGER,
    typed  TEXT
);
INSERT INTO audit_typed (id, at, action, detail, rows)
    SELECT id, at, action, detail, rows FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_typed RENAME TO audit;
