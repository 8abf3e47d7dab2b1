-- What changed since the derived tables were last refreshed, so that a day's sync (or a
-- saved edit) refreshes only the units and persons it touched (store::partial). Written
-- by triggers, so that no writer can forget it, and only while the meta key
-- 'derived_tracked' is set: the client sets it after a refresh, a first sync or an
-- import clears it (they end with a full refresh), the server never sets it. (IF NOT
-- EXISTS: a test replays migrations on a cache that has them.)
--
-- dirty_persons keeps each person's row as the last refresh counted it (existed = 0: no
-- such row then); the first change since the refresh wins. Not by INSERT OR IGNORE: the
-- outer statement's conflict policy (the sync's INSERT OR REPLACE) overrides a trigger's,
-- so a second write of the same person in one page would replace the row before.
CREATE TABLE IF NOT EXISTS dirty_persons (
    id           INTEGER PRIMARY KEY,
    existed      INTEGER NOT NULL,
    org_id       INTEGER,
    status       INTEGER,
    birth_date   TEXT,
    education    INTEGER,
    post_type    INTEGER,
    retire_month INTEGER
);
-- Units whose own figures may have changed (their persons, ledgers, posts, requests).
CREATE TABLE IF NOT EXISTS dirty_units (id INTEGER PRIMARY KEY);
-- Units whose own row changed (the tree, the checks of units, the lookup keys).
CREATE TABLE IF NOT EXISTS dirty_orgs (id INTEGER PRIMARY KEY);

-- INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers, so the
-- row before is read in a BEFORE INSERT trigger.
CREATE TRIGGER IF NOT EXISTS persons_dirty_insert BEFORE INSERT ON persons
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_persons
        SELECT NEW.id, p.id IS NOT NULL, p.org_id, p.status, p.birth_date, p.education,
               p.post_type, p.retire_month
        FROM (SELECT 1) LEFT JOIN persons p ON p.id = NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM dirty_persons WHERE id = NEW.id);
    INSERT OR IGNORE INTO dirty_units SELECT org_id FROM persons WHERE id = NEW.id;
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS persons_dirty_update AFTER UPDATE ON persons
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT INTO dirty_persons SELECT OLD.id, 1, OLD.org_id, OLD.status, OLD.birth_date,
        OLD.education, OLD.post_type, OLD.retire_month
        WHERE NOT EXISTS (SELECT 1 FROM dirty_persons WHERE id = OLD.id);
    INSERT INTO dirty_persons (id, existed) SELECT NEW.id, 0
        WHERE NOT EXISTS (SELECT 1 FROM dirty_persons WHERE id = NEW.id);
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS persons_dirty_delete AFTER DELETE ON persons
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT INTO dirty_persons SELECT OLD.id, 1, OLD.org_id, OLD.status, OLD.birth_date,
        OLD.education, OLD.post_type, OLD.retire_month
        WHERE NOT EXISTS (SELECT 1 FROM dirty_persons WHERE id = OLD.id);
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
END;

CREATE TRIGGER IF NOT EXISTS ledger_dirty_insert BEFORE INSERT ON ledger
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units SELECT org_id FROM ledger WHERE id = NEW.id;
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS ledger_dirty_update AFTER UPDATE ON ledger
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS ledger_dirty_delete AFTER DELETE ON ledger
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
END;

CREATE TRIGGER IF NOT EXISTS posts_dirty_insert BEFORE INSERT ON posts
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units SELECT org_id FROM posts WHERE id = NEW.id;
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS posts_dirty_update AFTER UPDATE ON posts
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS posts_dirty_delete AFTER DELETE ON posts
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
END;

CREATE TRIGGER IF NOT EXISTS approvals_dirty_insert BEFORE INSERT ON approvals
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units SELECT org_id FROM approvals WHERE id = NEW.id;
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS approvals_dirty_update AFTER UPDATE ON approvals
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
    INSERT OR IGNORE INTO dirty_units VALUES (NEW.org_id);
END;
CREATE TRIGGER IF NOT EXISTS approvals_dirty_delete AFTER DELETE ON approvals
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_units VALUES (OLD.org_id);
END;

CREATE TRIGGER IF NOT EXISTS orgs_dirty_insert BEFORE INSERT ON orgs
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_orgs VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS orgs_dirty_update AFTER UPDATE ON orgs
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_orgs VALUES (OLD.id);
    INSERT OR IGNORE INTO dirty_orgs VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS orgs_dirty_delete AFTER DELETE ON orgs
WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'derived_tracked')
BEGIN
    INSERT OR IGNORE INTO dirty_orgs VALUES (OLD.id);
END;
