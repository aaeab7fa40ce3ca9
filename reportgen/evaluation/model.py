"""The evaluation object: the single truth that the CLI, the JSON output, the PDF and the workbook render.

Its JSON dump is a public interface (`reportgen check --format json`), so field names here are stable, and
the dump says which version of its shape it follows (`format_version`, README "The evaluation JSON").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

# The shape of the Evaluation JSON (keys, types, units, meanings), not the tool's version nor the standard's
# edition. MAJOR.MINOR: a key added is a minor step (readers ignore keys they do not know); a key removed or
# renamed, or a type, unit or meaning changed, is a major one. tests/test_golden.py pins the shape per version.
FORMAT_VERSION = "1.8"

Severity = Literal["error", "warning", "info"]
Origin = Literal["supplied", "derived", "withheld"]


class Location(BaseModel):
    """Where a value was read: a file and a line (YAML/JSON) or a cell (`Sheet!D12`)."""

    model_config = ConfigDict(frozen=True)
    file: str | None = None
    line: int | None = None
    cell: str | None = None
    path: str | None = None  # the key path as written in the input

    def __str__(self) -> str:
        where = self.file or "input"
        if self.cell:
            return f"{where}, {self.cell}"
        if self.line:
            return f"{where}:{self.line}"
        return where


class Finding(BaseModel):
    """One problem or remark. Every finding has all of these, even when `field` is None."""

    code: str
    severity: Severity
    field: str | None
    clause: str
    location: Location | None
    message: str
    fix: str
    caused_by: int | None = PydField(
        None,
        description="1.5: the index in `findings` of the root cause this finding follows from "
        "(a rejected value, a misspelt key); its fix is then the root's",
    )


class TraceInput(BaseModel):
    field: str
    value: float
    unit: str | None
    origin: Origin
    source: str | None = None


_NUMBER_SLOT = re.compile(r"\{(\d+)\}")


class Expr:
    """Builds a trace's expression with its numbers kept apart: calling it with a number appends the number
    and returns its slot, `{i}`, to write in the text. The evaluation keeps numbers; the presentation
    writes them in the report's language (issue 11: calculation does not format numbers for a language)."""

    def __init__(self) -> None:
        self.numbers: list[float] = []

    def __call__(self, x: float) -> str:
        self.numbers.append(float(x))
        return "{" + str(len(self.numbers) - 1) + "}"

    def trace(self, clause: str, formula: str, template: str, **more: Any) -> Trace:
        """The Trace of `template` (written with this builder's slots)."""
        return Trace(
            clause=clause,
            formula=formula,
            expression=written(template, self.numbers, neutral_number),
            template=template,
            numbers=self.numbers,
            **more,
        )


def neutral_number(x: float) -> str:
    """A number in no language's notation (six significant digits, no grouping): `expression` of the JSON."""
    return f"{x:.6g}"


def written(template: str, numbers: list[float], number: Callable[[float], str]) -> str:
    """`template` with each slot `{i}` replaced by `number(numbers[i])`; other text stays as it is (a
    source quoted in a template may hold braces)."""

    def one(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return number(numbers[i]) if i < len(numbers) else m.group(0)

    return _NUMBER_SLOT.sub(one, template)


class Trace(BaseModel):
    """How a derived figure was obtained: the formula, its numbers and where they came from."""

    clause: str
    formula: str
    expression: str = PydField(
        description="the arithmetic with its numbers (six significant digits, no grouping, in no "
        "language's notation since 1.8; reports write `template` with `numbers` in their language)"
    )
    template: str | None = PydField(
        None, description="1.8: `expression` with its i-th number written {i}; the numbers are `numbers`"
    )
    numbers: list[float] = PydField(default_factory=list, description="1.8: the numbers of `template`")
    inputs: list[TraceInput]
    notes: list[str] = []
    form: str | None = PydField(
        None,
        description="1.6: the arithmetic of the formula over its inputs, each written [field id], in the "
        "order computed (Excel operators); the Excel disclosure writes it as a live formula",
    )


class FieldValue(BaseModel):
    """A field's value after parsing and derivation, in the canonical unit."""

    value: Any = None
    unit: str | None = None
    origin: Origin
    method: str | None = None
    source: str | None = None
    uncertainty_pct: float | None = None
    withheld: str | None = None
    note: str | None = None
    counted: bool = True  # False for values of phases outside the boundary (6.1)
    basis: str | None = (
        None  # A4 (D1.1): what the number rests on; None for values without a number, and under D1
    )
    trace: Trace | None = None
    location: Location | None = None


class PublishedAggregate(BaseModel):
    """A6: a lifecycle aggregate as published, shown beside the computed total, never added to it."""

    value: float
    unit: str
    scope: str | None


class Total(BaseModel):
    value: float | None
    unit: str
    partial: bool
    missing_phases: list[str]
    by_phase: dict[str, float]
    shares: dict[str, float]
    shares_partial: bool | None = PydField(
        None, description="A3 (D1.1): the shares divide by a partial total (upper bounds); None under D1"
    )
    location_based_phases: list[str] = PydField(
        default_factory=list,
        description="A2 (D1.1): phases that entered this market-based total with "
        "their location-based figure (no ghg_market of their own)",
    )
    by_basis: dict[str, float] = PydField(
        default_factory=dict, description="A4 (D1.1): the total split by the basis of each phase's value"
    )
    published: PublishedAggregate | None = None


class UnitValue(BaseModel):
    value: float
    unit: str


class FunctionalUnits(BaseModel):
    per_request: dict[str, UnitValue] = {}
    per_1k_output_tokens: dict[str, UnitValue] = {}
    published: dict[str, UnitValue | str | None] | None = PydField(
        None,
        description="A6 (D1.1): per-unit figures as published: `definition` and one {value, unit} "
        "per indicator; shown beside the derived figures, never compared with them",
    )


class MissingItem(BaseModel):
    field: str
    label: str
    phase: str | None
    obligation: str
    clause: str
    condition: str | None
    help: str | None = None
    location: Location | None = None  # where to type it: the Value cell of its row in a workbook
    fix: str = PydField(
        "",
        description="1.4: how to fix it: the cell to fill (workbook) or key to add, what a derivation of "
        "clause 8 lacks, why a withheld value does not count",
    )
    caused_by: int | None = PydField(
        None, description="1.5: the index in `findings` of the root cause this item follows from"
    )


class EditionRef(BaseModel):
    """The edition an evaluation was made under, by name (the encoded edition is standard.Standard)."""

    id: str
    edition: str


class ActivityPeriod(BaseModel):
    start: str  # ISO 8601, UTC
    end: str


class ActivityTable(BaseModel):
    """One activity table read (Annex D, D.6): kind, phase, rows, period covered, digest, matched share."""

    table: str
    path: str
    phase: str | None
    rows: int
    counted_rows: int | None
    period: ActivityPeriod | None
    sha256: str
    matched_share: float | None
    description: str | None = None


class ActivityPhase(BaseModel):
    """Per phase (D.6): activity energy, its matched share, hourly-matched and period-average GHG (kgCO2e)."""

    energy_kwh: float | None
    matched_share: float | None
    hourly_ghg: float | None
    average_ghg: float | None
    difference_pct: float | None


class ActivityMonth(BaseModel):
    phase: str
    month: str  # YYYY-MM, UTC
    energy_kwh: float
    ghg_kg: float | None  # hourly-matched GHG of the month's matched energy
    average_ghg_kg: float | None = None  # the same energy at the period-average intensities (I-ACT-5), 1.7


class ActivityReport(BaseModel):
    """The activity part of the evaluation (D.5, D.6): digests and aggregates, never the rows."""

    tables: list[ActivityTable]
    phases: dict[str, ActivityPhase]
    monthly: list[ActivityMonth]


class Evaluation(BaseModel):
    """Everything known about one disclosure once checked against the standard."""

    format_version: str = PydField(
        FORMAT_VERSION, description="version of this JSON's shape (MAJOR.MINOR): a new minor adds keys only"
    )
    standard: EditionRef
    tool_version: str
    source: str | None
    language: Literal["en", "fr"]
    status: Literal["complete", "incomplete"]
    completeness: float
    mandatory_applicable: int
    mandatory_satisfied: int
    recommended_coverage: float | None
    self_declared: bool = PydField(
        description='clause 10: the report says "Self-declared — not independently verified"'
    )
    fingerprint: str
    missing: list[str]
    missing_items: list[MissingItem]
    findings: list[Finding]
    counts: dict[str, int]
    boundary: dict[str, str | None]
    values: dict[str, FieldValue]
    totals: dict[str, Total]
    functional_units: FunctionalUnits
    inference_share: float | None
    inference_share_partial: bool | None = PydField(
        None, description="A3 (D1.1): the GHG total it divides by is partial; None under D1"
    )
    data_quality: dict[str, dict[str, float]]
    inputs: dict[str, Any] = PydField(description="canonical input tree fingerprinted by clause 10")
    rejected: dict[str, Any] = PydField(
        default_factory=dict, description="values ignored with E-TYPE/E-UNIT, as given, by field id"
    )
    activity: ActivityReport | None = PydField(
        default=None, description="Annex D: activity tables and hourly matching"
    )

    @property
    def is_complete(self) -> bool:
        return self.status == "complete"

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.is_complete and not self.has_errors else 1
