"""What every reader produces: raw entries keyed by field id, each with where it was written (SPEC 4.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportgen.evaluation.model import Location
from reportgen.standard import Standard

# The keys of a value written as a mapping (SPEC 4.2 quantity, 4.3 withheld), as opposed to a group.
QUANTITY_KEYS = frozenset({"value", "unit", "method", "source", "uncertainty_pct", "note"})
WITHHELD_KEYS = frozenset({"withheld", "note"})
# The value a workbook reader delivers for a formula whose result was never saved ({MARKER: "=A1+B2"}):
# the evaluation refuses it with the E-TYPE variant `formula`, whose fix says to open and save the file.
FORMULA_MARKER = "__formula__"


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
    standard: Standard | None = None  # the edition the entries were read for
    edition_defaulted: bool = False  # A1: no edition named, the latest applied (I-ED-1)
