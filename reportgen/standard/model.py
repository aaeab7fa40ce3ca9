"""The encoded standard: pydantic models of the files in `standard/<edition>/`, and their loader.

The standard is data, not code: adding a field to an edition means editing `fields.yaml`. The models
below are the schema of those files; loading checks every cross-reference (enums, units, conditions,
formulas, finding codes) so that a broken standard file fails at once with a message naming the file
and the entry, rather than as a wrong report later.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ValidationError, model_validator

from reportgen.activity.spec import ActivitySpec
from reportgen.errors import StandardError
from reportgen.standard.base import Localized, _Strict
from reportgen.standard.display import Display
from reportgen.standard.editions import (  # noqa: F401  (the edition registry is part of this module's API)
    available_editions,
    editions_root,
    latest_edition,
    raw_edition,
    resolve_edition,
    shipped_editions,
)
from reportgen.standard.roles import Roles
from reportgen.standard.schemas import Crosswalk, Rules, checked_crosswalk, checked_rules

Obligation = Literal["M", "M*", "R", "O"]
FieldType = Literal[
    "text", "date", "email", "country", "enum", "bool", "count", "decimal", "ratio", "quantity"
]
Severity = Literal["error", "warning", "info"]


class Condition(_Strict):
    """The condition of an M* field, as data: `field op value` (Annex A, column Condition)."""

    op: Literal["eq", "ne", "in", "supplied", "not_supplied", "available", "any_available", "any_supplied"]
    field: str
    value: str | list[str] | None = None
    text: Localized
    explain: Localized | None = None


class Field(_Strict):
    id: str
    label: Localized
    help: Localized | None = None
    type: FieldType
    unit: str | None = None
    enum: str | None = None
    obligation: Obligation
    condition: Condition | None = None
    derivable_by: str | None = None
    clause: str
    per_phase: bool = False
    template_id: str | None = None  # the Annex A row a per-phase field was expanded from

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.id.split(".", 1)[1]

    @model_validator(mode="after")
    def _type_params(self) -> Field:
        if (self.type == "quantity") != (self.unit is not None):
            raise ValueError("a quantity field needs a unit, and only a quantity field has one")
        if (self.type == "enum") != (self.enum is not None):
            raise ValueError("an enum field needs `enum`, and only an enum field has one")
        if (self.obligation == "M*") != (self.condition is not None):
            raise ValueError("a condition is required for M* fields and only for them")
        return self


class Group(_Strict):
    id: str
    clause: str
    label: Localized


class Dimension(_Strict):
    units: list[str]

    @property
    def canonical(self) -> str:
        return self.units[0]


class Indicator(_Strict):
    label: Localized
    unit: str
    report_unit: str
    per_unit: dict[str, Any]
    fields: dict[str, str]
    # A2: a phase without a value of its own enters this total with its value of the indicator named here
    fallback: str | None = None
    # A6: the fields of a published lifecycle aggregate and of a published per-unit figure
    published: str | None = None
    published_per_unit: str | None = None


class Semantics(_Strict):
    """Calculation behaviours that differ between editions, as switches (defaults: edition D1)."""

    # 8.5 reading 1 (D1): ghg_market sums the market-based fields only; A2 (D1.1): same boundary as
    # the location-based total, a phase without ghg_market entering with its location-based figure.
    market_total: Literal["own_fields", "same_boundary"] = "own_fields"
    partial_shares: bool = False  # A3: shares of a partial total are labelled partial
    basis: bool = False  # A4: every value has a basis; the data-quality summary is by basis, not method


class Published(_Strict):
    """A6: the text fields that qualify published aggregates and per-unit figures."""

    scope: str
    definition: str


class ClauseChange(_Strict):
    """One clause of an amendment, for `reportgen standard diff`."""

    id: str
    clause: str
    action: Literal["added", "amended", "replaced"]
    title: Localized


class Variant(_Strict):
    message: Localized | None = None
    fix: Localized | None = None


class FindingCode(_Strict):
    severity: Severity
    clause: str
    title: Localized
    message: Localized
    fix: Localized
    variants: dict[str, Variant] = {}
    # the wording for a workbook input, by variant (`default` for the code's own): cells, columns and
    # drop-down labels instead of keys and mappings (evaluation/wording.py); the rest as above
    workbook: dict[str, Variant] = {}


class Formula(_Strict):
    name: str
    formula: Localized
    parameters: dict[str, float]
    hours_formula: Localized | None = None
    hours_phases: list[str] = []
    inputs: dict[str, str] = {}  # name in the formula's function → field id (PHASE: the derived field's)

    def input(self, name: str, phase: str | None = None) -> str:
        """The field id of input `name`, for the phase of the derived field when it is per phase."""
        return self.inputs[name].replace("PHASE", phase or "PHASE")


class Calculations(_Strict):
    order: list[str]
    formulas: dict[str, Formula]


class Standard(_Strict):
    """One edition of the standard, fully cross-checked."""

    id: str
    edition: str
    title: Localized
    date: str
    phases: list[Group]
    sections: list[Group]
    enums: dict[str, dict[str, Localized]]
    withheld_satisfies: list[str]
    self_declared_levels: list[str]
    facility_energy_scope: str
    dimensions: dict[str, Dimension]
    method_source_dimensions: list[str]
    indicators: dict[str, Indicator]
    per_tokens: int
    inference_share_indicator: str
    roles: Roles  # the fields the code gives a meaning to, by role (standard/roles.py)
    display: Display  # what the reports show where (standard/display.py)
    fields: dict[str, Field]
    findings: dict[str, FindingCode]
    rules: Annotated[dict[str, Any], AfterValidator(checked_rules)]  # read as mappings by evaluation/rules.py
    calculations: Calculations
    crosswalk: Annotated[dict[str, Any], AfterValidator(checked_crosswalk)]
    semantics: Semantics = Semantics()
    published: Published | None = None
    base: str | None = None  # the edition an amendment applies to
    clauses: list[ClauseChange] = []  # what the amendment changes (empty for a base edition)
    texts: list[str] = []  # the normative texts of the edition, files beside its data
    directory: Path
    activity: ActivitySpec | None = None  # Annex D (D1.1), absent from editions without activity data
    data_dirs: list[Path] = []  # an amended edition's base directories, for files it does not override

    # -- lookups -------------------------------------------------------------------------------
    @property
    def phase_ids(self) -> list[str]:
        return [p.id for p in self.phases]

    def group(self, gid: str) -> Group:
        return next(g for g in [*self.sections, *self.phases] if g.id == gid)

    def is_phase(self, gid: str) -> bool:
        return gid in self.phase_ids

    @property
    def name(self) -> str:
        return f"{self.id} {self.edition}"

    def dimension_of(self, field: Field) -> str | None:
        """The dimension whose canonical unit is the field's; else the one that accepts it (A6: Wh)."""
        return None if field.unit is None else self.dimension_of_unit(field.unit)

    def dimension_of_unit(self, unit: str) -> str:
        """The dimension whose canonical unit `unit` is; else the one that accepts it."""
        return next((n for n, d in self.dimensions.items() if d.canonical == unit), None) or next(
            n for n, d in self.dimensions.items() if unit in d.units
        )

    def value_label(self, fid: str, value: Any, lang: str) -> str:
        """A value of a choice field as shown: the label of its code in the field's own enumeration."""
        return self.enum_label(self.fields[fid].enum or "", value, lang)

    def basis_order(self) -> list[str]:
        """A4: bases from strongest to weakest (the order of the `basis` enumeration)."""
        return list(self.enums.get("basis", {}))

    def phase_status_fields(self) -> tuple[str, ...]:
        """Each phase's status in the boundary and its justification (6.1), which reports lay out per
        phase rather than as declarations."""
        r = self.roles
        return tuple(fid for p in self.phase_ids for fid in (r.status_of(p), r.justification_of(p)))

    def fields_of(self, gid: str) -> list[Field]:
        return [f for f in self.fields.values() if f.group == gid]

    def enum_values(self, name: str) -> list[str]:
        return list(self.enums[name])

    def enum_label(self, name: str, value: Any, lang: str) -> str:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        entry = self.enums.get(name, {}).get(key)
        return entry.get(lang) if entry else str(value)

    def data_file(self, name: str) -> Path:
        """A file of the edition, or of the edition it amends when it has none of its own."""
        for d in (self.directory, *self.data_dirs):
            if (d / name).is_file():
                return d / name
        return self.directory / name

    @property
    def units_file(self) -> Path:
        return self.data_file("units.txt")

    # -- cross-reference checks ---------------------------------------------------------------
    @model_validator(mode="after")
    def _cross_references(self) -> Standard:
        problems: list[str] = []
        units = {u for d in self.dimensions.values() for u in d.units}
        for f in self.fields.values():
            if f.group not in {g.id for g in [*self.phases, *self.sections]}:
                problems.append(f"{f.id}: group '{f.group}' is neither a phase nor a section")
            if f.enum and f.enum not in self.enums:
                problems.append(f"{f.id}: enum '{f.enum}' is not defined under enums")
            if f.unit and f.unit not in units:
                problems.append(f"{f.id}: unit '{f.unit}' is not a unit of any dimension")
            if f.derivable_by and f.derivable_by not in self.calculations.formulas:
                problems.append(f"{f.id}: derivable_by '{f.derivable_by}' has no formula")
            c = f.condition
            if (
                c
                and c.op == "any_supplied"
                and not any(x.startswith(c.field.rstrip("*")) for x in self.fields)
            ):
                problems.append(f"{f.id}: condition tests no field of '{c.field}'")
            elif c and c.op not in ("any_available", "any_supplied") and c.field not in self.fields:
                problems.append(f"{f.id}: condition tests unknown field '{c.field}'")
        for name, ind in self.indicators.items():
            for phase, fid in ind.fields.items():
                if fid not in self.fields or phase not in self.phase_ids:
                    problems.append(f"indicators.{name}: '{phase}: {fid}' is not a known phase field")
            if ind.fallback is not None and ind.fallback not in self.indicators:
                problems.append(f"indicators.{name}: fallback '{ind.fallback}' is not an indicator")
            for ref in (ind.published, ind.published_per_unit):
                if ref is not None and ref not in self.fields:
                    problems.append(f"indicators.{name}: published field '{ref}' is not a field")
        if self.published is not None:
            for ref in (self.published.scope, self.published.definition):
                if ref not in self.fields:
                    problems.append(f"published: '{ref}' is not a field")
        for clause, formula in self.calculations.formulas.items():
            for name, fid in formula.inputs.items():
                ids = [fid.replace("PHASE", p) for p in self.phase_ids] if "PHASE" in fid else [fid]
                if not any(i in self.fields for i in ids):
                    problems.append(f"calculations.{clause}.inputs.{name}: '{fid}' is not a field")
        problems += self.roles.problems(self.fields, self.phase_ids)
        problems += self.display.problems(set(self.fields), {g.id for g in [*self.sections, *self.phases]})
        if self.semantics.basis and "basis" not in self.enums:
            problems.append("semantics.basis needs the enumeration `basis` (strongest first)")
        rules = Rules.model_validate(self.rules)
        for entry, code in rules.codes():
            if code not in self.findings:
                problems.append(f"rules.{entry}: code {code} is not in findings.yaml")
        for entry, fid in rules.fields():
            if fid not in self.fields:
                problems.append(f"rules.{entry}: unknown field '{fid}'")
        for r in rules.boundary_requires:
            problems += [
                f"rules.boundary_requires {r.code}: '{p}' is not a phase"
                for p in r.phases
                if p not in self.phase_ids
            ]
        for i, row in enumerate(Crosswalk.model_validate(self.crosswalk).rows):
            if not any(fid.startswith(row.field.split(" ")[0].rstrip("*")) for fid in self.fields):
                problems.append(f"crosswalk.rows[{i}]: '{row.field}' names no field")
        if self.facility_energy_scope not in self.enums.get("energy_scope", {}):
            problems.append(
                f"facility_energy_scope '{self.facility_energy_scope}' is not an energy_scope value"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_from_directory(directory: Path) -> Standard:
    """Load and check one edition directory. Raises StandardError with a readable message."""
    data = {**raw_edition(directory), "directory": directory}
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:20]:
            loc = ".".join(str(p) for p in err["loc"])
            lines.append(f"  {loc}: {err['msg']}")
        raise StandardError(
            f"the standard in {directory} does not match its schema:\n" + "\n".join(lines)
        ) from None


@functools.lru_cache(maxsize=8)
def load_standard(edition: str | None = None, standard_id: str = "AILD") -> Standard:
    """Load a shipped edition by id and exact edition name (e.g. AILD, D1.1); None: the latest."""
    edition = edition if edition is not None else latest_edition(standard_id)
    directory = shipped_editions().get(f"{standard_id} {edition}")  # an exact name, never a path
    if directory is None:  # the names may come from a report: shown quoted, control characters escaped
        known = ", ".join(available_editions()) or "none"
        raise StandardError(
            f"no edition {f'{standard_id} {edition}'[:80]!r} is shipped with reportgen; "
            f"known editions: {known}."
        )
    return load_from_directory(directory)


Standard.model_rebuild()
