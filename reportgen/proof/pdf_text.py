"""Reading a PDF report for `reportgen verify`: its `disclosure.json` and the text a reader sees.

pypdf reads the file's structure (attachments, pages, the size of each page's drawing instructions, checked
before any text is read); PDFium (pypdfium2, Chromium's PDF engine) extracts the text, some 35 times faster
than pypdf's extractor (0.03 s against 1.2 s for the 13 pages of the acme report): verify and the test
suite read many reports. Both give the same text once whitespace is set aside (printed.py compares that
way): checked on every sample in English and French and on the golden reports of earlier versions. PDFium
also reads the 2-byte CMap fonts WeasyPrint writes for characters its fonts lack, which pypdf garbled.

One thing pypdf does not do for us: a report could carry several files named `disclosure.json` (in the name
tree a viewer lists, or only in the PDF/A associated files): when they differ, which one the reader trusts
is unknowable, so the report cannot be verified.
"""

from __future__ import annotations

import logging
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


def open_pdf(path: Path) -> tuple[Any, bytes]:
    """The PDF (a pypdf reader) and the bytes of the one `disclosure.json` it carries."""
    import io

    from pypdf import PdfReader

    from reportgen.inputs.tree import read_bytes

    data = read_bytes(path, MAX_PDF_BYTES, what="a PDF report", fix="")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files: one clear message, not a log
    try:
        # strict: a file whose cross-reference table is damaged is refused at once. Leniently, pypdf
        # rebuilds it by parsing the whole file: 2.5-5 s of CPU (7.7 s seen) for a few flipped bits in
        # the acme report, for a file that cannot be verified anyway. reportgen's reports, earlier
        # versions' included, read strictly.
        reader = PdfReader(io.BytesIO(data), strict=True)
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
        return _text(reader.stream.getvalue())
    except InputError:
        raise
    except Exception as exc:  # pypdf and PDFium raise many types on damaged files; all mean "unreadable"
        raise _unreadable(path, exc) from None


def _text(data: bytes) -> str:
    return "\n".join(page_texts(data))


def page_texts(data: bytes) -> list[str]:
    """The text of each page, by PDFium. It writes a hyphen that ends a line as U+FFFE (a break it could
    have made); reportgen never hyphenates (report.css), so such a hyphen is the text's own."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\ufffe", "-"))
            textpage.close()
            page.close()
        return pages
    finally:
        doc.close()


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"{path} cannot be read as a PDF: its structure is damaged ({type(exc).__name__}: "
        f"{str(exc)[:160]}). A report reportgen writes reads without repair: ask its publisher for the "
        "original file."
    )


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
