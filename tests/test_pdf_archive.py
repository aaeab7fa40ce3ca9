"""Issue 13 item 4: the PDF is tagged (structure tree, table headers, the chart's alternative text,
/Lang) and archival (PDF/A-3 at the level the README names, data attached, fonts embedded, an output
intent), and no glyph it draws is `.notdef` — checked with pypdf and fontTools, and with poppler's
`pdfinfo` and `qpdf --check` where they are installed (no PDF/A validator installs here)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from test_render_hardening import fonts_and_codes, unicode_render

from reportgen.presentation.pdf import render_html
from reportgen.presentation.pdf_engine import PDF_VARIANT
from reportgen.resources import t
from tests.conftest import ROOT, SAMPLES, pdf_pages

ACME = SAMPLES / "acme-assistant-7b.yaml"


@pytest.fixture(scope="module")
def acme_pdf(sample_reports) -> tuple[object, bytes]:
    r = sample_reports(ACME.name)
    return r.ev, r.pdf_bytes


@pytest.fixture(scope="module")
def baseline_pdf(baseline_reports) -> bytes:
    """A report with the change part (its own tables and chart), rendered through the CLI once per run."""
    _, files = baseline_reports
    return next(f for f in files if f.suffix == ".pdf").read_bytes()


def structure(data: bytes) -> list[dict]:
    """Every structure element of the tagged PDF, depth first."""
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    found: list[dict] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    return found


def children(node: dict, tag: str) -> list[dict]:
    """Descendants of `node` with structure type `tag`."""
    out = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            out += [kid] if kid["/S"] == tag else []
            out += children(kid, tag)
    return out


def readme_variant() -> tuple[str, str]:
    """(part, conformance) of the sentence in which the README says which PDF/A reportgen writes."""
    found = re.findall(r"reportgen writes \*\*PDF/A-(\d)([abu])\*\*", (ROOT / "README.md").read_text("utf-8"))
    assert len(found) == 1, "the README names the PDF/A variant once, as 'reportgen writes **PDF/A-3a**'"
    return found[0][0], found[0][1].upper()


def test_readme_names_the_variant_the_code_writes_and_the_xmp_says_it(acme_pdf):
    _, data = acme_pdf
    part, conformance = readme_variant()
    assert PDF_VARIANT == f"pdf/a-{part}{conformance.lower()}"
    xmp = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.findall(r'pdfaid:part="(\d)"', xmp) == [part]
    assert re.findall(r'pdfaid:conformance="([A-Z])"', xmp) == [conformance]


def test_tagged_with_language_and_archival_parts(acme_pdf, baseline_pdf, sample_reports):
    ev, data = acme_pdf
    french = sample_reports(ACME.name, "fr").pdf_bytes
    for pdf, lang in ((data, ev.language), (baseline_pdf, "en"), (french, "fr")):
        root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
        assert root["/Lang"] == lang
        [intent] = root["/OutputIntents"]
        assert intent.get_object()["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent.get_object()
        assert root["/AF"][0].get_object()["/AFRelationship"] == "/Source"  # the data stays attached
        tags = {e["/S"] for e in structure(pdf)}
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure", "/Caption", "/P"} <= tags


def test_every_heading_tagged_in_document_order(acme_pdf):
    """The structure tree follows the HTML: one H1 first, then every h2 and h3 of the template, in order."""
    ev, data = acme_pdf
    html_heads = re.findall(r"<(h[123])\b", render_html(ev))
    pdf_heads = [str(e["/S"])[1:].lower() for e in structure(data) if e["/S"] in ("/H1", "/H2", "/H3")]
    assert pdf_heads == html_heads and pdf_heads[0] == "h1"


def test_every_header_cell_has_a_scope_and_every_data_cell_its_headers(acme_pdf, baseline_pdf):
    ev, data = acme_pdf
    html = render_html(ev)
    cells = re.findall(r"<th\b[^>]*>", html)
    assert cells and all(re.search(r'scope="(row|col)"', c) for c in cells), [
        c for c in cells if "scope" not in c
    ]
    for pdf in (data, baseline_pdf):
        tables = [e for e in structure(pdf) if e["/S"] == "/Table"]
        assert len(tables) > 10
        assert [t for t in tables if not children(t, "/TH")] == []  # the identification grid too
        orphans = [
            e for table in tables for e in children(table, "/TD") if not e.get("/A", {}).get("/Headers")
        ]
        assert orphans == []


def test_charts_have_alternative_text_with_their_figures(acme_pdf, baseline_pdf):
    ev, data = acme_pdf
    figures = [e for e in structure(data) if e["/S"] == "/Figure"]
    assert len(figures) == 2  # the compact chart of page 1 and the full one of the summary of impacts
    for figure in figures:
        alt = str(figure["/Alt"])
        assert alt.startswith(t("rpt_chart_title", "en"))
        assert "GHG emissions (location-based): 90.51 tCO₂e — Hardware manufacturing 75.9%" in alt
    alts = [str(e.get("/Alt", "")) for e in structure(baseline_pdf) if e["/S"] == "/Figure"]
    assert len(alts) == 3 and all(alts)
    assert any(a.startswith(t("cmp_chart_title", "en")) for a in alts)


def embedded_fonts(data: bytes) -> dict[str, TTFont]:
    """The embedded font program of every font the pages use, by base font name."""
    reader = PdfReader(io.BytesIO(data))
    fonts: dict[str, TTFont] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            [cid] = font["/DescendantFonts"]
            descriptor = cid.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
            fonts[str(font["/BaseFont"])] = TTFont(
                io.BytesIO(descriptor["/FontFile2"].get_object().get_data())
            )
    return fonts


def test_no_glyph_drawn_is_notdef_even_for_emoji_and_cjk(tmp_path_factory):
    """Text the fonts lack (CJK, emoji, private use) prints as ⟨U+…⟩; every glyph drawn is a real glyph
    of the embedded subset: not glyph 0, inside the font, with an outline unless it is a space."""
    _, code, stderr, pdf = unicode_render(tmp_path_factory)  # acme with UNICODE's texts, once per run
    assert code in (0, 1), stderr
    data = pdf.read_bytes()
    fonts = embedded_fonts(data)
    drawn = fonts_and_codes(data)
    assert set(drawn) == set(fonts)
    for name, (encoding, codes) in drawn.items():
        assert encoding == "/Identity-H", name  # glyph id = code (CIDToGIDMap Identity)
        font = fonts[name]
        order = font.getGlyphOrder()
        glyf = font["glyf"]
        spaces = {
            gid
            for cp, gname in font.getBestCmap().items()
            if chr(cp).isspace()
            for gid in [font.getGlyphID(gname)]
        }
        for gid in codes:
            assert 0 < gid < len(order), f"{name}: glyph {gid} is .notdef or outside the font"
            glyph = glyf[order[gid]]
            assert glyph.numberOfContours != 0 or gid in spaces, f"{name}: glyph {gid} drawn empty"
    assert "⟨U+6A21⟩" in "".join(pdf_pages(pdf))


@pytest.mark.skipif(
    not shutil.which("pdfinfo"), reason="poppler-utils is not installed (apt-get install poppler-utils)"
)
def test_pdfinfo_says_tagged_and_pdffonts_embedded(acme_pdf, tmp_path):
    _, data = acme_pdf
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = rows.splitlines()[2:]
    assert fonts and all(re.search(r"CID TrueType\s+Identity-H\s+yes\s+yes\s+yes", f) for f in fonts), rows


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf is not installed (apt-get install qpdf)")
def test_qpdf_finds_no_damage(acme_pdf, tmp_path):
    _, data = acme_pdf
    path = Path(tmp_path / "r.pdf")
    path.write_bytes(data)
    proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0 and "No syntax or stream encoding errors" in proc.stdout, proc.stdout


def test_renders_in_threads_run_one_at_a_time_and_equal_renders_alone(monkeypatch):
    """The web server renders in worker threads: html_to_pdf serialises WeasyPrint itself (Pango and the
    process environment it sets are shared), so callers need no lock of their own."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import weasyprint

    from reportgen.presentation.pdf_engine import html_to_pdf

    def one(year: int) -> bytes:
        html = (
            f'<html lang="en"><head><title>T{year}</title><link rel="stylesheet" href="report.css">'
            f"</head><body><p>{year} — Zoë</p></body></html>"
        )
        return html_to_pdf(html, dt.datetime(year, 1, 1, tzinfo=dt.UTC), "{}", "data.json", "data")

    years = list(range(2001, 2007))
    alone = [one(y) for y in years]
    inside, most, guard = [0], [0], threading.Lock()
    real = weasyprint.HTML.write_pdf

    def watched(self, *args, **kwargs):
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.05)  # widen the window another thread would enter
        try:
            return real(self, *args, **kwargs)
        finally:
            with guard:
                inside[0] -= 1

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(one, years)) == alone
    assert most[0] == 1 and len(set(alone)) == len(years)


def test_the_garbage_collector_pauses_during_a_render_only(monkeypatch):
    """A fifth of a render was the cyclic collector re-scanning WeasyPrint's objects (make bench)."""
    import gc

    import weasyprint

    from reportgen.presentation.pdf_engine import warm_up

    seen: list[bool] = []
    real = weasyprint.HTML.write_pdf

    def watched(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)
    assert gc.isenabled()
    warm_up()
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        warm_up()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_streams_flate_compressed_at_the_default_level_and_pydyf_left_as_found():
    """pdf_engine lowers pydyf's zlib level 9 to 6 while it writes (a third of the compression time):
    the streams are still Flate-compressed, equal what zlib 6 gives, and pydyf is restored after."""
    import zlib

    import pydyf

    from reportgen.presentation.pdf_engine import FLATE_LEVEL, html_to_pdf

    html = (
        '<html lang="en"><head><title>T</title><link rel="stylesheet" href="report.css"></head>'
        "<body><p>Flate — Zoë</p></body></html>"
    )
    data = html_to_pdf(html, dt.datetime(2001, 1, 1, tzinfo=dt.UTC), "{}", "data.json", "data")
    assert pydyf.zlib is zlib
    page = PdfReader(io.BytesIO(data)).pages[0]
    content = page["/Contents"].get_object()
    assert content["/Filter"] == "/FlateDecode"
    raw = content.get_data()
    packed = zlib.compressobj(FLATE_LEVEL)
    assert content._data == packed.compress(raw) + packed.flush()
