"""The Excel disclosure recomputes (issue 14 item 7): the Calculations sheet holds live formulas for every
derived figure of clause 8 and every total, over the cells of their inputs; recalculated by LibreOffice
headless, they equal reportgen's values to 1e-9 relative, on every sample."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import NO_SOFFICE, SAMPLES, SOFFICE, recalculate

from reportgen import evaluate_file
from reportgen.commands.main import main
from reportgen.presentation.xlsx_calc import SAFE_FORMULA, VALUE

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".yaml", ".xlsx"})


def variants(tmp: Path) -> list[Path]:
    """Samples plus the shapes the formulas branch on: the IT-equipment scope (no PUE), embodied GHG
    without usage rate (default 1) or without the server term, water without off-site intensity."""
    tree = yaml.safe_load((SAMPLES / "acme-assistant-7b.yaml").read_text(encoding="utf-8"))
    out = []
    for name, change in {
        "it-scope": lambda t: t["boundary"].__setitem__("energy_scope", "it_equipment"),
        "no-usage-no-server": lambda t: [t["hardware"].pop(k) for k in ("usage_rate", "embodied_per_server")],
        "no-offsite": lambda t: [t[p].pop("water_intensity_offsite") for p in ("training", "inference")],
    }.items():
        t = copy.deepcopy(tree)
        change(t)
        path = tmp / f"acme-{name}.yaml"
        path.write_text(yaml.safe_dump(t, allow_unicode=True), encoding="utf-8")
        out.append(path)
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[Path, tuple[Any, Path]]:
    tmp = tmp_path_factory.mktemp("calc")
    out: dict[Path, tuple[Any, Path]] = {}
    for src in [*SAMPLE_FILES, *variants(tmp)]:
        folder = tmp / src.stem / src.suffix[1:]
        assert main(["render", str(src), "-o", str(folder), "--format", "xlsx"]) in (0, 1)
        out[src] = (evaluate_file(src), next(folder.glob("*.xlsx")))
    return out


def blocks(ws: Any) -> dict[str, Any]:
    """Field id (or totals.NAME) → the first cell of its block in column C."""
    out: dict[str, Any] = {}
    for r in ws.iter_rows(min_row=2):
        key = r[0].value
        if isinstance(key, str) and key not in out and (key in FIELDS or key.startswith("totals.")):
            out[key] = r[VALUE - 1]
    return out


FIELDS: set[str] = set()


def test_every_numeric_derived_figure_and_total_is_a_safe_formula(rendered, std):
    FIELDS.update(std.fields)
    formulas = 0
    for src, (ev, path) in rendered.items():
        ws = openpyxl.load_workbook(path)["Calculations"]
        found = blocks(ws)
        for fid, fv in ev.values.items():
            if fv.trace and isinstance(fv.value, float) and fv.trace.clause != "8.0":
                cell = found[fid]
                assert cell.data_type == "f" and SAFE_FORMULA.match(cell.value), (src.name, fid, cell.value)
                formulas += 1
        for name, total in ev.totals.items():
            if total.value is not None and total.by_phase:
                assert found[f"totals.{name}"].value.startswith("=SUM("), (src.name, name)
        for row in ws.iter_rows():  # no other kind of formula, and none anywhere but here
            for c in row:
                if c.data_type == "f":
                    assert SAFE_FORMULA.match(c.value), c.value
    assert formulas >= 40


EDITED = "edited.xlsx"


@pytest.fixture(scope="module")
def recalculated(rendered, tmp_path_factory) -> dict[Path | str, Path]:
    """Every rendered workbook, and acme's with its training PUE doubled (EDITED), recalculated by one
    LibreOffice run: soffice starts in seconds, and converts a list of files in one go."""
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    tmp = tmp_path_factory.mktemp("recalc")
    (tmp / "in").mkdir()
    copies: dict[Path | str, Path] = {}
    for i, (src, (_, path)) in enumerate(rendered.items()):  # several reports share a file name
        copies[src] = tmp / "in" / f"{i}-{path.name}"
        copies[src].write_bytes(path.read_bytes())
    ev, path = rendered[SAMPLES / "acme-assistant-7b.yaml"]
    wb = openpyxl.load_workbook(path)
    row = next(
        r
        for r in wb["Calculations"].iter_rows(min_row=2)
        if r[0].value == "training.energy" and r[7].value == "training.pue"
    )
    row[8].value = ev.values["training.pue"].value * 2
    copies[EDITED] = tmp / "in" / EDITED
    wb.save(copies[EDITED])
    done = recalculate(list(copies.values()), tmp / "out")
    return {key: done[copy] for key, copy in copies.items()}


def test_libreoffice_recomputes_reportgens_values(rendered, recalculated, std):
    FIELDS.update(std.fields)
    compared = 0
    for src, (ev, _) in rendered.items():
        found = blocks(openpyxl.load_workbook(recalculated[src], data_only=True)["Calculations"])
        for fid, fv in ev.values.items():
            if fv.trace and isinstance(fv.value, float):
                assert found[fid].value == pytest.approx(fv.value, rel=1e-9), (src.name, fid)
                compared += 1
        for name, total in ev.totals.items():
            if total.value is not None and total.by_phase:
                got = found[f"totals.{name}"].value
                assert got == pytest.approx(total.value, rel=1e-9), (src.name, name)
                compared += 1
    assert compared >= 80


def test_changing_an_input_recomputes_the_chain(rendered, recalculated, std):
    """A supplied input edited in the sheet moves the figures derived from it, as a spreadsheet would."""
    FIELDS.update(std.fields)
    ev, _ = rendered[SAMPLES / "acme-assistant-7b.yaml"]
    found = blocks(openpyxl.load_workbook(recalculated[EDITED], data_only=True)["Calculations"])
    assert found["training.energy"].value == pytest.approx(2 * ev.values["training.energy"].value, rel=1e-9)
    assert found["training.ghg_location"].value == pytest.approx(
        2 * ev.values["training.ghg_location"].value, rel=1e-9
    )
    grown = ev.totals["energy"].value + ev.values["training.energy"].value
    assert found["totals.energy"].value == pytest.approx(grown, rel=1e-9)
