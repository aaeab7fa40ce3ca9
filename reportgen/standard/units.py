"""Units and numbers: one lean pint registry built from the edition's `units.txt`, and a number reader.

Only the spellings that clause 1.3 accepts for a dimension pass; everything else is E-UNIT. Numbers
typed as text are read in English or French notation, and refused when the notation is ambiguous
("1,287" could be 1287 or 1.287): a misread figure is worse than a flagged one.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pint

from reportgen.standard import Standard


class NumberError(ValueError):
    """`kind` is the E-TYPE variant: not_number or ambiguous_number."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class UnitError(ValueError):
    """A unit that is unknown, or not accepted for the field's dimension."""


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009_']")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_EN = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def parse_number(text: str) -> float:
    """Read '1287.5', '1,287.5', '1 287,5', '1.287,5', '1e6'; refuse '1,287' (ambiguous)."""
    s = text.strip().replace("\u2212", "-")
    if not s:
        raise NumberError("not_number")
    grouped_by_space = bool(re.search(r"\d[\s\u00a0\u202f\u2009_']\d", s))
    s = _SPACES.sub("", s)
    if _NUMBER.match(s):
        return float(s)
    if _GROUPED_EN.match(s):
        if "." not in s and not grouped_by_space and s.count(",") == 1:
            raise NumberError("ambiguous_number")  # 1,287: thousands or decimal comma?
        return float(s.replace(",", ""))
    if _GROUPED_DOT.match(s) and "," in s:
        return float(s.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA.match(s):
        return float(s.replace(",", "."))
    raise NumberError("not_number")


_UNIT_SUBS = [
    ("₂", "2"),
    ("³", "3"),
    ("²", "2"),
    ("µ", "u"),
    ("^3", "3"),
    ("**3", "3"),
    ("CO2-eq", "CO2e"),
    ("CO2eq", "CO2e"),
    ("Sb-eq", "Sbeq"),
    ("Sbeq.", "Sbeq"),
    ("Sb_eq", "Sbeq"),
    ("per", "/"),
]


def normalize_unit(text: str) -> str:
    """'kg CO₂e' → 'kgCO2e', 'm³' → 'm3', 'g CO2e / kWh' → 'gCO2e/kWh'. Case is kept: mWh ≠ MWh."""
    s = text.strip()
    for a, b in _UNIT_SUBS:
        s = s.replace(a, b)
    return re.sub(r"\s+", "", s)


@functools.lru_cache(maxsize=4)
def _registry(units_file: Path) -> pint.UnitRegistry:
    ureg: pint.UnitRegistry = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    ureg.load_definitions(str(units_file))
    return ureg


class Units:
    """Converts accepted units of a dimension to the canonical unit of clause 1.3."""

    def __init__(self, standard: Standard) -> None:
        self.standard = standard
        self.ureg = _registry(standard.units_file)
        self._accepted: dict[str, dict[pint.Unit, str]] = {}

    def accepted(self, dimension: str) -> dict[pint.Unit, str]:
        if dimension not in self._accepted:
            spellings = self.standard.dimensions[dimension].units
            self._accepted[dimension] = {self.ureg.parse_units(u): u for u in spellings}
        return self._accepted[dimension]

    def to_canonical(self, value: float, unit_text: str, dimension: str, target: str | None = None) -> float:
        """Convert `value unit_text` to the dimension's canonical unit (or to `target`, a field's own
        canonical unit such as the Wh of A6), or raise UnitError."""
        canonical = target or self.standard.dimensions[dimension].canonical
        text = normalize_unit(unit_text)
        try:
            unit = self.ureg.parse_units(text)
        except Exception as exc:  # pint raises several unrelated types for bad strings
            raise UnitError(unit_text) from exc
        if unit not in self.accepted(dimension):
            raise UnitError(unit_text)
        if text == canonical:
            return value
        return float(self.ureg.Quantity(value, unit).to(canonical).magnitude)

    def convert(self, value: float, unit_from: str, unit_to: str) -> float:
        """Between two known units (used for display units such as MWh, tCO2e, m3)."""
        if unit_from == unit_to:
            return value
        return float(self.ureg.Quantity(value, unit_from).to(unit_to).magnitude)
