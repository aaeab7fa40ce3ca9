"""The inputs of clause 8's formulas are the edition's data (`inputs` in calculations.yaml): renaming an
input field in the data alone derives the same figures, and an input that names no field fails when the
edition loads, naming the entry (issue 11 item 3)."""

from __future__ import annotations

import shutil

import pytest

from reportgen.errors import StandardError
from reportgen.evaluation.pipeline import evaluate
from reportgen.inputs import from_mapping
from reportgen.standard import load_from_directory, load_standard

GIVEN = {
    "boundary": {
        "phases": {"hardware": "included", "training": "included", "inference": "excluded"},
        "energy_scope": "facility",
    },
    "training": {"accelerator_hours": 100_000, "avg_power_w": 600, "pue": 1.2, "grid_intensity": 50, "wue": 0.2},
    "hardware": {"lifetime_years": 4, "embodied_per_accelerator": 150, "embodied_per_server": 2500,
                 "accelerators_per_server": 8},
}  # fmt: skip
RENAMED = {"lifetime_years": "service_life_years", "avg_power_w": "mean_power_w"}


@pytest.fixture
def renamed_inputs(edited_editions):
    """The shipped D1 with two inputs of clause 8 renamed in its data files only."""
    edited_editions(RENAMED, "aild-d1/*.yaml")
    return load_standard("D1")


@pytest.fixture
def shipped():
    """The same disclosure under the shipped D1 (made before `renamed_inputs` replaces it)."""
    std = load_standard("D1")
    return evaluate(from_mapping(GIVEN, std), standard=std)


def test_renaming_an_input_of_a_formula_needs_no_python(shipped, renamed_inputs):
    std = renamed_inputs
    assert "hardware.service_life_years" in std.fields and "training.mean_power_w" in std.fields
    given = {
        **GIVEN,
        "training": {("mean_power_w" if k == "avg_power_w" else k): v for k, v in GIVEN["training"].items()},
        "hardware": {("service_life_years" if k == "lifetime_years" else k): v for k, v in GIVEN["hardware"].items()},
    }  # fmt: skip
    ev = evaluate(from_mapping(given, std), standard=std)
    assert not [f for f in ev.findings if f.code == "E-FIELD"]
    for fid in ("training.energy", "training.ghg_location", "training.water", "hardware.ghg"):
        assert ev.values[fid].origin == "derived"
        assert ev.values[fid].value == pytest.approx(shipped.values[fid].value, rel=1e-12), fid
    trace = ev.values["hardware.ghg"].trace
    assert trace is not None and "hardware.service_life_years" in [i.field for i in trace.inputs]
    assert "[hardware.service_life_years]" in (trace.form or "")
    energy = ev.values["training.energy"].trace
    assert energy is not None and "training.mean_power_w" in [i.field for i in energy.inputs]


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (
            "lifetime: hardware.lifetime_years",
            "lifetime: hardware.lifespan",
            "calculations.8.4.inputs.lifetime",
        ),
        ("power: PHASE.avg_power_w", "power: PHASE.power", "calculations.8.1.inputs.power"),
    ],
)
def test_an_input_that_names_no_field_fails_when_the_edition_loads(tmp_path, old, new, named):
    target = tmp_path / "aild-d1"
    shutil.copytree(load_standard("D1").directory, target)
    calc = target / "calculations.yaml"
    text = calc.read_text(encoding="utf-8")
    assert old in text
    calc.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(StandardError) as exc:
        load_from_directory(target)
    assert named in str(exc.value) and "is not a field" in str(exc.value)
