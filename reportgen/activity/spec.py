"""The schema of `standard/<edition>/activity.yaml` (Annex D as data), checked when the standard loads.

Only pydantic here: the standard's loader imports this module, and DuckDB must stay off that path.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from reportgen.standard.base import Localized


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Declaration(_Strict):
    keys: list[str]
    required: list[str]
    basis: list[str]
    default_basis: str


class ElectricityMaps(_Strict):
    """The Electricity Maps hourly CSV layout (D.2): its column names, by role."""

    datetime: str
    zone: str
    intensity: dict[str, list[str]]  # by `basis` of the declaration


class Kind(_Strict):
    required: list[str]
    optional: list[str]
    numbers: list[str]
    phase: Literal["from_column_or_declared", "inference", "none"]
    derives: str | None = None
    key: list[str]
    basis: str
    power_basis: str | None = None
    electricity_maps: ElectricityMaps | None = None

    @property
    def columns(self) -> list[str]:
        return [*self.required, *self.optional]


class ActivitySpec(_Strict):
    clause: str
    declaration: Declaration
    kinds: dict[str, Kind]
    default_duration_hours: float
    agreement_tolerance: float
    listed_bad_rows: int
    compared_fields: list[str]
    formulas: dict[str, Localized]

    @model_validator(mode="after")
    def _consistent(self) -> ActivitySpec:
        problems = []
        if self.declaration.default_basis not in self.declaration.basis:
            problems.append("declaration.default_basis is not one of declaration.basis")
        for name, kind in self.kinds.items():
            for col in [*kind.numbers, *kind.key]:
                if col not in kind.columns:
                    problems.append(f"kinds.{name}: '{col}' is not one of its columns")
            em = kind.electricity_maps
            if em and set(em.intensity) != set(self.declaration.basis):
                problems.append(f"kinds.{name}.electricity_maps.intensity: one entry per basis")
        if problems:
            raise ValueError("; ".join(problems))
        return self
