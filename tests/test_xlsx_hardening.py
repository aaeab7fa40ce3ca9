"""Workbooks as an attacker or a careless user makes them (issue 10, defects 6, 7 and 9): every workbook
reportgen opens — a filled template for `check` and `template --from`, a report for `verify` — goes
through one bounded opener. The hostile files are built here, small, from the committed sample."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from reportgen.commands.main import main
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.inputs import xlsx_zip
from reportgen.presentation.xlsx import write_xlsx
from reportgen.workbook import reader

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_XLSX = ROOT / "samples" / "acme-assistant-7b.xlsx"
SAMPLE_YAML = ROOT / "samples" / "acme-assistant-7b.yaml"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    return write_xlsx(evaluate_file(SAMPLE_YAML), tmp_path_factory.mktemp("report") / "acme.xlsx")


def run(capsys, *argv: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err
    return code, out, err


# -- zip surgery -------------------------------------------------------------------------------------
def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def deflate(*chunks: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return b"".join([*(c.compress(ch) for ch in chunks), c.flush()])


def build_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand, so that it can lie: (name, deflated bytes, declared size, declared CRC)."""
    out, directory = io.BytesIO(), []
    for name, payload, size, crc in entries:
        offset, n = out.tell(), name.encode()
        out.write(
            struct.pack(
                "<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, crc, len(payload), size, len(n), 0
            )
            + n
            + payload
        )
        directory.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                0,
                20,
                0,
                0,
                8,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(n),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + n
        )
    start, blob = out.tell(), b"".join(directory)
    out.write(
        blob + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(blob), start, 0)
    )
    return out.getvalue()


def honest(parts: dict[str, bytes]) -> list[tuple[str, bytes, int, int]]:
    return [(name, deflate(blob), len(blob), zlib.crc32(blob)) for name, blob in parts.items()]


def lying(src: Path, dst: Path, part: str = "xl/styles.xml", megabytes: int = 8) -> Path:
    """`part` declares its true first KB (size and CRC) but inflates to `megabytes` MB: zipfile alone
    would inflate all of it in one call before noticing."""
    parts = members(src)
    head = parts[part][:1024]
    bomb = deflate(head, b" " * (megabytes << 20))
    entries = [e for e in honest(parts) if e[0] != part] + [(part, bomb, len(head), zlib.crc32(head))]
    dst.write_bytes(build_zip(entries))
    return dst


def replaced(src: Path, dst: Path, parts: dict[str, bytes]) -> Path:
    """A copy of `src` with members replaced or added."""
    new = {**members(src), **parts}
    dst.write_bytes(build_zip(honest(new)))
    return dst


# -- defect 6: zip bombs -----------------------------------------------------------------------------
def test_member_lying_about_its_size_is_caught_while_inflating(tmp_path, capsys, report):
    bomb = lying(SAMPLE_XLSX, tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 200_000
    for argv in (["check", bomb], ["template", "--from", bomb, tmp_path / "out.xlsx"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "zip bomb" in err and "xl/styles.xml" in err and out == ""
    assert not (tmp_path / "out.xlsx").exists()
    code, out, err = run(capsys, "verify", lying(report, tmp_path / "report-bomb.xlsx", "docProps/core.xml"))
    assert code == 2 and "zip bomb" in err and "docProps/core.xml" in err


def test_verify_applies_the_container_checks(tmp_path, capsys, report):
    padded = replaced(report, tmp_path / "padded.xlsx", {"xl/media/pad.bin": b"\0" * (24 << 20)})
    code, out, err = run(capsys, "verify", padded)
    assert code == 2 and "zip bomb" in err and "Verified" not in out
    macro = replaced(report, tmp_path / "macro.xlsx", {"xl/vbaProject.bin": b"\0" * 64})
    code, _, err = run(capsys, "verify", macro)
    assert code == 2 and "macros" in err


def test_member_shorter_than_declared_or_wrong_crc_is_damaged(tmp_path, capsys):
    parts = members(SAMPLE_XLSX)
    blob = parts["xl/styles.xml"]
    short = [e for e in honest(parts) if e[0] != "xl/styles.xml"]
    (tmp_path / "short.xlsx").write_bytes(
        build_zip(short + [("xl/styles.xml", deflate(blob), len(blob) + 10, zlib.crc32(blob))])
    )
    (tmp_path / "crc.xlsx").write_bytes(
        build_zip(short + [("xl/styles.xml", deflate(blob), len(blob), 1234)])
    )
    for name in ("short.xlsx", "crc.xlsx"):
        code, _, err = run(capsys, "check", tmp_path / name)
        assert code == 2 and "damaged" in err and "xl/styles.xml" in err


# -- defect 7: unbounded work ------------------------------------------------------------------------
def test_a_stray_cell_in_the_last_row_stops_reading_and_says_so(tmp_path, capsys):
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    wb.worksheets[2].cell(row=1_048_576, column=1, value="stray.field")
    wb.worksheets[2].cell(row=1_048_576, column=4, value=1)
    wb.save(tmp_path / "stray.xlsx")
    code, out, err = run(capsys, "check", tmp_path / "stray.xlsx")
    assert code == 0, out + err  # the disclosure itself is read and complete
    assert f"reading stopped at {wb.worksheets[2].title}!A5001" in err and "5,000 rows" in err
    assert "stray.field" not in out
    code, _, err = run(capsys, "template", "--from", tmp_path / "stray.xlsx", tmp_path / "again.xlsx")
    assert code == 0 and "reading stopped" in err


def test_rows_beyond_the_workbook_bound_are_not_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 130)  # the Status and Instructions sheets and the first rows only
    code, out, err = run(capsys, "check", SAMPLE_XLSX)
    assert code == 1 and "more than 130 rows" in err and "Missing mandatory items" in out


def _wide(tmp_path: Path, rows: int) -> Path:
    """A data sheet whose rows reach column XFD: openpyxl parses every cell of every row."""
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    ws = wb.worksheets[2]
    for r in range(ws.max_row + 1, ws.max_row + rows):
        ws.cell(row=r, column=16_384, value=r)
    wb.save(tmp_path / "wide.xlsx")
    return tmp_path / "wide.xlsx"


def test_parsing_stops_at_the_tag_budget(tmp_path, capsys, monkeypatch):
    wide = _wide(tmp_path, 2_000)
    monkeypatch.setattr(xlsx_zip, "MAX_TAGS", 20_000)  # the sample reads in about 16,000
    code, out, err = run(capsys, "check", wide)
    assert code == 1 and "reading stopped" in err and "20,000 XML tags" in err
    monkeypatch.setattr(xlsx_zip, "MAX_TAGS", 10_000)
    code, out, err = run(capsys, "verify", _report_with_rows(tmp_path, 3_000))
    assert code == 2 and "10,000 XML tags" in err and out == ""


def _report_with_rows(tmp_path: Path, n: int) -> Path:
    path = write_xlsx(evaluate_file(SAMPLE_YAML), tmp_path / "grown.xlsx")
    wb = openpyxl.load_workbook(path)
    for r in range(1, n):
        wb.worksheets[0].cell(row=100 + r, column=8, value=r)
    wb.save(path)
    return path


def test_verify_refuses_a_sheet_reaching_the_last_row(tmp_path, capsys, report):
    wb = openpyxl.load_workbook(report)
    wb.worksheets[1].cell(row=1_048_576, column=1, value="x")
    wb.save(tmp_path / "far.xlsx")
    code, out, err = run(capsys, "verify", tmp_path / "far.xlsx")
    assert code == 2 and "1,048,576" in err and out == ""


# -- defect 9: malformed sheet XML -------------------------------------------------------------------
SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
MALFORMED = {
    "unclosed": SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v>',
    "bad_token": SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1<</v></c></row>'
    b"</sheetData></worksheet>",
    "no_dimension": SHEET_HEAD + b"<sheetData><row><c><v>1</v></c>",
    "bad_shared_string": SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="s">'
    b"<v>99999</v></c></row></sheetData></worksheet>",
    "bad_number": SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="n"><v>1,5x</v>'
    b"</c></row></sheetData></worksheet>",
    "bad_row_number": SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData><row r="x"><c r="A1"><v>1</v></c>'
    b"</row></sheetData></worksheet>",
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_sheet_xml_is_exit_2(case, tmp_path, capsys, report):
    bad = replaced(SAMPLE_XLSX, tmp_path / "bad.xlsx", {"xl/worksheets/sheet3.xml": MALFORMED[case]})
    code, out, err = run(capsys, "check", bad)
    assert code == 2 and "bad.xlsx" in err and ("damaged" in err or "cannot be read" in err), err
    assert main(["template", "--from", str(bad), str(tmp_path / "o.xlsx")]) == 2
    with zipfile.ZipFile(report) as z:
        last = max(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    code, out, err = run(capsys, "verify", replaced(report, tmp_path / "r.xlsx", {last: MALFORMED[case]}))
    assert code == 2 and out == ""
