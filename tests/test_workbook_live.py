"""The live status of the fill-in workbook (issue 14): its formulas, recalculated by LibreOffice, agree with
`reportgen check` — the same missing items, the same count, the same completeness — on every sample, on
every edition and language, and on workbooks filled as an analyst would (a phase excluded, the facility
scope, a derivable field left empty, withheld values, values check rejects)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import NO_SOFFICE, SAMPLES, SOFFICE, recalculate

from reportgen.commands.main import main
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.resources import t
from reportgen.standard import load_standard
from reportgen.workbook.layout import COLUMNS, HELPER_COLUMNS
from reportgen.workbook.template import template_workbook

HEADS = {t(skey, lang): key for key, skey in COLUMNS for lang in ("en", "fr")}


def locate(wb: Any) -> dict[str, tuple[Any, int, dict[str, int]]]:
    """Field id → (sheet, row, {column key: index}), found by header text like the reader."""
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=5):
            cols = {HEADS[c.value]: c.column for c in row if isinstance(c.value, str) and c.value in HEADS}
            if "field_id" in cols and "value" in cols:
                for r in range(row[0].row + 1, ws.max_row + 1):
                    if fid := ws.cell(row=r, column=cols["field_id"]).value:
                        out.setdefault(fid, (ws, r, cols))
                break
    return out


def fill(base: Any, cells: dict[str, dict[str, Any]], path: Path) -> Path:
    """Type values into a copy of workbook `base` (bytes), {field: {column key: value}}, as an analyst would."""
    wb = openpyxl.load_workbook(io.BytesIO(base))
    where = locate(wb)
    for fid, typed in cells.items():
        ws, r, cols = where[fid]
        for key, value in typed.items():
            ws.cell(row=r, column=cols[key]).value = value
    wb.save(path)
    return path


@functools.cache  # a blank template takes a second to write; the scenarios fill copies of a few
def _blank(edition: str | None, lang: str) -> bytes:
    buf = io.BytesIO()
    template_workbook(load_standard(edition), lang).save(buf)
    return buf.getvalue()


BOUNDARY = {  # an analyst's boundary: hardware excluded without its justification, data not applicable
    "boundary.phases.hardware": {"value": "Excluded"},
    "boundary.phases.data": {"value": "Not applicable"},
    "boundary.justifications.data": {"value": "No data preparation of our own"},
    "boundary.phases.training": {"value": "Included"},
    "boundary.phases.finetuning": {"value": "excluded"},  # typed, not picked: any case, the code or a label
    "boundary.phases.inference": {"value": "Included"},
    "boundary.phases.storage_network": {"value": "Included"},
    "boundary.phases.end_of_life": {"value": "Included"},
    "boundary.energy_scope": {"value": "Whole facility (IT × PUE)"},
    "boundary.lca_scope": {"value": "Cradle to gate"},
    "boundary.electricity_accounting": {"value": "Location- and market-based"},
    "boundary.end_user_devices_included": {"value": False},
    "training.accelerator_hours": {"value": 129024, "method": "Measured", "source": "Slurm"},
    "training.avg_power_w": {"value": 560},  # training.pue left empty: energy cannot be derived yet
    "training.grid_intensity": {"value": 56, "source": "EEA 2023"},  # its source is derivable (A5)
}
SCENARIOS: dict[str, tuple[str | None, str, dict[str, dict[str, Any]]]] = {
    "analyst-boundary": (None, "en", BOUNDARY),
    "analyst-pue": (
        None,
        "en",
        {
            **BOUNDARY,
            "training.pue": {"value": 1.12},  # now derivable: Calculated
            "boundary.justifications.hardware": {"value": "Cloud rental"},
            "finetuning.accelerator_hours": {"value": 10},
        },
    ),  # excluded: not counted
    "withheld": (
        None,
        "en",
        {
            **BOUNDARY,
            "training.pue": {"value": 1.1},
            "inference.grid_intensity": {"withheld": "Confidential"},  # no note: still missing
            "inference.requests": {"withheld": "Confidential", "note": "Commercially sensitive"},
            "inference.accelerator_model": {"withheld": "Not measured", "note": "Unknown"},  # never satisfies
            "training.location_country": {"value": "FR", "withheld": "Confidential"},  # both: rejected
            "storage_network.ghg_location": {
                "withheld": "Confidential",
                "note": "x",
            },  # withheld: grid not needed
        },
    ),
    "conditions": (
        None,
        "en",
        {
            **BOUNDARY,
            "system.architecture": {"value": "Mixture of experts"},
            "verification.level": {"value": "Limited assurance"},
            "system.modality": {"value": "Text"},
            "boundary.phases.hardware": {"value": "Included"},
            "hardware.embodied_per_server": {"value": 2500},
            "hardware.lifetime_years": {"value": 5},
            "hardware.embodied_per_accelerator": {"value": 150},
            "training.wue": {"value": 0.2},
            "training.pue": {"value": 1.2},  # water derived: water_method needed
            "data.ghg_location": {"value": 10},
        },
    ),
    "rejected": (
        None,
        "en",
        {
            **BOUNDARY,
            "system.modality": {"value": "Textual"},
            "system.parameters_total": {"value": 12.5},
            "organization.country": {"value": "France"},
            "organization.contact_email": {"value": "a@b"},
            "report.reporting_period_start": {"value": "2025-13-01"},
            "report.reporting_period_end": {"value": dt.date(2026, 6, 30)},
            "training.accelerator_count": {"value": "no idea"},
            "training.wallclock_days": {"value": 21, "method": "Guessed"},
            "training.compute_flop": {"value": 3e23, "uncertainty": 150},
            "organization.name": {"value": "   "},  # spaces only: empty
            "organization.role": {"withheld": "Secret"},
        },
    ),
    "french": (
        "D1",
        "fr",
        {
            "boundary.phases.training": {"value": "Inclus"},
            "boundary.energy_scope": {"value": "it_equipment"},
            "boundary.phases.inference": {"value": "Sans objet"},
            "training.accelerator_hours": {"value": 1000},
            "training.avg_power_w": {"value": 700},
            "system.model_version": {"value": 2.1},
        },
    ),
}


# A French workbook has the English one's formulas (only the Status sheet's words and the sheet names
# differ); what French adds is its labels, typed in Value and Method and matched by the formulas. So
# French runs where it brings labels English does not: acme (every phase included, its methods, the
# facility scope), llama (phases excluded, accelerators only, gate to gate), mistral (published
# aggregates, location-based only), and the D1 scenario below. A blank French workbook, and the French
# twins of acme-d1 and acme-metered, hold no label those lack (their numbers are the same in both
# languages), so LibreOffice is not run on them.
FRENCH_SAMPLES = ("acme-assistant-7b", "llama-3.1-405b", "mistral-large-2")


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """Every workbook the comparison runs on: a blank one per edition, one per sample (prefilled with
    `template --from`, in English, and in French for FRENCH_SAMPLES; and the sample workbooks), and the
    scenarios."""
    d = tmp_path_factory.mktemp("live")
    out: dict[str, Path] = {}
    for edition in ("D1", "D1.1"):
        out[f"blank-{edition}-en"] = d / f"blank-{edition}-en.xlsx"
        out[f"blank-{edition}-en"].write_bytes(_blank(edition, "en"))
    for sample in sorted(SAMPLES.glob("*.yaml")):
        for lang in ("en", "fr") if sample.stem in FRENCH_SAMPLES else ("en",):
            path = d / f"{sample.stem}-{lang}.xlsx"
            assert main(["template", "--from", str(sample), "--lang", lang, "-o", str(path)]) == 0
            out[path.stem] = path
    for sample in sorted(SAMPLES.glob("*.xlsx")):
        out[sample.stem + "-sample"] = d / f"{sample.stem}-sample.xlsx"
        out[sample.stem + "-sample"].write_bytes(sample.read_bytes())
    for name, (edition, lang, cells) in SCENARIOS.items():
        out[name] = fill(_blank(edition, lang), cells, d / f"{name}.xlsx")
    return out


def contents(path: Path) -> frozenset[tuple[str, bytes]]:
    """The workbook's parts but its dates (docProps/core.xml): what LibreOffice computes from."""
    with zipfile.ZipFile(path) as zf:
        return frozenset((n, zf.read(n)) for n in zf.namelist() if n != "docProps/core.xml")


@pytest.fixture(scope="module")
def recalculated(workbooks, tmp_path_factory) -> dict[str, Path]:
    """Each workbook recalculated by LibreOffice; workbooks with the same contents (the sample workbook is
    acme's `template --from`) are recalculated once, as they compute the same."""
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    first: dict[frozenset[tuple[str, bytes]], Path] = {}
    same = {name: first.setdefault(contents(path), path) for name, path in workbooks.items()}
    done = recalculate(list(first.values()), tmp_path_factory.mktemp("recalculated"))
    return {name: done[path] for name, path in same.items()}


def live(path: Path) -> tuple[int, float, set[str], dict[str, int]]:
    """What the recalculated workbook says: its count and completeness (by their names), the ids whose
    Status is 1 (missing), and the Status of every row."""
    wb = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for name in ("aild_missing_count", "aild_completeness"):
        sheet, ref = list(wb.defined_names[name].destinations)[0]
        values[name] = wb[sheet][ref.replace("$", "")].value
    status = {
        fid: ws.cell(row=r, column=cols["status"]).value
        for fid, (ws, r, cols) in locate(wb).items()
        if fid != "standard"
    }
    return (
        values["aild_missing_count"],
        values["aild_completeness"],
        {f for f, s in status.items() if s == 1},
        status,
    )


def _without_tables(path: Path) -> Any:
    """check's evaluation of a workbook as its formulas can know it: without the activity tables its
    `activity` sheet lists (Annex D; reading files is beyond a formula, README)."""
    from reportgen.evaluation.pipeline import evaluate_raw
    from reportgen.inputs import read_input

    raw = read_input(path)
    raw.meta.pop("activity", None)
    return evaluate_raw(raw, standard=raw.standard)


def test_the_workbook_counts_what_check_counts_on_every_workbook(workbooks, recalculated):
    assert len(workbooks) >= 16
    assert evaluate_file(workbooks["acme-assistant-7b-metered-en"]).status == "complete"  # with its tables
    for name, path in recalculated.items():
        ev = _without_tables(workbooks[name])
        count, completeness, missing, _ = live(path)
        assert missing == set(ev.missing), name
        assert count == len(ev.missing_items), name
        assert completeness == pytest.approx(ev.completeness, rel=1e-9, abs=1e-12), name
        # the recalculated file is read by check as the original is: same inputs, same missing items
        assert set(_without_tables(path).missing) == set(ev.missing), name


def test_highlighting_follows_the_boundary_the_scope_and_derivations(recalculated):
    _, _, missing, status = live(recalculated["analyst-boundary"])
    assert "boundary.justifications.hardware" in missing  # excluded: its justification becomes mandatory
    assert not {f for f in missing if f.startswith("hardware.")}  # excluded: no yellow on its sheet
    assert "training.pue" in missing  # facility scope
    assert {"training.energy", "training.ghg_location"} <= missing  # not derivable without the PUE
    assert status["training.grid_intensity_source"] == 2  # derived from the intensity's source (A5)
    _, _, missing, status = live(recalculated["analyst-pue"])
    assert status["training.energy"] == status["training.ghg_location"] == 2  # Calculated, not missing
    assert not {"training.pue", "training.energy", "boundary.justifications.hardware"} & missing
    _, _, missing, _ = live(recalculated["withheld"])
    assert {"inference.grid_intensity", "inference.accelerator_model", "training.location_country"} <= missing
    assert "inference.requests" not in missing and "storage_network.grid_intensity" not in missing
    _, _, missing, _ = live(recalculated["conditions"])
    assert {
        "system.parameters_active",
        "verification.provider",
        "verification.date",
        "inference.output_tokens",
        "training.ghg_market",
        "hardware.embodied_source",
        "hardware.accelerators_per_server",
        "methodology.water_method",
    } <= missing


def test_the_first_sheet_lists_the_missing_items_with_links(workbooks, recalculated):
    path = recalculated["analyst-boundary"]
    ev = evaluate_file(workbooks["analyst-boundary"])
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb.worksheets[0]
    assert ws.title == "Status" and "reportgen check stays the authority" in ws["A2"].value
    rows = [r for r in ws.iter_rows(min_row=1, values_only=True) if r[1] in ev.missing]
    assert [r[1] for r in rows] == [m.field for m in ev.missing_items]  # check's order
    cells = {m.field: m.location.cell for m in ev.missing_items if m.location and m.location.cell}
    for label, fid, cell, *_ in rows:
        assert label == next(m.label for m in ev.missing_items if m.field == fid)
        sheet, ref = cell.split("!")
        assert f"{sheet.strip(chr(39))}!{ref}" == cells.get(fid, f"{sheet.strip(chr(39))}!{ref}")
    formulas = openpyxl.load_workbook(workbooks["analyst-boundary"]).worksheets[0]
    links = [
        c.value
        for row in formulas.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert len(links) >= len(ev.missing_items)


def test_status_formulas_names_and_validations_without_libreoffice(std):
    wb = template_workbook(std, "fr")
    assert {"aild_missing_count", "aild_completeness"} <= set(wb.defined_names)
    where = locate(wb)
    ws, r, cols = where["training.energy"]
    status = ws.cell(row=r, column=cols["status"])
    assert (
        status.value.startswith("=")
        and "Manquant" in status.number_format
        and "Calculé" in status.number_format
    )
    helpers = [ws.cell(row=3, column=cols["status"] + 1 + i).value for i in range(len(HELPER_COLUMNS))]
    assert helpers == HELPER_COLUMNS

    def validation(fid: str, key: str) -> Any:
        ws, r, cols = where[fid]
        ref = ws.cell(row=r, column=cols[key]).coordinate
        found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
        return found[0] if found else None

    count = validation("training.accelerator_count", "value")
    assert count.type == "whole" and count.error.startswith("Saisissez un nombre entier")
    assert validation("report.reporting_period_start", "value").type == "date"
    assert validation("training.location_country", "value").formula1 == "rg_countries"
    assert validation("training.energy", "method").formula1 == "rg_enum_method"
    assert validation("organization.name", "method") is None  # a name has no method
    assert validation("boundary.lca_scope", "withheld") is None  # a choice of the boundary is not withheld
    assert validation("training.energy", "withheld").formula1 == "rg_enum_withheld_reason"
