"""Edition D1.1 is encoded as D1 plus Amendment 1 (standard/aild-d1.1/amendment.yaml), and that encoding is
tied to the amendment's text kept beside it, as D1's is tied to SPEC.md (test_standard.py)."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import AMENDMENT_1, EDITION_D11
from test_standard import annex_a_rows, encoded_type

from reportgen.errors import StandardError
from reportgen.standard import load_from_directory, load_standard


@pytest.fixture(scope="module")
def text() -> str:
    return AMENDMENT_1.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def d1():
    return load_standard("D1")


@pytest.fixture(scope="module")
def d11():
    return load_standard("D1.1")


def clause(text: str, cid: str) -> str:
    return re.split(r"^## ", text.split(f"\n## {cid} ")[1], flags=re.M)[0]


def a5_fields(text: str) -> list[str]:
    body = clause(text, "A5")
    assert re.search(r"becomes `9\.1`\s+for both rows", body)
    return re.findall(r"`(\w+\.grid_intensity_source)`", body.split(" are derivable")[0])


def a6_rows(text: str) -> list[list[str]]:
    return annex_a_rows("## Annex A\n" + clause(text, "A6") + "\n## Annex B")


def assert_row(std, row: list[str]) -> None:
    fid, label, typ, obl, cond, deriv, cl = row
    f = std.fields[fid]
    assert (f.label.en, f.obligation, f.clause, f.derivable_by or "") == (label, obl, cl, deriv), fid
    assert (f.condition.text.en if f.condition else "") == cond, fid
    if typ.startswith("enum"):
        listed = re.match(r"enum ([^(].*)$", typ)
        assert f.type == "enum" and (not listed or std.enum_values(f.enum) == listed.group(1).split(", ")), (
            fid
        )
    else:
        assert (encoded_type(std, f) if typ.startswith("quantity[") else f.type) == typ, fid


def test_d11_is_d1_plus_an_amendment_not_a_copy(d1, d11):
    assert (d11.base, d11.edition, d11.id) == ("D1", "D1.1", "AILD")
    assert sorted(p.name for p in EDITION_D11.iterdir()) == [
        "AMENDMENT-1.md",
        "activity.yaml",
        "amendment.yaml",
        "findings-activity.yaml",
    ]  # no fields.yaml copy
    assert d11.texts == ["AMENDMENT-1.md"] and d11.units_file == d1.units_file


def test_annex_a_rows_after_a5(d1, d11, text):
    amended = a5_fields(text)
    assert amended == ["training.grid_intensity_source", "inference.grid_intensity_source"]
    for row in annex_a_rows():
        fid = row[0]
        if fid in amended:
            assert d1.fields[fid].derivable_by is None and d11.fields[fid].derivable_by == "9.1"
            row = [*row[:5], "9.1", row[6]]
        if "PHASE" in fid:
            continue  # compared field by field in test_standard.py; unchanged here
        assert_row(d11, row)
    assert d11.calculations.order[-1] == "9.1"  # "applied after clause 8"


def test_annex_a_rows_after_a6(d11, text):
    rows = a6_rows(text)
    assert len(rows) == 10
    for row in rows:
        assert_row(d11, row)
    sections = re.search(r"`(\w+)` and `(\w+)` are sections", clause(text, "A6")).groups()
    assert all(d11.group(s) in d11.sections for s in sections)
    spec_ids = {r[0] for r in annex_a_rows()} | {r[0] for r in rows}
    assert [f.id for f in d11.fields.values() if (f.template_id or f.id) not in spec_ids] == []


def test_published_fields_pair_with_their_indicators(d11, text):
    for row in a6_rows(text):
        group, key = row[0].split(".")
        if key in d11.indicators:
            ind = d11.indicators[key]
            assert (ind.published if group == "aggregate" else ind.published_per_unit) == row[0]


def test_annex_b_codes_after_a8(d11, text):
    table = [r for r in annex_a_rows("## Annex A\n" + clause(text, "A8") + "\n## Annex B") if r[0] != "Code"]
    assert len(table) == 10
    for code, severity, _ in table:
        assert d11.findings[code].severity == severity, code


def test_every_clause_encoded_names_the_amendment_heading(d11, text):
    headings = dict(re.findall(r"^## (A\d) (.+?)(?: \(.*\))?$", text, flags=re.M))
    assert {c.id: c.title.en for c in d11.clauses} == headings


@pytest.fixture
def amended_copy(tmp_path):
    target = tmp_path / "aild-d1.1"
    shutil.copytree(EDITION_D11, target)
    return target


def test_copy_of_the_amended_edition_loads(amended_copy, d11):
    assert load_from_directory(amended_copy).fields == d11.fields


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            "  - id: aggregate.scope\n",
            "  - id: training.energy\n",
            "add.fields.training.energy.id: is already in the base",
        ),
        (
            "    training.grid_intensity_source:\n",
            "    training.grid_intensity_sourc:\n",
            "change.fields.training.grid_intensity_sourc: is not in the base edition",
        ),
        ("base: D1\n", "base: D0\n", "base edition AILD D0 is not shipped"),
        (
            "  semantics: {market_total: same_boundary",
            "  semantics: {market_total: everything",
            "market_total",
        ),
        (
            "    ghg_market: {fallback: ghg_location}",
            "    ghg_market: {fallback: ghg_locaton}",
            "fallback 'ghg_locaton'",
        ),
    ],
)
def test_a_broken_amendment_fails_naming_the_entry(amended_copy, old, new, message):
    path = amended_copy / "amendment.yaml"
    src = path.read_text(encoding="utf-8")
    assert old in src
    path.write_text(src.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(StandardError, match=re.escape(message)):
        load_from_directory(amended_copy)
