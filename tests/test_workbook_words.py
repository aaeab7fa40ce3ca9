"""Findings of a workbook in the workbook's words (issue 14 item 3), through the CLI: the cell (the Unit
cell for a unit problem), the column names and drop-down labels of the workbook, in its language, never
YAML syntax; a value typed with its own unit that contradicts the Unit column is one finding."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import SAMPLES
from test_workbook_live import locate

from reportgen.commands.main import main

YAML_WORDS = ("mapping", "{'", "Rename the key", "uncertainty_pct", "`reportgen standard`", "table avec")


def filled(tmp_path: Path, source: Path | bytes, cells: dict[str, dict[str, Any]]) -> tuple[Path, Any]:
    wb = openpyxl.load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    where = locate(wb)
    for fid, typed in cells.items():
        ws, r, cols = where[fid]
        for key, value in typed.items():
            ws.cell(row=r, column=cols[key]).value = value
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    return path, where


def cell(where: Any, fid: str, key: str) -> str:
    ws, r, cols = where[fid]
    return f"{ws.title}!{openpyxl.utils.get_column_letter(cols[key])}{r}"


def findings(capsys, path: Path, *extra: str) -> list[dict[str, Any]]:
    code = main(["check", str(path), "--format", "json", *extra])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    return json.loads(out)["findings"]


def one(found: list[dict[str, Any]], code: str, field: str) -> dict[str, Any]:
    hits = [f for f in found if f["code"] == code and f["field"] == field]
    assert len(hits) == 1, [(f["code"], f["field"]) for f in found]
    return hits[0]


PROBLEMS = {
    "data.energy": {"value": "12 MWh", "unit": "GWh"},  # its own unit against the Unit column
    "storage_network.energy": {"value": "18.5 MWh"},  # against the template's kWh left in Unit
    "finetuning.wue": {"unit": "L/parsec"},  # a unit picked wrong: the Unit cell
    "training.grid_intensity": {"method": "Metered"},  # the Method cell
    "end_of_life.recycled_share": {"uncertainty": 150},  # the Uncertainty cell
    "hardware.accelerator_count": {"unit": "kWh"},  # a count takes no unit
    "system.modality": {"value": "Textual"},
    "inference.pue": {"withheld": "Confidential"},  # value and withheld both
    "training.pue": {"field_id": "training.pue_site"},  # a misspelt id
    "inference.ghg_market": {"method": None, "source": None},  # W-DQ-1
}


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return filled(tmp_path_factory.mktemp("wb"), SAMPLES / "acme-assistant-7b.xlsx", PROBLEMS)


def test_no_yaml_syntax_in_any_finding(capsys, english):
    path, _ = english
    for f in findings(capsys, path):
        text = f["message"] + " " + f["fix"]
        assert not any(w in text for w in YAML_WORDS), text
        if f["field"] != "training.pue":  # its row was renamed: no cell to name
            assert f["location"] and f["location"]["cell"], f


def test_a_unit_typed_in_value_that_contradicts_the_unit_column_is_one_finding(capsys, english):
    path, where = english
    found = findings(capsys, path)
    for fid, unit in (("data.energy", "GWh"), ("storage_network.energy", "kWh")):
        f = one(found, "E-UNIT", fid)
        value, unit_cell = cell(where, fid, "value"), cell(where, fid, "unit")
        assert f["location"]["cell"] == value
        assert f"({value})" in f["message"] and f"{unit} in {unit_cell} (Unit)" in f["message"]
        assert f["fix"].startswith(f"Type only the number in {value} and choose its unit in {unit_cell}")
    assert not [f for f in found if f["code"] == "E-TYPE" and f["field"] == "data.energy"]


def test_each_problem_names_its_own_cell_and_the_columns(capsys, english):
    path, where = english
    found = findings(capsys, path)
    unit = one(found, "E-UNIT", "finetuning.wue")
    assert unit["location"]["cell"] == cell(where, "finetuning.wue", "unit")
    method = one(found, "E-TYPE", "training.grid_intensity")
    assert method["location"]["cell"] == cell(where, "training.grid_intensity", "method")
    assert "Method 'Metered'" in method["message"]
    assert method["fix"].endswith("Measured, Calculated, Estimated, Supplier data, Literature.")  # its labels
    pct = one(found, "E-TYPE", "end_of_life.recycled_share")
    assert pct["location"]["cell"] == cell(where, "end_of_life.recycled_share", "uncertainty")
    no_unit = one(found, "E-TYPE", "hardware.accelerator_count")
    assert no_unit["fix"] == f"Clear {cell(where, 'hardware.accelerator_count', 'unit')} (Unit)."
    both = one(found, "E-TYPE", "inference.pue")
    assert cell(where, "inference.pue", "withheld") in both["fix"]
    assert "Text, Image, Audio" in one(found, "E-TYPE", "system.modality")["fix"]
    typo = one(found, "E-FIELD", "training.pue_site")
    assert (
        typo["fix"]
        == f"Did you mean 'training.pue'? Correct the Field id in {cell(where, 'training.pue', 'field_id')}."
    )
    dq = one(found, "W-DQ-1", "inference.ghg_market")
    assert cell(where, "inference.ghg_market", "method") in dq["fix"]
    assert cell(where, "inference.ghg_market", "source") in dq["fix"]


def test_french_workbook_speaks_its_columns_and_labels(capsys, tmp_path):
    blank = tmp_path / "modele.xlsx"
    assert main(["template", str(blank), "--lang", "fr"]) == 0
    capsys.readouterr()
    path, where = filled(
        tmp_path,
        blank.read_bytes(),
        {
            "training.grid_intensity": {"value": 56, "method": "Mesuré au doigt"},
            "boundary.phases.training": {"value": "Inclus"},
        },
    )
    f = one(findings(capsys, path, "--lang", "fr"), "E-TYPE", "training.grid_intensity")
    assert "Méthode « Mesuré au doigt »" in f["message"] or "Méthode 'Mesuré au doigt'" in f["message"]
    assert "Mesuré, Calculé" in f["fix"] and f["location"]["cell"] == cell(
        where, "training.grid_intensity", "method"
    )


def test_yaml_keeps_its_own_words(capsys, tmp_path, acme):
    import yaml

    acme["inference"]["ghg_market"] = "11.2 tCO2e"
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(acme), encoding="utf-8")
    dq = one(_json(capsys, path), "W-DQ-1", "inference.ghg_market")
    assert "mapping with method" in dq["fix"]


def _json(capsys, path: Path) -> list[dict[str, Any]]:
    main(["check", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)["findings"]
