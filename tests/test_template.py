"""`reportgen template`: the generated workbook, and filling it in as a person would (issue 3)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.utils import get_column_letter

from reportgen.commands.main import main
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.resources import t
from reportgen.workbook.layout import COLUMNS
from reportgen.workbook.template import write_template

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "acme-assistant-7b.yaml"
SAMPLE_XLSX = ROOT / "samples" / "acme-assistant-7b.xlsx"


def locate(wb: Any, lang: str = "en") -> dict[str, tuple[Any, int, dict[str, int]]]:
    """Field id → (sheet, row, {column key: column index}), found by header text like the reader."""
    heads = {t(skey, lang): key for key, skey in COLUMNS}
    out: dict[str, tuple[Any, int, dict[str, int]]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=10):
            cols = {heads[c.value]: c.column for c in row if c.value in heads}
            if "field_id" in cols:
                for r in range(row[0].row + 1, ws.max_row + 1):
                    fid = ws.cell(row=r, column=cols["field_id"]).value
                    if fid:
                        out[fid] = (ws, r, cols)
                break
    return out


def put(where: dict, fid: str, **cells: Any) -> None:
    ws, r, cols = where[fid]
    for key, value in cells.items():
        ws.cell(row=r, column=cols[key]).value = value  # None clears (a unit typed in Value instead)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    assert main(["template", str(path)]) == 0
    return path


def test_every_field_has_exactly_one_row(template, std):
    wb = openpyxl.load_workbook(template)
    where = locate(wb)
    assert set(where) == {*std.fields, "standard"}  # A1: the edition's row on the identification sheet
    ws, r, cols = where["standard"]
    assert ws.title == "Identification" and ws.cell(row=r, column=cols["value"]).value == "AILD D1.1"
    ids = [ws.cell(row=r, column=c["field_id"]).value for ws, r, c in where.values()]
    assert len(ids) == len(set(ids))
    assert wb.sheetnames[:2] == ["Status", "Instructions"]  # the live status first (issue 14)
    assert wb["Lists"].sheet_state == "hidden"
    # one sheet per phase, plus identification, boundary, methodology & verification, published figures
    assert len([ws for ws in wb.worksheets if ws.sheet_state == "visible"]) == 2 + 4 + len(std.phases)
    training = where["training.energy"][0]
    assert training.title == "Training" and training.freeze_panes == "D4"


def test_edition_is_recorded(template, std):
    wb = openpyxl.load_workbook(template)
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props["reportgen.standard"] == std.id and props["reportgen.edition"] == std.edition
    assert wb.defined_names["rg_edition"].attr_text == f'"{std.edition}"'
    text = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert f"{std.id} {std.edition}" in text and "M*" in text


def test_dropdowns_help_and_protection(template, std):
    wb = openpyxl.load_workbook(template)
    where = locate(wb)

    def validations(fid: str, key: str) -> list[Any]:
        ws, r, cols = where[fid]
        coord = ws.cell(row=r, column=cols[key]).coordinate
        return [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]

    [dv] = validations("system.architecture", "value")
    assert dv.type == "list" and dv.formula1 == "rg_enum_architecture"
    assert dv.prompt == std.fields["system.architecture"].help.en
    [dv] = validations("boundary.end_user_devices_included", "value")
    assert dv.formula1 == "rg_enum_bool"
    [dv] = validations("training.energy", "unit")
    assert dv.formula1 == "rg_unit_energy"
    assert [d.formula1 for d in validations("training.energy", "method")] == ["rg_enum_method"]
    assert [d.formula1 for d in validations("training.energy", "withheld")] == ["rg_enum_withheld_reason"]
    # the named list holds every accepted unit of the dimension, canonical first
    ref = wb.defined_names["rg_unit_energy"].attr_text
    sheet, cells = ref.split("!")
    first, last = cells.replace("$", "").split(":")
    units = [c[0].value for c in wb[sheet.strip("'")][first:last]]
    assert units == std.dimensions["energy"].units
    ws, r, cols = where["training.energy"]
    assert ws.protection.sheet and not ws.protection.password
    assert not ws.protection.sort and not ws.protection.insertRows  # people may sort and insert rows
    assert ws.cell(row=r, column=cols["value"]).protection.locked is False
    assert ws.cell(row=r, column=cols["label"]).protection.locked is True
    assert ws.cell(row=r, column=cols["field_id"]).protection.locked is True
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    status = get_column_letter(cols["status"])
    assert any(
        rule.formula[0].startswith(f"${status}") for rule in rules
    )  # highlighting follows the live status
    ws, r, cols = where["system.parameters_active"]
    assert ws.cell(row=r, column=cols["details"]).value.startswith("Required when the architecture")


def _acme_variant(acme_tree: dict) -> dict:
    """The sample with gaps, a withheld value and units other than the canonical ones."""
    tree = yaml.safe_load(yaml.safe_dump(acme_tree))
    del tree["training"]["wallclock_days"]
    del tree["organization"]["contact_email"]
    tree["inference"]["wue"] = {"withheld": "confidential", "note": "Colocation contract"}
    tree["data"]["energy"] = {
        "value": 12400,
        "unit": "kWh",
        "method": "measured",
        "source": "DCIM",
        "uncertainty_pct": 5,
    }
    return tree


def _fill(where: dict, std, tree: dict) -> None:
    """Type a tree into the workbook the way a person would: codes or labels, units in the Unit column."""

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            fid = f"{prefix}{key}"
            if fid == "standard":
                put(where, fid, value=value)
                continue
            if fid not in std.fields:
                walk(value, fid + ".")
                continue
            if isinstance(value, dict) and "withheld" in value:
                put(where, fid, withheld=value["withheld"], note=value.get("note"))
            elif isinstance(value, dict):
                put(
                    where,
                    fid,
                    value=value["value"],
                    unit=value.get("unit"),
                    method=value.get("method"),
                    source=value.get("source"),
                    uncertainty=value.get("uncertainty_pct"),
                )
            elif std.fields[fid].type == "quantity":
                put(where, fid, value=value, unit=None)  # "12.4 MWh": the unit typed with the number
            else:
                put(where, fid, value=value)

    walk(tree, "")


def _shuffle_rows(ws: Any, first: int) -> None:
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=first, max_row=ws.max_row)]
    random.Random(7).shuffle(rows)
    for i, values in enumerate(rows):
        for j, v in enumerate(values, start=1):
            ws.cell(row=first + i, column=j).value = v  # cell(value=None) would not clear it


def test_filled_by_field_id_equals_yaml(template, std, acme_tree, tmp_path):
    tree = _acme_variant(acme_tree)
    yaml_path = tmp_path / "acme.yaml"
    yaml_path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    wb = openpyxl.load_workbook(template)
    where = locate(wb)
    _fill(where, std, tree)
    for title in ("Training", "Identification"):
        wb[title].protection.sheet = False
        _shuffle_rows(wb[title], 4)
    wb["Inference"].insert_rows(6, 2)  # rows inserted in the middle of a sheet
    mine = wb.create_sheet("My working notes")
    mine.append(["Invoice", "kWh", "Comment"])
    mine.append(["2026-03", 1234.5, "meter read by facilities"])
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    ev_xlsx, ev_yaml = evaluate_file(filled), evaluate_file(yaml_path)
    assert ev_yaml.missing == ["organization.contact_email", "training.wallclock_days"]
    assert ev_xlsx.fingerprint == ev_yaml.fingerprint
    assert (ev_xlsx.status, ev_xlsx.missing) == (ev_yaml.status, ev_yaml.missing)
    assert [(f.code, f.field) for f in ev_xlsx.findings] == [(f.code, f.field) for f in ev_yaml.findings]
    loc = ev_xlsx.values["training.accelerator_hours"].location
    row = next(r for ws, r, _ in [locate(openpyxl.load_workbook(filled))["training.accelerator_hours"]])
    assert loc.cell == f"Training!D{row}" and loc.file == "filled.xlsx"


def test_prefilled_sample_round_trip(tmp_path):
    out = tmp_path / "acme.xlsx"
    assert main(["template", "--from", str(SAMPLE), str(out)]) == 0
    ev_xlsx, ev_yaml = evaluate_file(out), evaluate_file(SAMPLE)
    assert ev_xlsx.fingerprint == ev_yaml.fingerprint
    assert (ev_xlsx.status, ev_xlsx.missing, ev_xlsx.totals) == (
        ev_yaml.status,
        ev_yaml.missing,
        ev_yaml.totals,
    )
    # derived values are not written: the training energy row stays empty
    where = locate(openpyxl.load_workbook(out))
    ws, r, cols = where["training.energy"]
    assert ws.cell(row=r, column=cols["value"]).value is None
    assert ev_yaml.values["training.energy"].origin == "derived"
    # an xlsx can prefill a workbook too
    again = tmp_path / "again.xlsx"
    assert main(["template", "--from", str(out), str(again)]) == 0
    assert evaluate_file(again).fingerprint == ev_yaml.fingerprint


def test_committed_sample_workbook_matches_yaml():
    assert evaluate_file(SAMPLE_XLSX).fingerprint == evaluate_file(SAMPLE).fingerprint


def test_french_workbook_round_trip(acme_tree, std, tmp_path):
    tree = _acme_variant(acme_tree)
    src = tmp_path / "acme.yaml"
    src.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "acme-fr.xlsx"
    assert main(["template", "--from", str(src), "--lang", "fr", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert "Entraînement" in wb.sheetnames
    where = locate(wb, "fr")
    ws, r, cols = where["inference.wue"]
    assert ws.cell(row=r, column=cols["withheld"]).value == "Confidentiel"
    ws, r, cols = where["boundary.lca_scope"]
    assert ws.cell(row=r, column=cols["value"]).value == "Du berceau à la tombe"
    assert evaluate_file(out).fingerprint == evaluate_file(src).fingerprint


def test_text_is_never_written_as_a_formula(std, tmp_path):
    from reportgen.evaluation.pipeline import evaluate_mapping

    ev = evaluate_mapping(
        {
            "system": {"name": '=HYPERLINK("http://x")', "model_version": "2.10"},
            "report": {"reporting_period_start": dt.date(2025, 1, 1)},
        }
    )
    out = write_template(tmp_path / "t.xlsx", std, "en", ev.values)
    where = locate(openpyxl.load_workbook(out))
    ws, r, cols = where["system.name"]
    assert ws.cell(row=r, column=cols["value"]).data_type == "s"
    back = evaluate_file(out)
    assert back.values["system.name"].value == '=HYPERLINK("http://x")'
    assert back.values["system.model_version"].value == "2.10"
    assert back.fingerprint == ev.fingerprint


def test_rejected_values_are_copied_as_typed(tmp_path):
    src = tmp_path / "bad.yaml"
    src.write_text(
        "training:\n  accelerator_hours: '1,287'\n  pue: {value: 1.1, method: metered}\n", encoding="utf-8"
    )
    out = tmp_path / "bad.xlsx"
    assert main(["template", "--from", str(src), str(out)]) == 0
    ev_x, ev_y = evaluate_file(out), evaluate_file(src)
    assert sorted((f.code, f.field) for f in ev_x.findings if f.severity == "error") == sorted(
        (f.code, f.field) for f in ev_y.findings if f.severity == "error"
    )
    assert set(ev_x.rejected) == {"training.accelerator_hours", "training.pue"}


def test_cli_refusals(tmp_path, capsys):
    assert main(["template", str(tmp_path / "out.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    src = tmp_path / "in.xlsx"
    assert main(["template", str(src)]) == 0
    assert main(["template", "--from", str(src), str(src)]) == 2
    assert "overwrite" in capsys.readouterr().err
