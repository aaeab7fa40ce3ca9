"""The one door from the web layer into reportgen: every library call of `reportgen.web` is made here.

The web app only knows what this module returns, so a restructuring of the library (issue 11: packages,
one presentation model) changes this file and no other of the package. Everything here is blocking work
(parsing, evaluating, rendering); the app calls it from worker threads, never on the event loop.

Uploaded files are stored under names the server chose (`input.xlsx`); the names the client gave are put
back into what the user reads — the evaluation's source and locations, error messages, verify details —
so that the page and the API say what `reportgen check disclosure.xlsx` would say.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.activity import confined
from reportgen.commands.verify import check_text, result_json
from reportgen.errors import InputError, ReportgenError
from reportgen.evaluation.model import Evaluation, Location
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.inputs import SPREADSHEET_SUFFIXES
from reportgen.inputs.bundle import MAX_ZIP_BYTES, extract_bundle
from reportgen.inputs.tree import MAX_BYTES
from reportgen.output import report_stem
from reportgen.presentation.summary import is_missing_item  # noqa: F401  (the page lists missing items apart)
from reportgen.presentation.view import build_view
from reportgen.proof.signing import MAX_KEY_BYTES, MAX_SIG_BYTES
from reportgen.proof.verify import verify_report
from reportgen.resources import colon, data_dir, t, templates_dir  # noqa: F401  (colon: the page's typography)
from reportgen.standard import available_editions, load_standard
from reportgen.version import __version__

LibraryError = ReportgenError  # what the library raises for bad input: its message is for the user
UnreadableInput = InputError
VERSION = __version__
UPLOAD_LIMIT = MAX_BYTES  # the reader's own limit of a disclosure file (10 MiB), for every upload
BUNDLE_LIMIT = MAX_ZIP_BYTES  # a zip of a disclosure and its activity tables (Annex D)
KEY_LIMIT = MAX_KEY_BYTES
SIGNATURE_LIMIT = MAX_SIG_BYTES
INPUT_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json", *sorted(SPREADSHEET_SUFFIXES - {".xlsx"}))
REPORT_SUFFIXES = (".pdf", ".xlsx")
LANGS = ("en", "fr")
FORMATS = ("pdf", "xlsx", "zip")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Named:
    """A stored upload and the name its sender gave it."""

    path: Path
    name: str


@dataclass(frozen=True)
class Edition:
    id: str
    edition: str

    @property
    def label(self) -> str:
        return f"{self.id} {self.edition}"


# --- what the page offers -------------------------------------------------------------------------


def text(key: str, lang: str) -> str:
    """A UI string (templates/strings*.yaml), the same store the CLI and the reports use."""
    return t(key, lang)


def web_templates() -> Path:
    return templates_dir() / "web"


def editions() -> list[Edition]:
    """The editions shipped with reportgen, oldest first, as the standard's loader lists them."""
    out = []
    for name in available_editions():  # "aild-d1" (a folder) or "AILD D1"
        sid, _, edition = name.replace("-", " ", 1).partition(" ")
        std = load_standard(edition.upper(), sid.upper())
        out.append(Edition(std.id, std.edition))
    return out


def samples() -> dict[str, Path]:
    """The sample workbooks a visitor can try, by file name (only names from this list are served)."""
    folder = data_dir("samples")
    return {p.name: p for p in sorted(folder.glob("*.xlsx"))} if folder.is_dir() else {}


# --- check, render, template ----------------------------------------------------------------------


def check(upload: Named, lang: str | None) -> Evaluation:
    """Evaluate an uploaded disclosure, or the disclosure of an uploaded zip with its activity tables
    (read relative to it, inside the zip only); an unreadable one raises LibraryError (message with its
    name). Activity tables outside the disclosure's folder are never read (E-ACT-1)."""
    try:
        if upload.path.suffix.lower() == ".zip":
            folder = upload.path.parent / "bundle"
            disclosure = extract_bundle(upload.path, folder)
            with confined():
                ev = evaluate_file(disclosure, lang=lang)
            return _unzipped(ev, folder)
        with confined():
            ev = evaluate_file(upload.path, lang=lang)
    except ReportgenError as exc:
        raise type(exc)(scrub(str(exc), [upload])) from None
    return _renamed(ev, upload.path.name, upload.name)


def check_json(ev: Evaluation) -> dict[str, Any]:
    """Exactly what `reportgen check --format json` prints."""
    return ev.model_dump(mode="json")


def evaluation_schema() -> dict[str, Any]:
    """JSON Schema of `check_json`'s object, generated from the Evaluation model (for the OpenAPI text)."""
    return Evaluation.model_json_schema(mode="serialization")


def view(ev: Evaluation) -> dict[str, Any]:
    """The presentation model the PDF renders, reused by the page."""
    return build_view(ev)


def render(ev: Evaluation, fmt: str, folder: Path) -> tuple[str, bytes]:
    """The report file (`fmt` pdf, xlsx or zip of both) as (download name, bytes)."""
    stem = report_stem(ev)
    if fmt == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in ("pdf", "xlsx"):
                name, data = render(ev, part, folder)
                zf.writestr(name, data)
        return f"{stem}.zip", buf.getvalue()
    path = folder / f"report.{fmt}"
    if fmt == "pdf":
        from reportgen.presentation.pdf import write_pdf

        write_pdf(ev, path)  # one render at a time: pdf_engine.html_to_pdf holds its own lock
    else:
        from reportgen.presentation.xlsx import write_xlsx

        write_xlsx(ev, path)
    return f"{stem}.{fmt}", path.read_bytes()


def template(lang: str, edition: Edition, folder: Path) -> tuple[str, bytes]:
    """The blank fill-in workbook of an edition, in a language, as (download name, bytes)."""
    from reportgen.workbook.template import write_template

    std = load_standard(edition.edition, edition.id)
    path = folder / "template.xlsx"
    write_template(path, std, lang)
    name = f"{std.id}-{std.edition}-template-{lang}.xlsx"
    return name, path.read_bytes()


# --- verify ---------------------------------------------------------------------------------------


def verify(
    report: Named,
    input_file: Named | None,
    signature: Named | None,
    public_key: Named | None,
    lang: str = "en",
) -> dict[str, Any]:
    """`reportgen verify --format json`'s object for the uploads (a LibraryError when unverifiable).

    With `lang` other than English, each check also gets `text`: its name and sentence in that language,
    as `reportgen verify --lang` prints them (the JSON object itself stays in English, as the CLI's).
    """
    uploads = [u for u in (report, input_file, signature, public_key) if u is not None]
    try:
        input_path = input_file.path if input_file else None
        if input_path is not None and input_path.suffix.lower() == ".zip":  # the disclosure and its tables
            input_path = extract_bundle(input_path, input_path.parent / "bundle")
        with confined():  # an input naming tables is read like a checked one: nothing outside its folder
            result = verify_report(
                report.path,
                input_path,
                signature_path=signature.path if signature else None,
                public_key_path=public_key.path if public_key else None,
            )
    except ReportgenError as exc:
        raise type(exc)(scrub(str(exc), uploads)) from None
    data = _scrub_tree(result_json(result), uploads)
    if lang != "en":
        for item, check in zip(data["checks"], result.checks, strict=True):
            item["text"] = dict(zip(("name", "detail"), check_text(check, lang), strict=True))
    return data


# --- the client's names back in what the user reads -------------------------------------------------


def scrub(message: str, uploads: list[Named]) -> str:
    """A message with the server's paths and stored names replaced by the names the client gave."""
    for u in uploads:
        message = message.replace(str(u.path), u.name).replace(str(u.path.resolve()), u.name)
    for u in uploads:
        message = message.replace(u.path.name, u.name)
    return message


def _unzipped(ev: Evaluation, folder: Path) -> Evaluation:
    """The findings without the server's folder the zip was unpacked into (DuckDB names files in full):
    paths read as the zip's own, relative ones."""
    prefixes = sorted({f"{folder}/", f"{folder.resolve()}/"}, key=len, reverse=True)

    def clean(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    return ev.model_copy(
        update={
            "findings": [
                f.model_copy(update={"message": clean(f.message), "fix": clean(f.fix)}) for f in ev.findings
            ]
        }
    )


def _scrub_tree(node: Any, uploads: list[Named]) -> Any:
    if isinstance(node, str):
        return scrub(node, uploads)
    if isinstance(node, list):
        return [_scrub_tree(x, uploads) for x in node]
    if isinstance(node, dict):
        return {k: _scrub_tree(v, uploads) for k, v in node.items()}
    return node


def _renamed(ev: Evaluation, stored: str, shown: str) -> Evaluation:
    """The evaluation as if the file had been read under the client's name (source and locations)."""

    def loc(location: Location | None) -> Location | None:
        if location is None or location.file != stored:
            return location
        return location.model_copy(update={"file": shown})

    return ev.model_copy(
        update={
            "source": shown if ev.source == stored else ev.source,
            "findings": [f.model_copy(update={"location": loc(f.location)}) for f in ev.findings],
            "missing_items": [m.model_copy(update={"location": loc(m.location)}) for m in ev.missing_items],
            "values": {k: v.model_copy(update={"location": loc(v.location)}) for k, v in ev.values.items()},
        }
    )
