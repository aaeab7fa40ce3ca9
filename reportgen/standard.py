"""The encoded standard: pydantic models of the files in `standard/<edition>/`, and their loader.

The standard is data, not code: adding a field to an edition means editing `fields.yaml`. The models
below are the schema of those files; loading checks every cross-reference (enums, units, conditions,
formulas, finding codes) so that a broken standard file fails at once with a message naming the file
and the entry, rather than as a wrong report later.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from reportgen.errors import StandardError

Obligation = Literal["M", "M*", "R", "O"]
FieldType = Literal[
    "text", "date", "email", "country", "enum", "bool", "count", "decimal", "ratio", "quantity"
]
Severity = Literal["error", "warning", "info"]
Lang = Literal["en", "fr"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    """A text in the standard's two languages."""

    en: str
    fr: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" and self.fr else self.en


class Condition(_Strict):
    """The condition of an M* field, as data: `field op value` (Annex A, column Condition)."""

    op: Literal["eq", "ne", "in", "supplied", "not_supplied", "available", "any_available"]
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
    def _type_params(self) -> "Field":
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
    display: str

    @property
    def canonical(self) -> str:
        return self.units[0]


class Indicator(_Strict):
    label: Localized
    unit: str
    report_unit: str
    per_unit: dict[str, Any]
    fields: dict[str, str]


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


class Formula(_Strict):
    name: str
    formula: Localized
    parameters: dict[str, float]
    hours_formula: Localized | None = None
    hours_phases: list[str] = []


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
    fields: dict[str, Field]
    findings: dict[str, FindingCode]
    rules: dict[str, Any]
    calculations: Calculations
    crosswalk: dict[str, Any]
    directory: Path
    activity: "ActivitySpec | None" = None  # Annex D (D1.1), absent from editions without activity data

    # -- lookups -------------------------------------------------------------------------------
    @property
    def phase_ids(self) -> list[str]:
        return [p.id for p in self.phases]

    def group(self, gid: str) -> Group:
        return next(g for g in [*self.sections, *self.phases] if g.id == gid)

    def is_phase(self, gid: str) -> bool:
        return gid in self.phase_ids

    def dimension_of(self, field: Field) -> str | None:
        if field.unit is None:
            return None
        return next(name for name, d in self.dimensions.items() if d.canonical == field.unit)

    def fields_of(self, gid: str) -> list[Field]:
        return [f for f in self.fields.values() if f.group == gid]

    def enum_values(self, name: str) -> list[str]:
        return list(self.enums[name])

    def enum_label(self, name: str, value: Any, lang: str) -> str:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        entry = self.enums.get(name, {}).get(key)
        return entry.get(lang) if entry else str(value)

    @property
    def units_file(self) -> Path:
        return self.directory / "units.txt"

    # -- cross-reference checks ---------------------------------------------------------------
    @model_validator(mode="after")
    def _cross_references(self) -> "Standard":
        problems: list[str] = []
        units = {u for d in self.dimensions.values() for u in d.units}
        for f in self.fields.values():
            if f.group not in {g.id for g in [*self.phases, *self.sections]}:
                problems.append(f"{f.id}: group '{f.group}' is neither a phase nor a section")
            if f.enum and f.enum not in self.enums:
                problems.append(f"{f.id}: enum '{f.enum}' is not defined under enums")
            if f.unit and f.unit not in units:
                problems.append(f"{f.id}: unit '{f.unit}' is not a unit of any dimension")
            if f.unit and not any(d.canonical == f.unit for d in self.dimensions.values()):
                problems.append(f"{f.id}: unit '{f.unit}' is not the canonical unit of a dimension")
            if f.derivable_by and f.derivable_by not in self.calculations.formulas:
                problems.append(f"{f.id}: derivable_by '{f.derivable_by}' has no formula")
            c = f.condition
            if c and c.op != "any_available" and c.field not in self.fields:
                problems.append(f"{f.id}: condition tests unknown field '{c.field}'")
        for name, ind in self.indicators.items():
            for phase, fid in ind.fields.items():
                if fid not in self.fields or phase not in self.phase_ids:
                    problems.append(f"indicators.{name}: '{phase}: {fid}' is not a known phase field")
        for rule in self.rules.get("range", []):
            if rule["code"] not in self.findings:
                problems.append(f"rules.range: code {rule['code']} is not in findings.yaml")
            for fid in rule.get("fields", []):
                if fid not in self.fields:
                    problems.append(f"rules.range {rule['code']}: unknown field '{fid}'")
        if self.facility_energy_scope not in self.enums.get("energy_scope", {}):
            problems.append(f"facility_energy_scope '{self.facility_energy_scope}' is not an energy_scope value")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise StandardError(f"cannot read standard file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise StandardError(f"standard file {path} is not valid YAML: {exc}") from exc


def _expand_per_phase(raw: dict[str, Any], phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn an Annex A row written with PHASE into one field per phase."""
    out = []
    for ph in phases:
        f = {**raw, "id": raw["id"].replace("PHASE", ph["id"]), "template_id": raw["id"]}
        f["label"] = {k: f"{v.split(' (')[0]}: {ph['label'][k]}" for k, v in raw["label"].items()}
        if raw.get("condition"):
            cond = raw["condition"]
            f["condition"] = {**cond, "field": cond["field"].replace("PHASE", ph["id"]),
                              "text": {k: v.replace("PHASE", ph["id"]) for k, v in cond["text"].items()}}
        out.append(f)
    return out


def editions_root() -> Path:
    """Where the editions live: shipped inside the wheel, or the repository's `standard/`."""
    packaged = Path(__file__).parent / "_data" / "standard"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "standard"


def available_editions() -> list[str]:
    return sorted(p.name for p in editions_root().iterdir() if (p / "standard.yaml").is_file())


def load_from_directory(directory: Path) -> Standard:
    """Load and check one edition directory. Raises StandardError with a readable message."""
    base = _read_yaml(directory / "standard.yaml")
    if not isinstance(base, dict):
        raise StandardError(f"{directory / 'standard.yaml'}: top level must be a mapping")
    fields_doc = _read_yaml(directory / "fields.yaml") or {}
    fields: dict[str, Any] = {}
    for raw in fields_doc.get("fields", []):
        items = _expand_per_phase(raw, base.get("phases", [])) if raw.get("per_phase") else [raw]
        for item in items:
            if item.get("id") in fields:
                raise StandardError(f"{directory / 'fields.yaml'}: field {item['id']} is defined twice")
            fields[item.get("id", f"#{len(fields)}")] = item
    data = {
        **base,
        "fields": fields,
        "findings": (_read_yaml(directory / "findings.yaml") or {}).get("findings", {}),
        "rules": _read_yaml(directory / "rules.yaml") or {},
        "calculations": _read_yaml(directory / "calculations.yaml") or {},
        "crosswalk": _read_yaml(directory / "crosswalk.yaml") or {},
        "directory": directory,
    }
    for extra in sorted(directory.glob("findings-*.yaml")):  # catalogue additions (A8, Annex D)
        data["findings"] = {**data["findings"], **((_read_yaml(extra) or {}).get("findings") or {})}
    if (directory / "activity.yaml").is_file():
        data["activity"] = _read_yaml(directory / "activity.yaml")
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
def load_standard(edition: str = "D1", standard_id: str = "AILD") -> Standard:
    """Load an edition by id and edition name (e.g. AILD, D1)."""
    directory = editions_root() / f"{standard_id}-{edition}".lower()
    if not (directory / "standard.yaml").is_file():
        known = ", ".join(available_editions()) or "none"
        raise StandardError(f"no encoded standard {standard_id} {edition} (available: {known})")
    return load_from_directory(directory)


from reportgen.activity.spec import ActivitySpec  # noqa: E402  (its module needs Localized, defined above)

Standard.model_rebuild()
