"""The PDF reads as a document (issue 13, item 2): a phase outside the boundary takes one line, empty
optional items are named on one line per phase, one display unit per indicator, large counts in one
notation, no hyphen inserted, no orphaned last page, and the input's file name appears nowhere."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import SAMPLES, pdf_pages
from pypdf import PdfReader

from reportgen.commands.main import main
from reportgen.presentation.view import build_view
from reportgen.resources import t


def squash(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", text)


def pages(data: bytes) -> list[str]:
    return pdf_pages(data)


@pytest.fixture(scope="module")
def llama(sample_reports):
    """Meta's model card: training only, six phases excluded, many empty optional items."""
    r = sample_reports("llama-3.1-405b.yaml")
    return r.ev, pages(r.pdf_bytes)


@pytest.fixture(scope="module")
def acme_fr(sample_reports):
    r = sample_reports("acme-assistant-7b.yaml", "fr")
    return r.ev, pages(r.pdf_bytes)


def test_a_phase_outside_the_boundary_takes_one_line(llama, std):
    ev, text = llama
    flat = squash("\n".join(text))
    body = flat[flat.index(squash(t("sec_phases", "en"))) :]
    line = squash("Fine-tuning and alignment clause 7.4 — Excluded: Post-training compute is counted in the")
    assert line in body
    assert [f.id for f in std.fields_of("finetuning") if f.id in body] == []  # no row of its fields
    view = build_view(ev)
    finetuning = next(p for p in view["phases"] if p["id"] == "finetuning")
    assert finetuning["one_line"] and finetuning["rows"] == []


def test_empty_optional_items_are_named_on_one_line(llama):
    ev, text = llama
    view = build_view(ev)
    training = next(p for p in view["phases"] if p["id"] == "training")
    empty = {e["id"] for e in training["empty"]}
    assert "training.location_region" in empty and "training.pue" in empty
    assert not empty & set(ev.missing)  # missing mandatory items keep their row
    assert {"training.wallclock_days", "training.grid_intensity"} <= {r["id"] for r in training["rows"]}
    flat = squash("\n".join(text))
    assert (
        squash(f"{t('rpt_empty_fields', 'en')}: Training region / data centre training.location_region")
        in flat
    )


def test_one_display_unit_per_indicator_in_the_phase_tables(acme_fr):
    ev, text = acme_fr
    flat = squash("\n".join(text))
    # training energy 80,923.9 kWh and location-based GHG 4,531.7 kgCO2e, as the summary shows them
    assert squash("training.energy · obligatoire 80,92 MWh") in flat
    assert squash("training.ghg_location · obligatoire 4,532 tCO₂e") in flat
    assert squash("inference.water · recommandé 534,5 m³") in flat
    start = flat.rindex(squash(t("sec_phases", "fr")))  # the part's title (page 1 uses the words too)
    phases = flat[start : flat.index(squash(t("sec_functional_units", "fr")), start)]
    assert "kgCO₂e" not in phases and "kWh" not in phases.replace("gCO₂e/kWh", "").replace("L/kWh", "")


def test_large_counts_in_one_notation(acme_fr):
    _, text = acme_fr
    flat = squash("\n".join(text))
    for fid, shown in (
        ("inference.requests", "1,2 × 10⁹"),
        ("inference.output_tokens", "3,6 × 10¹¹"),
        ("inference.input_tokens", "1,5 × 10¹²"),
        ("system.parameters_total", "7,2 × 10⁹"),
    ):
        assert squash(shown) in flat, fid
    assert "360000000000" not in re.sub(r"[\s\u202f,.]", "", flat)


def test_no_hyphen_inserted_and_no_orphaned_last_page(llama, acme_fr):
    for _, text in (llama, acme_fr):
        assert "\u2010" not in "".join(text)  # WeasyPrint's hyphenation character
    for ev, text in (llama, acme_fr):
        last = squash(text[-1])
        lang = ev.language
        assert squash(t("sec_fingerprint", lang)) in last
        assert last.index(squash(t("sec_fingerprint", lang))) > 10  # the part before ends on this page
        assert ev.fingerprint in last


def test_the_report_never_reveals_the_input_file_name(tmp_path, capsys):
    name = "zqx-confidential-draft"
    source = tmp_path / f"{name}.yaml"
    shutil.copy(SAMPLES / "llama-3.1-405b.yaml", source)  # incomplete; its values located in the file
    assert main(["render", str(source), "-o", str(tmp_path / "out")]) == 1
    capsys.readouterr()
    [pdf] = (tmp_path / "out").glob("*.pdf")
    reader = PdfReader(pdf)
    assert name not in "\n".join(pdf_pages(pdf))
    assert name not in json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})
    xmp = reader.trailer["/Root"].get("/Metadata")
    assert xmp is None or name.encode() not in xmp.get_object().get_data()
    attached = reader.attachments["disclosure.json"][0].decode()
    assert name not in attached
    assert main(["verify", str(pdf), str(source)]) == 0  # and it still verifies against its input
