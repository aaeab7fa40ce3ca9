"""The WeasyPrint side of every PDF reportgen writes: HTML of templates/ in, PDF/A-3a bytes out.

Kept apart from pdf.py (which fills the template from an Evaluation) so that a process that only lays out
PDFs imports WeasyPrint and nothing of the evaluation: `render` starts such a worker first thing, and it
loads WeasyPrint (about half a second) while the command reads and evaluates the disclosure on the
other core (commands/render.py). Nothing here depends on the caller's process: the same HTML, date and
data give the same bytes in this process or in a worker.

WeasyPrint may fetch nothing but files under templates/ (fonts, CSS), and every glyph comes from the
fonts of templates/fonts, never the host's (fontconfig is pointed at templates/fonts/fonts.conf while
rendering). The date stamped in the file is the job's, never the clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import mimetypes
import os
import threading
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher

from reportgen.errors import OutputError
from reportgen.resources import templates_dir

# Level A of PDF/A-3 (ISO 19005-3): WeasyPrint 70 writes the structure tree for it (pdf_tags), and the
# XMP says pdfaid:part 3, conformance A. The README names this variant; tests hold both to it.
PDF_VARIANT = "pdf/a-3a"

Notify = Callable[[str], None]
# The environment (dates, fontconfig file) and WeasyPrint's logger are per process: one render at a time.
_RENDER_LOCK = threading.Lock()


def lay_out(
    html: str, stamp: dt.datetime, attached: str, name: str, description: str
) -> tuple[bytes, list[str]]:
    """The PDF bytes of a job's HTML (pdf.PdfJob) and the notes WeasyPrint itself gave (an empty box
    drawn: a bug), collected rather than printed, so that a worker process can return them."""
    said: list[str] = []
    return html_to_pdf(html, stamp, attached, name, description, said.append), said


def warm_up() -> None:
    """Load WeasyPrint and lay out a line in the report's fonts, so that a worker's first real job starts
    at layout (run in a fresh worker while the parent evaluates)."""
    html = (
        '<html lang="en"><head><title>-</title><link rel="stylesheet" href="report.css"/></head>'
        "<body><p>0</p></body></html>"
    )
    html_to_pdf(html, dt.datetime(1980, 1, 1, tzinfo=dt.UTC), "{}", "warm-up.json", "warm-up")


def html_to_pdf(
    html: str, stamp: dt.datetime, attached: str, name: str, description: str, notify: Notify | None = None
) -> bytes:
    """PDF/A-3a bytes of `html` (templates/ only), with `attached` as the associated file `name`;
    `stamp` is the document date, so the same html gives the same bytes (also used by the portfolio)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    fetcher = TemplateOnlyFetcher(templates_dir())
    attachment = weasyprint.Attachment(
        string=attached,
        name=name,
        relationship="Source",
        url_fetcher=fetcher,
        description=description,
        created=stamp,
        modified=stamp,
    )
    # fontTools stamps subset fonts with the current time unless SOURCE_DATE_EPOCH is set; fontconfig
    # reads FONTCONFIG_FILE when WeasyPrint's FontConfiguration loads its configuration.
    env = {
        "SOURCE_DATE_EPOCH": str(int(stamp.timestamp())),
        "FONTCONFIG_FILE": str(templates_dir() / "fonts" / "fonts.conf"),
    }
    with _RENDER_LOCK, _environment_set(env), _weasyprint_log() as boxes, _collector_paused(), _flate_level():
        try:
            with warnings.catch_warnings():  # "No fonts configured": by design, report.css brings them
                warnings.simplefilter("ignore")
                fonts = FontConfiguration()
            doc = _document(html, templates_dir().as_uri() + "/", fetcher)
            data = doc.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment], font_config=fonts)
        except FatalURLFetchingError as exc:
            raise OutputError(f"the report template asked for a resource that is not allowed: {exc}") from exc
    if boxes:  # printable.py should have prevented it: never silently
        (notify or _ignore)(
            f"the PDF shows an empty box for {', '.join(sorted(set(boxes)))}: "
            "please report it as a bug of reportgen"
        )
    return bytes(data)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while WeasyPrint runs: a layout allocates millions of
    small objects, and the collector re-scanned them hundreds of times, a fifth of a report's time
    (measured on the acme sample: 1.3 s of 6.5 s on a loaded machine) for some 35 MB saved at the peak.
    Reference counting still frees what it can; the collector resumes, with its own schedule, after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# Elements the HTML parser would not leave inside a <p> (it closes the paragraph before them).
_CLOSES_P = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer form h1 h2 "
    "h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul".split()
)
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
_SVG = "{http://www.w3.org/2000/svg}svg"
_XMLNS = "{http://www.w3.org/2000/xmlns/}xmlns"


def _document(html: str, base_url: str, fetcher: URLFetcher) -> Any:
    """weasyprint.HTML of `html`: its tree read by expat when that reading is the one an HTML parser
    gives (_xml_tree), by WeasyPrint's own HTML parser otherwise. Expat reads the acme report in
    3 ms, tinyhtml5 in 120 ms. The HTML object is made by WeasyPrint itself (from an empty page, so
    that it has whatever attributes its version sets); only its tree is then replaced."""
    import cssselect2  # type: ignore[import-untyped]
    import weasyprint

    tree = _xml_tree(html)
    if tree is None:
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    doc = weasyprint.HTML(string="<html></html>", base_url=base_url, url_fetcher=fetcher)
    if not (hasattr(doc, "wrapper_element") and hasattr(doc, "etree_element")):  # another WeasyPrint
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    doc.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    doc.etree_element = doc.wrapper_element.etree_element
    return doc


def _xml_tree(html: str) -> Any:
    """The element tree of `html` read as XML, or None unless it is the tree tinyhtml5 would build.

    Well-formed XML (no HTML entity, every element closed) can still be read otherwise by an HTML
    parser, which adds what HTML leaves implicit: a tbody around rows, the end of a paragraph before
    a block. Such documents, and any other than <html><head/><body/></html>, go to the HTML parser.
    The report templates are written so that both readings agree (test_pdf_archive checks the bytes).
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(html)
    except ET.ParseError:
        return None
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"]:
        return None
    for parent in root.iter():
        for child in parent:
            if child.tag == "tr" and parent.tag not in _ROW_GROUPS:
                return None
            if parent.tag == "p" and child.tag in _CLOSES_P:
                return None
        if parent.tag in ("table", "thead", "tbody", "tfoot", "tr") and any(
            (text or "").strip() for text in (parent.text, *(c.tail for c in parent))
        ):
            return None  # text an HTML parser would move out of the table
        for child in parent:  # an HTML parser keeps an <svg>'s namespace declaration as an attribute
            if child.tag == _SVG and parent.tag != _SVG:
                child.set(_XMLNS, _SVG[1:-4])
    return root


class _Zlib:
    """The zlib module as pydyf sees it while a report is written, with one change: content streams are
    compressed at zlib's default level (6) instead of pydyf's 9. Level 9 cost the acme report 0.13 s of
    CPU against 0.04 s, for a file 3 % smaller (measured on its 185 streams, 2.1 MB before compression)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, FLATE_LEVEL), *args, **kwargs)


FLATE_LEVEL = 6


@contextlib.contextmanager
def _flate_level() -> Iterator[None]:
    """pydyf's module-level `zlib` replaced by _Zlib while WeasyPrint writes (one render at a time per
    process, under _RENDER_LOCK). Should a pydyf release stop using it, this changes nothing."""
    import pydyf  # type: ignore[import-untyped]

    saved = getattr(pydyf, "zlib", None)
    if saved is not zlib:
        yield
        return
    pydyf.zlib = _Zlib()
    try:
        yield
    finally:
        pydyf.zlib = saved


def _ignore(note: str) -> None:
    return None


@contextlib.contextmanager
def _environment_set(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class _BoxCatcher(logging.Handler):
    """Keeps the code points of WeasyPrint's ".notdef glyph rendered" warnings; drops other records."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.codes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if ".notdef" in str(record.msg) and len(record.args or ()) >= 2:
            self.codes.append(f"U+{record.args[-1]:04X}")  # type: ignore[index]


@contextlib.contextmanager
def _weasyprint_log() -> Iterator[list[str]]:
    """WeasyPrint's warnings (fetch failures, missing glyphs) kept off the terminal, boxes collected."""
    logger = logging.getLogger("weasyprint")
    saved = logger.level, logger.propagate
    catcher = _BoxCatcher()
    logger.addHandler(catcher)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield catcher.codes
    finally:
        logger.removeHandler(catcher)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


class TemplateOnlyFetcher(URLFetcher):
    """Serves files under the templates folder and refuses everything else (network, other files).

    Refusals stop the rendering (fail_on_errors): the template itself never asks for anything else,
    so a refused URL means something tried to smuggle a resource into a report.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(fail_on_errors=True)
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        from weasyprint.urls import URLFetcherResponse

        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise PermissionError(f"refused to fetch {url!r}: reports may only use files of templates/")
        target = Path(unquote(parts.path)).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            raise PermissionError(f"refused to read {url!r}: not a file under {self.root}")
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return URLFetcherResponse(target.as_uri(), target.read_bytes(), {"Content-Type": mime})
