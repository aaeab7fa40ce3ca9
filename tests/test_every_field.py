"""Every field of the standard appears in the fill-in template, the Excel disclosure and the PDF report
(the PDF side is checked in test_render_pdf.py on the extracted text as well as here on the HTML)."""

from __future__ import annotations

from html import unescape

import pytest
from conftest import SAMPLES
from openpyxl import load_workbook

from reportgen import evaluate_file
from reportgen.presentation.pdf import render_html
from reportgen.presentation.xlsx import write_xlsx
from reportgen.workbook.template import write_template


def cell_texts(path) -> set[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return {
            str(v).strip()
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        }
    finally:
        wb.close()


@pytest.fixture(scope="module")
def incomplete_ev():
    return evaluate_file(SAMPLES / "mistral-large-2.yaml")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_field_in_the_fill_in_template(std, tmp_path, lang):
    path = write_template(tmp_path / "t.xlsx", std, lang)
    texts = cell_texts(path)
    assert [fid for fid in std.fields if fid not in texts] == []


def test_every_field_in_the_excel_disclosure(std, tmp_path, incomplete_ev):
    texts = cell_texts(write_xlsx(incomplete_ev, tmp_path / "d.xlsx"))
    assert [fid for fid in std.fields if fid not in texts] == []
    assert all(m in texts for m in incomplete_ev.missing)


def test_every_field_in_the_pdf_template(std, incomplete_ev):
    html = unescape(render_html(incomplete_ev).replace("\u200b", ""))
    assert [fid for fid in std.fields if fid not in html] == []
    # the boundary table names each phase instead of repeating "X in scope" / "Justification: X"
    labelled = [
        f
        for f in std.fields.values()
        if not f.id.startswith(("boundary.phases.", "boundary.justifications."))
    ]
    assert [f.id for f in labelled if f.label.en not in html] == []
