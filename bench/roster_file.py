"""A roster as the .csv a supervisor uploads, with the importer's own headers."""

import csv
import io

HEADERS = ["姓名", "身份证号", "所属组织", "手机号码", "是否党员"]


def csv_bytes(rows):
    """Return the rows (dicts: name, id_number, unit, phone, is_party_member) as UTF-8 CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row["name"], row["id_number"], row["unit"], row["phone"],
                         "是" if row["is_party_member"] else "否"])
    return out.getvalue().encode("utf-8")
