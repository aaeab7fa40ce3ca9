"""The state of one evaluation while it runs: values by field id, the boundary, and the questions every
rule asks (does this field apply? is it supplied? does its condition hold?)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import FieldValue
from reportgen.standard import Condition, Field, Standard


@dataclass
class Context:
    standard: Standard
    values: dict[str, FieldValue]
    findings: Findings
    rejected: set[str] = dc_field(default_factory=set)
    lang: str = "en"  # of trace expressions and messages
    # a workbook's cells by field id and column key (`Training!D14`), so that messages and fixes name the
    # cell to fill; empty for YAML/JSON, whose findings name the key path
    cells: dict[str, dict[str, str]] = dc_field(default_factory=dict)
    kind: str = "yaml"  # the input's kind (yaml, json, xlsx, mapping)
    source: str | None = None  # the input's name, as findings locate it

    # -- boundary (6.1) ---------------------------------------------------------------------------
    def status(self, phase: str) -> str | None:
        v = self.values.get(self.standard.roles.status_of(phase))
        return v.value if v is not None and v.origin == "supplied" else None

    def included(self, phase: str) -> bool:
        return self.status(phase) == "included"

    def applies(self, f: Field) -> bool:
        """Section fields always apply; phase fields only when their phase is included (1.2)."""
        return not self.standard.is_phase(f.group) or self.included(f.group)

    @property
    def facility(self) -> bool:
        return self.raw(self.standard.roles.energy_scope) == self.standard.facility_energy_scope

    def it_energy(self, phase: str) -> tuple[float, list[str]] | None:
        """IT energy of a phase and the fields it rests on: energy ÷ pue under the facility scope, else
        energy. Asked by a formula (8.3) and by a check (8.6, W-RNG-5) alike, so it lives with both."""
        spec = self.standard.calculations.formulas["8.3"]
        energy_id, pue_id = spec.input("energy", phase), spec.input("pue", phase)
        energy = self.num(energy_id)
        if energy is None:
            return None
        if not self.facility:
            return energy, [energy_id]
        pue = self.num(pue_id)
        if not pue:
            return None
        return energy / pue, [energy_id, pue_id]

    # -- values ------------------------------------------------------------------------------------
    def raw(self, fid: str) -> Any:
        v = self.values.get(fid)
        return v.value if v is not None and v.origin != "withheld" else None

    def num(self, fid: str) -> float | None:
        """The numeric value of a counted field (supplied or derived), None when absent or withheld."""
        v = self.values.get(fid)
        if v is None or v.origin == "withheld" or not v.counted or v.value is None:
            return None
        if isinstance(v.value, bool) or not isinstance(v.value, (int, float)):
            return None
        return float(v.value)

    def supplied(self, fid: str) -> bool:
        """Supplied for condition purposes: a withheld field counts as supplied (4.3)."""
        v = self.values.get(fid)
        return v is not None and v.origin in ("supplied", "withheld")

    def available(self, fid: str) -> bool:
        return fid in self.values

    # -- conditions and obligations (Annex A) -------------------------------------------------------
    def holds(self, cond: Condition) -> bool:
        op = cond.op
        if op == "any_available":
            key = cond.field.split(".", 1)[1]
            return any(
                self.available(f"{p}.{key}") and self.included(p)
                for p in self.standard.phase_ids
                if f"{p}.{key}" in self.standard.fields
            )
        if op == "any_supplied":  # A6: any quantity of a group (`aggregate.*`) supplied or withheld
            group = cond.field.removesuffix(".*")
            return any(self.supplied(f.id) for f in self.standard.fields_of(group) if f.type == "quantity")
        if op == "supplied":
            return self.supplied(cond.field)
        if op == "not_supplied":
            return not self.supplied(cond.field)
        if op == "available":
            return self.available(cond.field)
        value = self.raw(cond.field)
        if value is None:
            return False  # a condition that tests an absent field is false
        if op == "eq":
            return value == cond.value
        if op == "ne":
            return value != cond.value
        if op == "in":
            return value in (cond.value or [])
        raise ValueError(f"unknown condition operator {op}")

    def mandatory(self, f: Field) -> bool:
        """True when the field applies and its obligation is M, or M* with its condition holding."""
        if not self.applies(f):
            return False
        if f.obligation == "M":
            return True
        return f.obligation == "M*" and f.condition is not None and self.holds(f.condition)

    def satisfied(self, fid: str) -> bool:
        """Supplied, derived, or withheld with a reason that satisfies (4.3, 4.4)."""
        v = self.values.get(fid)
        if v is None:
            return False
        if v.origin != "withheld":
            return True
        return v.withheld in self.standard.withheld_satisfies and bool(v.note)
