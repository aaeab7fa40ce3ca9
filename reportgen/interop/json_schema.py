"""The JSON Schema (draft 2020-12) of the input format (SPEC 4.1–4.3), generated from the standard's data.

It is written as plain JSON Schema rather than through a pydantic model because it must say things pydantic
does not emit (if/then on a withheld reason or a unit, a bound that depends on the unit), and because a
tool that produces disclosures should be told everything `reportgen check` would refuse that JSON Schema
can express:
- each field's type (Annex A), enumerations, ISO 3166-1 alpha-2 codes (pycountry), e-mail and date shapes;
- units: an enum of the dimension's accepted units for `unit`, and for the text form ("433 MWh") a pattern
  of a number and one of those units (1.3);
- ranges: the `range` rules of rules.yaml whose finding is an error, as minimum/maximum (converted to the
  unit a mapping names), and a minus sign refused in text where the value cannot be negative;
- withheld values (4.3): a note is required with a reason that satisfies an obligation only with a note.
What only `check` can decide (obligations, boundary, arithmetic, warnings) is listed in the description.
Obligations are left out on purpose: every field is optional here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pycountry  # the same list `check` looks country codes up in

from reportgen.evaluation import rules
from reportgen.standard import Field, Standard, available_editions, load_standard

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
DATE_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"  # ISO 8601; 02-30 is for check
STRUCTURAL_CODES = ["E-FIELD", "E-TYPE", "E-UNIT"]  # unknown keys, types and units: what a schema checks
# A number typed as text, in the notations `check` reads (units.parse_number): 1287.5, 1,287.5, 1 287,5, 1e6.
_SEP = "[ ,.'_\u00a0\u202f\u2009]"
_NUMBER = rf"(?:(?:[0-9]{{1,3}}(?:{_SEP}[0-9]{{3}})+|[0-9]+)(?:[.,][0-9]+)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"
_ZERO = r"[-+\u2212]?(?:0+(?:[.,]0*)?|[.,]0+)(?:[eE][+-]?[0-9]+)?(?![0-9.,eE])"  # a text that reads as 0
_PERCENT_0_100 = r"(?:100(?:[.,]0+)?|[0-9]{1,2}(?:[.,][0-9]+)?)"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _error_rules(std: Standard, f: Field) -> list[dict[str, Any]]:
    """The rules.yaml range rules that apply to `f` and whose finding is an error (warnings never refuse)."""
    dim = std.dimension_of(f)
    return [
        r
        for r in std.rules.get("range", [])
        if rules.applies(r, f.id, f.type, dim) and std.findings[r["code"]].severity == "error"
    ]


def bounds(std: Standard, f: Field) -> dict[str, Any]:
    """{'minimum', 'maximum', 'excluded'} of `f` in its canonical unit, from every error range rule."""
    low = [r["below"] for r in _error_rules(std, f) if "below" in r]
    high = [r["above"] for r in _error_rules(std, f) if "above" in r]
    out: dict[str, Any] = {"excluded": sorted({r["equals"] for r in _error_rules(std, f) if "equals" in r})}
    if low:
        out["minimum"] = max(low)
    if high:
        out["maximum"] = min(high)
    return out


def _numeric(b: dict[str, Any], scale: float = 1.0) -> dict[str, Any]:
    """JSON Schema keywords for the bounds, × `scale` (a bound converted to another unit)."""
    kw: dict[str, Any] = {}
    excluded = [x * scale for x in b["excluded"]]
    if "minimum" in b:
        low = _round(b["minimum"] * scale)
        kw["exclusiveMinimum" if low in excluded else "minimum"] = low
    if "maximum" in b:
        high = _round(b["maximum"] * scale)
        kw["exclusiveMaximum" if high in excluded else "maximum"] = high
    rest = [x for x in excluded if x not in (kw.get("exclusiveMinimum"), kw.get("exclusiveMaximum"))]
    if rest:
        kw["not"] = {"enum": rest}
    return kw


def _round(x: float) -> float | int:
    r = float(f"{x:.12g}")
    return int(r) if r.is_integer() else r


def _text(b: dict[str, Any], tail: str = "") -> dict[str, Any]:
    """A number as text (and `tail`, e.g. a unit): no minus sign when the value cannot be negative."""
    sign = "[+]?" if b.get("minimum", -1) >= 0 else "[-+\u2212]?"
    node: dict[str, Any] = {"type": "string", "pattern": rf"^\s*{sign}{_NUMBER}{tail}\s*$"}
    if 0 in b["excluded"]:
        node["not"] = {"pattern": rf"^\s*{_ZERO}"}
    return node


def _unit_tail(units: list[str]) -> str:
    return r"(?:\s*(?:" + "|".join(re.escape(u) for u in units) + "))?"


class _Builder:
    """Builds the schema's $defs once per standard; fields refer to shared definitions by name."""

    def __init__(self, std: Standard) -> None:
        self.std = std
        self.defs: dict[str, Any] = {}
        self.codes: set[str] = {c for c in STRUCTURAL_CODES if c in std.findings}
        self._units: Any = None

    def convert(self, value: float, unit_from: str, unit_to: str) -> float:
        if self._units is None:
            from reportgen.standard.units import Units  # pint is loaded only when a bound must be converted

            self._units = Units(self.std)
        return self._units.convert(value, unit_from, unit_to)

    def shared(self) -> None:
        std = self.std
        self.defs["Method"] = {
            "enum": std.enum_values("method"),
            "description": "How the value was obtained (4.2).",
        }
        self.defs["Country"] = {
            "enum": sorted(c.alpha_2 for c in pycountry.countries),
            "description": "ISO 3166-1 alpha-2 country code, upper case.",
        }
        reasons, needs_note = std.enum_values("withheld_reason"), std.withheld_satisfies
        self.defs["Withheld"] = {
            "type": "object",
            "additionalProperties": False,
            "required": ["withheld"],
            "description": f"A value deliberately not disclosed (4.3). With {' or '.join(needs_note)} the "
            "field's obligation is satisfied only with a non-empty note, so the note is required.",
            "properties": {"withheld": {"enum": reasons}, "note": {"type": "string"}},
            "if": {"properties": {"withheld": {"enum": needs_note}}},
            "then": {"required": ["note"], "properties": {"note": {"pattern": r"\S"}}},
        }

    def _meta(self) -> dict[str, Any]:
        return {
            "method": _ref("Method"),
            "source": {"type": "string"},
            "uncertainty_pct": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "description": "Uncertainty, percent (0–100).",
            },
            "note": {"type": "string"},
        }

    def quantity(self, f: Field) -> dict[str, Any]:
        """A bare number or text in the canonical unit, text with a unit, or the mapping form (4.2)."""
        std, dim = self.std, self.std.dimension_of(f) or ""
        units, canonical = std.dimensions[dim].units, f.unit or std.dimensions[dim].canonical  # A6: Wh, mL...
        b = bounds(std, f)
        shared = self._same_bounds(dim) and canonical == std.dimensions[dim].canonical
        name = f"Quantity{_camel(dim)}" + ("" if shared else f".{f.id}")
        if name not in self.defs:
            scale_free = all(x == 0 for x in [b.get("minimum", 0), b.get("maximum", 0), *b["excluded"]])
            number = _numeric(b if scale_free else _sign_only(b))  # unit-dependent bounds: in allOf below
            value = {"anyOf": [{"type": "number", **number}, _text(b, _unit_tail(units))]}
            node: dict[str, Any] = {
                "type": "object",
                "additionalProperties": False,
                "required": ["value"],
                "description": f"A {dim.replace('_', ' ')} quantity (4.2); `unit` defaults to {canonical}.",
                "properties": {"value": value, "unit": {"enum": units}, **self._meta()},
                "allOf": [
                    {
                        "if": {"required": ["unit"]},  # with a unit given, the value is a number alone
                        "then": {"properties": {"value": {"anyOf": [{"type": "number"}, _text(b)]}}},
                    }
                ],
            }
            if not scale_free:  # bounds hold in the canonical unit: convert them to the unit named
                node["allOf"].append(
                    {"if": {"not": {"required": ["unit"]}}, "then": {"properties": {"value": _numeric(b)}}}
                )
                for unit in units:
                    scale = self.convert(1.0, canonical, unit)
                    node["allOf"].append(
                        {
                            "if": {"required": ["unit"], "properties": {"unit": {"const": unit}}},
                            "then": {"properties": {"value": _numeric(b, scale)}},
                        }
                    )
            self.defs[name] = node
        return {
            "anyOf": [
                {"type": "number", **_numeric(b)},
                _text(b, _unit_tail(units)),
                _ref(name),
                _ref("Withheld"),
            ]
        }

    def _same_bounds(self, dim: str) -> bool:
        fields = [f for f in self.std.fields.values() if self.std.dimension_of(f) == dim]
        return len({json.dumps(bounds(self.std, f), sort_keys=True) for f in fields}) == 1

    def scalar(self, f: Field) -> dict[str, Any]:
        """The plain value of a non-quantity field, as check reads it in the canonical form."""
        b, t = bounds(self.std, f), f.type
        if t == "text":
            return {"type": "string"}
        if t == "date":
            return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        if t == "email":
            return {"type": "string", "pattern": EMAIL_PATTERN}
        if t == "country":
            return _ref("Country")
        if t == "enum":
            name = f"Enum{_camel(f.enum or '')}"
            self.defs.setdefault(name, {"enum": self.std.enum_values(f.enum or "")})
            return _ref(name)
        if t == "bool":
            return {"type": "boolean"}
        if t == "count":
            return {"type": "integer", **_numeric(b)}
        if t == "decimal":
            return {"anyOf": [{"type": "number", **_numeric(b)}, _text(b)]}
        if t == "ratio":  # a number, or a percentage as text ("85 %"), within the bounds when they are [0, 1]
            text = _text(b, r"\s*%")
            if (b.get("minimum"), b.get("maximum")) == (0, 1):
                text["pattern"] = rf"^\s*[+]?{_PERCENT_0_100}\s*%\s*$"
            return {"anyOf": [{"type": "number", **_numeric(b)}, text]}
        raise ValueError(
            f"schema: no JSON Schema type for field type '{t}' ({f.id})"
        )  # a new type needs a rule

    def field(self, f: Field) -> dict[str, Any]:
        self.codes.update(r["code"] for r in _error_rules(self.std, f))
        if f.type == "quantity":
            node = self.quantity(f)
        else:
            base = self.scalar(f)
            mapping = {
                "type": "object",
                "additionalProperties": False,
                "required": ["value"],
                "description": "A value with its method and source (4.2).",
                "properties": {"value": base, **self._meta()},
            }
            node = {"anyOf": [base, mapping, _ref("Withheld")]}  # null is E-TYPE in check
        return {"title": f.label.en, "description": _description(f), **node}


def _sign_only(b: dict[str, Any]) -> dict[str, Any]:
    """The unit-independent part of the bounds: a lower bound of 0 (a sign), nothing else."""
    return {
        "excluded": [x for x in b["excluded"] if x == 0],
        **({"minimum": 0} if b.get("minimum", -1) >= 0 else {}),
    }


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _description(f: Field) -> str:
    obligation = {
        "M": "mandatory",
        "M*": "mandatory when its condition holds",
        "R": "recommended",
        "O": "optional",
    }[f.obligation]
    parts = [f.label.en + "."]
    if f.help:
        parts.append(f.help.en)
    parts.append(f"Type {f.type}{' [' + f.unit + ']' if f.unit else ''}, {obligation}, clause {f.clause}.")
    if f.condition:
        parts.append(f"Condition: {f.condition.text.en}.")
    return " ".join(parts)


def _root_description(std: Standard, enforced: set[str]) -> str:
    """What the schema checks, and what only `reportgen check` decides, from the finding catalogue."""
    listed = [f"{code} ({d.title.en})" for code, d in std.findings.items() if code in enforced]
    others = [f"{code} ({d.title.en})" for code, d in std.findings.items() if code not in enforced]
    return (
        f"Input of an {std.id} {std.edition} disclosure ({std.title.en}), SPEC clause 4, in its canonical "
        "nested form. This schema refuses what these findings of `reportgen check` refuse, as far as JSON "
        f"Schema can say it: {'; '.join(listed)}. Only `reportgen check` decides: {'; '.join(others)}; "
        "the bounds of a number written as text (this schema checks its notation, unit and sign only); "
        "an ambiguous number such as '1,287'; a day that its month does not have (2025-02-30); infinite "
        "or not-a-number values. Obligations are not in the schema: every field is optional here. `check` "
        "also reads dotted keys (training.energy), enumeration labels and other letter case, lower-case "
        "country codes, counts, ratios and booleans typed as text, numbers where text is expected, and "
        "looser unit spellings such as 'kg CO₂e'."
    )


def json_schema(std: Standard | None = None) -> dict[str, Any]:
    """The whole schema: one object per group (and nested group), unknown keys forbidden."""
    std = std or load_standard()
    b = _Builder(std)
    b.shared()
    tree: dict[str, Any] = {}
    for f in std.fields.values():
        node = tree
        *parents, leaf = f.id.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = f

    def group(path: tuple[str, ...], node: dict[str, Any]) -> dict[str, Any]:
        props = {k: b.field(v) if isinstance(v, Field) else group((*path, k), v) for k, v in node.items()}
        name = "Group." + ".".join(path)
        label = std.group(path[0]).label.en if len(path) == 1 else ".".join(path)
        b.defs[name] = {
            "type": "object",
            "additionalProperties": False,
            "description": label,
            "properties": props,
        }
        return {"anyOf": [_ref(name), {"type": "null"}]}

    known = ", ".join(available_editions())
    props = {
        "standard": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": (
                f"The edition this disclosure follows (Amendment 1, A1), one of: {known}; compared without regard to "
                "case or repeated spaces. Absent, null or empty: the latest edition applies."
            ),
        }
    }
    if std.activity is not None:
        props["activity"] = _activity_schema(std)
    props.update({g.id: group((g.id,), tree[g.id]) for g in [*std.sections, *std.phases] if g.id in tree})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{std.id} {std.edition} disclosure input",
        "description": _root_description(std, b.codes),
        "type": "object",
        "additionalProperties": False,
        "properties": props,
        "$defs": dict(sorted(b.defs.items())),
    }


def _activity_schema(std: Standard) -> dict[str, Any]:
    """Annex D, D.1: the list of activity tables (whether a phase is needed depends on the file)."""
    spec = std.activity
    assert spec is not None
    text = {"type": "string"}
    table = {
        "type": "object",
        "additionalProperties": False,
        "required": spec.declaration.required,
        "properties": {
            "table": {"enum": list(spec.kinds), "description": "the kind of table (D.2)"},
            "path": {
                **text,
                "minLength": 1,
                "description": "the CSV or Parquet file, relative to the disclosure",
            },
            "phase": {
                "enum": std.phase_ids,
                "description": "the phase of rows without a phase "
                "cell (energy, accelerator_usage); requests serve inference",
            },
            "basis": {
                "enum": spec.declaration.basis,
                "description": "grid_intensity only: the "
                f"kind of emission factor (default {spec.declaration.default_basis})",
            },
            "sha256": {**text, "pattern": "^[0-9a-fA-F]{64}$"},
            "description": text,
        },
    }
    return {
        "type": "array",
        "items": table,
        "description": "Annex D (D.1): activity tables that reportgen "
        "derives phase figures from, with hourly matching of energy and grid intensity",
    }


def json_schema_text(std: Standard | None = None) -> str:
    return json.dumps(json_schema(std), ensure_ascii=False, indent=2) + "\n"


def evaluation_json_schema() -> dict[str, Any]:
    """The JSON Schema of the result (`reportgen check --format json`, the Evaluation's dump), for tools that
    read it: it does not depend on the standard's edition, only on `format_version`."""
    from reportgen.evaluation.model import FORMAT_VERSION, Evaluation

    schema = Evaluation.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"reportgen evaluation, format {FORMAT_VERSION}",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def evaluation_json_schema_text() -> str:
    return json.dumps(evaluation_json_schema(), ensure_ascii=False, indent=2) + "\n"
