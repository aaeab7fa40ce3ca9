"""The PDF disclosure (issue 4): `write_pdf(ev, path)` renders templates/report.html.j2 with WeasyPrint.

The output is PDF/A-3a (archival, and tagged by definition: a structure tree in reading order, table
headers, the chart's alternative text, the language in `/Lang`) with the canonical inputs and the
evaluation attached as `disclosure.json` (relationship Source), so the report carries its own proof. Untrusted disclosure text reaches the page
only through Jinja2 autoescaping, and WeasyPrint may fetch nothing but files under templates/ (fonts,
CSS): a value such as `<img src="file:///etc/passwd">` prints as text and could not be fetched anyway.
Same inputs give the same bytes: every date in the file comes from the disclosure, never the clock, and
every glyph from the fonts of templates/fonts, never the host's (fontconfig is pointed at
templates/fonts/fonts.conf while rendering). What those fonts cannot show is replaced visibly
(presentation/printable.py) and told to `notify` before the layout starts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import mimetypes
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup, escape
from weasyprint.urls import URLFetcher

from reportgen.errors import OutputError
from reportgen.evaluation.model import Evaluation
from reportgen.output import document_date, refuse_inputs, write_bytes
from reportgen.presentation.chart import phase_split_svg
from reportgen.presentation.printable import printable_view
from reportgen.presentation.view import build_view
from reportgen.proof.payload import ATTACHMENT_NAME, payload_json
from reportgen.resources import t, templates_dir
from reportgen.standard import load_standard

TEMPLATE = "report.html.j2"
FONT_FAMILY = "Report Sans"
# Level A of PDF/A-3 (ISO 19005-3): WeasyPrint 70 writes the structure tree for it (pdf_tags), and the
# XMP says pdfaid:part 3, conformance A. The README names this variant; tests hold both to it.
PDF_VARIANT = "pdf/a-3a"


Notify = Callable[[str], None]
# The environment (dates, fontconfig file) and WeasyPrint's logger are per process: one render at a time.
_RENDER_LOCK = threading.Lock()


def write_pdf(
    ev: Evaluation,
    path: Path,
    protect: Iterable[Path] = (),
    baseline: Evaluation | None = None,
    notify: Notify | None = None,
) -> Path:
    """Render `ev` to a PDF/A-3a file at `path`, atomically, never over a protected (input) file; with a
    `baseline`, the report adds the part "Change since the baseline" (issue 17).

    `notify` receives, before the layout starts, each note on text the report could not print as given
    (characters the fonts lack, texts cut): the same notes are printed at the end of the report.
    """
    protect = list(protect)
    refuse_inputs(Path(path), protect)  # fail before the slow part
    return write_bytes(Path(path), render_pdf(ev, baseline, notify), protect)


def render_pdf(ev: Evaluation, baseline: Evaluation | None = None, notify: Notify | None = None) -> bytes:
    """The PDF bytes (deterministic for a given evaluation and baseline)."""
    html, notes = _render_html(ev, baseline)
    for note in notes:
        (notify or _ignore)(note)
    return html_to_pdf(
        html,
        document_date(ev),
        payload_json(ev, baseline),
        ATTACHMENT_NAME,
        "AILD disclosure: canonical inputs and evaluation (reportgen-disclosure/1)",
        notify,
    )


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
    with _RENDER_LOCK, _environment_set(env), _weasyprint_log() as boxes:
        try:
            with warnings.catch_warnings():  # "No fonts configured": by design, report.css brings them
                warnings.simplefilter("ignore")
                fonts = FontConfiguration()
            doc = weasyprint.HTML(string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=fetcher)
            data = doc.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment], font_config=fonts)
        except FatalURLFetchingError as exc:
            raise OutputError(f"the report template asked for a resource that is not allowed: {exc}") from exc
    if boxes:  # printable.py should have prevented it: never silently
        (notify or _ignore)(
            f"the PDF shows an empty box for {', '.join(sorted(set(boxes)))}: "
            "please report it as a bug of reportgen"
        )
    return bytes(data)


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


def render_html(ev: Evaluation, baseline: Evaluation | None = None) -> str:
    """The report as HTML (the template filled with build_view); exposed for tests and debugging."""
    return _render_html(ev, baseline)[0]


def _render_html(ev: Evaluation, baseline: Evaluation | None = None) -> tuple[str, list[str]]:
    """The HTML and the notes on text that could not be printed as given."""
    std = load_standard(ev.standard.edition, ev.standard.id)
    view = printable_view(build_view(ev, std), ev.language)  # as the bundled fonts and the layout can print
    lang = ev.language
    phases = [(g.id, g.label.get(lang)) for g in std.phases]
    stamp = document_date(ev)
    context: dict[str, Any] = {
        **view,
        "lang": lang,
        "t": lambda key, **kw: t(key, lang).format(**kw) if kw else t(key, lang),
        "chart_svg": phase_split_svg(
            view["totals"], phases, FONT_FAMILY, t("rpt_colon", lang), t("rpt_chart_title", lang)
        ),
        "chart_compact": phase_split_svg(
            view["totals"], phases, FONT_FAMILY, t("rpt_colon", lang), t("rpt_chart_title", lang), True
        ),
        "font_family": FONT_FAMILY,
        "created_w3c": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "change": None,
    }
    if baseline is not None:
        from reportgen.presentation.change import build_change_view

        context["change"] = build_change_view(baseline, ev)
    return _environment().get_template(TEMPLATE).render(context), list(view["printing"])


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    env.filters["wrap_id"] = wrap_id
    return env


def wrap_id(field_id: str) -> Markup:
    """A field id, escaped, that may wrap after '.' and '_' (long ids in narrow columns)."""
    return Markup(str(escape(field_id)).replace(".", ".\u200b").replace("_", "_\u200b"))


def css_string(text: str) -> Markup:
    """A CSS string literal for @page margin boxes: every non-alphanumeric character escaped."""
    body = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{body}"')


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
