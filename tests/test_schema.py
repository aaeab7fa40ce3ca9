"""`reportgen schema`: the JSON Schema of the input, built from the standard with pydantic.create_model."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from reportgen.cli import main
from reportgen.schema import input_model, json_schema

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def model(std):
    return input_model(std)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.yaml")))
def test_samples_validate(model, name):
    with (SAMPLES / name).open(encoding="utf-8") as fh:
        model.model_validate(yaml.safe_load(fh))


@pytest.mark.parametrize("path, value, where", [
    (("training", "enrgy"), 5, "enrgy"),                              # unknown field
    (("trainig",), {"energy": 5}, "trainig"),                         # unknown group
    (("training", "energy"), {"value": 5, "unit": "ton"}, "unit"),    # unit not accepted (1.3)
    (("training", "energy"), {"value": 5, "methd": "measured"}, "methd"),
    (("training", "energy"), {"value": 5, "uncertainty_pct": 150}, "uncertainty_pct"),
    (("training", "energy"), {"value": 5, "method": "guessed"}, "method"),
    (("training", "energy"), {"withheld": "secret"}, "withheld"),
    (("organization", "role"), "owner", "role"),
    (("system", "parameters_total"), 1.5, "parameters_total"),
    (("hardware", "usage_rate"), 1.7, "usage_rate"),
    (("boundary", "phases", "training"), "maybe", "training"),
])
def test_invalid_inputs_rejected(model, acme_tree, path, value, where):
    data = copy.deepcopy(acme_tree)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError) as exc:
        model.model_validate(data)
    assert any(where in ".".join(map(str, e["loc"])) for e in exc.value.errors())


def test_accepted_forms(model, acme_tree):
    data = copy.deepcopy(acme_tree)
    data["training"]["energy"] = "433 MWh"
    data["training"]["ghg_location"] = {"withheld": "confidential", "note": "contract"}
    data["hardware"]["usage_rate"] = "85 %"
    data["system"]["parameters_total"] = {"value": 7_200_000_000, "source": "config.json"}
    model.model_validate(data)


def test_cli_prints_the_schema(capsys, std):
    assert main(["schema"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["$schema"].endswith("2020-12/schema") and doc["additionalProperties"] is False
    defs = doc["$defs"]

    def resolve(node):
        return defs[node["$ref"].split("/")[-1]] if "$ref" in node else node

    def props_of(group_path):
        node = doc
        for key in group_path:
            ref = next(a for a in node["properties"][key]["anyOf"] if "$ref" in a)
            node = resolve(ref)
        return node["properties"]

    for fid, f in std.fields.items():  # every field of the standard is in the schema, with its label
        *groups, leaf = fid.split(".")
        prop = props_of(groups)[leaf]
        assert prop["description"].startswith(f.label.en)
    units = defs["QuantityEnergy"]["properties"]["unit"]["anyOf"][0]["enum"]
    assert units == std.dimensions["energy"].units


def test_schema_file_output(tmp_path, std):
    out = tmp_path / "schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == json_schema(std)
