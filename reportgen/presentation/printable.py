"""What the PDF can print: every string of the report's view made safe for the bundled fonts and for layout.

Why (issue 10, defects 2 and 8): a character that no font has is drawn by WeasyPrint as an empty `.notdef`
box, which PDF/A forbids. The report uses only the fonts of templates/fonts (pdf.py points fontconfig at
templates/fonts/fonts.conf, so the host's fonts never stand in and the same input gives the same PDF
everywhere); what those fonts lack is known here, from their cmaps, before anything is drawn. And a long
run of text without a break opportunity makes WeasyPrint lay out the rest of the run for every line:
100,000 characters took 6 minutes.

So the PDF renderer passes every string of build_view() through `Printer` (`printable_view`), which
- prints each character the bundled fonts cannot show as its code point, `⟨U+1F642⟩`, and so also every
  private-use, control, surrogate or unassigned character (DejaVu's own private-use glyphs mean nothing to
  the writer), and records where, so that the report and the command say so before anything is drawn;
- prints explicit bidi controls (U+202E and its kin) as code points too: they would reorder what is drawn
  while the text read back stays in order, so the page could show other figures than the ones verified;
- drops variation selectors (they only choose between text and emoji presentation) and turns line and
  paragraph separators and control whitespace into spaces, as HTML does with newlines;
- cuts a text after MAX_CHARS characters (an id after MAX_ID_CHARS), saying how many were left out: the
  attached disclosure.json keeps every text in full;
- offers an invisible break (U+200B, drawn as nothing and not extracted) every BREAK_EVERY characters of a
  run longer than LONG_RUN, so that WeasyPrint finds the next line's break in a short prefix.
A character of any bundled font counts as printable in every style: with only these fonts known, Pango
takes a glyph missing from the mono or bold face from another bundled face.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from reportgen.presentation import fmt
from reportgen.resources import t, templates_dir
from reportgen.workbook.xml_text import ILLEGAL_XML

MAX_CHARS = 2000  # characters of one text printed (half a page in a table cell; samples: <300)
MAX_ID_CHARS = 120  # characters of an id printed (the longest id of the standard has 39)
MAX_TITLE_CHARS = 100  # characters of the title, repeated in every page header
LONG_RUN = 40  # a run of this many characters without a space gets break opportunities...
BREAK_EVERY = 12  # ...every this many characters
ZWSP = "\u200b"
UNSAFE_CATEGORIES = {"Cc", "Co", "Cs", "Cn"}
DROPPED = {chr(c) for c in range(0xFE00, 0xFE10)} | {chr(c) for c in range(0xE0100, 0xE01F0)}
# Explicit bidi controls (embeddings, overrides, isolates, marks) reorder what is drawn without changing
# the text that is read back: "‮0.5 t" would show as "t 5.0". Printed as their code points instead.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
AS_SPACE = {"\u2028", "\u2029", "\t", "\n", "\r", "\f", "\v"}
# Keys of view rows that are tokens for markup or lookup (ids, codes, classes), not prose to lay out.
ID_KEYS = {"id", "field", "code"}
TOKEN_KEYS = {"origin", "severity", "lang", "created"}
LIMITS = {"running_title": MAX_TITLE_CHARS}
_RUN = re.compile(rf"[^\s\u200b]{{{LONG_RUN + 1},}}")


@functools.lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Code points some bundled font maps to a glyph, read once from their cmaps with fontTools."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in sorted((templates_dir() / "fonts").glob("*.ttf")):
        font = TTFont(str(path), lazy=True)
        try:
            covered.update(font["cmap"].getBestCmap())
        finally:
            font.close()
    return frozenset(covered)


def showable(ch: str) -> bool:
    """True when the bundled fonts draw `ch` with a glyph of its own that means what the writer meant."""
    return unicodedata.category(ch) not in UNSAFE_CATEGORIES and ord(ch) in coverage()


def marker(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


@dataclass
class Printer:
    """Makes strings printable and remembers what it changed, by field id (None: text of no field)."""

    lang: str
    replaced: dict[str | None, list[str]] = field(default_factory=dict)
    clipped: dict[str | None, int] = field(default_factory=dict)

    def text(self, text: str, where: str | None, limit: int = MAX_CHARS, breaks: bool = True) -> str:
        if not (text.isascii() and text.isprintable()):
            text = self._glyphs(text, where)
        if len(text) > limit:
            left_out = len(text) - limit
            self.clipped[where] = self.clipped.get(where, 0) + left_out
            text = (
                text[:limit].rstrip()
                + " "
                + t("rpt_clip_marker", self.lang).format(n=fmt.number(left_out, self.lang))
            )
        if breaks and len(text) > LONG_RUN:
            text = _RUN.sub(_add_breaks, text)
        return text

    def _glyphs(self, text: str, where: str | None) -> str:
        out = []
        for ch in text:
            if ch in AS_SPACE:
                out.append(" ")
            elif ch in DROPPED:
                continue
            elif showable(ch) and ch not in BIDI_CONTROLS:
                out.append(ch)
            else:
                seen = self.replaced.setdefault(where, [])
                code = f"U+{ord(ch):04X}"
                if code not in seen:
                    seen.append(code)
                out.append(marker(ch) + ZWSP)  # a line may break after a marker, not inside one
        return "".join(out)

    def walk(self, node: Any, where: str | None = None, key: str | None = None) -> Any:
        """A copy of a view tree with every string printable; rows carrying a field id set `where`."""
        if isinstance(node, str):
            if key in TOKEN_KEYS:
                return node
            if key in ID_KEYS:
                return self.text(node, where, MAX_ID_CHARS, breaks=False)
            return self.text(node, where, LIMITS.get(key or "", MAX_CHARS))
        if isinstance(node, dict):
            here = next((node[k] for k in ("field", "id") if isinstance(node.get(k), str) and node[k]), where)
            return {k: self.walk(v, here, k) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [self.walk(v, where, key) for v in node]
        return node

    def notes(self) -> list[str]:
        """What was changed, in the report language: one sentence per kind of change (none: [])."""
        out = []
        # Text of no field (the title, the facts on page 1) repeats field values: name it only for what
        # no field accounts for.
        named = {c for w, codes in self.replaced.items() if w is not None for c in codes}
        rest = [c for c in self.replaced.pop(None, []) if c not in named]
        if rest:
            self.replaced[None] = rest
        if len(self.clipped) > 1:
            self.clipped.pop(None, None)
        if self.replaced:
            places = _places({w: ", ".join(codes) for w, codes in self.replaced.items()}, self.lang)
            example = f"⟨{next(iter(self.replaced.values()))[0]}⟩"
            out.append(t("rpt_unprintable", self.lang).format(example=example, places=places))
        if self.clipped:
            places = _places({w: fmt.number(n, self.lang) for w, n in self.clipped.items()}, self.lang)
            out.append(
                t("rpt_clipped", self.lang).format(max=fmt.number(MAX_CHARS, self.lang), places=places)
            )
        return out


def _add_breaks(m: re.Match[str]) -> str:
    """A break opportunity every BREAK_EVERY characters, never before a combining mark or a joiner (a mark
    cut from its letter would be drawn on a dotted circle)."""
    out: list[str] = []
    count = 0
    for ch in m.group(0):
        if count >= BREAK_EVERY and ch != "\u200d" and not unicodedata.category(ch).startswith("M"):
            out.append(ZWSP)
            count = 0
        out.append(ch)
        count += 1
    return "".join(out)


def _places(by_where: dict[str | None, str], lang: str) -> str:
    """`field.id (detail); other text (detail)`, field ids first, at most ten of them."""
    named = [(_plain(w), d) for w, d in by_where.items() if w is not None]
    parts = [f"{w} ({d})" for w, d in named[:10]]
    if len(named) > 10:
        parts.append(t("rpt_and_more", lang).format(n=len(named) - 10))
    if None in by_where:
        parts.append(f"{t('rpt_other_text', lang)} ({by_where[None]})")
    return "; ".join(parts)


def _plain(text: str) -> str:
    """A field id as the notes name it: printable, short, no break opportunities (it may be user text)."""
    text = "".join(ch if showable(ch) else marker(ch) for ch in text)
    return text if len(text) <= MAX_ID_CHARS else text[:MAX_ID_CHARS] + "…"


def printable_view(view: dict[str, Any], lang: str) -> dict[str, Any]:
    """`view` with every printed string made printable, plus `printing`: the notes saying what changed.

    `meta.document` (the PDF's metadata: title, author, subject, keywords) needs no glyphs: it keeps every
    character XML allows, so that a reader's search finds the name as written.
    """
    printer = Printer(lang)
    document = view["meta"].pop("document", {})
    out = printer.walk(view)
    out["meta"]["document"] = {k: _metadata(v) for k, v in document.items()}
    out["printing"] = printer.notes()
    return out


def _metadata(value: Any) -> Any:
    """Metadata text: cut to MAX_CHARS, and XML-legal for the XMP packet (PDF/A), what XML forbids as
    ⟨U+XXXX⟩ (the rule of the workbook writers, workbook/xml_text.ILLEGAL_XML)."""
    if isinstance(value, list):
        return [_metadata(v) for v in value]
    if not isinstance(value, str):
        return value
    return ILLEGAL_XML.sub(lambda m: marker(m.group()), value[:MAX_CHARS])
