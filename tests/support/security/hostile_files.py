"""Hostile roster files, built in memory from synthetic data: zip bombs, huge lines, wide rows."""

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["姓名", "身份证号", "所属组织"]


def _workbook_parts():
    return {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                               'package/2006/content-types"/>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                           '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      f'relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" '
                                      'Target="worksheets/sheet1.xml"/></Relationships>',
    }


def _row(number, values):
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'


def xlsx(sheet_chunks, compression=zipfile.ZIP_DEFLATED):
    """An .xlsx whose first sheet is the concatenation of sheet_chunks (strings), streamed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=9 if compression else None) as archive:
        for name, text in _workbook_parts().items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode())
    return out.getvalue()


def sheet(rows, dimension=None, prolog=""):
    """The chunks of a worksheet: header row, then rows (an iterable of value lists)."""
    yield prolog + f'<worksheet xmlns="{MAIN}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>" + _row(1, HEADER)
    for number, values in enumerate(rows, 2):
        yield _row(number, values)
    yield "</sheetData></worksheet>"


def rows_of(count):
    return ([f"居民{n}", "110101199003071234", "绿苑小区楼院党支部"] for n in range(count))


def zip_bomb(megabytes=60):
    """A small .xlsx whose sheet inflates to megabytes of rows (no <dimension>)."""
    block = _row(2, ["某某", "110101199003071234", "绿苑小区楼院党支部"]) * 4000  # ~0.5 MB
    return xlsx(block for _ in range(megabytes * 2))


def dense_bomb(megabytes=20):
    """Under the size limit but compressed a thousandfold: the ratio refuses it."""
    block = "<row><c><v>1</v></c></row>" * 40000  # ~1 MB of one repeated row
    return xlsx(block for _ in range(megabytes))


def lying_dimension():
    """A tiny sheet whose <dimension> claims a million rows by 16384 columns."""
    return xlsx(sheet(rows_of(3), dimension="A1:XFD1048576"))


def wide_xlsx(columns=10_000):
    """One data row with columns values."""
    return xlsx(sheet([["某某", "110101199003071234", "绿苑小区楼院党支部"] + ["x"] * (columns - 3)]))


def many_cells(rows=55_000):
    """Stored (not compressed: no ratio), no <dimension>, under 10 MB: only the cell budget stops it."""
    row = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"
    return xlsx(_numbers(row, rows), compression=zipfile.ZIP_STORED)


def _numbers(row, rows):
    yield f'<worksheet xmlns="{MAIN}"><sheetData>' + _row(1, HEADER)
    for _ in range(rows // 1000):
        yield row * 1000
    yield "</sheetData></worksheet>"


def billion_laughs():
    """An entity that would expand a thousandfold per level."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    return xlsx(sheet([["&i;", "1", "2"]], prolog=f"<!DOCTYPE worksheet [{entities}]>"))


def csv_one_line(megabytes=10):
    """megabytes of one line (no newline at all)."""
    return ("姓名,身份证号,所属组织," + "x" * (megabytes * 1024 * 1024 - 100)).encode()


def wide_csv(columns=10_000):
    return ("姓名,身份证号,所属组织\n" + ",".join(["某某"] * columns) + "\n").encode()


def csv_long_field():
    """A quoted value running over 20,000 short lines."""
    return ('姓名,身份证号,所属组织\n某某,"' + "x\n" * 20_000 + '",支部\n').encode()
