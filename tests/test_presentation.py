"""The presentation model (issue 11, item 1): every output shows the status, completeness, missing items,
findings and totals that `present()` derives once — the text of `check`, the PDF view and the Excel
disclosure are checked against it here, so that a renderer re-deriving them on its own fails."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from reportgen import evaluate_file
from reportgen.presentation import fmt
from reportgen.presentation.summary import is_missing_item, present
from reportgen.presentation.text import evaluation_text
from reportgen.presentation.view import build_view
from reportgen.presentation.xlsx import disclosure_workbook
from reportgen.standard.units import Units


@pytest.fixture(scope="module", params=[("mistral-large-2.yaml", "en"), ("acme-assistant-7b.yaml", "fr")])
def ev(request):
    name, lang = request.param
    return evaluate_file(SAMPLES / name, lang=lang)


def test_totals_are_in_each_indicators_report_unit(ev, std):
    pres = present(ev)
    std = pres.std
    units = Units(std)
    assert [x.id for x in pres.totals] == list(ev.totals)
    for total in pres.totals:
        ind, raw = std.indicators[total.id], ev.totals[total.id]
        assert total.unit == ind.report_unit
        if raw.value is not None:
            assert total.value == pytest.approx(units.convert(raw.value, ind.unit, ind.report_unit))
        for phase, x in raw.by_phase.items():
            assert total.by_phase[phase] == pytest.approx(units.convert(x, ind.unit, ind.report_unit))
        assert bool(total.partial_text) == raw.partial


def test_missing_items_are_not_listed_again_as_findings(ev):
    pres = present(ev)
    assert all(not is_missing_item(f) for f in pres.findings)
    assert len(pres.findings) == sum(1 for f in ev.findings if f.code not in ("M-REQ", "M-REQ-COND"))
    assert sum(len(g.items) for g in pres.missing) == len(ev.missing_items)


def test_the_check_text_the_pdf_view_and_the_workbook_show_the_same_figures(ev):
    pres = present(ev)
    text, view = evaluation_text(ev), build_view(ev)
    assert pres.status_text in text and view["status"]["text"] == pres.status_text
    assert pres.completeness_text in text and view["status"]["completeness"] == pres.completeness_text
    assert [f["code"] for f in view["findings"]] == [f.code for f in pres.findings]
    wb = disclosure_workbook(ev)
    cells = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    for total, row in zip(pres.totals, view["totals"], strict=True):
        assert row["label"] == total.label and row["unit"] == total.unit_text
        if total.value is None:
            continue
        assert row["value"] == fmt.number(total.value, pres.lang)
        assert any(r[0] == total.label and r[1] == pytest.approx(total.value) for r in cells if len(r) > 1)
