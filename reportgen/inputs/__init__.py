"""Inputs: turn a YAML, JSON or workbook disclosure into raw entries keyed by field id (SPEC 4.1).

Every reader produces the same `RawInput`; typing and unit conversion happen later, in `values.py`,
so that a workbook cell and a YAML line go through exactly the same checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.evaluation.model import Location
from reportgen.inputs.raw import QUANTITY_KEYS, WITHHELD_KEYS, RawEntry, RawInput
from reportgen.standard import Standard, available_editions, load_standard, resolve_edition

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".ods"}
EDITION_KEY = "standard"  # A1: the top-level key (and workbook row id) that names the edition
ABSENT = object()  # no `standard` key at all


def choose_edition(declared: Any, where: str, imposed: Standard | None = None) -> tuple[Standard, bool]:
    """A1: the edition a disclosure is evaluated under, and whether it was defaulted.

    `imposed` (a report's own edition, when `verify` re-reads an input) wins over the key. An absent,
    null or empty key gives the latest edition; any other value that names no shipped edition ends the
    command (InputError, exit 2) with the list of known editions.
    """
    if imposed is not None:
        return imposed, False
    if declared is ABSENT or declared is None or (isinstance(declared, str) and not declared.strip()):
        return load_standard(), True
    found = resolve_edition(declared)
    if found is None:
        shown = repr(declared) if isinstance(declared, str) else f"{declared!r} (not text)"
        latest = load_standard()
        raise InputError(
            f"{where}: `{EDITION_KEY}: {shown}` names no edition that reportgen knows; known "
            f"editions: {', '.join(available_editions())}. Write one of them, or remove the key "
            f"to use the latest ({latest.name})."
        )
    return load_standard(found[1], found[0]), False


def rebind(raw: RawInput, std: Standard) -> RawInput:
    """Entries read for one edition, checked against another: ids it does not define become unknown."""
    if raw.standard is std:
        return raw
    for fid in [f for f in raw.entries if f not in std.fields]:
        raw.unknown.append(raw.entries.pop(fid))
    raw.standard = std
    return raw


def read_input(path: str | Path, standard: Standard | None = None) -> RawInput:
    """Read a disclosure file of any supported kind, for the edition it names (A1) unless `standard`
    is imposed. Raises InputError when nothing can be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        from reportgen.workbook.reader import read_workbook  # openpyxl stays off the YAML path

        raw = read_workbook(p, standard or load_standard())
        declared = raw.meta.get("declared", ABSENT)
        std, raw.edition_defaulted = choose_edition(declared, raw.meta.get("declared_at", p.name), standard)
        raw.meta["base_dir"] = str(p.parent)
        return rebind(raw, std)
    from reportgen.inputs import tree as tree_mod

    text = tree_mod.decode(p, tree_mod.read_bytes(p))
    if suffix == ".json" or (suffix not in {".yaml", ".yml"} and text.lstrip().startswith("{")):
        tree, kind = tree_mod.parse_json(p, text), "json"
    else:
        tree, kind = tree_mod.parse_yaml(p, text), "yaml"
    data = dict(tree.data)
    declared = data.pop(EDITION_KEY, ABSENT)
    line = tree.lines.get((EDITION_KEY,))
    std, defaulted = choose_edition(declared, f"{p.name}:{line}" if line else p.name, standard)
    raw = flatten(data, std, source=p.name, kind=kind, lines=tree.lines, raw_scalars=tree.raw_scalars)
    raw.edition_defaulted = defaulted
    raw.meta["base_dir"] = str(p.parent)
    for sub, line in tree.duplicates:
        raw.duplicates.append(
            RawEntry(".".join(sub), None, Location(file=p.name, line=line, path=".".join(sub)))
        )
    return raw


def from_mapping(
    data: dict[str, Any],
    standard: Standard | None = None,
    source: str = "<mapping>",
    base_dir: str | Path | None = None,
) -> RawInput:
    """Build raw input from an in-memory tree (notebooks, tests, re-evaluation of embedded inputs), for
    the edition its `standard` key names (A1) unless `standard` is imposed. Activity table paths
    (Annex D) are relative to `base_dir`, by default the working directory."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: the top level must be a mapping of field groups.")
    data = dict(data)
    std, defaulted = choose_edition(data.pop(EDITION_KEY, ABSENT), source, standard)
    raw = flatten(data, std, source=source, kind="mapping")
    raw.edition_defaulted = defaulted
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
    out = RawInput(source=source, kind=kind, standard=standard)

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
            elif (
                isinstance(value, dict)
                and value
                and not set(map(str, value)) <= QUANTITY_KEYS | WITHHELD_KEYS
            ):
                walk(value, path, sub_keys)  # a misspelt group: report each key under it, with a suggestion
            else:
                out.unknown.append(RawEntry(fid, value, loc(sub_keys, fid), is_group=fid in groups))

    walk(data, (), ())
    return out
