"""Reading a PDF report for `reportgen verify`: its `disclosure.json` and the text a reader sees.

Two things pypdf does not do for us:
- a report could carry several files named `disclosure.json` (in the name tree a viewer lists, or only
  in the PDF/A associated files): when they differ, which one the reader trusts is unknowable, so the
  report cannot be verified;
- WeasyPrint writes a font whose /Encoding is an embedded CMap (2-byte codes, mapping characters the font
  lacks to .notdef) as soon as a text holds such a character (emoji, U+F0B7, private-use, control).
  pypdf decodes those fonts one byte per code, which interleaves NULs and garbles every character above
  U+00FF; read as Identity-H, the font's own ToUnicode map (keyed by the same 2-byte codes) gives the
  exact text.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.proof.payload import ATTACHMENT_NAME as ATTACHMENT

# A report reportgen writes is well under 1 MB and 40 pages; a file far beyond either is not one of its
# reports, and reading it whole (or extracting the text of thousands of pages) is how a hostile file
# would make `verify` slow.
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
# Page content, decompressed: the samples' reports hold 0.28-0.49 MB over 8-14 pages (65 KB at most on
# one), which pypdf reads in 0.6 s; hostile content costs about 3 s per MB and more than linearly on one
# huge page (9 MB: over 2 minutes). Four times what reportgen writes, so that verify stays under 10 s.
MAX_PAGE_CONTENT = 256 * 1024
MAX_CONTENT = 2 * 1024 * 1024

_TWO_BYTE_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def open_pdf(path: Path) -> tuple[Any, bytes]:
    """The PDF (a pypdf reader) and the bytes of the one `disclosure.json` it carries."""
    import io

    from pypdf import PdfReader

    from reportgen.inputs.tree import read_bytes

    data = read_bytes(path, MAX_PDF_BYTES, what="a PDF report", fix="")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files: one clear message, not a log
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
        blobs = _attachments(reader)
    except Exception as exc:  # pypdf raises many types on damaged files; all mean "unreadable"
        raise _unreadable(path, exc) from None
    if pages > MAX_PAGES:
        raise InputError(
            f"{path} has {pages:,} pages; a report made by reportgen has far fewer (at most "
            f"{MAX_PAGES}), so this is not one and is not read further."
        )
    if not blobs:
        raise InputError(
            f"{path} is a PDF without the {ATTACHMENT} attachment that reportgen embeds; "
            "it was not made by `reportgen render` (or was re-saved by a tool that dropped "
            "attachments), so it cannot be verified."
        )
    if len(set(blobs)) > 1:
        raise InputError(
            f"{path} carries {len(set(blobs))} different {ATTACHMENT} attachments; a report "
            "made by reportgen carries one, so it is unknowable which data this report stands "
            "for. The file was altered after it was made: ask its publisher for the original."
        )
    return reader, blobs[0]


def page_text(reader: Any, path: Path) -> str:
    """The text of every page, as a reader of the report sees it."""
    try:
        total = 0
        for number, page in enumerate(reader.pages, 1):
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
            total += size
            if size > MAX_PAGE_CONTENT or total > MAX_CONTENT:
                raise InputError(
                    f"{path}: page {number} holds {size / 1e6:.1f} MB of drawing instructions "
                    f"({total / 1e6:.1f} MB up to it); a report made by reportgen holds at most "
                    "about 100 KB per page, so this is not one and is not read further."
                )
            _read_cmaps_as_identity(page)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files; all mean "unreadable"
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(f"{path} cannot be read as a PDF ({type(exc).__name__}: {str(exc)[:160]}).")


def _attachments(reader: Any) -> list[bytes]:
    """Every embedded file named disclosure.json: the name tree (pypdf) and the catalog's /AF list."""
    blobs = list(reader.attachments.get(ATTACHMENT) or [])
    for spec in reader.trailer["/Root"].get("/AF") or []:
        spec = spec.get_object()
        if not hasattr(spec, "get") or ATTACHMENT not in (spec.get("/UF"), spec.get("/F")):
            continue
        stream = (spec.get("/EF") or {}).get("/F")
        if stream is not None:
            blobs.append(stream.get_object().get_data())
    return blobs


def _read_cmaps_as_identity(page: Any) -> None:
    """In memory only: read each Type0 font with an embedded 2-byte encoding CMap as Identity-H."""
    from pypdf.generic import NameObject, StreamObject

    seen: set[int] = set()
    todo = [page.get("/Resources")]
    while todo:
        ref = todo.pop()
        res = ref.get_object() if ref is not None else None
        if res is None or not hasattr(res, "get") or id(res) in seen or len(seen) > 1000:
            continue
        seen.add(id(res))
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            enc = font.get("/Encoding")
            enc = enc.get_object() if enc is not None else None
            if font.get("/Subtype") == "/Type0" and isinstance(enc, StreamObject) and _two_byte(enc):
                font[NameObject("/Encoding")] = NameObject("/Identity-H")
        for xobject in (res.get("/XObject") or {}).values():  # forms have resources of their own
            todo.append(xobject.get_object().get("/Resources"))


def _two_byte(cmap: Any) -> bool:
    """True when every code space range of the CMap is 2 bytes (`<0000> <ffff>`)."""
    data = cmap.get_data()
    spaces = re.findall(rb"begincodespacerange(.*?)endcodespacerange", data, re.S)
    ranges = [r for block in spaces for r in _TWO_BYTE_RANGE.findall(block)]
    return bool(ranges) and all(len(lo) == 4 and len(hi) == 4 for lo, hi in ranges)
