"""The JSON Schema of the input format (SPEC 4.1–4.3), generated from the standard, for other tools.

Pydantic models are built from `fields.yaml` with `create_model`: one model per group (and per nested
group such as `boundary.phases`), every field optional (obligations depend on conditions and on the
boundary, so they are `reportgen check`'s business, not the schema's), unknown keys forbidden. A
quantity is a number, a string ("433 MWh") or a mapping {value, unit, method, source, uncertainty_pct,
note} whose unit is one of its dimension's accepted spellings; any field may be withheld. The schema
describes the canonical nested form; `check` also reads dotted keys and looser unit spellings.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Optional, Union

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field as PydField, StringConstraints, create_model

from reportgen.standard import Field, Standard, load_standard

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
COUNTRY_PATTERN = r"^[A-Za-z]{2}$"
PERCENT_PATTERN = r"^\s*\d+(\.\d+)?\s*%\s*$"
_CONFIG = ConfigDict(extra="forbid", protected_namespaces=())


def _literal(values: list[str]) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


def _name(path: tuple[str, ...]) -> str:
    return "".join(part.title().replace("_", "") for part in path)


_CACHE: dict[tuple[str, str, str, str], Any] = {}  # Standard holds dicts, so it cannot be an lru_cache key


def _key(std: Standard, what: str) -> tuple[str, str, str, str]:
    return (what, std.id, std.edition, str(std.directory))


def _shared(std: Standard) -> tuple[type[BaseModel], dict[str, type[BaseModel]]]:
    """The withheld model and one quantity model per dimension (its accepted units as an enum)."""
    if _key(std, "shared") in _CACHE:
        return _CACHE[_key(std, "shared")]
    withheld = create_model(
        "Withheld", __config__=_CONFIG, __doc__="A value deliberately not disclosed, with its reason (SPEC 4.3).",
        withheld=(_literal(std.enum_values("withheld_reason")), PydField(description="Reason (4.3).")),
        note=(Optional[str], PydField(None, description="Why; required for the reason to satisfy an obligation.")),
    )
    methods = _literal(std.enum_values("method"))
    quantities: dict[str, type[BaseModel]] = {}
    for dim, d in std.dimensions.items():
        quantities[dim] = create_model(
            f"Quantity{_name((dim,))}", __config__=_CONFIG,
            __doc__=f"A {dim.replace('_', ' ')} quantity (SPEC 4.2); unit defaults to {d.canonical}.",
            value=(Union[float, str], PydField(description="The number, or a number and unit as text.")),
            unit=(Optional[_literal(d.units)], PydField(None, description=f"Default {d.canonical}.")),
            method=(Optional[methods], PydField(None, description="How the value was obtained (4.2).")),
            source=(Optional[str], PydField(None, description="Where the value comes from (9.1).")),
            uncertainty_pct=(Optional[Annotated[float, PydField(ge=0, le=100)]],
                             PydField(None, description="Uncertainty, percent (0–100).")),
            note=(Optional[str], PydField(None, description="Free note.")),
        )
    _CACHE[_key(std, "shared")] = withheld, quantities
    return withheld, quantities


def _with_meta(std: Standard, name: str, base: Any) -> type[BaseModel]:
    """The mapping form of a non-quantity value: {value, method, source, uncertainty_pct, note}, no unit."""
    key = _key(std, "meta:" + name)
    if key not in _CACHE:
        _CACHE[key] = create_model(
            f"{name}WithSource", __config__=_CONFIG, __doc__="A value with its method and source (SPEC 4.2).",
            value=(base, PydField(description="The value.")),
            method=(Optional[_literal(std.enum_values("method"))], PydField(None, description="How it was obtained.")),
            source=(Optional[str], PydField(None, description="Where it comes from.")),
            uncertainty_pct=(Optional[Annotated[float, PydField(ge=0, le=100)]], PydField(None)),
            note=(Optional[str], PydField(None)),
        )
    return _CACHE[key]


def _annotation(f: Field, std: Standard) -> Any:
    withheld, quantities = _shared(std)
    t = f.type
    if t == "quantity":
        return Optional[Union[float, str, quantities[std.dimension_of(f) or ""], withheld]]
    base: Any
    if t == "text":
        base = str
    elif t == "date":
        base = dt.date
    elif t == "email":
        base = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN)]
    elif t == "country":
        base = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN)]
    elif t == "enum":
        base = _literal(std.enum_values(f.enum or ""))
    elif t == "bool":
        base = bool
    elif t == "count":
        base = Annotated[int, PydField(ge=0)]
    elif t == "decimal":
        base = float
    elif t == "ratio":
        base = Union[Annotated[float, PydField(ge=0, le=1)], Annotated[str, StringConstraints(pattern=PERCENT_PATTERN)]]
    else:  # a type the standard adds later must be handled here, not silently accepted
        raise ValueError(f"schema: no JSON Schema type for field type '{t}' ({f.id})")
    name = _name((f.enum,)) if t == "enum" else _name((t,))
    return Optional[Union[base, _with_meta(std, name, base), withheld]]


def _description(f: Field) -> str:
    obligation = {"M": "mandatory", "M*": "mandatory when its condition holds", "R": "recommended",
                  "O": "optional"}[f.obligation]
    parts = [f.label.en + "."]
    if f.help:
        parts.append(f.help.en)
    parts.append(f"Type {f.type}{' [' + f.unit + ']' if f.unit else ''}, {obligation}, clause {f.clause}.")
    if f.condition:
        parts.append(f"Condition: {f.condition.text.en}.")
    return " ".join(parts)


def _build(node: dict[str, Any], path: tuple[str, ...], std: Standard) -> type[BaseModel]:
    """One model for the group at `path`; sub-dicts become nested models."""
    fields: dict[str, Any] = {}
    for key, child in node.items():
        if isinstance(child, dict):
            sub = _build(child, (*path, key), std)
            fields[key] = (Optional[sub], PydField(None, description=f"Group {'.'.join((*path, key))}."))
        else:
            fields[key] = (_annotation(child, std), PydField(None, description=_description(child)))
    label = std.group(path[0]).label.en if len(path) == 1 else ".".join(path)
    return create_model(_name(path), __config__=_CONFIG, __doc__=label, **fields)


def input_model(std: Standard | None = None) -> type[BaseModel]:
    """The pydantic model of a whole disclosure input for the standard (default: AILD D1)."""
    std = std or load_standard()
    if _key(std, "input") in _CACHE:
        return _CACHE[_key(std, "input")]
    tree: dict[str, Any] = {}
    for f in std.fields.values():
        node = tree
        *parents, leaf = f.id.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = f
    groups = {}
    for gid in [g.id for g in [*std.sections, *std.phases]]:
        if gid in tree:
            model = _build(tree[gid], (gid,), std)
            groups[gid] = (Optional[model], PydField(None, description=f"{std.group(gid).label.en} (clause {std.group(gid).clause})."))
    model = create_model(f"{std.id}{std.edition}Disclosure", __config__=_CONFIG,
                         __doc__=f"Input of an {std.id} {std.edition} disclosure ({std.title.en}), SPEC clause 4.",
                         **groups)
    _CACHE[_key(std, "input")] = model
    return model


def json_schema(std: Standard | None = None) -> dict[str, Any]:
    std = std or load_standard()
    schema = input_model(std).model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"{std.id} {std.edition} disclosure input", **{k: v for k, v in schema.items() if k != "title"}}


def json_schema_text(std: Standard | None = None) -> str:
    return json.dumps(json_schema(std), ensure_ascii=False, indent=2) + "\n"
