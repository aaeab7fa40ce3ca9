"""What-if overrides (`reportgen scenario INPUT --set FIELD=VALUE`, issue 17 item 4).

An override is read the way a line of a YAML disclosure is: VALUE by the same YAML 1.2 reader
(`"35 gCO2e/kWh"`, `1.1`, `{value: 6, method: estimated}`), FIELD by the same key walk (dotted ids,
other letter case), then typed, converted and range-checked by the evaluation itself. So a bad unit in
`--set` gets the very finding a file would get; `refused` lists those, located at `--set FIELD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.evaluation.model import Evaluation, Finding
from reportgen.inputs import RawEntry, RawInput, flatten
from reportgen.inputs.tree import load_yaml

SET_FILE = "--set"  # the "file" an override's findings are located in


class OverrideError(ReportgenError):
    """An override that cannot be read at all (no `=`, not YAML): a command-line error, exit 2."""


@dataclass
class Override:
    field: str  # as written on the command line
    text: str  # VALUE as written
    value: Any  # VALUE read as YAML
    raw_text: str | None  # the scalar as typed, for text fields


def parse_override(arg: str) -> Override:
    """`FIELD=VALUE` → Override; VALUE is read as one YAML value (quotes and mappings allowed)."""
    field, sep, text = arg.partition("=")
    field = field.strip()
    if not sep or not field:
        raise OverrideError(
            f"--set {arg}: write FIELD=VALUE, for example --set inference.pue=1.1 or "
            '--set inference.grid_intensity="35 gCO2e/kWh".'
        )
    tree = load_yaml(Path(f"{SET_FILE} {field}"), text)
    return Override(field=field, text=text, value=tree.data, raw_text=tree.raw_scalars.get(()))


def apply_overrides(raw: RawInput, overrides: list[Override]) -> RawInput:
    """The same input with each override replacing (or adding) its field; later overrides win."""
    std = raw.standard
    assert std is not None, "read_input always sets the edition"
    for o in overrides:
        scalars: dict[tuple[str, ...], str] = {(o.field,): o.raw_text} if o.raw_text is not None else {}
        one = flatten({o.field: o.value}, std, source=SET_FILE, kind="yaml", raw_scalars=scalars)
        for fid, entry in one.entries.items():
            raw.entries[fid] = RawEntry(
                fid, entry.value, entry.location.model_copy(update={"path": fid}), raw_text=entry.raw_text
            )
            raw.duplicates = [d for d in raw.duplicates if d.field != fid]
        raw.unknown.extend(one.unknown)
    return raw


def refused(ev: Evaluation) -> list[Finding]:
    """Errors the overrides themselves caused (E-FIELD, E-TYPE, E-UNIT, E-RNG …), located at `--set`."""
    return [
        f
        for f in ev.findings
        if f.severity == "error" and f.location is not None and f.location.file == SET_FILE
    ]
