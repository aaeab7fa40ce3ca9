"""D.1: the top-level `activity` list of a disclosure, checked before any file is opened.

A declaration against D.1 (an unknown key or value, no `table` or `path`) is E-ACT-1 and its table is
ignored; a `phase` that only the file can make unnecessary (a `phase` column) is checked with the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.activity.spec import ActivitySpec
from reportgen.evaluation import codes
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import Location

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass
class TableDecl:
    """One declared table (D.1), its position in the list (1-based) and where it was written."""

    no: int
    table: str
    path: str
    phase: str | None
    basis: str | None  # grid_intensity only; default written out by `effective_basis`
    sha256: str | None  # lower case
    description: str | None
    location: Location

    @property
    def ref(self) -> str:
        """How findings name the table: its path as declared."""
        return self.path

    def effective_basis(self, spec: ActivitySpec) -> str:
        return self.basis or spec.declaration.default_basis


@dataclass
class Declared:
    """The raw `activity` value as read, with the line of each key path (YAML/JSON) or its cells."""

    value: Any
    source: str
    lines: dict[tuple[str, ...], int]
    cells: dict[tuple[str, ...], str] | None = None  # workbook: the row of each table (`activity!A3`)


def parse(declared: Declared, spec: ActivitySpec, phases: list[str], findings: Findings) -> list[TableDecl]:
    """The well-formed declarations, in order; every other entry becomes one E-ACT-1."""

    def loc(*keys: str) -> Location:
        if declared.cells is not None:
            cell = declared.cells.get(("activity", *keys[:1])) or declared.cells.get(("activity",))
            return Location(file=declared.source, cell=cell, path=".".join(["activity", *keys]))
        line = declared.lines.get(("activity", *keys)) or declared.lines.get(("activity",))
        return Location(file=declared.source, line=line, path=".".join(["activity", *keys]))

    value = declared.value
    if value is None:
        return []
    if not isinstance(value, list):
        findings.add(codes.ACTIVITY_TABLE_UNUSABLE, None, loc(), variant="not_a_list", ref="activity")
        return []
    out = []
    kinds = list(spec.kinds)
    for i, entry in enumerate(value, start=1):
        where = loc(str(i - 1))
        ref = f"#{i}"
        if not isinstance(entry, dict):
            findings.add(
                codes.ACTIVITY_TABLE_UNUSABLE,
                None,
                where,
                variant="bad_value",
                ref=ref,
                key="activity",
                value=repr(entry),
                allowed="{table, path, phase, basis, sha256, description}",
            )
            continue
        ref = str(entry.get("path") or ref)
        unknown = [k for k in entry if str(k) not in spec.declaration.keys]
        missing = [k for k in spec.declaration.required if entry.get(k) in (None, "")]
        problem: tuple[str, dict[str, Any]] | None = None
        if unknown:
            problem = ("unknown_key", {"value": unknown[0], "allowed": ", ".join(spec.declaration.keys)})
        elif missing:
            problem = ("missing_key", {"value": missing[0]})
        else:
            problem = _bad_value(entry, spec, kinds, phases)
        if problem:
            variant, params = problem
            findings.add(codes.ACTIVITY_TABLE_UNUSABLE, None, where, variant=variant, ref=ref, **params)
            continue
        phase = str(entry["phase"]).strip().lower() if entry.get("phase") not in (None, "") else None
        out.append(
            TableDecl(
                no=i,
                table=str(entry["table"]).strip(),
                path=str(entry["path"]),
                phase=phase,
                basis=str(entry["basis"]).strip() if entry.get("basis") not in (None, "") else None,
                sha256=str(entry["sha256"]).strip().lower()
                if entry.get("sha256") not in (None, "")
                else None,
                description=str(entry["description"]).strip()
                if entry.get("description") not in (None, "")
                else None,
                location=where,
            )
        )
    return out


def _bad_value(
    entry: dict[str, Any], spec: ActivitySpec, kinds: list[str], phases: list[str]
) -> tuple[str, dict[str, Any]] | None:
    kind = entry["table"]
    if not isinstance(kind, str) or kind.strip() not in kinds:
        return "unknown_kind", {"value": kind, "allowed": ", ".join(kinds)}
    kind = kind.strip()
    for key in ("path", "description", "sha256", "phase", "basis"):
        if key in entry and entry[key] is not None and not isinstance(entry[key], str):
            return "bad_value", {"key": key, "value": repr(entry[key]), "allowed": "text"}
    phase = (entry.get("phase") or "").strip().lower()
    if phase:
        if kind == "grid_intensity":
            return "grid_phase", {}
        if phase not in phases:
            return "bad_value", {"key": "phase", "value": entry["phase"], "allowed": ", ".join(phases)}
        if spec.kinds[kind].phase == "inference" and phase != "inference":
            return "requests_phase", {"value": entry["phase"]}
    basis = (entry.get("basis") or "").strip()
    if basis:
        if kind != "grid_intensity":
            return "basis_not_grid", {}
        if basis not in spec.declaration.basis:
            return "bad_value", {"key": "basis", "value": basis, "allowed": ", ".join(spec.declaration.basis)}
    sha = (entry.get("sha256") or "").strip()
    if sha and not _HEX64.fullmatch(sha):
        return "bad_value", {"key": "sha256", "value": sha, "allowed": "64 hexadecimal digits"}
    return None


def relocated(declared: Declared | None, source_dir: Path, out_dir: Path) -> list[dict[str, Any]] | None:
    """The declared tables as written, for a file written in `out_dir` from one read in `source_dir`
    (`template --from`, `migrate`): each relative `path` rewritten so that it names the same file from
    there (D.1: paths are relative to the disclosure). Entries that are not mappings are left out (they
    are E-ACT-1 in the source); None when nothing is declared."""
    if declared is None or not isinstance(declared.value, list):
        return None
    out = []
    for entry in declared.value:
        if not isinstance(entry, dict):
            continue
        entry = dict(entry)
        path = entry.get("path")
        if isinstance(path, str) and path.strip() and not Path(path).is_absolute():
            moved = os.path.relpath(os.path.abspath(source_dir / path), os.path.abspath(out_dir))
            entry["path"] = Path(moved).as_posix()
        out.append(entry)
    return out
