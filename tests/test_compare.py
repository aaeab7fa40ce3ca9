"""Issue 17, item 1: compare two evaluations; every comparability note code; the CLI's exit codes."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import yaml

from reportgen.commands.main import main
from reportgen.comparison import compare
from reportgen.comparison.notes import CODES
from tests.conftest import SAMPLES, run


@pytest.fixture(scope="module")
def acme_ev(acme_tree):
    return run(copy.deepcopy(acme_tree))


def _halved(tree):
    tree = copy.deepcopy(tree)
    tree["inference"]["grid_intensity"]["value"] = 28
    return tree


def test_halving_inference_grid_intensity(acme_tree, acme_ev):
    cmp = compare(acme_ev, run(_halved(acme_tree)))
    inf = cmp.phases["inference"]["ghg_location"]
    assert inf.unit == "tCO2e"
    assert inf.current == pytest.approx(inf.baseline / 2, rel=1e-12)
    assert inf.change_pct == pytest.approx(-50.0, rel=1e-12)
    # the total moves by exactly the inference change, nothing else moves
    assert cmp.indicators["ghg_location"].change == pytest.approx(inf.change, rel=1e-12)
    assert acme_ev.totals["ghg_location"].value / 1000 == pytest.approx(
        cmp.indicators["ghg_location"].baseline
    )
    for name in ("energy", "ghg_market", "water", "adpe"):
        assert cmp.indicators[name].change == 0, name
    for phase, lines in cmp.phases.items():
        if phase != "inference":
            assert all(ln.change == 0 for ln in lines.values()), phase
    per_req = cmp.functional_units["per_request"]["ghg_location"]
    assert per_req.unit == "gCO2e" and per_req.change_pct == pytest.approx(-50.0)
    assert cmp.functional_units["per_1k_output_tokens"]["ghg_location"].change_pct == pytest.approx(-50.0)
    assert cmp.comparable and cmp.notes == []
    assert "per_day" not in cmp.functional_units


def _set(tree, path: str, value):
    node = tree
    *parents, leaf = path.split(".")
    for p in parents:
        node = node[p]
    node[leaf] = value


# code → the change to acme that must raise it (and only notes of that code among the blocking ones)
CASES = {
    "edition": [("standard", "AILD D1")],
    "boundary_phase": [
        ("boundary.phases.end_of_life", "excluded"),
        ("boundary.justifications", {"end_of_life": "Handled by the OEM take-back scheme."}),
    ],
    "lca_scope": [("boundary.lca_scope", "cradle_to_gate")],
    "energy_scope": [("boundary.energy_scope", "it_equipment")],
    "accounting": [("boundary.electricity_accounting", "location_based")],
    "per_request_basis": [("inference.per_request_basis", "marginal")],
    "partial_total": [("inference.energy", {"withheld": "confidential", "note": "Commercially sensitive"})],
    "basis_mix": [("training.accelerator_hours", {"value": 129024, "method": "estimated", "source": "Plan"})],
    "period_length": [("report.reporting_period_end", dt.date(2025, 12, 31))],
}


def test_every_code_has_a_case():
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_note_code(code, acme_tree, acme_ev):
    tree = copy.deepcopy(acme_tree)
    for path, value in CASES[code]:
        _set(tree, path, value)
    cmp = compare(acme_ev, run(tree))
    got = {n.code for n in cmp.notes}
    assert code in got, [n.model_dump() for n in cmp.notes]
    assert cmp.comparable is not CODES[code]
    assert all(n.message for n in cmp.notes)
    blocking_others = {c for c in got - {code} if CODES[c]}
    assert not blocking_others, blocking_others


def test_boundary_note_names_the_phase(acme_tree, acme_ev):
    tree = copy.deepcopy(acme_tree)
    for path, value in CASES["boundary_phase"]:
        _set(tree, path, value)
    note = next(n for n in compare(acme_ev, run(tree)).notes if n.code == "boundary_phase")
    assert note.message == "boundary changed for End of life: Included → Excluded"
    fr = next(n for n in compare(acme_ev, run(tree), lang="fr").notes if n.code == "boundary_phase")
    assert fr.message == "frontière modifiée pour Fin de vie : Inclus → Exclu"


def test_period_length_gives_per_day_figures(acme_tree, acme_ev):
    tree = copy.deepcopy(acme_tree)
    _set(tree, "report.reporting_period_end", dt.date(2025, 12, 31))  # 184 days instead of 365
    cmp = compare(acme_ev, run(tree))
    per_day = cmp.functional_units["per_day"]["energy"]
    assert per_day.unit == "MWh/d"
    assert per_day.baseline == pytest.approx(cmp.indicators["energy"].baseline / 365)
    assert per_day.current == pytest.approx(cmp.indicators["energy"].current / 184)
    assert "365 and 184 days" in next(n.message for n in cmp.notes if n.code == "period_length")


def test_basis_mix_names_the_phase_and_bases(acme_tree, acme_ev):
    tree = copy.deepcopy(acme_tree)
    for path, value in CASES["basis_mix"]:
        _set(tree, path, value)
    messages = [n.message for n in compare(acme_ev, run(tree)).notes if n.code == "basis_mix"]
    assert "Energy consumption: a phase rests on another basis (Training measured → estimated)" in messages


def test_partial_note_names_side_and_phase(acme_tree, acme_ev):
    tree = copy.deepcopy(acme_tree)
    for path, value in CASES["partial_total"]:
        _set(tree, path, value)
    messages = [n.message for n in compare(acme_ev, run(tree)).notes if n.code == "partial_total"]
    assert (
        "Energy consumption: partial in the current disclosure (no value for Inference and operation)"
        in messages
    )


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path, name: str, tree) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def test_cli_json_shape_and_exit_codes(capsys, tmp_path, acme_tree):
    half = _write(tmp_path, "half.yaml", _halved(acme_tree))
    code, out, _ = cli(capsys, "compare", str(SAMPLES / "acme-assistant-7b.yaml"), half, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "baseline",
        "current",
        "comparable",
        "notes",
        "indicators",
        "functional_units",
        "phases",
    }
    assert set(data["baseline"]) == {"fingerprint"} and data["current"]["fingerprint"].startswith("sha256:")
    assert set(data["indicators"]["ghg_location"]) == {"baseline", "current", "change", "change_pct", "unit"}
    assert set(data["functional_units"]) == {"per_request", "per_1k_output_tokens"}
    assert data["phases"]["inference"]["ghg_location"]["change_pct"] == pytest.approx(-50)


def test_cli_boundary_change_is_not_comparable(capsys, tmp_path, acme_tree):
    tree = copy.deepcopy(acme_tree)
    for path, value in CASES["boundary_phase"]:
        _set(tree, path, value)
    code, out, _ = cli(
        capsys, "compare", str(SAMPLES / "acme-assistant-7b.yaml"), _write(tmp_path, "b.yaml", tree)
    )
    assert code == 1
    assert "Comparable: NO — not like for like" in out
    assert "[boundary_phase] boundary changed for End of life: Included → Excluded" in out


def test_cli_french_numbers(capsys):
    code, out, _ = cli(
        capsys,
        "compare",
        str(SAMPLES / "acme-assistant-7b-d1.yaml"),
        str(SAMPLES / "acme-assistant-7b.yaml"),
        "--lang",
        "fr",
    )
    assert code == 1  # another edition
    assert "Comparable : NON" in out and "[edition]" in out
    assert "386,7 MWh" in out and "inchangé" in out


def test_cli_unreadable_input(capsys, tmp_path):
    code, _, err = cli(
        capsys, "compare", str(tmp_path / "missing.yaml"), str(SAMPLES / "acme-assistant-7b.yaml")
    )
    assert code == 2 and "missing.yaml" in err


def test_every_code_speaks_english_and_french():
    from reportgen.resources import strings

    for code in CODES:
        entry = strings()[f"cmp_note_{code}"]
        assert entry["en"] and entry["fr"] and entry["en"] != entry["fr"], code
