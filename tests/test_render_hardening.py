"""Issue 10, rendering and writing outputs, through the CLI: characters the fonts lack (defect 2), long
unbroken text (defect 8), a read-only output folder (defect 9), outputs checked before any is written,
file names of systems named in other scripts, temporary files on SIGTERM/SIGINT and fsync (defect 12)."""

from __future__ import annotations

import ctypes
import io
import os
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ContentStream

from reportgen import output
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.presentation import printable
from reportgen.presentation.printable import Printer, showable
from reportgen.resources import strings
from tests.conftest import pdf_pages, run_once, shorter

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"
ACME_XLSX = ROOT / "samples" / "acme-assistant-7b.xlsx"


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, cwd=ROOT, **kw
    )


def acme_with(tmp_path: Path, name: str = "in.yaml", **fields: object) -> Path:
    """acme, `shorter` (its training and inference: complete, 9 pages), with `fields` (group__key) set."""
    tree = shorter(yaml.safe_load(ACME.read_text(encoding="utf-8")))
    for fid, value in fields.items():
        group, key = fid.split("__")
        tree[group][key] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    return path


def fonts_and_codes(data: bytes) -> dict[str, tuple[object, set[int]]]:
    """Each font the pages draw with: its encoding and the 2-byte codes shown (pages and form XObjects)."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, tuple[object, set[int]]] = {}

    def walk(content, resources) -> None:
        resources = resources.get_object() if resources else {}
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts else {}
        current = None
        for operands, op in ContentStream(content, reader).operations:
            if op == b"Tf":
                current = fonts[operands[0]].get_object()
                found.setdefault(str(current["/BaseFont"]), (current.get("/Encoding"), set()))
            elif op in (b"Tj", b"TJ") and current is not None:
                items = operands[0] if op == b"TJ" else [operands[0]]
                for s in items:
                    if hasattr(s, "original_bytes"):
                        raw = s.original_bytes
                        found[str(current["/BaseFont"])][1].update(
                            int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)
                        )
        xobjects = resources.get("/XObject")
        for x in xobjects.get_object().values() if xobjects else []:
            x = x.get_object()
            if x.get("/Subtype") == "/Form":
                walk(x, x.get("/Resources"))

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources"))
    return found


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data)).replace("\x00", "")


# -- defect 2: characters the bundled fonts cannot show ----------------------------------------------------

UNICODE = {
    "system__name": "模型 😀 🚀",  # CJK, an emoji DejaVu has, one it lacks
    "organization__name": "Acme\x07 AI",  # a control character
    "methodology__description": "\uf0b7 Measured\u2028\uf0b7 Audited \ue000 ❤\ufe0f",  # Word bullet, PUA
}


def unicode_render(tmp_path_factory) -> tuple[Path, int, str, Path]:
    """acme with the UNICODE texts, rendered to PDF by `reportgen render` in a process of its own (the
    report's layout in its worker), once per run (test_pdf_archive reads the same PDF): the disclosure,
    the exit code, stderr and the PDF."""

    def make(folder: Path) -> None:
        src = acme_with(folder, **UNICODE)
        proc = cli("render", str(src), "-o", str(folder / "out"), "--format", "pdf")
        (folder / "exit-code").write_text(str(proc.returncode))
        (folder / "stderr").write_text(proc.stderr, encoding="utf-8")

    folder = run_once(tmp_path_factory, "unicode-render", make)
    [pdf] = (folder / "out").glob("*.pdf")
    code = int((folder / "exit-code").read_text())
    return folder / "in.yaml", code, (folder / "stderr").read_text(encoding="utf-8"), pdf


def test_characters_the_fonts_lack_never_print_a_box(tmp_path_factory, capsys):
    from reportgen.commands.main import main

    src, code, stderr, pdf = unicode_render(tmp_path_factory)
    assert code == main(["check", str(src)]), stderr  # the exit code of `check`
    assert pdf.name.startswith("模型-2.1-AILD-")
    data = pdf.read_bytes()
    fonts = fonts_and_codes(data)
    assert fonts
    for name, (encoding, codes) in fonts.items():
        assert "+Report-" in name, f"{name}: a font that is not bundled drew text"
        assert encoding == "/Identity-H", f"{name}: a custom CMap means a .notdef glyph was drawn"
        assert 0 not in codes, f"{name}: glyph 0 (.notdef) drawn"
    text = pdf_text(data)
    for shown in ("⟨U+6A21⟩⟨U+578B⟩", "😀", "⟨U+1F680⟩", "Acme⟨U+0007⟩", "⟨U+F0B7⟩", "⟨U+E000⟩", "❤"):
        assert shown in text, shown
    # Said before rendering (before "wrote"), and in the report, naming the fields.
    warning, wrote = stderr.index("warning: Characters"), stderr.index("wrote ")
    assert warning < wrote
    for fid, point in (
        ("system.name", "U+1F680"),
        ("organization.name", "U+0007"),
        ("methodology.description", "U+F0B7"),
    ):
        assert f"{fid} (" in stderr and point in stderr
    flat = "".join(text.split())
    assert (
        "Charactersthatthereport'sfontscannotshow" in flat
        and "methodology.description(U+F0B7,U+E000)" in flat
    )
    # The metadata keeps what needs no glyph, and stays well-formed XML (XMP) with a control character.
    reader = PdfReader(io.BytesIO(data))
    assert "模型 😀 🚀" in reader.metadata.title and reader.metadata.author == "Acme⟨U+0007⟩ AI"
    ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    capsys.readouterr()
    assert main(["verify", str(pdf), str(src)]) == 0, capsys.readouterr()  # and the report still verifies


def test_every_report_string_is_printable():
    """The template's own words (en, fr) need no replacement: only disclosure text can hold such characters."""

    def texts(node, where):
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield from texts(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from texts(v, f"{where}[{i}]")

    bad = {
        where: [f"U+{ord(c):04X}" for c in text if not showable(c) and c not in printable.AS_SPACE]
        for where, text in texts(strings(), "strings")
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_printer_replaces_drops_and_records():
    p = Printer("en")
    assert p.text("plain ASCII", "x") == "plain ASCII"
    assert p.text("a\ufe0fb\u2029c\td", "f.a") == "ab c d"  # selectors dropped, separators as spaces
    assert p.text("x\ue000y", "f.b") == "x⟨U+E000⟩\u200by"  # private use, even where DejaVu has a glyph
    assert p.replaced == {"f.b": ["U+E000"]}


# -- defect 8: long unbroken text --------------------------------------------------------------------------


def test_long_runs_get_break_opportunities_and_long_texts_are_cut():
    p = Printer("en")
    run = "x" * 100
    broken = p.text(run, "f.a")
    assert broken.replace("\u200b", "") == run
    assert all(len(part) <= printable.BREAK_EVERY for part in broken.split("\u200b"))
    assert p.text("word " * 8, "f.b") == "word " * 8  # ordinary text untouched
    accents = p.text("e\u0301" * 40, "f.d")  # never a break between a letter and its mark
    assert accents.replace("\u200b", "") == "e\u0301" * 40 and "\u200b\u0301" not in accents
    markers = p.text("模" * 40, "f.e")  # nor inside ⟨U+6A21⟩
    assert all(part in ("", "⟨U+6A21⟩") for part in markers.split("\u200b"))
    cut = p.text("y" * (printable.MAX_CHARS + 500), "f.c")
    assert cut.replace("\u200b", "").startswith("y" * printable.MAX_CHARS + " [… 500 more characters")
    assert p.clipped == {"f.c": 500}


def test_a_100000_character_word_renders_cut_and_says_so(tmp_path, capsys):
    from reportgen.commands.main import main  # in process: the process boundary is tested above

    src = acme_with(tmp_path, methodology__description="A" * 100_000)
    code = main(["render", str(src), "-o", str(tmp_path), "--format", "pdf"])
    stderr = capsys.readouterr().err
    assert code == 0, stderr
    assert "methodology.description (98,000)" in stderr
    [pdf] = tmp_path.glob("Acme-Assistant-2.1-AILD-*.pdf")
    data = pdf.read_bytes()
    assert len(PdfReader(io.BytesIO(data)).pages) < 20
    flat = "".join(pdf_text(data).split())
    assert "A" * 500 in flat and "[…98,000morecharacters" in flat
    assert "Textslongerthan2,000charactersarecut" in flat


# -- defect 9: a read-only output folder -------------------------------------------------------------------


def _without_dac_override() -> None:
    """Child of a root test run: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (prctl PR_CAPBSET_DROP)
    before exec, so that folder permissions apply to it as to any user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_read_only_output_folder_is_exit_2_with_a_message(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        for fmt in ("pdf", "xlsx", "pdf,xlsx"):
            proc = cli(
                "render",
                str(ACME),
                "-o",
                str(folder),
                "--format",
                fmt,
                preexec_fn=_without_dac_override if os.geteuid() == 0 else None,
            )
            assert proc.returncode == 2, proc.stderr
            assert (
                "read-only" in proc.stderr and str(folder) in proc.stderr and "Traceback" not in proc.stderr
            )
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


# -- defect 12: outputs checked first, names, temporary files, fsync ---------------------------------------


def test_render_checks_every_output_before_writing_any(tmp_path, capsys):
    """The input workbook has the name the output workbook would get: nothing at all may be written."""
    src = tmp_path / f"{output.report_stem(evaluate_file(ACME_XLSX))}.xlsx"
    shutil.copy(ACME_XLSX, src)
    before = src.read_bytes()
    from reportgen.commands.main import main  # in process: nothing to lay out, no worker involved

    code = main(["render", str(src), "-o", str(tmp_path)])
    assert code == 2 and "refusing to overwrite the input" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name]
    assert src.read_bytes() == before


def test_systems_named_in_other_scripts_get_distinct_meaningful_names(tmp_path, capsys):
    from reportgen.commands.main import main  # in process: five interpreters would cost seconds, not coverage

    out = tmp_path / "out"
    names = {"模型": "模型-unversioned", "Модель": "Модель-unversioned", "Café IA": "Cafe-IA-unversioned"}
    for i, name in enumerate([*names, "🚀", "🛸"]):
        tree = {"system": {"name": name}}
        src = tmp_path / f"{i}.yaml"
        src.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
        code = main(["render", str(src), "-o", str(out), "--format", "xlsx"])
        assert code == 1, capsys.readouterr().err
    made = sorted(p.name for p in out.iterdir())
    assert len(made) == 5
    for stem in names.values():
        assert any(m.startswith(f"{stem}-AILD-") for m in made), (stem, made)
    emoji = [m for m in made if m.startswith("system-")]
    assert len(emoji) == 2 and emoji[0] != emoji[1]


KILL_DURING_WRITE = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even if our parent ignores it
from reportgen import output
from reportgen.commands.main import main
real = output._fsync
def fsync_then_die(path, folder=False):
    real(path, folder)
    if str(path).endswith(".tmp"):  # the temporary file is complete and synced, not yet renamed
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
output._fsync = fsync_then_die
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("sig, code", [("SIGTERM", 128 + signal.SIGTERM), ("SIGINT", 130)])
def test_no_temporary_file_left_when_killed_while_writing(tmp_path, sig, code):
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            KILL_DURING_WRITE,
            sig,
            "render",
            str(ACME),
            "-o",
            str(out),
            "--format",
            "xlsx",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == code, proc.stderr
    assert list(out.iterdir()) == []  # neither the temporary file nor a partial output


def test_outputs_are_synced_before_the_rename(tmp_path, monkeypatch):
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    target = output.write_bytes(tmp_path / "r.bin", b"data")
    assert target.read_bytes() == b"data"
    assert events == ["fsync", "replace", "fsync"]  # the file, the rename, the folder's entry
    assert [p.name for p in tmp_path.iterdir()] == ["r.bin"]
