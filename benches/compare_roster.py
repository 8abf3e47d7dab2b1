#!/usr/bin/env python3
"""A payroll-style roster from a bianzhi cache, for `benches/compare.sh`.

    compare_roster.py CACHE.db OUT.csv [ROWS] [ENCODING]

Takes ROWS persons on the books (status 1, in id order), writes them as 姓名, 公民身份号码,
工作单位, 人员类别 in ENCODING (gb18030 by default: GBK, as Excel writes on a Chinese system, for
every character GBK has), with
a known share of differences: every 50th row a changed name, every 70th another unit,
every 90th another staffing type, every 200th an ID number with a wrong check
character, every 300th a repeated row, and 1 in 100 rows an ID number nobody holds.
When the cache has fewer persons on the books than ROWS (a city has about 180,000),
the roster is filled up to ROWS with persons nobody on the books is (名单有、在册无: the
吃空饷 case), so a 200,000-row roster can be compared with a city.
Deterministic: the same cache gives the same file.
"""
import csv
import sqlite3
import sys

STAFFING = ["行政编制", "政法专项编制", "参公事业编制", "事业编制", "机关工勤编制", "事业工勤编制"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def check_char(first17):
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def main():
    cache, out = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    encoding = sys.argv[4] if len(sys.argv) > 4 else "gb18030"
    db = sqlite3.connect(cache)
    units = dict(db.execute("SELECT id, name FROM orgs"))
    unit_ids = sorted(units)
    persons = db.execute(
        "SELECT name, id_number, org_id, staffing_type FROM persons WHERE status = 1 ORDER BY id LIMIT ?",
        (rows,),
    ).fetchall()
    table = []
    for i, (name, idn, org, st) in enumerate(persons):
        unit = units[org]
        staffing = STAFFING[st - 1] if st else "编外"
        if i % 50 == 1:
            name = name + "某"
        if i % 70 == 2:
            unit = units[unit_ids[(unit_ids.index(org) + 7) % len(unit_ids)]]
        if i % 90 == 3:
            staffing = STAFFING[(st or 1) % len(STAFFING)]
        if i % 200 == 4:
            idn = idn[:17] + ("0" if idn[17] != "0" else "1")
        if i % 100 == 5:
            first17 = "990199" + idn[6:14] + "%03d" % (i % 1000)
            idn = first17 + check_char(first17)
        table.append([name, idn, unit, staffing])
        if i % 300 == 6:
            table.append([name, idn, unit, staffing])
    extra = 0
    while len(table) < rows:
        first17 = "990299" + "1985%02d%02d" % (extra % 12 + 1, extra % 28 + 1) + "%03d" % (extra % 1000)
        table.append(["名单外%d" % extra, first17 + check_char(first17), units[unit_ids[extra % len(unit_ids)]], "事业编制"])
        extra += 1
    with open(out, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "公民身份号码", "工作单位", "人员类别"])
        w.writerows(table[:rows])


if __name__ == "__main__":
    main()
