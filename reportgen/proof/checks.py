"""The result types of `reportgen verify`: a check, and each difference it found."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

REL_TOL = 1e-9  # totals are recomputed from the same inputs: only float noise may differ


@dataclass
class Difference:
    """One thing that does not match: where, what the re-evaluation expects, what the report holds."""

    field: str
    expected: Any
    found: Any

    def __str__(self) -> str:
        return f"{self.field}: expected {show(self.expected)}, found {show(self.found)}"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    differences: list[Difference] = field(default_factory=list)


def show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, float):
        return f"{value:.12g}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**24:
        return f"an integer of {len(str(abs(value)))} digits"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]" if value else "none"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=1e-12)
    except (TypeError, ValueError, OverflowError):  # an int beyond float range is never a total
        return False


@dataclass
class ReportData:
    """What a format reader extracts: the embedded payload and what the reader of the report sees."""

    kind: str
    payload: dict[str, Any]
    printed: Any  # PDF: extracted text; workbook: the openpyxl workbook (values only)
