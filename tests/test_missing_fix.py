"""Missing items say how to fix them (issue 14 item 4), through the CLI: the cell to fill (workbook) or the
key to add (YAML), what a clause-8 derivation lacks, and a withheld value without a note named as such."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import SAMPLES
from test_workbook_live import locate

from reportgen.commands.main import main


def check(capsys, path: Path, *extra: str) -> tuple[int, str]:
    code = main(["check", str(path), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def items(capsys, path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    code, out = check(capsys, path, "--format", "json", *extra)
    assert code == 1
    data = json.loads(out)
    fixes = {f["field"]: f["fix"] for f in data["findings"] if f["code"] in ("M-REQ", "M-REQ-COND")}
    for m in data["missing_items"]:  # the M-REQ finding and the missing item say the same
        assert m["fix"] and fixes[m["field"]] == m["fix"], m
    return {m["field"]: m for m in data["missing_items"]}


@pytest.fixture
def acme_yaml(tmp_path, acme) -> Any:
    def write(tree: dict[str, Any]) -> Path:
        path = tmp_path / "acme.yaml"
        path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
        return path

    return write


def test_yaml_names_the_key_and_what_the_derivation_lacks(capsys, acme, acme_yaml):
    del acme["training"]["pue"]  # facility scope: PUE mandatory, and training energy cannot be derived
    path = acme_yaml(acme)
    got = items(capsys, path)
    assert got["training.pue"]["fix"] == "Add training.pue (Training PUE)."
    energy = got["training.energy"]["fix"]
    assert energy.startswith("Add training.energy (Training energy) — or add Training PUE (training.pue)")
    assert "clause 8.1" in energy
    # the formula asked: accelerator-hours and power are there, so they are not named
    assert "accelerator_hours" not in energy and "avg_power_w" not in energy
    _, text = check(capsys, path)
    assert "      Fix: Add training.pue (Training PUE)." in text


def test_an_input_that_is_only_optional_is_not_asked_for(capsys, acme, acme_yaml):
    # embodied GHG needs lifetime and one embodied factor; the usage rate has a default (8.4)
    for key in ("lifetime_years", "usage_rate"):
        del acme["hardware"][key]
    got = items(capsys, acme_yaml(acme))
    fix = got["hardware.ghg"]["fix"]
    assert "hardware.lifetime_years" in fix and "usage_rate" not in fix


def test_withheld_without_a_note_says_so(capsys, acme, acme_yaml):
    acme["training"]["pue"] = {"withheld": "confidential"}
    got = items(capsys, acme_yaml(acme))
    assert "without a note" in got["training.pue"]["fix"]
    assert "training.pue" in got["training.pue"]["fix"]


def test_french_fix(capsys, acme, acme_yaml):
    del acme["training"]["pue"]
    got = items(capsys, acme_yaml(acme), "--lang", "fr")
    assert got["training.pue"]["fix"].startswith("Ajoutez training.pue")
    assert "ou ajoutez PUE de l'entraînement (training.pue)" in got["training.energy"]["fix"]


def test_workbook_names_the_cells(capsys, tmp_path):
    wb = openpyxl.load_workbook(SAMPLES / "acme-assistant-7b.xlsx")
    where = locate(wb)

    def cell(fid: str, key: str) -> str:
        ws, r, cols = where[fid]
        return f"{ws.title}!{openpyxl.utils.get_column_letter(cols[key])}{r}"

    ws, r, cols = where["training.pue"]
    ws.cell(row=r, column=cols["value"]).value = None
    ws, r, cols = where["hardware.lifetime_years"]
    ws.cell(row=r, column=cols["value"]).value = None
    ws.cell(row=r, column=cols["withheld"]).value = "Confidential"
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "filled.xlsx"
    path.write_bytes(buf.getvalue())
    got = items(capsys, path)
    pue = cell("training.pue", "value")
    assert got["training.pue"]["fix"] == f"Fill {pue} (Training PUE)."
    energy = got["training.energy"]["fix"]
    assert energy.startswith(
        f"Fill {cell('training.energy', 'value')} (Training energy) — or fill Training PUE ({pue})"
    )
    lifetime = got["hardware.lifetime_years"]["fix"]
    assert "without a note" in lifetime and cell("hardware.lifetime_years", "note") in lifetime
    assert (
        f"Expected hardware lifetime ({cell('hardware.lifetime_years', 'value')})"
        in got["hardware.ghg"]["fix"]
    )
