"""Hostile roster files are refused by their size, shape or cost, with a Chinese reason,
and reading stops at the first limit passed (never after reading the whole file)."""

import io
import struct
import zipfile

import pytest

from tests.support.factories import roster_bytes
from tests.support.security import hostile_files as hostile
from workflow.roster.limits import RosterFileError
from workflow.roster.reader import read

GOOD_ROW = ["张三", "110101199003071234", "绿苑小区楼院党支部"]


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("bomb.xlsx", hostile.zip_bomb, "Excel文件解压后超过50MB"),
    ("dense.xlsx", hostile.dense_bomb, "Excel文件的压缩比异常（超过100倍）"),
    ("dimension.xlsx", hostile.lying_dimension, "名单超过500000个单元格"),
    ("wide.xlsx", hostile.wide_xlsx, "名单超过100列"),
    ("laughs.xlsx", hostile.billion_laughs, "Excel文件含有不允许的内容（DTD）"),
    ("line.csv", hostile.csv_one_line, "CSV文件中有一行超过10000个字符"),
    ("wide.csv", hostile.wide_csv, "CSV文件中有一行超过10000个字符"),
    ("field.csv", hostile.csv_long_field, "CSV文件中有一行超过10000个字符"),
])
def test_a_hostile_file_is_refused_with_its_reason(app, name, data, reason):
    with pytest.raises(RosterFileError, match=reason):
        read(name, data())


def _with_broken_tail(data, member="xl/worksheets/sheet1.xml"):
    """The same .xlsx with garbage after its sheet's rows: only a full scan would meet it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == member:
                body = body.replace(b"</sheetData>", b"<row><c><<<not xml")
            target.writestr(info.filename, body)
    return out.getvalue()


def test_reading_stops_at_the_cell_limit_before_the_end_of_a_sheet_without_dimension(app):
    app.config["ROSTER_MAX_CELLS"] = 2000
    data = _with_broken_tail(hostile.xlsx(hostile.sheet(hostile.rows_of(5000))))
    with pytest.raises(RosterFileError, match="名单超过2000个单元格，请分批导入"):
        read("名单.xlsx", data)
    app.config["ROSTER_MAX_CELLS"] = 1_000_000  # allowed to read on: it meets the garbage
    with pytest.raises(RosterFileError, match="无法读取该Excel文件"):
        read("名单.xlsx", data)


def test_the_row_limit_stops_reading_there_too(app):
    app.config["ROSTER_MAX_ROWS"] = 100
    data = _with_broken_tail(hostile.xlsx(hostile.sheet(hostile.rows_of(5000))))
    with pytest.raises(RosterFileError, match="名单超过100行，请分批导入"):
        read("名单.xlsx", data)
    csv_data = roster_bytes([GOOD_ROW] * 300, "csv") + b'"never closed\n' * 3
    with pytest.raises(RosterFileError, match="名单超过100行，请分批导入"):
        read("名单.csv", csv_data)


def test_reading_stops_at_the_time_limit(app):
    app.config["ROSTER_MAX_SECONDS"] = 0.05
    with pytest.raises(RosterFileError, match="名单读取超过0.05秒"):
        read("名单.xlsx", hostile.many_cells())


def test_the_column_limit_is_configurable_and_counts_values_not_empty_cells(app):
    app.config["ROSTER_MAX_COLUMNS"] = 5
    trailing_commas = ("姓名,身份证号,所属组织" + "," * 20 + "\n" + ",".join(GOOD_ROW) + "," * 20 + "\n").encode()
    assert [r.values["name"] for r in read("名单.csv", trailing_commas)] == ["张三"]
    with pytest.raises(RosterFileError, match="名单超过5列，请删去多余的列"):
        read("名单.csv", roster_bytes([GOOD_ROW + ["", "", "备注"]], "csv"))
    with pytest.raises(RosterFileError, match="名单超过5列，请删去多余的列"):
        read("名单.xlsx", hostile.wide_xlsx(columns=6))


def test_a_directory_that_understates_a_size_makes_the_file_unreadable(app):
    """zipfile stops inflating at the declared size and the checksum then fails."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in hostile._workbook_parts().items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(hostile.sheet(hostile.rows_of(2000))))
    data = _understate(out.getvalue(), b"xl/worksheets/sheet1.xml", 100)
    with pytest.raises(RosterFileError, match="无法读取该Excel文件"):
        read("名单.xlsx", data)


def _understate(data, name, size):
    """Write size as the member's uncompressed size in its local header and its directory entry."""
    data = bytearray(data)
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while start >= 0:
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + size_at:start + size_at + 4] = struct.pack("<I", size)
            start = data.find(signature, start + 4)
    return bytes(data)


def test_a_plain_roster_is_still_read_with_shared_strings_numbers_and_gaps(app):
    data = roster_bytes([["李四", 110101199003071234, "绿苑小区楼院党支部", 13812345678, "是", "某路1号"],
                         ["", "", "", "", "", ""], GOOD_ROW], title="绿苑社区摸底名单")
    rows = read("名单.xlsx", data)
    assert [(r.number, r.values["name"], r.values["phone"]) for r in rows] == [
        (3, "李四", "13812345678"), (5, "张三", "")]


def test_the_upload_page_shows_the_reason(client, auth, make):
    # A small file: the test client's PII scan unpacks every uploaded zip.
    auth.login("lvyuan-supervisor")
    response = client.post("/supervisor/roster", content_type="multipart/form-data", data={
        "project": make.project(0).id, "file": (io.BytesIO(hostile.lying_dimension()), "名单.xlsx")})
    assert response.status_code == 400
    assert "名单超过500000个单元格，请分批导入" in response.get_data(as_text=True)
