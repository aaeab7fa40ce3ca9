"""Pins the shape of every finding, and that each Annex B code can be produced by some input."""

from __future__ import annotations

import copy

import pytest

from reportgen import evaluate_mapping
from reportgen.evaluation.model import Finding

# One mutation of the complete acme sample per finding code: (code, path, value)
MUTATIONS = [
    ("M-REQ", "organization.contact_email", None),
    ("M-REQ-COND", "system.architecture", "mixture_of_experts"),
    ("E-FIELD", "training.enrgy", 5),
    ("E-TYPE", "training.accelerator_count", "many"),
    ("E-UNIT", "training.grid_intensity", "56 ton"),
    ("E-BND-2", "boundary.lca_scope", "cradle_to_grave+no_eol"),
    ("E-GHG-1", "inference.grid_intensity", None),
    ("E-RNG-1", "training.pue", 0.8),
    ("W-RNG-2", "training.pue", 3.2),
    ("E-RNG-3", "training.grid_intensity", 2000),
    ("W-RNG-4", "training.grid_intensity", 4),
    ("W-RNG-5", "inference.energy", {"value": 270, "unit": "kWh", "method": "measured", "source": "s"}),
    ("E-RNG-6", "report.reporting_period_end", "2020-01-01"),
    ("E-RNG-7", "end_of_life.recycled_share", 90),
    ("E-RNG-8", "inference.requests", -1),
    ("W-BND-1", "boundary.phases.finetuning", "excluded"),
    ("W-CALC-1", "data.ghg_location", {"value": 5000, "method": "calculated", "source": "s"}),
    ("W-DQ-1", "data.energy", 12400),
    ("W-WITHHELD", "training.compute_flop", {"withheld": "confidential", "note": "sensitive"}),
    ("I-CALC-2", "hardware.usage_rate", None),
    ("I-ED-1", "standard", None),
    (
        "W-CALC-2",
        "aggregate",
        {
            "scope": "training and one year of use",
            "ghg_location": {"value": 50, "unit": "tCO2e", "method": "supplier", "source": "published LCA"},
        },
    ),
]


def mutate(tree: dict, path: str, value) -> dict:
    tree = copy.deepcopy(tree)
    if value == "cradle_to_grave+no_eol":
        tree["boundary"]["phases"]["end_of_life"] = "excluded"
        tree["boundary"]["justifications"] = {"end_of_life": "leased"}
        return tree
    *parents, leaf = path.split(".")
    node = tree
    for p in parents:
        node = node.setdefault(p, {})
    if path.startswith("boundary.phases.") and value == "excluded":
        tree["boundary"]["justifications"] = {leaf: "not done for this system"}
    if value is None:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    return tree


@pytest.fixture(scope="module")
def produced(acme_tree):
    return {code: evaluate_mapping(mutate(acme_tree, path, value)) for code, path, value in MUTATIONS}


def test_every_annex_b_code_is_covered(std):
    # Annex D's activity codes need activity files: tests/test_activity_findings.py produces each of them
    assert {c for c, _, _ in MUTATIONS} == {c for c in std.findings if "-ACT-" not in c}


@pytest.mark.parametrize("code,path,value", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_finding_shape(std, produced, code, path, value):
    ev = produced[code]
    hits = [f for f in ev.findings if f.code == code]
    assert hits, f"{code} not produced; got {[f.code for f in ev.findings]}"
    for f in hits:
        assert isinstance(f, Finding)
        assert set(f.model_dump()) == {
            "code",
            "severity",
            "field",
            "clause",
            "location",
            "message",
            "fix",
            "caused_by",
        }
        # a consequent points at an earlier finding, a root cause that follows from nothing
        if f.caused_by is not None:
            root = ev.findings[f.caused_by]
            assert ev.findings.index(f) > f.caused_by and root.caused_by is None
            assert f.fix.startswith(f"Follows from {root.code}")
    for m in ev.missing_items:
        assert m.fix and (m.caused_by is None or ev.findings[m.caused_by].caused_by is None)
        assert f.severity == std.findings[code].severity
        assert f.clause and f.message and f.fix and "{" not in f.message + f.fix
        assert f.field is None or isinstance(f.field, str)
    if code.startswith("E") or code.startswith("M"):
        assert ev.status == "incomplete" and ev.exit_code == 1
    else:
        assert ev.exit_code == 0, [x.code for x in ev.findings]  # warnings and infos do not block
