-- The local cache (and the server's database: same tables, plus its own).
-- Enumerations are stored as their stable numeric codes (model::labels), dates as
-- 'YYYY-MM-DD' text, months as an index (year*12 + month-1).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE orgs (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER,
    kind          INTEGER NOT NULL,
    name          TEXT NOT NULL,
    short_name    TEXT,
    category      INTEGER,
    level         INTEGER,
    nature        INTEGER,
    credit_code   TEXT,
    domain_name   TEXT,
    founding_doc  TEXT,
    founding_date TEXT,
    sort          INTEGER NOT NULL DEFAULT 0,
    abolished     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orgs_parent ON orgs(parent_id, sort, id);

CREATE TABLE ledger (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    doc_no        TEXT NOT NULL,
    date          TEXT NOT NULL,
    staffing_type INTEGER NOT NULL,
    funding_type  INTEGER,
    delta         INTEGER NOT NULL,
    summary       TEXT NOT NULL,
    special       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ledger_org ON ledger(org_id, date, id);

CREATE TABLE posts (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER NOT NULL,
    doc_no  TEXT NOT NULL,
    date    TEXT NOT NULL,
    level   INTEGER NOT NULL,
    rank    INTEGER NOT NULL,
    delta   INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX posts_org ON posts(org_id, date, id);

CREATE TABLE persons (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL,
    name             TEXT NOT NULL,
    id_number        TEXT NOT NULL,
    sex              INTEGER NOT NULL,
    birth_date       TEXT,
    ethnicity        TEXT NOT NULL,
    political_status INTEGER,
    funding_type     INTEGER,
    work_start       TEXT,
    entry_form       INTEGER,
    entry_doc        TEXT,
    entry_date       TEXT,
    post             TEXT,
    rank             TEXT,
    post_type        INTEGER NOT NULL,
    school           TEXT,
    education        INTEGER,
    degree           INTEGER,
    major            TEXT,
    staffing_type    INTEGER,
    leader_level     INTEGER,
    leader_rank      INTEGER,
    status           INTEGER NOT NULL,
    exit_kind        INTEGER,
    exit_date        TEXT,
    -- Derived when written: the month the statutory retirement age is reached.
    retire_month     INTEGER
);
CREATE INDEX persons_org ON persons(org_id, status);
CREATE INDEX persons_id_number ON persons(id_number);
CREATE INDEX persons_retire ON persons(status, retire_month);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    subject_kind INTEGER NOT NULL, -- 1 unit, 2 person
    subject_id   INTEGER NOT NULL,
    kind         INTEGER NOT NULL,
    date         TEXT NOT NULL,
    doc_no       TEXT,
    summary      TEXT NOT NULL,
    operator     TEXT NOT NULL,
    from_org     INTEGER,
    to_org       INTEGER
);
CREATE INDEX events_subject ON events(subject_kind, subject_id, date);

CREATE TABLE approvals (
    id            INTEGER PRIMARY KEY,
    kind          INTEGER NOT NULL,
    org_id        INTEGER NOT NULL,
    person_id     INTEGER,
    staffing_type INTEGER,
    amount        INTEGER NOT NULL DEFAULT 1,
    post_level    INTEGER,
    post_rank     INTEGER,
    new_name      TEXT,
    new_level     INTEGER,
    new_parent_id INTEGER,
    exit_kind     INTEGER,
    doc_no        TEXT,
    summary       TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    submitted_on  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    decided_by    TEXT,
    decided_on    TEXT,
    comment       TEXT,
    plan_used     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX approvals_status ON approvals(status, org_id);

-- Derived tables, refreshed when data changes (never on a keypress).
CREATE TABLE org_tree (
    org_id INTEGER PRIMARY KEY,
    path   TEXT NOT NULL,   -- '/1/5/23/': ancestors and self
    depth  INTEGER NOT NULL
);
CREATE INDEX org_tree_path ON org_tree(path);

CREATE TABLE unit_quota (
    org_id        INTEGER NOT NULL,
    staffing_type INTEGER NOT NULL,
    approved      INTEGER NOT NULL,
    actual        INTEGER NOT NULL,
    reserved      INTEGER NOT NULL,
    PRIMARY KEY (org_id, staffing_type)
) WITHOUT ROWID;

CREATE TABLE subtree_quota (
    org_id        INTEGER NOT NULL,
    staffing_type INTEGER NOT NULL,
    approved      INTEGER NOT NULL,
    actual        INTEGER NOT NULL,
    reserved      INTEGER NOT NULL,
    vacant        INTEGER NOT NULL,
    over          INTEGER NOT NULL,
    usable        INTEGER NOT NULL,
    PRIMARY KEY (org_id, staffing_type)
) WITHOUT ROWID;

CREATE TABLE unit_posts (
    org_id   INTEGER NOT NULL,
    level    INTEGER NOT NULL,
    rank     INTEGER NOT NULL,
    approved INTEGER NOT NULL,
    actual   INTEGER NOT NULL,
    PRIMARY KEY (org_id, level, rank)
) WITHOUT ROWID;

CREATE TABLE subtree_posts (
    org_id   INTEGER NOT NULL,
    level    INTEGER NOT NULL,
    rank     INTEGER NOT NULL,
    approved INTEGER NOT NULL,
    actual   INTEGER NOT NULL,
    vacant   INTEGER NOT NULL,
    over     INTEGER NOT NULL,
    PRIMARY KEY (org_id, level, rank)
) WITHOUT ROWID;

-- Data-quality faults found by the checks (校验), refreshed with the figures.
CREATE TABLE problems (
    subject_kind INTEGER NOT NULL,
    subject_id   INTEGER NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL
);
CREATE INDEX problems_subject ON problems(subject_kind, subject_id);

-- Precomputed lookup keys (pinyin), written at sync time so start-up need not compute them.
CREATE TABLE search_keys (
    kind INTEGER NOT NULL, -- 1 unit, 2 person
    id   INTEGER NOT NULL,
    name TEXT NOT NULL,     -- the name the keys were computed from
    keys TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Client side: decisions and other actions waiting to be sent, and their answers.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   TEXT NOT NULL UNIQUE,
    approval_id INTEGER NOT NULL,
    decision    INTEGER NOT NULL,
    comment     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    state       INTEGER NOT NULL DEFAULT 0, -- 0 unsent, 1 accepted, 2 rejected
    reason      TEXT,
    answered_at TEXT
);

-- This operator's own trail: decisions, reveals, exports, syncs.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    rows   INTEGER
);
