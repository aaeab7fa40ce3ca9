"""The PDF disclosure (issue 4): content of SPEC clause 11, proof attached, safety, determinism, French.

Each PDF is rendered once per module (WeasyPrint is the slow part) and read back with pypdf.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from reportgen.commands.main import main
from reportgen.evaluation.pipeline import evaluate_mapping
from reportgen.presentation import fmt
from reportgen.presentation.chart import phase_split_svg
from reportgen.presentation.pdf import render_html, render_pdf, write_pdf
from reportgen.presentation.pdf_engine import TemplateOnlyFetcher
from reportgen.presentation.view import build_view
from reportgen.proof.payload import without_file_names
from reportgen.resources import t, templates_dir
from reportgen.standard import load_standard
from tests.conftest import pdf_pages, shorter

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"
SECTIONS = [
    "sec_identification",
    "sec_summary",
    "sec_boundary",
    "sec_phases",
    "sec_functional_units",
    "sec_methodology",
    "sec_verification",
    "sec_trace",
    "sec_missing",
    "sec_fingerprint",
]
HOSTILE = {
    "system.name": "<b>Evil</b> & Co",
    "methodology.description": '<img src="file:///etc/passwd"> <script>alert(1)</script>',
    "end_of_life.treatment": "<link rel=stylesheet href=http://evil.example/x.css> see https://evil.example/a.png",
}


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def flat(text: str) -> str:
    """Whitespace removed: ids and titles wrapped across lines still match."""
    return re.sub(r"\s+", "", text)


def acme_tree() -> dict:
    with ACME.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def std():
    return load_standard()


@pytest.fixture(scope="module")
def acme(sample_reports):
    r = sample_reports(ACME.name)
    return r.ev, r.pdf_bytes, pdf_text(r.pdf_bytes)


@pytest.fixture(scope="module")
def hostile():
    """An incomplete disclosure whose text fields hold markup and URLs, self-declared, narrow scope."""
    tree = shorter(acme_tree(), keep=("end_of_life",))  # HOSTILE writes in its section
    for fid, text in HOSTILE.items():
        group, key = fid.split(".")
        tree[group][key] = text
    del (
        tree["training"]["accelerator_count"],
        tree["inference"]["requests"],
        tree["organization"]["contact_email"],
    )
    tree["verification"] = {"level": "internal_review"}
    tree["boundary"]["energy_scope"] = "it_equipment"
    ev = evaluate_mapping(tree, source="hostile.yaml")
    data = render_pdf(ev)
    return ev, data, pdf_text(data), render_html(ev)


@pytest.fixture(scope="module")
def acme_fr(sample_reports):
    r = sample_reports(ACME.name, "fr")
    return r.ev, r.pdf_bytes, pdf_text(r.pdf_bytes)


def test_every_section_status_and_fingerprint(acme):
    ev, data, text = acme
    assert data.startswith(b"%PDF-")
    for key in SECTIONS:
        assert flat(t(key, "en")) in flat(text), key
    assert "Complete" in text
    assert ev.fingerprint in flat(text)
    assert "Self-declared" not in text  # limited assurance


def test_sections_in_clause_11_order(acme):
    _, _, text = acme
    body = flat(text)
    pos = 0
    for key in SECTIONS:  # each title occurs after the previous one (ValueError otherwise)
        pos = body.index(flat(t(key, "en")), pos) + 1


def test_every_field_id_in_html_and_pdf(acme, std):
    ev, _, text = acme
    html = render_html(ev).replace("\u200b", "")  # ids carry zero-width break opportunities
    body = flat(text)
    missing_html = [fid for fid in std.fields if fid not in html]
    missing_pdf = [fid for fid in std.fields if fid not in body]
    assert missing_html == [] and missing_pdf == []


def test_totals_in_report_units(acme):
    ev, _, text = acme
    # 386,741.7 kWh → 386.7 MWh; 90,510.98 kgCO2e → 90.51 tCO2e; 693,846 L → 693.8 m3
    for shown in ("386.7 MWh", "90.51 tCO₂e", "693.8 m³", "0.97 kg Sb eq"):
        assert shown in text
    assert "8.6 × 10²²" in text  # FLOP in scientific notation, not 23 digits


def test_attachment_equals_check_json(acme):
    ev, data, _ = acme
    reader = PdfReader(io.BytesIO(data))
    attached = reader.attachments
    assert list(attached) == ["disclosure.json"]
    payload = json.loads(attached["disclosure.json"][0])
    assert payload["fingerprint"] == ev.fingerprint
    # check's JSON, without the input's file name (a report never reveals it)
    assert payload["evaluation"] == without_file_names(ev.model_dump(mode="json"))
    assert payload["evaluation"]["source"] is None and ev.source == "acme-assistant-7b.yaml"
    assert "acme-assistant-7b.yaml" not in attached["disclosure.json"][0].decode()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", str(ACME), "--format", "json"]) == 0
    assert without_file_names(json.loads(out.getvalue())) == payload["evaluation"]


def test_pdfa3_metadata(acme):
    ev, data, _ = acme
    reader = PdfReader(io.BytesIO(data))
    meta = reader.metadata
    assert meta.author == "Acme AI SAS"
    assert "Acme Assistant 2.1" in meta.title
    assert "AILD D1" in meta.get("/Keywords", "")
    assert meta.get("/CreationDate", "").startswith("D:20260915")  # publication date, not the clock
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    spec = reader.trailer["/Root"]["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Source" and spec["/F"] == "disclosure.json"


def test_rendering_twice_gives_identical_bytes(acme, tmp_path):
    ev, data, _ = acme
    path = write_pdf(ev, tmp_path / "again.pdf")
    assert path.read_bytes() == data


def test_write_refuses_to_overwrite_input(acme, tmp_path):
    from reportgen.errors import OutputError

    ev, _, _ = acme
    victim = tmp_path / "in.yaml"
    victim.write_text("x")
    with pytest.raises(OutputError):
        write_pdf(ev, victim, protect=[victim])
    assert victim.read_text() == "x"


def test_missing_items_and_status_listed(hostile):
    ev, _, text, _ = hostile
    assert ev.status == "incomplete" and ev.missing
    body = flat(text)
    from reportgen.presentation.fmt import status_text

    assert flat(status_text(ev)) in body
    for fid in ev.missing:
        assert fid in body
    assert "Self-declared — not independently verified" in text  # internal review (clause 10)
    assert "Narrower than facility" in text  # energy scope it_equipment (clause 6.3)


def test_markup_and_urls_render_as_literal_text(hostile):
    _, data, text, html = hostile
    body = flat(text)
    for literal in HOSTILE.values():
        assert flat(literal) in body, literal
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first = passwd.read_text(errors="ignore").splitlines()[0]
        assert first.encode() not in data and first not in text


def test_fetcher_serves_only_template_files():
    fetcher = TemplateOnlyFetcher(templates_dir())
    css = fetcher.fetch((templates_dir() / "report.css").as_uri())
    assert b"@page" in css.read()
    for url in (
        "http://evil.example/x.css",
        "https://example.com/a.png",
        "file:///etc/passwd",
        (templates_dir() / ".." / "pyproject.toml").as_uri(),
        "data:text/plain,hi",
    ):
        with pytest.raises(PermissionError):
            fetcher.fetch(url)


def test_french_numbers_use_narrow_no_break_space(acme_fr):
    ev, _, text = acme_fr
    grouped = fmt.number(ev.values["training.energy"].value, "fr")
    assert "\u202f" in grouped  # "80 924" with U+202F
    assert grouped in text
    assert "386,7 MWh" in text and "Synthèse des impacts" in text and "Complet" in text


def test_chart_svg_is_wellformed_and_escaped(std):
    totals = [
        {
            "label": "<GHG & co>",
            "value": "1",
            "unit": "t",
            "has_value": True,
            "partial": True,
            "partial_text": "partial: no value for <x>",
            "phases": [
                {"id": "training", "label": "Training", "share": 0.6, "share_text": "60%"},
                {"id": "inference", "label": "Inference & <op>", "share": 0.4, "share_text": "40%"},
            ],
        }
    ]
    phases = [(g.id, g.label.get("en")) for g in std.phases]
    svg = phase_split_svg(totals, phases, "Report Sans")
    root = ET.fromstring(svg)  # well-formed, so labels were escaped
    texts = "".join(root.itertext())
    assert "<GHG & co>" in texts and "Training" in texts and "60%" in texts
    # titles and legend are HTML over the drawing (WeasyPrint draws SVG text letter by letter); only
    # the shares inside the bars stay SVG text
    words = ["".join(w.itertext()) for w in root.iter("span") if w.get("class", "").startswith("w")]
    assert words == ["<GHG & co>: 1 t — partial: no value for <x>", "Training", "Inference and operation"]
    assert [e.text for e in root.iter("{http://www.w3.org/2000/svg}text")] == ["60%", "40%"]
    assert phase_split_svg([], phases, "Report Sans") == ""


def test_view_lists_every_field_once(acme, std):
    ev, _, _ = acme
    view = build_view(ev, std)
    ids = [r["id"] for g in view["identification"]["groups"] for r in g["rows"]]
    ids += [b[k]["id"] for b in view["boundary"]["phases"] for k in ("status", "justification")]
    ids += [r["id"] for r in view["boundary"]["rows"]]
    ids += [r["id"] for p in view["phases"] for r in p["rows"] + p["empty"]]  # empty ones on one line
    ids += [r["id"] for r in view["methodology"]["rows"]] + [r["id"] for r in view["verification"]["rows"]]
    ids += [r["id"] for g in view["published"] for r in g["rows"]]  # D1.1 (A6): aggregate, functional_unit
    assert sorted(ids) == sorted(std.fields)
    assert view["self_declared"] is None
    assert all(e["source"] and e["factor"] for e in view["equivalences"])


def test_self_declared_when_verification_absent(std):
    tree = copy.deepcopy(acme_tree())
    del tree["verification"]
    view = build_view(evaluate_mapping(tree), std)
    assert view["self_declared"] == "Self-declared — not independently verified"


def test_report_template_compiled_once_into_a_private_cache(acme, tmp_path, monkeypatch):
    """A render's template is compiled once and kept in Jinja's per-user cache folder (mode 0700), so a
    later process starts the layout sooner; the cached code gives the same HTML; and without a usable
    folder the template is simply compiled each time."""
    import tempfile

    import jinja2

    from reportgen.presentation import pdf

    ev = acme[0]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    pdf._environment.cache_clear()
    try:
        first = render_html(ev)
        [cache] = tmp_path.glob("_jinja2-cache-*/reportgen-*.cache")
        assert cache.parent.stat().st_mode & 0o777 == 0o700
        pdf._environment.cache_clear()

        def no_compiling(*args, **kwargs):
            raise AssertionError("compiled again")

        with monkeypatch.context() as m:
            m.setattr(jinja2.Environment, "compile", no_compiling)
            assert render_html(ev) == first  # from the cache
        cache.write_bytes(cache.read_bytes()[:20])  # damaged: compiled again, never an error
        pdf._environment.cache_clear()
        assert render_html(ev) == first
        pdf._environment.cache_clear()
        cache.unlink()

        def disk_full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as m:
            m.setattr(tempfile, "NamedTemporaryFile", disk_full)
            assert render_html(ev) == first  # not kept, still rendered
        assert not cache.exists()
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "not-a-folder"))
        (tmp_path / "not-a-folder").write_text("")
        pdf._environment.cache_clear()
        assert pdf._bytecode_cache() is None
        assert render_html(ev) == first
    finally:
        pdf._environment.cache_clear()
