"""Issue 17, item 4: `reportgen scenario INPUT --set FIELD=VALUE`: overrides read and checked as input values."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from reportgen.commands.main import main
from reportgen.comparison import apply_overrides, compare, parse_override
from reportgen.evaluation.pipeline import evaluate_file, evaluate_raw
from reportgen.inputs import read_input
from tests.conftest import SAMPLES

ACME = str(SAMPLES / "acme-assistant-7b.yaml")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_override_equals_the_edited_file(tmp_path, acme_tree):
    """A lever given with --set gives the very comparison the edited file gives."""
    tree = copy.deepcopy(acme_tree)
    tree["inference"]["grid_intensity"] = "35 gCO2e/kWh"
    tree["hardware"]["lifetime_years"] = 6
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    raw = apply_overrides(
        read_input(ACME),
        [
            parse_override('inference.grid_intensity="35 gCO2e/kWh"'),
            parse_override("hardware.lifetime_years=6"),
        ],
    )
    scenario = evaluate_raw(raw, standard=raw.standard)
    base = evaluate_file(ACME)
    by_file = compare(base, evaluate_file(edited))
    by_set = compare(base, scenario)
    assert by_set.indicators == by_file.indicators and by_set.phases == by_file.phases
    assert by_set.current.fingerprint == by_file.current.fingerprint
    assert by_set.phases["hardware"]["ghg_location"].change_pct == pytest.approx(-100 / 3)  # 4 → 6 years


def test_cli_json_is_the_compare_object(capsys):
    code, out, _ = cli(capsys, "scenario", ACME, "--set", "inference.pue=1.1", "--format", "json")
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
    energy = data["phases"]["inference"]["energy"]
    assert energy["current"] == pytest.approx(energy["baseline"] * 1.1 / 1.15)
    assert data["baseline"]["fingerprint"] == evaluate_file(ACME).fingerprint


def test_bad_unit_refused_with_the_file_message(capsys, tmp_path, acme_tree):
    tree = copy.deepcopy(acme_tree)
    tree["inference"]["grid_intensity"] = "35 furlongs"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    in_file = next(f for f in evaluate_file(path).findings if f.code == "E-UNIT")
    code, out, err = cli(capsys, "scenario", ACME, "--set", 'inference.grid_intensity="35 furlongs"')
    assert code == 2 and out == ""
    assert f"--set inference.grid_intensity: E-UNIT {in_file.message} {in_file.fix}" in err


@pytest.mark.parametrize(
    "arg, expected",
    [
        ("inference.pue=0.5", "E-RNG-1"),
        ("inference.grid_intensty=30", "Did you mean 'inference.grid_intensity'?"),
        ("inference.requests=many", "E-TYPE"),
        ("inference.pue", "write FIELD=VALUE"),
        ("inference.pue=[1", "not valid YAML"),
    ],
)
def test_refused_overrides(capsys, arg, expected):
    code, out, err = cli(capsys, "scenario", ACME, "--set", arg)
    assert code == 2 and out == "" and expected in err and "Traceback" not in err


def test_boundary_override_is_not_comparable(capsys):
    code, out, _ = cli(capsys, "scenario", ACME, "--set", "boundary.lca_scope=cradle_to_gate", "--lang", "fr")
    assert code == 1
    assert "[lca_scope] périmètre d'ACV modifié : Du berceau à la tombe → Du berceau à la porte" in out
