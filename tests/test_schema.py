"""`reportgen schema`: the JSON Schema of the input, generated from the standard, checked with a validator.

Every value the schema refuses here is also refused by `reportgen check` (asserted beside it), and every
form it accepts is one `check` reads without error: the schema may be stricter about spellings, never
looser about values.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml
from jsonschema import Draft202012Validator

from reportgen import evaluate_mapping
from reportgen.commands.main import main
from reportgen.interop.json_schema import json_schema

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("schema") / "schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(doc)  # a valid draft 2020-12 schema
    return doc


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


def as_json(data: Any) -> Any:
    """What a tool writing JSON gives: YAML dates become ISO strings."""
    return json.loads(json.dumps(data, default=str))


@pytest.fixture
def acme_json(acme_tree) -> dict[str, Any]:
    return as_json(acme_tree)


def with_value(tree: dict[str, Any], fid: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(tree)
    *groups, leaf = fid.split(".")
    node = data
    for g in groups:
        node = node.setdefault(g, {})
    node[leaf] = value
    return data


def check_refuses(data: dict[str, Any], fid: str) -> bool:
    """`reportgen check` rejects the value: an error finding on the field, or the field counted missing."""
    ev = evaluate_mapping(data)
    return any(f.field == fid and f.severity == "error" for f in ev.findings) or fid in ev.missing


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.yaml")))
def test_samples_validate(validator, name):
    data = as_json(yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize(
    "fid, value",
    [
        ("training.pue", 0.5),  # E-RNG-1, PUE below 1
        ("training.pue", {"value": 0.5, "source": "operator"}),
        ("training.energy", -5),  # E-RNG-8, negative
        ("training.energy", "-5 MWh"),
        ("training.energy", {"value": -5, "unit": "MWh"}),
        ("training.energy", "433 bananas"),  # E-UNIT
        ("training.energy", {"value": 433, "unit": "bananas"}),
        ("training.energy", {"value": 433, "unit": "ton"}),
        ("training.energy", {"value": "433 MWh", "unit": "MWh"}),  # a unit twice: E-TYPE
        ("training.location_country", "ZZ"),  # not an ISO 3166-1 code
        ("organization.country", "FRA"),  # alpha-3
        ("training.accelerator_count", {"withheld": "confidential"}),  # 4.3: no note, so missing
        ("training.accelerator_count", {"withheld": "withheld_by_supplier", "note": "  "}),
        ("training.accelerator_count", {"withheld": "secret", "note": "x"}),
        ("training.grid_intensity", 1600),  # E-RNG-3, above 1500 gCO2e/kWh
        ("training.grid_intensity", {"value": 1.6, "unit": "kgCO2e/kWh"}),  # the same bound in another unit
        ("training.grid_intensity", {"value": 1.51, "unit": "tCO2e/MWh"}),
        ("hardware.usage_rate", 1.7),  # E-RNG-7, ratio outside [0, 1]
        ("hardware.usage_rate", "150 %"),
        ("hardware.usage_rate", 0),  # E-RNG-7, a usage rate of 0
        ("hardware.usage_rate", "0 %"),
        ("end_of_life.recycled_share", -0.1),
        ("hardware.lifetime_years", 0),  # E-RNG-8, a lifetime of zero
        ("hardware.lifetime_years", "0.0 years"),
        ("training.accelerator_count", -1),  # counts: integers ≥ 0
        ("training.accelerator_count", 1.5),
        ("system.parameters_total", "many"),
        ("training.energy", {"value": 5, "uncertainty_pct": 150}),
        ("training.energy", {"value": 5, "method": "guessed"}),
        ("training.energy", {"value": 5, "methd": "measured"}),
        ("training.enrgy", 5),  # E-FIELD
        ("report.reporting_period_start", "2025-13-01"),
        ("organization.contact_email", "not an address"),
        ("organization.role", "owner"),
        ("boundary.phases.training", "maybe"),
        ("training.energy", None),  # an empty value is E-TYPE in check
        ("training.accelerator_count", None),
    ],
)
def test_what_check_refuses_the_schema_refuses(validator, acme_json, fid, value):
    data = with_value(acme_json, fid, value)
    assert check_refuses(data, fid), "the test case must be a value that check refuses"
    errors = list(validator.iter_errors(data))
    assert errors, f"the schema accepts {fid}: {value!r}"
    assert all(fid.split(".")[0] == str(e.absolute_path[0]) for e in errors if e.absolute_path)


@pytest.mark.parametrize(
    "fid, value",
    [
        ("training.energy", "433 MWh"),
        ("training.energy", "1 287,5 MWh"),
        ("training.energy", "80.9"),
        ("training.energy", {"value": "433 MWh", "method": "measured", "source": "meter"}),
        ("training.energy", {"value": 433, "unit": "MWh", "uncertainty_pct": 5}),
        ("training.grid_intensity", {"value": 1.4, "unit": "kgCO2e/kWh"}),
        ("training.grid_intensity", 1500),
        ("training.pue", 1.0),
        ("training.pue", "1.12"),
        ("hardware.usage_rate", "85 %"),
        ("hardware.usage_rate", 1),
        ("hardware.lifetime_years", "0.5 years"),
        ("training.accelerator_count", 7.2e9),  # an integral number is a count
        ("training.accelerator_count", {"withheld": "confidential", "note": "commercially sensitive"}),
        ("training.accelerator_count", {"withheld": "not_measured"}),  # no note needed: it satisfies nothing
        ("system.parameters_total", {"value": 7_200_000_000, "source": "config.json"}),
        ("training.location_country", "DE"),
    ],
)
def test_accepted_forms_are_read_by_check(validator, acme_json, fid, value):
    data = with_value(acme_json, fid, value)
    assert [e.message for e in validator.iter_errors(data)] == []
    ev = evaluate_mapping(
        data
    )  # read without a type, unit or range error (missing is completeness, not form)
    assert not [
        f for f in ev.findings if f.field == fid and f.severity == "error" and not f.code.startswith("M-")
    ]


def test_units_countries_and_reasons_come_from_the_standard(schema, std):
    defs = schema["$defs"]
    for dim, d in std.dimensions.items():  # every dimension used by a field: its accepted units, in order
        name = "Quantity" + "".join(p.title() for p in dim.split("_"))
        if name in defs:
            assert defs[name]["properties"]["unit"]["enum"] == d.units
            assert all(u in defs[name]["properties"]["value"]["anyOf"][1]["pattern"] for u in d.units)
    assert defs["Country"]["enum"] == sorted(c.alpha_2 for c in pycountry.countries)
    withheld = defs["Withheld"]
    assert withheld["properties"]["withheld"]["enum"] == std.enum_values("withheld_reason")
    assert withheld["if"]["properties"]["withheld"]["enum"] == std.withheld_satisfies
    assert defs["Method"]["enum"] == std.enum_values("method")


def test_bounds_follow_rules_yaml(std):
    """Change a bound in the standard's data and the schema follows: nothing is written in Python."""
    changed = std.model_copy(deep=True)
    for rule in changed.rules["range"]:
        if rule["code"] == "E-RNG-1":
            rule["below"] = 1.05
        if rule["code"] == "E-RNG-3":
            rule["above"] = 1200
    doc = json_schema(changed)
    pue = doc["$defs"]["Group.training"]["properties"]["pue"]["anyOf"][0]["anyOf"][0]
    assert pue == {"type": "number", "minimum": 1.05}
    grid = doc["$defs"]["Group.training"]["properties"]["grid_intensity"]["anyOf"][0]
    assert grid == {"type": "number", "minimum": 0, "maximum": 1200}
    kg = next(
        c["then"]
        for c in doc["$defs"]["QuantityGridIntensity"]["allOf"]
        if c["if"].get("properties", {}).get("unit", {}).get("const") == "kgCO2e/kWh"
    )
    assert kg["properties"]["value"]["maximum"] == 1.2
    validator = Draft202012Validator(doc)
    base = {"training": {"pue": 1.04}}
    assert list(validator.iter_errors(base))
    assert not list(Draft202012Validator(json_schema(std)).iter_errors(base))


def test_description_lists_what_only_check_decides(schema, std):
    text = schema["description"]
    enforced, _, check_only = text.partition("Only `reportgen check` decides:")
    for code in ("E-FIELD", "E-TYPE", "E-UNIT", "E-RNG-1", "E-RNG-3", "E-RNG-7", "E-RNG-8"):
        assert code in enforced
    for code, finding in std.findings.items():  # every finding of the catalogue is on one side or the other
        if code not in enforced:
            assert f"{code} ({finding.title.en})" in check_only
    for code in ("M-REQ", "E-BND-2", "E-GHG-1", "E-RNG-6", "W-CALC-1", "W-RNG-2"):
        assert code in check_only


def test_every_field_is_described(schema, std):
    defs = schema["$defs"]
    for fid, f in std.fields.items():
        *groups, leaf = fid.split(".")
        prop = defs["Group." + ".".join(groups)]["properties"][leaf]
        assert prop["title"] == f.label.en and prop["description"].startswith(f.label.en)
    assert schema["additionalProperties"] is False and schema["$schema"].endswith("2020-12/schema")


def test_cli_prints_the_schema(capsys, schema):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema
