"""The PDF disclosure (issue 4): `write_pdf(ev, path)` renders templates/report.html.j2 with WeasyPrint.

The output is PDF/A-3a (archival, and tagged by definition: a structure tree in reading order, table
headers, the chart's alternative text, the language in `/Lang`) with the canonical inputs and the
evaluation attached as `disclosure.json` (relationship Source), so the report carries its own proof.
Untrusted disclosure text reaches the page only through Jinja2 autoescaping, and WeasyPrint may fetch
nothing but files under templates/ (pdf_engine.py): a value such as `<img src="file:///etc/passwd">`
prints as text and could not be fetched anyway. Same inputs give the same bytes: every date in the file
comes from the disclosure, never the clock, and every glyph from the fonts of templates/fonts. What those
fonts cannot show is replaced visibly (presentation/printable.py) and told to `notify` before the layout
starts. This module fills the template (a `PdfJob`); pdf_engine.py lays it out.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reportgen.evaluation.model import Evaluation
from reportgen.output import document_date, refuse_inputs, write_bytes
from reportgen.presentation.activity_chart import months_svg
from reportgen.presentation.chart import phase_split_svg
from reportgen.presentation.printable import printable_view
from reportgen.presentation.view import build_view
from reportgen.proof.payload import ATTACHMENT_NAME, payload_json
from reportgen.resources import t, templates_dir
from reportgen.standard import load_standard

Notify = Callable[[str], None]
# The template's own indentation between two tags: WeasyPrint would parse each run into a text node and
# build a box for it, only to collapse it. Text of the disclosure never matches (its "<" are escaped).
_BETWEEN_LINES = re.compile(r">[ \t]*\n\s*<")
TEMPLATE = "report.html.j2"
FONT_FAMILY = "Report Sans"


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
    job = pdf_job(ev, baseline)
    for note in job.notes:
        (notify or _ignore)(note)
    from reportgen.presentation.pdf_engine import lay_out

    data, said = lay_out(*job.engine_args())
    for note in said:
        (notify or _ignore)(note)
    return data


@dataclass(frozen=True)
class PdfJob:
    """A report ready for pdf_engine, as plain data: what `lay_out` needs, and the notes on text that
    could not be printed as given (said before the layout starts)."""

    html: str
    stamp: dt.datetime  # the document date: the same job gives the same bytes
    attached: str  # disclosure.json
    name: str
    description: str
    notes: list[str] = field(default_factory=list)

    def engine_args(self) -> tuple[str, dt.datetime, str, str, str]:
        """The arguments of `pdf_engine.lay_out`: strings and a date, picklable for a worker process."""
        return self.html, self.stamp, self.attached, self.name, self.description


def pdf_job(ev: Evaluation, baseline: Evaluation | None = None) -> PdfJob:
    """The report as a job for pdf_engine: its HTML, date and attached data, and the notes on text that
    could not be printed as given. No WeasyPrint here: a worker process may lay it out."""
    html, notes = _render_html(ev, baseline)
    return PdfJob(
        html,
        document_date(ev),
        payload_json(ev, baseline),
        ATTACHMENT_NAME,
        "AILD disclosure: canonical inputs and evaluation (reportgen-disclosure/1)",
        notes,
    )


def _ignore(note: str) -> None:
    return None


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
        "activity_svg": [months_svg(c, FONT_FAMILY) for c in (view["activity"] or {}).get("charts", [])],
        "font_family": FONT_FAMILY,
        "created_w3c": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "change": None,
    }
    if baseline is not None:
        from reportgen.presentation.change import build_change_view

        context["change"] = build_change_view(baseline, ev)
    html = _environment().get_template(TEMPLATE).render(context)
    return _BETWEEN_LINES.sub("><", html), list(view["printing"])


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["css_string"] = css_string
    env.filters["wrap_id"] = wrap_id
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiling report.html.j2 costs a render about 0.1 s, on the path before the layout can start: the
    compiled code is kept in Jinja's per-user cache folder (mode 0700), for the next process. A cache
    entry is used only for the same template source (Jinja checks its checksum), Jinja version and
    options; without a usable folder, templates are compiled each time."""
    tag = f"reportgen-{jinja2.__version__}-trim-lstrip-strict-autoescape"
    try:
        return _BestEffortCache(pattern=f"{tag}-%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder: compile every time
        return None


class _BestEffortCache(jinja2.FileSystemBytecodeCache):
    """A cache that never fails a render: an unreadable or damaged entry is a miss (the template is
    compiled), an entry that cannot be written (disk full) is not kept."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # truncated or foreign file: pickle and marshal raise many kinds
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def wrap_id(field_id: str) -> Markup:
    """A field id, escaped, that may wrap after '.' and '_' (long ids in narrow columns)."""
    return Markup(str(escape(field_id)).replace(".", ".\u200b").replace("_", "_\u200b"))


def css_string(text: str) -> Markup:
    """A CSS string literal for @page margin boxes: every non-alphanumeric character escaped."""
    body = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{body}"')
