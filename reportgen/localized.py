"""Numbers, dates and texts in a language (Babel): what the evaluation's messages and every output share.

Below the evaluation in the flow (standard → inputs → evaluation → presentation): findings are worded in
the report's language with these, and the presentation (presentation/fmt.py) builds on them. Formatting is
for display only: nothing formatted is ever parsed back for arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections.abc import Mapping
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"en": "en_GB", "fr": "fr_FR"}
PRETTY_UNITS = {
    "kgCO2e": "kgCO₂e",
    "tCO2e": "tCO₂e",
    "gCO2e": "gCO₂e",
    "ktCO2e": "ktCO₂e",
    "m3": "m³",
    "gCO2e/kWh": "gCO₂e/kWh",
    "kgSbeq": "kg Sb eq",
    "mgSbeq": "mg Sb eq",
    "gSbeq": "g Sb eq",
}


def pretty_unit(unit: str | None) -> str:
    return PRETTY_UNITS.get(unit or "", unit or "")


def number(value: float | int | None, lang: str = "en", sig: int = 4) -> str:
    """Readable number: integers grouped, others to `sig` significant digits (never scientific)."""
    if value is None:
        return "—"
    locale = LOCALES.get(lang, "en_GB")
    if isinstance(value, bool):
        return str(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "—"
    if abs(value) >= 1e15:  # beyond what grouping keeps readable (and what Babel's Decimal context holds)
        return scientific(value, lang)
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 10**sig):
        return format_decimal(round(value), locale=locale)
    if value == 0:
        return "0"
    digits = max(0, sig - 1 - int(math.floor(math.log10(abs(value)))))
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale=locale)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def scientific(value: float, lang: str = "en", sig: int = 6) -> str:
    """m × 10ⁿ with the mantissa to `sig` significant digits (trailing zeros dropped): 8.6 × 10²²."""
    exp = int(math.floor(math.log10(abs(value))))
    mantissa = round(value / 10**exp, sig - 1)
    if abs(mantissa) >= 10:  # 9.9999996 rounds up to 10
        mantissa, exp = mantissa / 10, exp + 1
    return f"{number(mantissa, lang, sig)} × 10{str(exp).translate(_SUPERSCRIPT)}"


def percent(share: float | None, lang: str = "en", decimals: int = 1) -> str:
    if share is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
    text = format_percent(share, format=pattern, locale=LOCALES.get(lang, "en_GB"))
    return text.replace(" %", "\u00a0%") if lang == "fr" else text.replace(" %", "%").replace("\u00a0%", "%")


def quantity(value: float | None, unit: str | None, lang: str = "en", sig: int = 4) -> str:
    if value is None:
        return "—"
    return f"{number(value, lang, sig)} {pretty_unit(unit)}".strip()


def long_date(value: dt.date, lang: str = "en") -> str:
    """A date written out: 1 July 2025, 1er juillet 2025 (French writes the first of the month as an
    ordinal), 15 septembre 2026."""
    text = format_date(value, format="long", locale=LOCALES.get(lang, "en_GB"))
    if lang == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


def language_name(lang: str) -> str:
    """A language named in itself, as a report names the language it is written in: English, Français."""
    name = Locale.parse(LOCALES.get(lang, lang)).get_language_name(lang) or lang
    return name[:1].upper() + name[1:]


_ELIDED = {"de": "d'", "que": "qu'", "le": "l'", "la": "l'"}
_BEFORE = re.compile(r"(?:^|(?<=[\s(«“]))(de|que|le|la) $", re.IGNORECASE)
_VOWEL = re.compile(r"[aeiouyàâäéèêëîïôöùûüœæ]", re.IGNORECASE)
_FORMATTER = string.Formatter()


def fill(template: str, values: Mapping[str, Any], lang: str = "en") -> str:
    """`template.format_map(values)`, with French elision where a value follows "de", "que", "le" or "la":
    « d'Acme », « qu'Inference », not « de Acme ». The template is data (standard, UI strings), so the rule
    is applied where the value is known, never by rewriting the text around it."""
    if lang != "fr":
        return _FORMATTER.vformat(template, (), values)
    out: list[str] = []
    for literal, name, spec, conv in _FORMATTER.parse(template):
        if name is None:
            out.append(literal)
            continue
        value = _FORMATTER.convert_field(_FORMATTER.get_field(name, (), values)[0], conv)
        text = _FORMATTER.format_field(value, spec or "")
        m = _BEFORE.search(literal)
        if m and _VOWEL.match(text):
            word = m.group(1)
            elided = _ELIDED[word.lower()]
            literal = literal[: m.start()] + (elided.capitalize() if word[0].isupper() else elided)
        out.append(literal + text)
    return "".join(out)
