"""The Excel disclosure (issue 5): read the workbook back and check what a reader and an auditor rely on."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from reportgen import evaluate_file, evaluate_mapping, load_standard
from reportgen.commands.main import main
from reportgen.errors import InputError, OutputError
from reportgen.presentation import xlsx, xlsx_about
from reportgen.presentation.xlsx import read_embedded, write_xlsx
from reportgen.presentation.xlsx_about import split_utf16
from reportgen.presentation.xlsx_calc import SAFE_FORMULA
from reportgen.proof.payload import payload_json
from reportgen.resources import t
from reportgen.standard.units import Units

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"
MISTRAL = ROOT / "samples" / "mistral-large-2.yaml"
SHEETS_EN = [
    "Summary",
    "Disclosure",
    "Missing items",
    "Calculations",
    "Boundary",
    "Functional units",
    "Crosswalk",
    "About",
]

EVIL = {  # user text that a spreadsheet would run as a formula if it were stored as one
    "organization": {"name": '=HYPERLINK("http://evil")', "country": "FR"},
    "system": {"name": "@SUM(A1)", "model_version": "-2+3", "model_name": "\t=1+1"},
    "boundary": {
        "phases": {"training": "included", "hardware": "excluded"},
        "justifications": {"hardware": "=cmd|' /C calc'!A0"},
        "cut_off_rule": "\r=2+2",
        "energy_scope": "accelerators_only",
    },
    "training": {
        "energy": {"value": 5, "unit": "MWh", "method": "estimated", "source": "+1+1"},
        "grid_intensity": {"value": 5, "method": "literature", "source": "=1/0"},
    },  # W-RNG-4
    "data": {"energy": {"withheld": "confidential", "note": "-secret"}},
    "=unknown_group": {"x": 1},
    "inference": {"requests": "=2*3"},  # rejected (E-TYPE): shown as given, as text
}
EVIL_TEXTS = [
    '=HYPERLINK("http://evil")',
    "@SUM(A1)",
    "-2+3",
    "+1+1",
    "=1/0",
    "Value ignored, see Missing items: =2*3",
]


@pytest.fixture(scope="module")
def std():
    return load_standard()


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    ev = evaluate_file(ACME)
    path = tmp_path_factory.mktemp("xlsx") / "acme.xlsx"
    write_xlsx(ev, path)
    return ev, path, load_workbook(path)


@pytest.fixture(scope="module")
def checked_json():
    """What `reportgen check --format json` prints for the acme sample."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", str(ACME), "--format", "json"]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory):
    ev = (
        evaluate_file(MISTRAL)
        if MISTRAL.exists()
        else evaluate_mapping({"organization": {"name": "Only a name"}, "training": {"energy": 5}})
    )
    path = tmp_path_factory.mktemp("xlsx") / "incomplete.xlsx"
    write_xlsx(ev, path)
    return ev, load_workbook(path)


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    ev = evaluate_mapping(EVIL)
    path = tmp_path_factory.mktemp("xlsx") / "evil.xlsx"
    write_xlsx(ev, path)
    return ev, path, load_workbook(path)


def rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def all_values(wb):
    return {ws.title: rows(ws) for ws in wb.worksheets}


def test_sheets_in_clause_11_order(acme):
    _, _, wb = acme
    assert wb.sheetnames == SHEETS_EN
    assert wb.sheetnames == [t(k, "en") for k in xlsx.SHEETS]


def test_every_checked_value_is_in_the_disclosure_sheet(acme, checked_json, std):
    _, _, wb = acme
    table = rows(wb["Disclosure"])
    assert table[0][:5] == ["Phase / section", "Field id", "Item", "Value", "Unit"]
    by_id = {r[1]: r for r in table[1:]}
    assert [r[1] for r in table[1:]] == list(std.fields)  # every field of the standard, in order
    assert len(checked_json["values"]) > 100
    for fid, fv in checked_json["values"].items():
        cell, field = by_id[fid][3], std.fields[fid]
        expected = fv["value"]
        if isinstance(expected, bool):
            assert cell == std.enum_label("bool", expected, "en"), fid
        elif isinstance(expected, (int, float)):
            assert isinstance(cell, (int, float)) and not isinstance(cell, bool), fid
            assert math.isclose(cell, expected, rel_tol=1e-9), fid
        elif field.type == "date":
            assert isinstance(cell, dt.datetime) and cell.date().isoformat() == expected, fid
        elif field.type == "enum":
            assert cell == std.enum_label(field.enum, expected, "en"), fid
        else:
            assert cell == expected, fid
        assert by_id[fid][5] == t(f"origin_{fv['origin']}", "en"), fid


def test_numbers_are_numbers_with_formats(acme):
    _, _, wb = acme
    ws = wb["Disclosure"]
    quantities = 0
    for r in ws.iter_rows(min_row=2):
        value, unit = r[3], r[4]
        if unit.value and value.value is not None:
            quantities += 1
            assert value.data_type == "n", r[1].value
            assert value.number_format != "General", r[1].value
    assert quantities > 40
    total = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "training.energy")[3]
    assert total.number_format == "#,##0"


def test_summary_totals_in_report_units(acme, std):
    ev, _, wb = acme
    table = rows(wb["Summary"])
    for name, ind in std.indicators.items():
        row = next(r for r in table if r[0] == ind.label.get("en"))
        expected = Units(std).convert(ev.totals[name].value, ind.unit, ind.report_unit)
        assert math.isclose(row[1], expected, rel_tol=1e-9)
    assert not any("Self-declared" in str(r[0]) for r in table)  # acme has limited assurance
    assert ["Status", "Complete"] == table[next(i for i, r in enumerate(table) if r[0] == "Status")][:2]


def test_chart_plots_ghg_by_phase_from_cells(acme, std):
    ev, _, wb = acme
    ws = wb["Summary"]
    assert len(ws._charts) == 1
    ref = ws._charts[0].series[0].val.numRef.f  # e.g. 'Summary'!$B$30:$B$36
    cells = ref.split("!")[1].replace("$", "")
    plotted = [c.value for (c,) in ws[cells]]
    conv = Units(std).convert
    expected = [conv(v, "kgCO2e", "tCO2e") for v in ev.totals["ghg_location"].by_phase.values()]
    assert len(plotted) == 7 and all(
        math.isclose(a, b, rel_tol=1e-9) for a, b in zip(plotted, expected, strict=True)
    )


def _missing_and_findings(wb):
    table = rows(wb["Missing items"])
    split = next(i for i, r in enumerate(table) if str(r[0]).startswith("Other findings"))
    return table, split


def test_missing_items_listed_first(incomplete):
    ev, wb = incomplete
    table, split = _missing_and_findings(wb)
    assert ev.missing_items and table[0][0] == f"Missing mandatory items ({len(ev.missing_items)})"
    listed = {r[0]: r for r in table[2:split] if r[0]}
    assert len(listed) == len(ev.missing_items)
    for item in ev.missing_items:
        row = listed[item.field]
        assert row[1] == item.label and row[4] == item.clause and row[6] == item.help
        assert row[5] == item.condition


def test_other_findings_by_severity(evil):
    ev, _, wb = evil
    table, split = _missing_and_findings(wb)
    others = [f for f in ev.findings if f.code not in ("M-REQ", "M-REQ-COND")]
    assert {f.severity for f in others} >= {"error", "warning"}
    found = [r for r in table[split + 2 :] if r[0]]
    assert sorted(r[0] for r in found) == sorted(f.code for f in others)
    order = {t(f"severity_{k}", "en"): i for i, k in enumerate(("error", "warning", "info"))}
    assert [order[r[1]] for r in found] == sorted(order[r[1]] for r in found)
    assert {r[5] for r in found} == {f.message for f in others}


def test_empty_lists_say_so(acme):
    _, _, wb = acme
    flat = [c for r in rows(wb["Missing items"]) for c in r]
    assert "No mandatory item is missing." in flat and "No other finding." in flat


def test_no_formula_from_user_text(evil):
    ev, path, wb = evil
    assert ev.values["organization.name"].value == EVIL_TEXTS[0]
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # only the generated formulas of the Calculations sheet (issue 14)
                    where = f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                    assert ws.title == "Calculations" and SAFE_FORMULA.match(cell.value), where
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    for text in EVIL_TEXTS:
        assert text in texts, text
    calc = wb.sheetnames.index("Calculations") + 1
    with zipfile.ZipFile(path) as z:  # no other sheet's XML holds a formula element
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name != f"xl/worksheets/sheet{calc}.xml":
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    summary = [c for r in rows(wb["Summary"]) for c in r]
    assert t("self_declared", "en") in summary  # no verification level: self-declared


def test_user_text_marked_as_text(evil):
    _, _, wb = evil
    cell = next(c for r in wb["Summary"].iter_rows() for c in r if c.value == EVIL_TEXTS[0])
    assert cell.data_type == "s" and cell.quotePrefix


def test_withheld_and_narrow_scope_are_labelled(evil):
    _, _, wb = evil
    row = next(r for r in rows(wb["Disclosure"]) if r[1] == "data.energy")
    assert row[3] is None and row[5] == "withheld" and "Confidential" in row[12] and "-secret" in row[12]
    boundary = [c for r in rows(wb["Boundary"]) for c in r if isinstance(c, str)]
    assert any(c.startswith("Narrower than the facility") for c in boundary)


def test_about_json_round_trip(acme):
    ev, path, wb = acme
    assert read_embedded(path) == json.loads(payload_json(ev))
    about = rows(wb["About"])
    assert any(r[1] == ev.fingerprint for r in about)


def test_json_split_in_small_parts_round_trips(tmp_path, monkeypatch, evil):
    ev = evil[0]
    monkeypatch.setattr(xlsx_about, "CHUNK", 50)  # hundreds of parts, some starting with "-", "=" or spaces
    path = write_xlsx(ev, tmp_path / "small.xlsx")
    assert read_embedded(path) == json.loads(payload_json(ev))


def test_split_utf16_counts_code_units():
    text = "a😀" * 10 + "é" * 5
    parts = split_utf16(text, 5)
    assert "".join(parts) == text
    assert all(len(p.encode("utf-16-le")) // 2 <= 5 for p in parts)


def test_read_embedded_refuses_other_files(tmp_path):
    bad = tmp_path / "not.xlsx"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not an Excel"):
        read_embedded(bad)
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    with pytest.raises(InputError, match="no embedded disclosure"):
        read_embedded(plain)


def test_same_inputs_same_workbook(acme, tmp_path):
    ev, path, wb = acme
    again = write_xlsx(evaluate_file(ACME), tmp_path / "again.xlsx")
    assert all_values(load_workbook(again)) == all_values(wb)
    assert again.read_bytes() == path.read_bytes()
    assert wb.properties.created == wb.properties.modified == dt.datetime(2026, 9, 15)


def test_never_written_over_an_input(tmp_path):
    src = tmp_path / "in.yaml"
    src.write_bytes(ACME.read_bytes())
    ev = evaluate_file(src)
    with pytest.raises(OutputError, match="refusing to overwrite"):
        write_xlsx(ev, src, protect=[src])
    assert src.read_bytes() == ACME.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["in.yaml"]  # no temporary file left behind


def test_french_labels(tmp_path, std):
    ev = evaluate_file(ACME, lang="fr")
    wb = load_workbook(write_xlsx(ev, tmp_path / "fr.xlsx"))
    assert wb.sheetnames == [t(k, "fr") for k in xlsx.SHEETS]
    assert wb.sheetnames[0] == "Synthèse"
    table = rows(wb["Déclaration"])
    assert table[0][1] == "Identifiant du champ"
    row = next(r for r in table if r[1] == "organization.role")
    assert row[2] == std.fields["organization.role"].label.fr and row[3] == "Fournisseur et déployeur"
    assert row[0] == "Organisation" and row[5] == "fourni"
    summary = [c for r in rows(wb["Synthèse"]) for c in r]
    assert "Complet" in summary and "Consommation d'énergie" in summary


def test_workbook_strings_are_complete():
    """Every UI string of the workbook has an English and a French text (a bare comma in a YAML flow
    mapping would silently cut one short)."""
    import yaml

    data = yaml.safe_load((ROOT / "templates" / "strings-xlsx.yaml").read_text(encoding="utf-8"))
    for key, entry in data.items():
        assert set(entry) == {"en", "fr"} and all(isinstance(v, str) and v for v in entry.values()), key
    for key in xlsx.SHEETS:
        assert all(len(entry) <= 31 and not set(entry) & set(":\\/?*[]") for entry in data[key].values())


def test_functional_units_sheet(acme):
    ev, _, wb = acme
    table = rows(wb["Functional units"])
    assert table[1][:5] == ["Indicator", "Per request", "Unit", "Per 1,000 output tokens", "Unit"]
    energy = next(r for r in table if r[0] == "Energy consumption")
    assert math.isclose(energy[1], ev.functional_units.per_request["energy"].value, rel_tol=1e-9)
    assert energy[2] == "Wh"
    share = next(r for r in table if r[0] == t("inference_share", "en"))
    assert math.isclose(share[1], ev.inference_share, rel_tol=1e-9)
