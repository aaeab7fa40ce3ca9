"""Reading filled workbooks (reportgen/inputs/xlsx.py): cells as typed, locations, and bad files."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reportgen.commands.main import main
from reportgen.errors import InputError
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.inputs import read_input
from reportgen.resources import t
from reportgen.workbook.layout import COLUMNS
from reportgen.workbook.template import template_workbook


@pytest.fixture(scope="module")
def blank(std, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("blank") / "blank.xlsx"
    template_workbook(std, "en").save(path)
    return path.read_bytes()


def rows(wb: Any, lang: str = "en") -> dict[str, tuple[Any, int, dict[str, int]]]:
    heads = {t(skey, lang): key for key, skey in COLUMNS}
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=10):
            cols = {heads[c.value]: c.column for c in row if c.value in heads}
            if "field_id" in cols:
                for r in range(row[0].row + 1, ws.max_row + 1):
                    if fid := ws.cell(row=r, column=cols["field_id"]).value:
                        out[fid] = (ws, r, cols)
                break
    return out


def filled(
    tmp_path: Path, blank: bytes, values: dict[str, dict[str, Any]], name: str = "filled.xlsx"
) -> Path:
    """A copy of the blank template with cells typed by Field id: {field: {column key: value}}."""
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    where = rows(wb)
    for fid, cells in values.items():
        ws, r, cols = where[fid]
        for key, value in cells.items():
            ws.cell(row=r, column=cols[key]).value = value
    path = tmp_path / name
    wb.save(path)
    return path


def cell_of(path: Path, fid: str, key: str = "value") -> str:
    ws, r, cols = rows(openpyxl.load_workbook(path))[fid]
    return f"{ws.title}!{ws.cell(row=r, column=cols[key]).coordinate}"


def errors(ev, code: str = "E-TYPE") -> dict[str, Any]:
    return {f.field: f for f in ev.findings if f.code == code}


# -- values as typed -------------------------------------------------------------------------------
def test_text_numbers_in_both_notations(std, blank, tmp_path):
    path = filled(
        tmp_path,
        blank,
        {
            "training.accelerator_hours": {"value": "1 287,5"},
            "inference.accelerator_hours": {"value": "1,287.5", "unit": "h"},
            "finetuning.accelerator_hours": {"value": "1,287"},
            "training.accelerator_count": {"value": "2 048"},
        },
    )
    ev = evaluate_file(path)
    assert ev.values["training.accelerator_hours"].value == 1287.5
    assert ev.values["inference.accelerator_hours"].value == 1287.5
    assert ev.values["training.accelerator_count"].value == 2048
    bad = errors(ev)["finetuning.accelerator_hours"]
    assert "two ways" in bad.message and "finetuning.accelerator_hours" not in ev.values
    assert bad.location.cell == cell_of(path, "finetuning.accelerator_hours")
    assert ev.rejected["finetuning.accelerator_hours"]["value"] == "1,287"


def test_excel_types_units_methods_and_labels(std, blank, tmp_path):
    path = filled(
        tmp_path,
        blank,
        {
            "report.reporting_period_start": {"value": dt.datetime(2025, 7, 1)},
            "report.reporting_period_end": {"value": "2026-06-30"},
            "boundary.end_user_devices_included": {"value": False},
            "training.includes_experiments": {"value": "Oui"},
            "system.architecture": {"value": "Mixture of experts"},
            "system.model_version": {"value": 2.1},  # a version typed as a number
            "training.energy": {
                "value": 433,
                "unit": "MWh",
                "method": "Measured",
                "source": "DCIM",
                "uncertainty": 0.05,
            },
            "data.energy": {"value": "12.4 MWh", "unit": "MWh"},  # a unit typed in Value, the same in Unit
            "inference.wue": {"withheld": "Confidential", "note": "contract"},
            "training.wue": {"withheld": "not_measured"},
        },
    )
    wb = openpyxl.load_workbook(path)
    ws, r, cols = rows(wb)["training.energy"]
    ws.cell(row=r, column=cols["uncertainty"]).number_format = "0%"  # 5 % typed in a percent cell
    wb.save(path)
    v = evaluate_file(path).values
    assert v["report.reporting_period_start"].value == dt.date(2025, 7, 1)
    assert v["report.reporting_period_end"].value == dt.date(2026, 6, 30)
    assert v["boundary.end_user_devices_included"].value is False
    assert v["training.includes_experiments"].value is True
    assert v["system.architecture"].value == "mixture_of_experts"
    assert v["system.model_version"].value == "2.1"
    e = v["training.energy"]
    assert (e.value, e.unit, e.method, e.source, e.uncertainty_pct) == (433000, "kWh", "measured", "DCIM", 5)
    assert v["data.energy"].value == pytest.approx(12400)
    assert (v["inference.wue"].withheld, v["inference.wue"].note) == ("confidential", "contract")
    assert v["training.wue"].origin == "withheld" and v["training.wue"].note is None


def test_locations_unknown_ids_and_duplicates(std, blank, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    where = rows(wb)
    ws, r, cols = where["training.pue"]
    ws.cell(row=r, column=cols["value"]).value = 0.9  # E-RNG-1: a PUE below 1
    b_ws, b_r, b_cols = where["boundary.phases.training"]
    b_ws.cell(row=b_r, column=b_cols["value"]).value = "Included"
    ws.insert_rows(r + 1)  # a user row with a typo in its id, and a heading of their own
    ws.cell(row=r + 1, column=cols["field_id"]).value = "training.pue_site"
    ws.cell(row=r + 1, column=cols["value"]).value = 1.2
    ws.append(["My remarks"])
    ws.append(["training.pue", None, None, 1.3])  # the same field twice
    path = tmp_path / "loc.xlsx"
    wb.save(path)
    ev = evaluate_file(path)
    assert ev.values["training.pue"].location.cell == f"Training!D{r}"
    assert any(f.code == "E-RNG-1" and f.location.cell == f"Training!D{r}" for f in ev.findings)
    unknown = errors(ev, "E-FIELD")["training.pue_site"]
    assert unknown.location.cell == f"Training!A{r + 1}" and "training.pue" in unknown.message
    assert "My remarks" not in errors(ev, "E-FIELD")
    dup = errors(ev)["training.pue"]
    assert "more than once" in dup.message and dup.location.cell == f"Training!D{ws.max_row}"


def test_value_and_withheld_together_is_flagged(blank, tmp_path):
    path = filled(tmp_path, blank, {"training.wue": {"value": 0.2, "withheld": "confidential", "note": "x"}})
    ev = evaluate_file(path)
    assert "training.wue" in errors(ev) and "training.wue" not in ev.values


def test_columns_found_by_header_text_anywhere(std, tmp_path):
    """A workbook a user built: French headers, other order, header on row 5, no edition mark."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Saisie"
    ws["A1"] = "Notes de l'équipe"
    ws.append([])
    ws.cell(row=5, column=2, value="Valeur")
    ws.cell(row=5, column=3, value="Unité")
    ws.cell(row=5, column=4, value="Identifiant du champ")
    ws.cell(row=5, column=5, value="Méthode")
    ws.cell(row=6, column=2, value=433)
    ws.cell(row=6, column=3, value="MWh")
    ws.cell(row=6, column=4, value="training.energy")
    ws.cell(row=6, column=5, value="Mesuré")
    path = tmp_path / "own.xlsx"
    wb.save(path)
    raw = read_input(path, std)
    entry = raw.entries["training.energy"]
    assert entry.value == {"value": 433, "unit": "MWh", "method": "Mesuré"}  # labels are read by values.py
    assert entry.location.cell == "Saisie!B6" and raw.kind == "xlsx"
    ev = evaluate_file(path)
    assert ev.values["training.energy"].method == "measured" and ev.values["training.energy"].value == 433000


def test_formulas_cached_and_uncached(std, blank, tmp_path):
    path = filled(
        tmp_path,
        blank,
        {"training.accelerator_hours": {"value": "=256*504"}, "training.avg_power_w": {"value": "=500+60"}},
    )
    ev = evaluate_file(path)  # written by a program: no saved results
    for fid in ("training.accelerator_hours", "training.avg_power_w"):
        f = errors(ev)[fid]
        assert f.location.cell == cell_of(path, fid) and fid not in ev.values
        assert "no saved result" in f.message and "save it" in f.fix
    # the same file after a spreadsheet saved it: results are stored next to the formulas
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            blob = re.sub(rb"<f>256\*504</f><v\s*/>", b"<f>256*504</f><v>129024</v>", blob)
            blob = re.sub(rb"<f>500\+60</f><v\s*/>", b"<f>500+60</f><v>560</v>", blob)
            dst.writestr(item, blob)
    saved = tmp_path / "saved.xlsx"
    saved.write_bytes(data.getvalue())
    ev = evaluate_file(saved)
    assert ev.values["training.accelerator_hours"].value == 129024
    assert ev.values["training.avg_power_w"].value == 560


def test_french_template_read_back(std, acme_tree, tmp_path):
    wb = template_workbook(std, "fr")
    where = rows(wb, "fr")
    ws, r, cols = where["training.energy"]
    assert ws.cell(row=3, column=cols["value"]).value == "Valeur"
    ws.cell(row=r, column=cols["value"]).value = "433,5"
    ws.cell(row=r, column=cols["method"]).value = "Mesuré"
    ws, r, cols = where["inference.wue"]
    ws.cell(row=r, column=cols["withheld"]).value = "Retenu par le fournisseur"
    ws.cell(row=r, column=cols["note"]).value = "contrat"
    path = tmp_path / "fr.xlsx"
    wb.save(path)
    v = evaluate_file(path).values
    assert (v["training.energy"].value, v["training.energy"].method) == (433.5, "measured")
    assert v["inference.wue"].withheld == "withheld_by_supplier"


# -- bad workbooks: each one sentence and exit 2 ---------------------------------------------------
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return path


def _with_members(blank: bytes, path: Path, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(io.BytesIO(blank)) as src:
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
    return _zip(path, {**members, **extra})


def _other_edition(std, path: Path) -> Path:
    wb = template_workbook(std, "en")
    for p in wb.custom_doc_props:
        if p.name == "reportgen.edition":
            p.value = "D2"
    wb.defined_names["rg_edition"].attr_text = '"D2"'
    wb.save(path)
    return path


def _no_field_id(blank: bytes, path: Path) -> Path:
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    for ws in wb.worksheets:
        ws.delete_cols(1)
    wb.save(path)
    return path


BAD = {
    "old_xls": (
        lambda std, blank, d: _write(d / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "97–2003",
    ),
    "encrypted": (
        lambda std, blank, d: _write(d / "secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"junk" * 200),
        "password",
    ),
    "macros": (
        lambda std, blank, d: _with_members(blank, d / "macro.xlsm", {"xl/vbaProject.bin": b"\0" * 64}),
        "macros",
    ),
    "corrupt_zip": (lambda std, blank, d: _write(d / "broken.xlsx", blank[: len(blank) // 2]), "damaged"),
    "not_zip": (lambda std, blank, d: _write(d / "text.xlsx", b"Field id;Value\n"), "not an Excel"),
    "zip_bomb": (
        lambda std, blank, d: _with_members(blank, d / "bomb.xlsx", {"xl/media/pad.bin": b"\0" * (24 << 20)}),
        "zip bomb",
    ),
    "too_big": (lambda std, blank, d: _write(d / "huge.xlsx", b"PK" + b"\0" * (21 << 20)), "limited to 20"),
    "ods": (
        lambda std, blank, d: _zip(
            d / "calc.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
        ),
        "OpenDocument",
    ),
    "docx": (
        lambda std, blank, d: _zip(d / "letter.xlsx", {"word/document.xml": b"<w/>"}),
        "not an Excel workbook",
    ),
    "other_edition": (lambda std, blank, d: _other_edition(std, d / "d2.xlsx"), "made for AILD D2"),
    "no_field_id_column": (lambda std, blank, d: _no_field_id(blank, d / "noid.xlsx"), "Field id"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_workbooks_are_refused_in_one_sentence(case, std, blank, tmp_path, capsys):
    make, words = BAD[case]
    path = make(std, blank, tmp_path)
    with pytest.raises(InputError) as exc:
        read_input(path, std)
    message = str(exc.value)
    assert words in message and path.name in message
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and words in err


def test_template_from_a_bad_workbook_is_refused(std, blank, tmp_path, capsys):
    bad = _write(tmp_path / "secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"junk")
    assert main(["template", "--from", str(bad), str(tmp_path / "out.xlsx")]) == 2
    assert "password" in capsys.readouterr().err and not (tmp_path / "out.xlsx").exists()


def test_yaml_path_never_imports_openpyxl():
    import subprocess
    import sys

    code = (
        "import sys; from reportgen.evaluation.pipeline import evaluate_file; "
        "evaluate_file('samples/acme-assistant-7b.yaml'); print('openpyxl' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_damaged_zip_member_is_refused_not_crashed(tmp_path, capsys):
    data = bytearray((Path(__file__).parent.parent / "samples" / "acme-assistant-7b.xlsx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    for i in range(start, start + 40):  # scramble compressed bytes of one sheet: CRC/inflate errors
        data[i] ^= 0x5A
    bad = tmp_path / "damaged.xlsx"
    bad.write_bytes(bytes(data))
    rc = main(["check", str(bad)])
    err = capsys.readouterr().err
    assert rc == 2 and "damaged" in err and "Traceback" not in err


def test_missing_items_name_the_value_cell_to_fill(blank, tmp_path, capsys):
    """A missing item of a workbook carries the empty Value cell of its row, even after rows were moved."""
    import json

    wb = openpyxl.load_workbook(io.BytesIO(blank))
    ws, r, cols = rows(wb)["organization.contact_email"]
    ws.insert_rows(r)  # the analyst inserted a row above it: the cell moves down by one
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    capsys.readouterr()
    main(["check", str(path), "--format", "json"])
    items = {m["field"]: m for m in json.loads(capsys.readouterr().out)["missing_items"]}
    letter = openpyxl.utils.get_column_letter(cols["value"])
    assert items["organization.contact_email"]["location"] == {
        "file": "moved.xlsx",
        "line": None,
        "cell": f"{ws.title}!{letter}{r + 1}",
        "path": "organization.contact_email",
    }
    ev = evaluate_file(Path(__file__).parents[1] / "samples" / "llama-3.1-405b.yaml")
    assert ev.missing_items and all(
        m.location is None for m in ev.missing_items
    )  # YAML: the key path is the id
