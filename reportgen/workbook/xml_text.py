"""Text a workbook can hold, for both workbooks reportgen writes (the fill-in template and the Excel
disclosure).

An .xlsx is XML 1.0, which forbids the C0 controls other than tab, LF and CR, lone UTF-16 surrogates and
U+FFFE/U+FFFF. One such character anywhere makes the whole file not well-formed: Excel, LibreOffice and
openpyxl refuse it. They reach reportgen through any text field of a JSON disclosure (`"\\uffff"`,
`"\\u0001"`), a YAML escape, or a file name that is not UTF-8. `TextGuard` is where every cell text of
both writers passes: it writes what cannot be held as U+FFFD (shown as �), remembers the cell, and
`warn` tells the user which cells changed and in which input to correct them. The embedded JSON is
escaped instead (`json_legal`), losslessly, so that the report still verifies.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from reportgen.terminal import visible

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
MAX_CELL = 32_767  # characters per cell (Excel)
SHOWN_PLACES = 6


def warn(message: str) -> None:
    """A warning line on stderr; control characters and lone surrogates in names are shown escaped."""
    print(visible(f"reportgen: warning: {message}"), file=sys.stderr)


def json_legal(text: str) -> str:
    """JSON text with every character XML cannot hold written as a \\u escape (they only occur in strings,
    where the escape means the same character): the parsed value is unchanged."""
    return ILLEGAL_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class TextGuard:
    """Writes text into cells, XML-legal; collects where characters had to be replaced."""

    def __init__(self) -> None:
        self.places: list[str] = []
        self.chars: set[str] = set()

    def text(self, value: Any, where: str) -> str:
        """`value` as text a workbook can hold; `where` names it in the warning (`Sheet!B4`)."""
        text = str(value)
        found = ILLEGAL_XML.findall(text)
        if not found:
            return text
        self.chars.update(found)
        self.places.append(where)
        return ILLEGAL_XML.sub(REPLACEMENT, text)

    def put(self, cell: Any, value: Any) -> Any:
        """Write `value` as a text cell (never a formula, whatever its first character)."""
        cell.value = self.text(value, f"{cell.parent.title}!{cell.coordinate}")[:MAX_CELL]
        cell.data_type = "s"
        return cell

    def warn(self, path: Path, source: str | None) -> None:
        """One warning on stderr when anything was replaced: which characters, where, what to correct."""
        if not self.places:
            return
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(self.chars))
        shown = ", ".join(self.places[:SHOWN_PLACES])
        more = f" and {len(self.places) - SHOWN_PLACES} more" if len(self.places) > SHOWN_PLACES else ""
        warn(
            f"{path}: characters that a workbook cannot hold ({codes}) were written as “{REPLACEMENT}” in "
            f"{shown}{more}. Correct them in {source or 'the input'} or its name (control characters or "
            "non-characters, invisible in most editors)."
        )
