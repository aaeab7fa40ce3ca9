"""Clause 10: the fingerprint is sha256 of the RFC 8785 form of the normalized inputs."""

from __future__ import annotations

import hashlib
import json

import rfc8785
from conftest import SAMPLES

from reportgen import evaluate_file, evaluate_mapping
from reportgen.evaluation.pipeline import canonical_tree


def test_fingerprint_definition(acme):
    ev = evaluate_mapping(acme)
    payload = {"standard": "AILD", "edition": "D1.1", "inputs": ev.inputs}  # the edition the sample names
    assert ev.fingerprint == "sha256:" + hashlib.sha256(rfc8785.dumps(payload)).hexdigest()


def test_normalized_tree_shape(acme):
    acme["training"]["compute_flop"] = {"withheld": "confidential", "note": "sensitive"}
    ev = evaluate_mapping(acme)
    tree = ev.inputs
    assert tree["data"]["energy"] == {
        "value": 12400,
        "unit": "kWh",
        "method": "measured",
        "source": "DCIM meters of the preprocessing cluster",
    }
    assert tree["report"]["reporting_period_start"] == "2025-07-01"
    assert tree["training"]["compute_flop"] == {"withheld": "confidential", "note": "sensitive"}
    assert "energy" not in tree["training"]  # derived figures are not inputs
    assert tree["hardware"]["embodied_per_server"]["value"] == 3200  # 3.2 tCO2e in kgCO2e
    assert tree["system"]["parameters_total"] == 7200000000


def test_same_fingerprint_for_yaml_json_order_and_units(tmp_path, acme_tree):
    base = evaluate_file(SAMPLES / "acme-assistant-7b.yaml").fingerprint
    as_json = json.loads(json.dumps(acme_tree, default=str))
    reordered = {
        k: dict(reversed(list(v.items()))) if isinstance(v, dict) else v
        for k, v in reversed(list(as_json.items()))
    }
    p = tmp_path / "acme.json"
    p.write_text(json.dumps(reordered, indent=1), encoding="utf-8")
    assert evaluate_file(p).fingerprint == base
    as_json["storage_network"]["energy"] = {
        "value": 18500,
        "unit": "kWh",
        "method": "measured",
        "source": "Storage array and switch PDUs",
    }
    as_json["data"]["energy"]["value"] = "0.0124 GWh"
    assert evaluate_mapping(as_json).fingerprint == base


def test_gwh_string_equals_kwh_number():
    a = evaluate_mapping({"training": {"energy": "1.287 GWh"}})
    b = evaluate_mapping({"training": {"energy": 1287000}})
    c = evaluate_mapping({"training": {"energy": {"value": 1287, "unit": "MWh"}}})
    assert a.fingerprint == b.fingerprint == c.fingerprint


def test_float_noise_is_rounded_to_12_significant_digits():
    a = evaluate_mapping({"inference": {"water": "2 m3"}})
    b = evaluate_mapping({"inference": {"water": 2000}})
    assert a.inputs["inference"]["water"]["value"] == 2000 and a.fingerprint == b.fingerprint


def test_rejected_values_are_not_in_the_fingerprint():
    a = evaluate_mapping({"training": {"energy": "lots"}, "system": {"name": "x"}})
    b = evaluate_mapping({"system": {"name": "x"}})
    assert a.fingerprint == b.fingerprint and a.rejected == {"training.energy": "lots"}


def test_canonical_tree_is_a_fixed_point(acme):
    ev = evaluate_mapping(acme)
    again = evaluate_mapping(json.loads(json.dumps(ev.inputs)))
    assert again.fingerprint == ev.fingerprint and canonical_tree(again.values) == ev.inputs
    assert again.status == ev.status and again.totals == ev.totals


def test_any_change_changes_the_fingerprint(acme):
    base = evaluate_mapping(acme).fingerprint
    acme["data"]["energy"]["source"] = "other meter"
    assert evaluate_mapping(acme).fingerprint != base
