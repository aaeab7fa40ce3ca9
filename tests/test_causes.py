"""One root cause, one finding (issue 14 item 5), through the CLI: what follows from a misspelt key or a
rejected value is grouped under it, in the text (indented), in JSON (`caused_by`) and in the reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen.commands.main import main


def check(capsys, path: Path, *extra: str) -> tuple[int, str]:
    code = main(["check", str(path), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


@pytest.fixture
def write(tmp_path):
    def write(tree: dict[str, Any]) -> Path:
        path = tmp_path / "acme.yaml"
        path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
        return path

    return write


def grouped(data: dict[str, Any]) -> dict[str, list[str]]:
    """Root finding code → what follows from it (codes and `missing:field`), from `caused_by` alone."""
    out: dict[str, list[str]] = {}
    for f in data["findings"]:
        if f["caused_by"] is not None:
            root = data["findings"][f["caused_by"]]
            assert root["caused_by"] is None
            out.setdefault(root["code"], []).append(f"{f['code']}:{f['field']}")
    for m in data["missing_items"]:
        if m["caused_by"] is not None:
            out.setdefault(data["findings"][m["caused_by"]]["code"], []).append(f"missing:{m['field']}")
    return out


CONSEQUENCES = [
    "E-GHG-1:training.ghg_market",
    "M-REQ:training.ghg_location",
    "M-REQ:training.grid_intensity",
    "missing:training.grid_intensity",
    "missing:training.ghg_location",
]


@pytest.mark.parametrize(
    "mutate,root",
    [
        (
            lambda t: t["training"].__setitem__("grid_intensty", t["training"].pop("grid_intensity")),
            "E-FIELD",
        ),
        (lambda t: t["training"]["grid_intensity"].__setitem__("method", "metered"), "E-TYPE"),
        (lambda t: t["training"]["grid_intensity"].__setitem__("unit", "ton"), "E-UNIT"),
    ],
    ids=["typo", "method", "unit"],
)
def test_what_follows_from_a_lost_grid_intensity_is_grouped_under_it(capsys, acme, write, mutate, root):
    mutate(acme)
    path = write(acme)
    code, out = check(capsys, path, "--format", "json")
    data = json.loads(out)
    assert code == 1
    first = data["findings"][0]
    assert first["code"] == root and first["caused_by"] is None  # the root cause is reported first
    assert sorted(grouped(data)[root]) == sorted(CONSEQUENCES)
    for f in data["findings"][1:]:
        assert f["caused_by"] == 0 and f["fix"].startswith(f"Follows from {root} (acme.yaml:")
    _, text = check(capsys, path)
    block = text[text.index(f"ERROR   {root}") :].splitlines()
    assert "Fixing it also resolves:" in block[2]
    assert block[3].strip().startswith("↳ ERROR E-GHG-1:")
    assert {block[4].strip(), block[5].strip()} == {
        "↳ missing: Training grid intensity [training.grid_intensity]",
        "↳ missing: Training GHG, location-based [training.ghg_location]",
    }
    assert text.count("E-GHG-1") == 1  # not listed a second time on its own


def test_a_derivation_chain_leads_back_to_the_rejected_input(capsys, acme, write):
    # a PUE of "high" is rejected; under the facility scope training energy, then its GHG, cannot be derived
    acme["training"]["pue"] = "high"
    data = json.loads(check(capsys, write(acme), "--format", "json")[1])
    assert sorted(grouped(data)["E-TYPE"]) == sorted(
        [
            "E-GHG-1:training.ghg_market",
            "M-REQ:training.energy",
            "M-REQ:training.ghg_location",
            "M-REQ-COND:training.pue",
            "missing:training.pue",
            "missing:training.energy",
            "missing:training.ghg_location",
        ]
    )


def test_a_rejected_phase_status_causes_the_boundary_contradiction(capsys, acme, write):
    acme["boundary"]["phases"]["end_of_life"] = "maybe"
    data = json.loads(check(capsys, write(acme), "--format", "json")[1])
    groups = grouped(data)
    assert "E-BND-2:boundary.lca_scope" in groups["E-TYPE"]
    assert "missing:boundary.phases.end_of_life" in groups["E-TYPE"]


def test_independent_problems_stay_apart(capsys, acme, write):
    del acme["organization"]["contact_email"]  # missing, caused by nothing
    acme["training"]["location_region"] = {"value": "Paris", "method": "guessed"}  # rejected, recommended
    data = json.loads(check(capsys, write(acme), "--format", "json")[1])
    assert all(f["caused_by"] is None for f in data["findings"])
    assert all(m["caused_by"] is None for m in data["missing_items"])
    assert data["missing_items"][0]["fix"] == "Add organization.contact_email (Contact email)."


def test_reports_show_the_grouping(tmp_path, acme, write):
    import openpyxl

    acme["training"]["grid_intensity"]["method"] = "metered"
    out = tmp_path / "out"
    assert main(["render", str(write(acme)), "-o", str(out), "--format", "xlsx"]) in (0, 1)
    wb = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert "↳ E-GHG-1" in cells
    assert any(c.startswith("Follows from E-TYPE (acme.yaml:") for c in cells)
