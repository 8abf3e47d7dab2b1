-- The overview's counts (年龄结构, 学历, 岗位类别, 退休预报, warnings per kind), derived
-- with the figures at sync time so that opening the overview reads a bounded number of
-- rows whatever the number of persons (store::derived::refresh_counts says what each
-- dimension holds).
CREATE TABLE overview_counts (
    dim INTEGER NOT NULL,
    key INTEGER NOT NULL,
    n   INTEGER NOT NULL,
    aux INTEGER NOT NULL,
    PRIMARY KEY (dim, key)
) WITHOUT ROWID;
