"""Schemas of rules.yaml and crosswalk.yaml: a broken entry fails when the edition loads, by name.

The rule kinds (evaluation/rules.py) and the crosswalk sheet read these files as mappings; the models
below only check their shape, so that a missing `implied_power` or a misspelt key is a StandardError
naming the entry, not a KeyError in the middle of an evaluation.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reportgen.standard.base import Localized, _Strict


class _Coded(_Strict):
    code: str


class FindingsCap(_Strict):
    per_code: int = Field(gt=0)
    exempt: list[str] = []


class RangeRule(_Coded):
    """8.6: a value below `below`, above `above` or equal to `equals` fails, for the fields it names."""

    fields: list[str] = []
    dimension: str | None = None
    types: list[str] = []
    below: float | None = None
    above: float | None = None
    equals: float | None = None
    extra: Localized | None = None

    @model_validator(mode="after")
    def _targets_and_bounds(self) -> RangeRule:
        if not (self.fields or self.dimension or self.types):
            raise ValueError("a range rule names `fields`, a `dimension` or `types`")
        if self.below is None and self.above is None and self.equals is None:
            raise ValueError("a range rule has `below`, `above` or `equals`")
        return self


class DateOrder(_Coded):
    start: str
    end: str


class BoundaryRequires(_Coded):
    field: str
    value: str
    phases: list[str]


class ImpliedPower(_Coded):
    min: float
    max: float


class Tolerance(_Coded):
    tolerance: float = Field(ge=0)


class MarketNeedsLocation(_Coded):
    pairs: dict[str, tuple[str, str]]  # phase → (market-based field, location-based field)


class Rules(_Strict):
    """rules.yaml of an edition (with its amendment applied)."""

    findings_cap: FindingsCap | None = None
    range: list[RangeRule] = []
    date_order: DateOrder
    boundary_requires: list[BoundaryRequires] = []
    implied_power: ImpliedPower
    ghg_consistency: Tolerance
    market_needs_location: MarketNeedsLocation
    aggregate_consistency: Tolerance | None = None  # A6 (D1.1)

    def codes(self) -> list[tuple[str, str]]:
        """(entry, finding code) of every rule, for the cross-check against findings.yaml."""
        out = [(f"range[{i}]", r.code) for i, r in enumerate(self.range)]
        out += [(f"boundary_requires[{i}]", r.code) for i, r in enumerate(self.boundary_requires)]
        for name in (
            "date_order",
            "implied_power",
            "ghg_consistency",
            "market_needs_location",
            "aggregate_consistency",
        ):
            rule = getattr(self, name)
            if rule is not None:
                out.append((name, rule.code))
        return out

    def fields(self) -> list[tuple[str, str]]:
        """(entry, field id) of every field a rule names, for the cross-check against fields.yaml."""
        out = [(f"range {r.code}", f) for r in self.range for f in r.fields]
        out += [("date_order", self.date_order.start), ("date_order", self.date_order.end)]
        out += [(f"boundary_requires {r.code}", r.field) for r in self.boundary_requires]
        out += [
            (f"market_needs_location.{p}", f)
            for p, pair in self.market_needs_location.pairs.items()
            for f in pair
        ]
        return out


class Framework(_Strict):
    label: str


class CrosswalkRow(_Strict):
    """One row of Annex C: an AILD field and, per framework, where it appears there."""

    model_config = ConfigDict(extra="allow")
    field: str


class Crosswalk(_Strict):
    frameworks: dict[str, Framework]
    rows: list[CrosswalkRow]

    @model_validator(mode="after")
    def _known_frameworks(self) -> Crosswalk:
        for i, row in enumerate(self.rows):
            for key, value in (row.model_extra or {}).items():
                if key not in self.frameworks:
                    raise ValueError(f"rows[{i}] ({row.field}): '{key}' is not one of the frameworks")
                if not isinstance(value, str):
                    raise ValueError(f"rows[{i}] ({row.field}).{key}: expected a text")
        return self


def _messages(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()[:10])


def _checked(schema: type[BaseModel], file: str, data: Any) -> dict[str, Any]:
    """`data` unchanged when it has the shape `schema` gives `file`; else a ValueError naming each bad entry."""
    try:
        schema.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{file}: {_messages(exc)}") from None
    return data


def checked_rules(data: Any) -> dict[str, Any]:
    return _checked(Rules, "rules.yaml", data)


def checked_crosswalk(data: Any) -> dict[str, Any]:
    return _checked(Crosswalk, "crosswalk.yaml", data)
