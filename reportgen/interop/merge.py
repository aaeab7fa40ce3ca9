"""Merge an imported fragment into an existing disclosure without ever overwriting a supplied value.

A field the disclosure already has keeps its value: the same value is fine, a different one is a
*conflict*, reported so the reporter decides. For a YAML disclosure the new values are appended as
dotted keys (`training.energy: {...}`, SPEC 4.1 allows them at any level) below the untouched original
text, so every comment and the layout survive; the result is re-read to prove it means what was intended,
and if it does not (flow-style top level, document markers...) the whole tree is written out instead, with
a header saying that the comments were not kept. PyYAML has no round-trip mode, and this needs none.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import InputError
from reportgen.evaluation.model import FieldValue, Location
from reportgen.evaluation.values import TypeProblem, ValueParser
from reportgen.inputs import RawEntry, flatten
from reportgen.inputs import tree as tree_mod
from reportgen.interop import Fragment, dump_yaml, nest
from reportgen.standard import Standard


@dataclass
class Conflict:
    field: str
    kept: str
    imported: str
    location: str


@dataclass
class MergeResult:
    text: str
    added: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    comments_kept: bool = True


def _show(v: FieldValue | None, raw: Any) -> str:
    if v is None:
        return repr(raw)
    if v.origin == "withheld":
        return f"withheld ({v.withheld})"
    return f"{v.value:g} {v.unit}" if isinstance(v.value, float) and v.unit else str(v.value)


def _equal(a: FieldValue, b: FieldValue) -> bool:
    if a.origin == "withheld" or b.origin == "withheld":
        return a.origin == b.origin and a.withheld == b.withheld
    x, y = a.value, b.value
    if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
        return math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=0.0)
    if isinstance(x, str) and isinstance(y, str):
        return x.strip().casefold() == y.strip().casefold()
    return x == y


def _read(path: Path) -> tuple[tree_mod.Tree, str, str]:
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}:
        raise InputError(
            f"--into takes a YAML or JSON disclosure, not the workbook {path.name}. Import into a "
            "YAML file, then copy the values into the workbook."
        )
    text = tree_mod.decode(path, tree_mod.read_bytes(path))
    if path.suffix.lower() == ".json" or (
        path.suffix.lower() not in {".yaml", ".yml"} and text.lstrip().startswith("{")
    ):
        return tree_mod.parse_json(path, text), "json", text
    return tree_mod.parse_yaml(path, text), "yaml", text


def _set_existing(
    data: dict[str, Any], std: Standard, fid: str, value: Any, prefix: tuple[str, ...] = ()
) -> bool:
    """Replace the value of `fid` wherever the tree holds it (nested or dotted keys, as flatten reads)."""
    for key in list(data):
        path = (*prefix, *str(key).split("."))
        if ".".join(path) == fid:
            data[key] = value
            return True
        if (
            isinstance(data[key], dict)
            and fid.startswith(".".join(path) + ".")
            and _set_existing(data[key], std, fid, value, path)
        ):
            return True
    return False


def _insert(data: dict[str, Any], fid: str, value: Any) -> None:
    node = data
    *parents, leaf = fid.split(".")
    for i, p in enumerate(parents):
        if node.get(p) is None:
            node[p] = {}
        if not isinstance(node[p], dict):  # an invalid group in the input: keep it, add a dotted key
            node[".".join(parents[i:] + [leaf])] = value
            return
        node = node[p]
    node[leaf] = value


def merge_into(
    input_path: str | Path, frag: Fragment, std: Standard, out_format: str | None = None
) -> MergeResult:
    """Merge `frag` into the disclosure at `input_path`; `out_format` 'yaml' or 'json' (default: the input's)."""
    p = Path(input_path)
    tree, kind, text = _read(p)
    raw = flatten(tree.data, std, source=p.name, kind=kind, lines=tree.lines, raw_scalars=tree.raw_scalars)
    parser = ValueParser(std)
    result = MergeResult(text="")
    add: dict[str, Any] = {}
    for fid, value in frag.values.items():
        f = std.fields[fid]
        entry = raw.entries.get(fid)
        imported = parser.entry(f, RawEntry(fid, value, Location(file=frag.source_file, path=fid)))
        if entry is None:
            add[fid] = value
            continue
        where = str(entry.location)
        try:
            existing = parser.entry(f, entry)
        except TypeProblem:
            result.conflicts.append(
                Conflict(
                    fid, f"{entry.value!r} (not a valid value: fix it first)", _show(imported, value), where
                )
            )
            continue
        if existing is None:  # an empty key (`energy:`): nothing supplied, fill it in
            add[fid] = value
        elif imported is not None and _equal(existing, imported):
            result.same.append(fid)
        else:
            result.conflicts.append(
                Conflict(fid, _show(existing, entry.value), _show(imported, value), where)
            )
    result.added = list(add)
    fmt = out_format or kind
    header = [f"{p.name} with values imported by `reportgen import {frag.tool}` from {frag.source_file}."]
    if fmt == "yaml" and kind == "yaml":
        appended = _append(text, add, frag, raw, std, p)
        if appended is not None:
            result.text = appended
            return result
    data = copy.deepcopy(tree.data)
    for fid, value in add.items():
        if not _set_existing(data, std, fid, value):
            _insert(data, fid, value)
    if fmt == "json":
        result.text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        result.comments_kept = kind == "json"
        return result
    if kind == "yaml" and "#" in text:
        header.append(f"The comments of {p.name} were not kept: copy them back from the original if needed.")
        result.comments_kept = False
    result.text = dump_yaml(data, header)
    return result


def _append(text: str, add: dict[str, Any], frag: Fragment, raw: Any, std: Standard, p: Path) -> str | None:
    """The original text plus a block of dotted keys; None when the result would not read back the same."""
    if not add:
        return text
    if any(fid in raw.entries for fid in add):  # an empty key already there: a second key would duplicate it
        return None
    block = yaml.safe_dump(
        dict(add), sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False
    )
    merged = (text if text.endswith("\n") else text + "\n") + (
        f"\n# --- Imported by `reportgen import {frag.tool}` from {frag.source_file}: {len(add)} value(s) added "
        "below; values already in this file were kept. ---\n" + block
    )
    try:
        tree = tree_mod.parse_yaml(p, merged)
    except InputError:
        return None
    again = flatten(tree.data, std, source=p.name, kind="yaml", lines=tree.lines)
    if tree.duplicates or len(again.unknown) != len(raw.unknown):
        return None
    if any(fid not in again.entries or again.entries[fid].value != value for fid, value in add.items()):
        return None
    if any(again.entries[fid].value != e.value for fid, e in raw.entries.items()):
        return None
    return merged


def fragment_text(frag: Fragment) -> str:
    """The fragment alone, as a YAML document with a header saying where it came from."""
    header = [
        f"Imported by `reportgen import {frag.tool}` from {frag.source_file}.",
        "A disclosure fragment (AILD field ids): merge it into your disclosure, or use --into.",
    ]
    return dump_yaml(nest(frag.values), header)
