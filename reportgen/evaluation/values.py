"""Type every raw entry against its field (SPEC 4.2, 4.3): quantities in canonical units, withheld values.

A value that fails here gets E-TYPE or E-UNIT and counts as not supplied (Annex B); it is kept aside in
`rejected` so that a report can carry exactly what was given.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from reportgen.evaluation import codes
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import FieldValue, Location
from reportgen.inputs import QUANTITY_KEYS, WITHHELD_KEYS, RawEntry, RawInput
from reportgen.inputs.raw import FORMULA_MARKER
from reportgen.standard import Field, Standard
from reportgen.standard.units import NumberError, UnitError, Units, parse_number

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_QTY_TEXT = re.compile(r"^\s*([-+\u2212]?[\d.,\s\u00a0\u202f'_]*\d(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


class TypeProblem(ValueError):
    def __init__(self, variant: str, code: str = codes.WRONG_TYPE, **params: Any) -> None:
        super().__init__(variant)
        self.variant, self.code, self.params = variant, code, params


@dataclass
class Parsed:
    values: dict[str, FieldValue] = field(default_factory=dict)
    rejected: dict[str, Any] = field(default_factory=dict)


def _show(value: Any) -> str:
    if isinstance(value, int) and abs(value).bit_length() > 1024:  # str() refuses > 4,300 digits
        return f"an integer of about {abs(value).bit_length() * 0.30103:,.0f} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ValueParser:
    """Parses values for one standard; reusable across disclosures."""

    def __init__(self, standard: Standard, units: Units | None = None) -> None:
        self.standard = standard
        self.units = units or Units(standard)
        self.methods = standard.enum_values("method")
        self.reasons = standard.enum_values("withheld_reason")

    # -- scalars by type ------------------------------------------------------------------------
    def number(self, value: Any) -> float:
        if _is_number(value):
            try:
                number = float(value)
            except OverflowError:  # an integer beyond float range
                raise TypeProblem("too_large") from None
        elif isinstance(value, str):
            try:
                number = parse_number(value)
            except NumberError as exc:
                raise TypeProblem(exc.kind) from None
            if math.isinf(number):  # digits beyond float range (readers keep such numbers as text)
                raise TypeProblem("too_large")
        else:
            raise TypeProblem("not_number")
        if not math.isfinite(number):  # .nan, .inf in YAML, NaN in JSON
            raise TypeProblem("not_number")
        return number

    def scalar(self, f: Field, value: Any, raw_text: str | None) -> Any:
        t = f.type
        if t == "text":
            if isinstance(value, (dict, list)):
                raise TypeProblem("text")
            text = (
                raw_text
                if raw_text is not None
                else (value.isoformat() if isinstance(value, dt.date) else str(value))
            )
            return text.strip()
        if t == "count":
            number = self.number(value)
            if not number.is_integer():
                raise TypeProblem("not_integer")
            return int(number)
        if t == "decimal":
            return self.number(value)
        if t == "ratio":
            if isinstance(value, str) and value.strip().endswith("%"):
                return self.number(value.strip()[:-1]) / 100
            try:
                return self.number(value)
            except TypeProblem as exc:
                raise TypeProblem("not_ratio" if exc.variant == "not_number" else exc.variant) from None
        if t == "bool":
            if isinstance(value, bool):
                return value
            key = str(value).strip().lower()
            if key in {"true", "yes", "oui", "vrai", "1", "y"}:
                return True
            if key in {"false", "no", "non", "faux", "0", "n"}:
                return False
            raise TypeProblem("bool")
        if t == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            try:  # YAML 1.2 has no timestamps: dates arrive as text, sometimes with a time
                return dt.datetime.fromisoformat(str(value).strip()).date()
            except ValueError:
                raise TypeProblem("date") from None
        if t == "email":
            if isinstance(value, str) and _EMAIL.match(value.strip()):
                return value.strip()
            raise TypeProblem("email")
        if t == "country":
            return self.country(value)
        if t == "enum":
            return self.enum(f.enum or "", value)
        raise TypeProblem("structure", detail=f"unsupported type {t}")

    def country(self, value: Any) -> str:
        import pycountry  # loaded on first country only

        code = str(value).strip().upper()
        if len(code) == 2 and pycountry.countries.get(alpha_2=code):
            return code
        hint = None
        if len(code) == 3 and (c := pycountry.countries.get(alpha_3=code)):
            hint = c.alpha_2
        else:
            try:
                hint = pycountry.countries.lookup(str(value).strip()).alpha_2
            except LookupError:
                hint = None
        raise TypeProblem("country", nearest=f" ({hint})" if hint else "")

    def enum(self, name: str, value: Any) -> str:
        allowed = self.standard.enum_values(name)
        key = str(value).strip()
        if key in allowed:
            return key
        folded = re.sub(r"[\s\-]+", "_", key.lower())
        for candidate in allowed:
            label_en = self.standard.enums[name][candidate].en.lower()
            label_fr = self.standard.enums[name][candidate].fr.lower()
            if folded == candidate or key.lower() in {label_en, label_fr}:
                return candidate
        raise TypeProblem("enum", allowed=", ".join(allowed))

    # -- a whole entry ---------------------------------------------------------------------------
    def entry(self, f: Field, raw: RawEntry) -> FieldValue | None:
        """Return the typed value, None when nothing was supplied, or raise TypeProblem."""
        v = raw.value
        loc = raw.location
        if isinstance(v, dict) and FORMULA_MARKER in v:  # a workbook formula with no cached result
            raise TypeProblem("formula")
        if isinstance(v, dict) and "withheld" in v:
            extra = set(v) - WITHHELD_KEYS
            if extra == {"value"}:
                raise TypeProblem("value_and_withheld", withheld=_show(v.get("withheld")))
            if extra:
                raise TypeProblem(
                    "structure", detail=f"unexpected key(s) {', '.join(sorted(extra))} beside withheld"
                )
            try:  # a code, or its label as the workbook's drop-down shows it
                reason = self.enum("withheld_reason", v.get("withheld") or "")
            except TypeProblem:
                raise TypeProblem(
                    "withheld_reason", value=_show(v.get("withheld")), allowed=", ".join(self.reasons)
                ) from None
            note = v.get("note")
            note = str(note).strip() if note is not None and str(note).strip() else None
            return FieldValue(origin="withheld", withheld=reason, note=note, unit=f.unit, location=loc)
        meta: dict[str, Any] = {}
        if isinstance(v, dict):
            extra = set(v) - QUANTITY_KEYS
            if extra:
                near = [difflib.get_close_matches(k, sorted(QUANTITY_KEYS | WITHHELD_KEYS), 1) for k in extra]
                hint = "; ".join(
                    f"'{k}'" + (f" (did you mean '{n[0]}'?)" if n else "")
                    for k, n in zip(sorted(extra), near, strict=True)
                )
                if any(v.get(k) is None and " " in k for k in extra):
                    hint += " — a comma inside {...} ends the text: put the source in quotes"
                raise TypeProblem("structure", detail=f"unknown key {hint}")
            meta = {
                k: v.get(k)
                for k in ("method", "source", "uncertainty_pct", "note")
                if v.get(k) not in (None, "")
            }
            unit_text = v.get("unit")
            v = v.get("value")
            if v is None or (isinstance(v, str) and not v.strip()):
                return None
        else:
            unit_text = None
        if isinstance(v, list):
            raise TypeProblem("structure", detail="a list is not a value")
        if isinstance(v, str) and not v.strip():
            return None
        out = FieldValue(origin="supplied", location=loc)
        if "method" in meta:
            try:
                out.method = self.enum("method", meta["method"])
            except TypeProblem:
                raise TypeProblem(
                    "method", value=_show(meta["method"]), allowed=", ".join(self.methods)
                ) from None
        if "source" in meta:
            out.source = str(meta["source"]).strip()
        if "note" in meta:
            out.note = str(meta["note"]).strip()
        if "uncertainty_pct" in meta:
            try:
                pct = self.number(meta["uncertainty_pct"])
            except TypeProblem:
                raise TypeProblem("uncertainty", value=_show(meta["uncertainty_pct"])) from None
            if not 0 <= pct <= 100:
                raise TypeProblem("uncertainty", value=_show(meta["uncertainty_pct"]))
            out.uncertainty_pct = pct
        if f.type == "quantity":
            out.value, out.unit = self.quantity(f, v, unit_text), f.unit
        else:
            if unit_text not in (None, ""):
                raise TypeProblem("no_unit", unit=str(unit_text))
            out.value = self.scalar(f, v, raw.raw_text if not isinstance(raw.value, dict) else None)
        return out

    def quantity(self, f: Field, value: Any, unit_text: Any) -> float:
        dimension = self.standard.dimension_of(f) or ""
        typed = _QTY_TEXT.match(value) if isinstance(value, str) and unit_text not in (None, "") else None
        if typed and typed.group(2) and (typed.group(2)[0].isalpha() or typed.group(2)[0] in "%°"):
            # "12 MWh" with a unit beside it: which one is meant is for the reporter to say (issue 14)
            raise TypeProblem(
                "conflict",
                code=codes.UNIT_NOT_ACCEPTED,
                typed_unit=typed.group(2),
                unit=str(unit_text),
                canonical=f.unit,
            )
        if isinstance(value, str) and unit_text in (None, ""):
            m = _QTY_TEXT.match(value)
            if not m:
                raise TypeProblem("not_number")
            number_text, unit_text = m.group(1), m.group(2) or None
            if unit_text and not (unit_text[0].isalpha() or unit_text[0] in "%°"):
                raise TypeProblem("not_number")  # 1:20, 12/5, 3-4: not a number with a unit
            number = self.number(number_text)
        else:
            number = self.number(value)
        if unit_text in (None, ""):
            return number
        try:
            return self.units.to_canonical(number, str(unit_text), dimension, f.unit)
        except UnitError:
            raise TypeProblem(
                "unit",
                code=codes.UNIT_NOT_ACCEPTED,
                unit=str(unit_text),
                dimension=dimension,
                allowed=", ".join(self.standard.dimensions[dimension].units),
                canonical=f.unit,
            ) from None


def parse_all(
    raw: RawInput, standard: Standard, findings: Findings, parser: ValueParser | None = None
) -> Parsed:
    """Type every entry; report E-FIELD, E-TYPE and E-UNIT; keep rejected values aside."""
    parser = parser or ValueParser(standard)
    out = Parsed()
    ids = list(standard.fields)
    for unk in raw.unknown:  # E-FIELD names the unknown id itself as its field
        if not findings.room(codes.UNKNOWN_FIELD):  # counted, not listed: skip the costly suggestion
            findings.add(codes.UNKNOWN_FIELD, unk.field, unk.location)
            continue
        if unk.is_group:
            example = next(f for f in ids if f.startswith(unk.field + "."))
            findings.add(codes.UNKNOWN_FIELD, unk.field, unk.location, variant="group", example=example)
            continue
        nearest = difflib.get_close_matches(unk.field, ids, n=1, cutoff=0.6)
        if not nearest:  # a wrong group with a right key: `traning.energy` → training.energy
            tail = unk.field.split(".")[-1]
            cands = [f for f in ids if f.endswith("." + tail)]
            nearest = difflib.get_close_matches(unk.field, cands, n=1, cutoff=0.3)
        findings.add(
            codes.UNKNOWN_FIELD,
            unk.field,
            unk.location,
            variant="did_you_mean" if nearest else "no_match",
            nearest=nearest[0] if nearest else "",
            # the value meant for the field it resembles is lost, unless that field is given too
            loses=nearest[0] if nearest and nearest[0] not in raw.entries else None,
        )
    for dup in raw.duplicates:
        findings.add(
            codes.WRONG_TYPE,
            dup.field if dup.field in standard.fields else None,
            dup.location,
            variant="duplicate",
            path=dup.field,
        )
    for fid, entry in raw.entries.items():
        f = standard.fields[fid]
        try:
            value = parser.entry(f, entry)
        except TypeProblem as exc:
            out.rejected[fid] = entry.value
            given = entry.value
            if isinstance(given, dict) and "value" in given:
                given = given["value"]  # the value itself (a workbook's Value cell), not the mapping
            params = {"value": _show(given), **exc.params}
            findings.add(
                exc.code,
                fid,
                _problem_cell(raw, entry, exc.variant),
                variant=exc.variant
                if exc.code != codes.UNIT_NOT_ACCEPTED or exc.variant == "conflict"
                else None,
                loses=fid,
                **params,
            )
            continue
        if value is not None:
            out.values[fid] = value
    return out


# The column a problem is in, when it is not the Value: a workbook finding names that cell (issue 14)
PROBLEM_COLUMN = {
    "method": "method",
    "uncertainty": "uncertainty",
    "withheld_reason": "withheld",
    "unit": "unit",
    "no_unit": "unit",
}


def _problem_cell(raw: RawInput, entry: RawEntry, variant: str) -> Location:
    """Where a rejected workbook value's problem is: the Unit cell of a unit the Unit column gave, the
    Method cell of a wrong method, and so on; the entry's own place otherwise."""
    column = PROBLEM_COLUMN.get(variant)
    if variant == "unit" and not (isinstance(entry.value, dict) and entry.value.get("unit")):
        column = None  # a unit typed in the Value cell ("433 bananas")
    cell = (raw.meta.get("cells") or {}).get(entry.field, {}).get(column or "")
    if raw.kind != "xlsx" or not cell:
        return entry.location
    return Location(file=entry.location.file, cell=cell, path=entry.location.path)
