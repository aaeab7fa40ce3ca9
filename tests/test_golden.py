"""Golden data: what earlier versions of reportgen published must keep verifying, and the clause-10
fingerprint of each sample is pinned so a change to normalisation cannot pass unnoticed.

The reports under `tests/golden/v0.1.0/` were rendered by reportgen 0.1.0 (commit fc0bc1e) from the
samples of that commit, under edition D1, before the payload carried an edition digest."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reportgen.commands.main import main
from reportgen.evaluation.model import FORMAT_VERSION

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "samples"

REPORTS = sorted(p for p in GOLDEN.rglob("*") if p.suffix in {".pdf", ".xlsx"})


def test_golden_reports_exist():
    assert len(REPORTS) >= 7


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_report_still_verifies(report, capsys):
    code = main(["verify", str(report)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Traceback" not in out + err


# Clause 10 fingerprints of the samples. A change to normalisation or to the canonical tree changes them:
# that is a change of every published report's identity, so it must be deliberate. Whoever edits a sample
# updates its literal here in the same commit (and says why in the message).
FINGERPRINTS = {
    # The D1 copy of acme has the inputs and edition acme had in reportgen 0.1.0: its fingerprint is unchanged.
    "acme-assistant-7b-d1.yaml": "sha256:281bc98714b87f5a3558ed8c27d9b5f1d23d53202b43db375674253fab8bdded",
    # The samples below name edition D1.1 (Amendment 1): the fingerprint names the edition applied (A1), so
    # theirs changed with it; mistral-large-2 also gained its published aggregates and per-unit figures (A6).
    "acme-assistant-7b.yaml": "sha256:c69140d9faac9c7e83b5b22c4a81e12d7f4e1e806d9634cd6fe913c19454e0a0",
    "acme-assistant-7b.xlsx": "sha256:c69140d9faac9c7e83b5b22c4a81e12d7f4e1e806d9634cd6fe913c19454e0a0",
    # Annex D: the activity tables enter as {table, sha256, rows, ...} (D.5), so this pins their bytes too.
    "acme-assistant-7b-metered.yaml": "sha256:397e13bc8151c07ef1dd5542a07de974116f88a6d79032caab310d1165a6a0c9",
    "llama-3.1-405b.yaml": "sha256:bbe17bcf4ce3bccc342f94bdfd748c8829121418de224eaf0236d34488a6f534",
    "mistral-large-2.yaml": "sha256:d13830745592d84392f56e1f8d7dbb87b4fae79544854086cb344ffb08d365dd",
}


def check_json(capsys, path: Path) -> dict[str, Any]:
    main(["check", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_every_sample_has_a_pinned_fingerprint():
    assert sorted(FINGERPRINTS) == sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".yaml", ".xlsx"})


@pytest.mark.parametrize("name", sorted(FINGERPRINTS))
def test_sample_fingerprint_is_pinned(name, capsys):
    assert check_json(capsys, SAMPLES / name)["fingerprint"] == FINGERPRINTS[name]


# The shape of the evaluation JSON per format_version: key path and JSON type, `*` for any key of a
# mapping, `[]` for the items of a list. Changing reportgen/model.py changes the shape: then raise
# FORMAT_VERSION (a key added: 1.0 → 1.1; a key removed or renamed, a type or meaning changed: 2.0) and pin
# the new shape below beside the old ones, so that readers of the JSON can rely on the number.
SHAPES = {
    "1.0": """
format_version: string
standard: object
standard.id: string
standard.edition: string
tool_version: string
source: null|string
language: enum[en,fr]
status: enum[complete,incomplete]
completeness: number
mandatory_applicable: integer
mandatory_satisfied: integer
recommended_coverage: null|number
self_declared: boolean
fingerprint: string
missing: array
missing.[]: string
missing_items: array
missing_items.[]: object
missing_items.[].field: string
missing_items.[].label: string
missing_items.[].phase: null|string
missing_items.[].obligation: string
missing_items.[].clause: string
missing_items.[].condition: null|string
missing_items.[].help: null|string
findings: array
findings.[]: object
findings.[].code: string
findings.[].severity: enum[error,info,warning]
findings.[].field: null|string
findings.[].clause: string
findings.[].location: null|object
findings.[].location.file: null|string
findings.[].location.line: integer|null
findings.[].location.cell: null|string
findings.[].location.path: null|string
findings.[].message: string
findings.[].fix: string
counts: object
counts.*: integer
boundary: object
boundary.*: null|string
values: object
values.*: object
values.*.value: any
values.*.unit: null|string
values.*.origin: enum[derived,supplied,withheld]
values.*.method: null|string
values.*.source: null|string
values.*.uncertainty_pct: null|number
values.*.withheld: null|string
values.*.note: null|string
values.*.counted: boolean
values.*.trace: null|object
values.*.trace.clause: string
values.*.trace.formula: string
values.*.trace.expression: string
values.*.trace.inputs: array
values.*.trace.inputs.[]: object
values.*.trace.inputs.[].field: string
values.*.trace.inputs.[].value: number
values.*.trace.inputs.[].unit: null|string
values.*.trace.inputs.[].origin: enum[derived,supplied,withheld]
values.*.trace.inputs.[].source: null|string
values.*.trace.notes: array
values.*.trace.notes.[]: string
values.*.location: null|object
values.*.location.file: null|string
values.*.location.line: integer|null
values.*.location.cell: null|string
values.*.location.path: null|string
totals: object
totals.*: object
totals.*.value: null|number
totals.*.unit: string
totals.*.partial: boolean
totals.*.missing_phases: array
totals.*.missing_phases.[]: string
totals.*.by_phase: object
totals.*.by_phase.*: number
totals.*.shares: object
totals.*.shares.*: number
functional_units: object
functional_units.per_request: object
functional_units.per_request.*: object
functional_units.per_request.*.value: number
functional_units.per_request.*.unit: string
functional_units.per_1k_output_tokens: object
functional_units.per_1k_output_tokens.*: object
functional_units.per_1k_output_tokens.*.value: number
functional_units.per_1k_output_tokens.*.unit: string
inference_share: null|number
data_quality: object
data_quality.*: object
data_quality.*.*: number
inputs: object
rejected: object
""",
}
# 1.1 adds the activity part of Annex D (edition D1.1, D.6), null when no table is declared.
SHAPES["1.1"] = (
    SHAPES["1.0"].rstrip("\n")
    + """
activity: null|object
activity.tables: array
activity.tables.[]: object
activity.tables.[].table: string
activity.tables.[].path: string
activity.tables.[].phase: null|string
activity.tables.[].rows: integer
activity.tables.[].counted_rows: integer|null
activity.tables.[].period: null|object
activity.tables.[].period.start: string
activity.tables.[].period.end: string
activity.tables.[].sha256: string
activity.tables.[].matched_share: null|number
activity.tables.[].description: null|string
activity.phases: object
activity.phases.*: object
activity.phases.*.energy_kwh: null|number
activity.phases.*.matched_share: null|number
activity.phases.*.hourly_ghg: null|number
activity.phases.*.average_ghg: null|number
activity.phases.*.difference_pct: null|number
activity.monthly: array
activity.monthly.[]: object
activity.monthly.[].phase: string
activity.monthly.[].month: string
activity.monthly.[].energy_kwh: number
activity.monthly.[].ghg_kg: null|number
"""
)
# 1.2 (edition D1.1, Amendment 1): keys added for A2 (location_based_phases), A3 (shares_partial,
# inference_share_partial), A4 (basis, by_basis) and A6 (published aggregates and per-unit figures).
SHAPES["1.2"] = """
format_version: string
standard: object
standard.id: string
standard.edition: string
tool_version: string
source: null|string
language: enum[en,fr]
status: enum[complete,incomplete]
completeness: number
mandatory_applicable: integer
mandatory_satisfied: integer
recommended_coverage: null|number
self_declared: boolean
fingerprint: string
missing: array
missing.[]: string
missing_items: array
missing_items.[]: object
missing_items.[].field: string
missing_items.[].label: string
missing_items.[].phase: null|string
missing_items.[].obligation: string
missing_items.[].clause: string
missing_items.[].condition: null|string
missing_items.[].help: null|string
findings: array
findings.[]: object
findings.[].code: string
findings.[].severity: enum[error,info,warning]
findings.[].field: null|string
findings.[].clause: string
findings.[].location: null|object
findings.[].location.file: null|string
findings.[].location.line: integer|null
findings.[].location.cell: null|string
findings.[].location.path: null|string
findings.[].message: string
findings.[].fix: string
counts: object
counts.*: integer
boundary: object
boundary.*: null|string
values: object
values.*: object
values.*.value: any
values.*.unit: null|string
values.*.origin: enum[derived,supplied,withheld]
values.*.method: null|string
values.*.source: null|string
values.*.uncertainty_pct: null|number
values.*.withheld: null|string
values.*.note: null|string
values.*.counted: boolean
values.*.basis: null|string
values.*.trace: null|object
values.*.trace.clause: string
values.*.trace.formula: string
values.*.trace.expression: string
values.*.trace.inputs: array
values.*.trace.inputs.[]: object
values.*.trace.inputs.[].field: string
values.*.trace.inputs.[].value: number
values.*.trace.inputs.[].unit: null|string
values.*.trace.inputs.[].origin: enum[derived,supplied,withheld]
values.*.trace.inputs.[].source: null|string
values.*.trace.notes: array
values.*.trace.notes.[]: string
values.*.location: null|object
values.*.location.file: null|string
values.*.location.line: integer|null
values.*.location.cell: null|string
values.*.location.path: null|string
totals: object
totals.*: object
totals.*.value: null|number
totals.*.unit: string
totals.*.partial: boolean
totals.*.missing_phases: array
totals.*.missing_phases.[]: string
totals.*.by_phase: object
totals.*.by_phase.*: number
totals.*.shares: object
totals.*.shares.*: number
totals.*.shares_partial: boolean|null
totals.*.location_based_phases: array
totals.*.location_based_phases.[]: string
totals.*.by_basis: object
totals.*.by_basis.*: number
totals.*.published: null|object
totals.*.published.value: number
totals.*.published.unit: string
totals.*.published.scope: null|string
functional_units: object
functional_units.per_request: object
functional_units.per_request.*: object
functional_units.per_request.*.value: number
functional_units.per_request.*.unit: string
functional_units.per_1k_output_tokens: object
functional_units.per_1k_output_tokens.*: object
functional_units.per_1k_output_tokens.*.value: number
functional_units.per_1k_output_tokens.*.unit: string
functional_units.published: null|object
functional_units.published.*: null|object|string
functional_units.published.*.value: number
functional_units.published.*.unit: string
inference_share: null|number
inference_share_partial: boolean|null
data_quality: object
data_quality.*: object
data_quality.*.*: number
inputs: object
rejected: object
activity: null|object
activity.tables: array
activity.tables.[]: object
activity.tables.[].table: string
activity.tables.[].path: string
activity.tables.[].phase: null|string
activity.tables.[].rows: integer
activity.tables.[].counted_rows: integer|null
activity.tables.[].period: null|object
activity.tables.[].period.start: string
activity.tables.[].period.end: string
activity.tables.[].sha256: string
activity.tables.[].matched_share: null|number
activity.tables.[].description: null|string
activity.phases: object
activity.phases.*: object
activity.phases.*.energy_kwh: null|number
activity.phases.*.matched_share: null|number
activity.phases.*.hourly_ghg: null|number
activity.phases.*.average_ghg: null|number
activity.phases.*.difference_pct: null|number
activity.monthly: array
activity.monthly.[]: object
activity.monthly.[].phase: string
activity.monthly.[].month: string
activity.monthly.[].energy_kwh: number
activity.monthly.[].ghg_kg: null|number
"""
# 1.3 adds the location of a missing item: for a workbook, the empty Value cell of its row (issue 15).
SHAPES["1.3"] = SHAPES["1.2"].replace(
    "missing_items.[].help: null|string\n",
    """missing_items.[].help: null|string
missing_items.[].location: null|object
missing_items.[].location.file: null|string
missing_items.[].location.line: integer|null
missing_items.[].location.cell: null|string
missing_items.[].location.path: null|string
""",
)

# 1.4 adds how to fix a missing item: the cell or key, what its derivation lacks (issue 14 item 4).
SHAPES["1.4"] = SHAPES["1.3"].replace(
    "missing_items.[].location.path: null|string\n",
    "missing_items.[].location.path: null|string\nmissing_items.[].fix: string\n",
)

# 1.5 adds `caused_by` to findings and missing items: the index of the root cause (issue 14 item 5).
SHAPES["1.5"] = (
    SHAPES["1.4"]
    .replace("findings.[].fix: string\n", "findings.[].fix: string\nfindings.[].caused_by: integer|null\n")
    .replace(
        "missing_items.[].fix: string\n",
        "missing_items.[].fix: string\nmissing_items.[].caused_by: integer|null\n",
    )
)

# 1.6 adds the `form` of a trace: its arithmetic over its inputs, the Excel disclosure's live formula.
SHAPES["1.6"] = SHAPES["1.5"].replace(
    "values.*.trace.notes.[]: string\n", "values.*.trace.notes.[]: string\nvalues.*.trace.form: null|string\n"
)

# 1.7 adds each month's GHG at the period-average intensities beside the hourly-matched one (Annex D, D.6).
SHAPES["1.7"] = SHAPES["1.6"].replace(
    "activity.monthly.[].ghg_kg: null|number\n",
    "activity.monthly.[].ghg_kg: null|number\nactivity.monthly.[].average_ghg_kg: null|number\n",
)


# 1.8 keeps a trace's numbers apart from its text: `template` writes the i-th of `numbers` as {i}, and reports
# write them in their language; `expression` writes them in no language's notation (issue 11).
SHAPES["1.8"] = SHAPES["1.7"].replace(
    "values.*.trace.expression: string\n",
    "values.*.trace.expression: string\nvalues.*.trace.template: null|string\n"
    "values.*.trace.numbers: array\nvalues.*.trace.numbers.[]: number\n",
)


def _types(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "enum" in node:
        return f"enum[{','.join(sorted(map(str, node['enum'])))}]"
    if "$ref" in node:
        return _types(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in node:
        return "|".join(sorted({t for n in node["anyOf"] for t in _types(n, defs).split("|")}))
    if "type" in node:
        return "|".join(sorted([node["type"]] if isinstance(node["type"], str) else node["type"]))
    return "any"


def shape(node: dict[str, Any], defs: dict[str, Any], path: str = "") -> list[str]:
    """Every key path of the JSON a schema describes, with its JSON type (requiredness left out: the dump
    always writes every key)."""
    if "$ref" in node:
        return shape(defs[node["$ref"].rsplit("/", 1)[1]], defs, path)
    if "anyOf" in node:
        return [line for n in node["anyOf"] if n.get("type") != "null" for line in shape(n, defs, path)]
    lines: list[str] = []
    children: list[tuple[str, dict[str, Any]]] = []
    if "properties" in node:
        children = [(f"{path}{k}", v) for k, v in node["properties"].items()]
    elif isinstance(node.get("additionalProperties"), dict):
        children = [(f"{path}*", node["additionalProperties"])]
    elif isinstance(node.get("items"), dict):
        children = [(f"{path}[]", node["items"])]
    for key, child in children:
        lines.append(f"{key}: {_types(child, defs)}")
        lines += shape(child, defs, f"{key}.")
    return lines


@pytest.fixture(scope="module")
def evaluation_schema() -> dict[str, Any]:
    """What `reportgen schema --evaluation` prints."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["schema", "--evaluation"]) == 0
    return json.loads(buf.getvalue())


def test_evaluation_shape_is_the_one_of_its_format_version(evaluation_schema):
    assert evaluation_schema["title"] == f"reportgen evaluation, format {FORMAT_VERSION}"
    assert FORMAT_VERSION in SHAPES, f"format_version {FORMAT_VERSION} has no pinned shape in SHAPES"
    got = shape(evaluation_schema, evaluation_schema.get("$defs", {}))
    pinned = SHAPES[FORMAT_VERSION].strip().splitlines()
    assert got == pinned, (
        "the evaluation JSON changed shape without a new format_version (reportgen/model.py FORMAT_VERSION):\n"
        + "\n".join(
            [f"+ {line}" for line in got if line not in pinned]
            + [f"- {line}" for line in pinned if line not in got]
        )
    )


@pytest.mark.parametrize("name", sorted(FINGERPRINTS))
def test_check_json_carries_its_format_version_and_follows_the_schema(name, capsys, evaluation_schema):
    data = check_json(capsys, SAMPLES / name)
    assert data["format_version"] == FORMAT_VERSION
    jsonschema.Draft202012Validator(evaluation_schema).validate(data)
