"""Interoperability with the tools and forms others use: CodeCarbon, Hugging Face model cards, the EU AI Act.

Importers turn a foreign file into a *fragment*: a partial disclosure tree whose paths are field ids of the
standard (SPEC 4.1) and whose quantities are mappings {value, unit, method, source} (4.2). Which fields a
phase has is read from the standard (`std.fields`), never from a list written here, so a phase without,
say, `location_country` simply does not receive one, and the importer says so in its notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import InputError
from reportgen.inputs.tree import read_bytes
from reportgen.standard import Standard

MAX_BYTES = 20 * 1024 * 1024  # a CodeCarbon file of a long campaign is a few MiB at most


@dataclass
class Fragment:
    """What an importer produced: values by field id (insertion order kept), and notes for the user."""

    tool: str  # "codecarbon", "hf-model-card"
    source_file: str
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def put(self, std: Standard, fid: str, value: Any, what: str) -> bool:
        """Set `fid` when the standard defines it; otherwise record that `what` was not imported."""
        if fid in std.fields:
            self.values[fid] = value
            return True
        phase = fid.split(".", 1)[0]
        self.notes.append(f"{what} not imported: the standard has no field {fid} for the phase '{phase}'.")
        return False


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """{'training.energy': x} → {'training': {'energy': x}}."""
    out: dict[str, Any] = {}
    for fid, value in values.items():
        node = out
        *parents, leaf = fid.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return out


def quantity(value: float, unit: str, method: str, source: str) -> dict[str, Any]:
    """The mapping form of a quantity (SPEC 4.2), value rounded to 6 significant digits for readability."""
    return {"value": round_sig(value, 6), "unit": unit, "method": method, "source": source}


def round_sig(x: float, digits: int) -> float | int:
    """Round to `digits` significant digits; integral results come back as int (no trailing '.0')."""
    if x == 0 or not math.isfinite(x):
        return x
    r = float(f"{x:.{digits}g}")
    return int(r) if r.is_integer() and abs(r) < 2**53 else r


_FRENCH_NUMBER = str.maketrans({",": "\u202f", ".": ","})  # grouping, decimal mark


def sig_text(x: float, digits: int = 3, lang: str = "en") -> str:
    """A number to `digits` significant figures for a form, trailing zeros kept: 8.60 × 10^22, 80.9, 1,230
    (in French 8,60 × 10^22, 80,9, 1 230)."""
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    if exp >= 6 or exp < -3:
        mantissa = x / 10**exp
        if round(abs(mantissa), digits - 1) >= 10:  # 9.996e22 rounds to 10.0: carry into the exponent
            mantissa, exp = mantissa / 10, exp + 1
        text = f"{mantissa:.{digits - 1}f} × 10^{exp}"
    else:
        decimals = max(0, digits - 1 - exp)
        text = f"{round(x, digits - 1 - exp):,.{decimals}f}"
    return text.translate(_FRENCH_NUMBER) if lang == "fr" else text


def read_text(path: Path, what: str, fix: str) -> str:
    """Read a small UTF-8 text file, turning every problem into an InputError that names the fix."""
    p = Path(path)
    raw = read_bytes(p, MAX_BYTES, what=what, fix=fix)
    if not raw.strip():
        raise InputError(f"{p} is empty; {what} was expected. {fix}")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{p} holds binary data, not {what}. {fix}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p} is not UTF-8 text (byte {exc.start}), so it is not {what}. {fix}") from None


def country_alpha2(text: str, *, names: bool) -> str | None:
    """ISO 3166-1 alpha-2 for an alpha-2 or alpha-3 code, or (when `names`) an exact country name.

    Only exact matches count (pycountry `lookup` is exact on codes and names, case-insensitive): 'Quebec,
    Canada' or 'europe-north1' are regions, not countries, and return None.
    """
    import pycountry  # loaded only by the commands that need it

    s = text.strip()
    if not s:
        return None
    if len(s) == 2:
        c = pycountry.countries.get(alpha_2=s.upper())
        return c.alpha_2 if c else None
    if len(s) == 3:
        c = pycountry.countries.get(alpha_3=s.upper())
        if c:
            return c.alpha_2
    if not names:
        return None
    try:
        return pycountry.countries.lookup(s).alpha_2
    except LookupError:
        return None


def country_name(alpha2: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2)
    return getattr(c, "common_name", None) or (c.name if c else alpha2)


def short_list(items: list[str], keep: int = 3) -> str:
    """'a, b, c and 4 more': run ids can number in the hundreds."""
    if len(items) <= keep:
        return ", ".join(items)
    return ", ".join(items[:keep]) + f" and {len(items) - keep} more"


def dump_yaml(tree: dict[str, Any], header: list[str]) -> str:
    """A YAML document with a comment header (one `# ` line per entry)."""
    body = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
    head = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return head + body
