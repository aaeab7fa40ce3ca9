"""Inputs: turn a YAML, JSON or workbook disclosure into raw entries keyed by field id (SPEC 4.1).

Every reader produces the same `RawInput`; typing and unit conversion happen later, in `values.py`,
so that a workbook cell and a YAML line go through exactly the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.model import Location
from reportgen.standard import Standard

# The keys of a value written as a mapping (SPEC 4.2 quantity, 4.3 withheld), as opposed to a group.
QUANTITY_KEYS = frozenset({"value", "unit", "method", "source", "uncertainty_pct", "note"})
WITHHELD_KEYS = frozenset({"withheld", "note"})
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".ods"}


@dataclass
class RawEntry:
    """One value as the reporter wrote it, with where it was written."""

    field: str
    value: Any
    location: Location
    raw_text: str | None = None  # the scalar as typed (YAML 1.10 stays "1.10" for text fields)
    is_group: bool = False  # an unknown key that names a group of fields


@dataclass
class RawInput:
    source: str
    kind: str  # yaml | json | xlsx | mapping
    entries: dict[str, RawEntry] = field(default_factory=dict)
    unknown: list[RawEntry] = field(default_factory=list)
    duplicates: list[RawEntry] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def read_input(path: str | Path, standard: Standard) -> RawInput:
    """Read a disclosure file of any supported kind. Raises InputError when nothing can be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        from reportgen.inputs.xlsx import read_workbook  # openpyxl stays off the YAML path

        raw = read_workbook(p, standard)
        raw.meta["base_dir"] = str(p.parent)
        return raw
    from reportgen.inputs import tree as tree_mod

    text = tree_mod.decode(p, tree_mod.read_bytes(p))
    if suffix == ".json" or (suffix not in {".yaml", ".yml"} and text.lstrip().startswith("{")):
        tree, kind = tree_mod.parse_json(p, text), "json"
    else:
        tree, kind = tree_mod.parse_yaml(p, text), "yaml"
    raw = flatten(tree.data, standard, source=p.name, kind=kind, lines=tree.lines, raw_scalars=tree.raw_scalars)
    raw.meta["base_dir"] = str(p.parent)
    for sub, line in tree.duplicates:
        raw.duplicates.append(RawEntry(".".join(sub), None, Location(file=p.name, line=line, path=".".join(sub))))
    return raw


def from_mapping(data: dict[str, Any], standard: Standard, source: str = "<mapping>",
                 base_dir: str | Path | None = None) -> RawInput:
    """Build raw input from an in-memory tree (notebooks, tests, re-evaluation of embedded inputs).
    Activity table paths (Annex D) are relative to `base_dir`, by default the working directory."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: the top level must be a mapping of field groups.")
    raw = flatten(data, standard, source=source, kind="mapping")
    raw.meta["base_dir"] = str(base_dir or ".")
    return raw


def _prefixes(standard: Standard) -> set[str]:
    out: set[str] = set()
    for fid in standard.fields:
        parts = fid.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def flatten(
    data: dict[str, Any],
    standard: Standard,
    *,
    source: str,
    kind: str,
    lines: dict[tuple[str, ...], int] | None = None,
    raw_scalars: dict[tuple[str, ...], str] | None = None,
) -> RawInput:
    """Walk the nested tree; a key path that is a field id is a leaf, whatever its value's shape.

    Keys may also be written dotted (`training.energy: 5`), at any level.
    """
    lines = lines or {}
    raw_scalars = raw_scalars or {}
    groups = _prefixes(standard)
    out = RawInput(source=source, kind=kind)

    def loc(keys: tuple[str, ...], fid: str) -> Location:
        return Location(file=source, line=lines.get(keys), path=fid)

    def walk(node: dict[str, Any], prefix: tuple[str, ...], keys: tuple[str, ...]) -> None:
        for key, value in node.items():
            sub_keys = (*keys, str(key))
            if not prefix and str(key) == "activity" and standard.activity is not None:
                from reportgen.activity.declare import Declared  # Annex D (D1.1): tables, not a field

                out.meta["activity"] = Declared(value=value, source=source, lines=lines)
                continue
            path = (*prefix, *str(key).split("."))
            fid = ".".join(path)
            if fid in standard.fields:
                entry = RawEntry(fid, value, loc(sub_keys, fid), raw_text=raw_scalars.get(sub_keys))
                if fid in out.entries:
                    out.duplicates.append(entry)
                else:
                    out.entries[fid] = entry
            elif fid in groups and isinstance(value, dict):
                walk(value, path, sub_keys)
            elif fid in groups and value is None:
                continue  # an empty group heading (`training:` with nothing under it)
            elif isinstance(value, dict) and value and not set(map(str, value)) <= QUANTITY_KEYS | WITHHELD_KEYS:
                walk(value, path, sub_keys)  # a misspelt group: report each key under it, with a suggestion
            else:
                out.unknown.append(RawEntry(fid, value, loc(sub_keys, fid), is_group=fid in groups))

    walk(data, (), ())
    return out
