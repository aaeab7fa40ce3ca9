"""Page 1 of the PDF is the summary a reader needs (issue 13, item 1): status in words with what it covers,
the headline figures in display units, per-unit figures, and for an incomplete report the missing items
with what to supply — and no field id. Checked on the text PDFium extracts from page 1 of every sample, in
English and French."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES, pdf_pages

from reportgen import evaluate_file, evaluate_mapping
from reportgen.presentation.summary import present
from reportgen.presentation.view import build_view
from reportgen.resources import t
from reportgen.standard import load_standard

CASES = [(p.name, lang) for p in sorted(SAMPLES.glob("*.yaml")) for lang in ("en", "fr")]


def squash(text: str) -> str:
    """Extracted text without white space (lines are broken, and digits grouped with U+202F)."""
    return re.sub(r"[\s\u200b]+", "", text)


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{lang}" for n, lang in CASES])
def page1(request, sample_reports):
    name, lang = request.param
    r = sample_reports(name, lang)
    pages = pdf_pages(r.pdf_bytes)
    return r.ev, pages[0], "\n".join(pages[1:])


def test_page1_has_status_and_what_it_covers(page1):
    ev, text, _ = page1
    p = present(ev)
    flat = squash(text)
    assert squash(p.status_text) in flat
    assert squash(t("scope_title", ev.language).upper()) in squash(text.upper())  # CSS capitals
    n = sum(1 for s in ev.boundary.values() if s == "included")
    assert squash(t("scope_phases_text", ev.language).format(n=n, of=7)) in flat
    if ev.self_declared:
        assert squash(t("self_declared", ev.language)) in flat


def test_page1_has_the_headline_figures_in_display_units(page1):
    ev, text, _ = page1
    view = build_view(ev)
    flat = squash(text)
    for card in view["cover"]["headline"]:
        for c in card["pair"] or [card]:
            assert squash(f"{c['label']}") in flat, c["label"]
            assert squash(f"{c['value']} {c['unit']}") in flat, (c["label"], c["value"])
            if c["partial"]:
                assert squash(t("rpt_partial_flag", ev.language)) in flat
    for row in view["cover"]["per_unit"]:
        assert squash(f"{row['label']}{row['per_request']}{row['per_1k']}") in flat
    if ev.inference_share is not None:
        assert squash(view["functional_units"]["inference_share"]) in flat


def test_page1_lists_missing_items_with_what_to_supply(page1):
    ev, text, _ = page1
    flat = squash(text)
    if ev.status == "complete":
        assert squash(t("cov_missing", ev.language)) not in flat
        return
    first = ev.missing_items[0]
    assert squash(first.label) in flat
    assert squash(present(ev).supply[first.field])[:40] in flat


def test_page1_shows_no_field_id(page1):
    ev, text, rest = page1
    std = load_standard(ev.standard.edition)
    flat = squash(text)
    shown = [fid for fid in std.fields if fid in flat]
    assert shown == []
    assert any(fid in squash(rest) for fid in std.fields)  # they are in the rest of the report


def test_supply_text_never_names_a_field_id(std):
    ev = evaluate_file(SAMPLES / "mistral-large-2.yaml")
    texts = present(ev).supply
    assert set(texts) == set(ev.missing)
    assert all(texts.values())
    assert [f for f, x in texts.items() if any(fid in x for fid in std.fields)] == []


def test_scope_names_a_narrow_energy_scope_and_self_declared(acme_tree, std):
    tree = {**acme_tree, "boundary": {**acme_tree["boundary"], "energy_scope": "it_equipment"}}
    tree["verification"] = {"level": "internal_review"}
    tree["boundary"]["phases"] = {**acme_tree["boundary"]["phases"], "finetuning": "not_applicable"}
    scope = {s.key: s for s in present(evaluate_mapping(tree)).scope}
    assert scope["phases"].text.startswith("6 of 7 included: ") and scope["phases"].notice
    assert "Fine-tuning" not in scope["phases"].text
    assert scope["energy_scope"].text.startswith("IT equipment only") and scope["energy_scope"].notice
    assert scope["verification"].text == "Internal review — Self-declared — not independently verified"
    full = {s.key for s in present(evaluate_mapping(acme_tree)).scope}
    assert "energy_scope" not in full  # the facility scope needs no word


def test_withheld_without_note_says_so(acme_tree):
    tree = {**acme_tree, "training": {**acme_tree["training"], "energy": {"withheld": "confidential"}}}
    del tree["training"]["accelerator_hours"]  # nothing to derive it from
    ev = evaluate_mapping(tree)
    assert "training.energy" in ev.missing
    assert present(ev).supply["training.energy"].startswith("withheld (Confidential) without the note")
