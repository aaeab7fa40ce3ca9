"""The encoding of AILD D1 in standard/ is tied to its normative text (standard/aild-d1/SPEC.md, kept in the
repository), and a broken standard file fails clearly."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import AMENDMENT_1, ROOT, SPEC

from reportgen.errors import StandardError
from reportgen.standard import load_from_directory, load_standard


@pytest.fixture(scope="module")
def std():
    """These tests tie edition D1 to SPEC.md (test_standard_d11.py ties D1.1 to the amendment)."""
    return load_standard("D1")


def annex_a_rows(text: str | None = None) -> list[list[str]]:
    text = text if text is not None else SPEC.read_text(encoding="utf-8")
    annex = text.split("## Annex A")[1].split("## Annex B")[0]
    rows = []
    for line in annex.splitlines():
        if not line.startswith("| ") or line.startswith("| Field id"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-"}:
            continue
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def rows():
    if not SPEC.is_file():
        pytest.fail(f"SPEC.md not found at {SPEC}: the normative text belongs beside the edition's data")
    return annex_a_rows()


def encoded_type(std, f) -> str:
    if f.type == "quantity":
        return f"quantity[{f.unit}]"
    return f.type


def test_the_normative_text_is_the_one_of_the_loaded_edition(std):
    """The conformance tests read the copy inside the edition directory that `load_standard` loads, and that
    text names the same standard and edition as standard.yaml: the encoding is tied to this copy, not to a
    file outside the repository (a user's clone has only the repository)."""
    assert SPEC.resolve().is_relative_to(ROOT) and AMENDMENT_1.resolve().is_relative_to(ROOT)
    assert SPEC.resolve().parent == std.directory.resolve()
    text = SPEC.read_text(encoding="utf-8")
    named = re.search(r"Identifier: `(\w+)`, edition `([\w.]+)`", text)
    assert named and named.groups() == (std.id, std.edition)
    for annex in ("## Annex A", "## Annex B", "## Annex C"):
        assert annex in text, f"{SPEC} is not the whole text: {annex} is missing"


def test_the_amendment_text_amends_this_edition(std):
    """One copy of the amendment, beside the encoding of the edition it defines (D1.1 = D1 + Amendment 1)."""
    amended = load_standard(f"{std.edition}.1")
    assert AMENDMENT_1.resolve().parent == amended.directory.resolve() and amended.base == std.edition
    assert not (std.directory / AMENDMENT_1.name).exists()
    title = AMENDMENT_1.read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(rf"# {std.id} {std.edition} — Amendment 1 → edition `{std.edition}\.1`", title), title


def test_every_annex_a_row_is_encoded_identically(std, rows):
    assert len(rows) >= 100
    encoded = {f.template_id or f.id: f for f in std.fields.values()}
    for fid, label, typ, obl, cond, deriv, clause in rows:
        assert fid in encoded, f"Annex A field {fid} is missing from standard/aild-d1/fields.yaml"
        f = encoded[fid]
        assert f.obligation == obl, fid
        assert f.clause == clause, fid
        assert (f.derivable_by or "") == deriv, fid
        expected_cond = cond.replace("PHASE", f.id.rsplit(".", 1)[1]) if f.per_phase else cond
        assert (f.condition.text.en if f.condition else "") == expected_cond, fid
        if typ.startswith("quantity["):
            assert encoded_type(std, f) == typ, fid
        elif typ.startswith("enum"):
            assert f.type == "enum", fid
            listed = re.match(r"enum ([^(].*)$", typ)
            if listed:
                assert std.enum_values(f.enum) == [v.strip() for v in listed.group(1).split(",")], fid
        else:
            assert f.type == typ, fid
        if not f.per_phase:
            assert f.label.en == label, fid


def test_no_field_beyond_annex_a(std, rows):
    spec_ids = {r[0] for r in rows}
    for f in std.fields.values():
        assert (f.template_id or f.id) in spec_ids


def test_enumerations_of_clauses_match_the_spec(std):
    text = SPEC.read_text(encoding="utf-8")
    for name, clause_key in [
        ("lca_scope", "boundary.lca_scope"),
        ("energy_scope", "boundary.energy_scope"),
        ("electricity_accounting", "boundary.electricity_accounting"),
        ("verification_level", "verification.level"),
    ]:
        braces = re.search(re.escape(f"`{clause_key}` ∈ {{") + r"(.+?)\}", text, re.S).group(1)
        listed = re.findall(r"`(\w+)`", braces)
        assert std.enum_values(name) == listed
    methods = re.search(r"`method` ∈ \{(.+?)\}", text).group(1)
    assert std.enum_values("method") == re.findall(r"`(\w+)`", methods)


def test_every_annex_b_code_is_encoded(std):
    text = SPEC.read_text(encoding="utf-8").split("## Annex B")[1].split("## Annex C")[0]
    spec_codes = set(re.findall(r"\b([EWIM]-[A-Z]+(?:-[A-Z]+)?(?:-\d+)?)\b", text))
    assert spec_codes <= set(std.findings), spec_codes - set(std.findings)
    for code, spec in std.findings.items():
        assert spec.severity == {"E": "error", "W": "warning", "I": "info", "M": "error"}[code[0]], code


def test_phases_in_spec_order(std):
    assert std.phase_ids == [
        "hardware",
        "data",
        "training",
        "finetuning",
        "inference",
        "storage_network",
        "end_of_life",
    ]


def test_labels_exist_in_both_languages(std):
    for f in std.fields.values():
        assert f.label.en and f.label.fr and f.help and f.help.en and f.help.fr, f.id


def test_crosswalk_rows_name_real_fields(std):
    for row in std.crosswalk["rows"]:
        assert row["field"] in std.fields or row["field"].endswith("per request")


@pytest.fixture
def edition_copy(std, tmp_path):
    target = tmp_path / "aild-d1"
    shutil.copytree(std.directory, target)
    return target


def test_copy_of_the_edition_loads(edition_copy):
    assert len(load_from_directory(edition_copy).fields) == 124


def test_broken_standard_file_fails_with_a_clear_message(edition_copy):
    path = edition_copy / "fields.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("obligation: M*", "obligation: X", 1), encoding="utf-8"
    )
    with pytest.raises(StandardError) as exc:
        load_from_directory(edition_copy)
    assert "does not match its schema" in str(exc.value) and "obligation" in str(exc.value)


def test_dangling_reference_is_caught(edition_copy):
    path = edition_copy / "fields.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("enum: role", "enum: roles", 1), encoding="utf-8"
    )
    with pytest.raises(StandardError, match="enum 'roles' is not defined"):
        load_from_directory(edition_copy)


def test_invalid_yaml_in_standard(edition_copy):
    (edition_copy / "rules.yaml").write_text("range: [", encoding="utf-8")
    with pytest.raises(StandardError, match="not valid YAML"):
        load_from_directory(edition_copy)


def test_adding_a_field_needs_no_python(edition_copy):
    path = edition_copy / "fields.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + """- id: training.carbon_free_share
  label: {en: Carbon-free energy share, fr: Part d'énergie décarbonée}
  help: {en: Hourly CFE share., fr: Part horaire.}
  type: ratio
  obligation: R
  clause: '7.3'
""",
        encoding="utf-8",
    )
    std2 = load_from_directory(edition_copy)
    assert "training.carbon_free_share" in std2.fields
    from reportgen.evaluation.pipeline import evaluate
    from reportgen.inputs import from_mapping

    ev = evaluate(from_mapping({"training": {"carbon_free_share": 0.4}}, std2), standard=std2)
    assert ev.values["training.carbon_free_share"].value == 0.4
    assert not [f for f in ev.findings if f.code == "E-FIELD"]


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "named"),
    [  # each breaks the file the way an editor could; the load names the entry (issue 11, item 3)
        ("rules.yaml", "implied_power:", "implied_powr:", "implied_power"),
        ("rules.yaml", "  tolerance: 0.05", "  tolerence: 0.05", "ghg_consistency.tolerence"),
        (
            "rules.yaml",
            "  start: report.reporting_period_start",
            "  start: report.period_start",
            "date_order",
        ),
        ("rules.yaml", "below: 1.0}", "below: one}", "range.0.below"),
        ("rules.yaml", "code: W-RNG-5", "code: W-RNG-55", "implied_power: code W-RNG-55"),
        ("rules.yaml", "phases: [hardware, end_of_life]", "phases: [hardware, eol]", "'eol' is not a phase"),
        ("crosswalk.yaml", '    sci: "E"', '    sci_v2: "E"', "'sci_v2' is not one of the frameworks"),
        ("crosswalk.yaml", "field: training.energy", "field: training.energie", "names no field"),
    ],
)
def test_a_broken_rules_or_crosswalk_entry_fails_when_the_edition_loads(edition_copy, file, old, new, named):
    _edit(edition_copy / file, old, new)
    with pytest.raises(StandardError) as exc:
        load_from_directory(edition_copy)
    assert named in str(exc.value) and str(edition_copy) in str(exc.value)


def test_a_deleted_rule_is_a_message_through_the_cli(tmp_path, monkeypatch, capsys):
    """Deleting `implied_power` used to load and then raise KeyError in the middle of `check`."""
    from reportgen.commands.main import main
    from reportgen.standard import editions as editions_module
    from reportgen.standard import model as standard_module

    root = tmp_path / "standard"
    shutil.copytree(ROOT / "standard", root)
    rules = root / "aild-d1" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("implied_power:")
    rules.write_text(text[:start] + text[text.index("ghg_consistency:") :], encoding="utf-8")
    monkeypatch.setattr(editions_module, "editions_root", lambda: root)
    standard_module.load_standard.cache_clear()
    editions_module.shipped_editions.cache_clear()
    try:
        code = main(["check", str(ROOT / "samples" / "acme-assistant-7b.yaml")])
        err = capsys.readouterr().err
    finally:
        standard_module.load_standard.cache_clear()
        editions_module.shipped_editions.cache_clear()
    assert code == 2 and "implied_power" in err and "Field required" in err and "Traceback" not in err
