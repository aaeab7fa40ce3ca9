"""Issue 17, item 2: `render CURRENT --baseline BASELINE` adds the change part, embeds the comparison, and
`verify --baseline` checks it."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reportgen.commands.main import main
from reportgen.evaluation.pipeline import evaluate_file
from tests.conftest import SAMPLES, pdf_pages

ACME = SAMPLES / "acme-assistant-7b.yaml"


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def rendered(baseline_reports):
    """acme with its inference grid intensity halved, rendered with acme as its baseline (conftest)."""
    return baseline_reports


def test_pdf_has_the_headline_on_page_1_and_the_part(rendered):
    _, files = rendered
    path = next(f for f in files if f.suffix == ".pdf")
    pdf, pages = PdfReader(path), pdf_pages(path)
    first = pages[0]
    fingerprint = evaluate_file(ACME).fingerprint
    assert "Change since the baseline · Comparable: yes, like for like" in first
    assert "−7.582 tCO₂e (−8.4%)" in first
    assert fingerprint in first.replace("\n", "")
    text = "".join(pages)
    assert "Both periods, per indicator" in text and "Per 1,000 output tokens" in text
    data = json.loads(pdf.attachments["disclosure.json"][0])
    assert data["comparison"]["baseline"] == {"fingerprint": fingerprint}
    assert data["comparison"]["phases"]["inference"]["ghg_location"]["change_pct"] == pytest.approx(-50)


def test_workbook_has_the_change_sheet(rendered):
    _, files = rendered
    wb = load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    assert wb.sheetnames[1] == "Change"
    cells = [c for row in wb["Change"].iter_rows(values_only=True) for c in row if c is not None]
    assert evaluate_file(ACME).fingerprint in cells
    assert pytest.approx(-0.5) in cells  # the inference GHG change, as a percentage cell


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx"])
def test_verify_checks_the_comparison(capsys, rendered, suffix):
    _, files = rendered
    report = next(f for f in files if f.suffix == suffix)
    code, out, _ = cli(capsys, "verify", report, "--baseline", ACME)
    assert code == 0 and "ok    baseline file" in out and "ok    comparison" in out
    code, out, _ = cli(capsys, "verify", report)
    assert code == 0 and "ok    comparison: the comparison's current side is this disclosure" in out
    code, out, _ = cli(capsys, "verify", report, "--baseline", SAMPLES / "acme-assistant-7b-d1.yaml")
    assert code == 1 and "FAIL  baseline file" in out and "indicators.ghg_market.baseline" in out


def test_verify_baseline_of_a_report_without_comparison(capsys, tmp_path):
    assert main(["render", str(ACME), "-o", str(tmp_path), "--format", "xlsx"]) == 0
    capsys.readouterr()
    code, out, _ = cli(capsys, "verify", next(tmp_path.iterdir()), "--baseline", ACME)
    assert code == 1 and "it was rendered without --baseline" in out


def test_tampered_comparison_is_found(capsys, rendered, tmp_path):
    """A comparison edited in the workbook's embedded data fails verify, even without the baseline."""
    _, files = rendered
    wb = load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    about = wb[wb.sheetnames[-1]]
    cells = [c for c in about["A"] if isinstance(c.value, str) and '"change_pct": -50.0' in c.value]
    assert cells
    cells[0].value = cells[0].value.replace('"change_pct": -50.0', '"change_pct": -60.0', 1)
    wb.save(tmp_path / "tampered.xlsx")
    code, out, _ = cli(capsys, "verify", tmp_path / "tampered.xlsx", "--baseline", ACME)
    assert code == 1 and "FAIL  comparison" in out and "expected -50, found -60" in out
