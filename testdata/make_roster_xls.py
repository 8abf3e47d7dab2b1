#!/usr/bin/env python3
"""Writes testdata/roster.xls, the binary (BIFF8, Excel 97-2003) roster that
tests/compare.rs reads: a title row above the header, renamed columns, ID numbers as
text, and rows whose category is known whatever the cache holds (numbers no generated
person has: birth dates in 1931, sequence 9xx). Made with xlwt 1.3.0:

    pip install xlwt && python3 testdata/make_roster_xls.py
"""
import os
import xlwt

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, W)) % 11]


def ident(birth, seq):
    first = "110101" + birth + "%03d" % seq
    return first + check(first)


def broken(id_number):
    """The same number with a wrong check character."""
    return id_number[:17] + ("1" if id_number[17] == "0" else "0")


rows = [
    # (姓名, 证件号码, 工作单位, 编制性质) — category expected
    ("甲一", ident("19310101", 901), "示例县教育局", "行政编制"),  # 名单有、在册无
    ("乙二", ident("19310202", 902), "示例县财政局", "事业编制"),  # 名单有、在册无
    ("丙三", ident("19310303", 903), "示例县", "行政"),  # 名单有、在册无
    ("丁四", ident("19310404", 904).lower(), "县教育局", "参公"),  # 名单有、在册无
    # 15 digits, converted to 18 (19 inserted, check character appended)
    ("戊五", "110101310505905", "示例县教育局", "事业"),  # 名单有、在册无
    ("己六", broken(ident("19310606", 906)), "示例县教育局", "行政编制"),  # 身份证号无效
    ("甲一", ident("19310101", 901), "示例县教育局", "行政编制"),  # 名单内重复
]

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("工资统发")
sheet.write(0, 0, "2025年1月工资统发人员名单")
for c, h in enumerate(["序号", "姓名", "证件号码", "工作单位", "编制性质"]):
    sheet.write(1, c, h)
for r, (name, id_number, unit, staffing) in enumerate(rows):
    sheet.write(r + 2, 0, r + 1)
    sheet.write(r + 2, 1, name)
    sheet.write(r + 2, 2, id_number)
    sheet.write(r + 2, 3, unit)
    sheet.write(r + 2, 4, staffing)
book.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "roster.xls"))
