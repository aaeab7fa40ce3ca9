"""Issue 10, defect 3: characters XML 1.0 forbids, in any text reportgen writes into a workbook, never make a
workbook that is not well-formed. They are written as U+FFFD and a warning names the cells; the JSON the
report carries keeps them exactly (escaped), so the report still verifies."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from xml.dom import minidom

import openpyxl
import pytest
import yaml

from reportgen.commands.main import main
from reportgen.presentation.xlsx import read_embedded
from reportgen.workbook.xml_text import ILLEGAL_XML, json_legal

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "acme-assistant-7b.yaml"
BAD = "\x00\x01\x08\x0b\x0c\x1f\ufffe\uffff"  # every class JSON can carry (lone surrogates: see file names)


@pytest.fixture
def nasty(tmp_path) -> tuple[Path, dict]:
    """The acme sample as JSON, with forbidden characters in free text, a withheld note, a rejected value
    and the system name (which reaches the document title and the file name)."""
    tree = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    tree["system"]["name"] = f"Acme{BAD}Assistant"
    tree["training"]["accelerator_hours"]["source"] = f"Slurm{BAD}accounting"
    tree["training"]["compute_flop"] = {"withheld": "confidential", "note": f"sensitive{BAD}"}
    tree["inference"]["requests"] = f"many{BAD}"  # rejected (E-TYPE): copied back as typed
    path = tmp_path / "nasty.json"
    path.write_text(json.dumps(tree, default=str), encoding="utf-8")
    return path, tree


def assert_well_formed(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                minidom.parseString(z.read(name))  # raises on any XML 1.0 violation
    openpyxl.load_workbook(path).close()


def run(capsys, *argv: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err
    return code, out, err


def test_report_with_forbidden_characters_is_well_formed_and_verifies(nasty, tmp_path, capsys):
    src, tree = nasty
    code, _, err = run(capsys, "render", src, "-o", tmp_path / "out", "--format", "xlsx")
    assert code in (0, 1)
    (report,) = (tmp_path / "out").glob("*.xlsx")
    assert_well_formed(report)
    assert (
        "warning" in err
        and "U+FFFF" in err
        and "U+0001" in err
        and "Disclosure!" in err
        and "nasty.json" in err
    )
    wb = openpyxl.load_workbook(report)
    shown = [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert any("Slurm\ufffd" in v for v in shown) and not any(ILLEGAL_XML.search(v) for v in shown)
    assert read_embedded(report)["inputs"]["system"]["name"] == tree["system"]["name"]  # kept exactly
    code, out, _ = run(capsys, "verify", report, src)
    assert code == 0 and "Verified" in out


def test_template_from_forbidden_characters_is_well_formed_and_reads_back(nasty, tmp_path, capsys):
    src, _ = nasty
    out = tmp_path / "filled.xlsx"
    code, _, err = run(capsys, "template", "--from", src, out)
    assert code == 0 and "U+FFFE" in err and "Training!" in err
    assert_well_formed(out)
    code, text, _ = run(capsys, "check", out)
    assert code in (0, 1) and "Acme\ufffd" in text


def test_file_name_that_is_not_utf8_reaches_the_workbook_legally(tmp_path, capsys):
    name = os.fsdecode(b"acme\xff.yaml")  # a lone surrogate (U+DCFF) once decoded
    src = tmp_path / name
    src.write_bytes(SAMPLE.read_bytes())
    code, _, err = run(capsys, "render", src, "-o", tmp_path / "out", "--format", "xlsx")
    assert code == 0 and "U+DCFF" in err and "About!" in err
    (report,) = (tmp_path / "out").glob("*.xlsx")
    assert_well_formed(report)
    assert run(capsys, "verify", report)[0] == 0
    code, _, err = run(capsys, "template", "--from", src, tmp_path / "t.xlsx")
    assert code == 0 and "Instructions!" in err and "acme\\udcff.yaml" in err
    assert_well_formed(tmp_path / "t.xlsx")


def test_clean_input_writes_no_warning(tmp_path, capsys):
    code, _, err = run(capsys, "template", "--from", SAMPLE, tmp_path / "t.xlsx")
    assert code == 0 and "warning" not in err


def test_json_escape_is_lossless():
    text = json.dumps({"a": f"x{BAD}\ud800y"}, ensure_ascii=False)
    escaped = json_legal(text)
    assert not ILLEGAL_XML.search(escaped) and json.loads(escaped) == json.loads(text)


def test_embedded_json_is_split_in_maximal_pieces_excel_can_hold():
    """Pieces of at most `limit` UTF-16 units (an astral character counts two), greedy, rejoining exactly.
    The pieces are sliced, not walked character by character (a 10 MB text took 16 s)."""
    import random

    from reportgen.presentation.xlsx_about import split_utf16

    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice("aé😀\U00010000z") for _ in range(rng.randint(0, 60)))
        limit = rng.randint(2, 9)
        parts = split_utf16(text, limit)
        assert "".join(parts) == text
        assert all(len(p.encode("utf-16-le")) // 2 <= limit for p in parts)
        for a, b in zip(parts, parts[1:], strict=False):
            assert len((a + b[0]).encode("utf-16-le")) // 2 > limit
    assert split_utf16("", 5) == [""]
    assert split_utf16("x" * 70_001, 30_000) == ["x" * 30_000, "x" * 30_000, "x" * 10_001]
